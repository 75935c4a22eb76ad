//! The steps of a build, one method each, in the order they run: configure, discover, read
//! and parse, locate lead images, assemble, check, load the theme, make the images, render
//! into a sink. `build` and `check` run them once over everything; serve's rebuilder runs the
//! same steps with a cache (it reads again only the files that changed, keeps the items it
//! read before, reuses the last site's bodies and views, renders only the pages that changed).
//!
//! Every call into content/, site/, output/images and render/ that a command makes goes
//! through here, so that a change to one of them is followed in one place.

use super::options::{configured_output, Options};
use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::base::Timings;
use crate::content::config::{self, Config};
use crate::content::image::{Pictures, DECODE_BUDGET};
use crate::content::issue;
use crate::content::item::{self, Item};
use crate::content::source::{self, SourceFile};
use crate::output::cache::ByteCache;
use crate::output::{self, images, Sink};
use crate::render::pdf::{self, Typesetter};
use crate::render::theme::{self, Theme};
use crate::render::{self, Planned, ViewCache};
use crate::site::checks::{conflicts, traceability, unplaced};
use crate::site::urls;
use crate::site::{Bulletin, Input, Selection, Site};
use std::path::PathBuf;
use std::sync::Arc;

/// Part of every cached PDF's key: raise it when the typesetting changes in a way the
/// template's text does not show (a new Typst version).
const PDF_VERSION: u32 = 1;

/// The stack of each thread that typesets PDFs.
pub(crate) const PDF_STACK_BYTES: usize = 64 << 20;

/// A site loaded and checked, with the warnings met on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The assembled site.
    pub site: Site,
    /// Warnings (the load had no errors).
    pub warnings: Diagnostics,
}

/// What a content file parsed to: its item, or every problem found in it.
pub(crate) type Parsed = Result<item::Parsed, Vec<Diagnostic>>;

/// The steps of a build for one set of [`Options`]; see the module documentation.
#[derive(Clone, Debug)]
pub(crate) struct Pipeline {
    opts: Options,
    /// A one-shot build: each item's Markdown is freed once rendered, its sources once checked.
    release: bool,
}

impl Pipeline {
    /// The steps for a check, a load or serve: the site stays whole.
    pub(crate) fn new(opts: Options) -> Pipeline {
        Pipeline { opts, release: false }
    }

    /// The steps for a one-shot build, which frees what it no longer needs as it goes.
    pub(crate) fn one_shot(opts: Options) -> Pipeline {
        Pipeline { opts, release: true }
    }

    /// The options the steps run with.
    pub(crate) fn options(&self) -> &Options {
        &self.opts
    }

    /// Reads, validates and assembles the whole site, collecting every problem: the steps up
    /// to the checks, over every content file.
    pub(crate) fn load(&self, t: &mut Timings) -> Result<Loaded, Diagnostics> {
        let config = self.configure()?;
        t.lap("config");
        let mut diags = Diagnostics::new();
        let paths = self.discover(&mut diags);
        t.lap("discover");
        let (parsed, read_diags) = self.read(&config, &paths, item::source_hash);
        diags.extend(read_diags);
        let mut items = Vec::with_capacity(parsed.len());
        for (hash, p) in parsed {
            match p {
                Ok(p) => items.push((hash, p)),
                Err(ds) => diags.extend(ds),
            }
        }
        t.lap("read, parse");
        let leads = {
            let located: Vec<(&Item, &str)> = items.iter().map(|(_, p)| (&p.item, &*p.text.front)).collect();
            diags.extend(crate::content::review::pending_warnings(&located));
            self.locate_images(&located, &mut diags)
        };
        let items: Vec<Input> = items
            .into_iter()
            .zip(leads)
            .map(|((hash, p), pictures)| Input {
                item: Arc::new(p.item),
                text: p.text,
                lead: pictures.lead.map(Arc::new),
                gallery: pictures.gallery.into_iter().map(|g| g.map(Arc::new)).collect(),
                hash,
            })
            .collect();
        if diags.has_errors() {
            // Every problem in one run: the issue files' too.
            diags.extend(issue::read_all(&self.opts.root).1);
            diags.sort();
            return Err(diags);
        }
        let mut site = self.assemble(config, items, None)?;
        t.lap("markdown, stats");
        self.check_site(&site, &mut diags);
        diags.sort();
        t.lap("figure checks");
        if self.release {
            site.release_sources();
        }
        Ok(Loaded { site, warnings: diags })
    }

    /// Loads site.yaml and applies the options that override it (`--base-url`).
    pub(crate) fn configure(&self) -> Result<Config, Diagnostics> {
        let mut config = config::load_file(&self.opts.root, &self.opts.config_file())?;
        if let Some(url) = &self.opts.base_url {
            config.base_url = config::check_base_url(url).map_err(|why| {
                Diagnostic::file_error("--base-url", format!("--base-url {why}"))
                    .with_hint("for example `--base-url https://example.org/bulletin/`")
            })?;
        }
        Ok(config)
    }

    /// Lists the content files (absolute paths, sorted); problems met on the way go to `diags`.
    pub(crate) fn discover(&self, diags: &mut Diagnostics) -> Vec<PathBuf> {
        let (paths, found) = source::discover(&self.opts.root);
        diags.extend(found);
        paths
    }

    /// Reads and parses `paths` in parallel, each text dropped once parsed. `with` makes what
    /// the caller keeps of each file beside its item (serve: its path and date). Returns the
    /// parsed files in order, and the files that could not be read.
    pub(crate) fn read<X: Send>(
        &self,
        config: &Config,
        paths: &[PathBuf],
        with: impl Fn(&SourceFile) -> X + Sync,
    ) -> (Vec<(X, Parsed)>, Diagnostics) {
        source::read_each(&self.opts.root, paths, |f| {
            let parsed = item::parse(&f, config).map_err(|mut problems| {
                // A broken picture is reported with the file's other problems.
                for (src, line) in item::named_images(&f) {
                    problems.extend(images::problem(&self.opts.root, &f.path, &f.rel, &src, line));
                }
                problems
            });
            (with(&f), parsed)
        })
    }

    /// Finds the items' local pictures (lead images, galleries): their sizes, hashes and planned
    /// variants. A missing or broken picture is an error in `diags`.
    pub(crate) fn locate_images(&self, items: &[(&Item, &str)], diags: &mut Diagnostics) -> Vec<Pictures> {
        images::locate(&self.opts.root, items, diags)
    }

    /// Assembles the site (Markdown, groups, statistics); errors come sorted. With the `previous`
    /// site (serve's rebuilds), the bodies of entries whose source and links are unchanged are
    /// taken from it instead of rendered again.
    pub(crate) fn assemble(
        &self,
        config: Config,
        items: Vec<Input>,
        previous: Option<&Site>,
    ) -> Result<Site, Diagnostics> {
        let sel = Selection {
            drafts: self.opts.drafts,
            pending: self.opts.drafts || self.opts.preview,
            preview: self.opts.preview,
            future: self.opts.future,
            today: self.opts.today,
        };
        let previous = previous.map(Site::reusable).unwrap_or_default();
        let mut site = Site::assemble_reusing(config, items, sel, &previous).map_err(|mut d| {
            d.sort();
            d
        })?;
        self.number_issues(&mut site)?;
        let clashes = render::alias_clashes(&site);
        if !clashes.is_empty() {
            let mut d = Diagnostics(clashes);
            d.sort();
            return Err(d);
        }
        Ok(site)
    }

    /// Reads the issue files (`bulletins/*.md`, a handful: read again on every rebuild, so serve
    /// follows their edits) and numbers the site's issues with them. Errors fail the build;
    /// warnings are kept in the site for [`Pipeline::check_site`].
    pub(crate) fn number_issues(&self, site: &mut Site) -> Result<(), Diagnostics> {
        let (files, mut diags) = issue::read_all(&self.opts.root);
        diags.extend(crate::site::issue::number(&site.config, &mut site.bulletins, files));
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        site.issue_warnings = diags;
        Ok(())
    }

    /// The whole-site checks: figure traceability, conflicting figures, lead-image warnings.
    pub(crate) fn check_site(&self, site: &Site, diags: &mut Diagnostics) {
        diags.extend(traceability(site));
        diags.extend(unplaced(site));
        diags.extend(conflicts(site));
        diags.extend(images::warnings(&site.entries));
        diags.extend(site.issue_warnings.iter().cloned());
    }

    /// The output folder as given (`--output`, else `output_dir`), refused when writing there
    /// could harm the site.
    pub(crate) fn output(&self, config: &Config) -> Result<PathBuf, Diagnostics> {
        let out = configured_output(&self.opts, config);
        output::check_output_dir(&self.opts.root, &out)?;
        Ok(out)
    }

    /// Compiles the templates (site's over theme's) and lists the static files.
    pub(crate) fn theme(&self, config: &Config) -> Result<Theme, Diagnostics> {
        theme::load(&self.opts.root, config)
    }

    /// The lead-image files the site shows: variants to make, originals to copy.
    pub(crate) fn image_jobs<'s>(&self, site: &'s Site) -> Vec<images::Job<'s>> {
        images::jobs(&site.entries)
    }

    /// Writes the jobs' image files into `sink`, from the image cache where it has them.
    pub(crate) fn make_images(
        &self,
        jobs: &[images::Job<'_>],
        sink: &dyn Sink,
    ) -> Result<images::Produced, Diagnostics> {
        let budget = images::Budget::new(DECODE_BUDGET);
        images::produce(jobs, &images::Cache::new(&self.opts.root), sink, &budget)
    }

    /// Checks that every job's image can be made (decoding those the cache lacks); writes nothing.
    pub(crate) fn verify_images(&self, jobs: &[images::Job<'_>]) -> Result<(), Diagnostics> {
        images::verify(jobs, &self.opts.root, &images::Budget::new(DECODE_BUDGET))
    }

    /// The typesetter of the PDF editions, with the font named in site.yaml or a system CJK
    /// font; without one, the warning to print (and the pages do not link to a PDF).
    pub(crate) fn typesetter(&self, config: &Config) -> Result<Typesetter, Diagnostic> {
        let font = config.masthead.as_ref().and_then(|m| m.font.as_deref());
        pdf::Fonts::find(&self.opts.root, font).map(Typesetter::new)
    }

    /// Writes the PDF edition of every issue into `sink`; an issue whose edition did not change
    /// since it was last typeset is copied from `.bulletin-cache/pdf/`. Returns the number of
    /// PDFs written and the number typeset. Runs before [`Pipeline::render`], which frees the bodies.
    pub(crate) fn make_pdfs(
        &self,
        site: &Site,
        typesetter: &Typesetter,
        theme: &Theme,
        sink: &dyn Sink,
    ) -> Result<(usize, usize), Diagnostics> {
        use rayon::prelude::*;
        let note_label = theme.t("editor_note");
        // Typst's layout recurses deeper than rayon's default stacks allow (a stack overflow
        // on a 1,000-item corpus): the PDFs are made on threads of their own with room.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .stack_size(PDF_STACK_BYTES)
            .build()
            .map_err(|e| Diagnostic::file_error(".", format!("cannot start the PDF threads: {e}")))?;
        let made: Vec<Result<bool, Diagnostic>> = pool.install(|| {
            site.bulletins
                .par_iter()
                .map(|b| {
                    let (bytes, typeset) = self.pdf_edition(site, b, typesetter, note_label)?;
                    sink.write(&urls::bulletin_pdf(b.date), &bytes)?;
                    Ok(typeset)
                })
                .collect()
        });
        let mut diags = Diagnostics::new();
        let (mut written, mut typeset) = (0, 0);
        for r in made {
            match r {
                Ok(t) => {
                    written += 1;
                    typeset += usize::from(t);
                }
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok((written, typeset))
    }

    /// The PDF edition of bulletin `b`, from `.bulletin-cache/pdf/` when its edition was
    /// typeset before, and whether it was typeset now. Needs a thread with a stack of
    /// [`PDF_STACK_BYTES`]; `note_label` is the theme's "编者按".
    pub(crate) fn pdf_edition(
        &self,
        site: &Site,
        b: &Bulletin,
        typesetter: &Typesetter,
        note_label: &str,
    ) -> Result<(Vec<u8>, bool), Diagnostic> {
        let cache = ByteCache::new(&self.opts.root, "pdf", PDF_VERSION);
        let edition = pdf::Edition::of(site, b, note_label, typesetter.families());
        let key = edition.content_hash(typesetter.fonts_hash());
        if let Some(bytes) = cache.get(key, "pdf") {
            return Ok((bytes, false));
        }
        let bytes = typesetter.pdf(&edition, &urls::bulletin_pdf(b.date)).map_err(|e| {
            Diagnostic::file_error(
                format!("{}/{}.md", issue::ISSUE_DIR, b.date),
                format!("the PDF edition of {} could not be typeset: {e}", b.date),
            )
        })?;
        // A cache that cannot be written costs only time.
        let _ = cache.put(key, "pdf", &bytes);
        Ok((bytes, true))
    }

    /// Renders every page into `sink`; returns the number of files written. A one-shot build
    /// frees each body once its page is written.
    pub(crate) fn render(&self, site: &mut Site, theme: &Theme, sink: &dyn Sink) -> Result<usize, Diagnostics> {
        if self.release {
            render::render_site_releasing(site, theme, sink)
        } else {
            render::render_site(site, theme, sink)
        }
    }

    /// Every page (and feed, and set of files) of the site, with the fingerprint of what it shows.
    pub(crate) fn plan(&self, site: &Site) -> Vec<Planned> {
        render::plan(site)
    }

    /// Renders the `chosen` pages into `sink`, reusing (and refreshing) the views in `views`;
    /// returns each page's key and the paths it wrote.
    pub(crate) fn render_planned(
        &self,
        site: &Site,
        theme: &Theme,
        sink: &dyn Sink,
        chosen: &[&Planned],
        views: &mut ViewCache,
    ) -> Result<Vec<(String, Vec<String>)>, Diagnostics> {
        render::render_planned(site, theme, sink, chosen, views)
    }
}
