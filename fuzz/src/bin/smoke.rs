//! The fuzz checks on stable Rust, without libFuzzer: seeded random and mutated inputs fed to
//! the same functions as the cargo-fuzz targets, with the slowest input of each reported.
//!
//! ```text
//! cargo run --release --manifest-path fuzz/Cargo.toml --bin smoke -- [ITERATIONS] [SEED] [TARGET…]
//! ```
//!
//! A panic (a failed check) stops the run and prints the input as a Rust byte string.

use std::time::{Duration, Instant};

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces that matter to the parsers, spliced into inputs.
const TOKENS: &[&str] = &[
    "---\n",
    "...\n",
    "\n",
    "\r\n",
    "\t",
    " ",
    "  ",
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "|\n",
    ">\n",
    "~",
    "\u{feff}",
    "title: ",
    "date: ",
    "region: ",
    "slug: ",
    "figures:\n",
    "  - metric: members_joined\n    value: ",
    "value: ",
    "unit: ",
    "as_of: ",
    "topics: ",
    "byline:\n  reporters: ",
    "extra: ",
    "corrections:\n  - date: ",
    "2022-06-20",
    "2022-02-30",
    "9999-12-31T23:59:59+14:00",
    "山东",
    "山东省",
    "陕西西安碑林区",
    "吉林市",
    "shandong",
    "Inner Mongolia",
    "全国",
    "新疆生产建设兵团",
    "香港",
    "约",
    "base_url: ",
    "theme: ",
    "per_page: ",
    "aggregate: ",
    "metrics:\n  ",
    "http://",
    "?q=1",
    "/bulletin/",
    "index.html",
    "%2e%2e%2f",
    "%2F",
    "%5c",
    "%00",
    "//",
    "/./",
    "%E7%AE%80",
    "#top",
    "余",
    "多",
    "近",
    "近千",
    "万",
    "亿",
    "千万",
    "万亿",
    "%",
    "‰",
    ".",
    "1.5",
    "6283",
    "6,283",
    "２９００",
    "两千",
    "十",
    "零",
    "1e28",
    "79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "-",
    "负",
    "元",
    "万元",
    "人",
    "百分点",
    "\u{2009}",
    "> ",
    "* ",
    "1. ",
    "```rust\n",
    "```\n",
    "    ",
    "<script>",
    "<img src=x onerror=a>",
    "[x](javascript:alert(1))",
    "[x](java\tscript:a)",
    "![i](data:text/html,x)",
    "<!-- more -->",
    "[^1]",
    "[^1]: n\n",
    "|a|b|\n|-|-|\n",
    "~~",
    "**",
    "_",
    "`",
    "&#106;",
    "&amp;",
    "\\",
    "%2e%2e",
    "../",
    "/etc/passwd",
    "C:\\x",
    "\u{0}",
    "\u{7f}",
    "\u{202e}",
];

/// Seeds: one valid example per target, mutated from.
const SEEDS: &[&str] = &[
    "---\ntitle: 全国工会积极稳妥开展基层蹲点工作\ndate: 2022-06-20\nregion: 全国\ntopics: [基层蹲点]\nslug: quanguo\nbyline:\n  reporters: [朱欣]\nfigures:\n  - metric: cadres_dispatched\n    value: 6283\n    unit: 人\n  - metric: members_joined\n    value: 1.5万\n    region: 重庆\ncorrections:\n  - date: 2022-06-21\n    text: 更正。\nextra: {a: [1, 2]}\n---\n本报讯 全国已下派干部6283人，重庆1.5万人。\n",
    "2900余万|万元|元",
    "约30万|人|万人",
    "山东省青岛市莱西市",
    "\u{5}/bulletin/news/2022/06/20/a/",
    "title: 工会新闻简报\nbase_url: https://example.org/bulletin/\nlanguage: en\ntheme: default\nper_page: 20\nmetrics:\n  members_joined: { label: 新入会职工, unit: 人, aggregate: sum }\n  special_funds:\n    label: 专项经费\n    unit: 元\n    aggregate: latest\ntopics:\n  基层蹲点: { slug: grassroots }\n  工伤: {}\nicp: 鲁ICP备12345678号-1\n",
    "“劳模”服务 外卖骑手Ａ1，CSV 2022年6月 ｆｕｌｌ　width Çà ひらがな 𠀀〇 ䷀",
    "# 标题\n\n> 引用 **粗** [链接](../06/a.md)\n\n- 一\n  - 二\n\n```rust\nfn main() {}\n```\n<!-- more -->\n后文[^1]\n\n[^1]: 注\n",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    for _ in 0..=rng.below(8) {
        let at = rng.below(input.len() + 1);
        match rng.below(7) {
            0 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                input.splice(at..at, t.iter().copied());
            }
            1 if !input.is_empty() => {
                let end = (at + rng.below(16)).min(input.len());
                input.drain(at.min(end)..end);
            }
            2 => input.insert(at, (rng.next() & 0xff) as u8),
            3 if !input.is_empty() => {
                // Repeat a slice: deep nesting and long runs.
                let start = rng.below(input.len());
                let end = (start + 1 + rng.below(8)).min(input.len());
                let piece = input[start..end].to_vec();
                for _ in 0..rng.below(200) {
                    input.splice(at..at, piece.iter().copied());
                }
            }
            4 if input.len() > 1 => {
                let i = rng.below(input.len());
                input[i] = (rng.next() & 0xff) as u8;
            }
            5 => input.truncate(at),
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                for _ in 0..rng.below(50) {
                    input.extend_from_slice(t);
                }
            }
        }
    }
    input.truncate(64 * 1024);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0x5eed);
    // Named targets only, when any are named (to reproduce one target's finding quickly).
    let only: Vec<String> = args.collect();
    let targets: [(&str, fn(&[u8])); 8] = [
        ("front_matter", bulletin_fuzz::front_matter),
        ("figure", bulletin_fuzz::figure),
        ("region", bulletin_fuzz::region),
        ("markdown", bulletin_fuzz::markdown),
        ("escape", bulletin_fuzz::escape),
        ("site_yaml", bulletin_fuzz::site_yaml),
        ("search_query", bulletin_fuzz::search_query),
        ("serve_path", bulletin_fuzz::serve_path),
    ];
    let started = Instant::now();
    if let Some(unknown) = only.iter().find(|o| !targets.iter().any(|(n, _)| n == o)) {
        eprintln!("smoke: no target {unknown:?}");
        std::process::exit(2);
    }
    for (t, (name, check)) in targets.iter().enumerate() {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let mut rng = Rng(seed ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut corpus: Vec<Vec<u8>> = SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect();
        let mut slowest = (Duration::ZERO, Vec::new());
        for i in 0..iterations {
            let mut input = corpus[rng.below(corpus.len())].clone();
            mutate(&mut rng, &mut input);
            let t0 = Instant::now();
            let outcome = std::panic::catch_unwind(|| check(&input));
            let took = t0.elapsed();
            if outcome.is_err() {
                eprintln!(
                    "{name}: check failed at iteration {i} on input:\nb\"{}\"",
                    input.escape_ascii()
                );
                std::process::exit(1);
            }
            if took > slowest.0 {
                slowest = (took, input.clone());
            }
            // Keep a small, changing corpus so mutations build on each other.
            if i % 97 == 0 {
                if corpus.len() < 256 {
                    corpus.push(input);
                } else {
                    let j = rng.below(corpus.len());
                    corpus[j] = input;
                }
            }
        }
        println!(
            "{name}: {iterations} inputs, slowest {:?} ({} bytes)",
            slowest.0,
            slowest.1.len()
        );
    }
    println!("all checks held in {:?}", started.elapsed());
}
