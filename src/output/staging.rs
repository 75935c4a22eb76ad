//! The output folder, changed only by a build that succeeded, and then in one step: the whole
//! new tree is made in a staging folder beside the output (`.public.staging`) and the two
//! folders trade places (see [`super::swap`]). A reader, a deploy or a web server sees the old
//! site or the new one, never a mix, whenever the build fails or is killed.
//!
//! Making the whole tree costs little: a file whose bytes did not change (the manifest keeps
//! each file's hash, size and date) is a hard link to the output's file, not a copy, so a
//! rebuild writes only what changed. After the swap the staging folder holds the previous
//! tree, which the next build brings up to date instead of deleting (deleting thousands of
//! files takes longer than rendering them).
//!
//! Bulletin never deletes a file it did not create: the manifest lists what builds wrote, and
//! files found in the output that no build made (a `CNAME` placed by hand, say) are carried
//! into the new tree and reported.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::output::manifest::{list_entries, read_manifest, write_manifest, Kind, Listing, Manifest, Record, MANIFEST};
use crate::output::sink::Sink;
use crate::output::sink::{safe_relative, StaticSource};
use crate::output::swap;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::Metadata;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Marks a staging folder as ours while a build fills it (removed just before the swap, when
/// the manifest claims the folder instead).
const STAGING_MARK: &str = ".bulletin-staging";

/// Checks that `output` is a safe place to write: not `/`, not the site root or any folder
/// holding it, not inside content/, templates/, themes/, static/ or the cache.
pub(crate) fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
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
pub(crate) fn resolve(root: &Path, output: &Path) -> PathBuf {
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

/// One file of this build, as [`Sink::write`] saw it.
#[derive(Clone, Copy, Debug)]
struct Written {
    record: Record,
    /// Whether its bytes were written anew (not linked to the output's file).
    changed: bool,
}

/// What the build knows of the output it replaces.
struct Previous {
    manifest: Manifest,
    /// When the previous build finished: its files are no newer.
    finished: Option<std::time::SystemTime>,
    /// The output's listing, taken while pages render (nothing changes the output then).
    listing: Option<std::thread::JoinHandle<Listing>>,
}

/// A build in progress: the staging folder and what has been written to it.
pub(crate) struct Staging {
    /// The staging folder, `.NAME.staging` beside the output.
    dir: PathBuf,
    /// The output folder.
    target: PathBuf,
    /// The name the portable swap moves the old output to for an instant.
    aside: PathBuf,
    /// The output this build replaces (None for a first build).
    previous: Option<Previous>,
    /// What the staging folder held before this build wrote anything.
    before: Vec<(String, Kind)>,
    written: Mutex<HashMap<String, Written>>,
    /// Folders of the staging folder known to be real folders (made or checked by this build).
    folders: Mutex<HashSet<PathBuf>>,
    /// The paths of `before` and their folders (None if a folder could not be listed): a path
    /// of neither can only be there if this build made it, so writing it needs no look first
    /// (two system calls fewer per file of a build into an empty folder).
    held: Option<HashSet<String>>,
    /// Starts writing the new files to disk while the build goes on.
    flusher: Option<swap::Flusher>,
    /// Held from begin to commit, so that two builds into one output take turns.
    _lock: Option<std::fs::File>,
}

impl Staging {
    /// Opens (or creates) the staging folder beside `target`, repairing what a killed build
    /// left behind.
    pub(crate) fn begin(target: &Path) -> Result<Staging, Diagnostic> {
        let parent = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::file_error(parent, format!("cannot create the output's parent folder: {e}")))?;
        let lock = lock_folder(parent);
        remove_stale(parent, &name);
        let dir = parent.join(format!(".{name}.staging"));
        let aside = parent.join(format!(".{name}.old"));
        swap::recover(&dir, target, &aside).map_err(|e| {
            Diagnostic::file_error(
                &aside,
                format!("cannot put back the output an interrupted build moved aside: {e}"),
            )
            .with_hint("rename this folder back to the output's name, then build again")
        })?;
        claim(&dir)?;
        // An empty folder (made by hand, or left by a tool) is as good as none.
        if target.is_dir() && std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none()) {
            let _ = std::fs::remove_dir(target);
        }
        let previous = if std::fs::symlink_metadata(target).is_ok() {
            refuse_mount_point(target, parent)?;
            let listed = target.to_path_buf();
            Some(Previous {
                manifest: read_manifest(target),
                finished: std::fs::metadata(target.join(MANIFEST)).and_then(|m| m.modified()).ok(),
                listing: Some(std::thread::spawn(move || list_entries(&listed))),
            })
        } else {
            None
        };
        // Taken before anything is written, so that whatever this build does not write again
        // is known and removed before the swap. Unreadable places cannot hold a stale page
        // that the build would not notice: it writes its own folders afresh.
        let (before, unreadable) = list_entries(&dir);
        let held = unreadable.is_empty().then(|| {
            let mut held = HashSet::with_capacity(before.len());
            for (rel, _) in &before {
                let mut at = rel.as_str();
                while held.insert(at.to_string()) {
                    match at.rfind('/') {
                        Some(i) => at = &at[..i],
                        None => break,
                    }
                }
            }
            held
        });
        std::fs::write(dir.join(STAGING_MARK), b"")
            .map_err(|e| Diagnostic::file_error(&dir, format!("cannot write: {e}")))?;
        let flusher = Some(swap::Flusher::new(&dir));
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            aside,
            previous,
            before,
            written: Mutex::new(HashMap::new()),
            folders: Mutex::new(HashSet::new()),
            held,
            flusher,
            _lock: lock,
        })
    }

    /// Copies the theme's and site's static files (site over theme, already merged).
    pub(crate) fn copy_statics<'a>(
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

    /// Whether `rel`, about to be written with `hash` and `size`, is already in the output as
    /// is; with the output file's metadata.
    fn unchanged(&self, rel: &str, hash: u64, size: u64) -> Option<(Record, Metadata)> {
        let previous = self.previous.as_ref()?;
        let rec = (*previous.manifest.get(rel)?)?;
        if rec.hash != hash || rec.size != size {
            return None;
        }
        let meta = std::fs::symlink_metadata(self.target.join(rel)).ok()?;
        let untouched = meta.modified().ok().zip(previous.finished).is_some_and(|(m, f)| m <= f);
        (meta.is_file() && meta.len() == size && untouched).then_some((rec, meta))
    }

    /// Makes the folders of `rel` inside the staging folder real folders, replacing whatever
    /// else is at their names (the staging folder is wholly ours) and never following a link.
    fn make_parents(&self, rel: &str) -> Result<(), Diagnostic> {
        let Some(parent) = Path::new(rel).parent() else {
            return Ok(());
        };
        if self.folders.lock().is_ok_and(|f| f.contains(parent)) {
            return Ok(());
        }
        let mut at = PathBuf::new();
        for part in parent.components() {
            at.push(part);
            if self.folders.lock().is_ok_and(|f| f.contains(&at)) {
                continue;
            }
            let full = self.dir.join(&at);
            let cannot = |e: std::io::Error| Diagnostic::file_error(&full, format!("cannot create folder: {e}"));
            if !self.held(&at.to_string_lossy()) {
                make_folder(&full).map_err(cannot)?;
            } else {
                match std::fs::symlink_metadata(&full) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        std::fs::remove_file(&full).map_err(cannot)?;
                        make_folder(&full).map_err(cannot)?;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => make_folder(&full).map_err(cannot)?,
                    Err(e) => return Err(cannot(e)),
                }
            }
            if let Ok(mut f) = self.folders.lock() {
                f.insert(at.clone());
            }
        }
        Ok(())
    }

    /// Removes whatever the staging folder holds at `rel` (left by an earlier build), so a new
    /// file can be made there. A folder this build made is not in the way of a stale entry: it
    /// is a clash between two of this build's paths.
    fn clear(&self, rel: &str) -> Result<(), Diagnostic> {
        let full = self.dir.join(rel);
        let cannot = |e: std::io::Error| Diagnostic::file_error(&full, format!("cannot write: {e}"));
        match std::fs::symlink_metadata(&full) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(cannot(e)),
            Ok(m) if m.is_dir() => {
                if self.folders.lock().is_ok_and(|f| f.contains(Path::new(rel))) {
                    return Err(cannot(std::io::Error::other(
                        "this build also writes files inside this path",
                    )));
                }
                std::fs::remove_dir_all(&full).map_err(cannot)
            }
            Ok(_) => std::fs::remove_file(&full).map_err(cannot),
        }
    }

    /// Writes `bytes` as a new file at `rel`. Never into an existing file: that inode may be
    /// the output's own (a hard link made by an earlier build).
    fn create(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let full = self.dir.join(rel);
        let open = || std::fs::OpenOptions::new().write(true).create_new(true).open(&full);
        // Where nothing was before this build, the name is free unless this build wrote it.
        let file = match self.held(rel) {
            false => match open() {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                opened => Some(opened),
            },
            true => None,
        };
        let file = match file {
            Some(f) => f,
            None => {
                self.clear(rel)?;
                open()
            }
        };
        file.and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Diagnostic::file_error(&full, format!("cannot write: {e}")))?;
        if let Some(f) = &self.flusher {
            f.wrote(bytes.len());
        }
        Ok(())
    }

    /// Whether the staging folder may hold something at `rel` that this build did not make.
    fn held(&self, rel: &str) -> bool {
        self.held.as_ref().is_none_or(|h| {
            if cfg!(windows) {
                h.contains(&rel.replace('\\', "/"))
            } else {
                h.contains(rel)
            }
        })
    }

    /// Makes `rel` in the staging folder the output's own file (a hard link), unless it is
    /// already; where links cannot be made, writes `bytes`.
    fn link_live(&self, rel: &str, live: &Metadata, bytes: &[u8]) -> Result<(), Diagnostic> {
        let full = self.dir.join(rel);
        if same_file(live, &full) {
            return Ok(());
        }
        self.clear(rel)?;
        if std::fs::hard_link(self.target.join(rel), &full).is_ok() {
            return Ok(());
        }
        self.create(rel, bytes)
    }

    /// Puts the new output in place once the whole build succeeded: files in the output that
    /// no build made are carried into the staging folder (one in the way of a new page fails
    /// the build first), whatever an earlier tree left there is removed, the tree is made
    /// durable, and the two folders trade places. Until the swap the output is untouched.
    pub(crate) fn commit(mut self) -> Result<Diagnostics, Diagnostics> {
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .map_err(|_| Diagnostic::file_error(&self.dir, "internal error: lock poisoned"))?,
        );
        let mut warnings = Diagnostics::new();
        let mut carried: HashSet<String> = HashSet::new();
        if let Some(previous) = self.previous.as_mut() {
            let listing = previous
                .listing
                .take()
                .and_then(|h| h.join().ok())
                .unwrap_or_else(|| list_entries(&self.target));
            let (kept, hand) = check_hand_placed(&self.target, &previous.manifest, &written, listing)?;
            warnings = kept;
            for (rel, kind) in hand {
                self.carry(&rel, kind)?;
                carried.insert(rel);
            }
        }
        self.remove_leftovers(&written, &carried);
        let records = written.iter().map(|(rel, w)| (rel, w.record));
        write_manifest(&self.dir, records)
            .map_err(|e| Diagnostic::file_error(&self.dir, format!("cannot write the manifest: {e}")))?;
        let new_files: Vec<PathBuf> = if cfg!(target_os = "linux") {
            Vec::new()
        } else {
            written
                .iter()
                .filter(|(_, w)| w.changed)
                .map(|(rel, _)| self.dir.join(rel))
                .chain(std::iter::once(self.dir.join(MANIFEST)))
                .collect()
        };
        // The mark goes before the flush, so that the flushed tree is the one swapped in.
        let _ = std::fs::remove_file(self.dir.join(STAGING_MARK));
        if let Some(f) = self.flusher.take() {
            f.stop();
        }
        swap::make_durable(&self.dir, new_files.iter().map(PathBuf::as_path))
            .map_err(|e| Diagnostic::file_error(&self.dir, format!("cannot make the new output durable: {e}")))?;
        let swapped = if self.previous.is_some() {
            swap::exchange(&self.dir, &self.target, &self.aside)
        } else {
            std::fs::rename(&self.dir, &self.target)
        };
        swapped.map_err(|e| {
            Diagnostic::file_error(&self.target, format!("cannot put the new output in place: {e}"))
                .with_hint("the previous output is unchanged")
        })?;
        if let Some(parent) = self.target.parent() {
            swap::sync_folder(parent);
        }
        Ok(warnings)
    }

    /// Carries an entry of the output that no build made into the new tree, as what it is.
    fn carry(&self, rel: &str, kind: Kind) -> Result<(), Diagnostic> {
        let from = self.target.join(rel);
        let to = self.dir.join(rel);
        let cannot = |e: std::io::Error| {
            Diagnostic::file_error(&from, format!("cannot keep this file in the new output: {e}"))
                .with_hint("bulletin keeps files it did not create; make it readable, or move it out of the output")
        };
        self.make_parents(rel)?;
        if kind == Kind::EmptyDir {
            return match std::fs::symlink_metadata(&to) {
                Ok(m) if m.is_dir() => Ok(()),
                _ => {
                    self.clear(rel)?;
                    make_folder(&to).map_err(cannot)
                }
            };
        }
        let meta = std::fs::symlink_metadata(&from).map_err(cannot)?;
        if same_file(&meta, &to) {
            return Ok(());
        }
        self.clear(rel)?;
        #[cfg(unix)]
        if kind == Kind::Symlink {
            // Made anew rather than linked: a hard link to a symlink is not portable.
            let points_to = std::fs::read_link(&from).map_err(cannot)?;
            return std::os::unix::fs::symlink(points_to, &to).map_err(cannot);
        }
        match std::fs::hard_link(&from, &to) {
            Ok(()) => Ok(()),
            Err(_) if kind == Kind::File => std::fs::copy(&from, &to).map(drop).map_err(cannot),
            Err(e) => Err(cannot(e)),
        }
    }

    /// Removes from the staging folder what an earlier tree left there and this build neither
    /// wrote nor carried, then the folders that emptied. Failures only leave a stale entry in
    /// a place this build made anew, so they are not errors.
    fn remove_leftovers(&self, written: &HashMap<String, Written>, carried: &HashSet<String>) {
        let mut emptied: BTreeSet<&str> = BTreeSet::new();
        for (rel, kind) in &self.before {
            let ours = rel == MANIFEST || rel == STAGING_MARK || rel.starts_with(&format!("{MANIFEST}."));
            if ours || written.contains_key(rel) || carried.contains(rel) {
                continue;
            }
            let full = self.dir.join(rel);
            let removed = match kind {
                Kind::EmptyDir => std::fs::remove_dir(&full),
                _ => std::fs::remove_file(&full),
            };
            if removed.is_ok() {
                let mut up = rel.rfind('/').map(|i| &rel[..i]);
                while let Some(p) = up {
                    emptied.insert(p);
                    up = p.rfind('/').map(|i| &p[..i]);
                }
            }
        }
        let mut emptied: Vec<&str> = emptied.into_iter().filter(|p| !carried.contains(*p)).collect();
        // Deepest first; a folder that still holds anything stays.
        emptied.sort_by_key(|p| std::cmp::Reverse(p.matches('/').count()));
        for dir in emptied {
            let _ = std::fs::remove_dir(self.dir.join(dir));
        }
    }
}

/// Reports the files of the output no build made, and fails when one is in the way of (or
/// holds, as a symlinked folder would) a file of this build. Returns the warnings and the
/// entries to carry into the new tree.
fn check_hand_placed(
    target: &Path,
    previous: &Manifest,
    written: &HashMap<String, Written>,
    (found, unreadable): Listing,
) -> Result<(Diagnostics, Vec<(String, Kind)>), Diagnostics> {
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
    // A file of ours replaced by a link or a special file: someone put it there on purpose.
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
    let mut carry = Vec::new();
    for (rel, kind) in &found {
        if !hand.contains_key(rel.as_str()) && !in_the_way.contains(rel.as_str()) {
            continue;
        }
        let path = target.join(rel);
        if in_the_way.contains(rel.as_str()) {
            clashes.push(
                Diagnostic::file_error(path, "a file not made by bulletin is in the way of a generated page")
                    .with_hint("move or rename it; bulletin does not overwrite files it did not create"),
            );
        } else {
            warnings.push(
                Diagnostic::warning(path, 0, 0, "kept a file that bulletin did not create")
                    .with_hint("files placed in the output by hand are kept; put them in static/ to have them copied"),
            );
            carry.push((rel.clone(), *kind));
        }
    }
    if clashes.has_errors() {
        Err(clashes)
    } else {
        Ok((warnings, carry))
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let rel = safe_relative(path)
            .ok_or_else(|| Diagnostic::file_error(path, "refusing to write outside the output folder"))?;
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        let size = bytes.len() as u64;
        self.make_parents(&rel)?;
        let entry = if let Some((record, live)) = self.unchanged(&rel, hash, size) {
            self.link_live(&rel, &live, bytes)?;
            Written { record, changed: false }
        } else {
            self.create(&rel, bytes)?;
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

/// Makes one folder; one made meanwhile by another thread of this build is as good.
fn make_folder(full: &Path) -> std::io::Result<()> {
    match std::fs::create_dir(full) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if std::fs::symlink_metadata(full).is_ok_and(|m| m.is_dir()) {
                Ok(())
            } else {
                Err(e)
            }
        }
        other => other,
    }
}

/// Whether `path` is the very file `meta` describes (a hard link to it).
fn same_file(meta: &Metadata, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (meta, path);
        false
    }
}

/// Makes sure `dir` is a staging folder of ours: created when missing; an existing one must
/// be a real folder that is empty or carries our mark or manifest (a swapped-out output).
fn claim(dir: &Path) -> Result<(), Diagnostic> {
    let not_ours = |why: &str| {
        Diagnostic::file_error(dir, format!("cannot use this name for the staging folder: {why}"))
            .with_hint("bulletin builds the new output here before swapping it in; move this away")
    };
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {
            let empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
            if empty || dir.join(STAGING_MARK).exists() || dir.join(MANIFEST).exists() {
                Ok(())
            } else {
                Err(not_ours("it holds files bulletin did not make"))
            }
        }
        Ok(_) => Err(not_ours("it is not a folder")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir(dir)
            .map_err(|e| Diagnostic::file_error(dir, format!("cannot create the staging folder: {e}"))),
        Err(e) => Err(not_ours(&e.to_string())),
    }
}

/// Refuses an output folder that is a mount point: the new tree, made beside it, could not be
/// swapped in by a rename across file systems.
fn refuse_mount_point(target: &Path, parent: &Path) -> Result<(), Diagnostic> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
        if let (Some(t), Some(p)) = (dev(target), dev(parent)) {
            if t != p {
                return Err(Diagnostic::file_error(
                    target,
                    "cannot replace the output folder in one step: it is a mount point",
                )
                .with_hint("set `output_dir:` (or --output) to a folder inside it, such as `public/site`"));
            }
        }
    }
    let _ = (target, parent);
    Ok(())
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

/// Removes what builds of older versions left beside the output: staging folders named
/// after their process (`.NAME.tmp-PID`) and outputs being deleted (`.NAME.old-PID`).
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
