//! Code frames: the source line of a diagnostic with a `^` marker under the bad value, rustc
//! style, for people reading diagnostics in a terminal.
//!
//! Pure: the caller (the binary, when stderr is a terminal and the format is text) reads the
//! file and passes its text. The one-line `path:line:column: error: message` form stays what
//! piped output and `--format json` print; a frame only goes between that line and the hint.
//!
//! Diagnostics count columns in characters; annotate-snippets takes byte offsets and lines the
//! marker up by display width, so a `^` under a Chinese value (two columns per character)
//! lands under it.

use super::diagnostic::{Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// The frame of `diag` in `source` (the whole text of its file): the line with its number and
/// a marker under the value the diagnostic is about, ending in a newline. None when the
/// diagnostic has no position, or its line is not in `source`.
pub fn render_frame(diag: &Diagnostic, source: &str, color: bool) -> Option<String> {
    if diag.line == 0 {
        return None;
    }
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    // Lines as the diagnostics count them: `\n`, `\r\n` and a lone `\r` each end one.
    let line = source
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .nth(diag.line - 1)?;
    let span = marked(line, diag.column, &diag.message);
    let level = match diag.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let snippet = Snippet::source(line)
        .line_start(diag.line)
        .annotation(AnnotationKind::Primary.span(span));
    let report = [Group::with_level(level).element(snippet)];
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = renderer.render(&report);
    out.push('\n');
    Some(out)
}

/// The byte range of `line` to mark for a diagnostic at 1-based character `column` (0:
/// unknown) with `message`: a value the message quotes (`` `山栋` ``) where it stands on the
/// line, the first at or after the column; else the token at the column (a key up to its `:`,
/// a quoted string, a plain value up to `,` `]` `}` or a comment); never empty unless the line is.
fn marked(line: &str, column: usize, message: &str) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    for quoted in message.split('`').skip(1).step_by(2) {
        if quoted.trim().is_empty() {
            continue;
        }
        let found = line[start..]
            .find(quoted)
            .map(|i| start + i)
            .or_else(|| line.find(quoted));
        if let Some(i) = found {
            return i..i + quoted.len();
        }
    }
    let rest = &line[start..];
    let len = token_len(rest);
    if len > 0 {
        return start..start + len;
    }
    // At the end of the line (a missing value): mark the last character.
    match line.char_indices().last() {
        Some((i, c)) if start >= line.len() => i..i + c.len_utf8(),
        _ => start..start,
    }
}

/// The length in bytes of the YAML token at the start of `rest`.
fn token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        None => 0,
        Some((_, q @ ('"' | '\''))) => chars
            .find(|&(_, c)| c == q)
            .map_or(rest.trim_end().len(), |(i, _)| i + 1),
        Some(_) => {
            // A key: up to its colon.
            if let Some(colon) = rest.find(':') {
                let after = &rest[colon + 1..];
                let key = &rest[..colon];
                if (after.is_empty() || after.starts_with(' ')) && !key.contains([' ', ',', '[', '{']) {
                    return colon;
                }
            }
            let end = [", ", ",", "]", "}", " #"]
                .iter()
                .filter_map(|stop| rest.find(stop))
                .min()
                .unwrap_or(rest.len());
            rest[..end].trim_end().len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    /// The frame's source line and marker line, without colours.
    fn frame(line: usize, column: usize, message: &str, source: &str) -> Vec<String> {
        let d = Diagnostic::error("content/a.md", line, column, message);
        render_frame(&d, source, false)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The display columns (0-based) of the `^` marks in a frame line, and of the source text
    /// in the line above it.
    fn marks(frame: &[String]) -> (String, usize, usize) {
        let marker = frame.iter().find(|l| l.contains('^')).expect("a marker line");
        let at = marker.find('^').unwrap();
        let width = marker.matches('^').count();
        (marker.clone(), UnicodeWidthStr::width(&marker[..at]), width)
    }

    #[test]
    fn the_marker_lines_up_under_a_chinese_value() {
        let source = "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山栋\n---\n正文\n";
        let f = frame(4, 1, "unknown region `山栋`", source);
        let line = f.iter().find(|l| l.contains("region: 山栋")).unwrap();
        let value_at = UnicodeWidthStr::width(&line[..line.find("山栋").unwrap()]);
        let (marker, at, width) = marks(&f);
        assert_eq!(at, value_at, "{f:#?}");
        // Two characters, two columns each.
        assert_eq!(width, 4, "{marker}");
        assert!(line.starts_with("4 |"), "{f:#?}");
    }

    #[test]
    fn the_marker_lines_up_after_chinese_text_before_the_value() {
        // Column 16 counts characters: `topics: [基层蹲点, ` is 15 of them but 19 columns wide.
        let source = "a: 1\ntopics: [基层蹲点, 劳模服物]\n";
        let f = frame(2, 16, "unknown topic `劳模服物`", source);
        let line = f.iter().find(|l| l.contains("topics:")).unwrap();
        let value_at = UnicodeWidthStr::width(&line[..line.find("劳模服物").unwrap()]);
        let (_, at, width) = marks(&f);
        assert_eq!((at, width), (value_at, 8), "{f:#?}");
    }

    #[test]
    fn without_a_quoted_value_the_token_at_the_column_is_marked() {
        // A key is marked up to its colon.
        let (_, _, width) = marks(&frame(1, 1, "front matter: unknown field", "regoin: 山东\n"));
        assert_eq!(width, 6);
        // A value in a flow list up to its comma.
        let f = frame(1, 10, "not a number", "values: [12x, 3]\n");
        let (marker, at, width) = marks(&f);
        let line = f.iter().find(|l| l.contains("values")).unwrap();
        assert_eq!(at, line.find("12x").unwrap(), "{marker}");
        assert_eq!(width, 3);
        // A quoted string whole, quotes included.
        let (_, _, width) = marks(&frame(1, 8, "bad", "title: \"a, b\" # note\n"));
        assert_eq!(width, 6);
    }

    #[test]
    fn crlf_and_a_byte_order_mark_do_not_shift_the_frame() {
        let f = frame(2, 9, "unknown region `山栋`", "\u{feff}title: 标题\r\nregion: 山栋\r\n");
        assert!(f.iter().any(|l| l.ends_with("region: 山栋")), "{f:#?}");
        assert!(!f.iter().any(|l| l.contains('\r')));
    }

    #[test]
    fn no_frame_without_a_line_or_beyond_the_text() {
        let d = Diagnostic::file_error("content/a.md", "cannot read");
        assert_eq!(render_frame(&d, "x\n", false), None);
        let d = Diagnostic::error("content/a.md", 9, 1, "x");
        assert_eq!(render_frame(&d, "one line\n", false), None);
    }

    #[test]
    fn colours_only_when_asked() {
        let d = Diagnostic::warning("a.md", 1, 1, "x");
        assert!(render_frame(&d, "key: v\n", true).unwrap().contains('\u{1b}'));
        assert!(!render_frame(&d, "key: v\n", false).unwrap().contains('\u{1b}'));
    }
}
