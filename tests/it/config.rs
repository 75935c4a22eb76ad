//! `--config FILE`: the settings come from FILE (relative to the current folder) instead of
//! ROOT/site.yaml, for build, check, new, export and serve; diagnostics name the file relative
//! to the site root when it is inside it, else by its whole path.

use crate::harness::http::{eventually, get};
use crate::harness::*;
use bulletin::serve::{ServeOptions, Server};
use std::path::Path;

/// The settings at ROOT/site.yaml, which `--config` must leave unread.
const DEFAULT_YAML: &str = "title: 默认站\nbase_url: https://default.example.org/\n";

/// Other settings: another title, base URL and output folder, and a fixed topic list.
const OTHER_YAML: &str = "title: 另一配置站\nbase_url: https://other.example.org/news/\noutput_dir: out-other\ntopics:\n  基层蹲点: { slug: grassroots }\n";

fn site() -> SiteTest {
    SiteTest::with_config(DEFAULT_YAML)
        .with("config/other.yaml", OTHER_YAML)
        .with("content/a.md", &simple_item("蹲点标题", "2022-06-20", "a"))
}

/// The `<title>` of the home page written into `out` (relative to the site root).
fn home_title(t: &SiteTest, out: &str) -> String {
    let html = std::fs::read_to_string(t.root().join(out).join("index.html")).unwrap();
    text(&scraper::Html::parse_document(&html), "title")
}

#[test]
fn build_reads_the_settings_from_the_file_given() {
    let t = site();
    t.run(&["build", "--config", "config/other.yaml"]).expect_status(0);
    // output_dir, title and base URL all come from the other file.
    assert!(!t.root().join("public").exists(), "site.yaml's output folder was used");
    assert!(home_title(&t, "out-other").contains("另一配置站"));
    let home = std::fs::read_to_string(t.root().join("out-other/index.html")).unwrap();
    assert!(
        home.contains("https://other.example.org/news/"),
        "base_url not taken from the file"
    );
    assert!(!home.contains("默认站"));
    // Without --config, site.yaml as before.
    t.run(&["build"]).expect_status(0);
    assert!(home_title(&t, "public").contains("默认站"));
}

#[test]
fn the_file_is_relative_to_the_current_folder_not_the_root() {
    let t = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let cwd = elsewhere.path().canonicalize().unwrap();
    std::fs::write(cwd.join("mine.yaml"), OTHER_YAML.replace("另一配置站", "当前目录站")).unwrap();
    let mut cmd = t.command();
    cmd.current_dir(&cwd).args(["build", "--config", "mine.yaml"]);
    Run::of(&mut cmd).expect_status(0);
    assert!(home_title(&t, "out-other").contains("当前目录站"));
}

#[test]
fn errors_name_the_file_inside_the_root_relative_to_it() {
    let t = site().with("config/other.yaml", "title: 站\nbase_url: https://e.org/\nregoin: x\n");
    let run = t.run(&["build", "--config", "config/other.yaml"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!(
        (d.path.as_str(), d.line, d.column),
        ("config/other.yaml", 3, 1),
        "{d:?}"
    );
    assert!(d.message.contains("unknown field `regoin`"), "{d:?}");
    // The same from another current folder, given as a path from there: still relative to the root.
    let elsewhere = tempfile::tempdir().unwrap();
    let given = t.root().join("config/other.yaml");
    let mut cmd = t.command();
    cmd.current_dir(elsewhere.path())
        .args(["check", "--config", given.to_str().unwrap()]);
    let run = Run::of(&mut cmd);
    run.expect_status(1);
    assert_eq!(run.error().path, "config/other.yaml");
}

#[test]
fn errors_name_a_file_outside_the_root_by_its_whole_path() {
    let t = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let cwd = elsewhere.path().canonicalize().unwrap();
    std::fs::write(
        cwd.join("bad.yaml"),
        "title: 站\nper_page: 0\nbase_url: https://e.org/\n",
    )
    .unwrap();
    let mut cmd = t.command();
    cmd.current_dir(&cwd).args(["check", "--config", "bad.yaml"]);
    let run = Run::of(&mut cmd);
    run.expect_status(1);
    let d = run.error();
    let whole = cwd.join("bad.yaml");
    assert_eq!((Path::new(&d.path), d.line), (whole.as_path(), 2), "{d:?}");
    assert!(d.message.contains("per_page"), "{d:?}");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let t = site();
    let run = t.run(&["build", "--config", "config/nope.yaml"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!((d.path.as_str(), d.line), ("config/nope.yaml", 0), "{d:?}");
    assert!(d.message.starts_with("cannot read the site configuration"), "{d:?}");
    assert!(d.hint.as_deref().unwrap().contains("--config"), "{d:?}");
    assert!(!t.root().join("public").exists());
}

#[test]
fn check_and_new_use_the_file_too() {
    let t = site();
    // site.yaml has no topic list (any topic goes); the other file has one.
    let run = t.run(&[
        "new",
        "新稿件",
        "--region",
        "山东",
        "--topic",
        "劳模",
        "--config",
        "config/other.yaml",
    ]);
    run.expect_status(1);
    assert!(run.stderr.contains("unknown topic"), "{}", run.stderr);
    t.run(&[
        "new",
        "新稿件",
        "--region",
        "山东",
        "--topic",
        "基层蹲点",
        "--config",
        "config/other.yaml",
        "--date",
        "2022-06-21",
    ])
    .expect_status(0);
    // The item with an unlisted topic passes check with site.yaml, fails with the other file.
    t.write(
        "content/b.md",
        item("title: 乙\ndate: 2022-06-20\nregion: 山东\ntopics: [劳模]\n", "乙。\n"),
    );
    t.run(&["check"]).expect_status(0);
    let run = t.run(&["check", "--config", "config/other.yaml"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!((d.path.as_str(), d.line), ("content/b.md", 5), "{d:?}");
}

#[test]
fn export_uses_the_file_too() {
    let t = site();
    let run = t.run(&[
        "export",
        "email",
        "--bulletin",
        "2022-06-20",
        "--config",
        "config/other.yaml",
    ]);
    run.expect_status(0);
    let eml = std::fs::read_to_string(t.root().join("exports/email/bulletin-2022-06-20.eml")).unwrap();
    assert!(eml.contains("https://other.example.org/news/"), "{eml}");
}

#[test]
fn serve_rebuilds_when_the_file_changes_and_ignores_site_yaml() {
    let t = site();
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().canonicalize().unwrap().join("serve.yaml");
    std::fs::write(&file, OTHER_YAML).unwrap();
    let opts = bulletin::Options {
        config: Some(file.clone()),
        ..t.opts.clone()
    };
    let server = Server::start(ServeOptions::new(opts), "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = server.addr();
    eventually("the first build", || get(addr, "/news/").body.contains("另一配置站"));
    // Saved the way editors save: a new file renamed over the old.
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, OTHER_YAML.replace("另一配置站", "改过的配置")).unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    eventually("a rebuild after the settings file changed", || {
        get(addr, "/news/").body.contains("改过的配置")
    });
    let before = server.generation();
    t.save("site.yaml", &DEFAULT_YAML.replace("默认站", "不该出现"));
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(server.generation(), before, "site.yaml is not the settings file here");
    assert!(!get(addr, "/news/").body.contains("不该出现"));
    server.stop();
}
