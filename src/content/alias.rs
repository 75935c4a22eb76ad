//! `aliases:` on an item: old URL paths (from a previous site) that get a page redirecting to
//! the item. An alias is a site path under base_url, as the contract's URL table writes them:
//! a folder (`/news/old/`, or `/news/old` without its slash) whose page is `PATH/index.html`,
//! or an `.html`/`.htm` file (`/2019/06/old-story.html`) that is the page itself.

use serde::Serialize;

/// One old address of an item, validated.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Alias {
    /// The path relative to the output folder: `news/old/` for a folder (always with its
    /// slash), `2019/06/old-story.html` for a file.
    pub path: String,
    /// The file line and column where the item's front matter gives it.
    pub line: usize,
    /// The column, in characters.
    pub column: usize,
}

impl Alias {
    /// The alias as the editor wrote it, from the site's root: `/news/old/`.
    pub fn shown(&self) -> String {
        format!("/{}", self.path)
    }
}

/// Validates an alias as written (`/2019/06/old-story.html`, `/news/old/`) into its path
/// relative to the output folder, or says what is wrong and how to fix it.
pub(crate) fn parse(written: &str) -> Result<String, (String, String)> {
    let shown = written.escape_debug();
    let bad = |what: String, hint: &str| Err((format!("alias `{shown}` {what}"), hint.to_string()));
    if let Some(c) = written.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return bad(
            format!("contains whitespace or a control character ({})", c.escape_unicode()),
            "an alias is a URL path such as `/2019/06/old-story.html`: no spaces",
        );
    }
    let Some(rest) = written.strip_prefix('/').filter(|_| !written.starts_with("//")) else {
        return bad(
            "is not a path from the site's root".into(),
            "start it with `/`, without scheme or host: `/2019/06/old-story.html`, `/news/old/`",
        );
    };
    if written.contains('?') || written.contains('#') {
        return bad(
            "has a query or a fragment".into(),
            "a static page cannot answer for `?…` or `#…`: give the path alone",
        );
    }
    if let Some(c) = written.chars().find(|c| "\\%\"<>`{}|^".contains(*c)) {
        return bad(
            format!("contains `{c}`"),
            "write the path as plain text: `/` between parts, characters as they are (新闻, not %E6%96%B0%E9%97%BB)",
        );
    }
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    if rest.is_empty() {
        return bad("is the home page".into(), "an alias names an old page other than `/`");
    }
    if segments.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return bad(
            "has an empty, `.` or `..` part".into(),
            "write the path plainly, without `//`, `./` or `../`",
        );
    }
    let last = segments.last().copied().unwrap_or_default();
    let is_page_file = rest.ends_with(".html") || rest.ends_with(".htm");
    if is_page_file {
        return Ok(rest.to_string());
    }
    if let Some((_, ext)) = last.rsplit_once('.').filter(|_| !rest.ends_with('/')) {
        return bad(
            format!("ends in a `.{ext}` file"),
            "an alias is a folder (`/news/old/`) or an `.html`/`.htm` page: a static host serves a redirect page only under those names",
        );
    }
    Ok(format!("{}/", rest.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_pages_are_accepted() {
        assert_eq!(parse("/2019/06/old-story.html").unwrap(), "2019/06/old-story.html");
        assert_eq!(parse("/old.htm").unwrap(), "old.htm");
        assert_eq!(parse("/news/old/").unwrap(), "news/old/");
        assert_eq!(parse("/news/old").unwrap(), "news/old/");
        assert_eq!(parse("/新闻/旧稿/").unwrap(), "新闻/旧稿/");
        assert_eq!(parse("/v1.2/").unwrap(), "v1.2/");
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        for (written, why) in [
            ("news/old/", "not a path from the site's root"),
            ("https://old.example.org/a/", "not a path from the site's root"),
            ("//old.example.org/a/", "not a path from the site's root"),
            ("/a/../b/", "`..`"),
            ("/a/./b/", "`.`"),
            ("/a//b/", "empty"),
            ("/a/?id=3", "query"),
            ("/a/#top", "fragment"),
            ("/a b/", "whitespace"),
            ("/a\u{7}/", "control"),
            ("/a%20b/", "`%`"),
            ("/a\\b/", "`\\`"),
            ("/", "home page"),
            ("/show.php", "`.php`"),
        ] {
            let (message, hint) = parse(written).unwrap_err();
            assert!(message.contains(why), "{written}: {message}");
            assert!(!hint.is_empty());
        }
    }
}
