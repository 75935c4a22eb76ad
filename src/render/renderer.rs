//! Rendering: lists every page of the site (the contract's URL table), builds its typed view,
//! renders it with Tera in parallel and hands the bytes to a [`Sink`] straight away, so pages
//! are never all held in memory. Feeds, the sitemap, robots.txt and the open statistics data
//! are written here too, escaped by construction.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::content::config::Language;
use crate::content::figure;
use crate::content::markdown::Rendered;
use crate::content::region::{Area, Province};
use crate::output::Sink;
use crate::render::chart;
use crate::render::locale;
use crate::render::theme::{self, Theme};
use crate::render::view::*;
use crate::site::stats::{Contribution, MetricStats, MonthTotal, Total};
use crate::site::urls;
use crate::site::{Entry, Site};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Sources listed under a number; the rest are counted ("and N more") and all are in stats.json.
const MAX_SOURCES: usize = 10;

/// Page links shown on each side of the current page.
const PAGE_WINDOW: usize = 2;

/// Items per feed.
const FEED_ITEMS: usize = 20;

/// One file to produce.
#[derive(Clone, Debug)]
enum Job {
    Item(usize),
    Home(usize),
    Regions,
    Region(usize, usize),
    Topics,
    Topic(usize, usize),
    Bulletins,
    Bulletin(usize),
    Archives,
    Archive(usize),
    Stats,
    NotFound,
    Feed(FeedOf),
    Sitemap,
    NewsSitemap,
    Corrections,
    Robots,
    StatsData,
    Search,
    SearchIndex,
}

#[derive(Clone, Copy, Debug)]
enum FeedOf {
    Site,
    Region(usize),
    Topic(usize),
}

fn pages(n: usize, per_page: usize) -> usize {
    n.div_ceil(per_page.max(1)).max(1)
}

fn jobs(site: &Site) -> Vec<Job> {
    let per = site.config.per_page;
    // The long single jobs come first: left for last, one of them would run alone on one core
    // while the others sit idle.
    let mut jobs = vec![
        Job::SearchIndex,
        Job::Stats,
        Job::StatsData,
        Job::Feed(FeedOf::Site),
        Job::Sitemap,
        Job::NewsSitemap,
        Job::Search,
        Job::NotFound,
        Job::Corrections,
        Job::Robots,
    ];
    jobs.extend((0..site.entries.len()).map(Job::Item));
    jobs.extend((1..=pages(site.entries.len(), per)).map(Job::Home));
    jobs.push(Job::Regions);
    for (i, p) in site.provinces.iter().enumerate() {
        jobs.extend((1..=pages(p.entries.len(), per)).map(|n| Job::Region(i, n)));
        jobs.push(Job::Feed(FeedOf::Region(i)));
    }
    jobs.push(Job::Topics);
    for (i, t) in site.topics.iter().enumerate() {
        jobs.extend((1..=pages(t.entries.len(), per)).map(|n| Job::Topic(i, n)));
        jobs.push(Job::Feed(FeedOf::Topic(i)));
    }
    jobs.push(Job::Bulletins);
    jobs.extend((0..site.bulletins.len()).map(Job::Bulletin));
    jobs.push(Job::Archives);
    jobs.extend((0..site.months.len()).map(Job::Archive));
    jobs
}

/// Renders every page of `site` into `sink`; returns the number of files written.
pub fn render_site(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<usize, Diagnostics> {
    let mut ctx = Renderer::new(site, theme);
    // Only the cards are read from here on; the views are kept for incremental rebuilds alone,
    // so each is dropped as soon as its card is made (200 MB at 100,000 items).
    ctx.render_cards_only()?;
    ctx.render_chrome()?;
    let jobs = jobs(site);
    let results: Vec<Result<usize, Diagnostic>> = jobs.par_iter().map(|job| ctx.run(job, sink)).collect();
    collect(results.into_iter()).map(|counts| counts.into_iter().sum())
}

/// [`render_site`] for a one-shot build, which frees what it no longer needs. The jobs that
/// read many bodies (the search index their plain text, the feeds their HTML) run first,
/// alongside the cards; then each body is freed as soon as its item's page is written, so
/// that memory falls through the rest of the render (1 GB of bodies at 100,000 items).
pub fn render_site_releasing(site: &mut Site, theme: &Theme, sink: &dyn Sink) -> Result<usize, Diagnostics> {
    let (early, mut late): (Vec<Job>, Vec<Job>) = jobs(site)
        .into_iter()
        .partition(|j| matches!(j, Job::SearchIndex | Job::Feed(_)));
    // The item pages free the bodies: the statistics, whose views are large, come after them
    // (a second thread starts halfway through the list), into the memory they freed.
    late.sort_by_key(|j| match j {
        Job::Item(_) => 0,
        Job::Stats | Job::StatsData => 1,
        _ => 2,
    });
    let (written, cards, chrome) = {
        let ctx = Renderer::new(site, theme);
        // One after the other, each in parallel: side by side, the search index's working
        // memory and the cards' would be held at once (and by different threads' caches).
        let written = collect(
            early
                .par_iter()
                .map(|job| ctx.run(job, sink))
                .collect::<Vec<_>>()
                .into_iter(),
        );
        let made = ctx.all_cards().and_then(|cards| Ok((cards, ctx.chrome_views()?)));
        let written: usize = written?.into_iter().sum();
        let (cards, chrome) = made?;
        (written, cards, chrome)
    };
    // The bodies move out of the site, for the item pages to take: the renderer is made again
    // over the site without them (its shared views cost little next to the pages).
    let empty = Arc::new(Rendered::default());
    let bodies = site
        .entries
        .iter_mut()
        .map(|e| Mutex::new(Some(std::mem::replace(&mut e.body, Arc::clone(&empty)))))
        .collect();
    let mut ctx = Renderer::new(site, theme);
    ctx.cards = cards;
    ctx.chrome = chrome;
    ctx.bodies = bodies;
    let results: Vec<Result<usize, Diagnostic>> = late.par_iter().map(|job| ctx.run(job, sink)).collect();
    collect(results.into_iter()).map(|counts| written + counts.into_iter().sum::<usize>())
}

/// The counts of the jobs, or their problems (a broken template once, not once per page).
fn collect<T>(results: impl Iterator<Item = Result<T, Diagnostic>>) -> Result<Vec<T>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut out = Vec::new();
    for r in results {
        match r {
            Ok(v) => out.push(v),
            Err(d) => {
                if !diags.iter().any(|x| x.message == d.message && x.path == d.path) {
                    diags.push(d);
                }
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// One page or file set of the site with a fingerprint of everything it shows: a page whose
/// fingerprint did not change since the last render need not be rendered again (serve).
#[derive(Clone, Debug)]
pub struct Planned {
    job: Job,
    key: String,
    fingerprint: u64,
}

impl Planned {
    /// Names the job: its (first) output path.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Everything the job's output depends on, hashed (the theme and site.yaml aside).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Whether the job is costly and read only by some pages (the search index, the open data
    /// files), so that serve may make it after reloading the browser.
    pub fn deferrable(&self) -> bool {
        matches!(self.job, Job::SearchIndex | Job::StatsData)
    }
}

/// Every job of `site`, with its key and fingerprint.
pub fn plan(site: &Site) -> Vec<Planned> {
    let prints = Prints::of(site);
    jobs(site)
        .into_par_iter()
        .map(|job| Planned {
            key: key(site, &job),
            fingerprint: prints.job(site, &job),
            job,
        })
        .collect()
}

/// Renders the `chosen` jobs into `sink`, reusing (and refreshing) the views in `cache`;
/// returns each job's key and the paths it wrote.
pub fn render_planned(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    chosen: &[&Planned],
    cache: &mut ViewCache,
) -> Result<Vec<(String, Vec<String>)>, Diagnostics> {
    let mut ctx = Renderer::new(site, theme);
    ctx.take_views(cache);
    ctx.render_cards()?;
    ctx.render_chrome()?;
    let results: Vec<Result<(String, Vec<String>), Diagnostic>> = chosen
        .par_iter()
        .map(|p| {
            let recorder = Recorder {
                inner: sink,
                paths: std::sync::Mutex::new(Vec::new()),
            };
            ctx.run(&p.job, &recorder)?;
            Ok((p.key.clone(), recorder.paths.into_inner().unwrap_or_default()))
        })
        .collect();
    let written = collect(results.into_iter());
    *cache = ctx.into_cache();
    written
}

/// A sink that notes the paths written through it.
struct Recorder<'a> {
    inner: &'a dyn Sink,
    paths: std::sync::Mutex<Vec<String>>,
}

impl Sink for Recorder<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.inner.write(path, bytes)?;
        if let Ok(mut p) = self.paths.lock() {
            p.push(path.to_string());
        }
        Ok(())
    }
}

/// The list form and card of entries of an earlier render, by entry fingerprint. Valid only
/// for the same theme and site.yaml.
#[derive(Debug, Default)]
pub struct ViewCache {
    views: crate::base::FastMap<u64, (ItemView, CardView)>,
}

/// A job's key: its first output path.
fn key(site: &Site, job: &Job) -> String {
    let u = |first: String, n: usize| urls::page(&first, n);
    match *job {
        Job::Item(i) => site.entries[i].path.clone(),
        Job::Home(n) => u(String::new(), n),
        Job::Regions => urls::REGIONS.into(),
        Job::Region(i, n) => u(urls::region(&site.provinces[i].province.slug), n),
        Job::Topics => urls::TOPICS.into(),
        Job::Topic(i, n) => u(urls::topic(&site.topics[i].topic.slug), n),
        Job::Bulletins => urls::BULLETINS.into(),
        Job::Bulletin(i) => urls::bulletin(site.bulletins[i].date),
        Job::Archives => urls::ARCHIVE.into(),
        Job::Archive(i) => urls::archive(site.months[i].month.0, site.months[i].month.1),
        Job::Stats => urls::STATS.into(),
        Job::NotFound => "404.html".into(),
        Job::Feed(FeedOf::Site) => urls::FEED.into(),
        Job::Feed(FeedOf::Region(i)) => urls::feed_of(&urls::region(&site.provinces[i].province.slug)),
        Job::Feed(FeedOf::Topic(i)) => urls::feed_of(&urls::topic(&site.topics[i].topic.slug)),
        Job::Sitemap => "sitemap.xml".into(),
        Job::NewsSitemap => urls::NEWS_SITEMAP.into(),
        Job::Corrections => urls::CORRECTIONS.into(),
        Job::Robots => "robots.txt".into(),
        Job::StatsData => "stats/stats.json".into(),
        Job::Search => urls::SEARCH.into(),
        Job::SearchIndex => format!("{}meta.json", crate::render::search::DIR),
    }
}

/// Fingerprints shared by many jobs, computed once per plan.
struct Prints {
    /// The statistics and what they are computed from.
    stats: u64,
    /// Per province group, what the statistics on its first page are computed from: the
    /// bulletins and today, and each figure counted for it with its item's statistics
    /// fingerprint. An item's edit re-renders the pages of the provinces it counts for, not
    /// all of them.
    province_stats: Vec<u64>,
    /// Per topic group, the same for the figures of its items.
    topic_stats: Vec<u64>,
    /// The overall total of each metric (the home pages' side box).
    totals: u64,
    /// How many items each province and topic has (the home, index and search pages).
    counts: u64,
    /// The bulletins and their sizes.
    bulletins: u64,
    /// The months and their sizes.
    months: u64,
    /// Every entry, for the search index.
    all: u64,
    /// Every page and its date, for the sitemap.
    sitemap: u64,
    /// Every entry's index, in order: the home pages' list.
    every: Vec<usize>,
}

/// [`Prints::province_stats`] and [`Prints::topic_stats`]: one pass over the contributions,
/// each hashed into the province it counts for and the topics of its item, as the first pages'
/// `subject_stats` filter them.
fn subject_prints(site: &Site, bulletins: u64) -> (Vec<u64>, Vec<u64>) {
    use std::hash::{Hash, Hasher};
    let start = || {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        (bulletins, site.today).hash(&mut h);
        h
    };
    let mut provinces: Vec<_> = site.provinces.iter().map(|_| start()).collect();
    let mut topics: Vec<_> = site.topics.iter().map(|_| start()).collect();
    let province_at = positions(site.provinces.iter().map(|g| g.province.slug.as_str()));
    let topic_at = positions(site.topics.iter().map(|g| g.topic.slug.as_str()));
    for ms in &site.stats.metrics {
        for c in &ms.contributions {
            let Some(e) = site.entries.get(c.item) else { continue };
            let print = (ms.metric.key.as_str(), c.figure, e.stats_fingerprint);
            if let Some(&p) = province_at.get(c.province.slug.as_str()) {
                print.hash(&mut provinces[p]);
            }
            for t in &e.item.topics {
                if let Some(&i) = topic_at.get(t.slug.as_str()) {
                    print.hash(&mut topics[i]);
                }
            }
        }
    }
    let done = |hs: Vec<xxhash_rust::xxh3::Xxh3>| hs.iter().map(Hasher::finish).collect();
    (done(provinces), done(topics))
}

/// Each slug's position in its list.
fn positions<'a>(slugs: impl Iterator<Item = &'a str>) -> crate::base::FastMap<&'a str, usize> {
    slugs.enumerate().map(|(i, s)| (s, i)).collect()
}

/// Hashes what `f` feeds it.
fn hash_of(f: impl FnOnce(&mut xxhash_rust::xxh3::Xxh3)) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    f(&mut h);
    std::hash::Hasher::finish(&h)
}

impl Prints {
    fn of(site: &Site) -> Prints {
        use std::hash::Hash;
        let bulletins = hash_of(|h| {
            for b in &site.bulletins {
                (b.date, b.entries.len()).hash(h);
            }
        });
        let months = hash_of(|h| {
            for m in &site.months {
                (m.month, m.entries.len()).hash(h);
            }
        });
        let counts = hash_of(|h| {
            for g in &site.provinces {
                (g.province.slug.as_str(), g.entries.len(), g.reported.len()).hash(h);
            }
            for g in &site.topics {
                (g.topic.slug.as_str(), g.topic.name.as_str(), g.entries.len()).hash(h);
            }
        });
        let stats = hash_of(|h| {
            (bulletins, site.today).hash(h);
            for e in site.entries.iter().filter(|e| !e.item.figures.is_empty()) {
                e.stats_fingerprint.hash(h);
            }
            for g in &site.topics {
                g.topic.slug.hash(h);
            }
        });
        let (province_stats, topic_stats) = subject_prints(site, bulletins);
        let totals = hash_of(|h| {
            for ms in &site.stats.metrics {
                ms.metric.key.hash(h);
                ms.total
                    .as_ref()
                    .map(|t| (t.value, t.approximate, t.sources.len()))
                    .hash(h);
            }
        });
        let all = hash_of(|h| {
            for e in &site.entries {
                e.fingerprint.hash(h);
            }
        });
        let sitemap = hash_of(|h| jobs_paths(site).hash(h));
        Prints {
            every: (0..site.entries.len()).collect(),
            stats,
            province_stats,
            topic_stats,
            totals,
            counts,
            bulletins,
            months,
            all,
            sitemap,
        }
    }

    /// The fingerprint of `job`: a hash of what its output shows.
    fn job(&self, site: &Site, job: &Job) -> u64 {
        use std::hash::Hash;
        let per = site.config.per_page.max(1);
        let cards = |h: &mut xxhash_rust::xxh3::Xxh3, idx: &[usize]| {
            for &j in idx {
                site.entries[j].card_fingerprint.hash(h);
            }
        };
        hash_of(|h| {
            key(site, job).hash(h);
            match *job {
                Job::Item(i) => {
                    site.entries[i].fingerprint.hash(h);
                    let (prev, next) = neighbour_ids(site, i);
                    for n in [prev, next] {
                        n.map(|j| site.entries[j].card_fingerprint).hash(h);
                    }
                }
                Job::Home(n) => {
                    (n, pages(self.every.len(), per), self.counts).hash(h);
                    cards(h, page_of(&self.every, n, per));
                    if n == 1 {
                        // The totals and the map.
                        (self.totals, self.stats).hash(h);
                        if let Some(b) = site.bulletins.first() {
                            b.date.hash(h);
                            cards(h, &b.entries);
                        }
                    }
                }
                Job::Region(i, n) => {
                    let g = &site.provinces[i];
                    (n, g.entries.len()).hash(h);
                    cards(h, page_of(&g.entries, n, per));
                    if n == 1 {
                        self.province_stats[i].hash(h);
                        cards(h, &g.reported);
                    }
                }
                Job::Topic(i, n) => {
                    let g = &site.topics[i];
                    (n, g.entries.len(), g.topic.name.as_str()).hash(h);
                    cards(h, page_of(&g.entries, n, per));
                    if n == 1 {
                        self.topic_stats[i].hash(h);
                    }
                }
                Job::Regions | Job::Topics | Job::Search => self.counts.hash(h),
                Job::Bulletins => self.bulletins.hash(h),
                Job::Bulletin(i) => {
                    self.bulletins.hash(h);
                    cards(h, &site.bulletins[i].entries);
                }
                Job::Archives => self.months.hash(h),
                Job::Archive(i) => {
                    self.months.hash(h);
                    cards(h, &site.months[i].entries);
                }
                Job::Stats | Job::StatsData => self.stats.hash(h),
                Job::Feed(of) => {
                    for j in feed_entries(site, of) {
                        site.entries[j].fingerprint.hash(h);
                    }
                }
                Job::Sitemap => self.sitemap.hash(h),
                Job::NewsSitemap => {
                    site.today.hash(h);
                    for e in &site.entries {
                        if e.item.date.date >= site.today - chrono::Days::new(2) {
                            e.fingerprint.hash(h);
                        }
                    }
                }
                Job::Corrections => {
                    for e in site.entries.iter().filter(|e| !e.item.corrections.is_empty()) {
                        e.card_fingerprint.hash(h);
                    }
                }
                Job::SearchIndex => (self.all, self.counts).hash(h),
                Job::Robots | Job::NotFound => {}
            }
        })
    }
}

/// The items of a feed: the newest [`FEED_ITEMS`] of its list.
fn feed_entries(site: &Site, of: FeedOf) -> Vec<usize> {
    match of {
        FeedOf::Site => (0..site.entries.len().min(FEED_ITEMS)).collect(),
        FeedOf::Region(i) => site.provinces[i].entries.iter().take(FEED_ITEMS).copied().collect(),
        FeedOf::Topic(i) => site.topics[i].entries.iter().take(FEED_ITEMS).copied().collect(),
    }
}

/// The part of `idx` on page `n` (from 1) of `per` items.
fn page_of(idx: &[usize], n: usize, per: usize) -> &[usize] {
    let start = (n.saturating_sub(1) * per).min(idx.len());
    &idx[start..(start + per).min(idx.len())]
}

/// The items before and after entry `i` in its bulletin.
fn neighbour_ids(site: &Site, i: usize) -> (Option<usize>, Option<usize>) {
    let e = &site.entries[i];
    let Some(b) = site.bulletins.iter().find(|b| b.date == e.item.bulletin) else {
        return (None, None);
    };
    match b.entries.iter().position(|&j| j == i) {
        Some(p) => (
            p.checked_sub(1).and_then(|q| b.entries.get(q)).copied(),
            b.entries.get(p + 1).copied(),
        ),
        None => (None, None),
    }
}

/// A placeholder card, replaced before use.
fn empty_card() -> CardView {
    CardView {
        card: String::new(),
        url: String::new(),
        title: String::new(),
    }
}

/// Every page kind (`page.kind`), for the chrome rendered once per kind.
const PAGE_KINDS: [&str; 14] = [
    "home",
    "item",
    "regions",
    "region",
    "topics",
    "topic",
    "bulletins",
    "bulletin",
    "archives",
    "archive",
    "stats",
    "corrections",
    "search",
    "404",
];

/// Numbers each render, for [`SHARED_CONTEXT`].
static NEXT_RENDER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// This thread's copy of a render's shared context, with the id of that render. Copying
    /// the UI strings and site settings into every page's context cost more than some pages.
    static SHARED_CONTEXT: std::cell::RefCell<Option<(u64, tera::Context)>> = const { std::cell::RefCell::new(None) };
}

/// A page's template context: the shared part plus the page's own keys, which are taken out
/// again when the page is done so the shared part serves the thread's next page.
struct PageContext {
    id: u64,
    ctx: tera::Context,
    keys: Vec<&'static str>,
}

impl PageContext {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.ctx.insert(key, value);
        self.keys.push(key);
    }
}

impl Drop for PageContext {
    fn drop(&mut self) {
        let mut c = std::mem::take(&mut self.ctx);
        for k in &self.keys {
            c.remove(k);
        }
        let id = self.id;
        SHARED_CONTEXT.with(|s| *s.borrow_mut() = Some((id, c)));
    }
}

/// Shared state of one render: the views every page reuses, built once.
struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    lang: Language,
    common_site: SiteView,
    nav: NavView,
    /// Which render this is, to tell its per-thread contexts from another's (serve renders again).
    id: u64,
    /// List-form views of every entry, by index.
    items: Vec<ItemView>,
    /// Every entry's card (card.html), rendered once, by index.
    cards: Vec<CardView>,
    /// Every entry's index, in order: the home pages' list.
    every: Vec<usize>,
    /// Entries whose views were made for this render (not taken from a cache): their cards
    /// are still to render.
    fresh: Vec<usize>,
    /// What every page gets (`site`, `t`, `nav`), serialized once.
    base: tera::Context,
    /// header.html and footer.html by page kind and `current` (see [`PAGE_KINDS`]).
    chrome: HashMap<(&'static str, bool), ChromeView>,
    /// Views every home page shows, built once.
    areas: tera::Value,
    topic_entries: tera::Value,
    home_metrics: tera::Value,
    /// In a one-shot build, the entries' bodies, by index, each taken by its item page and
    /// freed there; empty otherwise (the bodies are read from the site).
    bodies: Vec<Mutex<Option<Arc<Rendered>>>>,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let u = &site.urls;
        let lang = site.config.language;
        let common_site = SiteView {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            base_url: u.base_url().to_string(),
            base_path: u.base_path().to_string(),
            lang: lang.tag().to_string(),
            og_locale: lang.tag().replace('-', "_"),
            css_url: u.link("style.css"),
            feed_url: u.absolute(urls::FEED),
            extra: site.config.extra.clone(),
        };
        let nav = NavView {
            home: u.link(""),
            regions: u.link(urls::REGIONS),
            topics: u.link(urls::TOPICS),
            bulletins: u.link(urls::BULLETINS),
            archive: u.link(urls::ARCHIVE),
            stats: u.link(urls::STATS),
            corrections: u.link(urls::CORRECTIONS),
            search: u.link(urls::SEARCH),
        };
        let mut r = Renderer {
            site,
            theme,
            lang,
            common_site,
            nav,
            id: NEXT_RENDER.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            items: Vec::new(),
            cards: Vec::new(),
            every: (0..site.entries.len()).collect(),
            fresh: Vec::new(),
            base: tera::Context::new(),
            chrome: HashMap::new(),
            areas: tera::Value::Null,
            topic_entries: tera::Value::Null,
            home_metrics: tera::Value::Null,
            bodies: Vec::new(),
        };
        r.base.insert("site", &r.common_site);
        r.base.insert("t", &r.theme.strings);
        r.base.insert("nav", &r.nav);
        r.areas = tera::to_value(r.areas()).unwrap_or_default();
        r.topic_entries = tera::to_value(r.topic_entries()).unwrap_or_default();
        r.home_metrics = tera::to_value(r.metric_views(false)).unwrap_or_default();
        r
    }

    /// Takes the views of unchanged entries from `cache` and makes the others' (their cards
    /// are made by [`Renderer::render_cards`]).
    fn take_views(&mut self, cache: &mut ViewCache) {
        let site = self.site;
        let mut kept: Vec<Option<(ItemView, CardView)>> = site
            .entries
            .iter()
            .map(|e| cache.views.remove(&e.fingerprint))
            .collect();
        cache.views.clear();
        let missing: Vec<usize> = (0..kept.len()).filter(|&i| kept[i].is_none()).collect();
        let fresh: Vec<ItemView> = missing
            .par_iter()
            .map(|&i| self.item_view(&site.entries[i], None))
            .collect();
        for (&i, v) in missing.iter().zip(fresh) {
            kept[i] = Some((v, empty_card()));
        }
        self.fresh = missing;
        (self.items, self.cards) = kept.into_iter().flatten().unzip();
    }

    /// The views, for the next render of the same site (its unchanged entries).
    fn into_cache(self) -> ViewCache {
        ViewCache {
            views: self
                .site
                .entries
                .iter()
                .map(|e| e.fingerprint)
                .zip(self.items.into_iter().zip(self.cards))
                .collect(),
        }
    }

    /// Renders the card of every entry not taken from the cache, once; lists insert the HTML.
    fn render_cards(&mut self) -> Result<(), Diagnostic> {
        let fresh = std::mem::take(&mut self.fresh);
        let cards = fresh
            .par_iter()
            .map(|&i| self.card(&self.items[i]))
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        for (i, card) in fresh.into_iter().zip(cards) {
            self.cards[i] = card;
        }
        Ok(())
    }

    /// [`Renderer::render_cards`] for a render that keeps no views (a one-shot build): each
    /// view lives only as long as its card takes to render.
    fn render_cards_only(&mut self) -> Result<(), Diagnostic> {
        self.fresh.clear();
        self.items = Vec::new();
        self.cards = self.all_cards()?;
        Ok(())
    }

    /// Every entry's card, each made from a list view that lives only as long as the card takes.
    fn all_cards(&self) -> Result<Vec<CardView>, Diagnostic> {
        self.site
            .entries
            .par_iter()
            .map(|e| self.card(&self.item_view(e, None)))
            .collect()
    }

    /// The HTML of entry `i`'s body: taken out of [`Renderer::bodies`] where a one-shot build
    /// put it (nothing reads it after the item's page), else copied from the site.
    fn body_html(&self, i: usize) -> String {
        let taken = self
            .bodies
            .get(i)
            .and_then(|cell| cell.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
        match taken {
            Some(body) => Arc::try_unwrap(body).map_or_else(|shared| shared.html.clone(), |own| own.html),
            None => self.site.entries[i].body.html.clone(),
        }
    }

    fn card(&self, item: &ItemView) -> Result<CardView, Diagnostic> {
        let mut c = self.shared_context();
        c.insert("item", item);
        Ok(CardView {
            card: self.render("card.html", &c)?,
            url: item.url.clone(),
            title: item.title.clone(),
        })
    }

    fn t(&self, key: &str) -> String {
        self.theme.t(key).to_string()
    }

    fn run(&self, job: &Job, sink: &dyn Sink) -> Result<usize, Diagnostic> {
        let site = self.site;
        let u = &site.urls;
        match *job {
            Job::Item(i) => {
                let e = &site.entries[i];
                let item = self.item_view(e, Some(self.body_html(i)));
                let (prev, next) = self.neighbours(i);
                let mut crumbs = vec![self.home_crumb()];
                crumbs.push(LinkView {
                    label: e.item.region.province.short.clone(),
                    url: u.link(&urls::region(&e.item.region.province.slug)),
                });
                let mut meta = self.meta(
                    "item",
                    e.item.headline.title.clone(),
                    e.summary.clone(),
                    &e.path,
                    None,
                    crumbs,
                );
                meta.image = item.image.as_ref().map(|i| self.absolute_url(&i.src));
                meta.published = Some(item.datetime.clone());
                meta.modified = item.updated_datetime.clone();
                meta.jsonld = Some(crate::render::seo::news_article(site, e, meta.image.as_deref()));
                let mut c = self.context(meta);
                c.insert("item", &item);
                c.insert("prev", &prev);
                c.insert("next", &next);
                self.page("item.html", &e.path, &c, sink)
            }
            Job::Home(n) => {
                let path = urls::page("", n);
                let bulletin = (n == 1)
                    .then(|| site.bulletins.first().map(|b| self.bulletin_view(b, true)))
                    .flatten();
                let (items, paginator) = self.paginate(&self.every, "", n);
                let title = if n == 1 {
                    site.config.title.clone()
                } else {
                    self.t("page_n").replace("{n}", &n.to_string())
                };
                let meta = self.meta(
                    "home",
                    title,
                    site.config.description.clone(),
                    &path,
                    None,
                    if n == 1 { vec![] } else { vec![self.home_crumb()] },
                );
                let mut c = self.context(paged(meta, &paginator));
                c.insert("bulletin", &bulletin);
                c.insert("items", &items);
                c.insert("paginator", &paginator);
                c.insert("areas", &self.areas);
                c.insert("topics", &self.topic_entries);
                // The totals only on the first page: a new figure then re-renders one page, not all.
                let no_metrics = tera::Value::Array(Vec::new());
                c.insert("metrics", if n == 1 { &self.home_metrics } else { &no_metrics });
                c.insert("map", &if n == 1 { self.home_map() } else { None });
                self.page("index.html", &path, &c, sink)
            }
            Job::Regions => {
                let meta = self.meta(
                    "regions",
                    self.t("regions"),
                    String::new(),
                    urls::REGIONS,
                    None,
                    vec![self.home_crumb()],
                );
                let mut c = self.context(meta);
                c.insert("areas", &self.areas);
                self.page("regions.html", urls::REGIONS, &c, sink)
            }
            Job::Region(i, n) => {
                let g = &site.provinces[i];
                let first = urls::region(&g.province.slug);
                let path = urls::page(&first, n);
                let (items, paginator) = self.paginate(&g.entries, &first, n);
                let reported: Vec<&CardView> = if n == 1 {
                    g.reported.iter().filter_map(|&j| self.cards.get(j)).collect()
                } else {
                    vec![]
                };
                // The running table is on the first page only, like the items reported elsewhere.
                let stats = if n == 1 {
                    self.subject_stats(
                        |m| m.for_province(&g.province.slug).cloned(),
                        |c| c.province.slug == g.province.slug,
                    )
                } else {
                    Vec::new()
                };
                let meta = self.meta(
                    "region",
                    g.province.short.clone(),
                    format!("{} {}", g.province.name, self.t("news")),
                    &path,
                    Some(u.absolute(&urls::feed_of(&first))),
                    vec![self.home_crumb(), self.crumb("regions", urls::REGIONS)],
                );
                let mut c = self.context(paged(meta, &paginator));
                c.insert("province", &self.province_ref(g.province));
                c.insert("count", &g.entries.len());
                c.insert("items", &items);
                c.insert("paginator", &paginator);
                c.insert("reported", &reported);
                c.insert("stats", &stats);
                self.page("region.html", &path, &c, sink)
            }
            Job::Topics => {
                let meta = self.meta(
                    "topics",
                    self.t("topics"),
                    String::new(),
                    urls::TOPICS,
                    None,
                    vec![self.home_crumb()],
                );
                let mut c = self.context(meta);
                c.insert("topics", &self.topic_entries);
                self.page("topics.html", urls::TOPICS, &c, sink)
            }
            Job::Topic(i, n) => {
                let g = &site.topics[i];
                let first = urls::topic(&g.topic.slug);
                let path = urls::page(&first, n);
                let (items, paginator) = self.paginate(&g.entries, &first, n);
                let slug = g.topic.slug.as_str();
                let stats = if n == 1 {
                    self.subject_stats(
                        |m| m.for_topic(slug).cloned(),
                        |c| {
                            site.entries
                                .get(c.item)
                                .is_some_and(|e| e.item.topics.iter().any(|t| t.slug == slug))
                        },
                    )
                } else {
                    Vec::new()
                };
                let meta = self.meta(
                    "topic",
                    g.topic.name.clone(),
                    String::new(),
                    &path,
                    Some(u.absolute(&urls::feed_of(&first))),
                    vec![self.home_crumb(), self.crumb("topics", urls::TOPICS)],
                );
                let mut c = self.context(paged(meta, &paginator));
                c.insert(
                    "topic",
                    &TopicRef {
                        name: g.topic.name.clone(),
                        slug: g.topic.slug.clone(),
                        url: u.link(&first),
                    },
                );
                c.insert("count", &g.entries.len());
                c.insert("items", &items);
                c.insert("paginator", &paginator);
                c.insert("stats", &stats);
                self.page("topic.html", &path, &c, sink)
            }
            Job::Bulletins => {
                let list: Vec<BulletinView> = site.bulletins.iter().map(|b| self.bulletin_view(b, false)).collect();
                let meta = self.meta(
                    "bulletins",
                    self.t("bulletins"),
                    String::new(),
                    urls::BULLETINS,
                    None,
                    vec![self.home_crumb()],
                );
                let mut c = self.context(meta);
                c.insert("bulletins", &list);
                self.page("bulletins.html", urls::BULLETINS, &c, sink)
            }
            Job::Bulletin(i) => {
                let b = &site.bulletins[i];
                let path = urls::bulletin(b.date);
                let view = self.bulletin_view(b, true);
                // Bulletins are newest first: the next (newer) one is before this one.
                let link = |j: usize| {
                    site.bulletins.get(j).map(|o| LinkView {
                        label: locale::date(self.lang, o.date),
                        url: u.link(&urls::bulletin(o.date)),
                    })
                };
                let newer = i.checked_sub(1).and_then(link);
                let older = link(i + 1);
                let meta = self.meta(
                    "bulletin",
                    view.date_display.clone(),
                    String::new(),
                    &path,
                    None,
                    vec![self.home_crumb(), self.crumb("bulletins", urls::BULLETINS)],
                );
                let mut c = self.context(meta);
                c.insert("bulletin", &view);
                c.insert("prev", &older);
                c.insert("next", &newer);
                self.page("bulletin.html", &path, &c, sink)
            }
            Job::Archives => {
                let meta = self.meta(
                    "archives",
                    self.t("archive"),
                    String::new(),
                    urls::ARCHIVE,
                    None,
                    vec![self.home_crumb()],
                );
                let mut c = self.context(meta);
                c.insert("months", &self.month_views());
                self.page("archives.html", urls::ARCHIVE, &c, sink)
            }
            Job::Archive(i) => {
                let m = &site.months[i];
                let months = self.month_views();
                let view = months.get(i).cloned();
                let path = urls::archive(m.month.0, m.month.1);
                let items: Vec<&CardView> = m.entries.iter().filter_map(|&j| self.cards.get(j)).collect();
                let title = locale::month(self.lang, m.month.0, m.month.1);
                let meta = self.meta(
                    "archive",
                    title,
                    String::new(),
                    &path,
                    None,
                    vec![self.home_crumb(), self.crumb("archive", urls::ARCHIVE)],
                );
                let mut c = self.context(meta);
                c.insert("month", &view);
                c.insert("items", &items);
                c.insert("months", &months);
                self.page("archive.html", &path, &c, sink)
            }
            Job::Stats => {
                let downloads = vec![
                    LinkView {
                        label: "stats.json".into(),
                        url: u.link("stats/stats.json"),
                    },
                    LinkView {
                        label: "provinces.csv".into(),
                        url: u.link("stats/provinces.csv"),
                    },
                    LinkView {
                        label: "months.csv".into(),
                        url: u.link("stats/months.csv"),
                    },
                    LinkView {
                        label: "topics.csv".into(),
                        url: u.link("stats/topics.csv"),
                    },
                ];
                let meta = self.meta(
                    "stats",
                    self.t("stats"),
                    String::new(),
                    urls::STATS,
                    None,
                    vec![self.home_crumb()],
                );
                let mut c = self.context(meta);
                c.insert("metrics", &self.metric_views(true));
                c.insert("matrix", &self.matrix());
                c.insert("downloads", &downloads);
                self.page("stats.html", urls::STATS, &c, sink)
            }
            Job::NotFound => {
                let meta = self.meta("404", self.t("not_found"), String::new(), "404.html", None, vec![]);
                let c = self.context(meta);
                self.page("404.html", "404.html", &c, sink)
            }
            Job::Feed(of) => {
                let path = key(site, job);
                let title = match of {
                    FeedOf::Site => site.config.title.clone(),
                    FeedOf::Region(i) => format!("{} · {}", site.provinces[i].province.short, site.config.title),
                    FeedOf::Topic(i) => format!("{} · {}", site.topics[i].topic.name, site.config.title),
                };
                let xml = crate::render::feed::atom(site, &path, &title, &feed_entries(site, of));
                sink.write(&path, xml.as_bytes()).map(|()| 1)
            }
            Job::Sitemap => {
                let xml = crate::render::feed::sitemap(site, &jobs_paths(site));
                sink.write("sitemap.xml", xml.as_bytes()).map(|()| 1)
            }
            Job::NewsSitemap => {
                let xml = crate::render::seo::news_sitemap(site, site.today);
                sink.write(urls::NEWS_SITEMAP, xml.as_bytes()).map(|()| 1)
            }
            Job::Corrections => {
                let items: Vec<CorrectedView> = self
                    .items
                    .iter()
                    .zip(&self.cards)
                    .filter(|(v, _)| !v.corrections.is_empty())
                    .map(|(v, c)| CorrectedView {
                        card: c.card.clone(),
                        corrections: v.corrections.clone(),
                    })
                    .collect();
                let meta = self.meta(
                    "corrections",
                    self.t("corrections"),
                    String::new(),
                    urls::CORRECTIONS,
                    None,
                    vec![self.home_crumb()],
                );
                let mut c = self.context(meta);
                c.insert("items", &items);
                self.page("corrections.html", urls::CORRECTIONS, &c, sink)
            }
            Job::Robots => {
                let txt = format!(
                    "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
                    u.absolute("sitemap.xml"),
                    u.absolute(urls::NEWS_SITEMAP)
                );
                sink.write("robots.txt", txt.as_bytes()).map(|()| 1)
            }
            Job::StatsData => {
                let files = crate::render::opendata::files(site);
                for (path, bytes) in &files {
                    sink.write(path, bytes)?;
                }
                Ok(files.len())
            }
            Job::Search => {
                let meta = self.meta(
                    "search",
                    self.t("search_title"),
                    String::new(),
                    urls::SEARCH,
                    None,
                    vec![self.home_crumb()],
                );
                let mut c = self.context(meta);
                c.insert("search", &crate::render::search::page_view(site));
                self.page("search.html", urls::SEARCH, &c, sink)
            }
            Job::SearchIndex => {
                // Hundreds of files (shards and document packs): written in parallel.
                crate::render::search::write_files(site, &|path: &str, bytes: &[u8]| sink.write(path, bytes))
            }
        }
    }

    fn page(&self, template: &str, path: &str, c: &PageContext, sink: &dyn Sink) -> Result<usize, Diagnostic> {
        let html = self.render_bytes(template, c)?;
        sink.write(&urls::file_of(path), &html)?;
        Ok(1)
    }

    /// `template` rendered straight into bytes, in a buffer sized from its earlier renders: a
    /// page goes to its file as it is (`Tera::render` would check it all for UTF-8 again).
    fn render_bytes(&self, template: &str, c: &PageContext) -> Result<Vec<u8>, Diagnostic> {
        let started = std::time::Instant::now();
        let mut html = Vec::with_capacity(self.theme.metrics.typical_bytes(template));
        self.theme
            .tera
            .render_to(template, &c.ctx, &mut html)
            .map_err(|e| theme::template_error(&e, std::path::Path::new(""), &self.theme.sources))?;
        self.theme.metrics.record(template, started.elapsed(), html.len());
        Ok(html)
    }

    /// `template` rendered as text, for what is inserted into other pages (cards, chrome).
    fn render(&self, template: &str, c: &PageContext) -> Result<String, Diagnostic> {
        String::from_utf8(self.render_bytes(template, c)?)
            .map_err(|e| Diagnostic::file_error(template, format!("the template rendered invalid UTF-8: {e}")))
    }

    /// The shared context (`site`, `t`, `nav`), ready for a page's own keys.
    fn shared_context(&self) -> PageContext {
        let reused = SHARED_CONTEXT
            .with(|s| s.borrow_mut().take())
            .filter(|(id, _)| *id == self.id)
            .map(|(_, c)| c);
        PageContext {
            id: self.id,
            ctx: reused.unwrap_or_else(|| self.base.clone()),
            keys: Vec::new(),
        }
    }

    fn context(&self, mut meta: PageMeta) -> PageContext {
        let n = &self.nav;
        meta.current = [
            &n.home,
            &n.regions,
            &n.topics,
            &n.bulletins,
            &n.archive,
            &n.stats,
            &n.search,
        ]
        .contains(&&meta.url);
        meta.social = crate::render::seo::social_tags(&self.common_site, &meta);
        let mut c = self.shared_context();
        debug_assert!(
            self.chrome.contains_key(&(meta.kind, meta.current)),
            "{} not in PAGE_KINDS",
            meta.kind
        );
        if let Some(chrome) = self.chrome.get(&(meta.kind, meta.current)) {
            c.insert("chrome", chrome);
        }
        c.insert("page", &meta);
        c
    }

    /// Renders header.html and footer.html once for every page kind, as index page of its
    /// section and not: they see only `page.kind` and `page.current` of the page.
    fn render_chrome(&mut self) -> Result<(), Diagnostic> {
        self.chrome = self.chrome_views()?;
        Ok(())
    }

    /// header.html and footer.html for every page kind.
    fn chrome_views(&self) -> Result<HashMap<(&'static str, bool), ChromeView>, Diagnostic> {
        #[derive(Serialize)]
        struct ChromePage {
            kind: &'static str,
            current: bool,
        }
        let mut chrome = HashMap::new();
        // A theme of its own may do without them.
        let has = |name: &str| self.theme.tera.get_template_names().any(|t| t == name);
        let (header, footer) = (has("header.html"), has("footer.html"));
        for kind in PAGE_KINDS {
            for current in [false, true] {
                let mut c = self.shared_context();
                c.insert("page", &ChromePage { kind, current });
                let view = ChromeView {
                    header: if header {
                        self.render("header.html", &c)?
                    } else {
                        String::new()
                    },
                    footer: if footer {
                        self.render("footer.html", &c)?
                    } else {
                        String::new()
                    },
                };
                chrome.insert((kind, current), view);
            }
        }
        Ok(chrome)
    }

    fn meta(
        &self,
        kind: &'static str,
        title: String,
        description: String,
        path: &str,
        feed_url: Option<String>,
        breadcrumbs: Vec<LinkView>,
    ) -> PageMeta {
        PageMeta {
            kind,
            title,
            description: if description.is_empty() {
                self.site.config.description.clone()
            } else {
                description
            },
            url: self.site.urls.link(path),
            permalink: self.site.urls.absolute(path),
            feed_url,
            breadcrumbs,
            og_type: if kind == "item" { "article" } else { "website" },
            image: None,
            published: None,
            modified: None,
            jsonld: None,
            prev: None,
            next: None,
            current: false,
            social: String::new(),
        }
    }

    /// An absolute URL for a link that may be root-relative.
    fn absolute_url(&self, link: &str) -> String {
        if link.contains("://") {
            return link.to_string();
        }
        let base = self.site.urls.base_url();
        let origin_end = base.find("://").map_or(0, |i| i + 3);
        let origin = base[origin_end..].find('/').map_or(base, |j| &base[..origin_end + j]);
        format!("{origin}{link}")
    }

    fn home_crumb(&self) -> LinkView {
        self.crumb("home", "")
    }

    fn crumb(&self, key: &str, path: &str) -> LinkView {
        LinkView {
            label: self.t(key),
            url: self.site.urls.link(path),
        }
    }

    fn neighbours(&self, i: usize) -> (Option<LinkView>, Option<LinkView>) {
        let link = |j: Option<usize>| {
            j.and_then(|j| self.site.entries.get(j)).map(|o| LinkView {
                label: o.item.headline.title.clone(),
                url: self.site.urls.link(&o.path),
            })
        };
        let (prev, next) = neighbour_ids(self.site, i);
        (link(prev), link(next))
    }

    fn paginate(&self, idx: &[usize], first: &str, n: usize) -> (Vec<&CardView>, Paginator) {
        let per = self.site.config.per_page.max(1);
        let total = pages(idx.len(), per);
        let items = idx
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .filter_map(|&j| self.cards.get(j))
            .collect();
        let u = &self.site.urls;
        let paginator = Paginator {
            current: n,
            total,
            prev: (n > 1).then(|| u.link(&urls::page(first, n - 1))),
            next: (n < total).then(|| u.link(&urls::page(first, n + 1))),
            // First, last and a window around the current page: linear in pages, not quadratic.
            pages: (1..=total)
                .filter(|&k| k == 1 || k == total || k.abs_diff(n) <= PAGE_WINDOW)
                .scan(0, |last, k| {
                    let gap_before = k > *last + 1 && *last > 0;
                    *last = k;
                    Some(PageLink {
                        label: self.t("page_n").replace("{n}", &k.to_string()),
                        number: k,
                        url: u.link(&urls::page(first, k)),
                        current: k == n,
                        gap_before,
                    })
                })
                .collect(),
        };
        (items, paginator)
    }

    fn province_ref(&self, p: &Province) -> ProvinceRef {
        ProvinceRef {
            slug: p.slug.clone(),
            short: p.short.clone(),
            name: p.name.clone(),
            name_en: p.name_en.clone(),
            area: match self.lang {
                Language::ZhCn => p.area.name().to_string(),
                Language::En => p.area.name_en().to_string(),
            },
            url: self.site.urls.link(&urls::region(&p.slug)),
        }
    }

    /// The view of `e`: with `body_html`, the full form of its page; without, a list's form.
    fn item_view(&self, e: &Entry, body_html: Option<String>) -> ItemView {
        let full = body_html.is_some();
        let it = &e.item;
        let u = &self.site.urls;
        let lang = self.lang;
        let figures = if full {
            it.figures
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let metric = f.metric.as_deref().and_then(|k| self.site.config.metric(k));
                    FigureView {
                        label: f
                            .label
                            .clone()
                            .or_else(|| metric.map(|m| m.label.clone()))
                            .unwrap_or_default(),
                        display: format!(
                            "{}{}",
                            f.amount.written,
                            if f.amount.percent { "" } else { f.unit.as_str() }
                        ),
                        exact: f
                            .normalized
                            .map(|v| format!("{}{}", figure::format_exact(v), metric.map_or("", |m| m.unit.as_str()))),
                        metric: f.metric.clone(),
                        metric_label: metric.map(|m| m.label.clone()),
                        region: f
                            .region
                            .as_ref()
                            .filter(|r| r.province.slug != it.region.province.slug)
                            .map(|r| self.province_ref(r.province)),
                        as_of: (f.as_of != it.date.date).then(|| locale::date(lang, f.as_of)),
                        anchor: e.anchors.get(i).cloned().flatten().map(|id| format!("#{id}")),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        ItemView {
            url: u.link(&e.path),
            permalink: u.absolute(&e.path),
            title: it.headline.title.clone(),
            kicker: it.headline.kicker.clone(),
            subtitle: it.headline.subtitle.clone(),
            date: it.date.date.to_string(),
            date_display: locale::date(lang, it.date.date),
            datetime: it.date.time.to_rfc3339(),
            updated_display: it.updated.map(|t| locale::date(lang, t.date)),
            updated_datetime: it.updated.map(|t| t.time.to_rfc3339()),
            bulletin: LinkView {
                label: locale::date(lang, it.bulletin),
                url: u.link(&urls::bulletin(it.bulletin)),
            },
            region: RegionView {
                province: self.province_ref(it.region.province),
                locality: it.region.locality.clone(),
                display: it.region.display(),
            },
            topics: it
                .topics
                .iter()
                .map(|t| TopicRef {
                    name: t.name.clone(),
                    slug: t.slug.clone(),
                    url: u.link(&urls::topic(&t.slug)),
                })
                .collect(),
            kind: it.kind.name().to_string(),
            column: it.column.clone(),
            source: it.source.clone(),
            byline: BylineView {
                reporters: it.byline.reporters.clone(),
                correspondents: it.byline.correspondents.clone(),
                interns: it.byline.interns.clone(),
                photographers: it.byline.photographers.clone(),
                text: locale::byline(lang, &it.byline),
            },
            summary: e.summary.clone(),
            body_html,
            figure_columns: FigureColumns {
                metric: figures.iter().any(|f| f.metric.is_some()),
                region: figures.iter().any(|f| f.region.is_some()),
                as_of: figures.iter().any(|f| f.as_of.is_some()),
            },
            figures,
            image: it
                .image
                .as_ref()
                .map(|i| crate::render::image::view(i, e.lead.as_deref(), u)),
            corrections: it
                .corrections
                .iter()
                .map(|c| CorrectionView {
                    date: locale::date(lang, c.date),
                    iso: c.date.to_string(),
                    text: c.text.clone(),
                })
                .collect(),
            draft: it.draft,
            scheduled: e.scheduled,
            extra: it.extra.clone(),
        }
    }

    fn bulletin_view(&self, b: &crate::site::Bulletin, with_items: bool) -> BulletinView {
        BulletinView {
            date: b.date.to_string(),
            date_display: locale::date(self.lang, b.date),
            url: self.site.urls.link(&urls::bulletin(b.date)),
            count: b.entries.len(),
            items: if with_items {
                b.entries.iter().filter_map(|&j| self.cards.get(j).cloned()).collect()
            } else {
                Vec::new()
            },
        }
    }

    fn areas(&self) -> Vec<AreaView> {
        let reg = crate::content::region::registry();
        Area::all()
            .iter()
            .map(|&area| AreaView {
                name: match self.lang {
                    Language::ZhCn => area.name().to_string(),
                    Language::En => area.name_en().to_string(),
                },
                slug: area.slug().to_string(),
                provinces: reg
                    .provinces()
                    .iter()
                    .filter(|p| p.area == area)
                    .map(|p| {
                        let g = self.site.provinces.iter().find(|g| g.province.slug == p.slug);
                        ProvinceEntry {
                            province: self.province_ref(p),
                            count: g.map_or(0, |g| g.entries.len()),
                            reported: g.map_or(0, |g| g.reported.len()),
                            has_page: g.is_some(),
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    fn topic_entries(&self) -> Vec<TopicEntry> {
        self.site
            .topics
            .iter()
            .map(|g| TopicEntry {
                topic: TopicRef {
                    name: g.topic.name.clone(),
                    slug: g.topic.slug.clone(),
                    url: self.site.urls.link(&urls::topic(&g.topic.slug)),
                },
                count: g.entries.len(),
            })
            .collect()
    }

    fn month_views(&self) -> Vec<MonthView> {
        self.site
            .months
            .iter()
            .map(|m| MonthView {
                label: locale::month(self.lang, m.month.0, m.month.1),
                year: m.month.0,
                month: m.month.1,
                url: self.site.urls.link(&urls::archive(m.month.0, m.month.1)),
                count: m.entries.len(),
            })
            .collect()
    }

    fn value(&self, t: &Total, unit: &str) -> ValueView {
        self.value_with(t, unit, MAX_SOURCES)
    }

    /// A value listing at most `max` of its sources.
    fn value_with(&self, t: &Total, unit: &str, max: usize) -> ValueView {
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

    fn month_rows(&self, months: &[MonthTotal], unit: &str) -> Vec<MonthRow> {
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

    fn metric_views(&self, full: bool) -> Vec<MetricView> {
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

    fn subject_stats(
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
}

impl Renderer<'_> {
    /// The latest bulletin and the one before it.
    fn latest_bulletins(&self) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
        let b = &self.site.bulletins;
        (b.first().map(|b| b.date), b.get(1).map(|b| b.date))
    }

    fn running_view(&self, ms: &MetricStats, keep: impl Fn(&Contribution) -> bool) -> RunningView {
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
    fn metric_charts(&self, ms: &MetricStats) -> (Option<String>, Option<String>, Option<String>) {
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
    fn map_svg(&self, ms: &MetricStats) -> String {
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
        )
    }

    /// The map for the home page: the metric reported most in the latest bulletin.
    fn home_map(&self) -> Option<MapView> {
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
    fn matrix(&self) -> MatrixView {
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

/// Page metadata with the list's previous and next pages, for `<link rel="prev/next">`.
fn paged(mut meta: PageMeta, p: &Paginator) -> PageMeta {
    meta.prev = p.prev.clone();
    meta.next = p.next.clone();
    meta
}

/// Every HTML page path of the site, for the sitemap.
fn jobs_paths(site: &Site) -> Vec<(String, Option<String>)> {
    let per = site.config.per_page;
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    out.push((String::new(), site.entries.first().map(lastmod)));
    for e in &site.entries {
        out.push((e.path.clone(), Some(lastmod(e))));
    }
    for n in 2..=pages(site.entries.len(), per) {
        out.push((urls::page("", n), None));
    }
    out.push((urls::REGIONS.into(), None));
    for g in &site.provinces {
        let first = urls::region(&g.province.slug);
        for n in 1..=pages(g.entries.len(), per) {
            out.push((urls::page(&first, n), None));
        }
    }
    out.push((urls::TOPICS.into(), None));
    for g in &site.topics {
        let first = urls::topic(&g.topic.slug);
        for n in 1..=pages(g.entries.len(), per) {
            out.push((urls::page(&first, n), None));
        }
    }
    out.push((urls::BULLETINS.into(), None));
    for b in &site.bulletins {
        out.push((urls::bulletin(b.date), None));
    }
    out.push((urls::ARCHIVE.into(), None));
    for m in &site.months {
        out.push((urls::archive(m.month.0, m.month.1), None));
    }
    out.push((urls::STATS.into(), None));
    out.push((urls::CORRECTIONS.into(), None));
    out.push((urls::SEARCH.into(), None));
    out
}

fn lastmod(e: &Entry) -> String {
    e.item.updated.unwrap_or(e.item.date).time.to_rfc3339()
}

/// Serializes a view for debugging and tests.
pub fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}
