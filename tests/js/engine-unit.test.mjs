// The JS engine over a tiny hand-made index held in memory (no build needed): ordering by tier
// then id, phrase checks, filters, counts, documents read by byte range (or from whole packs
// where the server ignores ranges), and retrying a failed load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const search = require('../../themes/default/static/search.js');

// Documents 0..3, newest first. One shard, two documents per pack.
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
  'c:370200': 'AC', // 0, 3: a city, its own item and its county's
  'c:370285': 'D', // 3: the county
};
/** A pack as src/search.rs writes it, and its offsets: where each document starts, then the end. */
function pack(list) {
  const parts = list.map((d) => Buffer.from(JSON.stringify(d)));
  const offsets = [];
  let at = 1;
  for (const p of parts) {
    offsets.push(at);
    at += p.length + 1;
  }
  offsets.push(at);
  return [Buffer.from(JSON.stringify(list)), offsets];
}
const [pack0, offsets0] = pack([docs[0], docs[1]]);
const [pack1, offsets1] = pack([docs[2], docs[3]]);
const files = {
  'meta.json': { format: 2, version: 'v', base: '/', docs: 4, shards: 1, per_file: 2, provinces: [], topics: [] },
  'index/0.json': shard,
  'docs/0.offsets.json': offsets0,
  'docs/1.offsets.json': offsets1,
  'docs/0.json': pack0,
  'docs/1.json': pack1,
};

/** An engine over `files`, logging each load (`rel`, or `rel#first-last` for a range). */
function engine(failFirst = new Set(), { ranges = true } = {}) {
  const log = [];
  return {
    log,
    engine: new search.Engine((rel, version, range) => {
      const what = range && ranges ? `${rel}#${range[0]}-${range[1]}` : rel;
      log.push(what);
      if (failFirst.delete(rel)) return Promise.reject(new Error('offline'));
      const file = files[rel];
      if (!Buffer.isBuffer(file)) return Promise.resolve(JSON.parse(JSON.stringify(file)));
      const bytes = range && ranges ? file.subarray(range[0], range[1] + 1) : file;
      return Promise.resolve(JSON.parse(bytes.toString('utf8')));
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

test('the city filter finds the items of a city and its counties', async () => {
  const { engine: e } = engine();
  assert.deepEqual(await urls(e, '', { city: '370200' }), ['a/', 'd/']);
  assert.deepEqual(await urls(e, '劳模', { city: '370285' }), ['d/']);
  assert.deepEqual(await urls(e, '劳模', { city: '370285', province: 'shandong' }), ['d/']);
  assert.deepEqual(await urls(e, '', { city: '110105' }), []);
});

test('the offsets cut the packs into their documents', () => {
  for (const [bytes, offsets, list] of [[pack0, offsets0, [docs[0], docs[1]]], [pack1, offsets1, [docs[2], docs[3]]]]) {
    assert.equal(offsets.at(-1), bytes.length);
    list.forEach((d, i) => {
      assert.deepEqual(JSON.parse(bytes.subarray(offsets[i], offsets[i + 1] - 1).toString('utf8')), d);
    });
  }
});

test('a page loads only the documents it shows, by byte range', async () => {
  const { engine: e, log } = engine();
  const page = await (await e.search('劳模')).next(1);
  assert.deepEqual(page.map((h) => h.doc.u), ['b/']);
  const [first, next] = offsets0.slice(1);
  assert.deepEqual(log, ['meta.json', 'index/0.json', 'docs/0.offsets.json', `docs/0.json#${first}-${next - 2}`]);
});

test('where the server ignores ranges, whole packs, each loaded once', async () => {
  const { engine: e, log } = engine(new Set(), { ranges: false });
  assert.deepEqual(await urls(e, '劳模'), ['b/', 'd/', 'c/', 'a/']);
  assert.deepEqual(await urls(e, '外卖'), ['a/', 'c/']);
  // The title matches 1 and 3 are asked for by range at once; the answers are whole packs, which
  // then serve every other document.
  assert.deepEqual([...log].sort(), [
    'docs/0.json',
    'docs/0.offsets.json',
    'docs/1.json',
    'docs/1.offsets.json',
    'index/0.json',
    'meta.json',
  ]);
});

test('a failed load is tried again by the next search', async () => {
  const { engine: e } = engine(new Set(['meta.json', 'index/0.json']));
  await assert.rejects(e.search('劳模'));
  await assert.rejects(e.search('劳模'));
  assert.deepEqual(await urls(e, '劳模'), ['b/', 'd/', 'c/', 'a/']);
});

/** A fetch over `files` as a server would answer: ranges honoured unless `mode` says otherwise. */
function fakeFetch(mode) {
  const calls = [];
  const fetch = (url, init) => {
    calls.push([url, init]);
    const rel = url.replace(/^\/s\//, '').replace(/\?.*$/, '');
    const file = files[rel];
    let body = Buffer.isBuffer(file) ? file : Buffer.from(JSON.stringify(file));
    let status = 200;
    const headers = new Map();
    const m = /^bytes=(\d+)-(\d+)$/.exec((init.headers || {}).Range || '');
    if (m && mode !== 'ignore') {
      let [a, b] = [Number(m[1]), Number(m[2])];
      if (mode === 'other') b += 1;
      status = 206;
      headers.set('Content-Range', `bytes ${a}-${b}/${body.length}`);
      body = body.subarray(a, b + 1);
      if (mode === 'garbled') body = Buffer.from('\x1f\x8b');
    }
    return Promise.resolve({
      ok: true,
      status,
      headers: { get: (h) => headers.get(h) || null },
      json: () => Promise.resolve().then(() => JSON.parse(body.toString('utf8'))),
    });
  };
  return { fetch, calls };
}

test('over HTTP: meta.json fresh, versions on the rest, a document by its range', async () => {
  const { fetch, calls } = fakeFetch('honour');
  const e = new search.Engine(search.fetcher(fetch, '/s/'));
  assert.deepEqual(await urls(e, '劳模'), ['b/', 'd/', 'c/', 'a/']);
  assert.deepEqual(calls[0], ['/s/meta.json', { cache: 'no-cache' }]);
  assert.equal(calls[1][0], '/s/index/0.json?v=v');
  const ranged = calls.filter(([, init]) => init.headers);
  assert.equal(ranged.length, 4, 'one range per document');
  assert.ok(ranged.every(([url]) => /^\/s\/docs\/[01]\.json\?v=v$/.test(url)));
});

for (const mode of ['ignore', 'other', 'garbled']) {
  test(`over HTTP: a server that answers a range with ${mode === 'ignore' ? 'the whole file' : mode === 'other' ? 'another range' : 'bytes that do not parse'}`, async () => {
    const { fetch } = fakeFetch(mode);
    const e = new search.Engine(search.fetcher(fetch, '/s/'));
    assert.deepEqual(await urls(e, '劳模'), ['b/', 'd/', 'c/', 'a/']);
    assert.deepEqual(await urls(e, '外卖骑手'), ['a/']);
  });
}
