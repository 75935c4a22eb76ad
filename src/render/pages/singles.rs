//! The single pages: corrections (corrections.html), search (search.html) and the page for
//! a missing address (404.html).

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::{CorrectionsPage, NotFoundPage, SearchPage};
use crate::render::renderer::Renderer;
use crate::render::view::{CorrectedView, PageKind};
use crate::site::urls;

/// Every corrected item, with its corrections.
pub(crate) fn corrections(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    // From the entries, not the item views: `build` and `check` render without keeping those.
    let items: Vec<CorrectedView> = r
        .site
        .entries
        .iter()
        .zip(&r.cards)
        .filter(|(e, _)| !e.item.corrections.is_empty())
        .map(|(e, c)| CorrectedView {
            card: c.card.clone(),
            corrections: r.correction_views(e),
        })
        .collect();
    let meta = r.meta(
        PageKind::Corrections,
        r.t("corrections"),
        String::new(),
        urls::CORRECTIONS,
        None,
        vec![r.home_crumb()],
    );
    r.page(
        "corrections.html",
        urls::CORRECTIONS,
        meta,
        CorrectionsPage { items },
        sink,
    )
}

/// The search page (the search runs in the browser, over the files of the search index).
pub(crate) fn search(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let meta = r.meta(
        PageKind::Search,
        r.t("search_title"),
        String::new(),
        urls::SEARCH,
        None,
        vec![r.home_crumb()],
    );
    let body = SearchPage {
        search: crate::render::search::page_view(r.site),
    };
    r.page("search.html", urls::SEARCH, meta, body, sink)
}

/// 404.html.
pub(crate) fn not_found(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let meta = r.meta(
        PageKind::NotFound,
        r.t("not_found"),
        String::new(),
        "404.html",
        None,
        vec![],
    );
    r.page("404.html", "404.html", meta, NotFoundPage {}, sink)
}
