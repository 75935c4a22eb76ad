//! The contributions page (units.html, 信息采用情况): every unit ranked by the items published
//! from it in all, in each year and in each month, newest first, with a listed unit that sent
//! nothing in a month shown with 0, and each month's items linked.

use crate::base::diagnostic::Diagnostic;
use crate::content::config::Language;
use crate::output::Sink;
use crate::render::context::UnitsPage;
use crate::render::locale;
use crate::render::renderer::Renderer;
use crate::render::view::{LinkView, PageKind, UnitPeriod, UnitRef, UnitRow, UnitTotalRow, UnitTotals};
use crate::site::units::{UnitGroup, UnitTable};
use crate::site::{urls, Site};

/// A year as headings say it: 2022年, or 2022.
pub(crate) fn year_label(lang: Language, year: i32) -> String {
    match lang {
        Language::ZhCn => format!("{year}年"),
        Language::En => year.to_string(),
    }
}

/// The unit as shown: its region linked to its place's page, else its province's, when the
/// site has that page (it has one only when something is filed there or reports for it).
fn unit_ref(site: &Site, u: &UnitGroup) -> UnitRef {
    UnitRef {
        name: u.name.clone(),
        region: u.region.as_ref().map(|r| {
            let place = r
                .place
                .filter(|p| site.places.iter().any(|g| g.place.code == p.code))
                .map(urls::place);
            let province = || {
                site.provinces
                    .iter()
                    .any(|g| g.province.slug == r.province.slug)
                    .then(|| urls::region(&r.province.slug))
            };
            LinkView {
                label: r.display(),
                url: place.or_else(province).map(|p| site.urls.link(&p)).unwrap_or_default(),
            }
        }),
    }
}

/// The ranking of one period: `count` says how many items a unit has in it, `items` which.
fn period(
    site: &Site,
    table: &UnitTable,
    id: String,
    label: String,
    count: impl Fn(&UnitGroup) -> usize,
    items: impl Fn(&UnitGroup) -> Vec<usize>,
) -> UnitPeriod {
    let rows: Vec<UnitRow> = table
        .ranked(&count)
        .into_iter()
        .map(|(rank, u)| UnitRow {
            rank,
            unit: unit_ref(site, u),
            count: count(u),
            items: site
                .pick(&items(u))
                .map(|e| LinkView {
                    label: e.item.headline.title.clone(),
                    url: site.urls.link(&e.path),
                })
                .collect(),
        })
        .collect();
    UnitPeriod {
        id,
        label,
        total: rows.iter().map(|r| r.count).sum(),
        rows,
    }
}

/// The contributions page.
pub(crate) fn page(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let site = r.site;
    let table = &site.units;
    let month_of = |i: usize| crate::site::stats::month_of(site.entries[i].item.date.date);
    let totals = UnitTotals {
        years: table.years.iter().map(|&y| year_label(r.lang, y)).collect(),
        rows: table
            .ranked(|u| u.entries.len())
            .into_iter()
            .map(|(rank, u)| UnitTotalRow {
                rank,
                unit: unit_ref(site, u),
                by_year: u.by_year.clone(),
                total: u.entries.len(),
            })
            .collect(),
    };
    let years = table
        .years
        .iter()
        .enumerate()
        .rev()
        .map(|(k, &y)| {
            period(
                site,
                table,
                format!("y{y:04}"),
                year_label(r.lang, y),
                |u| u.by_year[k],
                |u| u.entries.iter().copied().filter(|&i| month_of(i).0 == y).collect(),
            )
        })
        .collect();
    let months = table
        .months
        .iter()
        .enumerate()
        .rev()
        .map(|(k, &(y, m))| {
            period(
                site,
                table,
                format!("m{y:04}-{m:02}"),
                locale::month(r.lang, y, m),
                |u| u.by_month[k],
                |u| u.entries.iter().copied().filter(|&i| month_of(i) == (y, m)).collect(),
            )
        })
        .collect();
    let meta = r.meta(
        PageKind::Units,
        r.t("units_title"),
        r.t("units_intro"),
        urls::UNITS,
        None,
        vec![r.home_crumb(), r.crumb("stats", urls::STATS)],
    );
    let body = UnitsPage {
        totals,
        years,
        months,
        csv: LinkView {
            label: "units.csv".into(),
            url: site.urls.link(&format!("{}units.csv", urls::STATS)),
        },
    };
    r.page("units.html", urls::UNITS, meta, body, sink)
}
