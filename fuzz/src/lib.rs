//! What must hold for any input to Bulletin's parsers: the checks behind the libFuzzer targets
//! in `fuzz_targets/` and the stable-Rust driver `src/bin/smoke.rs`. Every check panics on a
//! violation, which both drivers report as a crash. Never panicking is the first property; the
//! others are listed on each function.

use bulletin::content::config::Config;
use bulletin::content::figure;
use bulletin::content::markdown::{self, MarkdownOptions};
use bulletin::content::region::registry;
use bulletin::content::source::{self, SourceFile};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

/// The site every fuzzed item is checked against: metrics in three units, a topic list.
const SITE_YAML: &str = "\
title: 模糊测试
base_url: https://fuzz.example.org/sub/
metrics:
  members_joined: { label: 新入会职工, unit: 人, aggregate: sum }
  cadres_dispatched: { label: 下派蹲点干部, unit: 人, aggregate: latest }
  special_funds: { label: 专项经费, unit: 元, aggregate: max }
topics:
  基层蹲点: { slug: grassroots }
  劳模服务: { slug: model-workers }
";

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(
        || match bulletin::content::config::parse(SITE_YAML, Path::new("site.yaml")) {
            Ok(c) => c,
            Err(d) => panic!("the fuzz site.yaml does not parse: {d:?}"),
        },
    )
}

/// A content file: bytes → UTF-8 text → front matter and body → validated item.
///
/// - a decoding error names a line and column inside the file;
/// - every diagnostic names the file, at a line that exists (1 ≤ line ≤ lines + 1), column ≥ 1;
/// - an item's slug is a plain slug and its URL stays inside the output folder;
/// - every figure's line exists.
pub fn front_matter(data: &[u8]) {
    let text = match source::decode(data.to_vec()) {
        Ok(t) => t,
        Err((line, col)) => {
            let lines = data.split(|&b| b == b'\n').count();
            assert!(line >= 1 && line <= lines && col >= 1, "bad UTF-8 place {line}:{col}");
            return;
        }
    };
    let lines = text.split('\n').count();
    let _ = source::split(&text);
    let file = SourceFile {
        path: PathBuf::from("content/fuzz.md"),
        rel: PathBuf::from("fuzz.md"),
        text,
    };
    match bulletin::content::item::parse(&file, config()) {
        Ok(bulletin::content::item::Parsed { item, text }) => {
            assert!(bulletin::base::slug::is_valid(&item.slug), "slug {:?}", item.slug);
            let url = bulletin::site::urls::item(item.date.date, &item.slug);
            let page = format!("{url}index.html");
            assert!(
                bulletin::output::safe_relative(&page).is_some(),
                "item URL {page:?} leaves the output"
            );
            let figure_lines = bulletin::content::item::figure_lines(&item, &text.front);
            assert_eq!(figure_lines.len(), item.figures.len());
            for line in figure_lines {
                assert!(line >= 1 && line <= lines, "figure line {line} of {lines}");
            }
            assert!(item.body_line >= 1 && item.body_line <= lines + 1);
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in diags {
                assert_eq!(d.path, Path::new("content/fuzz.md"), "{d}");
                assert!(
                    d.line >= 1 && d.line <= lines,
                    "line out of the file ({lines} lines): {d}"
                );
                assert!(d.column >= 1, "{d}");
            }
        }
    }
}

/// A figure value, optionally followed by `|unit|unit`: parse, write back, convert.
///
/// - a parsed value is never negative, and `written` is the input trimmed;
/// - its exact form (`format_exact`) parses back to the same value;
/// - its total form (`format_total`, in 万/亿 with two decimals) parses back within rounding;
/// - its written forms are never empty.
pub fn figure(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let mut parts = input.split('|');
    let value = parts.next().unwrap_or_default();
    let unit = parts.next().unwrap_or_default();
    let other = parts.next().unwrap_or_default();
    let _ = figure::parse_unit(unit);
    let Ok(a) = figure::parse_amount(value) else {
        return;
    };
    assert!(a.value >= Decimal::ZERO, "negative: {value:?} → {}", a.value);
    assert_eq!(a.written, value.trim());
    let exact = figure::format_exact(a.value);
    match figure::parse_amount(&exact) {
        Ok(back) => assert_eq!(back.value, a.value, "{value:?} → {exact:?}"),
        Err(e) => panic!("{value:?} → {exact:?} does not parse back: {e}"),
    }
    let _ = figure::convert(a.value, unit, other);
    let approximate = a.qualifier.is_approximate();
    let total = figure::format_total(a.value, "", approximate);
    // Clear of Decimal::MAX, where rounding up in 亿 overflows on the way back.
    if a.value < dec("1e26") {
        let bare = total.strip_prefix('约').unwrap_or(&total);
        assert_eq!(approximate, bare.len() != total.len());
        let back = match figure::parse_amount(bare) {
            Ok(b) => b.value,
            Err(e) => panic!("{value:?} → {total:?} does not parse back: {e}"),
        };
        let tolerance = if a.value < dec("9999.995") {
            dec("0.005")
        } else if a.value < dec("99995000") {
            dec("50")
        } else {
            dec("500000")
        };
        assert!((back - a.value).abs() <= tolerance, "{value:?} → {total:?} → {back}");
    }
    let _ = figure::format_total(a.value, unit, approximate);
    assert!(!figure::written_forms(&a).is_empty(), "{value:?}");
    let _ = figure::appears_in(&a, &input);
}

/// A `region` value.
///
/// - at most three suggestions, and the unknown value is the input trimmed;
/// - a province's full name reads back as that province;
/// - what a region displays as (`山东 莱西`) reads back as the same province and locality.
pub fn region(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    match registry().parse(&input) {
        Ok(r) => {
            let again = match registry().parse(&r.province.name) {
                Ok(again) => again,
                Err(e) => panic!("{:?} does not read back: {e}", r.province.name),
            };
            assert_eq!(again.province.slug, r.province.slug);
            let shown = r.display();
            match registry().parse(&shown) {
                Ok(back) => {
                    assert_eq!(back.province.slug, r.province.slug, "{input:?} → {shown:?}");
                    assert_eq!(back.locality, r.locality, "{input:?} → {shown:?}");
                }
                Err(e) => panic!("{input:?} → {shown:?} does not read back: {e}"),
            }
        }
        Err(bulletin::content::region::RegionError::Unknown(e)) => {
            assert!(e.nearest.len() <= 3, "{:?}", e.nearest);
            assert_eq!(e.value, input.trim());
        }
        // Ambiguous places and doubled suffixes are refused with what to write instead.
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// Tags that must never come out of untrusted Markdown.
const DENIED_TAGS: &[&str] = &[
    "script", "iframe", "object", "embed", "style", "svg", "math", "form", "link", "meta", "base", "frame", "frameset",
    "textarea", "button", "select", "template",
];

/// A Markdown body (the first byte picks `unsafe_html`).
///
/// - with `unsafe_html` off, the HTML holds no script-capable tag, no `on…=` attribute and no
///   `javascript:`, `vbscript:` or `data:` link or image.
pub fn markdown(data: &[u8]) {
    let (flag, rest) = data.split_first().unwrap_or((&0, &[]));
    let text = String::from_utf8_lossy(rest);
    let opts = MarkdownOptions {
        unsafe_html: flag & 1 == 1,
    };
    let out = markdown::render(&text, &opts);
    let _ = markdown::summarize(&out.text, 120);
    if opts.unsafe_html {
        return;
    }
    for html in std::iter::once(&out.html).chain(out.summary_html.as_ref()) {
        check_markup(html);
    }
}

fn check_markup(html: &str) {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        let name = &rest[..name_len];
        assert!(!DENIED_TAGS.contains(&name), "<{name}> in {html:?}");
        rest = &rest[name_len..];
        if name.is_empty() {
            continue;
        }
        // Attributes up to the tag's end: name, then `="…"` or a bare value.
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            let attr_len = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len())
                .max(1);
            let attr = &rest[..attr_len];
            rest = rest[attr_len..].trim_start();
            let mut value = "";
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (v, tail) = match after.strip_prefix('"') {
                    Some(q) => q.split_once('"').unwrap_or((q, "")),
                    None => after.split_at(
                        after
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(after.len()),
                    ),
                };
                value = v;
                rest = tail;
            }
            assert!(!attr.starts_with("on"), "{attr}= in {html:?}");
            if attr == "href" || attr == "src" {
                let target: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!target.starts_with(scheme), "{attr}=\"{value}\" in {html:?}");
                }
            }
        }
    }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

/// Every escaping routine of `bulletin::base::escape` on any text (lossy UTF-8 of the input).
///
/// - `escape_html`: no `<`, `>`, `"` or `'` survive, and every `&` starts one of the five entities;
/// - `escape_xml`: no markup character and none of the characters XML 1.0 forbids;
/// - `escape_json_markup` and `push_json_str`: the output parses back (serde_json) to the same
///   text and holds no `<`, `>` or `&`;
/// - `csv_cell`: a cell never starts with a formula character unless it is a plain number, and
///   a quoted cell reads back as the text (with its apostrophe, where one was added).
pub fn escape(data: &[u8]) {
    use bulletin::base::escape::{csv_cell, escape_html, escape_json_markup, escape_xml, push_json_str};
    let text = String::from_utf8_lossy(data);
    let html = escape_html(&text);
    assert!(!html.contains(['<', '>', '"', '\'']), "{html:?}");
    for (i, _) in html.match_indices('&') {
        let rest = &html[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "bare & in {html:?}"
        );
    }
    let xml = escape_xml(&text);
    assert!(!xml.contains(['<', '>', '"', '\'']), "{xml:?}");
    assert!(
        !xml.chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'),
        "{xml:?}"
    );
    let mut json = String::new();
    push_json_str(&mut json, &text);
    assert!(!json.contains(['<', '>', '&']), "{json:?}");
    assert_eq!(serde_json::from_str::<String>(&json).ok().as_deref(), Some(&*text));
    let marked = escape_json_markup(serde_json::to_vec(&*text).unwrap_or_default());
    assert!(!marked.iter().any(|b| matches!(b, b'<' | b'>' | b'&')));
    assert_eq!(serde_json::from_slice::<String>(&marked).ok().as_deref(), Some(&*text));
    let cell = csv_cell(&text);
    let inner = match cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
        Some(q) if cell.len() >= 2 => q.replace("\"\"", "\""),
        _ => cell.clone(),
    };
    if inner.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        assert!(inner.parse::<rust_decimal::Decimal>().is_ok(), "formula cell {cell:?}");
    }
    assert!(
        inner == *text || inner.strip_prefix('\'') == Some(&*text),
        "{cell:?} for {text:?}"
    );
}

/// A whole `site.yaml` through `config::parse`.
///
/// - every diagnostic names `site.yaml` at a line that exists (1 ≤ line ≤ lines, a lone CR
///   counting as a line break as in content files), column ≥ 1: an editor can always jump to
///   the problem;
/// - a parsed config has a `base_url` that is an absolute http(s) URL ending in `/`, without
///   query, fragment, white space or control characters, so it cannot spread into every URL.
pub fn site_yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // CRLF and a lone CR are line breaks, as in content files.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
    match bulletin::content::config::parse(&text, Path::new("site.yaml")) {
        Ok(config) => {
            let url = &config.base_url;
            assert!(
                url.starts_with("https://") || url.starts_with("http://"),
                "base_url {url:?}"
            );
            assert!(url.ends_with('/'), "base_url {url:?}");
            assert!(
                !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#'),
                "base_url {url:?}"
            );
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in diags {
                assert_eq!(d.path, Path::new("site.yaml"), "{d}");
                assert!(
                    d.line >= 1 && d.line <= lines,
                    "line out of the file ({lines} lines): {d}"
                );
                assert!(d.column >= 1, "{d}");
            }
        }
    }
}

/// The search tokenizer: what the indexer and the query make of the same text.
///
/// - folding keeps one character for one, in UTF-16 too, so positions in a normalized text are
///   positions in the original;
/// - every index term is non-empty, a CJK term is one or two characters, a word at most
///   `MAX_WORD` characters;
/// - every term of a query typed from the text itself is among the text's index terms: whatever
///   a reader copies out of an item finds that item.
pub fn search_query(data: &[u8]) {
    use bulletin::render::search::{index_terms, is_cjk, normalize, parse_query, MAX_WORD};
    let text = String::from_utf8_lossy(data);
    let norm = normalize(&text);
    assert_eq!(norm.chars().count(), text.chars().count(), "{text:?}");
    assert_eq!(norm.encode_utf16().count(), text.encode_utf16().count(), "{text:?}");
    let terms = index_terms(&text);
    for t in &terms {
        let n = t.chars().count();
        assert!(n >= 1, "empty term of {text:?}");
        if t.chars().all(is_cjk) {
            assert!(n <= 2, "{t:?} of {text:?}");
        } else {
            assert!(n <= MAX_WORD, "{t:?} of {text:?}");
        }
    }
    for part in parse_query(&text) {
        for t in &part.terms {
            assert!(
                terms.binary_search(t).is_ok(),
                "query term {t:?} of {:?} is not indexed for {text:?}",
                part.phrase
            );
        }
    }
}

/// A request path through `serve::resolve`, the only way from a URL to a file in `serve`
/// (the first byte picks the base path and whether every name exists).
///
/// - a file is a name the site has, and a safe relative path: no `..`, `.`, empty or absolute
///   part, no `\`, NUL or `:`, so no request reaches outside the site;
/// - a redirect stays on the server: it starts with one `/`, never `//` (another host) or `/\`.
pub fn serve_path(data: &[u8]) {
    use bulletin::serve::{resolve, Target};
    let (flag, rest) = data.split_first().unwrap_or((&0, &[]));
    let raw = String::from_utf8_lossy(rest);
    let base = ["/", "/bulletin/", "/a%20b/", "/%E7%AE%80%E6%8A%A5/"][usize::from(flag & 3)];
    let everything = flag & 4 != 0;
    let site = ["index.html", "news/2022/06/20/a/index.html", "style.css", "a b.css", "简报.css"];
    let exists = |name: &str| everything || site.contains(&name);
    match resolve(&raw, base, exists) {
        Target::File(name) => {
            assert!(exists(&name), "{raw:?} → {name:?}, not a file of the site");
            assert!(bulletin::output::safe_relative(&name).is_some(), "{raw:?} → {name:?}");
            assert!(!name.starts_with('/') && !name.contains(['\\', '\0', ':']), "{raw:?} → {name:?}");
            assert!(
                name.split('/').all(|s| !s.is_empty() && s != "." && s != ".."),
                "{raw:?} → {name:?}"
            );
        }
        Target::Redirect(to) => {
            assert!(to.starts_with('/'), "{raw:?} → redirect {to:?}");
            assert!(!to.starts_with("//") && !to.starts_with("/\\"), "{raw:?} → redirect {to:?}");
        }
        Target::NotFound | Target::Bad => {}
    }
}
