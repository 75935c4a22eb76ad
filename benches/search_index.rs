//! Benchmark of the static search index of a large site: the time and CPU of
//! `search::files`, the files it makes by kind, writing them, and the bytes a first page of
//! results downloads for a few queries.
//!
//! ```sh
//! BULLETIN_SEARCH_BENCH=target/bench-corpus/10000/site cargo bench --bench search_index
//! ```
//!
//! The corpus is `scripts/bench.sh 10000`'s, or `python3 bench/gen_corpus.py --articles 10000
//! --out DIR`; `BULLETIN_SEARCH_BENCH_RUNS` timed builds (7) follow one warm-up. Timings are
//! printed, never asserted. Moved here from the `search` tests (it was an ignored test).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    reason = "a benchmark fails loudly on any unexpected error; index sizes fit in u32"
)]

#[path = "../tests/it/harness/mod.rs"]
#[allow(dead_code, reason = "the benchmark uses only the pinned date of the test harness")]
mod harness;

use bulletin::render::search::{self, Filters};
use bulletin::Options;
use harness::today;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn main() {
    let Ok(root) = std::env::var("BULLETIN_SEARCH_BENCH") else {
        eprintln!("set BULLETIN_SEARCH_BENCH to a site folder, e.g.");
        eprintln!("  BULLETIN_SEARCH_BENCH=target/bench-corpus/10000/site cargo bench --bench search_index");
        std::process::exit(2);
    };
    let runs: usize = std::env::var("BULLETIN_SEARCH_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let site = bulletin::load(&Options {
        today: today(),
        ..Options::new(&root)
    })
    .unwrap()
    .site;
    let mut files = search::files(&site);
    let (mut cpu, mut wall) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let (t, c) = (std::time::Instant::now(), cpu_seconds());
        let again = search::files(&site);
        wall.push(t.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - c);
        assert!(again == files, "two builds of the index differ");
        files = again;
    }
    let mean = cpu.iter().sum::<f64>() / cpu.len() as f64;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0])
    };
    let ((cpu_median, cpu_min), (wall_median, _)) = (median(&mut cpu), median(&mut wall));
    println!(
        "items: {}; rayon threads: {}",
        site.entries.len(),
        rayon::current_num_threads()
    );
    println!(
        "search::files CPU (user+sys, all threads, 10 ms ticks): {mean:.3} s mean of {} builds \
         (median {cpu_median:.2}, best {cpu_min:.2}); wall {wall_median:.3} s median",
        cpu.len()
    );
    let kind = |p: &str| -> &str {
        if p.starts_with("search/index/") {
            "index shards"
        } else if p.ends_with(".offsets.json") {
            "docs offsets"
        } else if p.starts_with("search/docs/") {
            "docs packs"
        } else {
            "meta"
        }
    };
    let mut kinds: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    for (p, b) in &files {
        let k = kinds.entry(kind(p)).or_default();
        *k = (k.0 + 1, k.1 + b.len(), k.2.max(b.len()));
    }
    for (k, (n, bytes, largest)) in &kinds {
        println!("  {k}: {n} files, {bytes} bytes (largest {largest})");
    }
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("files: {}, {total} bytes", files.len());

    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search/bench");
    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap();
    }
    let (t, c) = (std::time::Instant::now(), cpu_seconds());
    {
        use rayon::prelude::*;
        files.par_iter().for_each(|(path, bytes)| {
            let p = out.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        });
    }
    println!(
        "writing them: {:.3} s wall, {:.3} s CPU",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c
    );

    // What the script downloads for a first page: meta.json, the shard of each term, and for
    // each document shown its pack's offsets and its byte range (phrase checks that fail fetch
    // a few more documents, not counted).
    let dir = out.join("search");
    let len = |rel: &str| std::fs::metadata(dir.join(rel)).unwrap().len() as usize;
    let meta: Value = serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
    let (shards, per_file) = (
        meta["shards"].as_u64().unwrap() as usize,
        meta["per_file"].as_u64().unwrap() as u32,
    );
    let meta_bytes = len("meta.json");
    let mut worst = 0;
    for q in [
        "劳模",
        "工会",
        "骑手",
        "外卖骑手",
        "技能培训",
        "疗休养",
        "职工书屋",
        "碑林区",
        "劳",
    ] {
        let t = std::time::Instant::now();
        let hits = search::search(&dir, q, &Filters::default()).unwrap();
        let took = t.elapsed().as_secs_f64();
        let terms: BTreeSet<usize> = search::parse_query(q)
            .iter()
            .flat_map(|p| p.terms.iter().map(|t| search::shard_of(t, shards)))
            .collect();
        let shard_bytes: usize = terms.iter().map(|k| len(&format!("index/{k}.json"))).sum();
        let page = &hits[..hits.len().min(search::PAGE)];
        let packs: BTreeSet<u32> = page.iter().map(|h| h.id / per_file).collect();
        let offsets_bytes: usize = packs.iter().map(|b| len(&format!("docs/{b}.offsets.json"))).sum();
        let doc_bytes: usize = page
            .iter()
            .map(|h| {
                let (b, i) = ((h.id / per_file) as usize, (h.id % per_file) as usize);
                let at: Vec<usize> =
                    serde_json::from_slice(&std::fs::read(dir.join(format!("docs/{b}.offsets.json"))).unwrap())
                        .unwrap();
                at[i + 1] - 1 - at[i]
            })
            .sum();
        let sum = meta_bytes + shard_bytes + offsets_bytes + doc_bytes;
        worst = worst.max(sum);
        println!(
            "{q}: {} results; first page: meta {meta_bytes} + {} shard(s) {shard_bytes} + {} offsets {offsets_bytes} + {} documents {doc_bytes} = {:.1} KB (Rust query of all results {took:.3} s)",
            hits.len(),
            terms.len(),
            packs.len(),
            page.len(),
            sum as f64 / 1000.0
        );
    }
    println!("largest first page: {:.1} KB", worst as f64 / 1000.0);
}

/// CPU time of this process so far (user + system, every thread), in seconds, from /proc
/// (clock ticks of 10 ms); 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}
