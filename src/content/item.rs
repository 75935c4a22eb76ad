//! The validated news item: raw front matter becomes [`Item`] here, the one place where its
//! problems are found. Every problem of a file is collected, each at its file line.

use crate::base::diagnostic::{did_you_mean, Diagnostic};
use crate::base::yaml::Seg;
use crate::content::alias::{self, Alias};
use crate::content::config::Config;
use crate::content::figure::{self, Amount};
use crate::content::frontmatter::{self, Located, RawFigure, RawFrontMatter};
use crate::content::region::{registry, Region};
use crate::content::source::{self, SourceFile};
use crate::ypath;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// The most characters a `short_title:` (and a WeChat article's title) may have.
pub const SHORT_TITLE_CHARS: usize = 32;

/// The paper's time zone (Beijing time), used when a date has no time of its own.
const CHINA_OFFSET_SECS: i32 = 8 * 3600;

/// A headline as printed: 引题 over 主题 over 副题.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Headline {
    /// 引题, the over-line.
    pub kicker: Option<String>,
    /// 主题, the headline itself.
    pub title: String,
    /// 副题, the sub-headline.
    pub subtitle: Option<String>,
}

/// The kind of news item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub enum Kind {
    /// 消息: a news report.
    #[serde(rename = "消息")]
    News,
    /// 通讯: a longer report.
    #[serde(rename = "通讯")]
    Report,
    /// 特写: a feature.
    #[serde(rename = "特写")]
    Feature,
    /// 图片新闻: a photo with caption.
    #[serde(rename = "图片新闻")]
    Photo,
    /// 评论: a commentary.
    #[serde(rename = "评论")]
    Commentary,
}

impl Kind {
    const ALL: [(&'static str, Kind); 5] = [
        ("消息", Kind::News),
        ("通讯", Kind::Report),
        ("特写", Kind::Feature),
        ("图片新闻", Kind::Photo),
        ("评论", Kind::Commentary),
    ];

    /// The name editors write.
    pub fn name(self) -> &'static str {
        Kind::ALL.iter().find(|(_, k)| *k == self).map_or("消息", |(n, _)| n)
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().find(|(n, _)| *n == s).map(|(_, k)| *k)
    }
}

/// Who wrote and photographed the item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Byline {
    /// 记者.
    pub reporters: Vec<String>,
    /// 通讯员.
    pub correspondents: Vec<String>,
    /// 实习生.
    pub interns: Vec<String>,
    /// 摄.
    pub photographers: Vec<String>,
}

impl Byline {
    /// Every name, reporters first.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.reporters
            .iter()
            .chain(&self.correspondents)
            .chain(&self.interns)
            .chain(&self.photographers)
    }
}

/// A topic an item is filed under.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Topic {
    /// As editors write it.
    pub name: String,
    /// Its URL slug.
    pub slug: String,
}

/// A moment of publication: the date, and the exact time when one was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Timestamp {
    /// The calendar date.
    pub date: NaiveDate,
    /// The full time; a bare date counts as midnight Beijing time.
    pub time: DateTime<FixedOffset>,
}

impl Timestamp {
    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (Beijing time) or RFC 3339, with a
    /// four-digit year.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        // chrono also reads `+99999-06-21`; URLs (`news/YYYY/…`), archives and feeds assume four
        // digits.
        let b = s.as_bytes();
        if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
            return None;
        }
        let china = FixedOffset::east_opt(CHINA_OFFSET_SECS)?;
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            let time = china.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single()?;
            return Some(Timestamp { date: d, time });
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(Timestamp {
                date: t.date_naive(),
                time: t,
            });
        }
        for fmt in [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
                let time = china.from_local_datetime(&naive).single()?;
                return Some(Timestamp {
                    date: time.date_naive(),
                    time,
                });
            }
        }
        None
    }
}

/// An image shown with the item, as the editor names it. The file it names, when it is one of
/// the site's, is found later ([`crate::content::image::LeadImage`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Image {
    /// Path (relative to the site) or URL.
    pub src: String,
    /// Alternative text.
    pub alt: String,
    /// What the picture shows, printed under it (图片说明).
    pub caption: Option<String>,
    /// Who took it (本报通讯员 戚良鹏 张婷 摄).
    pub credit: Option<String>,
}

/// A published correction (更正).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Correction {
    /// When it was published.
    pub date: NaiveDate,
    /// What it says.
    pub text: String,
}

/// A figure an item reports, tied to a metric when it is to be added up.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Figure {
    /// The metric key from site.yaml, when the figure is added up.
    pub metric: Option<String>,
    /// What the number counts, when narrower than the metric's label.
    pub label: Option<String>,
    /// The number as written and parsed.
    pub amount: Amount,
    /// The unit as written (人, 万元…), or the metric's unit.
    pub unit: String,
    /// The region the figure counts for, when not the item's.
    pub region: Option<Region>,
    /// The date a "to date" figure refers to.
    pub as_of: NaiveDate,
    /// The value converted to its metric's unit, when it has a metric.
    pub normalized: Option<Decimal>,
}

/// A validated news item.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// Path relative to content/.
    pub rel: PathBuf,
    /// 引题 / 主题 / 副题.
    pub headline: Headline,
    /// Publication date.
    pub date: Timestamp,
    /// Last substantive change (or the newest correction).
    pub updated: Option<Timestamp>,
    /// The issue (期) the item appears in.
    pub bulletin: NaiveDate,
    /// Position within the bulletin.
    pub order: Option<u32>,
    /// Province and locality.
    pub region: Region,
    /// Topics, in the order written.
    pub topics: Vec<Topic>,
    /// 消息, 通讯…
    pub kind: Kind,
    /// 栏目.
    pub column: Option<String>,
    /// 本报讯, 新华社…
    pub source: Option<String>,
    /// Reporters and others.
    pub byline: Byline,
    /// The last part of the URL.
    pub slug: String,
    /// An explicit summary.
    pub summary: Option<String>,
    /// A lead image.
    pub image: Option<Image>,
    /// The pictures of a photo story (`gallery:`), in order.
    pub gallery: Vec<Image>,
    /// The unit that sent the item in (报送单位).
    pub unit: Option<String>,
    /// Who has signed it off (三审). Never shown on a public page: skipped when serialized.
    #[serde(skip)]
    pub review: crate::content::review::Review,
    /// Waiting for its 终审 under `review: required` (and not a draft): left out like a draft
    /// (shown marked 待审 by `serve` and `build --drafts`).
    pub pending: bool,
    /// Left out of builds unless drafts are asked for.
    pub draft: bool,
    /// Corrections, oldest first.
    pub corrections: Vec<Correction>,
    /// Figures the item reports.
    pub figures: Vec<Figure>,
    /// A short headline for feeds and WeChat (`short_title:`, at most
    /// [`SHORT_TITLE_CHARS`] characters).
    pub short_title: Option<String>,
    /// Old addresses that redirect here (`aliases:`), in the order written.
    pub aliases: Vec<Alias>,
    /// Free-form data for templates.
    pub extra: serde_json::Value,
    /// The file line the body starts on.
    pub body_line: usize,
    /// The file line the front matter starts on.
    pub front_line: usize,
}

/// The text an item was parsed from. Each part is shared and freed apart from the other: the
/// body once its HTML is made, the front matter once no diagnostic can point into it.
#[derive(Clone, Debug)]
pub struct Text {
    /// The front matter as written (the YAML between the `---` lines), read again only to
    /// place a diagnostic at a figure or at the image.
    pub front: Arc<str>,
    /// The Markdown body.
    pub body: Arc<str>,
}

/// A content file read: the validated item and the text it came from.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// What the editor wrote, validated.
    pub item: Item,
    /// The front matter and body as written.
    pub text: Text,
}

/// The file line of each of `item`'s figures, from the front matter it was parsed from (1 for a
/// figure not found there). Positions are sought only when a diagnostic needs one, so the front
/// matter is not parsed a second time for every item; then all at once, since an item with
/// 3,000 figures none of which is in the text would otherwise parse it 3,000 times.
pub fn figure_lines(item: &Item, front: &str) -> Vec<usize> {
    let all = crate::base::yaml::positions(front);
    (0..item.figures.len())
        .map(|i| {
            all.get(crate::ypath!["figures", i].as_slice())
                .map_or(1, |(l, _)| l + item.front_line - 1)
        })
        .collect()
}

/// Reads a content file into an [`Item`] and its [`Text`], or every problem it has.
pub fn parse(file: &SourceFile, config: &Config) -> Result<Parsed, Vec<Diagnostic>> {
    let split = source::split(&file.text)
        .map_err(|(line, msg, hint)| vec![Diagnostic::error(&file.path, line, 1, msg).with_hint(hint)])?;
    let loc = Located::new(split.front, split.front_line, &file.path);
    // Problems of shape (an unknown field, a wrong type) and of content are reported together.
    let (raw, mut problems) = frontmatter::parse(&loc)?;
    let item = match validate(raw, &loc, file, split.body_line, config) {
        Ok(item) if problems.is_empty() => item,
        Ok(_) => return Err(problems),
        Err(found) => {
            problems.extend(found);
            return Err(problems);
        }
    };
    Ok(Parsed {
        item,
        text: Text {
            front: Arc::from(split.front),
            body: Arc::from(split.body),
        },
    })
}

/// The pictures a content file names (`image:`, then each `gallery:` picture's `src`) and the
/// file line each is named on, read from the front matter alone: for a file that fails
/// validation, whose broken pictures are then reported with its other problems rather than
/// after they are fixed.
pub fn named_images(file: &SourceFile) -> Vec<(String, usize)> {
    let Ok(split) = source::split(&file.text) else {
        return Vec::new();
    };
    // serde_yaml is quadratic on deep nesting: only a text yaml_rust2 vouches for is read.
    let readable = crate::base::yaml::surely_shallow(split.front)
        || crate::base::yaml::shape(split.front) == crate::base::yaml::Shape::Fine;
    if !readable {
        return Vec::new();
    }
    let Ok(front) = crate::base::yaml::from_str::<crate::base::yaml::Value>(split.front) else {
        return Vec::new();
    };
    let mut named = Vec::new();
    let mut name = |value: Option<&crate::base::yaml::Value>, path: &[Seg]| {
        let Some(src) = value.and_then(crate::base::yaml::Value::as_str).map(str::trim) else {
            return;
        };
        if let (false, Some((line, _))) = (src.is_empty(), crate::base::yaml::locate(split.front, path)) {
            named.push((src.to_string(), line + split.front_line - 1));
        }
    };
    name(front.get("image"), &ypath!["image"]);
    if let Some(pictures) = front.get("gallery").and_then(crate::base::yaml::Value::as_sequence) {
        for (i, p) in pictures.iter().enumerate() {
            name(p.get("src"), &ypath!["gallery", i]);
        }
    }
    named
}

struct Checker<'a, 'b> {
    loc: &'a Located<'b>,
    diags: Vec<Diagnostic>,
    /// Fields already reported as ill-formed, so not reported missing.
    broken: &'a frontmatter::Broken,
}

impl Checker<'_, '_> {
    fn error(&mut self, path: impl AsRef<[Seg]>, message: String, hint: &str) {
        let mut d = self.loc.error(path.as_ref(), message);
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        self.diags.push(d);
    }

    fn required(&mut self, value: Option<String>, field: &str, hint: &str) -> Option<String> {
        match value {
            Some(v) if !v.trim().is_empty() => Some(v.trim().to_string()),
            Some(_) => {
                self.error(ypath![field], format!("`{field}` is empty"), hint);
                None
            }
            None if self.broken.field(field) => None,
            None => {
                let d = Diagnostic::error(
                    self.loc.path,
                    self.loc.first_line.saturating_sub(1).max(1),
                    1,
                    format!("missing required field `{field}`"),
                )
                .with_hint(hint);
                self.diags.push(d);
                None
            }
        }
    }

    fn date(&mut self, value: Option<&str>, path: impl AsRef<[Seg]>) -> Option<Timestamp> {
        let v = value?;
        let t = Timestamp::parse(v);
        if t.is_none() {
            self.error(
                path,
                format!("`{v}` is not a date"),
                "write dates as YYYY-MM-DD (2022-06-20) or RFC 3339 (2022-06-20T08:00:00+08:00), with a four-digit year",
            );
        }
        t
    }

    fn region(&mut self, value: &str, path: impl AsRef<[Seg]>) -> Option<Region> {
        match registry().parse(value) {
            Ok(r) => Some(r),
            Err(e) => {
                let hint = e.hint();
                self.error(path, e.to_string(), &hint);
                None
            }
        }
    }
}

fn optional(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn validate(
    mut raw: RawFrontMatter,
    loc: &Located<'_>,
    file: &SourceFile,
    body_line: usize,
    config: &Config,
) -> Result<Item, Vec<Diagnostic>> {
    let broken = std::mem::take(&mut raw.broken);
    let mut c = Checker {
        loc,
        diags: Vec::new(),
        broken: &broken,
    };
    let title = c.required(
        raw.title,
        "title",
        "add the headline (主题), e.g. `title: 全国工会积极稳妥开展基层蹲点工作`",
    );
    let date_text = c.required(raw.date, "date", "add `date: YYYY-MM-DD`");
    let region_text = c.required(
        raw.region,
        "region",
        "add the province, e.g. `region: 山东` or `region: 全国`",
    );

    let date = c.date(date_text.as_deref(), ypath!["date"]);
    let updated = c.date(raw.updated.as_deref(), ypath!["updated"]);
    let bulletin = c.date(raw.bulletin.as_deref(), ypath!["bulletin"]).map(|t| t.date);
    let region = region_text.as_deref().and_then(|r| c.region(r, ypath!["region"]));

    let kind = match raw.kind.as_deref().map(str::trim) {
        None | Some("") => Kind::News,
        Some(k) => Kind::parse(k).unwrap_or_else(|| {
            let names = Kind::ALL.map(|(n, _)| n);
            c.error(
                ypath!["kind"],
                format!("unknown kind `{k}`"),
                &format!("kind is one of {}", names.join(", ")),
            );
            Kind::News
        }),
    };

    let mut topics = Vec::new();
    for (i, name) in raw.topics.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let slug = match &config.topics {
            Some(defs) => match defs.iter().find(|t| t.name == name) {
                Some(t) => t.slug.clone(),
                None => {
                    let hint = match did_you_mean(name, defs.iter().map(|t| t.name.as_str())) {
                        Some(s) => format!("did you mean `{s}`? topics are listed in site.yaml"),
                        None => format!(
                            "site.yaml lists the topics: {}",
                            defs.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    c.error(ypath!["topics", i], format!("unknown topic `{name}`"), &hint);
                    continue;
                }
            },
            None => crate::base::slug::slugify(name),
        };
        if slug.is_empty() {
            c.error(
                ypath!["topics", i],
                format!("topic `{name}` gives an empty URL slug"),
                "use letters or Chinese characters in topic names",
            );
            continue;
        }
        match topics.iter().find(|t: &&Topic| t.slug == slug) {
            None => topics.push(Topic {
                name: name.to_string(),
                slug,
            }),
            // The same topic twice counts once; two topics with one slug would share a page.
            Some(t) if t.name == name => {}
            Some(t) => {
                let other = t.name.clone();
                c.error(
                    ypath!["topics", i],
                    format!("topics `{other}` and `{name}` have the same URL slug `{slug}`: they would share one page"),
                    &format!("give one of them a slug of its own under `topics:` in site.yaml, e.g. `{name}: {{ slug: {slug}-2 }}`"),
                );
            }
        }
    }

    let slug = match raw.slug.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => {
            if crate::base::slug::is_valid(s) {
                s.to_string()
            } else {
                let suggestion = crate::base::slug::slugify(s);
                let hint = if suggestion.is_empty() {
                    "a slug is lowercase ASCII letters, digits and `-`".to_string()
                } else {
                    format!("a slug is lowercase ASCII letters, digits and `-`; try `{suggestion}`")
                };
                c.error(ypath!["slug"], format!("slug `{s}` is not a plain URL slug"), &hint);
                String::new()
            }
        }
        _ => title.as_deref().map(crate::base::slug::slugify).unwrap_or_default(),
    };
    if slug.is_empty() && title.is_some() && c.diags.is_empty() {
        c.error(
            ypath!["title"],
            "cannot derive a URL slug from the title".into(),
            "add `slug:` with a short ASCII name",
        );
    }

    let caption = optional(raw.image_caption);
    let credit = optional(raw.image_credit);
    let image = optional(raw.image).map(|src| Image {
        src,
        alt: optional(raw.image_alt.clone()).unwrap_or_default(),
        caption: caption.clone(),
        credit: credit.clone(),
    });
    if image.as_ref().is_some_and(|i| i.alt.is_empty()) {
        c.error(
            ypath!["image"],
            "an image needs alternative text".into(),
            "add `image_alt:` describing the picture for readers who cannot see it",
        );
    }
    if image.is_none() && !broken.field("image") {
        for (field, given) in [("image_caption", &caption), ("image_credit", &credit)] {
            if given.is_some() {
                c.error(
                    ypath![field],
                    format!("`{field}` goes with a lead image, and there is no `image:`"),
                    "add `image:` with the picture, or put the caption and credit on a `gallery:` picture",
                );
            }
        }
    }
    let gallery = gallery(&mut c, raw.gallery, &broken.gallery);

    let unit = optional(raw.unit);
    if let (Some(name), Some(units)) = (&unit, &config.units) {
        if let Some((message, hint)) = crate::content::unit::unknown(name, units) {
            c.error(ypath!["unit"], message, &hint);
        }
    }
    let review = crate::content::review::Review::from_raw(raw.review);
    let draft = raw.draft.unwrap_or(false);
    // A draft is not yet sent for review: it is a draft, not 待审.
    let pending = config.review == crate::content::review::ReviewRule::Required && review.final_.is_none() && !draft;

    let mut corrections = Vec::new();
    for (i, rc) in raw.corrections.into_iter().enumerate() {
        if broken.corrections.contains(&i) {
            continue;
        }
        let d = c.date(rc.date.as_deref(), ypath!["corrections", i, "date"]);
        let text = optional(rc.text);
        match (d, text) {
            (Some(d), Some(text)) => corrections.push(Correction { date: d.date, text }),
            (None, _) if rc.date.is_none() => {
                c.error(ypath!["corrections", i], "a correction needs a `date`".into(), "")
            }
            (_, None) => c.error(ypath!["corrections", i], "a correction needs a `text`".into(), ""),
            _ => {}
        }
    }
    corrections.sort_by_key(|c| c.date);

    let item_date = date.map(|d| d.date);
    let mut figures = Vec::new();
    for (i, rf) in raw.figures.into_iter().enumerate() {
        if broken.figures.contains(&i) {
            // Reported already; left out of the statistics, since this build fails anyway.
            continue;
        }
        if let Some(f) = figure(&mut c, i, rf, item_date, config) {
            figures.push(f);
        }
    }

    let byline = raw.byline.map(|b| Byline {
        reporters: clean_names(b.reporters),
        correspondents: clean_names(b.correspondents),
        interns: clean_names(b.interns),
        photographers: clean_names(b.photographers),
    });

    let extra = match raw.extra {
        Some(v) => serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
        None => serde_json::Value::Object(Default::default()),
    };

    let short_title = optional(raw.short_title);
    if let Some(s) = &short_title {
        let n = s.chars().count();
        if n > SHORT_TITLE_CHARS {
            c.error(
                ypath!["short_title"],
                format!("`short_title` has {n} characters; at most {SHORT_TITLE_CHARS} are allowed"),
                "shorten it: it stands in for the headline where space is short (feeds, WeChat)",
            );
        }
    }

    let mut aliases: Vec<Alias> = Vec::new();
    for (i, written) in raw.aliases.iter().enumerate() {
        let at = ypath!["aliases", i];
        match alias::parse(written.trim()) {
            // The same alias twice in one item is one redirect.
            Ok(path) if aliases.iter().any(|a| a.path == path) => {}
            Ok(path) => {
                let (line, column) = loc.at(&at);
                aliases.push(Alias { path, line, column });
            }
            Err((message, hint)) => c.error(at, message, &hint),
        }
    }

    if !c.diags.is_empty() {
        return Err(c.diags);
    }
    let (Some(title), Some(date), Some(region)) = (title, date, region) else {
        // A required field left out for a problem already reported says nothing new.
        if ["title", "date", "region"].iter().any(|f| broken.field(f)) {
            return Err(Vec::new());
        }
        return Err(vec![Diagnostic::error(&file.path, 1, 1, "incomplete front matter")]);
    };
    // A correction is a substantive change: it moves `updated` forward.
    let newest_correction = corrections.last().and_then(|c| Timestamp::parse(&c.date.to_string()));
    let updated = match (updated, newest_correction) {
        (Some(u), Some(c)) => Some(u.max(c)),
        (u, c) => u.or(c),
    };
    Ok(Item {
        path: file.path.clone(),
        rel: file.rel.clone(),
        headline: Headline {
            kicker: optional(raw.kicker),
            title,
            subtitle: optional(raw.subtitle),
        },
        bulletin: bulletin.unwrap_or(date.date),
        date,
        updated,
        order: raw.order,
        region,
        topics,
        kind,
        column: optional(raw.column),
        source: optional(raw.source),
        byline: byline.unwrap_or_default(),
        slug,
        summary: optional(raw.summary),
        image,
        gallery,
        unit,
        review,
        pending,
        draft,
        corrections,
        figures,
        short_title,
        aliases,
        extra,
        body_line,
        front_line: loc.first_line,
    })
}

/// xxh3 of a source file's path and text: an incremental rebuild keeps it with what the file
/// parsed to, and the same hash means the same item.
pub(crate) fn source_hash(file: &SourceFile) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(file.path.to_string_lossy().as_bytes());
    h.update(&[0]);
    h.update(file.text.as_bytes());
    h.digest()
}

/// The pictures of `gallery:`, each with its `src` and `alt` (an error at the picture's line
/// when either is missing); `broken` are those already reported.
fn gallery(c: &mut Checker<'_, '_>, raw: Vec<frontmatter::RawPicture>, broken: &[usize]) -> Vec<Image> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, p) in raw.into_iter().enumerate() {
        if broken.contains(&i) {
            continue;
        }
        let src = optional(p.src);
        let alt = optional(p.alt);
        if src.is_none() {
            c.error(
                ypath!["gallery", i],
                format!("gallery picture {} has no `src`", i + 1),
                "name the picture's file (photos/a.jpg, under static/ or beside the item) or its URL",
            );
        }
        if alt.is_none() {
            c.error(
                ypath!["gallery", i],
                format!("gallery picture {} needs alternative text", i + 1),
                "add `alt:` describing the picture for readers who cannot see it",
            );
        }
        if let (Some(src), Some(alt)) = (src, alt) {
            out.push(Image {
                src,
                alt,
                caption: optional(p.caption),
                credit: optional(p.credit),
            });
        }
    }
    out
}

fn clean_names(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

fn figure(
    c: &mut Checker<'_, '_>,
    i: usize,
    rf: RawFigure,
    item_date: Option<NaiveDate>,
    config: &Config,
) -> Option<Figure> {
    let Some(value_text) = optional(rf.value) else {
        c.error(
            ypath!["figures", i],
            "a figure needs a `value`".into(),
            "write the number as the text does: 6283, 1.5万, 2900余万, 约30万",
        );
        return None;
    };
    let amount = match figure::parse_amount(&value_text) {
        Ok(a) => Some(a),
        Err(msg) => {
            c.error(ypath!["figures", i, "value"], msg, "");
            None
        }
    };
    let metric = optional(rf.metric);
    let label = optional(rf.label);
    let metric_def = match &metric {
        Some(key) => match config.metric(key) {
            Some(m) => Some(m),
            None => {
                let hint = match did_you_mean(key, config.metrics.iter().map(|m| m.key.as_str())) {
                    Some(s) => format!("did you mean `{s}`? metrics are declared in site.yaml"),
                    None if config.metrics.is_empty() => {
                        "site.yaml declares no metrics; add one under `metrics:`".to_string()
                    }
                    None => format!(
                        "site.yaml declares: {}",
                        config
                            .metrics
                            .iter()
                            .map(|m| m.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                c.error(ypath!["figures", i, "metric"], format!("unknown metric `{key}`"), &hint);
                return None;
            }
        },
        None => {
            if label.is_none() {
                c.error(
                    ypath!["figures", i],
                    "a figure without `metric` needs a `label`".into(),
                    "say what the number counts, e.g. `label: 粉丝`, or tie it to a metric",
                );
                return None;
            }
            None
        }
    };
    let region = match optional(rf.region) {
        Some(r) => Some(c.region(&r, ypath!["figures", i, "region"])?),
        None => None,
    };
    let as_of = match rf.as_of.as_deref() {
        Some(s) => c.date(Some(s), ypath!["figures", i, "as_of"])?.date,
        None => item_date?,
    };
    let amount = amount?;
    let unit = match (optional(rf.unit), metric_def) {
        (Some(u), _) => u,
        (None, _) if amount.percent => "%".to_string(),
        (None, Some(m)) => m.unit.clone(),
        (None, None) => String::new(),
    };
    let normalized = match metric_def {
        Some(m) => {
            let from = if amount.percent { "%" } else { unit.as_str() };
            match figure::convert(amount.value, from, &m.unit) {
                Some(v) => Some(v),
                None => {
                    c.error(
                        ypath!["figures", i, "unit"],
                        format!(
                            "unit `{from}` cannot be added to metric `{}`, counted in `{}`",
                            m.key, m.unit
                        ),
                        &format!(
                            "give the figure in {} (or 万{}), or tie it to another metric",
                            m.unit, m.unit
                        ),
                    );
                    return None;
                }
            }
        }
        None => None,
    };
    Some(Figure {
        metric,
        label,
        amount,
        unit,
        region,
        as_of,
        normalized,
    })
}
