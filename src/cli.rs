//! The command line, declared with clap's derive API.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Bulletin: a static site generator for union news bulletins.
#[derive(Debug, Parser)]
#[command(name = "bulletin", version, about)]
pub struct Cli {
    /// The site folder (holding site.yaml).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// How diagnostics are printed.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Diagnostic output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:column: error: message`, one per line, with hints.
    Text,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site; the old output stays intact until the new one is complete.
    Build {
        /// Write here instead of site.yaml's output_dir.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Use this base URL instead of site.yaml's.
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Include items dated after today.
        #[arg(long)]
        future: bool,
    },
    /// Run every validation of build plus link and figure checks; write nothing.
    Check {
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Include items dated after today.
        #[arg(long)]
        future: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
