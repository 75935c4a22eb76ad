//! The inline styles of the exports, made for phone reading (16 px, line height 1.75 and
//! more, a two-character first-line indent for Chinese paragraphs), and absolute URLs: neither
//! WeChat nor a mail client knows the site the text came from.

use crate::base::FastMap;
use crate::content::markdown::{InlineStyles, Resolved};
use crate::site::assemble::{file_key, resolve_link};
use crate::site::Site;
use std::path::Path;

/// The body text of both exports.
pub(crate) const TEXT: &str = "font-size:16px;line-height:1.75;color:#222222;";

/// Article bodies as WeChat and mail clients show them.
pub(crate) const BODY: InlineStyles = InlineStyles {
    paragraph: "margin:0 0 1em 0;text-indent:2em;font-size:16px;line-height:1.75;color:#222222;text-align:justify;",
    plain: "margin:0 0 0.5em 0;font-size:16px;line-height:1.75;color:#222222;",
    heading: "margin:1.5em 0 0.75em 0;font-size:17px;line-height:1.75;font-weight:bold;color:#111111;",
    quote: "margin:0 0 1em 0;padding:0 0 0 1em;border-left:3px solid #cccccc;color:#555555;",
    list: "margin:0 0 1em 0;padding:0 0 0 2em;font-size:16px;line-height:1.75;color:#222222;",
    item: "margin:0 0 0.25em 0;font-size:16px;line-height:1.75;",
    pre: "margin:0 0 1em 0;padding:0.75em;background:#f5f5f5;font-size:14px;line-height:1.75;white-space:pre-wrap;word-break:break-all;",
    code: "font-family:monospace;font-size:14px;background:#f5f5f5;",
    table: "margin:0 0 1em 0;border-collapse:collapse;width:100%;font-size:15px;line-height:1.75;",
    th: "border:1px solid #cccccc;padding:4px 6px;font-weight:bold;background:#f5f5f5;text-align:left;",
    td: "border:1px solid #cccccc;padding:4px 6px;text-align:left;",
    image: "display:block;max-width:100%;height:auto;margin:0 auto 1em auto;",
    strong: "font-weight:bold;",
    em: "font-style:italic;",
    del: "text-decoration:line-through;",
    link: "color:#576b95;",
    mark: "font-size:12px;line-height:1;color:#576b95;",
    rule: "margin:1.5em 0;border:0;border-top:1px solid #dddddd;",
};

/// The 引题 and 副题 over and under a headline.
pub(crate) const DECK: &str = "margin:0 0 0.5em 0;font-size:15px;line-height:1.75;color:#555555;";
/// The source and byline (本报讯 记者 王芳).
pub(crate) const BYLINE: &str = "margin:0 0 1em 0;font-size:14px;line-height:1.75;color:#888888;";
/// A picture with its caption (a captioned lead image, a gallery's).
pub(crate) const FIGURE: &str = "margin:0 0 1em 0;padding:0;text-align:center;";
/// A picture inside [`FIGURE`].
pub(crate) const FIGURE_IMAGE: &str = "display:block;max-width:100%;height:auto;margin:0 auto;";
/// Its caption and credit (图片说明, 摄影), caption first.
pub(crate) const FIGCAPTION: &str =
    "margin:0.5em 0 0 0;font-size:14px;line-height:1.75;color:#888888;text-align:center;text-indent:0;";
/// The heading of the notes that links became.
pub(crate) const NOTES_HEAD: &str =
    "margin:1.5em 0 0.5em 0;font-size:14px;line-height:1.75;font-weight:bold;color:#888888;";
/// One note: `[1] 全总：https://…`.
pub(crate) const NOTE: &str = "margin:0 0 0.25em 0;font-size:13px;line-height:1.75;color:#888888;word-break:break-all;";

/// Makes link destinations absolute for the exports: a link to another item's file becomes
/// that item's page, a path becomes a URL under the site; `#…` and unsafe schemes have none.
pub(crate) struct Absolute<'a> {
    site: &'a Site,
    by_file: FastMap<String, String>,
    origin: String,
}

impl<'a> Absolute<'a> {
    /// For the published items of `site`.
    pub(crate) fn new(site: &'a Site) -> Absolute<'a> {
        let by_file = site
            .entries
            .iter()
            .map(|e| (file_key(&e.item.rel), site.urls.link(&e.path)))
            .collect();
        let base = site.urls.base_url();
        let origin = base
            .strip_suffix(site.urls.base_path())
            .unwrap_or(base.trim_end_matches('/'))
            .to_string();
        Absolute { site, by_file, origin }
    }

    /// A root-relative link (`/b/news/…`) as a URL.
    pub(crate) fn link(&self, link: &str) -> String {
        if link.contains("://") {
            link.to_string()
        } else if link.starts_with('/') {
            format!("{}{link}", self.origin)
        } else {
            self.site.urls.absolute(link)
        }
    }

    /// The URL of `dest`, written in the item at `from` (content-relative) whose page is
    /// `page` (`news/2022/06/20/slug/`); None when it leads nowhere outside the text.
    pub(crate) fn resolve(&self, from: &Path, page: &str, dest: &str) -> Option<String> {
        let dest = dest.trim();
        let lower = dest.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:") {
            return Some(dest.to_string());
        }
        if dest.is_empty() || dest.starts_with('#') || (lower.contains(':') && !lower.starts_with("@/")) {
            return None;
        }
        match resolve_link(from, dest, &self.by_file) {
            Resolved::Rewrite(link) => Some(self.link(&link)),
            Resolved::Missing => None,
            Resolved::Keep if dest.starts_with('/') => Some(self.link(dest)),
            Resolved::Keep => Some(format!("{}{dest}", self.site.urls.absolute(page))),
        }
    }
}
