//! A body rendered in one pass: the options, the result (HTML, plain text, links, summary
//! split) and [`render`] / [`render_with`].

use super::events::Events;
use std::cell::Cell;
use std::fmt;

use pulldown_cmark::html::write_html_fmt;
use pulldown_cmark::{Options, Parser};

/// Options that change how a body renders.
#[derive(Clone, Debug, Default)]
pub struct MarkdownOptions {
    /// Pass raw HTML through instead of escaping it (trusted content only).
    pub unsafe_html: bool,
}

/// A rendered body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    /// The body HTML.
    pub html: String,
    /// HTML of the part before `<!-- more -->`, when the marker is present.
    pub summary_html: Option<String>,
    /// Plain text of the part before `<!-- more -->`, when the marker is present.
    pub summary_text: Option<String>,
    /// Plain text of the whole body (no tags), paragraphs separated by `'\n'`.
    pub text: String,
    /// Whether the body has a fenced code block.
    pub has_code: bool,
    /// Links the resolver reported missing (their text is kept, their target dropped).
    pub missing: Vec<Link>,
    /// Every link and image destination in the body, in order.
    pub links: Vec<Link>,
}

/// A link or image in the body, with where it stands (for diagnostics).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The destination as written (entities decoded).
    pub dest: String,
    /// Whether this is an image rather than a link.
    pub is_image: bool,
    /// Byte offset of the link in the Markdown source.
    pub offset: usize,
    /// Lines of the Markdown source before the link's line (0 on the first line), so that
    /// diagnostics need not keep the source.
    pub line: usize,
}

/// The pulldown-cmark extensions bodies use. Smart punctuation stays off:
/// Chinese text keeps the punctuation its authors typed.
pub(super) fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// What to do with a link's destination, as decided by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// Leave it as written.
    Keep,
    /// Replace it (a link to another item's file becomes that item's URL).
    Rewrite(String),
    /// It points at something that does not exist: drop the target, keep the text.
    Missing,
}

/// Renders a Markdown body to HTML, plain text and links.
#[must_use]
pub fn render(markdown: &str, opts: &MarkdownOptions) -> Rendered {
    render_with(markdown, opts, &|_| Resolved::Keep)
}

/// Renders like [`render`], passing every link destination through `resolve`; links it
/// reports missing are listed in [`Rendered::missing`].
#[must_use]
pub(crate) fn render_with(markdown: &str, opts: &MarkdownOptions, resolve: &dyn Fn(&str) -> Resolved) -> Rendered {
    let written = Cell::new(0);
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2 + 64);
    let parser = Parser::new_ext(markdown, parser_options()).into_offset_iter();
    let mut events = Events::new(parser, opts, &written, markdown.len(), resolve);
    let out = CountingWriter {
        html: &mut html,
        written: &written,
    };
    // `CountingWriter` never fails, so neither can the HTML writer.
    let _ = write_html_fmt(out, &mut events);

    let summary_html = events.more.take().map(|(at, closing)| {
        let mut summary = String::with_capacity(at + closing.len());
        summary.push_str(html.get(..at).unwrap_or(&html));
        summary.push_str(&closing);
        summary
    });
    let mut text = std::mem::take(&mut events.text);
    let summary_text = events
        .more_text
        .map(|at| text.get(..at).unwrap_or(&text).trim_end().to_owned());
    text.truncate(text.trim_end().len());
    // Large sites hold every body's HTML and text until the pages and the search index are
    // written: no spare capacity (shrinking in place copies nothing).
    text.shrink_to_fit();
    html.shrink_to_fit();
    let mut links = std::mem::take(&mut events.links);
    let mut missing = std::mem::take(&mut events.missing);
    if !links.is_empty() {
        // The line of every link from one list of line starts: counting the newlines before
        // each link took time quadratic in the body (120,000 links: more than a minute).
        let breaks: Vec<usize> = markdown
            .bytes()
            .enumerate()
            .filter_map(|(i, b)| (b == b'\n').then_some(i))
            .collect();
        for l in links.iter_mut().chain(missing.iter_mut()) {
            l.line = breaks.partition_point(|&at| at < l.offset);
        }
    }
    Rendered {
        html,
        summary_html,
        summary_text,
        text,
        has_code: events.has_code,
        links,
        missing,
    }
}

/// Appends to the HTML and publishes its length, so that the adapter knows
/// where the `<!-- more -->` marker falls in the output.
struct CountingWriter<'h> {
    html: &'h mut String,
    written: &'h Cell<usize>,
}

impl fmt::Write for CountingWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.html.push_str(s);
        self.written.set(self.html.len());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(markdown: &str) -> Rendered {
        render(markdown, &MarkdownOptions::default())
    }

    #[test]
    fn render_html() {
        // (case, markdown, unsafe_html, must contain, must not contain)
        type Case = (
            &'static str,
            &'static str,
            bool,
            &'static [&'static str],
            &'static [&'static str],
        );
        let cases: &[Case] = &[
            (
                "table",
                "| 地区 | 人数 |\n|---|---:|\n| 北京 | 12 |\n",
                false,
                &[
                    "<table>",
                    "<th>地区</th>",
                    "<td style=\"text-align: right\">12</td>",
                    "</tbody></table>",
                ],
                &[],
            ),
            (
                "footnote",
                "正文[^1]。\n\n[^1]: 注释。\n",
                false,
                &[
                    "class=\"footnote-reference\"",
                    "class=\"footnote-definition\"",
                    "注释。",
                ],
                &[],
            ),
            ("strikethrough", "~~删除~~", false, &["<del>删除</del>"], &[]),
            (
                "no smart punctuation",
                "\"引号\" -- 'x' ...",
                false,
                &["\"引号\" -- 'x' ..."],
                &["“", "–", "…"],
            ),
            (
                "script block",
                "<script>alert(1)</script>\n",
                false,
                &["<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"],
                &["<script"],
            ),
            (
                "inline script",
                "前 <script>alert(1)</script> 后",
                false,
                &["&lt;script&gt;alert(1)&lt;/script&gt;"],
                &["<script"],
            ),
            (
                "event handler",
                "<img src=x onerror=alert(1)>\n\n文 <b onclick=\"x()\">粗</b>",
                false,
                &["&lt;img src=x onerror=alert(1)&gt;", "&lt;b onclick=\"x()\"&gt;"],
                &["<img", "<b "],
            ),
            (
                "unsafe passes html",
                "<script>alert(1)</script>\n",
                true,
                &["<script>alert(1)</script>"],
                &["&lt;"],
            ),
            (
                "comment dropped",
                "甲\n\n<!-- 编辑备注 -->\n\n乙 <!-- 注 --> 丙",
                false,
                &["<p>甲</p>", "<p>乙  丙</p>"],
                &["编辑备注", "注 -->"],
            ),
            (
                "javascript link",
                "[x](javascript:alert(1))",
                false,
                &["<p>x</p>"],
                &["href", "<a"],
            ),
            (
                "javascript upper case",
                "[x](JaVaScRiPt:alert(1))",
                false,
                &["<p>x</p>"],
                &["href"],
            ),
            (
                "javascript entity tab",
                "[x](java&#9;script:alert(1))",
                false,
                &["<p>x</p>"],
                &["href"],
            ),
            (
                "javascript leading control",
                "[x](<&#1;javascript:alert(1)>)",
                false,
                &["<p>x</p>"],
                &["href"],
            ),
            (
                "javascript colon entity",
                "[x](javascript&colon;alert(1))",
                false,
                &["<p>x</p>"],
                &["href"],
            ),
            (
                "javascript autolink",
                "<javascript:alert(1)>",
                false,
                &["<p>javascript:alert(1)</p>"],
                &["href"],
            ),
            (
                "vbscript link",
                "[x](vbscript:msgbox(1))",
                false,
                &["<p>x</p>"],
                &["href"],
            ),
            ("data link", "[x](DATA:text/html,hi)", false, &["<p>x</p>"], &["href"]),
            (
                "data image",
                "![图一](data:image/svg+xml;base64,AAAA)",
                false,
                &["<p>图一</p>"],
                &["<img", "data:"],
            ),
            (
                "javascript image in link",
                "[![图](javascript:x)](/a)",
                false,
                &["<a href=\"/a\">图</a>"],
                &["<img"],
            ),
            (
                "safe link",
                "[工会](https://www.acftu.org/a?b=1&c=2)",
                false,
                &["<a href=\"https://www.acftu.org/a?b=1&amp;c=2\">工会</a>"],
                &[],
            ),
            ("relative colon", "[x](./a:b)", false, &["href=\"./a:b\""], &[]),
            (
                "safe image",
                "![图](/img/a.png \"标题\")",
                false,
                &["<img src=\"/img/a.png\" alt=\"图\" title=\"标题\" />"],
                &[],
            ),
            (
                "fenced rust",
                "```rust\nfn main() {}\n```\n",
                false,
                &[
                    "<pre class=\"code\" data-lang=\"rust\"><code>",
                    "hl-storage hl-type",
                    "hl-entity hl-name hl-function",
                ],
                &["language-rust"],
            ),
            (
                "fenced info words",
                "```rust,ignore extra\nlet x = 1;\n```\n",
                false,
                &["data-lang=\"rust\"", "hl-"],
                &[],
            ),
            (
                "unknown lang",
                "```nosuch\n<b>&\n```\n",
                false,
                &["<pre><code>&lt;b&gt;&amp;\n</code></pre>"],
                &["hl-", "<b>"],
            ),
            (
                "indented code",
                "    <b>\n",
                false,
                &["<pre><code>&lt;b&gt;\n</code></pre>"],
                &[],
            ),
            (
                "heading ids",
                "# Hello, World!\n\n## 工作要求\n\n## Hello World\n\n### 2022年\n",
                false,
                &[
                    "<h1 id=\"hello-world\">",
                    "<h2 id=\"h-2\">工作要求</h2>",
                    "<h2 id=\"hello-world-2\">",
                    "<h3 id=\"h-4\">",
                ],
                &[],
            ),
            (
                "heading with link",
                "## [Link](/x) *em*\n",
                false,
                &["<h2 id=\"link-em\"><a href=\"/x\">Link</a> <em>em</em></h2>"],
                &[],
            ),
        ];
        for (name, markdown, unsafe_html, yes, no) in cases {
            let html = render(
                markdown,
                &MarkdownOptions {
                    unsafe_html: *unsafe_html,
                },
            )
            .html;
            for want in *yes {
                assert!(html.contains(want), "{name}: {want:?} missing in {html:?}");
            }
            for unwanted in *no {
                assert!(!html.contains(unwanted), "{name}: {unwanted:?} present in {html:?}");
            }
        }
    }

    #[test]
    fn more_marker() {
        // (case, markdown, unsafe_html, summary_html, html)
        let cases: &[(&str, &str, bool, Option<&str>, &str)] = &[
            ("none", "甲。\n\n乙。\n", false, None, "<p>甲。</p>\n<p>乙。</p>\n"),
            (
                "block",
                "甲。\n\n<!-- more -->\n\n乙。\n",
                false,
                Some("<p>甲。</p>\n"),
                "<p>甲。</p>\n<p>乙。</p>\n",
            ),
            ("block unsafe", "甲。\n\n<!-- more -->\n\n乙。\n", true, Some("<p>甲。</p>\n"), "<p>甲。</p>\n<p>乙。</p>\n"),
            ("tight spelling", "甲。\n\n<!--more-->\n乙。\n", false, Some("<p>甲。</p>\n"), "<p>甲。</p>\n<p>乙。</p>\n"),
            ("upper case", "甲。\n\n<!--  MORE  -->\n\n乙。\n", false, Some("<p>甲。</p>\n"), "<p>甲。</p>\n<p>乙。</p>\n"),
            ("inline", "甲<!-- more -->乙\n", false, Some("<p>甲</p>\n"), "<p>甲乙</p>\n"),
            ("inline unsafe", "甲<!-- more -->乙\n", true, Some("<p>甲</p>\n"), "<p>甲乙</p>\n"),
            (
                "in list",
                "- 甲 **强<!-- more -->调**\n- 乙\n",
                false,
                Some("<ul>\n<li>甲 <strong>强</strong></li>\n</ul>\n"),
                "<ul>\n<li>甲 <strong>强调</strong></li>\n<li>乙</li>\n</ul>\n",
            ),
            (
                "in heading",
                "# 标题<!-- more -->尾\n",
                false,
                Some("<h1 id=\"h-1\">标题</h1>\n"),
                "<h1 id=\"h-1\">标题尾</h1>\n",
            ),
            (
                "in table head",
                "| a<!-- more --> | b |\n|---|---|\n| 1 | 2 |\n",
                false,
                Some("<table><thead><tr><th>a</th></tr></thead>\n</table>\n"),
                "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody></table>\n",
            ),
            ("at start", "<!-- more -->\n\n甲\n", false, Some(""), "<p>甲</p>\n"),
            ("second ignored", "甲\n\n<!-- more -->\n\n乙\n\n<!-- more -->\n\n丙\n", false, Some("<p>甲</p>\n"), "<p>甲</p>\n<p>乙</p>\n<p>丙</p>\n"),
            ("other comment kept as block", "<!-- note --> <b>\n\n甲\n", false, None, "<p>&lt;!-- note --&gt; &lt;b&gt;</p>\n<p>甲</p>\n"),
        ];
        for (name, markdown, unsafe_html, summary, html) in cases {
            let r = render(
                markdown,
                &MarkdownOptions {
                    unsafe_html: *unsafe_html,
                },
            );
            assert_eq!(r.summary_html.as_deref(), *summary, "{name}");
            assert_eq!(r.html, *html, "{name}");
        }
    }

    #[test]
    fn more_marker_text() {
        // (markdown, summary_text, text)
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("甲。\n\n乙。", None, "甲。\n乙。"),
            (
                "# 题\n\n甲。\n\n<!-- more -->\n\n乙。",
                Some("题\n甲。"),
                "题\n甲。\n乙。",
            ),
            ("甲<!-- more -->乙", Some("甲"), "甲乙"),
            ("<!-- more -->\n\n甲", Some(""), "甲"),
        ];
        for (markdown, summary, text) in cases {
            let r = safe(markdown);
            assert_eq!(r.summary_text.as_deref(), *summary, "{markdown:?}");
            assert_eq!(r.text, *text, "{markdown:?}");
        }
    }

    #[test]
    fn plain_text() {
        // (case, markdown, text)
        let cases: &[(&str, &str, &str)] = &[
            (
                "blocks",
                "# 标题\n\n段落**一**,[链接](/x)。\n\n- 项一\n- 项二\n  - 子项\n\n> 引用\n\n<div>raw</div>\n\n```rust\nlet x = 1;\n```\n",
                "标题\n段落一,链接。\n项一\n项二\n子项\n引用\nlet x = 1;",
            ),
            ("soft break cjk", "第一行\n第二行\n", "第一行第二行"),
            ("soft break latin", "one\ntwo\n中文\nend", "one two 中文 end"),
            ("hard break", "甲  \n乙", "甲\n乙"),
            ("inline code", "用 `cargo` 构建", "用 cargo 构建"),
            ("image alt not text", "前![图](/a.png)后", "前后"),
            ("dropped image is text", "前![图](data:x)后", "前图后"),
            ("table", "| a | b |\n|---|---|\n| 1 | 2 |\n", "a\tb\n1\t2"),
            ("script", "<script>alert(1)</script>\n\n甲 <b>乙</b>", "甲 乙"),
            ("entities", "A &amp; B &lt;c&gt;", "A & B <c>"),
        ];
        for (name, markdown, text) in cases {
            assert_eq!(safe(markdown).text, *text, "{name}");
        }
        let r = safe("<p>x</p>\n\n**粗** <span>y</span> `z`");
        assert!(!r.text.contains(['<', '>']), "{:?}", r.text);
    }

    #[test]
    fn links_in_order() {
        let markdown = "[a](/x) ![b](/y.png)\n\n[c](javascript:z) <https://e.org>\n\n[r]\n\n[r]: /ref";
        let links = safe(markdown).links;
        let got: Vec<(&str, bool, usize)> = links.iter().map(|l| (l.dest.as_str(), l.is_image, l.offset)).collect();
        assert_eq!(
            got,
            vec![
                ("/x", false, 0),
                ("/y.png", true, 8),
                ("javascript:z", false, 22),
                ("https://e.org", false, 40),
                ("/ref", false, 57),
            ]
        );
        for link in &links {
            let source = &markdown[link.offset..];
            assert!(source.starts_with(['[', '!', '<']), "{link:?}");
        }
    }

    #[test]
    fn has_code_only_for_fenced_blocks() {
        assert!(safe("```\nx\n```").has_code);
        assert!(safe("~~~rust\nx\n~~~").has_code);
        assert!(!safe("`inline`").has_code);
        assert!(!safe("    indented").has_code);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let quotes = format!("{}深", ">".repeat(5_000));
        let lists = format!("{}深", "- ".repeat(5_000));
        let mixed = format!("{}<!-- more -->深", "> - ".repeat(2_500));
        for markdown in [quotes, lists, mixed] {
            let r = safe(&markdown);
            assert!(r.html.contains('深'));
            if let Some(summary) = r.summary_html {
                assert!(summary.ends_with("</blockquote>\n"));
            }
        }
    }

    #[test]
    fn resolver_rewrites_and_reports_missing_links() {
        let r = render_with(
            "[a](other.md) [b](gone.md) [c](https://x.org/)",
            &MarkdownOptions::default(),
            &|d| match d {
                "other.md" => Resolved::Rewrite("/news/x/".into()),
                "gone.md" => Resolved::Missing,
                _ => Resolved::Keep,
            },
        );
        assert!(r.html.contains("<a href=\"/news/x/\">a</a>"), "{}", r.html);
        assert!(!r.html.contains("gone.md"), "{}", r.html);
        assert!(r.html.contains("https://x.org/"));
        assert_eq!(r.missing.len(), 1);
        assert_eq!(r.missing[0].dest, "gone.md");
    }
}
