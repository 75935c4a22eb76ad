//! `bulletin export wechat` and `bulletin export email`: the site loaded as `check` loads it,
//! one issue made into a 公众号 draft or an e-mail message (`render::export`), every limit
//! checked and every problem reported before a single file is written.

use super::options::Options;
use super::pipeline::{Loaded, Pipeline};
use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::base::Timings;
use crate::content::item::SHORT_TITLE_CHARS;
use crate::content::source;
use crate::render::export::email;
use crate::render::export::wechat::{self as wx, Limit, Overlong};
use crate::site::{Bulletin, Site};
use crate::ypath;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    /// The folder written into.
    pub dir: PathBuf,
    /// The files written, in order.
    pub files: Vec<PathBuf>,
    /// Warnings of the load.
    pub warnings: Diagnostics,
}

/// The issue of `date`, or an error naming the issues there are.
fn issue(site: &Site, date: NaiveDate) -> Result<&Bulletin, Diagnostics> {
    site.bulletins.iter().find(|b| b.date == date).ok_or_else(|| {
        let known: Vec<String> = site.bulletins.iter().take(5).map(|b| b.date.to_string()).collect();
        let hint = if known.is_empty() {
            "no item is published yet; an item joins the issue named by its `bulletin:` (default: its date)".to_string()
        } else {
            format!("the latest issues: {}", known.join(", "))
        };
        Diagnostic::file_error("bulletins", format!("no published item is in the issue of {date}"))
            .with_hint(hint)
            .into()
    })
}

/// `dir` (relative to the site root unless absolute), or the default under the root.
fn folder(root: &Path, dir: Option<&Path>, default: PathBuf) -> PathBuf {
    match dir {
        Some(d) if d.is_absolute() => d.to_path_buf(),
        Some(d) => root.join(d),
        None => root.join(default),
    }
}

fn write(path: &Path, bytes: &[u8], root: &Path) -> Result<(), Diagnostics> {
    let fail = |e: std::io::Error| -> Diagnostics {
        Diagnostic::file_error(
            path.strip_prefix(root).unwrap_or(path),
            format!("cannot write the file: {e}"),
        )
        .into()
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, bytes).map_err(fail)
}

/// The front matter (and its first line) and Markdown body of an item's file, read again: a
/// loaded site keeps only their rendered HTML.
fn source_of(root: &Path, path: &Path) -> Result<(String, String, usize), Diagnostic> {
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let unreadable = |why: String| Diagnostic::file_error(path, format!("cannot read the item again: {why}"));
    let bytes = std::fs::read(&full).map_err(|e| unreadable(e.to_string()))?;
    let text = source::decode(bytes).map_err(|(l, c)| unreadable(format!("not UTF-8 at {l}:{c}")))?;
    let split = source::split(&text).map_err(|(_, m, _)| unreadable(m.to_string()))?;
    Ok((split.front.to_string(), split.body.to_string(), split.front_line))
}

/// The diagnostic of a WeChat limit broken by an item whose front matter is `front`.
fn overlong(site: &Site, o: &Overlong, front: &str, front_line: usize) -> Option<Diagnostic> {
    let e = site.entries.get(o.entry)?;
    let at = |key: &str| {
        crate::base::yaml::locate(front, &ypath![key]).map_or((front_line.saturating_sub(1).max(1), 1), |(l, c)| {
            (l + front_line - 1, c)
        })
    };
    let path = &e.item.path;
    Some(match o.limit {
        Limit::Title(n) => {
            let (key, hint) = if e.item.short_title.is_some() {
                ("short_title", format!("shorten `short_title:` to at most {SHORT_TITLE_CHARS} characters"))
            } else {
                ("title", format!("set `short_title:` (at most {SHORT_TITLE_CHARS} characters) for WeChat and other places where the headline must be short"))
            };
            let (l, c) = at(key);
            Diagnostic::error(
                path,
                l,
                c,
                format!("the WeChat title has {n} characters; WeChat allows at most {SHORT_TITLE_CHARS}"),
            )
            .with_hint(hint)
        }
        Limit::Author(n) => {
            let (l, c) = at("byline");
            Diagnostic::error(
                path,
                l,
                c,
                format!("the byline's names have {n} characters; a WeChat author has at most {}", wx::AUTHOR_CHARS),
            )
            .with_hint("WeChat's author field holds the byline's names; name fewer people here and credit the others in the text")
        }
        Limit::Content { chars, bytes } => Diagnostic::error(
            path,
            e.item.body_line,
            1,
            format!(
                "the WeChat article has {chars} characters and {bytes} bytes; WeChat takes fewer than {} characters and 1 MB",
                wx::CONTENT_CHARS
            ),
        )
        .with_hint("split the item in two, or shorten it"),
    })
}

fn load(opts: &Options) -> Result<(Pipeline, Loaded), Diagnostics> {
    let p = Pipeline::new(opts.clone());
    let loaded = p.load(&mut Timings::start())?;
    Ok((p, loaded))
}

/// `bulletin export wechat`: writes `draft.json`, `content/NN-SLUG.html` and `images.tsv` of
/// the issue of `date` into `dir` (default `exports/wechat/DATE/`), when every article keeps
/// WeChat's limits.
pub fn export_wechat(opts: &Options, date: NaiveDate, dir: Option<&Path>) -> Result<Exported, Diagnostics> {
    let (p, Loaded { site, warnings }) = load(opts)?;
    let root = &opts.root;
    let b = issue(&site, date)?;
    let theme = p.theme(&site.config)?;
    let mut diags = Diagnostics::new();
    let mut fronts = Vec::new();
    let mut bodies = Vec::new();
    for e in site.pick(&b.entries) {
        match source_of(root, &e.item.path) {
            Ok((front, body, line)) => {
                fronts.push((front, line));
                bodies.push(body);
            }
            Err(d) => {
                diags.push(d);
                fronts.push((String::new(), 1));
                bodies.push(String::new());
            }
        }
    }
    let labels = wx::Labels {
        notes: theme.t("export_notes"),
    };
    let made = wx::export(&site, b, &bodies, labels, root);
    for o in &made.overlong {
        let k = b.entries.iter().position(|&i| i == o.entry).unwrap_or(0);
        let (front, line) = fronts.get(k).map_or(("", 1), |(f, l)| (f.as_str(), *l));
        diags.extend(overlong(&site, o, front, line));
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let dir = folder(root, dir, Path::new("exports/wechat").join(date.to_string()));
    // Articles of an earlier export of this issue that are no longer in it go.
    if let Ok(old) = std::fs::read_dir(dir.join("content")) {
        for f in old.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(".html") && name.len() > 3 && name.as_bytes()[..2].iter().all(u8::is_ascii_digit);
            if ours && !made.contents.iter().any(|(n, _)| *n == name) {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
    let mut files = Vec::new();
    let mut put = |rel: &str, bytes: &[u8]| -> Result<(), Diagnostics> {
        let path = dir.join(rel);
        write(&path, bytes, root)?;
        files.push(path);
        Ok(())
    };
    put("draft.json", made.draft_json().as_bytes())?;
    for (name, html) in &made.contents {
        put(&format!("content/{name}"), html.as_bytes())?;
    }
    put("images.tsv", made.images.as_bytes())?;
    Ok(Exported { dir, files, warnings })
}

/// `bulletin export email`: writes `bulletin-DATE.eml`, the issue of `date` as one e-mail
/// message, into `dir` (default `exports/email/`).
pub fn export_email(opts: &Options, date: NaiveDate, dir: Option<&Path>) -> Result<Exported, Diagnostics> {
    let (p, Loaded { site, warnings }) = load(opts)?;
    let root = &opts.root;
    let b = issue(&site, date)?;
    let theme = p.theme(&site.config)?;
    let labels = email::Labels {
        note: theme.t("editor_note"),
        read_more: theme.t("export_read_more"),
        read_online: theme.t("export_read_online"),
    };
    let bytes = email::export(&site, b, labels);
    let dir = folder(root, dir, PathBuf::from("exports/email"));
    let path = dir.join(email::file_name(date));
    write(&path, &bytes, root)?;
    Ok(Exported {
        dir,
        files: vec![path],
        warnings,
    })
}
