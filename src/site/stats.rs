//! Statistics: the figures of all items added up per metric, per province, per topic and
//! over time, each under its metric's rule (sum, latest by `as_of`, max).
//!
//! Values are `Decimal`, never floating point, so totals equal hand-computed ones. Every
//! total remembers the items it comes from, so readers can audit it. `Decimal` has a largest
//! value: [`compute`] refuses, as an [`Overflow`], every figure that could carry some total past
//! it, so that no sum made from what it keeps can overflow.

use crate::content::config::{Aggregate, Config, Metric};
use crate::content::item::{Item, Topic};
use crate::content::place::Place;
use crate::content::region::Province;
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One figure's share in the statistics.
#[derive(Clone, Debug)]
pub struct Contribution {
    /// The province it counts for.
    pub province: &'static Province,
    /// The prefecture or county it counts for, when its region names one.
    pub place: Option<&'static Place>,
    /// The date it refers to.
    pub as_of: NaiveDate,
    /// Its value in the metric's unit.
    pub value: Decimal,
    /// Written with 约/余/多/近.
    pub approximate: bool,
    /// The item it comes from (an index into the site's items).
    pub item: usize,
    /// The item's date, to break ties between equal `as_of`.
    pub item_date: NaiveDate,
    /// The bulletin (期) the item appeared in.
    pub bulletin: NaiveDate,
    /// The figure's position among the item's figures.
    pub figure: usize,
}

/// A combined value and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Total {
    /// The value in the metric's unit.
    pub value: Decimal,
    /// Some figure behind it was approximate.
    pub approximate: bool,
    /// The items behind it, in site order, without repeats.
    pub sources: Vec<usize>,
}

/// A month, oldest first when sorted.
pub(crate) type Month = (i32, u32);

/// One month's line of a running table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthTotal {
    /// The month.
    pub month: Month,
    /// Figures dated in that month alone.
    pub in_month: Total,
    /// Everything up to the end of that month.
    pub running: Total,
}

/// A metric's running table for one subject (the site, a province, a topic), relative to
/// the latest bulletin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Running {
    /// Figures reported in the latest bulletin.
    pub this_bulletin: Option<Total>,
    /// Figures dated in the latest bulletin's month, up to its date.
    pub month_to_date: Option<Total>,
    /// Figures dated in the latest bulletin's year, up to its date.
    pub year_to_date: Option<Total>,
    /// Everything.
    pub all_time: Option<Total>,
    /// The all-time value as it stood after the previous bulletin.
    pub before: Option<Total>,
    /// Whether there is a previous bulletin to compare with.
    pub compared: bool,
}

impl Running {
    /// How much the all-time value moved with the latest bulletin; `None` when there is no
    /// earlier bulletin to compare with (a first bulletin has no 较上期).
    pub fn change(&self) -> Option<Decimal> {
        if !self.compared {
            return None;
        }
        match (&self.all_time, &self.before) {
            (Some(now), Some(before)) => now.value.checked_sub(before.value),
            (Some(now), None) => Some(now.value),
            _ => None,
        }
    }
}

/// Whether a contribution counted for `place` counts for the place with code `code`: it is
/// that place or lies in it (a county's figure counts for its city; the province is
/// [`Contribution::province`]).
pub(crate) fn counts_for(place: Option<&Place>, code: u32) -> bool {
    place.is_some_and(|p| p.code == code || p.parent == code)
}

/// Figures that contradict each other: the same metric, province and `as_of` with different
/// values, under the `latest` rule (where only one can be true).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The metric key.
    pub metric: String,
    /// The province.
    pub province: &'static Province,
    /// The date both refer to.
    pub as_of: NaiveDate,
    /// (item, figure) pairs with their values, in site order.
    pub figures: Vec<(usize, usize, Decimal)>,
}

/// Everything known about one metric.
#[derive(Clone, Debug)]
pub struct MetricStats {
    /// The metric.
    pub metric: Metric,
    /// Its contributions, sorted by `as_of`.
    pub contributions: Vec<Contribution>,
    /// The overall value.
    pub total: Option<Total>,
    /// Per province, in registry order.
    pub by_province: Vec<(&'static Province, Total)>,
    /// Per prefecture and county (by GB/T code, ascending): a county's figures count for its
    /// city as well.
    pub by_place: Vec<(u32, Total)>,
    /// Per month, oldest first.
    pub by_month: Vec<MonthTotal>,
    /// Per topic, in topic order.
    pub by_topic: Vec<(Topic, Total)>,
}

/// A figure refused because a total it belongs to would pass the largest number statistics can
/// hold (about 7.9 × 10²⁸).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Overflow {
    /// The metric key.
    pub metric: String,
    /// The item it comes from (an index into the items given to [`compute`]).
    pub item: usize,
    /// The figure's position among the item's figures.
    pub figure: usize,
}

/// The statistics of a site.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// One entry per metric, in site.yaml order.
    pub metrics: Vec<MetricStats>,
}

impl MetricStats {
    /// This metric's total for one province, if it has figures there.
    pub fn for_province(&self, slug: &str) -> Option<&Total> {
        self.by_province.iter().find(|(p, _)| p.slug == slug).map(|(_, t)| t)
    }

    /// This metric's total for one place (its own figures and those of the places in it).
    pub fn for_place(&self, code: u32) -> Option<&Total> {
        self.by_place
            .binary_search_by_key(&code, |(c, _)| *c)
            .ok()
            .and_then(|i| self.by_place.get(i))
            .map(|(_, t)| t)
    }

    /// This metric's total for one topic.
    pub fn for_topic(&self, slug: &str) -> Option<&Total> {
        self.by_topic.iter().find(|(t, _)| t.slug == slug).map(|(_, t)| t)
    }

    /// The running table of the contributions that pass `keep`, relative to the bulletin
    /// `latest` (and `previous`, the one before it).
    pub fn running(
        &self,
        latest: Option<NaiveDate>,
        previous: Option<NaiveDate>,
        keep: impl Fn(&Contribution) -> bool,
    ) -> Running {
        let rule = self.metric.aggregate;
        let picked: Vec<&Contribution> = self.contributions.iter().filter(|c| keep(c)).collect();
        let select = |f: &dyn Fn(&Contribution) -> bool| {
            let cs: Vec<&Contribution> = picked.iter().copied().filter(|c| f(c)).collect();
            combine(rule, &cs)
        };
        let Some(latest) = latest else {
            return Running {
                all_time: combine(rule, &picked),
                ..Running::default()
            };
        };
        Running {
            this_bulletin: select(&|c| c.bulletin == latest),
            month_to_date: select(&|c| month_of(c.as_of) == month_of(latest) && c.as_of <= latest),
            year_to_date: select(&|c| c.as_of.year() == latest.year() && c.as_of <= latest),
            all_time: combine(rule, &picked),
            before: previous.and_then(|p| select(&|c| c.bulletin <= p)),
            compared: previous.is_some(),
        }
    }

    /// Contradicting `latest` figures (same province and `as_of`, different values).
    pub fn conflicts(&self) -> Vec<Conflict> {
        if self.metric.aggregate != Aggregate::Latest {
            return Vec::new();
        }
        let mut groups: BTreeMap<(&str, NaiveDate), Vec<&Contribution>> = BTreeMap::new();
        for c in &self.contributions {
            groups.entry((c.province.slug.as_str(), c.as_of)).or_default().push(c);
        }
        groups
            .into_values()
            .filter(|cs| cs.iter().any(|c| c.value != cs[0].value))
            .map(|cs| Conflict {
                metric: self.metric.key.clone(),
                province: cs[0].province,
                as_of: cs[0].as_of,
                figures: cs.iter().map(|c| (c.item, c.figure, c.value)).collect(),
            })
            .collect()
    }

    /// The running table of the contributions that pass `keep`.
    pub fn months_where(&self, keep: impl Fn(&Contribution) -> bool) -> Vec<MonthTotal> {
        let picked: Vec<&Contribution> = self.contributions.iter().filter(|c| keep(c)).collect();
        running_by_month(self.metric.aggregate, &picked)
    }
}

/// Adds up the figures of `items` (in site order) under the metrics of `config`; every figure
/// that would make a total overflow is refused, and the statistics are not made.
pub(crate) fn compute(config: &Config, items: &[&Item], topics: &[Topic]) -> Result<Stats, Vec<Overflow>> {
    let mut per_metric: BTreeMap<&str, Vec<Contribution>> = BTreeMap::new();
    for (idx, item) in items.iter().enumerate() {
        for (fig, f) in item.figures.iter().enumerate() {
            let (Some(key), Some(value)) = (&f.metric, f.normalized) else {
                continue;
            };
            let region = f.region.as_ref().unwrap_or(&item.region);
            per_metric.entry(key.as_str()).or_default().push(Contribution {
                province: region.province,
                place: region.place,
                as_of: f.as_of,
                value,
                approximate: f.amount.qualifier.is_approximate(),
                item: idx,
                item_date: item.date.date,
                bulletin: item.bulletin,
                figure: fig,
            });
        }
    }
    let work: Vec<(&Metric, Vec<Contribution>)> = config
        .metrics
        .iter()
        .map(|m| (m, per_metric.remove(m.key.as_str()).unwrap_or_default()))
        .collect();
    // Where each topic's contributions go: one pass over them, not one per topic.
    let topic_at: std::collections::HashMap<&str, usize> =
        topics.iter().enumerate().map(|(i, t)| (t.slug.as_str(), i)).collect();
    // The metrics are independent: each on its own thread.
    let metrics: Vec<(MetricStats, Vec<Overflow>)> = work
        .into_par_iter()
        .map(|(m, mut contributions)| {
            contributions.sort_by_key(|c| (c.as_of, c.item_date, c.item));
            let refused = refuse_overflows(m, &mut contributions);
            let all: Vec<&Contribution> = contributions.iter().collect();
            let total = combine(m.aggregate, &all);

            let mut by_prov: BTreeMap<(usize, &str), (&'static Province, Vec<&Contribution>)> = BTreeMap::new();
            for c in &contributions {
                by_prov
                    .entry((c.province.order, c.province.slug.as_str()))
                    .or_insert_with(|| (c.province, Vec::new()))
                    .1
                    .push(c);
            }
            let by_province = by_prov
                .into_values()
                .filter_map(|(p, cs)| combine(m.aggregate, &cs).map(|t| (p, t)))
                .collect();

            // A place's figures count for it and for the place above it.
            let mut per_place: BTreeMap<u32, Vec<&Contribution>> = BTreeMap::new();
            for c in &contributions {
                if let Some(p) = c.place {
                    per_place.entry(p.code).or_default().push(c);
                    if crate::content::place::places().parent_of(p).is_some() {
                        per_place.entry(p.parent).or_default().push(c);
                    }
                }
            }
            let by_place = per_place
                .into_iter()
                .filter_map(|(code, cs)| combine(m.aggregate, &cs).map(|t| (code, t)))
                .collect();

            let mut per_topic: Vec<Vec<&Contribution>> = vec![Vec::new(); topics.len()];
            for c in &contributions {
                for it in &items[c.item].topics {
                    if let Some(&i) = topic_at.get(it.slug.as_str()) {
                        // An item naming a topic twice counts once.
                        if per_topic[i].last().is_none_or(|last| !std::ptr::eq(*last, c)) {
                            per_topic[i].push(c);
                        }
                    }
                }
            }
            let by_topic = topics
                .iter()
                .zip(per_topic)
                .filter_map(|(t, cs)| combine(m.aggregate, &cs).map(|total| (t.clone(), total)))
                .collect();

            let by_month = running_by_month(m.aggregate, &all);
            let stats = MetricStats {
                metric: m.clone(),
                contributions,
                total,
                by_province,
                by_place,
                by_month,
                by_topic,
            };
            (stats, refused)
        })
        .collect();
    let (metrics, refused): (Vec<MetricStats>, Vec<Vec<Overflow>>) = metrics.into_iter().unzip();
    let refused: Vec<Overflow> = refused.into_iter().flatten().collect();
    if refused.is_empty() {
        Ok(Stats { metrics })
    } else {
        Err(refused)
    }
}

/// Drops from `cs` (sorted by `as_of`) every contribution that could carry a total of metric
/// `m` past `Decimal::MAX`, and returns them. Figures are never negative, so a bound on the
/// largest total any selection can reach guards every total: for `sum`, the sum of all figures;
/// for `latest`, the sum over provinces of each one's largest figure (a national figure is
/// never added to another); `max` adds nothing. The figure refused is the one whose addition
/// to that bound overflows, in `as_of` order.
fn refuse_overflows(m: &Metric, cs: &mut Vec<Contribution>) -> Vec<Overflow> {
    let mut refused = Vec::new();
    let mut bound = Decimal::ZERO;
    let mut largest: BTreeMap<&str, Decimal> = BTreeMap::new();
    cs.retain(|c| {
        let province: &'static Province = c.province;
        let raise = match m.aggregate {
            Aggregate::Max => return true,
            Aggregate::Sum => c.value,
            Aggregate::Latest if province.slug == crate::content::region::NATIONAL_SLUG => return true,
            Aggregate::Latest => {
                let before = largest.get(province.slug.as_str()).copied().unwrap_or_default();
                if c.value <= before {
                    return true;
                }
                c.value - before
            }
        };
        match bound.checked_add(raise) {
            Some(b) => {
                bound = b;
                if m.aggregate == Aggregate::Latest {
                    largest.insert(province.slug.as_str(), c.value);
                }
                true
            }
            None => {
                refused.push(Overflow {
                    metric: m.key.clone(),
                    item: c.item,
                    figure: c.figure,
                });
                false
            }
        }
    });
    refused
}

/// Combines contributions under a rule; `None` when there are none.
///
/// `latest` keeps, per province, the figure with the newest `as_of` (ties: the newer item);
/// the combined value is the newest national figure if there is one, else the sum of the
/// provinces' latest, so that a "to date" number reported twice is not counted twice.
pub(crate) fn combine(rule: Aggregate, cs: &[&Contribution]) -> Option<Total> {
    if cs.is_empty() {
        return None;
    }
    let picked: Vec<&Contribution> = match rule {
        Aggregate::Sum => cs.to_vec(),
        Aggregate::Max => cs
            .iter()
            .copied()
            .max_by(|a, b| (a.value, a.as_of, a.item_date).cmp(&(b.value, b.as_of, b.item_date)))
            .into_iter()
            .collect(),
        Aggregate::Latest => {
            let mut newest: BTreeMap<&str, &Contribution> = BTreeMap::new();
            for c in cs {
                let slot = newest.entry(c.province.slug.as_str()).or_insert(c);
                if (c.as_of, c.item_date) >= (slot.as_of, slot.item_date) {
                    *slot = c;
                }
            }
            match newest.get(crate::content::region::NATIONAL_SLUG) {
                Some(national) => vec![*national],
                None => newest.into_values().collect(),
            }
        }
    };
    // `compute` refused every figure that could carry a total past the largest Decimal, so the
    // sum never saturates; checked all the same, so that a total can never panic.
    let value = picked
        .iter()
        .try_fold(Decimal::ZERO, |sum, c| sum.checked_add(c.value))
        .unwrap_or(Decimal::MAX);
    let approximate = picked.iter().any(|c| c.approximate);
    let mut sources: Vec<usize> = picked.iter().map(|c| c.item).collect();
    sources.sort_unstable();
    sources.dedup();
    Some(Total {
        value,
        approximate,
        sources,
    })
}

/// The month of a date.
pub(crate) fn month_of(d: NaiveDate) -> Month {
    (d.year(), d.month())
}

/// Per month: that month's figures combined, and everything up to its end combined.
/// `cs` must be sorted by `as_of`; linear for `sum` and `max`, linear in provinces for `latest`.
fn running_by_month(rule: Aggregate, cs: &[&Contribution]) -> Vec<MonthTotal> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < cs.len() {
        let month = month_of(cs[start].as_of);
        let end = start + cs[start..].iter().take_while(|c| month_of(c.as_of) == month).count();
        let (Some(in_month), Some(running)) = (combine(rule, &cs[start..end]), running(rule, cs, end, out.last()))
        else {
            break;
        };
        out.push(MonthTotal {
            month,
            in_month,
            running,
        });
        start = end;
    }
    out
}

/// The running value over `cs[..end]`, reusing the previous month's for sums.
fn running(rule: Aggregate, cs: &[&Contribution], end: usize, previous: Option<&MonthTotal>) -> Option<Total> {
    match (rule, previous) {
        (Aggregate::Latest, _) | (_, None) => combine(rule, &cs[..end]),
        (_, Some(prev)) => {
            // Sums and maxima only grow: fold this month into last month's running value.
            let start = cs
                .iter()
                .take(end)
                .rposition(|c| month_of(c.as_of) < month_of(cs[end - 1].as_of))
                .map_or(0, |i| i + 1);
            let this = combine(rule, &cs[start..end])?;
            let mut sources = prev.running.sources.clone();
            let total = match rule {
                Aggregate::Sum => {
                    sources.extend(&this.sources);
                    Total {
                        // Never saturates: see `combine`.
                        value: prev.running.value.checked_add(this.value).unwrap_or(Decimal::MAX),
                        approximate: prev.running.approximate || this.approximate,
                        sources,
                    }
                }
                _ if this.value > prev.running.value => this,
                _ => prev.running.clone(),
            };
            Some(Total {
                sources: {
                    let mut s = total.sources;
                    s.sort_unstable();
                    s.dedup();
                    s
                },
                ..total
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::region::registry;
    use rust_decimal_macros_free::dec;

    mod rust_decimal_macros_free {
        macro_rules! dec {
            ($s:literal) => {
                <rust_decimal::Decimal as std::str::FromStr>::from_str(stringify!($s)).unwrap()
            };
        }
        pub(crate) use dec;
    }

    fn c(p: &str, date: &str, value: Decimal, item: usize) -> Contribution {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        Contribution {
            province: registry().parse(p).unwrap().province,
            place: registry().parse(p).unwrap().place,
            as_of: d,
            value,
            approximate: false,
            item,
            item_date: d,
            bulletin: d,
            figure: 0,
        }
    }

    #[test]
    fn sum_adds_everything() {
        let cs = [
            c("重庆", "2022-06-01", dec!(15000), 0),
            c("重庆", "2022-06-20", dec!(40000), 1),
        ];
        let refs: Vec<_> = cs.iter().collect();
        let t = combine(Aggregate::Sum, &refs).unwrap();
        assert_eq!(t.value, dec!(55000));
        assert_eq!(t.sources, vec![0, 1]);
    }

    #[test]
    fn latest_takes_the_newest_per_province_and_prefers_the_national_figure() {
        let cs = [
            c("山东", "2022-05-01", dec!(10), 0),
            c("山东", "2022-06-01", dec!(12), 1),
            c("广东", "2022-06-01", dec!(7), 2),
        ];
        let refs: Vec<_> = cs.iter().collect();
        assert_eq!(combine(Aggregate::Latest, &refs).unwrap().value, dec!(19));
        let mut with_national = cs.to_vec();
        with_national.push(c("全国", "2022-06-15", dec!(6283), 3));
        let refs: Vec<_> = with_national.iter().collect();
        assert_eq!(combine(Aggregate::Latest, &refs).unwrap().value, dec!(6283));
    }

    #[test]
    fn running_periods_are_relative_to_the_latest_bulletin() {
        let m = MetricStats {
            metric: Metric {
                key: "m".into(),
                label: "m".into(),
                unit: "人".into(),
                aggregate: Aggregate::Sum,
            },
            contributions: vec![
                c("山东", "2021-12-20", dec!(1), 0),
                c("山东", "2022-05-03", dec!(2), 1),
                c("山东", "2022-06-01", dec!(4), 2),
                c("山东", "2022-06-20", dec!(8), 3),
            ],
            total: None,
            by_province: vec![],
            by_place: vec![],
            by_month: vec![],
            by_topic: vec![],
        };
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let r = m.running(Some(d("2022-06-20")), Some(d("2022-06-01")), |_| true);
        assert_eq!(r.this_bulletin.unwrap().value, dec!(8));
        assert_eq!(r.month_to_date.unwrap().value, dec!(12));
        assert_eq!(r.year_to_date.unwrap().value, dec!(14));
        assert_eq!(r.all_time.as_ref().unwrap().value, dec!(15));
        assert_eq!(r.before.as_ref().unwrap().value, dec!(7));
        assert_eq!(
            Running::change(&m.running(Some(d("2022-06-20")), Some(d("2022-06-01")), |_| true)),
            Some(dec!(8))
        );
        // The first bulletin has nothing to compare with: no change, not +15.
        assert_eq!(m.running(Some(d("2022-06-20")), None, |_| true).change(), None);
    }

    #[test]
    fn conflicting_latest_figures_are_found() {
        let mut m = MetricStats {
            metric: Metric {
                key: "m".into(),
                label: "m".into(),
                unit: "人".into(),
                aggregate: Aggregate::Latest,
            },
            contributions: vec![c("山东", "2022-06-01", dec!(5), 0), c("山东", "2022-06-01", dec!(6), 1)],
            total: None,
            by_province: vec![],
            by_place: vec![],
            by_month: vec![],
            by_topic: vec![],
        };
        assert_eq!(m.conflicts().len(), 1);
        m.contributions[1].value = dec!(5);
        assert!(m.conflicts().is_empty());
    }

    fn metric(aggregate: Aggregate) -> Metric {
        Metric {
            key: "m".into(),
            label: "m".into(),
            unit: "人".into(),
            aggregate,
        }
    }

    #[test]
    fn figures_that_would_overflow_a_total_are_refused() {
        let half = dec!(50000000000000000000000000000);
        let mut cs = vec![
            c("山东", "2022-05-01", half, 0),
            c("山东", "2022-05-02", half, 1),
            c("广东", "2022-05-03", dec!(1), 2),
        ];
        let refused = refuse_overflows(&metric(Aggregate::Sum), &mut cs);
        assert_eq!(refused.iter().map(|o| o.item).collect::<Vec<_>>(), [1]);
        assert_eq!(cs.len(), 2);
        let refs: Vec<_> = cs.iter().collect();
        assert_eq!(combine(Aggregate::Sum, &refs).unwrap().value, half + dec!(1));

        // `latest`: a newer figure for the same province replaces the older; provinces add up.
        let mut cs = vec![
            c("山东", "2022-05-01", half, 0),
            c("山东", "2022-05-02", half, 1),
            c("全国", "2022-05-02", half, 2),
            c("广东", "2022-05-03", half, 3),
        ];
        let refused = refuse_overflows(&metric(Aggregate::Latest), &mut cs);
        assert_eq!(refused.iter().map(|o| o.item).collect::<Vec<_>>(), [3]);

        // `max` adds nothing.
        let mut cs = vec![
            c("山东", "2022-05-01", Decimal::MAX, 0),
            c("广东", "2022-05-02", Decimal::MAX, 1),
        ];
        assert!(refuse_overflows(&metric(Aggregate::Max), &mut cs).is_empty());
    }

    #[test]
    fn a_county_counts_for_its_city() {
        let laixi = crate::content::place::places().by_code(370285).unwrap();
        let qingdao = crate::content::place::places().by_code(370200).unwrap();
        assert!(counts_for(Some(laixi), 370285));
        assert!(counts_for(Some(laixi), 370200));
        assert!(counts_for(Some(qingdao), 370200));
        assert!(!counts_for(Some(qingdao), 370285));
        assert!(!counts_for(None, 370200));
    }

    #[test]
    fn max_takes_the_largest() {
        let cs = [
            c("山东", "2022-05-01", dec!(20), 0),
            c("山东", "2022-06-01", dec!(15), 1),
        ];
        let refs: Vec<_> = cs.iter().collect();
        assert_eq!(combine(Aggregate::Max, &refs).unwrap().value, dec!(20));
    }

    #[test]
    fn running_totals_by_month() {
        let cs = [
            c("山东", "2022-05-03", dec!(1), 0),
            c("山东", "2022-05-09", dec!(2), 1),
            c("山东", "2022-07-01", dec!(4), 2),
        ];
        let refs: Vec<_> = cs.iter().collect();
        let months = running_by_month(Aggregate::Sum, &refs);
        assert_eq!(months.len(), 2);
        assert_eq!(months[0].month, (2022, 5));
        assert_eq!(months[0].in_month.value, dec!(3));
        assert_eq!(months[1].in_month.value, dec!(4));
        assert_eq!(months[1].running.value, dec!(7));
        assert_eq!(months[1].running.sources, vec![0, 1, 2]);
        let latest = running_by_month(Aggregate::Latest, &refs);
        assert_eq!(latest[1].running.value, dec!(4));
        let max = running_by_month(Aggregate::Max, &refs);
        assert_eq!(max[0].running.value, dec!(2));
        assert_eq!(max[1].running.value, dec!(4));
    }
}
