//! `site.yaml` → [`Config`]: the site's title, base URL, language, theme, metrics and topics.

use crate::base::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::base::yaml::{self, Seg};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How a metric's figures add up in statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    /// Flows: every figure is added.
    Sum,
    /// Stocks and "to date" totals: the newest figure (by `as_of`) wins.
    Latest,
    /// The largest figure wins.
    Max,
}

impl Aggregate {
    /// The name used in site.yaml.
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Latest => "latest",
            Aggregate::Max => "max",
        }
    }
}

/// A quantity that statistics tables add up, declared in site.yaml.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Metric {
    /// The key figures refer to (`members_joined`).
    pub key: String,
    /// The label shown in tables (新入会职工).
    pub label: String,
    /// The unit totals are expressed in (人, 元…).
    pub unit: String,
    /// How figures combine.
    pub aggregate: Aggregate,
}

/// A topic declared in site.yaml, with its URL slug.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopicDef {
    /// The topic as editors write it (基层蹲点).
    pub name: String,
    /// Its URL slug (grassroots).
    pub slug: String,
}

/// The language of the site's interface strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Language {
    /// Simplified Chinese, the default.
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Language {
    /// The BCP 47 tag for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }
}

/// The validated site configuration.
#[derive(Clone, Debug, Serialize)]
pub struct Config {
    /// The site's title.
    pub title: String,
    /// A one-line description for search engines and feeds.
    pub description: String,
    /// The absolute base URL, always ending in `/`.
    pub base_url: String,
    /// Interface language.
    pub language: Language,
    /// The theme folder under themes/.
    pub theme: String,
    /// Where the site is written, relative to the site root unless absolute.
    pub output_dir: PathBuf,
    /// Items per list page.
    pub per_page: usize,
    /// Metrics, in the order site.yaml lists them.
    pub metrics: Vec<Metric>,
    /// The fixed topic list, when site.yaml gives one.
    pub topics: Option<Vec<TopicDef>>,
    /// Lets raw HTML in Markdown through (off by default: content is untrusted).
    pub unsafe_html: bool,
    /// Free-form data for templates.
    pub extra: serde_json::Value,
    /// The masthead and numbering of issues (`masthead:`), when site.yaml gives one.
    pub masthead: Option<crate::content::issue::Masthead>,
}

impl Config {
    /// The metric with this key.
    pub fn metric(&self, key: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.key == key)
    }

    /// The path part of base_url (`/bulletin/`), always starting and ending in `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }
}

/// The path part of an absolute URL, always starting and ending with `/`.
pub fn base_path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    output_dir: Option<PathBuf>,
    per_page: Option<usize>,
    metrics: Option<serde_yaml::Mapping>,
    topics: Option<serde_yaml::Mapping>,
    unsafe_html: Option<bool>,
    extra: Option<serde_yaml::Value>,
    masthead: Option<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    label: String,
    unit: String,
    aggregate: Aggregate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    slug: String,
}

const FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "output_dir",
    "per_page",
    "metrics",
    "topics",
    "unsafe_html",
    "extra",
    "masthead",
];

/// Reads and validates `site.yaml` under `root`.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let path = root.join("site.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::file_error("site.yaml", format!("cannot read the site configuration: {e}"))
            .with_hint("run `bulletin init DIR` to create a site, or pass --root to point at one")
    })?;
    parse(&text, Path::new("site.yaml"))
}

/// Parses the text of a `site.yaml`; `path` is used in diagnostics only.
pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // serde_yaml's parser is quadratic on deep nesting: refuse it before handing the text over.
    if let yaml::Shape::TooDeep(l, c) = yaml::shape(text) {
        return Err(Diagnostic::error(
            path,
            l,
            c,
            format!("site.yaml: nested more than {} levels deep", yaml::MAX_DEPTH),
        )
        .with_hint("simplify the configuration")
        .into());
    }
    let at = |p: &[Seg]| yaml::locate(text, p).unwrap_or((1, 1));
    let raw: RawConfig = match serde_yaml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let (message, pos) = yaml::split_error(&e);
            let (line, col) = pos.unwrap_or((1, 1));
            let mut d = Diagnostic::error(path, line, col, format!("site.yaml: {message}"));
            if let Some((field, _)) = yaml::unknown_field(&message) {
                d = match did_you_mean(&field, FIELDS.iter().copied()) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None => d.with_hint(format!("known settings: {}", FIELDS.join(", "))),
                };
            }
            return Err(d.into());
        }
    };
    let mut diags = Diagnostics::new();
    let mut err = |p: &[Seg], msg: String, hint: &str| {
        let (line, col) = at(p);
        let mut d = Diagnostic::error(path, line, col, msg);
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        diags.push(d);
    };

    let title = raw.title.unwrap_or_default();
    if title.trim().is_empty() {
        err(
            &[],
            "site.yaml: `title` is required".into(),
            "add a line like `title: 工会新闻简报`",
        );
    }
    let base_url = raw.base_url.unwrap_or_default();
    let base_url = if base_url.starts_with("http://") || base_url.starts_with("https://") {
        if base_url.ends_with('/') {
            base_url
        } else {
            format!("{base_url}/")
        }
    } else {
        err(
            &crate::ypath!["base_url"],
            format!("site.yaml: `base_url` must be an absolute http(s) URL, not `{base_url}`"),
            "for example `base_url: https://example.org/bulletin/`",
        );
        String::from("http://localhost/")
    };
    let language = match raw.language.as_deref().unwrap_or("zh-CN") {
        "zh-CN" | "zh" | "zh-Hans" | "zh-cn" => Language::ZhCn,
        "en" | "en-US" | "en-GB" => Language::En,
        other => {
            err(
                &crate::ypath!["language"],
                format!("site.yaml: unsupported language `{other}`"),
                "use `zh-CN` (the default) or `en`",
            );
            Language::ZhCn
        }
    };
    let per_page = match raw.per_page {
        Some(0) => {
            err(
                &crate::ypath!["per_page"],
                "site.yaml: `per_page` must be at least 1".into(),
                "",
            );
            20
        }
        Some(n) => n,
        None => 20,
    };

    let mut metrics = Vec::new();
    for (k, v) in raw.metrics.unwrap_or_default() {
        let Some(key) = k.as_str().map(str::to_string) else {
            err(
                &crate::ypath!["metrics"],
                "site.yaml: metric names must be strings".into(),
                "",
            );
            continue;
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            err(
                &crate::ypath!["metrics", key.as_str()],
                format!("site.yaml: metric name `{key}` must be ASCII letters, digits, `_` or `-`"),
                "metric names appear in URLs and CSV headers, for example `members_joined`",
            );
            continue;
        }
        match serde_yaml::from_value::<RawMetric>(v) {
            Ok(m) => metrics.push(Metric {
                key,
                label: m.label,
                unit: m.unit,
                aggregate: m.aggregate,
            }),
            Err(e) => {
                let (message, _) = yaml::split_error(&e);
                err(
                    &crate::ypath!["metrics", key.as_str()],
                    format!("site.yaml: metric `{key}`: {message}"),
                    "write it as `{ label: 新入会职工, unit: 人, aggregate: sum }` (aggregate: sum, latest or max)",
                );
            }
        }
    }

    let topics = raw.topics.map(|map| {
        let mut out = Vec::new();
        for (k, v) in map {
            let Some(name) = k.as_str().map(str::to_string) else {
                continue;
            };
            let slug = if v.is_null() {
                crate::base::slug::slugify(&name)
            } else {
                match serde_yaml::from_value::<RawTopic>(v) {
                    Ok(t) => t.slug,
                    Err(e) => {
                        let (message, _) = yaml::split_error(&e);
                        err(
                            &crate::ypath!["topics", name.as_str()],
                            format!("site.yaml: topic `{name}`: {message}"),
                            "write it as `基层蹲点: { slug: grassroots }`",
                        );
                        continue;
                    }
                }
            };
            if !crate::base::slug::is_valid(&slug) {
                err(
                    &crate::ypath!["topics", name.as_str()],
                    format!("site.yaml: topic slug `{slug}` must be lowercase ASCII letters, digits and `-`"),
                    "",
                );
                continue;
            }
            out.push(TopicDef { name, slug });
        }
        out
    });

    let extra = match raw.extra {
        Some(v) => serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
        None => serde_json::Value::Object(Default::default()),
    };

    // The masthead is validated on its own (content::issue), which places its own errors.
    let masthead = match raw.masthead.filter(|v| !v.is_null()) {
        Some(v) => crate::content::issue::masthead(v, text, path)
            .map_err(|d| diags.push(d))
            .ok(),
        None => None,
    };

    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Config {
        title,
        description: raw.description.unwrap_or_default(),
        base_url,
        language,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        output_dir: raw.output_dir.unwrap_or_else(|| PathBuf::from("public")),
        per_page,
        metrics,
        topics,
        unsafe_html: raw.unsafe_html.unwrap_or(false),
        extra,
        masthead,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(s: &str) -> Config {
        parse(s, Path::new("site.yaml")).unwrap()
    }

    fn parse_err(s: &str) -> Vec<Diagnostic> {
        parse(s, Path::new("site.yaml")).unwrap_err().0
    }

    #[test]
    fn reads_the_contract_example() {
        let c = parse_ok(
            "title: 工会新闻简报\nbase_url: https://example.org/bulletin\nmetrics:\n  members_joined: { label: 新入会职工, unit: 人, aggregate: sum }\n  cadres_dispatched: { label: 下派蹲点干部, unit: 人, aggregate: latest }\ntopics:\n  基层蹲点: { slug: grassroots }\n",
        );
        assert_eq!(c.base_url, "https://example.org/bulletin/");
        assert_eq!(c.base_path(), "/bulletin/");
        assert_eq!(c.metrics[0].key, "members_joined");
        assert_eq!(c.metrics[1].aggregate, Aggregate::Latest);
        assert_eq!(c.topics.unwrap()[0].slug, "grassroots");
        assert_eq!(c.per_page, 20);
        assert_eq!(c.language, Language::ZhCn);
    }

    #[test]
    fn unknown_setting_gets_a_suggestion_and_a_line() {
        let d = parse_err("title: t\nbase_url: https://e.org/\nper_pgae: 3\n");
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("per_pgae"));
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `per_page`?"));
    }

    #[test]
    fn bad_aggregate_points_at_the_metric() {
        let d =
            parse_err("title: t\nbase_url: https://e.org/\nmetrics:\n  a: { label: x, unit: 人, aggregate: avg }\n");
        assert_eq!(d[0].line, 4);
        assert!(d[0].message.contains("metric `a`"), "{}", d[0].message);
    }

    #[test]
    fn base_path_handles_roots_and_subpaths() {
        assert_eq!(base_path_of("https://e.org/"), "/");
        assert_eq!(base_path_of("https://e.org"), "/");
        assert_eq!(base_path_of("https://e.org/a/b"), "/a/b/");
    }

    #[test]
    fn missing_title_and_relative_base_url_are_both_reported() {
        let d = parse_err("base_url: /x/\n");
        assert_eq!(d.len(), 2);
    }
}
