//! Language-dependent formatting done in Rust: dates (2022年6月20日 / June 20, 2022),
//! months, byline roles and aggregate names. Interface strings of pages live in the theme's
//! `i18n/` files instead, where a theme author can change them.

use crate::content::config::{Aggregate, Language};
use crate::content::item::Byline;
use chrono::{Datelike, NaiveDate};

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_en(m: u32) -> &'static str {
    MONTHS_EN.get(m.saturating_sub(1) as usize).copied().unwrap_or("")
}

/// A date as the paper prints it: 2022年6月20日, or June 20, 2022.
pub(crate) fn date(lang: Language, d: NaiveDate) -> String {
    match lang {
        Language::ZhCn => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Language::En => format!("{} {}, {}", month_en(d.month()), d.day(), d.year()),
    }
}

/// An issue's number as printed: 第12期 or 增刊第1期 (No. 12, Supplement No. 1), and its
/// 总第345期 (Total No. 345) when it has one.
pub(crate) fn issue_number(lang: Language, n: &crate::site::issue::IssueNumber) -> (String, Option<String>) {
    match lang {
        Language::ZhCn => (
            format!("{}第{}期", if n.supplement { "增刊" } else { "" }, n.number),
            n.total.map(|t| format!("总第{t}期")),
        ),
        Language::En => (
            format!("{}No. {}", if n.supplement { "Supplement " } else { "" }, n.number),
            n.total.map(|t| format!("Total No. {t}")),
        ),
    }
}

/// 共印200份 (200 copies).
pub(crate) fn copies(lang: Language, n: u32) -> String {
    match lang {
        Language::ZhCn => format!("共印{n}份"),
        Language::En => format!("{n} copies printed"),
    }
}

/// A month: 2022年6月, or June 2022.
pub(crate) fn month(lang: Language, year: i32, m: u32) -> String {
    match lang {
        Language::ZhCn => format!("{year}年{m}月"),
        Language::En => format!("{} {year}", month_en(m)),
    }
}

/// How an aggregate rule reads in a table header: 累计 / 最新 / 最高.
pub(crate) fn aggregate(lang: Language, a: Aggregate) -> &'static str {
    match (lang, a) {
        (Language::ZhCn, Aggregate::Sum) => "累计",
        (Language::ZhCn, Aggregate::Latest) => "最新",
        (Language::ZhCn, Aggregate::Max) => "最高",
        (Language::En, Aggregate::Sum) => "total",
        (Language::En, Aggregate::Latest) => "latest",
        (Language::En, Aggregate::Max) => "highest",
    }
}

/// The byline on one line, as printed: 记者 朱欣 通讯员 田甜 实习生 谢迅; photographers
/// follow their names (戚良鹏 张婷 摄).
pub(crate) fn byline(lang: Language, b: &Byline) -> String {
    let (rep, cor, int, pho) = match lang {
        Language::ZhCn => ("记者", "通讯员", "实习生", "摄"),
        Language::En => ("Reporter", "Correspondent", "Intern", "Photo:"),
    };
    let mut parts = Vec::new();
    for (label, names) in [(rep, &b.reporters), (cor, &b.correspondents), (int, &b.interns)] {
        if !names.is_empty() {
            parts.push(format!("{label} {}", names.join(" ")));
        }
    }
    if !b.photographers.is_empty() {
        parts.push(match lang {
            Language::ZhCn => format!("{} {pho}", b.photographers.join(" ")),
            Language::En => format!("{pho} {}", b.photographers.join(", ")),
        });
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_printed() {
        let d = NaiveDate::from_ymd_opt(2022, 6, 20).unwrap();
        assert_eq!(date(Language::ZhCn, d), "2022年6月20日");
        assert_eq!(date(Language::En, d), "June 20, 2022");
        assert_eq!(month(Language::ZhCn, 2022, 6), "2022年6月");
    }

    #[test]
    fn bylines_read_as_printed() {
        let b = Byline {
            reporters: vec!["叶小钟".into()],
            correspondents: vec!["田甜".into()],
            interns: vec!["谢迅".into()],
            photographers: vec![],
        };
        assert_eq!(byline(Language::ZhCn, &b), "记者 叶小钟 通讯员 田甜 实习生 谢迅");
        let p = Byline {
            photographers: vec!["戚良鹏".into(), "张婷".into()],
            ..Byline::default()
        };
        assert_eq!(byline(Language::ZhCn, &p), "戚良鹏 张婷 摄");
    }
}
