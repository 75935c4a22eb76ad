//! Bulletin's integration tests: one test binary (`cargo test --test it`), one module per
//! feature, fixture sites in `tests/fixtures/`, and the [`harness`] that copies, builds and
//! reads them back (and talks to a running `serve`). [`architecture`] checks the layer rule
//! on the text of src/. See `tests/README.md` for how to add a test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking, with the message saying why"
)]

mod harness;

mod aliases;
mod architecture;
mod atomic;
mod base_url;
mod config;
mod determinism;
mod drafts;
mod errors;
mod escaping;
mod example;
mod export;
mod feeds;
mod frames;
mod hostile;
mod images;
mod incremental;
mod issues;
mod items;
mod links;
mod minimal;
mod newsroom;
mod output;
mod pagination;
mod places;
mod public_site;
mod regions;
mod scaffold;
mod schema;
mod search;
mod serve;
mod serve_abuse;
mod snapshots;
mod stats;
mod validation;
