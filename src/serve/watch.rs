//! Watching the site for changes: a debounced file watcher (notify) on site.yaml and the
//! watched folders, the filter that drops what does not matter (editors' scratch files, reads),
//! and the builder thread that gathers each burst of changes into one rebuild.

use super::server::{lock, Report, Shared, POLL};
use crate::base::diagnostic::Diagnostic;
use crate::build::Options;
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// What the watcher looks at, besides `site.yaml`.
pub const WATCHED_DIRS: [&str; 5] = ["content", "bulletins", "templates", "themes", "static"];

/// The site's configuration file, watched at the top of the site.
pub(super) const CONFIG_FILE: &str = "site.yaml";

/// The debounced watcher of one site; dropping it stops watching.
pub(super) struct Watcher {
    /// The site root, absolute.
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
}

impl Watcher {
    /// Starts the debounced watcher on the site root (for site.yaml and new folders) and on
    /// each watched folder that exists; the batches of changes come through the receiver.
    pub(super) fn start(
        root: &Path,
        debounce: Duration,
    ) -> Result<(Watcher, Receiver<DebounceEventResult>), Diagnostic> {
        let (tx, rx) = mpsc::channel();
        let problem = |e: &dyn std::fmt::Display| {
            Diagnostic::warning(".", 0, 0, format!("cannot watch the site for changes: {e}"))
                .with_hint("pages are served but will not rebuild; restart `bulletin serve` after editing")
        };
        let mut debouncer = new_debouncer(debounce, None, tx).map_err(|e| problem(&e))?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| problem(&e))?;
        for dir in WATCHED_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| problem(&e))?;
            }
        }
        let watcher = Watcher {
            root: root.to_path_buf(),
            debouncer,
        };
        Ok((watcher, rx))
    }

    /// Watches (again) watched folders that were created or replaced at the top of the site.
    fn rewatch(&mut self, changed: &BTreeSet<PathBuf>) {
        for rel in changed {
            let top_level = rel.components().count() == 1;
            if top_level && WATCHED_DIRS.iter().any(|d| rel == Path::new(d)) {
                let path = self.root.join(rel);
                if path.is_dir() {
                    let _ = self.debouncer.unwatch(&path);
                    let _ = self.debouncer.watch(&path, RecursiveMode::Recursive);
                }
            }
        }
    }
}

/// The path relative to `root` when a change there matters to the site.
fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let first = match rel.components().next()? {
        Component::Normal(s) => s.to_str()?,
        _ => return None,
    };
    if rel == Path::new(CONFIG_FILE) {
        return Some(rel.to_path_buf());
    }
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
                            .filter_map(|p| relevant(&shared.root, p)),
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
        if let Some(w) = lock(&shared.watcher).as_mut() {
            w.rewatch(&changed);
        }
        if !pinned_today {
            opts.today = chrono::Local::now().date_naive();
        }
        shared.rebuild(&opts, changed.into_iter().collect());
    }
}
