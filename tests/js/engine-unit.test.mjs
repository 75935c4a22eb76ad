// The JS engine over a tiny hand-made index held in memory (no build needed): ordering by tier
// then id, phrase checks, filters, counts, and retrying a failed load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const search = require('../../themes/default/static/search.js');

// Documents 0..3, newest first. One shard, two documents per file.
const docs = [
  { u: 'a/', t: '普通消息', k: '', s: '', d: '2022-07-01', dd: '', p: 0, r: '', g: [], x: '正文提到劳模和外卖骑手。' },
  { u: 'b/', t: '劳模就医', k: '', s: '', d: '2022-06-01', dd: '', p: 1, r: '', g: [0], x: '正文。' },
  { u: 'c/', t: '另一条', k: '关爱劳模', s: '', d: '2022-05-01', dd: '', p: 0, r: '', g: [0], x: '外卖小哥与骑手。' },
  { u: 'd/', t: '劳模疗休养', k: '', s: '', d: '2022-04-01', dd: '', p: 1, r: '', g: [], x: '正文。' },
];
// Doc sets as src/search.rs writes them: gaps (first id, then id - previous - 1), each below
// 32 here, so one character each: A=0, B=1, C=2.
const shard = {
  '劳模': 'AAAA.BB.C', // everywhere; in the titles of 1 and 3; in the kicker of 2
  '外卖': 'AB', // 0, 2
  '骑手': 'AB', // 0, 2
  '卖骑': 'A', // 0
  'p:shandong': 'BB', // 1, 3
  't:model-workers': 'BA', // 1, 2
};
const files = {
  'meta.json': { format: 1, version: 'v', base: '/', docs: 4, shards: 1, per_file: 2, provinces: [], topics: [] },
  'index/0.json': shard,
  'docs/0.json': [docs[0], docs[1]],
  'docs/1.json': [docs[2], docs[3]],
};

function engine(failFirst = new Set()) {
  const log = [];
  return {
    log,
    engine: new search.Engine((rel) => {
      log.push(rel);
      if (failFirst.delete(rel)) return Promise.reject(new Error('offline'));
      return Promise.resolve(JSON.parse(JSON.stringify(files[rel])));
    }),
  };
}

const urls = async (e, q, f) => (await (await e.search(q, f)).all()).map((h) => h.doc.u);

test('the hand-made doc sets decode', () => {
  assert.deepEqual(search.decodeDocs(shard['劳模'].split('.')[0]), [0, 1, 2, 3]);
  assert.deepEqual(search.decodeDocs(shard['p:shandong']), [1, 3]);
});

test('titles, then kickers, then bodies; newer first within each', async () => {
  const { engine: e } = engine();
  assert.deepEqual(await urls(e, '劳模'), ['b/', 'd/', 'c/', 'a/']);
});

test('a phrase check drops documents that have the bigrams apart', async () => {
  const { engine: e } = engine();
  const results = await e.search('外卖骑手');
  assert.deepEqual(results.count(), { n: 1, exact: false }, 'before checking, the count is the candidates');
  assert.deepEqual((await results.all()).map((h) => h.doc.u), ['a/']);
  assert.deepEqual(results.count(), { n: 1, exact: true });
  const { engine: e2 } = engine();
  assert.deepEqual(await urls(e2, '外卖 骑手'), ['a/', 'c/'], 'two parts: each anywhere');
});

test('filters intersect, and work alone', async () => {
  const { engine: e } = engine();
  assert.deepEqual(await urls(e, '劳模', { province: 'shandong' }), ['b/', 'd/']);
  assert.deepEqual(await urls(e, '', { topic: 'model-workers' }), ['b/', 'c/']);
  assert.deepEqual(await urls(e, '劳模', { province: 'xizang' }), []);
});

test('a page loads only the document files it shows', async () => {
  const { engine: e, log } = engine();
  const page = await (await e.search('劳模')).next(1);
  assert.deepEqual(page.map((h) => h.doc.u), ['b/']);
  assert.deepEqual(log, ['meta.json', 'index/0.json', 'docs/0.json']);
});

test('a failed load is tried again by the next search', async () => {
  const { engine: e } = engine(new Set(['meta.json', 'index/0.json']));
  await assert.rejects(e.search('劳模'));
  await assert.rejects(e.search('劳模'));
  assert.deepEqual(await urls(e, '劳模'), ['b/', 'd/', 'c/', 'a/']);
});
