//! The static search (issue 5): the index `bulletin build` writes under `search/`, queried with
//! `bulletin::render::search::query`, which reads the files as `search.js` does.
//!
//! - the example site: the four queries of the issue, single characters, filters;
//! - a generated corpus of 300 items made of the example's sentences: random 2–6 character
//!   substrings (and single characters) of random items must find them, and only items that
//!   contain them;
//! - Latin and number tokens, title-over-body ranking, escaping, on small inline sites;
//! - `tests/js/vectors.json` against the Rust tokenizer (node checks the JS one against it);
//! - `node --test tests/js/`, with the JS engine run over the indexes built here and compared
//!   with the Rust results. Without node the test says loudly that it did not run, and fails
//!   when `CI` is set (`.ci/run` sets it, and runs `node --test tests/js/` itself too).
//!
//! Sites are written under `CARGO_TARGET_TMPDIR`, so that the example and the corpus are
//! built once for every test of the module. The timing of a large index is a benchmark:
//! `benches/search_index.rs`.

#![allow(clippy::cast_possible_truncation, reason = "index sizes are small")]

use crate::harness::{copy_dir, repo_root, today};
use bulletin::render::search::{self, Filters};
use bulletin::site::Site;
use bulletin::Options;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A fresh folder for a site under the target's temporary folder.
fn site_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(dir.join("content")).unwrap();
    dir
}

fn options(root: &Path) -> Options {
    Options {
        today: today(),
        ..Options::new(root)
    }
}

/// A built site: its model (for ground truth) and its output's `search/` folder.
struct Built {
    site: Site,
    search: PathBuf,
}

/// Builds the site at `root` with `bulletin build` (every page, the search page included).
fn build(root: &Path) -> Built {
    let opts = options(root);
    let built = match bulletin::build(&opts) {
        Ok(b) => b,
        Err(d) => panic!("build failed: {d:?}"),
    };
    let site = bulletin::load(&opts).unwrap().site;
    Built {
        site,
        search: built.output.join("search"),
    }
}

/// Loads the site at `root` and writes only its search files (faster than a full build).
fn index_only(root: &Path) -> Built {
    let site = match bulletin::load(&options(root)) {
        Ok(l) => l.site,
        Err(d) => panic!("load failed: {d:?}"),
    };
    let out = root.join("public");
    for (path, bytes) in search::files(&site) {
        let path = out.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    Built {
        site,
        search: out.join("search"),
    }
}

fn example() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = site_dir("example");
        std::fs::copy(repo_root().join("site.yaml"), root.join("site.yaml")).unwrap();
        copy_dir(&repo_root().join("content"), &root.join("content"));
        build(&root)
    })
}

/// The URLs of every item whose title, kicker, subtitle or body contains every phrase of `q`:
/// what a search must return (as a set).
fn truth(site: &Site, q: &str) -> BTreeSet<String> {
    let parts = search::parse_query(q);
    site.entries
        .iter()
        .filter(|e| {
            let h = &e.item.headline;
            let text = search::normalize(&format!(
                "{}\n{}\n{}\n{}",
                h.title,
                h.kicker.as_deref().unwrap_or(""),
                h.subtitle.as_deref().unwrap_or(""),
                e.body.text
            ));
            !parts.is_empty() && parts.iter().all(|p| text.contains(&p.phrase))
        })
        .map(|e| site.urls.link(&e.path))
        .collect()
}

fn url_of(site: &Site, slug: &str) -> String {
    let e = site
        .entries
        .iter()
        .find(|e| e.item.slug.as_str() == slug)
        .unwrap_or_else(|| panic!("no item {slug}"));
    site.urls.link(&e.path)
}

fn query(b: &Built, q: &str) -> Vec<String> {
    search::query(&b.search, q).unwrap()
}

fn assert_exact(b: &Built, q: &str) -> Vec<String> {
    let found = query(b, q);
    let set: BTreeSet<String> = found.iter().cloned().collect();
    assert_eq!(set.len(), found.len(), "{q}: duplicate results");
    assert_eq!(set, truth(&b.site, q), "{q}");
    found
}

// ---------------------------------------------------------------- the example site

#[test]
fn the_issues_queries_find_the_right_items() {
    let b = example();
    let cases = [
        ("外卖骑手", "beilin-jian-jia"),
        ("劳模", "laixi-laomo-jiuyi"),
        ("碑林区", "beilin-jian-jia"),
        ("疗休养", "guangdong-liaoxiuyang"),
    ];
    for (q, slug) in cases {
        let found = assert_exact(b, q);
        let want = b
            .site
            .entries
            .iter()
            .find(|e| e.item.slug.as_str().contains(slug) || e.item.path.to_string_lossy().contains(slug))
            .map(|e| b.site.urls.link(&e.path))
            .unwrap_or_else(|| panic!("no item like {slug}"));
        assert!(found.contains(&want), "{q} should find {want}, found {found:?}");
        assert!(found[0].starts_with("/bulletin/news/"), "{found:?}");
    }
}

#[test]
fn the_issues_queries_rank_title_matches_first() {
    let b = example();
    // 劳模 is in the title of the 莱西 item and only in the body of the 碑林 one.
    let found = query(b, "劳模");
    let laixi = b
        .site
        .entries
        .iter()
        .position(|e| e.item.headline.title.contains("劳模"))
        .map(|i| b.site.urls.link(&b.site.entries[i].path))
        .unwrap();
    assert_eq!(found[0], laixi, "{found:?}");
}

#[test]
fn single_characters_find_every_item_with_them() {
    let b = example();
    for q in ["劳", "骑", "疗", "碑", "会", "〇", "鑫"] {
        assert_exact(b, q);
    }
}

#[test]
fn queries_with_several_parts_and_punctuation() {
    let b = example();
    for q in [
        "外卖 骑手",
        "碑林区　外卖骑手",
        "“外卖骑手”",
        "外卖骑手。",
        "劳模 2022",
        "2022年",
        "6283",
        "工会 劳模 疗休养",
        "骑手外卖",
        "不存在的词语组合",
    ] {
        assert_exact(b, q);
    }
    assert!(query(b, "，。").is_empty());
    assert!(query(b, "").is_empty());
}

#[test]
fn filters_by_province_and_topic() {
    let b = example();
    let with = |q: &str, province: Option<&str>, topic: Option<&str>| -> Vec<String> {
        let f = Filters {
            province: province.map(str::to_string),
            topic: topic.map(str::to_string),
            ..Filters::default()
        };
        search::search(&b.search, q, &f)
            .unwrap()
            .into_iter()
            .map(|h| h.url)
            .collect()
    };
    let all = query(b, "工会");
    let shaanxi = with("工会", Some("shaanxi"), None);
    assert!(!shaanxi.is_empty() && shaanxi.len() < all.len(), "{shaanxi:?}");
    for url in &shaanxi {
        let e = b
            .site
            .entries
            .iter()
            .find(|e| &b.site.urls.link(&e.path) == url)
            .unwrap();
        assert_eq!(e.item.region.province.slug, "shaanxi");
    }
    let recup = with("", None, Some("recuperation"));
    let expected: Vec<String> = b
        .site
        .entries
        .iter()
        .filter(|e| e.item.topics.iter().any(|t| t.slug == "recuperation"))
        .map(|e| b.site.urls.link(&e.path))
        .collect();
    assert_eq!(recup, expected, "a filter alone lists its items, newest first");
    assert!(with("工会", Some("xizang"), None).is_empty());
    assert!(with("工会", None, Some("no-such-topic")).is_empty());
}

#[test]
fn the_search_page_works_without_javascript() {
    let b = example();
    let out = b.search.parent().unwrap();
    let html = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    assert!(html.contains(r#"action="/bulletin/search/" method="get""#), "{html}");
    assert!(html.contains(r#"name="q""#));
    assert!(html.contains("<noscript>"));
    assert!(html.contains(r#"src="/bulletin/search.js""#));
    assert!(html.contains(r#"<option value="shaanxi">陕西</option>"#), "{html}");
    assert!(out.join("search.js").is_file());
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains(r#"href="/bulletin/search/""#),
        "the navigation links to search"
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://example.org/bulletin/search/"));
}

#[test]
fn meta_lists_shards_documents_and_filters() {
    let b = example();
    let meta: Value = serde_json::from_slice(&std::fs::read(b.search.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["format"], search::FORMAT);
    assert_eq!(meta["docs"], b.site.entries.len());
    assert_eq!(meta["base"], "/bulletin/");
    let shards = meta["shards"].as_u64().unwrap();
    assert!(shards.is_power_of_two());
    for k in 0..shards {
        assert!(b.search.join(format!("index/{k}.json")).is_file());
    }
    assert!(meta["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p[0] == "shaanxi" && p[1] == "陕西"));
    assert!(meta["topics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t[0] == "recuperation"));
    let per_file = meta["per_file"].as_u64().unwrap() as usize;
    assert!(per_file >= 1);
    let mut n = 0;
    for f in 0..b.site.entries.len().div_ceil(per_file) {
        let bytes = std::fs::read(b.search.join(format!("docs/{f}.json"))).unwrap();
        let docs: Value = serde_json::from_slice(&bytes).unwrap();
        let offsets: Vec<usize> =
            serde_json::from_slice(&std::fs::read(b.search.join(format!("docs/{f}.offsets.json"))).unwrap()).unwrap();
        let docs = docs.as_array().unwrap();
        assert_eq!(offsets.len(), docs.len() + 1, "docs/{f}.offsets.json");
        assert_eq!(*offsets.last().unwrap(), bytes.len());
        for (i, doc) in docs.iter().enumerate() {
            // Each document's byte range is the document alone, as a range request fetches it.
            let alone: Value = serde_json::from_slice(&bytes[offsets[i]..offsets[i + 1] - 1]).unwrap();
            assert_eq!(&alone, doc, "document {i} of docs/{f}.json");
            let url = format!("/bulletin/{}", doc["u"].as_str().unwrap());
            assert_eq!(url, b.site.urls.link(&b.site.entries[n].path), "document {n}");
            n += 1;
        }
    }
    assert_eq!(n, b.site.entries.len());
}

// ---------------------------------------------------------------- a generated corpus

/// xorshift64*: a deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// The sentences of the example site's bodies (plain paragraphs only).
fn sentences() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![repo_root().join("content")];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let body = text.splitn(3, "---\n").nth(2).unwrap_or("");
        for line in body.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with(['#', '!', '|', '<', '-', '>', '`']) || line.contains("](") {
                continue;
            }
            let mut cur = String::new();
            for c in line.chars() {
                cur.push(c);
                if matches!(c, '。' | '！' | '？') {
                    out.push(std::mem::take(&mut cur));
                }
            }
            if cur.chars().count() > 4 {
                out.push(cur);
            }
        }
    }
    assert!(out.len() > 50, "too few sentences: {}", out.len());
    out
}

const CORPUS_YAML: &str = "title: 检索测试\nbase_url: https://search.example.org/\ntopics:\n  基层蹲点: { slug: grassroots }\n  新就业形态: { slug: new-employment }\n  劳模服务: { slug: model-workers }\n  疗休养: { slug: recuperation }\n";

/// 300 items recombined from the example's sentences, with headlines cut from them.
fn corpus() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = site_dir("corpus");
        std::fs::write(root.join("site.yaml"), CORPUS_YAML).unwrap();
        let sents = sentences();
        let regions = [
            "山东青岛",
            "陕西西安碑林区",
            "广东",
            "全国",
            "安徽淮南",
            "湖北荆州",
            "广西",
            "山东五莲",
        ];
        let topics = ["基层蹲点", "新就业形态", "劳模服务", "疗休养"];
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        let start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
        for i in 0..300 {
            let headline = |rng: &mut Rng| -> String {
                let s: Vec<char> = rng.pick(&sents).chars().filter(|c| !c.is_whitespace()).collect();
                let n = 6 + rng.below(14);
                s.into_iter().take(n).collect::<String>()
            };
            let title = headline(&mut rng);
            let mut front = format!("title: {}\n", serde_json::to_string(&title).unwrap());
            if rng.below(4) == 0 {
                front += &format!("kicker: {}\n", serde_json::to_string(&headline(&mut rng)).unwrap());
            }
            if rng.below(3) == 0 {
                front += &format!("subtitle: {}\n", serde_json::to_string(&headline(&mut rng)).unwrap());
            }
            let date = start + chrono::Duration::days(rng.below(1500) as i64);
            front += &format!("date: {date}\nregion: {}\nslug: item-{i:03}\n", rng.pick(&regions));
            front += &format!("topics: [{}]\n", rng.pick(&topics));
            let mut body = String::new();
            for _ in 0..(2 + rng.below(4)) {
                for _ in 0..(1 + rng.below(5)) {
                    let s: &String = rng.pick(&sents);
                    body.push_str(s);
                }
                body += "\n\n";
            }
            if i % 37 == 0 {
                body += "数据可导出为CSV文件，也可用Excel打开。\n";
            }
            std::fs::write(
                root.join(format!("content/item-{i:03}.md")),
                format!("---\n{front}---\n{body}"),
            )
            .unwrap();
        }
        index_only(&root)
    })
}

/// Maximal runs of CJK characters of a text.
fn cjk_runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = vec![Vec::new()];
    for c in text.chars() {
        if search::is_cjk(search::fold(c)) {
            runs.last_mut().unwrap().push(c);
        } else if !runs.last().unwrap().is_empty() {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

#[test]
fn random_substrings_of_random_items_find_them() {
    let b = corpus();
    assert_eq!(b.site.entries.len(), 300);
    let meta: Value = serde_json::from_slice(&std::fs::read(b.search.join("meta.json")).unwrap()).unwrap();
    assert!(
        meta["shards"].as_u64().unwrap() > 1,
        "the corpus should need several shards: {meta}"
    );
    let mut rng = Rng(0x0bad_cafe_0000_0042);
    for _ in 0..150 {
        let i = rng.below(b.site.entries.len());
        let e = &b.site.entries[i];
        let runs: Vec<Vec<char>> = cjk_runs(&e.body.text).into_iter().filter(|r| r.len() >= 2).collect();
        let run = rng.pick(&runs);
        let len = 2 + rng.below(5.min(run.len() - 1));
        let at = rng.below(run.len() - len + 1);
        let q: String = run[at..at + len].iter().collect();
        let found = assert_exact(b, &q);
        assert!(found.contains(&b.site.urls.link(&e.path)), "{q} should find item {i}");
    }
}

#[test]
fn random_single_characters_find_every_item_with_them() {
    let b = corpus();
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..25 {
        let e = &b.site.entries[rng.below(b.site.entries.len())];
        let chars: Vec<char> = cjk_runs(&e.body.text).into_iter().flatten().collect();
        let q = rng.pick(&chars).to_string();
        let found = assert_exact(b, &q);
        assert!(found.contains(&b.site.urls.link(&e.path)), "{q}");
    }
}

#[test]
fn substrings_of_headlines_rank_headline_matches_first() {
    let b = corpus();
    let mut rng = Rng(0x7777_0000_1111_2222);
    for _ in 0..40 {
        let e = &b.site.entries[rng.below(b.site.entries.len())];
        let runs: Vec<Vec<char>> = cjk_runs(&e.item.headline.title)
            .into_iter()
            .filter(|r| r.len() >= 2)
            .collect();
        if runs.is_empty() {
            continue;
        }
        let run = rng.pick(&runs);
        let len = 2 + rng.below(3.min(run.len() - 1));
        let q: String = run[..len].iter().collect();
        assert_exact(b, &q);
        let hits = search::search(&b.search, &q, &Filters::default()).unwrap();
        let phrase = search::normalize(&q);
        let ranks: Vec<u8> = hits.iter().map(|h| h.tier).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{q}: tiers {ranks:?}");
        for h in &hits {
            let e = &b.site.entries[h.id as usize];
            let in_title = search::normalize(&e.item.headline.title).contains(&phrase);
            assert_eq!(in_title, h.tier == 0, "{q} in {}", e.item.headline.title);
        }
        // Within a tier, newer first (ids follow the site's newest-first order).
        assert!(hits.windows(2).all(|w| w[0].tier < w[1].tier || w[0].id < w[1].id));
        assert!(hits.iter().any(|h| h.url == b.site.urls.link(&e.path)));
    }
}

#[test]
fn the_files_are_the_same_whatever_the_threads() {
    let b = corpus();
    let with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| search::files(&b.site))
    };
    // One thread indexes the 300 items in two chunks, three threads in three.
    let one = with(1);
    assert!(one == with(3), "the index depends on how the work was split");
    assert!(one == with(1));
    let written: Vec<(String, Vec<u8>)> = one
        .iter()
        .map(|(p, _)| {
            (
                p.clone(),
                std::fs::read(b.search.join(p.strip_prefix("search/").unwrap())).unwrap(),
            )
        })
        .collect();
    assert!(one == written, "the files on disk are those of another build");
}

#[test]
fn latin_and_number_tokens_in_the_corpus() {
    let b = corpus();
    for q in ["CSV", "csv", "ＣＳＶ", "excel", "2022", "CSV文件", "Excel打开"] {
        let found = assert_exact(b, q);
        assert!(!found.is_empty(), "{q}");
    }
}

// ---------------------------------------------------------------- small inline sites

fn inline_site(name: &str, items: &[(&str, &str)]) -> Built {
    let root = site_dir(name);
    std::fs::write(
        root.join("site.yaml"),
        "title: 测试站\nbase_url: https://test.example.org/\ntopics:\n  劳模服务: { slug: model-workers }\n",
    )
    .unwrap();
    for (i, (front, body)) in items.iter().enumerate() {
        std::fs::write(
            root.join(format!("content/{i}.md")),
            format!("---\n{front}---\n{body}\n"),
        )
        .unwrap();
    }
    build(&root)
}

#[test]
fn titles_rank_above_kickers_and_bodies_then_newer_first() {
    let b = inline_site(
        "ranking",
        &[
            (
                "title: 劳模就医绿色通道\ndate: 2022-01-01\nregion: 山东\nslug: title-old\n",
                "正文。",
            ),
            (
                "title: 普通消息\ndate: 2022-06-01\nregion: 山东\nslug: body-new\n",
                "正文提到劳模。",
            ),
            (
                "title: 另一条消息\nkicker: 关爱劳模\ndate: 2022-07-01\nregion: 山东\nslug: kicker-newest\n",
                "正文。",
            ),
            (
                "title: 劳模疗休养\ndate: 2022-03-01\nregion: 山东\nslug: title-new\n",
                "正文。",
            ),
            (
                "title: 无关\ndate: 2022-08-01\nregion: 山东\nslug: none\n",
                "劳动模范。",
            ),
        ],
    );
    let found = query(&b, "劳模");
    let want: Vec<String> = ["title-new", "title-old", "kicker-newest", "body-new"]
        .iter()
        .map(|s| url_of(&b.site, s))
        .collect();
    assert_eq!(found, want);
    // A phrase check moves an item whose title has the bigrams but not the phrase.
    let found = query(&b, "劳模疗");
    assert_eq!(found, vec![url_of(&b.site, "title-new")]);
}

#[test]
fn latin_and_number_tokens_are_whole_words() {
    let b = inline_site(
        "tokens",
        &[
            (
                "title: 数据开放\ndate: 2022-01-01\nregion: 山东\nslug: csv-upper\n",
                "统计表可导出为CSV文件。",
            ),
            (
                "title: 数据下载\ndate: 2022-01-02\nregion: 山东\nslug: csv-lower\n",
                "下载 csv 格式。",
            ),
            (
                "title: 年度总结\ndate: 2022-01-03\nregion: 山东\nslug: year\n",
                "2022年工会工作总结。",
            ),
            (
                "title: 编号\ndate: 2022-01-04\nregion: 山东\nslug: longer-number\n",
                "文件编号202212号。",
            ),
            (
                "title: 全角\ndate: 2022-01-05\nregion: 山东\nslug: fullwidth\n",
                "报表ＣＳＶ２０２２。",
            ),
        ],
    );
    let set = |q: &str| -> BTreeSet<String> { query(&b, q).into_iter().collect() };
    let urls = |slugs: &[&str]| -> BTreeSet<String> { slugs.iter().map(|s| url_of(&b.site, s)).collect() };
    assert_eq!(set("CSV"), urls(&["csv-upper", "csv-lower"]));
    assert_eq!(set("csv"), set("CSV"));
    assert_eq!(set("ＣＳＶ２０２２"), urls(&["fullwidth"]));
    assert_eq!(set("2022"), urls(&["year"]), "202212 is another token");
    assert_eq!(set("202212"), urls(&["longer-number"]));
    assert_eq!(set("2022年"), urls(&["year"]));
    assert!(set("CS").is_empty(), "tokens match whole");
}

#[test]
fn user_text_is_escaped_for_html_in_every_search_file() {
    let b = inline_site(
        "escaping",
        &[(
            "title: \"劳模 <script>alert(1)</script> & 工匠\"\nkicker: \"A > B\"\ndate: 2022-01-01\nregion: 山东\nslug: markup\ntopics: [劳模服务]\n",
            "正文里有 a < b && c > d 和 `<b>劳模</b>`。\n",
        )],
    );
    let mut n = 0;
    let mut stack = vec![b.search.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "json") {
                continue; // the search page itself (index.html) is HTML, escaped as HTML
            }
            let bytes = std::fs::read(&p).unwrap();
            n += 1;
            for c in [b'<', b'>', b'&'] {
                assert!(!bytes.contains(&c), "{} has a raw {}", p.display(), c as char);
            }
            let _: Value = serde_json::from_slice(&bytes).unwrap();
        }
    }
    assert!(n >= 3);
    let docs: Value = serde_json::from_slice(&std::fs::read(b.search.join("docs/0.json")).unwrap()).unwrap();
    assert_eq!(docs[0]["t"], "劳模 <script>alert(1)</script> & 工匠");
    assert_eq!(query(&b, "alert"), vec![url_of(&b.site, "markup")]);
    assert_eq!(query(&b, "工匠"), vec![url_of(&b.site, "markup")]);
}

// ---------------------------------------------------------------- shared vectors

fn vectors() -> Value {
    let text = std::fs::read_to_string(repo_root().join("tests/js/vectors.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tokenizer_matches_the_shared_vectors() {
    let v = vectors();
    for c in v["normalize"].as_array().unwrap() {
        let input = c["in"].as_str().unwrap();
        assert_eq!(search::normalize(input), c["out"].as_str().unwrap(), "{input:?}");
    }
    for c in v["index_terms"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        let mut want = strings(&c["terms"]);
        want.sort();
        assert_eq!(search::index_terms(text), want, "{text:?}");
    }
    for c in v["query"].as_array().unwrap() {
        let q = c["q"].as_str().unwrap();
        let got: Vec<Value> = search::parse_query(q)
            .iter()
            .map(|p| json!({"phrase": p.phrase, "terms": p.terms, "exact": p.exact()}))
            .collect();
        assert_eq!(Value::Array(got), c["parts"], "{q:?}");
    }
}

#[test]
fn hashing_and_doc_sets_match_the_shared_vectors() {
    let v = vectors();
    for c in v["hash"].as_array().unwrap() {
        let term = c["term"].as_str().unwrap();
        assert_eq!(u64::from(search::hash(term)), c["fnv1a32"].as_u64().unwrap(), "{term}");
        let shards = c["shards"].as_u64().unwrap() as usize;
        assert_eq!(
            search::shard_of(term, shards) as u64,
            c["shard"].as_u64().unwrap(),
            "{term}"
        );
    }
    for c in v["docs"].as_array().unwrap() {
        let ids: Vec<u32> = c["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let enc = c["encoded"].as_str().unwrap();
        assert_eq!(search::encode_docs(&ids), enc, "{ids:?}");
        assert_eq!(search::decode_docs(enc), Some(ids));
    }
}

// ---------------------------------------------------------------- the JS side

#[test]
fn node_tests_pass_and_the_js_engine_agrees_with_rust() {
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "node is not on PATH, and CI is set: the JavaScript tests (tests/js/) must run in CI"
        );
        // Straight to stderr, past the test harness's capture (which takes only the print
        // macros), so that a passing `cargo test` still says it.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\nWARNING: node is not on PATH: the JavaScript tests (tests/js/) DID NOT RUN. \
             Install Node.js 20 or newer and run `cargo test --test it search::` again.\n"
        );
        return;
    }
    let mut cases = Vec::new();
    let mut add = |b: &Built, q: &str, province: Option<&str>, topic: Option<&str>| {
        let f = Filters {
            province: province.map(str::to_string),
            topic: topic.map(str::to_string),
            ..Filters::default()
        };
        let urls: Vec<String> = search::search(&b.search, q, &f)
            .unwrap()
            .into_iter()
            .map(|h| h.url)
            .collect();
        cases.push(json!({"dir": b.search, "q": q, "province": province, "topic": topic, "urls": urls}));
    };
    let ex = example();
    for q in [
        "外卖骑手",
        "劳模",
        "碑林区",
        "疗休养",
        "劳",
        "工会 劳模",
        "“外卖骑手”",
        "2022年",
        "6283",
    ] {
        add(ex, q, None, None);
    }
    add(ex, "工会", Some("shaanxi"), None);
    add(ex, "", None, Some("recuperation"));
    let corpus = corpus();
    let mut rng = Rng(0xfeed_beef_0000_0003);
    for _ in 0..30 {
        let e = &corpus.site.entries[rng.below(corpus.site.entries.len())];
        let chars: Vec<char> = cjk_runs(&e.body.text).into_iter().flatten().collect();
        let at = rng.below(chars.len() - 4);
        let len = 1 + rng.below(4);
        let q: String = chars[at..at + len].iter().collect();
        add(corpus, &q, None, None);
    }
    for q in ["工会", "CSV", "Excel打开", "劳模 工会"] {
        add(corpus, q, None, None);
    }
    add(corpus, "工会", Some("shaanxi"), Some("recuperation"));
    let expect = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search/js-expect.json");
    std::fs::write(&expect, serde_json::to_vec_pretty(&cases).unwrap()).unwrap();
    let out = Command::new("node")
        .args(["--test", "tests/js/"])
        .current_dir(repo_root())
        .env("BULLETIN_SEARCH_EXPECT", &expect)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node --test tests/js/ failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("# skipped 0"),
        "the engine tests should have run:\n{stdout}"
    );
}
