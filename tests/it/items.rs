//! One item's fields as the contract describes them: dates, default slug, bulletin and summary,
//! byline, corrections, lead image, and every written form of a figure.

use crate::harness::*;

#[test]
fn rfc3339_dates_and_defaults() {
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 全国工会\ndate: 2022-06-20T08:30:00+08:00\nregion: 全国\n",
            "第一句话。第二句话。\n\n第二段。\n",
        ),
    );
    site.build();
    // The slug comes from the title, as ASCII pinyin; the bulletin is the item's date.
    let url = "/news/2022/06/20/quan-guo-gong-hui/";
    let page = site.page(url);
    assert_eq!(
        attrs(&page, "main .item-meta time", "datetime"),
        ["2022-06-20T08:30:00+08:00"]
    );
    assert_eq!(text(&page, "main .item-meta time"), "2022年6月20日");
    assert!(site.exists("/bulletins/2022-06-20/"));
    assert_eq!(
        attrs(&page, "main .facets a[href^='/bulletins/']", "href"),
        ["/bulletins/2022-06-20/"]
    );
    // The kind defaults to 消息.
    assert!(texts(&page, "main .facets dd").contains(&"消息".to_string()));
    // The summary defaults to the opening of the body.
    let description = attrs(&page, "meta[name=description]", "content");
    assert_eq!(description.len(), 1);
    assert!(description[0].starts_with("第一句话。"), "{description:?}");
}

#[test]
fn more_marker_ends_the_summary() {
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\n",
            "导语在这里。\n\n<!-- more -->\n\n正文在这里。\n",
        ),
    );
    site.build();
    let region = site.page("/regions/shandong/");
    assert_eq!(text(&region, "main .summary"), "导语在这里。");
    let page = site.read("/news/2022/06/20/a/");
    assert!(
        !page.contains("<!-- more -->") && !page.contains("&lt;!-- more"),
        "the marker is not shown"
    );
}

#[test]
fn byline_roles_as_printed() {
    let site = SiteTest::example();
    site.build();
    let guangdong = site.page("/news/2022/06/15/guangdong-liaoxiuyang-qidong/");
    assert_eq!(
        text(&guangdong, "main .meta-byline"),
        "记者 叶小钟 通讯员 田甜 实习生 谢迅"
    );
    let wuhu = site.page("/news/2022/06/16/wuhu-fangshu-yanlian/");
    assert_eq!(text(&wuhu, "main .meta-byline"), "戚良鹏 张婷 摄");
    // The kicker (引题) comes before the headline.
    let beilin = site.page("/news/2022/06/20/beilin-gucheng-jian-jia/");
    assert!(text(&beilin, "main .kicker").starts_with("西安市碑林区总工会精准发力"));
    assert_eq!(
        text(&beilin, "main .facets div:first-child dd"),
        "新就业形态劳动者入会集中行动"
    );
}

#[test]
fn corrections_are_shown_and_move_updated() {
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\ncorrections:\n  - date: 2022-06-22\n    text: 原文“6238人”应为“6283人”。\n  - date: 2022-06-21\n    text: 更早的更正。\n",
            "正文。\n",
        ),
    );
    site.build();
    let page = site.page("/news/2022/06/20/a/");
    // Oldest first, as published.
    assert_eq!(
        texts(&page, "main .corrections li"),
        ["2022年6月21日更早的更正。", "2022年6月22日原文“6238人”应为“6283人”。"]
    );
    assert_eq!(
        attrs(&page, "main .facets time", "datetime"),
        ["2022-06-22T00:00:00+08:00"]
    );
    let atom = site.read("/atom.xml");
    assert!(atom.contains("<updated>2022-06-22T00:00:00+08:00</updated>"), "{atom}");
    assert!(
        atom.contains("<published>2022-06-20T00:00:00+08:00</published>"),
        "{atom}"
    );
}

#[test]
fn lead_image_under_the_base_path() {
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\nimage: images/a.png\nimage_alt: 职工在食堂就餐\n",
            "正文。\n",
        ),
    );
    site.write("static/images/a.png", PNG_3X2);
    site.run(&["build", "--base-url", "https://example.org/sub/"])
        .expect_status(0);
    let page = site.page("/news/2022/06/20/a/");
    assert_eq!(attrs(&page, "main img", "src"), ["/sub/images/a.png"]);
    assert_eq!(attrs(&page, "main img", "alt"), ["职工在食堂就餐"]);
    // The size is read from the file, so the page reserves the image's space.
    assert_eq!(attrs(&page, "main img", "width"), ["3"]);
    assert_eq!(attrs(&page, "main img", "height"), ["2"]);
    let broken = site.broken_links("https://example.org/sub/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The header of a 3×2 PNG: enough for its size to be read.
const PNG_3X2: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x03\x00\x00\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1\x4d";

#[test]
fn a_missing_or_broken_image_is_an_error_at_its_line() {
    let site = SiteTest::with_config(SITE_YAML)
        .with(
            "content/a.md",
            &item(
                "title: 甲\ndate: 2022-06-20\nregion: 山东\nimage: gone.jpg\nimage_alt: 图\n",
                "正文。\n",
            ),
        )
        .with(
            "content/b.md",
            &item(
                "title: 乙\ndate: 2022-06-20\nregion: 山东\nimage: bad.jpg\nimage_alt: 图\n",
                "正文。\n",
            ),
        )
        .with("static/bad.jpg", "not really a jpeg");
    let run = site.run(&["build"]);
    run.expect_status(1);
    let d = run.diags();
    assert_eq!((d[0].path.as_str(), d[0].line), ("content/a.md", 5), "{d:?}");
    assert!(d[0].message.contains("image `gone.jpg` not found"), "{d:?}");
    assert_eq!((d[1].path.as_str(), d[1].line), ("content/b.md", 5), "{d:?}");
    assert!(d[1].message.contains("cannot be read"), "{d:?}");
}

#[test]
fn an_image_needs_alt_text() {
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item("title: 甲\ndate: 2022-06-20\nregion: 山东\nimage: a.jpg\n", "正文。\n"),
    );
    let run = site.run(&["build"]);
    run.expect_status(1);
    // The missing file is reported in the same run.
    let got: Vec<(String, usize, String)> = run.diags().into_iter().map(|d| (d.path, d.line, d.message)).collect();
    assert_eq!(
        got,
        [
            (
                "content/a.md".to_string(),
                5,
                "an image needs alternative text".to_string()
            ),
            ("content/a.md".to_string(), 5, "image `a.jpg` not found".to_string()),
        ]
    );
}

#[test]
fn every_written_form_of_a_figure_adds_up() {
    // One item, one `sum` metric in 人, the contract's forms:
    //   6283 + 1.5万 (15000) + 2900余万 (29000000) + 约30万 (300000) + 100多 (100) + 近千 (1000)
    //   + 11020 + 1.2亿 (120000000) = 149333403, approximate (余, 约, 多, 近).
    let forms = ["6283", "1.5万", "2900余万", "约30万", "100多", "近千", "11020", "1.2亿"];
    let figures: String = forms
        .iter()
        .map(|v| format!("  - metric: members_joined\n    value: {v}\n"))
        .collect();
    let body = "数字:6283、1.5万、2900余万、约30万、100多、近千、11020、1.2亿。\n";
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            &format!("title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\nfigures:\n{figures}"),
            body,
        ),
    );
    let b = site.build();
    assert!(
        b.warnings.is_empty(),
        "every form is traceable: {}",
        render(&b.warnings)
    );
    assert_eq!(total(&site.stats_json(), "members_joined"), n("149333403", true));
    // Each is shown as written, with its qualifier.
    let page = site.page("/news/2022/06/20/a/");
    let shown = texts(&page, "main aside.figures tbody .value");
    let expected: Vec<String> = forms.iter().map(|f| format!("{f}人")).collect();
    assert_eq!(shown, expected);
}

#[test]
fn percent_figures_take_the_max() {
    let site = SiteTest::with_config(
        "title: t\nbase_url: https://e.org/\nmetrics:\n  rate: { label: 减免比例, unit: \"%\", aggregate: max }\n",
    )
    .with(
        "content/a.md",
        &item(
            "title: 甲\ndate: 2022-06-20\nregion: 山东\nslug: a\nfigures:\n  - metric: rate\n    value: 20%\n  - metric: rate\n    value: 12.5%\n",
            "减免20%,另一项减免12.5%。\n",
        ),
    );
    site.build();
    let s = site.stats_json();
    assert_eq!(total(&s, "rate"), n("20", false));
    assert_eq!(metric(&s, "rate")["total"]["display"], "20%");
}

#[test]
fn a_figure_in_the_wrong_unit_is_an_error() {
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 甲\ndate: 2022-06-20\nregion: 山东\nfigures:\n  - metric: members_joined\n    value: 3\n    unit: 元\n",
            "3元\n",
        ),
    );
    let run = site.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!((d.path.as_str(), d.line, d.column), ("content/a.md", 8, 5), "{d:?}");
    assert!(
        d.message
            .contains("unit `元` cannot be added to metric `members_joined`"),
        "{d:?}"
    );
}

/// Regression (#20, item 2): `build` frees the item views before the corrections page renders,
/// and the page read its corrections from them, so it said 暂无更正 while `serve` listed them.
#[test]
fn build_lists_corrected_items_on_the_corrections_page_as_serve_does() {
    let site = SiteTest::with_config(SITE_YAML)
        .with(
            "content/a.md",
            &item(
                "title: 全国工会蹲点\ndate: 2022-06-20\nregion: 全国\nslug: a\ncorrections:\n  - date: 2022-06-21\n    text: 原文“6238人”应为“6283人”。\n",
                "正文。\n",
            ),
        )
        .with("content/b.md", &simple_item("未更正", "2022-06-19", "b"));
    site.build();
    let page = site.page("/corrections/");
    assert_eq!(
        attrs(&page, "main .corrections-list > li .card-title a", "href"),
        ["/news/2022/06/20/a/"],
        "only the corrected item, linked"
    );
    assert_eq!(
        texts(&page, "main .correction-notes li"),
        ["2022年6月21日原文“6238人”应为“6283人”。"]
    );
    assert_eq!(attrs(&page, "main .correction-notes time", "datetime"), ["2022-06-21"]);
    assert!(texts(&page, "main .empty-note").is_empty(), "not 暂无更正");

    // serve renders the same page, byte for byte.
    let mut r = bulletin::serve::rebuild::Rebuilder::new(site.opts.clone());
    r.rebuild(&bulletin::serve::rebuild::Changes { paths: Vec::new() })
        .unwrap_or_else(|d| panic!("{}", render(&d)));
    r.finish().unwrap_or_else(|d| panic!("{}", render(&d)));
    let served = r.files().get("corrections/index.html").expect("serve made the page");
    assert_eq!(
        String::from_utf8_lossy(served),
        site.read("/corrections/"),
        "build and serve agree"
    );
}
