//! Determinism: the same input gives byte-identical output, whatever the folder, the thread
//! scheduling or the way the build is started.

use crate::harness::*;

#[test]
fn two_builds_into_different_folders_are_identical() {
    let mut site = SiteTest::example();
    site.opts.output = Some("out-a".into());
    site.build();
    let a = site.output_files();
    site.opts.output = Some("out-b".into());
    site.build();
    let b = site.output_files();
    assert!(a.len() > 50, "{} files", a.len());
    assert_same_files(&a, &b);
}

#[test]
fn builds_of_copies_in_different_places_are_identical() {
    for fixture in ["stats", "pagination"] {
        let one = SiteTest::fixture(fixture);
        let two = SiteTest::fixture(fixture);
        one.run(&["build"]).expect_status(0);
        two.run(&["build"]).expect_status(0);
        assert_same_files(&one.output_files(), &two.output_files());
    }
}

#[test]
fn rebuilding_in_place_changes_nothing() {
    let site = SiteTest::fixture("stats");
    site.build();
    let first = site.output_files();
    site.build();
    assert_same_files(&first, &site.output_files());
}

#[test]
fn output_does_not_mention_the_build_machine() {
    let site = SiteTest::fixture("stats");
    site.build();
    let root = site.root().to_string_lossy().into_owned();
    for (name, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&root), "{name} contains the site's folder {root}");
        assert!(!text.contains("/tmp/"), "{name} contains a temporary path");
    }
}
