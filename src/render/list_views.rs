//! The views of lists and indexes: pages of cards and their page links, bulletins, the
//! province and topic indexes, the archive's months, and an item's neighbours.

use crate::content::config::Language;
use crate::content::region::Area;
use crate::render::locale;
use crate::render::plan::{neighbour_ids, pages};
use crate::render::renderer::Renderer;
use crate::render::view::*;
use crate::site::urls;

/// Page links shown on each side of the current page.
const PAGE_WINDOW: usize = 2;

impl Renderer<'_> {
    /// Links to the items before and after entry `i` in its bulletin.
    pub(crate) fn neighbours(&self, i: usize) -> (Option<LinkView>, Option<LinkView>) {
        let link = |j: Option<usize>| {
            j.and_then(|j| self.site.entries.get(j)).map(|o| LinkView {
                label: o.item.headline.title.clone(),
                url: self.site.urls.link(&o.path),
            })
        };
        let (prev, next) = neighbour_ids(self.site, i);
        (link(prev), link(next))
    }

    /// The cards on page `n` of the list `idx` whose first page is at `first`, and its page links.
    pub(crate) fn paginate(&self, idx: &[usize], first: &str, n: usize) -> (Vec<&CardView>, Paginator) {
        let per = self.site.config.per_page.max(1);
        let total = pages(idx.len(), per);
        let items = idx
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .filter_map(|&j| self.cards.get(j))
            .collect();
        let u = &self.site.urls;
        let paginator = Paginator {
            current: n,
            total,
            prev: (n > 1).then(|| u.link(&urls::page(first, n - 1))),
            next: (n < total).then(|| u.link(&urls::page(first, n + 1))),
            // First, last and a window around the current page: linear in pages, not quadratic.
            pages: (1..=total)
                .filter(|&k| k == 1 || k == total || k.abs_diff(n) <= PAGE_WINDOW)
                .scan(0, |last, k| {
                    let gap_before = k > *last + 1 && *last > 0;
                    *last = k;
                    Some(PageLink {
                        label: self.t("page_n").replace("{n}", &k.to_string()),
                        number: k,
                        url: u.link(&urls::page(first, k)),
                        current: k == n,
                        gap_before,
                    })
                })
                .collect(),
        };
        (items, paginator)
    }

    /// A bulletin, with its cards or not.
    pub(crate) fn bulletin_view(&self, b: &crate::site::Bulletin, with_items: bool) -> BulletinView {
        let config = &self.site.config;
        let masthead = config.masthead.as_ref();
        let issue = &b.issue;
        let (number, total) = locale::issue_number(self.lang, &issue.number);
        let issued = issue.issued(b.date);
        BulletinView {
            number,
            total,
            supplement: issue.number.supplement,
            title: issue.title().map(str::to_string),
            masthead: masthead
                .and_then(|m| m.name.clone())
                .unwrap_or_else(|| config.title.clone()),
            publisher: masthead.and_then(|m| m.publisher.clone()),
            signed_by: issue.signed_by().map(str::to_string),
            issued: issued.to_string(),
            issued_display: locale::date(self.lang, issued),
            note_html: (!issue.note_html.is_empty()).then(|| issue.note_html.clone()),
            print_url: self.site.urls.link(&urls::bulletin_print(b.date)),
            pdf_url: self
                .site
                .pdf_editions
                .then(|| self.site.urls.link(&urls::bulletin_pdf(b.date))),
            distribution: issue
                .distribution(masthead)
                .map(|d| {
                    d.lines()
                        .into_iter()
                        .map(|(k, v)| DistributionLine {
                            role: k.to_string(),
                            names: v.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            copies: issue.copies(masthead).map(|n| locale::copies(self.lang, n)),
            date: b.date.to_string(),
            date_display: locale::date(self.lang, b.date),
            url: self.site.urls.link(&urls::bulletin(b.date)),
            count: b.entries.len(),
            items: if with_items {
                b.entries.iter().filter_map(|&j| self.cards.get(j).cloned()).collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The province index: every area with its provinces and their counts.
    pub(crate) fn areas(&self) -> Vec<AreaView> {
        let reg = crate::content::region::registry();
        Area::all()
            .iter()
            .map(|&area| AreaView {
                name: match self.lang {
                    Language::ZhCn => area.name().to_string(),
                    Language::En => area.name_en().to_string(),
                },
                slug: area.slug().to_string(),
                provinces: reg
                    .provinces()
                    .iter()
                    .filter(|p| p.area == area)
                    .map(|p| {
                        let g = self.site.provinces.iter().find(|g| g.province.slug == p.slug);
                        ProvinceEntry {
                            province: self.province_ref(p),
                            count: g.map_or(0, |g| g.entries.len()),
                            reported: g.map_or(0, |g| g.reported.len()),
                            places: g.map_or(0, |g| g.place_count),
                            has_page: g.is_some(),
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every topic with its count.
    pub(crate) fn topic_entries(&self) -> Vec<TopicEntry> {
        self.site
            .topics
            .iter()
            .map(|g| TopicEntry {
                topic: TopicRef {
                    name: g.topic.name.clone(),
                    slug: g.topic.slug.clone(),
                    url: self.site.urls.link(&urls::topic(&g.topic.slug)),
                },
                count: g.entries.len(),
            })
            .collect()
    }

    /// Every month of the archive.
    pub(crate) fn month_views(&self) -> Vec<MonthView> {
        self.site
            .months
            .iter()
            .map(|m| MonthView {
                label: locale::month(self.lang, m.month.0, m.month.1),
                year: m.month.0,
                month: m.month.1,
                url: self.site.urls.link(&urls::archive(m.month.0, m.month.1)),
                count: m.entries.len(),
            })
            .collect()
    }
}

/// Page metadata with the list's previous and next pages, for `<link rel="prev/next">`.
pub(crate) fn paged(mut meta: PageMeta, p: &Paginator) -> PageMeta {
    meta.prev = p.prev.clone();
    meta.next = p.next.clone();
    meta
}
