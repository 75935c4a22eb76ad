//! The commands that run the pipeline once: `load` (for tests and tools), `build` (render into
//! a staging folder that replaces the output whole) and `check` (everything but writing).

use super::options::Options;
use super::pipeline::{Loaded, Pipeline};
use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::base::Timings;
use crate::output::{self, images};
use crate::render::theme;
use crate::site::links;
use std::path::PathBuf;

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    /// Where the site was written.
    pub output: PathBuf,
    /// How many files were written.
    pub files: usize,
    /// Image variants decoded, resized and encoded (not taken from the cache).
    pub resized: usize,
    /// PDF editions typeset (not taken from the cache).
    pub typeset: usize,
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
    Pipeline::new(opts.clone()).load(t)
}

/// Builds the site: everything is rendered into a staging folder first, and the output is
/// replaced only when all of it succeeded.
pub fn build(opts: &Options) -> Result<Built, Diagnostics> {
    let p = Pipeline::one_shot(opts.clone());
    let mut t = Timings::start();
    // Compiling the templates needs only site.yaml: it overlaps reading the content.
    let (loaded, theme) = rayon::join(|| p.load(&mut t), || p.configure().and_then(|c| p.theme(&c)));
    let Loaded { mut site, mut warnings } = loaded?;
    let theme = theme?;
    let out = p.output(&site.config)?;
    let target = output::resolve(&opts.root, &out);
    t.lap("templates");
    let staging = output::Staging::begin(&target)?;
    staging.copy_statics(&theme.statics)?;
    t.lap("static files");
    let jobs = p.image_jobs(&site);
    let made = p.make_images(&jobs, &staging)?;
    t.lap("images");
    // The PDF editions (for a site with a masthead), before the render frees the bodies
    // they print.
    let wants_pdf = site.config.masthead.is_some() && !site.bulletins.is_empty();
    let typesetter = wants_pdf.then(|| p.typesetter(&site.config));
    let (pdfs, typeset) = match typesetter {
        None => (0, 0),
        Some(Ok(typesetter)) => {
            site.pdf_editions = true;
            p.make_pdfs(&site, &typesetter, &theme, &staging)?
        }
        Some(Err(warning)) => {
            warnings.push(warning);
            (0, 0)
        }
    };
    t.lap("pdf");
    let files = p.render(&mut site, &theme, &staging)?;
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
        files: files + statics + made.files + pdfs,
        typeset,
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
    let p = Pipeline::new(opts.clone());
    let Loaded { mut site, mut warnings } = p.load(&mut Timings::start())?;
    let out = p.output(&site.config)?;
    let theme = p.theme(&site.config)?;
    let jobs = p.image_jobs(&site);
    p.verify_images(&jobs)?;
    let mut names: std::collections::BTreeSet<String> =
        jobs.iter().flat_map(images::Job::outputs).map(str::to_string).collect();
    // The pages link to the PDF editions when a build would make them.
    if site.config.masthead.is_some() && !site.bulletins.is_empty() && p.typesetter(&site.config).is_ok() {
        site.pdf_editions = true;
        names.extend(site.bulletins.iter().map(|b| crate::site::urls::bulletin_pdf(b.date)));
    }
    let sink = output::MemorySink::default();
    p.render(&mut site, &theme, &sink)?;
    let files = sink.files.into_inner().unwrap_or_default();
    names.extend(files.keys().cloned());
    names.extend(theme.statics.keys().cloned());
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
