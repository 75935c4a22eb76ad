//! From a request path to a file of the in-memory site: [`resolve`], a pure function (no I/O,
//! no state) so that it can be fuzzed, and the percent-encoding both ways.
//!
//! A URL can only name a file of the in-memory site: its path is percent-decoded once and
//! refused when a segment is `.`, `..` or empty, or holds `\`, NUL or `:`.

use crate::output;

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the in-memory site.
    File(String),
    /// Elsewhere (the base path, or a folder without its `/`).
    Redirect(String),
    /// Nothing there.
    NotFound,
    /// A path that could name something outside the site: refused.
    Bad,
}

/// Maps a request path (`/bulletin/news/…/`, still percent-encoded, without its `?query`) to
/// a file of the site served under `base_path` (`/` or `/bulletin/`), where `exists` tells
/// whether the site has a file of that relative name (`news/…/index.html`).
///
/// Pure: it reads nothing but its arguments, never panics, and answers [`Target::File`] only
/// with a name that `exists` accepted and that is a safe relative path (no `..`, `.`, empty,
/// absolute, `\`, NUL or `:` part), so no input can name a file outside the site. A path that
/// is not ASCII, does not start with `/`, has a malformed escape or decodes to such a part is
/// [`Target::Bad`]; escapes are decoded once only (`%252e` stays the name `%2e`).
pub fn resolve(raw: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Target {
    if !raw.starts_with('/') || !raw.is_ascii() {
        return Target::Bad;
    }
    let Some(path) = percent_decode(raw) else {
        return Target::Bad;
    };
    if path.contains(['\\', '\0']) {
        return Target::Bad;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    let bad_segment = segments
        .iter()
        .enumerate()
        .any(|(i, s)| *s == ".." || *s == "." || s.contains(':') || (s.is_empty() && i != last));
    if bad_segment {
        return Target::Bad;
    }
    let base = percent_decode(base_path).unwrap_or_else(|| base_path.to_string());
    if base != "/" && (path == "/" || format!("{path}/") == base) {
        return Target::Redirect(encode_path(base_path));
    }
    let Some(rel) = path.strip_prefix(base.as_str()) else {
        return Target::NotFound;
    };
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if exists(rel) {
        rel.to_string()
    } else if exists(&format!("{rel}/index.html")) {
        return Target::Redirect(format!("{raw}/"));
    } else {
        return Target::NotFound;
    };
    if output::safe_relative(&file).is_none() {
        return Target::Bad;
    }
    if exists(&file) {
        Target::File(file)
    } else {
        Target::NotFound
    }
}

/// Decodes `%XX` escapes once; None for a malformed escape or bytes that are not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| char::from(b).to_digit(16);
            let hi = hex(*bytes.get(i + 1)?)?;
            let lo = hex(*bytes.get(i + 2)?)?;
            out.push(u8::try_from(hi * 16 + lo).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes what may not stand in a URL path as is (non-ASCII, spaces, controls).
pub(crate) fn encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_graphic() && !matches!(b, b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site<'a>(files: &'a [&'a str]) -> impl Fn(&str) -> bool + 'a {
        move |f| files.contains(&f)
    }

    #[test]
    fn paths_map_to_files_under_the_base_path() {
        let have = site(&["index.html", "news/2022/06/20/a/index.html", "style.css", "atom.xml"]);
        let r = |p| resolve(p, "/bulletin/", &have);
        assert_eq!(r("/"), Target::Redirect("/bulletin/".into()));
        assert_eq!(r("/bulletin"), Target::Redirect("/bulletin/".into()));
        assert_eq!(r("/bulletin/"), Target::File("index.html".into()));
        assert_eq!(r("/bulletin/style.css"), Target::File("style.css".into()));
        assert_eq!(
            r("/bulletin/news/2022/06/20/a/"),
            Target::File("news/2022/06/20/a/index.html".into())
        );
        assert_eq!(
            r("/bulletin/news/2022/06/20/a"),
            Target::Redirect("/bulletin/news/2022/06/20/a/".into())
        );
        assert_eq!(r("/bulletin/news/"), Target::NotFound);
        assert_eq!(r("/other/"), Target::NotFound);
        assert_eq!(r("/style.css"), Target::NotFound);
        let at_root = resolve("/", "/", &have);
        assert_eq!(at_root, Target::File("index.html".into()));
    }

    #[test]
    fn traversal_is_refused() {
        let have = site(&["index.html"]);
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/bulletin/..%2f..%2fetc/passwd",
            "/bulletin/%5c..%5cetc",
            "/bulletin/a%00b",
            "//etc/passwd",
            "/bulletin//etc/passwd",
            "/bulletin/./index.html",
            "/bulletin/c:/x",
            "/bulletin/%zz",
            "/bulletin/%ff",
            "etc/passwd",
            "http://evil/",
        ] {
            assert_eq!(resolve(bad, "/bulletin/", &have), Target::Bad, "{bad}");
        }
        // Decoded once only: an escaped escape is a harmless (missing) name.
        assert_eq!(resolve("/bulletin/%252e%252e/x", "/bulletin/", &have), Target::NotFound);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%E5%B1%B1").as_deref(), Some("/山"));
        assert_eq!(percent_decode("/%+1"), None);
        assert_eq!(percent_decode("/%4"), None);
        assert_eq!(encode_path("/简报/"), "/%E7%AE%80%E6%8A%A5/");
    }
}
