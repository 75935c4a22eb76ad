//! Open data: the statistics as `stats/stats.json` and CSV tables (UTF-8 with BOM, so
//! spreadsheet programs open Chinese correctly; cells that a spreadsheet would run as a
//! formula are neutralised).

use crate::base::escape::{csv_cell, escape_json_markup};
use crate::content::figure;
use crate::content::place::places;
use crate::site::places::path_of;
use crate::site::stats::Total;
use crate::site::urls;
use crate::site::Site;
use serde::Serialize;

#[derive(Serialize)]
struct Json<'a> {
    title: &'a str,
    base_url: &'a str,
    metrics: Vec<MetricJson<'a>>,
    /// The contributions table, when the site has units.
    #[serde(skip_serializing_if = "Option::is_none")]
    units: Option<UnitsJson<'a>>,
}

/// The contributions table (信息采用情况): the periods, and each unit's items in each.
#[derive(Serialize)]
struct UnitsJson<'a> {
    /// Every month counted, `YYYY-MM`, oldest first.
    months: Vec<String>,
    /// Their years, oldest first.
    years: Vec<i32>,
    /// Every unit, ranked by items in all.
    units: Vec<UnitJson<'a>>,
}

#[derive(Serialize)]
struct UnitJson<'a> {
    name: &'a str,
    /// The region as written in full (山东 青岛市莱西市), when site.yaml gives one.
    region: Option<String>,
    /// Rank by items in all, from 1 (equal counts share a rank).
    rank: usize,
    total: usize,
    /// Items per year, in `years` order.
    by_year: Vec<usize>,
    /// Items per month, in `months` order (0 for a month it sent none).
    by_month: Vec<usize>,
    /// Its items' URLs, newest first.
    items: Vec<String>,
}

#[derive(Serialize)]
struct MetricJson<'a> {
    key: &'a str,
    label: &'a str,
    unit: &'a str,
    aggregate: &'a str,
    total: Option<ValueJson>,
    provinces: Vec<Row<'a>>,
    /// Per city and county (a county's figures count for its city too), in code order.
    places: Vec<PlaceJson<'a>>,
    months: Vec<MonthJson>,
    topics: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    slug: &'a str,
    name: &'a str,
    #[serde(flatten)]
    value: ValueJson,
}

/// A row about a city or county: its GB/T 2260 code and its path below `regions/`.
#[derive(Serialize)]
struct PlaceJson<'a> {
    code: u32,
    path: String,
    name: &'a str,
    province: &'a str,
    #[serde(flatten)]
    value: ValueJson,
}

#[derive(Serialize)]
struct MonthJson {
    month: String,
    in_month: ValueJson,
    running: ValueJson,
}

#[derive(Serialize)]
struct ValueJson {
    /// Exact decimal, as a string so no precision is lost.
    value: String,
    display: String,
    approximate: bool,
    /// The items the value comes from. Left out of running totals: those are the sources of
    /// the month and every month before it, and listing them again made the file quadratic
    /// in months (400 MB at 100,000 items).
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<Vec<String>>,
}

fn value(site: &Site, t: &Total, unit: &str) -> ValueJson {
    ValueJson {
        sources: Some(
            t.sources
                .iter()
                .filter_map(|&i| site.entries.get(i))
                .map(|e| site.urls.absolute(&e.path))
                .collect(),
        ),
        ..running(t, unit)
    }
}

/// A running total: its sources are those of its month and the months before.
fn running(t: &Total, unit: &str) -> ValueJson {
    ValueJson {
        value: t.value.normalize().to_string(),
        display: figure::format_total(t.value, unit, t.approximate),
        approximate: t.approximate,
        sources: None,
    }
}

/// The files to write: (path, bytes).
pub(crate) fn files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let metrics: Vec<MetricJson> = site
        .stats
        .metrics
        .iter()
        .map(|ms| {
            let unit = ms.metric.unit.as_str();
            MetricJson {
                key: &ms.metric.key,
                label: &ms.metric.label,
                unit,
                aggregate: ms.metric.aggregate.name(),
                total: ms.total.as_ref().map(|t| value(site, t, unit)),
                provinces: ms
                    .by_province
                    .iter()
                    .map(|(p, t)| Row {
                        slug: &p.slug,
                        name: &p.short,
                        value: value(site, t, unit),
                    })
                    .collect(),
                places: ms
                    .by_place
                    .iter()
                    .filter_map(|(code, t)| Some((places().by_code(*code)?, t)))
                    .map(|(p, t)| PlaceJson {
                        code: p.code,
                        path: path_of(p),
                        name: &p.name,
                        province: &p.province.slug,
                        value: value(site, t, unit),
                    })
                    .collect(),
                months: ms
                    .by_month
                    .iter()
                    .map(|m| MonthJson {
                        month: format!("{:04}-{:02}", m.month.0, m.month.1),
                        in_month: value(site, &m.in_month, unit),
                        running: running(&m.running, unit),
                    })
                    .collect(),
                topics: ms
                    .by_topic
                    .iter()
                    .map(|(tp, t)| Row {
                        slug: &tp.slug,
                        name: &tp.name,
                        value: value(site, t, unit),
                    })
                    .collect(),
            }
        })
        .collect();
    let units = (!site.units.is_empty()).then(|| UnitsJson {
        months: site
            .units
            .months
            .iter()
            .map(|m| format!("{:04}-{:02}", m.0, m.1))
            .collect(),
        years: site.units.years.clone(),
        units: site
            .units
            .ranked(|u| u.entries.len())
            .into_iter()
            .map(|(rank, u)| UnitJson {
                name: &u.name,
                region: u.region.as_ref().map(|r| r.display()),
                rank,
                total: u.entries.len(),
                by_year: u.by_year.clone(),
                by_month: u.by_month.clone(),
                items: site.pick(&u.entries).map(|e| site.urls.absolute(&e.path)).collect(),
            })
            .collect(),
    });
    let json = Json {
        title: &site.config.title,
        base_url: site.urls.base_url(),
        metrics,
        units,
    };
    let json_bytes = escape_json_markup(serde_json::to_vec_pretty(&json).unwrap_or_default());

    let mut provinces = Csv::new(&[
        "metric",
        "label",
        "unit",
        "aggregate",
        "province",
        "province_name",
        "value",
        "approximate",
    ]);
    let mut place_rows = Csv::new(&[
        "metric",
        "label",
        "unit",
        "aggregate",
        "province",
        "place_code",
        "place_path",
        "place_name",
        "value",
        "approximate",
    ]);
    let mut months = Csv::new(&["metric", "label", "unit", "month", "in_month", "running", "approximate"]);
    let mut topics = Csv::new(&["metric", "label", "unit", "topic", "topic_slug", "value", "approximate"]);
    for ms in &site.stats.metrics {
        let m = &ms.metric;
        for (p, t) in &ms.by_province {
            provinces.row(&[
                &m.key,
                &m.label,
                &m.unit,
                m.aggregate.name(),
                &p.slug,
                &p.short,
                &t.value.normalize().to_string(),
                bool_str(t.approximate),
            ]);
        }
        for (code, t) in &ms.by_place {
            let Some(p) = places().by_code(*code) else { continue };
            place_rows.row(&[
                &m.key,
                &m.label,
                &m.unit,
                m.aggregate.name(),
                &p.province.slug,
                &p.code.to_string(),
                &path_of(p),
                &p.name,
                &t.value.normalize().to_string(),
                bool_str(t.approximate),
            ]);
        }
        for mt in &ms.by_month {
            months.row(&[
                &m.key,
                &m.label,
                &m.unit,
                &format!("{:04}-{:02}", mt.month.0, mt.month.1),
                &mt.in_month.value.normalize().to_string(),
                &mt.running.value.normalize().to_string(),
                bool_str(mt.running.approximate),
            ]);
        }
        for (tp, t) in &ms.by_topic {
            topics.row(&[
                &m.key,
                &m.label,
                &m.unit,
                &tp.name,
                &tp.slug,
                &t.value.normalize().to_string(),
                bool_str(t.approximate),
            ]);
        }
    }
    let dir = urls::STATS;
    let mut files = vec![
        (format!("{dir}stats.json"), json_bytes),
        (format!("{dir}provinces.csv"), provinces.finish()),
        (format!("{dir}places.csv"), place_rows.finish()),
        (format!("{dir}months.csv"), months.finish()),
        (format!("{dir}topics.csv"), topics.finish()),
    ];
    if !site.units.is_empty() {
        files.push((format!("{dir}units.csv"), units_csv(site)));
    }
    files
}

/// `units.csv`: one row per unit and period (`all`, each year `YYYY`, each month `YYYY-MM`),
/// with its items in the period and its rank among the units in it.
fn units_csv(site: &Site) -> Vec<u8> {
    let t = &site.units;
    let mut csv = Csv::new(&["period", "rank", "unit", "region", "items"]);
    let mut period = |name: &str, count: &dyn Fn(&crate::site::units::UnitGroup) -> usize| {
        for (rank, u) in t.ranked(count) {
            let region = u.region.as_ref().map(|r| r.display()).unwrap_or_default();
            csv.row(&[name, &rank.to_string(), &u.name, &region, &count(u).to_string()]);
        }
    };
    period("all", &|u| u.entries.len());
    for (k, y) in t.years.iter().enumerate() {
        period(&format!("{y:04}"), &|u| u.by_year[k]);
    }
    for (k, m) in t.months.iter().enumerate() {
        period(&format!("{:04}-{:02}", m.0, m.1), &|u| u.by_month[k]);
    }
    csv.finish()
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// A CSV table per RFC 4180, starting with a UTF-8 BOM.
struct Csv(String);

impl Csv {
    fn new(header: &[&str]) -> Self {
        let mut c = Csv(String::from("\u{feff}"));
        c.row(header);
        c
    }

    fn row(&mut self, cells: &[&str]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.0.push_str(&csv_cell(cell));
        }
        self.0.push_str("\r\n");
    }

    fn finish(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}
