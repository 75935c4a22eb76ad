//! The PDF editions while serving. A build typesets every issue's PDF; serve typesets one only
//! when a browser asks for it (a PDF takes tens of milliseconds and an archive holds hundreds
//! of issues, most of which nobody opens while editing). The pages link to the PDFs as a
//! build's do. A PDF is typeset on a thread of its own (Typst needs a deep stack, and the
//! async threads must go on answering), once per build however many requests ask for it,
//! and taken from `.bulletin-cache/pdf/` when its issue did not change since it was last made.

use crate::base::diagnostic::Diagnostic;
use crate::base::FastMap;
use crate::build::pipeline::{Pipeline, PDF_STACK_BYTES};
use crate::render::pdf::Typesetter;
use crate::site::{urls, Site};
use std::sync::{Arc, Mutex, OnceLock};

/// A PDF once made, or why it could not be.
pub(crate) type Made = Result<Arc<Vec<u8>>, Diagnostic>;

/// The PDF editions of one build of the site, typeset on request.
pub(crate) struct Editions {
    pipeline: Pipeline,
    site: Arc<Site>,
    typesetter: Arc<Typesetter>,
    /// The theme's "编者按".
    note_label: String,
    /// Output path (`bulletins/D/bulletin-D.pdf`) → index in `site.bulletins`.
    paths: FastMap<String, usize>,
    /// Each PDF asked for, made once: a second request waits for the first one's typesetting.
    made: Mutex<FastMap<usize, Arc<OnceLock<Made>>>>,
}

impl std::fmt::Debug for Editions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editions")
            .field("paths", &self.paths.len())
            .finish_non_exhaustive()
    }
}

impl Editions {
    /// The editions of `site` (whose pages link to them), typeset with `typesetter`.
    pub(crate) fn new(
        pipeline: Pipeline,
        site: Arc<Site>,
        typesetter: Arc<Typesetter>,
        note_label: String,
    ) -> Editions {
        let paths = site
            .bulletins
            .iter()
            .enumerate()
            .map(|(i, b)| (urls::bulletin_pdf(b.date), i))
            .collect();
        Editions {
            pipeline,
            site,
            typesetter,
            note_label,
            paths,
            made: Mutex::new(FastMap::default()),
        }
    }

    /// Whether `path` (relative to the site, `bulletins/D/bulletin-D.pdf`) is an edition.
    pub(crate) fn has(&self, path: &str) -> bool {
        self.paths.contains_key(path)
    }

    /// The PDF at `path`, typeset on a thread with room for Typst (or taken from this build's
    /// copy or the cache); waits for it. None when no issue has that path.
    pub(crate) fn pdf(self: &Arc<Self>, path: &str) -> Option<Made> {
        let (i, cell) = self.cell(path)?;
        if let Some(made) = cell.get() {
            return Some(made.clone());
        }
        let me = Arc::clone(self);
        let typeset = std::thread::Builder::new()
            .name("bulletin-pdf".into())
            .stack_size(PDF_STACK_BYTES)
            .spawn(move || me.make(i, &cell))
            .map_err(|e| Diagnostic::file_error(".", format!("cannot start a thread to typeset the PDF: {e}")));
        Some(match typeset {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(Diagnostic::file_error(".", "typesetting the PDF failed"))),
            Err(d) => Err(d),
        })
    }

    /// [`Editions::pdf`] for the async threads: the waiting is done on a blocking thread.
    pub(crate) async fn pdf_later(self: Arc<Self>, path: String) -> Option<Made> {
        tokio::task::spawn_blocking(move || self.pdf(&path))
            .await
            .unwrap_or_else(|_| Some(Err(Diagnostic::file_error(".", "typesetting the PDF failed"))))
    }

    /// The bulletin whose PDF is at `path`, and the cell that holds its PDF once made.
    fn cell(&self, path: &str) -> Option<(usize, Arc<OnceLock<Made>>)> {
        let i = *self.paths.get(path)?;
        let mut made = self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Some((i, Arc::clone(made.entry(i).or_default())))
    }

    /// Makes the PDF of bulletin `i` into `cell`, unless another request already did.
    fn make(&self, i: usize, cell: &OnceLock<Made>) -> Made {
        cell.get_or_init(|| {
            let b = &self.site.bulletins[i];
            self.pipeline
                .pdf_edition(&self.site, b, &self.typesetter, &self.note_label)
                .map(|(bytes, _)| Arc::new(bytes))
        })
        .clone()
    }
}
