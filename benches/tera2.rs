//! Tera 2 against Tera 1 on the real templates and page contexts (issue #18):
//!
//! ```sh
//! python3 bench/gen_corpus.py --articles 1000 --out /tmp/t2c
//! BULLETIN_BENCH_SITE=/tmp/t2c cargo bench --bench tera2
//! ```
//!
//! It builds a copy of the site twice through the library, with site templates that replace
//! the measured ones by `{{ __tera_context }}` (Tera 1's dump of a template's whole context):
//! once with card.html, header.html and footer.html replaced (their contexts are then found
//! as JSON in the pages' `card`, `header` and `footer` variables), once with only the page
//! templates replaced (their contexts then hold the real cards and chrome). So every context
//! is what the crate's own context types serialize to, without a hook into the renderer.
//!
//! Each context is then rendered with the default theme under Tera 1 (as `render::theme`
//! sets it up: autoescape on .html, our escape function) and with its port to Tera 2 in
//! `benches/tera2/templates/` (made by `benches/tera2/port.py`: macros become components, the
//! `filter` filter a list comprehension); the outputs must be equal (the run stops at the first
//! difference). Then every template's contexts are rendered `BULLETIN_BENCH_REPS` times (5)
//! by each engine in turn, and the best time per render is printed.
//!
//! `BULLETIN_BENCH_CONTEXTS=FILE` keeps the captured contexts in FILE (made when missing), and
//! `BULLETIN_BENCH_ONLY=ENGINE:TEMPLATE` (`1:item.html`, `2:item.html` or `0:item.html` for
//! the setup alone) renders only that, for `perf stat -e instructions:u` to count.
//! Tera 2 without its `fast` feature: drop `features = ["fast"]` from the `tera2`
//! dev-dependency in Cargo.toml.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly on any unexpected error"
)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// The allocator of the `bulletin` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Templates measured, in the order printed: the inner ones (rendered once per item or page
/// kind), then the pages.
const INNER: [&str; 3] = ["card.html", "header.html", "footer.html"];
const PAGES: [&str; 4] = ["item.html", "topic.html", "region.html", "index.html"];

/// What a replaced template renders after [`MARK`] and its name: its whole context, as JSON.
const DUMP: &str = "{{ __tera_context }}";
/// Starts what a replaced template renders: `<!--tera18:NAME-->`.
const MARK: &str = "<!--tera18:";

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Builds `site` with `replaced` templates dumping their context, and returns every dumped
/// context by template.
fn dumped(site: &Path, replaced: &[&str]) -> BTreeMap<String, Vec<Value>> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(site, &root);
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for t in replaced {
        std::fs::write(templates.join(t), format!("{MARK}{t}-->{DUMP}")).unwrap();
    }
    let mut opts = bulletin::Options::new(&root);
    opts.output = Some(dir.path().join("out"));
    if let Err(d) = bulletin::build(&opts) {
        panic!("the build failed: {d:?}");
    }
    let mut found: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut files: Vec<_> = walkdir::WalkDir::new(dir.path().join("out"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let Some(rest) = text.strip_prefix(MARK) else { continue };
        let (name, json) = rest.split_once("-->").unwrap();
        found
            .entry(name.to_string())
            .or_default()
            .push(serde_json::from_str(json).unwrap());
    }
    found
}

/// Every context captured: the pages' from a build that replaced them, the inner templates'
/// from the pages of a build that replaced those too.
fn capture(site: &Path) -> BTreeMap<String, Vec<Value>> {
    let mut all = dumped(site, &PAGES);
    let with_inner: Vec<&str> = INNER.iter().chain(PAGES.iter()).copied().collect();
    let mut inner: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    fn walk(v: &Value, key: &str, inner: &mut BTreeMap<String, BTreeSet<String>>) {
        match v {
            Value::String(s) if s.starts_with(MARK) => {
                let (name, json) = s[MARK.len()..].split_once("-->").unwrap();
                debug_assert!(["card", "header", "footer"].contains(&key));
                inner.entry(name.to_string()).or_default().insert(json.to_string());
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, key, inner)),
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, k, inner)),
            _ => {}
        }
    }
    for contexts in dumped(site, &with_inner).values() {
        for c in contexts {
            walk(c, "", &mut inner);
        }
    }
    for (name, jsons) in inner {
        all.insert(name, jsons.iter().map(|j| serde_json::from_str(j).unwrap()).collect());
    }
    all
}

fn escape_into(s: &str, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(bulletin::base::escape::escape_html(s).as_bytes())
}

fn theme_files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

fn tera1(dir: &Path) -> tera::Tera {
    let mut t = tera::Tera::default();
    t.autoescape_on(vec![".html", ".htm", ".xml"]);
    t.set_escape_fn(bulletin::base::escape::escape_html);
    t.add_raw_templates(theme_files(dir)).unwrap();
    t
}

fn tera2(dir: &Path) -> tera2::Tera {
    let mut t = tera2::Tera::default();
    t.autoescape_on(vec![".html", ".htm", ".xml"]);
    t.set_escape_fn(escape_into);
    if let Err(e) = t.add_raw_templates(theme_files(dir)) {
        panic!("{e}");
    }
    t
}

/// Renders every context once; the time per render.
fn run<C>(contexts: &[C], mut render: impl FnMut(&C, &mut Vec<u8>)) -> Duration {
    let mut buf = Vec::with_capacity(1 << 16);
    let started = Instant::now();
    for c in contexts {
        buf.clear();
        render(c, &mut buf);
        std::hint::black_box(&buf);
    }
    started.elapsed() / u32::try_from(contexts.len()).unwrap()
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site =
        std::env::var_os("BULLETIN_BENCH_SITE").map_or_else(|| manifest.join("tests/fixtures/newsroom"), Into::into);
    let captured = match std::env::var_os("BULLETIN_BENCH_CONTEXTS") {
        Some(f) if Path::new(&f).exists() => serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap(),
        Some(f) => {
            let c = capture(&site);
            std::fs::write(&f, serde_json::to_vec(&c).unwrap()).unwrap();
            c
        }
        None => capture(&site),
    };
    let reps: usize = std::env::var("BULLETIN_BENCH_REPS")
        .map_or(5, |r| r.parse().unwrap())
        .max(1);
    let only = std::env::var("BULLETIN_BENCH_ONLY").ok();
    let one = tera1(&manifest.join("themes/default/templates"));
    let two = tera2(&manifest.join("benches/tera2/templates"));

    println!("template      renders  Tera 1 µs  Tera 2 µs  ratio   (convert: Tera 1 µs  Tera 2 µs)");
    for name in INNER.iter().chain(PAGES.iter()) {
        let Some(values) = captured.get(*name) else {
            println!("{name:<13} no contexts captured");
            continue;
        };
        let c1: Vec<tera::Context> = values
            .iter()
            .map(|v| tera::Context::from_value(v.clone()).unwrap())
            .collect();
        let c2: Vec<tera2::Context> = values
            .iter()
            .map(|v| tera2::Context::from_serialize(v).unwrap())
            .collect();
        let r1 = |c: &tera::Context, buf: &mut Vec<u8>| one.render_to(name, c, buf).unwrap();
        let r2 = |c: &tera2::Context, buf: &mut Vec<u8>| {
            if let Err(e) = two.render_to(name, c, buf) {
                panic!("{e}");
            }
        };
        if let Some(only) = &only {
            let (engine, t) = only.split_once(':').unwrap();
            if t != *name {
                continue;
            }
            for _ in 0..reps {
                match engine {
                    "1" => drop(run(&c1, r1)),
                    "2" => drop(run(&c2, r2)),
                    _ => {}
                }
            }
            continue;
        }
        for (i, (a, b)) in c1.iter().zip(&c2).enumerate() {
            let (mut x, mut y) = (Vec::new(), Vec::new());
            r1(a, &mut x);
            r2(b, &mut y);
            if x != y {
                let (x, y) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
                let at = x.bytes().zip(y.bytes()).take_while(|(p, q)| p == q).count();
                let from = x[..at].char_indices().rev().nth(200).map_or(0, |(i, _)| i);
                panic!(
                    "{name}, context {i}: Tera 2 differs at byte {at}\n--- Tera 1:\n{}\n--- Tera 2:\n{}",
                    &x[from..(at + 200).min(x.len())],
                    &y[from..(at + 200).min(y.len())]
                );
            }
        }
        let (mut t1, mut t2) = (Duration::MAX, Duration::MAX);
        let (mut k1, mut k2) = (Duration::MAX, Duration::MAX);
        for _ in 0..reps {
            t1 = t1.min(run(&c1, r1));
            t2 = t2.min(run(&c2, r2));
            k1 = k1.min(run(values, |v, _| {
                drop(std::hint::black_box(tera::Context::from_serialize(v)))
            }));
            k2 = k2.min(run(values, |v, _| {
                drop(std::hint::black_box(tera2::Context::from_serialize(v)))
            }));
        }
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "{name:<13} {:>7}  {:>9.2}  {:>9.2}  {:>5.2}x  ({:>9.2}  {:>9.2})",
            values.len(),
            us(t1),
            us(t2),
            us(t1) / us(t2),
            us(k1),
            us(k2)
        );
    }
}
