//! The HTTP side of serve: requests mapped to files of the in-memory site, responses with
//! their headers, byte ranges, and the Server-Sent Events stream that tells pages to reload.
//!
//! A URL can only name a file of the in-memory site: its path is percent-decoded once and
//! refused when a segment is `.`, `..` or empty, or holds `\`, NUL or `:`. Files are served
//! whole or, for a `Range: bytes=…` request, in part (206, or 416 past the end), as static
//! hosts do: the search page fetches its documents by range.

use super::overlay::{failure_page, inject, snippet};
use super::server::{Shared, POLL};
use crate::output;
use std::io::Write;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

/// The Server-Sent Events endpoint the injected script listens on.
pub const EVENTS_PATH: &str = "/__bulletin/events";
/// A comment sent on idle event streams, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Answers requests until the server stops.
pub(super) fn worker(shared: &Arc<Shared>, http: &tiny_http::Server) {
    while !shared.stopping() {
        match http.recv_timeout(POLL) {
            Ok(Some(req)) => handle(shared, req),
            Ok(None) => {}
            // A failed accept concerns one client only.
            Err(_) => {}
        }
    }
}

/// The Content-Types of serve's own answers.
const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// Answers one request: a page or file of the last good site (HTML with the reload script
/// and overlay), a redirect, an error, or the start of an event stream.
fn handle(shared: &Arc<Shared>, req: tiny_http::Request) {
    use tiny_http::Method;
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond(
            req,
            405,
            TEXT,
            b"method not allowed\n".to_vec(),
            &[("Allow", "GET, HEAD")],
        );
    }
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if path == EVENTS_PATH {
        let since = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok());
        let s = Arc::clone(shared);
        // The request moves into the thread; if none can be started it is dropped, which
        // closes the stream, and the browser retries.
        let _ = std::thread::Builder::new()
            .name("bulletin-events".into())
            .spawn(move || events(&s, req, since));
        return;
    }
    let (site, errors, warnings, generation) = {
        let state = shared.lock_state();
        (
            state.site.clone(),
            Arc::clone(&state.errors),
            Arc::clone(&state.warnings),
            state.generation,
        )
    };
    let snippet = snippet(generation, &errors, &warnings);
    let Some(site) = site else {
        return respond(req, 503, HTML, failure_page(&snippet), &[]);
    };
    match resolve(path, &site.base_path, |f| site.files.contains_key(f)) {
        Target::File(name) => {
            let bytes = site.files.get(&name).map_or(&[][..], |b| b.as_slice());
            let kind = content_type(&name);
            let body = if kind == HTML {
                std::borrow::Cow::Owned(inject(bytes, &snippet))
            } else {
                std::borrow::Cow::Borrowed(bytes)
            };
            let header = |name: &'static str| {
                req.headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.as_str().to_string())
            };
            // If-Range asks for the range only if the file is unchanged since a date or tag;
            // serve gives neither, so such a request gets the whole file.
            let range = header("Range").filter(|_| header("If-Range").is_none());
            let total = body.len() as u64;
            match byte_range(range.as_deref(), total) {
                Ranged::Full => respond(req, 200, kind, body.into_owned(), &[ACCEPT_RANGES]),
                Ranged::Part(first, last) => {
                    let part = usize::try_from(first)
                        .ok()
                        .zip(usize::try_from(last).ok())
                        .and_then(|(a, b)| body.get(a..=b))
                        .unwrap_or_default()
                        .to_vec();
                    let content_range = format!("bytes {first}-{last}/{total}");
                    respond(
                        req,
                        206,
                        kind,
                        part,
                        &[ACCEPT_RANGES, ("Content-Range", &content_range)],
                    );
                }
                Ranged::Unsatisfiable => {
                    let content_range = format!("bytes */{total}");
                    let body = b"range not satisfiable\n".to_vec();
                    respond(
                        req,
                        416,
                        TEXT,
                        body,
                        &[ACCEPT_RANGES, ("Content-Range", &content_range)],
                    );
                }
            }
        }
        Target::Redirect(to) => {
            let body = format!("see {to}\n").into_bytes();
            respond(req, 302, TEXT, body, &[("Location", &to)]);
        }
        Target::NotFound => match site.files.get("404.html") {
            Some(page) => respond(req, 404, HTML, inject(page, &snippet), &[]),
            None => respond(req, 404, TEXT, b"not found\n".to_vec(), &[]),
        },
        Target::Bad => respond(req, 400, TEXT, b"bad request: this path is not allowed\n".to_vec(), &[]),
    }
}

/// Files are served in parts on request (the search page fetches documents by byte range).
const ACCEPT_RANGES: (&str, &str) = ("Accept-Ranges", "bytes");

/// What a request's `Range` header asks of a file of `total` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Ranged {
    /// The whole file: no header, or one to ignore.
    Full,
    /// Bytes `first..=last`.
    Part(u64, u64),
    /// A range that starts past the end: 416.
    Unsatisfiable,
}

/// Reads a `Range` header (`bytes=a-b`, `bytes=a-`, `bytes=-n`) for a file of `total` bytes.
/// Several ranges, or a malformed header, ask for the whole file (RFC 9110 §14.2 lets a
/// server ignore them; a multipart answer is not worth it for a preview server).
fn byte_range(header: Option<&str>, total: u64) -> Ranged {
    use http_range_header::RangeUnsatisfiableError;
    let Some(header) = header else { return Ranged::Full };
    match http_range_header::parse_range_header(header) {
        Ok(parsed) if parsed.len() == 1 => match parsed.validate(total) {
            Ok(ranges) => match ranges.as_slice() {
                [one] => Ranged::Part(*one.start(), *one.end()),
                _ => Ranged::Full,
            },
            Err(RangeUnsatisfiableError::Unsatisfiable) => Ranged::Unsatisfiable,
            Err(_) => Ranged::Full,
        },
        _ => Ranged::Full,
    }
}

/// Sends `body` with `status`, never cached (a preview changes under the browser).
fn respond(req: tiny_http::Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let mut resp = tiny_http::Response::from_data(body).with_status_code(status);
    let fixed = [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ];
    for (k, v) in fixed.iter().chain(extra) {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp.add_header(h);
        }
    }
    // The client may have gone away; nothing to do then.
    let _ = req.respond(resp);
}

/// Streams `reload` events to one page until it goes away or the server stops. A page passes
/// the generation it was served at (`since`), so a build that ended in between is not missed.
fn events(shared: &Shared, req: tiny_http::Request, since: Option<u64>) {
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n\
                Connection: close\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n";
    if w.write_all(head.as_bytes()).and_then(|()| w.flush()).is_err() {
        return;
    }
    let mut seen = since.unwrap_or_else(|| shared.lock_state().generation);
    loop {
        let generation = {
            let state = shared.lock_state();
            let (state, _) = shared
                .changed
                .wait_timeout_while(state, KEEPALIVE, |s| s.generation == seen && !shared.stopping())
                .unwrap_or_else(PoisonError::into_inner);
            state.generation
        };
        if shared.stopping() {
            return;
        }
        let message = if generation == seen {
            ": keep-alive\n\n".to_string()
        } else {
            seen = generation;
            format!("event: reload\ndata: {generation}\n\n")
        };
        if w.write_all(message.as_bytes()).and_then(|()| w.flush()).is_err() {
            return;
        }
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of the in-memory site.
    File(String),
    /// Elsewhere (the base path, or a folder without its `/`).
    Redirect(String),
    /// Nothing there.
    NotFound,
    /// A path that could name something outside the site: refused.
    Bad,
}

/// Maps a request path (`/bulletin/news/…/`, still percent-encoded) to an output file.
fn resolve(raw: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Target {
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
fn percent_decode(s: &str) -> Option<String> {
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
pub(super) fn encode_path(s: &str) -> String {
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

/// The Content-Type for an output file, by extension.
fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => TEXT,
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "avif" => "image/avif",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
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

    #[test]
    fn byte_ranges() {
        use Ranged::*;
        let cases: &[(Option<&str>, u64, Ranged)] = &[
            (None, 10, Full),
            (Some("bytes=0-3"), 10, Part(0, 3)),
            (Some("bytes=4-"), 10, Part(4, 9)),
            (Some("bytes=-3"), 10, Part(7, 9)),
            // A suffix longer than the file is the whole file; an end past it is cut.
            (Some("bytes=-30"), 10, Part(0, 9)),
            (Some("bytes=5-100"), 10, Part(5, 9)),
            (Some("bytes=9-9"), 10, Part(9, 9)),
            // Past the end: 416.
            (Some("bytes=10-"), 10, Unsatisfiable),
            (Some("bytes=10-20"), 10, Unsatisfiable),
            (Some("bytes=-0"), 10, Unsatisfiable),
            (Some("bytes=0-"), 0, Unsatisfiable),
            // Several ranges, or malformed: the whole file.
            (Some("bytes=0-1, 4-5"), 10, Full),
            (Some("bytes=5-3"), 10, Full),
            (Some("bytes=a-b"), 10, Full),
            (Some("bytes=0-3 "), 10, Full),
            (Some("items=0-3"), 10, Full),
            (Some("bytes="), 10, Full),
            (Some(""), 10, Full),
        ];
        for (header, total, want) in cases {
            assert_eq!(&byte_range(*header, *total), want, "{header:?} of {total}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), HTML);
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("stats/stats.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("x.JPG"), "image/jpeg");
        assert_eq!(content_type("robots.txt"), TEXT);
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
