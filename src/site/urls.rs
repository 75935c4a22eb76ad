//! Every permalink of the contract's URL table, in one place.
//!
//! Paths here are relative to the output folder and end in `/` (the page is `PATH/index.html`);
//! [`Urls`] turns them into root-relative links (with the base_url's sub-path) and absolute URLs.

use chrono::{Datelike, NaiveDate};

/// The output path of an item: `news/YYYY/MM/DD/SLUG/`.
pub fn item(date: NaiveDate, slug: &str) -> String {
    format!("news/{:04}/{:02}/{:02}/{slug}/", date.year(), date.month(), date.day())
}

/// The province index.
pub(crate) const REGIONS: &str = "regions/";
/// The topic index.
pub(crate) const TOPICS: &str = "topics/";
/// The bulletin index.
pub(crate) const BULLETINS: &str = "bulletins/";
/// The archive index.
pub(crate) const ARCHIVE: &str = "archive/";
/// The statistics page.
pub(crate) const STATS: &str = "stats/";
/// The contributions page (信息采用情况): units ranked by items published.
pub(crate) const UNITS: &str = "stats/units/";
/// The corrections page.
pub(crate) const CORRECTIONS: &str = "corrections/";
/// The Google News sitemap.
pub(crate) const NEWS_SITEMAP: &str = "news-sitemap.xml";
/// The search page.
pub(crate) const SEARCH: &str = "search/";
/// The site feed.
pub(crate) const FEED: &str = "atom.xml";

/// A province page: `regions/PINYIN/`.
pub(crate) fn region(slug: &str) -> String {
    format!("regions/{slug}/")
}

/// A city or county page: `regions/PROVINCE/CITY/`, `regions/PROVINCE/CITY/COUNTY/` (a
/// municipality's district: `regions/chongqing/yubei/`).
pub(crate) fn place(place: &crate::content::place::Place) -> String {
    format!("regions/{}/", crate::site::places::path_of(place))
}

/// A topic page: `topics/SLUG/`.
pub(crate) fn topic(slug: &str) -> String {
    format!("topics/{slug}/")
}

/// A bulletin page: `bulletins/YYYY-MM-DD/`.
pub(crate) fn bulletin(date: NaiveDate) -> String {
    format!("bulletins/{}/", date.format("%Y-%m-%d"))
}

/// The print edition of a bulletin: `bulletins/YYYY-MM-DD/print/`.
pub fn bulletin_print(date: NaiveDate) -> String {
    format!("{}print/", bulletin(date))
}

/// The PDF edition of a bulletin: `bulletins/YYYY-MM-DD/bulletin-YYYY-MM-DD.pdf`.
pub fn bulletin_pdf(date: NaiveDate) -> String {
    format!("{}bulletin-{}.pdf", bulletin(date), date.format("%Y-%m-%d"))
}

/// A month of the archive: `archive/YYYY/MM/`.
pub(crate) fn archive(year: i32, month: u32) -> String {
    format!("archive/{year:04}/{month:02}/")
}

/// Page `n` (from 1) of a list whose first page is at `first`: `first` itself, then `first/page/N/`.
pub(crate) fn page(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
    }
}

/// The feed beside a list page: `regions/PINYIN/atom.xml`.
pub(crate) fn feed_of(list: &str) -> String {
    format!("{list}atom.xml")
}

/// Turns output paths into links under the site's base URL.
#[derive(Clone, Debug)]
pub struct Urls {
    base_url: String,
    base_path: String,
}

impl Urls {
    /// For a base URL that ends in `/` and its path part.
    pub fn new(base_url: &str, base_path: &str) -> Self {
        Urls {
            base_url: base_url.to_string(),
            base_path: base_path.to_string(),
        }
    }

    /// Root-relative link (`/bulletin/regions/shaanxi/`): works on any host at that path.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// Absolute URL, for feeds, sitemaps and canonical links.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base path.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }
}

/// The file a page path is written to: `PATH/index.html`, or the path itself when it names a file.
pub(crate) fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_contract() {
        let d = NaiveDate::from_ymd_opt(2022, 6, 20).unwrap();
        assert_eq!(item(d, "a-b"), "news/2022/06/20/a-b/");
        assert_eq!(bulletin(d), "bulletins/2022-06-20/");
        assert_eq!(bulletin_print(d), "bulletins/2022-06-20/print/");
        assert_eq!(bulletin_pdf(d), "bulletins/2022-06-20/bulletin-2022-06-20.pdf");
        assert_eq!(archive(2022, 6), "archive/2022/06/");
        assert_eq!(region("shaanxi"), "regions/shaanxi/");
        let laixi = crate::content::place::places().by_code(370285).unwrap();
        assert_eq!(place(laixi), "regions/shandong/qingdao/laixi/");
        assert_eq!(page("", 2), "page/2/");
        assert_eq!(page("topics/x/", 1), "topics/x/");
        assert_eq!(page("topics/x/", 3), "topics/x/page/3/");
        assert_eq!(feed_of("topics/x/"), "topics/x/atom.xml");
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("404.html"), "404.html");
    }

    #[test]
    fn links_carry_the_base_path() {
        let u = Urls::new("https://e.org/bulletin/", "/bulletin/");
        assert_eq!(u.link("regions/"), "/bulletin/regions/");
        assert_eq!(u.absolute(""), "https://e.org/bulletin/");
    }
}
