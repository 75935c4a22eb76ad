//! Writing the output: the [`Sink`] pages go to, the staging folder that replaces the output
//! whole, the swap, the manifest of what Bulletin wrote, and lead-image variants (found,
//! resized, cached).

pub(crate) mod cache;
pub mod images;
pub(crate) mod manifest;
pub(crate) mod sink;
pub(crate) mod staging;
pub(crate) mod swap;

pub use manifest::MANIFEST;
pub(crate) use sink::StaticSource;
pub use sink::{safe_relative, MemorySink, Sink};
pub(crate) use staging::{check_output_dir, resolve, Staging};
