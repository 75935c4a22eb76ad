//! The bulletin pages: the index of bulletins (bulletins.html) and each bulletin with its
//! items in order (bulletin.html).

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::{BulletinPage, BulletinsPage};
use crate::render::locale;
use crate::render::renderer::Renderer;
use crate::render::view::{LinkView, PageKind};
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
    let meta = r.meta(
        PageKind::Bulletin,
        bulletin.date_display.clone(),
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
