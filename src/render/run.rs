//! Runs the plan: renders the whole site ([`render_site`], and [`render_site_releasing`] for a
//! one-shot build that frees bodies as it goes) or chosen jobs ([`render_planned`], serve),
//! in parallel, writing each file to the sink as soon as it is made; and hands each job to the
//! module that makes it.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::content::markdown::Rendered;
use crate::output::Sink;
use crate::render::pages;
use crate::render::plan::{jobs, Job, Planned, ViewCache};
use crate::render::renderer::Renderer;
use crate::render::theme::Theme;
use crate::site::Site;
use rayon::prelude::*;
use std::sync::{Arc, Mutex};

/// Renders every page of `site` into `sink`; returns the number of files written.
pub(crate) fn render_site(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<usize, Diagnostics> {
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
pub(crate) fn render_site_releasing(site: &mut Site, theme: &Theme, sink: &dyn Sink) -> Result<usize, Diagnostics> {
    let (early, mut late): (Vec<Job>, Vec<Job>) = jobs(site)
        .into_iter()
        .partition(|j| matches!(j, Job::SearchIndex | Job::Feed(_) | Job::Print(_)));
    // The item pages free the bodies: the statistics, whose views are large, come after them
    // (a second thread starts halfway through the list), into the memory they freed.
    late.sort_by_key(|j| match j {
        Job::Item(_) => 0,
        Job::Stats | Job::StatsData | Job::Units => 1,
        _ => 2,
    });
    let (written, cards, chrome) = {
        let mut ctx = Renderer::new(site, theme);
        // The print editions are pages: they need the chrome.
        ctx.render_chrome()?;
        // One after the other, each in parallel: side by side, the search index's working
        // memory and the cards' would be held at once (and by different threads' caches).
        let written = collect(
            early
                .par_iter()
                .map(|job| ctx.run(job, sink))
                .collect::<Vec<_>>()
                .into_iter(),
        );
        let cards = ctx.all_cards();
        let written: usize = written?.into_iter().sum();
        (written, cards?, std::mem::take(&mut ctx.chrome))
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

/// Renders the `chosen` jobs into `sink`, reusing (and refreshing) the views in `cache`;
/// returns each job's key and the paths it wrote.
pub(crate) fn render_planned(
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

impl Renderer<'_> {
    /// Makes the file(s) of `job`, with the module of its page family; returns how many were
    /// written.
    pub(crate) fn run(&self, job: &Job, sink: &dyn Sink) -> Result<usize, Diagnostic> {
        let site = self.site;
        match *job {
            Job::Item(i) => pages::item::page(self, i, sink),
            Job::Home(n) => pages::home::page(self, n, sink),
            Job::Regions => pages::regions::index(self, sink),
            Job::Region(i, n) => pages::regions::page(self, i, n, sink),
            Job::Place(i, n) => pages::places::page(self, i, n, sink),
            Job::Topics => pages::topics::index(self, sink),
            Job::Topic(i, n) => pages::topics::page(self, i, n, sink),
            Job::Bulletins => pages::bulletins::index(self, sink),
            Job::Bulletin(i) => pages::bulletins::page(self, i, sink),
            Job::Print(i) => pages::bulletins::print(self, i, sink),
            Job::Archives => pages::archive::index(self, sink),
            Job::Archive(i) => pages::archive::month(self, i, sink),
            Job::Stats => pages::stats::page(self, sink),
            Job::Units => pages::units::page(self, sink),
            Job::Corrections => pages::singles::corrections(self, sink),
            Job::Search => pages::singles::search(self, sink),
            Job::NotFound => pages::singles::not_found(self, sink),
            Job::Feed(of) => pages::files::feed(site, job, of, sink),
            Job::Sitemap => pages::files::sitemap(site, sink),
            Job::NewsSitemap => pages::files::news_sitemap(site, sink),
            Job::Robots => pages::files::robots(site, sink),
            Job::StatsData => pages::files::stats_data(site, sink),
            Job::SearchIndex => pages::files::search_index(site, sink),
            Job::Alias(i, k) => pages::alias::page(self, i, k, sink),
        }
    }
}
