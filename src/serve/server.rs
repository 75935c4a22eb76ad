//! `bulletin serve`: the site built into memory and served over HTTP while editors write,
//! rebuilt whenever a source changes, with open browser tabs reloaded and content errors shown
//! over the page.
//!
//! How it fits together. [`Server::start`] binds the port (trying the next ones when it is
//! busy), builds the site once, then runs
//! - a few HTTP workers taking requests from tiny_http; each Server-Sent Events stream
//!   (`/__bulletin/events`) gets a thread of its own, since it stays open;
//! - the builder, fed by a debounced file watcher (notify), which rebuilds after each change.
//!
//! They share one `Shared` struct (no statics): the last good site, the problems of the latest
//! build and a generation counter. Every build, good or bad, bumps the generation and wakes the
//! event streams, and each open page reloads. A failed build keeps the last good site served and
//! puts its diagnostics over every HTML page; the next good build clears them.
//!
//! Serving never touches the output folder: pages are rendered into memory ([`Rebuilder`])
//! and static files are read into memory. A URL can only name a file of that in-memory site: its path is
//! percent-decoded once and refused when a segment is `.`, `..` or empty, or holds `\`, NUL or
//! `:`. The reload script and the overlay are added to HTML responses here, so built sites never
//! carry them. Files are served whole or, for a `Range: bytes=…` request, in part (206, or 416
//! past the end), as static hosts do: the search page fetches its documents by range.
//!
//! Rebuilds are incremental ([`crate::serve::rebuild`]): an edit re-reads the files the watcher
//! names and renders only the pages whose content changed. The browser is told to reload as
//! soon as those are in place; the search index and the open data files are made after that.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::build::Options;
use crate::content::config;
use crate::output;
use crate::serve::rebuild::{Changes, Files, Rebuilder};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::BTreeSet;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The Server-Sent Events endpoint the injected script listens on.
pub const EVENTS_PATH: &str = "/__bulletin/events";
/// The port tried first.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports above the requested one are tried when it is busy.
pub const PORT_ATTEMPTS: u16 = 10;
/// What the watcher looks at, besides `site.yaml`.
pub const WATCHED_DIRS: [&str; 4] = ["content", "templates", "themes", "static"];

const CONFIG_FILE: &str = "site.yaml";
/// HTTP worker threads; event streams have threads of their own.
const WORKERS: usize = 4;
/// How often a worker or the builder looks whether the server is stopping.
const POLL: Duration = Duration::from_millis(200);
/// A comment sent on idle event streams, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

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
}

impl ServeOptions {
    /// Defaults: 10 further ports, 50 ms debounce (an editor saves in one burst), no reporter.
    pub fn new(build: Options) -> Self {
        ServeOptions {
            build,
            port_attempts: PORT_ATTEMPTS,
            debounce: Duration::from_millis(50),
            on_report: None,
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
    http: Arc<tiny_http::Server>,
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
        if !root.join(CONFIG_FILE).is_file() {
            return Err(match config::load(&root) {
                Err(d) => d,
                Ok(_) => Diagnostic::file_error(CONFIG_FILE, "not found").into(),
            });
        }
        let (listener, skipped) = bind(addr, opts.port_attempts)?;
        let bound = listener
            .local_addr()
            .map_err(|e| Diagnostic::file_error("--bind", format!("cannot read the bound address: {e}")))?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| Diagnostic::file_error("--bind", format!("cannot start the HTTP server: {e}")))?;
        let http = Arc::new(http);
        let shared = Arc::new(Shared {
            root: root.clone(),
            origin: format!("http://{}", browsable(bound)),
            state: Mutex::new(State {
                generation: first_generation(),
                site: None,
                errors: Arc::new(Vec::new()),
                warnings: Arc::new(Vec::new()),
            }),
            changed: Condvar::new(),
            stopping: AtomicBool::new(false),
            watcher: Mutex::new(None),
            on_report: opts.on_report,
            rebuilder: Mutex::new(None),
        });

        let mut build = opts.build;
        build.root = root;
        let pinned_today = build.today != chrono::Local::now().date_naive();
        // Watching starts before the first build, so that no change made meanwhile is lost.
        let watching = shared.watch(opts.debounce);
        shared.rebuild(&build, Vec::new());

        let mut threads = Vec::new();
        match watching {
            Ok(rx) => {
                let s = Arc::clone(&shared);
                let spawned = std::thread::Builder::new()
                    .name("bulletin-builder".into())
                    .spawn(move || builder(&s, &rx, build, pinned_today));
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
        for i in 0..WORKERS {
            let s = Arc::clone(&shared);
            let h = Arc::clone(&http);
            let spawned = std::thread::Builder::new()
                .name(format!("bulletin-http-{i}"))
                .spawn(move || worker(&s, &h));
            match spawned {
                Ok(t) => threads.push(t),
                Err(e) if i == 0 => {
                    let mut server = Server {
                        addr: bound,
                        skipped,
                        shared,
                        http,
                        threads,
                    };
                    server.shutdown();
                    return Err(Diagnostic::file_error("--bind", format!("cannot start a server thread: {e}")).into());
                }
                Err(_) => break,
            }
        }
        Ok(Server {
            addr: bound,
            skipped,
            shared,
            http,
            threads,
        })
    }

    /// The address bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the site's home page (with base_url's sub-path), for the terminal.
    pub fn url(&self) -> String {
        let served = self.shared.lock_state().site.as_ref().map(|s| s.base_path.clone());
        // Before a first good build, the path site.yaml asks for, if it can be read.
        let base = served
            .or_else(|| config::load(&self.shared.root).ok().map(|c| c.base_path()))
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
        {
            // Set under the lock so that no event stream misses the wake-up.
            let _state = self.shared.lock_state();
            self.shared.stopping.store(true, Ordering::SeqCst);
        }
        self.shared.changed.notify_all();
        let watcher = lock(&self.shared.watcher).take();
        drop(watcher);
        for _ in 0..WORKERS {
            self.http.unblock();
        }
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
struct Shared {
    /// The site root, absolute.
    root: PathBuf,
    /// `http://127.0.0.1:1111`: the site's base_url is replaced by this (plus its path) while serving.
    origin: String,
    state: Mutex<State>,
    /// Signalled whenever `state.generation` changes, and on stop.
    changed: Condvar,
    stopping: AtomicBool,
    /// Held here so the builder can watch folders created later and `stop` can end it.
    watcher: Mutex<Option<Debouncer<RecommendedWatcher, RecommendedCache>>>,
    on_report: Option<Reporter>,
    /// What the last builds left to reuse; held by one rebuild at a time.
    rebuilder: Mutex<Option<Rebuilder>>,
}

/// What is being served.
struct State {
    generation: u64,
    /// The last good site; `None` until a build succeeds.
    site: Option<Arc<SiteFiles>>,
    /// Problems of the latest build when it failed (paths relative to the root); empty after a good one.
    errors: Arc<Vec<Diagnostic>>,
    /// Warnings of the latest good build.
    warnings: Arc<Vec<Diagnostic>>,
}

/// One complete build, held in memory.
#[derive(Debug)]
pub struct SiteFiles {
    /// Output path (`news/…/index.html`) → bytes, pages and static files.
    pub files: Files,
    /// The path part of base_url (`/bulletin/`), under which the site is served.
    pub base_path: String,
    /// Items published.
    pub items: usize,
}

impl Shared {
    fn lock_state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn report(&self, r: Report) {
        if let Some(f) = &self.on_report {
            f(r);
        }
    }

    /// Rebuilds (incrementally), publishes the result (or the problems), wakes every open page,
    /// reports; then makes the deferred files and publishes them without another reload.
    fn rebuild(&self, opts: &Options, changed: Vec<PathBuf>) {
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
            }
            match result {
                Ok(outcome) => {
                    let files = self.publish(&mut state, rebuilder.as_ref(), outcome.items);
                    state.errors = Arc::new(Vec::new());
                    state.warnings = Arc::new(self.relative(&outcome.warnings));
                    Report::Built {
                        files,
                        items: outcome.items,
                        elapsed,
                        warnings: outcome.warnings,
                        changed,
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
        self.changed.notify_all();
        let built = matches!(report, Report::Built { .. });
        self.report(report);
        if let Some(r) = rebuilder.as_mut().filter(|r| built && r.has_deferred()) {
            match r.finish() {
                Ok(outcome) => {
                    let mut state = self.lock_state();
                    self.publish(&mut state, Some(r), outcome.items);
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
    ) -> Result<crate::serve::rebuild::Outcome, Diagnostics> {
        let config = config::load(&opts.root)?;
        let opts = Options {
            base_url: Some(format!("{}{}", self.origin, encode_path(&config.base_path()))),
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
    fn publish(&self, state: &mut State, rebuilder: Option<&Rebuilder>, items: usize) -> usize {
        let Some(r) = rebuilder else { return 0 };
        let files = r.files().clone();
        let n = files.len();
        state.site = Some(Arc::new(SiteFiles {
            files,
            base_path: r.base_path().unwrap_or_else(|| "/".into()),
            items,
        }));
        n
    }

    fn relative(&self, diags: &Diagnostics) -> Vec<Diagnostic> {
        diags.iter().map(|d| d.clone().relative_to(&self.root)).collect()
    }

    /// Starts the debounced watcher on the site root (for site.yaml and new folders) and on
    /// each watched folder that exists.
    fn watch(&self, debounce: Duration) -> Result<Receiver<DebounceEventResult>, Diagnostic> {
        let (tx, rx) = mpsc::channel();
        let problem = |e: &dyn std::fmt::Display| {
            Diagnostic::warning(".", 0, 0, format!("cannot watch the site for changes: {e}"))
                .with_hint("pages are served but will not rebuild; restart `bulletin serve` after editing")
        };
        let mut debouncer = new_debouncer(debounce, None, tx).map_err(|e| problem(&e))?;
        debouncer
            .watch(&self.root, RecursiveMode::NonRecursive)
            .map_err(|e| problem(&e))?;
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if path.is_dir() {
                debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| problem(&e))?;
            }
        }
        *lock(&self.watcher) = Some(debouncer);
        Ok(rx)
    }

    /// Watches (again) watched folders that were created or replaced at the top of the site.
    fn rewatch(&self, changed: &BTreeSet<PathBuf>) {
        let mut guard = lock(&self.watcher);
        let Some(debouncer) = guard.as_mut() else { return };
        for rel in changed {
            let top_level = rel.components().count() == 1;
            if top_level && WATCHED_DIRS.iter().any(|d| rel == Path::new(d)) {
                let path = self.root.join(rel);
                if path.is_dir() {
                    let _ = debouncer.unwatch(&path);
                    let _ = debouncer.watch(&path, RecursiveMode::Recursive);
                }
            }
        }
    }

    /// The path relative to the root when a change there matters to the site.
    fn relevant(&self, path: &Path) -> Option<PathBuf> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let first = match rel.components().next()? {
            Component::Normal(s) => s.to_str()?,
            _ => return None,
        };
        if rel == Path::new(CONFIG_FILE) {
            return Some(rel.to_path_buf());
        }
        if !WATCHED_DIRS.contains(&first) {
            return None;
        }
        let name = rel.file_name()?.to_string_lossy();
        // Editors' swap and backup files.
        let scratch = name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913";
        (!scratch).then(|| rel.to_path_buf())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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

/// The address to put in URLs: a wildcard bind is browsed on loopback.
fn browsable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port()),
        _ => addr,
    }
}

/// Waits for batches of changes and rebuilds after each, until the server stops.
fn builder(shared: &Shared, rx: &Receiver<DebounceEventResult>, mut opts: Options, pinned_today: bool) {
    while !shared.stopping() {
        let first = match rx.recv_timeout(POLL) {
            Ok(batch) => batch,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut changed = BTreeSet::new();
        let mut missed = false;
        let mut next = Some(first);
        while let Some(batch) = next {
            match batch {
                Ok(events) => {
                    // The system dropped events: anything may have changed.
                    missed |= events.iter().any(|e| e.need_rescan());
                    changed.extend(
                        events
                            .iter()
                            // Reading files (our own builds do) is no change.
                            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                            .flat_map(|e| e.paths.iter())
                            .filter_map(|p| shared.relevant(p)),
                    );
                }
                Err(errors) => {
                    for e in errors {
                        shared.report(Report::Watch(Diagnostic::warning(
                            ".",
                            0,
                            0,
                            format!("watching for changes: {e}"),
                        )));
                    }
                }
            }
            // Changes that came in while we were busy join this rebuild.
            next = rx.try_recv().ok();
        }
        if (changed.is_empty() && !missed) || shared.stopping() {
            continue;
        }
        shared.rewatch(&changed);
        if !pinned_today {
            opts.today = chrono::Local::now().date_naive();
        }
        shared.rebuild(&opts, changed.into_iter().collect());
    }
}

fn worker(shared: &Arc<Shared>, http: &tiny_http::Server) {
    while !shared.stopping() {
        match http.recv_timeout(POLL) {
            Ok(Some(req)) => handle(shared, req),
            Ok(None) => {}
            // A failed accept concerns one client only.
            Err(_) => {}
        }
    }
}

const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

fn handle(shared: &Arc<Shared>, req: tiny_http::Request) {
    use tiny_http::Method;
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond(
            req,
            405,
            TEXT,
            b"method not allowed\n".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
    }
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if path == EVENTS_PATH {
        let since = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok());
        let s = Arc::clone(shared);
        // The request moves into the thread; if none can be started it is dropped, which
        // closes the stream, and the browser retries.
        let _ = std::thread::Builder::new()
            .name("bulletin-events".into())
            .spawn(move || events(&s, req, since));
        return;
    }
    let (site, errors, warnings, generation) = {
        let state = shared.lock_state();
        (
            state.site.clone(),
            Arc::clone(&state.errors),
            Arc::clone(&state.warnings),
            state.generation,
        )
    };
    let snippet = snippet(generation, &errors, &warnings);
    let Some(site) = site else {
        return respond(req, 503, HTML, failure_page(&snippet), &[]);
    };
    match resolve(path, &site.base_path, |f| site.files.contains_key(f)) {
        Target::File(name) => {
            let bytes = site.files.get(&name).map_or(&[][..], |b| b.as_slice());
            let kind = content_type(&name);
            let body = if kind == HTML {
                std::borrow::Cow::Owned(inject(bytes, &snippet))
            } else {
                std::borrow::Cow::Borrowed(bytes)
            };
            let header = |name: &'static str| {
                req.headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.as_str().to_string())
            };
            // If-Range asks for the range only if the file is unchanged since a date or tag;
            // serve gives neither, so such a request gets the whole file.
            let range = header("Range").filter(|_| header("If-Range").is_none());
            let total = body.len() as u64;
            match byte_range(range.as_deref(), total) {
                Ranged::Full => respond(req, 200, kind, body.into_owned(), &[ACCEPT_RANGES]),
                Ranged::Part(first, last) => {
                    let part = usize::try_from(first)
                        .ok()
                        .zip(usize::try_from(last).ok())
                        .and_then(|(a, b)| body.get(a..=b))
                        .unwrap_or_default()
                        .to_vec();
                    let content_range = format!("bytes {first}-{last}/{total}");
                    respond(
                        req,
                        206,
                        kind,
                        part,
                        &[ACCEPT_RANGES, ("Content-Range", &content_range)],
                    );
                }
                Ranged::Unsatisfiable => {
                    let content_range = format!("bytes */{total}");
                    let body = b"range not satisfiable\n".to_vec();
                    respond(
                        req,
                        416,
                        TEXT,
                        body,
                        &[ACCEPT_RANGES, ("Content-Range", &content_range)],
                    );
                }
            }
        }
        Target::Redirect(to) => {
            let body = format!("see {to}\n").into_bytes();
            respond(req, 302, TEXT, body, &[("Location", &to)]);
        }
        Target::NotFound => match site.files.get("404.html") {
            Some(page) => respond(req, 404, HTML, inject(page, &snippet), &[]),
            None => respond(req, 404, TEXT, b"not found\n".to_vec(), &[]),
        },
        Target::Bad => respond(req, 400, TEXT, b"bad request: this path is not allowed\n".to_vec(), &[]),
    }
}

/// Files are served in parts on request (the search page fetches documents by byte range).
const ACCEPT_RANGES: (&str, &str) = ("Accept-Ranges", "bytes");

/// What a request's `Range` header asks of a file of `total` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Ranged {
    /// The whole file: no header, or one to ignore.
    Full,
    /// Bytes `first..=last`.
    Part(u64, u64),
    /// A range that starts past the end: 416.
    Unsatisfiable,
}

/// Reads a `Range` header (`bytes=a-b`, `bytes=a-`, `bytes=-n`) for a file of `total` bytes.
/// Several ranges, or a malformed header, ask for the whole file (RFC 9110 §14.2 lets a
/// server ignore them; a multipart answer is not worth it for a preview server).
fn byte_range(header: Option<&str>, total: u64) -> Ranged {
    use http_range_header::RangeUnsatisfiableError;
    let Some(header) = header else { return Ranged::Full };
    match http_range_header::parse_range_header(header) {
        Ok(parsed) if parsed.len() == 1 => match parsed.validate(total) {
            Ok(ranges) => match ranges.as_slice() {
                [one] => Ranged::Part(*one.start(), *one.end()),
                _ => Ranged::Full,
            },
            Err(RangeUnsatisfiableError::Unsatisfiable) => Ranged::Unsatisfiable,
            Err(_) => Ranged::Full,
        },
        _ => Ranged::Full,
    }
}

fn respond(req: tiny_http::Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let mut resp = tiny_http::Response::from_data(body).with_status_code(status);
    let fixed = [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ];
    for (k, v) in fixed.iter().chain(extra) {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp.add_header(h);
        }
    }
    // The client may have gone away; nothing to do then.
    let _ = req.respond(resp);
}

/// Streams `reload` events to one page until it goes away or the server stops. A page passes
/// the generation it was served at (`since`), so a build that ended in between is not missed.
fn events(shared: &Shared, req: tiny_http::Request, since: Option<u64>) {
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n\
                Connection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n";
    if w.write_all(head.as_bytes()).and_then(|()| w.flush()).is_err() {
        return;
    }
    let mut seen = since.unwrap_or_else(|| shared.lock_state().generation);
    loop {
        let generation = {
            let state = shared.lock_state();
            let (state, _) = shared
                .changed
                .wait_timeout_while(state, KEEPALIVE, |s| s.generation == seen && !shared.stopping())
                .unwrap_or_else(PoisonError::into_inner);
            state.generation
        };
        if shared.stopping() {
            return;
        }
        let message = if generation == seen {
            ": keep-alive\n\n".to_string()
        } else {
            seen = generation;
            format!("event: reload\ndata: {generation}\n\n")
        };
        if w.write_all(message.as_bytes()).and_then(|()| w.flush()).is_err() {
            return;
        }
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of the in-memory site.
    File(String),
    /// Elsewhere (the base path, or a folder without its `/`).
    Redirect(String),
    /// Nothing there.
    NotFound,
    /// A path that could name something outside the site: refused.
    Bad,
}

/// Maps a request path (`/bulletin/news/…/`, still percent-encoded) to an output file.
fn resolve(raw: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Target {
    if !raw.starts_with('/') || !raw.is_ascii() {
        return Target::Bad;
    }
    let Some(path) = percent_decode(raw) else {
        return Target::Bad;
    };
    if path.contains(['\\', '\0']) {
        return Target::Bad;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    let bad_segment = segments
        .iter()
        .enumerate()
        .any(|(i, s)| *s == ".." || *s == "." || s.contains(':') || (s.is_empty() && i != last));
    if bad_segment {
        return Target::Bad;
    }
    let base = percent_decode(base_path).unwrap_or_else(|| base_path.to_string());
    if base != "/" && (path == "/" || format!("{path}/") == base) {
        return Target::Redirect(encode_path(base_path));
    }
    let Some(rel) = path.strip_prefix(base.as_str()) else {
        return Target::NotFound;
    };
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if exists(rel) {
        rel.to_string()
    } else if exists(&format!("{rel}/index.html")) {
        return Target::Redirect(format!("{raw}/"));
    } else {
        return Target::NotFound;
    };
    if output::safe_relative(&file).is_none() {
        return Target::Bad;
    }
    if exists(&file) {
        Target::File(file)
    } else {
        Target::NotFound
    }
}

/// Decodes `%XX` escapes once; None for a malformed escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| char::from(b).to_digit(16);
            let hi = hex(*bytes.get(i + 1)?)?;
            let lo = hex(*bytes.get(i + 2)?)?;
            out.push(u8::try_from(hi * 16 + lo).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes what may not stand in a URL path as is (non-ASCII, spaces, controls).
fn encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_graphic() && !matches!(b, b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The Content-Type for an output file, by extension.
fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => TEXT,
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "avif" => "image/avif",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Puts `snippet` before the last `</body>`, or at the end when there is none.
fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    const TAG: &[u8] = b"</body>";
    let at = html
        .windows(TAG.len())
        .rposition(|w| w.eq_ignore_ascii_case(TAG))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The reload script, and the problems of the latest build over the page.
fn snippet(generation: u64, errors: &[Diagnostic], warnings: &[Diagnostic]) -> String {
    let mut s = String::new();
    if !errors.is_empty() {
        s.push_str(
            "<div id=\"bulletin-errors\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;\
             z-index:2147483647;max-height:80vh;overflow:auto;margin:0;padding:16px 24px;\
             background:#fff4f4;color:#5c0000;border-bottom:4px solid #c62828;\
             box-shadow:0 4px 16px rgba(0,0,0,.25);font:15px/1.6 system-ui,sans-serif\">\
             <button type=\"button\" onclick=\"this.parentNode.remove()\" aria-label=\"关闭 close\" \
             style=\"float:right;font:inherit;font-size:20px;line-height:1;padding:2px 8px;cursor:pointer\">×</button>\
             <p style=\"margin:0 0 8px;font-weight:bold\">内容有误，网站没有更新。这里显示的是上一次成功生成的版本；\
             改正下列问题并保存后，本页会自动刷新。</p>\
             <p style=\"margin:0 0 8px\">The last change could not be built; you are seeing the last good version. \
             Fix the problems below and save: this page reloads by itself.</p>",
        );
        s.push_str(&diagnostic_list(errors));
        s.push_str("</div>");
    } else if !warnings.is_empty() {
        s.push_str(
            "<details id=\"bulletin-warnings\" style=\"position:fixed;bottom:12px;right:12px;\
             z-index:2147483647;max-width:min(640px,90vw);max-height:60vh;overflow:auto;\
             padding:8px 16px;background:#fffbe6;color:#4a3b00;border:2px solid #e0b000;border-radius:6px;\
             box-shadow:0 2px 10px rgba(0,0,0,.2);font:14px/1.6 system-ui,sans-serif\">",
        );
        s.push_str(&format!(
            "<summary style=\"cursor:pointer;font-weight:bold\">{} 条提醒 · {} warning{}</summary>",
            warnings.len(),
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" }
        ));
        s.push_str(&diagnostic_list(warnings));
        s.push_str("</details>");
    }
    s.push_str(&format!(
        "<script>/* bulletin serve: reloads this page after each rebuild */(function(){{\
         if(!window.EventSource)return;var s=new EventSource(\"{EVENTS_PATH}?since={generation}\");\
         s.addEventListener(\"reload\",function(){{s.close();location.reload();}});}})();</script>"
    ));
    s
}

/// Diagnostics as an HTML list: `file:line:column`, the message and the hint, all escaped.
fn diagnostic_list(diags: &[Diagnostic]) -> String {
    let mut s = String::from("<ol style=\"margin:0;padding-left:1.5em\">");
    for d in diags {
        let place = format!("{}:{}:{}", d.path.display(), d.line, d.column);
        s.push_str(&format!(
            "<li style=\"margin:4px 0\"><code style=\"font-weight:bold\">{}</code>: {}: {}",
            escape(&place),
            d.severity,
            escape(&d.message)
        ));
        if let Some(hint) = &d.hint {
            s.push_str(&format!(
                "<br><span style=\"opacity:.85\">提示 hint: {}</span>",
                escape(hint)
            ));
        }
        s.push_str("</li>");
    }
    s.push_str("</ol>");
    s
}

/// The theme's HTML escaping, for the overlay.
use crate::base::escape::escape_html as escape;

/// Served while no build has succeeded yet.
fn failure_page(snippet: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>网站未能生成 · The site could not be built</title></head>\
         <body style=\"font:16px/1.6 system-ui,sans-serif;padding:40vh 24px 24px\">\
         <h1>网站未能生成 · The site could not be built</h1>\
         <p>改正上面列出的问题并保存,本页会自动刷新。Fix the problems listed above and save; \
         this page reloads by itself.</p>{snippet}</body></html>\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site<'a>(files: &'a [&'a str]) -> impl Fn(&str) -> bool + 'a {
        move |f| files.contains(&f)
    }

    #[test]
    fn paths_map_to_files_under_the_base_path() {
        let have = site(&["index.html", "news/2022/06/20/a/index.html", "style.css", "atom.xml"]);
        let r = |p| resolve(p, "/bulletin/", &have);
        assert_eq!(r("/"), Target::Redirect("/bulletin/".into()));
        assert_eq!(r("/bulletin"), Target::Redirect("/bulletin/".into()));
        assert_eq!(r("/bulletin/"), Target::File("index.html".into()));
        assert_eq!(r("/bulletin/style.css"), Target::File("style.css".into()));
        assert_eq!(
            r("/bulletin/news/2022/06/20/a/"),
            Target::File("news/2022/06/20/a/index.html".into())
        );
        assert_eq!(
            r("/bulletin/news/2022/06/20/a"),
            Target::Redirect("/bulletin/news/2022/06/20/a/".into())
        );
        assert_eq!(r("/bulletin/news/"), Target::NotFound);
        assert_eq!(r("/other/"), Target::NotFound);
        assert_eq!(r("/style.css"), Target::NotFound);
        let at_root = resolve("/", "/", &have);
        assert_eq!(at_root, Target::File("index.html".into()));
    }

    #[test]
    fn traversal_is_refused() {
        let have = site(&["index.html"]);
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/bulletin/..%2f..%2fetc/passwd",
            "/bulletin/%5c..%5cetc",
            "/bulletin/a%00b",
            "//etc/passwd",
            "/bulletin//etc/passwd",
            "/bulletin/./index.html",
            "/bulletin/c:/x",
            "/bulletin/%zz",
            "/bulletin/%ff",
            "etc/passwd",
            "http://evil/",
        ] {
            assert_eq!(resolve(bad, "/bulletin/", &have), Target::Bad, "{bad}");
        }
        // Decoded once only: an escaped escape is a harmless (missing) name.
        assert_eq!(resolve("/bulletin/%252e%252e/x", "/bulletin/", &have), Target::NotFound);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%E5%B1%B1").as_deref(), Some("/山"));
        assert_eq!(percent_decode("/%+1"), None);
        assert_eq!(percent_decode("/%4"), None);
        assert_eq!(encode_path("/简报/"), "/%E7%AE%80%E6%8A%A5/");
    }

    #[test]
    fn snippet_goes_before_the_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", "<s>");
        assert_eq!(out, b"<html><body><p>x</p><s></BODY></html>");
        assert_eq!(inject(b"<p>x</p>", "<s>"), b"<p>x</p><s>");
    }

    #[test]
    fn the_overlay_escapes_diagnostics() {
        let d = Diagnostic::error("content/<a>.md", 3, 9, "bad `<script>` & co").with_hint("use \"quotes\"");
        let s = snippet(7, &[d], &[]);
        assert!(s.contains("bulletin-errors"));
        assert!(s.contains("content/&lt;a&gt;.md:3:9"), "{s}");
        assert!(s.contains("`&lt;script&gt;` &amp; co"), "{s}");
        assert!(!s.contains("<script>`"));
        assert!(s.contains("since=7"));
        let clean = snippet(8, &[], &[]);
        assert!(!clean.contains("bulletin-errors") && !clean.contains("bulletin-warnings"));
    }

    #[test]
    fn byte_ranges() {
        use Ranged::*;
        let cases: &[(Option<&str>, u64, Ranged)] = &[
            (None, 10, Full),
            (Some("bytes=0-3"), 10, Part(0, 3)),
            (Some("bytes=4-"), 10, Part(4, 9)),
            (Some("bytes=-3"), 10, Part(7, 9)),
            // A suffix longer than the file is the whole file; an end past it is cut.
            (Some("bytes=-30"), 10, Part(0, 9)),
            (Some("bytes=5-100"), 10, Part(5, 9)),
            (Some("bytes=9-9"), 10, Part(9, 9)),
            // Past the end: 416.
            (Some("bytes=10-"), 10, Unsatisfiable),
            (Some("bytes=10-20"), 10, Unsatisfiable),
            (Some("bytes=-0"), 10, Unsatisfiable),
            (Some("bytes=0-"), 0, Unsatisfiable),
            // Several ranges, or malformed: the whole file.
            (Some("bytes=0-1, 4-5"), 10, Full),
            (Some("bytes=5-3"), 10, Full),
            (Some("bytes=a-b"), 10, Full),
            (Some("bytes=0-3 "), 10, Full),
            (Some("items=0-3"), 10, Full),
            (Some("bytes="), 10, Full),
            (Some(""), 10, Full),
        ];
        for (header, total, want) in cases {
            assert_eq!(&byte_range(*header, *total), want, "{header:?} of {total}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), HTML);
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("stats/stats.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("x.JPG"), "image/jpeg");
        assert_eq!(content_type("robots.txt"), TEXT);
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
