//! Pages and files made from the assembled site. The plan of every page (`plan`), run in
//! parallel (`run`) by the `renderer` with the typed template contexts of `context`;
//! each page family is made in `pages` from the views of `view`, built by
//! `item_views`, `list_views` and `stat_views`. Besides: charts, the theme and UI
//! strings, dates and numbers as the paper writes them, feeds and sitemaps, SEO metadata,
//! open data (JSON, CSV) and the search index.

pub(crate) mod chart;
pub(crate) mod context;
pub(crate) mod export;
pub(crate) mod feed;
pub(crate) mod image;
pub(crate) mod item_views;
pub(crate) mod list_views;
pub(crate) mod locale;
pub(crate) mod opendata;
pub(crate) mod pages;
pub(crate) mod pdf;
pub(crate) mod plan;
pub(crate) mod renderer;
pub(crate) mod run;
pub mod search;
pub(crate) mod seo;
pub(crate) mod stat_views;
pub(crate) mod theme;
pub(crate) mod view;

pub(crate) use plan::{alias_clashes, plan, plan_bodies, plan_in_place, Planned, ViewCache};
pub(crate) use run::{render_planned, render_site, render_site_releasing};
