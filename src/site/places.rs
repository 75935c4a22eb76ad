//! The places below the province that have pages: every prefecture and county that an item's
//! region or a figure's `region:` resolves to, with the places above it (a county's item is
//! also its city's). Grouped once, when the site is assembled; the statistics per place are
//! in [`crate::site::stats`] (`MetricStats::by_place`).

use crate::base::FastMap;
use crate::content::place::{places, Place};
use crate::site::assemble::{Entry, ProvinceGroup};
use std::collections::BTreeMap;

/// A prefecture or county with the items filed under it (or under a place in it) and those
/// filed elsewhere that report its figures.
#[derive(Clone, Debug)]
pub struct PlaceGroup {
    /// The place.
    pub place: &'static Place,
    /// Items whose region is this place or a place in it, newest first.
    pub entries: Vec<usize>,
    /// Items filed elsewhere with a figure counted for this place or a place in it, newest
    /// first.
    pub reported: Vec<usize>,
    /// The places in it that have pages (indexes into [`crate::site::Site::places`]), in code
    /// order.
    pub children: Vec<usize>,
    /// The place above it, when it has one (an index into [`crate::site::Site::places`]).
    pub parent: Option<usize>,
}

/// The place and the place above it, if any: where an item or figure of `place` counts.
fn with_parent(place: &'static Place) -> impl Iterator<Item = &'static Place> {
    std::iter::once(place).chain(places().parent_of(place))
}

/// The places with items or figures, in code order, and for each province group the places
/// directly below it that have pages (`ProvinceGroup::places`) and how many it has in all.
pub(crate) fn group_places(entries: &[Entry], provinces: &mut [ProvinceGroup]) -> Vec<PlaceGroup> {
    let mut own: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    let mut reported: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    let mut known: FastMap<u32, &'static Place> = FastMap::default();
    for (i, e) in entries.iter().enumerate() {
        let home: Vec<&'static Place> = e.item.region.place.map(with_parent).into_iter().flatten().collect();
        for &p in &home {
            known.insert(p.code, p);
            own.entry(p.code).or_default().push(i);
        }
        for f in &e.item.figures {
            let Some(place) = f.region.as_ref().and_then(|r| r.place) else {
                continue;
            };
            for p in with_parent(place) {
                if home.iter().any(|h| h.code == p.code) {
                    continue;
                }
                known.insert(p.code, p);
                let list = reported.entry(p.code).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    let mut codes: Vec<u32> = known.keys().copied().collect();
    codes.sort_unstable();
    let at: FastMap<u32, usize> = codes.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let mut groups: Vec<PlaceGroup> = codes
        .iter()
        .filter_map(|code| known.get(code).copied())
        .map(|place| PlaceGroup {
            place,
            entries: own.remove(&place.code).unwrap_or_default(),
            reported: reported.remove(&place.code).unwrap_or_default(),
            children: Vec::new(),
            parent: at.get(&place.parent).copied(),
        })
        .collect();
    for i in 0..groups.len() {
        if let Some(parent) = groups[i].parent {
            groups[parent].children.push(i);
        }
    }
    let province_at: FastMap<&str, usize> = provinces
        .iter()
        .enumerate()
        .map(|(i, g)| (g.province.slug.as_str(), i))
        .collect();
    for (i, g) in groups.iter().enumerate() {
        // A place's items and figures are its province's too, so the province has a group.
        if let Some(&p) = province_at.get(g.place.province.slug.as_str()) {
            provinces[p].place_count += 1;
            if g.parent.is_none() {
                provinces[p].places.push(i);
            }
        }
    }
    groups
}

/// The newest `n` of two lists of entry indexes (each newest first, that is ascending), merged
/// without repeats: what a feed of a page listing both shows.
pub(crate) fn newest(a: &[usize], b: &[usize], n: usize) -> Vec<usize> {
    let mut all: Vec<usize> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    all.dedup();
    all.truncate(n);
    all
}

/// The path of a place below `regions/`: `shandong/qingdao/laixi`, `chongqing/yubei`.
pub(crate) fn path_of(place: &Place) -> String {
    match places().parent_of(place) {
        Some(parent) => format!("{}/{}/{}", place.province.slug, parent.slug, place.slug),
        None => format!("{}/{}", place.province.slug, place.slug),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_contract() {
        let p = |code| path_of(places().by_code(code).unwrap());
        assert_eq!(p(370285), "shandong/qingdao/laixi");
        assert_eq!(p(610103), "shaanxi/xian/beilin");
        assert_eq!(p(511800), "sichuan/yaan");
        assert_eq!(p(500112), "chongqing/yubei");
    }

    #[test]
    fn newest_merges_without_repeats() {
        assert_eq!(newest(&[1, 4, 9], &[2, 4, 7], 4), [1, 2, 4, 7]);
        assert_eq!(newest(&[], &[3], 20), [3]);
    }
}
