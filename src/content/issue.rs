//! The bulletin as a numbered document: the `masthead:` of site.yaml ([`Masthead`]) and the
//! optional issue files `bulletins/YYYY-MM-DD.md` ([`IssueFile`]), whose front matter numbers,
//! signs and distributes one issue and whose body is its 编者按 (editor's note).
//!
//! Numbering itself needs every issue of the site, so it is done in `site::issue`.

use crate::base::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::base::yaml::{self, Seg};
use crate::content::frontmatter::yaml_hint;
use crate::content::source;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The folder of issue files, beside content/.
pub(crate) const ISSUE_DIR: &str = "bulletins";

/// How 第N期 counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Numbering {
    /// 第N期 restarts at 1 each January.
    #[default]
    Yearly,
    /// 第N期 never restarts.
    Continuous,
}

/// The 报尾: who the issue is reported to (报), sent to (送) and issued to (发).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    /// 报: the bodies above the publisher.
    #[serde(rename = "报", default)]
    pub report: Option<String>,
    /// 送: bodies alongside.
    #[serde(rename = "送", default)]
    pub send: Option<String>,
    /// 发: bodies below.
    #[serde(rename = "发", default)]
    pub issue: Option<String>,
}

impl Distribution {
    /// The lines as printed, in the order 报, 送, 发, leaving out empty ones.
    pub fn lines(&self) -> Vec<(&'static str, &str)> {
        [("报", &self.report), ("送", &self.send), ("发", &self.issue)]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (k, v)))
            .collect()
    }

    /// No line at all.
    pub fn is_empty(&self) -> bool {
        self.lines().is_empty()
    }
}

/// The masthead (报头) and numbering of the bulletin, from site.yaml's `masthead:`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Masthead {
    /// The red title of the 报头 (default: the site's title).
    pub name: Option<String>,
    /// 编印单位, printed left under the title.
    pub publisher: Option<String>,
    /// Whether 第N期 restarts each year.
    pub numbering: Numbering,
    /// The number of the site's first issue.
    pub first_number: u32,
    /// 总第N期 of the site's first issue.
    pub first_total: u32,
    /// The 报尾 lines.
    pub distribution: Distribution,
    /// 共印N份.
    pub copies: Option<u32>,
    /// A font file (relative to the site root) for the PDF edition, instead of a system CJK font.
    pub font: Option<PathBuf>,
}

impl Default for Masthead {
    fn default() -> Self {
        Masthead {
            name: None,
            publisher: None,
            numbering: Numbering::Yearly,
            first_number: 1,
            first_total: 1,
            distribution: Distribution::default(),
            copies: None,
            font: None,
        }
    }
}

/// site.yaml's `masthead:`: the 报头 of every issue and how issues are numbered.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMasthead {
    /// The red title of the 报头; default: the site's title.
    name: Option<String>,
    /// 编印单位: the body that prints it (某某市总工会办公室).
    publisher: Option<String>,
    /// How 第N期 counts; default yearly.
    numbering: Option<Numbering>,
    /// The number of the first issue on this site; default 1.
    first_number: Option<u32>,
    /// 总第N期 of the first issue on this site; default 1.
    first_total: Option<u32>,
    /// The 报尾 at the foot of the last page.
    distribution: Option<Distribution>,
    /// 共印N份: the number of copies printed.
    copies: Option<u32>,
    /// A CJK font file for the PDF edition, relative to the site root.
    font: Option<PathBuf>,
}

const MASTHEAD_FIELDS: &[&str] = &[
    "name",
    "publisher",
    "numbering",
    "first_number",
    "first_total",
    "distribution",
    "copies",
    "font",
];

const DISTRIBUTION_FIELDS: &[&str] = &["报", "送", "发"];

/// Validates site.yaml's `masthead:` value; `text` is the whole site.yaml (for positions).
pub(crate) fn masthead(value: yaml::Value, text: &str, path: &Path) -> Result<Masthead, Diagnostic> {
    let raw: RawMasthead = yaml::from_value(value).map_err(|e| {
        let (message, _) = yaml::split_error(&e);
        let mut at = vec![Seg::from("masthead")];
        let mut hint = "see the masthead example in the README".to_string();
        if let Some((field, _)) = yaml::unknown_field(&message) {
            let (fields, nested) = if DISTRIBUTION_FIELDS.iter().any(|f| message.contains(&format!("`{f}`"))) {
                (DISTRIBUTION_FIELDS, true)
            } else {
                (MASTHEAD_FIELDS, false)
            };
            if nested {
                at.push(Seg::from("distribution"));
            }
            at.push(Seg::from(field.as_str()));
            hint = match did_you_mean(&field, fields.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known settings here: {}", fields.join(", ")),
            };
        } else if message.contains("numbering") || message.contains("variant") {
            at.push(Seg::from("numbering"));
            hint = "numbering is `yearly` (第N期 restarts each January) or `continuous`".into();
        }
        let (line, col) = yaml::locate(text, &at)
            .or_else(|| yaml::locate(text, &crate::ypath!["masthead"]))
            .unwrap_or((1, 1));
        Diagnostic::error(path, line, col, format!("site.yaml: masthead: {message}")).with_hint(hint)
    })?;
    let mut m = Masthead::default();
    // A series starts at 1: 第0期 is no issue number.
    let at_least_one = |key: &str, n: Option<u32>| -> Result<Option<u32>, Diagnostic> {
        if n != Some(0) {
            return Ok(n);
        }
        let (line, col) = yaml::locate(text, &crate::ypath!["masthead", key]).unwrap_or((1, 1));
        Err(Diagnostic::error(
            path,
            line,
            col,
            format!("site.yaml: masthead: `{key}` must be at least 1"),
        ))
    };
    if let Some(n) = at_least_one("first_number", raw.first_number)? {
        m.first_number = n;
    }
    if let Some(n) = at_least_one("first_total", raw.first_total)? {
        m.first_total = n;
    }
    m.name = optional(raw.name);
    m.publisher = optional(raw.publisher);
    m.numbering = raw.numbering.unwrap_or_default();
    m.distribution = raw.distribution.unwrap_or_default();
    m.copies = raw.copies.filter(|&c| c > 0);
    m.font = raw.font;
    Ok(m)
}

fn optional(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Where a key of an issue file's front matter stands: (line, column) in the file.
pub(crate) type Position = (usize, usize);

/// An issue file, `bulletins/YYYY-MM-DD.md`, validated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IssueFile {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// The issue it describes (from the file name).
    pub date: NaiveDate,
    /// An explicit 第N期, with where it is written.
    pub number: Option<(u32, Position)>,
    /// An explicit 总第N期, with where it is written.
    pub total: Option<(u32, Position)>,
    /// 增刊: numbered in its own series.
    pub supplement: bool,
    /// 签发人.
    pub signed_by: Option<String>,
    /// 签发/印发 date, when not the issue's date.
    pub issued: Option<NaiveDate>,
    /// The theme of the issue (专刊 name).
    pub title: Option<String>,
    /// The 报尾 lines, replacing the masthead's.
    pub distribution: Option<Distribution>,
    /// 共印N份, replacing the masthead's.
    pub copies: Option<u32>,
    /// The 编者按 in Markdown (may be empty).
    pub note: String,
    /// The file line the note starts on.
    pub note_line: usize,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssue {
    number: Option<u32>,
    total: Option<u32>,
    supplement: Option<bool>,
    signed_by: Option<String>,
    #[serde(default, deserialize_with = "date_text")]
    issued: Option<String>,
    title: Option<String>,
    distribution: Option<Distribution>,
    copies: Option<u32>,
}

/// A date written bare (`2022-06-20`) or quoted, as text.
fn date_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<yaml::Value>::deserialize(d)?;
    Ok(match v {
        Some(yaml::Value::String(s)) => Some(s),
        Some(yaml::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// The keys of an issue file's front matter, for "did you mean".
pub(crate) const ISSUE_FIELDS: &[&str] = &[
    "number",
    "total",
    "supplement",
    "signed_by",
    "issued",
    "title",
    "distribution",
    "copies",
];

/// Lists `bulletins/*.md` under `root`, sorted; a missing folder is no issue file.
pub(crate) fn discover(root: &Path) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(root.join(ISSUE_DIR)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "md"))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with(['_', '.']))
        })
        .collect();
    paths.sort();
    paths
}

/// Reads and validates every issue file of the site at `root`; all problems are collected.
pub(crate) fn read_all(root: &Path) -> (Vec<IssueFile>, Diagnostics) {
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    for p in discover(root) {
        let shown = source::rel_to(root, &p);
        let text = std::fs::read(&p)
            .map_err(|e| Diagnostic::file_error(&shown, format!("cannot read: {e}")))
            .and_then(|b| {
                source::decode(b).map_err(|(l, c)| {
                    Diagnostic::error(&shown, l, c, "file is not valid UTF-8").with_hint("save the file as UTF-8")
                })
            });
        match text.map(|t| parse(&t, &shown)) {
            Ok(Ok(f)) => files.push(f),
            Ok(Err(ds)) => diags.extend(ds),
            Err(d) => diags.push(d),
        }
    }
    (files, diags)
}

/// Parses the text of an issue file at `path` (`bulletins/YYYY-MM-DD.md`).
pub(crate) fn parse(text: &str, path: &Path) -> Result<IssueFile, Diagnostics> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let Ok(date) = NaiveDate::parse_from_str(stem, "%Y-%m-%d") else {
        return Err(Diagnostic::file_error(path, format!("`{stem}` is not an issue date"))
            .with_hint("name issue files after their issue's date: bulletins/2022-06-20.md")
            .into());
    };
    // A file with no front matter is all 编者按.
    let (front, front_line, note, note_line) = if text.starts_with("---") {
        let s = source::split(text)
            .map_err(|(line, msg, hint)| Diagnostics::from(Diagnostic::error(path, line, 1, msg).with_hint(hint)))?;
        (s.front, s.front_line, s.body, s.body_line)
    } else {
        ("", 1, text, 1)
    };
    let raw: RawIssue = if front.trim().is_empty() {
        RawIssue::default()
    } else {
        if let yaml::Shape::TooDeep(l, c) = yaml::shape(front) {
            return Err(Diagnostic::error(path, l + front_line - 1, c, "front matter: nested too deeply").into());
        }
        match yaml::from_str::<Option<RawIssue>>(front) {
            Ok(r) => r.unwrap_or_default(),
            Err(e) => return Err(yaml_error(&e, front, front_line, path).into()),
        }
    };
    let at = |key: &str| -> Position {
        yaml::locate(front, &crate::ypath![key]).map_or((front_line, 1), |(l, c)| (l + front_line - 1, c))
    };
    let mut diags = Diagnostics::new();
    let mut positive = |key: &str, v: Option<u32>| match v {
        Some(0) => {
            let (l, c) = at(key);
            diags.push(
                Diagnostic::error(path, l, c, format!("`{key}` must be at least 1"))
                    .with_hint("issues are numbered from 1 (第1期)"),
            );
            None
        }
        Some(n) => Some((n, at(key))),
        None => None,
    };
    let number = positive("number", raw.number);
    let total = positive("total", raw.total);
    let issued = match raw.issued.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let (l, c) = at("issued");
                diags.push(
                    Diagnostic::error(path, l, c, format!("`{s}` is not a date"))
                        .with_hint("write the 签发 date as YYYY-MM-DD (2022-06-20)"),
                );
                None
            }
        },
    };
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(IssueFile {
        path: path.to_path_buf(),
        date,
        number,
        total,
        supplement: raw.supplement.unwrap_or(false),
        signed_by: optional(raw.signed_by),
        issued,
        title: optional(raw.title),
        distribution: raw.distribution,
        copies: raw.copies.filter(|&c| c > 0),
        note: note.to_string(),
        note_line,
    })
}

/// A YAML or shape error of an issue file's front matter, at its file line, with a
/// "did you mean" for an unknown key.
fn yaml_error(err: &yaml::Error, front: &str, front_line: usize, path: &Path) -> Diagnostic {
    let (message, pos) = yaml::split_error(err);
    let (l, c) = pos.map_or((1, 1), |p| yaml::text_position(front, p));
    let d = Diagnostic::error(path, l + front_line - 1, c, format!("front matter: {message}"));
    match yaml::unknown_field(&message) {
        Some((field, expected)) => {
            let candidates: Vec<&str> = if expected.is_empty() {
                ISSUE_FIELDS.to_vec()
            } else {
                expected.iter().map(String::as_str).collect()
            };
            d.with_hint(match did_you_mean(&field, candidates.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known fields here: {}", candidates.join(", ")),
            })
        }
        None => d.with_hint(yaml_hint(&message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Result<IssueFile, Diagnostics> {
        parse(text, Path::new("bulletins/2022-06-20.md"))
    }

    #[test]
    fn reads_the_contract_example() {
        let f = file("---\nnumber: 12\ntotal: 345\nsupplement: false\nsigned_by: 王某\nissued: 2022-06-21\ndistribution:\n  报: 市委\ncopies: 50\n---\n编者按：**好**。\n").unwrap();
        assert_eq!(f.number, Some((12, (2, 1))));
        assert_eq!(f.total.map(|t| t.0), Some(345));
        assert_eq!(f.issued, NaiveDate::from_ymd_opt(2022, 6, 21));
        assert_eq!(f.distribution.unwrap().lines(), vec![("报", "市委")]);
        assert_eq!(f.note_line, 11);
        assert!(f.note.contains("编者按"));
    }

    #[test]
    fn a_typo_is_an_error_at_its_line_with_a_suggestion() {
        let d = file("---\nnumber: 3\nsigned_bi: 王某\n---\n").unwrap_err();
        assert_eq!((d.0[0].line, d.0[0].column), (3, 1));
        assert!(d.0[0].message.contains("signed_bi"), "{}", d.0[0]);
        assert_eq!(d.0[0].hint.as_deref(), Some("did you mean `signed_by`?"));
    }

    #[test]
    fn a_file_without_front_matter_is_all_note() {
        let f = file("编者按：本期聚焦蹲点。\n").unwrap();
        assert_eq!(f.number, None);
        assert_eq!(f.note_line, 1);
    }

    #[test]
    fn a_file_not_named_after_a_date_is_refused() {
        let d = parse("x", Path::new("bulletins/june.md")).unwrap_err();
        assert!(d.0[0].message.contains("not an issue date"));
    }

    #[test]
    fn masthead_typo_points_at_the_key() {
        let text = "title: t\nmasthead:\n  publisher: 办公室\n  numbring: yearly\n";
        let v: yaml::Value = yaml::from_str(text).unwrap();
        let m = v.get("masthead").cloned().unwrap();
        let d = masthead(m, text, Path::new("site.yaml")).unwrap_err();
        assert_eq!(d.line, 4);
        assert_eq!(d.hint.as_deref(), Some("did you mean `numbering`?"));
    }
}
