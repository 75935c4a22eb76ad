//! The topic pages: the index of topics (topics.html) and each topic's pages of items
//! (topic.html), whose first page has its figures.

use crate::base::diagnostic::Diagnostic;
use crate::output::Sink;
use crate::render::context::{TopicPage, TopicsPage};
use crate::render::list_views::paged;
use crate::render::renderer::Renderer;
use crate::render::view::{PageKind, TopicRef};
use crate::site::urls;

/// The topic index.
pub(crate) fn index(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let meta = r.meta(
        PageKind::Topics,
        r.t("topics"),
        String::new(),
        urls::TOPICS,
        None,
        vec![r.home_crumb()],
    );
    let body = TopicsPage {
        topics: &r.topic_entries,
    };
    r.page("topics.html", urls::TOPICS, meta, body, sink)
}

/// Page `n` (from 1) of topic group `i`.
pub(crate) fn page(r: &Renderer, i: usize, n: usize, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let site = r.site;
    let u = &site.urls;
    let g = &site.topics[i];
    let first = urls::topic(&g.topic.slug);
    let path = urls::page(&first, n);
    let (items, paginator) = r.paginate(&g.entries, &first, n);
    let slug = g.topic.slug.as_str();
    let stats = if n == 1 {
        r.subject_stats(
            |m| m.for_topic(slug).cloned(),
            |c| {
                site.entries
                    .get(c.item)
                    .is_some_and(|e| e.item.topics.iter().any(|t| t.slug == slug))
            },
        )
    } else {
        Vec::new()
    };
    let meta = r.meta(
        PageKind::Topic,
        g.topic.name.clone(),
        String::new(),
        &path,
        Some(u.absolute(&urls::feed_of(&first))),
        vec![r.home_crumb(), r.crumb("topics", urls::TOPICS)],
    );
    let meta = paged(meta, &paginator);
    let body = TopicPage {
        topic: TopicRef {
            name: g.topic.name.clone(),
            slug: g.topic.slug.clone(),
            url: u.link(&first),
        },
        count: g.entries.len(),
        items,
        paginator: &paginator,
        stats,
    };
    r.page("topic.html", &path, meta, body, sink)
}
