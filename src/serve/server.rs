//! The running server: [`Server::start`] binds the port, builds once, and starts the listener
//! (listen.rs, answering with http.rs) and the builder fed by the watcher (watch.rs); the state
//! they share; and each rebuild's publishing, which wakes the open pages.

use super::editions::Editions;
use super::host::Hosts;
use super::http::Front;
use super::listen::Listening;
use super::rebuild::{Changes, Files, Outcome, Rebuilder};
use super::route::encode_path;
use super::watch::{self, Watcher};
use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::build::Options;
use crate::content::config;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The port tried first.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports above the requested one are tried when it is busy.
pub(crate) const PORT_ATTEMPTS: u16 = 10;

/// How often the builder looks whether the server is stopping.
pub(super) const POLL: Duration = Duration::from_millis(200);

/// Receives what the server has to tell (builds, failures); the binary prints it.
pub type Reporter = Box<dyn Fn(Report) + Send + Sync>;

/// What `serve` is asked to do.
pub struct ServeOptions {
    /// The site, drafts, future items and the day that counts as today. When `today` is the
    /// real local date it moves on with the clock; a different (pinned) day stays.
    pub build: Options,
    /// How many ports above the requested one to try when it is busy (not with port 0).
    pub port_attempts: u16,
    /// How long the watcher waits for a burst of changes to settle.
    pub debounce: Duration,
    /// Called after every build and on watching problems.
    pub on_report: Option<Reporter>,
    /// The URL the preview is browsed at (`--base-url`), when not the bound address: pages
    /// link to it and its host is accepted in requests. None: `http://ADDRESS:PORT` plus the
    /// path of site.yaml's base_url.
    pub base_url: Option<String>,
}

impl ServeOptions {
    /// Defaults: 10 further ports, 50 ms debounce (an editor saves in one burst), no reporter.
    pub fn new(build: Options) -> Self {
        ServeOptions {
            build,
            port_attempts: PORT_ATTEMPTS,
            debounce: Duration::from_millis(50),
            on_report: None,
            base_url: None,
        }
    }
}

impl std::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeOptions")
            .field("build", &self.build)
            .field("port_attempts", &self.port_attempts)
            .field("debounce", &self.debounce)
            .field("on_report", &self.on_report.is_some())
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// What happened, for the terminal.
#[derive(Debug)]
pub enum Report {
    /// A build succeeded and is being served.
    Built {
        /// Files in the site.
        files: usize,
        /// Items published.
        items: usize,
        /// How long the build took.
        elapsed: Duration,
        /// Warnings of the build.
        warnings: Diagnostics,
        /// The changed files (relative to the site root) that caused it; empty for the first build.
        changed: Vec<PathBuf>,
        /// How long each phase of the rebuild took (`BULLETIN_TIMINGS=1` prints them).
        timings: crate::base::Timings,
    },
    /// A build failed; the last good site stays served and pages show the problems.
    Failed {
        /// Every problem found.
        errors: Diagnostics,
        /// How long the attempt took.
        elapsed: Duration,
        /// The changed files that caused it.
        changed: Vec<PathBuf>,
    },
    /// Watching for changes has a problem (pages still serve, but may not rebuild).
    Watch(Diagnostic),
}

/// A running server; [`Server::stop`] (or dropping it) shuts it down.
pub struct Server {
    addr: SocketAddr,
    skipped: Vec<u16>,
    shared: Arc<Shared>,
    listening: Option<Listening>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("skipped", &self.skipped)
            .finish()
    }
}

impl Server {
    /// Binds `addr` (or, when its port is busy, one of the next `port_attempts` ports; port 0
    /// picks a free one), builds the site, starts watching and serving, and returns at once.
    ///
    /// Fails when no port can be bound or the folder holds no `site.yaml`. A first build with
    /// content errors does not fail: the server starts, shows the problems in the browser and
    /// serves the site as soon as they are fixed.
    pub fn start(opts: ServeOptions, addr: SocketAddr) -> Result<Server, Diagnostics> {
        let root = crate::build::root_from(&opts.build.root);
        let config_file = opts.build.config_file();
        if !config_file.is_file() {
            return Err(match config::load_file(&root, &config_file) {
                Err(d) => d,
                Ok(_) => Diagnostic::file_error(&config_file, "not found").into(),
            });
        }
        let base_url = opts.base_url.as_deref().map(given_base_url).transpose()?;
        let (listener, skipped) = bind(addr, opts.port_attempts)?;
        let bound = listener
            .local_addr()
            .map_err(|e| Diagnostic::file_error("--bind", format!("cannot read the bound address: {e}")))?;
        let generation = first_generation();
        let shared = Arc::new(Shared {
            root: root.clone(),
            config_file: config_file.clone(),
            origin: format!("http://{}", browsable(bound)),
            base_url: base_url.clone(),
            state: Mutex::new(State {
                generation,
                site: None,
                errors: Arc::new(Vec::new()),
                warnings: Arc::new(Vec::new()),
            }),
            generations: tokio::sync::watch::Sender::new(generation),
            stopping: AtomicBool::new(false),
            watcher: Mutex::new(None),
            on_report: opts.on_report,
            rebuilder: Mutex::new(None),
        });

        let mut build = opts.build;
        build.root = root;
        // The preview shows items waiting for their 终审, marked with who has reviewed them.
        build.preview = true;
        let pinned_today = build.today != chrono::Local::now().date_naive();
        // Watching starts before the first build, so that no change made meanwhile is lost.
        let watching = Watcher::start(&shared.root, &shared.config_file, opts.debounce).map(|(w, rx, skipped)| {
            *lock(&shared.watcher) = Some(w);
            for d in skipped {
                shared.report(Report::Watch(d));
            }
            rx
        });
        shared.rebuild(&build, Vec::new());

        let mut threads = Vec::new();
        match watching {
            Ok(rx) => {
                let s = Arc::clone(&shared);
                let spawned = std::thread::Builder::new()
                    .name("bulletin-builder".into())
                    .spawn(move || watch::builder(&s, &rx, build, pinned_today));
                match spawned {
                    Ok(t) => threads.push(t),
                    Err(e) => shared.report(Report::Watch(Diagnostic::warning(
                        ".",
                        0,
                        0,
                        format!("cannot start the rebuild thread: {e}; pages will not rebuild"),
                    ))),
                }
            }
            Err(d) => shared.report(Report::Watch(d)),
        }
        let front = Front {
            shared: Arc::clone(&shared),
            hosts: Hosts::new(bound.ip(), base_url.as_deref().map(authority_of)),
            origin: shared.origin.clone(),
        };
        let mut server = Server {
            addr: bound,
            skipped,
            shared,
            listening: None,
            threads,
        };
        match Listening::start(listener, front) {
            Ok(l) => server.listening = Some(l),
            Err(e) => {
                server.shutdown();
                return Err(Diagnostic::file_error("--bind", format!("cannot start the HTTP server: {e}")).into());
            }
        }
        Ok(server)
    }

    /// The address bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the site's home page (with base_url's sub-path), for the terminal.
    pub fn url(&self) -> String {
        if let Some(url) = &self.shared.base_url {
            return url.clone();
        }
        let served = self.shared.lock_state().site.as_ref().map(|s| s.base_path.clone());
        // Before a first good build, the path site.yaml asks for, if it can be read.
        let base = served
            .or_else(|| {
                config::load_file(&self.shared.root, &self.shared.config_file)
                    .ok()
                    .map(|c| c.base_path())
            })
            .unwrap_or_else(|| "/".to_string());
        format!("{}{}", self.shared.origin, encode_path(&base))
    }

    /// The ports tried first and found busy.
    pub fn skipped_ports(&self) -> &[u16] {
        &self.skipped
    }

    /// Counts builds: changes whenever a build ends, good or bad.
    pub fn generation(&self) -> u64 {
        self.shared.lock_state().generation
    }

    /// Stops watching and serving, and waits for the server's threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(mut l) = self.listening.take() {
            l.stop();
        }
        let watcher = lock(&self.shared.watcher).take();
        drop(watcher);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.shared.stopping.load(Ordering::SeqCst) {
            self.shutdown();
        }
    }
}

/// The state every thread shares.
pub(super) struct Shared {
    /// The site root, absolute.
    pub(super) root: PathBuf,
    /// The settings file (`ROOT/site.yaml` or `--config`), absolute.
    pub(super) config_file: PathBuf,
    /// `http://127.0.0.1:1111`: the site's base_url is replaced by this (plus its path) while serving.
    origin: String,
    /// `--base-url`, which replaces origin and path.
    base_url: Option<String>,
    state: Mutex<State>,
    /// `state.generation`, for the event streams to wait on.
    pub(super) generations: tokio::sync::watch::Sender<u64>,
    stopping: AtomicBool,
    /// Held here so the builder can watch folders created later and `stop` can end it.
    pub(super) watcher: Mutex<Option<Watcher>>,
    on_report: Option<Reporter>,
    /// What the last builds left to reuse; held by one rebuild at a time.
    rebuilder: Mutex<Option<Rebuilder>>,
}

/// What is being served.
pub(super) struct State {
    /// Counts builds; see [`Server::generation`].
    pub(super) generation: u64,
    /// The last good site; `None` until a build succeeds.
    pub(super) site: Option<Arc<SiteFiles>>,
    /// Problems of the latest build when it failed (paths relative to the root); empty after a good one.
    pub(super) errors: Arc<Vec<Diagnostic>>,
    /// Warnings of the latest good build.
    pub(super) warnings: Arc<Vec<Diagnostic>>,
}

/// One complete build, held in memory.
#[derive(Debug)]
pub(crate) struct SiteFiles {
    /// Output path (`news/…/index.html`) → bytes, pages and static files.
    pub files: Files,
    /// The path part of base_url (`/bulletin/`), under which the site is served.
    pub base_path: String,
    /// The PDF editions the pages link to, typeset when asked for.
    pub editions: Option<Arc<Editions>>,
}

impl Shared {
    /// What is being served, locked.
    pub(super) fn lock_state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Whether the server is shutting down.
    pub(super) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Tells the reporter, if there is one.
    pub(super) fn report(&self, r: Report) {
        if let Some(f) = &self.on_report {
            f(r);
        }
    }

    /// Rebuilds (incrementally), publishes the result (or the problems), wakes every open page,
    /// reports; then makes the deferred files and publishes them without another reload.
    pub(super) fn rebuild(&self, opts: &Options, changed: Vec<PathBuf>) {
        let started = Instant::now();
        let mut rebuilder = lock(&self.rebuilder);
        let result = self.rebuild_with(&mut rebuilder, opts, &changed);
        let elapsed = started.elapsed();
        let report = {
            let mut state = self.lock_state();
            // A rebuild that changed no page (a scratch file saved beside an item) reloads
            // nothing: a reload then would show the page before the edit that follows.
            let unchanged = state.errors.is_empty() && matches!(&result, Ok(o) if o.written == 0 && o.removed == 0);
            if !unchanged {
                state.generation = state.generation.wrapping_add(1);
                self.generations.send_replace(state.generation);
            }
            match result {
                Ok(outcome) => {
                    let files = self.publish(&mut state, rebuilder.as_ref());
                    state.errors = Arc::new(Vec::new());
                    state.warnings = Arc::new(self.relative(&outcome.warnings));
                    Report::Built {
                        files,
                        items: outcome.items,
                        elapsed,
                        warnings: outcome.warnings,
                        changed,
                        timings: outcome.timings,
                    }
                }
                Err(errors) => {
                    state.errors = Arc::new(self.relative(&errors));
                    state.warnings = Arc::new(Vec::new());
                    Report::Failed {
                        errors,
                        elapsed,
                        changed,
                    }
                }
            }
        };
        let built = matches!(report, Report::Built { .. });
        self.report(report);
        if let Some(r) = rebuilder.as_mut().filter(|r| built && r.has_deferred()) {
            match r.finish() {
                Ok(_) => {
                    let mut state = self.lock_state();
                    self.publish(&mut state, Some(r));
                }
                Err(errors) => self.report(Report::Failed {
                    errors,
                    elapsed: started.elapsed(),
                    changed: Vec::new(),
                }),
            }
        }
    }

    /// Runs one rebuild, starting a new rebuilder when the served base URL or the day changed.
    fn rebuild_with(
        &self,
        rebuilder: &mut Option<Rebuilder>,
        opts: &Options,
        changed: &[PathBuf],
    ) -> Result<Outcome, Diagnostics> {
        let config = config::load_file(&opts.root, &opts.config_file())?;
        let opts = Options {
            base_url: Some(match &self.base_url {
                Some(url) => url.clone(),
                None => format!("{}{}", self.origin, encode_path(&config.base_path())),
            }),
            ..opts.clone()
        };
        let same = rebuilder
            .as_ref()
            .is_some_and(|r| r.options().base_url == opts.base_url && r.options().today == opts.today);
        if !same {
            *rebuilder = Some(Rebuilder::new(opts));
        }
        let r = rebuilder.get_or_insert_with(|| Rebuilder::new(Options::new(self.root.clone())));
        let changes = Changes {
            paths: if same { changed.to_vec() } else { Vec::new() },
        };
        r.rebuild(&changes)
    }

    /// Serves the rebuilder's files from now on; returns how many there are.
    fn publish(&self, state: &mut State, rebuilder: Option<&Rebuilder>) -> usize {
        let Some(r) = rebuilder else { return 0 };
        let files = r.files().clone();
        let n = files.len();
        state.site = Some(Arc::new(SiteFiles {
            files,
            base_path: r.base_path().unwrap_or_else(|| "/".into()),
            editions: r.editions(),
        }));
        n
    }

    fn relative(&self, diags: &Diagnostics) -> Vec<Diagnostic> {
        diags.iter().map(|d| d.clone().relative_to(&self.root)).collect()
    }
}

/// Locks `m`, going on when a thread panicked while holding it (the state stays usable).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Generations start at the clock's milliseconds, so a page left open across a restart of
/// `serve` sees a different number and reloads.
fn first_generation() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| u64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}

/// Binds `addr`, or the next free port up to `attempts` above it.
fn bind(addr: SocketAddr, attempts: u16) -> Result<(TcpListener, Vec<u16>), Diagnostics> {
    let first = addr.port();
    let last = if first == 0 { 0 } else { first.saturating_add(attempts) };
    let mut skipped = Vec::new();
    let mut port = first;
    loop {
        let at = SocketAddr::new(addr.ip(), port);
        match TcpListener::bind(at) {
            Ok(l) => return Ok((l, skipped)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port < last => {
                skipped.push(port);
                port += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                let which = if first == last {
                    format!("port {first} is")
                } else {
                    format!("ports {first} to {last} are all")
                };
                return Err(
                    Diagnostic::file_error("--port", format!("{which} in use on {}", addr.ip()))
                        .with_hint("stop the other server, or pick a port with --port N (--port 0 takes any free port)")
                        .into(),
                );
            }
            Err(e) => {
                let hint = match e.kind() {
                    std::io::ErrorKind::PermissionDenied => {
                        "ports below 1024 need special rights; use the default 1111"
                    }
                    std::io::ErrorKind::AddrNotAvailable => {
                        "--bind takes an address of this machine, such as 127.0.0.1 (the default)"
                    }
                    _ => "check --bind and --port",
                };
                return Err(Diagnostic::file_error("--bind", format!("cannot listen on {at}: {e}"))
                    .with_hint(hint)
                    .into());
            }
        }
    }
}

/// `--base-url`, checked: an absolute http(s) URL, with its `/` at the end.
fn given_base_url(url: &str) -> Result<String, Diagnostic> {
    let host = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host) if !host.is_empty() && !host.contains('@') && url.is_ascii() && !url.contains(['?', '#']) => {
            Ok(if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            })
        }
        _ => Err(
            Diagnostic::file_error("--base-url", format!("`{url}` is not an absolute http(s) URL"))
                .with_hint("for example --base-url http://preview.example:1111/bulletin/"),
        ),
    }
}

/// The `host[:port]` of an absolute URL.
fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// The address to put in URLs: a wildcard bind is browsed on loopback.
fn browsable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port()),
        _ => addr,
    }
}
