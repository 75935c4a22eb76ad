//! Atom feeds and the sitemap, written directly as XML with every piece of text escaped
//! (a template could forget; this cannot).

use crate::site::{Entry, Site};
use std::fmt::Write;

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let bytes = s.as_bytes();
    // Copies the runs between bytes that need care; every such byte is ASCII or starts a
    // character, so the slices fall on character boundaries.
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            // Characters XML 1.0 forbids outright are dropped: C0 controls but tab and line
            // ends, and U+FFFE / U+FFFF (EF BF BE, EF BF BF).
            b if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => ("", 1),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(replacement);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out
}

fn updated(e: &Entry) -> String {
    e.item.updated.unwrap_or(e.item.date).time.to_rfc3339()
}

/// An Atom feed at `path` of the entries `list` (indexes into the site's entries, newest first).
pub fn atom(site: &Site, path: &str, title: &str, list: &[usize]) -> String {
    let u = &site.urls;
    let entries: Vec<&Entry> = site.pick(list).collect();
    let feed_updated = entries
        .iter()
        .map(|e| updated(e))
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let self_url = u.absolute(path);
    let alternate = u.absolute(path.trim_end_matches("atom.xml"));
    let mut x = String::with_capacity(2048 + entries.len() * 4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(site.config.language.tag())
    );
    let _ = writeln!(x, "  <title>{}</title>", escape(title));
    if !site.config.description.is_empty() {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", escape(&site.config.description));
    }
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&self_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&alternate)
    );
    let _ = writeln!(x, "  <id>{}</id>", escape(&self_url));
    let _ = writeln!(x, "  <updated>{}</updated>", feed_updated);
    let _ = writeln!(x, "  <author><name>{}</name></author>", escape(&site.config.title));
    let _ = writeln!(
        x,
        "  <generator uri=\"https://example.org/bulletin\">Bulletin</generator>"
    );
    for e in entries {
        let it = &e.item;
        let link = u.absolute(&e.path);
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <title>{}</title>", escape(&it.headline.title));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&link)
        );
        let _ = writeln!(x, "    <id>{}</id>", escape(&link));
        let _ = writeln!(x, "    <published>{}</published>", it.date.time.to_rfc3339());
        let _ = writeln!(x, "    <updated>{}</updated>", updated(e));
        let names: Vec<&String> = it.byline.names().collect();
        if names.is_empty() {
            let _ = writeln!(
                x,
                "    <author><name>{}</name></author>",
                escape(it.source.as_deref().unwrap_or(&site.config.title))
            );
        } else {
            for n in names {
                let _ = writeln!(x, "    <author><name>{}</name></author>", escape(n));
            }
        }
        let _ = writeln!(
            x,
            "    <category term=\"{}\" label=\"{}\"/>",
            escape(&it.region.province.slug),
            escape(&it.region.province.short)
        );
        for t in &it.topics {
            let _ = writeln!(
                x,
                "    <category term=\"{}\" label=\"{}\"/>",
                escape(&t.slug),
                escape(&t.name)
            );
        }
        let _ = writeln!(x, "    <summary>{}</summary>", escape(&e.summary));
        let mut content = String::new();
        if let Some(s) = &it.headline.subtitle {
            let _ = write!(content, "<p><strong>{}</strong></p>", escape(s));
        }
        content.push_str(&e.body.html);
        let _ = writeln!(x, "    <content type=\"html\">{}</content>", escape(&content));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// The sitemap of `pages` (output paths with an optional lastmod).
pub fn sitemap(site: &Site, pages: &[(String, Option<String>)]) -> String {
    let mut x = String::with_capacity(128 + pages.len() * 128);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in pages {
        let _ = write!(x, "  <url><loc>{}</loc>", escape(&site.urls.absolute(path)));
        if let Some(m) = lastmod {
            let _ = write!(x, "<lastmod>{}</lastmod>", escape(m));
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("工会\u{FFFE}职工\u{FFFF}\t\n\u{1f}末"), "工会职工\t\n末");
        // U+FFFD and other characters starting with EF are kept.
        assert_eq!(escape("\u{FFFD}\u{F900}"), "\u{FFFD}\u{F900}");
        assert_eq!(escape(""), "");
        assert_eq!(escape("末尾&"), "末尾&amp;");
    }
}
