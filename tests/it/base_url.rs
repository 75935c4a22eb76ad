//! base_url with and without a sub-path: every internal link of every page carries the base
//! path and resolves to a file of the output (an offline link checker, see
//! [`SiteTest::broken_links`]).

use crate::harness::*;

/// Counts the root-relative `href`/`src` values of every page, asserting each starts with `base_path`.
fn root_relative_links(site: &SiteTest, base_path: &str) -> usize {
    let mut count = 0;
    for page in site.html_pages() {
        let html = site.page(&page);
        for attr in ["href", "src"] {
            for link in attrs(&html, &format!("[{attr}]"), attr) {
                if link.starts_with('/') && !link.starts_with("//") {
                    assert!(
                        link.starts_with(base_path),
                        "{page}: {attr}=\"{link}\" lacks {base_path}"
                    );
                    count += 1;
                }
            }
        }
    }
    count
}

fn assert_links_resolve(site: &SiteTest, base_url: &str) {
    let broken = site.broken_links(base_url);
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn sub_path_from_the_command_line() {
    let site = SiteTest::example();
    site.run(&["build", "--base-url", "https://example.org/sub/path/"])
        .expect_status(0);
    let links = root_relative_links(&site, "/sub/path/");
    assert!(links > 500, "only {links} links checked");
    assert_links_resolve(&site, "https://example.org/sub/path/");
    let home = site.page("/");
    assert_eq!(
        attrs(&home, "link[rel=canonical]", "href"),
        ["https://example.org/sub/path/"]
    );
    assert_eq!(site.stats_json()["base_url"], "https://example.org/sub/path/");
}

#[test]
fn sub_path_without_trailing_slash_is_normalised() {
    let site = SiteTest::fixture("minimal");
    site.run(&["build", "--base-url", "https://example.org/sub/path"])
        .expect_status(0);
    root_relative_links(&site, "/sub/path/");
    assert_links_resolve(&site, "https://example.org/sub/path/");
}

#[test]
fn sub_path_from_site_yaml() {
    let site = SiteTest::fixture("pagination");
    let yaml = std::fs::read_to_string(site.root().join("site.yaml"))
        .unwrap()
        .replace("https://pages.example.org/", "https://example.org/deep/sub/path/");
    site.write("site.yaml", yaml);
    site.build();
    let links = root_relative_links(&site, "/deep/sub/path/");
    assert!(links > 100, "only {links} links checked");
    assert_links_resolve(&site, "https://example.org/deep/sub/path/");
    // Paginated pages link each other under the sub-path too.
    let page2 = site.page("/page/2/");
    assert_eq!(attrs(&page2, "link[rel=prev]", "href"), ["/deep/sub/path/"]);
    assert_eq!(attrs(&page2, "link[rel=next]", "href"), ["/deep/sub/path/page/3/"]);
}

#[test]
fn host_root() {
    let site = SiteTest::example();
    site.run(&["build", "--base-url", "https://example.org/"])
        .expect_status(0);
    let links = root_relative_links(&site, "/");
    assert!(links > 500, "only {links} links checked");
    assert_links_resolve(&site, "https://example.org/");
    let item = site.page("/news/2022/06/20/quanguo-jiceng-dundian/");
    assert_eq!(attrs(&item, "main .meta-region a", "href"), ["/regions/quanguo/"]);
}

#[test]
fn feeds_and_sitemap_use_the_sub_path() {
    let site = SiteTest::fixture("minimal");
    site.run(&["build", "--base-url", "https://example.org/sub/path/"])
        .expect_status(0);
    let sitemap = site.read("/sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(!locs.is_empty());
    for loc in &locs {
        assert!(loc.starts_with("https://example.org/sub/path/"), "{loc}");
    }
    let atom = site.read("/atom.xml");
    assert!(atom.contains("href=\"https://example.org/sub/path/news/2022/06/02/jinan-zhigong-yizhan/\""));
    let robots = site.read("/robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/sub/path/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn a_relative_base_url_is_a_usage_error() {
    let site = SiteTest::fixture("minimal");
    let run = site.run(&["build", "--base-url", "/sub/path/"]);
    assert_ne!(run.status, 0, "{run:?}");
    assert!(run.stderr.contains("not an absolute http(s) URL"), "{}", run.stderr);
    assert!(!site.root().join("public").exists());
}
