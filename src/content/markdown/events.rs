//! The event adapter between pulldown-cmark's parser and its HTML writer: it rewrites raw
//! HTML, unsafe links, code blocks and headings on their way, and collects the plain text, the
//! links and the place of `<!-- more -->` with the tags the summary must close.

use std::cell::Cell;
use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, OffsetIter, Tag, TagEnd};

use super::anchors::{is_safe_dest, HeadingIds};
use super::body::{Link, MarkdownOptions, Resolved};

/// An event on its way to the HTML writer, or the place of `<!-- more -->`.
enum Item<'a> {
    Event(Event<'a>),
    More,
}

/// A heading held back until its text (and so its id) is known.
struct PendingHeading<'a> {
    items: Vec<Item<'a>>,
    text: String,
}

/// The event adapter between the parser and the HTML writer.
pub(super) struct Events<'a, 'w> {
    parser: OffsetIter<'a>,
    unsafe_html: bool,
    /// Rewritten events ready for the writer.
    queue: VecDeque<Item<'a>>,
    heading: Option<PendingHeading<'a>>,
    /// A fenced code block being collected: its language and code.
    code: Option<(String, String)>,
    /// A raw HTML block being collected (safe mode only).
    html_block: Option<String>,
    /// For each open link, whether it was kept.
    link_kept: Vec<bool>,
    /// For each open image, whether it was kept.
    image_kept: Vec<bool>,
    /// How many kept images are open (their text is alt text).
    kept_images: usize,
    /// Tags open in the writer's output, to close the summary.
    open: Vec<TagEnd>,
    written: &'w Cell<usize>,
    resolve: &'w dyn Fn(&str) -> Resolved,
    /// Links the resolver reported missing.
    pub(super) missing: Vec<Link>,
    /// Length of the body text at the marker, once it has been seen.
    pub(super) more_text: Option<usize>,
    /// Output length at the marker and the closing tags the summary needs.
    pub(super) more: Option<(usize, String)>,
    heading_ids: HeadingIds,
    /// The plain text so far.
    pub(super) text: String,
    /// A soft break was seen: a space comes before the next text, unless between CJK.
    pending_space: bool,
    /// Every link and image destination, in order.
    pub(super) links: Vec<Link>,
    /// Whether a fenced code block was seen.
    pub(super) has_code: bool,
}

impl<'a, 'w> Events<'a, 'w> {
    pub(super) fn new(
        parser: OffsetIter<'a>,
        opts: &MarkdownOptions,
        written: &'w Cell<usize>,
        len: usize,
        resolve: &'w dyn Fn(&str) -> Resolved,
    ) -> Self {
        Events {
            resolve,
            missing: Vec::new(),
            parser,
            unsafe_html: opts.unsafe_html,
            queue: VecDeque::with_capacity(8),
            heading: None,
            code: None,
            html_block: None,
            link_kept: Vec::new(),
            image_kept: Vec::new(),
            kept_images: 0,
            open: Vec::with_capacity(16),
            written,
            more_text: None,
            more: None,
            heading_ids: HeadingIds::default(),
            text: String::with_capacity(len),
            pending_space: false,
            links: Vec::new(),
            has_code: false,
        }
    }

    /// Sends an item to the writer, or holds it with the open heading.
    fn emit(&mut self, item: Item<'a>) {
        match &mut self.heading {
            Some(heading) => heading.items.push(item),
            None => self.queue.push_back(item),
        }
    }

    fn emit_event(&mut self, event: Event<'a>) {
        self.emit(Item::Event(event));
    }

    fn process(&mut self, event: Event<'a>, range: Range<usize>) {
        if let Some((_, code)) = &mut self.code {
            // Fenced code blocks hold only text.
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.finish_code(),
                _ => {}
            }
            return;
        }
        if let Some(block) = &mut self.html_block {
            // Raw HTML blocks hold only raw HTML.
            match event {
                Event::Html(t) | Event::Text(t) => block.push_str(&t),
                Event::End(TagEnd::HtmlBlock) => self.finish_html_block(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => self.end(end),
            Event::Text(ref t) | Event::Code(ref t) if self.kept_images == 0 => {
                self.push_text(t);
                if let Some(heading) = &mut self.heading {
                    heading.text.push_str(t);
                }
                self.emit_event(event);
            }
            Event::Html(t) => self.raw_html(t, false),
            Event::InlineHtml(t) => self.raw_html(t, true),
            Event::SoftBreak => {
                self.pending_space = true;
                self.emit_event(Event::SoftBreak);
            }
            Event::HardBreak | Event::Rule => {
                self.newline();
                self.emit_event(event);
            }
            other => self.emit_event(other),
        }
    }

    fn start(&mut self, tag: Tag<'a>, range: Range<usize>) {
        match tag {
            Tag::Heading { .. } => {
                self.newline();
                self.heading = Some(PendingHeading {
                    items: Vec::new(),
                    text: String::new(),
                });
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                self.newline();
                self.has_code = true;
                let lang = info.split(|c: char| c.is_whitespace() || c == ',').next().unwrap_or("");
                self.code = Some((lang.to_owned(), String::new()));
            }
            Tag::HtmlBlock if !self.unsafe_html => {
                self.newline();
                self.html_block = Some(String::new());
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let mut keep = is_safe_dest(&dest_url);
                let link = Link {
                    dest: dest_url.to_string(),
                    is_image: false,
                    offset: range.start,
                    line: 0,
                };
                let dest_url = match (self.resolve)(&dest_url) {
                    Resolved::Keep => dest_url,
                    Resolved::Rewrite(url) => CowStr::from(url),
                    Resolved::Missing => {
                        keep = false;
                        self.missing.push(link.clone());
                        dest_url
                    }
                };
                self.links.push(link);
                self.link_kept.push(keep);
                if keep {
                    self.emit_event(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let keep = is_safe_dest(&dest_url);
                self.links.push(Link {
                    dest: dest_url.to_string(),
                    is_image: true,
                    offset: range.start,
                    line: 0,
                });
                self.image_kept.push(keep);
                if keep {
                    self.kept_images += 1;
                    self.emit_event(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Tag::TableCell => {
                if !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push('\t');
                }
                self.pending_space = false;
                self.emit_event(Event::Start(Tag::TableCell));
            }
            other => {
                if is_block(other.to_end()) {
                    self.newline();
                }
                self.emit_event(Event::Start(other));
            }
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(level) => {
                let Some(heading) = self.heading.take() else {
                    return;
                };
                let id = self.heading_ids.id(&heading.text);
                self.emit_event(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                self.queue.extend(heading.items);
                self.emit_event(Event::End(end));
                self.newline();
            }
            TagEnd::Link => {
                if self.link_kept.pop().unwrap_or(false) {
                    self.emit_event(Event::End(end));
                }
            }
            TagEnd::Image => {
                if self.image_kept.pop().unwrap_or(false) {
                    self.kept_images = self.kept_images.saturating_sub(1);
                    self.emit_event(Event::End(end));
                }
            }
            TagEnd::TableCell => self.emit_event(Event::End(end)),
            other => {
                self.emit_event(Event::End(other));
                if is_block(other) {
                    self.newline();
                }
            }
        }
    }

    fn finish_code(&mut self) {
        let Some((lang, code)) = self.code.take() else {
            return;
        };
        let mut html = crate::content::highlight::highlight(&code, &lang);
        html.push('\n');
        self.text.push_str(&code);
        self.newline();
        self.emit_event(Event::Html(html.into()));
    }

    /// Emits a safe-mode HTML block as escaped paragraphs around any marker.
    fn finish_html_block(&mut self) {
        let Some(block) = self.html_block.take() else {
            return;
        };
        let mut rest = block.as_str();
        loop {
            let (before, after) = match find_more(rest) {
                Some((start, end)) => (&rest[..start], Some(&rest[end..])),
                None => (rest, None),
            };
            let before = before.trim();
            if !before.is_empty() && !is_comment(before) {
                self.emit_event(Event::Start(Tag::Paragraph));
                self.emit_event(Event::Text(before.to_owned().into()));
                self.emit_event(Event::End(TagEnd::Paragraph));
            }
            match after {
                Some(after) => {
                    self.more_marker();
                    rest = after;
                }
                None => break,
            }
        }
    }

    /// Handles raw HTML outside a safe-mode block: inline HTML, or any raw
    /// HTML when it is trusted.
    fn raw_html(&mut self, html: CowStr<'a>, inline: bool) {
        let wrap = |s: CowStr<'a>, unsafe_html: bool| match (unsafe_html, inline) {
            (true, true) => Event::InlineHtml(s),
            (true, false) => Event::Html(s),
            (false, _) => Event::Text(s),
        };
        if find_more(&html).is_none() {
            if self.unsafe_html || !is_comment(html.trim()) {
                self.emit_event(wrap(html, self.unsafe_html));
            }
            return;
        }
        let mut rest: &str = &html;
        loop {
            let (before, after) = match find_more(rest) {
                Some((start, end)) => (&rest[..start], Some(&rest[end..])),
                None => (rest, None),
            };
            let blank = if inline {
                before.is_empty()
            } else {
                before.trim().is_empty()
            };
            if !blank && (self.unsafe_html || !is_comment(before.trim())) {
                self.emit_event(wrap(before.to_owned().into(), self.unsafe_html));
            }
            match after {
                Some(after) => {
                    self.more_marker();
                    rest = after;
                }
                None => break,
            }
        }
    }

    /// Records the first `<!-- more -->`, unless it sits inside an image's alt text.
    fn more_marker(&mut self) {
        if self.more_text.is_none() && self.kept_images == 0 {
            self.more_text = Some(self.text.len());
            self.emit(Item::More);
        }
    }

    /// Appends body text, turning a pending soft break into a space except
    /// between two CJK characters (Chinese lines join without one).
    fn push_text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if std::mem::take(&mut self.pending_space) {
            if let (Some(prev), Some(next)) = (self.text.chars().next_back(), s.chars().next()) {
                if !prev.is_whitespace() && (!is_cjk(prev) || !is_cjk(next)) {
                    self.text.push(' ');
                }
            }
        }
        self.text.push_str(s);
    }

    /// Ends the current line of body text, once.
    fn newline(&mut self) {
        self.pending_space = false;
        let kept = self.text.trim_end_matches([' ', '\t']).len();
        self.text.truncate(kept);
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// The closing tags for everything open at this point of the output.
    fn closing_tags(&self) -> String {
        let in_head = self.open.contains(&TagEnd::TableHead);
        let mut out = String::new();
        for end in self.open.iter().rev() {
            out.push_str(match end {
                TagEnd::Paragraph => "</p>\n",
                TagEnd::Heading(level) => match level {
                    HeadingLevel::H1 => "</h1>\n",
                    HeadingLevel::H2 => "</h2>\n",
                    HeadingLevel::H3 => "</h3>\n",
                    HeadingLevel::H4 => "</h4>\n",
                    HeadingLevel::H5 => "</h5>\n",
                    HeadingLevel::H6 => "</h6>\n",
                },
                TagEnd::BlockQuote(_) => "</blockquote>\n",
                TagEnd::CodeBlock => "</code></pre>\n",
                TagEnd::List(true) => "</ol>\n",
                TagEnd::List(false) => "</ul>\n",
                TagEnd::Item => "</li>\n",
                TagEnd::FootnoteDefinition => "</div>\n",
                TagEnd::DefinitionList => "</dl>\n",
                TagEnd::DefinitionListTitle => "</dt>\n",
                TagEnd::DefinitionListDefinition => "</dd>\n",
                TagEnd::Table if in_head => "</table>\n",
                TagEnd::Table => "</tbody></table>\n",
                TagEnd::TableHead => "</tr></thead>\n",
                TagEnd::TableRow => "</tr>\n",
                TagEnd::TableCell if in_head => "</th>",
                TagEnd::TableCell => "</td>",
                TagEnd::Emphasis => "</em>",
                TagEnd::Strong => "</strong>",
                TagEnd::Strikethrough => "</del>",
                TagEnd::Superscript => "</sup>",
                TagEnd::Subscript => "</sub>",
                TagEnd::Link => "</a>",
                TagEnd::Image | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => "",
            });
        }
        out
    }
}

impl<'a> Iterator for Events<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            match self.queue.pop_front() {
                Some(Item::Event(event)) => {
                    match &event {
                        Event::Start(tag) => self.open.push(tag.to_end()),
                        Event::End(_) => {
                            self.open.pop();
                        }
                        _ => {}
                    }
                    return Some(event);
                }
                Some(Item::More) => {
                    // Everything before the marker has been written by now.
                    if self.more.is_none() {
                        self.more = Some((self.written.get(), self.closing_tags()));
                    }
                }
                None => {
                    let (event, range) = self.parser.next()?;
                    self.process(event, range);
                }
            }
        }
    }
}

/// Whether a tag is a block (its text stands on its own line).
fn is_block(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::MetadataBlock(_)
    )
}

/// Byte range of the first `<!-- more -->` (any case, any inner spacing).
fn find_more(s: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(found) = s.get(from..).and_then(|rest| rest.find("<!--")) {
        let start = from + found;
        let inner = &s[start + 4..];
        let trimmed = inner.trim_start();
        if trimmed.get(..4).is_some_and(|word| word.eq_ignore_ascii_case("more")) {
            let after = trimmed[4..].trim_start();
            if let Some(tail) = after.strip_prefix("-->") {
                return Some((start, s.len() - tail.len()));
            }
        }
        from = start + 4;
    }
    None
}

/// Whether `s` is exactly one HTML comment.
fn is_comment(s: &str) -> bool {
    s.strip_prefix("<!--")
        .and_then(|rest| rest.find("-->").map(|end| end + 3 == rest.len()))
        .unwrap_or(false)
}

/// Whether `c` is a Chinese, Japanese or Korean character or full-width form.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}
