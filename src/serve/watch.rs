//! Watching the site for changes: a debounced file watcher (notify) on the settings file
//! (site.yaml or `--config`) and the watched folders, the filter that drops what does not matter (editors' scratch files, reads),
//! and the builder thread that gathers each burst of changes into one rebuild.
//!
//! The watcher never follows a symlink (one in static/ may lead anywhere, /etc included), and a
//! folder it cannot watch (no read permission) is left out with a warning while the rest of the
//! site is still watched.

use super::server::{lock, Report, Shared, POLL};
use crate::base::diagnostic::Diagnostic;
use crate::build::Options;
use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// What the watcher looks at, besides the settings file.
pub(crate) const WATCHED_DIRS: [&str; 5] = ["content", "bulletins", "templates", "themes", "static"];

/// The debounced watcher of one site; dropping it stops watching.
pub(super) struct Watcher {
    /// The site root, absolute.
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Folders watched one level only, because a folder below could not be watched: a folder
    /// created in one of them is watched when the builder hears of it.
    partial: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts the debounced watcher on the site root (for site.yaml and new folders), on the
    /// folder of `config_file` when it is elsewhere (`--config`: the folder, not the file, since
    /// editors save by replacing the file), and on each watched folder that exists; the batches
    /// of changes come through the receiver. Also returns a warning for each folder that could
    /// not be watched.
    pub(super) fn start(
        root: &Path,
        config_file: &Path,
        debounce: Duration,
    ) -> Result<(Watcher, Receiver<DebounceEventResult>, Vec<Diagnostic>), Diagnostic> {
        let (tx, rx) = mpsc::channel();
        let problem = |e: &dyn std::fmt::Display| {
            Diagnostic::warning(".", 0, 0, format!("cannot watch the site for changes: {e}"))
                .with_hint("pages are served but will not rebuild; restart `bulletin serve` after editing")
        };
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut debouncer =
            new_debouncer_opt(debounce, None, tx, RecommendedCache::new(), config).map_err(|e| problem(&e))?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| problem(&e))?;
        if let Some(dir) = config_file.parent().filter(|d| *d != root) {
            debouncer
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|e| problem(&e))?;
        }
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            debouncer,
            partial: BTreeSet::new(),
        };
        let mut skipped = Vec::new();
        for dir in WATCHED_DIRS {
            let path = root.join(dir);
            if is_real_dir(&path) {
                watcher.watch_tree(&path, &mut skipped);
            }
        }
        Ok((watcher, rx, skipped))
    }

    /// Watches `dir` and every folder below it. When notify cannot (a folder below is
    /// unreadable), `dir` is watched one level only and each folder in it on its own, so that
    /// only the folders that cannot be watched are left out, each with a warning in `skipped`.
    fn watch_tree(&mut self, dir: &Path, skipped: &mut Vec<Diagnostic>) {
        if self.debouncer.watch(dir, RecursiveMode::Recursive).is_ok() {
            return;
        }
        // notify may have watched part of the tree before it stopped.
        let _ = self.debouncer.unwatch(dir);
        if let Err(e) = self.debouncer.watch(dir, RecursiveMode::NonRecursive) {
            let shown = dir.strip_prefix(&self.root).unwrap_or(dir);
            skipped.push(
                Diagnostic::warning(shown, 0, 0, format!("this folder is not watched for changes: {e}"))
                    .with_hint("make it readable, then save a file beside it; the rest of the site is watched"),
            );
            return;
        }
        self.partial.insert(dir.to_path_buf());
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            // The entry's own type: a symlink to a folder is not followed.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                self.watch_tree(&entry.path(), skipped);
            }
        }
    }

    /// Watches (again) watched folders that were created or replaced at the top of the site,
    /// and folders created in a folder watched one level only.
    fn rewatch(&mut self, changed: &BTreeSet<PathBuf>, skipped: &mut Vec<Diagnostic>) {
        for rel in changed {
            let path = self.root.join(rel);
            let top_level = rel.components().count() == 1 && WATCHED_DIRS.iter().any(|d| rel == Path::new(d));
            let in_partial = path.parent().is_some_and(|p| self.partial.contains(p));
            if (top_level || in_partial) && is_real_dir(&path) {
                let _ = self.debouncer.unwatch(&path);
                self.partial.retain(|p| !p.starts_with(&path));
                self.watch_tree(&path, skipped);
            }
        }
    }
}

/// A folder, not a symlink to one.
fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// The path relative to `root` when a change there matters to the site; the settings file
/// `config_file` counts wherever it is (by its whole path when outside the site).
fn relevant(root: &Path, config_file: &Path, path: &Path) -> Option<PathBuf> {
    if path == config_file {
        return Some(path.strip_prefix(root).unwrap_or(path).to_path_buf());
    }
    let rel = path.strip_prefix(root).ok()?;
    let first = match rel.components().next()? {
        Component::Normal(s) => s.to_str()?,
        _ => return None,
    };
    if !WATCHED_DIRS.contains(&first) {
        return None;
    }
    let name = rel.file_name()?.to_string_lossy();
    // Editors' swap and backup files.
    let scratch = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913";
    (!scratch).then(|| rel.to_path_buf())
}

/// Waits for batches of changes and rebuilds after each, until the server stops.
pub(super) fn builder(shared: &Shared, rx: &Receiver<DebounceEventResult>, mut opts: Options, pinned_today: bool) {
    while !shared.stopping() {
        let first = match rx.recv_timeout(POLL) {
            Ok(batch) => batch,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut changed = BTreeSet::new();
        let mut missed = false;
        let mut next = Some(first);
        while let Some(batch) = next {
            match batch {
                Ok(events) => {
                    // The system dropped events: anything may have changed.
                    missed |= events.iter().any(|e| e.need_rescan());
                    changed.extend(
                        events
                            .iter()
                            // Reading files (our own builds do) is no change.
                            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                            .flat_map(|e| e.paths.iter())
                            .filter_map(|p| relevant(&shared.root, &shared.config_file, p)),
                    );
                }
                Err(errors) => {
                    for e in errors {
                        shared.report(Report::Watch(Diagnostic::warning(
                            ".",
                            0,
                            0,
                            format!("watching for changes: {e}"),
                        )));
                    }
                }
            }
            // Changes that came in while we were busy join this rebuild.
            next = rx.try_recv().ok();
        }
        if (changed.is_empty() && !missed) || shared.stopping() {
            continue;
        }
        let mut skipped = Vec::new();
        if let Some(w) = lock(&shared.watcher).as_mut() {
            w.rewatch(&changed, &mut skipped);
        }
        for d in skipped {
            shared.report(Report::Watch(d));
        }
        if !pinned_today {
            opts.today = chrono::Local::now().date_naive();
        }
        shared.rebuild(&opts, changed.into_iter().collect());
    }
}
