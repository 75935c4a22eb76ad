//! The files that are not pages: Atom feeds, the sitemaps, robots.txt, the open statistics
//! data and the search index, each written by the module that formats it.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::plan::{feed_entries, jobs_paths, key, FeedOf, Job};
use crate::site::urls;
use crate::site::Site;

/// The feed `of` (the job `job`).
pub(crate) fn feed(site: &Site, job: &Job, of: FeedOf, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let path = key(site, job);
    let title = match of {
        FeedOf::Site => site.config.title.clone(),
        FeedOf::Region(i) => format!("{} · {}", site.provinces[i].province.short, site.config.title),
        FeedOf::Place(i) => {
            let p = site.places[i].place;
            format!("{}{} · {}", p.province.short, p.name, site.config.title)
        }
        FeedOf::Topic(i) => format!("{} · {}", site.topics[i].topic.name, site.config.title),
    };
    let xml = crate::render::feed::atom(site, &path, &title, &feed_entries(site, of));
    sink.write(&path, xml.as_bytes()).map(|()| 1)
}

/// sitemap.xml: every page.
pub(crate) fn sitemap(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let xml = crate::render::feed::sitemap(site, &jobs_paths(site));
    sink.write("sitemap.xml", xml.as_bytes()).map(|()| 1)
}

/// The news sitemap: the items of the last two days.
pub(crate) fn news_sitemap(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let xml = crate::render::seo::news_sitemap(site, site.today);
    sink.write(urls::NEWS_SITEMAP, xml.as_bytes()).map(|()| 1)
}

/// robots.txt, pointing at both sitemaps.
pub(crate) fn robots(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let u = &site.urls;
    let txt = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        u.absolute("sitemap.xml"),
        u.absolute(urls::NEWS_SITEMAP)
    );
    sink.write("robots.txt", txt.as_bytes()).map(|()| 1)
}

/// The open statistics data (stats.json and the CSV files).
pub(crate) fn stats_data(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let files = crate::render::opendata::files(site);
    for (path, bytes) in &files {
        sink.write(path, bytes)?;
    }
    Ok(files.len())
}

/// The search index: hundreds of files (shards and document packs), written in parallel.
pub(crate) fn search_index(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    crate::render::search::write_files(site, &|path: &str, bytes: &[u8]| sink.write(path, bytes))
}
