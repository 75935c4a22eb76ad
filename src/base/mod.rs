//! The bottom layer: what every other layer may use and that knows nothing of news items.
//! Diagnostics, YAML positions, slugs, escaping for every output format, fast maps, timings.

pub mod diagnostic;
pub mod escape;
pub mod fastmap;
pub mod slug;
pub mod timings;
pub mod yaml;

pub use fastmap::{FastMap, FastSet};
pub use timings::Timings;
