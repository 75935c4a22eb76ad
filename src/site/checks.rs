//! Checks over the assembled site that warn but do not stop a build: figures the text does not
//! state, and `latest` figures that contradict each other.

use crate::base::diagnostic::Diagnostic;
use crate::base::FastMap;
use crate::content::item::figure_lines;
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
