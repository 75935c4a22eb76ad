//! A body rendered for pasting where no stylesheet applies (the WeChat editor, e-mail): one
//! walk over pulldown-cmark's events that gives every element the inline style the caller
//! chose, turns links into numbered notes (the reader sees `[1]`, the URL is listed after the
//! text) and collects the images. Raw HTML is always shown as text; nothing gets a `class` or
//! an `id`. Explicit stacks, no recursion, as in the body renderer.

use crate::base::escape::escape_paste_into as escape_html_into;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// The inline style of each element (`font-size:16px;line-height:1.75;…`), chosen by the
/// caller; every element written carries its style.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InlineStyles {
    /// A paragraph of running text (CJK first-line indent).
    pub paragraph: &'static str,
    /// A paragraph inside a list item, quote or note (no indent).
    pub plain: &'static str,
    /// Headings, all levels.
    pub heading: &'static str,
    /// A quotation.
    pub quote: &'static str,
    /// A bulleted or numbered list.
    pub list: &'static str,
    /// A list item.
    pub item: &'static str,
    /// A code block.
    pub pre: &'static str,
    /// Inline code.
    pub code: &'static str,
    /// A table, its header cells and its cells.
    pub table: &'static str,
    /// A header cell.
    pub th: &'static str,
    /// A cell.
    pub td: &'static str,
    /// An image.
    pub image: &'static str,
    /// Bold, italic and struck-out text.
    pub strong: &'static str,
    /// Italic text.
    pub em: &'static str,
    /// Struck-out text.
    pub del: &'static str,
    /// A link's text.
    pub link: &'static str,
    /// The `[1]` mark after a link's text, and a footnote's mark.
    pub mark: &'static str,
    /// A thematic break.
    pub rule: &'static str,
}

/// A link made a note: the text it had and where it pointed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Note {
    /// The link's text.
    pub text: String,
    /// Its destination, as `resolve` made it.
    pub url: String,
}

/// An image of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InlineImage {
    /// The destination as written.
    pub dest: String,
    /// What `resolve` made of it (the `src` written).
    pub src: String,
    /// Its alternative text.
    pub alt: String,
}

/// A body rendered with inline styles.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Inlined {
    /// The HTML.
    pub html: String,
    /// The links, numbered from 1 in order.
    pub notes: Vec<Note>,
    /// The images, in order.
    pub images: Vec<InlineImage>,
}

/// Whether a destination would run code or embed data (it loses its target, as in the body).
fn unsafe_dest(dest: &str) -> bool {
    let d: String = dest
        .trim_start()
        .chars()
        .take(12)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"].iter().any(|s| d.starts_with(s))
}

fn open(out: &mut String, tag: &str, style: &str) {
    out.push('<');
    out.push_str(tag);
    out.push_str(" style=\"");
    escape_html_into(out, style);
    out.push_str("\">");
}

fn close(out: &mut String, tag: &str) {
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// Renders `markdown` with `styles`; `resolve` makes a link's or an image's destination
/// absolute, or None to drop the target (the text stays).
pub(crate) fn inline(markdown: &str, styles: &InlineStyles, resolve: &dyn Fn(&str) -> Option<String>) -> Inlined {
    let parser = Parser::new_ext(markdown, super::body::parser_options());
    let mut r = Inlined::default();
    let out = &mut r.html;
    // Closing tags of open elements; containers make their paragraphs plain.
    let mut closers: Vec<&'static str> = Vec::new();
    let mut containers = 0usize;
    // Open links: (destination, text so far); open image: (destination, alt so far).
    let mut links: Vec<(Option<String>, String)> = Vec::new();
    let mut image: Option<(String, String, usize)> = None;
    let mut in_head = false;
    // The text of a raw HTML block, shown as one plain paragraph.
    let mut html_block: Option<String> = None;
    for event in parser {
        if let Some((_, alt, depth)) = image.as_mut() {
            match &event {
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => {
                    if let Some((dest, alt, _)) = image.take() {
                        if let Some(src) = resolve(&dest).filter(|_| !unsafe_dest(&dest)) {
                            out.push_str("<img src=\"");
                            escape_html_into(out, &src);
                            out.push_str("\" alt=\"");
                            escape_html_into(out, &alt);
                            out.push_str("\" style=\"");
                            escape_html_into(out, styles.image);
                            out.push_str("\">");
                            r.images.push(InlineImage { dest, src, alt });
                        } else {
                            escape_html_into(out, &alt);
                        }
                    }
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => {
                let (name, style): (&'static str, &str) = match tag {
                    Tag::Paragraph => ("p", if containers > 0 { styles.plain } else { styles.paragraph }),
                    Tag::Heading { level, .. } => (
                        match level {
                            HeadingLevel::H1 | HeadingLevel::H2 => "h2",
                            HeadingLevel::H3 => "h3",
                            _ => "h4",
                        },
                        styles.heading,
                    ),
                    Tag::BlockQuote(_) => {
                        containers += 1;
                        ("blockquote", styles.quote)
                    }
                    Tag::CodeBlock(_) => ("pre", styles.pre),
                    Tag::List(Some(_)) => {
                        containers += 1;
                        ("ol", styles.list)
                    }
                    Tag::List(None) => {
                        containers += 1;
                        ("ul", styles.list)
                    }
                    Tag::Item => ("li", styles.item),
                    Tag::FootnoteDefinition(label) => {
                        containers += 1;
                        open(out, "section", styles.plain);
                        open(out, "sup", styles.mark);
                        escape_html_into(out, &label);
                        close(out, "sup");
                        out.push(' ');
                        closers.push("section");
                        continue;
                    }
                    Tag::Table(_) => ("table", styles.table),
                    Tag::TableHead => {
                        in_head = true;
                        ("tr", "")
                    }
                    Tag::TableRow => ("tr", ""),
                    Tag::TableCell => {
                        if in_head {
                            ("th", styles.th)
                        } else {
                            ("td", styles.td)
                        }
                    }
                    Tag::Emphasis => ("span", styles.em),
                    Tag::Strong => ("strong", styles.strong),
                    Tag::Strikethrough => ("span", styles.del),
                    Tag::Link { dest_url, .. } => {
                        let url = resolve(&dest_url).filter(|_| !unsafe_dest(&dest_url));
                        links.push((url, String::new()));
                        ("span", styles.link)
                    }
                    Tag::Image { dest_url, .. } => {
                        image = Some((dest_url.to_string(), String::new(), 0));
                        continue;
                    }
                    Tag::HtmlBlock => {
                        html_block = Some(String::new());
                        continue;
                    }
                    // Not enabled, or nothing to show: the text inside still shows.
                    _ => continue,
                };
                if name == "tr" {
                    out.push_str("<tr>");
                } else {
                    open(out, name, style);
                }
                closers.push(name);
            }
            Event::End(end) => {
                match end {
                    TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition => {
                        containers = containers.saturating_sub(1)
                    }
                    TagEnd::TableHead => in_head = false,
                    TagEnd::HtmlBlock => {
                        let text = html_block.take().unwrap_or_default();
                        if !text.trim().is_empty() {
                            open(out, "p", if containers > 0 { styles.plain } else { styles.paragraph });
                            escape_html_into(out, text.trim_end());
                            close(out, "p");
                        }
                        continue;
                    }
                    TagEnd::Image | TagEnd::MetadataBlock(_) => continue,
                    TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::CodeBlock
                    | TagEnd::Item
                    | TagEnd::Table
                    | TagEnd::TableRow
                    | TagEnd::TableCell
                    | TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Link => {}
                    _ => continue,
                }
                if let Some(name) = closers.pop() {
                    close(out, name);
                }
                if end == TagEnd::Link {
                    if let Some((Some(url), text)) = links.pop() {
                        r.notes.push(Note { text, url });
                        open(out, "sup", styles.mark);
                        out.push_str(&format!("[{}]", r.notes.len()));
                        close(out, "sup");
                    }
                }
            }
            Event::Text(t) => {
                escape_html_into(out, &t);
                if let Some((_, text)) = links.last_mut() {
                    text.push_str(&t);
                }
            }
            Event::Code(t) => {
                open(out, "code", styles.code);
                escape_html_into(out, &t);
                close(out, "code");
                if let Some((_, text)) = links.last_mut() {
                    text.push_str(&t);
                }
            }
            // Raw HTML is text here, whatever the site allows: no editor keeps it anyway.
            // Comments (`<!-- more -->`) are dropped, as a browser would not show them.
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.trim_start().starts_with("<!--") {
                    continue;
                }
                match html_block.as_mut() {
                    Some(block) => block.push_str(&h),
                    None => escape_html_into(out, &h),
                }
            }
            Event::FootnoteReference(label) => {
                open(out, "sup", styles.mark);
                escape_html_into(out, &label);
                close(out, "sup");
            }
            Event::SoftBreak => {
                // A line break inside a Chinese paragraph is no space.
                if out.chars().last().is_none_or(|c| c <= '\u{2e7f}') {
                    out.push(' ');
                }
            }
            Event::HardBreak => out.push_str("<br>"),
            Event::Rule => {
                open(out, "hr", styles.rule);
            }
            Event::TaskListMarker(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: InlineStyles = InlineStyles {
        paragraph: "P",
        plain: "Q",
        heading: "H",
        quote: "B",
        list: "L",
        item: "I",
        pre: "C",
        code: "c",
        table: "T",
        th: "TH",
        td: "TD",
        image: "IMG",
        strong: "S",
        em: "E",
        del: "D",
        link: "A",
        mark: "M",
        rule: "R",
    };

    fn run(md: &str) -> Inlined {
        inline(md, &S, &|d| {
            Some(format!("https://x.org/{}", d.trim_start_matches('/')))
        })
    }

    #[test]
    fn every_element_is_styled_and_links_become_notes() {
        let r = run("## 标题\n\n正文[全总](/a/)和[新华社](b)。\n\n> 引文\n\n- 一\n- 二\n");
        assert_eq!(
            r.html,
            "<h2 style=\"H\">标题</h2><p style=\"P\">正文<span style=\"A\">全总</span><sup style=\"M\">[1]</sup>和<span style=\"A\">新华社</span><sup style=\"M\">[2]</sup>。</p><blockquote style=\"B\"><p style=\"Q\">引文</p></blockquote><ul style=\"L\"><li style=\"I\">一</li><li style=\"I\">二</li></ul>"
        );
        assert_eq!(
            r.notes,
            [
                Note {
                    text: "全总".into(),
                    url: "https://x.org/a/".into()
                },
                Note {
                    text: "新华社".into(),
                    url: "https://x.org/b".into()
                }
            ]
        );
    }

    #[test]
    fn raw_html_and_hostile_links_stay_text() {
        let r = run("<script>alert(1)</script>\n\n正文<b class=\"x\">粗</b>[点](javascript:alert(1))\n<!-- more -->\n");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<b "), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(r.notes.is_empty());
        assert!(!r.html.contains("more"));
    }

    #[test]
    fn images_are_collected_with_their_alt() {
        let r = run("![职工*驿站*](img/a.jpg \"t\")\n\n![坏](javascript:x)");
        assert_eq!(r.images.len(), 1);
        assert_eq!(r.images[0].alt, "职工驿站");
        assert_eq!(r.images[0].src, "https://x.org/img/a.jpg");
        assert!(
            r.html
                .contains("<img src=\"https://x.org/img/a.jpg\" alt=\"职工驿站\" style=\"IMG\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains(">坏</p>"), "{}", r.html);
    }

    #[test]
    fn tables_are_plain_and_styled() {
        let r = run("| 地区 | 人数 |\n|---|---|\n| 山东 | 60 |\n");
        assert_eq!(
            r.html,
            "<table style=\"T\"><tr><th style=\"TH\">地区</th><th style=\"TH\">人数</th></tr><tr><td style=\"TD\">山东</td><td style=\"TD\">60</td></tr></table>"
        );
    }
}
