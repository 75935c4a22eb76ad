//! Finding and reading content files: walks `content/`, skips `_` and `.` names, refuses
//! symlinks that lead outside the site, strips a BOM, folds CRLF and CR, and splits the front matter
//! from the body while remembering on which line each starts.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Files larger than this are refused rather than read (a news item is a few KiB).
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A content file's text, read and normalised.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the site root (`content/2022/06/a.md`), used in diagnostics.
    pub path: PathBuf,
    /// Path relative to `content/` (`2022/06/a.md`), used for links between items.
    pub rel: PathBuf,
    /// The text with BOM removed and CRLF folded to LF.
    pub text: String,
}

/// Lists every Markdown file under `root/content`, sorted, and the problems met on the way.
pub(crate) fn discover(root: &Path) -> (Vec<PathBuf>, Diagnostics) {
    let content = root.join("content");
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    if !content.is_dir() {
        diags.push(
            Diagnostic::file_error("content", "no content/ folder in the site")
                .with_hint("news items live in content/, one Markdown file each"),
        );
        return (files, diags);
    }
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // A linked folder that leads outside the site is not walked at all (it may be /usr).
    let outside: std::cell::RefCell<Vec<PathBuf>> = std::cell::RefCell::default();
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_hidden(e.file_name()) {
                return false;
            }
            if e.path_is_symlink() && e.file_type().is_dir() {
                let inside = e.path().canonicalize().is_ok_and(|real| real.starts_with(&real_root));
                if !inside {
                    outside.borrow_mut().push(e.path().to_path_buf());
                    return false;
                }
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(root, &content, &e));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        // A linked file must resolve inside the site. (Linked folders were checked as they were
        // entered, so the files below them need no check of their own: that cost a realpath
        // per item.)
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(real) if real.starts_with(&real_root) => {}
                Ok(_) => {
                    diags.push(
                        Diagnostic::file_error(rel_to(root, entry.path()), "symlink leads outside the site; not read")
                            .with_hint("copy the file into content/ instead of linking to it"),
                    );
                    continue;
                }
                Err(e) => {
                    diags.push(Diagnostic::file_error(
                        rel_to(root, entry.path()),
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            }
        }
        files.push(entry.into_path());
    }
    for dir in outside.into_inner() {
        diags.push(
            Diagnostic::file_error(rel_to(root, &dir), "symlink leads outside the site; not read")
                .with_hint("copy the files into content/ instead of linking to them"),
        );
    }
    (files, diags)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('_') || s.starts_with('.'))
}

/// `path` relative to `root` when below it.
pub(crate) fn rel_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// What a walk of the site (content, static files, templates) could not read, on the path it
/// names (`under` when it names none): a symlink loop, a broken link, or the system's error.
pub(crate) fn walk_error(root: &Path, under: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().map_or_else(|| under.to_path_buf(), Path::to_path_buf);
    let missing = matches!(std::fs::metadata(&path), Err(m) if m.kind() == std::io::ErrorKind::NotFound);
    let msg = if e.loop_ancestor().is_some() {
        "symlink loop: this folder links back to one of its parents".to_string()
    } else if let Some(target) = std::fs::read_link(&path).ok().filter(|_| missing) {
        format!(
            "broken symlink: it points to {}, which does not exist",
            target.display()
        )
    } else {
        format!(
            "cannot read: {}",
            e.io_error().map_or_else(|| e.to_string(), ToString::to_string)
        )
    };
    Diagnostic::file_error(rel_to(root, &path), msg)
}

/// Reads every file in `paths` in parallel and hands each to `f` as soon as it is read, so
/// that a large site's texts are never all in memory at once (100,000 items are 500 MB of
/// text); returns what `f` made, in order, and the files that could not be read.
pub(crate) fn read_each<T: Send>(
    root: &Path,
    paths: &[PathBuf],
    f: impl Fn(SourceFile) -> T + Sync,
) -> (Vec<T>, Diagnostics) {
    let content = root.join("content");
    let results: Vec<Result<T, Diagnostic>> = paths.par_iter().map(|p| read_one(root, &content, p).map(&f)).collect();
    let mut made = Vec::with_capacity(results.len());
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(t) => made.push(t),
            Err(d) => diags.push(d),
        }
    }
    (made, diags)
}

fn read_one(root: &Path, content: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let shown = rel_to(root, path);
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::file_error(&shown, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::file_error(
            &shown,
            format!(
                "file is {} MiB, over the {} MiB limit for one item",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        )
        .with_hint("split it into several items"));
    }
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::file_error(&shown, format!("cannot read: {e}")))?;
    let text = decode(bytes).map_err(|(line, col)| {
        Diagnostic::error(&shown, line, col, "file is not valid UTF-8")
            .with_hint("save the file as UTF-8 (GBK and GB2312 are not supported)")
    })?;
    Ok(SourceFile {
        rel: path
            .strip_prefix(content)
            .map_or_else(|_| shown.clone(), Path::to_path_buf),
        path: shown,
        text,
    })
}

/// UTF-8 text with BOM removed and CRLF and lone CR folded to LF; on failure, the line and
/// column of the bad byte.
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, usize)> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err((line, col));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(match fold_line_breaks(&text) {
        Cow::Owned(folded) => folded,
        Cow::Borrowed(_) => text,
    })
}

/// CRLF and a lone CR (old Mac files) as LF. libyaml breaks lines at a lone CR, so without
/// this a YAML error would be on a line the editor does not see; Markdown agrees.
pub(crate) fn fold_line_breaks(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A file split into front matter and body, with the 1-based line each starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub front: &'a str,
    /// The line of the file where the YAML starts (2 when the file opens with `---`).
    pub front_line: usize,
    /// Everything after the closing `---`.
    pub body: &'a str,
    /// The line of the file where the body starts.
    pub body_line: usize,
}

/// Splits `---\nYAML\n---\nbody`. Errors carry a line, message and hint.
pub fn split(text: &str) -> Result<Split<'_>, (usize, &'static str, &'static str)> {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Err(if text.trim().is_empty() {
            (
                1,
                "the file is empty",
                "an item starts with front matter between two `---` lines",
            )
        } else {
            (
                1,
                "no front matter: the file must start with a line `---`",
                "put the title, date and region between two `---` lines at the top",
            )
        });
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches('\n').trim_end();
        if bare == "---" || bare == "..." {
            let body = &rest[offset + line.len()..];
            return Ok(Split {
                front: &rest[..offset],
                front_line: 2,
                body,
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err((
        1,
        "the front matter is not closed: no second `---` line",
        "end the front matter with a line `---` before the text",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let s = split("---\ntitle: a\nregion: b\n---\nbody\n").unwrap();
        assert_eq!(s.front, "title: a\nregion: b\n");
        assert_eq!(s.front_line, 2);
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn accepts_dots_and_trailing_spaces_as_closers() {
        assert_eq!(split("---\na: 1\n... \nx").unwrap().body, "x");
    }

    #[test]
    fn reports_missing_and_unclosed_front_matter() {
        assert!(split("").unwrap_err().1.contains("empty"));
        assert!(split("# hi").unwrap_err().1.contains("no front matter"));
        assert!(split("---\ntitle: a\n").unwrap_err().1.contains("not closed"));
    }

    #[test]
    fn decodes_bom_and_crlf() {
        let t = decode(b"\xef\xbb\xbf---\r\ntitle: a\r\n---\r\n".to_vec()).unwrap();
        assert_eq!(t, "---\ntitle: a\n---\n");
    }

    #[test]
    fn folds_lone_carriage_returns() {
        let t = decode(b"---\rtitle: a\r\r---\r\nbody\r".to_vec()).unwrap();
        assert_eq!(t, "---\ntitle: a\n\n---\nbody\n");
    }

    #[test]
    fn locates_bad_utf8() {
        assert_eq!(decode(b"ab\ncd\xff".to_vec()), Err((2, 3)));
    }
}
