//! The typed views that templates receive: borrowed-free, serializable snapshots of the
//! model with every string a template needs already formatted (dates as 2022年6月20日,
//! numbers as the paper writes them, URLs with the base path). Templates never compute.
//!
//! Every page gets [`SiteView`], the UI strings, [`NavView`] and [`PageMeta`] under the keys `site`, `t`, `nav` and `page`;
//! the page-specific keys are listed on each template's view below.

use serde::Serialize;

/// The site-wide settings a template needs (key `site`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute base URL with trailing `/`.
    pub base_url: String,
    /// Path part of the base URL (`/bulletin/`).
    pub base_path: String,
    /// `lang` attribute value (`zh-CN`).
    pub lang: String,
    /// Open Graph locale (`zh_CN`).
    pub og_locale: String,
    /// URL of the stylesheet.
    pub css_url: String,
    /// URL of the site feed.
    pub feed_url: String,
    /// Free-form `extra` from site.yaml.
    pub extra: serde_json::Value,
    /// The ICP 备案 number, for the footer (empty: none).
    pub icp: String,
    /// The 公网安备 number, for the footer (empty: none).
    pub police_record: String,
    /// Where the 公网安备 number is looked up: the national register, queried with its digits.
    pub police_record_url: String,
}

/// Links of the main navigation (key `nav`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct NavView {
    /// Home page.
    pub home: String,
    /// Province index.
    pub regions: String,
    /// Topic index.
    pub topics: String,
    /// Bulletin index.
    pub bulletins: String,
    /// Archive index.
    pub archive: String,
    /// Statistics page.
    pub stats: String,
    /// Corrections page.
    pub corrections: String,
    /// Search page.
    pub search: String,
}

/// Which page a page is (`page.kind`: `home`, `item`, `regions`, `region`, `place`, `topics`, `topic`,
/// `bulletins`, `bulletin`, `archives`, `archive`, `stats`, `corrections`, `search`, `404`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PageKind {
    /// The home page and its later pages.
    Home,
    /// A news item.
    Item,
    /// The province index.
    Regions,
    /// A province's pages.
    Region,
    /// A city's or county's pages.
    Place,
    /// The topic index.
    Topics,
    /// A topic's pages.
    Topic,
    /// The bulletin index.
    Bulletins,
    /// A bulletin.
    Bulletin,
    /// The archive index.
    Archives,
    /// A month of the archive.
    Archive,
    /// The statistics page.
    Stats,
    /// The corrections page.
    Corrections,
    /// The search page.
    Search,
    /// The page for a missing address.
    #[serde(rename = "404")]
    NotFound,
    /// The print edition of a bulletin.
    Print,
    /// The contributions page (信息采用情况).
    Units,
}

impl PageKind {
    /// Every kind, for the chrome rendered once per kind.
    pub(crate) const ALL: [PageKind; 17] = [
        PageKind::Home,
        PageKind::Item,
        PageKind::Regions,
        PageKind::Region,
        PageKind::Place,
        PageKind::Topics,
        PageKind::Topic,
        PageKind::Bulletins,
        PageKind::Bulletin,
        PageKind::Archives,
        PageKind::Archive,
        PageKind::Stats,
        PageKind::Corrections,
        PageKind::Search,
        PageKind::NotFound,
        PageKind::Print,
        PageKind::Units,
    ];
}

/// What every page says about itself (key `page`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PageMeta {
    /// Which page this is.
    pub kind: PageKind,
    /// The `<title>` text (without the site title).
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Root-relative URL of this page.
    pub url: String,
    /// Absolute canonical URL.
    pub permalink: String,
    /// Absolute URL of a feed about this page's subject, if any.
    pub feed_url: Option<String>,
    /// Breadcrumbs from home to this page's parent.
    pub breadcrumbs: Vec<LinkView>,
    /// Open Graph type: `article` for items, else `website`.
    pub og_type: &'static str,
    /// Absolute URL of the page's image, for Open Graph and Twitter cards.
    pub image: Option<String>,
    /// RFC 3339 publication time (items).
    pub published: Option<String>,
    /// RFC 3339 time of the last change (items).
    pub modified: Option<String>,
    /// Structured data (JSON-LD `NewsArticle` on items), already safe inside `<script>`.
    pub jsonld: Option<String>,
    /// Previous page of a paginated list (for `<link rel="prev">`).
    pub prev: Option<String>,
    /// Next page of a paginated list (for `<link rel="next">`).
    pub next: Option<String>,
    /// Whether this is its section's own index page (the first page of home, regions,
    /// topics, bulletins, archives, stats or search), whose navigation link is current.
    pub current: bool,
    /// Open Graph, Twitter card and article time `<meta>` tags, already escaped
    /// ([`crate::render::seo::social_tags`]).
    pub social: String,
}

/// The page parts that do not depend on the page: `header.html` and `footer.html`, rendered
/// once per page kind (key `chrome`; the default base.html inserts them).
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct ChromeView {
    /// The rendered header.html (masthead and navigation).
    pub header: String,
    /// The rendered footer.html.
    pub footer: String,
}

/// A labelled link.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LinkView {
    /// Text.
    pub label: String,
    /// Root-relative URL.
    pub url: String,
}

/// A province as shown in links and headings.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProvinceRef {
    /// Pinyin slug.
    pub slug: String,
    /// Short name (山东).
    pub short: String,
    /// Full name (山东省).
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Area (华北…).
    pub area: String,
    /// Page URL.
    pub url: String,
}

/// A topic as shown in links.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TopicRef {
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Page URL.
    pub url: String,
}

/// The item's region.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RegionView {
    /// The province.
    pub province: ProvinceRef,
    /// The locality as written (青岛市莱西市), if any.
    pub locality: Option<String>,
    /// The city or county it names (莱西市), linked to its page, when the registry knows it.
    pub place: Option<LinkView>,
    /// What the locality says below the place (水集街道), as written.
    pub detail: Option<String>,
    /// Short display form (山东 青岛市莱西市).
    pub display: String,
}

/// A city or county as shown in headings.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PlaceRef {
    /// The official name (莱西市).
    pub name: String,
    /// The GB/T 2260 code (370285).
    pub code: u32,
    /// `prefecture` or `county`.
    pub level: crate::content::place::Level,
    /// Page URL.
    pub url: String,
}

/// One place's row in the table of a province's cities or a city's counties.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PlaceRow {
    /// The place, linked to its page.
    pub place: LinkView,
    /// Items filed under it (or under a place in it).
    pub count: usize,
    /// Items elsewhere reporting its figures.
    pub reported: usize,
    /// One cell per metric of [`PlaceTable::metrics`]; None where it has no figure.
    pub cells: Vec<Option<ValueView>>,
}

/// The places below a province or city, with their counts and key figures.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PlaceTable {
    /// The metrics some place of the table has a figure for, linked to the statistics page.
    pub metrics: Vec<LinkView>,
    /// The places, in code order.
    pub rows: Vec<PlaceRow>,
}

/// The byline, ready to print.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct BylineView {
    /// 记者.
    pub reporters: Vec<String>,
    /// 通讯员.
    pub correspondents: Vec<String>,
    /// 实习生.
    pub interns: Vec<String>,
    /// 摄.
    pub photographers: Vec<String>,
    /// One line: 记者 朱欣 通讯员 田甜 (empty when there is no byline).
    pub text: String,
}

/// A number with its forms: as displayed, exact, and where it comes from.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ValueView {
    /// As the paper writes it, with unit (约2,900万元).
    pub display: String,
    /// Exact digits (29,000,000), for title attributes.
    pub exact: String,
    /// Built from approximate figures.
    pub approximate: bool,
    /// The items the value comes from (the first few; see `more_sources`).
    pub sources: Vec<LinkView>,
    /// How many more items it comes from than `sources` lists (the statistics page's data
    /// files list them all).
    pub more_sources: usize,
}

/// The optional columns of an item's figures table: a column shows when some figure has it.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(crate) struct FigureColumns {
    /// Some figure has a metric.
    pub metric: bool,
    /// Some figure counts for another region.
    pub region: bool,
    /// Some figure has an `as_of` date.
    pub as_of: bool,
}

/// A figure reported by an item, as shown in its figure box.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FigureView {
    /// What it counts (the figure's label, else the metric's).
    pub label: String,
    /// As written, with unit (2900余万元).
    pub display: String,
    /// Exact value in the metric's unit, when it has a metric.
    pub exact: Option<String>,
    /// The metric key, when added up.
    pub metric: Option<String>,
    /// The metric label, when added up.
    pub metric_label: Option<String>,
    /// The province it counts for, when not the item's.
    pub region: Option<ProvinceRef>,
    /// The "as of" date (2022年6月15日), when it differs from the item's date.
    pub as_of: Option<String>,
    /// Link to the place in the body that states the figure (`#figure-1`), when found.
    pub anchor: Option<String>,
}

/// A published correction.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CorrectionView {
    /// 2022年6月21日.
    pub date: String,
    /// ISO date.
    pub iso: String,
    /// Text.
    pub text: String,
}

/// A lead image.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ImageView {
    /// URL.
    pub src: String,
    /// Alt text.
    pub alt: String,
    /// Width in pixels, when known.
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
    /// `srcset` candidates (`/img/…-480w.jpg 480w, …, original 2000w`), when resized copies exist.
    pub srcset: Option<String>,
    /// What the picture shows (`image_caption`, a gallery picture's `caption`).
    pub caption: Option<String>,
    /// Who took it (`image_credit`, a gallery picture's `credit`): 本报通讯员 戚良鹏 摄.
    pub credit: Option<String>,
}

/// A news item, for its own page (with `body_html` and `figures`) and in lists.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ItemView {
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// 主题.
    pub title: String,
    /// 引题.
    pub kicker: Option<String>,
    /// 副题.
    pub subtitle: Option<String>,
    /// ISO date (2022-06-20).
    pub date: String,
    /// 2022年6月20日 (or June 20, 2022 in English).
    pub date_display: String,
    /// RFC 3339 publication time, for `<time datetime>`.
    pub datetime: String,
    /// Last update, display form.
    pub updated_display: Option<String>,
    /// Last update, RFC 3339.
    pub updated_datetime: Option<String>,
    /// The bulletin (期) the item is in.
    pub bulletin: LinkView,
    /// Province and locality.
    pub region: RegionView,
    /// Topics.
    pub topics: Vec<TopicRef>,
    /// 消息, 通讯, 特写, 图片新闻, 评论.
    pub kind: String,
    /// 栏目.
    pub column: Option<String>,
    /// 本报讯 etc.
    pub source: Option<String>,
    /// Who wrote it.
    pub byline: BylineView,
    /// Plain-text summary.
    pub summary: String,
    /// The body HTML (item pages only; already safe).
    pub body_html: Option<String>,
    /// Figures (item pages only).
    pub figures: Vec<FigureView>,
    /// Which optional columns the figures table needs (item pages only).
    pub figure_columns: FigureColumns,
    /// Lead image.
    pub image: Option<ImageView>,
    /// The pictures of a photo story, in order (item pages only).
    pub gallery: Vec<ImageView>,
    /// Corrections.
    pub corrections: Vec<CorrectionView>,
    /// A draft (only built with --drafts).
    pub draft: bool,
    /// Waiting for its 终审 (only built with --drafts, or previewed by serve).
    pub pending: bool,
    /// Who has reviewed a pending item so far (初审 张三 · 复审 —): in serve's preview only,
    /// never in a build.
    pub reviewed: Option<String>,
    /// Dated in the future (only built with --future).
    pub scheduled: bool,
    /// Free-form `extra`.
    pub extra: serde_json::Value,
}

/// An item in a list: its card, rendered once per build by the theme's `card.html`, so that
/// lists insert ready HTML (`{{ it.card | safe }}`) instead of rendering every entry again.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CardView {
    /// The card's HTML, already escaped.
    pub card: String,
    /// Root-relative URL of the item.
    pub url: String,
    /// 主题.
    pub title: String,
}

/// An item on the corrections page: its card and its corrections.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CorrectedView {
    /// The card's HTML, already escaped.
    pub card: String,
    /// The corrections, oldest first.
    pub corrections: Vec<CorrectionView>,
}

/// Page links of a paginated list (key `paginator`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Paginator {
    /// Current page, from 1.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// Previous page URL.
    pub prev: Option<String>,
    /// Next page URL.
    pub next: Option<String>,
    /// Every page.
    pub pages: Vec<PageLink>,
}

/// One page of a paginated list.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PageLink {
    /// Page number.
    pub number: usize,
    /// URL.
    pub url: String,
    /// Is this the current page.
    pub current: bool,
    /// Pages are left out before this one (show an ellipsis).
    pub gap_before: bool,
    /// Its accessible name ("第3页", "Page 3").
    pub label: String,
}

/// A province in the province index, with counts.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProvinceEntry {
    /// The province.
    pub province: ProvinceRef,
    /// Items filed under it.
    pub count: usize,
    /// Items elsewhere reporting its figures.
    pub reported: usize,
    /// How many of its cities and counties have pages.
    pub places: usize,
    /// Whether it has a page.
    pub has_page: bool,
}

/// An area (华北…) of the province index.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AreaView {
    /// 华北.
    pub name: String,
    /// huabei.
    pub slug: String,
    /// Its provinces, in the registry's order.
    pub provinces: Vec<ProvinceEntry>,
}

/// A topic with its count, for the topic index.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TopicEntry {
    /// The topic.
    pub topic: TopicRef,
    /// Number of items.
    pub count: usize,
}

/// A bulletin (期).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct BulletinView {
    /// ISO date.
    pub date: String,
    /// 2022年6月20日.
    pub date_display: String,
    /// URL.
    pub url: String,
    /// Number of items.
    pub count: usize,
    /// Items in order (on the bulletin page and the home page).
    pub items: Vec<CardView>,
    /// 第12期 (增刊第1期; No. 12).
    pub number: String,
    /// 总第345期, when the issue has one.
    pub total: Option<String>,
    /// 增刊.
    pub supplement: bool,
    /// The theme of the issue (专刊 name).
    pub title: Option<String>,
    /// The red title of the 报头.
    pub masthead: String,
    /// 编印单位 (only with a masthead in site.yaml).
    pub publisher: Option<String>,
    /// 签发人.
    pub signed_by: Option<String>,
    /// The 签发 date, ISO.
    pub issued: String,
    /// The 签发 date, 2022年6月20日.
    pub issued_display: String,
    /// The 编者按, HTML already escaped.
    pub note_html: Option<String>,
    /// The print edition.
    pub print_url: String,
    /// The PDF edition, when the build makes one.
    pub pdf_url: Option<String>,
    /// The 报尾 lines (报/送/发).
    pub distribution: Vec<DistributionLine>,
    /// 共印N份.
    pub copies: Option<String>,
}

/// An item in the print edition: its headlines, byline and body in full.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PrintItemView {
    /// 引题.
    pub kicker: Option<String>,
    /// 主题.
    pub title: String,
    /// 副题.
    pub subtitle: Option<String>,
    /// 本报讯 etc.
    pub source: Option<String>,
    /// One line: 记者 朱欣 通讯员 田甜 (empty when there is none).
    pub byline: String,
    /// The body HTML, already escaped.
    pub body_html: String,
    /// Root-relative URL of the item's page.
    pub url: String,
    /// The lead image, when it has a caption or credit (a captioned picture is part of the
    /// story; an uncaptioned one only dresses the web page).
    pub image: Option<ImageView>,
    /// The pictures of a photo story, in order.
    pub gallery: Vec<ImageView>,
}

/// One line of the 报尾: `报：中华全国总工会办公厅`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct DistributionLine {
    /// 报, 送 or 发.
    pub role: String,
    /// Who, as written.
    pub names: String,
}

/// A month of the archive.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MonthView {
    /// 2022年6月.
    pub label: String,
    /// Year.
    pub year: i32,
    /// Month.
    pub month: u32,
    /// URL.
    pub url: String,
    /// Number of items.
    pub count: usize,
}

/// One metric's value in a table row (a province, a topic, a month).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct StatRow {
    /// What the row is (a province, topic or month), linked.
    pub subject: LinkView,
    /// The value.
    pub value: ValueView,
    /// Rank among the rows, from 1.
    pub rank: usize,
}

/// A month's row in a running table.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MonthRow {
    /// 2022年6月, linked to the archive.
    pub month: LinkView,
    /// The value of that month alone.
    pub in_month: ValueView,
    /// The running total up to the end of that month.
    pub running: ValueView,
}

/// A metric's running table, relative to the latest bulletin.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RunningView {
    /// The latest bulletin, linked.
    pub bulletin: Option<LinkView>,
    /// Figures reported in the latest bulletin.
    pub this_bulletin: Option<ValueView>,
    /// Month to date.
    pub month_to_date: Option<ValueView>,
    /// Year to date.
    pub year_to_date: Option<ValueView>,
    /// All time.
    pub all_time: Option<ValueView>,
    /// Change of the all-time value with the latest bulletin (+1.5万人), when there was one.
    pub change: Option<String>,
}

/// One cell of the province × metric table.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MatrixCell {
    /// The value.
    pub value: ValueView,
    /// Rank of the province for this metric, from 1.
    pub rank: usize,
}

/// One province's row of the province × metric table.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MatrixRow {
    /// The province, linked.
    pub province: LinkView,
    /// One cell per metric (in `MatrixView::metrics` order); None where it has no figure.
    pub cells: Vec<Option<MatrixCell>>,
}

/// The province × metric table of the statistics page.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MatrixView {
    /// Column headers.
    pub metrics: Vec<LinkView>,
    /// Rows, in registry order.
    pub rows: Vec<MatrixRow>,
}

/// A tile-grid map of China shaded by one metric.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MapView {
    /// The metric shown.
    pub metric: LinkView,
    /// The SVG (already safe).
    pub svg: String,
}

/// A metric with its totals.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MetricView {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// sum, latest or max.
    pub aggregate: String,
    /// How the rule reads to a person (累计, 最新, 最高).
    pub aggregate_label: String,
    /// The overall total.
    pub total: Option<ValueView>,
    /// Per province, ranked.
    pub by_province: Vec<StatRow>,
    /// Per month, oldest first.
    pub by_month: Vec<MonthRow>,
    /// Per topic, ranked.
    pub by_topic: Vec<StatRow>,
    /// The running table (this bulletin, month and year to date, all time, change).
    pub running: RunningView,
    /// Bar chart across provinces (SVG, already safe), on the statistics page.
    pub chart_provinces: Option<String>,
    /// Running total over months (SVG, already safe), on the statistics page.
    pub chart_months: Option<String>,
    /// Tile map of the provinces (SVG, already safe), on the statistics page.
    pub map: Option<String>,
}

/// A metric's value for one subject (a province or topic page's running table).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SubjectStat {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// How the rule reads (累计, 最新, 最高).
    pub aggregate_label: String,
    /// The value.
    pub value: ValueView,
    /// Per month, oldest first.
    pub by_month: Vec<MonthRow>,
    /// The running table.
    pub running: RunningView,
    /// Running total over months (SVG, already safe).
    pub chart_months: Option<String>,
}

/// A unit (报送单位) as the contributions page names it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct UnitRef {
    /// Its name.
    pub name: String,
    /// Where it is, linked to the place's (or province's) page, when site.yaml says.
    pub region: Option<LinkView>,
}

/// A unit's row in one period's ranking.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct UnitRow {
    /// Rank by items in the period, from 1; equal counts share a rank.
    pub rank: usize,
    /// The unit.
    pub unit: UnitRef,
    /// Items published in the period (0 for a listed unit that sent none).
    pub count: usize,
    /// Those items, newest first, linked.
    pub items: Vec<LinkView>,
}

/// One period (a month, a year, or all time) of the contributions page.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct UnitPeriod {
    /// The fragment id (`all`, `y2022`, `m2022-06`).
    pub id: String,
    /// 2022年6月, 2022年, 累计采用.
    pub label: String,
    /// Every unit, ranked.
    pub rows: Vec<UnitRow>,
    /// Items published from all units in the period.
    pub total: usize,
}

/// The all-time table: each unit with its count per year and in all.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct UnitTotals {
    /// The years, oldest first (column headers).
    pub years: Vec<String>,
    /// Every unit, ranked by items in all.
    pub rows: Vec<UnitTotalRow>,
}

/// One unit's row of the all-time table.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct UnitTotalRow {
    /// Rank by items in all, from 1.
    pub rank: usize,
    /// The unit.
    pub unit: UnitRef,
    /// Items per year, in [`UnitTotals::years`] order.
    pub by_year: Vec<usize>,
    /// Items in all.
    pub total: usize,
}
