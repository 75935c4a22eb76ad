//! The search files and their layout: the format's constants, `meta.json` ([`Meta`]), the
//! documents ([`Doc`]) and their packs with offsets, which shard a term lives in, how many
//! shards there are, the version hash, and the search page's view of the filters.

use crate::base::escape::push_json_str;
use crate::site::{Entry, Site};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::tokenizer::{chars_of, normalize, Part};

/// Version of the file format, in `meta.json`; the script refuses other versions.
pub const FORMAT: u32 = 2;
/// The folder of the search files, relative to the output root.
pub(crate) const DIR: &str = "search/";
/// About how large a shard should be: a query fetches one shard per term.
pub(super) const TARGET_SHARD_BYTES: usize = 40 * 1024;
/// Results shown per page by the script.
pub const PAGE: usize = 10;
/// About how large a pack of documents should be: a page of results fetches single documents
/// out of packs, but the whole pack where the server ignores byte ranges.
pub(crate) const PACK_BYTES: usize = 256 * 1024;
/// The most documents per pack.
const MAX_PER_FILE: usize = 256;
/// The most shards; a power of two, and the number of buckets terms are merged in.
pub(super) const MAX_SHARDS: usize = 4096;

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

pub(super) fn hash_key(key: u64) -> u32 {
    chars_of(key).fold(FNV_OFFSET, fnv_char)
}

/// The shard of a term among `shards`.
pub fn shard_of(term: &str, shards: usize) -> usize {
    hash(term) as usize % shards.max(1)
}

/// `search/meta.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Meta {
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
pub(crate) struct Doc {
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
    pub(crate) fn tier(&self, parts: &[Part]) -> Option<u8> {
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
pub(crate) struct PageView {
    /// URL of the folder of the search files (`/bulletin/search/`).
    pub index_url: String,
    /// URL of the script.
    pub script_url: String,
    /// Province filter options.
    pub provinces: Vec<Choice>,
    /// Topic filter options.
    pub topics: Vec<Choice>,
    /// City and county filter options (value: the GB/T 2260 code), in code order.
    pub places: Vec<Choice>,
}

/// An option of a filter.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Choice {
    /// Value.
    pub slug: String,
    /// Label.
    pub name: String,
}

/// The view of the search page.
pub(crate) fn page_view(site: &Site) -> PageView {
    let (provinces, topics) = choices(site);
    let choice = |(slug, name): (String, String)| Choice { slug, name };
    PageView {
        index_url: site.urls.link(DIR),
        script_url: site.urls.link("search.js"),
        provinces: provinces.into_iter().map(choice).collect(),
        topics: topics.into_iter().map(choice).collect(),
        places: site
            .places
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.entries.is_empty())
            .map(|(i, g)| Choice {
                slug: g.place.code.to_string(),
                name: format!("{} {}", g.place.province.short, place_name(site, i)),
            })
            .collect(),
    }
}

/// A place group's name below its province: `青岛市莱西市`, `渝北区`.
fn place_name(site: &Site, i: usize) -> String {
    let g = &site.places[i];
    match g.parent.and_then(|p| site.places.get(p)) {
        Some(parent) => format!("{}{}", parent.place.name, g.place.name),
        None => g.place.name.clone(),
    }
}

pub(super) type Choices = (Vec<(String, String)>, Vec<(String, String)>);

pub(super) fn choices(site: &Site) -> Choices {
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

/// A cheap, stable 64-bit hash of bytes, for the build version: four lanes, so that hashing
/// the 50 MB of a 10,000-item index is not one long chain of multiplications.
pub(super) fn version_hash(bytes: &[u8]) -> u64 {
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
pub(super) fn shard_count(bytes: usize) -> usize {
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
pub(super) fn doc_files<E: Send>(site: &Site, choices: &Choices, emit: &Emit<'_, E>) -> Result<(usize, Vec<u64>), E> {
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

/// Where [`write_files`](super::write_files) puts each file: `(path relative to the output root, bytes)`.
pub(crate) type Emit<'a, E> = dyn Fn(&str, &[u8]) -> Result<(), E> + Sync + 'a;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::tokenizer::{pack, unpack};

    #[test]
    fn json_strings_round_trip_and_stay_inert_in_html() {
        let text = "劳模 \"<b>&</b>\" \\ \n\t\u{1}\u{1f} \u{2028}\u{2029} 𠀀 é";
        let mut out = String::new();
        push_json_str(&mut out, text);
        assert!(!out.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{out}");
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn packed_keys_hash_as_their_text() {
        for (first, c) in [(0, '劳'), ('劳' as u64, '模'), ('𠀀' as u64, '〇')] {
            let key = pack(first, c as u64);
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
