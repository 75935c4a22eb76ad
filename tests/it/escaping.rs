//! Escaping: markup in every editor-written field (title, subtitle, kicker, byline, locality,
//! topic, figure label, column, source, summary, correction) and in the body must never reach an
//! output file as live markup.

use crate::harness::*;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// The two payloads, as one YAML single-quoted scalar.
fn payload(prefix: &str) -> String {
    format!("'{prefix}{SCRIPT}{IMG}'")
}

fn site() -> SiteTest {
    let p = payload;
    let front = format!(
        "title: {}\nsubtitle: {}\nkicker: {}\ndate: 2022-06-20\nregion: {}\ntopics: [{}]\ncolumn: {}\nsource: {}\nsummary: {}\nbyline:\n  reporters: [{}]\n  photographers: [{}]\nslug: xss\ncorrections:\n  - date: 2022-06-21\n    text: {}\nfigures:\n  - metric: members_joined\n    label: {}\n    value: 5\n  - label: {}\n    value: 7\n    unit: {}\n",
        p("标题"),
        p("副题"),
        p("引题"),
        p("山东"),
        p("专题"),
        p("栏目"),
        p("来源"),
        p("摘要"),
        p("记者"),
        p("摄影"),
        p("更正"),
        p("数字"),
        p("另一个数字"),
        p("个"),
    );
    let body = format!(
        "正文5人7个。\n\n{SCRIPT}\n\n行内 {SCRIPT} 与 <img src=x onerror=alert(1)>。\n\n[点我](javascript:alert(1)) [大写](JavaScript:alert(1)) [空白]( javascript:alert(1)) ![图](javascript:alert(1))\n\n<a href=\"javascript:alert(1)\">原始链接</a>\n"
    );
    // No topic list: any topic name is accepted, so the payload can be one.
    SiteTest::with_config(
        "title: 转义测试\nbase_url: https://xss.example.org/\nmetrics:\n  members_joined: { label: 新入会职工, unit: 人, aggregate: sum }\n",
    )
    .with("content/xss.md", &item(&front, &body))
}

fn built() -> SiteTest {
    let site = site();
    site.build();
    site
}

/// Output files whose name ends with one of `exts`, with any unescaped payload found.
fn offenders(site: &SiteTest, exts: &[&str]) -> Vec<String> {
    let files = site.output_files();
    let mut checked = 0;
    let mut bad = Vec::new();
    for (name, bytes) in &files {
        if !exts.iter().any(|e| name.ends_with(e)) {
            continue;
        }
        checked += 1;
        let text = String::from_utf8_lossy(bytes);
        for needle in ["<script>alert", "<img src=x", "onerror=alert(1)>"] {
            if let Some(i) = text.find(needle) {
                let start = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
                let end = (i + 60).min(text.len());
                let end = (end..text.len())
                    .find(|&j| text.is_char_boundary(j))
                    .unwrap_or(text.len());
                bad.push(format!("{name}: `{needle}` in …{}…", &text[start..end]));
                break;
            }
        }
    }
    assert!(checked > 0, "no {exts:?} files");
    bad
}

#[test]
fn html_pages_escape_every_field() {
    let site = built();
    let bad = offenders(&site, &[".html"]);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The text is shown, as text.
    let page = site.page("/news/2022/06/20/xss/");
    assert_eq!(text(&page, "main h1"), format!("标题{SCRIPT}{IMG}"));
    assert_eq!(text(&page, "main .subtitle"), format!("副题{SCRIPT}{IMG}"));
    assert_eq!(text(&page, "main .kicker"), format!("引题{SCRIPT}{IMG}"));
    assert_only_our_scripts(&page, "/news/2022/06/20/xss/");
    assert!(
        page.select(&sel("img[onerror]")).next().is_none(),
        "an <img onerror> element made it through"
    );
    for pg in site.html_pages() {
        let html = site.page(&pg);
        assert!(html.select(&sel("img[onerror], [onerror]")).next().is_none(), "{pg}");
        assert_only_our_scripts(&html, &pg);
    }
}

/// The only scripts a page may carry are the theme's own: JSON-LD data (with no `<` inside,
/// so nothing can close it early), the search page's script file and the 关怀模式 switch's.
fn assert_only_our_scripts(html: &scraper::Html, pg: &str) {
    for script in html.select(&sel("script")) {
        let el = script.value();
        let body: String = script.text().collect();
        match (el.attr("type"), el.attr("src")) {
            (Some("application/ld+json"), None) => {
                assert!(!body.contains('<'), "{pg}: markup inside JSON-LD: {body}");
                let _: serde_json::Value = serde_json::from_str(&body).unwrap();
            }
            (_, Some(src)) => {
                assert!(
                    src.ends_with("/search.js") || src.ends_with("/care.js"),
                    "{pg}: unexpected script {src}"
                );
                assert!(body.trim().is_empty(), "{pg}: inline code in a script element");
            }
            _ => panic!("{pg}: a <script> element made it through: {body}"),
        }
    }
}

#[test]
fn javascript_links_lose_their_target() {
    let site = built();
    for pg in site.html_pages() {
        let html = site.page(&pg);
        for attr in ["href", "src"] {
            for v in attrs(&html, &format!("[{attr}]"), attr) {
                let lower: String = v.to_ascii_lowercase().split_whitespace().collect();
                assert!(!lower.starts_with("javascript:"), "{pg}: {attr}=\"{v}\"");
            }
        }
    }
    let page = site.page("/news/2022/06/20/xss/");
    let prose = text(&page, "main .prose");
    assert!(prose.contains("点我"), "the link text stays: {prose}");
}

#[test]
fn feeds_and_sitemap_escape_every_field() {
    let site = built();
    let bad = offenders(&site, &[".xml"]);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // And they are still well-formed XML, holding the text.
    let atom = site.read("/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("entry"))
        .and_then(|e| e.children().find(|c| c.has_tag_name("title")))
        .and_then(|t| t.text())
        .unwrap();
    assert_eq!(title, format!("标题{SCRIPT}{IMG}"));
    roxmltree::Document::parse(&site.read("/sitemap.xml")).unwrap();
}

#[test]
fn stats_json_escapes_markup() {
    // JSON is not HTML, but a stats.json holding `<script>` verbatim becomes live markup as
    // soon as someone inlines it into a page (`<script>var data = …</script>`); serde_json
    // leaves `<` alone, so the escaping must be asked for (`\u003c`).
    let site = built();
    let bad = offenders(&site, &[".json"]);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // Still the same data when parsed back.
    let s = site.stats_json();
    let topic = &metric(&s, "members_joined")["topics"][0]["name"];
    assert_eq!(topic, &serde_json::json!(format!("专题{SCRIPT}{IMG}")));
}

// CSV files hold the data as written: they are not HTML, and markup in a cell is inert.
// What CSV must guard against is formula injection, tested in opendata.rs.
#[test]
fn raw_html_in_the_body_is_shown_as_text() {
    let site = built();
    let page = site.page("/news/2022/06/20/xss/");
    let prose = text(&page, "main .prose");
    assert!(prose.contains(SCRIPT), "escaped, the script shows as text: {prose}");
    assert!(prose.contains("<img src=x onerror=alert(1)>"), "{prose}");
}
