//! Markdown bodies to HTML, plain text and summaries.
//!
//! This is the one place that sets pulldown-cmark's options. [`render`] makes
//! a single pass over the event stream: an adapter (`Events`) rewrites
//! events on their way into pulldown-cmark's own (iterative) HTML writer,
//! collecting the plain text, the links and the `<!-- more -->` split as it
//! goes. The adapter keeps explicit stacks instead of recursing, so deeply
//! nested quotes or lists cannot overflow the stack.
//!
//! What the adapter changes:
//! - raw HTML is shown as escaped text unless [`MarkdownOptions::unsafe_html`]
//!   (HTML comments, which a browser would not show either, are dropped);
//! - links and images to `javascript:`, `vbscript:` or `data:` lose their
//!   target (the link text or the image's alt text stays);
//! - fenced code blocks go through `content::highlight`;
//! - headings get an `id`.
//!
//! `inline` (inline.rs) is a second walk for places without a stylesheet (WeChat, e-mail):
//! every element styled inline, links made numbered notes, images collected.

mod anchors;
mod body;
mod events;
mod inline;
mod summary;

pub(crate) use anchors::scope_ids;
pub use body::{render, MarkdownOptions, Rendered};
pub(crate) use body::{render_with, Resolved};
pub(crate) use inline::{inline, InlineStyles};
pub use summary::summarize;
