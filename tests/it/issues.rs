//! The bulletin as a numbered document (issue #14): 第N期 and 总第N期 on every page that names
//! an issue, the issue page with its 报头 data and 编者按, the print edition, the PDF edition, and
//! the errors of issue files. The fixture `issues` has a masthead, six issues over two years
//! (one a supplement, one with an explicit number) and its own subset CJK font.

use crate::harness::*;

/// The fixture, built.
fn built() -> SiteTest {
    let site = SiteTest::fixture("issues");
    let b = site.build();
    assert!(b.warnings.is_empty(), "{}", render(&b.warnings));
    site
}

#[test]
fn issues_are_numbered_per_year_with_running_totals_supplements_apart_and_explicit_numbers_counted_on() {
    let site = built();
    let index = site.page("/bulletins/");
    let numbers = texts(&index, "main .issue-list li a");
    assert_eq!(
        numbers,
        [
            "第13期 （总第123期） 2022年6月27日",
            "第12期 （总第122期） 2022年6月20日",
            "增刊第1期 2022年1月20日",
            "第1期 （总第121期） 2022年1月10日",
            "第5期 （总第120期） 2021年12月20日",
        ]
    );
}

#[test]
fn the_issue_page_shows_number_publisher_signer_date_note_items_and_editions() {
    let site = built();
    let page = site.page("/bulletins/2022-06-20/");
    assert_eq!(text(&page, "main .issue-number"), "第12期");
    assert_eq!(text(&page, "main .issue-total"), "（总第122期）");
    assert_eq!(text(&page, "main .issue-masthead"), "工会工作简报");
    assert_eq!(text(&page, "main .issue-theme"), "基层蹲点专刊");
    assert_eq!(text(&page, "main .issue-publisher"), "某某市总工会办公室");
    assert_eq!(text(&page, "main .issue-signed-by"), "王某");
    assert_eq!(attrs(&page, "main .issue-issued", "datetime"), ["2022-06-21"]);
    // The 编者按 is Markdown, rendered like an item body.
    assert_eq!(text(&page, "main .issue-note strong"), "认真学习");
    assert_eq!(
        texts(&page, "main .issue-cards .card-title"),
        ["工会干部下沉一线蹲点", "户外劳动者驿站投用"]
    );
    assert_eq!(
        attrs(&page, "main a.issue-print", "href"),
        ["/bulletins/2022-06-20/print/"]
    );
    assert_eq!(
        attrs(&page, "main a.issue-pdf", "href"),
        ["/bulletins/2022-06-20/bulletin-2022-06-20.pdf"]
    );
    assert!(text(&page, "title").starts_with("第12期"), "{}", text(&page, "title"));
}

#[test]
fn the_home_page_feeds_and_structured_data_name_the_issue_number() {
    let site = built();
    let home = site.page("/");
    assert_eq!(text(&home, "main .issue .issue-number"), "第13期");
    let feed = site.read("/atom.xml");
    assert!(feed.contains("label=\"第13期（总第123期）\""), "{feed}");
    assert!(feed.contains("label=\"增刊第1期\""), "{feed}");
    let item = site.page("/news/2022/06/20/dundian/");
    let ld: serde_json::Value = serde_json::from_str(&text(&item, "script[type='application/ld+json']")).unwrap();
    assert_eq!(ld["isPartOf"]["@type"], "PublicationIssue");
    assert_eq!(ld["isPartOf"]["issueNumber"], 12);
    assert_eq!(ld["isPartOf"]["name"], "第12期（总第122期）");
    assert_eq!(ld["isPartOf"]["isPartOf"]["name"], "工会工作简报");
}

#[test]
fn the_print_edition_is_a4_with_a_red_masthead_headlines_kept_with_text_and_the_colophon_last() {
    let site = built();
    let html = site.read("/bulletins/2022-06-20/print/");
    assert!(html.contains("@page"), "no @page rule");
    assert!(html.contains("size: A4"), "not A4");
    assert!(html.contains("counter(page)"), "no page numbers");
    assert!(html.contains("break-after: avoid"), "headlines may end a page");
    let page = site.page("/bulletins/2022-06-20/print/");
    assert_eq!(text(&page, ".masthead-name"), "工会工作简报");
    assert_eq!(text(&page, ".masthead-number"), "第12期（总第122期）");
    assert_eq!(text(&page, ".masthead .publisher"), "某某市总工会办公室");
    assert_eq!(text(&page, ".masthead .issued"), "2022年6月21日");
    assert!(text(&page, ".note").contains("本期聚焦基层蹲点"));
    assert_eq!(text(&page, ".print-item .kicker"), "深入基层 服务职工");
    assert_eq!(
        texts(&page, ".print-item h2"),
        ["工会干部下沉一线蹲点", "户外劳动者驿站投用"]
    );
    assert_eq!(text(&page, ".print-item .subtitle"), "——全市下派蹲点干部六十人");
    assert!(text(&page, ".print-item .byline").contains("记者 王芳"));
    // The 报尾 comes once, after the last item.
    assert_eq!(
        texts(&page, ".colophon .distribution"),
        ["报：省总工会办公室", "送：市委办公室，市政府办公室", "发：各区县总工会"]
    );
    assert_eq!(text(&page, ".colophon .copies"), "共印200份");
    let last_item = html.rfind("class=\"print-item\"").unwrap();
    let colophon = html.find("class=\"colophon\"").unwrap();
    assert!(colophon > last_item, "the 报尾 is not at the end");
    assert_eq!(html.matches("class=\"colophon\"").count(), 1);
}

#[test]
fn a_repeated_explicit_number_is_an_error_naming_both_files_at_their_lines() {
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &simple_item("甲", "2022-03-01", "a"))
        .with("content/b.md", &simple_item("乙", "2022-04-01", "b"))
        .with("bulletins/2022-03-01.md", "---\nnumber: 7\n---\n")
        .with("bulletins/2022-04-01.md", "---\nsigned_by: 王某\nnumber: 7\n---\n");
    let run = site.run(&["build"]);
    run.expect_status(1);
    let e = run.error();
    assert_eq!(e.path, "bulletins/2022-04-01.md");
    assert_eq!((e.line, e.column), (3, 1));
    assert!(e.message.contains("第7期"), "{}", e.message);
    assert!(e.message.contains("bulletins/2022-03-01.md:2:1"), "{}", e.message);
}

#[test]
fn a_typo_in_an_issue_file_is_an_error_at_its_line_with_a_suggestion() {
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &simple_item("甲", "2022-03-01", "a"))
        .with(
            "bulletins/2022-03-01.md",
            "---\nnumber: 7\nsigned_bi: 王某\n---\n编者按。\n",
        );
    let run = site.run(&["build"]);
    run.expect_status(1);
    let e = run.error();
    assert_eq!(e.path, "bulletins/2022-03-01.md");
    assert_eq!((e.line, e.column), (3, 1));
    assert!(e.message.contains("signed_bi"), "{}", e.message);
    assert_eq!(e.hint.as_deref(), Some("did you mean `signed_by`?"));
}

#[test]
fn errors_in_issue_files_come_with_the_items_errors_in_one_run() {
    let site = SiteTest::with_config(SITE_YAML)
        .with(
            "content/a.md",
            &item("title: 甲\ndate: 2022-03-01\nregoin: 山东\n", "x\n"),
        )
        .with("bulletins/2022-03-01.md", "---\nnumbr: 7\n---\n");
    let run = site.run(&["check"]);
    run.expect_status(1);
    let paths: Vec<String> = run.diags().into_iter().map(|d| d.path).collect();
    assert!(paths.contains(&"content/a.md".to_string()), "{}", run.stderr);
    assert!(paths.contains(&"bulletins/2022-03-01.md".to_string()), "{}", run.stderr);
}

#[test]
fn an_issue_file_whose_date_has_no_items_is_a_warning() {
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &simple_item("甲", "2022-03-01", "a"))
        .with("bulletins/2022-03-02.md", "编者按。\n");
    let b = site.build();
    let w: Vec<_> = b.warnings.iter().collect();
    assert_eq!(w.len(), 1, "{}", render(&b.warnings));
    assert_eq!(w[0].path, std::path::Path::new("bulletins/2022-03-02.md"));
    assert!(w[0].message.contains("2022-03-02"), "{}", w[0].message);
}

#[test]
fn without_a_usable_font_the_build_warns_once_and_links_no_pdf() {
    let site = SiteTest::with_config(&format!(
        "{SITE_YAML}masthead:\n  publisher: 办公室\n  font: no-such-font.otf\n"
    ))
    .with("content/a.md", &simple_item("甲", "2022-03-01", "a"));
    let b = site.build();
    assert_eq!(b.warnings.0.len(), 1, "{}", render(&b.warnings));
    assert!(b
        .warnings
        .iter()
        .any(|w| w.hint.as_deref().is_some_and(|h| h.contains("font"))));
    assert!(site.exists("/bulletins/2022-03-01/print/"));
    assert!(!site.exists("/bulletins/2022-03-01/bulletin-2022-03-01.pdf"));
    assert!(attrs(&site.page("/bulletins/2022-03-01/"), "a.issue-pdf", "href").is_empty());
}

/// The text of each page of a PDF.
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(bytes).unwrap()
}

/// Text without the spaces and line breaks an extractor puts between glyphs.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_pdf_is_a4_with_embedded_fonts_the_numbers_the_headlines_in_order_and_the_colophon_on_its_last_page() {
    let site = built();
    let bytes = site.read_bytes("/bulletins/2022-06-20/bulletin-2022-06-20.pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    // A4 is 595.28 × 841.89 points.
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).unwrap();
        let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let size: Vec<f32> = media.iter().map(|v| v.as_float().unwrap()).collect();
        assert!((size[2] - size[0] - 595.28).abs() < 1.0, "{size:?}");
        assert!((size[3] - size[1] - 841.89).abs() < 1.0, "{size:?}");
    }
    // Every font is embedded: each descendant font descriptor carries a font file.
    let mut fonts = 0;
    for (_, obj) in doc.objects.iter() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor") {
            fonts += 1;
            assert!(
                d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"),
                "a font is not embedded: {d:?}"
            );
        }
    }
    assert!(fonts > 0, "no font in the PDF");

    let pages: Vec<String> = pdf_pages(&bytes).iter().map(|p| squeeze(p)).collect();
    let all = pages.concat();
    for want in [
        "工会工作简报",
        "第12期",
        "总第122期",
        "某某市总工会办公室",
        "签发人：王某",
        "编者按：",
        "本期聚焦基层蹲点",
    ] {
        assert!(all.contains(want), "{want} not in the PDF:\n{all}");
    }
    let first = all.find("工会干部下沉一线蹲点").expect("first headline");
    let second = all.find("户外劳动者驿站投用").expect("second headline");
    assert!(first < second, "headlines out of order");
    let (last, before) = pages.split_last().unwrap();
    assert!(
        last.contains("共印200份") && last.contains("报：省总工会办公室"),
        "{last}"
    );
    for p in before {
        assert!(!p.contains("共印200份"), "the 报尾 is on an earlier page: {p}");
    }
}

#[test]
fn user_text_reaches_the_pdf_as_text_never_as_typst_markup() {
    let site = SiteTest::fixture("issues").with(
        "content/2022-06-c.md",
        &item(
            "title: '#read(\"/etc/passwd\") $x$ *b*'\ndate: 2022-06-27\nregion: 山东\nslug: jineng\n",
            "#import \"x.typ\": * ]) [ \\ @a $y$ = _z_\n",
        ),
    );
    site.build();
    let bytes = site.read_bytes("/bulletins/2022-06-27/bulletin-2022-06-27.pdf");
    let text = squeeze(&pdf_pages(&bytes).concat());
    assert!(text.contains("#read(\"/etc/passwd\")$x$*b*"), "{text}");
    // As Markdown leaves it (`_z_` is emphasis): every Typst-significant character printed.
    assert!(text.contains("#import\"x.typ\":*])[\\@a$y$=z"), "{text}");
}

#[test]
fn a_pdf_is_typeset_again_only_when_its_issue_changed() {
    let site = SiteTest::fixture("issues");
    assert_eq!(site.build().typeset, 5);
    let first = site.read_bytes("/bulletins/2022-06-20/bulletin-2022-06-20.pdf");
    assert_eq!(site.build().typeset, 0, "unchanged issues were typeset again");
    assert_eq!(site.read_bytes("/bulletins/2022-06-20/bulletin-2022-06-20.pdf"), first);
    site.write("bulletins/2022-06-20.md", "---\nnumber: 12\nsigned_by: 李某\n---\n");
    assert_eq!(site.build().typeset, 1);
}

#[test]
fn serve_links_the_pdf_and_typesets_it_only_when_asked_for() {
    use crate::harness::http::get;
    use bulletin::serve::{ServeOptions, Server};
    let site = SiteTest::fixture("issues");
    let server = Server::start(ServeOptions::new(site.opts.clone()), "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = server.addr();
    let cached = || {
        std::fs::read_dir(site.root().join(".bulletin-cache/pdf"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let page = get(addr, "/bulletins/2022-06-20/");
    assert_eq!(page.status, 200);
    let pdf = "/bulletins/2022-06-20/bulletin-2022-06-20.pdf";
    let link = format!("<a class=\"issue-pdf\" href=\"{pdf}\"");
    assert!(page.body.contains(&link), "the issue page links no PDF: {}", page.body);
    assert_eq!(cached(), 0, "serve typeset PDFs nobody asked for");

    let r = get(addr, pdf);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("Content-Type"), Some("application/pdf"));
    let text = squeeze(&pdf_pages(&r.bytes).concat());
    assert!(text.contains("第12期"), "{text}");
    assert!(text.contains("总第122期"), "{text}");
    assert_eq!(cached(), 1, "one PDF asked for, one typeset");
    // Asked again, and by range (as PDF viewers do): the same bytes.
    assert_eq!(get(addr, pdf).bytes, r.bytes);
    let part = crate::harness::http::get_with(addr, pdf, &[("Range", "bytes=0-7")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.bytes, r.bytes[..8]);
    // An issue that does not exist has no edition.
    assert_eq!(get(addr, "/bulletins/2022-06-21/bulletin-2022-06-21.pdf").status, 404);
    server.stop();
}

#[test]
fn the_print_edition_keeps_each_bodys_ids_unique_and_its_figure_links_in_that_body() {
    // The example issue prints nine items whose bodies each mark `figure-1`, `figure-2`…
    let site = SiteTest::example();
    site.build();
    let page = site.page("/bulletins/2022-06-20/print/");
    let all = scraper::Selector::parse("[id]").unwrap();
    let ids: Vec<&str> = page.select(&all).filter_map(|e| e.value().attr("id")).collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "repeated ids: {ids:?}");
    assert!(ids.contains(&"a1-figure-1") && ids.contains(&"a2-figure-1"), "{ids:?}");
    let links = scraper::Selector::parse("a[href^='#']").unwrap();
    for a in page.select(&links) {
        let target = &a.value().attr("href").unwrap()[1..];
        assert!(unique.contains(target), "#{target} has no element on the page");
    }
}
