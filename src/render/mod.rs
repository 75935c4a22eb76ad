//! Pages and files made from the assembled site: the plan of every page, the Tera renderer and
//! its typed views, charts, the theme and UI strings, dates and numbers as the paper writes
//! them, feeds and sitemaps, SEO metadata, open data (JSON, CSV) and the search index.

pub mod chart;
pub mod feed;
pub mod image;
pub mod locale;
pub mod opendata;
pub mod renderer;
pub mod search;
pub mod seo;
pub mod theme;
pub mod view;

pub use renderer::{plan, render_planned, render_site, render_site_releasing, to_json, Planned, ViewCache};
