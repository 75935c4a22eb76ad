//! What a Chinese public site owes its readers and search engines (issue #19): a description on
//! every page, the ICP 备案 and 公网安备 numbers in every footer, linked to their registers.

use crate::harness::*;

#[test]
fn every_page_of_the_example_site_has_a_description() {
    let site = SiteTest::example();
    site.build();
    let pages = site.html_pages();
    assert!(pages.len() > 20, "{} pages", pages.len());
    for p in pages {
        let page = site.page(&p);
        let described = attrs(&page, "head meta[name=description]", "content");
        assert_eq!(described.len(), 1, "{p}: {described:?}");
        assert!(!described[0].trim().is_empty(), "{p}: an empty description");
    }
}

#[test]
fn the_icp_and_police_numbers_are_in_every_footer_linked_to_their_registers() {
    let site = SiteTest::with_config(&format!(
        "{SITE_YAML}icp: 鲁ICP备12345678号-1\npolice_record: \"鲁公网安备 37020002000123号 <b>\"\n"
    ))
    .with("content/a.md", &simple_item("稿件", "2022-06-20", "a"));
    site.build();
    for p in site.html_pages() {
        let page = site.page(&p);
        let links = attrs(&page, "footer .footer-records a", "href");
        assert_eq!(
            links,
            [
                "https://beian.miit.gov.cn/",
                "https://beian.mps.gov.cn/#/query/webSearch?code=37020002000123"
            ],
            "{p}"
        );
        assert_eq!(
            texts(&page, "footer .footer-records a"),
            ["鲁ICP备12345678号-1", "鲁公网安备 37020002000123号 <b>"],
            "{p}: the numbers as written, as text"
        );
    }
}

#[test]
fn without_the_numbers_the_footer_has_no_records_line() {
    let site = SiteTest::with_config(SITE_YAML).with("content/a.md", &simple_item("稿件", "2022-06-20", "a"));
    site.build();
    assert!(texts(&site.page("/"), "footer .footer-records").is_empty());
}
