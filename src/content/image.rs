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
/// The memory that all image decoding of one build may hold at once, by [`decode_cost`]:
/// decodes wait for one another to stay within it (a limit per decoder let four large pictures
/// on four threads hold more than 2 GiB), and a picture that would need more than all of it is
/// served as it is, never decoded.
pub(crate) const DECODE_BUDGET: u64 = 1 << 30;

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
    /// Smaller copies for `srcset`, narrowest first (`plan`).
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

/// The picture files an item shows, as found among the site's files: its lead image and each
/// picture of its gallery (None for one given by URL, or not found).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pictures {
    /// The lead image (`image:`).
    pub lead: Option<LeadImage>,
    /// The gallery's pictures, in the order written.
    pub gallery: Vec<Option<LeadImage>>,
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
    if too_large(kind, (width, height)) {
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

/// Whether an image of `kind` and this size is served as it is: more than [`MAX_PIXELS`], or
/// more to decode than the whole [`DECODE_BUDGET`].
pub(crate) fn too_large(kind: Kind, size: (u32, u32)) -> bool {
    let (width, height) = size;
    u64::from(width) * u64::from(height) > MAX_PIXELS || decode_cost(kind, size) > DECODE_BUDGET
}

/// The most memory decoding and resizing an image of `kind` and `size` (as displayed) holds at
/// once, from its header alone: the decoded picture twice (turning it by its EXIF orientation
/// makes a copy), and for the widest variant (they are made one at a time) the resampler's
/// intermediate (source width × variant height, four `f32` channels) and the variant itself.
/// Counted at the most bytes per pixel the format decodes to, so that it never falls short.
pub fn decode_cost(kind: Kind, (width, height): (u32, u32)) -> u64 {
    let per_pixel: u64 = match kind {
        // 16-bit RGBA.
        Kind::Png => 8,
        // RGBA (CMYK JPEGs decode to four channels before conversion).
        Kind::Jpeg | Kind::WebpLossless => 4,
        Kind::AsIs => return 0,
    };
    let (w, h) = (u64::from(width), u64::from(height));
    let widest = WIDTHS.iter().rev().find(|&&v| v < width).map_or(0, |&v| {
        let vh = u64::from(scaled(height, v, width));
        w * vh * 16 + u64::from(v) * vh * per_pixel
    });
    (w * h * per_pixel * 2).saturating_add(widest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_cost_counts_the_picture_twice_and_the_widest_variant() {
        // 2000 × 1000 JPEG: 2 × 8 MB decoded; the 1440 × 720 variant: 2000 × 720 × 16 bytes
        // of intermediate and 1440 × 720 × 4 bytes of copy.
        assert_eq!(
            decode_cost(Kind::Jpeg, (2000, 1000)),
            2 * 2000 * 1000 * 4 + 2000 * 720 * 16 + 1440 * 720 * 4
        );
        assert_eq!(decode_cost(Kind::Png, (100, 100)), 2 * 100 * 100 * 8, "no variant");
        assert_eq!(decode_cost(Kind::AsIs, (50_000, 50_000)), 0);
        // 60 million pixels: within MAX_PIXELS, but a PNG of them is more than the budget.
        assert!(!too_large(Kind::Jpeg, (10_000, 6_000)));
        assert!(too_large(Kind::Png, (10_000, 6_000)));
        assert!(plan(Kind::Png, 1, (10_000, 6_000)).is_empty());
        assert!(too_large(Kind::Jpeg, (10_000, 7_000)), "over MAX_PIXELS");
    }
}
