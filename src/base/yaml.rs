//! All YAML reading goes through this module: the serde format crate (`yaml_serde`, the YAML
//! organisation's maintained continuation of serde_yaml, on its `libyaml-rs`) is named here
//! only, and re-exported as [`Value`], [`Mapping`], [`from_str`] and friends; yaml_rust2 reads
//! positions. Changing the YAML library means changing this file (and the tests that pin its
//! messages and places), nothing else.
//!
//! Positions: where a key stands in a YAML text, and where the parser says it failed. The
//! typed structs carry no positions, so validation errors found after deserializing (an unknown
//! region, a bad date) would have no line. Rather than parse every front matter twice,
//! [`locate`] re-reads the YAML only when a problem is reported: the happy path pays nothing;
//! an item with many figures asks once for [`positions`], one pass.
//!
//! [`shape`] guards the serde parser: libyaml, under it, takes time quadratic in the nesting
//! depth of flow collections (`[[[[…`), so a 200 KB front matter of brackets would hold a build
//! for minutes. yaml_rust2 reads the same text in linear time and tells how deep it nests first.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};

/// The serde side of YAML: a document as a tree, a mapping, a number, a parse error, and
/// `from_str` / `from_value` into typed structs.
pub(crate) use yaml_serde::{from_str, from_value, Error, Mapping, Number, Value};

/// One step of a path into a YAML document: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    /// A key of a mapping.
    Key(String),
    /// A position in a sequence, from 0.
    Index(usize),
}

/// Builds a path from `"figures"`, `1`, `"value"`-like steps.
#[macro_export]
macro_rules! ypath {
    ($($seg:expr),* $(,)?) => { [$($crate::base::yaml::Seg::from($seg)),*] };
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
pub(crate) fn locate(yaml: &str, path: &[Seg]) -> Option<(usize, usize)> {
    // Only called when a problem is reported, so one full walk is cheap enough.
    positions(yaml).get(path).copied()
}

/// How deep collections may nest: serde_yaml's own recursion limit (the root mapping counts).
pub(crate) const MAX_DEPTH: usize = 128;

/// Front matter is read by serde_yaml only up to this size when yaml_rust2 finds it broken,
/// since then [`shape`] could not vouch for its nesting.
pub(crate) const MAX_UNCHECKED_BYTES: usize = 16 * 1024;

/// What a first, linear reading of a YAML text found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// It parses and nests at most [`MAX_DEPTH`] levels.
    Fine,
    /// A collection at this 1-based (line, column) is nested deeper than [`MAX_DEPTH`].
    TooDeep(usize, usize),
    /// yaml_rust2 cannot read it: its message and 1-based (line, column).
    Broken(String, usize, usize),
}

/// Whether `yaml` is small and cannot nest [`MAX_DEPTH`] deep, so that [`shape`] has nothing
/// to say: every collection starts at an indicator of its own (`[`, `{`, a block sequence's `-`,
/// a mapping's `:` or `?`), so fewer indicators than levels rule the depth out. Nearly every
/// front matter passes, and skips the second reading.
pub(crate) fn surely_shallow(yaml: &str) -> bool {
    yaml.len() <= MAX_UNCHECKED_BYTES
        && yaml
            .bytes()
            .filter(|b| matches!(b, b'[' | b'{' | b'-' | b':' | b'?'))
            .count()
            < MAX_DEPTH
}

/// Reads `yaml` once with yaml_rust2 (linear time, aliases not expanded) and reports whether
/// it nests too deeply for serde_yaml to read it safely.
pub(crate) fn shape(yaml: &str) -> Shape {
    let mut parser = Parser::new_from_str(yaml);
    let mut depth = 0usize;
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => return Shape::Fine,
            Ok((Event::SequenceStart(..) | Event::MappingStart(..), mark)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Shape::TooDeep(mark.line(), mark.col() + 1);
                }
            }
            Ok((Event::SequenceEnd | Event::MappingEnd, _)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(e) => {
                let (line, col) = (e.marker().line(), e.marker().col() + 1);
                // yaml_rust2 counts flow levels in a u8 and gives up past 255.
                return if e.info().contains("recursion limit") {
                    Shape::TooDeep(line, col)
                } else {
                    Shape::Broken(e.info().to_string(), line, col)
                };
            }
        }
    }
}

/// The path of the node about to start, from the open collections.
fn current_path(stack: &[Frame]) -> Vec<Seg> {
    stack
        .iter()
        .map(|f| match f {
            Frame::Map { key } => Seg::Key(key.clone().unwrap_or_default()),
            Frame::Seq { next } => Seg::Index(*next),
        })
        .collect()
}

/// Every key and sequence item of `yaml` with the 1-based (line, column) [`locate`] gives it,
/// found in one pass: for asking about many paths (one per figure) without re-reading the text
/// each time. Keeps what was found before a syntax error; the first of repeated keys wins;
/// stops below [`MAX_DEPTH`] levels.
pub(crate) fn positions(yaml: &str) -> HashMap<Vec<Seg>, (usize, usize)> {
    let mut parser = Parser::new_from_str(yaml);
    let mut stack: Vec<Frame> = Vec::new();
    let mut found = HashMap::new();
    loop {
        let Ok((event, mark)) = parser.next_token() else {
            return found;
        };
        let pos = (mark.line(), mark.col() + 1);
        let is_key = matches!(stack.last(), Some(Frame::Map { key: None }));
        match event {
            Event::StreamEnd => return found,
            Event::Scalar(..) | Event::Alias(_) | Event::SequenceStart(..) | Event::MappingStart(..) => {
                if is_key {
                    let text = match &event {
                        Event::Scalar(s, ..) => s.clone(),
                        _ => String::new(),
                    };
                    if let Some(Frame::Map { key }) = stack.last_mut() {
                        *key = Some(text);
                    }
                    found.entry(current_path(&stack)).or_insert(pos);
                    if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..))
                        && skip_node(&mut parser).is_none()
                    {
                        return found;
                    }
                    continue;
                }
                if let Some(Frame::Seq { .. }) = stack.last() {
                    let mut at = pos;
                    if matches!(event, Event::MappingStart(..)) {
                        if let Ok((Event::Scalar(..), m)) = parser.peek() {
                            at = (m.line(), m.col() + 1);
                        }
                    }
                    found.entry(current_path(&stack)).or_insert(at);
                }
                match event {
                    Event::SequenceStart(..) if stack.len() < MAX_DEPTH => stack.push(Frame::Seq { next: 0 }),
                    Event::MappingStart(..) if stack.len() < MAX_DEPTH => stack.push(Frame::Map { key: None }),
                    Event::SequenceStart(..) | Event::MappingStart(..) => return found,
                    _ => advance(&mut stack),
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

/// Every key of the top-level mapping with its 1-based (line, column), repeats included, in
/// reading order (an empty text for a key that is itself a list or mapping). Empty when the
/// text is not a mapping; what was found before a syntax error.
pub(crate) fn top_level_keys(yaml: &str) -> Vec<(String, (usize, usize))> {
    let mut parser = Parser::new_from_str(yaml);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut key_next = true;
    loop {
        let Ok((event, mark)) = parser.next_token() else {
            return out;
        };
        let pos = (mark.line(), mark.col() + 1);
        match event {
            Event::StreamEnd => return out,
            Event::SequenceStart(..) if depth == 0 => return out,
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if depth == 1 {
                    if key_next {
                        out.push((String::new(), pos));
                    }
                    key_next = !key_next;
                }
                depth += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            Event::Scalar(..) | Event::Alias(_) if depth == 1 => {
                if key_next {
                    let text = match event {
                        Event::Scalar(s, ..) => s,
                        _ => String::new(),
                    };
                    out.push((text, pos));
                }
                key_next = !key_next;
            }
            Event::Scalar(..) if depth == 0 => return out,
            _ => {}
        }
    }
}

/// The first key that repeats an earlier key of its own mapping, in reading order (the one
/// serde reports as a duplicate): its text, its 1-based (line, column), and the line of the
/// first occurrence. Only plain keys are compared; None when there is no repeat or the text
/// does not parse.
pub(crate) fn duplicate_key(yaml: &str) -> Option<(String, (usize, usize), usize)> {
    // For each open collection: the keys seen (mappings only), and whether a key is next.
    enum Open {
        Map {
            seen: HashMap<String, usize>,
            key_next: bool,
        },
        Seq,
    }
    let mut parser = Parser::new_from_str(yaml);
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let is_key = matches!(stack.last(), Some(Open::Map { key_next: true, .. }));
        match event {
            Event::StreamEnd => return None,
            Event::Scalar(..) | Event::Alias(_) | Event::SequenceStart(..) | Event::MappingStart(..) => {
                if is_key {
                    if let Some(Open::Map { seen, key_next }) = stack.last_mut() {
                        *key_next = false;
                        if let Event::Scalar(text, ..) = &event {
                            if let Some(&first) = seen.get(text) {
                                return Some((text.clone(), (mark.line(), mark.col() + 1), first));
                            }
                            seen.insert(text.clone(), mark.line());
                        }
                    }
                    if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)) {
                        skip_node(&mut parser)?;
                    }
                    continue;
                }
                match event {
                    Event::SequenceStart(..) if stack.len() < MAX_DEPTH => stack.push(Open::Seq),
                    Event::MappingStart(..) if stack.len() < MAX_DEPTH => stack.push(Open::Map {
                        seen: HashMap::new(),
                        key_next: true,
                    }),
                    Event::SequenceStart(..) | Event::MappingStart(..) => return None,
                    _ => {
                        if let Some(Open::Map { key_next, .. }) = stack.last_mut() {
                            *key_next = true;
                        }
                    }
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                if let Some(Open::Map { key_next, .. }) = stack.last_mut() {
                    *key_next = true;
                }
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

/// Splits a serde_yaml error into its message (without the " at line …" parts) and its
/// 1-based (line, column). When the parser names what it was scanning ("while scanning a
/// quoted scalar at line 2 column 9"), that place is where the editor's mistake is, so it
/// wins over the place where the parser gave up (often the end of the text); except for a
/// tab, which is the mistake itself. The same holds for a flow collection being parsed.
pub(crate) fn split_error(err: &Error) -> (String, Option<(usize, usize)>) {
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
    // A tab is wrong where it stands, not where the scalar around it began; an unclosed `[` or
    // `{` is wrong where it opens, not at the end of the text where the parser gave up.
    let scanning = message.contains("while scanning") && !message.contains("tab character");
    let pos = if scanning || message.contains("while parsing a flow") {
        positions.last().copied()
    } else {
        None
    };
    let pos = pos.or_else(|| err.location().map(|l| (l.line(), l.column())));
    (message, pos)
}

/// Turns a 1-based (line, column) of serde_yaml into one of the text as editors count lines.
/// libyaml, under serde_yaml, also breaks lines at U+0085, U+2028 and U+2029, which editors
/// (and yaml_rust2) do not; the text is expected with LF line ends only.
pub(crate) fn text_position(yaml: &str, (line, column): (usize, usize)) -> (usize, usize) {
    if !yaml.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        return (line, column);
    }
    let (mut lib_line, mut lib_col) = (1, 1);
    let (mut our_line, mut our_col) = (1, 1);
    for c in yaml.chars() {
        if (lib_line, lib_col) >= (line, column) {
            break;
        }
        match c {
            '\n' => {
                lib_line += 1;
                lib_col = 1;
                our_line += 1;
                our_col = 1;
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' => {
                lib_line += 1;
                lib_col = 1;
                our_col += 1;
            }
            _ => {
                lib_col += 1;
                our_col += 1;
            }
        }
    }
    (our_line, our_col)
}

/// A position moved inside `text`: libyaml reports an error at the end of a text without a
/// final line break on the line after it, which no editor can go to; such a position becomes
/// the end of the last line.
pub(crate) fn within_text(text: &str, (line, column): (usize, usize)) -> (usize, usize) {
    let lines = text.split('\n').count();
    if line <= lines {
        return (line.max(1), column.max(1));
    }
    let last = text.rsplit('\n').next().unwrap_or_default();
    (lines, last.chars().count() + 1)
}

/// Pulls the field name out of serde's "unknown field `x`, expected one of …" message,
/// with the expected names, so that callers can suggest the nearest.
pub(crate) fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
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
    fn a_position_past_the_end_is_the_end_of_the_last_line() {
        assert_eq!(within_text("a: 1\nb: [", (3, 1)), (2, 5));
        assert_eq!(within_text("a: 1\n", (2, 1)), (2, 1));
        assert_eq!(within_text("a: 1", (1, 3)), (1, 3));
        assert_eq!(within_text("", (2, 1)), (1, 1));
    }

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
        let err = from_str::<Value>("title: t\nregion: \"山东\nx: 1\n").unwrap_err();
        let (msg, pos) = split_error(&err);
        assert_eq!(pos, Some((2, 9)));
        assert!(msg.contains("quoted scalar"), "{msg}");
        assert!(!msg.contains("at line"), "{msg}");
    }

    #[test]
    fn positions_agree_with_locate() {
        let all = positions(DOC);
        let paths: [Vec<Seg>; 7] = [
            ypath!["title"].to_vec(),
            ypath!["region"].to_vec(),
            ypath!["figures"].to_vec(),
            ypath!["figures", 0usize].to_vec(),
            ypath!["figures", 1usize].to_vec(),
            ypath!["figures", 1usize, "value"].to_vec(),
            ypath!["byline", "reporters", 1usize].to_vec(),
        ];
        for p in &paths {
            assert_eq!(all.get(p).copied(), locate(DOC, p), "{p:?}");
            assert!(all.contains_key(p), "{p:?}");
        }
        assert_eq!(all.get(ypath!["nope"].as_slice()), None);
        assert!(!positions("a: [").contains_key(ypath!["b"].as_slice()));
    }

    #[test]
    fn shape_refuses_what_serde_yaml_would_refuse_for_depth() {
        let flow = |d: usize| format!("extra: {}{}\n", "[".repeat(d), "]".repeat(d));
        assert_eq!(shape(&flow(MAX_DEPTH - 1)), Shape::Fine);
        assert!(from_str::<Value>(&flow(MAX_DEPTH - 1)).is_ok());
        assert_eq!(shape(&flow(MAX_DEPTH)), Shape::TooDeep(1, 7 + MAX_DEPTH));
        assert!(from_str::<Value>(&flow(MAX_DEPTH)).is_err());
        // Past yaml_rust2's own flow limit, and quickly.
        assert!(matches!(shape(&flow(100_000)), Shape::TooDeep(1, _)));
        let block: String = (0..MAX_DEPTH + 1).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
        assert!(matches!(shape(&block), Shape::TooDeep(l, _) if l == MAX_DEPTH + 1));
        assert!(matches!(shape("a: \"x\nb: 1\n"), Shape::Broken(..)));
        assert_eq!(shape(DOC), Shape::Fine);
        assert!(surely_shallow(DOC));
        assert!(!surely_shallow(&flow(MAX_DEPTH)));
        assert!(!surely_shallow(&block));
    }

    #[test]
    fn finds_the_repeated_key() {
        assert_eq!(
            duplicate_key("title: a\nregion: b\ntitle: c\n"),
            Some(("title".into(), (3, 1), 1))
        );
        assert_eq!(
            duplicate_key("byline:\n  reporters: [a]\n  reporters: [b]\ntitle: x\ntitle: y\n"),
            Some(("reporters".into(), (3, 3), 2))
        );
        // The same key in two list items is no repeat.
        assert_eq!(duplicate_key("figures:\n  - value: 1\n  - value: 2\n"), None);
        assert_eq!(duplicate_key("a: {x: 1, x: 2}\n"), Some(("x".into(), (1, 11), 1)));
        assert_eq!(duplicate_key(DOC), None);
    }

    #[test]
    fn lists_the_top_level_keys_with_repeats() {
        let keys: Vec<(String, usize)> = top_level_keys(DOC).into_iter().map(|(k, (l, _))| (k, l)).collect();
        let expected = [("title", 1), ("region", 2), ("figures", 3), ("byline", 8)].map(|(k, l)| (k.to_string(), l));
        assert_eq!(keys, expected);
        assert_eq!(top_level_keys("a: 1\na: 2\n").len(), 2);
        assert!(top_level_keys("- a\n- b\n").is_empty());
        assert!(top_level_keys("just text\n").is_empty());
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        let err = from_str::<Value>("title: a\ntopics: [a, b\nx: 1\n").unwrap_err();
        let (msg, pos) = split_error(&err);
        assert!(msg.contains("flow sequence"), "{msg}");
        assert_eq!(pos, Some((2, 9)));
    }

    #[test]
    fn a_tab_is_reported_where_it_stands() {
        let err = from_str::<Value>("title: a\n\tdate: 1\n").unwrap_err();
        let (msg, pos) = split_error(&err);
        assert!(msg.contains("tab"), "{msg}");
        assert_eq!(pos, Some((2, 1)));
    }

    #[test]
    fn unicode_line_separators_do_not_count_as_lines() {
        let yaml = "title: a\u{2028}b\nregion: [\n";
        let err = from_str::<Value>(yaml).unwrap_err();
        let (_, pos) = split_error(&err);
        let pos = pos.unwrap();
        // libyaml counts the separator as a line break; the file has the bracket on line 2.
        assert_eq!(text_position(yaml, pos).0, pos.0 - 1);
        assert_eq!(text_position(yaml, (3, 9)), (2, 9));
        assert_eq!(text_position("a\u{2028}b: [", (2, 4)), (1, 6));
        assert_eq!(text_position("a: 1\n", (9, 9)), (9, 9));
    }

    #[test]
    fn reads_unknown_field_messages() {
        let (f, exp) = unknown_field("unknown field `regoin`, expected one of `title`, `region`").unwrap();
        assert_eq!(f, "regoin");
        assert_eq!(exp, vec!["title", "region"]);
    }

    /// The deepest nesting yaml_rust2 reads in `yaml` (up to where it stops, if broken).
    fn depth(yaml: &str) -> usize {
        let mut parser = Parser::new_from_str(yaml);
        let (mut depth, mut deepest) = (0usize, 0usize);
        while let Ok((event, _)) = parser.next_token() {
            match event {
                Event::StreamEnd => break,
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        deepest
    }

    proptest::proptest! {
        /// `surely_shallow` rests on this: a text never nests deeper than it has indicators.
        #[test]
        fn nesting_never_outnumbers_the_indicators(yaml in "[\\[\\]{}:?, a\n-]{0,200}") {
            let indicators = yaml.bytes().filter(|b| matches!(b, b'[' | b'{' | b'-' | b':' | b'?')).count();
            proptest::prop_assert!(depth(&yaml) <= indicators, "{} levels, {} indicators", depth(&yaml), indicators);
        }
    }
}
