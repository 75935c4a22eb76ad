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
//! - `search/meta.json`: `Meta`, the format, a build version for cache busting, the base path,
//!   the number of documents and of shards, the provinces and topics for the filters.
//! - `search/index/K.json`: shard `K` of the terms; a term lives in shard
//!   `fnv1a32(UTF-16 code units of the term) % shards`. A shard is a JSON object from term to its
//!   document sets, `"ALL"`, `"ALL.TITLE"` or `"ALL.TITLE.HEAD"`: the documents having the term
//!   anywhere, in the title, and in the kicker or subtitle, each encoded by [`encode_docs`].
//!   Provinces and topics are terms too (`p:shaanxi`, `t:grassroots`), so a filter costs one shard.
//! - `search/docs/B.json`, a pack: the `Doc`s of ids `B*per_file` to `B*per_file+per_file-1`,
//!   as an array: each item's URL, headline, date, region, topics and plain text, needed only
//!   for the results shown (excerpt, highlight, phrase check). `per_file` (in `meta.json`) makes
//!   a pack about `PACK_BYTES`.
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

mod codec;
mod format;
mod index;
mod query;
mod tokenizer;

pub use codec::{decode_docs, encode_docs};
pub use format::{hash, shard_of, FORMAT, PAGE};
pub(crate) use format::{page_view, PageView, DIR};
pub use index::files;
pub(crate) use index::write_files;
pub use query::{query, search, Filters, Hit, ReadError};
pub use tokenizer::{fold, index_terms, is_cjk, normalize, parse_query, Part, MAX_WORD};
