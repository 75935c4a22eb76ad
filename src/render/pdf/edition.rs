//! One issue as the data of its PDF edition: every string the PDF prints, made here, handed to
//! the Typst template as JSON. Typst reads it as data, so no text an editor wrote can become
//! markup or code (`#import`, `#read`…) in the typesetting source.

use crate::content::config::Language;
use crate::render::locale;
use crate::site::{Bulletin, Site};
use serde::Serialize;

/// An item as the PDF prints it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
struct PrintedItem {
    kicker: Option<String>,
    title: String,
    subtitle: Option<String>,
    byline: Option<String>,
    /// The captions of its pictures (the captioned lead image, the gallery's), each with its
    /// credit after it: the PDF prints the words, not the pictures.
    pictures: Vec<String>,
    /// The body's paragraphs as plain text.
    paragraphs: Vec<String>,
}

/// One line of the 报尾.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct Line {
    pub(crate) role: String,
    pub(crate) names: String,
}

/// The PDF edition of one issue, as data.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct Edition {
    /// The document title (metadata).
    pub(crate) title: String,
    /// The red title of the 报头.
    pub(crate) masthead: String,
    /// 第12期（总第345期）.
    pub(crate) number_line: String,
    /// The 专刊 name.
    pub(crate) theme: Option<String>,
    /// 编印单位 (empty without one).
    pub(crate) publisher: String,
    /// 签发人：王某.
    pub(crate) signed_by: Option<String>,
    /// 2022年6月20日.
    pub(crate) issued: String,
    /// 编者按：
    pub(crate) note_label: String,
    /// The 编者按's paragraphs.
    pub(crate) note: Vec<String>,
    items: Vec<PrintedItem>,
    pub(crate) distribution: Vec<Line>,
    pub(crate) copies: Option<String>,
    /// Typst's `lang` and `region` (line breaking and punctuation).
    lang: &'static str,
    region: &'static str,
    /// The font families to set the text in, first choice first.
    fonts: Vec<String>,
}

/// Plain-text paragraphs of a rendered body (`Rendered::text` separates them by `\n`).
fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

impl Edition {
    /// The edition of bulletin `b` of `site`; `note_label` is the theme's "编者按" string,
    /// `families` the fonts found for it.
    pub(crate) fn of(site: &Site, b: &Bulletin, note_label: &str, families: Vec<String>) -> Edition {
        let lang = site.config.language;
        let masthead = site.config.masthead.as_ref();
        let issue = &b.issue;
        let name = masthead
            .and_then(|m| m.name.clone())
            .unwrap_or_else(|| site.config.title.clone());
        let (number, total) = locale::issue_number(lang, &issue.number);
        let number_line = match total {
            Some(t) if lang == Language::ZhCn => format!("{number}（{t}）"),
            Some(t) => format!("{number} ({t})"),
            None => number.clone(),
        };
        let items = site
            .pick(&b.entries)
            .map(|e| {
                let byline = locale::byline(lang, &e.item.byline);
                let byline = match (&e.item.source, byline.is_empty()) {
                    (Some(s), true) => Some(s.clone()),
                    (Some(s), false) => Some(format!("{s} {byline}")),
                    (None, true) => None,
                    (None, false) => Some(byline),
                };
                let pictures = e
                    .item
                    .image
                    .iter()
                    .chain(&e.item.gallery)
                    .map(|p| {
                        [&p.caption, &p.credit]
                            .into_iter()
                            .flatten()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("　")
                    })
                    .filter(|words| !words.is_empty())
                    .collect();
                PrintedItem {
                    pictures,
                    kicker: e.item.headline.kicker.clone(),
                    title: e.item.headline.title.clone(),
                    subtitle: e.item.headline.subtitle.clone(),
                    byline,
                    paragraphs: paragraphs(&e.body.text),
                }
            })
            .collect();
        let signed = match lang {
            Language::ZhCn => "签发人：",
            Language::En => "Signed off by ",
        };
        Edition {
            title: format!("{name} {number} {}", b.date),
            masthead: name,
            number_line,
            theme: issue.title().map(str::to_string),
            publisher: masthead.and_then(|m| m.publisher.clone()).unwrap_or_default(),
            signed_by: issue.signed_by().map(|s| format!("{signed}{s}")),
            issued: locale::date(lang, issue.issued(b.date)),
            note_label: format!("{note_label}："),
            note: paragraphs(&issue.note_text),
            items,
            distribution: issue
                .distribution(masthead)
                .map(|d| {
                    d.lines()
                        .into_iter()
                        .map(|(role, names)| Line {
                            role: role.to_string(),
                            names: names.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            copies: issue.copies(masthead).map(|n| locale::copies(lang, n)),
            lang: match lang {
                Language::ZhCn => "zh",
                Language::En => "en",
            },
            region: match lang {
                Language::ZhCn => "cn",
                Language::En => "us",
            },
            fonts: families,
        }
    }

    /// The data file the template reads.
    pub(crate) fn json(&self) -> Vec<u8> {
        // A struct of strings cannot fail to serialize.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A hash of everything the PDF shows (and the template that lays it out): a PDF is
    /// typeset again only when this changes.
    pub(crate) fn content_hash(&self, fonts: u64) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(super::world::TEMPLATE.as_bytes());
        h.update(&self.json());
        h.update(&fonts.to_le_bytes());
        h.digest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_drop_blank_lines() {
        assert_eq!(paragraphs("一\n\n 二 \n"), vec!["一", "二"]);
    }
}
