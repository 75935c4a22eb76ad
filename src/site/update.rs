//! Updating an assembled site after an edit (serve) that leaves every item where it was: the
//! new entries take the places of the old ones and nothing is sorted or grouped again. A body
//! edit changes nothing else ([`Site::body_edits`]); an edit of the front matter that keeps the
//! item's place in every list and group (a title, a figure's value…) also counts the
//! statistics again ([`Site::in_place_edits`], [`Site::put_in_place`]).

use crate::base::FastMap;
use crate::content::item::{Item, Topic};
use crate::content::markdown::MarkdownOptions;
use crate::site::assemble::{file_key, make_entry, resolve_with};
use crate::site::stats::{self, Stats};
use crate::site::{Entry, Input, Site};
use std::sync::Arc;

impl Site {
    /// The new entries of `inputs` (items already on the site, read again), with their
    /// indexes, when each of them changed in its body only: the same file, front matter and pictures, and a body
    /// whose new HTML leaves the item's card, statistics (figure anchors), untraced figures
    /// and links as they were (no missing item). Then every list, group and statistic of the
    /// site stays what a full assembly would make once each entry is put at its index, and only the
    /// pages that show the entries' bodies change (`render::plan_bodies`). None when any input
    /// is more than a body edit: the site must be assembled again.
    pub(crate) fn body_edits(&self, inputs: &[Input]) -> Option<Vec<(usize, Entry)>> {
        let remake = Remake::new(self);
        let mut fresh: Vec<(usize, Entry)> = Vec::with_capacity(inputs.len());
        for input in inputs {
            let i = self.index_of(input)?;
            let old = &self.entries[i];
            let same_source = self.front(i) == Some(&*input.text.front)
                && old.item.rel == input.item.rel
                && old.item.body_line == input.item.body_line
                && old.lead.as_deref() == input.lead.as_deref()
                && old.gallery == input.gallery;
            if !same_source || fresh.iter().any(|(j, _)| *j == i) {
                return None;
            }
            // The front matter is the same: so is the item, its URL and whether it is scheduled.
            let entry = remake.entry(input, old.scheduled);
            let body_only = entry.body.missing.is_empty()
                && entry.path == old.path
                && entry.card_fingerprint == old.card_fingerprint
                && entry.stats_fingerprint == old.stats_fingerprint
                && entry.untraced == old.untraced;
            if !body_only {
                return None;
            }
            fresh.push((i, entry));
        }
        Some(fresh)
    }

    /// The new entries of `inputs` (items already on the site, read again), with their
    /// indexes and front matter, when each of them keeps its place in every list and group of
    /// the site: the same file, URL, date and time, print order, bulletin, region, topics,
    /// unit, aliases, pictures, draft and review status, and regions of its figures (which file
    /// it under other provinces and places), and a body whose links all lead somewhere. Then a
    /// full assembly would make the same lists and groups, and only the entries, their front
    /// matter and the statistics change ([`Site::put_in_place`]). None when an input moves, or
    /// one is given twice: the site must be assembled again.
    pub(crate) fn in_place_edits(&self, inputs: &[Input]) -> Option<Vec<(usize, Entry, Arc<str>)>> {
        let remake = Remake::new(self);
        let mut fresh: Vec<(usize, Entry, Arc<str>)> = Vec::with_capacity(inputs.len());
        for input in inputs {
            let i = self.index_of(input)?;
            let old = &self.entries[i];
            let same_pictures = old.lead.as_deref() == input.lead.as_deref() && old.gallery == input.gallery;
            if !same_place(&old.item, &input.item) || !same_pictures || fresh.iter().any(|(j, ..)| *j == i) {
                return None;
            }
            let entry = remake.entry(input, old.scheduled);
            if !entry.body.missing.is_empty() || entry.path != old.path {
                return None;
            }
            fresh.push((i, entry, Arc::clone(&input.text.front)));
        }
        Some(fresh)
    }

    /// Puts the entries of [`Site::in_place_edits`] at their indexes, with their front matter,
    /// and counts the statistics again (as a full assembly counts them, over every item in
    /// order). None, the site unchanged, when a figure would make a total overflow: a full
    /// assembly reports it.
    ///
    /// When every entry's figures are as they were (a title edit), the statistics are too
    /// (they take from an item its figures, date, bulletin, region and topics only) and are
    /// kept.
    pub(crate) fn put_in_place(&mut self, fresh: Vec<(usize, Entry, Arc<str>)>) -> Option<()> {
        let same_figures = fresh.iter().all(|(i, e, _)| {
            self.entries
                .get(*i)
                .is_some_and(|old| old.item.figures == e.item.figures)
        });
        let stats = match same_figures {
            true => None,
            false => Some(self.stats_with(&fresh)?),
        };
        for (i, entry, front) in fresh {
            self.entries[i] = entry;
            self.set_front(i, front);
        }
        if let Some(stats) = stats {
            self.stats = stats;
        }
        Some(())
    }

    /// Whether the site's figure warnings (`build::checks`: untraced, unplaced and conflicting
    /// figures) stay as they were once the entries of `fresh` are put in place: each has the
    /// same figures, on the same lines of its file, and the same untraced ones, and neither it
    /// nor a figure has a region that names no place (whose warning points at its line).
    pub(crate) fn same_figure_warnings(&self, fresh: &[(usize, Entry, Arc<str>)]) -> bool {
        fresh.iter().all(|(i, e, front)| {
            let (Some(old), Some(old_front)) = (self.entries.get(*i), self.front(*i)) else {
                return false;
            };
            let unplaced = e.item.region.unplaced()
                || e.item
                    .figures
                    .iter()
                    .any(|f| f.region.as_ref().is_some_and(crate::content::region::Region::unplaced));
            !unplaced
                && old.item.figures == e.item.figures
                && old.untraced == e.untraced
                && crate::content::item::figure_lines(&old.item, old_front)
                    == crate::content::item::figure_lines(&e.item, front)
        })
    }

    /// The statistics of the site with the entries of `fresh` in place of those at their indexes.
    fn stats_with(&self, fresh: &[(usize, Entry, Arc<str>)]) -> Option<Stats> {
        let mut items: Vec<&Item> = self.entries.iter().map(|e| &*e.item).collect();
        for (i, e, _) in fresh {
            *items.get_mut(*i)? = &e.item;
        }
        let topics: Vec<Topic> = self.topics.iter().map(|t| t.topic.clone()).collect();
        stats::compute(&self.config, &items, &topics).ok()
    }
}

/// Whether `new` keeps `old`'s place in every sorted list and group of the site (and among the
/// figure-reporting items of provinces and places), and its pictures and redirects.
fn same_place(old: &Item, new: &Item) -> bool {
    old.rel == new.rel
        && old.slug == new.slug
        && old.date == new.date
        && old.order == new.order
        && old.bulletin == new.bulletin
        && old.region == new.region
        && old.topics == new.topics
        && old.unit == new.unit
        && old.aliases == new.aliases
        && old.image == new.image
        && old.gallery == new.gallery
        && old.draft == new.draft
        && old.pending == new.pending
        && old.figures.len() == new.figures.len()
        && old.figures.iter().zip(&new.figures).all(|(a, b)| a.region == b.region)
}

impl Site {
    /// The index of the entry made from the same file as `input`.
    fn index_of(&self, input: &Input) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.item.path.as_os_str() == input.item.path.as_os_str())
    }
}

/// Makes an entry again from an item read anew, as a full assembly would, with its links
/// resolved against the site's items.
struct Remake<'a> {
    opts: MarkdownOptions,
    urls: LazyUrls<'a>,
}

impl<'a> Remake<'a> {
    fn new(site: &'a Site) -> Remake<'a> {
        Remake {
            opts: MarkdownOptions {
                unsafe_html: site.config.unsafe_html,
            },
            // Each published item's URL by file, made on the first link to another item only:
            // a body with many such links looks each one up once, not through every entry.
            urls: LazyUrls {
                site,
                by_file: std::cell::OnceCell::new(),
            },
        }
    }

    /// The entry of `input`, scheduled as the entry it replaces was (same date, same today).
    fn entry(&self, input: &Input, scheduled: bool) -> Entry {
        let resolve = |dest: &str| resolve_with(&input.item.rel, dest, &|key| self.urls.get(key).cloned());
        make_entry(
            Arc::clone(&input.item),
            &input.text.body,
            (input.lead.clone(), input.gallery.clone()),
            input.hash,
            scheduled,
            &self.opts,
            &resolve,
        )
    }
}

/// The URLs of a site's published items by content-relative file (`2022/06/a.md`), built when
/// first asked for.
struct LazyUrls<'a> {
    site: &'a Site,
    by_file: std::cell::OnceCell<FastMap<String, String>>,
}

impl LazyUrls<'_> {
    fn get(&self, key: &str) -> Option<&String> {
        self.by_file
            .get_or_init(|| {
                let site = self.site;
                site.entries
                    .iter()
                    .map(|e| (file_key(&e.item.rel), site.urls.link(&e.path)))
                    .collect()
            })
            .get(key)
    }
}
