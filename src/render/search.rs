//! Static full-text search that understands Chinese, written by `bulletin build` as plain files
//! under `search/` and queried in the browser by `themes/default/static/search.js`.
//!
//! There is no dictionary. As Lucene's CJK analyzer does, runs of Han characters (and kana and
//! hangul) are indexed as overlapping character bigrams, and every single character as well, so
//! that one-character queries work; runs of Latin letters and digits are whole tokens, lowercased,
//! with fullwidth forms folded. A query of two or more Han characters becomes its bigrams, all of
//! which must be present; the candidates are then checked against the item's stored text, the
//! query being a phrase (a substring after [`normalize`]). A query whose every part is one term
//! (`劳模`, `劳`, `2022`) needs no check: the index answers it exactly.
//!
//! The files:
//!
//! - `search/meta.json`: [`Meta`], the format, a build version for cache busting, the base path,
//!   the number of documents and of shards, the provinces and topics for the filters.
//! - `search/index/K.json`: shard `K` of the terms; a term lives in shard
//!   `fnv1a32(UTF-16 code units of the term) % shards`. A shard is a JSON object from term to its
//!   document sets, `"ALL"`, `"ALL.TITLE"` or `"ALL.TITLE.HEAD"`: the documents having the term
//!   anywhere, in the title, and in the kicker or subtitle, each encoded by [`encode_docs`].
//!   Provinces and topics are terms too (`p:shaanxi`, `t:grassroots`), so a filter costs one shard.
//! - `search/docs/B.json`, a pack: the [`Doc`]s of ids `B*per_file` to `B*per_file+per_file-1`,
//!   as an array: each item's URL, headline, date, region, topics and plain text, needed only
//!   for the results shown (excerpt, highlight, phrase check). `per_file` (in `meta.json`) makes
//!   a pack about [`PACK_BYTES`].
//! - `search/docs/B.offsets.json`: where each document of pack `B` starts, then the pack's
//!   length: document `i` is bytes `offsets[i]` to `offsets[i + 1] - 2` of the pack (a comma or
//!   the closing bracket follows each), a JSON object of its own. The script fetches just those
//!   bytes with an HTTP range request, or, where the server ignores ranges, the whole pack.
//!
//! Why packs and ranges: the results on a page are scattered over the site (title matches
//! first, then newer first), so with whole files a page fetches about one file per result, and
//! the bytes a page downloads times the number of files is about ten times the documents' total
//! (52 MB at 10,000 items). Creating a file costs some 50–100 µs at build time; ranges take the
//! page's documents out of a few hundred large files instead of thousands of small ones.
//!
//! Document ids are positions in the site's newest-first order, so ranking by tier (title,
//! kicker/subtitle, body) and then by id puts title matches first and newer items before older.
//!
//! Indexing ([`files`]) runs in parallel over chunks of documents and is bound by memory
//! traffic, hence its shape: terms are numbered per chunk, a term's documents are gathered as
//! 64-bit masks of blocks of 64 documents, and a character's unigram, outside headlines and
//! one-character runs, is derived from its bigrams when a block ends (see `Indexer`).
//!
//! [`query`] and [`search`] run the browser's algorithm over these files, so tests can check
//! recall from Rust; `tests/js/vectors.json` holds the cases the two tokenizers must agree on.

use crate::base::escape::push_json_str;
use crate::site::{Entry, Site};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{btree_map, BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::path::Path;

/// Version of the file format, in `meta.json`; the script refuses other versions.
pub const FORMAT: u32 = 2;
/// The folder of the search files, relative to the output root.
pub const DIR: &str = "search/";
/// Word tokens are cut to this many characters (index and query alike).
pub const MAX_WORD: usize = 32;
/// About how large a shard should be: a query fetches one shard per term.
const TARGET_SHARD_BYTES: usize = 40 * 1024;
/// Results shown per page by the script.
pub const PAGE: usize = 10;
/// About how large a pack of documents should be: a page of results fetches single documents
/// out of packs, but the whole pack where the server ignores byte ranges.
pub const PACK_BYTES: usize = 256 * 1024;
/// The most documents per pack.
const MAX_PER_FILE: usize = 256;
/// The most shards; a power of two, and the number of buckets terms are merged in.
const MAX_SHARDS: usize = 4096;

/// Headline bits of a headline posting (`doc << FIELD_BITS | bits`).
const TITLE: u32 = 1;
const HEAD: u32 = 2;
const FIELD_BITS: u32 = 2;

// ---------------------------------------------------------------- tokenizer

/// Whether `c` is written without spaces between words and so indexed by bigrams: Han
/// (the unified ideographs, their extensions and compatibility forms, 〇), kana and hangul.
#[inline]
pub fn is_cjk(c: char) -> bool {
    // The common Han block first: nearly every character of a Chinese text.
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || matches!(c,
            '\u{3007}'
            | '\u{3041}'..='\u{3096}'
            | '\u{30A1}'..='\u{30FA}'
            | '\u{30FC}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{323AF}')
}

/// Whether `c` (already [`fold`]ed) belongs to a word token: ASCII letters and digits, and the
/// Latin letters of Latin-1 and Latin Extended-A/B.
#[inline]
pub fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || (matches!(c, '\u{C0}'..='\u{24F}') && c != '\u{D7}' && c != '\u{F7}')
}

/// Folds one character for matching: fullwidth ASCII to ASCII, the ideographic space to a space,
/// ASCII and Latin-1 capitals to lowercase. One character in, one out, in UTF-16 too, so that
/// positions in a normalized text are positions in the original.
#[inline]
pub fn fold(c: char) -> char {
    // Most characters fold to themselves: digits and punctuation, Han, CJK punctuation.
    if c < 'A' || ('\u{3001}'..'\u{FF01}').contains(&c) || c > '\u{FF5E}' {
        return c;
    }
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        _ => c,
    }
}

/// A text folded character by character, for phrase matching.
pub fn normalize(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// One index term of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Term<'a> {
    /// A CJK character, packed by [`pack`].
    Cjk(u64),
    /// A word token, normalized.
    Word(&'a str),
}

/// A CJK unigram or bigram as a number: a unigram is its code point (below 2^21, `first` 0), a
/// bigram its first code point shifted left by 21 bits plus its second.
fn pack(first: u64, c: u64) -> u64 {
    (first << 21) | c
}

/// The one or two characters of a packed key.
fn chars_of(key: u64) -> impl Iterator<Item = char> {
    [key >> 21, key & 0x1F_FFFF]
        .into_iter()
        .filter(|&u| u != 0)
        .filter_map(|u| u32::try_from(u).ok().and_then(char::from_u32))
}

fn unpack(key: u64) -> String {
    chars_of(key).collect()
}

/// Calls `f` with every index term of `text`, in order, repeats included: for each CJK
/// character its unigram and the bigram it ends, for each run of word characters the token.
/// Without `unigrams`, only the unigrams of one-character runs: the others are implied by the
/// bigrams (a character is in a document when a bigram of it is).
#[inline(always)]
fn each_term(text: &str, word: &mut String, unigrams: bool, f: &mut impl Sink) {
    let bytes = text.as_bytes();
    // The previous character when CJK, else 0.
    let mut prev: u64 = 0;
    // Whether `prev` began its run: a run of one character has no bigram.
    let mut alone = false;
    let mut len = 0;
    let mut i = 0;
    word.clear();
    while let Some(&b) = bytes.get(i) {
        let (c, cjk) = match b {
            0..=0x7F => {
                i += 1;
                (u32::from(fold(char::from(b))), false)
            }
            _ => match han(bytes, i) {
                Some(c) => {
                    i += 3;
                    (c, true)
                }
                None => {
                    let ch = text.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ');
                    i += ch.len_utf8();
                    let ch = fold(ch);
                    (u32::from(ch), is_cjk(ch))
                }
            },
        };
        if cjk {
            if !word.is_empty() {
                f.term(Term::Word(word));
                word.clear();
            }
            let c = u64::from(c);
            if unigrams {
                f.term(Term::Cjk(pack(0, c)));
            }
            alone = prev == 0;
            if prev != 0 {
                f.term(Term::Cjk(pack(prev, c)));
            }
            prev = c;
            if !unigrams {
                // The rest of a run of common Han: a bigram each, nothing else to decide, so
                // they go in batches.
                let mut batch = [0u64; 32];
                let mut n = 0;
                while let Some(c) = han(bytes, i) {
                    i += 3;
                    let c = u64::from(c);
                    batch[n] = pack(prev, c);
                    n += 1;
                    prev = c;
                    alone = false;
                    if n == batch.len() {
                        f.bigrams(&batch);
                        n = 0;
                    }
                }
                f.bigrams(&batch[..n]);
            }
            continue;
        }
        if prev != 0 && alone && !unigrams {
            f.term(Term::Cjk(pack(0, prev)));
        }
        prev = 0;
        match char::from_u32(c).filter(|&c| is_word(c)) {
            Some(c) => {
                if word.is_empty() {
                    len = 0;
                }
                if len < MAX_WORD {
                    word.push(c);
                    len += 1;
                }
            }
            None if !word.is_empty() => {
                f.term(Term::Word(word));
                word.clear();
            }
            None => {}
        }
    }
    if prev != 0 && alone && !unigrams {
        f.term(Term::Cjk(pack(0, prev)));
    }
    if !word.is_empty() {
        f.term(Term::Word(word));
    }
}

/// What [`each_term`] gives the terms of a text to.
trait Sink {
    /// One term.
    fn term(&mut self, t: Term<'_>);
    /// The bigrams of a run of common Han (but its first), in order.
    fn bigrams(&mut self, keys: &[u64]) {
        for &k in keys {
            self.term(Term::Cjk(k));
        }
    }
}

impl<F: FnMut(Term<'_>)> Sink for F {
    fn term(&mut self, t: Term<'_>) {
        self(t);
    }
}

/// The character at `bytes[i..]` when it is common Han, decoded straight from its UTF-8: lead
/// bytes E4–E9 are U+4000–U+9FFF, Han but for U+4DC0–U+4DFF, and none of them folds.
#[inline(always)]
fn han(bytes: &[u8], i: usize) -> Option<u32> {
    match bytes.get(i..i + 3)? {
        &[b @ 0xE4..=0xE9, b1, b2] => {
            let c = (u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            (!(0x4DC0..=0x4DFF).contains(&c)).then_some(c)
        }
        _ => None,
    }
}

/// The distinct index terms of a text, sorted (for the test vectors; the indexer uses packed keys).
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    each_term(text, &mut word, true, &mut |t: Term<'_>| {
        out.push(match t {
            Term::Cjk(k) => unpack(k),
            Term::Word(w) => w.to_string(),
        })
    });
    out.sort();
    out.dedup();
    out
}

/// One whitespace-separated part of a query: a phrase that must appear, and the index terms
/// that find its candidates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// The part, normalized.
    pub phrase: String,
    /// Its terms: the bigrams of each CJK run of two or more characters, the character of a
    /// one-character run, and the word tokens; distinct, in order of appearance.
    pub terms: Vec<String>,
}

impl Part {
    /// The index alone decides this part: it is one term, the phrase itself.
    pub fn exact(&self) -> bool {
        self.terms.len() == 1 && self.terms[0] == self.phrase
    }
}

/// Splits a query at white space into [`Part`]s, each trimmed of the punctuation around it
/// (`“劳模”` is `劳模`), dropping parts without any term.
pub fn parse_query(q: &str) -> Vec<Part> {
    let norm = normalize(q);
    let mut parts: Vec<Part> = Vec::new();
    let inert = |c: char| !is_cjk(c) && !is_word(c);
    for phrase in norm.split(|c: char| c.is_whitespace()).map(|p| p.trim_matches(inert)) {
        let mut terms: Vec<String> = Vec::new();
        let mut push = |t: String| {
            if !terms.contains(&t) {
                terms.push(t);
            }
        };
        let mut run: Vec<char> = Vec::new();
        let mut word = String::new();
        let flush_run = |run: &mut Vec<char>, push: &mut dyn FnMut(String)| {
            if run.len() == 1 {
                push(run.iter().collect());
            }
            for w in run.windows(2) {
                push(w.iter().collect());
            }
            run.clear();
        };
        let flush_word = |word: &mut String, push: &mut dyn FnMut(String)| {
            if !word.is_empty() {
                push(word.chars().take(MAX_WORD).collect());
                word.clear();
            }
        };
        for c in phrase.chars() {
            if is_cjk(c) {
                flush_word(&mut word, &mut push);
                run.push(c);
            } else {
                flush_run(&mut run, &mut push);
                if is_word(c) {
                    word.push(c);
                } else {
                    flush_word(&mut word, &mut push);
                }
            }
        }
        flush_run(&mut run, &mut push);
        flush_word(&mut word, &mut push);
        if !terms.is_empty() && !parts.iter().any(|p| p.phrase == phrase) {
            parts.push(Part {
                phrase: phrase.to_string(),
                terms,
            });
        }
    }
    parts
}

/// The term of a province filter.
pub fn province_term(slug: &str) -> String {
    format!("p:{slug}")
}

/// The term of a topic filter.
pub fn topic_term(slug: &str) -> String {
    format!("t:{slug}")
}

// ---------------------------------------------------------------- hashing and doc sets

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

fn fnv_char(mut h: u32, c: char) -> u32 {
    let mut units = [0u16; 2];
    for &u in c.encode_utf16(&mut units).iter() {
        h ^= u32::from(u);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// FNV-1a (32 bits) over the UTF-16 code units of a term: what picks its shard.
pub fn hash(term: &str) -> u32 {
    term.chars().fold(FNV_OFFSET, fnv_char)
}

fn hash_key(key: u64) -> u32 {
    chars_of(key).fold(FNV_OFFSET, fnv_char)
}

/// The shard of a term among `shards`.
pub fn shard_of(term: &str, shards: usize) -> usize {
    hash(term) as usize % shards.max(1)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_value(c: u8) -> Option<u32> {
    B64.iter().position(|&b| b == c).and_then(|p| u32::try_from(p).ok())
}

/// Encodes a set of document ids (ascending, distinct) as text safe in JSON without escapes,
/// whichever is shorter of:
/// - gaps: the first id, then each id minus the previous minus one, each number written in
///   5-bit groups, most significant first, as the base64url character of the group plus 32 for
///   every group but the last;
/// - a bitmap: `~`, then base64url characters of 6 bits each, bit `i` of character `j` for id `6j+i`.
pub fn encode_docs(ids: &[u32]) -> String {
    let mut out = Vec::new();
    encode_into(&mut out, ids);
    // Base64url characters and `~` only.
    String::from_utf8(out).unwrap_or_default()
}

/// [`encode_docs`] of `ids`, appended to `out`.
fn encode_into(out: &mut Vec<u8>, ids: &[u32]) {
    let Some(&max) = ids.last() else {
        return;
    };
    let chars = max as usize / 6 + 1;
    if encode_gaps(out, ids.iter().copied(), chars + 1) {
        return;
    }
    let mut bits = vec![0u8; chars];
    for &id in ids {
        bits[id as usize / 6] |= 1 << (id % 6);
    }
    out.push(b'~');
    out.extend(bits.into_iter().map(|b| B64[b as usize]));
}

/// Appends the gap encoding of `ids` (ascending, distinct) when it takes at most `limit`
/// characters (a bitmap's length); else appends nothing and returns false.
fn encode_gaps(out: &mut Vec<u8>, ids: impl Iterator<Item = u32>, limit: usize) -> bool {
    let start = out.len();
    let mut prev: Option<u32> = None;
    for id in ids {
        let v = match prev {
            Some(p) => id - p - 1,
            None => id,
        };
        prev = Some(id);
        let mut shift = 0;
        while v.checked_shr(shift + 5).unwrap_or(0) != 0 {
            shift += 5;
        }
        while shift > 0 {
            out.push(B64[(32 + ((v >> shift) & 31)) as usize]);
            shift -= 5;
        }
        out.push(B64[(v & 31) as usize]);
        if out.len() - start > limit {
            out.truncate(start);
            return false;
        }
    }
    true
}

/// Decodes [`encode_docs`]; `None` on a malformed text.
pub fn decode_docs(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    if let Some(bits) = s.strip_prefix('~') {
        for (j, c) in bits.bytes().enumerate() {
            let v = b64_value(c)?;
            for i in 0..6 {
                if v & (1 << i) != 0 {
                    out.push(u32::try_from(j * 6 + i).ok()?);
                }
            }
        }
        return Some(out);
    }
    let mut v: u32 = 0;
    let mut prev: Option<u32> = None;
    for c in s.bytes() {
        let g = b64_value(c)?;
        v = v.checked_mul(32)?.checked_add(g & 31)?;
        if g < 32 {
            let id = match prev {
                Some(p) => p.checked_add(v)?.checked_add(1)?,
                None => v,
            };
            out.push(id);
            prev = Some(id);
            v = 0;
        }
    }
    Some(out)
}

// ---------------------------------------------------------------- the files

/// `search/meta.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Meta {
    /// [`FORMAT`].
    pub format: u32,
    /// Changes whenever any search file changes: appended to file URLs as `?v=`.
    pub version: String,
    /// The site's base path (`/bulletin/`); document URLs are relative to it.
    pub base: String,
    /// Number of documents; ids run from 0.
    pub docs: usize,
    /// Number of index shards.
    pub shards: usize,
    /// Documents per pack of `docs/` (the last pack may hold fewer).
    pub per_file: usize,
    /// Provinces with items, `[slug, name]`, in registry order; documents refer to them by position.
    pub provinces: Vec<(String, String)>,
    /// Topics with items, `[slug, name]`, in site order; documents refer to them by position.
    pub topics: Vec<(String, String)>,
}

/// One document of `search/docs/B.json`: what a result shows, and the text its phrase is checked against.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Doc {
    /// Path relative to the base (`news/2022/06/20/slug/`).
    pub u: String,
    /// Title (主题).
    pub t: String,
    /// Kicker (引题), may be empty.
    pub k: String,
    /// Subtitle (副题), may be empty.
    pub s: String,
    /// ISO date.
    pub d: String,
    /// Date as displayed (2022年6月20日).
    pub dd: String,
    /// Province, a position in [`Meta::provinces`].
    pub p: usize,
    /// Region as displayed (陕西 西安碑林区).
    pub r: String,
    /// Topics, positions in [`Meta::topics`].
    pub g: Vec<usize>,
    /// Plain text of the body, paragraphs separated by `\n`.
    pub x: String,
}

impl Doc {
    /// The rank tier of this document for a query: 0 when every phrase is in the title, 1 when
    /// in the headline (title, kicker, subtitle), 2 when anywhere; `None` when a phrase is missing.
    pub fn tier(&self, parts: &[Part]) -> Option<u8> {
        if parts.is_empty() {
            return Some(2);
        }
        let title = normalize(&self.t);
        if parts.iter().all(|p| title.contains(&p.phrase)) {
            return Some(0);
        }
        let head = normalize(&format!("{}\n{}\n{}", self.t, self.k, self.s));
        if parts.iter().all(|p| head.contains(&p.phrase)) {
            return Some(1);
        }
        let all = format!("{head}\n{}", normalize(&self.x));
        parts.iter().all(|p| all.contains(&p.phrase)).then_some(2)
    }
}

/// The search page's view (key `search` of `search.html`).
#[derive(Clone, Debug, Serialize)]
pub struct PageView {
    /// URL of the folder of the search files (`/bulletin/search/`).
    pub index_url: String,
    /// URL of the script.
    pub script_url: String,
    /// Province filter options.
    pub provinces: Vec<Choice>,
    /// Topic filter options.
    pub topics: Vec<Choice>,
}

/// An option of a filter.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    /// Value.
    pub slug: String,
    /// Label.
    pub name: String,
}

/// The view of the search page.
pub fn page_view(site: &Site) -> PageView {
    let (provinces, topics) = choices(site);
    let choice = |(slug, name): (String, String)| Choice { slug, name };
    PageView {
        index_url: site.urls.link(DIR),
        script_url: site.urls.link("search.js"),
        provinces: provinces.into_iter().map(choice).collect(),
        topics: topics.into_iter().map(choice).collect(),
    }
}

type Choices = (Vec<(String, String)>, Vec<(String, String)>);

fn choices(site: &Site) -> Choices {
    (
        site.provinces
            .iter()
            .filter(|g| !g.entries.is_empty())
            .map(|g| (g.province.slug.clone(), g.province.short.clone()))
            .collect(),
        site.topics
            .iter()
            .map(|g| (g.topic.slug.clone(), g.topic.name.clone()))
            .collect(),
    )
}

// ---------------------------------------------------------------- indexing

/// Documents per block: while indexing, a term's documents are gathered as one bit per
/// document of a block of this many consecutive ids.
const BLOCK: u32 = 64;
/// No term yet, in [`Cjk::direct`] and [`Cjk::terms`].
const NO_TERM: u32 = u32::MAX;

/// The documents of one block having a term: bit `i` of `mask` for document `block * 64 + i`.
#[derive(Clone, Copy)]
struct Run {
    block: u32,
    mask: u64,
}

/// A finished [`Run`] of a term, in the order blocks end.
#[derive(Clone, Copy)]
struct Flush {
    term: u32,
    block: u32,
    mask: u64,
}

/// A term's key: CJK terms packed by [`pack`], the rest as text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Cjk(u64),
    Word(Box<str>),
}

impl Key {
    /// [`hash`] of the term's text, which picks its bucket and shard.
    fn hash(&self) -> u32 {
        match self {
            Key::Cjk(k) => hash_key(*k),
            Key::Word(w) => hash(w),
        }
    }
}

/// FxHash, for the word map: word tokens are short and SipHash would cost more than the rest.
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type WordMap = HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>;

/// Code points below this have their unigram's number in [`Cjk::direct`].
const DIRECT: usize = 0x1_0000;

/// A cell of the CJK table: a packed key (0 for an empty cell) and its documents of the current
/// block, so that a posting touches one cache line; its term's number is in [`Cjk::terms`].
#[derive(Clone, Copy, Default)]
struct Cell {
    key: u64,
    mask: u64,
}

/// Marks an entry of [`Indexer::dirty`] as a cell of the table rather than a term's number.
const CELL: u32 = 1 << 31;

/// The postings of a field of a document.
struct Post<'a> {
    cjk: &'a mut Cjk,
    words: &'a mut WordMap,
    terms: &'a mut Terms,
    dirty: &'a mut Vec<u32>,
    heads: &'a mut Vec<(u32, u32)>,
    /// The document's bit in its block.
    bit: u64,
    /// The headline posting, `doc << FIELD_BITS | TITLE/HEAD`; none when the bits are 0.
    head: u32,
}

impl Sink for Post<'_> {
    #[inline(always)]
    fn term(&mut self, t: Term<'_>) {
        let at = match t {
            Term::Cjk(key) => self.cjk.mark(self.terms, self.dirty, key, self.bit),
            Term::Word(w) => {
                let term = word_term(self.words, self.terms, w);
                mark(&mut self.terms.masks, self.dirty, term, self.bit);
                Marked(term)
            }
        };
        if self.head & (TITLE | HEAD) != 0 {
            self.heads.push((self.cjk.term(at), self.head));
        }
    }

    #[inline(always)]
    fn bigrams(&mut self, keys: &[u64]) {
        if self.head & (TITLE | HEAD) != 0 {
            for &k in keys {
                self.term(Term::Cjk(k));
            }
        } else {
            self.cjk.mark_all(self.terms, self.dirty, keys, self.bit);
        }
    }
}

/// Indexes a run of consecutive documents (the first one's id a multiple of [`BLOCK`]).
///
/// Terms are numbered in order of first use: CJK unigrams of the BMP (all common Han) find their
/// number in an array indexed by code point, bigrams and the rest in an open-addressing table,
/// word tokens and filters, which are few, in a map. A term's documents of the current block are
/// bits of its mask; the terms touched in the block are listed in `dirty`, and when the block
/// ends their masks go to one log, so that memory is written in order and a term common to most
/// documents costs one [`Flush`] per 64 documents instead of a posting per document.
///
/// Bodies post no unigrams but those of one-character runs (see [`each_term`]): when a block
/// ends, each bigram's mask is added to its two characters' masks.
struct Indexer {
    cjk: Cjk,
    words: WordMap,
    terms: Terms,
    /// Terms (or with [`CELL`], cells) touched in the current block.
    dirty: Vec<u32>,
    /// The bigrams of the block with their masks, while their characters are marked.
    pairs: Vec<(u64, u64)>,
    block: u32,
    log: Vec<Flush>,
    /// Headline postings: `(term, doc << FIELD_BITS | TITLE/HEAD)`, repeats included.
    heads: Vec<(u32, u32)>,
}

/// The terms of a chunk, by number.
#[derive(Default)]
struct Terms {
    keys: Vec<Key>,
    /// The documents of the current block having the term, for terms without a [`Cell`].
    masks: Vec<u64>,
}

impl Terms {
    /// A new term's number.
    #[cold]
    fn number(&mut self, key: Key) -> u32 {
        self.keys.push(key);
        self.masks.push(0);
        u32::try_from(self.keys.len() - 1).unwrap_or(CELL - 1)
    }
}

fn probe(table: &[Cell], key: u64) -> usize {
    let mask = table.len() - 1;
    // Fibonacci hashing: the top bits of the product.
    let top = key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - table.len().trailing_zeros());
    let mut i = usize::try_from(top).unwrap_or(0) & mask;
    while table[i].key != 0 && table[i].key != key {
        i = (i + 1) & mask;
    }
    i
}

/// The CJK terms' state: unigrams of the BMP by code point, the others in a table.
struct Cjk {
    /// The term number of each BMP unigram, by code point.
    direct: Vec<u32>,
    /// Open addressing, linear probing; a power of two in size.
    table: Vec<Cell>,
    /// The term number of each cell of `table`.
    terms: Vec<u32>,
    used: usize,
}

/// The CJK table grows when more than one cell in this many is used, so that most lookups end
/// at their first cell.
const LOAD: usize = 2;

/// Where [`Cjk::mark`] recorded a posting: a term's number, or (in [`CELL`]) a cell.
#[derive(Clone, Copy)]
struct Marked(u32);

impl Cjk {
    /// Adds `bits` to the documents of the CJK term `key` (numbering it if new), listing it in
    /// `dirty` when first touched in the block.
    #[inline(always)]
    fn mark(&mut self, terms: &mut Terms, dirty: &mut Vec<u32>, key: u64, bits: u64) -> Marked {
        if let Some(term) = usize::try_from(key).ok().and_then(|k| self.direct.get_mut(k)) {
            if *term == NO_TERM {
                *term = terms.number(Key::Cjk(key));
            }
            mark(&mut terms.masks, dirty, *term, bits);
            return Marked(*term);
        }
        if self.used * LOAD >= self.table.len() {
            self.grow(dirty);
        }
        let i = probe(&self.table, key);
        let at = CELL | u32::try_from(i).unwrap_or(0);
        if self.table[i].key == 0 {
            self.insert(terms, i, key);
        }
        let cell = &mut self.table[i];
        if cell.mask == 0 {
            dirty.push(at);
        }
        cell.mask |= bits;
        Marked(at)
    }

    /// [`Cjk::mark`] of bigrams, for the bulk of a text: in a tight loop, so that the lookups
    /// of several keys are in flight at once, and listing cells in `dirty` without a branch.
    #[inline(always)]
    fn mark_all(&mut self, terms: &mut Terms, dirty: &mut Vec<u32>, keys: &[u64], bits: u64) {
        while (self.used + keys.len()) * LOAD >= self.table.len() {
            self.grow(dirty);
        }
        let base = dirty.len();
        dirty.resize(base + keys.len(), 0);
        let mut n = base;
        for &key in keys {
            let i = probe(&self.table, key);
            if self.table[i].key == 0 {
                self.insert(terms, i, key);
            }
            let cell = &mut self.table[i];
            let old = cell.mask;
            cell.mask = old | bits;
            if let Some(d) = dirty.get_mut(n) {
                *d = CELL | u32::try_from(i).unwrap_or(0);
            }
            n += usize::from(old == 0);
        }
        dirty.truncate(n);
    }

    #[cold]
    fn insert(&mut self, terms: &mut Terms, i: usize, key: u64) {
        self.table[i].key = key;
        self.terms[i] = terms.number(Key::Cjk(key));
        self.used += 1;
    }

    /// The term number of a posting's place.
    fn term(&self, m: Marked) -> u32 {
        if m.0 & CELL == 0 {
            m.0
        } else {
            self.terms[(m.0 & !CELL) as usize]
        }
    }

    /// Doubles the table; the cells listed in `dirty` move, so they are listed anew.
    #[cold]
    fn grow(&mut self, dirty: &mut Vec<u32>) {
        let size = self.table.len() * 2;
        let table = std::mem::replace(&mut self.table, vec![Cell::default(); size]);
        let terms = std::mem::replace(&mut self.terms, vec![NO_TERM; size]);
        for (cell, term) in table.into_iter().zip(terms).filter(|(c, _)| c.key != 0) {
            let i = probe(&self.table, cell.key);
            self.table[i] = cell;
            self.terms[i] = term;
        }
        dirty.retain(|&d| d & CELL == 0);
        for (i, _) in self.table.iter().enumerate().filter(|(_, c)| c.mask != 0) {
            dirty.push(CELL | u32::try_from(i).unwrap_or(0));
        }
    }
}

/// The number of the word (or filter) term `w`, numbering it if new.
fn word_term(words: &mut WordMap, terms: &mut Terms, w: &str) -> u32 {
    match words.get(w) {
        Some(&term) => term,
        None => {
            let term = terms.number(Key::Word(w.into()));
            words.insert(w.into(), term);
            term
        }
    }
}

/// Adds `bits` to the mask of `term`, listing it in `dirty` when first touched in the block.
#[inline(always)]
fn mark(masks: &mut [u64], dirty: &mut Vec<u32>, term: u32, bits: u64) {
    let mask = &mut masks[term as usize];
    if *mask == 0 {
        dirty.push(term);
    }
    *mask |= bits;
}

impl Indexer {
    fn new(first_block: u32) -> Self {
        Indexer {
            cjk: Cjk {
                direct: vec![NO_TERM; DIRECT],
                table: vec![Cell::default(); 1 << 14],
                terms: vec![NO_TERM; 1 << 14],
                used: 0,
            },
            words: WordMap::default(),
            terms: Terms::default(),
            dirty: Vec::new(),
            pairs: Vec::new(),
            block: first_block,
            log: Vec::new(),
            heads: Vec::new(),
        }
    }

    /// Starts document `doc`, ending the current block when `doc` is past it.
    fn start(&mut self, doc: u32) {
        if doc / BLOCK != self.block {
            self.end_block();
            self.block = doc / BLOCK;
        }
    }

    fn end_block(&mut self) {
        let Indexer {
            cjk,
            terms,
            dirty,
            pairs,
            block,
            log,
            ..
        } = self;
        // The unigrams of the bigrams (which are all in cells).
        pairs.clear();
        for &d in dirty.iter().filter(|&&d| d & CELL != 0) {
            let cell = &cjk.table[(d & !CELL) as usize];
            if cell.key > 0x1F_FFFF {
                pairs.push((cell.key, cell.mask));
            }
        }
        for &(pair, mask) in pairs.iter() {
            cjk.mark(terms, dirty, pair >> 21, mask);
            cjk.mark(terms, dirty, pair & 0x1F_FFFF, mask);
        }
        for &d in dirty.iter() {
            let (term, mask) = if d & CELL != 0 {
                let i = (d & !CELL) as usize;
                (cjk.terms[i], std::mem::take(&mut cjk.table[i].mask))
            } else {
                (d, std::mem::take(&mut terms.masks[d as usize]))
            };
            log.push(Flush {
                term,
                block: *block,
                mask,
            });
        }
        dirty.clear();
    }

    /// Indexes the terms of `text`, a field of document `doc`; `head` is its headline bits
    /// ([`TITLE`], [`HEAD`], or 0 for the body).
    fn text(&mut self, text: &str, doc: u32, head: u32, word: &mut String) {
        let mut post = Post {
            cjk: &mut self.cjk,
            words: &mut self.words,
            terms: &mut self.terms,
            dirty: &mut self.dirty,
            heads: &mut self.heads,
            bit: 1u64 << (doc % BLOCK),
            head: doc << FIELD_BITS | head,
        };
        // Headlines post every unigram, for the headline sets.
        each_term(text, word, head != 0, &mut post);
    }

    /// Indexes a filter term (`p:shaanxi`) of document `doc`.
    fn filter(&mut self, term: &str, doc: u32) {
        let t = word_term(&mut self.words, &mut self.terms, term);
        mark(&mut self.terms.masks, &mut self.dirty, t, 1u64 << (doc % BLOCK));
    }

    /// The runs and headline postings of every term, grouped by term.
    fn finish(mut self) -> Chunk {
        self.end_block();
        let Indexer { terms, log, heads, .. } = self;
        let keys = terms.keys;
        let n = keys.len();
        // Counting sorts by term; stable, so each term's runs stay in block order.
        let run_start = starts(n, log.iter().map(|f| f.term));
        let mut at = run_start.clone();
        let mut runs = vec![Run { block: 0, mask: 0 }; log.len()];
        for f in &log {
            let i = &mut at[f.term as usize];
            runs[*i as usize] = Run {
                block: f.block,
                mask: f.mask,
            };
            *i += 1;
        }
        drop(log);
        let head_start = starts(n, heads.iter().map(|h| h.0));
        let mut at = head_start.clone();
        let mut head = vec![0u32; heads.len()];
        for &(t, p) in &heads {
            let i = &mut at[t as usize];
            head[*i as usize] = p;
            *i += 1;
        }
        // Terms in bucket order (`hash % MAX_SHARDS`), then by key, for the merge.
        let buckets: Vec<u16> = keys
            .iter()
            .map(|k| u16::try_from(k.hash() as usize % MAX_SHARDS).unwrap_or(0))
            .collect();
        let mut order: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX)).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            buckets[a].cmp(&buckets[b]).then_with(|| keys[a].cmp(&keys[b]))
        });
        let bucket_start = starts(MAX_SHARDS, order.iter().map(|&t| u32::from(buckets[t as usize])));
        Chunk {
            keys,
            run_start,
            runs,
            head_start,
            heads: head,
            order,
            bucket_start,
        }
    }
}

/// Where each of `n` groups starts once `items` (group numbers) are sorted: `n + 1` offsets.
fn starts(n: usize, items: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut start = vec![0u32; n + 1];
    for g in items {
        start[g as usize + 1] += 1;
    }
    for i in 1..=n {
        start[i] += start[i - 1];
    }
    start
}

/// The index of a run of documents: its terms, each term's runs and headline postings.
struct Chunk {
    keys: Vec<Key>,
    run_start: Vec<u32>,
    runs: Vec<Run>,
    head_start: Vec<u32>,
    /// `doc << FIELD_BITS | TITLE/HEAD`, ascending by document, repeats included.
    heads: Vec<u32>,
    /// Term numbers by bucket, then key.
    order: Vec<u32>,
    bucket_start: Vec<u32>,
}

impl Chunk {
    fn runs(&self, t: u32) -> &[Run] {
        let t = t as usize;
        &self.runs[self.run_start[t] as usize..self.run_start[t + 1] as usize]
    }
    fn heads(&self, t: u32) -> &[u32] {
        let t = t as usize;
        &self.heads[self.head_start[t] as usize..self.head_start[t + 1] as usize]
    }
    fn bucket(&self, b: usize) -> &[u32] {
        &self.order[self.bucket_start[b] as usize..self.bucket_start[b + 1] as usize]
    }
}

fn index_chunk(first: usize, entries: &[Entry]) -> Chunk {
    let doc_of = |k: usize| u32::try_from(first + k).unwrap_or(u32::MAX >> FIELD_BITS);
    let mut ix = Indexer::new(doc_of(0) / BLOCK);
    let mut word = String::new();
    let mut filter = String::new();
    for (k, e) in entries.iter().enumerate() {
        let doc = doc_of(k);
        ix.start(doc);
        let h = &e.item.headline;
        ix.text(&h.title, doc, TITLE, &mut word);
        ix.text(h.kicker.as_deref().unwrap_or(""), doc, HEAD, &mut word);
        ix.text(h.subtitle.as_deref().unwrap_or(""), doc, HEAD, &mut word);
        ix.text(&e.body.text, doc, 0, &mut word);
        for (prefix, slug) in
            std::iter::once(("p:", &e.item.region.province.slug)).chain(e.item.topics.iter().map(|t| ("t:", &t.slug)))
        {
            filter.clear();
            filter.push_str(prefix);
            filter.push_str(slug);
            ix.filter(&filter, doc);
        }
    }
    ix.finish()
}

/// Appends the document set of `runs` (ascending blocks) as [`encode_docs`] does.
fn encode_runs(out: &mut Vec<u8>, runs: &[&[Run]], bitmap: &mut Vec<u64>) {
    let all = || runs.iter().flat_map(|r| r.iter());
    let Some(last) = runs.iter().rev().find_map(|r| r.last()) else {
        return;
    };
    let max = last.block * BLOCK + (63 - last.mask.leading_zeros());
    let count: usize = all().map(|r| r.mask.count_ones() as usize).sum();
    let chars = max as usize / 6 + 1;
    if count <= chars + 1 {
        let ids = all().flat_map(|r| {
            let base = r.block * BLOCK;
            let mut m = r.mask;
            std::iter::from_fn(move || {
                (m != 0).then(|| {
                    let id = base + m.trailing_zeros();
                    m &= m - 1;
                    id
                })
            })
        });
        if encode_gaps(out, ids, chars + 1) {
            return;
        }
    }
    // A bitmap: the blocks' words, 6 bits a character, 32 characters from every 3 words.
    bitmap.clear();
    bitmap.resize((max as usize / 64 + 1).next_multiple_of(3), 0);
    for r in all() {
        bitmap[r.block as usize] = r.mask;
    }
    out.push(b'~');
    let start = out.len();
    out.resize(start + chars.next_multiple_of(32), 0);
    for (w, dst) in bitmap.chunks_exact(3).zip(out[start..].chunks_exact_mut(32)) {
        for (j, d) in dst.iter_mut().enumerate() {
            let (i, s) = (j * 6 / 64, j * 6 % 64);
            let mut v = w[i] >> s;
            if s > 58 {
                v |= w[i + 1] << (64 - s);
            }
            *d = B64[(v & 63) as usize];
        }
    }
    out.truncate(start + chars);
}

/// Appends the headline sets of a term (`.TITLE[.HEAD]`, nothing when both are empty) from its
/// headline postings (ascending by document, repeats included).
fn encode_heads(out: &mut Vec<u8>, heads: &[&[u32]], title: &mut Vec<u32>, head: &mut Vec<u32>) {
    title.clear();
    head.clear();
    for &p in heads.iter().flat_map(|h| h.iter()) {
        let (doc, fields) = (p >> FIELD_BITS, p & (TITLE | HEAD));
        for (set, bit) in [(&mut *title, TITLE), (&mut *head, HEAD)] {
            if fields & bit != 0 && set.last() != Some(&doc) {
                set.push(doc);
            }
        }
    }
    if title.is_empty() && head.is_empty() {
        return;
    }
    out.push(b'.');
    encode_into(out, title);
    if !head.is_empty() {
        out.push(b'.');
        encode_into(out, head);
    }
}

/// Merges the chunks' terms of bucket `b` and writes them as `"term":"sets"`, comma-separated.
fn encode_bucket(b: usize, chunks: &[Chunk]) -> Vec<u8> {
    let mut terms: Vec<(&Key, usize, u32)> = chunks
        .iter()
        .enumerate()
        .flat_map(|(c, chunk)| chunk.bucket(b).iter().map(move |&t| (&chunk.keys[t as usize], c, t)))
        .collect();
    if terms.is_empty() {
        return Vec::new();
    }
    // Each chunk's terms are sorted already; a stable sort by key keeps chunks (documents) in order.
    terms.sort_by(|a, b| a.0.cmp(b.0));
    let (mut runs, mut heads): (Vec<&[Run]>, Vec<&[u32]>) = (Vec::new(), Vec::new());
    let (mut bitmap, mut title, mut head) = (Vec::new(), Vec::new(), Vec::new());
    let mut out = Vec::new();
    for group in terms.chunk_by(|a, b| a.0 == b.0) {
        runs.clear();
        heads.clear();
        runs.extend(group.iter().map(|&(_, c, t)| chunks[c].runs(t)));
        heads.extend(group.iter().map(|&(_, c, t)| chunks[c].heads(t)));
        if !out.is_empty() {
            out.push(b',');
        }
        match group[0].0 {
            Key::Cjk(k) => {
                // CJK characters need no escape.
                out.push(b'"');
                for c in chars_of(*k) {
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                out.push(b'"');
            }
            Key::Word(w) => {
                let mut json = String::new();
                push_json_str(&mut json, w);
                out.extend_from_slice(json.as_bytes());
            }
        }
        out.extend_from_slice(b":\"");
        encode_runs(&mut out, &runs, &mut bitmap);
        encode_heads(&mut out, &heads, &mut title, &mut head);
        out.push(b'"');
    }
    out
}

/// A cheap, stable 64-bit hash of bytes, for the build version: four lanes, so that hashing
/// the 50 MB of a 10,000-item index is not one long chain of multiplications.
fn version_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0xff51_afd7_ed55_8ccd;
    let mut lanes = [0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64, 1, 2, 3];
    let mut chunks = bytes.chunks_exact(32);
    for c in &mut chunks {
        for (lane, w) in lanes.iter_mut().zip(c.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            *lane = (*lane ^ u64::from_le_bytes(b)).wrapping_mul(K).rotate_left(29);
        }
    }
    let mut h = lanes
        .iter()
        .fold(0u64, |acc, &l| (acc.rotate_left(17) ^ l).wrapping_mul(K));
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    }
    h
}

/// Picks the number of shards for an index of `bytes`: a power of two, so that a shard is
/// about [`TARGET_SHARD_BYTES`].
fn shard_count(bytes: usize) -> usize {
    bytes
        .div_ceil(TARGET_SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

/// About how many bytes the document of `e` takes in a pack.
fn doc_size(e: &Entry) -> usize {
    let h = &e.item.headline;
    let head = h.title.len() + h.kicker.as_ref().map_or(0, String::len) + h.subtitle.as_ref().map_or(0, String::len);
    e.body.text.len() + head + e.path.len() + 160
}

/// How many documents go in one pack of `docs/`: about [`PACK_BYTES`] of them, from the
/// average item's size (the inputs', so that it is known before the documents are written).
fn per_file(entries: &[Entry]) -> usize {
    let bytes: usize = entries.iter().map(doc_size).sum();
    let average = bytes.div_ceil(entries.len().max(1)).max(1);
    (PACK_BYTES / average).clamp(1, MAX_PER_FILE)
}

/// The index shards, and their number.
/// Makes the index shards and hands each to `emit` as soon as it is made; returns the number
/// of shards and their hashes, in order. A shard is dropped once written: all of them are
/// 70 MB at 100,000 items, on top of the buckets they are made of.
fn index_files<E: Send>(entries: &[Entry], emit: &Emit<'_, E>) -> Result<(usize, Vec<u64>), E> {
    let threads = rayon::current_num_threads().max(1);
    // Chunks start on block boundaries, so that a block's bits are all in one chunk.
    let chunk = entries
        .len()
        .div_ceil(threads * 2)
        .max(128)
        .next_multiple_of(BLOCK as usize);
    let chunks: Vec<Chunk> = entries
        .par_chunks(chunk)
        .enumerate()
        .map(|(k, es)| index_chunk(k * chunk, es))
        .collect();
    let buckets: Vec<Vec<u8>> = (0..MAX_SHARDS)
        .into_par_iter()
        .map(|b| {
            let mut bucket = encode_bucket(b, &chunks);
            bucket.shrink_to_fit();
            bucket
        })
        .collect();
    drop(chunks);
    let total: usize = buckets.iter().filter(|b| !b.is_empty()).map(|b| b.len() + 1).sum();
    let shards = shard_count(total);
    // Shard `s` holds buckets `s`, `s + shards`, …: `hash % shards` is `(hash % MAX_SHARDS) % shards`.
    let hashes = (0..shards)
        .into_par_iter()
        .map(|s| {
            let parts: Vec<&Vec<u8>> = buckets
                .iter()
                .skip(s)
                .step_by(shards)
                .filter(|b| !b.is_empty())
                .collect();
            let mut json = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 2);
            json.push(b'{');
            for (i, p) in parts.into_iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                json.extend_from_slice(p);
            }
            json.push(b'}');
            emit(&format!("{DIR}index/{s}.json"), &json)?;
            Ok(version_hash(&json))
        })
        .collect::<Result<Vec<u64>, E>>()?;
    Ok((shards, hashes))
}

/// Appends the [`Doc`] of `e` as JSON.
fn push_doc(out: &mut String, site: &Site, e: &Entry, provinces: &HashMap<&str, usize>, topics: &HashMap<&str, usize>) {
    use std::fmt::Write;
    let h = &e.item.headline;
    let field = |out: &mut String, name: &str, value: &str| {
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
        push_json_str(out, value);
        out.push(',');
    };
    out.push('{');
    field(out, "u", &e.path);
    field(out, "t", &h.title);
    field(out, "k", h.kicker.as_deref().unwrap_or(""));
    field(out, "s", h.subtitle.as_deref().unwrap_or(""));
    // A date writes as ISO digits and dashes: nothing to escape.
    let _ = write!(out, "\"d\":\"{}\",", e.item.date.date);
    field(
        out,
        "dd",
        &crate::render::locale::date(site.config.language, e.item.date.date),
    );
    let p = provinces
        .get(e.item.region.province.slug.as_str())
        .copied()
        .unwrap_or(0);
    let _ = write!(out, "\"p\":{p},");
    field(out, "r", &e.item.region.display());
    out.push_str("\"g\":[");
    let mut first = true;
    for g in e.item.topics.iter().filter_map(|t| topics.get(t.slug.as_str())) {
        if !first {
            out.push(',');
        }
        first = false;
        let _ = write!(out, "{g}");
    }
    out.push_str("],\"x\":");
    push_json_str(out, &e.body.text);
    out.push('}');
}

/// Each slug's position in a list of choices.
fn position(list: &[(String, String)]) -> HashMap<&str, usize> {
    list.iter().enumerate().map(|(i, (s, _))| (s.as_str(), i)).collect()
}

/// Makes the document packs and hands each to `emit` as soon as it is made; returns the
/// documents per pack and the packs' hashes, in order.
fn doc_files<E: Send>(site: &Site, choices: &Choices, emit: &Emit<'_, E>) -> Result<(usize, Vec<u64>), E> {
    let (provinces, topics) = (position(&choices.0), position(&choices.1));
    let per_file = per_file(&site.entries);
    let hashes: Vec<[u64; 2]> = site
        .entries
        .par_chunks(per_file)
        .enumerate()
        .map(|(b, es)| {
            let mut json = String::with_capacity(es.iter().map(doc_size).sum::<usize>() + 64);
            let mut offsets = String::with_capacity(8 * es.len() + 8);
            json.push('[');
            offsets.push('[');
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                offsets.push_str(&json.len().to_string());
                offsets.push(',');
                push_doc(&mut json, site, e, &provinces, &topics);
            }
            json.push(']');
            offsets.push_str(&json.len().to_string());
            offsets.push(']');
            emit(&format!("{DIR}docs/{b}.json"), json.as_bytes())?;
            emit(&format!("{DIR}docs/{b}.offsets.json"), offsets.as_bytes())?;
            Ok([version_hash(json.as_bytes()), version_hash(offsets.as_bytes())])
        })
        .collect::<Result<_, E>>()?;
    Ok((per_file, hashes.into_iter().flatten().collect()))
}

/// Where [`write_files`] puts each file: `(path relative to the output root, bytes)`.
pub type Emit<'a, E> = dyn Fn(&str, &[u8]) -> Result<(), E> + Sync + 'a;

/// Makes every file of the search index and hands each to `emit` as soon as it is made, from
/// several threads: the document packs hold every item's text (580 MB at 100,000 items) and
/// are never all in memory. `meta.json`, which names a hash of all the others, comes last.
/// Returns how many files there were.
pub fn write_files<E: Send>(site: &Site, emit: &Emit<'_, E>) -> Result<usize, E> {
    let (provinces, topics) = choices(site);
    let choices = (provinces, topics);
    let (index, docs) = rayon::join(|| index_files(&site.entries, emit), || doc_files(site, &choices, emit));
    let (shards, mut hashes) = index?;
    let (per_file, doc_hashes) = docs?;
    hashes.extend(doc_hashes);
    let files = hashes.len() + 1;
    let version = hashes.into_iter().fold(u64::from(FORMAT), |acc, h| {
        (acc.rotate_left(7) ^ h).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let (provinces, topics) = choices;
    let meta = Meta {
        format: FORMAT,
        version: format!("{version:016x}"),
        base: site.urls.base_path().to_string(),
        docs: site.entries.len(),
        shards,
        per_file,
        provinces,
        topics,
    };
    let meta_json = crate::base::escape::escape_json_markup(serde_json::to_vec(&meta).unwrap_or_default());
    emit(&format!("{DIR}meta.json"), &meta_json)?;
    Ok(files)
}

/// Every file of the search index, `(path relative to the output root, bytes)`, by path.
pub fn files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let out = std::sync::Mutex::new(Vec::new());
    let collect = |path: &str, bytes: &[u8]| -> Result<(), std::convert::Infallible> {
        let mut out = out.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        out.push((path.to_string(), bytes.to_vec()));
        Ok(())
    };
    let Ok(_) = write_files(site, &collect);
    let mut files = out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files
}

// ---------------------------------------------------------------- querying the files

/// Filters of a search, by slug.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Only items of this province.
    pub province: Option<String>,
    /// Only items with this topic.
    pub topic: Option<String>,
}

/// One result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Document id.
    pub id: u32,
    /// Root-relative URL.
    pub url: String,
    /// 0 title, 1 kicker or subtitle, 2 body.
    pub tier: u8,
}

/// A problem reading the search files.
#[derive(Debug)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError(format!("{}: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| ReadError(format!("{}: {e}", path.display())))
}

/// A pack of documents with its offsets, read whole; [`Pack::doc`] reads one document from its
/// byte range, as the script does.
struct Pack {
    b: usize,
    offsets: Vec<usize>,
    bytes: Vec<u8>,
}

impl Pack {
    fn read(dir: &Path, b: usize) -> Result<Pack, ReadError> {
        let path = dir.join(format!("docs/{b}.json"));
        Ok(Pack {
            b,
            offsets: read_json(&dir.join(format!("docs/{b}.offsets.json")))?,
            bytes: std::fs::read(&path).map_err(|e| ReadError(format!("{}: {e}", path.display())))?,
        })
    }

    /// Document `i` of the pack: bytes `offsets[i]` to `offsets[i + 1] - 2`.
    fn doc(&self, i: usize) -> Result<Doc, ReadError> {
        let range = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) if a < b => a..b - 1,
            _ => return Err(ReadError(format!("no document {i} in docs/{}.json", self.b))),
        };
        let bytes = self.bytes.get(range).unwrap_or_default();
        serde_json::from_slice(bytes).map_err(|e| ReadError(format!("document {i} of docs/{}.json: {e}", self.b)))
    }
}

/// The URLs of the items matching `q`, best first, read from the search files in `dir` (the
/// output's `search/` folder) exactly as the script reads them.
pub fn query(dir: &Path, q: &str) -> Result<Vec<String>, ReadError> {
    Ok(search(dir, q, &Filters::default())?
        .into_iter()
        .map(|h| h.url)
        .collect())
}

/// The script's algorithm: the documents having every term of the query (and of the filters),
/// ordered by the tier the index promises (every term in the title, in the headline, anywhere)
/// and then by id; each document's phrases are then checked against its text, which drops it
/// or moves it to the tier it really has, unless every part is [`Part::exact`].
pub fn search(dir: &Path, q: &str, filters: &Filters) -> Result<Vec<Hit>, ReadError> {
    let meta: Meta = read_json(&dir.join("meta.json"))?;
    if meta.format != FORMAT {
        return Err(ReadError(format!("search format {} (expected {FORMAT})", meta.format)));
    }
    let parts = parse_query(q);
    let mut terms: Vec<String> = Vec::new();
    for p in &parts {
        for t in &p.terms {
            if !terms.contains(t) {
                terms.push(t.clone());
            }
        }
    }
    let query_terms = terms.len();
    terms.extend(filters.province.as_deref().map(province_term));
    terms.extend(filters.topic.as_deref().map(topic_term));
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut shards: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    let mut lists: Vec<[Vec<u32>; 3]> = Vec::new();
    for t in &terms {
        let s = shard_of(t, meta.shards);
        let shard = match shards.entry(s) {
            btree_map::Entry::Occupied(o) => o.into_mut(),
            btree_map::Entry::Vacant(v) => v.insert(read_json(&dir.join(format!("index/{s}.json")))?),
        };
        let Some(value) = shard.get(t) else {
            return Ok(Vec::new());
        };
        let mut sets = value.split('.').map(decode_docs);
        let mut next = || -> Result<Vec<u32>, ReadError> {
            sets.next()
                .unwrap_or(Some(Vec::new()))
                .ok_or_else(|| ReadError(format!("malformed postings of `{t}`")))
        };
        lists.push([next()?, next()?, next()?]);
    }
    let mut candidates: Vec<u32> = lists[0][0].clone();
    for l in &lists[1..] {
        candidates.retain(|d| l[0].binary_search(d).is_ok());
    }
    let in_all = |set: usize, d: u32| lists[..query_terms].iter().all(|l| l[set].binary_search(&d).is_ok());
    let in_head = |d: u32| {
        lists[..query_terms]
            .iter()
            .all(|l| l[1].binary_search(&d).is_ok() || l[2].binary_search(&d).is_ok())
    };
    let index_tier = |d: u32| -> u8 {
        if query_terms == 0 {
            2
        } else if in_all(1, d) {
            0
        } else if in_head(d) {
            1
        } else {
            2
        }
    };
    let exact = parts.iter().all(Part::exact);
    let per_file = meta.per_file.max(1);
    let mut packs: BTreeMap<usize, Pack> = BTreeMap::new();
    let mut hits: Vec<Hit> = Vec::with_capacity(candidates.len());
    for d in candidates {
        let b = d as usize / per_file;
        let pack = match packs.entry(b) {
            btree_map::Entry::Occupied(o) => o.into_mut(),
            btree_map::Entry::Vacant(v) => v.insert(Pack::read(dir, b)?),
        };
        let doc = pack.doc(d as usize % per_file)?;
        let tier = if exact { Some(index_tier(d)) } else { doc.tier(&parts) };
        if let Some(tier) = tier {
            hits.push(Hit {
                id: d,
                url: format!("{}{}", meta.base, doc.u),
                tier,
            });
        }
    }
    hits.sort_by_key(|h| (h.tier, h.id));
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_sets_round_trip() {
        for ids in [
            vec![],
            vec![0],
            vec![5],
            vec![0, 1, 2, 3],
            vec![31, 32, 1023, 1024, 40000],
            (0..100).collect::<Vec<u32>>(),
            (0..1000).step_by(3).collect(),
        ] {
            let enc = encode_docs(&ids);
            assert_eq!(decode_docs(&enc), Some(ids.clone()), "{enc}");
        }
        assert!(encode_docs(&(0..100).collect::<Vec<u32>>()).starts_with('~'));
        assert_eq!(decode_docs("!"), None);
    }

    #[test]
    fn terms_of_mixed_text() {
        assert_eq!(
            index_terms("外卖骑手Ａ1，CSV"),
            vec!["a1", "csv", "卖", "卖骑", "外", "外卖", "手", "骑", "骑手"]
        );
        let parts = parse_query("外卖骑手 劳");
        assert_eq!(parts[0].terms, vec!["外卖", "卖骑", "骑手"]);
        assert!(!parts[0].exact());
        assert!(parts[1].exact());
    }

    #[test]
    fn json_strings_round_trip_and_stay_inert_in_html() {
        let text = "劳模 \"<b>&</b>\" \\ \n\t\u{1}\u{1f} \u{2028}\u{2029} 𠀀 é";
        let mut out = String::new();
        push_json_str(&mut out, text);
        assert!(!out.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{out}");
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn large_ids_encode() {
        for ids in [vec![u32::MAX >> 3], vec![0, 1 << 30, (1 << 31) + 7]] {
            assert_eq!(decode_docs(&encode_docs(&ids)), Some(ids));
        }
    }

    #[test]
    fn packed_keys_hash_as_their_text() {
        for (first, c) in [(0, '劳'), ('劳' as u64, '模'), ('𠀀' as u64, '〇')] {
            let key = pack(first, c as u64);
            assert_eq!(hash_key(key), hash(&unpack(key)));
        }
    }

    #[test]
    fn runs_encode_as_their_ids() {
        // xorshift: deterministic sets of every density, across block and 3-word boundaries.
        let mut x: u32 = 0x9e37_79b9;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for case in 0..400u32 {
            let (n, density) = (1 + next() % 1500, 1 + case % 64);
            let ids: Vec<u32> = (0..n).filter(|_| next() % 64 < density).collect();
            let mut runs: Vec<Run> = Vec::new();
            for &id in &ids {
                match runs.last_mut() {
                    Some(r) if r.block == id / BLOCK => r.mask |= 1 << (id % BLOCK),
                    _ => runs.push(Run {
                        block: id / BLOCK,
                        mask: 1 << (id % BLOCK),
                    }),
                }
            }
            // Split as chunks would split them.
            let (a, b) = runs.split_at(runs.len() / 2);
            let mut out = Vec::new();
            encode_runs(&mut out, &[a, b], &mut Vec::new());
            assert_eq!(String::from_utf8(out).unwrap(), encode_docs(&ids), "{ids:?}");
        }
    }

    #[test]
    fn bigrams_imply_the_unigrams() {
        for text in [
            "外卖骑手Ａ1，CSV",
            "年",
            "2022年6月，劳模",
            "ひらがなカタカナ한국어 𠀀〇𠀀 ䷀䷁ 㐀",
            "a劳b模c",
            "劳模劳模",
        ] {
            let mut word = String::new();
            let mut terms: Vec<String> = Vec::new();
            each_term(text, &mut word, false, &mut |t: Term<'_>| match t {
                Term::Cjk(k) => terms.extend(chars_of(k).map(String::from).chain([unpack(k)])),
                Term::Word(w) => terms.push(w.to_string()),
            });
            terms.sort();
            terms.dedup();
            assert_eq!(terms, index_terms(text), "{text}");
        }
    }

    #[test]
    fn shard_count_grows_in_powers_of_two() {
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(TARGET_SHARD_BYTES), 1);
        assert_eq!(shard_count(TARGET_SHARD_BYTES + 1), 2);
        assert_eq!(shard_count(usize::MAX / 2), MAX_SHARDS);
    }
}
