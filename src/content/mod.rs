//! What the editor wrote, validated: site.yaml, the content files, front matter, regions,
//! figures, Markdown and code highlighting, and the validated [`item::Item`].

pub mod config;
pub mod figure;
pub mod frontmatter;
pub mod highlight;
pub mod image;
pub mod issue;
pub mod item;
pub mod markdown;
pub mod region;
pub mod source;
