//! The plan of a render: every file the site is made of ([`Job`], the contract's URL table),
//! each job's key (its first output path) and the fingerprint of everything it shows, so that
//! serve renders again only the pages whose fingerprint changed; and the [`ViewCache`] of
//! entry views kept between such renders.

use crate::base::diagnostic::Diagnostic;
use crate::content::alias::Alias;
use crate::render::view::{CardView, ItemView};
use crate::site::urls;
use crate::site::{Entry, Site};
use rayon::prelude::*;

/// Items per feed.
pub(crate) const FEED_ITEMS: usize = 20;

/// One file to produce.
#[derive(Clone, Debug)]
pub(crate) enum Job {
    Item(usize),
    Home(usize),
    Regions,
    Region(usize, usize),
    /// Page `n` of a city or county (an index into `Site::places`).
    Place(usize, usize),
    Topics,
    Topic(usize, usize),
    Bulletins,
    Bulletin(usize),
    /// The print edition of a bulletin.
    Print(usize),
    Archives,
    Archive(usize),
    Stats,
    /// The contributions page (only when the site has units).
    Units,
    NotFound,
    Feed(FeedOf),
    Sitemap,
    NewsSitemap,
    Corrections,
    Robots,
    StatsData,
    Search,
    SearchIndex,
    /// The redirect page of alias `k` of entry `i` (an old address of the item).
    Alias(usize, usize),
}

/// Whose feed a [`Job::Feed`] is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FeedOf {
    Site,
    Region(usize),
    Place(usize),
    Topic(usize),
}

/// How many pages a list of `n` items takes (one at least, for an empty list).
pub(crate) fn pages(n: usize, per_page: usize) -> usize {
    n.div_ceil(per_page.max(1)).max(1)
}

/// Every job of `site`, in the order they are best started.
pub(crate) fn jobs(site: &Site) -> Vec<Job> {
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
    for (i, p) in site.places.iter().enumerate() {
        jobs.extend((1..=pages(p.entries.len(), per)).map(|n| Job::Place(i, n)));
        jobs.push(Job::Feed(FeedOf::Place(i)));
    }
    jobs.push(Job::Topics);
    for (i, t) in site.topics.iter().enumerate() {
        jobs.extend((1..=pages(t.entries.len(), per)).map(|n| Job::Topic(i, n)));
        jobs.push(Job::Feed(FeedOf::Topic(i)));
    }
    jobs.push(Job::Bulletins);
    jobs.extend((0..site.bulletins.len()).map(Job::Bulletin));
    jobs.extend((0..site.bulletins.len()).map(Job::Print));
    jobs.push(Job::Archives);
    jobs.extend((0..site.months.len()).map(Job::Archive));
    for (i, e) in site.entries.iter().enumerate() {
        jobs.extend((0..e.item.aliases.len()).map(|k| Job::Alias(i, k)));
    }
    if !site.units.is_empty() {
        jobs.push(Job::Units);
    }
    jobs
}

/// Errors for aliases that name a page of the site (an item's, a list's) or an alias of
/// another item, each at the alias's line and naming the other: a redirect page cannot be
/// written where another page is, nor lead to two items.
pub(crate) fn alias_clashes(site: &Site) -> Vec<Diagnostic> {
    // The output file of every page but the redirects → the entry whose page it is, if any.
    let pages: crate::base::FastMap<String, Option<usize>> = jobs(site)
        .iter()
        .filter(|j| !matches!(j, Job::Alias(..)))
        .map(|j| {
            (
                urls::file_of(&key(site, j)),
                if let Job::Item(i) = *j { Some(i) } else { None },
            )
        })
        .collect();
    let mut aliases: Vec<(usize, &Alias)> = site
        .entries
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.item.aliases.iter().map(move |a| (i, a)))
        .collect();
    aliases.sort_by(|a, b| (&site.entries[a.0].item.path, a.1.line).cmp(&(&site.entries[b.0].item.path, b.1.line)));
    let mut seen: crate::base::FastMap<String, (usize, &Alias)> = crate::base::FastMap::default();
    let mut out = Vec::new();
    for (i, a) in aliases {
        let item = &site.entries[i].item;
        let file = urls::file_of(&a.path);
        let error =
            |message: String, hint: &str| Diagnostic::error(&item.path, a.line, a.column, message).with_hint(hint);
        match pages.get(&file) {
            Some(Some(j)) if *j == i => out.push(error(
                format!("alias `{}` is this item's own address", a.shown()),
                "an alias is an old address of the item: remove this one",
            )),
            Some(Some(j)) => out.push(error(
                format!(
                    "alias `{}` is the address of the item {}",
                    a.shown(),
                    site.entries[*j].item.path.display()
                ),
                "a redirect cannot replace another item's page: remove the alias, or give that item another `slug:`",
            )),
            Some(None) => out.push(error(
                format!("alias `{}` is the address of a page of this site", a.shown()),
                "a redirect cannot replace one of the site's pages: remove the alias",
            )),
            None => match seen.get(&file) {
                Some(&(j, first)) => out.push(error(
                    format!(
                        "alias `{}` is also an alias of {}:{}",
                        a.shown(),
                        site.entries[j].item.path.display(),
                        first.line
                    ),
                    "an old address can lead to one item only: remove one of the two",
                )),
                None => {
                    seen.insert(file, (i, a));
                }
            },
        }
    }
    out
}

/// One page or file set of the site with a fingerprint of everything it shows: a page whose
/// fingerprint did not change since the last render need not be rendered again (serve).
#[derive(Clone, Debug)]
pub(crate) struct Planned {
    pub(crate) job: Job,
    pub(crate) key: String,
    fingerprint: u64,
}

impl Planned {
    /// Names the job: its (first) output path.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// Everything the job's output depends on, hashed (the theme and site.yaml aside).
    pub(crate) fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Whether the job is costly and read only by some pages (the search index, the open data
    /// files), so that serve may make it after reloading the browser.
    pub(crate) fn deferrable(&self) -> bool {
        matches!(self.job, Job::SearchIndex | Job::StatsData)
    }
}

/// Every job of `site`, with its key and fingerprint.
pub(crate) fn plan(site: &Site) -> Vec<Planned> {
    let prints = Prints::of(site, true);
    jobs(site)
        .into_par_iter()
        .map(|job| Planned {
            key: key(site, &job),
            fingerprint: prints.job(site, &job),
            job,
        })
        .collect()
}

/// The jobs that show the bodies of the entries `changed` (their fingerprints) rather than
/// their cards or statistics, with their keys and fingerprints as [`plan`] makes them: the
/// item pages, their print editions, the feeds that list them, the news sitemap and the search
/// index. After an edit that changed only these entries' bodies (`Site::replace_bodies`),
/// every other job's fingerprint is what it was, so these are the only ones to compare.
pub(crate) fn plan_bodies(site: &Site, changed: &[usize]) -> Vec<Planned> {
    let mut jobs = Vec::new();
    for &i in changed {
        let Some(e) = site.entries.get(i) else { continue };
        jobs.push(Job::Item(i));
        jobs.extend(
            (0..site.bulletins.len())
                .filter(|&b| site.bulletins[b].date == e.item.bulletin)
                .map(Job::Print),
        );
    }
    let feeds = std::iter::once(FeedOf::Site)
        .chain((0..site.provinces.len()).map(FeedOf::Region))
        .chain((0..site.places.len()).map(FeedOf::Place))
        .chain((0..site.topics.len()).map(FeedOf::Topic));
    for of in feeds {
        if feed_entries(site, of).iter().any(|j| changed.contains(j)) {
            jobs.push(Job::Feed(of));
        }
    }
    jobs.extend([Job::NewsSitemap, Job::SearchIndex]);
    // Only the fingerprints these jobs read.
    let prints = Prints {
        bulletins: Prints::bulletins(site),
        counts: Prints::counts(site),
        all: Prints::all(site),
        ..Prints::default()
    };
    let mut seen = crate::base::FastSet::default();
    jobs.into_iter()
        .map(|job| Planned {
            key: key(site, &job),
            fingerprint: prints.job(site, &job),
            job,
        })
        .filter(|p| seen.insert(p.key.clone()))
        .collect()
}

/// The jobs whose fingerprints can change when the entries `changed` were edited in place
/// (`Site::in_place_edits`: each keeps its place in every list and group, so that no list,
/// group or count changes), with their keys and fingerprints as [`plan`] makes them: their
/// pages, redirects and neighbours (which show their cards), the list pages and feeds that show
/// them, the first page of every province, place and topic (their statistics), the home page,
/// the statistics, contributions, corrections and sitemaps, and the search index. Every other
/// job's fingerprint reads none of what such an edit changes. The sitemap, whose fingerprint
/// reads every page's path (a third of this plan's time at 100,000 items), is planned only
/// when `lastmod_changed`: the paths stay, so only an entry's `updated:` can change it.
pub(crate) fn plan_in_place(site: &Site, changed: &[usize], lastmod_changed: bool) -> Vec<Planned> {
    let per = site.config.per_page.max(1);
    let page_with = |idx: &[usize], i: usize| idx.iter().position(|&j| j == i).map(|p| p / per + 1);
    let mut jobs = vec![
        Job::SearchIndex,
        Job::Stats,
        Job::StatsData,
        Job::Feed(FeedOf::Site),
        Job::NewsSitemap,
        Job::Corrections,
        Job::Home(1),
    ];
    if lastmod_changed {
        jobs.push(Job::Sitemap);
    }
    if !site.units.is_empty() {
        jobs.push(Job::Units);
    }
    for &i in changed {
        let Some(e) = site.entries.get(i) else { continue };
        jobs.push(Job::Item(i));
        let (prev, next) = neighbour_ids(site, i);
        jobs.extend(prev.into_iter().chain(next).map(Job::Item));
        jobs.extend((0..e.item.aliases.len()).map(|k| Job::Alias(i, k)));
        jobs.push(Job::Home(i / per + 1));
        for (b, g) in site.bulletins.iter().enumerate() {
            if g.date == e.item.bulletin {
                jobs.extend([Job::Bulletin(b), Job::Print(b)]);
            }
        }
        let month = crate::site::stats::month_of(e.item.date.date);
        jobs.extend(
            (0..site.months.len())
                .filter(|&m| site.months[m].month == month)
                .map(Job::Archive),
        );
        for (p, g) in site.provinces.iter().enumerate() {
            jobs.extend(page_with(&g.entries, i).map(|n| Job::Region(p, n)));
        }
        for (p, g) in site.places.iter().enumerate() {
            jobs.extend(page_with(&g.entries, i).map(|n| Job::Place(p, n)));
        }
        for (t, g) in site.topics.iter().enumerate() {
            jobs.extend(page_with(&g.entries, i).map(|n| Job::Topic(t, n)));
        }
    }
    for p in 0..site.provinces.len() {
        jobs.extend([Job::Region(p, 1), Job::Feed(FeedOf::Region(p))]);
    }
    for p in 0..site.places.len() {
        jobs.extend([Job::Place(p, 1), Job::Feed(FeedOf::Place(p))]);
    }
    for t in 0..site.topics.len() {
        jobs.extend([Job::Topic(t, 1), Job::Feed(FeedOf::Topic(t))]);
    }
    let prints = Prints::of(site, lastmod_changed);
    let mut seen = crate::base::FastSet::default();
    let jobs: Vec<(Job, String)> = jobs
        .into_iter()
        .map(|job| (key(site, &job), job))
        .filter(|(k, _)| seen.insert(k.clone()))
        .map(|(k, job)| (job, k))
        .collect();
    jobs.into_par_iter()
        .map(|(job, key)| Planned {
            fingerprint: prints.job(site, &job),
            key,
            job,
        })
        .collect()
}

/// The list form and card of the entries of an earlier render, by index, with each entry's
/// fingerprint: an entry at the same index with the same fingerprint takes its views back
/// without a lookup (an edit that moves no entry costs no map of 100,000 views), and others
/// find theirs by fingerprint. Valid only for the same theme and site.yaml.
#[derive(Debug, Default)]
pub(crate) struct ViewCache {
    pub(crate) prints: Vec<u64>,
    pub(crate) items: Vec<ItemView>,
    pub(crate) cards: Vec<CardView>,
}

/// A job's key: its first output path.
pub(crate) fn key(site: &Site, job: &Job) -> String {
    let u = |first: String, n: usize| urls::page(&first, n);
    match *job {
        Job::Item(i) => site.entries[i].path.clone(),
        Job::Home(n) => u(String::new(), n),
        Job::Regions => urls::REGIONS.into(),
        Job::Region(i, n) => u(urls::region(&site.provinces[i].province.slug), n),
        Job::Place(i, n) => u(urls::place(site.places[i].place), n),
        Job::Topics => urls::TOPICS.into(),
        Job::Topic(i, n) => u(urls::topic(&site.topics[i].topic.slug), n),
        Job::Bulletins => urls::BULLETINS.into(),
        Job::Bulletin(i) => urls::bulletin(site.bulletins[i].date),
        Job::Print(i) => urls::bulletin_print(site.bulletins[i].date),
        Job::Archives => urls::ARCHIVE.into(),
        Job::Archive(i) => urls::archive(site.months[i].month.0, site.months[i].month.1),
        Job::Stats => urls::STATS.into(),
        Job::Units => urls::UNITS.into(),
        Job::NotFound => "404.html".into(),
        Job::Feed(FeedOf::Site) => urls::FEED.into(),
        Job::Feed(FeedOf::Region(i)) => urls::feed_of(&urls::region(&site.provinces[i].province.slug)),
        Job::Feed(FeedOf::Place(i)) => urls::feed_of(&urls::place(site.places[i].place)),
        Job::Feed(FeedOf::Topic(i)) => urls::feed_of(&urls::topic(&site.topics[i].topic.slug)),
        Job::Sitemap => "sitemap.xml".into(),
        Job::NewsSitemap => urls::NEWS_SITEMAP.into(),
        Job::Corrections => urls::CORRECTIONS.into(),
        Job::Robots => "robots.txt".into(),
        Job::StatsData => "stats/stats.json".into(),
        Job::Search => urls::SEARCH.into(),
        Job::SearchIndex => format!("{}meta.json", crate::render::search::DIR),
        Job::Alias(i, k) => site.entries[i].item.aliases[k].path.clone(),
    }
}

/// Fingerprints shared by many jobs, computed once per plan.
#[derive(Default)]
struct Prints {
    /// The statistics and what they are computed from.
    stats: u64,
    /// Per province group, what the statistics on its first page are computed from: the
    /// bulletins and today, and each figure counted for it with its item's statistics
    /// fingerprint. An item's edit re-renders the pages of the provinces it counts for, not
    /// all of them.
    province_stats: Vec<u64>,
    /// Per place group, the same for the figures counted for it or a place in it.
    place_stats: Vec<u64>,
    /// Per topic group, the same for the figures of its items.
    topic_stats: Vec<u64>,
    /// The overall total of each metric (the home pages' side box).
    totals: u64,
    /// How many items each province, place and topic has (the home, index and search pages).
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
    /// The contributions table: each unit, its counts, and the title and URL of each of its
    /// items (0 without units).
    units: u64,
}

/// [`Prints::province_stats`] and [`Prints::topic_stats`]: one pass over the contributions,
/// each hashed into the province it counts for and the topics of its item, as the first pages'
/// `subject_stats` filter them.
fn subject_prints(site: &Site, bulletins: u64) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    use std::hash::{Hash, Hasher};
    let start = || {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        (bulletins, site.today).hash(&mut h);
        h
    };
    let mut provinces: Vec<_> = site.provinces.iter().map(|_| start()).collect();
    let mut topics: Vec<_> = site.topics.iter().map(|_| start()).collect();
    let mut places: Vec<_> = site.places.iter().map(|_| start()).collect();
    let place_at: crate::base::FastMap<u32, usize> =
        site.places.iter().enumerate().map(|(i, g)| (g.place.code, i)).collect();
    let province_at = positions(site.provinces.iter().map(|g| g.province.slug.as_str()));
    let topic_at = positions(site.topics.iter().map(|g| g.topic.slug.as_str()));
    for ms in &site.stats.metrics {
        for c in &ms.contributions {
            let Some(e) = site.entries.get(c.item) else { continue };
            let print = (ms.metric.key.as_str(), c.figure, e.stats_fingerprint);
            if let Some(&p) = province_at.get(c.province.slug.as_str()) {
                print.hash(&mut provinces[p]);
            }
            if let Some(place) = c.place {
                for code in [place.code, place.parent] {
                    if let Some(&p) = place_at.get(&code) {
                        print.hash(&mut places[p]);
                    }
                }
            }
            for t in &e.item.topics {
                if let Some(&i) = topic_at.get(t.slug.as_str()) {
                    print.hash(&mut topics[i]);
                }
            }
        }
    }
    let done = |hs: Vec<xxhash_rust::xxh3::Xxh3>| hs.iter().map(Hasher::finish).collect();
    (done(provinces), done(places), done(topics))
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
    /// The bulletins, their sizes and issue numbers, and whether they have PDF editions.
    fn bulletins(site: &Site) -> u64 {
        use std::hash::Hash;
        hash_of(|h| {
            site.pdf_editions.hash(h);
            for b in &site.bulletins {
                (b.date, b.entries.len(), b.issue.fingerprint).hash(h);
            }
        })
    }

    /// How many items each province, place and topic has.
    fn counts(site: &Site) -> u64 {
        use std::hash::Hash;
        hash_of(|h| {
            for g in &site.provinces {
                (
                    g.province.slug.as_str(),
                    g.entries.len(),
                    g.reported.len(),
                    g.place_count,
                )
                    .hash(h);
            }
            for g in &site.topics {
                (g.topic.slug.as_str(), g.topic.name.as_str(), g.entries.len()).hash(h);
            }
            // The search page's city filter.
            for g in &site.places {
                (g.place.code, g.entries.len()).hash(h);
            }
        })
    }

    /// Every entry's fingerprint.
    fn all(site: &Site) -> u64 {
        use std::hash::Hash;
        hash_of(|h| {
            for e in &site.entries {
                e.fingerprint.hash(h);
            }
        })
    }

    /// Every print of `site`; the sitemap's only when asked for (0 otherwise: no job reads it).
    fn of(site: &Site, sitemap: bool) -> Prints {
        use std::hash::Hash;
        let bulletins = Prints::bulletins(site);
        let months = hash_of(|h| {
            for m in &site.months {
                (m.month, m.entries.len()).hash(h);
            }
        });
        let counts = Prints::counts(site);
        let stats = hash_of(|h| {
            (bulletins, site.today).hash(h);
            for e in site.entries.iter().filter(|e| !e.item.figures.is_empty()) {
                e.stats_fingerprint.hash(h);
            }
            for g in &site.topics {
                g.topic.slug.hash(h);
            }
        });
        let (province_stats, place_stats, topic_stats) = subject_prints(site, bulletins);
        let totals = hash_of(|h| {
            for ms in &site.stats.metrics {
                ms.metric.key.hash(h);
                ms.total
                    .as_ref()
                    .map(|t| (t.value, t.approximate, t.sources.len()))
                    .hash(h);
            }
        });
        let all = Prints::all(site);
        let sitemap = if sitemap {
            hash_of(|h| jobs_paths(site).hash(h))
        } else {
            0
        };
        let units = hash_of(|h| {
            let t = &site.units;
            (&t.months, &t.years).hash(h);
            for u in &t.units {
                (&u.name, &u.region, &u.by_month, &u.by_year).hash(h);
                for e in site.pick(&u.entries) {
                    (&e.path, &e.item.headline.title, e.item.date.date).hash(h);
                }
            }
        });
        Prints {
            units,
            every: (0..site.entries.len()).collect(),
            stats,
            province_stats,
            place_stats,
            topic_stats,
            totals,
            counts,
            bulletins,
            months,
            all,
            sitemap,
        }
    }

    /// What the table of place groups `idx` shows: each place, its counts and its figures.
    fn place_table(&self, site: &Site, idx: &[usize], h: &mut xxhash_rust::xxh3::Xxh3) {
        use std::hash::Hash;
        for &j in idx {
            let g = &site.places[j];
            (g.place.code, g.entries.len(), g.reported.len(), self.place_stats[j]).hash(h);
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
                    // Its JSON-LD names the issue's number.
                    site.issue_of(site.entries[i].item.bulletin)
                        .map(|b| b.issue.fingerprint)
                        .hash(h);
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
                            (b.date, b.issue.fingerprint, site.pdf_editions).hash(h);
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
                        self.place_table(site, &g.places, h);
                    }
                }
                Job::Place(i, n) => {
                    let g = &site.places[i];
                    (n, g.entries.len(), g.parent).hash(h);
                    cards(h, page_of(&g.entries, n, per));
                    if n == 1 {
                        self.place_stats[i].hash(h);
                        cards(h, &g.reported);
                        self.place_table(site, &g.children, h);
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
                Job::Print(i) => {
                    self.bulletins.hash(h);
                    for &j in &site.bulletins[i].entries {
                        site.entries[j].fingerprint.hash(h);
                    }
                }
                Job::Archives => self.months.hash(h),
                Job::Archive(i) => {
                    self.months.hash(h);
                    cards(h, &site.months[i].entries);
                }
                Job::Stats | Job::StatsData => (self.stats, self.units).hash(h),
                // Its units link to the pages of their places and provinces that exist.
                Job::Units => (self.units, self.counts).hash(h),
                Job::Feed(of) => {
                    for j in feed_entries(site, of) {
                        site.entries[j].fingerprint.hash(h);
                        // Each entry names its issue's number.
                        site.issue_of(site.entries[j].item.bulletin)
                            .map(|b| b.issue.fingerprint)
                            .hash(h);
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
                // The item's headline and address.
                Job::Alias(i, _) => {
                    let e = &site.entries[i];
                    (e.path.as_str(), e.item.headline.title.as_str()).hash(h);
                }
                Job::Robots | Job::NotFound => {}
            }
        })
    }
}

/// The items of a feed: the newest [`FEED_ITEMS`] of its list.
pub(crate) fn feed_entries(site: &Site, of: FeedOf) -> Vec<usize> {
    match of {
        FeedOf::Site => (0..site.entries.len().min(FEED_ITEMS)).collect(),
        // A feed lists what its page lists: the items filed under it and those elsewhere
        // that report its figures.
        FeedOf::Region(i) => {
            let g = &site.provinces[i];
            crate::site::places::newest(&g.entries, &g.reported, FEED_ITEMS)
        }
        FeedOf::Place(i) => {
            let g = &site.places[i];
            crate::site::places::newest(&g.entries, &g.reported, FEED_ITEMS)
        }
        FeedOf::Topic(i) => site.topics[i].entries.iter().take(FEED_ITEMS).copied().collect(),
    }
}

/// The part of `idx` on page `n` (from 1) of `per` items.
fn page_of(idx: &[usize], n: usize, per: usize) -> &[usize] {
    let start = (n.saturating_sub(1) * per).min(idx.len());
    &idx[start..(start + per).min(idx.len())]
}

/// The items before and after entry `i` in its bulletin.
pub(crate) fn neighbour_ids(site: &Site, i: usize) -> (Option<usize>, Option<usize>) {
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

/// Every HTML page path of the site, for the sitemap.
pub(crate) fn jobs_paths(site: &Site) -> Vec<(String, Option<String>)> {
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
    for g in &site.places {
        let first = urls::place(g.place);
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
        out.push((urls::bulletin_print(b.date), None));
    }
    out.push((urls::ARCHIVE.into(), None));
    for m in &site.months {
        out.push((urls::archive(m.month.0, m.month.1), None));
    }
    out.push((urls::STATS.into(), None));
    if !site.units.is_empty() {
        out.push((urls::UNITS.into(), None));
    }
    out.push((urls::CORRECTIONS.into(), None));
    out.push((urls::SEARCH.into(), None));
    out
}

/// The sitemap's `lastmod` of an item.
fn lastmod(e: &Entry) -> String {
    e.item.updated.unwrap_or(e.item.date).time.to_rfc3339()
}
