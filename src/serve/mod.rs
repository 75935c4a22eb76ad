//! `bulletin serve`: the site built into memory and served over HTTP while editors write,
//! rebuilt whenever a source changes, with open browser tabs reloaded and content errors shown
//! over the page.
//!
//! How it fits together. [`Server::start`] (server.rs) binds the port (trying the next ones
//! when it is busy), builds the site once, then runs
//! - the listener (listen.rs): an async runtime of two threads where every connection is a
//!   task under hyper, with limits on headers, time and connections, so that no slow client,
//!   stalled reader or open Server-Sent Events stream (`/__bulletin/events`) keeps another
//!   page waiting; requests are answered by http.rs, which refuses foreign `Host` names
//!   (host.rs) and request bodies, and maps paths to files with the pure [`resolve`] (route.rs);
//! - the builder, fed by a debounced file watcher (notify; watch.rs), which rebuilds after
//!   each change.
//!
//! They share one `Shared` struct (no statics): the last good site, the problems of the latest
//! build and a generation counter. Every build, good or bad, bumps the generation and wakes the
//! event streams, and each open page reloads. A failed build keeps the last good site served and
//! puts its diagnostics over every HTML page; the next good build clears them.
//!
//! Serving never touches the output folder: pages are rendered into memory ([`Rebuilder`](rebuild::Rebuilder))
//! and static files are read into memory. A URL can only name a file of that in-memory site
//! (http.rs). The reload script and the overlay are added to HTML responses (overlay.rs), so
//! built sites never carry them.
//!
//! Rebuilds are incremental ([`rebuild`]): the pipeline of a build with a cache. An edit re-reads
//! the files the watcher names and renders only the pages whose content changed. The browser is
//! told to reload as soon as those are in place; the search index and the open data files are
//! made after that. The PDF editions are typeset only when asked for (editions.rs).

mod editions;
mod host;
mod http;
mod listen;
mod overlay;
pub mod rebuild;
mod route;
mod server;
mod watch;

pub use http::EVENTS_PATH;
pub use route::{resolve, Target};
pub use server::{Report, Reporter, ServeOptions, Server, DEFAULT_PORT};
