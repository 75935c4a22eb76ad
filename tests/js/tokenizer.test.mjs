// The JS tokenizer, hash and doc-set decoder against the vectors the Rust indexer is checked
// against too (tests/it/search.rs), so the two halves of the search agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const search = require('../../themes/default/static/search.js');
const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'));

test('normalize folds fullwidth forms and capitals, one character for one', () => {
  for (const v of vectors.normalize) {
    const out = search.normalize(v.in);
    assert.equal(out, v.out, JSON.stringify(v.in));
    assert.equal(out.length, v.in.length, 'UTF-16 length kept for ' + JSON.stringify(v.in));
  }
});

test('index terms: Han bigrams and unigrams, whole Latin and number tokens', () => {
  for (const v of vectors.index_terms) {
    assert.deepEqual(search.indexTerms(v.text), [...v.terms].sort(), JSON.stringify(v.text));
  }
});

test('query parts: phrases and their terms', () => {
  for (const v of vectors.query) {
    const parts = search.parseQuery(v.q);
    assert.deepEqual(
      parts.map((p) => ({ phrase: p.phrase, terms: p.terms, exact: search.isExact(p) })),
      v.parts,
      JSON.stringify(v.q),
    );
  }
});

test('every query term is an index term of the query text', () => {
  for (const v of vectors.query) {
    const indexed = new Set(search.indexTerms(v.q));
    for (const p of search.parseQuery(v.q)) {
      for (const t of p.terms) {
        if ([...t].length < 32) assert.ok(indexed.has(t), `${t} of ${JSON.stringify(v.q)}`);
      }
    }
  }
});

test('FNV-1a over UTF-16 picks the shard', () => {
  for (const v of vectors.hash) {
    assert.equal(search.hash(v.term), v.fnv1a32, v.term);
    assert.equal(search.shardOf(v.term, v.shards), v.shard, v.term);
    assert.equal(search.shardOf(v.term, 1), 0);
  }
});

test('doc sets decode from gaps and bitmaps', () => {
  for (const v of vectors.docs) {
    assert.deepEqual(search.decodeDocs(v.encoded), v.ids, v.encoded);
  }
  assert.throws(() => search.decodeDocs('!'));
});
