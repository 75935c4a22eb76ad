//! Summaries: the opening of a body's plain text, cut at a sentence end.

/// The opening of `text` cut at a sentence end (。, `!` or `?` full-width or ASCII, ……, or a `.` before a space), at most about `max_chars` characters.
///
/// Whitespace is collapsed. The cut is at the last sentence end within
/// `max_chars`; if the first sentence is longer, it is kept whole up to
/// `max_chars * 2`, and beyond that the text is cut at `max_chars` and "…"
/// appended. Characters are counted as `char`s and never split.
#[must_use]
pub fn summarize(text: &str, max_chars: usize) -> String {
    if max_chars == 0 {
        return String::new();
    }
    let limit = max_chars.saturating_mul(2);
    // Collapse whitespace, reading one character past the limit at most.
    let mut chars: Vec<char> = Vec::with_capacity(limit.min(text.len()) + 2);
    let mut complete = true;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !chars.is_empty();
            continue;
        }
        if chars.len() > limit {
            complete = false;
            break;
        }
        if std::mem::take(&mut space) {
            chars.push(' ');
        }
        chars.push(c);
    }
    if complete && chars.len() <= max_chars {
        return chars.into_iter().collect();
    }

    let n = chars.len();
    let at = |i: usize, test: fn(char) -> bool| chars.get(i).is_some_and(|&c| test(c));
    let mut best = None;
    let mut first = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let end = match c {
            c if is_terminator(c) => Some(i + 1),
            '…' if chars.get(i + 1) == Some(&'…') => Some(i + 2),
            '.' => {
                let mut e = i + 1;
                while at(e, is_closer) {
                    e += 1;
                }
                let ends = match chars.get(e) {
                    Some(c) => c.is_whitespace(),
                    None => complete,
                };
                ends.then_some(i + 1)
            }
            _ => None,
        };
        let Some(mut e) = end else {
            i += 1;
            continue;
        };
        // Keep runs like "?!" or "。”" whole.
        while at(e, |c| is_closer(c) || is_terminator(c)) {
            e += 1;
        }
        if e <= max_chars {
            best = Some(e);
        } else if first.is_some() || best.is_some() {
            break;
        }
        if first.is_none() {
            first = Some(e);
        }
        i = e;
    }
    let cut = match (best, first) {
        (Some(end), _) => end,
        (None, Some(end)) if end <= limit => end,
        (None, None) if complete && n <= limit => n,
        _ => {
            let mut out: String = chars.iter().take(max_chars).collect();
            out.truncate(out.trim_end().len());
            out.push('…');
            return out;
        }
    };
    chars.iter().take(cut).collect()
}

/// Marks that end a sentence on their own: 。, and `!` and `?` full-width or ASCII.
fn is_terminator(c: char) -> bool {
    matches!(c, '\u{3002}' | '\u{FF01}' | '\u{FF1F}' | '!' | '?')
}

/// Closing quotes and brackets that belong to the sentence before them.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201D}' // ”
            | '\u{2019}' // ’
            | '\u{300D}' // 」
            | '\u{300F}' // 』
            | '\u{300B}' // 》
            | '\u{3009}' // 〉
            | '\u{3011}' // 】
            | '\u{FF09}' // full-width )
            | ')'
            | ']'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWS: &str = "本报讯(记者朱欣)2022年全国工会领导机关干部赴基层蹲点工作已拉开帷幕。记者日前从……获悉,…。";
    const FIRST: &str = "本报讯(记者朱欣)2022年全国工会领导机关干部赴基层蹲点工作已拉开帷幕。";

    #[test]
    fn summarize_cases() {
        // (case, text, max_chars, summary)
        let cases: &[(&str, &str, usize, &str)] = &[
            ("small max cuts after first 。", NEWS, 20, FIRST),
            ("max just under first sentence", NEWS, 36, FIRST),
            ("max at first sentence", NEWS, 37, FIRST),
            ("max between ends", NEWS, 40, FIRST),
            (
                "…… ends a sentence",
                NEWS,
                44,
                "本报讯(记者朱欣)2022年全国工会领导机关干部赴基层蹲点工作已拉开帷幕。记者日前从……",
            ),
            ("shorter than max", NEWS, 100, NEWS),
            ("first sentence too long", NEWS, 10, "本报讯(记者朱欣)2…"),
            (
                "no sentence end, long",
                "一二三四五六七八九十一二三四五六七八九十一二三四五",
                10,
                "一二三四五六七八九十…",
            ),
            (
                "no sentence end, within twice",
                "一二三四五六七八九十一二",
                10,
                "一二三四五六七八九十一二",
            ),
            ("no sentence end, short", "一二三", 10, "一二三"),
            ("whitespace collapsed", "  甲\n\n 乙\t丙。 丁  ", 100, "甲 乙 丙。 丁"),
            ("exclamation and quote", "他说:“好!”然后走了。再见。", 8, "他说:“好!”"),
            ("question marks", "真的吗?!是的。", 5, "真的吗?!"),
            (
                "full-width marks",
                "他说\u{FF1A}\u{201C}好\u{FF01}\u{201D}然后走了。",
                8,
                "他说\u{FF1A}\u{201C}好\u{FF01}\u{201D}",
            ),
            (
                "full-width question",
                "真的吗\u{FF1F}\u{FF01}是的。",
                5,
                "真的吗\u{FF1F}\u{FF01}",
            ),
            (
                "full-width parens and comma",
                "本报讯\u{FF08}记者朱欣\u{FF09}蹲点工作已拉开帷幕。记者日前从……获悉\u{FF0C}…。",
                12,
                "本报讯\u{FF08}记者朱欣\u{FF09}蹲点工作已拉开帷幕。",
            ),
            ("english", "First one. Second one. Third.", 24, "First one. Second one."),
            (
                "decimal is not an end",
                "Growth was 3.5 percent this year. More.",
                36,
                "Growth was 3.5 percent this year.",
            ),
            ("quoted english", "He said \"go.\" Then left.", 15, "He said \"go.\""),
            ("zero", NEWS, 0, ""),
            ("empty", "", 10, ""),
        ];
        for (name, text, max, want) in cases {
            assert_eq!(summarize(text, *max), *want, "{name}");
        }
    }

    #[test]
    fn summarize_never_cuts_a_char() {
        let total = NEWS.chars().count();
        for max in 1..total + 5 {
            let summary = summarize(NEWS, max);
            let body = summary.strip_suffix('…').unwrap_or(&summary);
            assert!(NEWS.starts_with(body), "{max}: {summary}");
            assert!(summary.chars().count() <= (max * 2).max(max + 1), "{max}: {summary}");
        }
    }
}
