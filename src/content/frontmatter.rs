//! The raw shape of an item's front matter, exactly as editors write it, and its parsing
//! with serde_yaml: unknown fields are rejected with a "did you mean", and every position is
//! turned from a line of the YAML block into a line of the file.
//!
//! These types stay inside the crate: [`crate::content::item`] validates them into the domain model.

use crate::base::diagnostic::{did_you_mean, Diagnostic};
use crate::base::yaml::{self, Seg};
use crate::content::schema;
use schemars::JsonSchema;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};
use std::cell::OnceCell;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// Front matter as written; every field optional so that missing ones get our own message.
/// The doc comments of its fields are the descriptions of `bulletin schema item`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "The front matter of a news item: the YAML between the `---` lines at the top of a file under content/.",
    extend("required" = ["title", "date", "region"])
)]
pub(crate) struct RawFrontMatter {
    /// 主题: the headline. Required.
    pub title: Option<String>,
    /// 引题: the over-line above the headline.
    pub kicker: Option<String>,
    /// 副题: the sub-headline below it.
    pub subtitle: Option<String>,
    /// The item's date: YYYY-MM-DD, or RFC 3339 for a time of day. Required.
    #[serde(default, deserialize_with = "scalar")]
    #[schemars(schema_with = "schema::date")]
    pub date: Option<String>,
    /// The issue (期) the item appears in, by its date (YYYY-MM-DD); default: the item's date.
    #[serde(default, deserialize_with = "scalar")]
    #[schemars(schema_with = "schema::date")]
    pub bulletin: Option<String>,
    /// The item's position within its issue.
    pub order: Option<u32>,
    /// Where it happened: a province-level name (山东, 山东省, shandong, 全国), optionally with a
    /// city or county (山东莱西, 陕西西安碑林区). Required.
    pub region: Option<String>,
    /// Topics: one, or a list (`[基层蹲点, 劳模服务]`); checked against site.yaml's `topics:`
    /// when it lists them.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(schema_with = "schema::one_or_many")]
    pub topics: Vec<String>,
    /// The kind of item; default 消息.
    #[schemars(with = "Option<crate::content::item::Kind>")]
    pub kind: Option<String>,
    /// 栏目: the rubric.
    pub column: Option<String>,
    /// The source line (本报讯, 新华社…).
    pub source: Option<String>,
    /// Who wrote and photographed it.
    pub byline: Option<RawByline>,
    /// The URL slug (ASCII: a-z, 0-9, -); default: the pinyin of the title.
    pub slug: Option<String>,
    /// A summary for lists, feeds and search engines; default: the opening of the body.
    pub summary: Option<String>,
    /// The lead image: a path under the site (static/…) or a URL; needs `image_alt`.
    pub image: Option<String>,
    /// The lead image's text alternative, for readers who cannot see it.
    pub image_alt: Option<String>,
    /// The lead image's caption, shown under it.
    pub image_caption: Option<String>,
    /// The lead image's credit (本报通讯员 戚良鹏 张婷 摄).
    pub image_credit: Option<String>,
    /// A photo story's pictures, each with `src` and `alt` and an optional caption and credit.
    #[serde(default)]
    pub gallery: Vec<RawPicture>,
    /// The unit that sent the item (报送单位), one of site.yaml's `units:` when it lists them.
    pub unit: Option<String>,
    /// Who has signed the item off (初审, 复审, 终审); with `review: required` in site.yaml an
    /// item is published only once `final` is set.
    pub review: Option<RawReview>,
    /// A draft is left out unless built with --drafts.
    pub draft: Option<bool>,
    /// The date of the last substantive change (YYYY-MM-DD or RFC 3339).
    #[serde(default, deserialize_with = "scalar")]
    #[schemars(schema_with = "schema::date")]
    pub updated: Option<String>,
    /// Published corrections (更正), newest last.
    #[serde(default)]
    pub corrections: Vec<RawCorrection>,
    /// Numbers the item reports, added up in statistics when they name a metric.
    #[serde(default)]
    pub figures: Vec<RawFigure>,
    /// A shorter headline for feeds and 公众号 (at most 32 characters).
    pub short_title: Option<String>,
    /// Old addresses of the item (site paths such as /2019/06/old.html or /news/old/), each
    /// given a page that redirects here.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(schema_with = "schema::one_or_many")]
    pub aliases: Vec<String>,
    /// Anything else, for templates.
    #[schemars(with = "serde_json::Value")]
    pub extra: Option<yaml::Value>,
    /// What was left out for a problem already reported (not part of the YAML).
    #[serde(skip)]
    pub broken: Broken,
}

/// The parts of a front matter left out because of a problem already reported, so that no
/// second message follows from the first (a misspelt `regoin` is not also a missing `region`).
#[derive(Debug, Default)]
pub(crate) struct Broken {
    /// Top-level fields left out, or meant by a misspelt key.
    pub fields: Vec<String>,
    /// Figures (by index) left out.
    pub figures: Vec<usize>,
    /// Corrections (by index) left out.
    pub corrections: Vec<usize>,
    /// Gallery pictures (by index) left out.
    pub gallery: Vec<usize>,
}

impl Broken {
    /// Whether the top-level field `name` was left out.
    pub(crate) fn field(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f == name)
    }
}

/// The top-level fields, for "did you mean".
pub(crate) const FIELDS: &[&str] = &[
    "title",
    "kicker",
    "subtitle",
    "date",
    "bulletin",
    "order",
    "region",
    "topics",
    "kind",
    "column",
    "source",
    "byline",
    "slug",
    "summary",
    "image",
    "image_alt",
    "image_caption",
    "image_credit",
    "gallery",
    "unit",
    "review",
    "draft",
    "updated",
    "corrections",
    "figures",
    "short_title",
    "aliases",
    "extra",
];

/// Who wrote and photographed the item: each one name or a list of names.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawByline {
    /// 记者: reporters.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(schema_with = "schema::one_or_many")]
    pub reporters: Vec<String>,
    /// 通讯员: correspondents.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(schema_with = "schema::one_or_many")]
    pub correspondents: Vec<String>,
    /// 实习生: interns.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(schema_with = "schema::one_or_many")]
    pub interns: Vec<String>,
    /// 摄: photographers.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(schema_with = "schema::one_or_many")]
    pub photographers: Vec<String>,
}

/// A published correction (更正).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["date", "text"]))]
pub(crate) struct RawCorrection {
    /// When it was published (YYYY-MM-DD).
    #[serde(default, deserialize_with = "scalar")]
    #[schemars(schema_with = "schema::date")]
    pub date: Option<String>,
    /// What was wrong and what is right (原文"6238人"应为"6283人"。).
    pub text: Option<String>,
}

/// One picture of a photo story's `gallery:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["src", "alt"]))]
pub(crate) struct RawPicture {
    /// The picture: a path under static/, beside the item, or an https:// URL.
    pub src: Option<String>,
    /// Its text alternative, for readers who cannot see it. Required.
    pub alt: Option<String>,
    /// Its caption, shown under it.
    pub caption: Option<String>,
    /// Its credit (本报记者 朱欣 摄).
    pub credit: Option<String>,
}

/// Who has signed the item off (三审): 初审, 复审, 终审.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReview {
    /// 初审: the first reviewer.
    pub first: Option<String>,
    /// 复审: the second reviewer.
    pub second: Option<String>,
    /// 终审: the final reviewer; the item is published once this is set.
    #[serde(rename = "final")]
    pub final_: Option<String>,
}

/// A figure the item reports.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("required" = ["value"]))]
pub(crate) struct RawFigure {
    /// The key of one of site.yaml's `metrics:`, so that the figure is added up in statistics.
    pub metric: Option<String>,
    /// What the number counts; required without `metric`.
    pub label: Option<String>,
    /// The number: plain (6283) or as the paper writes it (1.5万, 2900余万, 约30万, 20%).
    #[serde(default, deserialize_with = "scalar")]
    #[schemars(schema_with = "schema::figure_value")]
    pub value: Option<String>,
    /// Its unit (人, 元); default: the metric's.
    pub unit: Option<String>,
    /// The region the figure counts for, when not the item's.
    pub region: Option<String>,
    /// The date a "to date" figure refers to (YYYY-MM-DD); default: the item's date.
    #[serde(default, deserialize_with = "scalar")]
    #[schemars(schema_with = "schema::date")]
    pub as_of: Option<String>,
}

/// Accepts a string, number or boolean scalar as its text (`value: 6283` and `value: "6283"`).
///
/// A visitor rather than a detour through `yaml::Value`, so that a list or a mapping is
/// reported by serde_yaml itself: with the field's name and its line.
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(ScalarText)
}

struct ScalarText;

impl<'de> Visitor<'de> for ScalarText {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a single value, not a list or a mapping")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    // serde_yaml hands integers past 64 bits to these; the figure parser judges them.
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // As serde_yaml's `Number` writes it (1.5, 1e300, .inf), which the figure parser reads.
        Ok(Some(yaml::Number::from(v).to_string()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Accepts `[a, b]`, or a single `a` as a list of one.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(OneOrMany)
}

struct OneOrMany;

impl<'de> Visitor<'de> for OneOrMany {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name or a list of names like `[a, b]`")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(vec![v])
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut names = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(name) = seq.next_element::<String>()? {
            names.push(name);
        }
        Ok(names)
    }
}

/// Front matter text with its place in the file, able to say where any key stands.
pub(crate) struct Located<'a> {
    pub yaml: &'a str,
    /// The file line of the YAML's first line.
    pub first_line: usize,
    pub path: &'a Path,
    /// Every key's place, read on the first question (an item with 3,000 figures asks 3,000).
    index: OnceCell<HashMap<Vec<Seg>, (usize, usize)>>,
}

impl<'a> Located<'a> {
    /// `yaml`, whose first line is line `first_line` of the file at `path`.
    pub(crate) fn new(yaml: &'a str, first_line: usize, path: &'a Path) -> Self {
        Located {
            yaml,
            first_line,
            path,
            index: OnceCell::new(),
        }
    }

    /// File (line, column) of the key at `path`; the first front matter line when not found.
    pub(crate) fn at(&self, path: &[Seg]) -> (usize, usize) {
        match self.index.get_or_init(|| yaml::positions(self.yaml)).get(path) {
            Some(&(l, c)) => (l + self.first_line - 1, c),
            None => (self.first_line.saturating_sub(1).max(1), 1),
        }
    }

    /// An error at the key `path`.
    pub(crate) fn error(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let (l, c) = self.at(path);
        Diagnostic::error(self.path, l, c, message)
    }

    /// An error at a (line, column) of the YAML block.
    fn error_at(&self, (line, col): (usize, usize), message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path, line + self.first_line - 1, col, message)
    }
}

/// At most this many shape problems are reported per front matter; each costs a parse.
const MAX_PROBLEMS: usize = 32;

/// What a front matter's YAML gave: the fields that could be read, and every problem of shape
/// (an unknown field, a value of the wrong type), each at its place.
pub(crate) type Read = (RawFrontMatter, Vec<Diagnostic>);

/// Deserializes front matter. Broken YAML is one diagnostic (nothing after it can be trusted);
/// problems of shape are all reported: the field (or the figure, or the correction) at fault is
/// blanked out, line for line so that every other place stays where it was, and the rest is
/// read again, so that the item's other fields are still checked in the same run.
pub(crate) fn parse(loc: &Located<'_>) -> Result<Read, Vec<Diagnostic>> {
    if loc.yaml.trim().is_empty() {
        return Err(vec![Diagnostic::error(loc.path, 1, 1, "the front matter is empty")
            .with_hint("an item needs at least `title`, `date` and `region`")]);
    }
    let shape = if yaml::surely_shallow(loc.yaml) {
        yaml::Shape::Fine
    } else {
        yaml::shape(loc.yaml)
    };
    match shape {
        yaml::Shape::Fine => {}
        yaml::Shape::TooDeep(l, c) => {
            return Err(vec![loc
                .error_at(
                    (l, c),
                    format!("front matter: nested more than {} levels deep", yaml::MAX_DEPTH),
                )
                .with_hint("the front matter nests or repeats too deeply; simplify it")]);
        }
        // serde_yaml gives the better message, but only a small text is safe to hand it.
        yaml::Shape::Broken(message, l, c) if loc.yaml.len() > yaml::MAX_UNCHECKED_BYTES => {
            let hint = yaml_hint(&message);
            return Err(vec![loc
                .error_at((l, c), format!("front matter: {message}"))
                .with_hint(hint)]);
        }
        yaml::Shape::Broken(..) => {}
    }
    let mut text = std::borrow::Cow::Borrowed(loc.yaml);
    let mut problems = Vec::new();
    let mut broken = Broken::default();
    loop {
        let err = match yaml::from_str::<Option<RawFrontMatter>>(&text) {
            Ok(Some(mut raw)) => {
                raw.broken = broken;
                return Ok((raw, problems));
            }
            Ok(None) if problems.is_empty() => {
                return Err(vec![Diagnostic::error(loc.path, 1, 1, "the front matter is empty")
                    .with_hint("an item needs at least `title`, `date` and `region`")])
            }
            // Every field was blanked out for a problem already reported.
            Ok(None) => {
                return Ok((
                    RawFrontMatter {
                        broken,
                        ..Default::default()
                    },
                    problems,
                ))
            }
            Err(e) => e,
        };
        // Broken YAML (in the text as written, or once a field is blanked out: an alias to it)
        // ends the reading; only a first error is the editor's.
        if yaml::from_str::<yaml::Value>(&text).is_err() {
            if problems.is_empty() {
                problems.push(describe(loc, &text, &err).0);
            }
            return Err(problems);
        }
        let (d, (line, _)) = describe(loc, &text, &err);
        // A misspelt field is not also missing.
        if let Some((field, _)) = d
            .message
            .strip_prefix("front matter: ")
            .filter(|m| m.starts_with("unknown field `"))
            .and_then(yaml::unknown_field)
        {
            if let Some(meant) = did_you_mean(&field, FIELDS.iter().copied()) {
                broken.fields.push(meant.to_string());
            }
        }
        problems.push(d);
        let next = match blank(&text, line, &mut broken) {
            Some(next) if problems.len() < MAX_PROBLEMS && next != *text => next,
            _ => return Err(problems),
        };
        text = std::borrow::Cow::Owned(next);
    }
}

/// The text with the part holding YAML line `line` blanked out: the figure or correction it is
/// in (left as an empty `{}`, so that the others keep their numbers), else the whole top-level
/// field. None when that part cannot be told apart (several fields on one line).
fn blank(text: &str, line: usize, broken: &mut Broken) -> Option<String> {
    let keys = yaml::top_level_keys(text);
    let at = keys.iter().rposition(|(_, (l, _))| *l <= line)?;
    let (key, (start, _)) = &keys[at];
    if keys.iter().filter(|(_, (l, _))| l == start).count() > 1 {
        return None;
    }
    let end = keys.get(at + 1).map_or(usize::MAX, |(_, (l, _))| *l);
    if line > *start && (key == "figures" || key == "corrections" || key == "gallery") {
        let all = yaml::positions(text);
        let elements: Vec<(usize, (usize, usize))> = (0..)
            .map_while(|i| all.get(crate::ypath![key.as_str(), i].as_slice()).map(|&p| (i, p)))
            .collect();
        if let Some(e) = elements.iter().rposition(|(_, (l, _))| *l <= line) {
            let (index, (first, column)) = elements[e];
            let last = elements.get(e + 1).map_or(end, |(_, (l, _))| *l);
            if let Some(out) = replace_lines(text, first, last, |l| {
                // `  - metric: m` becomes `  - {}`.
                let head: String = l.chars().take(column.saturating_sub(1)).collect();
                let head = head.trim_end().trim_end_matches('{').trim_end();
                head.ends_with('-').then(|| format!("{head} {{}}"))
            }) {
                match key.as_str() {
                    "figures" => broken.figures.push(index),
                    "gallery" => broken.gallery.push(index),
                    _ => broken.corrections.push(index),
                }
                return Some(out);
            }
        }
    }
    broken.fields.push(key.clone());
    replace_lines(text, *start, end, |_| Some(String::new()))
}

/// `text` with lines `first..last` (1-based, `last` excluded) emptied, the first one replaced
/// by what `first_line` makes of it (None: give up).
fn replace_lines(text: &str, first: usize, last: usize, first_line: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for (i, l) in text.split('\n').enumerate() {
        let n = i + 1;
        if i > 0 {
            out.push('\n');
        }
        if n == first {
            out.push_str(&first_line(l)?);
        } else if n < first || n >= last {
            out.push_str(l);
        }
    }
    Some(out)
}

/// The diagnostic for a serde_yaml error in `text` (the front matter, perhaps partly blanked
/// out), and its (line, column) in the YAML.
fn describe(loc: &Located<'_>, text: &str, err: &yaml::Error) -> (Diagnostic, (usize, usize)) {
    let (message, pos) = yaml::split_error(err);
    let pos = pos.map(|p| yaml::text_position(text, p));
    if message.contains("duplicate field `") || message.contains("duplicate entry") {
        // serde_yaml points at the mapping holding the repeat; the editor wants the repeat.
        if let Some((key, at, first)) = yaml::duplicate_key(text) {
            let d = loc.error_at(at, format!("front matter: {message}")).with_hint(format!(
                "each field may appear only once; `{key}` is already given on line {}",
                first + loc.first_line - 1
            ));
            return (d, at);
        }
    }
    let at = pos.unwrap_or((1, 1));
    let mut d = loc.error_at(at, format!("front matter: {message}"));
    if let Some((field, expected)) = yaml::unknown_field(&message) {
        let candidates: Vec<&str> = if expected.is_empty() {
            FIELDS.to_vec()
        } else {
            expected.iter().map(String::as_str).collect()
        };
        d = match did_you_mean(&field, candidates.iter().copied()) {
            Some(s) => d.with_hint(format!("did you mean `{s}`? (free-form data goes under `extra:`)")),
            None => d.with_hint(format!(
                "known fields here: {}; free-form data goes under `extra:`",
                candidates.join(", ")
            )),
        };
    } else if pos.is_some_and(|(l, c)| tab_at(text, l, c)) {
        // libyaml often says "found character that cannot start any token" for a tab.
        d = d.with_hint(yaml_hint("tab"));
    } else {
        d = d.with_hint(yaml_hint(&message));
    }
    (d, at)
}

/// Whether the character at 1-based (line, column) of `text` is a tab.
fn tab_at(text: &str, line: usize, column: usize) -> bool {
    text.lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.chars().nth(column.saturating_sub(1)))
        == Some('\t')
}

/// A hint for a YAML or shape error, by what the message says.
pub(crate) fn yaml_hint(message: &str) -> &'static str {
    if message.contains("quoted scalar") {
        "a quoted value is not closed: end it with the same quote on the same line"
    } else if message.contains("flow sequence") || message.contains("flow mapping") {
        "a `[` or `{` is not closed: end the list with `]`, the mapping with `}`"
    } else if message.contains("tab") {
        "indent YAML with spaces, not tabs"
    } else if message.contains("duplicate") {
        "each field may appear only once"
    } else if message.contains("invalid type") || message.contains("invalid value") || message.contains("expected a") {
        "check the value's type: text, a number, or a list like `[a, b]`"
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        "the front matter nests or repeats too deeply; simplify it"
    } else {
        "check the indentation, and quote values that contain `:` or `#`"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(yaml: &str) -> Result<RawFrontMatter, Diagnostic> {
        match parse(&Located::new(yaml, 2, Path::new("content/a.md"))) {
            Ok((raw, problems)) => problems.into_iter().next().map_or(Ok(raw), Err),
            Err(problems) => Err(problems.into_iter().next().unwrap()),
        }
    }

    fn all(yaml: &str) -> (Option<RawFrontMatter>, Vec<Diagnostic>) {
        match parse(&Located::new(yaml, 2, Path::new("content/a.md"))) {
            Ok((raw, problems)) => (Some(raw), problems),
            Err(problems) => (None, problems),
        }
    }

    #[test]
    fn every_problem_of_shape_is_reported_and_the_rest_is_read() {
        let (raw, problems) = all(
            "title: t\ncolum: x\ndraft: 也许\nfigures:\n  - metric: m\n    valu: 3\n  - metric: n\n    value: 4\nregion: 山东\n",
        );
        let places: Vec<(usize, usize)> = problems.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(places, [(3, 1), (4, 8), (7, 5)], "{problems:#?}");
        let raw = raw.unwrap();
        assert_eq!(raw.region.as_deref(), Some("山东"));
        assert_eq!(raw.figures.len(), 2);
        assert_eq!(raw.figures[1].value.as_deref(), Some("4"));
        assert_eq!(raw.broken.figures, [0]);
        assert!(raw.broken.field("draft") && raw.broken.field("column"));
    }

    #[test]
    fn a_misspelt_field_is_not_also_missing() {
        let (raw, problems) = all("title: t\nregoin: 山东\n");
        assert_eq!(problems.len(), 1);
        assert!(raw.unwrap().broken.field("region"));
    }

    #[test]
    fn integers_past_64_bits_are_read_as_text() {
        let raw = run("title: t\nfigures:\n  - value: 70000000000000000000000000000\n").unwrap();
        assert_eq!(raw.figures[0].value.as_deref(), Some("70000000000000000000000000000"));
    }

    #[test]
    fn accepts_the_contract_example_shapes() {
        let raw = run("title: 标题\ndate: 2022-06-20\nregion: 全国\ntopics: 基层蹲点\nfigures:\n  - metric: m\n    value: 6283\n  - value: 1.5万\n    label: x\n").unwrap();
        assert_eq!(raw.topics, vec!["基层蹲点"]);
        assert_eq!(raw.figures[0].value.as_deref(), Some("6283"));
        assert_eq!(raw.date.as_deref(), Some("2022-06-20"));
    }

    #[test]
    fn unknown_field_is_named_at_its_file_line_with_a_suggestion() {
        let d = run("title: t\nregoin: 全国\n").unwrap_err();
        assert_eq!((d.line, d.column), (3, 1));
        assert!(d.message.contains("unknown field `regoin`"), "{}", d.message);
        assert!(d.hint.unwrap().starts_with("did you mean `region`?"));
    }

    #[test]
    fn unknown_nested_field_suggests_from_its_own_level() {
        let d = run("title: t\nbyline:\n  reporter: [a]\n").unwrap_err();
        assert_eq!(d.line, 4);
        assert!(d.hint.clone().unwrap().contains("`reporters`"), "{d}");
    }

    #[test]
    fn broken_yaml_reports_a_file_line() {
        let d = run("title: t\nregion: \"全国\n").unwrap_err();
        assert!(d.line >= 3, "{d}");
        let d = run("title: t\ntitle: u\n").unwrap_err();
        assert!(d.message.contains("duplicate"), "{}", d.message);
    }
}
