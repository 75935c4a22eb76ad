//! Internal link checking over rendered pages held in memory: every `href` and `src` under
//! the site's base path must name a file the build produces. A broken link written in an
//! item's body is reported at its line in the item's file; one made by a template, at the page.

use crate::base::diagnostic::Diagnostic;
use crate::site::Site;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Checks the links of every HTML page in `files`; `names` holds every output path and
/// `output` is the output folder's name as shown in messages.
pub(crate) fn check(
    site: &Site,
    files: &BTreeMap<String, Vec<u8>>,
    names: &BTreeSet<String>,
    output: &Path,
) -> Vec<Diagnostic> {
    let base = site.urls.base_path();
    let items: HashMap<String, usize> = site
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (crate::site::urls::file_of(&e.path), i))
        .collect();
    // The print editions hold whole bodies again: a broken link of a body is reported once,
    // at its item's line, not again at each print page.
    let body_links: std::collections::HashSet<&str> = site
        .entries
        .iter()
        .flat_map(|e| e.body.links.iter().map(|l| l.dest.as_str()))
        .collect();
    let mut out = Vec::new();
    for (path, bytes) in files {
        if !path.ends_with(".html") {
            continue;
        }
        let print_edition = path.starts_with(crate::site::urls::BULLETINS) && path.ends_with("/print/index.html");
        let html = String::from_utf8_lossy(bytes);
        let entry = items.get(path).and_then(|&i| site.entries.get(i));
        // The line of each destination written in the body, made at the page's first broken
        // link: searching the body's links for each one was quadratic (120,000 links: minutes).
        let mut lines: Option<HashMap<&str, usize>> = None;
        for target in attr_values(&html) {
            let Some(rest) = target.strip_prefix(base) else {
                continue;
            };
            let rest = rest.split(['#', '?']).next().unwrap_or("");
            if names.contains(&crate::site::urls::file_of(rest)) || names.contains(rest) {
                continue;
            }
            if print_edition && body_links.contains(target.as_str()) {
                continue;
            }
            let in_body = entry.and_then(|e| {
                let lines = lines.get_or_insert_with(|| {
                    let mut first = HashMap::with_capacity(e.body.links.len());
                    for l in &e.body.links {
                        first.entry(l.dest.as_str()).or_insert(l.line);
                    }
                    first
                });
                lines.get(target.as_str()).map(|&line| (e, e.item.body_line + line))
            });
            let d = match in_body {
                Some((e, line)) => {
                    Diagnostic::error(&e.item.path, line, 1, format!("broken internal link to {target}"))
                        .with_hint("no page of the site has this address; check the link")
                }
                None => Diagnostic::error(output.join(path), 0, 0, format!("broken internal link to {target}"))
                    .with_hint(
                        "the page it points to is not part of the site; check the template that makes this link",
                    ),
            };
            out.push(d);
        }
    }
    out
}

/// The values of `href="…"` and `src="…"` attributes (double-quoted, as the theme writes them).
fn attr_values(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}
