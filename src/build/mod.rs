//! The pipeline every command runs: read site.yaml and the content, assemble the site, check
//! it, and for `build` render it into a staging folder that replaces the output whole.
//!
//! ```text
//! content::config::load, content::source::discover + read_each ...... I/O
//!   par: content::item::parse (front matter → Item, region, figures) → all diagnostics
//!   output::images::locate (size, hash, planned variants of lead images) I/O
//!   site::Site::assemble (par: markdown) → site::stats ............. pure
//!   site::checks (traceability, conflicts), site::links (check) .... pure
//!   output::images::produce (par: resized copies, cached) ........... I/O → Sink
//!   render::render_site (par, Tera templates from render::theme) .... pure → Sink
//! output::Staging (write, copy static, swap in atomically) .......... I/O
//! ```
//!
//! Each step is one method of `Pipeline` (pipeline.rs): `build`, `check` and serve's
//! incremental rebuilds run the same steps, the rebuilds with a cache deciding what each step
//! is given (which files to read again, which bodies and views to reuse, which pages to render).

mod commands;
mod export;
mod options;
pub(crate) mod pipeline;

pub use commands::{build, check, load, load_timed, Built};
pub use export::{export_email, export_wechat, Exported};
pub use options::{config_from, output_dir, root_from, Options};
pub use pipeline::Loaded;
