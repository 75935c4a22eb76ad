//! Bulletin: a static site generator for union news bulletins.
//!
//! The library is in layers, one folder each; a module uses only its own layer and those
//! above it in this list (ARCHITECTURE.md has the rule and the flow):
//!
//! ```text
//! base     diagnostics, YAML positions, slugs, escaping, fast maps, timings
//! content  site.yaml, content files, front matter, regions, figures, Markdown, the Item
//! site     the assembled site, statistics, URLs, whole-site checks
//! output   the sink, the staging folder and manifest, lead-image variants
//! render   the page plan, the renderer and its views, charts, theme, feeds, SEO, search
//! build    the pipeline used by build, check and serve
//! serve    the preview server and its incremental rebuilds
//! scaffold `init` and `new`
//! ```
//!
//! Library functions return [`Diagnostics`]; only the binary prints them and exits.

// Library items are `pub(crate)` unless the binary, tests/ or fuzz/ use them (ARCHITECTURE.md);
// the lint is here, not in Cargo.toml, because the test and bench crates are binaries.
#![warn(unreachable_pub)]
// The library has no unsafe code; only the binary sets an allocator option (src/main.rs).
#![forbid(unsafe_code)]

pub mod base;
pub mod build;
pub mod content;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;

pub use base::diagnostic::{Diagnostic, Diagnostics};
pub use build::{
    build, check, config_from, export_email, export_wechat, load, load_timed, output_dir, root_from, Built, Exported,
    Loaded, Options,
};
