//! Code frames: on a terminal the binary shows each diagnostic's source line with a `^` marker
//! under the bad value; piped, and with `--format json`, the output is the one-line form only.
//! The terminal is a real pseudo-terminal, made by util-linux's `script`.

use crate::harness::*;
use std::process::{Command, Stdio};
use unicode_width::UnicodeWidthStr;

/// An item with two problems: an unknown region (a Chinese value after an ASCII key) and an
/// unknown topic (a Chinese value after Chinese text on its line).
const BAD: &str = "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山栋\ntopics: [基层蹲点, 劳模服物]\n---\n正文\n";

fn site() -> SiteTest {
    SiteTest::with_config(SITE_YAML).with("content/bad.md", BAD)
}

/// Runs `bulletin --root SITE ARGS` with stdout and stderr on a pseudo-terminal; returns what
/// the terminal showed, line ends as `\n`.
fn on_terminal(t: &SiteTest, args: &[&str], no_color: &str) -> String {
    let mut line = format!("'{}' --root '{}'", env!("CARGO_BIN_EXE_bulletin"), t.root().display());
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("NO_COLOR", no_color)
        .current_dir(t.root())
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs the binary on a pseudo-terminal");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n")
}

/// The display column of `needle` in `line`, counting a Chinese character as two.
fn width_before(line: &str, needle: &str) -> usize {
    UnicodeWidthStr::width(&line[..line.find(needle).unwrap_or_else(|| panic!("no {needle} in {line}"))])
}

/// The `^` line right after the source line holding `source`: where its marks start and how many.
fn marker_under(shown: &str, source: &str) -> (usize, usize) {
    let lines: Vec<&str> = shown.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains(source))
        .unwrap_or_else(|| panic!("no `{source}` in:\n{shown}"));
    let marker = lines[i + 1];
    let at = marker
        .find('^')
        .unwrap_or_else(|| panic!("no marker under line {i}:\n{shown}"));
    (UnicodeWidthStr::width(&marker[..at]), marker.matches('^').count())
}

#[test]
fn a_terminal_shows_the_line_with_a_marker_under_the_chinese_value() {
    let t = site();
    let shown = on_terminal(&t, &["build"], "1");
    assert!(!shown.contains('\u{1b}'), "NO_COLOR set, yet colours:\n{shown}");
    // The contract line first, then the frame, then the hint.
    let lines: Vec<&str> = shown.lines().collect();
    let head = lines
        .iter()
        .position(|l| *l == "content/bad.md:4:1: error: unknown region `山栋`")
        .unwrap();
    assert_eq!(lines[head + 2], "4 | region: 山栋", "{shown}");
    assert!(lines[head + 4].starts_with("  hint: did you mean `山东`"), "{shown}");
    // The marks sit under the value, two per character: display width, not characters.
    let source = "4 | region: 山栋";
    assert_eq!(
        marker_under(&shown, source),
        (width_before(source, "山栋"), 4),
        "{shown}"
    );
    let source = "5 | topics: [基层蹲点, 劳模服物]";
    assert_eq!(
        marker_under(&shown, source),
        (width_before(source, "劳模服物"), 8),
        "{shown}"
    );
}

#[test]
fn colours_on_a_terminal_unless_no_color() {
    let t = site();
    let shown = on_terminal(&t, &["build"], "");
    assert!(
        shown.contains('\u{1b}'),
        "an empty NO_COLOR does not turn colours off:\n{shown}"
    );
    assert!(shown.contains("region: 山栋"), "{shown}");
}

#[test]
fn json_on_a_terminal_has_no_frame() {
    let t = site();
    let shown = on_terminal(&t, &["build", "--format", "json"], "1");
    let lines: Vec<&str> = shown.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{shown}");
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert_eq!(v["path"], "content/bad.md");
    }
}

#[test]
fn piped_output_is_one_line_per_problem_and_its_hint() {
    let t = site();
    let run = t.run(&["build"]);
    run.expect_status(1);
    assert_eq!(
        run.stderr,
        "content/bad.md:4:1: error: unknown region `山栋`\n  hint: did you mean `山东`, `山西`?\n\
         content/bad.md:5:16: error: unknown topic `劳模服物`\n  hint: did you mean `劳模服务`? topics are listed in site.yaml\n\
         error: 2 problems found; the output is unchanged\n"
    );
}
