//! Content errors through the real binary: exit status 1, `path:line:column: error: message`
//! with the line counted in the file, a hint where one helps, every problem of every file in
//! one run, and the JSON-lines form.

use crate::harness::*;

/// A site with the shared site.yaml and these content files.
fn site(files: &[(&str, &str)]) -> SiteTest {
    let mut t = SiteTest::with_config(SITE_YAML);
    for (path, text) in files {
        t = t.with(path, text);
    }
    t
}

/// Builds with the binary, expects failure, and returns the one error.
fn one_error(files: &[(&str, &str)]) -> Diag {
    let t = site(files);
    let run = t.run(&["build"]);
    run.expect_status(1);
    assert!(
        run.stderr.contains("the output is unchanged"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(!t.root().join("public").exists(), "a failed first build writes nothing");
    let d = run.error();
    // The exact contract form, first line of stderr: `path:line:column: error: message`,
    // then the hint indented on its own line.
    let mut lines = run.stderr.lines();
    let first = format!("{}:{}:{}: error: {}", d.path, d.line, d.column, d.message);
    assert_eq!(lines.next(), Some(first.as_str()), "stderr:\n{}", run.stderr);
    if let Some(hint) = &d.hint {
        assert_eq!(lines.next(), Some(format!("  hint: {hint}").as_str()));
    }
    d
}

fn assert_at(d: &Diag, path: &str, line: usize, column: usize) {
    assert_eq!(
        (d.path.as_str(), d.line, d.column),
        (path, line, column),
        "at the wrong place: {d:?}"
    );
}

const REGOIN: &str = "---\ntitle: 标题\ndate: 2022-06-20\nregoin: 山东\n---\n正文\n";

#[test]
fn unknown_field_with_did_you_mean() {
    let d = one_error(&[("content/a.md", REGOIN)]);
    assert_at(&d, "content/a.md", 4, 1);
    assert!(d.message.starts_with("front matter: unknown field `regoin`"), "{d:?}");
    assert!(d.hint.as_deref().unwrap().contains("did you mean `region`"), "{d:?}");
}

#[test]
fn unknown_nested_field_suggests_from_its_level() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\nbyline:\n  reporter: [张三]\n---\n正文\n",
    )]);
    assert_at(&d, "content/a.md", 6, 3);
    assert!(d.message.contains("unknown field `reporter`"), "{d:?}");
    assert!(d.hint.as_deref().unwrap().contains("did you mean `reporters`"), "{d:?}");
}

#[test]
fn unknown_region_names_the_nearest() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山栋\n---\n正文\n",
    )]);
    assert_at(&d, "content/a.md", 4, 1);
    assert_eq!(d.message, "unknown region `山栋`");
    assert!(d.hint.as_deref().unwrap().contains("山东"), "{d:?}");
}

#[test]
fn bad_date() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-13-45\nregion: 山东\n---\n正文\n",
    )]);
    assert_at(&d, "content/a.md", 3, 1);
    assert_eq!(d.message, "`2022-13-45` is not a date");
    assert!(d.hint.as_deref().unwrap().contains("YYYY-MM-DD"), "{d:?}");
}

#[test]
fn unknown_metric_with_did_you_mean() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\nfigures:\n  - metric: member_joined\n    value: 3\n---\n新增3人\n",
    )]);
    assert_at(&d, "content/a.md", 6, 5);
    assert_eq!(d.message, "unknown metric `member_joined`");
    assert!(
        d.hint.as_deref().unwrap().contains("did you mean `members_joined`"),
        "{d:?}"
    );
}

#[test]
fn unknown_topic_when_site_yaml_lists_topics() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\ntopics: [基层蹲点, 劳模服物]\n---\n正文\n",
    )]);
    // Column of the second list item, counted in characters: `topics: [基层蹲点, ` is 15.
    assert_at(&d, "content/a.md", 5, 16);
    assert_eq!(d.message, "unknown topic `劳模服物`");
    assert!(d.hint.as_deref().unwrap().contains("did you mean `劳模服务`"), "{d:?}");
}

#[test]
fn any_topic_is_fine_without_a_topic_list() {
    let t = SiteTest::with_config("title: t\nbase_url: https://e.org/\n").with(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\ntopics: [劳模服物]\n---\n正文\n",
    );
    t.run(&["build"]).expect_status(0);
}

#[test]
fn figure_value_that_is_not_a_number() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\nfigures:\n  - metric: members_joined\n    value: abc\n---\n正文\n",
    )]);
    assert_at(&d, "content/a.md", 7, 5);
    assert!(d.message.contains("abc"), "{d:?}");
}

#[test]
fn figure_without_metric_or_label() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\nfigures:\n  - value: 3\n    unit: 个\n---\n3个\n",
    )]);
    assert_eq!((d.path.as_str(), d.line), ("content/a.md", 6), "{d:?}");
    assert_eq!(d.message, "a figure without `metric` needs a `label`");
    assert!(d.hint.is_some());
}

#[test]
fn errors_about_a_whole_figure_point_at_its_first_key() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\nfigures:\n  - value: 3\n    unit: 个\n---\n3个\n",
    )]);
    assert_at(&d, "content/a.md", 6, 5);
}

#[test]
fn missing_title() {
    let d = one_error(&[("content/a.md", "---\ndate: 2022-06-20\nregion: 山东\n---\n正文\n")]);
    assert_at(&d, "content/a.md", 1, 1);
    assert_eq!(d.message, "missing required field `title`");
    assert!(d.hint.is_some());
}

#[test]
fn unclosed_front_matter() {
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\n正文\n",
    )]);
    assert_at(&d, "content/a.md", 1, 1);
    assert!(d.message.contains("front matter is not closed"), "{d:?}");
    assert!(d.hint.as_deref().unwrap().contains("---"), "{d:?}");
}

/// The quote opened on file line 4, column 9 (YAML line 3) is never closed, so the YAML parser
/// runs on to the end of the block.
const UNCLOSED_QUOTE: &str = "---\ntitle: 标题\ndate: 2022-06-20\nregion: \"山东\nsource: 本报讯\n---\n正文\n";

#[test]
fn broken_yaml_is_reported_at_a_file_line() {
    let d = one_error(&[("content/a.md", UNCLOSED_QUOTE)]);
    assert_eq!(d.path, "content/a.md");
    assert!(d.message.starts_with("front matter: "), "{d:?}");
    // The quote opens on YAML line 3, which is file line 4 because the block starts on
    // line 2. A line counted in the block would say 3.
    assert_eq!((d.line, d.column), (4, 9), "{d:?}");
    assert!(d.hint.is_some());
}

#[test]
fn unclosed_quote_points_at_the_quote() {
    let d = one_error(&[("content/a.md", UNCLOSED_QUOTE)]);
    assert_at(&d, "content/a.md", 4, 9);
    assert!(d.message.contains("quote"), "{d:?}");
}

#[test]
fn unclosed_quote_hint_is_about_quotes() {
    let d = one_error(&[("content/a.md", UNCLOSED_QUOTE)]);
    let hint = d.hint.unwrap();
    assert!(!hint.contains("value's type"), "{hint}");
}

#[test]
fn broken_yaml_inside_the_block_is_offset_by_the_opening_line() {
    // A mapping value where a key is expected: YAML line 2 is file line 3.
    let d = one_error(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20: x\nregion: 山东\n---\n正文\n",
    )]);
    assert_eq!((d.path.as_str(), d.line), ("content/a.md", 3), "{d:?}");
}

#[test]
fn crlf_and_bom_give_the_same_diagnostics() {
    let lf = one_error(&[("content/a.md", REGOIN)]);
    let crlf = one_error(&[("content/a.md", &REGOIN.replace('\n', "\r\n"))]);
    let bom = one_error(&[("content/a.md", &format!("\u{feff}{REGOIN}"))]);
    let both = one_error(&[("content/a.md", &format!("\u{feff}{}", REGOIN.replace('\n', "\r\n")))]);
    assert_eq!(crlf, lf);
    assert_eq!(bom, lf);
    assert_eq!(both, lf);
}

#[test]
fn crlf_and_bom_files_build() {
    let source = "\u{feff}---\r\ntitle: 标题\r\nsubtitle: 副题\r\ndate: 2022-06-20\r\nregion: 山东\r\nslug: crlf\r\n---\r\n第一段。\r\n\r\n第二段。\r\n";
    let t = site(&[("content/a.md", source)]);
    t.build();
    let page = t.page("/news/2022/06/20/crlf/");
    assert_eq!(text(&page, "main h1"), "标题");
    assert_eq!(text(&page, "main .subtitle"), "副题");
    assert_eq!(texts(&page, "main .prose p"), ["第一段。", "第二段。"]);
    assert!(!t.read("/news/2022/06/20/crlf/").contains('\r'));
}

#[test]
fn every_problem_of_every_file_in_one_run_sorted() {
    // Written out of order; one file has two problems.
    let t = site(&[
        (
            "content/c.md",
            "---\ntitle: 丙\ndate: 2022-06-31\nregion: 山东\n---\n正文\n",
        ),
        (
            "content/b/z.md",
            "---\ntitle: 乙\ndate: 2022-06-20\nregion: 山栋\n---\n正文\n",
        ),
        ("content/a.md", REGOIN),
        (
            "content/b/y.md",
            "---\ntitle: 乙\ndate: 昨天\nregion: 火星\n---\n正文\n",
        ),
        ("content/ok.md", &simple_item("好", "2022-06-20", "ok")),
    ]);
    let run = t.run(&["build"]);
    run.expect_status(1);
    let places: Vec<(String, usize)> = run.diags().into_iter().map(|d| (d.path, d.line)).collect();
    assert_eq!(
        places,
        [
            ("content/a.md".to_string(), 4),
            ("content/b/y.md".to_string(), 3),
            ("content/b/y.md".to_string(), 4),
            ("content/b/z.md".to_string(), 4),
            ("content/c.md".to_string(), 3),
        ],
        "stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .trim_end()
            .ends_with("error: 5 problems found; the output is unchanged"),
        "{}",
        run.stderr
    );
    // `check` reports the same.
    let check = t.run(&["check"]);
    check.expect_status(1);
    assert_eq!(check.diags(), run.diags());
}

#[test]
fn json_lines_parse_back() {
    let t = site(&[
        ("content/a.md", REGOIN),
        (
            "content/b.md",
            "---\ntitle: 乙\ndate: 2022-06-20\nregion: 山栋\n---\n正文\n",
        ),
    ]);
    let text_run = t.run(&["build"]);
    for args in [["--format", "json", "build"], ["build", "--format", "json"]] {
        let run = t.run(&args);
        run.expect_status(1);
        let lines: Vec<serde_json::Value> = run
            .stderr
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect();
        assert_eq!(lines.len(), 2, "{}", run.stderr);
        let back: Vec<Diag> = lines
            .iter()
            .map(|v| Diag {
                path: v["path"].as_str().unwrap().to_string(),
                line: usize::try_from(v["line"].as_u64().unwrap()).unwrap(),
                column: usize::try_from(v["column"].as_u64().unwrap()).unwrap(),
                severity: v["severity"].as_str().unwrap().to_string(),
                message: v["message"].as_str().unwrap().to_string(),
                hint: v["hint"].as_str().map(str::to_string),
            })
            .collect();
        assert_eq!(back, text_run.diags(), "JSON and text forms agree");
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn warnings_in_json_have_severity_warning() {
    // 9999 does not appear in the text: a traceability warning, and the build still succeeds.
    let t = site(&[(
        "content/a.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\nfigures:\n  - metric: members_joined\n    value: 9999\n---\n新增会员若干。\n",
    )]);
    let run = t.run(&["check", "--format", "json"]);
    run.expect_status(0);
    let v: serde_json::Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(v["severity"], "warning");
    assert_eq!(v["path"], "content/a.md");
    assert_eq!(v["line"], 6);
    assert!(v["message"].as_str().unwrap().contains("9999"), "{v}");
}

#[test]
fn duplicate_slug_on_the_same_date_names_both_files() {
    let t = site(&[
        ("content/a.md", &simple_item("甲", "2022-06-20", "same")),
        ("content/b.md", &simple_item("乙", "2022-06-20", "same")),
        // Same slug on another day is a different URL: fine.
        ("content/c.md", &simple_item("丙", "2022-06-21", "same")),
    ]);
    let run = t.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    let both = format!("{}: {}", d.path, d.message);
    assert!(both.contains("content/a.md") && both.contains("content/b.md"), "{both}");
    assert!(d.message.contains("/news/2022/06/20/same/"), "{d:?}");
    assert!(d.hint.as_deref().unwrap().contains("slug"), "{d:?}");
}

#[test]
fn site_yaml_errors_have_lines_too() {
    let t = SiteTest::with_config("title: t\nbase_url: https://e.org/\nper_pgae: 3\n");
    let run = t.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert_at(&d, "site.yaml", 3, 1);
    assert!(d.message.contains("per_pgae"), "{d:?}");
    assert_eq!(d.hint.as_deref(), Some("did you mean `per_page`?"));
}

#[test]
fn usage_errors_exit_with_2() {
    let t = site(&[]);
    let run = t.run(&["build", "--no-such-flag"]);
    run.expect_status(2);
    let run = t.run(&["frobnicate"]);
    run.expect_status(2);
}

/// An item whose body links to a page the site does not have (line 7 of the file).
const BROKEN_LINK: &str =
    "---\ntitle: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\n---\n见[另一篇](/news/2099/01/01/nope/)。\n";

#[test]
fn check_reports_broken_internal_links() {
    let t = site(&[("content/a.md", BROKEN_LINK)]);
    let run = t.run(&["check"]);
    run.expect_status(1);
    let d = run.error();
    assert!(d.message.contains("/news/2099/01/01/nope/"), "{d:?}");
    assert!(!t.root().join("public").exists(), "check writes nothing");
    // build does not check links: it succeeds.
    t.run(&["build"]).expect_status(0);
}

#[test]
fn broken_internal_links_point_at_the_source() {
    let t = site(&[("content/a.md", BROKEN_LINK)]);
    let d = t.run(&["check"]).error();
    assert_eq!((d.path.as_str(), d.line), ("content/a.md", 7), "{d:?}");
}
