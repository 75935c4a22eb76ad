//! Benchmark of reading front matter: every content file of a site parsed into an item
//! (`content::item::parse`: the YAML library's deserialization, then our validation), one
//! thread, the files already in memory. Written to compare YAML libraries (BENCHMARKS.md).
//!
//! ```sh
//! python3 bench/gen_corpus.py --articles 10000 --out target/bench-fm
//! BULLETIN_FM_BENCH=target/bench-fm cargo bench --profile dev --bench front_matter
//! ```
//!
//! `--profile dev` keeps the dependencies (the YAML library among them) at the dev profile's
//! `opt-level = 2` without a release build of everything; `BULLETIN_FM_BENCH_RUNS` timed
//! passes (5) follow one warm-up. Timings are printed, never asserted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly on any unexpected error"
)]

use bulletin::content::config;
use bulletin::content::item;
use bulletin::content::source::SourceFile;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let Ok(root) = std::env::var("BULLETIN_FM_BENCH") else {
        eprintln!("set BULLETIN_FM_BENCH to a site folder, e.g.");
        eprintln!("  BULLETIN_FM_BENCH=target/bench-fm cargo bench --profile dev --bench front_matter");
        std::process::exit(2);
    };
    let runs: usize = std::env::var("BULLETIN_FM_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let root = PathBuf::from(root);
    let site = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let config = config::parse(&site, Path::new("site.yaml")).unwrap();
    let files: Vec<SourceFile> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| SourceFile {
            path: e.path().to_path_buf(),
            rel: e.path().strip_prefix(root.join("content")).unwrap().to_path_buf(),
            text: std::fs::read_to_string(e.path()).unwrap(),
        })
        .collect();
    let front_bytes: usize = files
        .iter()
        .map(|f| f.text.split("\n---").next().map_or(0, str::len))
        .sum();
    let pass = || files.iter().filter(|f| item::parse(f, &config).is_ok()).count();
    let parsed = pass();
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            assert_eq!(pass(), parsed, "two passes differ");
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{} files ({} parsed, ~{} KB of front matter): median {:.1} ms a pass, {:.2} µs a file (min {:.1} ms, max {:.1} ms, {} runs)",
        files.len(),
        parsed,
        front_bytes / 1024,
        median * 1e3,
        median * 1e6 / files.len().max(1) as f64,
        times[0] * 1e3,
        times[times.len() - 1] * 1e3,
        times.len(),
    );
}
