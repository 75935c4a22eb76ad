// The JS query engine over real built indexes, against the Rust implementation of the same
// algorithm (bulletin::search::search). tests/it/search.rs builds sites, writes the queries with
// the URLs Rust found ({dir, q, province, topic, urls}, `dir` being an output's search/
// folder) to a JSON file and runs node with BULLETIN_SEARCH_EXPECT naming it; run alone, these
// tests are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const search = require('../../themes/default/static/search.js');

const expectFile = process.env.BULLETIN_SEARCH_EXPECT;
const skip = !expectFile ? 'needs built indexes (run through cargo test --test it search::)' : false;

/** An engine reading the files under `dir` as the browser fetches them (a range as a server
 * honouring it sends it), logging each load with the bytes it took. */
function engine(dir) {
  const loaded = [];
  const load = (rel, version, range) => {
    let bytes = readFileSync(join(dir, rel));
    if (range) bytes = bytes.subarray(range[0], range[1] + 1);
    loaded.push([rel, bytes.length, range]);
    return Promise.resolve(JSON.parse(bytes.toString('utf8')));
  };
  return { engine: new search.Engine(load), loaded };
}

test('the JS engine finds what the Rust one finds, in the same order', { skip }, async () => {
  const cases = JSON.parse(readFileSync(expectFile, 'utf8'));
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const { engine: e } = engine(c.dir);
    const results = await e.search(c.q, { province: c.province || '', topic: c.topic || '' });
    const hits = await results.all();
    const urls = hits.map((h) => e.meta.base + h.doc.u);
    assert.deepEqual(urls, c.urls, JSON.stringify(c));
    assert.deepEqual(results.count(), { n: c.urls.length, exact: true }, JSON.stringify(c));
  }
});

test('a first page fetches meta.json, the shards of its terms and the documents shown', { skip }, async () => {
  const cases = JSON.parse(readFileSync(expectFile, 'utf8')).filter((c) => c.urls.length > 0);
  for (const c of cases) {
    const { engine: e, loaded } = engine(c.dir);
    const results = await e.search(c.q, { province: c.province || '', topic: c.topic || '' });
    const page = await results.next(10);
    assert.ok(page.length > 0);
    const shards = loaded.filter(([rel]) => rel.startsWith('index/')).length;
    const terms = new Set(search.parseQuery(c.q).flatMap((p) => p.terms));
    assert.ok(shards <= terms.size + (c.province ? 1 : 0) + (c.topic ? 1 : 0), JSON.stringify(loaded));
    assert.equal(loaded[0][0], 'meta.json');
    assert.ok(loaded.every(([rel]) => /^(meta\.json|index\/\d+\.json|docs\/\d+(\.offsets)?\.json)$/.test(rel)));
    // Documents come by range, one load each, never a whole pack.
    const docs = loaded.filter(([rel]) => /^docs\/\d+\.json$/.test(rel));
    assert.ok(docs.every(([, , range]) => range), JSON.stringify(loaded));
    assert.equal(new Set(docs.map(([rel, , range]) => `${rel}#${range}`)).size, docs.length);
    if (search.parseQuery(c.q).every(search.isExact)) {
      assert.equal(docs.length, page.length, 'an exact query loads the documents it shows');
    }
  }
});
