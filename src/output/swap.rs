//! Putting a finished tree in the place of the output in one step, after making it durable.
//!
//! On Linux the two folders trade places with one `renameat2(RENAME_EXCHANGE)`: a reader sees
//! the old tree or the new one, never neither. Elsewhere (or on a file system without it) three
//! renames do the same, with an instant where the output is missing; the next build puts the
//! old tree back if it was killed in that instant.

use std::io;
use std::path::Path;

/// Makes every file written under `dir` durable before the tree is swapped in, so that a power
/// loss after the swap cannot leave new names pointing at empty files. On Linux one
/// `syncfs(2)` flushes the file system (cheaper than a call per file once there are many);
/// elsewhere each of `written` is flushed.
pub(crate) fn make_durable<'a>(dir: &Path, written: impl Iterator<Item = &'a Path>) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = written;
        let folder = std::fs::File::open(dir)?;
        rustix::fs::syncfs(&folder)?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        use rayon::prelude::*;
        let files: Vec<&Path> = written.collect();
        files
            .par_iter()
            .try_for_each(|p| std::fs::File::open(p).and_then(|f| f.sync_all()))?;
        sync_folder(dir);
        Ok(())
    }
}

/// Starts writing a tree to disk while it is still being made: after every
/// [`Flusher::EVERY`] bytes written, a thread of its own (not one of the render's) flushes the
/// file system, so that the flush before the swap ([`make_durable`]) waits only for the last
/// files instead of the whole output (half a second at 10,000 items). Only on Linux, where
/// [`make_durable`] flushes the file system at once; elsewhere it does nothing.
pub(crate) struct Flusher {
    #[cfg(target_os = "linux")]
    inner: Option<Background>,
}

#[cfg(target_os = "linux")]
struct Background {
    written: std::sync::atomic::AtomicU64,
    wake: std::sync::Mutex<Option<std::sync::mpsc::SyncSender<()>>>,
    thread: std::thread::JoinHandle<()>,
}

impl Flusher {
    /// How many bytes are written between two flushes.
    const EVERY: u64 = 32 << 20;

    /// A flusher for the tree at `dir`, or one that does nothing where the folder cannot be
    /// opened (the final flush reports that).
    pub(crate) fn new(dir: &Path) -> Flusher {
        #[cfg(target_os = "linux")]
        {
            let Ok(folder) = std::fs::File::open(dir) else {
                return Flusher { inner: None };
            };
            // One pending wake-up is enough: a flush already asked for covers later writes too.
            let (tx, rx) = std::sync::mpsc::sync_channel::<()>(1);
            let thread = std::thread::spawn(move || {
                while rx.recv().is_ok() {
                    // A failure here is met again, and reported, by the final flush.
                    let _ = rustix::fs::syncfs(&folder);
                }
            });
            Flusher {
                inner: Some(Background {
                    written: std::sync::atomic::AtomicU64::new(0),
                    wake: std::sync::Mutex::new(Some(tx)),
                    thread,
                }),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = dir;
            Flusher {}
        }
    }

    /// Counts `bytes` just written, and asks for a flush each time another [`Flusher::EVERY`]
    /// bytes have been.
    pub(crate) fn wrote(&self, bytes: usize) {
        #[cfg(target_os = "linux")]
        if let Some(b) = &self.inner {
            use std::sync::atomic::Ordering;
            let bytes = bytes as u64;
            let before = b.written.fetch_add(bytes, Ordering::Relaxed);
            if (before + bytes) / Self::EVERY != before / Self::EVERY {
                if let Ok(wake) = b.wake.lock() {
                    if let Some(tx) = wake.as_ref() {
                        let _ = tx.try_send(());
                    }
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = bytes;
    }

    /// Stops the thread once its flush in progress is done.
    pub(crate) fn stop(self) {
        #[cfg(target_os = "linux")]
        if let Some(b) = self.inner {
            if let Ok(mut wake) = b.wake.lock() {
                wake.take();
            }
            let _ = b.thread.join();
        }
    }
}

/// Flushes a folder's entries (the rename just made in it); where folders cannot be opened
/// (Windows) the rename is as durable as the file system makes it.
pub(crate) fn sync_folder(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Swaps the folders `new` and `target`: afterwards `target` holds the new tree and `new` the
/// old one. `aside` is a free name beside them for the portable fallback.
pub(crate) fn exchange(new: &Path, target: &Path, aside: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // An old kernel, or a file system without the exchange: rename one by one.
            Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => {}
            Err(e) => return Err(e.into()),
        }
    }
    std::fs::rename(target, aside)?;
    if let Err(e) = std::fs::rename(new, target) {
        // Put the old output back; if even that fails, the next build does (see `recover`).
        let _ = std::fs::rename(aside, target);
        return Err(e);
    }
    // The old tree becomes the next build's staging folder; if this rename fails, the next
    // build finds it aside and takes it from there.
    let _ = std::fs::rename(aside, new);
    Ok(())
}

/// Repairs what a portable swap killed halfway leaves: the output missing with the old tree
/// aside (put back), or the old tree aside after the swap (kept as the staging folder, or
/// removed when there is one already).
pub(crate) fn recover(new: &Path, target: &Path, aside: &Path) -> io::Result<()> {
    let is_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    if !is_dir(aside) {
        return Ok(());
    }
    if std::fs::symlink_metadata(target).is_err() {
        std::fs::rename(aside, target)
    } else if std::fs::symlink_metadata(new).is_err() {
        std::fs::rename(aside, new)
    } else if aside.join(super::MANIFEST).exists() {
        // An old tree of ours, swapped out; the staging folder already holds a newer one.
        std::fs::remove_dir_all(aside)
    } else {
        Ok(())
    }
}
