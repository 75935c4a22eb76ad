//! The archive: the index of months (archives.html) and each month's items (archive.html).

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::{ArchivePage, ArchivesPage};
use crate::render::locale;
use crate::render::renderer::Renderer;
use crate::render::view::{CardView, PageKind};
use crate::site::urls;

/// The archive index.
pub(crate) fn index(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let meta = r.meta(
        PageKind::Archives,
        r.t("archive"),
        String::new(),
        urls::ARCHIVE,
        None,
        vec![r.home_crumb()],
    );
    let body = ArchivesPage {
        months: r.month_views(),
    };
    r.page("archives.html", urls::ARCHIVE, meta, body, sink)
}

/// The page of month `i`.
pub(crate) fn month(r: &Renderer, i: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let m = &r.site.months[i];
    let months = r.month_views();
    let month = months.get(i).cloned();
    let path = urls::archive(m.month.0, m.month.1);
    let items: Vec<&CardView> = m.entries.iter().filter_map(|&j| r.cards.get(j)).collect();
    let title = locale::month(r.lang, m.month.0, m.month.1);
    let meta = r.meta(
        PageKind::Archive,
        title,
        String::new(),
        &path,
        None,
        vec![r.home_crumb(), r.crumb("archive", urls::ARCHIVE)],
    );
    r.page("archive.html", &path, meta, ArchivePage { month, items, months }, sink)
}
