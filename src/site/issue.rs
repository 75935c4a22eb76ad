//! Numbering the issues: 第N期 (per year or running on), 总第N期, 增刊 in their own series, and
//! the issue files' explicit numbers, which win and from which later issues count on.
//!
//! Numbers are given in date order, so they depend on every issue of the site: they are
//! computed here, once the bulletins are grouped, and not while a single file is parsed.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::content::config::Config;
use crate::content::issue::{Distribution, IssueFile, Masthead, Numbering, Position};
use crate::content::markdown::{self, MarkdownOptions};
use crate::site::Bulletin;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

/// An issue's place in its series: 第N期 (or 增刊第N期) and 总第N期.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct IssueNumber {
    /// 第N期 within its year (yearly numbering) or ever (continuous), in its series.
    pub number: u32,
    /// 总第N期; None for a supplement without an explicit total.
    pub total: Option<u32>,
    /// 增刊: counted in its own series.
    pub supplement: bool,
}

/// What an issue is as a document: its number, its file (if it has one) and its 编者按.
#[derive(Clone, Debug, Default)]
pub struct Issue {
    /// Its numbers.
    pub number: IssueNumber,
    /// Its file, `bulletins/YYYY-MM-DD.md`, when it has one.
    pub file: Option<Arc<IssueFile>>,
    /// The 编者按 as HTML (escaped like an item body); empty when there is none.
    pub note_html: String,
    /// The 编者按 as plain text, paragraphs separated by `'\n'` (the PDF edition).
    pub note_text: String,
    /// Everything above and the masthead, hashed: pages and PDFs showing the issue are made
    /// again only when it changes.
    pub fingerprint: u64,
}

impl Issue {
    /// The 签发 date: the file's `issued`, else the issue's date.
    pub fn issued(&self, date: NaiveDate) -> NaiveDate {
        self.file.as_ref().and_then(|f| f.issued).unwrap_or(date)
    }

    /// 签发人.
    pub fn signed_by(&self) -> Option<&str> {
        self.file.as_ref().and_then(|f| f.signed_by.as_deref())
    }

    /// The theme of the issue (专刊 name).
    pub fn title(&self) -> Option<&str> {
        self.file.as_ref().and_then(|f| f.title.as_deref())
    }

    /// The 报尾 lines: the file's, else the masthead's.
    pub fn distribution<'a>(&'a self, masthead: Option<&'a Masthead>) -> Option<&'a Distribution> {
        self.file
            .as_ref()
            .and_then(|f| f.distribution.as_ref())
            .or(masthead.map(|m| &m.distribution))
            .filter(|d| !d.is_empty())
    }

    /// 共印N份: the file's, else the masthead's.
    pub fn copies(&self, masthead: Option<&Masthead>) -> Option<u32> {
        self.file
            .as_ref()
            .and_then(|f| f.copies)
            .or(masthead.and_then(|m| m.copies))
    }
}

impl crate::site::Site {
    /// The bulletin of the issue of `date`, when it has published items.
    pub fn issue_of(&self, date: NaiveDate) -> Option<&Bulletin> {
        // Newest first.
        self.bulletins
            .binary_search_by(|b| date.cmp(&b.date))
            .ok()
            .and_then(|i| self.bulletins.get(i))
    }
}

/// A series of numbers: the regular issues, or the supplements.
struct Series {
    next_number: u32,
    next_total: Option<u32>,
    year: Option<i32>,
}

impl Series {
    /// The number and total of the issue of `date`, explicit ones winning; counts on from them.
    fn give(
        &mut self,
        numbering: Numbering,
        date: NaiveDate,
        number: Option<u32>,
        total: Option<u32>,
    ) -> (u32, Option<u32>) {
        if numbering == Numbering::Yearly && self.year.is_some_and(|y| y != date.year()) {
            self.next_number = 1;
        }
        self.year = Some(date.year());
        let n = number.unwrap_or(self.next_number);
        self.next_number = n.saturating_add(1);
        let t = total.or(self.next_total);
        if let Some(t) = t {
            // A supplement's series has no running total: only an explicit one shows.
            if self.next_total.is_some() {
                self.next_total = Some(t.saturating_add(1));
            }
        }
        (n, t)
    }
}

/// Where a number was given: the issue's date and, when written, its file and position.
#[derive(Clone, Copy)]
struct Given<'a> {
    date: NaiveDate,
    written: Option<(&'a Path, Position)>,
}

/// Numbers the `bulletins` (newest first) of a site configured by `config`, with its issue
/// `files`: sets each bulletin's [`Issue`]. Returns the problems: a number repeated in one
/// series is an error naming both issues; an issue file whose date has no items, a warning.
pub(crate) fn number(config: &Config, bulletins: &mut [Bulletin], files: Vec<IssueFile>) -> Diagnostics {
    let default = Masthead::default();
    let masthead = config.masthead.as_ref().unwrap_or(&default);
    let mut diags = Diagnostics::new();
    let mut by_date: BTreeMap<NaiveDate, Arc<IssueFile>> = BTreeMap::new();
    for f in files {
        if !bulletins.iter().any(|b| b.date == f.date) {
            diags.push(
                Diagnostic::warning(&f.path, 1, 1, format!("no published item is in the issue of {}", f.date))
                    .with_hint(format!(
                        "items join an issue with `bulletin: {}` (or by their date); until one does, the issue is not published",
                        f.date
                    )),
            );
            continue;
        }
        by_date.insert(f.date, Arc::new(f));
    }
    let mut regular = Series {
        next_number: masthead.first_number,
        next_total: Some(masthead.first_total),
        year: None,
    };
    let mut supplements = Series {
        next_number: 1,
        next_total: None,
        year: None,
    };
    let opts = MarkdownOptions {
        unsafe_html: config.unsafe_html,
    };
    // Who has each number: (supplement, year or 0, number) and each total.
    let mut numbers: BTreeMap<(bool, i32, u32), Given<'_>> = BTreeMap::new();
    let mut totals: BTreeMap<u32, Given<'_>> = BTreeMap::new();
    let mut issues: Vec<(NaiveDate, Issue)> = Vec::with_capacity(bulletins.len());
    // Oldest first: numbers count on in date order.
    for b in bulletins.iter().rev() {
        let file = by_date.get(&b.date);
        let supplement = file.is_some_and(|f| f.supplement);
        let series = if supplement { &mut supplements } else { &mut regular };
        let explicit_number = file.and_then(|f| f.number);
        let explicit_total = file.and_then(|f| f.total);
        let (n, t) = series.give(
            masthead.numbering,
            b.date,
            explicit_number.map(|x| x.0),
            explicit_total.map(|x| x.0),
        );
        let year = match masthead.numbering {
            Numbering::Yearly => b.date.year(),
            Numbering::Continuous => 0,
        };
        let at = |explicit: Option<(u32, Position)>| Given {
            date: b.date,
            written: file.zip(explicit).map(|(f, (_, pos))| (f.path.as_path(), pos)),
        };
        let label = if supplement { "增刊第" } else { "第" };
        if let Some(first) = numbers.insert((supplement, year, n), at(explicit_number)) {
            diags.push(repeated(first, at(explicit_number), &format!("{label}{n}期")));
        }
        if let (Some(t), false) = (t, supplement) {
            if let Some(first) = totals.insert(t, at(explicit_total)) {
                diags.push(repeated(first, at(explicit_total), &format!("总第{t}期")));
            }
        }
        let (note_html, note_text) = match file.filter(|f| !f.note.trim().is_empty()) {
            Some(f) => {
                let r = markdown::render(&f.note, &opts);
                (r.html, r.text)
            }
            None => (String::new(), String::new()),
        };
        let number = IssueNumber {
            number: n,
            total: t,
            supplement,
        };
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        (b.date, number, file.map(|f| &**f), &config.masthead, &config.title).hash(&mut h);
        issues.push((
            b.date,
            Issue {
                number,
                file: file.cloned(),
                note_html,
                note_text,
                fingerprint: h.finish(),
            },
        ));
    }
    for (b, (date, issue)) in bulletins.iter_mut().rev().zip(issues) {
        debug_assert_eq!(b.date, date);
        b.issue = issue;
    }
    diags
}

/// The error for a number given twice in one series: at the later issue's written number
/// (else the earlier's), naming the other issue and its file.
fn repeated(first: Given<'_>, second: Given<'_>, what: &str) -> Diagnostic {
    let (here, other) = if second.written.is_some() {
        (second, first)
    } else {
        (first, second)
    };
    let named = |g: Given<'_>| match g.written {
        Some((p, (l, c))) => format!("{}:{l}:{c}", p.display()),
        None => format!("the issue of {} (counted on from the one before it)", g.date),
    };
    let (path, (line, col)) = here
        .written
        .map_or((Path::new("site.yaml"), (0, 0)), |(p, pos)| (p, pos));
    Diagnostic::error(
        path,
        line,
        col,
        format!(
            "{what} is given twice: to the issue of {} and to {}",
            here.date,
            named(other)
        ),
    )
    .with_hint(match other.written {
        Some(_) => "each issue of a series needs its own number: change one of them",
        None => "an explicit number makes later issues count on from it; give this issue another number or remove it",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::config;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn site(yaml: &str) -> Config {
        config::parse(
            &format!("title: 简报\nbase_url: https://e.org/\n{yaml}"),
            Path::new("site.yaml"),
        )
        .unwrap()
    }

    fn file(date: &str, front: &str) -> IssueFile {
        crate::content::issue::parse(
            &format!("---\n{front}---\n"),
            Path::new(&format!("bulletins/{date}.md")),
        )
        .unwrap()
    }

    /// Numbers of the issues of `dates` (any order), oldest first, as (第, 总第, 增刊).
    fn numbered(c: &Config, dates: &[&str], files: Vec<IssueFile>) -> (Vec<(u32, Option<u32>, bool)>, Diagnostics) {
        let mut bs: Vec<Bulletin> = dates
            .iter()
            .map(|s| Bulletin {
                date: d(s),
                entries: vec![0],
                issue: Issue::default(),
            })
            .collect();
        bs.sort_by_key(|b| std::cmp::Reverse(b.date));
        let diags = number(c, &mut bs, files);
        let got = bs
            .iter()
            .rev()
            .map(|b| (b.issue.number.number, b.issue.number.total, b.issue.number.supplement))
            .collect();
        (got, diags)
    }

    #[test]
    fn yearly_numbers_restart_in_january_and_totals_run_on() {
        let (n, diags) = numbered(
            &site(""),
            &["2021-12-20", "2021-11-20", "2022-01-05", "2022-02-01"],
            vec![],
        );
        assert!(diags.is_empty());
        assert_eq!(
            n,
            vec![
                (1, Some(1), false),
                (2, Some(2), false),
                (1, Some(3), false),
                (2, Some(4), false)
            ]
        );
    }

    #[test]
    fn continuous_numbers_never_restart_and_start_from_the_masthead() {
        let c = site("masthead:\n  numbering: continuous\n  first_number: 40\n  first_total: 300\n");
        let (n, _) = numbered(&c, &["2021-12-20", "2022-01-05"], vec![]);
        assert_eq!(n, vec![(40, Some(300), false), (41, Some(301), false)]);
    }

    #[test]
    fn an_explicit_number_wins_and_later_issues_count_on_from_it() {
        let files = vec![file("2022-03-01", "number: 10\ntotal: 100\n")];
        let (n, diags) = numbered(&site(""), &["2022-01-01", "2022-03-01", "2022-04-01"], files);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            n,
            vec![(1, Some(1), false), (10, Some(100), false), (11, Some(101), false)]
        );
    }

    #[test]
    fn supplements_have_their_own_series() {
        let files = vec![
            file("2022-01-10", "supplement: true\n"),
            file("2022-01-20", "supplement: true\n"),
        ];
        let (n, _) = numbered(
            &site(""),
            &["2022-01-01", "2022-01-10", "2022-01-15", "2022-01-20"],
            files,
        );
        assert_eq!(
            n,
            vec![
                (1, Some(1), false),
                (1, None, true),
                (2, Some(2), false),
                (2, None, true)
            ]
        );
    }

    #[test]
    fn a_repeated_number_names_both_files_at_their_lines() {
        let files = vec![
            file("2022-01-01", "number: 5\n"),
            file("2022-02-01", "signed_by: 王\nnumber: 5\n"),
        ];
        let (_, diags) = numbered(&site(""), &["2022-01-01", "2022-02-01"], files);
        let e: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(e.len(), 1, "{diags:?}");
        assert_eq!(e[0].path, Path::new("bulletins/2022-02-01.md"));
        assert_eq!((e[0].line, e[0].column), (3, 1));
        assert!(e[0].message.contains("第5期"), "{}", e[0]);
        assert!(e[0].message.contains("bulletins/2022-01-01.md:2:1"), "{}", e[0]);
    }

    #[test]
    fn the_same_number_in_two_years_is_no_repeat_when_yearly() {
        let files = vec![file("2021-05-01", "number: 3\n"), file("2022-05-01", "number: 3\n")];
        let (_, diags) = numbered(&site(""), &["2021-05-01", "2022-05-01"], files);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn an_issue_file_without_items_is_a_warning() {
        let (_, diags) = numbered(&site(""), &["2022-01-01"], vec![file("2022-01-02", "number: 2\n")]);
        assert_eq!(diags.0.len(), 1);
        assert!(!diags.has_errors());
        assert_eq!(diags.0[0].path, Path::new("bulletins/2022-01-02.md"));
    }
}
