//! `bulletin init` and `bulletin new`, run as the real binary: what they write builds cleanly,
//! and they never overwrite anything.

use crate::harness::{run_bulletin, Run};
use std::path::Path;

/// Runs the binary with `args`, then `--root <root>` when given.
fn bulletin(args: &[&str], root: Option<&Path>) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    let root = root.map(|r| r.to_str().unwrap());
    if let Some(root) = root {
        all.extend(["--root", root]);
    }
    run_bulletin(&all)
}

/// Builds the site at `root` and checks it did so with no diagnostics at all.
fn builds_cleanly(root: &Path) -> String {
    let out = bulletin(&["build"], Some(root));
    assert_eq!(out.status, 0, "build failed: {}", out.stderr);
    assert_eq!(out.stderr, "", "build printed diagnostics");
    out.stdout
}

fn init(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["init", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    bulletin(&args, None)
}

#[test]
fn init_makes_a_site_that_builds_with_no_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = init(&dir, &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("site.yaml"));
    assert!(dir.join("site.yaml").is_file());
    assert!(!dir.join("themes").exists(), "the theme stays in the binary");
    let config = std::fs::read_to_string(dir.join("site.yaml")).unwrap();
    for key in [
        "title:",
        "base_url:",
        "language:",
        "per_page:",
        "members_joined:",
        "special_funds:",
        "cadres_dispatched:",
        "topics:",
    ] {
        assert!(config.contains(key), "site.yaml lacks {key}");
    }
    let stdout = builds_cleanly(&dir);
    assert!(stdout.contains("built 1 items"), "{stdout}");
    let home = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(home.contains("重庆市总工会"));
    // Figures are traceable: the checker has nothing to say either.
    let check = bulletin(&["check"], Some(&dir));
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert_eq!(check.stderr, "");
}

#[test]
fn init_into_an_existing_empty_folder_works() {
    let tmp = tempfile::tempdir().unwrap();
    let out = init(tmp.path(), &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    builds_cleanly(tmp.path());
}

#[test]
fn init_with_theme_copy_writes_the_theme_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = init(&dir, &["--theme-copy"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    for f in ["templates/base.html", "templates/item.html", "i18n/zh-CN.yaml"] {
        assert!(dir.join("themes/default").join(f).is_file(), "{f}");
    }
    // The copied theme is the one used: an edit to it shows in the output.
    let base = dir.join("themes/default/templates/404.html");
    let edited = std::fs::read_to_string(&base)
        .unwrap()
        .replace("{% block content %}", "{% block content %}<p>本站自定义</p>");
    std::fs::write(&base, edited).unwrap();
    builds_cleanly(&dir);
    let page = std::fs::read_to_string(dir.join("public/404.html")).unwrap();
    assert!(page.contains("本站自定义"));
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = init(tmp.path(), &[]);
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("not empty"), "{}", out.stderr);
    assert!(!tmp.path().join("site.yaml").exists());
    assert_eq!(std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
}

fn new_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = init(tmp.path(), &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    tmp
}

const NEW: &[&str] = &[
    "new",
    "山东莱西: 劳模就医可享受\"优诊\"服务",
    "--region",
    "山东青岛莱西",
    "--topic",
    "劳模服务",
    "--topic",
    "基层蹲点",
    "--date",
    "2022-06-20",
];

#[test]
fn new_writes_an_item_that_builds_and_never_overwrites() {
    let site = new_site();
    let root = site.path();
    let out = bulletin(NEW, Some(root));
    assert_eq!(out.status, 0, "{}", out.stderr);
    let printed = out.stdout.clone();
    let path = Path::new(printed.trim());
    assert!(
        path.ends_with("content/2022/06/shan-dong-lai-xi-lao-mo-jiu-yi-ke-xiang-shou-you-zhen-fu-wu.md"),
        "{printed}"
    );
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap().join(path)
    };
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("date: 2022-06-20"));
    assert!(written.contains("figures: []"));
    assert!(written.contains("#   - metric:"), "a commented example figure");

    let stdout = builds_cleanly(root);
    assert!(stdout.contains("built 2 items"), "{stdout}");
    let page =
        root.join("public/news/2022/06/20/shan-dong-lai-xi-lao-mo-jiu-yi-ke-xiang-shou-you-zhen-fu-wu/index.html");
    let page = std::fs::read_to_string(page).unwrap();
    assert!(
        page.contains("劳模就医可享受&quot;优诊&quot;服务"),
        "the title survives quoting"
    );

    std::fs::write(&path, format!("{written}正文已写。\n")).unwrap();
    let again = bulletin(NEW, Some(root));
    assert_eq!(again.status, 1);
    assert!(again.stderr.contains("refusing to overwrite"), "{}", again.stderr);
    assert!(
        std::fs::read_to_string(&path).unwrap().ends_with("正文已写。\n"),
        "the file was left alone"
    );
}

#[test]
fn new_with_an_unknown_region_fails_with_a_hint() {
    let site = new_site();
    let out = bulletin(&["new", "标题", "--region", "山冬"], Some(site.path()));
    assert_eq!(out.status, 1);
    let err = out.stderr.clone();
    assert!(err.contains("unknown region `山冬`"), "{err}");
    assert!(err.contains("hint: did you mean"), "{err}");
    assert!(err.contains("山东"), "{err}");
    assert!(!site.path().join("content/2022").exists());
}

#[test]
fn new_with_an_unknown_topic_fails_with_a_hint() {
    let site = new_site();
    let out = bulletin(
        &["new", "标题", "--region", "山东", "--topic", "劳模"],
        Some(site.path()),
    );
    assert_eq!(out.status, 1);
    let err = out.stderr.clone();
    assert!(
        err.contains("unknown topic `劳模`") && err.contains("劳模服务"),
        "{err}"
    );
}

#[test]
fn new_outside_a_site_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bulletin(&["new", "标题", "--region", "山东"], Some(tmp.path()));
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("site.yaml"));
}

#[test]
fn usage_errors_exit_2() {
    let site = new_site();
    for args in [
        &["new", "标题"][..],
        &["new", "标题", "--region", "山东", "--date", "2022-13-01"],
        &["init"],
        &["serve", "--port", "http"],
    ] {
        let out = bulletin(args, Some(site.path()));
        assert_eq!(out.status, 2, "{args:?}");
    }
}
