//! The fixture-site harness: a [`SiteTest`] is a site in a fresh temporary folder, copied from
//! `tests/fixtures/<name>/`, from the example site at the repository root, or written inline.
//! It builds through the library (`bulletin::build`, with `today` pinned) or through the real
//! binary, and reads the output back as parsed HTML, JSON, XML or raw bytes.
//!
//! Paths given to [`SiteTest::page`] and friends are site paths as in the contract's URL table
//! (`/regions/shaanxi/`, `/stats/stats.json`), without the base_url's sub-path.
//!
//! [`http`] holds the clients for a running `bulletin serve`. `benches/incremental.rs`
//! includes this module too (by `#[path]`), so every helper here has one copy.

use bulletin::base::diagnostic::Diagnostics;
use bulletin::{Built, Options};
use chrono::NaiveDate;
use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub mod http;

/// The day every library build treats as today, so no test depends on the clock.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// The repository root, which is also the example site (site.yaml + content/).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in a temporary folder, and the options it is built with.
pub struct SiteTest {
    /// Removed when the test ends.
    _dir: tempfile::TempDir,
    /// Options for library builds; `root` is the temporary folder, `today` is [`today`].
    pub opts: Options,
}

impl SiteTest {
    /// An empty site folder.
    pub fn empty() -> SiteTest {
        let dir = tempfile::Builder::new().prefix("bulletin-it-").tempdir().unwrap();
        // Canonical, so that paths in diagnostics and outputs compare as written.
        let root = dir.path().canonicalize().unwrap();
        let opts = Options {
            today: today(),
            ..Options::new(root)
        };
        SiteTest { _dir: dir, opts }
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> SiteTest {
        let t = SiteTest::empty();
        let from = repo_root().join("tests/fixtures").join(name);
        assert!(from.is_dir(), "no fixture {}", from.display());
        copy_dir(&from, t.root());
        t
    }

    /// A copy of the example site at the repository root (site.yaml, content/ and bulletins/; the default
    /// theme is embedded in the binary).
    pub fn example() -> SiteTest {
        let t = SiteTest::empty();
        let root = repo_root();
        std::fs::copy(root.join("site.yaml"), t.root().join("site.yaml")).unwrap();
        copy_dir(&root.join("content"), &t.root().join("content"));
        copy_dir(&root.join("bulletins"), &t.root().join("bulletins"));
        t
    }

    /// A site with this site.yaml and no content yet (add items with [`SiteTest::with`]).
    pub fn with_config(site_yaml: &str) -> SiteTest {
        let t = SiteTest::empty();
        t.write("site.yaml", site_yaml);
        std::fs::create_dir_all(t.root().join("content")).unwrap();
        t
    }

    /// Adds or replaces a file (path relative to the site root), builder style.
    pub fn with(self, rel: &str, text: &str) -> SiteTest {
        self.write(rel, text);
        self
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Writes a file in one step (a new file renamed over the old), as editors often do, so
    /// that a watching `serve` never sees it half-written.
    pub fn save(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let tmp = self.root().join(".save.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// The output folder of a build with `self.opts`.
    pub fn out(&self) -> PathBuf {
        let config = bulletin::content::config::load(self.root()).unwrap();
        bulletin::output_dir(&self.opts, &config)
    }

    /// Builds with the library; panics with every diagnostic when the build fails.
    pub fn build(&self) -> Built {
        match self.try_build() {
            Ok(b) => b,
            Err(d) => panic!("build failed:\n{}", render(&d)),
        }
    }

    /// Builds with the library.
    pub fn try_build(&self) -> Result<Built, Diagnostics> {
        bulletin::build(&self.opts)
    }

    /// Runs the real binary with `--root <site>` followed by `args`, in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.command();
        cmd.args(args);
        Run::of(&mut cmd)
    }

    /// The real binary with `--root <site>`, in the site folder, ready for more arguments.
    pub fn command(&self) -> Command {
        let mut cmd = bulletin_command();
        cmd.arg("--root").arg(self.root()).current_dir(self.root());
        cmd
    }

    /// The output file a site path names: `/x/` → `x/index.html`, `/x.xml` → `x.xml`.
    pub fn file_of(&self, site_path: &str) -> PathBuf {
        let rel = site_path.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            self.out().join(rel).join("index.html")
        } else {
            self.out().join(rel)
        }
    }

    /// Whether the page or file at `site_path` was written.
    pub fn exists(&self, site_path: &str) -> bool {
        self.file_of(site_path).is_file()
    }

    /// The raw text of the page or file at `site_path`.
    pub fn read(&self, site_path: &str) -> String {
        let path = self.file_of(site_path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The bytes of the file at `site_path`.
    pub fn read_bytes(&self, site_path: &str) -> Vec<u8> {
        let path = self.file_of(site_path);
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The parsed HTML of the page at `site_path`.
    pub fn page(&self, site_path: &str) -> Html {
        Html::parse_document(&self.read(site_path))
    }

    /// The raw `<main>…</main>` of a page, blank lines and trailing spaces dropped (for snapshots).
    pub fn main_of(&self, site_path: &str) -> String {
        let html = self.read(site_path);
        let start = html.find("<main").expect("a <main> element");
        let end = html.find("</main>").expect("a </main> tag") + "</main>".len();
        html[start..end]
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `stats/stats.json`, parsed.
    pub fn stats_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("/stats/stats.json")).unwrap()
    }

    /// Every file of the output folder: path relative to it (`/`-separated) → bytes.
    pub fn output_files(&self) -> BTreeMap<String, Vec<u8>> {
        files_under(&self.out())
    }

    /// The site paths of every HTML page in the output (`/`, `/regions/shaanxi/`, `/404.html`).
    pub fn html_pages(&self) -> Vec<String> {
        self.output_files()
            .keys()
            .filter(|k| k.ends_with(".html"))
            .map(|k| match k.strip_suffix("index.html") {
                Some(dir) => format!("/{dir}"),
                None => format!("/{k}"),
            })
            .collect()
    }

    /// Offline link checker: every `href` and `src` of every HTML page that points into the
    /// site (root-relative, page-relative, or absolute under `base_url`) must name a file of
    /// the output, and its `#fragment`, if any, an `id` of that page; root-relative links must
    /// start with the base path; `href=""` (a link to nowhere) is an error too. Returns the
    /// problems as `page: attr="link" (why)`.
    pub fn broken_links(&self, base_url: &str) -> Vec<String> {
        let base_path = bulletin::content::config::base_path_of(base_url);
        let files = self.output_files();
        let any = Selector::parse("[href], [src]").unwrap();
        let with_id = Selector::parse("[id]").unwrap();
        let pages: BTreeMap<String, Html> = files
            .iter()
            .filter(|(k, _)| k.ends_with(".html"))
            .map(|(k, v)| (k.clone(), Html::parse_document(&String::from_utf8_lossy(v))))
            .collect();
        let ids: BTreeMap<&str, Vec<&str>> = pages
            .iter()
            .map(|(k, html)| {
                (
                    k.as_str(),
                    html.select(&with_id).filter_map(|e| e.value().id()).collect(),
                )
            })
            .collect();
        let mut broken = Vec::new();
        for (file, html) in &pages {
            let page = match file.strip_suffix("index.html") {
                Some(dir) => format!("/{dir}"),
                None => format!("/{file}"),
            };
            for el in html.select(&any) {
                for attr in ["href", "src"] {
                    let Some(link) = el.value().attr(attr) else { continue };
                    let checked = resolve_link(link, &page, base_url, &base_path, &files).and_then(|target| {
                        let target = target.unwrap_or_else(|| file.clone());
                        match link.split_once('#') {
                            Some((_, frag)) if !frag.is_empty() && target.ends_with(".html") => {
                                if ids.get(target.as_str()).is_some_and(|ids| ids.contains(&frag)) {
                                    Ok(())
                                } else {
                                    Err(format!("no id=\"{frag}\" in {target}"))
                                }
                            }
                            _ => Ok(()),
                        }
                    });
                    if let Err(why) = checked {
                        broken.push(format!("{page}: {attr}=\"{link}\" ({why})"));
                    }
                }
            }
        }
        broken
    }
}

/// Checks one link found on the page at site path `page`: `Ok(Some(file))` for a link into the
/// site (`Some("")` for one outside it), `Ok(None)` for one to the page itself (`#x`).
fn resolve_link(
    link: &str,
    page: &str,
    base_url: &str,
    base_path: &str,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Option<String>, String> {
    if link.is_empty() {
        return Err("empty link".into());
    }
    let bare = link.split(['#', '?']).next().unwrap_or("");
    let site_rel: String = if let Some(rest) = bare.strip_prefix(base_url) {
        rest.to_string()
    } else if bare.is_empty() {
        // `#fragment` on the page itself.
        return Ok(None);
    } else if bare.contains("://") || bare.starts_with("//") || bare.contains(':') {
        // External or mailto: not ours to check, nor is its fragment (an empty file name).
        return Ok(Some(String::new()));
    } else if bare.starts_with('/') {
        match bare.strip_prefix(base_path) {
            Some(rest) => rest.to_string(),
            None if bare == base_path.trim_end_matches('/') => String::new(),
            None => return Err(format!("root-relative link outside the base path {base_path}")),
        }
    } else {
        // Relative to the page's folder.
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d).trim_start_matches('/');
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for seg in bare.split('/') {
            match seg {
                "." | "" => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err("relative link climbs above the site".into());
                    }
                }
                s => parts.push(s),
            }
        }
        let mut joined = parts.join("/");
        if bare.ends_with('/') && !joined.is_empty() {
            joined.push('/');
        }
        joined
    };
    let file = if site_rel.is_empty() || site_rel.ends_with('/') {
        format!("{site_rel}index.html")
    } else {
        site_rel
    };
    if files.contains_key(&file) {
        Ok(Some(file))
    } else {
        Err(format!("no file {file} in the output"))
    }
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit status.
    pub status: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// One diagnostic read back from the binary's text output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    /// The file, relative to the site root.
    pub path: String,
    /// 1-based line (0: the whole file).
    pub line: usize,
    /// 1-based column (0: unknown).
    pub column: usize,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong.
    pub message: String,
    /// The `  hint: …` line after it, if any.
    pub hint: Option<String>,
}

/// The real `bulletin` binary, built by cargo for this test run.
pub fn bulletin_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
}

/// Runs the real binary with exactly `args` (no `--root`), in the current folder.
pub fn run_bulletin(args: &[&str]) -> Run {
    Run::of(bulletin_command().args(args))
}

impl Run {
    /// Runs `cmd` to its end and collects what it did.
    pub fn of(cmd: &mut Command) -> Run {
        let out = cmd.output().unwrap();
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// Panics unless the exit status is `code`, showing the output.
    pub fn expect_status(&self, code: i32) -> &Run {
        assert_eq!(
            self.status, code,
            "exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The diagnostics of stderr in the text form `path:line:column: severity: message`.
    pub fn diags(&self) -> Vec<Diag> {
        parse_text_diags(&self.stderr)
    }

    /// The only error diagnostic; panics unless there is exactly one.
    pub fn error(&self) -> Diag {
        let errors: Vec<Diag> = self.diags().into_iter().filter(|d| d.severity == "error").collect();
        assert_eq!(errors.len(), 1, "expected one error, stderr:\n{}", self.stderr);
        errors.into_iter().next().unwrap()
    }
}

/// Parses `path:line:column: severity: message` lines, each optionally followed by `  hint: …`.
pub fn parse_text_diags(text: &str) -> Vec<Diag> {
    let mut out: Vec<Diag> = Vec::new();
    for line in text.lines() {
        if let Some(hint) = line.strip_prefix("  hint: ") {
            if let Some(last) = out.last_mut() {
                last.hint = Some(hint.to_string());
            }
            continue;
        }
        if let Some(d) = parse_diag_line(line) {
            out.push(d);
        }
    }
    out
}

fn parse_diag_line(line: &str) -> Option<Diag> {
    for severity in ["error", "warning"] {
        let marker = format!(": {severity}: ");
        let Some(i) = line.find(&marker) else { continue };
        let (place, message) = (&line[..i], &line[i + marker.len()..]);
        let mut parts = place.rsplitn(3, ':');
        // A command-line argument has no position: `--region: error: …`.
        let (path, line_no, column) = match (parts.next(), parts.next(), parts.next()) {
            (Some(column), Some(line_no), Some(path)) => {
                (path.to_string(), line_no.parse().ok()?, column.parse().ok()?)
            }
            _ if place.starts_with("--") => (place.to_string(), 0, 0),
            _ => return None,
        };
        return Some(Diag {
            path,
            line: line_no,
            column,
            severity: severity.to_string(),
            message: message.to_string(),
            hint: None,
        });
    }
    None
}

/// The diagnostics as the binary would print them, for failure messages.
pub fn render(d: &Diagnostics) -> String {
    d.iter().map(|d| format!("{d}\n")).collect()
}

/// A news item file: front matter (YAML lines, each ending in `\n`) and a body.
pub fn item(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

/// A plain site.yaml for inline sites: one `sum` metric and a fixed topic list.
pub const SITE_YAML: &str = "title: 测试站\nbase_url: https://test.example.org/\nmetrics:\n  members_joined: { label: 新入会职工, unit: 人, aggregate: sum }\n  cadres_dispatched: { label: 下派蹲点干部, unit: 人, aggregate: latest }\ntopics:\n  基层蹲点: { slug: grassroots }\n  劳模服务: { slug: model-workers }\n";

/// A valid item for inline sites, dated `date`, titled `title`, with slug `slug`.
pub fn simple_item(title: &str, date: &str, slug: &str) -> String {
    item(
        &format!("title: {title}\ndate: {date}\nregion: 山东\nslug: {slug}\n"),
        &format!("{title}。\n"),
    )
}

/// The CSS selector, parsed.
pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// The text of every element matching `css`, whitespace collapsed.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    html.select(&sel(css))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The text of the first element matching `css`; panics when none does.
pub fn text(html: &Html, css: &str) -> String {
    texts(html, css)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("nothing matches {css}"))
}

/// The value of `attr` on every element matching `css` that has it.
pub fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    html.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Every file below `dir`: `/`-separated relative path → bytes.
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Asserts that two file trees are byte-identical, naming the first files that differ.
pub fn assert_same_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "the two outputs hold different files");
    let differing: Vec<&String> = a.iter().filter(|(k, v)| b[*k] != **v).map(|(k, _)| k).collect();
    assert!(differing.is_empty(), "files differ: {differing:?}");
}

/// A number of stats.json: its exact value (a decimal string) and whether it is approximate.
pub type Num = (String, bool);

/// `(value, approximate)` of a stats.json value object.
pub fn num(v: &serde_json::Value) -> Num {
    (
        v["value"]
            .as_str()
            .unwrap_or_else(|| panic!("no value in {v}"))
            .to_string(),
        v["approximate"].as_bool().unwrap(),
    )
}

/// Shorthand for an expected [`Num`].
pub fn n(value: &str, approximate: bool) -> Num {
    (value.to_string(), approximate)
}

/// The metric `key` of stats.json.
pub fn metric<'a>(stats: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    stats["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap_or_else(|| panic!("no metric {key} in stats.json"))
}

/// A metric's overall total.
pub fn total(stats: &serde_json::Value, key: &str) -> Num {
    num(&metric(stats, key)["total"])
}

/// A metric's rows of `list` (`provinces` or `topics`), in file order: `(slug, value)`.
pub fn rows(stats: &serde_json::Value, key: &str, list: &str) -> Vec<(String, Num)> {
    metric(stats, key)[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["slug"].as_str().unwrap().to_string(), num(r)))
        .collect()
}

/// A metric's running table: `(month, in_month, running)`.
pub fn months(stats: &serde_json::Value, key: &str) -> Vec<(String, Num, Num)> {
    metric(stats, key)["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_string(),
                num(&m["in_month"]),
                num(&m["running"]),
            )
        })
        .collect()
}

/// Rows as expected in a test: `[("shandong", "150", false), …]`.
pub fn expect_rows(rows: &[(&str, &str, bool)]) -> Vec<(String, Num)> {
    rows.iter().map(|(s, v, a)| (s.to_string(), n(v, *a))).collect()
}

/// A `w`×`h` test picture (a colour gradient with a diagonal stripe) in `format`, with
/// `exif` (a TIFF-structured EXIF block) when given.
pub fn picture(w: u32, h: u32, format: image::ImageFormat, exif: Option<&[u8]>) -> Vec<u8> {
    use image::ImageEncoder;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let stripe = if (x + y) % 97 < 8 { 255 } else { 0 };
        let shade = |a: u32, b: u32| u8::try_from(a * 255 / b.max(1)).unwrap_or(u8::MAX);
        image::Rgb([shade(x, w), shade(y, h), stripe])
    });
    let mut out = Vec::new();
    match format {
        image::ImageFormat::Jpeg => {
            let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            if let Some(e) = exif {
                enc.set_exif_metadata(e.to_vec()).unwrap();
            }
            enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
                .unwrap();
        }
        other => {
            assert!(exif.is_none(), "EXIF only in test JPEGs");
            image::DynamicImage::ImageRgb8(img)
                .write_to(&mut std::io::Cursor::new(&mut out), other)
                .unwrap();
        }
    }
    out
}

/// A `w`×`h` JPEG test picture.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    picture(w, h, image::ImageFormat::Jpeg, None)
}

/// A `w`×`h` PNG test picture.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    picture(w, h, image::ImageFormat::Png, None)
}

/// The candidates of the `srcset` of the first element matching `css`: `(url, width)`, in
/// order; empty when it has none.
pub fn srcset(html: &Html, css: &str) -> Vec<(String, u32)> {
    let Some(set) = attrs(html, css, "srcset").into_iter().next() else {
        return Vec::new();
    };
    set.split(", ")
        .map(|c| {
            let (url, w) = c
                .trim()
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("bad candidate {c:?}"));
            let w = w
                .strip_suffix('w')
                .unwrap_or_else(|| panic!("not a w descriptor: {c:?}"));
            (url.to_string(), w.parse().unwrap())
        })
        .collect()
}
