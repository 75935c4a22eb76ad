//! How text becomes index terms, shared by the indexer and the query: character folding,
//! CJK unigrams and bigrams, word tokens, and the parts of a query. `search.js` implements the
//! same rules; `tests/js/vectors.json` holds the cases the two must agree on.

use serde::{Deserialize, Serialize};

/// Word tokens are cut to this many characters (index and query alike).
pub const MAX_WORD: usize = 32;

/// Whether `c` is written without spaces between words and so indexed by bigrams: Han
/// (the unified ideographs, their extensions and compatibility forms, 〇), kana and hangul.
#[inline]
pub fn is_cjk(c: char) -> bool {
    // The common Han block first: nearly every character of a Chinese text.
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || matches!(c,
            '\u{3007}'
            | '\u{3041}'..='\u{3096}'
            | '\u{30A1}'..='\u{30FA}'
            | '\u{30FC}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{323AF}')
}

/// Whether `c` (already [`fold`]ed) belongs to a word token: ASCII letters and digits, and the
/// Latin letters of Latin-1 and Latin Extended-A/B.
#[inline]
pub(crate) fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || (matches!(c, '\u{C0}'..='\u{24F}') && c != '\u{D7}' && c != '\u{F7}')
}

/// Folds one character for matching: fullwidth ASCII to ASCII, the ideographic space to a space,
/// ASCII and Latin-1 capitals to lowercase. One character in, one out, in UTF-16 too, so that
/// positions in a normalized text are positions in the original.
#[inline]
pub fn fold(c: char) -> char {
    // Most characters fold to themselves: digits and punctuation, Han, CJK punctuation.
    if c < 'A' || ('\u{3001}'..'\u{FF01}').contains(&c) || c > '\u{FF5E}' {
        return c;
    }
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        _ => c,
    }
}

/// A text folded character by character, for phrase matching.
pub fn normalize(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// One index term of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Term<'a> {
    /// A CJK character, packed by [`pack`].
    Cjk(u64),
    /// A word token, normalized.
    Word(&'a str),
}

/// A CJK unigram or bigram as a number: a unigram is its code point (below 2^21, `first` 0), a
/// bigram its first code point shifted left by 21 bits plus its second.
pub(super) fn pack(first: u64, c: u64) -> u64 {
    (first << 21) | c
}

/// The one or two characters of a packed key.
pub(super) fn chars_of(key: u64) -> impl Iterator<Item = char> {
    [key >> 21, key & 0x1F_FFFF]
        .into_iter()
        .filter(|&u| u != 0)
        .filter_map(|u| u32::try_from(u).ok().and_then(char::from_u32))
}

pub(super) fn unpack(key: u64) -> String {
    chars_of(key).collect()
}

/// Calls `f` with every index term of `text`, in order, repeats included: for each CJK
/// character its unigram and the bigram it ends, for each run of word characters the token.
/// Without `unigrams`, only the unigrams of one-character runs: the others are implied by the
/// bigrams (a character is in a document when a bigram of it is).
#[inline(always)]
pub(super) fn each_term(text: &str, word: &mut String, unigrams: bool, f: &mut impl Sink) {
    let bytes = text.as_bytes();
    // The previous character when CJK, else 0.
    let mut prev: u64 = 0;
    // Whether `prev` began its run: a run of one character has no bigram.
    let mut alone = false;
    let mut len = 0;
    let mut i = 0;
    word.clear();
    while let Some(&b) = bytes.get(i) {
        let (c, cjk) = match b {
            0..=0x7F => {
                i += 1;
                (u32::from(fold(char::from(b))), false)
            }
            _ => match han(bytes, i) {
                Some(c) => {
                    i += 3;
                    (c, true)
                }
                None => {
                    let ch = text.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ');
                    i += ch.len_utf8();
                    let ch = fold(ch);
                    (u32::from(ch), is_cjk(ch))
                }
            },
        };
        if cjk {
            if !word.is_empty() {
                f.term(Term::Word(word));
                word.clear();
            }
            let c = u64::from(c);
            if unigrams {
                f.term(Term::Cjk(pack(0, c)));
            }
            alone = prev == 0;
            if prev != 0 {
                f.term(Term::Cjk(pack(prev, c)));
            }
            prev = c;
            if !unigrams {
                // The rest of a run of common Han: a bigram each, nothing else to decide, so
                // they go in batches.
                let mut batch = [0u64; 32];
                let mut n = 0;
                while let Some(c) = han(bytes, i) {
                    i += 3;
                    let c = u64::from(c);
                    batch[n] = pack(prev, c);
                    n += 1;
                    prev = c;
                    alone = false;
                    if n == batch.len() {
                        f.bigrams(&batch);
                        n = 0;
                    }
                }
                f.bigrams(&batch[..n]);
            }
            continue;
        }
        if prev != 0 && alone && !unigrams {
            f.term(Term::Cjk(pack(0, prev)));
        }
        prev = 0;
        match char::from_u32(c).filter(|&c| is_word(c)) {
            Some(c) => {
                if word.is_empty() {
                    len = 0;
                }
                if len < MAX_WORD {
                    word.push(c);
                    len += 1;
                }
            }
            None if !word.is_empty() => {
                f.term(Term::Word(word));
                word.clear();
            }
            None => {}
        }
    }
    if prev != 0 && alone && !unigrams {
        f.term(Term::Cjk(pack(0, prev)));
    }
    if !word.is_empty() {
        f.term(Term::Word(word));
    }
}

/// What [`each_term`] gives the terms of a text to.
pub(super) trait Sink {
    /// One term.
    fn term(&mut self, t: Term<'_>);
    /// The bigrams of a run of common Han (but its first), in order.
    fn bigrams(&mut self, keys: &[u64]) {
        for &k in keys {
            self.term(Term::Cjk(k));
        }
    }
}

impl<F: FnMut(Term<'_>)> Sink for F {
    fn term(&mut self, t: Term<'_>) {
        self(t);
    }
}

/// The character at `bytes[i..]` when it is common Han, decoded straight from its UTF-8: lead
/// bytes E4–E9 are U+4000–U+9FFF, Han but for U+4DC0–U+4DFF, and none of them folds.
#[inline(always)]
fn han(bytes: &[u8], i: usize) -> Option<u32> {
    match bytes.get(i..i + 3)? {
        &[b @ 0xE4..=0xE9, b1, b2] => {
            let c = (u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            (!(0x4DC0..=0x4DFF).contains(&c)).then_some(c)
        }
        _ => None,
    }
}

/// The distinct index terms of a text, sorted (for the test vectors; the indexer uses packed keys).
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    each_term(text, &mut word, true, &mut |t: Term<'_>| {
        out.push(match t {
            Term::Cjk(k) => unpack(k),
            Term::Word(w) => w.to_string(),
        })
    });
    out.sort();
    out.dedup();
    out
}

/// One whitespace-separated part of a query: a phrase that must appear, and the index terms
/// that find its candidates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// The part, normalized.
    pub phrase: String,
    /// Its terms: the bigrams of each CJK run of two or more characters, the character of a
    /// one-character run, and the word tokens; distinct, in order of appearance.
    pub terms: Vec<String>,
}

impl Part {
    /// The index alone decides this part: it is one term, the phrase itself.
    pub fn exact(&self) -> bool {
        self.terms.len() == 1 && self.terms[0] == self.phrase
    }
}

/// Splits a query at white space into [`Part`]s, each trimmed of the punctuation around it
/// (`“劳模”` is `劳模`), dropping parts without any term.
pub fn parse_query(q: &str) -> Vec<Part> {
    let norm = normalize(q);
    let mut parts: Vec<Part> = Vec::new();
    let mut phrases: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let inert = |c: char| !is_cjk(c) && !is_word(c);
    for phrase in norm.split(|c: char| c.is_whitespace()).map(|p| p.trim_matches(inert)) {
        let mut terms: Vec<String> = Vec::new();
        // Seen terms in a set: searching the list was quadratic in the length of a part.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut push = |t: String| {
            if !seen.contains(&t) {
                seen.insert(t.clone());
                terms.push(t);
            }
        };
        let mut run: Vec<char> = Vec::new();
        let mut word = String::new();
        let flush_run = |run: &mut Vec<char>, push: &mut dyn FnMut(String)| {
            if run.len() == 1 {
                push(run.iter().collect());
            }
            for w in run.windows(2) {
                push(w.iter().collect());
            }
            run.clear();
        };
        let flush_word = |word: &mut String, push: &mut dyn FnMut(String)| {
            if !word.is_empty() {
                push(word.chars().take(MAX_WORD).collect());
                word.clear();
            }
        };
        for c in phrase.chars() {
            if is_cjk(c) {
                flush_word(&mut word, &mut push);
                run.push(c);
            } else {
                flush_run(&mut run, &mut push);
                if is_word(c) {
                    word.push(c);
                } else {
                    flush_word(&mut word, &mut push);
                }
            }
        }
        flush_run(&mut run, &mut push);
        flush_word(&mut word, &mut push);
        if !terms.is_empty() && phrases.insert(phrase) {
            parts.push(Part {
                phrase: phrase.to_string(),
                terms,
            });
        }
    }
    parts
}

/// The term of a province filter.
pub(crate) fn province_term(slug: &str) -> String {
    format!("p:{slug}")
}

/// The term of a city or county filter: the place's GB/T 2260 code.
pub(crate) fn place_term(code: &str) -> String {
    format!("c:{code}")
}

/// The term of a topic filter.
pub(crate) fn topic_term(slug: &str) -> String {
    format!("t:{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_of_mixed_text() {
        assert_eq!(
            index_terms("外卖骑手Ａ1，CSV"),
            vec!["a1", "csv", "卖", "卖骑", "外", "外卖", "手", "骑", "骑手"]
        );
        let parts = parse_query("外卖骑手 劳");
        assert_eq!(parts[0].terms, vec!["外卖", "卖骑", "骑手"]);
        assert!(!parts[0].exact());
        assert!(parts[1].exact());
    }

    #[test]
    fn a_long_query_keeps_each_term_and_part_once_in_order() {
        // 2,000 distinct characters, over and over: 2,000 distinct bigrams in a 100,000-character
        // part, and the same part again.
        let cycle: String = (0x4e00..0x4e00 + 2_000).filter_map(char::from_u32).collect();
        let part = cycle.repeat(50);
        let parts = parse_query(&format!("{part} {part} 劳"));
        assert_eq!(parts.len(), 2, "the repeated part once");
        let terms = &parts[0].terms;
        assert_eq!(terms.len(), 2_000);
        assert_eq!(terms[0], "一丁");
        let last: String = [cycle.chars().last(), cycle.chars().next()]
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(terms[1_999], last, "the bigram across the cycle's end comes last");
        assert_eq!(parts[1].phrase, "劳");
    }

    #[test]
    fn bigrams_imply_the_unigrams() {
        for text in [
            "外卖骑手Ａ1，CSV",
            "年",
            "2022年6月，劳模",
            "ひらがなカタカナ한국어 𠀀〇𠀀 ䷀䷁ 㐀",
            "a劳b模c",
            "劳模劳模",
        ] {
            let mut word = String::new();
            let mut terms: Vec<String> = Vec::new();
            each_term(text, &mut word, false, &mut |t: Term<'_>| match t {
                Term::Cjk(k) => terms.extend(chars_of(k).map(String::from).chain([unpack(k)])),
                Term::Word(w) => terms.push(w.to_string()),
            });
            terms.sort();
            terms.dedup();
            assert_eq!(terms, index_terms(text), "{text}");
        }
    }
}
