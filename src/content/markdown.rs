//! Markdown bodies to HTML, plain text and summaries.
//!
//! This is the one place that sets pulldown-cmark's options. [`render`] makes
//! a single pass over the event stream: an adapter (`Events`) rewrites
//! events on their way into pulldown-cmark's own (iterative) HTML writer,
//! collecting the plain text, the links and the `<!-- more -->` split as it
//! goes. The adapter keeps explicit stacks instead of recursing, so deeply
//! nested quotes or lists cannot overflow the stack.
//!
//! What the adapter changes:
//! - raw HTML is shown as escaped text unless [`MarkdownOptions::unsafe_html`]
//!   (HTML comments, which a browser would not show either, are dropped);
//! - links and images to `javascript:`, `vbscript:` or `data:` lose their
//!   target (the link text or the image's alt text stays);
//! - fenced code blocks go through [`crate::content::highlight::highlight`];
//! - headings get an `id`.

use std::cell::Cell;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::ops::Range;

use pulldown_cmark::html::write_html_fmt;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, OffsetIter, Options, Parser, Tag, TagEnd};

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
fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// What to do with a link's destination, as decided by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
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
pub fn render_with(markdown: &str, opts: &MarkdownOptions, resolve: &dyn Fn(&str) -> Resolved) -> Rendered {
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
    for l in links.iter_mut().chain(missing.iter_mut()) {
        l.line = markdown
            .get(..l.offset)
            .map_or(0, |before| before.matches('\n').count());
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
struct Events<'a, 'w> {
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
    missing: Vec<Link>,
    /// Length of the body text at the marker, once it has been seen.
    more_text: Option<usize>,
    /// Output length at the marker and the closing tags the summary needs.
    more: Option<(usize, String)>,
    headings: usize,
    ids: HashSet<String>,
    next_suffix: std::collections::HashMap<String, usize>,
    text: String,
    pending_space: bool,
    links: Vec<Link>,
    has_code: bool,
}

impl<'a, 'w> Events<'a, 'w> {
    fn new(
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
            headings: 0,
            ids: HashSet::new(),
            next_suffix: std::collections::HashMap::new(),
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
                self.headings += 1;
                let id = self.heading_id(&heading.text);
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

    fn heading_id(&mut self, text: &str) -> String {
        let base = ascii_slug(text).unwrap_or_else(|| format!("h-{}", self.headings));
        // Each base remembers its last suffix, so many equal headings stay linear.
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
        let mut id = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.next_suffix.insert(base, n + 1);
        self.ids.insert(id.clone());
        id
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

/// False for destinations a browser would run or inline as a document:
/// `javascript:`, `vbscript:` and `data:`, in any case, after leading
/// whitespace or control characters, and ignoring the tabs and line breaks
/// that browsers strip from URLs.
fn is_safe_dest(dest: &str) -> bool {
    let mut scheme = [0u8; 10];
    let mut len = 0;
    let rest = dest.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    for c in rest.chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => {
                return !matches!(scheme.get(..len), Some(b"javascript" | b"vbscript" | b"data"));
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                let Some(slot) = scheme.get_mut(len) else {
                    return true; // longer than any scheme we refuse
                };
                *slot = c.to_ascii_lowercase() as u8;
                len += 1;
            }
            _ => return true, // no scheme: a relative URL
        }
    }
    true
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

/// An id from ASCII heading text (`Hello, World` → `hello-world`).
fn ascii_slug(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    (!slug.is_empty()).then_some(slug)
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

/// The opening of `text` cut at a sentence end (。, `!` or `?` full-width or ASCII, ……, or a `.` before a space), at most about `max_chars` characters.
///
/// Whitespace is collapsed. The cut is at the last sentence end within
/// `max_chars`; if the first sentence is longer, it is kept whole up to
/// `max_chars * 2`, and beyond that the text is cut at `max_chars` and "…"
/// appended. Characters are counted as `char`s and never split.
#[must_use]
pub fn summarize(text: &str, max_chars: usize) -> String {
    if max_chars == 0 {
        return String::new();
    }
    let limit = max_chars.saturating_mul(2);
    // Collapse whitespace, reading one character past the limit at most.
    let mut chars: Vec<char> = Vec::with_capacity(limit.min(text.len()) + 2);
    let mut complete = true;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !chars.is_empty();
            continue;
        }
        if chars.len() > limit {
            complete = false;
            break;
        }
        if std::mem::take(&mut space) {
            chars.push(' ');
        }
        chars.push(c);
    }
    if complete && chars.len() <= max_chars {
        return chars.into_iter().collect();
    }

    let n = chars.len();
    let at = |i: usize, test: fn(char) -> bool| chars.get(i).is_some_and(|&c| test(c));
    let mut best = None;
    let mut first = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let end = match c {
            c if is_terminator(c) => Some(i + 1),
            '…' if chars.get(i + 1) == Some(&'…') => Some(i + 2),
            '.' => {
                let mut e = i + 1;
                while at(e, is_closer) {
                    e += 1;
                }
                let ends = match chars.get(e) {
                    Some(c) => c.is_whitespace(),
                    None => complete,
                };
                ends.then_some(i + 1)
            }
            _ => None,
        };
        let Some(mut e) = end else {
            i += 1;
            continue;
        };
        // Keep runs like "?!" or "。”" whole.
        while at(e, |c| is_closer(c) || is_terminator(c)) {
            e += 1;
        }
        if e <= max_chars {
            best = Some(e);
        } else if first.is_some() || best.is_some() {
            break;
        }
        if first.is_none() {
            first = Some(e);
        }
        i = e;
    }
    let cut = match (best, first) {
        (Some(end), _) => end,
        (None, Some(end)) if end <= limit => end,
        (None, None) if complete && n <= limit => n,
        _ => {
            let mut out: String = chars.iter().take(max_chars).collect();
            out.truncate(out.trim_end().len());
            out.push('…');
            return out;
        }
    };
    chars.iter().take(cut).collect()
}

/// Marks that end a sentence on their own: 。, and `!` and `?` full-width or ASCII.
fn is_terminator(c: char) -> bool {
    matches!(c, '\u{3002}' | '\u{FF01}' | '\u{FF1F}' | '!' | '?')
}

/// Closing quotes and brackets that belong to the sentence before them.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201D}' // ”
            | '\u{2019}' // ’
            | '\u{300D}' // 」
            | '\u{300F}' // 』
            | '\u{300B}' // 》
            | '\u{3009}' // 〉
            | '\u{3011}' // 】
            | '\u{FF09}' // full-width )
            | ')'
            | ']'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

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
            let start = Instant::now();
            let r = safe(&markdown);
            assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
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

    #[test]
    fn safe_dest() {
        let cases: &[(&str, bool)] = &[
            ("https://a.org", true),
            ("/relative", true),
            ("#frag", true),
            ("mailto:a@b.c", true),
            ("a/javascript:x", true),
            ("datab:x", true),
            ("javascript:x", false),
            ("  \u{1}JavaScript:x", false),
            ("java\tscript:x", false),
            ("java\nscript:x", false),
            ("VBScript:x", false),
            ("data:,x", false),
            ("\u{3000}data:,x", false),
        ];
        for (dest, ok) in cases {
            assert_eq!(is_safe_dest(dest), *ok, "{dest:?}");
        }
    }

    const NEWS: &str = "本报讯(记者朱欣)2022年全国工会领导机关干部赴基层蹲点工作已拉开帷幕。记者日前从……获悉,…。";
    const FIRST: &str = "本报讯(记者朱欣)2022年全国工会领导机关干部赴基层蹲点工作已拉开帷幕。";

    #[test]
    fn summarize_cases() {
        // (case, text, max_chars, summary)
        let cases: &[(&str, &str, usize, &str)] = &[
            ("small max cuts after first 。", NEWS, 20, FIRST),
            ("max just under first sentence", NEWS, 36, FIRST),
            ("max at first sentence", NEWS, 37, FIRST),
            ("max between ends", NEWS, 40, FIRST),
            (
                "…… ends a sentence",
                NEWS,
                44,
                "本报讯(记者朱欣)2022年全国工会领导机关干部赴基层蹲点工作已拉开帷幕。记者日前从……",
            ),
            ("shorter than max", NEWS, 100, NEWS),
            ("first sentence too long", NEWS, 10, "本报讯(记者朱欣)2…"),
            (
                "no sentence end, long",
                "一二三四五六七八九十一二三四五六七八九十一二三四五",
                10,
                "一二三四五六七八九十…",
            ),
            (
                "no sentence end, within twice",
                "一二三四五六七八九十一二",
                10,
                "一二三四五六七八九十一二",
            ),
            ("no sentence end, short", "一二三", 10, "一二三"),
            ("whitespace collapsed", "  甲\n\n 乙\t丙。 丁  ", 100, "甲 乙 丙。 丁"),
            ("exclamation and quote", "他说:“好!”然后走了。再见。", 8, "他说:“好!”"),
            ("question marks", "真的吗?!是的。", 5, "真的吗?!"),
            (
                "full-width marks",
                "他说\u{FF1A}\u{201C}好\u{FF01}\u{201D}然后走了。",
                8,
                "他说\u{FF1A}\u{201C}好\u{FF01}\u{201D}",
            ),
            (
                "full-width question",
                "真的吗\u{FF1F}\u{FF01}是的。",
                5,
                "真的吗\u{FF1F}\u{FF01}",
            ),
            (
                "full-width parens and comma",
                "本报讯\u{FF08}记者朱欣\u{FF09}蹲点工作已拉开帷幕。记者日前从……获悉\u{FF0C}…。",
                12,
                "本报讯\u{FF08}记者朱欣\u{FF09}蹲点工作已拉开帷幕。",
            ),
            ("english", "First one. Second one. Third.", 24, "First one. Second one."),
            (
                "decimal is not an end",
                "Growth was 3.5 percent this year. More.",
                36,
                "Growth was 3.5 percent this year.",
            ),
            ("quoted english", "He said \"go.\" Then left.", 15, "He said \"go.\""),
            ("zero", NEWS, 0, ""),
            ("empty", "", 10, ""),
        ];
        for (name, text, max, want) in cases {
            assert_eq!(summarize(text, *max), *want, "{name}");
        }
    }

    #[test]
    fn summarize_never_cuts_a_char() {
        let total = NEWS.chars().count();
        for max in 1..total + 5 {
            let summary = summarize(NEWS, max);
            let body = summary.strip_suffix('…').unwrap_or(&summary);
            assert!(NEWS.starts_with(body), "{max}: {summary}");
            assert!(summary.chars().count() <= (max * 2).max(max + 1), "{max}: {summary}");
        }
    }

    #[test]
    #[ignore = "timing; run with --release --ignored"]
    fn ten_thousand_items() {
        let body = format!(
            "{}\n\n## 小标题\n\n{}\n\n| 地区 | 人数 |\n|---|---|\n| 北京 | 12 |\n\n- [链接](/a)\n- **粗体**\n",
            NEWS.repeat(3),
            NEWS.repeat(4)
        );
        let start = Instant::now();
        let mut total = 0;
        for _ in 0..10_000 {
            let r = safe(&body);
            total += r.html.len() + summarize(&r.text, 120).len();
        }
        eprintln!("10,000 items in {:?} ({total} bytes)", start.elapsed());
    }
}
