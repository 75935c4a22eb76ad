//! One module per page family: each makes its pages' views and renders them with its
//! template. The files that are not pages (feeds, sitemaps, robots.txt, data files, the
//! search index) are made in [`files`].

pub(crate) mod alias;
pub(crate) mod archive;
pub(crate) mod bulletins;
pub(crate) mod files;
pub(crate) mod home;
pub(crate) mod item;
pub(crate) mod places;
pub(crate) mod regions;
pub(crate) mod singles;
pub(crate) mod stats;
pub(crate) mod topics;
pub(crate) mod units;
