//! insta snapshots of what a reader sees: the `<main>` of an item page and of the statistics
//! page of the `stats` fixture. The build is deterministic, so nothing is redacted. After an
//! intended change: `INSTA_UPDATE=always cargo test --test it snapshots`, then read the
//! `.snap` diff before committing it.

use crate::harness::*;

fn stats_site() -> SiteTest {
    let site = SiteTest::fixture("stats");
    site.build();
    site
}

#[test]
fn item_page_main() {
    let site = stats_site();
    insta::assert_snapshot!(site.main_of("/news/2022/07/01/quanguo-zongshu/"));
}

#[test]
fn stats_page_main() {
    let site = stats_site();
    insta::assert_snapshot!(site.main_of("/stats/"));
}
