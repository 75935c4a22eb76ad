//! Clients for a running `bulletin serve`: raw HTTP/1.1 requests (the path goes on the wire
//! exactly as given), the reload event stream (Server-Sent Events), and bounded polling. Every
//! wait is bounded by [`LIMIT`], so a broken server fails the test instead of hanging it.
//! Used by the `serve` and `hostile` modules and by `benches/incremental.rs`.

use bulletin::serve::EVENTS_PATH;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long any one wait on the server may take.
pub const LIMIT: Duration = Duration::from_secs(10);

/// A response: status, head, and body (chunked framing removed).
pub struct Response {
    /// The status code (0 when the status line could not be read).
    pub status: u16,
    /// The status line and headers, as sent.
    pub head: String,
    /// The body's bytes.
    pub bytes: Vec<u8>,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
}

impl Response {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.head, name)
    }
}

/// The value of header `name` (case-insensitive) in a response head.
pub fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A GET of `path` (sent as given, unnormalised).
pub fn get(addr: SocketAddr, path: &str) -> Response {
    get_with(addr, path, &[])
}

/// A GET of `path` with extra request headers.
pub fn get_with(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Response {
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    send(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n").as_bytes(),
    )
}

/// Sends `request` as it is and reads the answer until the server closes the connection.
pub fn send(addr: SocketAddr, request: &[u8]) -> Response {
    let mut s = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
    s.set_read_timeout(Some(LIMIT)).unwrap();
    s.set_write_timeout(Some(LIMIT)).unwrap();
    s.write_all(request).unwrap();
    let mut raw = Vec::new();
    // A server that answers before the whole request is read may reset the connection after
    // its answer; what came before the reset is the answer.
    let mut chunk = [0u8; 8192];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !raw.is_empty() => break,
            Err(e) => panic!("reading the answer: {e}"),
        }
    }
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |at| at + 4);
    let head = String::from_utf8_lossy(&raw[..end]).trim_end().to_string();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut bytes = raw[end..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        bytes = unchunk(&bytes);
    }
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Response {
        status,
        head,
        bytes,
        body,
    }
}

/// The data of a chunked body.
fn unchunk(mut rest: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return plain;
        }
        plain.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
        rest = &rest[eol + 2 + size + 2..];
    }
}

/// Polls `f` until it holds, for at most [`LIMIT`].
pub fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < LIMIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The generation a page was served at, from its reload script.
pub fn since(page: &str) -> u64 {
    let at = page.find("since=").expect("the reload script") + "since=".len();
    page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// A connection to the reload event stream, read with a deadline.
pub struct Events {
    stream: TcpStream,
    buf: String,
    limit: Duration,
}

impl Events {
    /// Opens the stream as a page served at generation `since` does, and reads past its head.
    pub fn connect(addr: SocketAddr, since: u64) -> Events {
        Events::connect_within(addr, since, LIMIT)
    }

    /// [`Events::connect`], with every later wait bounded by `limit` instead of [`LIMIT`].
    pub fn connect_within(addr: SocketAddr, since: u64, limit: Duration) -> Events {
        let mut stream = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
        write!(
            stream,
            "GET {EVENTS_PATH}?since={since} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        let mut ev = Events {
            stream,
            buf: String::new(),
            limit,
        };
        assert!(ev.read_until(|b| b.contains("\r\n\r\n")), "no event stream headers");
        assert!(ev.buf.starts_with("HTTP/1.1 200"), "{}", ev.buf);
        assert!(ev.buf.contains("text/event-stream"), "{}", ev.buf);
        ev.buf = ev.buf.split_once("\r\n\r\n").unwrap().1.to_string();
        ev
    }

    /// Reads until `done` holds for what is buffered; false on a timeout or a closed stream.
    fn read_until(&mut self, done: impl Fn(&str) -> bool) -> bool {
        let start = Instant::now();
        let mut chunk = [0u8; 4096];
        while !done(&self.buf) {
            if start.elapsed() > self.limit {
                return false;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return false,
                Ok(n) => self.buf.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => panic!("event stream: {e}"),
            }
        }
        true
    }

    /// Waits for the next `reload` event and consumes it.
    pub fn reload(&mut self) {
        let got = self.read_until(|b| b.contains("event: reload\ndata: ") && b.contains("\n\n"));
        assert!(got, "no reload event within {:?}; got {:?}", self.limit, self.buf);
        let at = self.buf.find("event: reload").unwrap();
        let end = self.buf[at..].find("\n\n").unwrap() + at + 2;
        self.buf.drain(..end);
    }
}
