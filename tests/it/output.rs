//! The output folder: a failed build leaves the previous site untouched, a rebuild rewrites
//! only what changed, files put there by hand survive a rebuild, pages of removed items go
//! away, and dangerous output folders are refused.

use crate::harness::*;

/// The names in the site folder, sorted, but for the staging folder (`.public.staging`, which
/// keeps the previous tree for the next build): nothing else may be left behind.
fn root_entries(site: &SiteTest) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".public.staging")
        .collect();
    names.sort();
    names
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = SiteTest::fixture("minimal");
    site.run(&["build"]).expect_status(0);
    let before = site.output_files();
    assert!(before.len() > 20);

    site.write(
        "content/2022/06/xian.md",
        "---\ntitle: 西安\ndate: 2022-06-01\nregoin: 陕西\n---\n正文\n",
    );
    let run = site.run(&["build"]);
    run.expect_status(1);
    assert_eq!(run.error().path, "content/2022/06/xian.md");
    assert_same_files(&before, &site.output_files());
    assert_eq!(root_entries(&site), ["content", "public", "site.yaml"]);

    // The same through the library.
    assert!(site.try_build().is_err());
    assert_same_files(&before, &site.output_files());
    assert_eq!(root_entries(&site), ["content", "public", "site.yaml"]);
}

#[test]
fn a_file_put_in_the_output_by_hand_survives_a_rebuild() {
    let site = SiteTest::fixture("minimal");
    site.run(&["build"]).expect_status(0);
    site.write("public/CNAME", "news.example.org\n");
    site.write("public/.well-known/security.txt", "Contact: mailto:a@example.org\n");

    let run = site.run(&["build"]);
    run.expect_status(0);
    let kept: Vec<Diag> = run.diags();
    assert_eq!(kept.len(), 2, "{}", run.stderr);
    assert!(kept.iter().all(|d| d.severity == "warning"), "{kept:?}");
    assert!(
        kept[0].message.contains("kept a file that bulletin did not create"),
        "{kept:?}"
    );

    assert_eq!(
        std::fs::read_to_string(site.out().join("CNAME")).unwrap(),
        "news.example.org\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.out().join(".well-known/security.txt")).unwrap(),
        "Contact: mailto:a@example.org\n"
    );
    // And again: still there.
    site.run(&["build"]).expect_status(0);
    assert!(site.out().join("CNAME").is_file());
    assert_eq!(root_entries(&site), ["content", "public", "site.yaml"]);
}

#[test]
fn pages_of_removed_items_go_away() {
    let site = SiteTest::fixture("minimal");
    site.build();
    assert!(site.exists("/news/2022/05/20/qingdao-xin-huiyuan/"));
    assert!(site.exists("/archive/2022/05/"));
    std::fs::remove_file(site.root().join("content/2022/05/qingdao.md")).unwrap();
    let b = site.build();
    assert!(b.warnings.is_empty(), "{}", render(&b.warnings));
    assert!(!site.exists("/news/2022/05/20/qingdao-xin-huiyuan/"));
    assert!(!site.exists("/archive/2022/05/"));
}

#[test]
fn a_hand_placed_file_in_the_way_of_a_page_fails_the_build() {
    let site = SiteTest::fixture("minimal");
    site.write("public/robots.txt", "User-agent: *\nDisallow: /\n");
    let run = site.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert!(d.path.ends_with("public/robots.txt"), "{d:?}");
    assert!(d.message.contains("not made by bulletin"), "{d:?}");
    assert_eq!(
        std::fs::read_to_string(site.out().join("robots.txt")).unwrap(),
        "User-agent: *\nDisallow: /\n"
    );
}

#[test]
fn dangerous_output_folders_are_refused() {
    for out in [".", "content", "/", "..", "content/public", "./"] {
        // Through site.yaml…
        let site = SiteTest::fixture("minimal");
        let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
        site.write("site.yaml", format!("{yaml}output_dir: \"{out}\"\n"));
        let before = files_under(site.root());
        let run = site.run(&["build"]);
        run.expect_status(1);
        let d = run.error();
        assert_eq!(d.path, "site.yaml", "{out}: {d:?}");
        assert!(d.message.starts_with("refusing to write the site to "), "{out}: {d:?}");
        assert!(d.hint.is_some());
        assert_same_files(&before, &files_under(site.root()));

        // …and through --output.
        let site = SiteTest::fixture("minimal");
        let before = files_under(site.root());
        let run = site.run(&["build", "--output", out]);
        run.expect_status(1);
        assert!(
            run.error().message.starts_with("refusing to write the site to "),
            "{out}"
        );
        assert_same_files(&before, &files_under(site.root()));
    }
}

#[test]
fn output_elsewhere() {
    let site = SiteTest::fixture("minimal");
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("site");
    let run = site.run(&["build", "--output", target.to_str().unwrap()]);
    run.expect_status(0);
    assert!(target.join("index.html").is_file());
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_template_error_leaves_the_previous_output_too() {
    let site = SiteTest::fixture("minimal");
    site.run(&["build"]).expect_status(0);
    let before = site.output_files();
    // A site template overriding the theme's, which fails while rendering.
    site.write(
        "templates/item.html",
        "{% extends \"base.html\" %}{% block content %}{{ item.no_such_field.deeper }}{% endblock content %}",
    );
    let run = site.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert!(d.message.contains("item.html"), "{d:?}");
    assert!(d.message.contains("no_such_field"), "{d:?}");
    assert_same_files(&before, &site.output_files());
    assert_eq!(root_entries(&site), ["content", "public", "site.yaml", "templates"]);
}

#[test]
fn a_render_time_template_error_names_the_template_file() {
    let site = SiteTest::fixture("minimal").with(
        "templates/item.html",
        "{% extends \"base.html\" %}{% block content %}{{ item.no_such_field.deeper }}{% endblock content %}",
    );
    let d = site.run(&["build"]).error();
    assert_eq!(d.path, "templates/item.html", "{d:?}");
}

/// Inode and modification time of a file in the output, to tell "left alone" from "rewritten".
#[cfg(unix)]
fn identity(site: &SiteTest, site_path: &str) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(site.file_of(site_path)).unwrap();
    (meta.ino(), meta.modified().unwrap())
}

#[cfg(unix)]
#[test]
fn a_rebuild_rewrites_only_the_files_that_changed() {
    let site = SiteTest::fixture("minimal");
    site.build();
    let item = "/news/2022/05/20/qingdao-xin-huiyuan/";
    let untouched = "/robots.txt";
    let before = [identity(&site, item), identity(&site, untouched)];
    std::thread::sleep(std::time::Duration::from_millis(20));

    // Same input: nothing is written again.
    site.build();
    assert_eq!(before[0], identity(&site, item));
    assert_eq!(before[1], identity(&site, untouched));

    // One item's body changes: its page is replaced, robots.txt is left alone.
    let path = site.root().join("content/2022/05/qingdao.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n新增一段。\n")).unwrap();
    site.build();
    assert_ne!(before[0], identity(&site, item));
    assert!(site.read(item).contains("新增一段。"));
    assert_eq!(before[1], identity(&site, untouched));
    assert_eq!(root_entries(&site), ["content", "public", "site.yaml"]);

    // The result is what a build into an empty folder makes.
    let mut fresh = SiteTest::fixture("minimal");
    std::fs::write(
        fresh.root().join("content/2022/05/qingdao.md"),
        std::fs::read(&path).unwrap(),
    )
    .unwrap();
    fresh.opts.output = Some("elsewhere".into());
    fresh.build();
    assert_same_files(&files_under(&fresh.root().join("elsewhere")), &site.output_files());
}

#[test]
fn a_generated_file_edited_by_hand_is_written_again() {
    let site = SiteTest::fixture("minimal");
    site.build();
    let first = site.output_files();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Same length, other bytes: only its date tells the build it was touched.
    let robots = site.out().join("robots.txt");
    let text = std::fs::read_to_string(&robots).unwrap();
    std::fs::write(&robots, text.replace("Allow", "AlloW")).unwrap();
    site.build();
    assert_same_files(&first, &site.output_files());
}

#[cfg(unix)]
#[test]
fn a_generated_folder_replaced_by_a_link_fails_the_build_and_nothing_is_written_through_it() {
    let site = SiteTest::fixture("minimal");
    site.build();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("keep.txt"), "mine").unwrap();
    let news = site.out().join("news");
    std::fs::rename(&news, site.root().join("news-moved")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &news).unwrap();

    let run = site.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert!(d.path.ends_with("public/news"), "{d:?}");
    assert!(d.message.contains("in the way"), "{d:?}");
    let theirs: Vec<String> = std::fs::read_dir(elsewhere.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(theirs, ["keep.txt"]);
}

#[cfg(unix)]
#[test]
fn a_generated_file_replaced_by_a_link_is_never_written_through() {
    let site = SiteTest::fixture("minimal");
    site.build();
    let elsewhere = tempfile::tempdir().unwrap();
    let theirs = elsewhere.path().join("theirs.txt");
    std::fs::write(&theirs, "mine").unwrap();
    let robots = site.out().join("robots.txt");
    std::fs::remove_file(&robots).unwrap();
    std::os::unix::fs::symlink(&theirs, &robots).unwrap();
    // Every page changes (another base URL), so robots.txt would be rewritten.
    let run = site.run(&["build", "--base-url", "https://other.example.org/"]);
    run.expect_status(1);
    let d = run.error();
    assert!(d.path.ends_with("public/robots.txt"), "{d:?}");
    assert!(d.message.contains("in the way"), "{d:?}");
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "mine");
}

#[test]
fn an_empty_staging_folder_of_a_killed_build_is_removed_and_others_kept() {
    let site = SiteTest::fixture("minimal");
    // Killed between making its staging folder and marking it as ours: empty (pid 0 is no
    // build's).
    std::fs::create_dir(site.root().join(".public.tmp-0")).unwrap();
    // Another, unmarked but holding something: not provably ours, so kept (no process has
    // pid 4194304: Linux pids stay below it).
    site.write(".public.tmp-4194304/notes.txt", "手写笔记");
    site.run(&["build"]).expect_status(0);
    let entries = root_entries(&site);
    assert!(!entries.contains(&".public.tmp-0".to_string()), "{entries:?}");
    assert_eq!(
        std::fs::read_to_string(site.root().join(".public.tmp-4194304/notes.txt")).unwrap(),
        "手写笔记"
    );
}
