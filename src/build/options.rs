//! What a build, check or serve is asked to do, and where its site and output are.

use crate::content::config::Config;
use crate::output;
use std::path::{Path, PathBuf};

/// What a build or check is asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The site folder (holding site.yaml).
    pub root: PathBuf,
    /// The settings file when not `ROOT/site.yaml` (`--config FILE`), absolute.
    pub config: Option<PathBuf>,
    /// Overrides `output_dir`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Include items dated after today.
    pub future: bool,
    /// A preview (serve): items waiting for their 终审 are shown, marked 待审 with who has
    /// reviewed them so far, even without `drafts`.
    pub preview: bool,
    /// The day that counts as today (tests pin it).
    pub today: chrono::NaiveDate,
}

impl Options {
    /// Defaults for the site at `root`, today being the local date.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            config: None,
            output: None,
            base_url: None,
            drafts: false,
            future: false,
            preview: false,
            today: chrono::Local::now().date_naive(),
        }
    }

    /// The settings file: `--config`, else `ROOT/site.yaml`.
    pub fn config_file(&self) -> PathBuf {
        self.config
            .clone()
            .unwrap_or_else(|| self.root.join(crate::content::config::CONFIG_FILE))
    }
}

/// The output folder for these options and config.
pub fn output_dir(opts: &Options, config: &Config) -> PathBuf {
    output::resolve(&opts.root, &configured_output(opts, config))
}

/// The output folder as given: `--output`, else site.yaml's `output_dir`.
pub(crate) fn configured_output(opts: &Options, config: &Config) -> PathBuf {
    opts.output.clone().unwrap_or_else(|| config.output_dir.clone())
}

/// The site root from a `--root` argument: the folder itself, made absolute.
pub fn root_from(arg: &Path) -> PathBuf {
    arg.canonicalize().unwrap_or_else(|_| arg.to_path_buf())
}

/// The settings file from a `--config` argument (relative to the current folder), made
/// absolute the way [`root_from`] makes the root: its folder's symlinks resolved, so that a
/// file inside the site is named relative to the site in diagnostics. The file itself is not
/// resolved (a symlinked site.yaml keeps its name).
pub fn config_from(arg: &Path) -> PathBuf {
    let whole = std::path::absolute(arg).unwrap_or_else(|_| arg.to_path_buf());
    match (whole.parent(), whole.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map_or_else(|_| whole.clone(), |d| d.join(name)),
        _ => whole,
    }
}
