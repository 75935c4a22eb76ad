//! Atom feeds and the sitemap: well-formed XML, at most 20 entries per feed, every required
//! element, a feed for each province, city and county page listing what the page lists, and
//! every item in the sitemap as an absolute URL.

use crate::harness::*;
use roxmltree::{Document, Node};

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((ATOM, name)))
}

fn child_text<'a>(node: Node<'a, '_>, name: &str) -> &'a str {
    child(node, name)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("entry without <{name}>"))
}

/// Checks a feed and returns its entries' links, in order.
fn check_feed(xml: &str, base_url: &str) -> Vec<String> {
    let doc = Document::parse(xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "root is {:?}", feed.tag_name());
    for name in ["title", "id", "updated"] {
        assert!(child(feed, name).is_some(), "feed without <{name}>");
    }
    let entries: Vec<Node> = feed.children().filter(|c| c.has_tag_name((ATOM, "entry"))).collect();
    assert!(entries.len() <= 20, "{} entries", entries.len());
    let mut links = Vec::new();
    for e in entries {
        assert!(!child_text(e, "title").is_empty());
        let id = child_text(e, "id");
        let published = child_text(e, "published");
        let updated = child_text(e, "updated");
        chrono::DateTime::parse_from_rfc3339(published).unwrap();
        chrono::DateTime::parse_from_rfc3339(updated).unwrap();
        assert!(updated >= published, "updated {updated} before published {published}");
        let link = child(e, "link").expect("entry without <link>");
        let href = link.attribute("href").unwrap();
        assert!(href.starts_with(base_url), "{href}");
        assert!(id.starts_with(base_url), "{id}");
        links.push(href.to_string());
    }
    links
}

#[test]
fn the_site_feed() {
    let site = SiteTest::example();
    site.build();
    let links = check_feed(&site.read("/atom.xml"), "https://example.org/bulletin/");
    assert_eq!(links.len(), 9);
    // Newest first; within a day, in print order.
    assert_eq!(
        links[0],
        "https://example.org/bulletin/news/2022/06/20/quanguo-jiceng-dundian/"
    );
    assert_eq!(
        links[8],
        "https://example.org/bulletin/news/2022/06/15/guangdong-liaoxiuyang-qidong/"
    );
    // Every link is a page of the site.
    for l in &links {
        let path = l.strip_prefix("https://example.org/bulletin").unwrap();
        assert!(site.exists(path), "{l}");
    }
}

#[test]
fn a_feed_holds_at_most_20_entries_newest_first() {
    let mut t = SiteTest::with_config(SITE_YAML);
    for day in 1..=25 {
        t = t.with(
            &format!("content/{day:02}.md"),
            &simple_item(
                &format!("第{day}篇"),
                &format!("2022-03-{day:02}"),
                &format!("item-{day}"),
            ),
        );
    }
    t.build();
    for feed in ["/atom.xml", "/regions/shandong/atom.xml"] {
        let links = check_feed(&t.read(feed), "https://test.example.org/");
        assert_eq!(links.len(), 20, "{feed}");
        assert_eq!(links[0], "https://test.example.org/news/2022/03/25/item-25/", "{feed}");
        assert_eq!(links[19], "https://test.example.org/news/2022/03/06/item-6/", "{feed}");
    }
}

#[test]
fn a_feed_for_every_province_and_topic_page() {
    let site = SiteTest::example();
    site.build();
    let pages = site.html_pages();
    let lists: Vec<&String> = pages
        .iter()
        .filter(|p| {
            let parts: Vec<&str> = p.trim_matches('/').split('/').collect();
            let place = parts[0] == "regions" && (3..=4).contains(&parts.len()) && !parts.contains(&"page");
            (parts.len() == 2 && (parts[0] == "regions" || parts[0] == "topics")) || place
        })
        .collect();
    // 12 provinces, 8 topics, 9 cities and counties (皖: 淮南, 芜湖; 鄂: 荆州; 陕: 西安, 碑林;
    // 鲁: 青岛, 莱西, 日照, 五莲).
    assert_eq!(lists.len(), 12 + 8 + 9, "{lists:?}");
    for list in lists {
        let feed = format!("{list}atom.xml");
        assert!(site.exists(&feed), "no {feed}");
        check_feed(&site.read(&feed), "https://example.org/bulletin/");
        // The page announces its feed.
        let html = site.page(list);
        let announced = attrs(&html, "link[rel=alternate][type='application/atom+xml']", "href");
        assert!(
            announced.contains(&format!("https://example.org/bulletin{feed}")),
            "{list}: {announced:?}"
        );
    }
    // 重庆 has no item of its own: its feed holds the round-up that reports its figures, as
    // its page does (#15).
    assert_eq!(
        check_feed(
            &site.read("/regions/chongqing/atom.xml"),
            "https://example.org/bulletin/"
        ),
        ["https://example.org/bulletin/news/2022/06/20/quanguo-jiceng-dundian/"]
    );
}

#[test]
fn the_sitemap_lists_every_page_as_absolute_urls() {
    let site = SiteTest::example();
    site.build();
    let xml = site.read("/sitemap.xml");
    let doc = Document::parse(&xml).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let base = "https://example.org/bulletin";
    for loc in &locs {
        let path = loc
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{loc} not under base_url"));
        assert!(site.exists(path), "{loc} names no page");
    }
    let mut unique = locs.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), locs.len(), "duplicates in the sitemap");
    // Every HTML page but 404.html is listed.
    for page in site.html_pages() {
        if page == "/404.html" {
            continue;
        }
        let loc = format!("{base}{page}");
        assert!(locs.contains(&loc.as_str()), "{loc} missing from the sitemap");
    }
    let items = site
        .html_pages()
        .into_iter()
        .filter(|p| p.starts_with("/news/"))
        .count();
    assert_eq!(items, 9);
    // Item pages carry a lastmod.
    assert!(xml.contains(
        "<url><loc>https://example.org/bulletin/news/2022/06/20/quanguo-jiceng-dundian/</loc><lastmod>2022-06-20T00:00:00+08:00</lastmod></url>"
    ));
}

#[test]
fn robots_points_at_the_sitemap() {
    let site = SiteTest::example();
    site.build();
    assert_eq!(
        site.read("/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/bulletin/sitemap.xml\nSitemap: https://example.org/bulletin/news-sitemap.xml\n"
    );
}

#[test]
fn a_province_feed_lists_the_round_up_its_page_lists() {
    // #15: these provinces have no items of their own, only figures in the national round-up;
    // their feeds were empty although their pages list it.
    let site = SiteTest::example();
    site.build();
    for slug in ["chongqing", "sichuan", "hainan", "jiangxi", "shanxi"] {
        let links = check_feed(
            &site.read(&format!("/regions/{slug}/atom.xml")),
            "https://example.org/bulletin/",
        );
        let page = site.page(&format!("/regions/{slug}/"));
        let mut listed = attrs(&page, "main .card-title a", "href");
        listed.iter_mut().for_each(|l| *l = format!("https://example.org{l}"));
        assert_eq!(links, listed, "{slug}");
        assert!(
            links.contains(&"https://example.org/bulletin/news/2022/06/20/quanguo-jiceng-dundian/".to_string()),
            "{slug}: {links:?}"
        );
    }
}
