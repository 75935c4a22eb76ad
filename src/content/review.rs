//! The review gate (三审): site.yaml's `review: required`, an item's `review: { first, second,
//! final }` (初审, 复审, 终审), and the warning `check` gives for every item still waiting for
//! its 终审. With the rule, an item without `review.final` is left out like a draft.

use crate::base::diagnostic::Diagnostic;
use crate::content::frontmatter::RawReview;
use crate::content::item::Item;
use serde::Serialize;

/// Whether items must be signed off before they are published (`review:` in site.yaml).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewRule {
    /// No rule (the default): every item that is not a draft is published.
    #[default]
    Open,
    /// `review: required`: an item is published only once `review.final` is set.
    Required,
}

impl ReviewRule {
    /// The rule site.yaml's `review:` names, or the message and hint for a value it cannot be.
    pub(crate) fn parse(value: &str) -> Result<ReviewRule, (String, &'static str)> {
        match value.trim() {
            "required" => Ok(ReviewRule::Required),
            other => Err((
                format!("site.yaml: unknown review rule `{}`", other.escape_debug()),
                "write `review: required` to publish items only once their 终审 (`review.final`) is set, or leave `review:` out",
            )),
        }
    }
}

/// Who has signed an item off, as its front matter says. The names are for the newsroom: they
/// never appear on a public page, in a feed or in any data file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Review {
    /// 初审.
    pub first: Option<String>,
    /// 复审.
    pub second: Option<String>,
    /// 终审: with `review: required`, the item is published only once this is set.
    pub final_: Option<String>,
}

impl Review {
    /// The review as written, names trimmed and blank ones left out.
    pub(crate) fn from_raw(raw: Option<RawReview>) -> Review {
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        match raw {
            Some(r) => Review {
                first: clean(r.first),
                second: clean(r.second),
                final_: clean(r.final_),
            },
            None => Review::default(),
        }
    }

    /// The stages before the 终审 as the newsroom says them, with `labels` for 初审 and 复审:
    /// `初审 张三 · 复审 —` (a dash for a stage not done).
    pub fn stages(&self, labels: [&str; 2]) -> String {
        fn name(n: &Option<String>) -> &str {
            n.as_deref().unwrap_or("—")
        }
        format!(
            "{} {} · {} {}",
            labels[0],
            name(&self.first),
            labels[1],
            name(&self.second)
        )
    }
}

/// One warning per item waiting for its 终审 (`item.pending`: drafts are not yet sent for
/// review), each at the item's `review:` key or, without one, at the front matter's
/// opening line; `front` is the front matter each item was parsed from.
pub(crate) fn pending_warnings(items: &[(&Item, &str)]) -> Vec<Diagnostic> {
    items
        .iter()
        .filter(|(it, _)| it.pending)
        .map(|&(it, front)| {
            let at = crate::base::yaml::locate(front, &crate::ypath!["review"])
                .map(|(l, c)| (l + it.front_line - 1, c));
            let (line, column) = at.unwrap_or((it.front_line.saturating_sub(1).max(1), 1));
            Diagnostic::warning(
                &it.path,
                line,
                column,
                format!(
                    "待审 (awaiting review; {}): no 终审 (`review.final`) yet, so it is not published",
                    it.review.stages(["初审", "复审"])
                ),
            )
            .with_hint("once signed off, add the final reviewer as `review: { final: 王五 }`; `bulletin serve` and `build --drafts` show the item marked 待审")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_required_is_a_rule() {
        assert_eq!(ReviewRule::parse("required"), Ok(ReviewRule::Required));
        assert_eq!(ReviewRule::parse(" required "), Ok(ReviewRule::Required));
        assert!(ReviewRule::parse("yes").is_err());
        assert!(ReviewRule::parse("Required").is_err());
    }

    #[test]
    fn stages_show_who_signed_and_a_dash_for_the_rest() {
        let r = Review::from_raw(Some(RawReview {
            first: Some(" 张三 ".into()),
            second: Some("  ".into()),
            final_: None,
        }));
        assert_eq!(r.first.as_deref(), Some("张三"));
        assert_eq!(r.second, None);
        assert_eq!(r.stages(["初审", "复审"]), "初审 张三 · 复审 —");
    }
}
