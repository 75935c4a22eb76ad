//! Validation gaps found by a hostile round (issue #20, items 4, 7, 9 and 10), through the real
//! binary: figures whose totals overflow, topics that would share a page, dates past year 9999,
//! base URLs that would spread into every page, themes outside the site, and files or
//! site.yaml with many problems, all of which are reported in one run.

use crate::harness::*;

/// Builds with the binary, expects exit status 1 with nothing written, and returns the errors.
fn errors(t: &SiteTest, args: &[&str]) -> Vec<Diag> {
    let run = t.run(args);
    run.expect_status(1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!t.root().join("public").exists(), "a failed build writes nothing");
    run.diags().into_iter().filter(|d| d.severity == "error").collect()
}

/// `(path, line, column, message)` of each diagnostic, to compare at once.
fn places(ds: &[Diag]) -> Vec<(String, usize, usize, String)> {
    ds.iter()
        .map(|d| (d.path.clone(), d.line, d.column, d.message.clone()))
        .collect()
}

fn at(path: &str, line: usize, column: usize, message: &str) -> (String, usize, usize, String) {
    (path.to_string(), line, column, message.to_string())
}

/// More than half of the largest Decimal (79,228,162,514,264,337,593,543,950,335): two overflow.
const HUGE: &str = "50000000000000000000000000000";

// --- Item 4: totals that overflow ------------------------------------------------------------

#[test]
fn a_sum_that_overflows_is_an_error_at_the_figure_not_a_panic() {
    let t = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            &format!(
                "title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\nfigures:\n  - metric: members_joined\n    value: \"{HUGE}\"\n  - metric: members_joined\n    value: {HUGE}\n"
            ),
            "正文。\n",
        ),
    );
    let ds = errors(&t, &["build"]);
    assert_eq!(
        places(&ds),
        [at(
            "content/a.md",
            9,
            5,
            &format!("figure `{HUGE}` makes the `members_joined` statistics overflow: totals can hold at most 79228162514264337593543950335"),
        )]
    );
    assert!(ds[0].hint.as_deref().unwrap().contains("typo"), "{:?}", ds[0]);
    // `check` says the same.
    assert_eq!(places(&errors(&t, &["check"])), places(&ds));
}

#[test]
fn a_latest_total_that_overflows_across_provinces_is_an_error_at_the_figure() {
    // `latest` adds the newest figure of each province: 山东's and 广东's together overflow,
    // while a second figure for the same province replaces the first and does not.
    let figure = |region: &str, date: &str| {
        format!("  - metric: cadres_dispatched\n    value: \"{HUGE}\"\n    region: {region}\n    as_of: {date}\n")
    };
    let t = SiteTest::with_config(SITE_YAML)
        .with(
            "content/a.md",
            &item(
                &format!(
                    "title: 甲\ndate: 2022-06-20\nregion: 全国\nslug: a\nfigures:\n{}{}",
                    figure("山东", "2022-06-01"),
                    figure("山东", "2022-06-02")
                ),
                "正文。\n",
            ),
        )
        .with(
            "content/b.md",
            &item(
                &format!(
                    "title: 乙\ndate: 2022-06-20\nregion: 全国\nslug: b\nfigures:\n{}",
                    figure("广东", "2022-06-03")
                ),
                "正文。\n",
            ),
        );
    let ds = errors(&t, &["build"]);
    assert_eq!(
        places(&ds),
        [at(
            "content/b.md",
            7,
            5,
            &format!("figure `{HUGE}` makes the `cadres_dispatched` statistics overflow: totals can hold at most 79228162514264337593543950335"),
        )]
    );
}

#[test]
fn figures_up_to_the_limit_still_add_up() {
    // Two figures whose sum is exactly the largest Decimal: no error, and the exact total.
    let max = "79228162514264337593543950335";
    let half = "39614081257132168796771975167";
    let t = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            &format!(
                "title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\nfigures:\n  - metric: members_joined\n    value: \"{half}\"\n  - metric: members_joined\n    value: \"{}\"\n",
                "39614081257132168796771975168"
            ),
            "正文。\n",
        ),
    );
    t.run(&["build"]).expect_status(0);
    assert_eq!(total(&t.stats_json(), "members_joined"), n(max, false));
}

// --- Item 7: topics that would share a page -------------------------------------------------

#[test]
fn site_yaml_topics_with_one_slug_are_errors_naming_both() {
    let t = SiteTest::with_config(
        "title: t\nbase_url: https://e.org/\ntopics:\n  工伤:\n  工商:\n  甲: { slug: same }\n  乙: { slug: same }\n",
    );
    let ds = errors(&t, &["build"]);
    assert_eq!(
        places(&ds),
        [
            at(
                "site.yaml",
                5,
                3,
                "site.yaml: topics `工伤` (line 4) and `工商` have the same URL slug `gong-shang`: they would share one page"
            ),
            at(
                "site.yaml",
                7,
                3,
                "site.yaml: topics `甲` (line 6) and `乙` have the same URL slug `same`: they would share one page"
            ),
        ]
    );
    assert!(
        ds[0].hint.as_deref().unwrap().contains("under `topics:`"),
        "{:?}",
        ds[0]
    );
}

#[test]
fn item_topics_with_one_slug_are_errors_naming_both_files() {
    let front = |topics: &str, slug: &str| {
        item(
            &format!("title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: {slug}\ntopics: {topics}\n"),
            "正文。\n",
        )
    };
    let t = SiteTest::with_config("title: t\nbase_url: https://e.org/\n")
        .with("content/a.md", &front("[工伤]", "a"))
        .with("content/b.md", &front("[安全, 工商]", "b"))
        // The same name again is the same topic.
        .with("content/c.md", &front("工伤", "c"));
    let ds = errors(&t, &["build"]);
    assert_eq!(
        places(&ds),
        [at(
            "content/b.md",
            6,
            14,
            "topics `工伤` (content/a.md:6) and `工商` have the same URL slug `gong-shang`: they would share one page"
        )]
    );
    assert!(ds[0].hint.as_deref().unwrap().contains("site.yaml"), "{:?}", ds[0]);

    // Within one item too.
    let t =
        SiteTest::with_config("title: t\nbase_url: https://e.org/\n").with("content/a.md", &front("[工伤, 工商]", "a"));
    let ds = errors(&t, &["build"]);
    assert_eq!(
        places(&ds),
        [at(
            "content/a.md",
            6,
            14,
            "topics `工伤` and `工商` have the same URL slug `gong-shang`: they would share one page"
        )]
    );
}

// --- Item 9: dates, base_url, theme, every site.yaml problem -----------------------------------

#[test]
fn dates_past_year_9999_are_refused_everywhere_a_date_is_read() {
    let t = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 甲\ndate: +99999-06-21\nregion: 山东\nupdated: 10000-01-01\nbulletin: +99999-06-21\ncorrections:\n  - date: 99999-06-21\n    text: 更正\nfigures:\n  - metric: members_joined\n    value: 3\n    as_of: +12022-06-20\n",
            "新增3人。\n",
        ),
    );
    let ds = errors(&t, &["build"]);
    let got: Vec<(usize, usize, String)> = ds.iter().map(|d| (d.line, d.column, d.message.clone())).collect();
    assert_eq!(
        got,
        [
            (3, 1, "`+99999-06-21` is not a date".to_string()),
            (5, 1, "`10000-01-01` is not a date".to_string()),
            (6, 1, "`+99999-06-21` is not a date".to_string()),
            (8, 5, "`99999-06-21` is not a date".to_string()),
            (13, 5, "`+12022-06-20` is not a date".to_string()),
        ]
    );
    assert!(
        ds[0].hint.as_deref().unwrap().contains("four-digit year"),
        "{:?}",
        ds[0]
    );
    assert!(!t.root().join("public/news/+99999").exists());
}

#[test]
fn a_base_url_with_a_query_or_a_line_break_is_refused() {
    let rows: &[(&str, &str)] = &[
        (
            "\"https://e.org/?utm=1\"",
            "site.yaml: `base_url` must not have a query string (`?…`): `https://e.org/?utm=1`",
        ),
        ("https://e.org/#top", "site.yaml: `base_url` must not have a fragment (`#…`): `https://e.org/#top`"),
        (
            "\"https://e.org/\\nDisallow: /\"",
            "site.yaml: `base_url` must not contain whitespace or control characters (found \\u{a}): `https://e.org/\\nDisallow: /`",
        ),
        ("\"https://e.org/a b/\"", "site.yaml: `base_url` must not contain whitespace or control characters (found \\u{20}): `https://e.org/a b/`"),
        ("https:///x/", "site.yaml: `base_url` has no host: `https:///x/`"),
        ("ftp://e.org/", "site.yaml: `base_url` is not an absolute http(s) URL: `ftp://e.org/`"),
        ("\"https://e.org/<x>/\"", "site.yaml: `base_url` must not contain `<`, which URLs cannot hold: `https://e.org/<x>/`"),
    ];
    for (url, message) in rows {
        let t = SiteTest::with_config(&format!("title: t\nbase_url: {url}\n"));
        let ds = errors(&t, &["build"]);
        assert_eq!(places(&ds), [at("site.yaml", 2, 1, message)], "{url}");
    }
}

#[test]
fn a_base_url_on_the_command_line_is_checked_the_same_way() {
    let t = SiteTest::with_config("title: t\nbase_url: https://e.org/\n");
    // A usage error (exit 2), before anything is read.
    for (url, why) in [
        (
            "https://e.org/?a=1",
            "must not have a query string (`?…`): `https://e.org/?a=1`",
        ),
        ("https://e.org/\nDisallow: /", "whitespace or control characters"),
    ] {
        for command in ["build", "serve"] {
            let run = t.run(&[command, "--base-url", url]);
            run.expect_status(2);
            assert!(run.stderr.contains("--base-url"), "{}", run.stderr);
            assert!(run.stderr.contains(why), "{}", run.stderr);
        }
    }
    assert!(!t.root().join("public").exists());
    // A good one still works, a `/` added.
    t.run(&["build", "--base-url", "https://example.org/sub"])
        .expect_status(0);
    assert!(t
        .read("/robots.txt")
        .contains("Sitemap: https://example.org/sub/sitemap.xml"));
}

#[test]
fn a_missing_theme_is_reported_at_its_line() {
    let t = SiteTest::with_config("title: t\nbase_url: https://e.org/\ntheme: nope\n");
    let ds = errors(&t, &["build"]);
    assert_eq!(
        places(&ds),
        [at("site.yaml", 3, 1, "site.yaml: theme `nope` not found in themes/")]
    );
    assert!(ds[0].hint.is_some());
}

#[test]
fn a_theme_outside_the_sites_themes_folder_is_refused() {
    for name in ["../../x", "../outside", "/etc", ".hidden", "a/b", "..", "\"\""] {
        let t = SiteTest::with_config(&format!("title: t\nbase_url: https://e.org/\ntheme: {name}\n"));
        let ds = errors(&t, &["build"]);
        assert_eq!(ds.len(), 1, "{name}: {ds:?}");
        assert_eq!(
            (ds[0].path.as_str(), ds[0].line, ds[0].column),
            ("site.yaml", 3, 1),
            "{name}"
        );
        assert!(ds[0].message.ends_with("is not a folder name"), "{name}: {ds:?}");
    }
    // A plain name under themes/ is fine.
    let t = SiteTest::with_config("title: t\nbase_url: https://e.org/\ntheme: paper\n");
    t.write("themes/paper/static/paper.css", "body{}");
    let config = bulletin::content::config::load(t.root()).unwrap();
    assert_eq!(config.theme, "paper");
}

#[test]
fn every_site_yaml_problem_is_reported_with_its_line() {
    let t = SiteTest::with_config(
        "title: t\ntitel: x\nbase_url: https://e.org/\nper_page: abc\nlangauge: en\nmetrics:\n  m: { label: x, unit: 人, aggregate: avg }\nthem: y\n",
    );
    let ds = errors(&t, &["build"]);
    let got: Vec<(usize, usize)> = ds.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(got, [(2, 1), (4, 1), (5, 1), (7, 3), (8, 1)], "{ds:#?}");
    assert!(ds.iter().all(|d| d.path == "site.yaml"));
    assert!(ds[0].message.contains("unknown field `titel`"), "{:?}", ds[0]);
    assert_eq!(ds[0].hint.as_deref(), Some("did you mean `title`?"));
    assert!(
        ds[1].message.starts_with("site.yaml: `per_page`: invalid type"),
        "{:?}",
        ds[1]
    );
    assert_eq!(ds[2].hint.as_deref(), Some("did you mean `language`?"));
    assert!(ds[3].message.contains("metric `m`"), "{:?}", ds[3]);
    assert_eq!(ds[4].hint.as_deref(), Some("did you mean `theme`?"));
}

// --- Item 10: every problem of a file in one run ---------------------------------------------

#[test]
fn every_independent_problem_of_a_file_is_reported_in_one_run() {
    let t = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 标题\ndate: 2022-13-45\nregion: 火星\ncolum: 要闻\nkind: 快讯\nimage: photo.jpg\ntopics: [劳模服物]\ndraft: 也许\nfigures:\n  - metric: members_joined\n    value: abc\n  - metric: members_joined\n    valu: 3\n  - metric: member_joined\n    value: 4\n",
            "正文。\n",
        ),
    );
    let ds = errors(&t, &["build"]);
    let got: Vec<(usize, usize, &str)> = ds.iter().map(|d| (d.line, d.column, d.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (3, 1, "`2022-13-45` is not a date"),
            (4, 1, "unknown region `火星`"),
            (
                5,
                1,
                "front matter: unknown field `colum`, expected one of `title`, `kicker`, `subtitle`, `date`, `bulletin`, `order`, `region`, `topics`, `kind`, `column`, `source`, `byline`, `slug`, `summary`, `image`, `image_alt`, `image_caption`, `image_credit`, `gallery`, `unit`, `review`, `draft`, `updated`, `corrections`, `figures`, `short_title`, `aliases`, `extra`"
            ),
            (6, 1, "unknown kind `快讯`"),
            (7, 1, "an image needs alternative text"),
            // The file is not there either: reported now, not once the rest is fixed.
            (7, 1, "image `photo.jpg` not found"),
            (8, 10, "unknown topic `劳模服物`"),
            (9, 8, "front matter: draft: invalid type: string \"也许\", expected a boolean"),
            (12, 5, "`abc` is not a number; write it as 6283, 1.5万, 2900余万, 约30万, 100多, 近千 or 20%"),
            (
                14,
                5,
                "front matter: figures[1]: unknown field `valu`, expected one of `metric`, `label`, `value`, `unit`, `region`, `as_of`"
            ),
            (15, 5, "unknown metric `member_joined`"),
        ],
        "{ds:#?}"
    );
    assert!(ds.iter().all(|d| d.path == "content/a.md"));
}

#[test]
fn a_misspelt_required_field_is_one_problem_not_two() {
    let t = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item("title: 标题\ndate: [2022-06-20]\nregoin: 山东\n", "正文。\n"),
    );
    let ds = errors(&t, &["build"]);
    let got: Vec<(usize, usize)> = ds.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(got, [(3, 7), (4, 1)], "{ds:#?}");
}
