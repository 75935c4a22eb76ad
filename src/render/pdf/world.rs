//! Typst's view of the one document it typesets: the template (`main.typ`), the data
//! (`data.json`) and the fonts found. Nothing else exists for it: no other file, no package, no
//! clock, so the same issue gives the same PDF.

use super::{Edition, Fonts};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The Typst template of the PDF edition.
pub(crate) const TEMPLATE: &str = include_str!("bulletin.typ");

struct Document<'a> {
    library: &'a LazyHash<Library>,
    book: &'a LazyHash<FontBook>,
    fonts: &'a [Font],
    main: Source,
    data: Bytes,
    data_id: FileId,
}

impl World for Document<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        None
    }
}

/// The typesetter: Typst's standard library and the fonts, made once per build and shared by
/// every issue's PDF.
pub(crate) struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Fonts,
}

impl Typesetter {
    /// A typesetter with `fonts`.
    pub(crate) fn new(fonts: Fonts) -> Typesetter {
        Typesetter {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts.faces)),
            fonts,
        }
    }

    /// The family names of the fonts, first choice first.
    pub(crate) fn families(&self) -> Vec<String> {
        self.fonts.families.clone()
    }

    /// A hash of the fonts' data.
    pub(crate) fn fonts_hash(&self) -> u64 {
        self.fonts.hash
    }

    /// Typesets `edition` into a PDF; the error is Typst's messages.
    pub(crate) fn pdf(&self, edition: &Edition, ident: &str) -> Result<Vec<u8>, String> {
        let doc = Document {
            library: &self.library,
            book: &self.book,
            fonts: &self.fonts.faces,
            main: Source::new(FileId::new(None, VirtualPath::new("main.typ")), TEMPLATE.to_string()),
            data: Bytes::new(edition.json()),
            data_id: FileId::new(None, VirtualPath::new("data.json")),
        };
        let messages = |errors: &[typst::diag::SourceDiagnostic]| {
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let document = typst::compile::<PagedDocument>(&doc).output;
        // Typst memoizes across compilations; issues share little, and 500 issues' worth of
        // memos held 1.3 GiB: keep only what the last compilations made.
        typst::comemo::evict(2);
        let document = document.map_err(|e| messages(&e))?;
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident),
            ..Default::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|e| messages(&e))
    }
}
