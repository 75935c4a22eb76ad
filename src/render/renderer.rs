//! The renderer: the state one render shares between its pages (the site, the theme, the
//! views every page reuses, each entry's card, the chrome per page kind, the shared template
//! variables) and what every page is made with: its [`PageMeta`], its breadcrumbs, and Tera
//! rendering into sized buffers. The pages themselves are made in [`crate::render::pages`].

use crate::base::diagnostic::Diagnostic;
use crate::content::config::Language;
use crate::content::markdown::Rendered;
use crate::output::Sink;
use crate::render::context::{CardContext, ChromeContext, ChromePage, Page, SharedContexts};
use crate::render::plan::ViewCache;
use crate::render::theme::{self, Theme};
use crate::render::view::*;
use crate::site::urls;
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Shared state of one render: the views every page reuses, built once.
pub(crate) struct Renderer<'a> {
    pub(crate) site: &'a Site,
    pub(crate) theme: &'a Theme,
    pub(crate) lang: Language,
    pub(crate) common_site: SiteView,
    pub(crate) nav: NavView,
    /// List-form views of every entry, by index; empty in a render that keeps no views
    /// (`build`, `check`), so pages must not read them.
    pub(crate) items: Vec<ItemView>,
    /// Every entry's card (card.html), rendered once, by index.
    pub(crate) cards: Vec<CardView>,
    /// Every entry's index, in order: the home pages' list.
    pub(crate) every: Vec<usize>,
    /// Entries whose views were made for this render (not taken from a cache): their cards
    /// are still to render.
    fresh: Vec<usize>,
    /// What every template gets (`site`, `t`, `nav`), serialized once, and its copies per thread.
    shared: SharedContexts,
    /// header.html and footer.html by page kind and `current`.
    pub(crate) chrome: HashMap<(PageKind, bool), ChromeView>,
    /// Views every home page shows, built once.
    pub(crate) areas: Vec<AreaView>,
    pub(crate) topic_entries: Vec<TopicEntry>,
    pub(crate) home_metrics: Vec<MetricView>,
    /// In a one-shot build, the entries' bodies, by index, each taken by its item page and
    /// freed there; empty otherwise (the bodies are read from the site).
    pub(crate) bodies: Vec<Mutex<Option<Arc<Rendered>>>>,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let u = &site.urls;
        let lang = site.config.language;
        let common_site = SiteView {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            base_url: u.base_url().to_string(),
            base_path: u.base_path().to_string(),
            lang: lang.tag().to_string(),
            og_locale: lang.tag().replace('-', "_"),
            css_url: u.link("style.css"),
            feed_url: u.absolute(urls::FEED),
            extra: site.config.extra.clone(),
            icp: site.config.icp.clone(),
            police_record: site.config.police_record.clone(),
            police_record_url: police_record_url(&site.config.police_record),
        };
        let nav = NavView {
            home: u.link(""),
            regions: u.link(urls::REGIONS),
            topics: u.link(urls::TOPICS),
            bulletins: u.link(urls::BULLETINS),
            archive: u.link(urls::ARCHIVE),
            stats: u.link(urls::STATS),
            corrections: u.link(urls::CORRECTIONS),
            search: u.link(urls::SEARCH),
        };
        let mut base = tera::Context::new();
        base.insert("site", &common_site);
        base.insert("t", &theme.strings);
        base.insert("nav", &nav);
        let mut r = Renderer {
            site,
            theme,
            lang,
            common_site,
            nav,
            items: Vec::new(),
            cards: Vec::new(),
            every: (0..site.entries.len()).collect(),
            fresh: Vec::new(),
            shared: SharedContexts::new(base),
            chrome: HashMap::new(),
            areas: Vec::new(),
            topic_entries: Vec::new(),
            home_metrics: Vec::new(),
            bodies: Vec::new(),
        };
        r.areas = r.areas();
        r.topic_entries = r.topic_entries();
        r.home_metrics = r.metric_views(false);
        r
    }

    /// Takes the views of unchanged entries from `cache` and makes the others' (their cards
    /// are made by [`Renderer::render_cards`]).
    pub(crate) fn take_views(&mut self, cache: &mut ViewCache) {
        let site = self.site;
        let ViewCache { prints, items, cards } = std::mem::take(cache);
        let n = site.entries.len();
        let made = |missing: &[usize]| -> Vec<ItemView> {
            missing
                .par_iter()
                .map(|&i| self.item_view(&site.entries[i], None))
                .collect()
        };
        let (missing, items, cards) = if prints.len() == n && items.len() == n && cards.len() == n {
            // Same places: only the entries whose fingerprint changed need new views.
            let (mut items, mut cards) = (items, cards);
            let missing: Vec<usize> = (0..n).filter(|&i| prints[i] != site.entries[i].fingerprint).collect();
            for (&i, v) in missing.iter().zip(made(&missing)) {
                items[i] = v;
                cards[i] = empty_card();
            }
            (missing, items, cards)
        } else {
            let mut old: crate::base::FastMap<u64, (ItemView, CardView)> =
                prints.into_iter().zip(items.into_iter().zip(cards)).collect();
            let mut kept: Vec<Option<(ItemView, CardView)>> =
                site.entries.iter().map(|e| old.remove(&e.fingerprint)).collect();
            let missing: Vec<usize> = (0..n).filter(|&i| kept[i].is_none()).collect();
            for (&i, v) in missing.iter().zip(made(&missing)) {
                kept[i] = Some((v, empty_card()));
            }
            let (items, cards) = kept.into_iter().flatten().unzip();
            (missing, items, cards)
        };
        self.fresh = missing;
        self.items = items;
        self.cards = cards;
    }

    /// The views, for the next render of the same site (its unchanged entries).
    pub(crate) fn into_cache(self) -> ViewCache {
        ViewCache {
            prints: self.site.entries.iter().map(|e| e.fingerprint).collect(),
            items: self.items,
            cards: self.cards,
        }
    }

    /// Renders the card of every entry not taken from the cache, once; lists insert the HTML.
    pub(crate) fn render_cards(&mut self) -> Result<(), Diagnostic> {
        let fresh = std::mem::take(&mut self.fresh);
        let cards = fresh
            .par_iter()
            .map(|&i| self.card(&self.items[i]))
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        for (i, card) in fresh.into_iter().zip(cards) {
            self.cards[i] = card;
        }
        Ok(())
    }

    /// [`Renderer::render_cards`] for a render that keeps no views (a one-shot build): each
    /// view lives only as long as its card takes to render.
    pub(crate) fn render_cards_only(&mut self) -> Result<(), Diagnostic> {
        self.fresh.clear();
        self.items = Vec::new();
        self.cards = self.all_cards()?;
        Ok(())
    }

    /// Every entry's card, each made from a list view that lives only as long as the card takes.
    pub(crate) fn all_cards(&self) -> Result<Vec<CardView>, Diagnostic> {
        self.site
            .entries
            .par_iter()
            .map(|e| self.card(&self.item_view(e, None)))
            .collect()
    }

    /// The HTML of entry `i`'s body: taken out of [`Renderer::bodies`] where a one-shot build
    /// put it (nothing reads it after the item's page), else copied from the site.
    pub(crate) fn body_html(&self, i: usize) -> String {
        let taken = self
            .bodies
            .get(i)
            .and_then(|cell| cell.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
        match taken {
            Some(body) => Arc::try_unwrap(body).map_or_else(|shared| shared.html.clone(), |own| own.html),
            None => self.site.entries[i].body.html.clone(),
        }
    }

    /// The card of an entry, from its list view.
    fn card(&self, item: &ItemView) -> Result<CardView, Diagnostic> {
        Ok(CardView {
            card: self.render("card.html", &CardContext { item })?,
            url: item.url.clone(),
            title: item.title.clone(),
        })
    }

    /// A UI string of the theme.
    pub(crate) fn t(&self, key: &str) -> String {
        self.theme.t(key).to_string()
    }

    /// Renders `template` for the page at `path` into its file: the page's `meta` completed,
    /// its chrome, and the variables of its family (`body`, a struct of
    /// [`crate::render::context`]).
    pub(crate) fn page<B: Serialize>(
        &self,
        template: &str,
        path: &str,
        mut meta: PageMeta,
        body: B,
        sink: &dyn Sink,
    ) -> Result<usize, Diagnostic> {
        let n = &self.nav;
        meta.current = [
            &n.home,
            &n.regions,
            &n.topics,
            &n.bulletins,
            &n.archive,
            &n.stats,
            &n.search,
        ]
        .contains(&&meta.url);
        meta.social = crate::render::seo::social_tags(&self.common_site, &meta);
        let chrome = self.chrome.get(&(meta.kind, meta.current));
        debug_assert!(chrome.is_some(), "no chrome for {:?}", meta.kind);
        let page = Page {
            chrome,
            page: &meta,
            body,
        };
        let html = self.render_bytes(template, &page)?;
        sink.write(&urls::file_of(path), &html)?;
        Ok(1)
    }

    /// A page without chrome or [`PageMeta`] (a redirect): `template` with `data`, at `path`.
    pub(crate) fn bare_page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        data: &T,
        sink: &dyn Sink,
    ) -> Result<usize, Diagnostic> {
        let html = self.render_bytes(template, data)?;
        sink.write(&urls::file_of(path), &html)?;
        Ok(1)
    }

    /// `template` rendered with `data` straight into bytes, in a buffer sized from its earlier
    /// renders: a page goes to its file as it is (`Tera::render` would check it all for UTF-8
    /// again).
    fn render_bytes<T: Serialize>(&self, template: &str, data: &T) -> Result<Vec<u8>, Diagnostic> {
        let c = self.shared.with(template, data)?;
        let started = std::time::Instant::now();
        let mut html = Vec::with_capacity(self.theme.metrics.typical_bytes(template));
        self.theme
            .tera
            .render_to(template, c.tera(), &mut html)
            .map_err(|e| theme::template_error(&e, std::path::Path::new(""), &self.theme.sources))?;
        self.theme.metrics.record(template, started.elapsed(), html.len());
        Ok(html)
    }

    /// `template` rendered as text, for what is inserted into other pages (cards, chrome).
    fn render<T: Serialize>(&self, template: &str, data: &T) -> Result<String, Diagnostic> {
        String::from_utf8(self.render_bytes(template, data)?)
            .map_err(|e| Diagnostic::file_error(template, format!("the template rendered invalid UTF-8: {e}")))
    }

    /// Renders header.html and footer.html once for every page kind, as index page of its
    /// section and not: they see only `page.kind` and `page.current` of the page.
    pub(crate) fn render_chrome(&mut self) -> Result<(), Diagnostic> {
        self.chrome = self.chrome_views()?;
        Ok(())
    }

    /// header.html and footer.html for every page kind.
    pub(crate) fn chrome_views(&self) -> Result<HashMap<(PageKind, bool), ChromeView>, Diagnostic> {
        let mut chrome = HashMap::new();
        // A theme of its own may do without them.
        let has = |name: &str| self.theme.tera.get_template_names().any(|t| t == name);
        let (header, footer) = (has("header.html"), has("footer.html"));
        for kind in PageKind::ALL {
            for current in [false, true] {
                let c = ChromeContext {
                    page: ChromePage { kind, current },
                };
                let view = ChromeView {
                    header: if header {
                        self.render("header.html", &c)?
                    } else {
                        String::new()
                    },
                    footer: if footer {
                        self.render("footer.html", &c)?
                    } else {
                        String::new()
                    },
                };
                chrome.insert((kind, current), view);
            }
        }
        Ok(chrome)
    }

    /// The metadata of a page of `kind` at `path`; an empty `description` is the site's, or
    /// without one the page's title with the site's.
    pub(crate) fn meta(
        &self,
        kind: PageKind,
        title: String,
        description: String,
        path: &str,
        feed_url: Option<String>,
        breadcrumbs: Vec<LinkView>,
    ) -> PageMeta {
        // Every page has a description (search engines show it; Lighthouse asks for it): the
        // page's own, else the site's, else what the title says.
        let site_title = &self.site.config.title;
        let description = if !description.is_empty() {
            description
        } else if !self.site.config.description.is_empty() {
            self.site.config.description.clone()
        } else if title.is_empty() || title == *site_title {
            site_title.clone()
        } else {
            format!("{title} - {site_title}")
        };
        PageMeta {
            kind,
            title,
            description,
            url: self.site.urls.link(path),
            permalink: self.site.urls.absolute(path),
            feed_url,
            breadcrumbs,
            og_type: if kind == PageKind::Item { "article" } else { "website" },
            image: None,
            published: None,
            modified: None,
            jsonld: None,
            prev: None,
            next: None,
            current: false,
            social: String::new(),
        }
    }

    /// An absolute URL for a link that may be root-relative.
    pub(crate) fn absolute_url(&self, link: &str) -> String {
        if link.contains("://") {
            return link.to_string();
        }
        let base = self.site.urls.base_url();
        let origin_end = base.find("://").map_or(0, |i| i + 3);
        let origin = base[origin_end..].find('/').map_or(base, |j| &base[..origin_end + j]);
        format!("{origin}{link}")
    }

    /// The breadcrumb to the home page.
    pub(crate) fn home_crumb(&self) -> LinkView {
        self.crumb("home", "")
    }

    /// A breadcrumb labelled with the UI string `key`.
    pub(crate) fn crumb(&self, key: &str, path: &str) -> LinkView {
        LinkView {
            label: self.t(key),
            url: self.site.urls.link(path),
        }
    }
}

/// A placeholder card, replaced before use.
fn empty_card() -> CardView {
    CardView {
        card: String::new(),
        url: String::new(),
        title: String::new(),
    }
}

/// The national register's page for a 公网安备 number (`京公网安备11010502030143号`): the
/// register is queried with the number's digits.
fn police_record_url(record: &str) -> String {
    let code: String = record.chars().filter(char::is_ascii_digit).collect();
    format!("https://beian.mps.gov.cn/#/query/webSearch?code={code}")
}
