//! The compact encodings of the index: document sets as gaps or bitmaps in base64url
//! characters ([`encode_docs`], [`decode_docs`]), and the same encoding made straight from the
//! indexer's runs of 64-document blocks and its headline postings.

/// Headline bits of a headline posting (`doc << FIELD_BITS | bits`).
pub(super) const TITLE: u32 = 1;
pub(super) const HEAD: u32 = 2;
pub(super) const FIELD_BITS: u32 = 2;

/// Documents per block: while indexing, a term's documents are gathered as one bit per
/// document of a block of this many consecutive ids.
pub(super) const BLOCK: u32 = 64;

/// The documents of one block having a term: bit `i` of `mask` for document `block * 64 + i`.
#[derive(Clone, Copy)]
pub(super) struct Run {
    pub(super) block: u32,
    pub(super) mask: u64,
}

pub(super) const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_value(c: u8) -> Option<u32> {
    B64.iter().position(|&b| b == c).and_then(|p| u32::try_from(p).ok())
}

/// Encodes a set of document ids (ascending, distinct) as text safe in JSON without escapes,
/// whichever is shorter of:
/// - gaps: the first id, then each id minus the previous minus one, each number written in
///   5-bit groups, most significant first, as the base64url character of the group plus 32 for
///   every group but the last;
/// - a bitmap: `~`, then base64url characters of 6 bits each, bit `i` of character `j` for id `6j+i`.
pub fn encode_docs(ids: &[u32]) -> String {
    let mut out = Vec::new();
    encode_into(&mut out, ids);
    // Base64url characters and `~` only.
    String::from_utf8(out).unwrap_or_default()
}

/// [`encode_docs`] of `ids`, appended to `out`.
pub(super) fn encode_into(out: &mut Vec<u8>, ids: &[u32]) {
    let Some(&max) = ids.last() else {
        return;
    };
    let chars = max as usize / 6 + 1;
    if encode_gaps(out, ids.iter().copied(), chars + 1) {
        return;
    }
    let mut bits = vec![0u8; chars];
    for &id in ids {
        bits[id as usize / 6] |= 1 << (id % 6);
    }
    out.push(b'~');
    out.extend(bits.into_iter().map(|b| B64[b as usize]));
}

/// Appends the gap encoding of `ids` (ascending, distinct) when it takes at most `limit`
/// characters (a bitmap's length); else appends nothing and returns false.
pub(super) fn encode_gaps(out: &mut Vec<u8>, ids: impl Iterator<Item = u32>, limit: usize) -> bool {
    let start = out.len();
    let mut prev: Option<u32> = None;
    for id in ids {
        let v = match prev {
            Some(p) => id - p - 1,
            None => id,
        };
        prev = Some(id);
        let mut shift = 0;
        while v.checked_shr(shift + 5).unwrap_or(0) != 0 {
            shift += 5;
        }
        while shift > 0 {
            out.push(B64[(32 + ((v >> shift) & 31)) as usize]);
            shift -= 5;
        }
        out.push(B64[(v & 31) as usize]);
        if out.len() - start > limit {
            out.truncate(start);
            return false;
        }
    }
    true
}

/// Decodes [`encode_docs`]; `None` on a malformed text.
pub fn decode_docs(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    if let Some(bits) = s.strip_prefix('~') {
        for (j, c) in bits.bytes().enumerate() {
            let v = b64_value(c)?;
            for i in 0..6 {
                if v & (1 << i) != 0 {
                    out.push(u32::try_from(j * 6 + i).ok()?);
                }
            }
        }
        return Some(out);
    }
    let mut v: u32 = 0;
    let mut prev: Option<u32> = None;
    for c in s.bytes() {
        let g = b64_value(c)?;
        v = v.checked_mul(32)?.checked_add(g & 31)?;
        if g < 32 {
            let id = match prev {
                Some(p) => p.checked_add(v)?.checked_add(1)?,
                None => v,
            };
            out.push(id);
            prev = Some(id);
            v = 0;
        }
    }
    Some(out)
}

/// Appends the document set of `runs` (ascending blocks) as [`encode_docs`] does.
pub(super) fn encode_runs(out: &mut Vec<u8>, runs: &[&[Run]], bitmap: &mut Vec<u64>) {
    let all = || runs.iter().flat_map(|r| r.iter());
    let Some(last) = runs.iter().rev().find_map(|r| r.last()) else {
        return;
    };
    let max = last.block * BLOCK + (63 - last.mask.leading_zeros());
    let count: usize = all().map(|r| r.mask.count_ones() as usize).sum();
    let chars = max as usize / 6 + 1;
    if count <= chars + 1 {
        let ids = all().flat_map(|r| {
            let base = r.block * BLOCK;
            let mut m = r.mask;
            std::iter::from_fn(move || {
                (m != 0).then(|| {
                    let id = base + m.trailing_zeros();
                    m &= m - 1;
                    id
                })
            })
        });
        if encode_gaps(out, ids, chars + 1) {
            return;
        }
    }
    // A bitmap: the blocks' words, 6 bits a character, 32 characters from every 3 words.
    bitmap.clear();
    bitmap.resize((max as usize / 64 + 1).next_multiple_of(3), 0);
    for r in all() {
        bitmap[r.block as usize] = r.mask;
    }
    out.push(b'~');
    let start = out.len();
    out.resize(start + chars.next_multiple_of(32), 0);
    for (w, dst) in bitmap.chunks_exact(3).zip(out[start..].chunks_exact_mut(32)) {
        for (j, d) in dst.iter_mut().enumerate() {
            let (i, s) = (j * 6 / 64, j * 6 % 64);
            let mut v = w[i] >> s;
            if s > 58 {
                v |= w[i + 1] << (64 - s);
            }
            *d = B64[(v & 63) as usize];
        }
    }
    out.truncate(start + chars);
}

/// Appends the headline sets of a term (`.TITLE[.HEAD]`, nothing when both are empty) from its
/// headline postings (ascending by document, repeats included).
pub(super) fn encode_heads(out: &mut Vec<u8>, heads: &[&[u32]], title: &mut Vec<u32>, head: &mut Vec<u32>) {
    title.clear();
    head.clear();
    for &p in heads.iter().flat_map(|h| h.iter()) {
        let (doc, fields) = (p >> FIELD_BITS, p & (TITLE | HEAD));
        for (set, bit) in [(&mut *title, TITLE), (&mut *head, HEAD)] {
            if fields & bit != 0 && set.last() != Some(&doc) {
                set.push(doc);
            }
        }
    }
    if title.is_empty() && head.is_empty() {
        return;
    }
    out.push(b'.');
    encode_into(out, title);
    if !head.is_empty() {
        out.push(b'.');
        encode_into(out, head);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_sets_round_trip() {
        for ids in [
            vec![],
            vec![0],
            vec![5],
            vec![0, 1, 2, 3],
            vec![31, 32, 1023, 1024, 40000],
            (0..100).collect::<Vec<u32>>(),
            (0..1000).step_by(3).collect(),
        ] {
            let enc = encode_docs(&ids);
            assert_eq!(decode_docs(&enc), Some(ids.clone()), "{enc}");
        }
        assert!(encode_docs(&(0..100).collect::<Vec<u32>>()).starts_with('~'));
        assert_eq!(decode_docs("!"), None);
    }

    #[test]
    fn large_ids_encode() {
        for ids in [vec![u32::MAX >> 3], vec![0, 1 << 30, (1 << 31) + 7]] {
            assert_eq!(decode_docs(&encode_docs(&ids)), Some(ids));
        }
    }

    #[test]
    fn runs_encode_as_their_ids() {
        // xorshift: deterministic sets of every density, across block and 3-word boundaries.
        let mut x: u32 = 0x9e37_79b9;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for case in 0..400u32 {
            let (n, density) = (1 + next() % 1500, 1 + case % 64);
            let ids: Vec<u32> = (0..n).filter(|_| next() % 64 < density).collect();
            let mut runs: Vec<Run> = Vec::new();
            for &id in &ids {
                match runs.last_mut() {
                    Some(r) if r.block == id / BLOCK => r.mask |= 1 << (id % BLOCK),
                    _ => runs.push(Run {
                        block: id / BLOCK,
                        mask: 1 << (id % BLOCK),
                    }),
                }
            }
            // Split as chunks would split them.
            let (a, b) = runs.split_at(runs.len() / 2);
            let mut out = Vec::new();
            encode_runs(&mut out, &[a, b], &mut Vec::new());
            assert_eq!(String::from_utf8(out).unwrap(), encode_docs(&ids), "{ids:?}");
        }
    }
}
