//! Benchmark of incremental rebuilds (issues #4 and #6), run by `scripts/bench.sh`:
//!
//! ```sh
//! BULLETIN_BENCH_SITE=target/bench-corpus/10000/site cargo bench --bench incremental
//! ```
//!
//! It copies the site to a temporary folder, then (1) through the library, times rebuilding
//! after an edit to one item's body, title or figure, and making the deferred files (search
//! index, open data) afterwards; (2) through `bulletin serve`, times from saving a file to the
//! reload event reaching an open page (the watcher's debounce included), and checks that the
//! page then served has the edit. Timings are printed, never asserted: they belong here, not
//! in `cargo test`. The site copy and the HTTP and event-stream clients are the test suite's
//! (`tests/it/harness/`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly on any unexpected error"
)]

#[path = "../tests/it/harness/mod.rs"]
#[allow(dead_code, reason = "the benchmark uses a few of the test harness's helpers")]
mod harness;

use bulletin::serve::rebuild::{Changes, Rebuilder};
use bulletin::serve::{ServeOptions, Server};
use bulletin::Options;
use harness::http::{get, Events};
use harness::{copy_dir, SiteTest};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The allocator of the `bulletin` binary, whose `serve` makes these rebuilds.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 9;

/// How long one save may take to reach the event stream (a large site, a slow machine).
const RELOAD_LIMIT: Duration = Duration::from_secs(60);

/// The item files, sorted.
fn items(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Appends a sentence to the body of `path`.
fn edit_body(path: &Path, k: usize) {
    let mut text = std::fs::read_to_string(path).unwrap();
    text.push_str(&format!("\n编辑第{k}次补充的一句话。\n"));
    std::fs::write(path, text).unwrap();
}

fn edit_title(path: &Path, k: usize) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, text.replacen("title: ", &format!("title: 改{k}"), 1)).unwrap();
}

/// Changes the first figure's value, when the item has one written as a plain number.
fn edit_figure(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap();
    let Some(at) = text.find("value: ") else { return false };
    let start = at + "value: ".len();
    let end = start + text[start..].find('\n').unwrap();
    if !text[start..end].bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    std::fs::write(
        path,
        format!("{}{}1{}", &text[..start], &text[start..end], &text[end..]),
    )
    .unwrap();
    true
}

fn library(root: &Path, files: &[PathBuf]) {
    let opts = Options::new(root.to_path_buf());
    let mut r = Rebuilder::new(opts);
    let t = Instant::now();
    let first = r.rebuild(&Changes::default()).unwrap();
    println!(
        "first build: {} ({} items, {} files)",
        ms(t.elapsed()),
        first.items,
        r.files().len()
    );
    r.finish().unwrap();

    type Edit<'a> = (&'a str, Box<dyn Fn(&Path, usize) -> bool + 'a>);
    let edits: Vec<Edit> = vec![
        (
            "body edit",
            Box::new(|p, k| {
                edit_body(p, k);
                true
            }),
        ),
        (
            "title edit",
            Box::new(|p, k| {
                edit_title(p, k);
                true
            }),
        ),
        ("figure edit", Box::new(|p, _| edit_figure(p))),
    ];
    for (name, edit) in &edits {
        let (mut rebuild, mut finish, mut rendered) = (Vec::new(), Vec::new(), Vec::new());
        let mut phases = String::new();
        // Items spread over the site (newest, middle, oldest…), so pages of all kinds move.
        for k in 0..RUNS {
            let path = &files[(files.len() - 1) * k / (RUNS - 1).max(1)];
            if !edit(path, k) {
                continue;
            }
            let t = Instant::now();
            let o = r
                .rebuild(&Changes {
                    paths: vec![path.clone()],
                })
                .unwrap();
            rebuild.push(t.elapsed());
            rendered.push(o.rendered);
            phases = o
                .timings
                .phases
                .iter()
                .map(|(p, d)| format!("{p} {}", ms(*d)))
                .collect::<Vec<_>>()
                .join(", ");
            let t = Instant::now();
            r.finish().unwrap();
            finish.push(t.elapsed());
        }
        if rebuild.is_empty() {
            println!("{name}: no item to edit");
            continue;
        }
        let max = rebuild.iter().max().copied().unwrap_or_default();
        println!(
            "{name}: rebuild median {} (max {}), pages rendered {:?}; then search index and open data {}",
            ms(median(rebuild)),
            ms(max),
            rendered,
            ms(median(finish))
        );
        println!("  last {name}: {phases}");
    }
}

fn serve(root: &Path, files: &[PathBuf]) {
    // Each item's URL, from a full load.
    let loaded = bulletin::load(&Options::new(root.to_path_buf())).unwrap();
    let urls: std::collections::HashMap<PathBuf, String> = loaded
        .site
        .entries
        .iter()
        .map(|e| (root.join(&e.item.path), e.path.clone()))
        .collect();
    let base = loaded.site.config.base_path();
    let opts = ServeOptions::new(Options::new(root.to_path_buf()));
    let debounce = opts.debounce;
    let t = Instant::now();
    let server = Server::start(opts, "127.0.0.1:0".parse().unwrap()).unwrap();
    println!("serve: started in {}", ms(t.elapsed()));
    let addr = server.addr();
    let mut times = Vec::new();
    for k in 0..RUNS {
        let path = &files[(files.len() - 1) * k / (RUNS - 1).max(1)];
        let mut events = Events::connect_within(addr, server.generation(), RELOAD_LIMIT);
        // Saved as editors do: a new file renamed over the old.
        let mut text = std::fs::read_to_string(path).unwrap();
        let marker = format!("服务模式第{k}次修改");
        text.push_str(&format!("\n{marker}。\n"));
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).unwrap();
        let t = Instant::now();
        std::fs::rename(&tmp, path).unwrap();
        events.reload();
        times.push(t.elapsed());
        let page = format!("{base}{}", urls[path]);
        let got = get(addr, &page).body;
        assert!(
            got.contains(&marker),
            "the page {page} lacks the edit: {}",
            got.chars().take(300).collect::<String>()
        );
        // Let the deferred files finish before the next edit.
        std::thread::sleep(Duration::from_millis(1500));
    }
    println!(
        "serve: save to reload event, median {} (max {}), debounce {} included",
        ms(median(times.clone())),
        ms(times.iter().max().copied().unwrap_or_default()),
        ms(debounce)
    );
    server.stop();
}

fn main() {
    let Ok(site) = std::env::var("BULLETIN_BENCH_SITE") else {
        eprintln!("set BULLETIN_BENCH_SITE to a site folder (scripts/bench.sh does), e.g.");
        eprintln!("  BULLETIN_BENCH_SITE=target/bench-corpus/10000/site cargo bench --bench incremental");
        std::process::exit(2);
    };
    // A temporary copy: the edits never touch the corpus. The clock is the real one, as for
    // `bulletin serve`.
    let mut copy = SiteTest::empty();
    copy.opts = Options::new(copy.root().to_path_buf());
    copy_dir(Path::new(&site), copy.root());
    let root = copy.root();
    let files = items(root);
    println!("site: {site}, {} items", files.len());
    library(root, &files);
    serve(root, &files);
}
