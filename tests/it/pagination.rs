//! The `pagination` fixture: `per_page: 2` and five items (three in 广东), so the home page has
//! three pages and 广东 two.

use crate::harness::*;

fn built() -> SiteTest {
    let site = SiteTest::fixture("pagination");
    site.build();
    site
}

fn item(day: u32, slug: &str) -> String {
    format!("/news/2022/03/{day:02}/{slug}/")
}

#[test]
fn home_pages_split_newest_first() {
    let site = built();
    let cards = |path: &str| attrs(&site.page(path), "main .recent .card-title a", "href");
    assert_eq!(cards("/"), [item(5, "wuhan"), item(4, "hunan")]);
    assert_eq!(cards("/page/2/"), [item(3, "foshan"), item(2, "shenzhen")]);
    assert_eq!(cards("/page/3/"), [item(1, "guangzhou")]);
    assert!(!site.exists("/page/4/"));
    assert!(!site.exists("/page/1/"), "page 1 is the home page itself");
}

#[test]
fn rel_prev_and_next() {
    let site = built();
    let first = site.page("/");
    assert!(attrs(&first, "link[rel=prev]", "href").is_empty());
    assert_eq!(attrs(&first, "link[rel=next]", "href"), ["/page/2/"]);

    let middle = site.page("/page/2/");
    assert_eq!(attrs(&middle, "link[rel=prev]", "href"), ["/"]);
    assert_eq!(attrs(&middle, "link[rel=next]", "href"), ["/page/3/"]);
    assert_eq!(attrs(&middle, "main .paginator a[rel=prev]", "href"), ["/"]);
    assert_eq!(attrs(&middle, "main .paginator a[rel=next]", "href"), ["/page/3/"]);
    assert_eq!(
        attrs(&middle, "main .paginator a[aria-current=page]", "href"),
        ["/page/2/"]
    );

    let last = site.page("/page/3/");
    assert_eq!(attrs(&last, "link[rel=prev]", "href"), ["/page/2/"]);
    assert!(attrs(&last, "link[rel=next]", "href").is_empty());
    assert!(attrs(&last, "main .paginator a[rel=next]", "href").is_empty());
}

#[test]
fn province_pages_paginate() {
    let site = built();
    let first = site.page("/regions/guangdong/");
    assert_eq!(
        attrs(&first, "main .subject-items .card-title a", "href"),
        [item(3, "foshan"), item(2, "shenzhen")]
    );
    assert_eq!(attrs(&first, "link[rel=next]", "href"), ["/regions/guangdong/page/2/"]);
    let second = site.page("/regions/guangdong/page/2/");
    assert_eq!(
        attrs(&second, "main .subject-items .card-title a", "href"),
        [item(1, "guangzhou")]
    );
    assert_eq!(attrs(&second, "link[rel=prev]", "href"), ["/regions/guangdong/"]);
    assert!(!site.exists("/regions/guangdong/page/3/"));
    // One item: one page.
    assert!(site.exists("/regions/hunan/"));
    assert!(!site.exists("/regions/hunan/page/2/"));
}

#[test]
fn every_page_is_in_the_sitemap() {
    let site = built();
    let sitemap = site.read("/sitemap.xml");
    for path in [
        "",
        "page/2/",
        "page/3/",
        "regions/guangdong/",
        "regions/guangdong/page/2/",
    ] {
        let loc = format!("<loc>https://pages.example.org/{path}</loc>");
        assert!(sitemap.contains(&loc), "{loc} missing from the sitemap");
    }
}

#[test]
fn links_resolve() {
    let site = built();
    let broken = site.broken_links("https://pages.example.org/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
