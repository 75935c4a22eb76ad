//! Atom feeds and the sitemap, written directly as XML with every piece of text escaped
//! (a template could forget; this cannot).

use crate::base::escape::escape_xml as escape;
use crate::site::{Entry, Site};
use std::fmt::Write;

fn updated(e: &Entry) -> String {
    e.item.updated.unwrap_or(e.item.date).time.to_rfc3339()
}

/// An Atom feed at `path` of the entries `list` (indexes into the site's entries, newest first).
pub(crate) fn atom(site: &Site, path: &str, title: &str, list: &[usize]) -> String {
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
        // The issue (期) it appears in, with its number.
        if let Some(b) = site.issue_of(it.bulletin) {
            let _ = writeln!(
                x,
                "    <category term=\"{}\" scheme=\"{}\" label=\"{}\"/>",
                escape(&format!("bulletin-{}", b.date)),
                escape(&u.absolute(crate::site::urls::BULLETINS)),
                escape(&crate::render::seo::issue_label(site.config.language, b))
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
pub(crate) fn sitemap(site: &Site, pages: &[(String, Option<String>)]) -> String {
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
