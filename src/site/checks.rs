//! Checks over the assembled site that warn but do not stop a build: figures the text does not
//! state, and `latest` figures that contradict each other. And one over all items that does:
//! two topics whose names give one URL slug.

use crate::base::diagnostic::Diagnostic;
use crate::base::FastMap;
use crate::content::item::{figure_lines, Item};
use crate::content::place::places;
use crate::content::region::Region;
use crate::site::Site;
use rayon::prelude::*;

/// The file line of each figure of entry `i`, found in its front matter (all 1 once the site
/// has released it).
fn lines_of(site: &Site, i: usize) -> Vec<usize> {
    match (site.entries.get(i), site.front(i)) {
        (Some(e), Some(front)) => figure_lines(&e.item, front),
        _ => Vec::new(),
    }
}

/// Warns about every figure whose number does not appear in its item's text.
pub(crate) fn traceability(site: &Site) -> Vec<Diagnostic> {
    site.entries
        .par_iter()
        .enumerate()
        .filter(|(_, e)| !e.untraced.is_empty())
        .flat_map_iter(|(at, e)| {
            // Once per item, however many of its figures are untraced.
            let lines = lines_of(site, at);
            e.untraced
                .iter()
                .filter_map(|&i| e.item.figures.get(i).map(|f| (i, f)))
                .map(move |(i, f)| {
                    Diagnostic::warning(
                        &e.item.path,
                        lines.get(i).copied().unwrap_or(1),
                        1,
                        format!("figure `{}` does not appear in the text", f.amount.written),
                    )
                    .with_hint("figures must be traceable to the text: check the number, or write it as the text does")
                })
        })
        .collect()
}

/// Warns about every `region` (the item's or a figure's) whose locality names no place of its
/// province, naming the nearest places; the locality is kept as written.
pub(crate) fn unplaced(site: &Site) -> Vec<Diagnostic> {
    site.entries
        .par_iter()
        .enumerate()
        .filter(|(_, e)| {
            e.item.region.unplaced()
                || e.item
                    .figures
                    .iter()
                    .any(|f| f.region.as_ref().is_some_and(Region::unplaced))
        })
        .flat_map_iter(|(at, e)| {
            let positions = site.front(at).map(crate::base::yaml::positions).unwrap_or_default();
            let line =
                |path: &[crate::base::yaml::Seg]| positions.get(path).map_or(1, |(l, _)| l + e.item.front_line - 1);
            let own = e
                .item
                .region
                .unplaced()
                .then(|| (&e.item.region, line(crate::ypath!["region"].as_slice())));
            let figures = e.item.figures.iter().enumerate().filter_map(|(i, f)| {
                let r = f.region.as_ref().filter(|r| r.unplaced())?;
                Some((r, line(crate::ypath!["figures", i, "region"].as_slice())))
            });
            own.into_iter()
                .chain(figures)
                .map(|(r, line)| {
                    let locality = r.locality.as_deref().unwrap_or_default();
                    let near: Vec<String> = places()
                        .nearest(r.province, locality)
                        .iter()
                        .map(|p| format!("`{}`", places().written(p)))
                        .collect();
                    let hint = if near.is_empty() {
                        format!(
                            "it is kept as written; write a city or county of {} first (青岛莱西, 莱西市)",
                            r.province.short
                        )
                    } else {
                        format!("it is kept as written; did you mean {}?", near.join(", "))
                    };
                    Diagnostic::warning(
                        &e.item.path,
                        line,
                        1,
                        format!("`{locality}` names no city or county of {}", r.province.short),
                    )
                    .with_hint(hint)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Warns about `latest` figures that contradict each other: one per figure involved.
pub(crate) fn conflicts(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut lines: FastMap<usize, Vec<usize>> = FastMap::default();
    for ms in &site.stats.metrics {
        for c in ms.conflicts() {
            for &(item, fig, value) in &c.figures {
                let Some(e) = site.entries.get(item) else {
                    continue;
                };
                let others: Vec<String> = c
                    .figures
                    .iter()
                    .filter(|(i, j, _)| (*i, *j) != (item, fig))
                    .filter_map(|(i, _, v)| {
                        site.entries
                            .get(*i)
                            .map(|o| format!("{} in {}", v.normalize(), o.item.path.display()))
                    })
                    .collect();
                out.push(
                    Diagnostic::warning(
                        &e.item.path,
                        lines
                            .entry(item)
                            .or_insert_with(|| lines_of(site, item))
                            .get(fig)
                            .copied()
                            .unwrap_or(1),
                        1,
                        format!(
                            "conflicting `{}` figures for {} as of {}: {} here, {}",
                            c.metric,
                            c.province.short,
                            c.as_of,
                            value.normalize(),
                            others.join(", ")
                        ),
                    )
                    .with_hint(
                        "a `latest` metric keeps one figure per province and date; correct one of them or give `as_of`",
                    ),
                );
            }
        }
    }
    out
}

/// Errors for topics whose names give the same URL slug (工伤 and 工商 are both `gongshang`),
/// which would share one page: one per clashing name, at its first use, naming the first use of
/// the other. `items` come with the front matter each was parsed from. Only sites without a
/// topic list in site.yaml can meet this (site.yaml's own list is checked when it is read).
pub(crate) fn topic_clashes(items: &[(&Item, &str)]) -> Vec<Diagnostic> {
    let mut sorted: Vec<&(&Item, &str)> = items.iter().collect();
    sorted.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    // slug → the first name given it, where.
    let mut first: FastMap<&str, (&str, &Item, &str)> = FastMap::default();
    let mut reported: Vec<(&str, &str)> = Vec::new();
    let mut out = Vec::new();
    for &&(item, front) in &sorted {
        for t in &item.topics {
            let Some(&(name, other, other_front)) = first.get(t.slug.as_str()) else {
                first.insert(&t.slug, (&t.name, item, front));
                continue;
            };
            if name == t.name || reported.contains(&(t.slug.as_str(), t.name.as_str())) {
                continue;
            }
            reported.push((&t.slug, &t.name));
            let (line, column) = topic_place(item, front, &t.name);
            let (other_line, _) = topic_place(other, other_front, name);
            out.push(
                Diagnostic::error(
                    &item.path,
                    line,
                    column,
                    format!(
                        "topics `{name}` ({}:{other_line}) and `{}` have the same URL slug `{}`: they would share one page",
                        other.path.display(),
                        t.name,
                        t.slug
                    ),
                )
                .with_hint(format!(
                    "list the topics in site.yaml, each with a slug of its own: `topics: {{ {name}: {{ slug: {} }}, {}: {{ slug: {}-2 }} }}`",
                    t.slug, t.name, t.slug
                )),
            );
        }
    }
    out
}

/// The file (line, column) where `item`'s front matter names the topic `name`.
fn topic_place(item: &Item, front: &str, name: &str) -> (usize, usize) {
    let path = match crate::base::yaml::from_str::<crate::base::yaml::Value>(front)
        .ok()
        .and_then(|v| v.get("topics").cloned())
    {
        Some(crate::base::yaml::Value::Sequence(names)) => names
            .iter()
            .position(|n| n.as_str().map(str::trim) == Some(name))
            .map_or(crate::ypath!["topics"].to_vec(), |i| {
                crate::ypath!["topics", i].to_vec()
            }),
        _ => crate::ypath!["topics"].to_vec(),
    };
    crate::base::yaml::locate(front, &path).map_or((item.front_line, 1), |(l, c)| (l + item.front_line - 1, c))
}
