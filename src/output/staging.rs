//! The output folder, changed only by a build that succeeded: pages go into a staging folder
//! beside the output and are moved in at the end, so a failed or killed build leaves the
//! previous site as it was.
//!
//! A first build renames its staging folder into place. A rebuild stages only the files whose
//! bytes differ from the output (the manifest keeps each file's hash, size and date), then moves
//! them in: unchanged files are never rewritten, which saves the file system's work on every
//! rebuild and lets a deploy send only what changed.
//!
//! Bulletin never deletes a file it did not create: the manifest lists what builds wrote, and
//! files found in the output that no build made (a `CNAME` placed by hand, say) stay where they
//! are and are reported.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::output::sink::Sink;
use crate::output::sink::{safe_relative, StaticSource};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The list of files the build created, kept in the output folder.
pub const MANIFEST: &str = ".bulletin-manifest";
/// How many bytes of changed files a rebuild keeps in memory, to write over the old files in
/// place at the end (no new inode, no rename); beyond that they are staged on disk.
const HOLD_BYTES: usize = 256 << 20;

/// Marks a staging folder as ours, so a stale one may be removed.
const STAGING_MARK: &str = ".bulletin-staging";

/// Checks that `output` is a safe place to write: not `/`, not the site root or any folder
/// holding it, not inside content/, templates/, themes/, static/ or the cache.
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
    for inner in [
        "content",
        "templates",
        "themes",
        "static",
        crate::output::images::CACHE_ROOT,
    ] {
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

/// What the manifest knows of one file the build made: enough to tell, without reading it,
/// that the file in the output still holds exactly what a new build would write (together
/// with its date: a file changed by hand after the last build is newer than the manifest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Record {
    /// xxh3 of the bytes.
    hash: u64,
    size: u64,
}

/// The files an earlier build made, with their records (none for an older manifest, or for a
/// file whose move into place an interrupted build may not have finished).
type Manifest = HashMap<String, Option<Record>>;

/// One file of this build, as [`Sink::write`] saw it.
#[derive(Clone, Copy, Debug)]
struct Written {
    record: Record,
    /// Whether it differs from the output: written to the staging folder, to be moved in.
    changed: bool,
}

/// How the build meets the output folder.
enum Mode {
    /// There is no output yet: the staging folder becomes it.
    Fresh,
    /// An output exists: only files that changed are staged, and moved in once all succeeded;
    /// unchanged files keep their inode and date, so a deploy (rsync) sends only what changed.
    Update {
        previous: Manifest,
        /// When the previous build finished: its files are no newer.
        finished: Option<std::time::SystemTime>,
        /// The output's listing, taken while pages render (nothing changes the output then).
        listing: Option<std::thread::JoinHandle<Listing>>,
    },
}

/// A build in progress: the staging folder and what has been written to it.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    mode: Mode,
    written: Mutex<HashMap<String, Written>>,
    /// Changed files kept in memory (update mode), and their total size.
    held: Mutex<Vec<(String, Vec<u8>)>>,
    held_bytes: std::sync::atomic::AtomicUsize,
    /// Folders already created, so each is made once however many files it holds.
    folders: Mutex<HashSet<PathBuf>>,
    /// Held from begin to commit, so that two builds into one output take turns.
    _lock: Option<std::fs::File>,
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
        let lock = lock_folder(parent);
        remove_stale(parent, &name);
        let dir = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir(&dir)
            .map_err(|e| Diagnostic::file_error(&dir, format!("cannot create the staging folder: {e}")))?;
        std::fs::write(dir.join(STAGING_MARK), b"")
            .map_err(|e| Diagnostic::file_error(&dir, format!("cannot write: {e}")))?;
        // An empty folder (made by hand, or left by a tool) is as good as none.
        if target.is_dir() && std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none()) {
            let _ = std::fs::remove_dir(target);
        }
        let mode = if std::fs::symlink_metadata(target).is_ok() {
            let listed = target.to_path_buf();
            Mode::Update {
                previous: read_manifest(target),
                finished: std::fs::metadata(target.join(MANIFEST)).and_then(|m| m.modified()).ok(),
                listing: Some(std::thread::spawn(move || list_entries(&listed))),
            }
        } else {
            Mode::Fresh
        };
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            mode,
            written: Mutex::new(HashMap::new()),
            held: Mutex::new(Vec::new()),
            held_bytes: std::sync::atomic::AtomicUsize::new(0),
            folders: Mutex::new(HashSet::new()),
            _lock: lock,
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

    /// Whether `rel`, about to be written with `hash` and `size`, is already in the output as is.
    fn unchanged(&self, rel: &str, hash: u64, size: u64) -> Option<Record> {
        let Mode::Update { previous, finished, .. } = &self.mode else {
            return None;
        };
        let rec = (*previous.get(rel)?)?;
        if rec.hash != hash || rec.size != size {
            return None;
        }
        let meta = std::fs::symlink_metadata(self.target.join(rel)).ok()?;
        let untouched = meta.modified().ok().zip(*finished).is_some_and(|(m, f)| m <= f);
        (meta.is_file() && meta.len() == size && untouched).then_some(rec)
    }

    /// Keeps a changed file in memory when this is a rebuild and the budget allows.
    fn hold(&self, rel: &str, bytes: &[u8]) -> bool {
        use std::sync::atomic::Ordering;
        if !matches!(self.mode, Mode::Update { .. }) {
            return false;
        }
        if self.held_bytes.fetch_add(bytes.len(), Ordering::Relaxed) + bytes.len() > HOLD_BYTES {
            self.held_bytes.fetch_sub(bytes.len(), Ordering::Relaxed);
            return false;
        }
        match self.held.lock() {
            Ok(mut h) => {
                h.push((rel.to_string(), bytes.to_vec()));
                true
            }
            Err(_) => false,
        }
    }

    /// Creates the folder of `full` unless this build already did.
    fn make_parent(&self, full: &Path) -> Result<(), Diagnostic> {
        let Some(parent) = full.parent() else { return Ok(()) };
        if self.folders.lock().is_ok_and(|f| f.contains(parent)) {
            return Ok(());
        }
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::file_error(parent, format!("cannot create folder: {e}")))?;
        if let Ok(mut f) = self.folders.lock() {
            f.insert(parent.to_path_buf());
        }
        Ok(())
    }

    /// Puts the new output in place once the whole build succeeded. A first build renames the
    /// staging folder into place; a rebuild moves in the files that changed and removes the
    /// files of earlier builds that this one no longer makes. Files in the output that no build
    /// made are left where they are (and reported); one in the way of a new page fails the build
    /// before anything is touched.
    pub fn commit(mut self) -> Result<Diagnostics, Diagnostics> {
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .map_err(|_| Diagnostic::file_error(&self.dir, "internal error: lock poisoned"))?,
        );
        let warnings = match std::mem::replace(&mut self.mode, Mode::Fresh) {
            Mode::Fresh => {
                write_manifest(&self.dir, &written)?;
                let _ = std::fs::remove_file(self.dir.join(STAGING_MARK));
                std::fs::rename(&self.dir, &self.target).map_err(|e| {
                    Diagnostic::file_error(&self.target, format!("cannot put the new output in place: {e}"))
                })?;
                Diagnostics::new()
            }
            Mode::Update { previous, listing, .. } => {
                let listing = listing
                    .and_then(|h| h.join().ok())
                    .unwrap_or_else(|| list_entries(&self.target));
                let warnings = self.check_hand_placed(&previous, &written, listing)?;
                self.move_in(&previous, &written)?;
                let _ = std::fs::remove_dir_all(&self.dir);
                warnings
            }
        };
        self.committed = true;
        Ok(warnings)
    }

    /// Reports the files of the output no build made, and fails when one is in the way of (or
    /// holds, as a symlinked folder would) a file of this build.
    fn check_hand_placed(
        &self,
        previous: &Manifest,
        written: &HashMap<String, Written>,
        (found, unreadable): Listing,
    ) -> Result<Diagnostics, Diagnostics> {
        let mut warnings = Diagnostics::new();
        let mut clashes = Diagnostics::new();
        for (path, e) in unreadable {
            clashes.push(
                Diagnostic::file_error(path, format!("cannot look into the output folder: {e}"))
                    .with_hint("bulletin must see what it did not create, so as never to overwrite it"),
            );
        }
        let hand: HashMap<&str, Kind> = found
            .iter()
            .filter(|(rel, _)| {
                !previous.contains_key(rel)
                    && rel
                        .strip_prefix(MANIFEST)
                        .is_none_or(|rest| !rest.is_empty() && rest != ".tmp")
            })
            .map(|(rel, kind)| (rel.as_str(), *kind))
            .collect();
        let mut in_the_way: BTreeSet<&str> = BTreeSet::new();
        // A file of ours replaced by a link or a special file: never write through it.
        for (rel, kind) in &found {
            if *kind != Kind::File && previous.contains_key(rel) && written.contains_key(rel) {
                in_the_way.insert(rel.as_str());
            }
        }
        for rel in written.keys() {
            let blocked = std::iter::once(rel.as_str())
                .chain(rel.match_indices('/').map(|(i, _)| &rel[..i]))
                .find(|p| hand.contains_key(p));
            if let Some(p) = blocked {
                in_the_way.insert(p);
            }
        }
        for (rel, _) in &found {
            if !hand.contains_key(rel.as_str()) && !in_the_way.contains(rel.as_str()) {
                continue;
            }
            let path = self.target.join(rel);
            if in_the_way.contains(rel.as_str()) {
                clashes.push(
                    Diagnostic::file_error(path, "a file not made by bulletin is in the way of a generated page")
                        .with_hint("move or rename it; bulletin does not overwrite files it did not create"),
                );
            } else {
                warnings.push(
                    Diagnostic::warning(path, 0, 0, "kept a file that bulletin did not create").with_hint(
                        "files placed in the output by hand are kept; put them in static/ to have them copied",
                    ),
                );
            }
        }
        if clashes.has_errors() {
            Err(clashes)
        } else {
            Ok(warnings)
        }
    }

    /// Moves the changed files into the output and removes the files earlier builds made that
    /// this one does not. The manifest first lists both, so that a build killed halfway leaves
    /// an output whose every generated file the next build still knows as its own.
    fn move_in(&self, previous: &Manifest, written: &HashMap<String, Written>) -> Result<(), Diagnostic> {
        let mut intent: HashMap<String, Written> = written.clone();
        for w in intent.values_mut() {
            if w.changed {
                w.record.hash = 0;
                w.record.size = u64::MAX;
            }
        }
        let stale: Vec<&String> = previous
            .keys()
            .filter(|rel| !written.contains_key(*rel) && safe_relative(rel).is_some())
            .collect();
        for rel in &stale {
            intent.insert(
                (*rel).clone(),
                Written {
                    record: Record {
                        hash: 0,
                        size: u64::MAX,
                    },
                    changed: true,
                },
            );
        }
        write_manifest(&self.target, &intent)?;

        let changed: Vec<&String> = written.iter().filter(|(_, w)| w.changed).map(|(r, _)| r).collect();
        let folders: BTreeSet<&Path> = changed
            .iter()
            .filter_map(|rel| Path::new(rel.as_str()).parent())
            .collect();
        for f in folders {
            let dir = self.target.join(f);
            if !dir.is_dir() {
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Diagnostic::file_error(&dir, format!("cannot create folder: {e}")))?;
            }
        }
        let held = std::mem::take(
            &mut *self
                .held
                .lock()
                .map_err(|_| Diagnostic::file_error(&self.dir, "internal error: lock poisoned"))?,
        );
        let in_memory: HashSet<&str> = held.iter().map(|(rel, _)| rel.as_str()).collect();
        // Renames across folders take a file-system-wide lock: one after the other.
        for rel in changed.iter().filter(|rel| !in_memory.contains(rel.as_str())) {
            let to = self.target.join(rel);
            std::fs::rename(self.dir.join(rel), &to)
                .map_err(|e| Diagnostic::file_error(&to, format!("cannot put the new file in place: {e}")))?;
        }
        // Files held in memory overwrite the old ones in place, keeping their inodes.
        held.par_iter().try_for_each(|(rel, bytes)| {
            let to = self.target.join(rel);
            std::fs::write(&to, bytes).map_err(|e| Diagnostic::file_error(&to, format!("cannot write: {e}")))
        })?;
        let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
        for rel in stale {
            let path = self.target.join(rel);
            // Only what is still a file or link of ours: never follow into a folder.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) && std::fs::remove_file(&path).is_ok() {
                let mut up = Path::new(rel.as_str()).parent();
                while let Some(p) = up.filter(|p| !p.as_os_str().is_empty()) {
                    emptied.insert(p.to_path_buf());
                    up = p.parent();
                }
            }
        }
        // Deepest first; a folder that still holds anything stays.
        let mut emptied: Vec<PathBuf> = emptied.into_iter().collect();
        emptied.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        for dir in emptied {
            let _ = std::fs::remove_dir(self.target.join(dir));
        }
        write_manifest(&self.target, written)
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let rel = safe_relative(path)
            .ok_or_else(|| Diagnostic::file_error(path, "refusing to write outside the output folder"))?;
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        let size = bytes.len() as u64;
        let entry = if let Some(record) = self.unchanged(&rel, hash, size) {
            Written { record, changed: false }
        } else if self.hold(&rel, bytes) {
            Written {
                record: Record { hash, size },
                changed: true,
            }
        } else {
            let full = self.dir.join(&rel);
            self.make_parent(&full)?;
            let cannot = |e: std::io::Error| Diagnostic::file_error(&full, format!("cannot write: {e}"));
            std::fs::write(&full, bytes).map_err(cannot)?;
            Written {
                record: Record { hash, size },
                changed: true,
            }
        };
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel, entry);
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

/// Takes an exclusive lock on `folder` (the output's parent) for as long as the file lives.
/// Locking the folder itself leaves no lock file behind.
fn lock_folder(folder: &Path) -> Option<std::fs::File> {
    if !cfg!(unix) {
        return None;
    }
    let f = std::fs::File::open(folder).ok()?;
    f.lock().ok()?;
    Some(f)
}

/// The first line of a manifest with records; older manifests list bare paths.
const MANIFEST_HEADER: &str = "# bulletin manifest 2: xxh3 size path";

/// Reads the manifest of the output `dir` (empty when there is none).
fn read_manifest(dir: &Path) -> Manifest {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return Manifest::new();
    };
    let mut lines = text.lines().peekable();
    let with_records = lines.peek() == Some(&MANIFEST_HEADER);
    if with_records {
        lines.next();
    }
    lines
        .filter_map(|line| {
            if !with_records {
                return Some((line.to_string(), None));
            }
            let mut parts = line.splitn(3, ' ');
            let (hash, size, path) = (parts.next()?, parts.next()?, parts.next()?);
            let record = Record {
                hash: u64::from_str_radix(hash, 16).ok()?,
                size: size.parse().ok()?,
            };
            // A record of an unfinished move never matches: the file is written again.
            let known = record.size != u64::MAX;
            Some((path.to_string(), known.then_some(record)))
        })
        .collect()
}

/// Writes the manifest of `files` into `dir`, through a temporary file so it is whole or absent.
fn write_manifest(dir: &Path, files: &HashMap<String, Written>) -> Result<(), Diagnostic> {
    let mut rows: Vec<(&String, &Written)> = files.iter().collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = String::with_capacity(rows.len() * 80 + MANIFEST_HEADER.len() + 1);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for (path, w) in rows {
        let r = w.record;
        text.push_str(&format!("{:016x} {} {path}\n", r.hash, r.size));
    }
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, dir.join(MANIFEST)))
        .map_err(|e| Diagnostic::file_error(dir, format!("cannot write the manifest: {e}")))
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
    // A folder is listed before what it holds, so it is empty when the next entry is not
    // deeper: no second read of every folder to find out.
    let mut open_dir: Option<(String, usize)> = None;
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
    {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                // A folder that cannot be read is not known to be empty.
                open_dir = None;
                let io = err
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot be listed"));
                unreadable.push((path, io));
                continue;
            }
        };
        if let Some((path, depth)) = open_dir.take() {
            if e.depth() <= depth {
                found.push((path, Kind::EmptyDir));
            }
        }
        let Ok(rel) = e.path().strip_prefix(dir) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let t = e.file_type();
        let kind = if t.is_file() {
            Kind::File
        } else if t.is_symlink() {
            Kind::Symlink
        } else if t.is_dir() {
            open_dir = Some((rel, e.depth()));
            continue;
        } else {
            Kind::Special
        };
        found.push((rel, kind));
    }
    if let Some((path, _)) = open_dir {
        found.push((path, Kind::EmptyDir));
    }
    (found, unreadable)
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
        } else if file_name.strip_prefix(&tmp).is_some_and(|pid| !still_running(pid)) {
            // Killed between making its staging folder and marking it: the folder is empty,
            // and removing an empty folder can lose nothing.
            let _ = std::fs::remove_dir(&path);
        }
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
        assert!(check_output_dir(root, Path::new(".bulletin-cache")).is_err());
        assert!(check_output_dir(root, Path::new(".bulletin-cache/images/x")).is_err());
    }
}
