//! The HTTP side of serve: one request answered from the in-memory site (pages with the reload
//! script and overlay, files whole or by byte range), the refusals that keep the preview to
//! its owner, and the Server-Sent Events stream that tells pages to reload.
//!
//! Before anything else a request must name this server in its `Host` (host.rs; 421 otherwise)
//! and carry no body: serve takes none, so a `Content-Length` above 0 or a `Transfer-Encoding`
//! is answered 413 and the connection closed, nothing read. Files are served whole or, for a
//! `Range: bytes=…` request, in part (206, or 416 past the end), as static hosts do: the
//! search page fetches its documents by range. A PDF edition is typeset when first asked for
//! (editions.rs), while the request waits and the other connections go on.

use super::host::Hosts;
use super::overlay::{failure_page, inject, snippet};
use super::route::{resolve, Target};
use super::server::Shared;
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// The Server-Sent Events endpoint the injected script listens on.
pub const EVENTS_PATH: &str = "/__bulletin/events";
/// A comment sent on idle event streams, so dead connections are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The Content-Types of serve's own answers.
const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// A response body: bytes in memory, or an event stream.
pub(super) type Body = BoxBody<Bytes, Infallible>;

/// What every request is answered from.
pub(super) struct Front {
    /// The site being served and its latest problems.
    pub(super) shared: Arc<Shared>,
    /// The names a request may give as its `Host`.
    pub(super) hosts: Hosts,
    /// Where the preview is browsed (`http://127.0.0.1:1111`), for the refusal message.
    pub(super) origin: String,
}

/// Answers one request: a refusal (foreign host, a body, a method other than GET and HEAD),
/// a page or file of the last good site, a redirect, an error, or the start of an event stream.
pub(super) async fn handle(front: &Front, req: &Request<Incoming>) -> Response<Body> {
    // An absolute request target (`GET http://host/ HTTP/1.1`) names its host itself.
    let host = req
        .uri()
        .authority()
        .map(|a| a.as_str())
        .or_else(|| req.headers().get(header::HOST).and_then(|h| h.to_str().ok()));
    let Some(host) = host else {
        return text(
            StatusCode::BAD_REQUEST,
            "bad request: a Host header is required\n".into(),
        );
    };
    if !front.hosts.allows(host) {
        let why = format!(
            "misdirected request: this preview answers only to {}; open it at {}/ \
             (serve refuses other names so that no web page can read the preview through its own domain)\n",
            front.hosts.describe(),
            front.origin
        );
        return text(StatusCode::MISDIRECTED_REQUEST, why);
    }
    let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        || req
            .headers()
            .get_all(header::CONTENT_LENGTH)
            .iter()
            .any(|v| v.as_bytes() != b"0");
    if has_body {
        // Never read: the connection closes after this answer.
        let mut resp = text(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload too large: serve takes no request bodies\n".into(),
        );
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return resp;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut resp = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n".into());
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    let path = req.uri().path();
    if path == EVENTS_PATH {
        let since = req
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok());
        return events(&front.shared, since, req.method() == Method::HEAD);
    }
    page(&front.shared, path, req).await
}

/// A page or file of the last good site, or why there is none.
async fn page(shared: &Shared, path: &str, req: &Request<Incoming>) -> Response<Body> {
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
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            HTML,
            failure_page(&snippet).into(),
            &[],
        );
    };
    let edition = |f: &str| site.editions.as_ref().is_some_and(|e| e.has(f));
    match resolve(path, &site.base_path, |f| site.files.contains_key(f) || edition(f)) {
        Target::File(name) => {
            let kind = content_type(&name);
            let body = match site.files.get(&name) {
                Some(file) if kind == HTML => Bytes::from(inject(file, &snippet)),
                // Shared with the site, not copied: a large file costs no memory per request.
                Some(file) => Bytes::from_owner(SharedFile(Arc::clone(file))),
                None => {
                    // A PDF edition, typeset now (off the async threads) or made before.
                    let editions = site.editions.clone();
                    let made = match editions {
                        Some(e) => e.pdf_later(name).await,
                        None => None,
                    };
                    match made {
                        Some(Ok(pdf)) => Bytes::from_owner(SharedFile(pdf)),
                        Some(Err(d)) => {
                            let why = d.relative_to(&shared.root).to_string();
                            return text(StatusCode::INTERNAL_SERVER_ERROR, format!("{why}\n"));
                        }
                        None => return text(StatusCode::NOT_FOUND, "not found\n".into()),
                    }
                }
            };
            let header = |name: HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
            // If-Range asks for the range only if the file is unchanged since a date or tag;
            // serve gives neither, so such a request gets the whole file.
            let range = header(header::RANGE).filter(|_| !req.headers().contains_key(header::IF_RANGE));
            let total = body.len() as u64;
            match byte_range(range, total) {
                Ranged::Full => respond(StatusCode::OK, kind, body, &[ACCEPT_RANGES]),
                Ranged::Part(first, last) => {
                    let part = usize::try_from(first)
                        .ok()
                        .zip(usize::try_from(last).ok())
                        .filter(|&(a, b)| a <= b && b < body.len())
                        .map(|(a, b)| body.slice(a..=b))
                        .unwrap_or_default();
                    let content_range = format!("bytes {first}-{last}/{total}");
                    respond(
                        StatusCode::PARTIAL_CONTENT,
                        kind,
                        part,
                        &[ACCEPT_RANGES, ("content-range", &content_range)],
                    )
                }
                Ranged::Unsatisfiable => {
                    let content_range = format!("bytes */{total}");
                    respond(
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        TEXT,
                        Bytes::from_static(b"range not satisfiable\n"),
                        &[ACCEPT_RANGES, ("content-range", &content_range)],
                    )
                }
            }
        }
        Target::Redirect(to) => respond(
            StatusCode::FOUND,
            TEXT,
            format!("see {to}\n").into(),
            &[("location", &to)],
        ),
        Target::NotFound => match site.files.get("404.html") {
            Some(page) => respond(StatusCode::NOT_FOUND, HTML, inject(page, &snippet).into(), &[]),
            None => text(StatusCode::NOT_FOUND, "not found\n".into()),
        },
        Target::Bad => text(
            StatusCode::BAD_REQUEST,
            "bad request: this path is not allowed\n".into(),
        ),
    }
}

/// A file of the site, as the bytes of a response.
struct SharedFile(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedFile {
    fn as_ref(&self) -> &[u8] {
        &self.0
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

/// A plain-text answer.
fn text(status: StatusCode, body: String) -> Response<Body> {
    respond(status, TEXT, body.into(), &[])
}

/// `body` with `status`, never cached (a preview changes under the browser).
fn respond(status: StatusCode, content_type: &str, body: Bytes, extra: &[(&str, &str)]) -> Response<Body> {
    with_headers(status, content_type, Full::new(body).boxed(), extra)
}

fn with_headers(status: StatusCode, content_type: &str, body: Body, extra: &[(&str, &str)]) -> Response<Body> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let fixed = [
        ("content-type", content_type),
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
    ];
    for (k, v) in fixed.iter().chain(extra) {
        if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

/// Streams `reload` events to one page until it goes away or the server stops. A page passes
/// the generation it was served at (`since`), so a build that ended in between is not missed.
/// The stream is a task of its own that waits on the generation: it holds no thread.
fn events(shared: &Shared, since: Option<u64>, head_only: bool) -> Response<Body> {
    let extra = [("x-accel-buffering", "no")];
    let kind = "text/event-stream; charset=utf-8";
    if head_only {
        return respond(StatusCode::OK, kind, Bytes::new(), &extra);
    }
    let mut generations = shared.generations.subscribe();
    let mut seen = since.unwrap_or_else(|| *generations.borrow());
    let (tx, rx) = mpsc::channel(2);
    let _ = tx.try_send(Bytes::from_static(b"retry: 1000\n\n"));
    tokio::spawn(async move {
        loop {
            let now = *generations.borrow_and_update();
            let message = if now != seen {
                seen = now;
                format!("event: reload\ndata: {now}\n\n")
            } else {
                match tokio::time::timeout(KEEPALIVE, generations.changed()).await {
                    Ok(Ok(())) => continue,
                    // The server is stopping.
                    Ok(Err(_)) => return,
                    Err(_) => ": keep-alive\n\n".to_string(),
                }
            };
            // Fails once the page is gone (hyper dropped the body).
            if tx.send(Bytes::from(message)).await.is_err() {
                return;
            }
        }
    });
    with_headers(StatusCode::OK, kind, EventStream(rx).boxed(), &extra)
}

/// The body of an event stream: the messages of its task, as they come.
struct EventStream(mpsc::Receiver<Bytes>);

impl hyper::body::Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
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
