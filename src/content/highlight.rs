//! Syntax highlighting for fenced code blocks.
//!
//! The syntect syntax set is costly to load (tens of milliseconds), so it is
//! built lazily, the first time a code block names a language, and cached for
//! the rest of the process: a site without code never pays for it. Output is
//! class-based (`hl-` prefixed scope names, styled by the theme's `style.css`) so that one
//! stylesheet serves every page and the colour scheme can follow the reader's
//! light or dark preference.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The prefix put before every scope atom in class names (`hl-keyword`).
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

fn syntaxes() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Whether the syntax set has been loaded in this process.
#[cfg(test)]
fn is_loaded() -> bool {
    SYNTAXES.get().is_some()
}

/// The largest code block that is highlighted (bytes); a larger one is shown plain. The
/// grammars' regular expressions cost far more per byte than the rest of a build, so an
/// unbounded block (a pasted log, a data dump) would dominate it.
pub(crate) const MAX_BLOCK_BYTES: usize = 64 * 1024;

/// The longest line a highlighted block may have (bytes); a block with a longer one is shown
/// plain. A grammar's expressions may search the rest of the line for every token, so a line
/// can cost time quadratic in its length, and such lines (minified or generated code) gain
/// nothing from colour.
pub(crate) const MAX_LINE_BYTES: usize = 4 * 1024;

/// `code` as `<pre class="code" data-lang="…"><code>` with `hl-` classed spans, or escaped plain
/// `<pre><code>` for an unknown or empty `lang` and for a block past [`MAX_BLOCK_BYTES`] or
/// with a line past [`MAX_LINE_BYTES`].
#[must_use]
pub(crate) fn highlight(code: &str, lang: &str) -> String {
    let lang = lang.trim();
    // The limits are checked before the syntax set is loaded: a site whose only code is too
    // large to colour does not load it either.
    if lang.is_empty() || !within_limits(code) {
        return plain(code);
    }
    let set = syntaxes();
    let Some(syntax) = set.find_syntax_by_token(lang) else {
        return plain(code);
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        // A failure here means a broken grammar, not bad input; fall back
        // rather than lose the code.
        if generator.parse_html_for_line_which_includes_newline(line).is_err() {
            return plain(code);
        }
    }
    let body = generator.finalize();
    let mut out = String::with_capacity(body.len() + lang.len() + 64);
    out.push_str("<pre class=\"code\" data-lang=\"");
    crate::base::escape::escape_html_into(&mut out, lang);
    out.push_str("\"><code>");
    out.push_str(&body);
    out.push_str("</code></pre>");
    out
}

/// Whether `code` is small enough to highlight: see [`MAX_BLOCK_BYTES`], [`MAX_LINE_BYTES`].
fn within_limits(code: &str) -> bool {
    code.len() <= MAX_BLOCK_BYTES && code.split('\n').all(|line| line.len() <= MAX_LINE_BYTES)
}

fn plain(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 8 + 24);
    out.push_str("<pre><code>");
    crate::base::escape::escape_html_into(&mut out, code);
    out.push_str("</code></pre>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_cases() {
        // (code, lang, must contain, must not contain)
        let cases: &[(&str, &str, &[&str], &[&str])] = &[
            (
                "fn main() { let x = 1; } // hi\n",
                "rust",
                &[
                    "<pre class=\"code\" data-lang=\"rust\"><code>",
                    "hl-keyword",
                    "hl-comment",
                    "hl-constant hl-numeric",
                    "</code></pre>",
                ],
                &[],
            ),
            (
                "<b>&</b>",
                "no-such-language",
                &["<pre><code>&lt;b&gt;&amp;&lt;/b&gt;</code></pre>"],
                &["data-lang", "hl-"],
            ),
            ("<b>", "", &["<pre><code>&lt;b&gt;</code></pre>"], &["data-lang"]),
            (
                "x = \"<script>\"\n",
                "py",
                &["data-lang=\"py\"", "&lt;script&gt;", "hl-string"],
                &["<script>"],
            ),
            ("a", "\"><script>", &["<pre><code>a</code></pre>"], &["<script>"]),
        ];
        for (code, lang, yes, no) in cases {
            let html = highlight(code, lang);
            for want in *yes {
                assert!(html.contains(want), "{lang}: {want:?} missing in {html}");
            }
            for unwanted in *no {
                assert!(!html.contains(unwanted), "{lang}: {unwanted:?} in {html}");
            }
        }
    }

    #[test]
    fn code_past_the_limits_is_escaped_without_spans() {
        let long_line = format!("x = \"<b>\"; {}\n", "y".repeat(MAX_LINE_BYTES));
        let many_lines = "x = 1\n".repeat(MAX_BLOCK_BYTES / 6 + 1);
        let at_the_limit = format!("x = 1 # {}\n", "y".repeat(MAX_LINE_BYTES - 8));
        assert!(at_the_limit.len() - 1 == MAX_LINE_BYTES);
        for (code, highlighted) in [
            (long_line.as_str(), false),
            (many_lines.as_str(), false),
            (at_the_limit.as_str(), true),
        ] {
            let html = highlight(code, "python");
            assert!(html.ends_with("</code></pre>"));
            assert_eq!(html.contains("hl-"), highlighted, "{}", &html[..80]);
            assert!(!html.contains("<b>"));
            if highlighted {
                assert!(html.starts_with("<pre class=\"code\" data-lang=\"python\"><code>"));
            } else {
                let mut escaped = String::new();
                crate::base::escape::escape_html_into(&mut escaped, code);
                assert_eq!(
                    html,
                    format!("<pre><code>{escaped}</code></pre>"),
                    "the code, escaped and whole"
                );
            }
        }
    }

    #[test]
    fn escape_covers_attribute_quotes() {
        let mut out = String::new();
        crate::base::escape::escape_html_into(&mut out, "a\"b'c<d>e&f");
        assert_eq!(out, "a&quot;b&#39;c&lt;d&gt;e&amp;f");
    }

    const CHILD_ENV: &str = "BULLETIN_HIGHLIGHT_LAZY_CHILD";

    /// Runs in a fresh process (see `site_without_code_never_loads_syntaxes`),
    /// because other tests in this binary load the set.
    #[test]
    fn lazy_load_child() {
        if std::env::var_os(CHILD_ENV).is_none() {
            return;
        }
        let opts = crate::content::markdown::MarkdownOptions::default();
        let body = "# 标题\n\n正文,`inline code`。\n\n    indented\n\n> quote\n";
        for _ in 0..3 {
            let rendered = crate::content::markdown::render(body, &opts);
            assert!(!rendered.has_code);
        }
        assert!(!is_loaded(), "syntax set loaded without a code block");
        let rendered = crate::content::markdown::render("```rust\nfn f() {}\n```\n", &opts);
        assert!(rendered.has_code);
        assert!(is_loaded());
    }

    #[test]
    fn site_without_code_never_loads_syntaxes() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                "content::highlight::tests::lazy_load_child",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("1 passed"), "child did not run:\n{stdout}");
    }
}
