//! Drafts and items dated after today are left out unless `--drafts` / `--future`.
//! Library builds pin today to 2026-01-01; the binary uses the clock, so its future item is
//! dated 2999.

use crate::harness::*;

const DRAFT: &str = "/news/2022/06/20/draft/";
const FUTURE: &str = "/news/2026/01/02/future/";
const TODAY: &str = "/news/2026/01/01/today/";
const PAST: &str = "/news/2022/06/19/past/";

fn site() -> SiteTest {
    SiteTest::with_config(SITE_YAML)
        .with(
            "content/draft.md",
            &item(
                "title: 草稿稿件\ndate: 2022-06-20\nregion: 山东\nslug: draft\ndraft: true\nfigures:\n  - metric: members_joined\n    value: 100\n",
                "新增会员100人。\n",
            ),
        )
        .with(
            "content/future.md",
            &item(
                "title: 明天的稿件\ndate: 2026-01-02\nregion: 广东\nslug: future\nfigures:\n  - metric: members_joined\n    value: 20\n",
                "新增会员20人。\n",
            ),
        )
        .with("content/today.md", &simple_item("今天的稿件", "2026-01-01", "today"))
        .with("content/past.md", &simple_item("过去的稿件", "2022-06-19", "past"))
}

fn present(site: &SiteTest) -> Vec<&'static str> {
    [DRAFT, FUTURE, TODAY, PAST]
        .into_iter()
        .filter(|p| site.exists(p))
        .collect()
}

#[test]
fn left_out_by_default() {
    let site = site();
    let b = site.build();
    assert_eq!(b.items, 2);
    assert_eq!(present(&site), [TODAY, PAST], "an item dated today is published");
    // Nowhere else either: not in lists, feeds, the sitemap or the statistics.
    for file in ["/", "/atom.xml", "/sitemap.xml", "/regions/shandong/", "/bulletins/"] {
        let text = site.read(file);
        assert!(
            !text.contains("/draft/") && !text.contains("草稿稿件"),
            "{file} shows the draft"
        );
        assert!(
            !text.contains("/future/") && !text.contains("明天的稿件"),
            "{file} shows the future item"
        );
    }
    assert!(!site.exists("/regions/guangdong/"), "广东 only has the future item");
    assert!(!site.exists("/bulletins/2026-01-02/"));
    assert!(metric(&site.stats_json(), "members_joined")["total"].is_null());
}

#[test]
fn drafts_with_the_flag() {
    let mut site = site();
    site.opts.drafts = true;
    site.build();
    assert_eq!(present(&site), [DRAFT, TODAY, PAST]);
    let page = site.page(DRAFT);
    assert_eq!(text(&page, "main .badge-draft"), "草稿");
    assert_eq!(total(&site.stats_json(), "members_joined"), n("100", false));
}

#[test]
fn future_with_the_flag() {
    let mut site = site();
    site.opts.future = true;
    site.build();
    assert_eq!(present(&site), [FUTURE, TODAY, PAST]);
    let page = site.page(FUTURE);
    assert_eq!(text(&page, "main .badge-scheduled"), "定时发布");
    assert!(site.exists("/regions/guangdong/"));
    assert_eq!(total(&site.stats_json(), "members_joined"), n("20", false));
}

#[test]
fn both_flags() {
    let mut site = site();
    site.opts.drafts = true;
    site.opts.future = true;
    assert_eq!(site.build().items, 4);
    assert_eq!(present(&site), [DRAFT, FUTURE, TODAY, PAST]);
    assert_eq!(total(&site.stats_json(), "members_joined"), n("120", false));
}

#[test]
fn the_binary_flags() {
    let site = SiteTest::with_config(SITE_YAML)
        .with(
            "content/draft.md",
            &item(
                "title: 草稿\ndate: 2022-06-20\nregion: 山东\nslug: draft\ndraft: true\n",
                "草稿。\n",
            ),
        )
        .with("content/far.md", &simple_item("遥远的未来", "2999-01-01", "far"))
        .with("content/past.md", &simple_item("过去", "2022-06-19", "past"));
    let far = "/news/2999/01/01/far/";

    site.run(&["build"]).expect_status(0);
    assert!(!site.exists(DRAFT) && !site.exists(far) && site.exists(PAST));

    site.run(&["build", "--drafts"]).expect_status(0);
    assert!(site.exists(DRAFT) && !site.exists(far));

    site.run(&["build", "--future"]).expect_status(0);
    assert!(!site.exists(DRAFT) && site.exists(far));

    let run = site.run(&["build", "--drafts", "--future"]);
    run.expect_status(0);
    assert!(run.stdout.starts_with("built 3 items"), "{}", run.stdout);
    assert!(site.exists(DRAFT) && site.exists(far));
}

#[test]
fn drafts_are_still_validated() {
    // A draft is left out of the site, but its errors are not ignored.
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/draft.md",
        "---\ntitle: 草稿\ndate: 2022-06-20\nregion: 山栋\ndraft: true\n---\n正文\n",
    );
    let run = site.run(&["build"]);
    run.expect_status(1);
    assert_eq!(run.error().message, "unknown region `山栋`");
}
