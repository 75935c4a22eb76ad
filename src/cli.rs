//! The command line, declared with clap's derive API.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::PathBuf;

/// Bulletin: a static site generator for union news bulletins.
#[derive(Debug, Parser)]
#[command(name = "bulletin", version, about)]
pub struct Cli {
    /// The site folder (holding site.yaml).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Read the site settings from this file instead of ROOT/site.yaml (relative to the
    /// current folder); the site's folders are still found under --root.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
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
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Use this base URL instead of site.yaml's.
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<String>,
        /// Include drafts.
        #[arg(short = 'D', long)]
        drafts: bool,
        /// Include items dated after today.
        #[arg(short = 'F', long)]
        future: bool,
        /// Print how long each phase took.
        #[arg(long)]
        timings: bool,
    },
    /// Run every validation of build plus link and figure checks; write nothing.
    Check {
        /// Include drafts.
        #[arg(short = 'D', long)]
        drafts: bool,
        /// Include items dated after today.
        #[arg(short = 'F', long)]
        future: bool,
    },
    /// Build into memory and serve the site, rebuilding and reloading the browser on every change.
    Serve {
        /// The port; when it is busy the next ones are tried. 0 picks any free port.
        #[arg(short, long, default_value_t = bulletin::serve::DEFAULT_PORT)]
        port: u16,
        /// The address to listen on; anything but loopback makes the preview reachable from other machines.
        #[arg(long, default_value = "127.0.0.1", value_parser = parse_ip)]
        bind: IpAddr,
        /// The URL the preview is browsed at, when not this machine's address (a proxy, a name
        /// on the network): pages link to it and requests naming its host are answered.
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<String>,
        /// Include drafts (shown with a "草稿" mark).
        #[arg(short = 'D', long)]
        drafts: bool,
        /// Include items dated after today (shown with a "定时发布" mark).
        #[arg(short = 'F', long)]
        future: bool,
        /// Open the site in the default browser after the first build.
        #[arg(long)]
        open: bool,
    },
    /// Write a new item with its front matter filled in, and print its path.
    New {
        /// The headline (主题).
        title: String,
        /// The region: a province-level name, optionally with a city or county (山东, 山东莱西, 全国), or a city and county (西安市碑林区).
        #[arg(long)]
        region: String,
        /// A topic (repeat for several); checked against site.yaml's list when it has one.
        #[arg(long = "topic", value_name = "TOPIC")]
        topics: Vec<String>,
        /// The item's date, YYYY-MM-DD; default today.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Export one issue for another channel: a 公众号 draft or an e-mail message.
    Export {
        /// The channel.
        #[command(subcommand)]
        channel: Channel,
    },
    /// Create a new site: configuration, a sample item; the default theme is built in.
    Init {
        /// The folder to create (must be new or empty).
        dir: PathBuf,
        /// Also write the default theme to themes/default/ for customising.
        #[arg(long)]
        theme_copy: bool,
    },
    /// Print the JSON Schema (draft-07) of an item's front matter or of site.yaml, for editors.
    ///
    /// `bulletin init` writes both under .vscode/ and maps them for the YAML extension.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        of: SchemaOf,
    },
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    ///
    /// For example `bulletin completions bash > ~/.local/share/bash-completion/completions/bulletin`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// What `bulletin schema` describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaOf {
    /// An item's front matter (content/**/*.md).
    Item,
    /// site.yaml.
    Site,
}

/// The channels `bulletin export` writes for.
#[derive(Debug, Subcommand)]
pub enum Channel {
    /// A 公众号 multi-article draft: draft.json, content/NN-SLUG.html and images.tsv
    /// (default folder exports/wechat/YYYY-MM-DD/).
    Wechat {
        /// The issue, by its date (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        bulletin: NaiveDate,
        /// Write here (relative to the site root) instead.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// An e-mail message, bulletin-YYYY-MM-DD.eml (default folder exports/email/); nothing is sent.
    Email {
        /// The issue, by its date (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        bulletin: NaiveDate,
        /// Write here (relative to the site root) instead.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// An IP address, or `localhost`.
/// `--base-url` is checked as site.yaml's `base_url` is: a wrong one is a usage error (exit 2).
fn parse_base_url(s: &str) -> Result<String, String> {
    bulletin::content::config::check_base_url(s)
        .map_err(|why| format!("{why}; for example `--base-url https://example.org/bulletin/`"))
}

fn parse_ip(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    }
    s.trim_matches(['[', ']'])
        .parse()
        .map_err(|_| format!("`{s}` is not an IP address (for example 127.0.0.1, 0.0.0.0 or ::1)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults_to_loopback_on_1111() {
        let cli = Cli::try_parse_from(["bulletin", "serve"]).unwrap();
        match cli.command {
            Command::Serve { port, bind, .. } => {
                assert_eq!(port, 1111);
                assert!(bind.is_loopback());
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["bulletin", "serve", "--bind", "localhost"]).is_ok());
        assert!(Cli::try_parse_from(["bulletin", "serve", "--bind", "::1"]).is_ok());
        assert!(Cli::try_parse_from(["bulletin", "serve", "--bind", "nowhere"]).is_err());
    }

    #[test]
    fn hugo_and_zola_short_flags_work() {
        let cli = Cli::try_parse_from(["bulletin", "build", "-o", "out", "-D", "-F"]).unwrap();
        match cli.command {
            Command::Build {
                output, drafts, future, ..
            } => {
                assert_eq!(output, Some(PathBuf::from("out")));
                assert!(drafts && future);
            }
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from(["bulletin", "serve", "-p", "1313", "--open"]).unwrap();
        match cli.command {
            Command::Serve { port, open, .. } => assert!(port == 1313 && open),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn completions_are_printed_for_each_shell() {
        for shell in ["bash", "zsh", "fish", "powershell"] {
            let cli = Cli::try_parse_from(["bulletin", "completions", shell]).unwrap();
            let Command::Completions { shell } = cli.command else {
                panic!("not completions")
            };
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "bulletin", &mut out);
            let script = String::from_utf8(out).unwrap();
            assert!(
                script.contains("serve") && script.contains("drafts"),
                "{shell}: {script}"
            );
        }
    }

    #[test]
    fn export_takes_an_issue_date() {
        let cli = Cli::try_parse_from(["bulletin", "export", "wechat", "--bulletin", "2022-06-20"]).unwrap();
        match cli.command {
            Command::Export {
                channel: Channel::Wechat { bulletin, output },
            } => {
                assert_eq!(bulletin, NaiveDate::from_ymd_opt(2022, 6, 20).unwrap());
                assert_eq!(output, None);
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from([
            "bulletin",
            "export",
            "email",
            "--bulletin",
            "2022-06-20",
            "--output",
            "x"
        ])
        .is_ok());
        assert!(Cli::try_parse_from(["bulletin", "export", "email"]).is_err());
        assert!(Cli::try_parse_from(["bulletin", "export", "fax", "--bulletin", "2022-06-20"]).is_err());
    }

    #[test]
    fn new_takes_repeated_topics_and_a_date() {
        let cli = Cli::try_parse_from([
            "bulletin",
            "new",
            "标题",
            "--region",
            "山东",
            "--topic",
            "a",
            "--topic",
            "b",
            "--date",
            "2024-05-01",
        ])
        .unwrap();
        match cli.command {
            Command::New { topics, date, .. } => {
                assert_eq!(topics, ["a", "b"]);
                assert_eq!(date, NaiveDate::from_ymd_opt(2024, 5, 1));
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["bulletin", "new", "t", "--region", "x", "--date", "2024-13-01"]).is_err());
        assert!(Cli::try_parse_from(["bulletin", "new", "t"]).is_err());
    }
}
