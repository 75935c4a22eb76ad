//! `aliases:` on an item: each old address gets a redirect page (refresh, canonical, noindex, a
//! visible link, title, lang, description) that no sitemap or feed lists; a malformed alias and
//! a clash with a page or another alias are errors at the alias's line; serve's incremental
//! rebuilds make the same pages as a full build.

use crate::harness::*;
use bulletin::serve::rebuild::{Changes, Rebuilder};

const BASE: &str = "https://test.example.org/";

/// An item with `aliases` (a YAML flow list body), its aliases on line 5 of the file.
fn with_aliases(title: &str, slug: &str, aliases: &str) -> String {
    item(
        &format!("title: {title}\ndate: 2022-06-20\nregion: 山东\naliases: [{aliases}]\nslug: {slug}\n"),
        &format!("{title}。\n"),
    )
}

fn site() -> SiteTest {
    SiteTest::with_config(SITE_YAML)
        .with(
            "content/a.md",
            &with_aliases(
                "新址标题 <b>&\"引号\"",
                "a",
                "/2019/06/old-story.html, /news/old, \"/旧栏目/稿件/\"",
            ),
        )
        .with("content/b.md", &simple_item("另一篇", "2022-06-21", "b"))
}

const ITEM_URL: &str = "https://test.example.org/news/2022/06/20/a/";

/// Checks one redirect page: where it sends the browser, and what it says.
fn assert_redirects(t: &SiteTest, file: &str) {
    let path = t.out().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let html = scraper::Html::parse_document(&text);
    assert_eq!(attrs(&html, "html", "lang"), ["zh-CN"]);
    assert_eq!(
        attrs(&html, "meta[http-equiv=refresh]", "content"),
        [format!("0; url={ITEM_URL}")]
    );
    assert_eq!(attrs(&html, "link[rel=canonical]", "href"), [ITEM_URL]);
    assert_eq!(attrs(&html, "meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(attrs(&html, "a", "href"), [ITEM_URL]);
    // The headline, escaped in the text and in the attribute, read back as written.
    assert_eq!(text_of(&html, "a"), "新址标题 <b>&\"引号\"");
    assert!(text_of(&html, "title").contains("新址标题 <b>&\"引号\""));
    let description = attrs(&html, "meta[name=description]", "content");
    assert!(description[0].contains("新址标题 <b>&\"引号\""), "{description:?}");
    assert!(!text.contains("<b>&"), "unescaped headline in {file}:\n{text}");
}

fn text_of(html: &scraper::Html, css: &str) -> String {
    html.select(&sel(css)).next().unwrap().text().collect()
}

#[test]
fn each_alias_gets_a_redirect_page() {
    let t = site();
    t.build();
    assert_redirects(&t, "2019/06/old-story.html");
    assert_redirects(&t, "news/old/index.html");
    assert_redirects(&t, "旧栏目/稿件/index.html");
    // The item itself is still where it was.
    assert!(t.exists("/news/2022/06/20/a/"));
}

#[test]
fn no_sitemap_or_feed_lists_a_redirect() {
    let t = site();
    t.build();
    for file in [
        "/sitemap.xml",
        "/atom.xml",
        "/news-sitemap.xml",
        "/regions/shandong/atom.xml",
    ] {
        let text = t.read(file);
        for old in ["old-story", "news/old", "旧栏目"] {
            assert!(!text.contains(old), "{file} lists {old}");
        }
    }
    // The sitemap does list the item.
    assert!(t.read("/sitemap.xml").contains(ITEM_URL));
}

#[test]
fn a_malformed_alias_is_an_error_at_its_line() {
    for (alias, why) in [
        ("/a/../b/", "`..`"),
        ("/a/?p=1", "query"),
        ("old/page/", "not a path from the site's root"),
        ("\"/a b/\"", "whitespace"),
    ] {
        let t = SiteTest::with_config(SITE_YAML).with("content/a.md", &with_aliases("标题", "a", alias));
        let run = t.run(&["build"]);
        run.expect_status(1);
        let d = run.error();
        assert_eq!((d.path.as_str(), d.line), ("content/a.md", 5), "{d:?}");
        assert!(
            d.message.starts_with("alias `") && d.message.contains(why),
            "{alias}: {d:?}"
        );
        assert!(d.hint.is_some());
    }
}

#[test]
fn an_alias_on_another_items_page_names_both_files() {
    let t = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &with_aliases("甲", "a", "/news/2022/06/21/b/"))
        .with("content/b.md", &simple_item("乙", "2022-06-21", "b"));
    let run = t.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!((d.path.as_str(), d.line, d.column), ("content/a.md", 5, 11), "{d:?}");
    assert_eq!(
        d.message,
        "alias `/news/2022/06/21/b/` is the address of the item content/b.md"
    );
}

#[test]
fn an_alias_on_a_list_page_or_the_items_own_is_an_error() {
    let t = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &with_aliases("甲", "a", "/regions/shandong/, /news/2022/06/20/a"),
    );
    let run = t.run(&["check"]);
    run.expect_status(1);
    let errors: Vec<Diag> = run.diags().into_iter().filter(|d| d.severity == "error").collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert_eq!(
        errors[0].message,
        "alias `/regions/shandong/` is the address of a page of this site"
    );
    assert_eq!(
        errors[1].message,
        "alias `/news/2022/06/20/a/` is this item's own address"
    );
    assert!(errors.iter().all(|d| d.path == "content/a.md" && d.line == 5));
}

#[test]
fn two_items_with_one_alias_name_both_files_and_lines() {
    let t = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &with_aliases("甲", "a", "/old/"))
        .with(
            "content/b.md",
            &item(
                "title: 乙\ndate: 2022-06-21\nregion: 山东\nslug: b\naliases:\n  - /x.html\n  - /old\n",
                "乙。\n",
            ),
        );
    let run = t.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!((d.path.as_str(), d.line, d.column), ("content/b.md", 8, 5), "{d:?}");
    assert_eq!(d.message, "alias `/old/` is also an alias of content/a.md:5");
}

#[test]
fn under_a_sub_path_the_redirect_leads_to_the_item_there() {
    let t = SiteTest::with_config(&SITE_YAML.replace(BASE, "https://test.example.org/bulletin/"))
        .with("content/a.md", &with_aliases("甲", "a", "/old.htm"));
    t.build();
    let html = scraper::Html::parse_document(&std::fs::read_to_string(t.out().join("old.htm")).unwrap());
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        ["https://test.example.org/bulletin/news/2022/06/20/a/"]
    );
}

#[test]
fn serve_makes_the_same_redirects_as_a_build_through_edits() {
    let t = site();
    let mut r = Rebuilder::new(t.opts.clone());
    let same_as_a_build = |r: &mut Rebuilder, changed: &[&str]| {
        let changes = Changes {
            paths: changed.iter().map(|p| t.root().join(p)).collect(),
        };
        r.rebuild(&changes).unwrap_or_else(|d| panic!("{}", render(&d)));
        r.finish().unwrap_or_else(|d| panic!("{}", render(&d)));
        let mut opts = t.opts.clone();
        let out = tempfile::tempdir().unwrap();
        opts.output = Some(out.path().join("full"));
        bulletin::build(&opts).unwrap();
        let mut full = files_under(&out.path().join("full"));
        full.remove(bulletin::output::MANIFEST);
        let served = r.files().iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
        assert_same_files(&full, &served);
        full
    };
    let first = same_as_a_build(&mut r, &[]);
    assert!(first.contains_key("2019/06/old-story.html"));
    // A new headline: the redirect pages say it.
    let text = std::fs::read_to_string(t.root().join("content/a.md")).unwrap();
    t.write("content/a.md", text.replacen("新址标题", "改后标题", 1));
    let files = same_as_a_build(&mut r, &["content/a.md"]);
    assert!(String::from_utf8_lossy(&files["news/old/index.html"]).contains("改后标题"));
    // An alias removed, another added: the old page goes, the new one comes.
    let text = std::fs::read_to_string(t.root().join("content/a.md")).unwrap();
    t.write("content/a.md", text.replacen("/news/old", "/news/older/", 1));
    let files = same_as_a_build(&mut r, &["content/a.md"]);
    assert!(!files.contains_key("news/old/index.html"));
    assert!(files.contains_key("news/older/index.html"));
}
