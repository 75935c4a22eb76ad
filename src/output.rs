//! The output folder, written atomically: pages go into a staging folder beside the output,
//! which replaces the output only once the whole build succeeded. A failed or killed build
//! leaves the previous site as it was.
//!
//! Bulletin never deletes a file it did not create: each build records what it wrote in a
//! manifest, and files found in the output that no build made (a `CNAME` placed by hand, say)
//! are carried over into the new output and reported.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::render::Sink;
use crate::theme::StaticSource;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The list of files the build created, kept in the output folder.
pub const MANIFEST: &str = ".bulletin-manifest";
/// Marks a staging folder as ours, so a stale one may be removed.
const STAGING_MARK: &str = ".bulletin-staging";

/// Checks that `output` is a safe place to write: not `/`, not the site root or any folder
/// holding it, not inside content/, templates/, themes/ or static/.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let out = resolve(&root, output);
    let refuse = |why: &str| {
        Diagnostic::file_error(
            "site.yaml",
            format!("refusing to write the site to {}: {why}", out.display()),
        )
        .with_hint("set `output_dir:` (or --output) to a folder of its own, such as `public`")
    };
    if out.parent().is_none() {
        return Err(refuse("it is the file system root"));
    }
    if out.exists() && !out.is_dir() {
        return Err(refuse("it is a file, not a folder"));
    }
    if root.starts_with(&out) {
        return Err(refuse("it holds the site itself"));
    }
    for inner in ["content", "templates", "themes", "static"] {
        if out.starts_with(root.join(inner)) {
            return Err(refuse(&format!("it is inside the site's {inner}/ folder")));
        }
    }
    Ok(())
}

/// An absolute, `..`-free form of `output` (relative to `root`), resolving symlinks of the part that exists.
pub fn resolve(root: &Path, output: &Path) -> PathBuf {
    let joined = if output.is_absolute() {
        output.to_path_buf()
    } else {
        root.join(output)
    };
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other.as_os_str()),
        }
    }
    // Resolve the longest existing ancestor, so a symlinked parent cannot hide the site root.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent().map(Path::to_path_buf),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        real.push(name);
    }
    real
}

/// A build in progress: the staging folder and what has been written to it.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    written: Mutex<BTreeSet<String>>,
    /// Folders already created, so each is made once however many files it holds.
    folders: Mutex<std::collections::HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Creates a fresh staging folder beside `target`, removing stale ones of killed builds.
    pub fn begin(target: &Path) -> Result<Staging, Diagnostic> {
        let parent = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::file_error(parent, format!("cannot create the output's parent folder: {e}")))?;
        remove_stale(parent, &name);
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir(&dir)
            .map_err(|e| Diagnostic::file_error(&dir, format!("cannot create the staging folder: {e}")))?;
        std::fs::write(dir.join(STAGING_MARK), b"")
            .map_err(|e| Diagnostic::file_error(&dir, format!("cannot write: {e}")))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            written: Mutex::new(BTreeSet::new()),
            folders: Mutex::new(std::collections::HashSet::new()),
            committed: false,
        })
    }

    /// Copies the theme's and site's static files (site over theme, already merged).
    pub fn copy_statics<'a>(
        &self,
        statics: impl IntoIterator<Item = (&'a String, &'a StaticSource)>,
    ) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        for (name, src) in statics {
            let r = match src {
                StaticSource::Embedded(bytes) => self.write(name, bytes),
                StaticSource::Disk(path) => std::fs::read(path)
                    .map_err(|e| Diagnostic::file_error(path, format!("cannot read static file: {e}")))
                    .and_then(|b| self.write(name, &b)),
            };
            if let Err(d) = r {
                diags.push(d);
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    /// Swaps the staging folder in as the output. Files in the old output that no build
    /// created are carried over (and reported); one that clashes with a new page fails the build.
    pub fn commit(mut self) -> Result<Diagnostics, Diagnostics> {
        let mut warnings = Diagnostics::new();
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .map_err(|_| Diagnostic::file_error(&self.dir, "internal error: lock poisoned"))?,
        );
        if self.target.exists() {
            if !self.target.is_dir() {
                return Err(Diagnostic::file_error(&self.target, "the output path exists and is not a folder").into());
            }
            let made_before = read_manifest(&self.target);
            let mut clashes = Diagnostics::new();
            let (found, unreadable) = list_entries(&self.target);
            for (path, e) in unreadable {
                // Unlisted, it would be lost with the old output: stop instead.
                clashes.push(
                    Diagnostic::file_error(path, format!("cannot look into the output folder: {e}"))
                        .with_hint("bulletin keeps what it did not create, so it must be able to read it"),
                );
            }
            for (rel, kind) in found {
                if rel == MANIFEST || made_before.contains(&rel) {
                    continue;
                }
                if written.contains(&rel) {
                    clashes.push(
                        Diagnostic::file_error(
                            self.target.join(&rel),
                            "a file not made by bulletin is in the way of a generated page",
                        )
                        .with_hint("move or rename it; bulletin does not overwrite files it did not create"),
                    );
                    continue;
                }
                let from = self.target.join(&rel);
                let to = self.dir.join(&rel);
                match keep(&from, &to, kind) {
                    Ok(()) => warnings.push(
                        Diagnostic::warning(&from, 0, 0, "kept a file that bulletin did not create").with_hint(
                            "files placed in the output by hand are kept; put them in static/ to have them copied",
                        ),
                    ),
                    Err(e) => clashes.push(Diagnostic::file_error(
                        &from,
                        format!("cannot keep this file, which bulletin did not create: {e}"),
                    )),
                }
            }
            if clashes.has_errors() {
                return Err(clashes);
            }
        }
        let manifest: String = written.iter().map(|p| format!("{p}\n")).collect();
        std::fs::write(self.dir.join(MANIFEST), manifest)
            .map_err(|e| Diagnostic::file_error(&self.dir, format!("cannot write the manifest: {e}")))?;
        let _ = std::fs::remove_file(self.dir.join(STAGING_MARK));

        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)
                .map_err(|e| Diagnostic::file_error(&self.target, format!("cannot move the old output aside: {e}")))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(
                Diagnostic::file_error(&self.target, format!("cannot put the new output in place: {e}")).into(),
            );
        }
        self.committed = true;
        if had_old {
            // Everything left there was made by an earlier build; hand-placed files were copied over.
            remove_tree(&old);
        }
        Ok(warnings)
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let rel = safe_relative(path)
            .ok_or_else(|| Diagnostic::file_error(path, "refusing to write outside the output folder"))?;
        let full = self.dir.join(&rel);
        if let Some(parent) = full.parent() {
            let known = self.folders.lock().map(|f| f.contains(parent)).unwrap_or(false);
            if !known {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Diagnostic::file_error(parent, format!("cannot create folder: {e}")))?;
                if let Ok(mut f) = self.folders.lock() {
                    f.insert(parent.to_path_buf());
                }
            }
        }
        std::fs::write(&full, bytes).map_err(|e| Diagnostic::file_error(&full, format!("cannot write: {e}")))?;
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A `/`-separated relative path with no `..`, root or empty parts; None if it would escape.
pub fn safe_relative(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return None;
    }
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == ".." || part.contains(':'))
    {
        return None;
    }
    Some(path.to_string())
}

/// Removes a folder tree, deleting its files in parallel (deletion dominates on slow disks).
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    let _ = std::fs::remove_dir_all(dir);
}

fn read_manifest(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join(MANIFEST))
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// What a hand-placed entry of the old output is, to carry it over as what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    File,
    Symlink,
    EmptyDir,
    /// A FIFO, socket or device: copying would block or make no sense.
    Special,
}

/// What [`list_entries`] finds: entries with their kind, and places it could not read.
type Listing = (Vec<(String, Kind)>, Vec<(PathBuf, std::io::Error)>);

/// Every entry of `dir` but its folders that hold something: `/`-separated path and kind, and
/// the places that could not be read.
fn list_entries(dir: &Path) -> Listing {
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
    {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let io = err
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot be listed"));
                unreadable.push((path, io));
                continue;
            }
        };
        let t = e.file_type();
        let kind = if t.is_file() {
            Kind::File
        } else if t.is_symlink() {
            Kind::Symlink
        } else if t.is_dir() {
            match std::fs::read_dir(e.path()).map(|mut children| children.next().is_none()) {
                Ok(true) => Kind::EmptyDir,
                Ok(false) => continue,
                Err(err) => {
                    unreadable.push((e.path().to_path_buf(), err));
                    continue;
                }
            }
        } else {
            Kind::Special
        };
        if let Ok(rel) = e.path().strip_prefix(dir) {
            found.push((rel.to_string_lossy().replace('\\', "/"), kind));
        }
    }
    (found, unreadable)
}

/// Carries one hand-placed entry from the old output into the new: a copy of a file, the same
/// link for a symlink (never what it points to), an empty folder for an empty folder.
fn keep(from: &Path, to: &Path, kind: Kind) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match kind {
        Kind::File => std::fs::copy(from, to).map(|_| ()),
        Kind::EmptyDir => std::fs::create_dir_all(to),
        Kind::Symlink => copy_link(from, to),
        Kind::Special => Err(std::io::Error::other(
            "it is not a regular file, a folder or a symlink; move it elsewhere",
        )),
    }
}

#[cfg(unix)]
fn copy_link(from: &Path, to: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
}

#[cfg(not(unix))]
fn copy_link(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to).map(|_| ())
}

/// Whether the process that named a staging folder may still be writing to it. Only Linux can
/// tell cheaply (`/proc`); elsewhere every leftover counts as stale, as before.
fn still_running(pid: &str) -> bool {
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if pid == std::process::id().to_string() {
        return false;
    }
    cfg!(target_os = "linux") && Path::new("/proc").join(pid).exists()
}

fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let tmp = format!(".{name}.tmp-");
    let old = format!(".{name}.old-");
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        // A staging folder still carrying our mark was never committed: a killed build.
        // An `.old-` folder is a previous output whose removal was interrupted.
        // A build running beside this one (its process alive) is left alone.
        let stale = match (file_name.strip_prefix(&tmp), file_name.strip_prefix(&old)) {
            (Some(pid), _) => path.join(STAGING_MARK).exists() && !still_running(pid),
            (_, Some(pid)) => path.join(MANIFEST).exists() && !still_running(pid),
            _ => false,
        };
        if stale {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Collects pages in memory instead of writing them (for `check` and tests).
#[derive(Default)]
pub struct MemorySink {
    /// Path → bytes.
    pub files: Mutex<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let rel = safe_relative(path)
            .ok_or_else(|| Diagnostic::file_error(path, "refusing to write outside the output folder"))?;
        if let Ok(mut f) = self.files.lock() {
            f.insert(rel, bytes.to_vec());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert!(safe_relative("news/a/index.html").is_some());
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a\\b", "c:/x", "./a"] {
            assert!(safe_relative(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dangerous_output_folders_are_refused() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(root, Path::new("public")).is_ok());
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, Path::new(".")).is_err());
        assert!(check_output_dir(root, Path::new("..")).is_err());
        assert!(check_output_dir(root, Path::new("content")).is_err());
        assert!(check_output_dir(root, Path::new("content/x")).is_err());
        assert!(check_output_dir(root, Path::new("public/../content")).is_err());
    }
}
