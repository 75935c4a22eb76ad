//! The pipeline every command runs: read site.yaml and the content, assemble the site, check
//! it, and for `build` render it into a staging folder that replaces the output whole.
//!
//! ```text
//! content::config::load, content::source::discover + read_each ...... I/O
//!   par: content::item::parse (front matter → Item, region, figures) → all diagnostics
//!   output::images::locate (lead images: size, hash, planned variants) I/O
//!   site::Site::assemble (par: markdown) → site::stats ............. pure
//!   site::checks (traceability, conflicts), site::links (check) .... pure
//!   output::images::produce (par: resized copies, cached) ........... I/O → Sink
//!   render::render_site (par, Tera templates from render::theme) .... pure → Sink
//! output::Staging (write, copy static, swap in atomically) .......... I/O
//! ```

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::base::Timings;
use crate::content::config::{self, Config};
use crate::content::{item, source};
use crate::output::{self, images};
use crate::render::{self, theme};
use crate::site::checks::{conflicts, traceability};
use crate::site::links;
use crate::site::{Input, Selection, Site};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a build or check is asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The site folder (holding site.yaml).
    pub root: PathBuf,
    /// Overrides `output_dir`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Include items dated after today.
    pub future: bool,
    /// The day that counts as today (tests pin it).
    pub today: chrono::NaiveDate,
}

impl Options {
    /// Defaults for the site at `root`, today being the local date.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            future: false,
            today: chrono::Local::now().date_naive(),
        }
    }
}

/// A site loaded and checked, with the warnings met on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The assembled site.
    pub site: Site,
    /// Warnings (the load had no errors).
    pub warnings: Diagnostics,
}

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    /// Where the site was written.
    pub output: PathBuf,
    /// How many files were written.
    pub files: usize,
    /// Image variants decoded, resized and encoded (not taken from the cache).
    pub resized: usize,
    /// Items published.
    pub items: usize,
    /// Time of each phase.
    pub timings: Timings,
    /// Renders per template, slowest first.
    pub templates: Vec<(String, theme::TemplateMetric)>,
    /// Warnings.
    pub warnings: Diagnostics,
}

/// Reads, validates and assembles the site at `opts.root`, collecting every problem.
pub fn load(opts: &Options) -> Result<Loaded, Diagnostics> {
    load_timed(opts, &mut Timings::start())
}

/// [`load`], recording the time of each phase.
pub fn load_timed(opts: &Options, t: &mut Timings) -> Result<Loaded, Diagnostics> {
    let config = configure(opts)?;
    t.lap("config");
    let (paths, mut diags) = source::discover(&opts.root);
    t.lap("discover");
    let (parsed, read_diags) = source::read_each(&opts.root, &paths, |f| {
        item::parse(&f, &config).map(|p| (p, item::source_hash(&f)))
    });
    diags.extend(read_diags);
    let mut items = Vec::with_capacity(parsed.len());
    for p in parsed {
        match p {
            Ok(it) => items.push(it),
            Err(ds) => diags.extend(ds),
        }
    }
    t.lap("read, parse");
    let located: Vec<(&item::Item, &str)> = items.iter().map(|(p, _)| (&p.item, &*p.text.front)).collect();
    let leads = images::locate(&opts.root, &located, &mut diags);
    let inputs: Vec<Input> = items
        .into_iter()
        .zip(leads)
        .map(|((p, hash), lead)| Input {
            item: Arc::new(p.item),
            text: p.text,
            lead: lead.map(Arc::new),
            hash,
        })
        .collect();
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let sel = Selection {
        drafts: opts.drafts,
        future: opts.future,
        today: opts.today,
    };
    let site = Site::assemble(config, inputs, sel).map_err(|mut d| {
        d.sort();
        d
    })?;
    t.lap("markdown, stats");
    diags.extend(traceability(&site));
    diags.extend(conflicts(&site));
    diags.extend(images::warnings(&site.entries));
    diags.sort();
    t.lap("figure checks");
    Ok(Loaded { site, warnings: diags })
}

/// Loads site.yaml and applies the options that override it (`--base-url`).
pub(crate) fn configure(opts: &Options) -> Result<Config, Diagnostics> {
    let mut config = config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        let url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Diagnostic::file_error("--base-url", format!("`{url}` is not an absolute http(s) URL")).into());
        }
        config.base_url = url;
    }
    Ok(config)
}

/// The output folder for these options and config.
pub fn output_dir(opts: &Options, config: &Config) -> PathBuf {
    let out = opts.output.clone().unwrap_or_else(|| config.output_dir.clone());
    output::resolve(&opts.root, &out)
}

/// Builds the site: everything is rendered into a staging folder first, and the output is
/// replaced only when all of it succeeded.
pub fn build(opts: &Options) -> Result<Built, Diagnostics> {
    let mut t = Timings::start();
    // Compiling the templates needs only site.yaml: it overlaps reading the content.
    let (loaded, theme) = rayon::join(
        || load_timed(opts, &mut t),
        || configure(opts).and_then(|config| theme::load(&opts.root, &config)),
    );
    let Loaded { mut site, mut warnings } = loaded?;
    let theme = theme?;
    site.release_sources();
    let out = opts.output.clone().unwrap_or_else(|| site.config.output_dir.clone());
    output::check_output_dir(&opts.root, &out)?;
    let target = output_dir(opts, &site.config);
    t.lap("templates");
    let staging = output::Staging::begin(&target)?;
    staging.copy_statics(&theme.statics)?;
    t.lap("static files");
    let jobs = images::jobs(&site.entries);
    let made = images::produce(&jobs, &images::Cache::new(&opts.root), &staging)?;
    t.lap("images");
    let files = render::render_site_releasing(&mut site, &theme, &staging)?;
    t.lap("render and write");
    let items = site.entries.len();
    let statics = theme.statics.len();
    let templates = theme.metrics.snapshot();
    // Freeing the site (a few allocations per item) overlaps the swap instead, and a process
    // that exits right after does not wait for it.
    rayon::spawn(move || drop((site, theme)));
    warnings.extend(staging.commit()?);
    t.lap("swap in");
    Ok(Built {
        output: target,
        resized: made.resized,
        files: files + statics + made.files,
        items,
        warnings,
        timings: t,
        templates,
    })
}

/// Runs every validation of `build` (lead images are decoded where the cache lacks their
/// copies), renders in memory, and checks internal links; writes nothing.
/// Returns the warnings when there are no errors.
pub fn check(opts: &Options) -> Result<Diagnostics, Diagnostics> {
    let Loaded { site, mut warnings } = load(opts)?;
    let out = opts.output.clone().unwrap_or_else(|| site.config.output_dir.clone());
    output::check_output_dir(&opts.root, &out)?;
    let theme = theme::load(&opts.root, &site.config)?;
    let jobs = images::jobs(&site.entries);
    images::verify(&jobs, &opts.root)?;
    let sink = output::MemorySink::default();
    render::render_site(&site, &theme, &sink)?;
    let files = sink.files.into_inner().unwrap_or_default();
    let mut names: std::collections::BTreeSet<String> = files.keys().cloned().collect();
    names.extend(theme.statics.keys().cloned());
    names.extend(jobs.iter().flat_map(images::Job::outputs).map(str::to_string));
    let broken = links::check(&site, &files, &names, &out);
    if broken.iter().any(Diagnostic::is_error) {
        let mut all = Diagnostics(broken);
        all.extend(warnings);
        all.sort();
        return Err(all);
    }
    warnings.extend(broken);
    warnings.sort();
    Ok(warnings)
}

/// The site root from a `--root` argument: the folder itself, made absolute.
pub fn root_from(arg: &Path) -> PathBuf {
    arg.canonicalize().unwrap_or_else(|_| arg.to_path_buf())
}
