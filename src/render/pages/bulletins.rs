//! The bulletin pages: the index of bulletins (bulletins.html), each bulletin with its
//! number, 编者按 and items in order (bulletin.html), and its print edition (print.html).

use crate::base::diagnostic::Diagnostic;
use crate::content::markdown;
use crate::output::Sink;
use crate::render::context::{BulletinPage, BulletinsPage, PrintPage};
use crate::render::locale;
use crate::render::renderer::Renderer;
use crate::render::view::{LinkView, PageKind, PrintItemView};
use crate::site::urls;

/// The bulletin index.
pub(crate) fn index(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let bulletins = r.site.bulletins.iter().map(|b| r.bulletin_view(b, false)).collect();
    let meta = r.meta(
        PageKind::Bulletins,
        r.t("bulletins"),
        String::new(),
        urls::BULLETINS,
        None,
        vec![r.home_crumb()],
    );
    r.page(
        "bulletins.html",
        urls::BULLETINS,
        meta,
        BulletinsPage { bulletins },
        sink,
    )
}

/// The page of bulletin `i`.
pub(crate) fn page(r: &Renderer, i: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let site = r.site;
    let b = &site.bulletins[i];
    let path = urls::bulletin(b.date);
    let bulletin = r.bulletin_view(b, true);
    // Bulletins are newest first: the next (newer) one is before this one.
    let link = |j: usize| {
        site.bulletins.get(j).map(|o| LinkView {
            label: locale::date(r.lang, o.date),
            url: site.urls.link(&urls::bulletin(o.date)),
        })
    };
    let next = i.checked_sub(1).and_then(link);
    let prev = link(i + 1);
    let title = format!("{} {}", bulletin.number, bulletin.date_display);
    let meta = r.meta(
        PageKind::Bulletin,
        title,
        String::new(),
        &path,
        None,
        vec![r.home_crumb(), r.crumb("bulletins", urls::BULLETINS)],
    );
    r.page(
        "bulletin.html",
        &path,
        meta,
        BulletinPage { bulletin, prev, next },
        sink,
    )
}

/// The print edition of bulletin `i`: the 报头, the 编者按, every item in full, the 报尾.
pub(crate) fn print(r: &Renderer, i: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let site = r.site;
    let b = &site.bulletins[i];
    let path = urls::bulletin_print(b.date);
    let bulletin = r.bulletin_view(b, false);
    // Bodies are read from the site: this job runs before a one-shot build frees them.
    let items = site
        .pick(&b.entries)
        .enumerate()
        .map(|(n, e)| PrintItemView {
            kicker: e.item.headline.kicker.clone(),
            title: e.item.headline.title.clone(),
            subtitle: e.item.headline.subtitle.clone(),
            source: e.item.source.clone(),
            byline: locale::byline(r.lang, &e.item.byline),
            // The bodies share one page: each one's ids get its own prefix.
            body_html: markdown::scope_ids(&e.body.html, &format!("a{}-", n + 1)),
            url: site.urls.link(&e.path),
            image: e
                .item
                .image
                .as_ref()
                .filter(|i| i.caption.is_some() || i.credit.is_some())
                .map(|i| crate::render::image::view(i, e.lead.as_deref(), &site.urls)),
            gallery: crate::render::image::gallery(&e.item.gallery, &e.gallery, &site.urls),
        })
        .collect();
    let title = format!("{} {} {}", bulletin.masthead, bulletin.number, bulletin.date_display);
    let meta = r.meta(
        PageKind::Print,
        title,
        String::new(),
        &path,
        None,
        vec![r.home_crumb(), r.crumb("bulletins", urls::BULLETINS)],
    );
    r.page("print.html", &path, meta, PrintPage { bulletin, items }, sink)
}
