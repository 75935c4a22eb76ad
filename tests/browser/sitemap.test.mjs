// sitemap.xsd must accept what the sitemaps.org 0.9 protocol allows and refuse what it does not,
// or validating the built sitemap against it proves nothing. Needs xmllint (libxml2-utils).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const XSD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sitemap.xsd');
const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

function valid(urls, { ns = NS, extra = '' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitemap-'));
  const file = path.join(dir, 'sitemap.xml');
  fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${ns}"${extra}>\n${urls.map((u) => `<url>${u}</url>`).join('\n')}\n</urlset>\n`);
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true });
  assert.ok(!r.error, `xmllint: ${r.error?.message} (install libxml2-utils)`);
  return r.status === 0;
}

const loc = '<loc>https://example.org/bulletin/</loc>';

test('the schema accepts what the protocol allows', () => {
  assert.ok(valid([]));
  assert.ok(valid([loc]));
  for (const lastmod of ['2022', '2022-06', '2022-06-20', '2022-06-20T08:30+08:00', '2022-06-20T08:30:00Z', '2022-06-20T08:30:00.5-05:00']) {
    assert.ok(valid([`${loc}<lastmod>${lastmod}</lastmod>`]), lastmod);
  }
  assert.ok(valid([`${loc}<lastmod>2022-06-20</lastmod><changefreq>weekly</changefreq><priority>0.8</priority>`]));
  assert.ok(valid([`${loc}<priority>1.0</priority>`, `${loc}<priority>0</priority>`]));
  assert.ok(valid([`${loc}<n:news><n:x/></n:news>`], { extra: ' xmlns:n="urn:example:news"' }), 'extensions');
});

test('the schema refuses what the protocol does not', () => {
  const bad = {
    'no loc': ['<lastmod>2022-06-20</lastmod>'],
    'relative loc': ['<loc>/bulletin/news/</loc>'],
    'two locs': [`${loc}${loc}`],
    'lastmod before loc': [`<lastmod>2022-06-20</lastmod>${loc}`],
    'time without zone': [`${loc}<lastmod>2022-06-20T08:30:00</lastmod>`],
    'month 13': [`${loc}<lastmod>2022-13-01</lastmod>`],
    'a date as the paper writes it': [`${loc}<lastmod>2022年6月20日</lastmod>`],
    'unknown changefreq': [`${loc}<changefreq>fortnightly</changefreq>`],
    'priority above 1': [`${loc}<priority>1.5</priority>`],
    'unknown element': [`${loc}<title>x</title>`],
  };
  for (const [what, urls] of Object.entries(bad)) {
    assert.ok(!valid(urls), what);
  }
  assert.ok(!valid([loc], { ns: 'http://www.google.com/schemas/sitemap/0.84' }), 'old namespace');
  assert.ok(!valid(Array(50001).fill(loc)), 'more than 50,000 URLs');
});
