// Excerpts and highlighting: pure functions returning {text, mark} segments, which the page
// turns into text nodes and <mark> elements (never HTML).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const search = require('../../themes/default/static/search.js');

const join = (segs) => segs.map((s) => (s.mark ? `[${s.text}]` : s.text)).join('');

test('highlight marks every occurrence, case- and width-insensitively', () => {
  assert.equal(join(search.highlight('外卖骑手和外卖小哥', ['外卖'])), '[外卖]骑手和[外卖]小哥');
  assert.equal(join(search.highlight('导出ＣＳＶ和csv', ['csv'])), '导出[ＣＳＶ]和[csv]');
  assert.equal(join(search.highlight('劳模工匠', ['劳模工匠', '劳模'])), '[劳模工匠]');
  assert.equal(join(search.highlight('没有', ['劳模'])), '没有');
});

test('markup in the text stays text', () => {
  const segs = search.highlight('<script>劳模</script>', ['劳模']);
  assert.equal(join(segs), '<script>[劳模]</script>');
  assert.deepEqual(segs[0], { text: '<script>', mark: false });
});

test('the excerpt is cut around the first match', () => {
  const text = '第一句。'.repeat(30) + '这里有外卖骑手。' + '后文'.repeat(100);
  const segs = search.excerpt(text, ['外卖骑手'], 40);
  const s = join(segs);
  assert.ok(s.startsWith('…这里有[外卖骑手]'), s);
  assert.ok(s.endsWith('…'), s);
  assert.ok(s.length <= 40 + 6, s);
});

test('without a match in the text the excerpt is its opening', () => {
  const s = join(search.excerpt('开头的话\n第二段', ['标题词'], 40));
  assert.equal(s, '开头的话 第二段');
});

test('a cut never splits a surrogate pair', () => {
  const text = '𠀀'.repeat(50);
  for (const seg of search.excerpt(text, ['x'], 41)) {
    assert.ok(!/[\uD800-\uDBFF]$/.test(seg.text) && !/^[\uDC00-\uDFFF]/.test(seg.text));
  }
});

test('doc tier: title, headline, body, or no match', () => {
  const doc = { t: '劳模就医', k: '工会关爱', s: '优诊服务', x: '正文提到外卖骑手' };
  const tier = (q) => search.docTier(doc, search.parseQuery(q));
  assert.equal(tier('劳模'), 0);
  assert.equal(tier('优诊'), 1);
  assert.equal(tier('劳模 优诊'), 1);
  assert.equal(tier('外卖骑手'), 2);
  assert.equal(tier('外卖小哥'), null);
  assert.equal(tier('就医工会'), null, 'fields are not glued together');
});
