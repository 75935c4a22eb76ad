/*! Bulletin search: the client half of the static Chinese full-text search.
 *
 * The index is built by `bulletin build` (src/search.rs, whose module doc describes the files).
 * This script mirrors its tokenizer exactly (tests/js/vectors.json is checked against both):
 * Han text is matched by character bigrams (a single character by its unigram), Latin letters
 * and digits as whole lowercased tokens. A query fetches meta.json, then one index shard per
 * term, then the documents of the results it shows: each one's byte range of its pack
 * (docs/B.json), found in the pack's offsets (docs/B.offsets.json); where the server ignores
 * byte ranges, whole packs. A query of more than one term per part is checked as a phrase
 * against each document's stored text before it is shown.
 *
 * No dependencies. Every piece of data reaches the page through textContent or attributes,
 * never innerHTML. Loaded as a classic script in the browser; under Node it only exports its
 * functions, for the tests in tests/js/.
 */
(function (factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else if (typeof document !== 'undefined') {
    var start = function () { api.boot(document, window); };
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', start);
    } else {
      start();
    }
  }
})(function () {
  'use strict';

  var FORMAT = 2;
  var MAX_WORD = 32;
  var PAGE = 10;

  // ------------------------------------------------------------ tokenizer (mirrors src/search.rs)

  function isCjk(cp) {
    return cp === 0x3007 ||
      (cp >= 0x3041 && cp <= 0x3096) ||
      (cp >= 0x30A1 && cp <= 0x30FA) ||
      cp === 0x30FC ||
      (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) ||
      (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0x20000 && cp <= 0x323AF);
  }

  function isWord(cp) {
    return (cp >= 0x30 && cp <= 0x39) ||
      (cp >= 0x41 && cp <= 0x5A) ||
      (cp >= 0x61 && cp <= 0x7A) ||
      (cp >= 0xC0 && cp <= 0x24F && cp !== 0xD7 && cp !== 0xF7);
  }

  // Rust's char::is_whitespace (Unicode White_Space).
  function isSpace(cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp === 0x20 || cp === 0x85 || cp === 0xA0 ||
      cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp === 0x2028 || cp === 0x2029 ||
      cp === 0x202F || cp === 0x205F || cp === 0x3000;
  }

  function fold(cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      cp -= 0xFEE0;
    } else if (cp === 0x3000) {
      cp = 0x20;
    }
    if ((cp >= 0x41 && cp <= 0x5A) || (cp >= 0xC0 && cp <= 0xDE && cp !== 0xD7)) {
      return cp + 0x20;
    }
    return cp;
  }

  /** The text folded character by character; its UTF-16 positions are those of `s`. */
  function normalize(s) {
    var out = '';
    for (var ch of s) {
      out += String.fromCodePoint(fold(ch.codePointAt(0)));
    }
    return out;
  }

  /** Calls f(term) for every index term of `text`, in order, repeats included. */
  function eachTerm(text, f) {
    var prev = null;
    var word = '';
    var len = 0;
    for (var ch of text) {
      var cp = fold(ch.codePointAt(0));
      var c = String.fromCodePoint(cp);
      if (isCjk(cp)) {
        if (word) { f(word); word = ''; }
        f(c);
        if (prev !== null) { f(prev + c); }
        prev = c;
      } else {
        prev = null;
        if (isWord(cp)) {
          if (!word) { len = 0; }
          if (len < MAX_WORD) { word += c; len++; }
        } else if (word) {
          f(word);
          word = '';
        }
      }
    }
    if (word) { f(word); }
  }

  /** The distinct index terms of a text (the indexer's view; used by the tests). */
  function indexTerms(text) {
    var set = new Set();
    eachTerm(text, function (t) { set.add(t); });
    return Array.from(set).sort();
  }

  function isInert(ch) {
    var cp = ch.codePointAt(0);
    return !isCjk(cp) && !isWord(cp);
  }

  /** The text without the punctuation and symbols at both ends. */
  function trimInert(s) {
    var chars = Array.from(s);
    var a = 0;
    var b = chars.length;
    while (a < b && isInert(chars[a])) { a++; }
    while (b > a && isInert(chars[b - 1])) { b--; }
    return chars.slice(a, b).join('');
  }

  /**
   * Splits a query at white space into parts {phrase, terms}, each trimmed of the punctuation
   * around it (“劳模” is 劳模), dropping parts without terms.
   */
  function parseQuery(q) {
    var norm = normalize(q);
    var phrases = [];
    var cur = '';
    for (var ch of norm) {
      if (isSpace(ch.codePointAt(0))) {
        if (cur) { phrases.push(cur); cur = ''; }
      } else {
        cur += ch;
      }
    }
    if (cur) { phrases.push(cur); }
    var parts = [];
    phrases.map(trimInert).forEach(function (phrase) {
      var terms = [];
      var push = function (t) { if (terms.indexOf(t) < 0) { terms.push(t); } };
      var run = [];
      var word = '';
      var flushRun = function () {
        if (run.length === 1) { push(run[0]); }
        for (var i = 0; i + 1 < run.length; i++) { push(run[i] + run[i + 1]); }
        run = [];
      };
      var flushWord = function () {
        if (word) { push(Array.from(word).slice(0, MAX_WORD).join('')); word = ''; }
      };
      for (var ch of phrase) {
        var cp = ch.codePointAt(0);
        if (isCjk(cp)) {
          flushWord();
          run.push(ch);
        } else {
          flushRun();
          if (isWord(cp)) { word += ch; } else { flushWord(); }
        }
      }
      flushRun();
      flushWord();
      var dup = parts.some(function (p) { return p.phrase === phrase; });
      if (terms.length && !dup) { parts.push({ phrase: phrase, terms: terms }); }
    });
    return parts;
  }

  /** A part the index answers alone: one term, the phrase itself. */
  function isExact(part) {
    return part.terms.length === 1 && part.terms[0] === part.phrase;
  }

  /** FNV-1a (32 bits) over the UTF-16 code units of a term. */
  function hash(term) {
    var h = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      h ^= term.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  function shardOf(term, shards) {
    return hash(term) % Math.max(1, shards);
  }

  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var B64_VALUE = {};
  for (var b = 0; b < 64; b++) { B64_VALUE[B64.charAt(b)] = b; }

  /** Decodes a document set (gaps or `~` bitmap) into ascending ids; throws when malformed. */
  function decodeDocs(s) {
    var out = [];
    var i;
    var v;
    if (s.charAt(0) === '~') {
      for (i = 1; i < s.length; i++) {
        v = B64_VALUE[s.charAt(i)];
        if (v === undefined) { throw new Error('bad doc set'); }
        for (var bit = 0; bit < 6; bit++) {
          if (v & (1 << bit)) { out.push((i - 1) * 6 + bit); }
        }
      }
      return out;
    }
    var n = 0;
    var prev = -1;
    for (i = 0; i < s.length; i++) {
      v = B64_VALUE[s.charAt(i)];
      if (v === undefined) { throw new Error('bad doc set'); }
      n = n * 32 + (v & 31);
      if (v < 32) {
        prev = prev < 0 ? n : prev + n + 1;
        out.push(prev);
        n = 0;
      }
    }
    return out;
  }

  function has(list, id) {
    var lo = 0;
    var hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (list[mid] < id) { lo = mid + 1; } else { hi = mid; }
    }
    return lo < list.length && list[lo] === id;
  }

  /** 0 when every phrase is in the title, 1 in the headline, 2 anywhere; null when one is missing. */
  function docTier(doc, parts) {
    if (!parts.length) { return 2; }
    var inAll = function (text) {
      return parts.every(function (p) { return text.indexOf(p.phrase) >= 0; });
    };
    var title = normalize(doc.t);
    if (inAll(title)) { return 0; }
    var head = normalize(doc.t + '\n' + doc.k + '\n' + doc.s);
    if (inAll(head)) { return 1; }
    return inAll(head + '\n' + normalize(doc.x)) ? 2 : null;
  }

  // ------------------------------------------------------------ highlighting

  /** Cuts `text` into segments {text, mark}, marking every occurrence of a phrase (leftmost, then longest). */
  function highlight(text, phrases) {
    var norm = normalize(text);
    var segs = [];
    var at = 0;
    var list = phrases.filter(function (p) { return p; });
    while (at < text.length) {
      var best = -1;
      var bestLen = 0;
      list.forEach(function (p) {
        var i = norm.indexOf(p, at);
        if (i >= 0 && (best < 0 || i < best || (i === best && p.length > bestLen))) {
          best = i;
          bestLen = p.length;
        }
      });
      if (best < 0) { break; }
      if (best > at) { segs.push({ text: text.slice(at, best), mark: false }); }
      segs.push({ text: text.slice(best, best + bestLen), mark: true });
      at = best + bestLen;
    }
    if (at < text.length) { segs.push({ text: text.slice(at), mark: false }); }
    return segs;
  }

  /**
   * About `width` characters of `text` around the first occurrence of a phrase (or its opening
   * when none is there), as highlight segments, with `…` where it was cut.
   */
  function excerpt(text, phrases, width) {
    width = width || 96;
    var norm = normalize(text);
    var first = -1;
    phrases.forEach(function (p) {
      var i = p ? norm.indexOf(p) : -1;
      if (i >= 0 && (first < 0 || i < first)) { first = i; }
    });
    var start = first < 0 ? 0 : Math.max(0, first - Math.floor(width / 4));
    // Start after a line break or sentence end close before the match, when there is one.
    if (first > 0) {
      for (var j = first - 1; j >= start; j--) {
        var ch = text.charAt(j);
        if (ch === '\n' || ch === '。' || ch === '！' || ch === '？') { start = j + 1; break; }
      }
    }
    var end = Math.min(text.length, start + width);
    if (start > 0 && isLowSurrogate(text.charCodeAt(start))) { start--; }
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) { end++; }
    var piece = text.slice(start, end).replace(/\s+/g, ' ');
    var segs = highlight(piece, phrases);
    if (start > 0) { segs.unshift({ text: '…', mark: false }); }
    if (end < text.length) { segs.push({ text: '…', mark: false }); }
    return segs;
  }

  function isLowSurrogate(u) {
    return u >= 0xDC00 && u <= 0xDFFF;
  }

  // ------------------------------------------------------------ the engine

  /**
   * Queries the search files. `load(rel, version, range)` returns a promise of the parsed JSON
   * file at `rel` (`meta.json`, `index/K.json`, `docs/B.offsets.json`, `docs/B.json`) under the
   * search folder; `version` is null for meta.json (fetch it fresh) and the build version
   * otherwise (for cache busting). With `range` ([first, last] byte, inclusive) it should
   * parse only those bytes, one document of a pack, but may parse the whole file instead.
   */
  function Engine(load) {
    this.load = load;
    this.meta = null;
    this.loaded = {};
    this.shards = {};
    this.offsets = {};
    this.docs = {};
    this.packs = {};
    this.whole = false;
  }

  /** Loads a file once; a failed load is forgotten, so that the next search tries again. */
  Engine.prototype.once = function (cache, key, rel, version, range) {
    if (!cache[key]) {
      cache[key] = Promise.resolve(this.load(rel, version, range)).catch(function (err) {
        delete cache[key];
        throw err;
      });
    }
    return cache[key];
  };

  Engine.prototype.init = function () {
    var self = this;
    return self.once(self.loaded, 'meta', 'meta.json', null).then(function (meta) {
      if (!meta || meta.format !== FORMAT) { throw new Error('unsupported search index format'); }
      self.meta = meta;
      return meta;
    });
  };

  Engine.prototype.shard = function (k) {
    return this.once(this.shards, k, 'index/' + k + '.json', this.meta.version);
  };

  /**
   * The document `id`: document `id % per_file` of the pack docs/B.json, B = id / per_file.
   * Its bytes are `offsets[i]` to `offsets[i + 1] - 2` (a comma or the closing bracket follows
   * each), the offsets being docs/B.offsets.json. Once a server has answered a range with the
   * whole pack, whole packs are loaded instead, each once.
   */
  Engine.prototype.doc = function (id) {
    var self = this;
    var per = self.meta.per_file || 1;
    var b = Math.floor(id / per);
    var i = id % per;
    var version = self.meta.version;
    var rel = 'docs/' + b + '.json';
    var pick = function (docs) {
      var doc = docs[i];
      if (!doc) { throw new Error('no document ' + id); }
      return doc;
    };
    if (self.packs[b] || self.whole) { return self.once(self.packs, b, rel, version).then(pick); }
    return self.once(self.offsets, b, 'docs/' + b + '.offsets.json', version).then(function (at) {
      if (!(at[i] < at[i + 1])) { throw new Error('no document ' + id); }
      return self.once(self.docs, id, rel, version, [at[i], at[i + 1] - 2]);
    }).then(function (got) {
      if (!Array.isArray(got)) { return got; }
      self.whole = true;
      if (!self.packs[b]) { self.packs[b] = Promise.resolve(got); }
      return pick(got);
    });
  };

  /** The document sets [all, title, head] of a term; null when the term is not indexed. */
  Engine.prototype.postings = function (term) {
    return this.shard(shardOf(term, this.meta.shards)).then(function (shard) {
      if (!Object.prototype.hasOwnProperty.call(shard, term)) { return null; }
      var sets = shard[term].split('.');
      return [0, 1, 2].map(function (i) { return decodeDocs(sets[i] || ''); });
    });
  };

  /** Starts a search: resolves to a Results, whose next(n) gives the results in order. */
  Engine.prototype.search = function (q, filters) {
    var self = this;
    filters = filters || {};
    return self.init().then(function () {
      var parts = parseQuery(q || '');
      var terms = [];
      parts.forEach(function (p) {
        p.terms.forEach(function (t) { if (terms.indexOf(t) < 0) { terms.push(t); } });
      });
      var queryTerms = terms.length;
      if (filters.province) { terms.push('p:' + filters.province); }
      if (filters.topic) { terms.push('t:' + filters.topic); }
      if (filters.city) { terms.push('c:' + filters.city); }
      if (!terms.length) { return new Results(self, parts, [], [], true); }
      return Promise.all(terms.map(function (t) { return self.postings(t); })).then(function (lists) {
        if (lists.some(function (l) { return l === null; })) { return new Results(self, parts, [], [], true); }
        var shortest = lists.reduce(function (a, l) { return l[0].length < a[0].length ? l : a; });
        var candidates = shortest[0].filter(function (d) {
          return lists.every(function (l) { return l === shortest || has(l[0], d); });
        });
        var own = lists.slice(0, queryTerms);
        var tiers = candidates.map(function (d) {
          if (!queryTerms) { return 2; }
          if (own.every(function (l) { return has(l[1], d); })) { return 0; }
          if (own.every(function (l) { return has(l[1], d) || has(l[2], d); })) { return 1; }
          return 2;
        });
        return new Results(self, parts, candidates, tiers, parts.every(isExact));
      });
    });
  };

  /**
   * The results of a search, produced lazily in the order (tier, id): candidates wait in the
   * tier the index promises; a checked one moves to the tier its text gives (never better) or
   * is dropped. So a page of results costs only the files of the documents on it (and, when
   * phrase checks drop some, of those that replace them).
   */
  function Results(engine, parts, candidates, tiers, exact) {
    this.engine = engine;
    this.parts = parts;
    this.phrases = parts.map(function (p) { return p.phrase; });
    this.exact = exact;
    this.total = candidates.length;
    this.dropped = 0;
    this.pending = [[], [], []];
    this.head = [0, 0, 0];
    this.checked = [[], [], []];
    for (var i = 0; i < candidates.length; i++) { this.pending[tiers[i]].push(candidates[i]); }
  }

  /** How many results there are, and whether the number is exact yet. */
  Results.prototype.count = function () {
    var unchecked = 0;
    for (var t = 0; t < 3; t++) { unchecked += this.pending[t].length - this.head[t]; }
    return { n: this.total - this.dropped, exact: this.exact || unchecked === 0 };
  };

  Results.prototype.done = function () {
    for (var t = 0; t < 3; t++) {
      if (this.head[t] < this.pending[t].length || this.checked[t].length) { return false; }
    }
    return true;
  };

  /** The next `n` results, as {id, tier, doc}. */
  Results.prototype.next = function (n) {
    var self = this;
    var out = [];
    var step = function () {
      while (out.length < n) {
        var t = 0;
        while (t < 3 && self.head[t] >= self.pending[t].length && !self.checked[t].length) { t++; }
        if (t === 3) { return Promise.resolve(out); }
        var pend = self.pending[t];
        var chk = self.checked[t];
        if (chk.length && (self.head[t] >= pend.length || chk[0].id < pend[self.head[t]])) {
          out.push(chk.shift());
          continue;
        }
        // Only as many as the page still needs: a drop (a failed phrase check) costs another round.
        var batch = pend.slice(self.head[t], self.head[t] + (n - out.length));
        self.head[t] += batch.length;
        return Promise.all(batch.map(function (id) { return self.engine.doc(id); })).then(function (docs) {
          batch.forEach(function (id, i) {
            var tier = self.exact ? t : docTier(docs[i], self.parts);
            if (tier === null) { self.dropped++; return; }
            var list = self.checked[tier];
            var at = 0;
            while (at < list.length && list[at].id < id) { at++; }
            list.splice(at, 0, { id: id, tier: tier, doc: docs[i] });
          });
          return step();
        });
      }
      return Promise.resolve(out);
    };
    return step();
  };

  /** Every result (for the tests). */
  Results.prototype.all = function () {
    var self = this;
    var acc = [];
    var more = function () {
      return self.next(100).then(function (page) {
        acc = acc.concat(page);
        return page.length ? more() : acc;
      });
    };
    return more();
  };

  /**
   * The Engine's `load` over HTTP: `fetch(url, init)` is window.fetch, `base` the URL of the
   * search folder. meta.json is fetched fresh, the other files with `?v=version`; a range is
   * asked for with a Range header, and when the answer is neither that range nor the whole
   * file (or does not parse), the whole file is fetched.
   */
  function fetcher(fetch, base) {
    return function (rel, version, range) {
      var url = base + rel + (version ? '?v=' + encodeURIComponent(version) : '');
      var get = function (range) {
        var init = version ? {} : { cache: 'no-cache' };
        var bytes = range ? 'bytes ' + range[0] + '-' + range[1] + '/' : '';
        if (range) { init.headers = { Range: 'bytes=' + range[0] + '-' + range[1] }; }
        return fetch(url, init).then(function (r) {
          if (!r.ok) { throw new Error(url + ': ' + r.status); }
          // A server may ignore the range (200, the whole file) or send another one.
          if (r.status === 206 && (r.headers.get('Content-Range') || '').indexOf(bytes) !== 0) {
            throw new Error(url + ': unexpected range');
          }
          return r.json();
        });
      };
      return range ? get(range).catch(function () { return get(null); }) : get(null);
    };
  }

  // ------------------------------------------------------------ the page

  function fill(doc, el, segs) {
    segs.forEach(function (s) {
      if (s.mark) {
        var m = doc.createElement('mark');
        m.textContent = s.text;
        el.appendChild(m);
      } else {
        el.appendChild(doc.createTextNode(s.text));
      }
    });
    return el;
  }

  function el(doc, tag, cls) {
    var e = doc.createElement(tag);
    if (cls) { e.className = cls; }
    return e;
  }

  function card(doc, meta, hit, phrases) {
    var d = hit.doc;
    var li = el(doc, 'li');
    var art = el(doc, 'article', 'card');
    if (d.k) { art.appendChild(fill(doc, el(doc, 'p', 'kicker'), highlight(d.k, phrases))); }
    var h = el(doc, 'h2', 'card-title');
    var a = el(doc, 'a');
    a.setAttribute('href', meta.base + d.u);
    h.appendChild(fill(doc, a, highlight(d.t, phrases)));
    art.appendChild(h);
    if (d.s) { art.appendChild(fill(doc, el(doc, 'p', 'subtitle'), highlight(d.s, phrases))); }
    var m = el(doc, 'p', 'meta');
    var time = el(doc, 'time');
    time.setAttribute('datetime', d.d);
    time.textContent = d.dd;
    m.appendChild(time);
    m.appendChild(doc.createTextNode(' '));
    var region = el(doc, 'span', 'meta-region');
    region.textContent = d.r;
    m.appendChild(region);
    (d.g || []).forEach(function (g) {
      var topic = meta.topics[g];
      if (topic) {
        m.appendChild(doc.createTextNode(' '));
        var s = el(doc, 'span', 'meta-topic');
        s.textContent = topic[1];
        m.appendChild(s);
      }
    });
    art.appendChild(m);
    art.appendChild(fill(doc, el(doc, 'p', 'summary'), excerpt(d.x, phrases)));
    li.appendChild(art);
    return li;
  }

  function format(template, n) {
    return (template || '').split('{n}').join(String(n));
  }

  /** Wires up the search page: reads ?q=, ?province=, ?city=, ?topic=, searches, lists the results. */
  function boot(doc, win) {
    var form = doc.getElementById('search-form');
    if (!form || !win.fetch) { return; }
    if (!doc.getElementById('search-q') || !doc.getElementById('search-status') ||
      !doc.getElementById('search-results') || !doc.getElementById('search-more')) { return; }
    var ds = form.dataset;
    var base = ds.index || '';
    var input = doc.getElementById('search-q');
    var province = doc.getElementById('search-province');
    var topic = doc.getElementById('search-topic');
    var city = doc.getElementById('search-city');
    var status = doc.getElementById('search-status');
    var list = doc.getElementById('search-results');
    var more = doc.getElementById('search-more');
    var engine = new Engine(fetcher(function (url, init) { return win.fetch(url, init); }, base));
    var current = null;
    var serial = 0;

    var setSelect = function (select, value) {
      if (!select) { return; }
      select.value = '';
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) { select.value = value; }
      }
    };
    var showCount = function () {
      if (!current) { return; }
      var c = current.count();
      if (!c.n) {
        status.textContent = ds.tNone;
      } else if (!c.exact) {
        status.textContent = format(ds.tResultsAbout, c.n);
      } else {
        status.textContent = c.n === 1 ? format(ds.tResultsOne, 1) : format(ds.tResultsMany, c.n);
      }
      more.hidden = current.done();
    };
    var page = function (mine) {
      more.disabled = true;
      return current.next(PAGE).then(function (hits) {
        if (mine !== serial) { return; }
        hits.forEach(function (hit) { list.appendChild(card(doc, engine.meta, hit, current.phrases)); });
        more.disabled = false;
        showCount();
      });
    };
    var run = function () {
      var mine = ++serial;
      var q = input.value;
      var filters = {
        province: province ? province.value : '',
        topic: topic ? topic.value : '',
        city: city ? city.value : ''
      };
      list.textContent = '';
      more.hidden = true;
      current = null;
      if (!parseQuery(q).length && !filters.province && !filters.topic && !filters.city) {
        status.textContent = q.trim() || filters.province || filters.topic || filters.city ? ds.tEmpty : '';
        return Promise.resolve();
      }
      status.textContent = ds.tLoading;
      return engine.search(q, filters).then(function (results) {
        if (mine !== serial) { return; }
        current = results;
        return page(mine);
      }).catch(function () {
        if (mine === serial) { status.textContent = ds.tError; }
      });
    };
    var fromLocation = function () {
      var params = new win.URLSearchParams(win.location.search);
      input.value = params.get('q') || '';
      setSelect(province, params.get('province') || '');
      setSelect(topic, params.get('topic') || '');
      setSelect(city, params.get('city') || '');
      return run();
    };
    var toLocation = function () {
      var params = new win.URLSearchParams();
      if (input.value) { params.set('q', input.value); }
      if (province && province.value) { params.set('province', province.value); }
      if (topic && topic.value) { params.set('topic', topic.value); }
      if (city && city.value) { params.set('city', city.value); }
      var qs = params.toString();
      win.history.pushState(null, '', form.getAttribute('action') + (qs ? '?' + qs : ''));
    };

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      toLocation();
      run();
    });
    [province, topic, city].forEach(function (select) {
      if (select) { select.addEventListener('change', function () { toLocation(); run(); }); }
    });
    more.addEventListener('click', function () { if (current) { page(serial); } });
    win.addEventListener('popstate', fromLocation);
    fromLocation();
  }

  return {
    FORMAT: FORMAT,
    normalize: normalize,
    indexTerms: indexTerms,
    parseQuery: parseQuery,
    isExact: isExact,
    hash: hash,
    shardOf: shardOf,
    decodeDocs: decodeDocs,
    docTier: docTier,
    highlight: highlight,
    excerpt: excerpt,
    Engine: Engine,
    fetcher: fetcher,
    boot: boot
  };
});
