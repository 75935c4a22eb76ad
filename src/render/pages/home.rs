//! The home pages (index.html): every item, newest first, page by page; the first page also
//! shows the latest bulletin, the totals and the map.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::HomePage;
use crate::render::list_views::paged;
use crate::render::renderer::Renderer;
use crate::render::view::PageKind;
use crate::site::urls;

/// Home page `n` (from 1).
pub(crate) fn page(r: &Renderer, n: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let site = r.site;
    let path = urls::page("", n);
    let bulletin = (n == 1)
        .then(|| site.bulletins.first().map(|b| r.bulletin_view(b, true)))
        .flatten();
    let (items, paginator) = r.paginate(&r.every, "", n);
    let title = if n == 1 {
        site.config.title.clone()
    } else {
        r.t("page_n").replace("{n}", &n.to_string())
    };
    let meta = r.meta(
        PageKind::Home,
        title,
        site.config.description.clone(),
        &path,
        None,
        if n == 1 { vec![] } else { vec![r.home_crumb()] },
    );
    let meta = paged(meta, &paginator);
    let body = HomePage {
        bulletin,
        items,
        paginator: &paginator,
        areas: &r.areas,
        topics: &r.topic_entries,
        // The totals only on the first page: a new figure then re-renders one page, not all.
        metrics: if n == 1 { &r.home_metrics } else { &[] },
        map: if n == 1 { r.home_map() } else { None },
    };
    r.page("index.html", &path, meta, body, sink)
}
