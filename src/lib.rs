//! Bulletin: a static site generator for union news bulletins.

pub mod diagnostic;
