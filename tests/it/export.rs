//! Every channel of an issue (issue #16): `bulletin export wechat` (a 公众号 draft: draft.json,
//! content/NN-SLUG.html, images.tsv) and `bulletin export email` (one .eml). The fixture
//! `export` has one issue of three items under a base URL with a sub-path: a long headline with
//! a `short_title`, links of every kind, a body image, a table and raw HTML; a hostile headline;
//! a quote and a list. Everything written is parsed back (serde_json, scraper, mail-parser).

use crate::harness::*;
use scraper::Html;

const ISSUE: &str = "2022-06-20";
const BASE: &str = "https://union.example.org/bulletin/";
const HOSTILE: &str = "<script>alert(1)</script>职工&\"家\"";

fn wechat(site: &SiteTest) -> (serde_json::Value, std::path::PathBuf) {
    site.run(&["export", "wechat", "--bulletin", ISSUE]).expect_status(0);
    let dir = site.root().join("exports/wechat").join(ISSUE);
    let draft = std::fs::read_to_string(dir.join("draft.json")).unwrap();
    (serde_json::from_str(&draft).unwrap(), dir)
}

#[test]
fn the_wechat_draft_has_one_article_per_item_in_issue_order_within_every_limit() {
    let site = SiteTest::fixture("export");
    let (draft, dir) = wechat(&site);
    let articles = draft["articles"].as_array().unwrap();
    let titles: Vec<&str> = articles.iter().map(|a| a["title"].as_str().unwrap()).collect();
    // short_title wins over the 34-character headline; the hostile headline is text.
    assert_eq!(titles, ["首批户外劳动者驿站投用", HOSTILE, "职工技能培训班开班"]);
    let urls: Vec<&str> = articles
        .iter()
        .map(|a| a["content_source_url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://union.example.org/bulletin/news/2022/06/20/yizhan/",
            "https://union.example.org/bulletin/news/2022/06/20/hostile/",
            "https://union.example.org/bulletin/news/2022/06/20/peixun/",
        ]
    );
    assert_eq!(articles[0]["author"], "王芳 张强");
    assert_eq!(articles[1]["author"], "");
    // The opening of the body, cut at a sentence end; an explicit summary, as written.
    let digest = articles[0]["digest"].as_str().unwrap();
    assert!(
        digest.starts_with("全市首批120个户外劳动者服务驿站今日起投入使用") && digest.ends_with('。'),
        "{digest}"
    );
    assert_eq!(articles[1]["digest"], "摘要里也有<b>标签</b> & 符号。");
    for (k, a) in articles.iter().enumerate() {
        assert!(a["title"].as_str().unwrap().chars().count() <= 32);
        assert!(a["author"].as_str().unwrap().chars().count() <= 16);
        let digest = a["digest"].as_str().unwrap();
        assert!(digest.chars().count() <= 128, "{digest}");
        let content = a["content"].as_str().unwrap();
        assert!(content.chars().count() < 20_000 && content.len() < 1 << 20);
        assert_eq!(a["need_open_comment"], 0);
        assert_eq!(a["thumb_media_id"], format!("THUMB_MEDIA_ID_{:02}", k + 1));
    }
    // Each content file is the article's content alone.
    let names = ["01-yizhan.html", "02-hostile.html", "03-peixun.html"];
    let on_disk: Vec<String> = std::fs::read_dir(dir.join("content"))
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(on_disk, names);
    for (name, a) in names.iter().zip(articles) {
        assert_eq!(
            std::fs::read_to_string(dir.join("content").join(name)).unwrap(),
            a["content"].as_str().unwrap()
        );
    }
}

#[test]
fn wechat_content_is_safe_styled_inline_and_links_become_notes() {
    let site = SiteTest::fixture("export");
    let (draft, _) = wechat(&site);
    for a in draft["articles"].as_array().unwrap() {
        let content = a["content"].as_str().unwrap();
        let html = Html::parse_fragment(content);
        for el in html.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
            let name = el.value().name();
            assert!(
                !["style", "script", "iframe", "form", "input", "link", "a"].contains(&name),
                "<{name}> in {content}"
            );
            assert!(
                el.value().attr("class").is_none() && el.value().attr("id").is_none(),
                "{content}"
            );
            if !["html", "tbody", "tr", "br"].contains(&name) {
                let style = el.value().attr("style").unwrap_or_default();
                assert!(!style.is_empty(), "<{name}> without an inline style in {content}");
            }
        }
        for p in html.select(&sel("p, li")) {
            let style = p.value().attr("style").unwrap();
            assert!(
                style.contains("font-size:16px")
                    || style.contains("font-size:15px")
                    || style.contains("font-size:14px")
                    || style.contains("font-size:13px"),
                "{style}"
            );
            assert!(style.contains("line-height:1.75"), "{style}");
        }
        assert!(
            !content.contains("<style")
                && !content.contains("<script")
                && !content.contains("class=")
                && !content.contains("id=")
        );
    }
    let first = Html::parse_fragment(draft["articles"][0]["content"].as_str().unwrap());
    // Running text has the CJK indent.
    let body_p = first
        .select(&sel("p"))
        .find(|p| p.text().collect::<String>().starts_with("全市首批"))
        .unwrap();
    assert!(body_p.value().attr("style").unwrap().contains("text-indent:2em"));
    // Three links, three marks, three notes with absolute URLs: an external page, another item's
    // page (linked by its file), a path under the site.
    assert_eq!(texts(&first, "sup"), ["[1]", "[2]", "[3]"]);
    let notes: Vec<String> = texts(&first, "section > section > p");
    assert_eq!(
        notes,
        [
            "注释",
            "[1] 全总通知：https://www.acftu.org/notice.html",
            "[2] 上期报道：https://union.example.org/bulletin/news/2022/05/20/jineng/",
            "[3] 驿站名单：https://union.example.org/bulletin/stations/",
        ]
    );
    // The table is kept, plain and styled; the raw <script> of the body is text.
    assert_eq!(texts(&first, "table td"), ["市南区", "40", "市北区", "80"]);
    assert!(first
        .root_element()
        .text()
        .collect::<String>()
        .contains("<script>alert(\"body\")</script>"));
    // The hostile headline and sub-headline stay text; the javascript: link is no note.
    let hostile = Html::parse_fragment(draft["articles"][1]["content"].as_str().unwrap());
    assert!(texts(&hostile, "p")
        .iter()
        .any(|t| t == "<img src=x onerror=alert(1)> 副题"));
    assert!(hostile.select(&sel("img, b")).next().is_none());
    assert!(hostile.select(&sel("sup")).next().is_none());
}

#[test]
fn images_tsv_lists_every_cover_and_body_image_to_upload() {
    let site = SiteTest::fixture("export");
    let (_, dir) = wechat(&site);
    let tsv = std::fs::read_to_string(dir.join("images.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = tsv.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows[0], ["article", "use", "file", "url", "placeholder", "alt"]);
    assert!(rows.iter().all(|r| r.len() == 6), "{tsv}");
    assert_eq!(
        rows[1..],
        [
            vec![
                "01-yizhan",
                "cover",
                "",
                "https://cdn.example.org/photos/yizhan.jpg",
                "THUMB_MEDIA_ID_01",
                "驿站内景"
            ],
            vec![
                "01-yizhan",
                "body",
                "content/2022/06/img/waijing.jpg",
                "https://union.example.org/bulletin/news/2022/06/20/yizhan/img/waijing.jpg",
                "",
                "驿站外景"
            ],
            vec!["02-hostile", "cover", "", "", "THUMB_MEDIA_ID_02", ""],
            vec!["03-peixun", "cover", "", "", "THUMB_MEDIA_ID_03", ""],
        ]
    );
}

#[test]
fn an_over_long_title_and_author_are_errors_at_their_lines_and_nothing_is_written() {
    let site = SiteTest::fixture("export")
        .with(
            "content/2022/06/long.md",
            "---\nregion: 山东\ntitle: 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三\ndate: 2022-06-20\nbyline:\n  reporters: [欧阳一一, 欧阳二二, 欧阳三三, 欧阳四四]\nslug: long\n---\n正文。\n",
        )
        .with("content/2022/06/fine.md", &simple_item("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二", "2022-06-20", "fine"));
    let run = site.run(&["export", "wechat", "--bulletin", ISSUE]);
    run.expect_status(1);
    let errors: Vec<Diag> = run.diags().into_iter().filter(|d| d.severity == "error").collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert_eq!(
        (errors[0].path.as_str(), errors[0].line, errors[0].column),
        ("content/2022/06/long.md", 3, 1)
    );
    assert!(errors[0].message.contains("33 characters"), "{}", errors[0].message);
    assert!(errors[0].hint.as_deref().unwrap().contains("short_title"));
    assert_eq!(
        (errors[1].path.as_str(), errors[1].line),
        ("content/2022/06/long.md", 5)
    );
    assert!(errors[1].message.contains("19 characters"), "{}", errors[1].message);
    assert!(!site.root().join("exports").exists(), "nothing is written");
    // A short_title over 32 characters is an error of the item itself, at its line.
    let site = site.with(
        "content/2022/06/long.md",
        &item(
            &format!(
                "title: 长\nshort_title: {}\ndate: 2022-06-20\nregion: 山东\nslug: long\n",
                "字".repeat(33)
            ),
            "正文。\n",
        ),
    );
    let e = site
        .run(&["export", "wechat", "--bulletin", ISSUE])
        .expect_status(1)
        .error();
    assert_eq!((e.path.as_str(), e.line), ("content/2022/06/long.md", 3));
    assert!(e.message.contains("short_title"), "{}", e.message);
}

#[test]
fn an_issue_without_items_is_an_error() {
    let site = SiteTest::fixture("export");
    let e = site
        .run(&["export", "email", "--bulletin", "2022-06-21"])
        .expect_status(1)
        .error();
    assert!(e.message.contains("2022-06-21"), "{}", e.message);
    assert!(e.hint.unwrap().contains(ISSUE));
}

fn email(site: &SiteTest) -> Vec<u8> {
    site.run(&["export", "email", "--bulletin", ISSUE]).expect_status(0);
    std::fs::read(site.root().join("exports/email/bulletin-2022-06-20.eml")).unwrap()
}

#[test]
fn the_email_is_multipart_alternative_with_every_headline_and_absolute_links() {
    use mail_parser::{MessageParser, MimeHeaders};
    let site = SiteTest::fixture("export");
    let bytes = email(&site);
    let m = MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(m.subject(), Some("工会工作简报 第12期"));
    let ct = m.content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("multipart", Some("alternative")));
    let from = m.from().unwrap().first().unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (Some("市总工会办公室"), Some("office@union.example.org"))
    );
    assert_eq!(
        m.to().unwrap().first().unwrap().address(),
        Some("cadres@union.example.org")
    );
    assert_eq!(
        m.reply_to().unwrap().first().unwrap().address(),
        Some("editor@union.example.org")
    );
    // The 签发 date, 08:00 Beijing time.
    assert_eq!(m.date().unwrap().to_timestamp(), 1_655_769_600, "2022-06-21T00:00:00Z");
    let headlines = [
        "全市首批一百二十个户外劳动者服务驿站今日起全面投入使用并向社会开放",
        HOSTILE,
        "职工技能培训班开班",
    ];
    let text = m.body_text(0).unwrap();
    for h in headlines {
        assert!(text.contains(h), "{h} in {text}");
    }
    assert!(text.contains("第12期（总第122期）"), "{text}");
    assert!(text.contains("https://union.example.org/bulletin/news/2022/06/20/peixun/"));
    let source = m.body_html(0).unwrap();
    let html = Html::parse_document(&source);
    assert_eq!(texts(&html, "h2 a"), headlines);
    assert!(html.select(&sel("script, style")).next().is_none());
    assert!(html.select(&sel("[class], [id]")).next().is_none());
    let links = attrs(&html, "a", "href");
    assert_eq!(links.len(), 7, "three headlines, three 阅读全文, the issue");
    for url in links.iter().chain(&attrs(&html, "img", "src")) {
        assert!(url.starts_with("https://"), "not absolute: {url}");
    }
    assert!(links.contains(&format!("{BASE}bulletins/2022-06-20/")));
    // The masthead and 期号 at the top, the 报尾 at the foot; the widest table is 600 px.
    let at = |s: &str| source.find(s).unwrap();
    assert!(at("工会工作简报") < at("第12期（总第122期）"));
    assert!(at("第12期（总第122期）") < at(headlines[0]));
    assert!(at(headlines[2]) < at("报：省总工会办公室"));
    let ps = texts(&html, "p");
    assert_eq!(
        ps.iter()
            .filter(|p| p.starts_with("报：") || p.starts_with("发："))
            .count(),
        2
    );
    assert!(ps.last().unwrap().contains("在网站上阅读本期"));
    let widths: Vec<u32> = attrs(&html, "table", "width")
        .iter()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(widths, [600]);
}

#[test]
fn the_email_is_reproducible_and_leaves_out_headers_not_configured() {
    use mail_parser::MessageParser;
    let site = SiteTest::fixture("export");
    let first = email(&site);
    assert_eq!(email(&site), first, "the same site gives the same bytes");
    let plain = SiteTest::fixture("issues");
    plain
        .run(&["export", "email", "--bulletin", ISSUE, "--output", "out"])
        .expect_status(0);
    let bytes = std::fs::read(plain.root().join("out/bulletin-2022-06-20.eml")).unwrap();
    let m = MessageParser::default().parse(&bytes).unwrap();
    assert!(m.from().is_none() && m.to().is_none() && m.reply_to().is_none());
    assert_eq!(m.subject(), Some("工会工作简报 第12期"));
}
