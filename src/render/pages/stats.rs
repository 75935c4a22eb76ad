//! The statistics page (stats.html): every metric in full with its charts and map, the
//! province × metric table, and links to the open data files.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::StatsPage;
use crate::render::renderer::Renderer;
use crate::render::view::{LinkView, PageKind};
use crate::site::urls;

/// The statistics page.
pub(crate) fn page(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let u = &r.site.urls;
    let has_units = !r.site.units.is_empty();
    let units_csv = has_units.then_some("units.csv");
    let downloads = ["stats.json", "provinces.csv", "places.csv", "months.csv", "topics.csv"]
        .into_iter()
        .chain(units_csv)
        .map(|file| LinkView {
            label: file.into(),
            url: u.link(&format!("stats/{file}")),
        })
        .collect();
    let meta = r.meta(
        PageKind::Stats,
        r.t("stats"),
        String::new(),
        urls::STATS,
        None,
        vec![r.home_crumb()],
    );
    let body = StatsPage {
        metrics: r.metric_views(true),
        matrix: r.matrix(),
        downloads,
        units: has_units.then(|| LinkView {
            label: r.t("units_link"),
            url: u.link(urls::UNITS),
        }),
    };
    r.page("stats.html", urls::STATS, meta, body, sink)
}
