//! The contributions table (信息采用情况): how many of the published items each unit (报送单位)
//! sent, per month, per year and in all. Every unit site.yaml lists is counted, with 0 in a
//! month it sent nothing; without a list, the units items name are counted as written.

use crate::content::config::Config;
use crate::content::region::Region;
use crate::site::stats::{month_of, Month};
use crate::site::Entry;
use std::collections::BTreeMap;

/// One unit and what it sent.
#[derive(Clone, Debug)]
pub struct UnitGroup {
    /// Its name.
    pub name: String,
    /// Where it is, when site.yaml says.
    pub region: Option<Region>,
    /// Its published items (indexes into `Site::entries`), newest first.
    pub entries: Vec<usize>,
    /// Items per month of [`UnitTable::months`], in that order.
    pub by_month: Vec<usize>,
    /// Items per year of [`UnitTable::years`], in that order.
    pub by_year: Vec<usize>,
}

/// The units and the periods they are counted over.
#[derive(Clone, Debug, Default)]
pub struct UnitTable {
    /// Every unit, listed ones in site.yaml's order, then the others by name.
    pub units: Vec<UnitGroup>,
    /// Every month from the first to the last in which a unit's item was published, oldest
    /// first, months without any included.
    pub months: Vec<Month>,
    /// The years of those months, oldest first.
    pub years: Vec<i32>,
}

impl UnitTable {
    /// Whether there is anything to show: a `units:` list or an item naming a unit.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The units ranked by `count` (most first; equal counts in table order), each with its
    /// rank from 1: units with equal counts share a rank, and the next rank skips (1, 1, 3).
    pub fn ranked(&self, count: impl Fn(&UnitGroup) -> usize) -> Vec<(usize, &UnitGroup)> {
        let mut order: Vec<(usize, &UnitGroup)> = self.units.iter().map(|u| (count(u), u)).collect();
        // Stable: equal counts keep the table's order.
        order.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
        let mut out = Vec::with_capacity(order.len());
        let mut rank = 0;
        let mut last = None;
        for (i, (n, u)) in order.into_iter().enumerate() {
            if last != Some(n) {
                rank = i + 1;
                last = Some(n);
            }
            out.push((rank, u));
        }
        out
    }
}

/// The table of `entries` (newest first) by the units `config` lists and those items name.
pub(crate) fn table(config: &Config, entries: &[Entry]) -> UnitTable {
    let mut units: Vec<UnitGroup> = config
        .units
        .iter()
        .flatten()
        .map(|u| UnitGroup {
            name: u.name.clone(),
            region: u.region.clone(),
            entries: Vec::new(),
            by_month: Vec::new(),
            by_year: Vec::new(),
        })
        .collect();
    let mut at: BTreeMap<String, usize> = units.iter().enumerate().map(|(i, u)| (u.name.clone(), i)).collect();
    let mut unlisted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(name) = e.item.unit.as_deref() else { continue };
        match at.get(name) {
            Some(&u) => units[u].entries.push(i),
            None => unlisted.entry(name).or_default().push(i),
        }
    }
    for (name, idx) in unlisted {
        at.insert(name.to_string(), units.len());
        units.push(UnitGroup {
            name: name.to_string(),
            region: None,
            entries: idx,
            by_month: Vec::new(),
            by_year: Vec::new(),
        });
    }
    let dated = units
        .iter()
        .flat_map(|u| &u.entries)
        .map(|&i| month_of(entries[i].item.date.date));
    let (first, last) = dated.fold((None, None), |(lo, hi): (Option<Month>, Option<Month>), m| {
        (Some(lo.map_or(m, |l| l.min(m))), Some(hi.map_or(m, |h| h.max(m))))
    });
    let months = match (first, last) {
        (Some(first), Some(last)) => months_between(first, last),
        _ => Vec::new(),
    };
    let mut years: Vec<i32> = months.iter().map(|m| m.0).collect();
    years.dedup();
    for u in &mut units {
        u.by_month = vec![0; months.len()];
        u.by_year = vec![0; years.len()];
        for &i in &u.entries {
            let m = month_of(entries[i].item.date.date);
            if let Ok(k) = months.binary_search(&m) {
                u.by_month[k] += 1;
            }
            if let Ok(k) = years.binary_search(&m.0) {
                u.by_year[k] += 1;
            }
        }
    }
    UnitTable { units, months, years }
}

/// Every month from `first` to `last`, both included.
fn months_between(first: Month, last: Month) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = first;
    while m <= last {
        out.push(m);
        m = if m.1 == 12 { (m.0 + 1, 1) } else { (m.0, m.1 + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_across_years_without_gaps() {
        assert_eq!(
            months_between((2021, 11), (2022, 2)),
            [(2021, 11), (2021, 12), (2022, 1), (2022, 2)]
        );
        assert_eq!(months_between((2022, 6), (2022, 6)), [(2022, 6)]);
    }

    #[test]
    fn equal_counts_share_a_rank() {
        let unit = |name: &str, n: usize| UnitGroup {
            name: name.into(),
            region: None,
            entries: vec![0; n],
            by_month: Vec::new(),
            by_year: Vec::new(),
        };
        let t = UnitTable {
            units: vec![unit("甲", 1), unit("乙", 3), unit("丙", 1), unit("丁", 0)],
            months: Vec::new(),
            years: Vec::new(),
        };
        let ranked: Vec<(usize, &str)> = t
            .ranked(|u| u.entries.len())
            .into_iter()
            .map(|(r, u)| (r, u.name.as_str()))
            .collect();
        assert_eq!(ranked, [(1, "乙"), (2, "甲"), (2, "丙"), (4, "丁")]);
    }
}
