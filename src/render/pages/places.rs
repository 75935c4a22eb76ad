//! The pages of cities and counties (place.html), each with its items, the items filed
//! elsewhere that report its figures, its running statistics (the province pages' tables) and,
//! for a city, the table of its counties; and that table, which a province page shows of its
//! cities.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::PlacePage;
use crate::render::list_views::paged;
use crate::render::renderer::Renderer;
use crate::render::view::{CardView, LinkView, PageKind, PlaceRef, PlaceRow, PlaceTable};
use crate::site::stats::counts_for;
use crate::site::urls;

/// Page `n` (from 1) of place group `i`.
pub(crate) fn page(r: &Renderer, i: usize, n: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let site = r.site;
    let u = &site.urls;
    let g = &site.places[i];
    let place = g.place;
    let code = place.code;
    let first = urls::place(place);
    let path = urls::page(&first, n);
    let (items, paginator) = r.paginate(&g.entries, &first, n);
    // As on a province page: the reports from elsewhere, the statistics and the table of the
    // places below are on the first page only.
    let reported: Vec<&CardView> = if n == 1 {
        g.reported.iter().filter_map(|&j| r.cards.get(j)).collect()
    } else {
        vec![]
    };
    let stats = if n == 1 {
        r.subject_stats(|m| m.for_place(code).cloned(), |c| counts_for(c.place, code))
    } else {
        Vec::new()
    };
    let places = if n == 1 { table(r, &g.children) } else { None };
    let mut crumbs = vec![
        r.home_crumb(),
        r.crumb("regions", urls::REGIONS),
        LinkView {
            label: place.province.short.clone(),
            url: u.link(&urls::region(&place.province.slug)),
        },
    ];
    if let Some(parent) = g.parent.and_then(|p| site.places.get(p)) {
        crumbs.push(LinkView {
            label: parent.place.name.clone(),
            url: u.link(&urls::place(parent.place)),
        });
    }
    let meta = r.meta(
        PageKind::Place,
        place.name.clone(),
        format!("{}{} {}", place.province.name, full_name(r, i), r.t("news")),
        &path,
        Some(u.absolute(&urls::feed_of(&first))),
        crumbs,
    );
    let meta = paged(meta, &paginator);
    let body = PlacePage {
        place: PlaceRef {
            name: place.name.clone(),
            code,
            level: place.level,
            url: u.link(&first),
        },
        province: r.province_ref(place.province),
        count: g.entries.len(),
        items,
        paginator: &paginator,
        reported,
        stats,
        places,
    };
    r.page("place.html", &path, meta, body, sink)
}

/// The name of place group `i` below its province: `青岛市莱西市`, `渝北区`.
pub(crate) fn full_name(r: &Renderer, i: usize) -> String {
    let site = r.site;
    let g = &site.places[i];
    match g.parent.and_then(|p| site.places.get(p)) {
        Some(parent) => format!("{}{}", parent.place.name, g.place.name),
        None => g.place.name.clone(),
    }
}

/// The table of place groups `idx` (a province's cities, a city's counties): each linked, with
/// its item counts and its total of every metric that some of them have; None when empty.
pub(crate) fn table(r: &Renderer, idx: &[usize]) -> Option<PlaceTable> {
    let site = r.site;
    let groups: Vec<_> = idx.iter().filter_map(|&i| site.places.get(i)).collect();
    if groups.is_empty() {
        return None;
    }
    let metrics: Vec<_> = site
        .stats
        .metrics
        .iter()
        .filter(|ms| groups.iter().any(|g| ms.for_place(g.place.code).is_some()))
        .collect();
    let rows = groups
        .iter()
        .map(|g| PlaceRow {
            place: LinkView {
                label: g.place.name.clone(),
                url: site.urls.link(&urls::place(g.place)),
            },
            count: g.entries.len(),
            reported: g.reported.len(),
            cells: metrics
                .iter()
                .map(|ms| ms.for_place(g.place.code).map(|t| r.value_with(t, &ms.metric.unit, 0)))
                .collect(),
        })
        .collect();
    Some(PlaceTable {
        metrics: metrics
            .iter()
            .map(|ms| LinkView {
                label: ms.metric.label.clone(),
                url: format!("{}#{}", site.urls.link(urls::STATS), ms.metric.key),
            })
            .collect(),
        rows,
    })
}
