//! The view of a news item ([`ItemView`]): in full for its page, in list form for its card;
//! and a province as links and headings show it.

use crate::content::config::Language;
use crate::content::figure;
use crate::content::region::Province;
use crate::render::locale;
use crate::render::renderer::Renderer;
use crate::render::view::*;
use crate::site::urls;
use crate::site::Entry;

impl Renderer<'_> {
    pub(crate) fn province_ref(&self, p: &Province) -> ProvinceRef {
        ProvinceRef {
            slug: p.slug.clone(),
            short: p.short.clone(),
            name: p.name.clone(),
            name_en: p.name_en.clone(),
            area: match self.lang {
                Language::ZhCn => p.area.name().to_string(),
                Language::En => p.area.name_en().to_string(),
            },
            url: self.site.urls.link(&urls::region(&p.slug)),
        }
    }

    /// The view of `e`: with `body_html`, the full form of its page; without, a list's form.
    pub(crate) fn item_view(&self, e: &Entry, body_html: Option<String>) -> ItemView {
        let full = body_html.is_some();
        let it = &e.item;
        let u = &self.site.urls;
        let lang = self.lang;
        let figures = if full {
            it.figures
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let metric = f.metric.as_deref().and_then(|k| self.site.config.metric(k));
                    FigureView {
                        label: f
                            .label
                            .clone()
                            .or_else(|| metric.map(|m| m.label.clone()))
                            .unwrap_or_default(),
                        display: format!(
                            "{}{}",
                            f.amount.written,
                            if f.amount.percent { "" } else { f.unit.as_str() }
                        ),
                        exact: f
                            .normalized
                            .map(|v| format!("{}{}", figure::format_exact(v), metric.map_or("", |m| m.unit.as_str()))),
                        metric: f.metric.clone(),
                        metric_label: metric.map(|m| m.label.clone()),
                        region: f
                            .region
                            .as_ref()
                            .filter(|r| r.province.slug != it.region.province.slug)
                            .map(|r| self.province_ref(r.province)),
                        as_of: (f.as_of != it.date.date).then(|| locale::date(lang, f.as_of)),
                        anchor: e.anchors.get(i).cloned().flatten().map(|id| format!("#{id}")),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        ItemView {
            url: u.link(&e.path),
            permalink: u.absolute(&e.path),
            title: it.headline.title.clone(),
            kicker: it.headline.kicker.clone(),
            subtitle: it.headline.subtitle.clone(),
            date: it.date.date.to_string(),
            date_display: locale::date(lang, it.date.date),
            datetime: it.date.time.to_rfc3339(),
            updated_display: it.updated.map(|t| locale::date(lang, t.date)),
            updated_datetime: it.updated.map(|t| t.time.to_rfc3339()),
            bulletin: LinkView {
                label: locale::date(lang, it.bulletin),
                url: u.link(&urls::bulletin(it.bulletin)),
            },
            region: RegionView {
                province: self.province_ref(it.region.province),
                locality: it.region.locality.clone(),
                place: it.region.place.map(|p| LinkView {
                    label: p.name.clone(),
                    url: u.link(&urls::place(p)),
                }),
                detail: it.region.detail.clone(),
                display: it.region.display(),
            },
            topics: it
                .topics
                .iter()
                .map(|t| TopicRef {
                    name: t.name.clone(),
                    slug: t.slug.clone(),
                    url: u.link(&urls::topic(&t.slug)),
                })
                .collect(),
            kind: it.kind.name().to_string(),
            column: it.column.clone(),
            source: it.source.clone(),
            byline: BylineView {
                reporters: it.byline.reporters.clone(),
                correspondents: it.byline.correspondents.clone(),
                interns: it.byline.interns.clone(),
                photographers: it.byline.photographers.clone(),
                text: locale::byline(lang, &it.byline),
            },
            summary: e.summary.clone(),
            body_html,
            figure_columns: FigureColumns {
                metric: figures.iter().any(|f| f.metric.is_some()),
                region: figures.iter().any(|f| f.region.is_some()),
                as_of: figures.iter().any(|f| f.as_of.is_some()),
            },
            figures,
            image: it
                .image
                .as_ref()
                .map(|i| crate::render::image::view(i, e.lead.as_deref(), u)),
            gallery: if full {
                crate::render::image::gallery(&it.gallery, &e.gallery, u)
            } else {
                Vec::new()
            },
            corrections: self.correction_views(e),
            draft: it.draft,
            pending: it.pending,
            // The reviewers' names are for the newsroom's preview alone.
            reviewed: (it.pending && self.site.preview)
                .then(|| it.review.stages([&self.t("review_first"), &self.t("review_second")])),
            scheduled: e.scheduled,
            extra: it.extra.clone(),
        }
    }

    /// The corrections of `e`, oldest first. The corrections page makes them from the entry
    /// itself: a one-shot build keeps no item views to read them from.
    pub(crate) fn correction_views(&self, e: &Entry) -> Vec<CorrectionView> {
        e.item
            .corrections
            .iter()
            .map(|c| CorrectionView {
                date: locale::date(self.lang, c.date),
                iso: c.date.to_string(),
                text: c.text.clone(),
            })
            .collect()
    }
}
