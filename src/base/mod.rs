//! The bottom layer: what every other layer may use and that knows nothing of news items.
//! Diagnostics and their code frames, YAML positions, slugs, escaping for every output format, fast maps, timings.

pub mod diagnostic;
pub mod escape;
pub(crate) mod fastmap;
pub mod frame;
pub mod slug;
pub(crate) mod timings;
pub(crate) mod yaml;

pub(crate) use fastmap::{FastMap, FastSet};
pub(crate) use timings::Timings;
