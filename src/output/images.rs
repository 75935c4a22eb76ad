//! Lead images: finding each item's image file, reading its size, planning the smaller copies
//! (variants) that the item page offers in `srcset`, and making them, in parallel and cached.
//!
//! ```text
//! locate .... I/O: each file read once, hashed (xxh3), header read ..... LeadImage per item
//!   plan .... pure: which widths, at which output paths
//! jobs ...... pure: one per distinct picture among the published items
//! produce ... rayon: cached copies read back; the rest decoded once per picture,
//!             resized, encoded, put in the cache ................................ Sink (the output)
//! ```
//!
//! Variants are named after the xxh3 of the source's bytes (`img/<hash>-480w.jpg`): the same
//! picture used by two items, even under two names, is resized and published once, and an
//! edited picture gets new names, so browsers may keep a copy forever. The cache
//! (`.bulletin-cache/images/` in the site folder, like Hugo's `resources/_gen`) keys on the same
//! hash, the width and `VERSION`: a second build decodes and encodes nothing, it only copies.
//!
//! JPEG, PNG and lossless WebP are resized into their own format. GIF, lossy or animated WebP,
//! animated PNG and other formats are served as they are (the `image` crate has no lossy WebP
//! encoder; a resized animation would lose its frames). An image beside its item under
//! `content/` is published under `img/` too (`img/<hash>.jpg`); one under `static/` is copied
//! with the static files and keeps its address.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::content::image::{
    decode_cost, plan, too_large, Kind, LeadImage, Pictures, Variant, DECODE_BUDGET, MAX_PIXELS, OUTPUT_DIR,
};
use crate::content::item::Item;
use crate::output::sink::Sink;
use crate::site::Entry;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::path::{Component, Path, PathBuf};
use std::sync::{Condvar, Mutex, PoisonError};

/// Bulletin's cache folder in the site root; `output::check_output_dir` refuses an output in it.
pub(crate) const CACHE_ROOT: &str = ".bulletin-cache";
/// The cache of resized images, relative to the site root. Never inside the output; safe to
/// delete at any time (the next build makes what it needs again).
pub const CACHE_DIR: &str = ".bulletin-cache/images";
/// Part of every cache key: raise it when resizing or encoding changes, so old copies are not
/// reused (they stay in an older `v*` folder until the cache is deleted).
pub(crate) const VERSION: u32 = 1;
/// Image files larger than this are refused unread.
pub(crate) const MAX_FILE_BYTES: u64 = 64 << 20;
/// JPEG quality of the variants: indistinguishable from the source at the sizes shown.
const JPEG_QUALITY: u8 = 82;
/// What a decoder may allocate, whatever the header says.
const MAX_DECODE_BYTES: u64 = 512 << 20;

/// The file line of an item's `image:` key, in the front matter it was parsed from: a top-level
/// key is found by a glance at the lines, anything else by walking the YAML.
fn image_line(it: &Item, front: &str) -> usize {
    front
        .lines()
        .position(|l| l.starts_with("image:"))
        .map(|i| i + it.front_line)
        .or_else(|| crate::base::yaml::locate(front, &crate::ypath!["image"]).map(|(l, _)| l + it.front_line - 1))
        .unwrap_or(1)
}

/// Whether an image's `src` is a URL rather than a file of the site.
fn is_url(src: &str) -> bool {
    src.contains("://") || src.starts_with("//")
}

/// What one image file holds, read once however many items show it.
#[derive(Clone, Debug)]
struct Found {
    digest: u64,
    kind: Kind,
    /// As displayed: after the EXIF orientation.
    size: (u32, u32),
    /// The file's extension, lowercased (for the published copy).
    ext: String,
}

/// The file line of an item's `gallery:` picture `i`, in the front matter it was parsed from.
fn gallery_line(it: &Item, front: &str, i: usize) -> usize {
    crate::base::yaml::locate(front, &crate::ypath!["gallery", i]).map_or(1, |(l, _)| l + it.front_line - 1)
}

/// One picture an item names: its lead image (`slot` None) or gallery picture `slot`.
struct Wanted<'a> {
    item: usize,
    slot: Option<usize>,
    src: &'a str,
    line: usize,
}

/// Finds the picture files of each item (given with the front matter it was parsed from, to
/// place diagnostics): its lead image and every picture of its gallery. Reads each file's size
/// (as displayed, EXIF orientation applied) and hash, and plans its variants: one record per
/// item, with None for a picture given by URL. A local picture that does not exist, is not an
/// image, is not published (a hidden name under `static/`) or is a symlink that leads outside
/// the site is an error at its line (the item's `image` line, the gallery picture's line).
/// Each file is read once, in parallel.
pub(crate) fn locate(root: &Path, items: &[(&Item, &str)], diags: &mut Diagnostics) -> Vec<Pictures> {
    let mut wanted: Vec<Wanted<'_>> = Vec::new();
    for (k, &(it, front)) in items.iter().enumerate() {
        if let Some(img) = it.image.as_ref().filter(|i| !is_url(&i.src)) {
            wanted.push(Wanted {
                item: k,
                slot: None,
                src: &img.src,
                line: image_line(it, front),
            });
        }
        for (i, img) in it.gallery.iter().enumerate().filter(|(_, i)| !is_url(&i.src)) {
            wanted.push(Wanted {
                item: k,
                slot: Some(i),
                src: &img.src,
                line: gallery_line(it, front, i),
            });
        }
    }
    let resolved: Vec<Result<(PathBuf, bool), Diagnostic>> = wanted
        .par_iter()
        .map(|w| {
            let it = items[w.item].0;
            resolve(root, &it.rel, w.src).map_err(|why| not_found(&it.path, w.line, w.src, &why))
        })
        .collect();
    let files: BTreeSet<PathBuf> = resolved.iter().flatten().map(|(p, _)| p.clone()).collect();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let found: HashMap<PathBuf, Result<Found, Unreadable>> = files
        .into_par_iter()
        .map(|p| {
            let f = read(&p, &real_root);
            (p, f)
        })
        .collect();
    let mut out: Vec<Pictures> = items
        .iter()
        .map(|(it, _)| Pictures {
            lead: None,
            gallery: vec![None; it.gallery.len()],
        })
        .collect();
    for (w, r) in wanted.iter().zip(resolved) {
        let it = items[w.item].0;
        let (file, beside) = match r {
            Err(d) => {
                diags.push(d);
                continue;
            }
            Ok(place) => place,
        };
        let picture = match found.get(&file) {
            Some(Ok(f)) => LeadImage {
                size: f.size,
                variants: plan(f.kind, f.digest, f.size),
                file,
                digest: f.digest,
                kind: f.kind,
                published: beside.then(|| format!("{OUTPUT_DIR}/{:016x}.{}", f.digest, f.ext)),
                line: w.line,
            },
            Some(Err(e)) => {
                diags.push(unreadable(&it.path, w.line, w.src, e));
                continue;
            }
            None => continue,
        };
        let pictures = &mut out[w.item];
        match w.slot {
            None => pictures.lead = Some(picture),
            Some(i) => {
                if let Some(slot) = pictures.gallery.get_mut(i) {
                    *slot = Some(picture);
                }
            }
        }
    }
    out
}

/// The problem with the lead image `src` that the item at `path` (`rel` under content/) names on
/// file line `line`, when it is missing or not an image; for items that failed validation, which
/// [`locate`] never sees, so that a broken image is reported with their other problems.
pub(crate) fn problem(root: &Path, path: &Path, rel: &Path, src: &str, line: usize) -> Option<Diagnostic> {
    if is_url(src) {
        return None;
    }
    match resolve(root, rel, src) {
        Err(why) => Some(not_found(path, line, src, &why)),
        Ok((file, _)) => {
            let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            read(&file, &real_root).err().map(|e| unreadable(path, line, src, &e))
        }
    }
}

fn not_found(path: &Path, line: usize, src: &str, why: &Unfound) -> Diagnostic {
    let (message, hint) = match why {
        Unfound::Missing => (
            format!("image `{src}` not found"),
            "put the image under static/ (image: photos/a.jpg) or give a full https:// URL",
        ),
        Unfound::Hidden => (
            format!("image `{src}` has a name starting with `.` under static/, which is not published"),
            "rename the file or folder without the leading dot",
        ),
    };
    Diagnostic::error(path, line, 1, message).with_hint(hint)
}

fn unreadable(path: &Path, line: usize, src: &str, e: &Unreadable) -> Diagnostic {
    let (message, hint) = match e {
        Unreadable::Outside => (
            format!("image `{src}` is a symlink that leads outside the site; not published"),
            "copy the picture into static/ or beside the item instead of linking to it",
        ),
        Unreadable::Other(e) => (
            format!("image `{src}` cannot be read: {e}"),
            "use a JPEG, PNG, GIF or WebP file",
        ),
    };
    Diagnostic::error(path, line, 1, message).with_hint(hint)
}

/// Why an item's `image:` names no file that can be published.
enum Unfound {
    /// Neither under `static/` nor beside the item.
    Missing,
    /// Under `static/`, in a file or folder whose name starts with `.`: the static files are
    /// copied without those, so the page would show a missing picture.
    Hidden,
}

/// Why an image file was not read.
enum Unreadable {
    /// It is, or is under, a symlink that leads outside the site.
    Outside,
    /// The file system or the file's header said no.
    Other(String),
}

/// The file an item's `image:` names: under `static/` (first), else beside the item under
/// `content/`; `true` for the latter. A path that climbs out of its folder finds nothing.
fn resolve(root: &Path, item_rel: &Path, src: &str) -> Result<(PathBuf, bool), Unfound> {
    let rel = src.trim_start_matches('/');
    let statics = root.join("static");
    let content = root.join("content");
    let beside = content.join(item_rel.parent().unwrap_or(Path::new(""))).join(rel);
    let in_static = within(&statics, &statics.join(rel)).filter(|p| p.is_file());
    if let Some(p) = in_static {
        let hidden = p
            .strip_prefix(&statics)
            .is_ok_and(|r| r.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')));
        return if hidden { Err(Unfound::Hidden) } else { Ok((p, false)) };
    }
    within(&content, &beside)
        .filter(|p| p.is_file())
        .map(|p| (p, true))
        .ok_or(Unfound::Missing)
}

/// `path` with `.` and `..` resolved as written, when it stays inside `dir`.
fn within(dir: &Path, path: &Path) -> Option<PathBuf> {
    let mut clean = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !clean.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => clean.push(other.as_os_str()),
        }
    }
    (clean.starts_with(dir) && clean != dir).then_some(clean)
}

/// Reads an image file: its hash, kind and displayed size. A file whose real path is not in
/// `real_root` (the site, canonical) is not read: a symlink, or a linked folder on its way,
/// leads out of the site, and what it leads to must not be published.
fn read(path: &Path, real_root: &Path) -> Result<Found, Unreadable> {
    let other = |e: &dyn std::fmt::Display| Unreadable::Other(e.to_string());
    let real = path.canonicalize().map_err(|e| other(&e))?;
    if !real.starts_with(real_root) {
        return Err(Unreadable::Outside);
    }
    let meta = std::fs::metadata(path).map_err(|e| other(&e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Unreadable::Other(format!(
            "the file is larger than {} MiB",
            MAX_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| other(&e))?;
    let size = imagesize::blob_size(&bytes).map_err(|e| other(&e))?;
    let (w, h) = (
        u32::try_from(size.width).unwrap_or(u32::MAX),
        u32::try_from(size.height).unwrap_or(u32::MAX),
    );
    let turned = orientation(&bytes).is_some_and(swaps_axes);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "img".into());
    Ok(Found {
        digest: xxhash_rust::xxh3::xxh3_64(&bytes),
        kind: classify(&bytes),
        size: if turned { (h, w) } else { (w, h) },
        ext,
    })
}

/// What can be done with an image file, from its bytes.
pub(crate) fn classify(bytes: &[u8]) -> Kind {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Kind::Jpeg,
        Ok(ImageFormat::Png) if !png_animated(bytes) => Kind::Png,
        Ok(ImageFormat::WebP) if webp_lossless_still(bytes) => Kind::WebpLossless,
        _ => Kind::AsIs,
    }
}

/// Whether a PNG is animated (APNG: an `acTL` chunk before the image data).
fn png_animated(bytes: &[u8]) -> bool {
    let mut at = 8;
    while let (Some(len), Some(kind)) = (bytes.get(at..at + 4), bytes.get(at + 4..at + 8)) {
        match kind {
            b"acTL" => return true,
            b"IDAT" | b"IEND" => return false,
            _ => {}
        }
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        at = at.saturating_add(12).saturating_add(len);
    }
    false
}

/// Whether a WebP file is one lossless still picture (the only kind the `image` crate encodes).
fn webp_lossless_still(bytes: &[u8]) -> bool {
    let mut at = 12;
    while let (Some(kind), Some(len)) = (bytes.get(at..at + 4), bytes.get(at + 4..at + 8)) {
        match kind {
            b"VP8L" => return true,
            b"VP8 " | b"ANIM" | b"ANMF" => return false,
            // The extended header's flags: bit 1 marks an animation.
            b"VP8X" if bytes.get(at + 8).is_some_and(|f| f & 0x02 != 0) => return false,
            _ => {}
        }
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        at = at.saturating_add(8).saturating_add(len).saturating_add(len % 2);
    }
    false
}

/// The EXIF orientation of a JPEG, PNG or WebP file, when its header can be read.
fn orientation(bytes: &[u8]) -> Option<Orientation> {
    let format = image::guess_format(bytes).ok()?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return None;
    }
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .ok()?;
    decoder.orientation().ok()
}

/// Whether an orientation turns the picture a quarter, so width and height trade places.
fn swaps_axes(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    )
}

/// Warnings about pictures (lead images and gallery pictures) too large to be resized, each at
/// its line.
pub(crate) fn warnings(entries: &[Entry]) -> Vec<Diagnostic> {
    entries
        .iter()
        .flat_map(|e| {
            e.pictures().filter_map(|(img, lead)| {
                let (w, h) = lead.size;
                (lead.kind != Kind::AsIs && too_large(lead.kind, (w, h))).then(|| {
                    let why = if u64::from(w) * u64::from(h) > MAX_PIXELS {
                        format!("{w}×{h} pixels, more than {} million", MAX_PIXELS / 1_000_000)
                    } else {
                        format!(
                            "{w}×{h} pixels would take {} MiB to decode, more than the {} MiB all decoding may hold",
                            decode_cost(lead.kind, (w, h)) >> 20,
                            DECODE_BUDGET >> 20
                        )
                    };
                    Diagnostic::warning(
                        &e.item.path,
                        lead.line,
                        1,
                        format!(
                            "image `{}` is too large to resize ({why}): it is served as it is",
                            img.src
                        ),
                    )
                    .with_hint("scale it down before publishing: readers on phones would download all of it")
                })
            })
        })
        .collect()
}

/// One picture to publish: its variants and the copies of the file itself, made once however
/// many items show it.
#[derive(Debug)]
pub struct Job<'a> {
    /// The first item showing it: problems are reported at its `image` line.
    item: &'a Path,
    /// The item's `image:`, as written.
    src: &'a str,
    lead: &'a LeadImage,
    /// Output paths of the file itself (images beside their item).
    originals: BTreeSet<&'a str>,
}

impl Job<'_> {
    /// Every output path this job writes.
    pub(crate) fn outputs(&self) -> impl Iterator<Item = &str> {
        self.originals
            .iter()
            .copied()
            .chain(self.lead.variants.iter().map(|v| v.path.as_str()))
    }
}

/// The pictures the published `entries` show, one job per distinct file content (by hash), in
/// hash order; the first entry showing a picture is the one problems are reported at.
pub fn jobs(entries: &[Entry]) -> Vec<Job<'_>> {
    let mut by_digest: BTreeMap<u64, Job<'_>> = BTreeMap::new();
    for e in entries {
        for (image, lead) in e.pictures() {
            let job = by_digest.entry(lead.digest).or_insert_with(|| Job {
                item: &e.item.path,
                src: &image.src,
                lead,
                originals: BTreeSet::new(),
            });
            if let Some(p) = &lead.published {
                job.originals.insert(p);
            }
        }
    }
    by_digest
        .into_values()
        .filter(|j| !j.lead.variants.is_empty() || !j.originals.is_empty())
        .collect()
}

/// Where resized images are kept between builds: `.bulletin-cache/images/v<VERSION>/` in the
/// site folder, one file per variant, named as in the output.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
    writable: bool,
}

impl Cache {
    /// The cache of the site at `root`.
    pub(crate) fn new(root: &Path) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR).join(format!("v{VERSION}")),
            writable: true,
        }
    }

    /// The same cache, read but never written (`check` writes nothing).
    pub fn read_only(root: &Path) -> Cache {
        Cache {
            writable: false,
            ..Cache::new(root)
        }
    }

    fn file(&self, v: &Variant) -> PathBuf {
        self.dir.join(v.path.rsplit('/').next().unwrap_or(&v.path))
    }

    /// The cached bytes of `v`, if any.
    fn get(&self, v: &Variant) -> Option<Vec<u8>> {
        std::fs::read(self.file(v)).ok().filter(|b| !b.is_empty())
    }

    /// Keeps `bytes` as `v`; written to a temporary name and renamed, so a reader (another
    /// build) sees the whole file or none.
    fn put(&self, v: &Variant, bytes: &[u8]) -> Result<(), Diagnostic> {
        if !self.writable {
            return Ok(());
        }
        let to = self.file(v);
        let name = to
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = self.dir.join(format!(".{name}.tmp-{}", std::process::id()));
        std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, &to))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Diagnostic::file_error(&self.dir, format!("cannot write the image cache: {e}"))
                    .with_hint("bulletin keeps resized images in .bulletin-cache/ in the site folder: make it writable")
            })
    }
}

/// What [`produce`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Produced {
    /// Files written to the sink.
    pub files: usize,
    /// Variants decoded, resized and encoded (not found in the cache).
    pub resized: usize,
}

/// The memory that the decodes of one build share (`DECODE_BUDGET` in a build): each decode
/// holds its [`decode_cost`] from before it starts until its copies are made, waiting while
/// the others hold too much for it to fit.
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    state: Mutex<Held>,
    freed: Condvar,
}

/// What a [`Budget`] holds now, and the most it has held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// Bytes held by decodes under way.
    pub now: u64,
    /// The most held at once.
    pub peak: u64,
    /// Decodes that held a part of it, in all.
    pub grants: usize,
}

/// A part of a [`Budget`], given back when dropped.
#[derive(Debug)]
pub struct Grant<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Budget {
        Budget {
            limit,
            state: Mutex::new(Held::default()),
            freed: Condvar::new(),
        }
    }

    /// What it holds now, and has held.
    pub fn held(&self) -> Held {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `bytes` fit beside what the other decodes hold, and holds them until the
    /// grant is dropped; None when `bytes` is more than the whole budget. The caller must not
    /// wait on other rayon work while it holds a grant: a thread waiting here could be the
    /// one that work needs.
    pub fn acquire(&self, bytes: u64) -> Option<Grant<'_>> {
        if bytes > self.limit {
            return None;
        }
        let mut held = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while held.now + bytes > self.limit {
            held = self.freed.wait(held).unwrap_or_else(PoisonError::into_inner);
        }
        held.now += bytes;
        held.peak = held.peak.max(held.now);
        held.grants += 1;
        Some(Grant { budget: self, bytes })
    }
}

impl Drop for Grant<'_> {
    fn drop(&mut self) {
        let mut held = self.budget.state.lock().unwrap_or_else(PoisonError::into_inner);
        held.now -= self.bytes;
        drop(held);
        self.budget.freed.notify_all();
    }
}

/// Writes every job's files to `sink`: variants from the cache, or else made (each picture
/// decoded once within `budget`, its widths resized one after the other) and put in the
/// cache; originals copied. A picture that cannot be decoded is an error at the `image` line
/// of its first item.
pub fn produce(jobs: &[Job<'_>], cache: &Cache, sink: &dyn Sink, budget: &Budget) -> Result<Produced, Diagnostics> {
    let results: Vec<Result<Produced, Diagnostic>> =
        jobs.par_iter().map(|j| produce_one(j, cache, sink, budget)).collect();
    let mut diags = Diagnostics::new();
    let mut total = Produced::default();
    for r in results {
        match r {
            Ok(p) => {
                total.files += p.files;
                total.resized += p.resized;
            }
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        diags.sort();
        Err(diags)
    } else {
        Ok(total)
    }
}

/// Decodes and resizes what the cache lacks without writing anything (for `check`): the
/// same problems as a build, found the same way.
pub(crate) fn verify(jobs: &[Job<'_>], cache_of: &Path, budget: &Budget) -> Result<(), Diagnostics> {
    produce(jobs, &Cache::read_only(cache_of), &Discard, budget).map(|_| ())
}

/// A sink that keeps nothing.
struct Discard;

impl Sink for Discard {
    fn write(&self, _: &str, _: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }
}

fn produce_one(job: &Job<'_>, cache: &Cache, sink: &dyn Sink, budget: &Budget) -> Result<Produced, Diagnostic> {
    let mut done = Produced::default();
    let at = |message: String, hint: &str| Diagnostic::error(job.item, job.lead.line, 1, message).with_hint(hint);
    let src = job.src;
    // The bytes must be those located (and found inside the site): an edit, or a link made to
    // lead elsewhere, since then is refused before anything is written.
    let read_source = || {
        let bytes = std::fs::read(&job.lead.file).map_err(|e| {
            at(
                format!("image `{src}` cannot be read: {e}"),
                "check that the file is readable",
            )
        })?;
        if xxhash_rust::xxh3::xxh3_64(&bytes) != job.lead.digest {
            return Err(at(
                format!("image `{src}` changed during the build"),
                "build again once the file is saved",
            ));
        }
        Ok(bytes)
    };
    let mut source = None;
    if !job.originals.is_empty() {
        let bytes = read_source()?;
        for p in &job.originals {
            sink.write(p, &bytes)?;
            done.files += 1;
        }
        source = Some(bytes);
    }
    let mut missing = Vec::new();
    for v in &job.lead.variants {
        match cache.get(v) {
            Some(bytes) => {
                sink.write(&v.path, &bytes)?;
                done.files += 1;
            }
            None => missing.push(v),
        }
    }
    if missing.is_empty() {
        return Ok(done);
    }
    let bytes = match source {
        Some(b) => b,
        None => read_source()?,
    };
    let targets: Vec<(u32, u32)> = missing.iter().map(|v| (v.width, v.height)).collect();
    // Planned variants never cost more than the build's whole budget (`too_large`); a smaller
    // budget given by a caller may still refuse one.
    let cost = decode_cost(job.lead.kind, job.lead.size);
    let Some(grant) = budget.acquire(cost) else {
        return Err(at(
            format!(
                "image `{src}` is too large to decode: it needs {} MiB, more than the {} MiB all decoding may hold",
                cost >> 20,
                budget.limit >> 20
            ),
            "scale it down before publishing",
        ));
    };
    let made = resize(&bytes, job.lead.kind, job.lead.size, &targets);
    drop(grant);
    let made = made.map_err(|e| match e {
        image::ImageError::Limits(_) => at(
            format!("image `{src}` is too large to decode: {e}"),
            "scale it down before publishing",
        ),
        _ => at(
            format!("image `{src}` cannot be decoded: {e}"),
            "the file is damaged or not the format it claims to be: open it in an image editor and save it again",
        ),
    })?;
    for (v, b) in missing.iter().zip(made) {
        cache.put(v, &b)?;
        sink.write(&v.path, &b)?;
        done.files += 1;
        done.resized += 1;
    }
    Ok(done)
}

/// The limits every decoder works within, whatever the file's header claims.
fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(1 << 15);
    l.max_image_height = Some(1 << 15);
    l.max_alloc = Some(MAX_DECODE_BYTES);
    l
}

/// Decodes an image of `kind` (EXIF orientation applied) and makes one copy per `(width,
/// height)` target, one after the other, in the same format: Lanczos3 resampling, the ICC
/// profile kept, JPEG at quality 82. `size` is the displayed size its header was read as
/// (what its [`decode_cost`] was counted from): a decoder that finds another is refused.
/// Pure: the same bytes give the same copies.
pub(crate) fn resize(
    bytes: &[u8],
    kind: Kind,
    size: (u32, u32),
    targets: &[(u32, u32)],
) -> Result<Vec<Vec<u8>>, image::ImageError> {
    let Some((format, _)) = kind.encoding() else {
        return Ok(Vec::new());
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (w, h) = decoder.dimensions();
    let shown = if swaps_axes(orientation) { (h, w) } else { (w, h) };
    if shown != size {
        // Memory was set aside for the size the header showed before; not for another.
        return Err(image::ImageError::Decoding(image::error::DecodingError::new(
            format.into(),
            format!(
                "it reads as {}×{} pixels now, {}×{} before",
                shown.0, shown.1, size.0, size.1
            ),
        )));
    }
    let icc = decoder.icc_profile().ok().flatten();
    limits().reserve(decoder.total_bytes())?;
    let mut img = DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    targets
        .iter()
        .map(|&(w, h)| {
            let small = img.resize_exact(w, h, image::imageops::FilterType::Lanczos3);
            encode(&small, format, icc.clone())
        })
        .collect()
}

/// Encodes `img` as `format`, in a color type that format takes.
fn encode(img: &DynamicImage, format: ImageFormat, icc: Option<Vec<u8>>) -> Result<Vec<u8>, image::ImageError> {
    use image::codecs::{jpeg::JpegEncoder, png::PngEncoder, webp::WebPEncoder};
    use image::{ColorType, ImageEncoder};
    let mut out = Vec::new();
    let color = img.color();
    let eight_bit = |alpha: bool| {
        if alpha {
            DynamicImage::ImageRgba8(img.to_rgba8())
        } else {
            DynamicImage::ImageRgb8(img.to_rgb8())
        }
    };
    match format {
        ImageFormat::Jpeg => {
            let mut enc = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            if let Some(p) = icc {
                let _ = enc.set_icc_profile(p);
            }
            match color {
                ColorType::L8 | ColorType::Rgb8 => img.write_with_encoder(enc)?,
                _ => eight_bit(false).write_with_encoder(enc)?,
            }
        }
        ImageFormat::WebP => {
            let mut enc = WebPEncoder::new_lossless(&mut out);
            if let Some(p) = icc {
                let _ = enc.set_icc_profile(p);
            }
            match color {
                ColorType::L8 | ColorType::La8 | ColorType::Rgb8 | ColorType::Rgba8 => img.write_with_encoder(enc)?,
                _ => eight_bit(color.has_alpha()).write_with_encoder(enc)?,
            }
        }
        _ => {
            let mut enc = PngEncoder::new(&mut out);
            if let Some(p) = icc {
                let _ = enc.set_icc_profile(p);
            }
            img.write_with_encoder(enc)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x.to_le_bytes()[0], y.to_le_bytes()[0], 128]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn variants_are_the_widths_below_the_original() {
        let d = 0xabc;
        let widths = |size| plan(Kind::Jpeg, d, size).iter().map(|v| v.width).collect::<Vec<_>>();
        assert_eq!(widths((2000, 1000)), [480, 960, 1440]);
        assert_eq!(widths((1440, 1000)), [480, 960]);
        assert_eq!(widths((481, 100)), [480]);
        assert!(widths((480, 100)).is_empty());
        assert!(plan(Kind::AsIs, d, (4000, 3000)).is_empty());
        // A decompression bomb's header: never planned, never decoded.
        assert!(plan(Kind::Png, d, (50_000, 50_000)).is_empty());
    }

    #[test]
    fn variants_keep_the_aspect_ratio_and_name_the_hash() {
        let v = plan(Kind::Png, 0x1234, (1000, 667));
        assert_eq!(v[0].height, 320); // 667 × 480 / 1000 = 320.16
        assert_eq!(v[1].height, 640); // 640.32
        assert_eq!(v[0].path, "img/0000000000001234-480w.png");
        assert_eq!(plan(Kind::WebpLossless, 1, (3000, 1))[0].height, 1);
        assert_eq!(
            plan(Kind::Jpeg, 1, (3000, 2000))[2].path,
            "img/0000000000000001-1440w.jpg"
        );
    }

    #[test]
    fn kinds_from_the_bytes() {
        assert_eq!(classify(&png(2, 2)), Kind::Png);
        assert_eq!(classify(b"\xff\xd8\xff\xe0rest"), Kind::Jpeg);
        assert_eq!(classify(b"GIF89a...."), Kind::AsIs);
        assert_eq!(classify(b"RIFF\x0c\0\0\0WEBPVP8L\x00\0\0\0"), Kind::WebpLossless);
        assert_eq!(classify(b"RIFF\x0c\0\0\0WEBPVP8 \x00\0\0\0"), Kind::AsIs);
        // Extended header with the animation flag.
        assert_eq!(
            classify(b"RIFF\x0c\0\0\0WEBPVP8X\x0a\0\0\0\x02\0\0\0\0\0\0\0\0\0VP8L\0\0\0\0"),
            Kind::AsIs
        );
        assert_eq!(
            classify(b"RIFF\x0c\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0\0\0\0\0\0\0ALPH\x01\0\0\0x\0VP8L\0\0\0\0"),
            Kind::WebpLossless
        );
        // An animated PNG: acTL before IDAT.
        let mut apng = png(2, 2);
        let at = 8 + 25; // after the signature and IHDR
        apng.splice(at..at, b"\0\0\0\x08acTL\0\0\0\x01\0\0\0\0crc!".iter().copied());
        assert_eq!(classify(&apng), Kind::AsIs);
    }

    #[test]
    fn resizing_makes_each_width_in_the_source_format() {
        let made = resize(&png(1000, 500), Kind::Png, (1000, 500), &[(480, 240), (960, 480)]).unwrap();
        let sizes: Vec<(u32, u32)> = made
            .iter()
            .map(|b| {
                assert_eq!(image::guess_format(b).unwrap(), ImageFormat::Png);
                let i = image::load_from_memory(b).unwrap();
                (i.width(), i.height())
            })
            .collect();
        assert_eq!(sizes, [(480, 240), (960, 480)]);
        // Deterministic: the same bytes again.
        assert_eq!(
            resize(&png(1000, 500), Kind::Png, (1000, 500), &[(480, 240)]).unwrap()[0],
            made[0]
        );
        // Not the size the header was read as: refused before decoding.
        assert!(matches!(
            resize(&png(1000, 500), Kind::Png, (100, 50), &[(48, 24)]),
            Err(image::ImageError::Decoding(_))
        ));
    }

    #[test]
    fn the_budget_never_holds_more_than_its_limit() {
        let budget = Budget::new(100);
        assert!(budget.acquire(101).is_none(), "more than the whole budget never fits");
        let most = std::sync::atomic::AtomicU64::new(0);
        std::thread::scope(|s| {
            for t in 0..8u64 {
                let (budget, most) = (&budget, &most);
                s.spawn(move || {
                    for _ in 0..50 {
                        let _grant = budget.acquire(30 + t).unwrap();
                        most.fetch_max(budget.held().now, std::sync::atomic::Ordering::Relaxed);
                        std::thread::yield_now();
                    }
                });
            }
        });
        let held = budget.held();
        assert_eq!(held.now, 0, "every grant was given back");
        assert_eq!(held.grants, 400);
        assert!(held.peak <= 100 && most.into_inner() <= 100, "{held:?}");
        assert!(held.peak >= 37, "{held:?}");
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        let mut broken = png(1000, 500);
        broken.truncate(60);
        assert!(resize(&broken, Kind::Png, (1000, 500), &[(480, 240)]).is_err());
        assert!(resize(b"\xff\xd8\xff\xe0 nothing", Kind::Jpeg, (1000, 500), &[(480, 240)]).is_err());
    }

    #[test]
    fn paths_cannot_climb_out_of_their_folder() {
        let d = Path::new("/site/static");
        assert_eq!(
            within(d, &d.join("a/../b.jpg")),
            Some(PathBuf::from("/site/static/b.jpg"))
        );
        assert_eq!(within(d, &d.join("../content/x.jpg")), None);
        assert_eq!(within(d, &d.join("../../etc/passwd")), None);
        assert_eq!(within(d, &d.join(".")), None);
    }
}
