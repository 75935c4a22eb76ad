//! Link destinations and heading anchors: which destinations lose their target, and the
//! unique ids headings get.

use std::collections::{HashMap, HashSet};

/// The ids given to a body's headings so far, so that each one is unique.
#[derive(Debug, Default)]
pub(super) struct HeadingIds {
    /// Headings seen, which numbers the ids of non-ASCII ones (`h-1`, `h-2`, …).
    count: usize,
    ids: HashSet<String>,
    /// Each base's next suffix, so that many equal headings stay linear.
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// The id of the next heading, from its text.
    pub(super) fn id(&mut self, text: &str) -> String {
        self.count += 1;
        let base = ascii_slug(text).unwrap_or_else(|| format!("h-{}", self.count));
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
        let mut id = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.next_suffix.insert(base, n + 1);
        self.ids.insert(id.clone());
        id
    }
}

/// False for destinations a browser would run or inline as a document:
/// `javascript:`, `vbscript:` and `data:`, in any case, after leading
/// whitespace or control characters, and ignoring the tabs and line breaks
/// that browsers strip from URLs.
pub(super) fn is_safe_dest(dest: &str) -> bool {
    let mut scheme = [0u8; 10];
    let mut len = 0;
    let rest = dest.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    for c in rest.chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => {
                return !matches!(scheme.get(..len), Some(b"javascript" | b"vbscript" | b"data"));
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                let Some(slot) = scheme.get_mut(len) else {
                    return true; // longer than any scheme we refuse
                };
                *slot = c.to_ascii_lowercase() as u8;
                len += 1;
            }
            _ => return true, // no scheme: a relative URL
        }
    }
    true
}

/// An id from ASCII heading text (`Hello, World` → `hello-world`).
fn ascii_slug(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    (!slug.is_empty()).then_some(slug)
}

/// `html` (a rendered body) with every `id` and every link to an id in the same body given
/// `prefix`, so that several bodies on one page (the print edition) keep their ids unique
/// and each body's links to its figures and headings still land in that body.
///
/// It reads only the attribute syntax our Markdown writer produces (`id="…"`, `href="#…"`):
/// text with quotes in it is escaped there, so no text is mistaken for an attribute.
pub(crate) fn scope_ids(html: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    loop {
        let next = [" id=\"", " href=\"#"]
            .iter()
            .filter_map(|pat| rest.find(pat).map(|at| (at, pat.len())))
            .min();
        let Some((at, len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at + len]);
        out.push_str(prefix);
        rest = &rest[at + len..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_dest() {
        let cases: &[(&str, bool)] = &[
            ("https://a.org", true),
            ("/relative", true),
            ("#frag", true),
            ("mailto:a@b.c", true),
            ("a/javascript:x", true),
            ("datab:x", true),
            ("javascript:x", false),
            ("  \u{1}JavaScript:x", false),
            ("java\tscript:x", false),
            ("java\nscript:x", false),
            ("VBScript:x", false),
            ("data:,x", false),
            ("\u{3000}data:,x", false),
        ];
        for (dest, ok) in cases {
            assert_eq!(is_safe_dest(dest), *ok, "{dest:?}");
        }
    }

    #[test]
    fn scoped_ids_and_their_links_get_the_prefix_and_text_does_not() {
        let html = "<h2 id=\"h-1\">标题</h2>\n<p>见<a href=\"#figure-1\">下文</a>，\
                    <mark class=\"figure-ref\" id=\"figure-1\">6283人</mark>；\
                    id=&quot;x&quot; <a href=\"/news/\">外链</a></p>";
        assert_eq!(
            scope_ids(html, "a2-"),
            "<h2 id=\"a2-h-1\">标题</h2>\n<p>见<a href=\"#a2-figure-1\">下文</a>，\
             <mark class=\"figure-ref\" id=\"a2-figure-1\">6283人</mark>；\
             id=&quot;x&quot; <a href=\"/news/\">外链</a></p>"
        );
    }
}
