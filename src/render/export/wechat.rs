//! A 公众号 multi-article draft of one issue: the body of the official `draft/add` API
//! (`draft.json`), each article's content alone for pasting into the editor, and the images
//! to upload first (`images.tsv`). Pure: made from the site and the Markdown of the issue's
//! items; the limits WeChat sets are reported, not enforced by cutting, except the digest,
//! which is cut at a sentence end.

use super::style::{self, Absolute};
use crate::base::escape::{escape_paste_into as escape_html_into, tsv_cell};
use crate::content::item::SHORT_TITLE_CHARS;
use crate::content::markdown::inline;
use crate::render::image;
use crate::render::locale;
use crate::site::{Bulletin, Site};
use serde::Serialize;
use std::path::Path;

/// The most characters an article's author may have.
pub(crate) const AUTHOR_CHARS: usize = 16;
/// The most characters of a digest.
pub(crate) const DIGEST_CHARS: usize = 128;
/// An article's content must have fewer characters than this…
pub(crate) const CONTENT_CHARS: usize = 20_000;
/// …and fewer bytes than this.
pub(crate) const CONTENT_BYTES: usize = 1 << 20;

/// One article of the draft, as the `draft/add` API takes it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Article {
    title: String,
    author: String,
    digest: String,
    content: String,
    content_source_url: String,
    /// A placeholder: `images.tsv` names the picture to upload in its place.
    thumb_media_id: String,
    need_open_comment: u8,
    only_fans_can_comment: u8,
}

#[derive(Serialize)]
struct Draft<'a> {
    articles: &'a [Article],
}

/// A limit of WeChat's that an article breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    /// The title (short_title, else the headline) has this many characters.
    Title(usize),
    /// The author (the byline's names) has this many characters.
    Author(usize),
    /// The content has this many characters and bytes.
    Content { chars: usize, bytes: usize },
}

/// A limit broken by the item `entry` (an index into `Site::entries`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Overlong {
    pub entry: usize,
    pub limit: Limit,
}

/// The draft of one issue.
#[derive(Clone, Debug)]
pub(crate) struct Wechat {
    pub articles: Vec<Article>,
    /// `NN-SLUG.html` and the content of each article, in order.
    pub contents: Vec<(String, String)>,
    /// The text of `images.tsv`.
    pub images: String,
    /// Every limit broken; nothing is to be written when there is one.
    pub overlong: Vec<Overlong>,
}

impl Wechat {
    /// The text of `draft.json`.
    pub(crate) fn draft_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&Draft {
            articles: &self.articles,
        })
        .unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The UI strings the articles print.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Labels<'a> {
    /// 注释: the heading of the notes.
    pub notes: &'a str,
}

/// `text` cut to at most [`DIGEST_CHARS`] characters at its last sentence end (。！？!?),
/// or with "…" when no sentence ends in time.
pub(crate) fn digest(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= DIGEST_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(DIGEST_CHARS).collect();
    match head.rfind(['。', '！', '？', '!', '?']) {
        Some(i) => {
            let end = i + head[i..].chars().next().map_or(0, char::len_utf8);
            head[..end].to_string()
        }
        None => {
            let mut cut: String = head.chars().take(DIGEST_CHARS - 1).collect();
            cut.push('…');
            cut
        }
    }
}

/// A picture at `url` as a `<figure>` with its caption and credit in a `<figcaption>`.
fn figure(out: &mut String, url: &str, img: &crate::content::item::Image) {
    out.push_str("<figure style=\"");
    out.push_str(style::FIGURE);
    out.push_str("\"><img src=\"");
    escape_html_into(out, url);
    out.push_str("\" alt=\"");
    escape_html_into(out, &img.alt);
    out.push_str("\" style=\"");
    out.push_str(style::FIGURE_IMAGE);
    out.push_str("\">");
    let said: Vec<&str> = [&img.caption, &img.credit]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if !said.is_empty() {
        out.push_str("<figcaption style=\"");
        out.push_str(style::FIGCAPTION);
        out.push_str("\">");
        escape_html_into(out, &said.join(" "));
        out.push_str("</figcaption>");
    }
    out.push_str("</figure>");
}

fn para(out: &mut String, style: &str, text: &str) {
    out.push_str("<p style=\"");
    out.push_str(style);
    out.push_str("\">");
    escape_html_into(out, text);
    out.push_str("</p>");
}

/// The draft of bulletin `b`; `markdown[k]` is the body of its `k`th item; `root` is the
/// site root, for the image files' names.
pub(crate) fn export(site: &Site, b: &Bulletin, markdown: &[String], labels: Labels<'_>, root: &Path) -> Wechat {
    let lang = site.config.language;
    let abs = Absolute::new(site);
    let mut out = Wechat {
        articles: Vec::new(),
        contents: Vec::new(),
        images: "article\tuse\tfile\turl\tplaceholder\talt\n".to_string(),
        overlong: Vec::new(),
    };
    let row = |cells: [&str; 6]| cells.map(tsv_cell).join("\t") + "\n";
    for (k, &i) in b.entries.iter().enumerate() {
        let Some(e) = site.entries.get(i) else { continue };
        let item = &e.item;
        let name = format!("{:02}-{}", k + 1, item.slug);
        let placeholder = format!("THUMB_MEDIA_ID_{:02}", k + 1);

        let title = item.short_title.clone().unwrap_or_else(|| item.headline.title.clone());
        let n = title.chars().count();
        if n > SHORT_TITLE_CHARS {
            out.overlong.push(Overlong {
                entry: i,
                limit: Limit::Title(n),
            });
        }
        let author = item.byline.names().cloned().collect::<Vec<_>>().join(" ");
        let n = author.chars().count();
        if n > AUTHOR_CHARS {
            out.overlong.push(Overlong {
                entry: i,
                limit: Limit::Author(n),
            });
        }

        let page = &e.path;
        let body = inline(markdown.get(k).map_or("", String::as_str), &style::BODY, &|dest| {
            abs.resolve(&item.rel, page, dest)
        });
        let mut html = String::with_capacity(body.html.len() + 512);
        html.push_str("<section style=\"");
        html.push_str(style::TEXT);
        html.push_str("\">");
        if let Some(kicker) = &item.headline.kicker {
            para(&mut html, style::DECK, kicker);
        }
        if let Some(sub) = &item.headline.subtitle {
            para(&mut html, style::DECK, sub);
        }
        let credit = locale::byline(lang, &item.byline);
        let credit = match &item.source {
            Some(s) if credit.is_empty() => s.clone(),
            Some(s) => format!("{s} {credit}"),
            None => credit,
        };
        if !credit.is_empty() {
            para(&mut html, style::BYLINE, &credit);
        }
        // Pictures with captions are part of the story: the captioned lead image before the
        // text, a photo story's pictures after it. `images.tsv` lists them for upload.
        let mut pictures: Vec<(String, Option<std::path::PathBuf>, &crate::content::item::Image)> = Vec::new();
        let captioned = item
            .image
            .as_ref()
            .filter(|i| i.caption.is_some() || i.credit.is_some());
        if let Some(img) = captioned {
            let url = abs.link(&image::view(img, e.lead.as_deref(), &site.urls).src);
            figure(&mut html, &url, img);
            pictures.push((url, e.lead.as_ref().map(|l| l.file.clone()), img));
        }
        html.push_str(&body.html);
        for (k, img) in item.gallery.iter().enumerate() {
            let found = e.gallery.get(k).and_then(Option::as_ref);
            let url = abs.link(&image::view(img, found.map(|l| &**l), &site.urls).src);
            figure(&mut html, &url, img);
            pictures.push((url, found.map(|l| l.file.clone()), img));
        }
        if !body.notes.is_empty() {
            html.push_str("<section style=\"margin:0;\">");
            para(&mut html, style::NOTES_HEAD, labels.notes);
            for (n, note) in body.notes.iter().enumerate() {
                para(
                    &mut html,
                    style::NOTE,
                    &format!("[{}] {}：{}", n + 1, note.text, note.url),
                );
            }
            html.push_str("</section>");
        }
        html.push_str("</section>");
        let (chars, bytes) = (html.chars().count(), html.len());
        if chars >= CONTENT_CHARS || bytes >= CONTENT_BYTES {
            out.overlong.push(Overlong {
                entry: i,
                limit: Limit::Content { chars, bytes },
            });
        }

        // The cover: the lead image, else one the editor picks.
        match &item.image {
            Some(img) => {
                let view = image::view(img, e.lead.as_deref(), &site.urls);
                let file = e
                    .lead
                    .as_ref()
                    .map(|l| l.file.strip_prefix(root).unwrap_or(&l.file).display().to_string());
                out.images.push_str(&row([
                    &name,
                    "cover",
                    file.as_deref().unwrap_or(""),
                    &abs.link(&view.src),
                    &placeholder,
                    &img.alt,
                ]));
            }
            None => out.images.push_str(&row([&name, "cover", "", "", &placeholder, ""])),
        }
        for (url, file, img) in &pictures {
            let file = file
                .as_ref()
                .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string());
            out.images
                .push_str(&row([&name, "body", file.as_deref().unwrap_or(""), url, "", &img.alt]));
        }
        let folder = item.path.parent().unwrap_or(Path::new(""));
        for im in &body.images {
            let local = !im.dest.contains("://") && !im.dest.starts_with('/');
            let file = if local {
                folder.join(&im.dest).display().to_string()
            } else {
                String::new()
            };
            out.images.push_str(&row([&name, "body", &file, &im.src, "", &im.alt]));
        }

        out.articles.push(Article {
            title,
            author,
            digest: digest(item.summary.as_deref().unwrap_or(&e.summary)),
            content: html.clone(),
            content_source_url: site.urls.absolute(&e.path),
            thumb_media_id: placeholder,
            need_open_comment: 0,
            only_fans_can_comment: 0,
        });
        out.contents.push((format!("{name}.html"), html));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_cut_at_a_sentence_end() {
        assert_eq!(digest("短。"), "短。");
        let long = format!("{}。{}", "甲".repeat(100), "乙".repeat(60));
        assert_eq!(digest(&long), format!("{}。", "甲".repeat(100)));
        let endless = "丙".repeat(200);
        let d = digest(&endless);
        assert_eq!(d.chars().count(), DIGEST_CHARS);
        assert!(d.ends_with('…'));
    }
}
