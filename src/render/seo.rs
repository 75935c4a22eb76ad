//! Metadata for search engines and news aggregators: Open Graph and Twitter card tags for
//! every page, JSON-LD `NewsArticle` for item pages, and the Google News sitemap of recent
//! items. Built with serde, so every string is escaped,
//! and with `<`, `>`, `&` written as JSON escapes so nothing can close the `<script>` it sits in.

use crate::base::escape::escape_html;
use crate::base::escape::escape_json_markup;
use crate::base::escape::escape_xml as escape;
use crate::render::view::{PageMeta, SiteView};
use crate::site::{Entry, Site};
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt::Write;

#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct CorrectionComment<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: &'a str,
    #[serde(rename = "datePublished")]
    date_published: String,
}

#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    #[serde(rename = "alternativeHeadline", skip_serializing_if = "Option::is_none")]
    alternative_headline: Option<&'a str>,
    description: &'a str,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "inLanguage")]
    in_language: &'static str,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: String,
    url: String,
    author: Vec<Thing<'a>>,
    publisher: Thing<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<Images<'a>>,
    #[serde(rename = "contentLocation")]
    content_location: Thing<'a>,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    article_section: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    correction: Vec<CorrectionComment<'a>>,
    #[serde(rename = "isPartOf", skip_serializing_if = "Option::is_none")]
    is_part_of: Option<PublicationIssue<'a>>,
}

/// A picture an item page shows, for its JSON-LD: its absolute URL, caption and credit.
#[derive(Clone, Debug)]
pub(crate) struct Picture<'a> {
    pub(crate) url: String,
    pub(crate) caption: Option<&'a str>,
    pub(crate) credit: Option<&'a str>,
}

/// An article's `image`: the lead image's URL alone, as before captions, when it is the only
/// picture and has neither caption nor credit; else every picture as an `ImageObject`.
#[derive(Serialize)]
#[serde(untagged)]
enum Images<'a> {
    Url(&'a str),
    Objects(Vec<ImageObject<'a>>),
}

#[derive(Serialize)]
struct ImageObject<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: &'a str,
    #[serde(rename = "contentUrl")]
    content_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(rename = "creditText", skip_serializing_if = "Option::is_none")]
    credit_text: Option<&'a str>,
}

fn images<'a>(pictures: &'a [Picture<'a>]) -> Option<Images<'a>> {
    match pictures {
        [] => None,
        [only] if only.caption.is_none() && only.credit.is_none() => Some(Images::Url(&only.url)),
        all => Some(Images::Objects(
            all.iter()
                .map(|p| ImageObject {
                    kind: "ImageObject",
                    url: &p.url,
                    content_url: &p.url,
                    caption: p.caption,
                    credit_text: p.credit,
                })
                .collect(),
        )),
    }
}

/// The issue (期) an item appears in.
#[derive(Serialize)]
struct PublicationIssue<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    /// 12, or 增刊1 for a supplement.
    #[serde(rename = "issueNumber")]
    issue_number: serde_json::Value,
    /// 第12期（总第345期）.
    name: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    url: String,
    #[serde(rename = "isPartOf")]
    is_part_of: Thing<'a>,
}

/// An issue's number and name as labels say it: 第12期（总第345期）.
pub(crate) fn issue_label(lang: crate::content::config::Language, b: &crate::site::Bulletin) -> String {
    let (number, total) = crate::render::locale::issue_number(lang, &b.issue.number);
    match (total, lang) {
        (Some(t), crate::content::config::Language::ZhCn) => format!("{number}（{t}）"),
        (Some(t), crate::content::config::Language::En) => format!("{number} ({t})"),
        (None, _) => number,
    }
}

/// The Open Graph, Twitter card and article time `<meta>` tags of a page (`page.social`),
/// like Hugo's internal opengraph and twitter_cards templates: the same for every theme, and
/// made in Rust because a dozen template lookups per page cost more than the rest of the head.
/// Themes that want other tags write their own from the `page` fields.
pub(crate) fn social_tags(site: &SiteView, page: &PageMeta) -> String {
    let mut out = String::with_capacity(640);
    let mut tag = |attr: &str, name: &str, content: &str| {
        let _ = writeln!(out, r#"<meta {attr}="{name}" content="{}">"#, escape_html(content));
    };
    tag("property", "og:type", page.og_type);
    tag("property", "og:site_name", &site.title);
    tag(
        "property",
        "og:title",
        if page.title.is_empty() {
            &site.title
        } else {
            &page.title
        },
    );
    tag("property", "og:url", &page.permalink);
    tag("property", "og:locale", &site.og_locale);
    if !page.description.is_empty() {
        tag("property", "og:description", &page.description);
    }
    match &page.image {
        Some(image) => {
            tag("property", "og:image", image);
            tag("name", "twitter:card", "summary_large_image");
        }
        None => tag("name", "twitter:card", "summary"),
    }
    if let Some(t) = &page.published {
        tag("property", "article:published_time", t);
    }
    if let Some(t) = &page.modified {
        tag("property", "article:modified_time", t);
    }
    out
}

/// The JSON-LD `NewsArticle` of an item page; `pictures` are the lead image and the gallery's.
pub(crate) fn news_article(site: &Site, e: &Entry, pictures: &[Picture<'_>]) -> String {
    let it = &e.item;
    let mut author: Vec<Thing> = it
        .byline
        .names()
        .map(|n| Thing {
            kind: "Person",
            name: n,
            url: None,
        })
        .collect();
    if author.is_empty() {
        author.push(Thing {
            kind: "Organization",
            name: it.source.as_deref().unwrap_or(&site.config.title),
            url: None,
        });
    }
    let location = it.region.display();
    let url = site.urls.absolute(&e.path);
    let article = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        headline: &it.headline.title,
        alternative_headline: it.headline.subtitle.as_deref(),
        description: &e.summary,
        date_published: it.date.time.to_rfc3339(),
        date_modified: it.updated.unwrap_or(it.date).time.to_rfc3339(),
        in_language: site.config.language.tag(),
        main_entity_of_page: url.clone(),
        url,
        author,
        publisher: Thing {
            kind: "Organization",
            name: &site.config.title,
            url: Some(site.urls.base_url().to_string()),
        },
        image: images(pictures),
        content_location: Thing {
            kind: "Place",
            name: &location,
            url: None,
        },
        article_section: it.column.as_deref(),
        keywords: it.topics.iter().map(|t| t.name.as_str()).collect(),
        correction: it
            .corrections
            .iter()
            .map(|c| CorrectionComment {
                kind: "CorrectionComment",
                text: &c.text,
                date_published: c.date.to_string(),
            })
            .collect(),
        is_part_of: site.issue_of(it.bulletin).map(|b| PublicationIssue {
            kind: "PublicationIssue",
            issue_number: if b.issue.number.supplement {
                serde_json::Value::from(format!("增刊{}", b.issue.number.number))
            } else {
                serde_json::Value::from(b.issue.number.number)
            },
            name: issue_label(site.config.language, b),
            date_published: b.issue.issued(b.date).to_string(),
            url: site.urls.absolute(&crate::site::urls::bulletin(b.date)),
            is_part_of: Thing {
                kind: "Periodical",
                name: site
                    .config
                    .masthead
                    .as_ref()
                    .and_then(|m| m.name.as_deref())
                    .unwrap_or(&site.config.title),
                url: Some(site.urls.base_url().to_string()),
            },
        }),
    };
    let json = serde_json::to_vec(&article).unwrap_or_default();
    String::from_utf8(escape_json_markup(json)).unwrap_or_default()
}

/// The Google News sitemap: items published within two days of `today`.
pub(crate) fn news_sitemap(site: &Site, today: NaiveDate) -> String {
    let since = today - chrono::Duration::days(2);
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for e in site
        .entries
        .iter()
        .filter(|e| e.item.date.date >= since && e.item.date.date <= today)
    {
        let _ = writeln!(
            x,
            "  <url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name><news:language>{}</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>",
            escape(&site.urls.absolute(&e.path)),
            escape(&site.config.title),
            if site.config.language.tag() == "zh-CN" { "zh-cn" } else { "en" },
            e.item.date.time.to_rfc3339(),
            escape(&e.item.headline.title)
        );
    }
    x.push_str("</urlset>\n");
    x
}
