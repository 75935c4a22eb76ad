//! The Rust query engine: the browser script's algorithm over the written files, so that
//! tests can check recall and ranking from Rust.

use std::collections::{btree_map, BTreeMap};
use std::path::Path;

use super::codec::decode_docs;
use super::format::{shard_of, Doc, Meta, FORMAT};
use super::tokenizer::{parse_query, place_term, province_term, topic_term, Part};

/// Filters of a search, by slug.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Only items of this province.
    pub province: Option<String>,
    /// Only items with this topic.
    pub topic: Option<String>,
    /// Only items of this city or county (its GB/T 2260 code), or of a county in this city.
    pub place: Option<String>,
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
    terms.extend(filters.place.as_deref().map(place_term));
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
