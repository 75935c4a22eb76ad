//! Checks over the assembled site that warn but do not stop a build: figures the text does not
//! state, and `latest` figures that contradict each other.

use crate::base::diagnostic::Diagnostic;
use crate::site::Site;
use rayon::prelude::*;

/// Warns about every figure whose number does not appear in its item's text.
pub fn traceability(site: &Site) -> Vec<Diagnostic> {
    site.entries
        .par_iter()
        .flat_map_iter(|e| {
            e.untraced
                .iter()
                .filter_map(|&i| e.item.figures.get(i).map(|f| (i, f)))
                .map(move |(i, f)| {
                    Diagnostic::warning(
                        &e.item.path,
                        e.item.figure_line(i),
                        1,
                        format!("figure `{}` does not appear in the text", f.amount.written),
                    )
                    .with_hint("figures must be traceable to the text: check the number, or write it as the text does")
                })
        })
        .collect()
}

/// Warns about `latest` figures that contradict each other: one per figure involved.
pub fn conflicts(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
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
                        e.item.figure_line(fig),
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
