//! Benchmark of incremental rebuilds (issues #4 and #6), run by `scripts/bench.sh`:
//!
//! ```sh
//! BULLETIN_BENCH_SITE=target/bench-corpus/10000/site \
//!     cargo test --release --test bench_incremental -- --ignored --nocapture
//! ```
//!
//! It copies the site to a temporary folder, then (1) through the library, times rebuilding
//! after an edit to one item's body, title or figure, and making the deferred files (search
//! index, open data) afterwards; (2) through `bulletin serve`, times from saving a file to the
//! reload event reaching an open page (the watcher's debounce included), and checks that the
//! page then served has the edit. Timings are printed, never asserted: they belong here, not
//! in `cargo test`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly on any unexpected error"
)]

use bulletin::serve::rebuild::{Changes, Rebuilder};
use bulletin::serve::{ServeOptions, Server, EVENTS_PATH};
use bulletin::Options;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The allocator of the `bulletin` binary, whose `serve` makes these rebuilds.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 9;

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

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

/// Opens the reload event stream and reads past its header.
fn events(addr: std::net::SocketAddr) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    while !line.starts_with("retry:") {
        line.clear();
        r.read_line(&mut line).unwrap();
    }
    r
}

fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    // HTTP/1.0: no chunked framing, whose size lines could split the text looked for.
    write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
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
        let mut stream = events(addr);
        // Saved as editors do: a new file renamed over the old.
        let mut text = std::fs::read_to_string(path).unwrap();
        let marker = format!("服务模式第{k}次修改");
        text.push_str(&format!("\n{marker}。\n"));
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).unwrap();
        let t = Instant::now();
        std::fs::rename(&tmp, path).unwrap();
        let mut line = String::new();
        while !line.starts_with("event: reload") {
            line.clear();
            stream.read_line(&mut line).unwrap();
        }
        times.push(t.elapsed());
        let page = format!("{base}{}", urls[path]);
        let got = get(addr, &page);
        assert!(
            got.contains(&marker),
            "the page {page} lacks the edit: {}",
            &got[..got.len().min(300)]
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

#[test]
#[ignore = "a benchmark: set BULLETIN_BENCH_SITE and run with --ignored --nocapture"]
fn incremental_rebuild() {
    let Ok(site) = std::env::var("BULLETIN_BENCH_SITE") else {
        panic!("set BULLETIN_BENCH_SITE to a site folder (scripts/bench.sh does)");
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    copy_tree(Path::new(&site), &root);
    let files = items(&root);
    println!("site: {site}, {} items", files.len());
    library(&root, &files);
    serve(&root, &files);
}
