//! Where rendered files go: the [`Sink`] every renderer writes through, and the in-memory one
//! `check`, `serve` and tests use.

use crate::base::diagnostic::Diagnostic;
use std::path::PathBuf;
use std::sync::Mutex;

/// Where a static file comes from.
#[derive(Clone, Debug)]
pub(crate) enum StaticSource {
    /// A file inside the binary.
    Embedded(&'static [u8]),
    /// A file on disk.
    Disk(PathBuf),
}

/// Where rendered files go: a staging folder on disk, or memory for `check` and tests.
pub trait Sink: Sync {
    /// Stores `bytes` at `path`, relative to the output root (`news/…/index.html`).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
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

/// A `/`-separated relative path with no `..`, root or empty parts; None if it would escape.
pub fn safe_relative(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('/') || path.contains(['\\', '\0', '\n', '\r']) {
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
