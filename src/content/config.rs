//! `site.yaml` → [`Config`]: the site's title, base URL, language, theme, metrics and topics.

use crate::base::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::base::yaml::{self, Seg};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How a metric's figures add up in statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
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
    /// The ICP 备案 number (`鲁ICP备12345678号-1`), shown in every footer; empty without one.
    pub icp: String,
    /// The 公网安备 number, shown in every footer; empty without one.
    pub police_record: String,
    /// The headers of the e-mail edition (`email:`); empty without it.
    pub email: crate::content::email::Email,
    /// Whether items must be signed off (`review: required`) before they are published.
    pub review: crate::content::review::ReviewRule,
    /// The units that send items (`units:`), when site.yaml lists them; then an item's
    /// `unit:` must be one of them.
    pub units: Option<Vec<crate::content::unit::UnitDef>>,
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

/// site.yaml as written. The doc comments of its fields are the descriptions of `bulletin
/// schema site`; the parts kept as YAML until they are checked one by one (metrics, topics,
/// masthead, e-mail) name the structs that check them.
#[derive(Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "A Bulletin site's configuration, site.yaml at the site's root.",
    extend("required" = ["title", "base_url"])
)]
pub(crate) struct RawConfig {
    /// The site's title. Required.
    title: Option<String>,
    /// A one-line description for search engines and feeds.
    description: Option<String>,
    /// The absolute URL the site is published at (http or https), may have a sub-path:
    /// https://example.org/bulletin/. Required.
    base_url: Option<String>,
    /// The language of the interface strings; default zh-CN.
    #[schemars(with = "Option<Language>")]
    language: Option<String>,
    /// The theme: `default` (built in) or a folder under themes/.
    theme: Option<String>,
    /// Where the site is written, relative to the site root; default public.
    output_dir: Option<PathBuf>,
    /// Items per list page; default 20.
    #[schemars(range(min = 1))]
    per_page: Option<usize>,
    /// The figures statistics add up, by key (members_joined: { label: 新入会职工, unit: 人,
    /// aggregate: sum }).
    #[schemars(with = "Option<std::collections::BTreeMap<String, RawMetric>>")]
    metrics: Option<yaml::Mapping>,
    /// A fixed list of topics with their URL slugs (基层蹲点: { slug: grassroots }); when given,
    /// an item's unknown topic is an error.
    #[schemars(with = "Option<std::collections::BTreeMap<String, Option<RawTopic>>>")]
    topics: Option<yaml::Mapping>,
    /// Lets raw HTML in Markdown through; off by default, since content is untrusted.
    unsafe_html: Option<bool>,
    /// Anything else, for templates.
    #[schemars(with = "serde_json::Value")]
    extra: Option<yaml::Value>,
    /// The 报头 of every issue and how issues are numbered.
    #[schemars(with = "Option<crate::content::issue::RawMasthead>")]
    masthead: Option<yaml::Value>,
    /// The ICP 备案 number (鲁ICP备12345678号-1), shown in every footer.
    icp: Option<String>,
    /// The 公网安备 number, shown in every footer.
    police_record: Option<String>,
    /// The headers of the e-mail edition.
    #[schemars(with = "Option<crate::content::email::RawEmail>")]
    email: Option<yaml::Value>,
    /// `required`: an item is published only once its 终审 (`review.final`) is set.
    #[schemars(schema_with = "crate::content::schema::review_rule")]
    review: Option<String>,
    /// The units that send items (报送单位), for the contributions table; with the list an
    /// item's unknown `unit:` is an error.
    #[schemars(with = "Option<std::collections::BTreeMap<String, Option<crate::content::unit::RawUnit>>>")]
    units: Option<yaml::Mapping>,
}

/// A metric: a quantity statistics tables add up.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    /// The label shown in tables (新入会职工).
    label: String,
    /// The unit totals are expressed in (人, 元).
    unit: String,
    /// How figures combine.
    aggregate: Aggregate,
}

/// A topic's URL slug; without it, the pinyin of its name.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    /// The URL slug (ASCII: a-z, 0-9, -).
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
    "icp",
    "police_record",
    "email",
    "review",
    "units",
];

/// The settings file at the top of a site, unless `--config` names another.
pub(crate) const CONFIG_FILE: &str = "site.yaml";

/// Reads and validates `site.yaml` under `root`; a theme other than the built-in `default`
/// must be a folder of the site's `themes/`.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    load_file(root, &root.join(CONFIG_FILE))
}

/// Reads and validates the site configuration from `file` (`--config FILE`) for the site at
/// `root`. Diagnostics name the file relative to `root` when it lies below it (`site.yaml`,
/// `config/prod.yaml`), as every diagnostic does, else by its whole path.
pub fn load_file(root: &Path, file: &Path) -> Result<Config, Diagnostics> {
    let shown = file.strip_prefix(root).unwrap_or(file);
    let text = std::fs::read_to_string(file).map_err(|e| {
        let hint = if shown == Path::new(CONFIG_FILE) {
            "run `bulletin init DIR` to create a site, or pass --root to point at one"
        } else {
            "--config names the settings file, relative to the current folder"
        };
        Diagnostic::file_error(shown, format!("cannot read the site configuration: {e}")).with_hint(hint)
    })?;
    let themes = root.join("themes");
    validate(&text, shown, &|name| themes.join(name).is_dir())
}

/// Parses the text of a `site.yaml`; `path` is used in diagnostics only. Pure: whether the
/// theme named is on disk is left to [`load`].
pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostics> {
    validate(text, path, &|_| true)
}

/// Why `url` cannot be a base URL (`--base-url` or site.yaml's `base_url`), or the URL with a
/// `/` at its end. It is written into every page, feed, sitemap and robots.txt, so it must be an
/// absolute http(s) URL with a host and nothing a URL may not hold: no query or fragment (every
/// page path is appended to it), no whitespace or control characters (a line break would start
/// a new line of robots.txt).
pub fn check_base_url(url: &str) -> Result<String, String> {
    let shown = url.escape_debug();
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Err(format!("is not an absolute http(s) URL: `{shown}`"));
    };
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "must not contain whitespace or control characters (found {}): `{shown}`",
            c.escape_unicode()
        ));
    }
    if url.contains('?') {
        return Err(format!("must not have a query string (`?…`): `{shown}`"));
    }
    if url.contains('#') {
        return Err(format!("must not have a fragment (`#…`): `{shown}`"));
    }
    if let Some(c) = url.chars().find(|c| "\"<>\\^`{|}".contains(*c)) {
        return Err(format!("must not contain `{c}`, which URLs cannot hold: `{shown}`"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.starts_with(':') {
        return Err(format!("has no host: `{shown}`"));
    }
    if authority.contains('@') {
        return Err(format!("must not carry a user name or password (`…@`): `{shown}`"));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// Whether a theme name is a plain folder name: no path separators, no `.` or `..`, nothing
/// hidden, so that `themes/NAME` stays inside the site's `themes/`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.chars().any(|c| matches!(c, '/' | '\\' | ':') || c.is_control())
}

/// The text of a mapping key as YAML wrote it (`2022` for a number), None for a list or mapping.
fn key_text(key: &yaml::Value) -> Option<String> {
    match key {
        yaml::Value::String(s) => Some(s.clone()),
        yaml::Value::Number(n) => Some(n.to_string()),
        yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// [`parse`], with `theme_exists` saying whether `themes/NAME` is a folder.
fn validate(text: &str, path: &Path, theme_exists: &dyn Fn(&str) -> bool) -> Result<Config, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = &*crate::content::source::fold_line_breaks(text);
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
    let document: yaml::Value = match yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (message, pos) = yaml::split_error(&e);
            let (mut line, mut col) = pos.map_or((1, 1), |p| yaml::within_text(text, yaml::text_position(text, p)));
            let mut hint = crate::content::frontmatter::yaml_hint(&message).to_string();
            if message.contains("duplicate") {
                // serde_yaml points at the mapping holding the repeat; the editor wants the repeat.
                if let Some((key, at, first)) = yaml::duplicate_key(text) {
                    (line, col) = at;
                    hint = format!("each setting may appear only once; `{key}` is already given on line {first}");
                }
            }
            return Err(Diagnostic::error(path, line, col, format!("site.yaml: {message}"))
                .with_hint(hint)
                .into());
        }
    };
    let settings = match document {
        yaml::Value::Mapping(m) => m,
        yaml::Value::Null => yaml::Mapping::new(),
        _ => {
            return Err(
                Diagnostic::error(path, 1, 1, "site.yaml: the settings must be `key: value` lines")
                    .with_hint("start with `title: 工会新闻简报` and `base_url: https://example.org/`")
                    .into(),
            )
        }
    };
    let positions = yaml::positions(text);
    let at = |p: &[Seg]| positions.get(p).copied().unwrap_or((1, 1));
    let mut diags = Diagnostics::new();
    let mut err = |p: &[Seg], msg: String, hint: &str| {
        let (line, col) = at(p);
        let mut d = Diagnostic::error(path, line, col, msg);
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        diags.push(d);
    };

    // Setting by setting rather than all at once: serde stops at the first unknown or
    // ill-typed field, and every problem of site.yaml is reported in one run.
    let mut known = yaml::Mapping::new();
    let mut broken: Vec<String> = Vec::new();
    for (k, v) in settings {
        let Some(name) = key_text(&k) else {
            err(
                &[],
                "site.yaml: setting names must be plain words".into(),
                &format!("known settings: {}", FIELDS.join(", ")),
            );
            continue;
        };
        if !FIELDS.contains(&name.as_str()) {
            let hint = match did_you_mean(&name, FIELDS.iter().copied()) {
                Some(s) => {
                    // A misspelt setting is not also missing.
                    broken.push(s.to_string());
                    format!("did you mean `{s}`?")
                }
                None => format!("known settings: {}", FIELDS.join(", ")),
            };
            err(
                &crate::ypath![name.as_str()],
                format!("site.yaml: unknown field `{name}`"),
                &hint,
            );
            continue;
        }
        let mut one = yaml::Mapping::new();
        one.insert(k.clone(), v.clone());
        match yaml::from_value::<RawConfig>(yaml::Value::Mapping(one)) {
            Ok(_) => {
                known.insert(k, v);
            }
            Err(e) => {
                let (message, _) = yaml::split_error(&e);
                // Reported here; not again as missing.
                broken.push(name.clone());
                err(
                    &crate::ypath![name.as_str()],
                    format!("site.yaml: `{name}`: {message}"),
                    "check the value's type: text, a number, true/false, or `key: value` lines",
                );
            }
        }
    }
    // Each setting passed on its own, so together they do too.
    let raw: RawConfig = yaml::from_value(yaml::Value::Mapping(known)).unwrap_or_default();

    let title = raw.title.unwrap_or_default();
    if title.trim().is_empty() && !broken.iter().any(|b| b == "title") {
        err(
            &[],
            "site.yaml: `title` is required".into(),
            "add a line like `title: 工会新闻简报`",
        );
    }
    let base_url = match raw.base_url.as_deref().map(check_base_url) {
        Some(Ok(url)) => url,
        Some(Err(why)) => {
            err(
                &crate::ypath!["base_url"],
                format!("site.yaml: `base_url` {why}"),
                "for example `base_url: https://example.org/bulletin/`",
            );
            String::from("http://localhost/")
        }
        None => {
            if !broken.iter().any(|b| b == "base_url") {
                err(
                    &[],
                    "site.yaml: `base_url` is required".into(),
                    "add a line like `base_url: https://example.org/bulletin/`",
                );
            }
            String::from("http://localhost/")
        }
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
        match yaml::from_value::<RawMetric>(v) {
            Ok(m) => metrics.push(Metric {
                key,
                label: m.label,
                unit: m.unit,
                aggregate: m.aggregate,
            }),
            Err(e) => {
                let (message, _) = yaml::split_error(&e);
                // An unknown field is pointed at where it stands, with the nearest known one.
                let (place, hint) = match yaml::unknown_field(&message) {
                    Some((field, expected)) => (
                        crate::ypath!["metrics", key.as_str(), field.as_str()].to_vec(),
                        match did_you_mean(&field, expected.iter().map(String::as_str)) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("a metric has {}", expected.join(", ")),
                        },
                    ),
                    None => (
                        crate::ypath!["metrics", key.as_str()].to_vec(),
                        "write it as `{ label: 新入会职工, unit: 人, aggregate: sum }` (aggregate: sum, latest or max)"
                            .to_string(),
                    ),
                };
                let place = if positions.contains_key(&place) {
                    place
                } else {
                    crate::ypath!["metrics", key.as_str()].to_vec()
                };
                err(&place, format!("site.yaml: metric `{key}`: {message}"), &hint);
            }
        }
    }

    let topics = raw.topics.map(|map| {
        let mut out: Vec<TopicDef> = Vec::new();
        // Where each slug was first given: two topics with one slug would share one page.
        let mut first: Vec<(String, usize)> = Vec::new();
        for (k, v) in map {
            let Some(name) = key_text(&k) else {
                err(
                    &crate::ypath!["topics"],
                    "site.yaml: topic names must be text".into(),
                    "write it as `基层蹲点: { slug: grassroots }`",
                );
                continue;
            };
            let place = crate::ypath!["topics", name.as_str()];
            let slug = if v.is_null() {
                crate::base::slug::slugify(&name)
            } else {
                match yaml::from_value::<RawTopic>(v) {
                    Ok(t) => t.slug,
                    Err(e) => {
                        let (message, _) = yaml::split_error(&e);
                        err(
                            &place,
                            format!("site.yaml: topic `{name}`: {message}"),
                            "write it as `基层蹲点: { slug: grassroots }`",
                        );
                        continue;
                    }
                }
            };
            if !crate::base::slug::is_valid(&slug) {
                err(
                    &place,
                    format!("site.yaml: topic slug `{slug}` must be lowercase ASCII letters, digits and `-`"),
                    "",
                );
                continue;
            }
            if let Some(i) = out.iter().position(|t| t.slug == slug) {
                let (other, line) = &first[i];
                err(
                    &place,
                    format!(
                        "site.yaml: topics `{other}` (line {line}) and `{name}` have the same URL slug `{slug}`: they would share one page"
                    ),
                    &format!("give one of them a slug of its own under `topics:`, e.g. `{name}: {{ slug: {slug}-2 }}`"),
                );
                continue;
            }
            first.push((name.clone(), at(&place).0));
            out.push(TopicDef { name, slug });
        }
        out
    });

    let theme = match raw.theme.as_deref().map(str::trim) {
        None => "default".to_string(),
        Some(name) if !is_plain_name(name) => {
            err(
                &crate::ypath!["theme"],
                format!("site.yaml: theme `{}` is not a folder name", name.escape_debug()),
                "name a folder of the site's themes/ (`theme: paper` for themes/paper/), or use the built-in `default`",
            );
            "default".to_string()
        }
        Some(name) if name != "default" && !theme_exists(name) => {
            err(
                &crate::ypath!["theme"],
                format!("site.yaml: theme `{name}` not found in themes/"),
                "remove `theme:` to use the built-in default theme, or copy a theme into themes/",
            );
            "default".to_string()
        }
        Some(name) => name.to_string(),
    };

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

    let email = match raw.email.filter(|v| !v.is_null()) {
        Some(v) => crate::content::email::settings(v, text, path).unwrap_or_else(|ds| {
            diags.extend(ds);
            Default::default()
        }),
        None => Default::default(),
    };

    let review = match raw.review.as_deref().map(crate::content::review::ReviewRule::parse) {
        None => Default::default(),
        Some(Ok(rule)) => rule,
        Some(Err((message, hint))) => {
            let (line, col) = at(&crate::ypath!["review"]);
            diags.push(Diagnostic::error(path, line, col, message).with_hint(hint));
            Default::default()
        }
    };
    let units = raw.units.map(|map| {
        crate::content::unit::defs(map, &positions, path).unwrap_or_else(|ds| {
            diags.extend(ds);
            Vec::new()
        })
    });

    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    Ok(Config {
        title,
        description: raw.description.unwrap_or_default(),
        base_url,
        language,
        theme,
        output_dir: raw.output_dir.unwrap_or_else(|| PathBuf::from("public")),
        per_page,
        metrics,
        topics,
        unsafe_html: raw.unsafe_html.unwrap_or(false),
        extra,
        masthead,
        icp: raw.icp.unwrap_or_default().trim().to_string(),
        police_record: raw.police_record.unwrap_or_default().trim().to_string(),
        email,
        review,
        units,
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

    /// Found by the `site_yaml` fuzz target: libyaml breaks lines at a lone CR and reports an
    /// unclosed flow at the end of the text, past its last line.
    #[test]
    fn errors_are_on_lines_the_editor_sees() {
        let d = parse_err("title: t\rbase_url: https://e.org/\rper_pgae: 3\r");
        assert_eq!((d[0].line, d[0].column), (3, 1), "{d:?}");
        let d = parse_err("title: t\nbase_url: https://e.org/\nmetrics: { a: [x,");
        assert_eq!(d[0].line, 3, "{d:?}");
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
    fn base_urls_are_absolute_http_without_query_fragment_or_whitespace() {
        assert_eq!(check_base_url("https://e.org").unwrap(), "https://e.org/");
        assert_eq!(check_base_url("http://e.org:8080/a/").unwrap(), "http://e.org:8080/a/");
        assert_eq!(
            check_base_url("https://例子.中国/简报/").unwrap(),
            "https://例子.中国/简报/"
        );
        for bad in [
            "/x/",
            "https://",
            "https://e.org/?a=1",
            "https://e.org/#a",
            "https://e.org/\nDisallow: /",
            "https://e.org/\t",
            "https://e.org/a\u{7}",
            "https://user:pw@e.org/",
            "https://e.org/\"/",
            "javascript://e.org/",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_unknown_setting_is_reported_and_the_rest_still_checked() {
        let d = parse_err("titel: a\nbase_url: https://e.org/\nper_page: 0\nfoo: 1\nbar: 2\n");
        let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
        // `titel` (not also a missing `title`), per_page, foo, bar.
        assert_eq!(lines, [1, 3, 4, 5], "{d:#?}");
    }

    #[test]
    fn a_setting_of_the_wrong_type_is_not_also_missing() {
        let d = parse_err("title: [a]\nbase_url: https://e.org/\n");
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].line, d[0].column), (1, 1));
    }

    #[test]
    fn numeric_topic_names_are_kept() {
        let c = parse_ok("title: t\nbase_url: https://e.org/\ntopics:\n  2022: { slug: y2022 }\n");
        assert_eq!(c.topics.unwrap()[0].name, "2022");
    }

    #[test]
    fn review_and_units_are_read_and_checked_at_their_lines() {
        let c = parse_ok("title: t\nbase_url: https://e.org/\nreview: required\nunits:\n  莱西市总工会: { region: 山东青岛莱西 }\n  市建设工会:\n");
        assert_eq!(c.review, crate::content::review::ReviewRule::Required);
        let units = c.units.unwrap();
        assert_eq!(units.len(), 2);
        assert_eq!(
            units[0].region.as_ref().map(|r| r.province.slug.as_str()),
            Some("shandong")
        );
        assert_eq!(units[1].region, None);
        let d = parse_err("title: t\nbase_url: https://e.org/\nreview: always\nunits:\n  甲工会: { region: 火星 }\n  乙工会: { regoin: 山东 }\n");
        let places: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(places.len(), 3, "{d:#?}");
        assert_eq!(places[0].0, 3);
        assert!(places[0].1.contains("unknown review rule `always`"), "{d:#?}");
        assert_eq!(places[1].0, 5);
        assert!(places[1].1.contains("甲工会"), "{d:#?}");
        assert_eq!(places[2].0, 6);
        assert!(places[2].1.contains("regoin"), "{d:#?}");
    }

    #[test]
    fn missing_title_and_relative_base_url_are_both_reported() {
        let d = parse_err("base_url: /x/\n");
        assert_eq!(d.len(), 2);
    }
}
