//! The assembled site: items filtered (drafts, future), bodies rendered in parallel, sorted
//! newest first, and grouped by bulletin, province, topic and month, with the statistics.
//! Pure: no I/O happens here.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::base::FastMap;
use crate::content::config::Config;
use crate::content::image::LeadImage;
use crate::content::item::{Image, Item, Text, Topic};
use crate::content::markdown::{self, MarkdownOptions, Rendered};
use crate::content::region::{registry, Province};
use crate::site::places::PlaceGroup;
use crate::site::stats::{self, Month, Stats};
use crate::site::urls::{self, Urls};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// About how many characters an automatic summary has.
pub(crate) const SUMMARY_CHARS: usize = 120;

/// What to leave in or out.
#[derive(Clone, Copy, Debug)]
pub struct Selection {
    /// Include `draft: true` items.
    pub drafts: bool,
    /// Include items waiting for their 终审 under `review: required`, marked 待审.
    pub pending: bool,
    /// A preview (serve): a pending item shows who has reviewed it so far.
    pub preview: bool,
    /// Include items dated after `today`.
    pub future: bool,
    /// The day that counts as today.
    pub today: NaiveDate,
}

/// One content file as the assembly takes it: the validated item, the text it was parsed from,
/// its lead image as found on disk, and its source hash. The parts are shared: the incremental
/// rebuilder keeps them between rebuilds, while a one-shot build hands over the only handles,
/// so that each body is freed as soon as its HTML is made.
#[derive(Clone, Debug)]
pub struct Input {
    /// What the editor wrote, validated.
    pub item: Arc<Item>,
    /// The front matter and Markdown it was parsed from.
    pub text: Text,
    /// Its lead image, when that is one of the site's files (`output::images::locate`).
    pub lead: Option<Arc<LeadImage>>,
    /// Its gallery's pictures, those that are files of the site, in the order written.
    pub gallery: Vec<Option<Arc<LeadImage>>>,
    /// [`crate::content::item::source_hash`] of its file, for incremental rebuilds: an entry
    /// whose source and links are unchanged keeps its rendered body and its pages.
    pub hash: u64,
}

/// An item with its rendered body and its place on the site.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The validated item (shared with the incremental rebuilder's cache).
    pub item: Arc<Item>,
    /// Its lead image as found among the site's files: size, file, variants (None for a URL).
    pub lead: Option<Arc<LeadImage>>,
    /// Its gallery's pictures as found among the site's files (None for a URL).
    pub gallery: Vec<Option<Arc<LeadImage>>>,
    /// The rendered body.
    pub body: Arc<Rendered>,
    /// The plain-text summary.
    pub summary: String,
    /// Its output path (`news/2022/06/20/slug/`).
    pub path: String,
    /// Dated after today (only present with `--future`).
    pub scheduled: bool,
    /// For each figure, the id of the place in the body that states it, when found.
    pub anchors: Vec<Option<String>>,
    /// The figures whose number the text does not contain (indexes into `item.figures`).
    pub untraced: Vec<usize>,
    /// What makes the entry what it is (source, where its links lead, lead image, scheduled),
    /// hashed: entries with equal fingerprints render equal pages. For incremental rebuilds
    /// (serve), which skip what did not change; a one-shot build never reads it.
    pub fingerprint: u64,
    /// What a list shows of it (its card), hashed; for incremental rebuilds, like
    /// [`Entry::fingerprint`].
    pub card_fingerprint: u64,
    /// What the statistics take from it (figures, date, bulletin, region, topics, title, URL,
    /// anchors), hashed; for incremental rebuilds, like [`Entry::fingerprint`].
    pub stats_fingerprint: u64,
}

impl Entry {
    /// Its pictures that are files of the site, lead image first, each with the `image:` or
    /// gallery picture as written.
    pub(crate) fn pictures(&self) -> impl Iterator<Item = (&Image, &LeadImage)> {
        let lead = self.item.image.as_ref().zip(self.lead.as_deref());
        let gallery = self
            .item
            .gallery
            .iter()
            .zip(&self.gallery)
            .filter_map(|(img, l)| Some((img, l.as_deref()?)));
        lead.into_iter().chain(gallery)
    }
}

/// A bulletin (期): the items published in one issue, in print order.
#[derive(Clone, Debug)]
pub struct Bulletin {
    /// The issue date.
    pub date: NaiveDate,
    /// Indexes into [`Site::entries`], in order.
    pub entries: Vec<usize>,
    /// Its number, file and 编者按 ([`crate::site::issue::number`]).
    pub issue: crate::site::issue::Issue,
}

/// A province with the items filed under it and those elsewhere that report its figures.
#[derive(Clone, Debug)]
pub struct ProvinceGroup {
    /// The province.
    pub province: &'static Province,
    /// Items whose region is this province, newest first.
    pub entries: Vec<usize>,
    /// Items filed elsewhere with a figure counted for this province, newest first.
    pub reported: Vec<usize>,
    /// Its places with pages directly below it (cities; a municipality's districts), as
    /// indexes into [`Site::places`], in code order.
    pub places: Vec<usize>,
    /// How many places below it have pages, at every level.
    pub place_count: usize,
}

/// A topic with its items.
#[derive(Clone, Debug)]
pub struct TopicGroup {
    /// The topic.
    pub topic: Topic,
    /// Items, newest first.
    pub entries: Vec<usize>,
}

/// A month of the archive.
#[derive(Clone, Debug)]
pub struct MonthGroup {
    /// (year, month).
    pub month: Month,
    /// Items, newest first.
    pub entries: Vec<usize>,
}

/// The whole site, ready to render.
#[derive(Clone, Debug)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Link maker.
    pub urls: Urls,
    /// Every published item, newest first.
    pub entries: Vec<Entry>,
    /// Bulletins, newest first.
    pub bulletins: Vec<Bulletin>,
    /// Provinces with items or figures, in registry order.
    pub provinces: Vec<ProvinceGroup>,
    /// Prefectures and counties with items or figures, in code order.
    pub places: Vec<PlaceGroup>,
    /// Topics with items, in site.yaml order (else by name).
    pub topics: Vec<TopicGroup>,
    /// Months, newest first.
    pub months: Vec<MonthGroup>,
    /// The units that sent items, and how many each sent (empty without any).
    pub units: crate::site::units::UnitTable,
    /// A preview (serve): pending items show who has reviewed them so far.
    pub preview: bool,
    /// The statistics.
    pub stats: Stats,
    /// The day the build treats as today.
    pub today: NaiveDate,
    /// Whether the build makes the PDF edition of each issue (a CJK font was found): the
    /// pages link to it only then.
    pub pdf_editions: bool,
    /// Warnings met while numbering the issues (an issue file without items), for the checks.
    pub issue_warnings: Diagnostics,
    /// The front matter of each entry (by index), as written: diagnostics that point at a
    /// figure read it. A separate table, so that a one-shot build drops it once checked
    /// ([`Site::release_sources`]); an incremental rebuild shares it with its cache.
    fronts: Vec<Arc<str>>,
}

impl Site {
    /// Drops the front matter texts, which only the checks read after assembly (the Markdown
    /// is not kept: each body is dropped once rendered). A one-shot build holds 100,000 items'
    /// front matter less while it renders; [`Site::front`] answers None from then on.
    pub fn release_sources(&mut self) {
        self.fronts = Vec::new();
    }

    /// Replaces the front matter of entry `i` (an entry edited in place, `Site::put_in_place`).
    pub(crate) fn set_front(&mut self, i: usize, front: Arc<str>) {
        if let Some(f) = self.fronts.get_mut(i) {
            *f = front;
        }
    }

    /// The front matter entry `i` was parsed from, until [`Site::release_sources`].
    pub fn front(&self, i: usize) -> Option<&str> {
        self.fronts.get(i).map(|f| &**f)
    }

    /// Assembles the site from validated items. Fails on duplicate URLs, naming every file.
    /// The Markdown of each input is dropped once rendered: where the input held the only
    /// handle (a one-shot build), a large site never holds both its Markdown and its HTML.
    pub fn assemble(config: Config, inputs: Vec<Input>, sel: Selection) -> Result<Site, Diagnostics> {
        Site::assemble_reusing(config, inputs, sel, &Reusable::default())
    }

    /// [`Site::assemble`], taking the rendered bodies of `previous` entries whose source and
    /// links are unchanged instead of rendering them again.
    pub fn assemble_reusing(
        config: Config,
        inputs: Vec<Input>,
        sel: Selection,
        previous: &Reusable<'_>,
    ) -> Result<Site, Diagnostics> {
        let urls = Urls::new(&config.base_url, &config.base_path());
        let opts = MarkdownOptions {
            unsafe_html: config.unsafe_html,
        };
        let published = |it: &Item| {
            (sel.drafts || !it.draft) && (sel.pending || !it.pending) && (sel.future || it.date.date <= sel.today)
        };
        // Links between items name files (`../06/other.md`, `@/2022/06/other.md`): every
        // published item's file maps to its URL before any body is rendered.
        let by_file: FastMap<String, String> = inputs
            .iter()
            .map(|i| &*i.item)
            .filter(|it| published(it))
            .map(|it| (file_key(&it.rel), urls.link(&urls::item(it.date.date, &it.slug))))
            .collect();
        // Checked over every item, drafts too: they would share the page once published.
        let clashes = match config.topics {
            Some(_) => Vec::new(),
            None => {
                let all: Vec<(&Item, &str)> = inputs.iter().map(|i| (&*i.item, &*i.text.front)).collect();
                crate::site::checks::topic_clashes(&all)
            }
        };
        let old = &previous.entries;
        let made: Vec<(Entry, Arc<str>)> = inputs
            .into_par_iter()
            .filter(|i| published(&i.item))
            .map(|input| {
                // `input.text.body` is dropped at the end of this closure, once rendered.
                let Input {
                    item,
                    text,
                    lead,
                    gallery,
                    hash,
                } = input;
                let from = Arc::clone(&item);
                let resolve = |dest: &str| resolve_link(&from.rel, dest, &by_file);
                let scheduled = item.date.date > sel.today;
                if let Some(before) = old.get(item.path.as_os_str()) {
                    // The source hash is in the fingerprint: equal ones mean the same source.
                    let fingerprint = fingerprint(hash, (lead.as_deref(), &gallery), &before.body, scheduled, &resolve);
                    if before.fingerprint == fingerprint {
                        let mut e = (*before).clone();
                        e.item = item;
                        e.lead = lead;
                        e.gallery = gallery;
                        return (e, text.front);
                    }
                }
                let entry = make_entry(item, &text.body, (lead, gallery), hash, scheduled, &opts, &resolve);
                (entry, text.front)
            })
            .collect();
        let (entries, fronts): (Vec<Entry>, Vec<Arc<str>>) = made.into_iter().unzip();

        // Newest first; within a day, print order; then by path for a total order. Indexes are
        // sorted, not entries: moving 10,000 entries about was a fifth of a rebuild.
        let mut order: Vec<usize> = (0..entries.len()).collect();
        // `then_with`: the paths are compared only on a tie (comparing `Path`s walks their
        // components: with `then`, half of a rebuild's assembly).
        order.sort_unstable_by(|&i, &j| {
            let (a, b) = (&entries[i], &entries[j]);
            b.item
                .date
                .date
                .cmp(&a.item.date.date)
                .then_with(|| a.item.order.unwrap_or(u32::MAX).cmp(&b.item.order.unwrap_or(u32::MAX)))
                .then_with(|| b.item.date.time.cmp(&a.item.date.time))
                .then_with(|| a.path.cmp(&b.path))
                .then_with(|| a.item.path.as_os_str().cmp(b.item.path.as_os_str()))
        });
        let fronts: Vec<Arc<str>> = order.iter().map(|&i| Arc::clone(&fronts[i])).collect();
        let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
        let entries: Vec<Entry> = order.into_iter().filter_map(|i| slots[i].take()).collect();

        let mut diags = Diagnostics::new();
        diags.extend(clashes);
        for e in &entries {
            for l in &e.body.missing {
                let line = e.item.body_line + l.line;
                diags.push(
                    Diagnostic::error(&e.item.path, line, 1, format!("link to a missing item: {}", l.dest))
                        .with_hint("link to another item by its file, relative to this one (../06/other.md) or to content/ (@/2022/06/other.md); drafts and future items are not published"),
                );
            }
        }
        let mut seen: FastMap<&str, (&Entry, &str)> =
            FastMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (e, front) in entries.iter().zip(&fronts) {
            if let Some((first, first_front)) = seen.insert(e.path.as_str(), (e, front)) {
                // At the `slug:` that made the URL, or the title it was derived from.
                let (line, column) = slug_position(e, front);
                let (first_line, _) = slug_position(first, first_front);
                diags.push(
                    Diagnostic::error(
                        &e.item.path,
                        line,
                        column,
                        format!(
                            "duplicate URL /{}: {}:{first_line} has the same date and slug",
                            e.path,
                            first.item.path.display()
                        ),
                    )
                    .with_hint("give one of them a different `slug:`"),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }

        let mut bulletins = group_bulletins(&entries);
        // Numbered without issue files: the pipeline numbers them again with the files.
        crate::site::issue::number(&config, &mut bulletins, Vec::new());
        let mut provinces = group_provinces(&entries);
        let places = crate::site::places::group_places(&entries, &mut provinces);
        let topics = group_topics(&config, &entries);
        let months = group_months(&entries);
        let units = crate::site::units::table(&config, &entries);
        let items: Vec<&Item> = entries.iter().map(|e| &*e.item).collect();
        let topic_list: Vec<Topic> = topics.iter().map(|t| t.topic.clone()).collect();
        let stats = match stats::compute(&config, &items, &topic_list) {
            Ok(stats) => stats,
            Err(refused) => return Err(overflow_errors(&refused, &entries, &fronts)),
        };
        Ok(Site {
            config,
            urls,
            entries,
            bulletins,
            provinces,
            places,
            topics,
            months,
            units,
            preview: sel.preview,
            stats,
            today: sel.today,
            issue_warnings: Diagnostics::new(),
            pdf_editions: false,
            fronts,
        })
    }

    /// The entries, for the next [`Site::assemble_reusing`].
    pub fn reusable(&self) -> Reusable<'_> {
        Reusable {
            entries: self.entries.iter().map(|e| (e.item.path.as_os_str(), e)).collect(),
        }
    }

    /// The entries at these indexes.
    pub fn pick<'a>(&'a self, idx: &'a [usize]) -> impl Iterator<Item = &'a Entry> + 'a {
        idx.iter().filter_map(|&i| self.entries.get(i))
    }
}

/// One error per figure the statistics refused, at the figure in its file.
fn overflow_errors(refused: &[stats::Overflow], entries: &[Entry], fronts: &[Arc<str>]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for o in refused {
        let (Some(e), Some(front)) = (entries.get(o.item), fronts.get(o.item)) else {
            continue;
        };
        let Some(f) = e.item.figures.get(o.figure) else {
            continue;
        };
        let (line, column) = crate::base::yaml::locate(front, &crate::ypath!["figures", o.figure])
            .map_or((e.item.front_line, 1), |(l, c)| (l + e.item.front_line - 1, c));
        diags.push(
            Diagnostic::error(
                &e.item.path,
                line,
                column,
                format!(
                    "figure `{}` makes the `{}` statistics overflow: totals can hold at most {}",
                    f.amount.written,
                    o.metric,
                    rust_decimal::Decimal::MAX
                ),
            )
            .with_hint("check the number and its unit: a total this large is almost surely a typo"),
        );
    }
    diags.sort();
    diags
}

/// Entries of an earlier assembly, by source path, for [`Site::assemble_reusing`].
#[derive(Debug, Default)]
pub struct Reusable<'a> {
    /// By the path's bytes: hashing a `Path` walks its components, slower than the rest of a
    /// rebuild's lookups together.
    entries: FastMap<&'a std::ffi::OsStr, &'a Entry>,
}

/// The entry of a published item: its body rendered (links resolved by `resolve`), its figures
/// anchored and traced, its summary, and its fingerprints.
pub(crate) fn make_entry(
    item: Arc<Item>,
    markdown_body: &str,
    (lead, gallery): (Option<Arc<LeadImage>>, Vec<Option<Arc<LeadImage>>>),
    hash: u64,
    scheduled: bool,
    opts: &MarkdownOptions,
    resolve: &dyn Fn(&str) -> markdown::Resolved,
) -> Entry {
    let mut body = markdown::render_with(markdown_body, opts, resolve);
    let anchored = anchor_figures(std::mem::take(&mut body.html), &item);
    body.html = anchored.0;
    let summary = match (&item.summary, &body.summary_text) {
        (Some(s), _) => s.clone(),
        (None, Some(before_more)) => before_more.clone(),
        (None, None) => markdown::summarize(&body.text, SUMMARY_CHARS),
    };
    let path = urls::item(item.date.date, &item.slug);
    let fingerprint = fingerprint(hash, (lead.as_deref(), &gallery), &body, scheduled, resolve);
    let untraced = (0..item.figures.len())
        .filter(|&i| !crate::content::figure::appears_in(&item.figures[i].amount, &body.text))
        .collect();
    Entry {
        untraced,
        card_fingerprint: card_fingerprint(&item, &path, &summary, scheduled),
        stats_fingerprint: stats_fingerprint(&item, &path, &anchored.1),
        fingerprint,
        anchors: anchored.1,
        path,
        scheduled,
        item,
        lead,
        gallery,
        body: Arc::new(body),
        summary,
    }
}

/// A hasher for fingerprints: fast, and the same for the same input within a process.
fn hasher() -> xxhash_rust::xxh3::Xxh3 {
    xxhash_rust::xxh3::Xxh3::new()
}

/// An entry's fingerprint: its source (by its hash), where each of its links now leads, its
/// pictures (lead image, gallery) as found on disk (size, file hash, variants) and whether it is scheduled.
fn fingerprint(
    source_hash: u64,
    pictures: (Option<&LeadImage>, &[Option<Arc<LeadImage>>]),
    body: &Rendered,
    scheduled: bool,
    resolve: &dyn Fn(&str) -> markdown::Resolved,
) -> u64 {
    let mut h = hasher();
    source_hash.hash(&mut h);
    scheduled.hash(&mut h);
    pictures.0.hash(&mut h);
    // Without a gallery the fingerprint is as it was before galleries.
    if !pictures.1.is_empty() {
        pictures.1.hash(&mut h);
    }
    for l in &body.links {
        match resolve(&l.dest) {
            markdown::Resolved::Keep => 0u8.hash(&mut h),
            markdown::Resolved::Missing => 1u8.hash(&mut h),
            markdown::Resolved::Rewrite(url) => {
                2u8.hash(&mut h);
                url.hash(&mut h);
            }
        }
    }
    h.finish()
}

/// What a card shows of an item.
fn card_fingerprint(item: &Item, path: &str, summary: &str, scheduled: bool) -> u64 {
    let mut h = hasher();
    path.hash(&mut h);
    (
        &item.headline,
        item.date,
        &item.region,
        &item.column,
        item.kind,
        &item.corrections,
        item.draft,
        scheduled,
        item.pending,
        &item.review,
        &item.unit,
    )
        .hash(&mut h);
    summary.hash(&mut h);
    h.finish()
}

/// What the statistics take from an item.
fn stats_fingerprint(item: &Item, path: &str, anchors: &[Option<String>]) -> u64 {
    let mut h = hasher();
    path.hash(&mut h);
    (
        &item.figures,
        item.date,
        item.bulletin,
        &item.region,
        &item.topics,
        &item.headline,
        anchors,
    )
        .hash(&mut h);
    h.finish()
}

/// A content-relative file path with `/` separators, as links name it.
pub(crate) fn file_key(rel: &std::path::Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// Resolves a link written in the item at `from` (content-relative): links to `.md` files
/// become the linked item's URL, or missing; everything else is kept.
pub(crate) fn resolve_link(
    from: &std::path::Path,
    dest: &str,
    by_file: &FastMap<String, String>,
) -> markdown::Resolved {
    resolve_with(from, dest, &|key| by_file.get(key).cloned())
}

/// [`resolve_link`], with `find` giving the URL of the published item whose file has a key.
pub(crate) fn resolve_with(
    from: &std::path::Path,
    dest: &str,
    find: &dyn Fn(&str) -> Option<String>,
) -> markdown::Resolved {
    let (target, fragment) = match dest.split_once('#') {
        Some((t, f)) => (t, Some(f)),
        None => (dest, None),
    };
    let relative_to_content = target.strip_prefix("@/");
    let is_file_link = relative_to_content.is_some()
        || (target.ends_with(".md")
            && !target.contains("://")
            && !target.starts_with('/')
            && !target.starts_with("mailto:"));
    if !is_file_link {
        return markdown::Resolved::Keep;
    }
    let from = file_key(from);
    let mut parts: Vec<&str> = Vec::new();
    let start = match relative_to_content {
        Some(rest) => rest,
        None => {
            parts.extend(from.split('/'));
            parts.pop();
            target
        }
    };
    for seg in start.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return markdown::Resolved::Missing;
                }
            }
            s => parts.push(s),
        }
    }
    match find(&parts.join("/")) {
        Some(url) => markdown::Resolved::Rewrite(match fragment {
            Some(f) => format!("{url}#{f}"),
            None => url,
        }),
        None => markdown::Resolved::Missing,
    }
}

/// Where entry `e`'s slug comes from in its file: its `slug:`, else its `title:` (the slug is
/// made from the title); found only for a diagnostic, so the front matter is read again here.
fn slug_position(e: &Entry, front: &str) -> (usize, usize) {
    let all = crate::base::yaml::positions(front);
    all.get(crate::ypath!["slug"].as_slice())
        .or_else(|| all.get(crate::ypath!["title"].as_slice()))
        .map_or((e.item.front_line, 1), |&(l, c)| (l + e.item.front_line - 1, c))
}

/// Marks, for each figure, the first place in the body HTML where its number is written
/// (`<mark id="figure-N">`), so that the figure box can link a figure to its sentence.
fn anchor_figures(html: String, item: &Item) -> (String, Vec<Option<String>>) {
    let mut marks: Vec<(usize, usize, String)> = Vec::new();
    let mut anchors = Vec::with_capacity(item.figures.len());
    for (i, f) in item.figures.iter().enumerate() {
        let forms = crate::content::figure::written_forms(&f.amount);
        let html = html.as_str();
        // The ranges come in order, so the first one with a match holds the earliest: the
        // rest of the body need not be searched.
        let found = text_ranges(html).find_map(|(start, end)| {
            forms
                .iter()
                .filter_map(|form| find_number(html, start, end, form))
                .filter(|(s, e)| !marks.iter().any(|(ms, me, _)| s < me && ms < e))
                .min()
        });
        match found {
            Some((s, e)) => {
                let id = format!("figure-{}", i + 1);
                marks.push((s, e, id.clone()));
                anchors.push(Some(id));
            }
            None => anchors.push(None),
        }
    }
    if marks.is_empty() {
        return (html, anchors);
    }
    marks.sort();
    let mut out = String::with_capacity(html.len() + marks.len() * 48);
    let mut at = 0;
    for (s, e, id) in marks {
        out.push_str(&html[at..s]);
        out.push_str(&format!("<mark class=\"figure-ref\" id=\"{id}\">"));
        out.push_str(&html[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    out.push_str(&html[at..]);
    (out, anchors)
}

/// Byte ranges of the text between tags (outside `<…>`) of an HTML fragment.
fn text_ranges(html: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if bytes[i] == b'<' {
                i += html[i..].find('>').map_or(bytes.len() - i, |j| j + 1);
                continue;
            }
            let start = i;
            i += html[i..].find('<').unwrap_or(bytes.len() - i);
            return Some((start, i));
        }
        None
    })
}

/// The first occurrence of `needle` in `html[start..end]` not glued to other digits.
fn find_number(html: &str, start: usize, end: usize, needle: &str) -> Option<(usize, usize)> {
    let hay = &html[start..end];
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let s = from + pos;
        let e = s + needle.len();
        // "6283" must not match inside "16283", "6283.5" or "6,2830".
        let mut back = hay[..s].chars().rev();
        let mut ahead = hay[e..].chars();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let sep = |c: Option<char>| matches!(c, Some('.' | ','));
        let (b1, b2) = (back.next(), back.next());
        let (a1, a2) = (ahead.next(), ahead.next());
        let glued_before = digit(b1) || (sep(b1) && digit(b2));
        let glued_after = digit(a1) || (sep(a1) && digit(a2));
        let starts_glued = needle.starts_with(|c: char| c.is_ascii_digit()) && glued_before;
        let ends_glued = needle.ends_with(|c: char| c.is_ascii_digit()) && glued_after;
        if !starts_glued && !ends_glued {
            return Some((start + s, start + e));
        }
        from = s + needle.chars().next().map_or(1, char::len_utf8);
    }
    None
}

fn group_bulletins(entries: &[Entry]) -> Vec<Bulletin> {
    let mut map: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        map.entry(e.item.bulletin).or_default().push(i);
    }
    map.into_iter()
        .rev()
        .map(|(date, mut idx)| {
            idx.sort_by_key(|&i| (entries[i].item.order.unwrap_or(u32::MAX), i));
            Bulletin {
                date,
                entries: idx,
                issue: Default::default(),
            }
        })
        .collect()
}

fn group_provinces(entries: &[Entry]) -> Vec<ProvinceGroup> {
    let mut own: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut reported: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let home = e.item.region.province.slug.as_str();
        own.entry(home).or_default().push(i);
        for f in &e.item.figures {
            if let Some(r) = &f.region {
                let slug = r.province.slug.as_str();
                if slug != home {
                    let list = reported.entry(slug).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
    }
    registry()
        .provinces()
        .iter()
        .filter_map(|p| {
            let entries = own.remove(p.slug.as_str()).unwrap_or_default();
            let reported = reported.remove(p.slug.as_str()).unwrap_or_default();
            (!entries.is_empty() || !reported.is_empty()).then_some(ProvinceGroup {
                province: p,
                entries,
                reported,
                places: Vec::new(),
                place_count: 0,
            })
        })
        .collect()
}

fn group_topics(config: &Config, entries: &[Entry]) -> Vec<TopicGroup> {
    let mut map: BTreeMap<&str, (Topic, Vec<usize>)> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        for t in &e.item.topics {
            map.entry(t.slug.as_str())
                .or_insert_with(|| (t.clone(), Vec::new()))
                .1
                .push(i);
        }
    }
    let mut groups: Vec<TopicGroup> = Vec::with_capacity(map.len());
    if let Some(defs) = &config.topics {
        for d in defs {
            if let Some((topic, entries)) = map.remove(d.slug.as_str()) {
                groups.push(TopicGroup { topic, entries });
            }
        }
    }
    groups.extend(map.into_values().map(|(topic, entries)| TopicGroup { topic, entries }));
    groups
}

fn group_months(entries: &[Entry]) -> Vec<MonthGroup> {
    let mut map: BTreeMap<Month, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        map.entry(stats::month_of(e.item.date.date)).or_default().push(i);
    }
    map.into_iter()
        .rev()
        .map(|(month, entries)| MonthGroup { month, entries })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::Resolved;
    use std::path::Path;

    #[test]
    fn links_between_items_resolve_by_file() {
        let mut by_file = FastMap::default();
        by_file.insert("2022/06/other.md".to_string(), "/b/news/2022/06/20/other/".to_string());
        let from = Path::new("2022/07/this.md");
        assert_eq!(
            resolve_link(from, "../06/other.md", &by_file),
            Resolved::Rewrite("/b/news/2022/06/20/other/".into())
        );
        assert_eq!(
            resolve_link(from, "@/2022/06/other.md#p2", &by_file),
            Resolved::Rewrite("/b/news/2022/06/20/other/#p2".into())
        );
        assert_eq!(resolve_link(from, "../06/gone.md", &by_file), Resolved::Missing);
        assert_eq!(resolve_link(from, "../../../../x.md", &by_file), Resolved::Missing);
        assert_eq!(resolve_link(from, "https://e.org/a.md", &by_file), Resolved::Keep);
        assert_eq!(resolve_link(from, "/abs/", &by_file), Resolved::Keep);
    }
}
