//! The fonts of the PDF edition: a CJK font named in site.yaml (`masthead.font`), else the
//! first one found in the system's font folders (where fontconfig looks), with its bold file
//! beside it when there is one. Without one there is no PDF, and one warning says how to
//! install a font.

use crate::base::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};
use typst::foundations::Bytes;
use typst::text::Font;

/// Where system fonts live on Linux (fontconfig's default folders) and macOS.
const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
];

/// File names that hint at a CJK font, in order of preference (a serif 宋体 first).
const CJK_HINTS: &[&str] = &[
    "notoserifcjk",
    "sourcehanserif",
    "simsun",
    "songti",
    "fangsong",
    "notosanscjk",
    "sourcehansans",
    "wqy",
    "droidsansfallback",
    "uming",
    "ukai",
    "cjk",
];

/// A candidate must have one of these: 工, 会, 中, 一 (a subset font made for a site may
/// lack some).
const PROBES: [u32; 4] = [0x5DE5, 0x4F1A, 0x4E2D, 0x4E00];

/// The fonts loaded for the PDF edition.
#[derive(Clone, Debug)]
pub(crate) struct Fonts {
    /// Every face of the chosen file(s).
    pub faces: Vec<Font>,
    /// Their family names, first choice first.
    pub families: Vec<String>,
    /// A hash of the font data: a PDF made with other fonts is made again.
    pub hash: u64,
}

impl Fonts {
    /// Loads the CJK font file at `path` (a .ttf, .otf, .ttc or .otc); None when it is not one.
    pub(crate) fn load(path: &Path) -> Option<Fonts> {
        let data = std::fs::read(path).ok()?;
        let hash = xxhash_rust::xxh3::xxh3_64(&data);
        let faces: Vec<Font> = Font::iter(Bytes::new(data)).collect();
        if !faces
            .iter()
            .any(|f| PROBES.iter().any(|&c| f.info().coverage.contains(c)))
        {
            return None;
        }
        let mut families: Vec<String> = Vec::new();
        for f in &faces {
            let name = f.info().family.clone();
            if !families.contains(&name) {
                families.push(name);
            }
        }
        // A collection such as Noto Serif CJK holds JP, KR, SC, TC and HK faces: simplified
        // Chinese glyphs and punctuation first.
        families.sort_by_key(|f| {
            let f = f.to_uppercase();
            if [" SC", " CN", "GB", "SIMPLIFIED"].iter().any(|m| f.contains(m)) {
                0
            } else if [" TC", " HK", " TW"].iter().any(|m| f.contains(m)) {
                1
            } else {
                2
            }
        });
        Some(Fonts { faces, families, hash })
    }

    /// These fonts with the bold weight of the same family added, when the file beside `path`
    /// named with `Bold` for `Regular` is one (Debian's fonts-noto-cjk has both): headlines
    /// and the masthead are then set in true bold instead of a synthesised one.
    fn with_bold(mut self, path: &Path) -> Fonts {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return self;
        };
        let bold_name = name.replace("Regular", "Bold").replace("regular", "bold");
        if bold_name == name {
            return self;
        }
        if let Some(bold) = Fonts::load(&path.with_file_name(bold_name)) {
            if bold.families.iter().any(|f| self.families.contains(f)) {
                self.faces.extend(bold.faces);
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                h.update(&self.hash.to_le_bytes());
                h.update(&bold.hash.to_le_bytes());
                self.hash = h.digest();
            }
        }
        self
    }

    /// The font named in site.yaml (relative to the site `root`), else a system CJK font.
    /// Without one: the warning to print, and no PDF.
    pub(crate) fn find(root: &Path, configured: Option<&Path>) -> Result<Fonts, Diagnostic> {
        if let Some(p) = configured {
            let path = root.join(p);
            return Fonts::load(&path).map(|f| f.with_bold(&path)).ok_or_else(|| {
                Diagnostic::warning(
                    "site.yaml",
                    0,
                    0,
                    format!(
                        "masthead.font: {} is not a font file with Chinese characters; the PDF editions are not made",
                        p.display()
                    ),
                )
                .with_hint("name a .ttf, .otf or .ttc CJK font, relative to the site folder")
            });
        }
        let mut dirs: Vec<PathBuf> = SYSTEM_DIRS.iter().map(PathBuf::from).collect();
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            dirs.push(home.join(".local/share/fonts"));
            dirs.push(home.join(".fonts"));
        }
        Fonts::find_in(&dirs)
    }

    /// The first CJK font in `dirs`, or the warning that there is none.
    fn find_in(dirs: &[PathBuf]) -> Result<Fonts, Diagnostic> {
        system_candidates(dirs)
            .iter()
            .find_map(|p| Fonts::load(p).map(|f| f.with_bold(p)))
            .ok_or_else(|| {
                Diagnostic::warning(
                    ".",
                    0,
                    0,
                    "no CJK font found: the print pages are written, the PDF editions are not",
                )
                .with_hint("install one (`apt-get install fonts-noto-cjk`) or name a font file as `masthead.font` in site.yaml")
            })
    }
}

/// Font files under `dirs` whose names hint at a CJK font, most preferred first.
fn system_candidates(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<(usize, PathBuf)> = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for e in walkdir::WalkDir::new(dir).follow_links(true).into_iter().flatten() {
            let name = e
                .file_name()
                .to_string_lossy()
                .to_lowercase()
                .replace(['-', '_', ' '], "");
            let font = [".ttf", ".otf", ".ttc", ".otc"].iter().any(|x| name.ends_with(x));
            if !font {
                continue;
            }
            if let Some(rank) = CJK_HINTS.iter().position(|h| name.contains(h)) {
                // Regular weights before bold and light ones.
                let regular = name.contains("regular") || !(name.contains("bold") || name.contains("light"));
                found.push((rank * 2 + usize::from(!regular), e.into_path()));
            }
        }
    }
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subset() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/issues/fonts/NotoSerifCJKsc-subset.otf")
    }

    #[test]
    fn loads_a_cjk_font_and_names_its_family() {
        let f = Fonts::load(&subset()).unwrap();
        assert_eq!(f.families, ["Noto Serif CJK SC"]);
    }

    #[test]
    fn the_bold_file_beside_a_regular_one_is_loaded_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let regular = dir.path().join("Serif-Regular.otf");
        std::fs::copy(subset(), &regular).unwrap();
        let alone = Fonts::load(&regular).unwrap().with_bold(&regular);
        assert_eq!(alone.faces.len(), 1);
        std::fs::copy(subset(), dir.path().join("Serif-Bold.otf")).unwrap();
        let both = Fonts::load(&regular).unwrap().with_bold(&regular);
        assert_eq!(both.faces.len(), 2);
        assert_ne!(both.hash, alone.hash, "a PDF made without the bold file is made again");
    }

    #[test]
    fn a_file_that_is_no_cjk_font_is_refused() {
        assert!(Fonts::load(Path::new("Cargo.toml")).is_none());
    }

    #[test]
    fn without_a_font_the_warning_says_how_to_install_one() {
        let empty = tempfile::tempdir().unwrap();
        let w = Fonts::find_in(&[empty.path().to_path_buf()]).unwrap_err();
        assert!(!w.is_error());
        assert!(w.hint.unwrap().contains("apt-get install fonts-noto-cjk"));
    }

    #[test]
    fn candidates_are_cjk_fonts_serif_first() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "DejaVuSans.ttf",
            "NotoSansCJK-Regular.ttc",
            "NotoSerifCJK-Regular.ttc",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let found = system_candidates(&[dir.path().to_path_buf()]);
        let names: Vec<_> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"]);
    }
}
