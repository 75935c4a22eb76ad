//! Building the index from the site: terms numbered and gathered per chunk of documents in
//! parallel, merged into buckets by term hash, written as shards next to the document packs,
//! and `meta.json` last.

use crate::site::{Entry, Site};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::codec::{encode_heads, encode_runs, Run, BLOCK, FIELD_BITS, HEAD, TITLE};
use super::format::{
    choices, doc_files, hash, hash_key, shard_count, version_hash, Emit, Meta, DIR, FORMAT, MAX_SHARDS,
};
use super::tokenizer::{chars_of, each_term, place_term, Sink, Term};
use crate::base::escape::push_json_str;
use crate::content::place::places;

/// No term yet, in [`Cjk::direct`] and [`Cjk::terms`].
const NO_TERM: u32 = u32::MAX;

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
        // A county's item is found by its city's filter too.
        if let Some(place) = e.item.region.place {
            for code in std::iter::once(place.code).chain(places().parent_of(place).map(|p| p.code)) {
                ix.filter(&place_term(&code.to_string()), doc);
            }
        }
    }
    ix.finish()
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

/// Makes every file of the search index and hands each to `emit` as soon as it is made, from
/// several threads: the document packs hold every item's text (580 MB at 100,000 items) and
/// are never all in memory. `meta.json`, which names a hash of all the others, comes last.
/// Returns how many files there were.
pub(crate) fn write_files<E: Send>(site: &Site, emit: &Emit<'_, E>) -> Result<usize, E> {
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
