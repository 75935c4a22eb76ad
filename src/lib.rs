//! Bulletin: a static site generator for union news bulletins.
//!
//! The pipeline, I/O at the edges and pure steps in the middle:
//!
//! ```text
//! config::load, source::discover + read_all ..................... I/O
//!   par: item::parse (frontmatter → Item, with region and figure) → all diagnostics
//!   images::locate (size, hash, planned variants of lead images) .. I/O
//!   site::Site::assemble (par: markdown::render) → stats::compute   pure
//!   images::produce (par: resized copies, cached) ................. I/O → Sink
//!   render::render_site (par, Tera templates from theme::load)      pure → Sink
//! output::Staging (write, copy static, swap in atomically) ......... I/O
//! ```
//!
//! Library functions return [`Diagnostics`]; only the binary prints them and exits.

pub mod chart;
pub mod config;
pub mod diagnostic;
pub mod feed;
pub mod figure;
pub mod frontmatter;
pub mod highlight;
pub mod images;
pub mod incremental;
pub mod item;
pub mod locale;
pub mod markdown;
pub mod opendata;
pub mod output;
pub mod region;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod seo;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod stats;
pub mod theme;
pub mod urls;
pub mod view;
pub mod yaml;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::site::{Selection, Site};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

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

/// How long each phase of a build took, in order (`bulletin build --timings`).
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// (phase, duration).
    pub phases: Vec<(&'static str, std::time::Duration)>,
    /// The process's resident memory at the end of each phase, in bytes, where the system
    /// tells it (Linux): shows which phase holds what.
    pub resident: Vec<Option<u64>>,
    /// The process's peak resident memory so far at the end of each phase, in bytes (Linux):
    /// the phase where it grows is the one that sets the peak.
    pub peak: Vec<Option<u64>>,
    last: Option<std::time::Instant>,
}

impl Timings {
    /// Starts timing.
    pub fn start() -> Self {
        Timings {
            phases: Vec::new(),
            resident: Vec::new(),
            peak: Vec::new(),
            last: Some(std::time::Instant::now()),
        }
    }

    /// Records the time since the previous lap under `phase`.
    pub fn lap(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        if let Some(last) = self.last.replace(now) {
            self.phases.push((phase, now - last));
            self.resident.push(resident_bytes());
            self.peak.push(peak_bytes());
        }
    }
}

/// Resident memory of this process (Linux `/proc/self/statm`, in pages of 4 KiB).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// A hash map for the paths, URLs and fingerprints a build or rebuild looks up by the ten
/// thousand: xxh3 instead of std's SipHash, which was a tenth of a `serve` rebuild. Its keys
/// come from the site's own files, not from the network.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// The set of [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// Peak resident memory of this process (Linux `/proc/self/status`, `VmHWM` in KiB).
fn peak_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Reads, validates and assembles the site at `opts.root`, collecting every problem.
pub fn load(opts: &Options) -> Result<Loaded, Diagnostics> {
    load_timed(opts, &mut Timings::start())
}

/// [`load`], recording the time of each phase.
pub fn load_timed(opts: &Options, t: &mut Timings) -> Result<Loaded, Diagnostics> {
    load_with(opts, t, false)
}

/// [`load_timed`]; with `release`, each item's Markdown is freed once rendered (one-shot builds).
fn load_with(opts: &Options, t: &mut Timings, release: bool) -> Result<Loaded, Diagnostics> {
    let config = configure(opts)?;
    t.lap("config");
    let (paths, mut diags) = source::discover(&opts.root);
    t.lap("discover");
    let (parsed, read_diags) = source::read_each(&opts.root, &paths, |f| item::parse(&f, &config));
    diags.extend(read_diags);
    let mut items = Vec::with_capacity(parsed.len());
    for p in parsed {
        match p {
            Ok(it) => items.push(it),
            Err(ds) => diags.extend(ds),
        }
    }
    t.lap("read, parse");
    images::locate(&opts.root, &mut items, &mut diags);
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let sel = Selection {
        drafts: opts.drafts,
        future: opts.future,
        today: opts.today,
    };
    let assemble = if release {
        Site::assemble_releasing
    } else {
        Site::assemble
    };
    let site = assemble(config, items, sel).map_err(|mut d| {
        d.sort();
        d
    })?;
    t.lap("markdown, stats");
    diags.extend(traceability(&site));
    diags.extend(conflicts(&site));
    diags.extend(images::warnings(site.entries.iter().map(|e| &*e.item)));
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

/// Warns about every figure whose number does not appear in its item's text.
pub fn traceability(site: &Site) -> Vec<Diagnostic> {
    site.entries
        .par_iter()
        .flat_map_iter(|e| {
            e.untraced
                .iter()
                .filter_map(|&i| e.item.figures.get(i).map(|f| (i, f)))
                .map(move |(i, f)| {
                    Diagnostic::warning(
                        &e.item.path,
                        e.item.figure_line(i),
                        1,
                        format!("figure `{}` does not appear in the text", f.amount.written),
                    )
                    .with_hint("figures must be traceable to the text: check the number, or write it as the text does")
                })
        })
        .collect()
}

/// Warns about `latest` figures that contradict each other: one per figure involved.
pub fn conflicts(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for ms in &site.stats.metrics {
        for c in ms.conflicts() {
            for &(item, fig, value) in &c.figures {
                let Some(e) = site.entries.get(item) else {
                    continue;
                };
                let others: Vec<String> = c
                    .figures
                    .iter()
                    .filter(|(i, j, _)| (*i, *j) != (item, fig))
                    .filter_map(|(i, _, v)| {
                        site.entries
                            .get(*i)
                            .map(|o| format!("{} in {}", v.normalize(), o.item.path.display()))
                    })
                    .collect();
                out.push(
                    Diagnostic::warning(
                        &e.item.path,
                        e.item.figure_line(fig),
                        1,
                        format!(
                            "conflicting `{}` figures for {} as of {}: {} here, {}",
                            c.metric,
                            c.province.short,
                            c.as_of,
                            value.normalize(),
                            others.join(", ")
                        ),
                    )
                    .with_hint(
                        "a `latest` metric keeps one figure per province and date; correct one of them or give `as_of`",
                    ),
                );
            }
        }
    }
    out
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
        || load_with(opts, &mut t, true),
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
    let jobs = images::jobs(site.entries.iter().map(|e| &*e.item));
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
    let jobs = images::jobs(site.entries.iter().map(|e| &*e.item));
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

pub mod links;

/// The site root from a `--root` argument: the folder itself, made absolute.
pub fn root_from(arg: &Path) -> PathBuf {
    arg.canonicalize().unwrap_or_else(|_| arg.to_path_buf())
}
