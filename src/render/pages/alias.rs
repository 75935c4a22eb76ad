//! The redirect pages of items' old addresses (`aliases:`): each at the alias's path, sending
//! the browser on to the item (`<meta http-equiv="refresh">`), telling search engines where the
//! page is now (`rel=canonical`) and not to index the old address, with a visible link for
//! those whose browser does not follow. They are in no sitemap and no feed.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::{AliasContext, AliasPage};
use crate::render::renderer::Renderer;

/// The redirect page of alias `k` of entry `i`.
pub(crate) fn page(r: &Renderer, i: usize, k: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let e = &r.site.entries[i];
    let data = AliasContext {
        page: AliasPage {
            title: &e.item.headline.title,
            url: r.site.urls.absolute(&e.path),
        },
    };
    r.bare_page("alias.html", &e.item.aliases[k].path, &data, sink)
}
