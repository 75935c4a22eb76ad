//! Writing the output: the [`Sink`] pages go to, the staging folder that replaces the output
//! whole, the swap, the manifest of what Bulletin wrote, and lead-image variants (found,
//! resized, cached).

pub mod cache;
pub mod images;
pub mod manifest;
pub mod sink;
pub mod staging;
pub mod swap;

pub use manifest::MANIFEST;
pub use sink::{safe_relative, MemorySink, Sink, StaticSource};
pub use staging::{check_output_dir, resolve, Staging};
