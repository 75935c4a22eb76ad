//! The `bulletin` binary: parses the command line, calls the library, prints diagnostics and
//! picks the exit status (0 success, 1 content errors, 2 usage). The only place that prints.

mod cli;

use bulletin::base::diagnostic::{Diagnostic, Diagnostics};
use bulletin::base::frame::render_frame;
use bulletin::scaffold::{self, InitOptions, NewItem};
use bulletin::serve::{Report, ServeOptions, Server};
use bulletin::Options;
use clap::Parser;
use cli::{Channel, Cli, Command, Format, SchemaOf};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (include/mimalloc.h), which
/// libmimalloc-sys names only for mimalloc 2; `purge_delay_is_this_option` checks it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the allocator hand freed memory back to the system at once. By default mimalloc 3
/// keeps it for a second, and a build frees and allocates in waves (each item's Markdown
/// once its HTML is made, each page once written): at 10,000 items the peak held 20 MiB of
/// memory already freed. Costs a few more `madvise` calls.
#[allow(unsafe_code)]
fn tune_allocator() {
    // SAFETY: sets a process-wide option of the allocator; mimalloc allows it at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

use std::sync::mpsc;
use std::time::Instant;

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let root = bulletin::root_from(&cli.root);
    // Every command that reads the settings reads them from here.
    let site = Options {
        config: cli.config.as_deref().map(bulletin::config_from),
        ..Options::new(&root)
    };
    let started = Instant::now();
    let is_build = matches!(cli.command, Command::Build { .. });
    let result = match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            future,
            timings,
        } => {
            let opts = Options {
                output,
                base_url,
                drafts,
                future,
                ..site.clone()
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
                if timings {
                    let mib = |b: Option<u64>| b.map_or(String::new(), |b| format!("{:.1} MiB", b as f64 / 1048576.0));
                    eprintln!("      time     resident         peak  phase");
                    let t = &b.timings;
                    for (i, (phase, d)) in t.phases.iter().enumerate() {
                        let rss = mib(t.resident.get(i).copied().flatten());
                        let peak = mib(t.peak.get(i).copied().flatten());
                        eprintln!("{:>10.1} ms {rss:>12} {peak:>12}  {phase}", d.as_secs_f64() * 1000.0);
                    }
                    eprintln!("  template          renders   total ms   µs each   KiB each");
                    for (name, m) in &b.templates {
                        let n = m.count.max(1) as f64;
                        eprintln!(
                            "  {name:<16} {:>8} {:>10.1} {:>9.1} {:>10.1}",
                            m.count,
                            m.time.as_secs_f64() * 1000.0,
                            m.time.as_secs_f64() * 1e6 / n,
                            m.bytes as f64 / 1024.0 / n
                        );
                    }
                }
            })
        }
        Command::Check { drafts, future } => {
            let opts = Options {
                drafts,
                future,
                ..site.clone()
            };
            bulletin::check(&opts).map(|warnings| {
                report(&warnings, cli.format, &root);
                if cli.format == Format::Text {
                    println!("checked: no errors, {} warnings", warnings.iter().count());
                }
            })
        }
        Command::Serve {
            port,
            bind,
            base_url,
            drafts,
            future,
            open,
        } => {
            let opts = Options {
                drafts,
                future,
                ..site.clone()
            };
            serve(opts, base_url, SocketAddr::new(bind, port), open, cli.format, &root)
        }
        Command::Schema { of } => {
            print!(
                "{}",
                match of {
                    SchemaOf::Item => bulletin::content::schema::item(),
                    SchemaOf::Site => bulletin::content::schema::site(),
                }
            );
            Ok(())
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "bulletin", &mut std::io::stdout());
            Ok(())
        }
        Command::New {
            title,
            region,
            topics,
            date,
        } => {
            let today = chrono::Local::now().date_naive();
            let req = NewItem {
                title,
                region,
                topics,
                date: date.unwrap_or(today),
            };
            scaffold::new_item(&root, &site.config_file(), &req).map(|path| println!("{}", shown(&path).display()))
        }
        Command::Export { channel } => {
            let opts = site.clone();
            let done = match channel {
                Channel::Wechat { bulletin: date, output } => bulletin::export_wechat(&opts, date, output.as_deref()),
                Channel::Email { bulletin: date, output } => bulletin::export_email(&opts, date, output.as_deref()),
            };
            done.map(|e| {
                report(&e.warnings, cli.format, &root);
                if cli.format == Format::Text {
                    println!("wrote {} files into {}", e.files.len(), shown(&e.dir).display());
                }
            })
        }
        Command::Init { dir, theme_copy } => {
            let opts = InitOptions {
                theme_copy,
                today: chrono::Local::now().date_naive(),
            };
            scaffold::init(&dir, &opts).map(|files| {
                println!("created a new site in {}", dir.display());
                for f in files.iter().filter(|f| !f.starts_with("themes")) {
                    println!("  {}", f.display());
                }
                if theme_copy {
                    println!("  themes/default/ (the default theme, to customise)");
                }
                let cd = dir.display().to_string();
                println!("next: bulletin serve --root {cd}   (preview while you write)");
                println!("      bulletin new \"标题\" --region 地区 --root {cd}   (a new item)");
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            report(&diags, cli.format, &root);
            if cli.format == Format::Text {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                // A failed build may have filled its staging folder, never the output.
                let outcome = if is_build {
                    "the output is unchanged"
                } else {
                    "nothing was written"
                };
                eprintln!(
                    "error: {errors} problem{} found; {outcome}",
                    if errors == 1 { "" } else { "s" }
                );
            }
            ExitCode::from(1)
        }
    }
}

/// Prints diagnostics to stderr, paths relative to the site root. On a terminal, in the text
/// format, each one with a position also shows its source line with a marker under the bad
/// value (coloured unless `NO_COLOR` is set); piped, and as JSON, one line each (and the hint).
fn report(diags: &Diagnostics, format: Format, root: &std::path::Path) {
    let stderr = std::io::stderr();
    let frames = format == Format::Text && stderr.is_terminal();
    let color = frames && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // Each file read once, however many problems it has.
    let mut sources: HashMap<PathBuf, Option<String>> = HashMap::new();
    let mut err = stderr.lock();
    for d in diags.iter() {
        let mut d: Diagnostic = d.clone().relative_to(root);
        let _ = match format {
            Format::Text if frames => {
                let source = sources
                    .entry(d.path.clone())
                    .or_insert_with(|| std::fs::read_to_string(root.join(&d.path)).ok());
                let frame = source.as_deref().and_then(|text| render_frame(&d, text, color));
                let hint = d.hint.take();
                writeln!(err, "{d}")
                    .and_then(|()| err.write_all(frame.unwrap_or_default().as_bytes()))
                    .and_then(|()| hint.map_or(Ok(()), |h| writeln!(err, "  hint: {h}")))
            }
            Format::Text => writeln!(err, "{d}"),
            Format::Json => writeln!(err, "{}", d.to_json()),
        };
    }
}

/// What the serve loop waits for.
enum Event {
    Report(Report),
    Stop,
}

/// Runs `bulletin serve` until Ctrl-C, printing each build's outcome.
fn serve(
    opts: Options,
    base_url: Option<String>,
    addr: SocketAddr,
    open: bool,
    format: Format,
    root: &Path,
) -> Result<(), Diagnostics> {
    let (tx, rx) = mpsc::channel();
    let reports = tx.clone();
    let settings = opts.config_file();
    let mut sopts = ServeOptions::new(opts);
    let has_base_url = base_url.is_some();
    sopts.base_url = base_url;
    sopts.on_report = Some(Box::new(move |r| {
        let _ = reports.send(Event::Report(r));
    }));
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}: the preview, drafts and items awaiting review (with their reviewers' names) included, can be reached from other machines",
            addr.ip()
        );
    }
    let server = Server::start(sopts, addr)?;
    if let (Some(first), Some(last)) = (server.skipped_ports().first(), server.skipped_ports().last()) {
        let which = if first == last {
            format!("port {first} is")
        } else {
            format!("ports {first} to {last} are")
        };
        eprintln!(
            "note: {which} in use (another `bulletin serve`?); using port {} instead",
            server.addr().port()
        );
    }
    if has_base_url {
        println!("serving at {} (listening on {})", server.url(), server.addr());
    } else {
        println!("serving at {}", server.url());
    }
    println!(
        "watching content/, templates/, themes/, static/ and {}; press Ctrl-C to stop",
        settings.strip_prefix(root).unwrap_or(&settings).display()
    );
    if open {
        // The first build is done: the page opens on the site, or on its problems.
        if let Err(e) = opener::open_browser(server.url()) {
            eprintln!("warning: cannot open a browser ({e}); open {} yourself", server.url());
        }
    }
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = tx.send(Event::Stop);
    }) {
        eprintln!("warning: cannot catch Ctrl-C ({e}); stop the server by closing the terminal");
    }
    for event in rx {
        match event {
            Event::Report(r) => print_report(r, format, root),
            Event::Stop => break,
        }
    }
    server.stop();
    println!("stopped");
    Ok(())
}

/// Prints one build's outcome: warnings or errors to stderr, a summary line.
fn print_report(r: Report, format: Format, root: &Path) {
    let because = |changed: &[PathBuf]| match changed {
        [] => String::new(),
        [one] => format!(" after a change to {}", one.display()),
        [one, rest @ ..] => format!(" after changes to {} and {} more", one.display(), rest.len()),
    };
    match r {
        Report::Built {
            files,
            items,
            elapsed,
            warnings,
            changed,
            timings,
        } => {
            report(&warnings, format, root);
            if format == Format::Text {
                println!(
                    "built {items} items, {files} files in {elapsed:.2?}{}",
                    because(&changed)
                );
            }
            if std::env::var_os("BULLETIN_TIMINGS").is_some_and(|v| v == "1") {
                let phases: Vec<String> = timings
                    .phases
                    .iter()
                    .map(|(phase, d)| format!("{phase} {:.1} ms", d.as_secs_f64() * 1000.0))
                    .collect();
                eprintln!("timings: {}", phases.join(", "));
            }
        }
        Report::Failed {
            errors,
            elapsed,
            changed,
        } => {
            report(&errors, format, root);
            if format == Format::Text {
                let n = errors.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "error: {n} problem{} found{} ({elapsed:.2?}); still serving the last good version, \
                     the browser shows the problems",
                    if n == 1 { "" } else { "s" },
                    because(&changed)
                );
            }
        }
        Report::Watch(d) => report(&d.into(), format, root),
    }
}

/// `path` relative to the current folder when below it, so it can be opened from there.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            path.strip_prefix(cwd.canonicalize().unwrap_or(cwd))
                .ok()
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf())
}

#[cfg(test)]
mod allocator_tests {
    /// The option number names the purge delay of the mimalloc that libmimalloc-sys builds:
    /// its default there is 1,000 ms, which no neighbouring option has.
    #[test]
    #[allow(unsafe_code)]
    fn purge_delay_is_this_option() {
        // SAFETY: reads a process-wide option of the allocator.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
