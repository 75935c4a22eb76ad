//! A news item's page (item.html): the item in full, with its body, figures and structured
//! data, and links to its neighbours in its bulletin.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::ItemPage;
use crate::render::renderer::Renderer;
use crate::render::view::{LinkView, PageKind};
use crate::site::urls;

/// The page of entry `i`.
pub(crate) fn page(r: &Renderer, i: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let site = r.site;
    let e = &site.entries[i];
    let item = r.item_view(e, Some(r.body_html(i)));
    let (prev, next) = r.neighbours(i);
    let mut crumbs = vec![r.home_crumb()];
    crumbs.push(LinkView {
        label: e.item.region.province.short.clone(),
        url: site.urls.link(&urls::region(&e.item.region.province.slug)),
    });
    let mut meta = r.meta(
        PageKind::Item,
        e.item.headline.title.clone(),
        e.summary.clone(),
        &e.path,
        None,
        crumbs,
    );
    // A photo story without a lead image is shared with its first picture.
    meta.image = item
        .image
        .as_ref()
        .or(item.gallery.first())
        .map(|i| r.absolute_url(&i.src));
    meta.published = Some(item.datetime.clone());
    meta.modified = item.updated_datetime.clone();
    let pictures: Vec<crate::render::seo::Picture<'_>> = item
        .image
        .iter()
        .chain(&item.gallery)
        .map(|v| crate::render::seo::Picture {
            url: r.absolute_url(&v.src),
            caption: v.caption.as_deref(),
            credit: v.credit.as_deref(),
        })
        .collect();
    meta.jsonld = Some(crate::render::seo::news_article(site, e, &pictures));
    let body = ItemPage {
        item: &item,
        prev,
        next,
    };
    r.page("item.html", &e.path, meta, body, sink)
}
