//! The assembled site: items sorted and grouped (by province, topic, bulletin, month), their
//! statistics, every URL, and the checks that read the whole site (traceability, conflicts,
//! internal links).

pub mod assemble;
pub mod checks;
pub mod issue;
pub mod links;
pub mod stats;
pub mod urls;

pub use assemble::{
    Bulletin, Entry, Input, MonthGroup, ProvinceGroup, Reusable, Selection, Site, TopicGroup, SUMMARY_CHARS,
};
