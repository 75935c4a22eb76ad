//! The province pages: the index of provinces by area (regions.html) and each province's
//! pages of items (region.html), whose first page has its figures and the items filed
//! elsewhere that report for it.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::{RegionPage, RegionsPage};
use crate::render::list_views::paged;
use crate::render::renderer::Renderer;
use crate::render::view::{CardView, PageKind};
use crate::site::urls;

/// The province index.
pub(crate) fn index(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let meta = r.meta(
        PageKind::Regions,
        r.t("regions"),
        String::new(),
        urls::REGIONS,
        None,
        vec![r.home_crumb()],
    );
    r.page(
        "regions.html",
        urls::REGIONS,
        meta,
        RegionsPage { areas: &r.areas },
        sink,
    )
}

/// Page `n` (from 1) of province group `i`.
pub(crate) fn page(r: &Renderer, i: usize, n: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let u = &r.site.urls;
    let g = &r.site.provinces[i];
    let first = urls::region(&g.province.slug);
    let path = urls::page(&first, n);
    let (items, paginator) = r.paginate(&g.entries, &first, n);
    let reported: Vec<&CardView> = if n == 1 {
        g.reported.iter().filter_map(|&j| r.cards.get(j)).collect()
    } else {
        vec![]
    };
    // The running table is on the first page only, like the items reported elsewhere.
    let stats = if n == 1 {
        r.subject_stats(
            |m| m.for_province(&g.province.slug).cloned(),
            |c| c.province.slug == g.province.slug,
        )
    } else {
        Vec::new()
    };
    let meta = r.meta(
        PageKind::Region,
        g.province.short.clone(),
        format!("{} {}", g.province.name, r.t("news")),
        &path,
        Some(u.absolute(&urls::feed_of(&first))),
        vec![r.home_crumb(), r.crumb("regions", urls::REGIONS)],
    );
    let meta = paged(meta, &paginator);
    let body = RegionPage {
        province: r.province_ref(g.province),
        count: g.entries.len(),
        items,
        paginator: &paginator,
        reported,
        stats,
        places: if n == 1 {
            crate::render::pages::places::table(r, &g.places)
        } else {
            None
        },
    };
    r.page("region.html", &path, meta, body, sink)
}
