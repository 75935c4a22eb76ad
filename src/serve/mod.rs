//! `bulletin serve`: a local preview that rebuilds in memory on every save, serves the pages
//! over HTTP, reloads the browser and shows errors over the last good site.

pub mod rebuild;
pub mod server;

pub use server::{
    Report, Reporter, ServeOptions, Server, SiteFiles, DEFAULT_PORT, EVENTS_PATH, PORT_ATTEMPTS, WATCHED_DIRS,
};
