//! ASCII slugs for URLs: Chinese text becomes toneless pinyin (`全国工会` → `quan-guo-gong-hui`),
//! never percent-encoded Han characters.

use pinyin::ToPinyin;

/// The longest slug we derive, in bytes; longer ones are cut at a `-`.
const MAX_LEN: usize = 60;

/// Words whose syllables alone would not tell them apart: 陕西 and 山西 are both `shan xi`.
const WORDS: &[(&str, &str)] = &[("陕西", "shaanxi"), ("山西", "shanxi")];

/// Turns any text into a lowercase ASCII slug: Han characters as pinyin syllables, other
/// letters and digits kept, everything else a single `-`.
pub(crate) fn slugify(text: &str) -> String {
    let mut ascii = String::with_capacity(text.len() * 2);
    let mut chars = text.char_indices().zip(text.to_pinyin()).peekable();
    while let Some(((at, ch), py)) = chars.next() {
        // Place names spelled as the region registry does, one word each.
        if let Some((name, word)) = WORDS
            .iter()
            .find(|(name, _)| text.get(at..).is_some_and(|t| t.starts_with(name)))
        {
            ascii.push(' ');
            ascii.push_str(word);
            ascii.push(' ');
            for _ in 1..name.chars().count() {
                chars.next();
            }
            continue;
        }
        match py {
            Some(p) => {
                ascii.push(' ');
                ascii.push_str(p.plain());
                ascii.push(' ');
            }
            None => ascii.push(ch),
        }
    }
    let s = slug::slugify(&ascii);
    truncate(&s)
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_LEN {
        return s.to_string();
    }
    let cut = s[..MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
    s[..cut].trim_end_matches('-').to_string()
}

/// True for a slug made of lowercase ASCII letters, digits and single inner `-` or `_`:
/// nothing that can leave a folder (`..`, `/`, `\`, `%`).
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 200
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_pinyin() {
        assert_eq!(slugify("全国工会"), "quan-guo-gong-hui");
        assert_eq!(slugify("陕西"), "shaanxi");
        assert_eq!(slugify("山西"), "shanxi");
        assert_eq!(slugify("陕西西安工会"), "shaanxi-xi-an-gong-hui");
        assert_eq!(slugify("山西太原"), "shanxi-tai-yuan");
        assert_eq!(slugify("山东莱西:劳模就医"), "shan-dong-lai-xi-lao-mo-jiu-yi");
        assert_eq!(slugify("2022年 Hello World!"), "2022-nian-hello-world");
    }

    #[test]
    fn long_titles_are_cut_at_a_syllable() {
        let s = slugify("全国工会积极稳妥开展基层蹲点工作全国省市县三级工会已下派蹲点干部");
        assert!(s.len() <= MAX_LEN);
        assert!(!s.ends_with('-'));
        assert!(is_valid(&s));
    }

    #[test]
    fn validity() {
        for ok in ["a", "quanguo-dundian", "x_1"] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["", "../x", "a/b", "a\\b", "%2e%2e", "Abc", "-a", "a-", "中文"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
