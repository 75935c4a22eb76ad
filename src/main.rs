//! The `bulletin` binary: parses the command line, calls the library, prints diagnostics and
//! picks the exit status (0 success, 1 content errors, 2 usage). The only place that prints.

mod cli;

use bulletin::diagnostic::{Diagnostic, Diagnostics};
use bulletin::Options;
use clap::Parser;
use cli::{Cli, Command, Format};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = bulletin::root_from(&cli.root);
    let started = Instant::now();
    let result = match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            future,
        } => {
            let opts = Options {
                output,
                base_url,
                drafts,
                future,
                ..Options::new(&root)
            };
            bulletin::build(&opts).map(|b| {
                report(&b.warnings, cli.format, &root);
                if cli.format == Format::Text {
                    println!(
                        "built {} items, {} files into {} in {:.2?}",
                        b.items,
                        b.files,
                        b.output.strip_prefix(&root).unwrap_or(&b.output).display(),
                        started.elapsed()
                    );
                }
            })
        }
        Command::Check { drafts, future } => {
            let opts = Options {
                drafts,
                future,
                ..Options::new(&root)
            };
            bulletin::check(&opts).map(|warnings| {
                report(&warnings, cli.format, &root);
                if cli.format == Format::Text {
                    println!("checked: no errors, {} warnings", warnings.iter().count());
                }
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            report(&diags, cli.format, &root);
            if cli.format == Format::Text {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "error: {errors} problem{} found; nothing was written",
                    if errors == 1 { "" } else { "s" }
                );
            }
            ExitCode::from(1)
        }
    }
}

/// Prints diagnostics to stderr, paths relative to the site root.
fn report(diags: &Diagnostics, format: Format, root: &std::path::Path) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for d in diags.iter() {
        let d: Diagnostic = d.clone().relative_to(root);
        let _ = match format {
            Format::Text => writeln!(err, "{d}"),
            Format::Json => writeln!(err, "{}", d.to_json()),
        };
    }
}
