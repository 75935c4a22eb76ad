//! Incremental rebuilds, for `serve`: after an edit, only what changed is done again.
//!
//! A rebuild runs the steps of a build (the pipeline of `build`) with a cache. A [`Rebuilder`]
//! keeps everything of the last good build: each content file's parsed item (re-read only when
//! the file changed), each entry's rendered body (rendered again only when its source or the
//! URL of an item it links to changed), each entry's list view and card, and for every page the
//! fingerprint of what it showed (`render::plan`). A rebuild assembles the site again
//! from the cached items, which is cheap, then renders only the pages whose fingerprint
//! changed, and removes the files of pages that are gone. A template change re-renders every
//! page (the templates include each other); site.yaml starts from nothing.
//!
//! The search index and the open data files are costly and only some pages read them: a
//! rebuild leaves them stale (`Rebuilder::has_deferred`) for [`Rebuilder::finish`] to make
//! after the browser has been told to reload. After `finish`, the files are byte for byte
//! those of a full build (tests/incremental.rs checks it), but for the PDF editions, which
//! the pages link to and [`Rebuilder::pdf`] typesets when a browser asks for one (editions.rs).

use super::editions::Editions;
use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::base::{FastMap, FastSet, Timings};
use crate::build::pipeline::{Parsed, Pipeline};
use crate::build::Options;
use crate::content::config::Config;
use crate::content::item;
use crate::content::source;
use crate::output::{self, images, MemorySink, StaticSource};
use crate::render::pdf::Typesetter;
use crate::render::theme::Theme;
use crate::render::{Planned, ViewCache};
use crate::site::{Input, Site};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

/// The files of a build: output path → bytes (shared, so that publishing them is cheap).
pub(crate) type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// What changed since the last rebuild, as the file watcher reports it.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// Changed, added or removed paths (absolute or relative to the site root). Empty means
    /// "anything may have changed": every file is checked.
    pub paths: Vec<PathBuf>,
}

/// A file's date and size.
type Stamp = (SystemTime, u64);

/// A content file just read again: its full path, date and size, and source hash.
type Reread = (PathBuf, Option<Stamp>, u64);

/// A content file as last read: its size and date, and what it parsed to: the item, its text,
/// its lead image and its source hash, as the assembly takes them.
#[derive(Debug)]
struct Source {
    stamp: Option<Stamp>,
    parsed: Result<Input, Vec<Diagnostic>>,
}

/// What a rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Warnings (figure traceability, conflicts, kept files…).
    pub warnings: Diagnostics,
    /// Content files read and parsed again.
    pub parsed: usize,
    /// Jobs rendered (a job is a page, a feed, or a set of files such as the search index).
    pub rendered: usize,
    /// Files written or replaced in the output.
    pub written: usize,
    /// Files removed from the output.
    pub removed: usize,
    /// Items published.
    pub items: usize,
    /// Whether the site was assembled (sorted, grouped, counted, checked and planned) again;
    /// false when the edited entries were replaced where they were: only their bodies changed,
    /// or they kept their places in every list and group (then the statistics were counted
    /// and the site checked again, but nothing sorted or grouped, and only the pages that can
    /// show the change were planned).
    pub assembled: bool,
    /// How long each phase took.
    pub timings: Timings,
}

/// The state kept between rebuilds; see the module documentation.
pub struct Rebuilder {
    /// The steps run, with the options they run with.
    pipeline: Pipeline,
    config: Option<Config>,
    theme: Option<Theme>,
    /// The typesetter of the PDF editions, looked up once per site.yaml (a font is costly to
    /// load); the warning to repeat when there is no font.
    typesetter: Option<Result<Arc<Typesetter>, Diagnostic>>,
    sources: BTreeMap<PathBuf, Source>,
    site: Option<Arc<Site>>,
    /// The PDF editions of `site`, made when first asked for (so that two publishings of one
    /// build share the PDFs typeset meanwhile).
    editions: OnceLock<Option<Arc<Editions>>>,
    views: ViewCache,
    /// Job key → (fingerprint, paths it wrote).
    done: FastMap<String, (u64, Vec<String>)>,
    /// Deferred jobs whose output is stale.
    deferred: Vec<Planned>,
    /// The whole-site warnings of `site` (checks, the PDF editions' font), for a rebuild that
    /// only replaces entries' bodies and leaves them as they were.
    site_warnings: Diagnostics,
    /// The output paths of the image files in `files` (variants, images from content/).
    images: BTreeSet<String>,
    files: Files,
}

impl std::fmt::Debug for Rebuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rebuilder")
            .field("root", &self.pipeline.options().root)
            .field("sources", &self.sources.len())
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl Rebuilder {
    /// A rebuilder for the site `opts` describes; nothing is read until [`Rebuilder::rebuild`].
    pub fn new(opts: Options) -> Rebuilder {
        Rebuilder::over(Pipeline::new(opts))
    }

    /// A rebuilder running `pipeline`'s steps, with nothing kept yet.
    fn over(pipeline: Pipeline) -> Rebuilder {
        Rebuilder {
            pipeline,
            config: None,
            theme: None,
            typesetter: None,
            sources: BTreeMap::new(),
            site: None,
            editions: OnceLock::new(),
            views: ViewCache::default(),
            done: FastMap::default(),
            deferred: Vec::new(),
            site_warnings: Diagnostics::new(),
            images: BTreeSet::new(),
            files: Files::new(),
        }
    }

    /// The options this rebuilder builds with.
    pub(crate) fn options(&self) -> &Options {
        self.pipeline.options()
    }

    /// The files of the last good build (deferred files as of their last making).
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// The path part of the site's base URL (`/` or `/bulletin/`), once a build succeeded.
    pub(crate) fn base_path(&self) -> Option<String> {
        self.config.as_ref().map(Config::base_path)
    }

    /// Whether deferred files (search index, open data) are stale: [`Rebuilder::finish`] makes them.
    pub(crate) fn has_deferred(&self) -> bool {
        !self.deferred.is_empty()
    }

    /// Rebuilds after `changes`. On failure the files of the last good build stay as they were.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Outcome, Diagnostics> {
        let mut t = Timings::start();
        let root = self.pipeline.options().root.clone();
        let rel: Vec<PathBuf> = changes
            .paths
            .iter()
            .map(|p| p.strip_prefix(&root).map_or_else(|_| p.clone(), Path::to_path_buf))
            .collect();
        let everything = rel.is_empty();
        let touches = |dir: &str| everything || rel.iter().any(|p| p.starts_with(dir));
        let config_file = self.pipeline.options().config_file();
        let settings = config_file.strip_prefix(&root).unwrap_or(&config_file);
        if everything || rel.iter().any(|p| p == settings) || self.config.is_none() {
            self.reset();
            self.config = Some(self.pipeline.configure()?);
        }
        let Some(config) = self.config.clone() else {
            return Err(Diagnostic::file_error(settings, "no configuration loaded").into());
        };
        let theme_changed = self.theme.is_none() || touches("templates") || touches("themes") || touches("static");
        if theme_changed {
            // The views and pages depend on the theme; image sizes on static/.
            self.theme = None;
            self.views = ViewCache::default();
            self.done.clear();
        }
        let mut diags = Diagnostics::new();
        // Items already on the site and nothing else: perhaps only their bodies changed.
        let edited = if theme_changed {
            None
        } else {
            self.edited_items(&root, &rel)
        };
        t.lap("config");
        let parsed = self.refresh_sources(&config, &rel, touches("static"), &mut diags);
        t.lap("read and parse");
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        if let Some(paths) = edited {
            if let Some(mut outcome) = self.replace_bodies(&paths, &mut t)? {
                diags.extend(self.site_warnings.iter().cloned());
                diags.sort();
                outcome.warnings = diags;
                outcome.parsed = parsed;
                return Ok(outcome);
            }
            if let Some(mut outcome) = self.replace_in_place(&paths, &mut diags, &mut t)? {
                diags.sort();
                outcome.warnings = diags;
                outcome.parsed = parsed;
                return Ok(outcome);
            }
        }
        let items: Vec<Input> = self
            .sources
            .values()
            .filter_map(|s| s.parsed.as_ref().ok().cloned())
            .collect();
        diags.extend(self.pending_warnings());
        let mut site = self.pipeline.assemble(config, items, self.site.as_deref())?;
        t.lap("assemble, stats");
        let mut checked = Diagnostics::new();
        self.pipeline.check_site(&site, &mut checked);
        // The pages link to the PDF editions as a build's do; they are typeset when asked for.
        if site.config.masthead.is_some() && !site.bulletins.is_empty() {
            let pipeline = &self.pipeline;
            match self
                .typesetter
                .get_or_insert_with(|| pipeline.typesetter(&site.config).map(Arc::new))
            {
                Ok(_) => site.pdf_editions = true,
                Err(warning) => checked.push(warning.clone()),
            }
        }
        diags.extend(checked.iter().cloned());
        t.lap("figure checks");
        let (wanted, made) = self.images(&site)?;
        t.lap("images");
        let theme = match self.theme.take() {
            Some(t) => t,
            None => self.pipeline.theme(&site.config)?,
        };
        t.lap("templates");
        let plan = self.pipeline.plan(&site);
        t.lap("plan");
        let result = self.render(&site, &theme, plan, true, theme_changed, &mut t);
        self.theme = Some(theme);
        let mut outcome = result?;
        self.site_warnings = checked;
        self.apply_images(wanted, made, &mut outcome);
        outcome.timings = t;
        diags.sort();
        outcome.warnings = diags;
        outcome.parsed = parsed;
        outcome.items = site.entries.len();
        outcome.assembled = true;
        self.editions = OnceLock::new();
        if let Some(old) = self.site.replace(Arc::new(site)) {
            // Freeing 10,000 entries takes milliseconds the editor would wait for.
            rayon::spawn(move || drop(old));
        }
        Ok(outcome)
    }

    /// The PDF editions of the last good build, typeset when asked for; None when its pages
    /// link to none (no masthead, no issue or no font).
    pub(crate) fn editions(&self) -> Option<Arc<Editions>> {
        self.editions
            .get_or_init(|| {
                let site = self.site.as_ref().filter(|s| s.pdf_editions)?;
                let typesetter = self.typesetter.as_ref()?.as_ref().ok()?;
                let note_label = self.theme.as_ref()?.t("editor_note").to_string();
                Some(Arc::new(Editions::new(
                    self.pipeline.clone(),
                    Arc::clone(site),
                    Arc::clone(typesetter),
                    note_label,
                )))
            })
            .clone()
    }

    /// The PDF edition at `path` (`bulletins/D/bulletin-D.pdf`) of the last good build,
    /// typeset now or taken from the cache, as serve answers a request for it; None when the
    /// build has no such edition.
    pub fn pdf(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, Diagnostic>> {
        self.editions()?.pdf(path)
    }

    /// Makes the deferred files (search index, open data) of the last build.
    pub fn finish(&mut self) -> Result<Outcome, Diagnostics> {
        let (Some(site), Some(theme)) = (self.site.as_ref(), self.theme.as_ref()) else {
            return Ok(Outcome::default());
        };
        let jobs = std::mem::take(&mut self.deferred);
        let chosen: Vec<&Planned> = jobs.iter().collect();
        let sink = MemorySink::default();
        let written = self
            .pipeline
            .render_planned(site, theme, &sink, &chosen, &mut self.views)?;
        let mut outcome = Outcome {
            rendered: written.len(),
            items: site.entries.len(),
            ..Outcome::default()
        };
        let prints: FastMap<&str, u64> = jobs.iter().map(|p| (p.key(), p.fingerprint())).collect();
        self.apply(sink, written, &prints, &mut outcome);
        Ok(outcome)
    }

    /// Forgets everything: the next rebuild starts from nothing.
    fn reset(&mut self) {
        *self = Rebuilder::over(self.pipeline.clone());
    }

    /// The full paths of the `rel` paths when every one is the Markdown file of an item read
    /// before (no new, removed, hidden or other file) and a site was built: an edit that
    /// [`Rebuilder::replace_bodies`] may take without assembling the site again.
    fn edited_items(&self, root: &Path, rel: &[PathBuf]) -> Option<Vec<PathBuf>> {
        if rel.is_empty() || self.site.is_none() {
            return None;
        }
        let mut paths: Vec<PathBuf> = rel
            .iter()
            .map(|p| {
                let markdown = p.starts_with("content") && p.extension().is_some_and(|x| x == "md");
                let hidden = p.components().skip(1).any(|c| {
                    let s = c.as_os_str().to_string_lossy();
                    s.starts_with('.') || s.starts_with('_')
                });
                let full = root.join(p);
                let file = std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_file());
                let known = self.sources.get(&full).is_some_and(|s| s.parsed.is_ok());
                (markdown && !hidden && file && known).then_some(full)
            })
            .collect::<Option<_>>()?;
        paths.sort();
        paths.dedup();
        Some(paths)
    }

    /// The items at `paths` as last read, when each of them parsed.
    fn parsed(&self, paths: &[PathBuf]) -> Option<Vec<Input>> {
        paths
            .iter()
            .map(|p| self.sources.get(p)?.parsed.as_ref().ok().cloned())
            .collect()
    }

    /// After the items at `paths` were read again: when they changed in their bodies only
    /// (`Site::body_edits`), puts their new entries in the site and renders the pages that
    /// show their bodies (`render::plan_bodies`), without assembling, checking or planning the
    /// rest of the site again; None (nothing done) when the site must be assembled again.
    fn replace_bodies(&mut self, paths: &[PathBuf], t: &mut Timings) -> Result<Option<Outcome>, Diagnostics> {
        let (Some(inputs), Some(site)) = (self.parsed(paths), self.site.as_deref()) else {
            return Ok(None);
        };
        let Some(fresh) = site.body_edits(&inputs) else {
            return Ok(None);
        };
        let (Some(mut site), Some(theme)) = (self.site.take(), self.theme.take()) else {
            return Ok(None);
        };
        // The PDF editions hold the site: a new site has new ones.
        self.editions = OnceLock::new();
        let changed: Vec<usize> = fresh.iter().map(|(i, _)| *i).collect();
        {
            // Copied only when a reader still holds the last site (a PDF being typeset).
            let site = Arc::make_mut(&mut site);
            for (i, entry) in fresh {
                site.entries[i] = entry;
            }
        }
        t.lap("assemble, stats");
        let plan = crate::render::plan_bodies(&site, &changed);
        t.lap("plan");
        self.render_kept(site, theme, plan, t).map(Some)
    }

    /// After the items at `paths` were read again: when each keeps its place in every list and
    /// group of the site (`Site::in_place_edits`: a title, a figure's value…), puts their new
    /// entries in the site, counts the statistics again, checks the site again (its warnings go
    /// to `diags`) and renders the pages whose inputs can have changed
    /// (`render::plan_in_place`), without sorting, grouping or planning the rest of the site;
    /// None (nothing done) when the site must be assembled again.
    fn replace_in_place(
        &mut self,
        paths: &[PathBuf],
        diags: &mut Diagnostics,
        t: &mut Timings,
    ) -> Result<Option<Outcome>, Diagnostics> {
        let (Some(inputs), Some(site)) = (self.parsed(paths), self.site.as_deref()) else {
            return Ok(None);
        };
        let Some(fresh) = site.in_place_edits(&inputs) else {
            return Ok(None);
        };
        let (Some(mut site), Some(theme)) = (self.site.take(), self.theme.take()) else {
            return Ok(None);
        };
        let changed: Vec<usize> = fresh.iter().map(|(i, ..)| *i).collect();
        let same_warnings = site.same_figure_warnings(&fresh);
        // Paths and dates stay in place: the sitemap changes only with an `updated:`.
        let lastmod_changed = fresh.iter().any(|(i, e, _)| {
            site.entries
                .get(*i)
                .is_none_or(|old| old.item.updated != e.item.updated)
        });
        // Copied only when a reader still holds the last site (a PDF being typeset).
        if Arc::make_mut(&mut site).put_in_place(fresh).is_none() {
            // A total would overflow: the full assembly reports where.
            self.site = Some(site);
            self.theme = Some(theme);
            return Ok(None);
        }
        // The PDF editions hold the site: a new site has new ones.
        self.editions = OnceLock::new();
        t.lap("assemble, stats");
        diags.extend(self.pending_warnings());
        // The checks of the whole site, unless the figures they read are as they were.
        let checked = match same_warnings {
            true => std::mem::take(&mut self.site_warnings),
            false => {
                let mut checked = Diagnostics::new();
                self.pipeline.check_site(&site, &mut checked);
                if site.config.masthead.is_some() && !site.bulletins.is_empty() {
                    if let Some(Err(warning)) = &self.typesetter {
                        checked.push(warning.clone());
                    }
                }
                checked
            }
        };
        diags.extend(checked.iter().cloned());
        t.lap("figure checks");
        let plan = crate::render::plan_in_place(&site, &changed, lastmod_changed);
        t.lap("plan");
        // Kept on failure too: they are the checks of the site kept.
        self.site_warnings = checked;
        self.render_kept(site, theme, plan, t).map(Some)
    }

    /// Renders the `plan` of a site updated in place (no images or statics to refresh), and
    /// keeps the site and theme for the next rebuild whether or not it succeeded.
    fn render_kept(
        &mut self,
        site: Arc<Site>,
        theme: Theme,
        plan: Vec<Planned>,
        t: &mut Timings,
    ) -> Result<Outcome, Diagnostics> {
        let result = self.render(&site, &theme, plan, false, false, t);
        self.theme = Some(theme);
        let outcome = result.map(|mut o| {
            o.items = site.entries.len();
            o.timings = t.clone();
            o
        });
        self.site = Some(site);
        outcome
    }

    /// The 待审 warnings of the items as last read (with `review: required`).
    fn pending_warnings(&self) -> Vec<Diagnostic> {
        let located: Vec<(&item::Item, &str)> = self
            .sources
            .values()
            .filter_map(|s| s.parsed.as_ref().ok())
            .map(|i| (&*i.item, &*i.text.front))
            .collect();
        crate::content::review::pending_warnings(&located)
    }

    /// Re-reads the content files that changed (all of them when `rel` is empty); returns how
    /// many were parsed. Problems of any file, changed or not, go to `diags`.
    fn refresh_sources(&mut self, config: &Config, rel: &[PathBuf], statics: bool, diags: &mut Diagnostics) -> usize {
        let root = self.pipeline.options().root.clone();
        let mut discover = rel.is_empty() || self.sources.is_empty();
        let mut images_again = statics;
        let mut stale: Vec<PathBuf> = Vec::new();
        for p in rel.iter().filter(|p| p.starts_with("content")) {
            let hidden = p.components().skip(1).any(|c| {
                let s = c.as_os_str().to_string_lossy();
                s.starts_with('.') || s.starts_with('_')
            });
            if hidden {
                continue;
            }
            let full = root.join(p);
            let meta = std::fs::symlink_metadata(&full);
            let markdown = p.extension().is_some_and(|x| x == "md");
            match meta {
                Ok(m) if m.is_dir() || m.file_type().is_symlink() => discover = true,
                Ok(_) if markdown => stale.push(full),
                Ok(_) => images_again = true,
                Err(_) if markdown => {
                    self.sources.remove(&full);
                }
                // A folder (or an image beside an item) went away.
                Err(_) => discover = true,
            }
        }
        if discover {
            // Anything may have changed (a folder moved, a first build): list and compare dates.
            let paths = self.pipeline.discover(diags);
            let now: std::collections::BTreeSet<&PathBuf> = paths.iter().collect();
            self.sources.retain(|p, _| now.contains(p));
            stale = paths
                .into_iter()
                .filter(|p| {
                    self.sources
                        .get(p)
                        .is_none_or(|s| s.stamp.is_none() || s.stamp != stamp(p))
                })
                .collect();
            images_again = true;
        }
        let root = &root;
        let fresh: Vec<(Reread, Parsed)> = {
            let (files, read_diags) = self.pipeline.read(config, &stale, |f| {
                let full = root.join(&f.path);
                let stamp = stamp(&full);
                (full, stamp, item::source_hash(f))
            });
            // A file that cannot be read is reported on its own; it is no longer a source.
            for d in read_diags.iter() {
                self.sources.remove(&root.join(&d.path));
            }
            diags.extend(read_diags);
            files
        };
        let parsed = fresh.len();
        let mut located = Vec::new();
        for ((path, stamp, hash), result) in fresh {
            let parsed = result.map(|p| Input {
                item: Arc::new(p.item),
                text: p.text,
                lead: None,
                gallery: Vec::new(),
                hash,
            });
            if parsed.as_ref().is_ok_and(|i| shows_pictures(&i.item)) {
                located.push(path.clone());
            }
            self.sources.insert(path, Source { stamp, parsed });
        }
        if images_again {
            // Image sizes come from files under static/ or beside the items: read them again.
            located = self
                .sources
                .iter()
                .filter(|(_, s)| s.parsed.as_ref().is_ok_and(|i| shows_pictures(&i.item)))
                .map(|(p, _)| p.clone())
                .collect();
        }
        let leads = {
            let items: Vec<(&item::Item, &str)> = located
                .iter()
                .filter_map(|p| self.sources.get(p)?.parsed.as_ref().ok())
                .map(|i| (&*i.item, &*i.text.front))
                .collect();
            self.pipeline.locate_images(&items, diags)
        };
        for (p, pictures) in located.iter().zip(leads) {
            if let Some(Ok(input)) = self.sources.get_mut(p).map(|s| &mut s.parsed) {
                input.lead = pictures.lead.map(Arc::new);
                input.gallery = pictures.gallery.into_iter().map(|g| g.map(Arc::new)).collect();
            }
        }
        for s in self.sources.values() {
            if let Err(ds) = &s.parsed {
                diags.extend(ds.iter().cloned());
            }
        }
        parsed
    }

    /// The output paths of the site's image files, and those of them not yet in the files,
    /// made (from the cache where it has them). Nothing changes until [`Self::apply_images`].
    fn images(&self, site: &Site) -> Result<(BTreeSet<String>, MemorySink), Diagnostics> {
        let jobs = self.pipeline.image_jobs(site);
        let wanted: BTreeSet<String> = jobs.iter().flat_map(images::Job::outputs).map(str::to_string).collect();
        let fresh: Vec<images::Job<'_>> = jobs
            .into_iter()
            .filter(|j| {
                j.outputs()
                    .any(|p| !self.images.contains(p) || !self.files.contains_key(p))
            })
            .collect();
        let sink = MemorySink::default();
        self.pipeline.make_images(&fresh, &sink)?;
        Ok((wanted, sink))
    }

    /// Puts the new image files in place and drops those no item shows any more.
    fn apply_images(&mut self, wanted: BTreeSet<String>, made: MemorySink, outcome: &mut Outcome) {
        for gone in self.images.difference(&wanted) {
            if self.files.remove(gone).is_some() {
                outcome.removed += 1;
            }
        }
        for (path, bytes) in made.files.into_inner().unwrap_or_default() {
            self.files.insert(path, Arc::new(bytes));
            outcome.written += 1;
        }
        self.images = wanted;
    }

    /// Renders the jobs of `plan` whose fingerprint changed and updates the files. With
    /// every job of the site planned, the files of jobs gone from it are removed.
    fn render(
        &mut self,
        site: &Site,
        theme: &Theme,
        plan: Vec<Planned>,
        complete: bool,
        theme_changed: bool,
        t: &mut Timings,
    ) -> Result<Outcome, Diagnostics> {
        let changed: Vec<&Planned> = plan
            .iter()
            .filter(|p| self.done.get(p.key()).is_none_or(|(fp, _)| *fp != p.fingerprint()))
            .collect();
        let (later, now): (Vec<&Planned>, Vec<&Planned>) = changed
            .into_iter()
            .partition(|p| p.deferrable() && self.done.contains_key(p.key()));
        let sink = MemorySink::default();
        let written = self
            .pipeline
            .render_planned(site, theme, &sink, &now, &mut self.views)
            .inspect_err(|_| {
                // The views were moved into the failed render: start them again next time.
                self.views = ViewCache::default();
            })?;
        t.lap("render");
        let mut outcome = Outcome {
            rendered: written.len(),
            ..Outcome::default()
        };
        if theme_changed {
            self.statics(theme, &mut outcome)?;
        }
        let prints: FastMap<&str, u64> = plan.iter().map(|p| (p.key(), p.fingerprint())).collect();
        // Jobs gone from the site take their files with them.
        let gone: Vec<String> = match complete {
            true => self
                .done
                .keys()
                .filter(|k| !prints.contains_key(k.as_str()))
                .cloned()
                .collect(),
            false => Vec::new(),
        };
        for k in gone {
            if let Some((_, paths)) = self.done.remove(&k) {
                for p in paths {
                    if self.files.remove(&p).is_some() {
                        outcome.removed += 1;
                    }
                }
            }
        }
        self.apply(sink, written, &prints, &mut outcome);
        let mut deferred: Vec<Planned> = later.into_iter().cloned().collect();
        if !complete {
            // Deferred jobs not planned this time stay stale.
            let old = std::mem::take(&mut self.deferred);
            deferred.extend(old.into_iter().filter(|p| !prints.contains_key(p.key())));
        }
        self.deferred = deferred;
        t.lap("update files");
        Ok(outcome)
    }

    /// Puts rendered files in place, dropping the files their jobs no longer write.
    fn apply(
        &mut self,
        sink: MemorySink,
        written: Vec<(String, Vec<String>)>,
        prints: &FastMap<&str, u64>,
        outcome: &mut Outcome,
    ) {
        for (key, paths) in &written {
            if let Some((_, old)) = self.done.get(key) {
                let now: FastSet<&String> = paths.iter().collect();
                for p in old.iter().filter(|p| !now.contains(p)) {
                    if self.files.remove(p).is_some() {
                        outcome.removed += 1;
                    }
                }
            }
        }
        for (path, bytes) in sink.files.into_inner().unwrap_or_default() {
            self.files.insert(path, Arc::new(bytes));
            outcome.written += 1;
        }
        for (key, paths) in written {
            let fp = prints.get(key.as_str()).copied().unwrap_or_default();
            self.done.insert(key, (fp, paths));
        }
    }

    /// Copies the theme's and site's static files in (a rendered page of the same name wins).
    fn statics(&mut self, theme: &Theme, outcome: &mut Outcome) -> Result<(), Diagnostics> {
        let pages: FastSet<&str> = self
            .done
            .values()
            .flat_map(|(_, paths)| paths.iter().map(String::as_str))
            .collect();
        let mut diags = Diagnostics::new();
        let mut add = Vec::new();
        let root = &self.pipeline.options().root;
        // The site as the file system names it, to tell where a static file really is.
        let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        for (name, src) in &theme.statics {
            if pages.contains(name.as_str()) || output::safe_relative(name).is_none() {
                continue;
            }
            match src {
                StaticSource::Embedded(bytes) => add.push((name.clone(), bytes.to_vec())),
                // Through a symlink (a folder or a file swapped since it was listed) a static
                // file may lie outside the site: never served.
                StaticSource::Disk(path) if !inside(&real_root, path) => {}
                StaticSource::Disk(path) => match std::fs::read(path) {
                    Ok(bytes) => add.push((name.clone(), bytes)),
                    Err(e) => diags.push(Diagnostic::file_error(
                        source::rel_to(&self.pipeline.options().root, path),
                        format!("cannot read static file: {e}"),
                    )),
                },
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        // Static files no longer there go; pages and images stay.
        let statics: std::collections::HashSet<&String> = add.iter().map(|(n, _)| n).collect();
        let stale: Vec<String> = self
            .files
            .keys()
            .filter(|k| !pages.contains(k.as_str()) && !statics.contains(k) && !self.images.contains(*k))
            .cloned()
            .collect();
        for k in stale {
            self.files.remove(&k);
            outcome.removed += 1;
        }
        for (name, bytes) in add {
            self.files.insert(name, Arc::new(bytes));
            outcome.written += 1;
        }
        Ok(())
    }
}

/// Whether `path` resolves (symlinks followed) to a file under `real_root`, itself resolved.
fn inside(real_root: &Path, path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(real_root))
}

/// A content file's date and size, to tell whether it changed.
fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Whether an item names pictures to find on disk: a lead image or a gallery.
fn shows_pictures(it: &item::Item) -> bool {
    it.image.is_some() || !it.gallery.is_empty()
}
