//! What the editor wrote, validated: site.yaml, the content files, front matter, regions,
//! figures, Markdown and code highlighting, and the validated [`item::Item`].

pub mod alias;
pub mod config;
pub mod email;
pub mod figure;
pub(crate) mod frontmatter;
pub(crate) mod highlight;
pub mod image;
pub(crate) mod issue;
pub mod item;
pub mod markdown;
pub(crate) mod place;
pub mod region;
pub mod review;
pub mod schema;
pub mod source;
pub mod unit;
