//! The output is replaced whole (issue 20): a rebuild killed at any moment, a full disk or a
//! read-only page leaves the old site or the new one in the output folder, never a mix, and a
//! file placed there by hand survives every outcome.
//!
//! The kill test's size is set by `BULLETIN_KILL_ITEMS` and `BULLETIN_KILL_TIMES` (CI runs it
//! at 2,000 items and many kills); `BULLETIN_KILL_SEED` repeats a run's random moments.

use crate::harness::*;
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Provinces and topics the generated items spread over, so that region, topic and
/// statistics pages change with the version too.
const REGIONS: [&str; 6] = ["山东", "陕西", "山西", "广东", "四川", "全国"];
const TOPICS: [&str; 2] = ["基层蹲点", "劳模服务"];

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A site of `n` items with figures, in one of two versions: version B has another site title
/// (every page changes) and one more item (pages appear).
fn versioned_site(n: usize) -> SiteTest {
    let site = SiteTest::with_config(SITE_YAML);
    for i in 0..n {
        let front = format!(
            "title: 第{i}条消息\ndate: 2021-{:02}-{:02}\nregion: {}\ntopics: [{}]\nslug: n{i}\nfigures:\n  - metric: members_joined\n    value: {}\n",
            i % 12 + 1,
            i % 28 + 1,
            REGIONS[i % REGIONS.len()],
            TOPICS[i % TOPICS.len()],
            i + 1,
        );
        site.write(
            &format!("content/{:02}/{i:05}.md", i % 40),
            item(&front, &format!("新入会职工{}人。各级工会开展活动。\n", i + 1)),
        );
    }
    site
}

/// Switches the site's inputs to version B (`true`) or back to A.
fn set_version(site: &SiteTest, b: bool) {
    let yaml = if b {
        SITE_YAML.replace("title: 测试站", "title: 测试站乙版")
    } else {
        SITE_YAML.to_string()
    };
    site.write("site.yaml", yaml);
    let extra = site.root().join("content/extra.md");
    if b {
        site.write("content/extra.md", simple_item("乙版新增", "2022-06-25", "extra"));
    } else if extra.exists() {
        std::fs::remove_file(extra).unwrap();
    }
}

/// Which of the known versions `files` is, by name.
fn which<'a>(
    files: &BTreeMap<String, Vec<u8>>,
    versions: &'a [(&'a str, BTreeMap<String, Vec<u8>>)],
) -> Option<&'a str> {
    versions.iter().find(|(_, v)| v == files).map(|(name, _)| *name)
}

/// What differs between two outputs, for a failure message.
fn difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out.truncate(10);
    out
}

/// A small pseudo-random sequence (xorshift), seeded so a failing run can be repeated.
struct Moments(u64);

impl Moments {
    fn next_below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

#[test]
fn a_rebuild_killed_at_random_moments_leaves_one_whole_version() {
    let items = env_number("BULLETIN_KILL_ITEMS", 400usize);
    let kills = env_number("BULLETIN_KILL_TIMES", 12u32);
    let seed = env_number(
        "BULLETIN_KILL_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.subsec_nanos().into())
            | 1,
    );
    eprintln!("killing a {items}-item rebuild {kills} times; BULLETIN_KILL_SEED={seed}");
    let site = versioned_site(items);
    site.build();
    site.write("public/CNAME", "news.example.org\n");
    let a = site.output_files();
    set_version(&site, true);
    let started = Instant::now();
    site.build();
    let rebuild = started.elapsed();
    let b = site.output_files();
    assert_ne!(a, b);
    assert_eq!(b["CNAME"], b"news.example.org\n");
    let versions = [("A", a), ("B", b)];

    let mut moments = Moments(seed);
    let mut live = "B";
    let mut seen_killed = 0;
    let mut inputs = "B";
    for round in 0..kills {
        // Always towards the other version, so every kill interrupts a real change.
        inputs = if live == "A" { "B" } else { "A" };
        set_version(&site, inputs == "B");
        let wait =
            Duration::from_micros(moments.next_below(u64::try_from(rebuild.as_micros()).unwrap_or(u64::MAX) * 6 / 5));
        let mut child = site
            .command()
            .arg("build")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(wait);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        seen_killed += usize::from(!finished);
        let now = site.output_files();
        live = which(&now, &versions).unwrap_or_else(|| {
            panic!(
                "round {round}, killed after {wait:?}: the output is neither version; differs from A in {:?}, from B in {:?}",
                difference(&now, &versions[0].1),
                difference(&now, &versions[1].1)
            )
        });
    }
    assert!(seen_killed > 0, "every build finished before it could be killed");
    // The next build, left to finish, makes the version its inputs say.
    site.build();
    assert_eq!(which(&site.output_files(), &versions), Some(inputs));
    eprintln!("{seen_killed} of {kills} builds killed midway; rebuild takes {rebuild:?}");
}

/// Runs `script` in a private mount namespace as its root (`unshare -rm`), where it can mount
/// a small tmpfs. None when this machine allows no user namespaces.
fn in_mount_namespace(script: &str) -> Option<std::process::Output> {
    let probe = std::process::Command::new("unshare").args(["-rm", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must be able to run `unshare -rm` for the full-disk test"
        );
        eprintln!("note: no user namespaces here; the full-disk test did not run");
        return None;
    }
    Some(
        std::process::Command::new("unshare")
            .args(["-rm", "sh", "-c", script])
            .output()
            .unwrap(),
    )
}

#[test]
fn a_full_disk_fails_the_rebuild_and_leaves_the_old_output() {
    let site = versioned_site(60);
    let disk = tempfile::tempdir().unwrap();
    let mnt = disk.path().join("disk");
    std::fs::create_dir(&mnt).unwrap();
    set_version(&site, true);
    let bin = env!("CARGO_BIN_EXE_bulletin");
    // Inside the namespace: copy the site onto a 4 MiB tmpfs, build it, leave 64 KiB free,
    // change every page, rebuild; then report both listings (name and checksum of each file),
    // written outside the full disk.
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=4m tmpfs '{mnt}'
cp -r '{site}' '{mnt}/site'
cd '{mnt}/site'
'{bin}' build >/dev/null 2>&1
printf 'news.example.org\n' > public/CNAME
(cd public && find . -type f -print0 | sort -z | xargs -0 sha256sum) > '{outside}/before'
dd if=/dev/zero of='{mnt}/fill' bs=4k >/dev/null 2>&1 || true
dd if=/dev/zero of='{mnt}/fill' bs=4k count=$(( $(stat -c %s '{mnt}/fill') / 4096 - 16 )) >/dev/null 2>&1
sed -i 's/测试站乙版/测试站丙版/' site.yaml
set +e
'{bin}' build > '{outside}/out' 2> '{outside}/err'
echo "status $?"
set -e
(cd public && find . -type f -print0 | sort -z | xargs -0 sha256sum) > '{outside}/after'
echo '--- before'; cat '{outside}/before'; echo '--- after'; cat '{outside}/after'; echo '--- err'; cat '{outside}/err'
"#,
        mnt = mnt.display(),
        outside = disk.path().display(),
        site = site.root().display(),
    );
    let Some(out) = in_mount_namespace(&script) else { return };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let part = |name: &str| {
        let start = text.find(&format!("--- {name}\n")).unwrap() + name.len() + 5;
        let end = text[start..].find("\n--- ").map_or(text.len(), |i| start + i + 1);
        text[start..end].to_string()
    };
    assert!(text.starts_with("status 1\n"), "{text}");
    let (before, after, err) = (part("before"), part("after"), part("err"));
    assert!(before.lines().count() > 50, "{before}");
    assert!(before.contains("./CNAME"), "{before}");
    assert_eq!(before, after, "the failed build changed the output");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.trim_end().ends_with("the output is unchanged"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_read_only_page_in_the_output_is_replaced_with_the_rest() {
    use std::os::unix::fs::PermissionsExt;
    let site = versioned_site(20);
    site.build();
    let home = site.out().join("index.html");
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o444)).unwrap();
    set_version(&site, true);
    let run = site.run(&["build"]);
    run.expect_status(0);
    assert!(site.read("/").contains("测试站乙版"));
    // What a build into an empty folder makes.
    let fresh = versioned_site(20);
    set_version(&fresh, true);
    fresh.build();
    assert_same_files(&fresh.output_files(), &site.output_files());
}

#[test]
fn a_rebuild_links_unchanged_files_instead_of_copying_them() {
    let site = versioned_site(30);
    site.build();
    // The second build makes the staging folder; from then on it holds the previous tree.
    site.build();
    let staging = site.root().join(".public.staging");
    assert!(staging.is_dir());
    let page = "news/2021/01/01/n0/index.html";
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ino = |p: std::path::PathBuf| std::fs::metadata(p).unwrap().ino();
        assert_eq!(ino(site.out().join(page)), ino(staging.join(page)));
        set_version(&site, true);
        site.build();
        // Changed: a new file in the output; the staging folder keeps the old one.
        assert_ne!(ino(site.out().join(page)), ino(staging.join(page)));
        assert!(std::fs::read_to_string(site.out().join(page))
            .unwrap()
            .contains("测试站乙版"));
        assert!(!std::fs::read_to_string(staging.join(page))
            .unwrap()
            .contains("测试站乙版"));
    }
    // A page gone from the site leaves both trees by the next build.
    set_version(&site, false);
    site.build();
    assert!(!site.out().join("news/2022/06/25/extra/index.html").exists());
    site.build();
    assert!(!staging.join("news/2022/06/25/extra/index.html").exists());
}

#[test]
fn a_file_where_the_staging_folder_goes_fails_the_build_and_is_kept() {
    let site = versioned_site(3);
    site.write(".public.staging", "mine");
    let run = site.run(&["build"]);
    run.expect_status(1);
    let e = run.error();
    assert!(e.path.ends_with(".public.staging"), "{e:?}");
    assert!(e.message.contains("staging folder"), "{e:?}");
    assert_eq!(
        std::fs::read_to_string(site.root().join(".public.staging")).unwrap(),
        "mine"
    );
    assert!(!site.out().exists());
}
