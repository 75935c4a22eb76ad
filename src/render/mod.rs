//! Pages and files made from the assembled site. The plan of every page (`plan`), run in
//! parallel (`run`) by the `renderer` with the typed template contexts of `context`;
//! each page family is made in `pages` from the views of [`view`], built by
//! `item_views`, `list_views` and `stat_views`. Besides: charts, the theme and UI
//! strings, dates and numbers as the paper writes them, feeds and sitemaps, SEO metadata,
//! open data (JSON, CSV) and the search index.

pub mod chart;
pub(crate) mod context;
pub mod feed;
pub mod image;
pub(crate) mod item_views;
pub(crate) mod list_views;
pub mod locale;
pub mod opendata;
pub(crate) mod pages;
pub mod pdf;
pub(crate) mod plan;
pub(crate) mod renderer;
pub(crate) mod run;
pub mod search;
pub mod seo;
pub(crate) mod stat_views;
pub mod theme;
pub mod view;

pub use plan::{plan, Planned, ViewCache};
pub use renderer::to_json;
pub use run::{render_planned, render_site, render_site_releasing};
