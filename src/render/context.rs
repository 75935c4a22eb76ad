//! What each template receives: one `#[derive(Serialize)]` struct per page family, whose
//! fields are the template's own variables (next to `site`, `t` and `nav`, which every
//! template gets), and the [`SharedContexts`] that hand a struct to Tera without copying the
//! shared variables into every page.

use crate::base::diagnostic::Diagnostic;
use crate::render::search::PageView as SearchView;
use crate::render::view::*;
use serde::Serialize;
use std::sync::{Mutex, PoisonError};

/// A page's full context: its chrome, its [`PageMeta`] and the family's own variables.
#[derive(Serialize)]
pub(crate) struct Page<'a, B> {
    /// header.html and footer.html, rendered once per page kind (absent if the theme has no
    /// chrome for the kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) chrome: Option<&'a ChromeView>,
    /// What the page says about itself.
    pub(crate) page: &'a PageMeta,
    /// The family's own variables, at the top level.
    #[serde(flatten)]
    pub(crate) body: B,
}

/// card.html: one entry in list form.
#[derive(Serialize)]
pub(crate) struct CardContext<'a> {
    pub(crate) item: &'a ItemView,
}

/// header.html and footer.html: they see only the kind of page and whether it is its
/// section's own index page.
#[derive(Serialize)]
pub(crate) struct ChromeContext {
    pub(crate) page: ChromePage,
}

/// `page` as the chrome sees it.
#[derive(Serialize)]
pub(crate) struct ChromePage {
    pub(crate) kind: PageKind,
    pub(crate) current: bool,
}

/// item.html: the item in full, and its neighbours in its bulletin.
#[derive(Serialize)]
pub(crate) struct ItemPage<'a> {
    pub(crate) item: &'a ItemView,
    pub(crate) prev: Option<LinkView>,
    pub(crate) next: Option<LinkView>,
}

/// index.html: one page of every item, with the latest bulletin, the totals and the map on
/// the first.
#[derive(Serialize)]
pub(crate) struct HomePage<'a> {
    pub(crate) bulletin: Option<BulletinView>,
    pub(crate) items: Vec<&'a CardView>,
    pub(crate) paginator: &'a Paginator,
    pub(crate) areas: &'a [AreaView],
    pub(crate) topics: &'a [TopicEntry],
    pub(crate) metrics: &'a [MetricView],
    pub(crate) map: Option<MapView>,
}

/// regions.html: the provinces by area.
#[derive(Serialize)]
pub(crate) struct RegionsPage<'a> {
    pub(crate) areas: &'a [AreaView],
}

/// region.html: one page of a province's items, with its figures on the first.
#[derive(Serialize)]
pub(crate) struct RegionPage<'a> {
    pub(crate) province: ProvinceRef,
    pub(crate) count: usize,
    pub(crate) items: Vec<&'a CardView>,
    pub(crate) paginator: &'a Paginator,
    /// Items filed elsewhere that report figures for the province (first page).
    pub(crate) reported: Vec<&'a CardView>,
    pub(crate) stats: Vec<SubjectStat>,
    /// Its cities (a municipality's districts) with pages (first page).
    pub(crate) places: Option<PlaceTable>,
}

/// place.html: one page of a city's or county's items, with its figures and the table of its
/// counties on the first.
#[derive(Serialize)]
pub(crate) struct PlacePage<'a> {
    pub(crate) place: PlaceRef,
    pub(crate) province: ProvinceRef,
    pub(crate) count: usize,
    pub(crate) items: Vec<&'a CardView>,
    pub(crate) paginator: &'a Paginator,
    /// Items filed elsewhere that report figures for the place (first page).
    pub(crate) reported: Vec<&'a CardView>,
    pub(crate) stats: Vec<SubjectStat>,
    /// Its counties with pages (a city's first page).
    pub(crate) places: Option<PlaceTable>,
}

/// topics.html: every topic with its count.
#[derive(Serialize)]
pub(crate) struct TopicsPage<'a> {
    pub(crate) topics: &'a [TopicEntry],
}

/// topic.html: one page of a topic's items, with its figures on the first.
#[derive(Serialize)]
pub(crate) struct TopicPage<'a> {
    pub(crate) topic: TopicRef,
    pub(crate) count: usize,
    pub(crate) items: Vec<&'a CardView>,
    pub(crate) paginator: &'a Paginator,
    pub(crate) stats: Vec<SubjectStat>,
}

/// bulletins.html: every bulletin.
#[derive(Serialize)]
pub(crate) struct BulletinsPage {
    pub(crate) bulletins: Vec<BulletinView>,
}

/// bulletin.html: one bulletin's items, with the older (`prev`) and newer (`next`) bulletin.
#[derive(Serialize)]
pub(crate) struct BulletinPage {
    pub(crate) bulletin: BulletinView,
    pub(crate) prev: Option<LinkView>,
    pub(crate) next: Option<LinkView>,
}

/// print.html: the print edition of one bulletin, every item in full.
#[derive(Serialize)]
pub(crate) struct PrintPage {
    pub(crate) bulletin: BulletinView,
    pub(crate) items: Vec<PrintItemView>,
}

/// archives.html: every month.
#[derive(Serialize)]
pub(crate) struct ArchivesPage {
    pub(crate) months: Vec<MonthView>,
}

/// archive.html: one month's items, with every month.
#[derive(Serialize)]
pub(crate) struct ArchivePage<'a> {
    pub(crate) month: Option<MonthView>,
    pub(crate) items: Vec<&'a CardView>,
    pub(crate) months: Vec<MonthView>,
}

/// stats.html: every metric in full, the province × metric table and the data files.
#[derive(Serialize)]
pub(crate) struct StatsPage {
    pub(crate) metrics: Vec<MetricView>,
    pub(crate) matrix: MatrixView,
    pub(crate) downloads: Vec<LinkView>,
    /// The contributions page, when the site has units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) units: Option<LinkView>,
}

/// units.html: the contributions table (信息采用情况): the units ranked in all, by year and
/// by month (newest first), with each unit's items of the month linked.
#[derive(Serialize)]
pub(crate) struct UnitsPage {
    pub(crate) totals: UnitTotals,
    pub(crate) years: Vec<UnitPeriod>,
    pub(crate) months: Vec<UnitPeriod>,
    /// The CSV file of the same numbers.
    pub(crate) csv: LinkView,
}

/// corrections.html: every corrected item.
#[derive(Serialize)]
pub(crate) struct CorrectionsPage {
    pub(crate) items: Vec<CorrectedView>,
}

/// search.html: the search form's settings.
#[derive(Serialize)]
pub(crate) struct SearchPage {
    pub(crate) search: SearchView,
}

/// 404.html: nothing of its own.
#[derive(Serialize)]
pub(crate) struct NotFoundPage {}

/// alias.html: the redirect page at an old address of an item, a page of its own (no chrome,
/// no `PageMeta`): only `site`, `t` and this.
#[derive(Serialize)]
pub(crate) struct AliasContext<'a> {
    pub(crate) page: AliasPage<'a>,
}

/// What a redirect page shows: where the item is now.
#[derive(Serialize)]
pub(crate) struct AliasPage<'a> {
    /// The item's headline.
    pub(crate) title: &'a str,
    /// The item's absolute URL: the refresh target, the canonical link and the visible link.
    pub(crate) url: String,
}

/// The shared variables (`site`, `t`, `nav`), serialized once per render, and a copy of them
/// per thread of the pool, which each page of that thread extends with its own variables and
/// gives back: copying the UI strings and site settings into every page's context cost more
/// than some pages.
///
/// The copies are held here, in one slot per rayon thread indexed by
/// `rayon::current_thread_index()` (and one for a thread outside the pool), rather than in a
/// thread-local: they belong to this render alone, and go with it. A slot is locked only to
/// take or give back its copy, so threads never wait on one another; a thread that finds its
/// slot empty (or is in another pool) clones the shared variables, which is always correct.
pub(crate) struct SharedContexts {
    base: tera::Context,
    slots: Vec<Mutex<Option<tera::Context>>>,
}

impl SharedContexts {
    /// Copies of `base` for the threads of the current pool.
    pub(crate) fn new(base: tera::Context) -> Self {
        let slots = (0..=rayon::current_num_threads()).map(|_| Mutex::new(None)).collect();
        SharedContexts { base, slots }
    }

    /// The slot of the calling thread: its index in the pool, or the last one outside it.
    fn slot(&self) -> Option<&Mutex<Option<tera::Context>>> {
        let i = rayon::current_thread_index().unwrap_or(self.slots.len().saturating_sub(1));
        self.slots.get(i)
    }

    /// The context of a template: the shared variables and the fields of `data` (a struct of
    /// this module), which are taken out again when the context is dropped.
    pub(crate) fn with<T: Serialize>(&self, template: &str, data: &T) -> Result<PageContext<'_>, Diagnostic> {
        let invalid = |e: &dyn std::fmt::Display| {
            Diagnostic::file_error(template, format!("the template's context could not be made: {e}"))
        };
        let tera::Value::Object(own) = tera::to_value(data).map_err(|e| invalid(&e))? else {
            return Err(invalid(&"not a struct"));
        };
        let keys = own.keys().cloned().collect();
        let slot = self.slot();
        let reused = slot.and_then(|s| s.lock().unwrap_or_else(PoisonError::into_inner).take());
        let mut ctx = reused.unwrap_or_else(|| self.base.clone());
        // Moves the page's values in, without copying them again.
        ctx.extend(tera::Context::from_value(tera::Value::Object(own)).map_err(|e| invalid(&e))?);
        Ok(PageContext { ctx, keys, slot })
    }
}

/// A template's context, lent by [`SharedContexts::with`]: given back to its thread's slot,
/// without the template's own variables, when dropped.
pub(crate) struct PageContext<'s> {
    ctx: tera::Context,
    keys: Vec<String>,
    slot: Option<&'s Mutex<Option<tera::Context>>>,
}

impl PageContext<'_> {
    /// The context, for Tera.
    pub(crate) fn tera(&self) -> &tera::Context {
        &self.ctx
    }
}

impl Drop for PageContext<'_> {
    fn drop(&mut self) {
        let Some(slot) = self.slot else { return };
        let mut c = std::mem::take(&mut self.ctx);
        for k in &self.keys {
            c.remove(k);
        }
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(c);
    }
}
