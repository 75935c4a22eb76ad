//! Updating an assembled site after an edit that changed only items' bodies (serve): the new
//! entries take the places of the old ones, and nothing is sorted, grouped or counted again.

use crate::base::FastMap;
use crate::content::markdown::MarkdownOptions;
use crate::site::assemble::{file_key, make_entry, resolve_with};
use crate::site::{Entry, Input, Site};

impl Site {
    /// The new entries of `inputs` (items already on the site, read again), with their
    /// indexes, when each of them changed in its body only: the same file, front matter and pictures, and a body
    /// whose new HTML leaves the item's card, statistics (figure anchors), untraced figures
    /// and links as they were (no missing item). Then every list, group and statistic of the
    /// site stays what a full assembly would make once each entry is put at its index, and only the
    /// pages that show the entries' bodies change (`render::plan_bodies`). None when any input
    /// is more than a body edit: the site must be assembled again.
    pub(crate) fn body_edits(&self, inputs: &[Input]) -> Option<Vec<(usize, Entry)>> {
        let opts = MarkdownOptions {
            unsafe_html: self.config.unsafe_html,
        };
        let mut fresh: Vec<(usize, Entry)> = Vec::with_capacity(inputs.len());
        // Each published item's URL by file, made on the first link to another item only: a
        // body with many such links looks each one up once, not through every entry.
        let urls = LazyUrls {
            site: self,
            by_file: std::cell::OnceCell::new(),
        };
        for input in inputs {
            let i = self
                .entries
                .iter()
                .position(|e| e.item.path.as_os_str() == input.item.path.as_os_str())?;
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
            let resolve = |dest: &str| resolve_with(&input.item.rel, dest, &|key| urls.get(key).cloned());
            let entry = make_entry(
                std::sync::Arc::clone(&input.item),
                &input.text.body,
                (input.lead.clone(), input.gallery.clone()),
                input.hash,
                old.scheduled,
                &opts,
                &resolve,
            );
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
