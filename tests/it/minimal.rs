//! The `minimal` fixture: one metric, three items over two months in two provinces. Checks the
//! contract's URL table page by page.

use crate::harness::*;

const QINGDAO: &str = "/news/2022/05/20/qingdao-xin-huiyuan/";
const XIAN: &str = "/news/2022/06/01/xian-kuaidi-ruhui/";
const JINAN: &str = "/news/2022/06/02/jinan-zhigong-yizhan/";

fn built() -> SiteTest {
    let site = SiteTest::fixture("minimal");
    let b = site.build();
    assert_eq!(b.items, 3);
    assert!(b.warnings.is_empty(), "{}", render(&b.warnings));
    site
}

#[test]
fn every_page_of_the_url_table_exists() {
    let site = built();
    for path in [
        "/",
        QINGDAO,
        XIAN,
        JINAN,
        "/regions/",
        "/regions/shandong/",
        "/regions/shaanxi/",
        "/regions/shandong/atom.xml",
        "/regions/shaanxi/atom.xml",
        "/topics/",
        "/topics/ru-hui/",
        "/topics/xin-jiu-ye-xing-tai/",
        "/topics/ru-hui/atom.xml",
        "/bulletins/",
        "/bulletins/2022-05-20/",
        "/bulletins/2022-06-01/",
        "/bulletins/2022-06-02/",
        "/archive/",
        "/archive/2022/05/",
        "/archive/2022/06/",
        "/stats/",
        "/stats/stats.json",
        "/stats/provinces.csv",
        "/stats/months.csv",
        "/stats/topics.csv",
        "/atom.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/404.html",
    ] {
        assert!(site.exists(path), "missing {path}");
    }
    assert!(!site.exists("/page/2/"), "three items fit on one page");
    assert!(!site.exists("/regions/shanxi/"), "山西 has no items");
}

#[test]
fn the_contract_search_page_exists() {
    // content-format.md lists `/search/` among the pages.
    let site = built();
    assert!(site.exists("/search/"), "no /search/ page");
}

#[test]
fn home_lists_items_newest_first() {
    let site = built();
    let home = site.page("/");
    assert_eq!(
        attrs(&home, "main .recent .card-title a", "href"),
        [JINAN, XIAN, QINGDAO]
    );
    assert_eq!(text(&home, "h1.site-title"), "最小站点");
}

#[test]
fn archive_months_hold_their_items() {
    let site = built();
    let june = site.page("/archive/2022/06/");
    assert_eq!(attrs(&june, "main .card-title a", "href"), [JINAN, XIAN]);
    let may = site.page("/archive/2022/05/");
    assert_eq!(attrs(&may, "main .card-title a", "href"), [QINGDAO]);
}

#[test]
fn province_pages_hold_their_items() {
    let site = built();
    let shandong = site.page("/regions/shandong/");
    assert_eq!(text(&shandong, "main h1"), "山东省");
    assert_eq!(
        attrs(&shandong, "main .subject-items .card-title a", "href"),
        [JINAN, QINGDAO]
    );
    let shaanxi = site.page("/regions/shaanxi/");
    assert_eq!(attrs(&shaanxi, "main .subject-items .card-title a", "href"), [XIAN]);
    let regions = site.page("/regions/");
    let links = attrs(&regions, "main a[href^='/regions/']", "href");
    assert!(links.contains(&"/regions/shandong/".to_string()), "{links:?}");
    assert!(links.contains(&"/regions/shaanxi/".to_string()), "{links:?}");
}

#[test]
fn a_locality_shows_its_place_linked_to_its_page() {
    let site = built();
    let jinan = site.page(JINAN);
    assert_eq!(text(&jinan, "main .meta-region"), "山东 济南市");
    assert_eq!(
        attrs(&jinan, "main .meta-region a", "href"),
        ["/regions/shandong/", "/regions/shandong/jinan/"]
    );
    // Written 西安, shown by the registry's name.
    let xian = site.page(XIAN);
    assert_eq!(text(&xian, "main .meta-region"), "陕西 西安市");
    assert!(site.exists("/regions/shaanxi/xian/"));
}

#[test]
fn statistics() {
    let site = built();
    let s = site.stats_json();
    // 120 + 1.2万 + 约300 = 12420, approximate because of 约300.
    assert_eq!(total(&s, "members_joined"), n("12420", true));
    // 山东: 120 + 约300 = 420 (approximate); 陕西: 12000. Registry order: 山东 before 陕西.
    assert_eq!(
        rows(&s, "members_joined", "provinces"),
        expect_rows(&[("shandong", "420", true), ("shaanxi", "12000", false)])
    );
    // May: 120. June: 12000 + 300 = 12300 (approximate); running 12420.
    assert_eq!(
        months(&s, "members_joined"),
        [
            ("2022-05".to_string(), n("120", false), n("120", false)),
            ("2022-06".to_string(), n("12300", true), n("12420", true)),
        ]
    );
    // Without a topic list in site.yaml, topics get pinyin slugs, sorted by slug.
    // 入会: 青岛 120 + 西安 12000; 新就业形态: 西安 12000.
    assert_eq!(
        rows(&s, "members_joined", "topics"),
        expect_rows(&[("ru-hui", "12120", false), ("xin-jiu-ye-xing-tai", "12000", false)])
    );
    // The figure without a metric (职工驿站 12个) is shown with its item, not added up.
    let jinan = site.page(JINAN);
    let figures = texts(&jinan, "main aside.figures tbody tr");
    assert_eq!(figures.len(), 2, "{figures:?}");
    assert!(figures[1].starts_with("职工驿站 12个"), "{figures:?}");
}

#[test]
fn check_is_clean_and_writes_nothing() {
    let site = SiteTest::fixture("minimal");
    let run = site.run(&["check"]);
    run.expect_status(0);
    assert_eq!(run.stdout.trim(), "checked: no errors, 0 warnings");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(!site.root().join("public").exists());
}

#[test]
fn binary_and_library_builds_are_identical() {
    let lib = built();
    let bin = SiteTest::fixture("minimal");
    let run = bin.run(&["build"]);
    run.expect_status(0);
    assert!(run.stdout.starts_with("built 3 items, "), "{}", run.stdout);
    assert_same_files(&lib.output_files(), &bin.output_files());
}
