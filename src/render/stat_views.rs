//! The views of the statistics: values with their sources, running tables, ranked tables,
//! charts and maps, for the statistics page, the home page and the province and topic pages.

use crate::content::figure;
use crate::content::region::Province;
use crate::render::chart;
use crate::render::locale;
use crate::render::renderer::Renderer;
use crate::render::view::*;
use crate::site::stats::{Contribution, MetricStats, MonthTotal, Total};
use crate::site::urls;

/// Sources listed under a number; the rest are counted ("and N more") and all are in stats.json.
const MAX_SOURCES: usize = 10;

impl Renderer<'_> {
    /// A value listing at most [`MAX_SOURCES`] of its sources.
    pub(crate) fn value(&self, t: &Total, unit: &str) -> ValueView {
        self.value_with(t, unit, MAX_SOURCES)
    }

    /// A value listing at most `max` of its sources.
    pub(crate) fn value_with(&self, t: &Total, unit: &str, max: usize) -> ValueView {
        ValueView {
            display: figure::format_total(t.value, unit, t.approximate),
            exact: format!("{}{unit}", figure::format_exact(t.value)),
            approximate: t.approximate,
            sources: t
                .sources
                .iter()
                .rev() // newest items last in site order: show the newest first
                .take(max)
                .filter_map(|&i| self.site.entries.get(i))
                .map(|e| LinkView {
                    label: e.item.headline.title.clone(),
                    url: self.site.urls.link(&e.path),
                })
                .collect(),
            more_sources: t.sources.len().saturating_sub(max),
        }
    }

    /// A running table's rows, one per month.
    pub(crate) fn month_rows(&self, months: &[MonthTotal], unit: &str) -> Vec<MonthRow> {
        months
            .iter()
            .map(|m| {
                let has_archive = self.site.months.iter().any(|g| g.month == m.month);
                MonthRow {
                    month: LinkView {
                        label: locale::month(self.lang, m.month.0, m.month.1),
                        url: if has_archive {
                            self.site.urls.link(&urls::archive(m.month.0, m.month.1))
                        } else {
                            String::new()
                        },
                    },
                    in_month: self.value(&m.in_month, unit),
                    // A running total's sources are those of every month above it.
                    running: self.value_with(&m.running, unit, 0),
                }
            })
            .collect()
    }

    /// Every metric, in full (the statistics page) or with its total and running table alone.
    pub(crate) fn metric_views(&self, full: bool) -> Vec<MetricView> {
        self.site
            .stats
            .metrics
            .iter()
            .map(|ms| {
                let m = &ms.metric;
                let ranked = |rows: Vec<(LinkView, &Total)>| -> Vec<StatRow> {
                    let mut rows: Vec<(LinkView, &Total)> = rows;
                    rows.sort_by_key(|r| std::cmp::Reverse(r.1.value));
                    let mut out = Vec::with_capacity(rows.len());
                    let mut rank = 0;
                    let mut last = None;
                    for (k, (subject, t)) in rows.into_iter().enumerate() {
                        if last != Some(t.value) {
                            rank = k + 1;
                            last = Some(t.value);
                        }
                        out.push(StatRow {
                            subject,
                            value: self.value(t, &m.unit),
                            rank,
                        });
                    }
                    out
                };
                let by_province = if full {
                    ranked(
                        ms.by_province
                            .iter()
                            .map(|(p, t)| {
                                (
                                    LinkView {
                                        label: p.short.clone(),
                                        url: self.site.urls.link(&urls::region(&p.slug)),
                                    },
                                    t,
                                )
                            })
                            .collect(),
                    )
                } else {
                    Vec::new()
                };
                let by_topic = if full {
                    ranked(
                        ms.by_topic
                            .iter()
                            .map(|(tp, t)| {
                                (
                                    LinkView {
                                        label: tp.name.clone(),
                                        url: self.site.urls.link(&urls::topic(&tp.slug)),
                                    },
                                    t,
                                )
                            })
                            .collect(),
                    )
                } else {
                    Vec::new()
                };
                let charts = full.then(|| self.metric_charts(ms));
                let (chart_provinces, chart_months, map) = charts.unwrap_or_default();
                MetricView {
                    running: self.running_view(ms, |_| true),
                    chart_provinces,
                    chart_months,
                    map,
                    key: m.key.clone(),
                    label: m.label.clone(),
                    unit: m.unit.clone(),
                    aggregate: m.aggregate.name().to_string(),
                    aggregate_label: locale::aggregate(self.lang, m.aggregate).to_string(),
                    total: ms
                        .total
                        .as_ref()
                        .map(|t| self.value_with(t, &m.unit, if full { MAX_SOURCES } else { 0 })),
                    by_province,
                    by_month: if full {
                        self.month_rows(&ms.by_month, &m.unit)
                    } else {
                        Vec::new()
                    },
                    by_topic,
                }
            })
            .collect()
    }

    /// The running tables of a province or topic page: `total` picks its total of a metric,
    /// `keep` the contributions that count for it.
    pub(crate) fn subject_stats(
        &self,
        total: impl Fn(&crate::site::stats::MetricStats) -> Option<Total>,
        keep: impl Fn(&crate::site::stats::Contribution) -> bool + Copy,
    ) -> Vec<SubjectStat> {
        self.site
            .stats
            .metrics
            .iter()
            .filter_map(|ms| {
                let t = total(ms)?;
                let months = ms.months_where(keep);
                let unit = ms.metric.unit.as_str();
                let id = format!("chart-{}-months", ms.metric.key);
                let chart_months = (!months.is_empty()).then(|| {
                    let data: Vec<chart::Datum> = months
                        .iter()
                        .map(|m| chart::Datum {
                            label: locale::month(self.lang, m.month.0, m.month.1),
                            value: m.running.value,
                            display: figure::format_total(m.running.value, unit, m.running.approximate),
                        })
                        .collect();
                    chart::line(
                        &id,
                        &format!("{} {}", ms.metric.label, self.t("running_total")),
                        &self.t("chart_months_desc"),
                        &data,
                    )
                });
                Some(SubjectStat {
                    running: self.running_view(ms, keep),
                    chart_months,
                    key: ms.metric.key.clone(),
                    label: ms.metric.label.clone(),
                    aggregate_label: locale::aggregate(self.lang, ms.metric.aggregate).to_string(),
                    value: self.value(&t, &ms.metric.unit),
                    by_month: self.month_rows(&months, &ms.metric.unit),
                })
            })
            .collect()
    }

    /// The latest bulletin and the one before it.
    pub(crate) fn latest_bulletins(&self) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
        let b = &self.site.bulletins;
        (b.first().map(|b| b.date), b.get(1).map(|b| b.date))
    }

    /// A metric's running table over the contributions `keep` admits.
    pub(crate) fn running_view(&self, ms: &MetricStats, keep: impl Fn(&Contribution) -> bool) -> RunningView {
        let (latest, previous) = self.latest_bulletins();
        let r = ms.running(latest, previous, keep);
        let unit = ms.metric.unit.as_str();
        let v = |t: &Option<Total>| t.as_ref().map(|t| self.value(t, unit));
        let change = r.all_time.as_ref().and(r.change()).map(|c| {
            if c.is_zero() {
                self.t("unchanged")
            } else if c.is_sign_positive() {
                format!("+{}", figure::format_total(c, unit, false))
            } else {
                format!("−{}", figure::format_total(-c, unit, false))
            }
        });
        RunningView {
            bulletin: latest.map(|d| LinkView {
                label: locale::date(self.lang, d),
                url: self.site.urls.link(&urls::bulletin(d)),
            }),
            this_bulletin: v(&r.this_bulletin),
            month_to_date: v(&r.month_to_date),
            year_to_date: v(&r.year_to_date),
            all_time: v(&r.all_time),
            change,
        }
    }

    /// Bar chart across provinces, running line over months, and the tile map, for one metric.
    pub(crate) fn metric_charts(&self, ms: &MetricStats) -> (Option<String>, Option<String>, Option<String>) {
        let m = &ms.metric;
        let mut provinces: Vec<&(&Province, Total)> = ms.by_province.iter().collect();
        provinces.sort_by_key(|(p, t)| (std::cmp::Reverse(t.value), p.order));
        let datum = |label: String, t: &Total| chart::Datum {
            label,
            value: t.value,
            display: figure::format_total(t.value, &m.unit, t.approximate),
        };
        let bars = (!provinces.is_empty()).then(|| {
            let data: Vec<chart::Datum> = provinces.iter().map(|(p, t)| datum(p.short.clone(), t)).collect();
            chart::bars(
                &format!("chart-{}-provinces", m.key),
                &format!("{} {}", m.label, self.t("by_province")),
                &self.t("chart_provinces_desc"),
                &data,
            )
        });
        let months = (!ms.by_month.is_empty()).then(|| {
            let data: Vec<chart::Datum> = ms
                .by_month
                .iter()
                .map(|mt| datum(locale::month(self.lang, mt.month.0, mt.month.1), &mt.running))
                .collect();
            chart::line(
                &format!("chart-{}-months", m.key),
                &format!("{} {}", m.label, self.t("running_total")),
                &self.t("chart_months_desc"),
                &data,
            )
        });
        let map = (!provinces.is_empty()).then(|| self.map_svg(ms));
        (bars, months, map)
    }

    /// The tile map for one metric.
    pub(crate) fn map_svg(&self, ms: &MetricStats) -> String {
        let m = &ms.metric;
        let tiles: Vec<chart::Tile> = crate::content::region::registry()
            .provinces()
            .iter()
            .filter(|p| p.slug != crate::content::region::NATIONAL_SLUG)
            .map(|p| chart::Tile {
                slug: p.slug.clone(),
                short: p.short.clone(),
                url: self
                    .site
                    .provinces
                    .iter()
                    .any(|g| g.province.slug == p.slug)
                    .then(|| self.site.urls.link(&urls::region(&p.slug))),
                value: ms.for_province(&p.slug).map(|t| chart::Datum {
                    label: p.short.clone(),
                    value: t.value,
                    display: figure::format_total(t.value, &m.unit, t.approximate),
                }),
            })
            .collect();
        chart::tile_map(
            &format!("map-{}", m.key),
            &format!("{} {}", m.label, self.t("map")),
            &self.t("map_desc"),
            &tiles,
            chart::Legend {
                less: self.theme.t("legend_less"),
                more: self.theme.t("legend_more"),
            },
        )
    }

    /// The map for the home page: the metric reported most in the latest bulletin.
    pub(crate) fn home_map(&self) -> Option<MapView> {
        let (latest, _) = self.latest_bulletins();
        let latest = latest?;
        let ms = self
            .site
            .stats
            .metrics
            .iter()
            .map(|ms| {
                (
                    ms.contributions
                        .iter()
                        .filter(|c| c.bulletin == latest && c.province.slug != crate::content::region::NATIONAL_SLUG)
                        .count(),
                    ms,
                )
            })
            .filter(|(n, _)| *n > 0)
            .max_by_key(|(n, ms)| (*n, std::cmp::Reverse(ms.metric.key.clone())))?
            .1;
        Some(MapView {
            metric: LinkView {
                label: ms.metric.label.clone(),
                url: format!("{}#{}", self.site.urls.link(urls::STATS), ms.metric.key),
            },
            svg: self.map_svg(ms),
        })
    }

    /// The province × metric table with ranks.
    pub(crate) fn matrix(&self) -> MatrixView {
        let stats = &self.site.stats.metrics;
        let ranks: Vec<Vec<(&str, usize)>> = stats
            .iter()
            .map(|ms| {
                let mut vals: Vec<(&str, rust_decimal::Decimal)> =
                    ms.by_province.iter().map(|(p, t)| (p.slug.as_str(), t.value)).collect();
                vals.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
                let mut out = Vec::with_capacity(vals.len());
                let mut rank = 0;
                let mut last = None;
                for (k, (slug, v)) in vals.into_iter().enumerate() {
                    if last != Some(v) {
                        rank = k + 1;
                        last = Some(v);
                    }
                    out.push((slug, rank));
                }
                out
            })
            .collect();
        let rows = self
            .site
            .provinces
            .iter()
            .filter(|g| stats.iter().any(|ms| ms.for_province(&g.province.slug).is_some()))
            .map(|g| MatrixRow {
                province: LinkView {
                    label: g.province.short.clone(),
                    url: self.site.urls.link(&urls::region(&g.province.slug)),
                },
                cells: stats
                    .iter()
                    .zip(&ranks)
                    .map(|(ms, rank)| {
                        ms.for_province(&g.province.slug).map(|t| MatrixCell {
                            value: self.value(t, &ms.metric.unit),
                            rank: rank.iter().find(|(s, _)| *s == g.province.slug).map_or(0, |(_, r)| *r),
                        })
                    })
                    .collect(),
            })
            .collect();
        MatrixView {
            metrics: stats
                .iter()
                .map(|ms| LinkView {
                    label: ms.metric.label.clone(),
                    url: format!("#{}", ms.metric.key),
                })
                .collect(),
            rows,
        }
    }
}
