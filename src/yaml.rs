//! YAML positions: where a key stands in a YAML text, and where serde_yaml says it failed.
//!
//! serde_yaml's typed structs carry no positions, so validation errors found after
//! deserializing (an unknown region, a bad date) would have no line. Rather than parse every
//! front matter twice, [`locate`] re-reads the YAML only when a problem is reported: the
//! happy path pays nothing.

use yaml_rust2::parser::{Event, Parser};

/// One step of a path into a YAML document: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A key of a mapping.
    Key(String),
    /// A position in a sequence, from 0.
    Index(usize),
}

/// Builds a path from `"figures"`, `1`, `"value"`-like steps.
#[macro_export]
macro_rules! ypath {
    ($($seg:expr),* $(,)?) => { [$($crate::yaml::Seg::from($seg)),*] };
}

impl From<&str> for Seg {
    fn from(k: &str) -> Self {
        Seg::Key(k.to_string())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

enum Frame {
    Map { key: Option<String> },
    Seq { next: usize },
}

/// The 1-based (line, column) in `yaml` of the key at `path` (of the item, for a sequence index).
/// Returns `None` when the path does not exist or the text does not parse.
pub fn locate(yaml: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut parser = Parser::new_from_str(yaml);
    let mut stack: Vec<Frame> = Vec::new();
    // The path of the node about to start, and whether it is a key.
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let pos = (mark.line(), mark.col() + 1);
        // Is this event a key of the enclosing mapping?
        let is_key = matches!(stack.last(), Some(Frame::Map { key: None }));
        match event {
            Event::StreamEnd => return None,
            Event::Scalar(..) | Event::Alias(_) | Event::SequenceStart(..) | Event::MappingStart(..) => {
                if is_key {
                    let text = match &event {
                        Event::Scalar(s, ..) => s.clone(),
                        _ => String::new(),
                    };
                    if let Some(Frame::Map { key }) = stack.last_mut() {
                        *key = Some(text);
                    }
                    if path_matches(&stack, path) {
                        return Some(pos);
                    }
                    // A complex key: skip its structure by treating it like a value below.
                    if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)) {
                        skip_node(&mut parser)?;
                    }
                    continue;
                }
                if let Some(Frame::Seq { .. }) = stack.last() {
                    if path_matches(&stack, path) {
                        // A list item that is a mapping is shown where its first key stands
                        // (`- value: 3` → at `value`), which is where the editor looks.
                        if matches!(event, Event::MappingStart(..)) {
                            if let Ok((Event::Scalar(..), m)) = parser.peek() {
                                return Some((m.line(), m.col() + 1));
                            }
                        }
                        return Some(pos);
                    }
                }
                let opened = match event {
                    Event::SequenceStart(..) => Some(Frame::Seq { next: 0 }),
                    Event::MappingStart(..) => Some(Frame::Map { key: None }),
                    _ => None,
                };
                match opened {
                    Some(frame) => stack.push(frame),
                    None => advance(&mut stack),
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                advance(&mut stack);
            }
            _ => {}
        }
    }
}

/// After a value is complete, the enclosing container moves on.
fn advance(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => *key = None,
        Some(Frame::Seq { next }) => *next += 1,
        None => {}
    }
}

fn skip_node(parser: &mut Parser<std::str::Chars<'_>>) -> Option<()> {
    let mut depth = 1usize;
    while depth > 0 {
        match parser.next_token().ok()?.0 {
            Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
            Event::SequenceEnd | Event::MappingEnd => depth -= 1,
            Event::StreamEnd => return None,
            _ => {}
        }
    }
    Some(())
}

fn path_matches(stack: &[Frame], path: &[Seg]) -> bool {
    stack.len() == path.len()
        && stack.iter().zip(path).all(|(frame, seg)| match (frame, seg) {
            (Frame::Map { key: Some(k) }, Seg::Key(want)) => k == want,
            (Frame::Seq { next }, Seg::Index(want)) => next == want,
            _ => false,
        })
}

/// Splits a serde_yaml error into its message (without the " at line …" parts) and its
/// 1-based (line, column). When the parser names what it was scanning ("while scanning a
/// quoted scalar at line 2 column 9"), that place is where the editor's mistake is, so it
/// wins over the place where the parser gave up (often the end of the text).
pub fn split_error(err: &serde_yaml::Error) -> (String, Option<(usize, usize)>) {
    let text = err.to_string();
    let mut message = String::with_capacity(text.len());
    let mut positions = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find(" at line ") {
        message.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let line: String = after.chars().take_while(char::is_ascii_digit).collect();
        let after = &after[line.len()..];
        let (col, after) = match after.strip_prefix(" column ") {
            Some(a) => {
                let c: String = a.chars().take_while(char::is_ascii_digit).collect();
                let len = c.len();
                (c, &a[len..])
            }
            None => (String::new(), after),
        };
        if let (Ok(l), Ok(c)) = (line.parse(), col.parse()) {
            positions.push((l, c));
        }
        rest = after;
    }
    message.push_str(rest);
    let pos = if message.contains("while scanning") {
        positions.last().copied()
    } else {
        None
    };
    let pos = pos.or_else(|| err.location().map(|l| (l.line(), l.column())));
    (message, pos)
}

/// Pulls the field name out of serde's "unknown field `x`, expected one of …" message,
/// with the expected names, so that callers can suggest the nearest.
pub fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    // serde_yaml prefixes nested errors with their path (`byline: unknown field …`).
    let start = message.find("unknown field `")? + "unknown field `".len();
    let rest = &message[start..];
    let (field, tail) = rest.split_once('`')?;
    let expected = tail.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((field.to_string(), expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title: 标题\nregion: 山栋\nfigures:\n  - metric: a\n    value: 1\n  - metric: b\n    value: x\nbyline:\n  reporters: [甲, 乙]\n";

    #[test]
    fn finds_top_level_keys() {
        assert_eq!(locate(DOC, &ypath!["title"]), Some((1, 1)));
        assert_eq!(locate(DOC, &ypath!["region"]), Some((2, 1)));
    }

    #[test]
    fn finds_nested_keys_and_items() {
        assert_eq!(locate(DOC, &ypath!["figures", 1usize, "value"]), Some((7, 5)));
        assert_eq!(locate(DOC, &ypath!["figures", 1usize]), Some((6, 5)));
        assert_eq!(locate(DOC, &ypath!["byline", "reporters", 1usize]), Some((9, 18)));
    }

    #[test]
    fn missing_paths_and_broken_yaml_give_none() {
        assert_eq!(locate(DOC, &ypath!["nope"]), None);
        assert_eq!(locate("a: [", &ypath!["b"]), None);
    }

    #[test]
    fn unclosed_quotes_point_at_the_quote() {
        let err = serde_yaml::from_str::<serde_yaml::Value>("title: t\nregion: \"山东\nx: 1\n").unwrap_err();
        let (msg, pos) = split_error(&err);
        assert_eq!(pos, Some((2, 9)));
        assert!(msg.contains("quoted scalar"), "{msg}");
        assert!(!msg.contains("at line"), "{msg}");
    }

    #[test]
    fn reads_unknown_field_messages() {
        let (f, exp) = unknown_field("unknown field `regoin`, expected one of `title`, `region`").unwrap();
        assert_eq!(f, "regoin");
        assert_eq!(exp, vec!["title", "region"]);
    }
}
