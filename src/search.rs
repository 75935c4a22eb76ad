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
//! - `search/docs/B.json`: the [`Doc`]s of ids `B*per_file` to `B*per_file+per_file-1`, as an
//!   array: each item's URL, headline, date, region, topics and plain text, fetched only for the
//!   results shown (excerpt, highlight, phrase check). `per_file` (in `meta.json`) is chosen from
//!   the average item size so that the documents of a page of results, scattered as they are,
//!   stay under about [`PAGE_DOC_BYTES`]: fewer files to create at build time (on the 2-vCPU
//!   test machine, creating 10,000 small files took about as long as indexing 10,000 items).
//!
//! Document ids are positions in the site's newest-first order, so ranking by tier (title,
//! kicker/subtitle, body) and then by id puts title matches first and newer items before older.
//!
//! [`query`] and [`search`] run the browser's algorithm over these files, so tests can check
//! recall from Rust; `tests/js/vectors.json` holds the cases the two tokenizers must agree on.

use crate::site::{Entry, Site};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{btree_map, BTreeMap, HashMap};
use std::path::Path;

/// Version of the file format, in `meta.json`; the script refuses other versions.
pub const FORMAT: u32 = 1;
/// The folder of the search files, relative to the output root.
pub const DIR: &str = "search/";
/// Word tokens are cut to this many characters (index and query alike).
pub const MAX_WORD: usize = 32;
/// About how large a shard should be: a query fetches one shard per term.
const TARGET_SHARD_BYTES: usize = 40 * 1024;
/// Results shown per page (by the script; here to size the document files).
pub const PAGE: usize = 10;
/// About how many bytes of document files a page of [`PAGE`] results may fetch at most.
pub const PAGE_DOC_BYTES: usize = 120 * 1000;
/// The most documents per file.
const MAX_PER_FILE: usize = 16;
/// The most shards; a power of two, and the number of buckets terms are merged in.
const MAX_SHARDS: usize = 4096;

/// Field bits of a posting.
const TITLE: u32 = 1;
const HEAD: u32 = 2;
const BODY: u32 = 4;
const FIELD_BITS: u32 = 3;

// ---------------------------------------------------------------- tokenizer

/// Whether `c` is written without spaces between words and so indexed by bigrams: Han
/// (the unified ideographs, their extensions and compatibility forms, 〇), kana and hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{323AF}')
}

/// Whether `c` (already [`fold`]ed) belongs to a word token: ASCII letters and digits, and the
/// Latin letters of Latin-1 and Latin Extended-A/B.
pub fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || (matches!(c, '\u{C0}'..='\u{24F}') && c != '\u{D7}' && c != '\u{F7}')
}

/// Folds one character for matching: fullwidth ASCII to ASCII, the ideographic space to a space,
/// ASCII and Latin-1 capitals to lowercase. One character in, one out, in UTF-16 too, so that
/// positions in a normalized text are positions in the original.
pub fn fold(c: char) -> char {
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

/// A CJK unigram or bigram as a number: unigrams are below 2^21, bigrams above.
fn pack(first: Option<char>, c: char) -> u64 {
    match first {
        Some(a) => ((a as u64) << 21) | c as u64,
        None => c as u64,
    }
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
fn each_term(text: &str, word: &mut String, f: &mut impl FnMut(Term<'_>)) {
    let mut prev: Option<char> = None;
    let mut len = 0;
    word.clear();
    for c in text.chars() {
        let c = fold(c);
        if is_cjk(c) {
            if !word.is_empty() {
                f(Term::Word(word));
                word.clear();
            }
            f(Term::Cjk(pack(None, c)));
            if prev.is_some() {
                f(Term::Cjk(pack(prev, c)));
            }
            prev = Some(c);
        } else {
            prev = None;
            if is_word(c) {
                if word.is_empty() {
                    len = 0;
                }
                if len < MAX_WORD {
                    word.push(c);
                    len += 1;
                }
            } else if !word.is_empty() {
                f(Term::Word(word));
                word.clear();
            }
        }
    }
    if !word.is_empty() {
        f(Term::Word(word));
    }
}

/// The distinct index terms of a text, sorted (for the test vectors; the indexer uses packed keys).
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    each_term(text, &mut word, &mut |t| {
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
    let mut out = String::new();
    encode_into(&mut out, ids.iter().copied(), ids.last().copied());
    out
}

/// [`encode_docs`] of `ids` (ascending, distinct, the last being `max`), appended to `out`.
fn encode_into(out: &mut String, ids: impl Iterator<Item = u32> + Clone, max: Option<u32>) {
    let Some(max) = max else {
        return;
    };
    let bitmap_len = max as usize / 6 + 2;
    let start = out.len();
    let mut prev: Option<u32> = None;
    for id in ids.clone() {
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
            out.push(B64[(32 + ((v >> shift) & 31)) as usize] as char);
            shift -= 5;
        }
        out.push(B64[(v & 31) as usize] as char);
        if out.len() - start > bitmap_len {
            break; // a bitmap is shorter
        }
    }
    if bitmap_len >= out.len() - start {
        return;
    }
    out.truncate(start);
    let mut bits = vec![0u8; bitmap_len - 1];
    for id in ids {
        bits[id as usize / 6] |= 1 << (id % 6);
    }
    out.push('~');
    out.extend(bits.into_iter().map(|b| B64[b as usize] as char));
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
    /// Documents per file of `docs/`.
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

/// The postings of the terms of a run of documents, while indexing. Each posting is
/// `doc << FIELD_BITS | fields`, ascending by document.
///
/// Indexing is bound by memory traffic (10,000 items make some 14 million postings), so each
/// term has a 16-byte [`Slot`] holding its key and its posting for the document being indexed:
/// repeats within a document touch only the slot, and the posting moves to the term's list
/// when the next document comes. CJK unigrams of the BMP (all common Han) have their slot in an
/// array indexed by code point; bigrams and the rest in an open-addressing table; word tokens
/// and filters, which are few, in a map.
struct Postings {
    direct: Vec<Slot>,
    table: Vec<Slot>,
    used: usize,
    lists: Vec<Vec<u32>>,
    words: HashMap<String, Slot>,
}

/// A term's key (0 for an empty slot), its current posting and where its earlier ones are.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    current: u32,
    list: u32,
}

/// Code points below this have their slot in [`Postings::direct`].
const DIRECT: usize = 0x1_0000;

impl Postings {
    fn new() -> Self {
        Postings {
            direct: vec![Slot::default(); DIRECT],
            table: vec![Slot::default(); 1 << 14],
            used: 0,
            lists: Vec::new(),
            words: HashMap::new(),
        }
    }

    /// Records `field` of `doc` in a slot, filling an empty slot with `key`.
    fn post(lists: &mut Vec<Vec<u32>>, slot: &mut Slot, key: u64, doc: u32, field: u32) {
        if slot.key == 0 {
            slot.key = key;
            slot.list = u32::try_from(lists.len()).unwrap_or(u32::MAX);
            lists.push(Vec::new());
            slot.current = doc << FIELD_BITS | field;
        } else if slot.current >> FIELD_BITS == doc {
            slot.current |= field;
        } else {
            if let Some(list) = lists.get_mut(slot.list as usize) {
                list.push(slot.current);
            }
            slot.current = doc << FIELD_BITS | field;
        }
    }

    fn probe(table: &[Slot], key: u64) -> usize {
        let mask = table.len() - 1;
        // Fibonacci hashing: the top bits of the product.
        let mut i = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as usize & mask;
        while table[i].key != 0 && table[i].key != key {
            i = (i + 1) & mask;
        }
        i
    }

    fn add_cjk(&mut self, key: u64, doc: u32, field: u32) {
        if let Some(slot) = usize::try_from(key).ok().and_then(|k| self.direct.get_mut(k)) {
            // The slot's key is the code point plus one, so that no key is 0.
            return Self::post(&mut self.lists, slot, key + 1, doc, field);
        }
        let i = Self::probe(&self.table, key);
        if self.table[i].key == 0 {
            self.used += 1;
        }
        Self::post(&mut self.lists, &mut self.table[i], key, doc, field);
        if self.used * 2 > self.table.len() {
            self.grow();
        }
    }

    fn grow(&mut self) {
        let bigger = vec![Slot::default(); self.table.len() * 2];
        let old = std::mem::replace(&mut self.table, bigger);
        for slot in old.into_iter().filter(|s| s.key != 0) {
            let i = Self::probe(&self.table, slot.key);
            self.table[i] = slot;
        }
    }

    fn add_word(&mut self, word: &str, doc: u32, field: u32) {
        let slot = match self.words.get_mut(word) {
            Some(slot) => slot,
            None => self.words.entry(word.to_string()).or_default(),
        };
        Self::post(&mut self.lists, slot, 1, doc, field);
    }

    /// Every term with its postings.
    fn finish(mut self) -> Vec<(Key, Vec<u32>)> {
        let mut out: Vec<(Key, Vec<u32>)> = Vec::with_capacity(self.lists.len());
        let mut take = |key: Key, slot: &Slot| {
            if let Some(list) = self.lists.get_mut(slot.list as usize) {
                let mut list = std::mem::take(list);
                list.push(slot.current);
                out.push((key, list));
            }
        };
        for (cp, slot) in self.direct.iter().enumerate().filter(|(_, s)| s.key != 0) {
            take(Key::Cjk(cp as u64), slot);
        }
        for slot in self.table.iter().filter(|s| s.key != 0) {
            take(Key::Cjk(slot.key), slot);
        }
        for (word, slot) in &self.words {
            take(Key::Word(word.clone()), slot);
        }
        out
    }
}

/// A term's key while merging: CJK terms packed, the rest as text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Cjk(u64),
    Word(String),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Cjk(k) => unpack(*k),
            Key::Word(w) => w.clone(),
        }
    }
    fn hash(&self) -> u32 {
        match self {
            Key::Cjk(k) => hash_key(*k),
            Key::Word(w) => hash(w),
        }
    }
}

/// Terms with their postings.
type Bucket = Vec<(Key, Vec<u32>)>;

/// The postings of a run of documents, in buckets by `hash % MAX_SHARDS`.
type Buckets = Vec<Bucket>;

fn index_chunk(first: usize, entries: &[Entry]) -> Buckets {
    let mut postings = Postings::new();
    let mut word = String::new();
    for (k, e) in entries.iter().enumerate() {
        let doc = u32::try_from(first + k).unwrap_or(u32::MAX >> FIELD_BITS);
        let h = &e.item.headline;
        let fields = [
            (h.title.as_str(), TITLE),
            (h.kicker.as_deref().unwrap_or(""), HEAD),
            (h.subtitle.as_deref().unwrap_or(""), HEAD),
            (e.body.text.as_str(), BODY),
        ];
        for (text, field) in fields {
            each_term(text, &mut word, &mut |t| match t {
                Term::Cjk(key) => postings.add_cjk(key, doc, field),
                Term::Word(w) => postings.add_word(w, doc, field),
            });
        }
        postings.add_word(&province_term(&e.item.region.province.slug), doc, BODY);
        for t in &e.item.topics {
            postings.add_word(&topic_term(&t.slug), doc, BODY);
        }
    }
    let mut buckets: Buckets = (0..MAX_SHARDS).map(|_| Vec::new()).collect();
    for (key, list) in postings.finish() {
        let b = key.hash() as usize % MAX_SHARDS;
        buckets[b].push((key, list));
    }
    buckets
}

/// One term, encoded: `(hash, "term", "ALL[.TITLE[.HEAD]]")`.
type Encoded = (u32, String, String);

fn encode_term<'a>(key: &Key, lists: impl Iterator<Item = &'a [u32]> + Clone) -> Encoded {
    let all = lists.clone().flat_map(|l| l.iter().map(|&p| p >> FIELD_BITS));
    let last = lists.clone().filter_map(|l| l.last()).last().map(|&p| p >> FIELD_BITS);
    // The headline lists are short: collected in one pass.
    let (mut title, mut head) = (Vec::new(), Vec::new());
    for &p in lists.flat_map(|l| l.iter()).filter(|&&p| p & (TITLE | HEAD) != 0) {
        if p & TITLE != 0 {
            title.push(p >> FIELD_BITS);
        }
        if p & HEAD != 0 {
            head.push(p >> FIELD_BITS);
        }
    }
    let mut value = String::new();
    encode_into(&mut value, all, last);
    if !title.is_empty() || !head.is_empty() {
        value.push('.');
        encode_into(&mut value, title.iter().copied(), title.last().copied());
        if !head.is_empty() {
            value.push('.');
            encode_into(&mut value, head.iter().copied(), head.last().copied());
        }
    }
    (key.hash(), key.text(), value)
}

/// Merges the chunks' postings of one bucket and encodes them.
fn merge_bucket(parts: Vec<Bucket>) -> Vec<Encoded> {
    let mut all: Vec<(Key, usize, Vec<u32>)> = parts
        .into_iter()
        .enumerate()
        .flat_map(|(chunk, v)| v.into_iter().map(move |(k, p)| (k, chunk, p)))
        .collect();
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<Encoded> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let mut j = i + 1;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        out.push(encode_term(&all[i].0, all[i..j].iter().map(|t| t.2.as_slice())));
        i = j;
    }
    out
}

/// Appends `s` as a JSON string, escaping what JSON requires and `<`, `>`, `&` (so the file is
/// inert in any HTML context too), and U+2028/U+2029.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !SPECIAL[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let (escape, len): (&str, usize) = match bytes[i] {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            b @ 0..=0x1f => (CONTROL[b as usize], 1),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => ("\\u2028", 3),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => ("\\u2029", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(escape);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The bytes [`push_json_str`] looks at: ASCII that needs escaping, and the lead byte of U+2028/9.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xE2] = true;
    t
};

/// JSON escapes of the control characters.
const CONTROL: [&str; 32] = [
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007", "\\b", "\\t", "\\n",
    "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015",
    "\\u0016", "\\u0017", "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
];

fn shard_json(terms: &[&Encoded]) -> Vec<u8> {
    let size: usize = terms.iter().map(|t| t.1.len() + t.2.len() + 6).sum();
    let mut out = String::with_capacity(size + 2);
    out.push('{');
    for (i, (_, term, value)) in terms.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&mut out, term);
        out.push(':');
        push_json_str(&mut out, value);
    }
    out.push('}');
    out.into_bytes()
}

fn doc_json(site: &Site, e: &Entry, provinces: &BTreeMap<&str, usize>, topics: &BTreeMap<&str, usize>) -> Vec<u8> {
    let h = &e.item.headline;
    let mut out = String::with_capacity(e.body.text.len() + 256);
    let field = |out: &mut String, name: &str, value: &str| {
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
        push_json_str(out, value);
        out.push(',');
    };
    out.push('{');
    field(&mut out, "u", &e.path);
    field(&mut out, "t", &h.title);
    field(&mut out, "k", h.kicker.as_deref().unwrap_or(""));
    field(&mut out, "s", h.subtitle.as_deref().unwrap_or(""));
    field(&mut out, "d", &e.item.date.date.format("%Y-%m-%d").to_string());
    field(
        &mut out,
        "dd",
        &crate::locale::date(site.config.language, e.item.date.date),
    );
    let p = provinces
        .get(e.item.region.province.slug.as_str())
        .copied()
        .unwrap_or(0);
    out.push_str(&format!("\"p\":{p},"));
    field(&mut out, "r", &e.item.region.display());
    let g: Vec<String> = e
        .item
        .topics
        .iter()
        .filter_map(|t| topics.get(t.slug.as_str()))
        .map(usize::to_string)
        .collect();
    out.push_str(&format!("\"g\":[{}],", g.join(",")));
    out.push_str("\"x\":");
    push_json_str(&mut out, &e.body.text);
    out.push('}');
    out.into_bytes()
}

/// A cheap, stable 64-bit hash of bytes, for the build version.
fn version_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0xff51_afd7_ed55_8ccd)
            .rotate_left(29);
    }
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

/// How many documents go in one file of `docs/`: as many as keep a page of scattered results
/// (each in its own file) under [`PAGE_DOC_BYTES`], at least one.
fn per_file(docs: &[Vec<u8>]) -> usize {
    let bytes: usize = docs.iter().map(Vec::len).sum();
    let average = bytes.div_ceil(docs.len().max(1)).max(1);
    (PAGE_DOC_BYTES / (PAGE * average)).clamp(1, MAX_PER_FILE)
}

/// Every file of the search index: `(path relative to the output root, bytes)`.
pub fn files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let entries = &site.entries;
    let threads = rayon::current_num_threads().max(1);
    let chunk = entries.len().div_ceil(threads * 2).max(256);
    let chunks: Vec<Buckets> = entries
        .par_chunks(chunk)
        .enumerate()
        .map(|(k, es)| index_chunk(k * chunk, es))
        .collect();
    // Transpose: bucket-major, chunk order kept so that ids stay ascending when merged.
    let mut by_bucket: Vec<Vec<Bucket>> = (0..MAX_SHARDS).map(|_| Vec::new()).collect();
    for c in chunks {
        for (b, v) in c.into_iter().enumerate() {
            if !v.is_empty() {
                by_bucket[b].push(v);
            }
        }
    }
    let buckets: Vec<Vec<Encoded>> = by_bucket.into_par_iter().map(merge_bucket).collect();
    let total: usize = buckets.iter().flatten().map(|t| t.1.len() + t.2.len() + 6).sum();
    let shards = shard_count(total);

    let mut out: Vec<(String, Vec<u8>)> = (0..shards)
        .into_par_iter()
        .map(|s| {
            let mut terms: Vec<&Encoded> = buckets.iter().skip(s).step_by(shards).flatten().collect();
            terms.sort_unstable_by(|a, b| a.1.cmp(&b.1));
            (format!("{DIR}index/{s}.json"), shard_json(&terms))
        })
        .collect();
    let (provinces, topics) = choices(site);
    let pos = |list: &[(String, String)]| -> Vec<String> { list.iter().map(|(s, _)| s.clone()).collect() };
    let (pslugs, tslugs) = (pos(&provinces), pos(&topics));
    let pmap: BTreeMap<&str, usize> = pslugs.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let tmap: BTreeMap<&str, usize> = tslugs.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let docs: Vec<Vec<u8>> = entries.par_iter().map(|e| doc_json(site, e, &pmap, &tmap)).collect();
    let per_file = per_file(&docs);
    let files: Vec<(String, Vec<u8>)> = docs
        .par_chunks(per_file)
        .enumerate()
        .map(|(b, docs)| {
            let mut json = Vec::with_capacity(docs.iter().map(|d| d.len() + 1).sum::<usize>() + 2);
            json.push(b'[');
            for (i, d) in docs.iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                json.extend_from_slice(d);
            }
            json.push(b']');
            (format!("{DIR}docs/{b}.json"), json)
        })
        .collect();
    out.extend(files);

    let version = out
        .par_iter()
        .map(|(_, b)| version_hash(b))
        .collect::<Vec<u64>>()
        .into_iter()
        .fold(FORMAT as u64, |acc, h| {
            (acc.rotate_left(7) ^ h).wrapping_mul(0x0000_0100_0000_01b3)
        });
    let meta = Meta {
        format: FORMAT,
        version: format!("{version:016x}"),
        base: site.urls.base_path().to_string(),
        docs: entries.len(),
        shards,
        per_file,
        provinces,
        topics,
    };
    let meta_json = crate::opendata::escape_json_markup(serde_json::to_vec(&meta).unwrap_or_default());
    out.push((format!("{DIR}meta.json"), meta_json));
    out
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
    let mut files: BTreeMap<usize, Vec<Doc>> = BTreeMap::new();
    let mut hits: Vec<Hit> = Vec::with_capacity(candidates.len());
    for d in candidates {
        let b = d as usize / per_file;
        let docs = match files.entry(b) {
            btree_map::Entry::Occupied(o) => o.into_mut(),
            btree_map::Entry::Vacant(v) => v.insert(read_json(&dir.join(format!("docs/{b}.json")))?),
        };
        let doc = docs
            .get(d as usize % per_file)
            .ok_or_else(|| ReadError(format!("no document {d} in docs/{b}.json")))?;
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
        for (first, c) in [(None, '劳'), (Some('劳'), '模'), (Some('𠀀'), '〇')] {
            let key = pack(first, c);
            assert_eq!(hash_key(key), hash(&unpack(key)));
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
