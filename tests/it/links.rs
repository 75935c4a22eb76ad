//! Links between items: an editor links to another item by its file, and the build writes
//! that item's URL; a link to a missing item is an error at its file and line.

use crate::harness::*;

fn other() -> String {
    item(
        "title: 另一篇\ndate: 2022-06-19\nregion: 山东\nslug: other\n",
        "另一篇。\n",
    )
}

#[test]
fn file_links_become_item_urls() {
    let t = SiteTest::with_config(SITE_YAML)
        .with("content/2022/06/other.md", &other())
        .with(
            "content/2022/07/this.md",
            &item(
                "title: 本篇\ndate: 2022-07-01\nregion: 山东\nslug: this\n",
                "见[上一篇](../06/other.md)和[同一篇](@/2022/06/other.md#main)。\n",
            ),
        );
    t.build();
    let page = t.page("/news/2022/07/01/this/");
    let hrefs = attrs(&page, "main .prose a", "href");
    assert_eq!(hrefs, vec!["/news/2022/06/19/other/", "/news/2022/06/19/other/#main"]);
    let broken = t.broken_links("https://test.example.org/");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn a_link_to_a_missing_item_is_an_error_at_its_line() {
    let t = SiteTest::with_config(SITE_YAML)
        .with("content/2022/06/other.md", &other())
        .with(
            "content/2022/07/this.md",
            &item(
                "title: 本篇\ndate: 2022-07-01\nregion: 山东\n",
                "第一段。\n\n见[不存在](../06/gone.md)。\n",
            ),
        );
    let run = t.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!((d.path.as_str(), d.line), ("content/2022/07/this.md", 8), "{d:?}");
    assert!(d.message.contains("link to a missing item: ../06/gone.md"), "{d:?}");
}
