// End-to-end tests of the built example site in headless Chromium (Debian's, not a downloaded one).
//
//   BULLETIN_SITE   the built site (default: <repo>/target/ci-public)
//   CHROMIUM        the browser (default: /usr/bin/chromium)
//   BROWSER_ARTIFACTS  where screenshots and the axe report go (default: <repo>/target/browser-artifacts)
//
// Run with `npm test` in this folder (which also runs sitemap.test.mjs) after `npm ci` here and
// `cargo run --release -- build --output target/ci-public` at the repository root.

import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const SITE = path.resolve(process.env.BULLETIN_SITE || path.join(repo, 'target/ci-public'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.resolve(process.env.BROWSER_ARTIFACTS || path.join(repo, 'target/browser-artifacts'));
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const WIDTHS = [360, 1280];
const SCHEMES = ['light', 'dark'];
const STEP = { timeout: 180_000 };

// The main page types of the example site (paths under its base path), each checked in full and
// photographed. A missing one fails the test: it means the example site or the URLs changed.
const MAIN = [
  ['home', ''],
  ['item', 'news/2022/06/20/beilin-gucheng-jian-jia/'],
  ['item-national', 'news/2022/06/20/quanguo-jiceng-dundian/'],
  ['region', 'regions/shaanxi/'],
  ['regions', 'regions/'],
  ['topic', 'topics/new-employment/'],
  ['topics', 'topics/'],
  ['stats', 'stats/'],
  ['search', 'search/'],
  ['bulletin', 'bulletins/2022-06-20/'],
  ['bulletins', 'bulletins/'],
  ['archive', 'archive/'],
  ['archive-month', 'archive/2022/06/'],
  ['corrections', 'corrections/'],
  ['not-found', 'no-such-page/', 404],
];

let server;
let browser;
const contexts = new Map();

/** A browser page at one width and colour scheme (one context each, reused). */
async function open(width, scheme = 'light') {
  const key = `${width}-${scheme}`;
  if (!contexts.has(key)) {
    contexts.set(key, await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme }));
  }
  return contexts.get(key).newPage();
}

/**
 * Records what goes wrong on a page: console errors, uncaught exceptions, failed requests and
 * HTTP errors (except the one status a page is meant to answer with, for the 404 page).
 */
function watch(page) {
  const w = { problems: [], expect: new Map() };
  // The theme links its own icon, so Chromium never asks for /favicon.ico. The icon loads after
  // the page and is cancelled when the test moves on: only that cancellation is not a problem.
  const icon = (r) => new URL(r.url()).pathname.endsWith('/favicon.svg') && r.failure()?.errorText === 'net::ERR_ABORTED';
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const at = m.location()?.url;
    // Chromium reports the 404 page's own status as a console error; that one is expected.
    if (at && w.expect.has(at) && /status of 404/.test(m.text())) return;
    w.problems.push(`console error: ${m.text()}${at ? ` (${at})` : ''}`);
  });
  page.on('pageerror', (e) => w.problems.push(`uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (icon(r)) return;
    w.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && w.expect.get(r.url()) !== r.status()) {
      w.problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
  return w;
}

/** Loads `rel` and checks it answered with `status`; returns the watcher's problem list. */
async function load(page, w, rel, status = 200) {
  const url = server.url(rel);
  w.expect.clear();
  if (status !== 200) w.expect.set(url, status);
  w.problems.length = 0;
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.equal(res?.status(), status, `${url} answered ${res?.status()}`);
  return url;
}

/**
 * Null when the page does not scroll sideways at `width`; otherwise the page width and the
 * outermost elements that stick out, so the failure says where to look. With `openDetails`, every
 * <details> is opened first (and closed again after): a reader may open any of them.
 */
function overflow(page, width, { openDetails = false } = {}) {
  return page.evaluate(([w, open]) => {
    const closed = open ? [...document.querySelectorAll('details:not([open])')] : [];
    closed.forEach((d) => { d.open = true; });
    try {
      const sw = document.documentElement.scrollWidth;
      if (sw <= w) return null;
      const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
        [...el.classList].map((c) => `.${c}`).join('');
      const out = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.right > w + 0.5 || r.left < -0.5);
      };
      // Whether a box between the element and the page clips or scrolls it: an ancestor with
      // overflow, or a closed <details>. An absolutely positioned element skips the ancestors up
      // to its containing block, which is how a hidden label escapes a scrolling table.
      const clipped = (el) => {
        let escaping = getComputedStyle(el).position;
        for (let a = el.parentElement, child = el; a && a !== document.body; child = a, a = a.parentElement) {
          const cs = getComputedStyle(a);
          const holds = cs.transform !== 'none' || cs.filter !== 'none' || /paint|layout|strict|content/.test(cs.contain);
          if (escaping === 'fixed' && !holds) continue;
          if (escaping === 'absolute' && cs.position === 'static' && !holds) continue;
          escaping = cs.position === 'absolute' || cs.position === 'fixed' ? cs.position : '';
          if (cs.overflowX !== 'visible') return true;
          if (a.tagName === 'DETAILS' && !a.open && child.tagName !== 'SUMMARY') return true;
        }
        return false;
      };
      const sticks = (el) => out(el) && !clipped(el);
      const culprits = new Map();
      for (const el of document.body.querySelectorAll('*')) {
        if (sticks(el) && !(el.parentElement && sticks(el.parentElement))) {
          const r = el.getBoundingClientRect();
          let p = '';
          for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) p = `${name(a)} > ${p}`;
          const c = culprits.get(p + name(el)) ?? { n: 0, at: `${Math.round(r.left)}..${Math.round(r.right)}` };
          culprits.set(p + name(el), { ...c, n: c.n + 1 });
        }
      }
      return {
        scrollWidth: sw,
        culprits: [...culprits].slice(0, 6).map(([k, c]) => `${k} spans ${c.at}${c.n > 1 ? ` (and ${c.n - 1} more)` : ''}`),
      };
    } finally {
      closed.forEach((d) => { d.open = false; });
    }
  }, [width, openDetails]);
}

/** axe-core's serious and critical violations on the page, one line per rule, and the raw result. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE);
  }
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `axe ${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  return { bad, violations: result.violations };
}

/** Runs the search form the way a reader does and returns what it lists. */
async function search(page, q, { province = '', topic = '' } = {}) {
  await page.fill('#search-q', q);
  // Selecting a filter searches at once (and is what a reader sees); submitting searches again.
  await page.selectOption('#search-province', province);
  await page.selectOption('#search-topic', topic);
  await page.click('#search-form button[type=submit]');
  return results(page);
}

/** Waits for the search to settle, lists every page of results, then reads them. */
async function results(page) {
  await page.waitForFunction(() => {
    const form = document.getElementById('search-form');
    const status = document.getElementById('search-status').textContent;
    return status !== '' && status !== form.dataset.tLoading;
  });
  while (await page.isVisible('#search-more')) {
    await page.click('#search-more');
    await page.waitForFunction(() => !document.getElementById('search-more').disabled);
  }
  return page.evaluate(() => ({
    status: document.getElementById('search-status').textContent,
    error: document.getElementById('search-status').textContent === document.getElementById('search-form').dataset.tError,
    none: document.getElementById('search-status').textContent === document.getElementById('search-form').dataset.tNone,
    hits: [...document.querySelectorAll('#search-results > li')].map((li) => ({
      href: li.querySelector('.card-title a')?.getAttribute('href') ?? '',
      title: li.querySelector('.card-title')?.textContent ?? '',
      text: li.textContent,
      region: li.querySelector('.meta-region')?.textContent ?? '',
      marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
    })),
  }));
}

const slugs = (r) => r.hits.map((h) => h.href.replace(/\/$/, '').split('/').pop());

/** Every HTML page of the built site, as a path under the base path. */
function allPages() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'index.html') out.push(`${path.relative(SITE, dir).split(path.sep).join('/')}/`.replace(/^\/$/, ''));
    }
  };
  walk(SITE);
  return out.sort();
}

describe('the built example site in Chromium', () => {
  before(async () => {
    assert.ok(
      fs.existsSync(path.join(SITE, 'index.html')),
      `no built site at ${SITE}: run \`cargo run --release -- build --output target/ci-public\` first, or set BULLETIN_SITE`,
    );
    assert.ok(fs.existsSync(CHROMIUM), `no browser at ${CHROMIUM}: install Debian's chromium or set CHROMIUM`);
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await serve(SITE);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // The checks below must be able to fail: each is tried once on a page broken on purpose.
  test('the checks catch a broken page', STEP, async () => {
    const page = await open(360);
    const w = watch(page);
    await load(page, w, '');
    // The page is network-idle already, so waiting for that state would not wait for the
    // image's 404: wait for the response and the console message themselves.
    const missing = page.waitForResponse((r) => r.url().endsWith('/missing.png'));
    const logged = page.waitForEvent('console', (m) => m.text().includes('deliberate'));
    await page.evaluate(() => {
      const wide = document.createElement('div');
      wide.style.width = '500px';
      wide.textContent = 'x';
      document.querySelector('main').append(wide);
      const img = document.createElement('img');
      img.src = 'missing.png';
      document.querySelector('main').append(img);
      console.error('deliberate');
    });
    await Promise.all([missing, logged]);
    const o = await overflow(page, 360);
    assert.ok(o && o.scrollWidth >= 500 && o.culprits.some((c) => c.startsWith('main')), JSON.stringify(o));
    assert.ok(w.problems.some((p) => p.includes('deliberate')), w.problems.join('\n'));
    assert.ok(w.problems.some((p) => p.includes('HTTP 404') && p.includes('missing.png')), w.problems.join('\n'));
    const { bad } = await axe(page);
    assert.ok(bad.some((b) => b.includes('image-alt')), bad.join('\n'));
    await page.close();
  });

  test('every page loads cleanly and never scrolls sideways', STEP, async () => {
    const pages = allPages();
    assert.ok(pages.length >= MAIN.length, `only ${pages.length} pages in ${SITE}`);
    const failures = [];
    for (const width of WIDTHS) {
      const page = await open(width);
      const w = watch(page);
      for (const rel of pages) {
        const url = await load(page, w, rel);
        for (const openDetails of [false, true]) {
          const o = await overflow(page, width, { openDetails });
          const how = openDetails ? ', every <details> open' : '';
          if (o) failures.push(`${url} at ${width}px${how}: scrollWidth ${o.scrollWidth}\n    ${o.culprits.join('\n    ')}`);
        }
        failures.push(...w.problems.map((p) => `${url} at ${width}px: ${p}`));
      }
      await page.close();
    }
    assert.deepEqual(failures, []);
  });

  for (const [name, rel, status = 200] of MAIN) {
    test(`${name} page (/${rel}): clean, fits 360 and 1280 px, no serious axe violations in light and dark`, STEP, async () => {
      const failures = [];
      const report = [];
      for (const scheme of SCHEMES) {
        for (const width of WIDTHS) {
          const page = await open(width, scheme);
          const w = watch(page);
          const url = await load(page, w, rel, status);
          const where = `${name} ${width}px ${scheme}`;
          const o = await overflow(page, width);
          if (o) failures.push(`${where}: scrollWidth ${o.scrollWidth}\n    ${o.culprits.join('\n    ')}`);
          const od = await overflow(page, width, { openDetails: true });
          if (od) failures.push(`${where}, every <details> open: scrollWidth ${od.scrollWidth}\n    ${od.culprits.join('\n    ')}`);
          const { bad, violations } = await axe(page);
          failures.push(...bad.map((b) => `${where}: ${b}`));
          failures.push(...w.problems.map((p) => `${where}: ${p}`));
          report.push({ page: name, url, width, scheme, violations });
          await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}-${scheme}.png`), fullPage: true });
          await page.close();
        }
      }
      fs.writeFileSync(path.join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(report, null, 1));
      assert.deepEqual(failures, []);
    });
  }

  describe('关怀模式 (care mode)', () => {
    // Pages with a masthead (the print edition is a document, not a page of the site).
    const CARE = MAIN.filter(([name]) => name !== 'not-found');

    test('the switch is reached by keyboard, enlarges the type, and is remembered on the next page', STEP, async () => {
      const page = await open(360);
      const w = watch(page);
      await load(page, w, '');
      const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
      // Tab from the skip link until the switch has the focus, then press it as a keyboard user does.
      let focused = '';
      for (let i = 0; i < 12 && focused !== 'care-toggle'; i += 1) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.className ?? '');
      }
      assert.equal(focused, 'care-toggle', 'the switch cannot be reached with Tab');
      await page.keyboard.press('Enter');
      const on = await page.evaluate(() => ({
        care: document.documentElement.classList.contains('care'),
        pressed: document.querySelector('.care-toggle').getAttribute('aria-pressed'),
        size: parseFloat(getComputedStyle(document.body).fontSize),
        line: parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize),
      }));
      assert.ok(on.care && on.pressed === 'true', JSON.stringify(on));
      assert.ok(on.size >= 20 && on.size > before, `body type ${on.size}px (was ${before}px)`);
      assert.ok(on.line >= 1.8, `line height ${on.line}`);
      // Another page opens in care mode, the switch pressed; pressing it again turns it off.
      await load(page, w, MAIN[1][1]);
      const kept = await page.evaluate(() => [
        document.documentElement.classList.contains('care'),
        document.querySelector('.care-toggle').getAttribute('aria-pressed'),
        parseFloat(getComputedStyle(document.querySelector('main p')).fontSize),
      ]);
      assert.deepEqual(kept.slice(0, 2), [true, 'true']);
      assert.ok(kept[2] >= 20, `article text ${kept[2]}px`);
      await page.click('.care-toggle');
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('care')), false);
      assert.deepEqual(w.problems, []);
      await page.close();
    });

    test('without JavaScript the default view shows no switch that would do nothing', STEP, async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(server.url(''), { waitUntil: 'load' });
      assert.equal(await page.isVisible('.care-toggle'), false);
      assert.ok(await page.isVisible('main'));
      await context.close();
    });

    for (const [name, rel] of CARE) {
      test(`${name} page in care mode: fits 360 px, no serious axe violations in light and dark`, STEP, async () => {
        const failures = [];
        for (const scheme of SCHEMES) {
          const page = await open(360, scheme);
          const w = watch(page);
          await page.addInitScript(() => localStorage.setItem('bulletin-care', '1'));
          const url = await load(page, w, rel);
          const where = `${name} care ${scheme}`;
          assert.ok(await page.evaluate(() => document.documentElement.classList.contains('care')), `${url}: not in care mode`);
          const o = await overflow(page, 360);
          if (o) failures.push(`${where}: scrollWidth ${o.scrollWidth}\n    ${o.culprits.join('\n    ')}`);
          const { bad } = await axe(page);
          failures.push(...bad.map((b) => `${where}: ${b}`));
          failures.push(...w.problems.map((p) => `${where}: ${p}`));
          await page.screenshot({ path: path.join(ARTIFACTS, `care-${name}-360-${scheme}.png`), fullPage: true });
          await page.evaluate(() => localStorage.removeItem('bulletin-care'));
          await page.close();
        }
        assert.deepEqual(failures, []);
      });
    }
  });

  describe('search, in the real page', () => {
    let page;
    let w;
    before(async () => {
      page = await open(360);
      w = watch(page);
      await load(page, w, 'search/');
    });
    afterEach(() => {
      assert.deepEqual(w.problems.splice(0), [], 'console errors or failed requests while searching');
    });
    after(() => page.close());

    test('外卖骑手 finds the Xi\'an Beilin item', STEP, async () => {
      const r = await search(page, '外卖骑手');
      assert.ok(!r.error, r.status);
      assert.ok(slugs(r).includes('beilin-gucheng-jian-jia'), JSON.stringify(r, null, 1));
      const beilin = r.hits.find((h) => h.href.includes('beilin-gucheng-jian-jia'));
      assert.match(beilin.text, /碑林/);
      assert.ok(beilin.marks.some((m) => '外卖骑手'.includes(m) && m.length >= 2), `no highlight: ${beilin.marks}`);
      // The link leads to the item.
      const res = await page.request.get(new URL(beilin.href, server.origin).href);
      assert.equal(res.status(), 200);
      await page.screenshot({ path: path.join(ARTIFACTS, 'search-results-360-light.png'), fullPage: true });
    });

    test('疗休养 finds the Guangdong item', STEP, async () => {
      const r = await search(page, '疗休养');
      assert.ok(slugs(r).includes('guangdong-liaoxiuyang-qidong'), JSON.stringify(r, null, 1));
      assert.match(r.hits.find((h) => h.href.includes('guangdong')).region, /广东/);
    });

    test('劳模 and 碑林区 find items', STEP, async () => {
      const laomo = await search(page, '劳模');
      assert.ok(slugs(laomo).includes('laixi-laomo-jiuyi-youzhen'), JSON.stringify(laomo, null, 1));
      const beilin = await search(page, '碑林区');
      assert.ok(slugs(beilin).includes('beilin-gucheng-jian-jia'), JSON.stringify(beilin, null, 1));
    });

    test('a word that is nowhere finds nothing', STEP, async () => {
      const r = await search(page, '飞船火箭');
      assert.ok(r.none, r.status);
      assert.equal(r.hits.length, 0);
    });

    test('the province filter narrows the results to that province', STEP, async () => {
      const all = await search(page, '工会');
      const regions = new Set(all.hits.map((h) => h.region));
      assert.ok(all.hits.length >= 4 && regions.size >= 3, `工会 should match items of several provinces: ${[...regions]}`);
      for (const [slug, name] of [['shandong', '山东'], ['shaanxi', '陕西']]) {
        const some = await search(page, '工会', { province: slug });
        const want = all.hits.filter((h) => h.region.startsWith(name)).map((h) => h.href).sort();
        assert.ok(want.length > 0, `no ${name} item among ${JSON.stringify(all.hits.map((h) => h.region))}`);
        assert.deepEqual(some.hits.map((h) => h.href).sort(), want, `工会 in ${name}`);
        assert.ok(some.hits.length < all.hits.length);
        // The URL carries the filter, so the result can be shared.
        assert.equal(new URL(page.url()).searchParams.get('province'), slug);
      }
      const none = await search(page, '疗休养', { province: 'shaanxi' });
      assert.ok(none.none && none.hits.length === 0, `疗休养 in 陕西: ${JSON.stringify(none.hits)}`);
      // Back to all provinces: everything again.
      const again = await search(page, '工会');
      assert.equal(again.hits.length, all.hits.length);
    });

    test('a shared address (?q=…&province=…) searches on load', STEP, async () => {
      await load(page, w, `search/?q=${encodeURIComponent('外卖骑手')}&province=shaanxi`);
      const r = await results(page);
      assert.deepEqual(slugs(r), ['beilin-gucheng-jian-jia']);
      assert.equal(await page.inputValue('#search-q'), '外卖骑手');
      assert.equal(await page.inputValue('#search-province'), 'shaanxi');
    });
  });
});
