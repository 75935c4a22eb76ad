//! Internal link checking over rendered pages held in memory: every `href` and `src` under
//! the site's base path must name a file the build produces.

use crate::diagnostic::Diagnostic;
use crate::site::Site;
use std::collections::{BTreeMap, BTreeSet};

/// Checks the links of every HTML page in `files`; `names` holds every output path.
pub fn check(site: &Site, files: &BTreeMap<String, Vec<u8>>, names: &BTreeSet<String>) -> Vec<Diagnostic> {
    let base = site.urls.base_path();
    let mut out = Vec::new();
    for (path, bytes) in files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for target in attr_values(&html) {
            let Some(rest) = target.strip_prefix(base) else {
                continue;
            };
            let rest = rest.split(['#', '?']).next().unwrap_or("");
            let file = crate::urls::file_of(rest);
            if !names.contains(&file) {
                out.push(
                    Diagnostic::error(
                        format!("{}{path}", "public/"),
                        0,
                        0,
                        format!("broken internal link to {target}"),
                    )
                    .with_hint("the page it points to is not part of the site"),
                );
            }
        }
    }
    out
}

/// The values of `href="…"` and `src="…"` attributes (double-quoted, as the theme writes them).
fn attr_values(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
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
