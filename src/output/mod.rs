//! Writing the output: the [`Sink`] pages go to, the staging folder that replaces the output
//! whole, the manifest of what Bulletin wrote, and lead-image variants (found, resized, cached).

pub mod images;
pub mod sink;
pub mod staging;

pub use sink::{safe_relative, MemorySink, Sink, StaticSource};
pub use staging::{check_output_dir, resolve, Staging, MANIFEST};
