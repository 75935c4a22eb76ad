//! Lead-image records: what Bulletin can do with an image file, the file found for an item
//! ([`LeadImage`], carried beside the item by the site) and the smaller copies (variants)
//! planned for it. Pure: finding and resizing files is `output::images`.

use image::ImageFormat;
use serde::Serialize;
use std::path::PathBuf;

/// The widths (CSS pixels) of the variants: each one narrower than the original is made.
pub(crate) const WIDTHS: [u32; 3] = [480, 960, 1440];
/// The output folder of variants and of the images published from `content/`.
pub(crate) const OUTPUT_DIR: &str = "img";
/// Images with more pixels than this are served as they are, never decoded: a guard against
/// decompression bombs (a small file that claims 50,000 × 50,000 pixels).
pub(crate) const MAX_PIXELS: u64 = 64_000_000;

/// What Bulletin can do with an image file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Kind {
    /// Resized into JPEG.
    Jpeg,
    /// Resized into PNG.
    Png,
    /// Resized into lossless WebP.
    WebpLossless,
    /// Served as it is: GIF, lossy or animated WebP, animated PNG, AVIF, BMP…
    AsIs,
}

impl Kind {
    /// The format variants are encoded in, and their file extension; None when not resized.
    pub fn encoding(self) -> Option<(ImageFormat, &'static str)> {
        match self {
            Kind::Jpeg => Some((ImageFormat::Jpeg, "jpg")),
            Kind::Png => Some((ImageFormat::Png, "png")),
            Kind::WebpLossless => Some((ImageFormat::WebP, "webp")),
            Kind::AsIs => None,
        }
    }
}

/// An item's lead image found among the site's files (not a URL): what
/// `output::images::locate` read of the file the item's `image:` names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LeadImage {
    /// Width and height in pixels (so pages reserve its space), as displayed: after the EXIF
    /// orientation.
    pub size: (u32, u32),
    /// Smaller copies for `srcset`, narrowest first ([`plan`]).
    pub variants: Vec<Variant>,
    /// The file, under `static/` or beside the item under `content/`.
    pub file: PathBuf,
    /// xxh3 of its bytes: names its variants and keys the cache.
    pub digest: u64,
    /// What can be done with it.
    pub kind: Kind,
    /// Where Bulletin publishes the file itself (`img/<hash>.jpg`), for an image beside its
    /// item; None for one under `static/`, which is copied with the static files.
    pub published: Option<String>,
    /// The file line of the item's `image:` key: problems found while resizing are reported
    /// there, after the build has freed the front matter.
    pub line: usize,
}

/// A smaller copy of an image.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels (the original's aspect ratio, rounded).
    pub height: u32,
    /// Output path: `img/<hash>-<width>w.<ext>`.
    pub path: String,
}

/// The variants an image of `kind`, hashed `digest`, `size` pixels large, gets: one per width
/// of [`WIDTHS`] narrower than the original, none when it is not resized or too large.
pub(crate) fn plan(kind: Kind, digest: u64, (width, height): (u32, u32)) -> Vec<Variant> {
    let Some((_, ext)) = kind.encoding() else {
        return Vec::new();
    };
    if too_large((width, height)) {
        return Vec::new();
    }
    WIDTHS
        .iter()
        .filter(|&&w| w < width)
        .map(|&w| Variant {
            width: w,
            height: scaled(height, w, width),
            path: format!("{OUTPUT_DIR}/{digest:016x}-{w}w.{ext}"),
        })
        .collect()
}

/// `height` scaled by `to / from`, rounded to the nearest pixel, at least 1.
fn scaled(height: u32, to: u32, from: u32) -> u32 {
    if from == 0 {
        return height;
    }
    let h = (u64::from(height) * u64::from(to) + u64::from(from) / 2) / u64::from(from);
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

/// Whether an image of this size is beyond [`MAX_PIXELS`].
pub(crate) fn too_large((width, height): (u32, u32)) -> bool {
    u64::from(width) * u64::from(height) > MAX_PIXELS
}
