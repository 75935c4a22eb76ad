//! The assembled site: items sorted and grouped (by province, topic, bulletin, month), their
//! statistics, every URL, and the checks that read the whole site (traceability, conflicts,
//! internal links).

pub(crate) mod assemble;
pub(crate) mod checks;
pub(crate) mod issue;
pub(crate) mod links;
pub(crate) mod places;
pub(crate) mod stats;
pub(crate) mod units;
pub(crate) mod update;
pub mod urls;

pub use assemble::Site;
pub(crate) use assemble::{Bulletin, Entry, Input, Selection};
