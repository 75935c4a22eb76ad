//! A cache of made files keyed by the hash of what they are made from, in
//! `.bulletin-cache/NAME/v<VERSION>/` in the site folder (like the image cache): a file whose
//! inputs did not change is copied, not made again. Safe to delete at any time.

use crate::output::images::CACHE_ROOT;
use std::path::{Path, PathBuf};

/// One folder of the cache.
#[derive(Clone, Debug)]
pub(crate) struct ByteCache {
    dir: PathBuf,
}

impl ByteCache {
    /// The cache `name` (e.g. `pdf`) of the site at `root`, at format `version`.
    pub(crate) fn new(root: &Path, name: &str, version: u32) -> ByteCache {
        ByteCache {
            dir: root.join(CACHE_ROOT).join(name).join(format!("v{version}")),
        }
    }

    fn path(&self, key: u64, ext: &str) -> PathBuf {
        self.dir.join(format!("{key:016x}.{ext}"))
    }

    /// The bytes kept for `key`, if any.
    pub(crate) fn get(&self, key: u64, ext: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(key, ext)).ok()
    }

    /// Keeps `bytes` for `key`. A cache that cannot be written only costs time: the error is
    /// returned for the caller to ignore or report.
    pub(crate) fn put(&self, key: u64, ext: &str, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(key, ext);
        // Written aside and renamed: a build killed midway leaves no half file under the key.
        let tmp = path.with_extension(format!("{ext}.tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)
    }
}
