//! What Bulletin knows of the files it wrote: the manifest kept in the output folder (each
//! file's hash and size), and listings of a folder's entries by kind.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The list of files the build created, kept in the output folder.
pub const MANIFEST: &str = ".bulletin-manifest";

/// The first line of a manifest with records; older manifests list bare paths.
const MANIFEST_HEADER: &str = "# bulletin manifest 2: xxh3 size path";

/// What the manifest knows of one file the build made: enough to tell, without reading it,
/// that the file in the output still holds exactly what a new build would write (together
/// with its date: a file changed by hand after the last build is newer than the manifest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    /// xxh3 of the bytes.
    pub(crate) hash: u64,
    /// Length in bytes.
    pub(crate) size: u64,
}

/// The files an earlier build made, with their records (none for an older manifest, or for a
/// file an interrupted build of an older version may not have finished).
pub(crate) type Manifest = HashMap<String, Option<Record>>;

/// Reads the manifest of the output `dir` (empty when there is none).
pub(crate) fn read_manifest(dir: &Path) -> Manifest {
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
            // Versions before the swapped staging folder marked an unfinished move this way:
            // such a record never matches, and the file is written again.
            let known = record.size != u64::MAX;
            Some((path.to_string(), known.then_some(record)))
        })
        .collect()
}

/// Writes the manifest of `files` into `dir`, through a temporary file so it is whole or absent.
pub(crate) fn write_manifest<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (&'a String, Record)>,
) -> std::io::Result<()> {
    let mut rows: Vec<(&String, Record)> = files.into_iter().collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = String::with_capacity(rows.len() * 80 + MANIFEST_HEADER.len() + 1);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for (path, r) in rows {
        text.push_str(&format!("{:016x} {} {path}\n", r.hash, r.size));
    }
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join(MANIFEST))
}

/// What an entry of a folder is, to carry it over as what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A regular file.
    File,
    /// A symbolic link, never followed.
    Symlink,
    /// A folder that holds nothing (folders that hold something are not listed).
    EmptyDir,
    /// A FIFO, socket or device: copying would block or make no sense.
    Special,
}

/// What [`list_entries`] finds: entries with their kind, and places it could not read.
pub(crate) type Listing = (Vec<(String, Kind)>, Vec<(PathBuf, std::io::Error)>);

/// Every entry of `dir` but its folders that hold something: `/`-separated path and kind, and
/// the places that could not be read.
pub(crate) fn list_entries(dir: &Path) -> Listing {
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
