//! `bulletin serve` against abusive clients, through the real binary on loopback: request
//! bodies and oversized headers, many open event streams, slow and stalled readers, foreign
//! `Host` names (DNS rebinding), symlinks in static/ that lead out of the site and folders serve
//! cannot read. Every wait is bounded; "answers within" bounds are generous for a loaded
//! machine, yet far below what a blocked server would take.

use crate::harness::http::*;
use crate::harness::SiteTest;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

const SITE_YAML: &str = "title: 测试简报\nbase_url: https://example.org/bulletin/\n";
const ITEM: &str = "content/2022/06/a.md";
const PAGE: &str = "/bulletin/news/2022/06/20/a/";

/// How soon a page must be answered while other clients misbehave.
const PROMPT: Duration = Duration::from_secs(3);

fn item(title: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2022-06-20\nregion: 山东\nslug: a\n---\n本报讯 正文。\n")
}

fn site() -> SiteTest {
    let site = SiteTest::with_config(SITE_YAML);
    site.save(ITEM, &item("第一版标题"));
    site
}

/// A `bulletin serve --port 0` process, killed when dropped.
struct Serving {
    child: Child,
    addr: SocketAddr,
    /// Lines the server prints on stdout.
    lines: Receiver<String>,
}

impl Serving {
    fn start(site: &SiteTest, args: &[&str]) -> Serving {
        Serving::start_as(site, args, None)
    }

    /// [`Serving::start`], as user `uid` when given.
    fn start_as(site: &SiteTest, args: &[&str], uid: Option<u32>) -> Serving {
        let mut command = site.command();
        if let Some(uid) = uid {
            use std::os::unix::process::CommandExt;
            command.uid(uid).gid(uid);
        }
        let mut child = command
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut serving = Serving {
            child,
            addr: "127.0.0.1:0".parse().unwrap(),
            lines,
        };
        let line = serving.line_with("serving at ");
        // `serving at http://127.0.0.1:PORT/bulletin/`, or with --base-url
        // `serving at URL (listening on 127.0.0.1:PORT)`.
        let at = line.rsplit_once("listening on ").map_or(line.as_str(), |(_, a)| a);
        let port = at.rsplit(':').next().unwrap();
        let port: String = port.chars().take_while(char::is_ascii_digit).collect();
        serving.addr.set_port(port.parse().unwrap());
        serving
    }

    /// The next line printed that contains `what`, with every line before it.
    fn lines_until(&self, what: &str) -> Vec<String> {
        let start = Instant::now();
        let mut seen = Vec::new();
        loop {
            let left = LIMIT.saturating_sub(start.elapsed());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no line with {what:?} in {LIMIT:?}; got {seen:?}"));
            let done = line.contains(what);
            seen.push(line);
            if done {
                return seen;
            }
        }
    }

    fn line_with(&self, what: &str) -> String {
        self.lines_until(what).pop().unwrap()
    }

    /// The server's resident memory, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// A GET of the item's page, which must come within [`PROMPT`].
    fn page_answers_promptly(&self, while_: &str) {
        let start = Instant::now();
        let page = get(self.addr, PAGE);
        let took = start.elapsed();
        assert_eq!(page.status, 200, "{while_}");
        assert!(page.body.contains("标题"), "{while_}");
        assert!(took < PROMPT, "the page took {took:?} {while_}");
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` and reads the answer's head, within `limit`.
fn head_of(addr: SocketAddr, request: &[u8], limit: Duration) -> String {
    let mut s = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
    s.set_read_timeout(Some(limit)).unwrap();
    s.write_all(request).unwrap();
    let mut raw = Vec::new();
    let mut chunk = [0u8; 1024];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn a_huge_content_length_is_refused_without_reading_or_allocating_it() {
    let dir = site();
    let serve = Serving::start(&dir, &[]);
    let addr = serve.addr;
    let before = serve.rss_kib();
    for (method, length) in [("POST", "1099511627776"), ("GET", "4294967296"), ("PUT", "2147483647")] {
        let start = Instant::now();
        // The body never comes: an answer must not wait for it.
        let request = format!("{method} /bulletin/ HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {length}\r\n\r\nabc");
        let head = head_of(addr, request.as_bytes(), LIMIT);
        assert!(head.starts_with("HTTP/1.1 413"), "{method} of {length} bytes: {head}");
        assert!(start.elapsed() < PROMPT, "413 took {:?}", start.elapsed());
    }
    let chunked = format!("POST /bulletin/ HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n");
    let head = head_of(addr, chunked.as_bytes(), LIMIT);
    assert!(head.starts_with("HTTP/1.1 413"), "chunked: {head}");
    let grown = serve.rss_kib().saturating_sub(before);
    assert!(grown < 64 * 1024, "memory grew by {grown} KiB");
    serve.page_answers_promptly("after refused bodies");
}

#[test]
fn oversized_request_headers_are_refused() {
    let dir = site();
    let serve = Serving::start(&dir, &[]);
    let addr = serve.addr;
    let many: String = (0..200).map(|i| format!("X-Filler-{i}: x\r\n")).collect();
    let head = head_of(
        addr,
        format!("GET /bulletin/ HTTP/1.1\r\nHost: {addr}\r\n{many}\r\n").as_bytes(),
        LIMIT,
    );
    assert!(head.starts_with("HTTP/1.1 431"), "200 headers: {head}");
    let long = "x".repeat(64 * 1024);
    let head = head_of(
        addr,
        format!("GET /bulletin/ HTTP/1.1\r\nHost: {addr}\r\nCookie: {long}\r\n\r\n").as_bytes(),
        LIMIT,
    );
    assert!(head.starts_with("HTTP/1.1 431"), "a 64 KiB header: {head}");
    serve.page_answers_promptly("after oversized headers");
}

#[test]
fn a_hundred_and_twenty_event_streams_leave_pages_answered_and_all_hear_the_reload() {
    let dir = site();
    let serve = Serving::start(&dir, &[]);
    let addr = serve.addr;
    let first = get(addr, PAGE);
    let mut streams: Vec<Events> = (0..120).map(|_| Events::connect(addr, since(&first.body))).collect();
    serve.page_answers_promptly("with 120 event streams open");
    dir.save(ITEM, &item("保存后的标题"));
    for stream in &mut streams {
        stream.reload();
    }
    assert!(get(addr, PAGE).body.contains("保存后的标题"));
}

#[test]
fn slow_readers_of_a_large_file_do_not_hold_up_other_pages_and_stalled_ones_are_dropped() {
    let dir = site();
    let size = 32 * 1024 * 1024;
    dir.write("static/big.bin", vec![7u8; size]);
    let serve = Serving::start(&dir, &[]);
    let addr = serve.addr;
    // Eight downloads that take a few bytes and then stall.
    let mut slow: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
            s.set_read_timeout(Some(LIMIT)).unwrap();
            write!(s, "GET /bulletin/big.bin HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
            let mut first = [0u8; 16];
            s.read_exact(&mut first).unwrap();
            assert_eq!(&first[..12], b"HTTP/1.1 200");
            s
        })
        .collect();
    for _ in 0..3 {
        serve.page_answers_promptly("while eight downloads stall");
    }
    // Past the write timeout (10 s) the server gives up on them: a reader that wakes up gets
    // what was already in flight, then the end, never the whole file.
    std::thread::sleep(Duration::from_secs(12));
    let mut got = 0;
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        match slow[0].read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    assert!(got < size, "a stalled download was kept open ({got} bytes read)");
    slow.clear();
    serve.page_answers_promptly("after the stalled downloads");
}

#[test]
fn a_foreign_host_is_refused_and_loopback_names_are_served() {
    let dir = site();
    let serve = Serving::start(&dir, &[]);
    let addr = serve.addr;
    let port = addr.port();
    let ask = |host: &str, target: &str| {
        send(
            addr,
            format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
    ] {
        let r = ask(&host, "/bulletin/");
        assert_eq!(r.status, 421, "{host}");
        assert!(
            r.body.contains("localhost"),
            "{host}: the refusal says which names work"
        );
        assert!(!r.body.contains("标题"), "{host}");
        assert_eq!(
            ask(&host, &format!("{EVENTS}?since=0")).status,
            421,
            "{host}: event stream"
        );
    }
    // An absolute target names its host itself.
    let absolute = ask(&format!("localhost:{port}"), "http://evil.example/bulletin/");
    assert_eq!(absolute.status, 421);
    for host in [
        format!("localhost:{port}"),
        "localhost".into(),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = ask(&host, PAGE);
        assert_eq!(r.status, 200, "{host}");
        assert!(r.body.contains("第一版标题"), "{host}");
    }
    let no_host = send(addr, b"GET /bulletin/ HTTP/1.0\r\n\r\n");
    assert_eq!(no_host.status, 400);
}

const EVENTS: &str = bulletin::serve::EVENTS_PATH;

#[test]
fn the_host_of_base_url_is_served_and_linked() {
    let dir = site();
    let serve = Serving::start(&dir, &["--base-url", "http://preview.example/news/"]);
    let r = send(
        serve.addr,
        b"GET /news/news/2022/06/20/a/ HTTP/1.1\r\nHost: preview.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("http://preview.example/news/"), "links use --base-url");
    let other = send(
        serve.addr,
        b"GET /news/ HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(other.status, 421);
}

/// A link in static/ that leads outside the site is refused by the build (render::theme): the
/// preview names it, serves nothing from out there, and its watcher does not follow it; once
/// the link is gone, the site is served again.
#[test]
fn a_symlink_in_static_to_a_folder_outside_is_neither_served_nor_watched() {
    let dir = site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "root:x:0:0").unwrap();
    std::fs::create_dir_all(dir.root().join("static")).unwrap();
    dir.write("static/own.txt", "own file");
    let (folder_link, file_link) = (dir.root().join("static/outside"), dir.root().join("static/secret.txt"));
    std::os::unix::fs::symlink(outside.path(), &folder_link).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), &file_link).unwrap();
    let serve = Serving::start(&dir, &[]);
    let addr = serve.addr;
    let first = get(addr, PAGE);
    assert_eq!(first.status, 503, "the build refuses the links");
    assert!(first.body.contains("symlink leads outside the site"), "{}", first.body);
    for path in [
        "/bulletin/outside/secret.txt",
        "/bulletin/secret.txt",
        "/bulletin/outside/",
    ] {
        let r = get(addr, path);
        assert_ne!(r.status, 200, "{path}");
        assert!(!r.body.contains("root:x"), "{path} served a file outside the site");
    }
    // A change out there is none of the site's business; removing the links reloads.
    let mut events = Events::connect(addr, since(&first.body));
    std::fs::write(outside.path().join("secret.txt"), "changed").unwrap();
    std::fs::create_dir(outside.path().join("new")).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    std::fs::remove_file(&folder_link).unwrap();
    std::fs::remove_file(&file_link).unwrap();
    events.reload();
    assert_eq!(get(addr, "/bulletin/own.txt").status, 200);
    assert_eq!(get(addr, "/bulletin/secret.txt").status, 404);
    assert_eq!(get(addr, PAGE).status, 200);
    // The first rebuild is the one for the links' removal, not one for a file out there.
    let rebuilt = serve.line_with("after ");
    assert!(
        !rebuilt.contains("outside/") && !rebuilt.contains("new"),
        "the watcher followed the symlink: {rebuilt}"
    );
}

#[test]
fn a_folder_serve_cannot_read_leaves_live_reload_of_the_rest_working() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = site();
    dir.write("static/private/key.txt", "secret");
    dir.write("static/open/a.txt", "open");
    // Root reads everything: then serve runs as nobody (65534), which may read the site but
    // not the private folder.
    let root_user = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    if root_user {
        for entry in walkdir::WalkDir::new(dir.root()) {
            let entry = entry.unwrap();
            let mode = if entry.file_type().is_dir() { 0o777 } else { 0o666 };
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    let private = dir.root().join("static/private");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o000)).unwrap();
    let serve = Serving::start_as(&dir, &[], root_user.then_some(65534));
    let addr = serve.addr;
    // A folder the build cannot read is an error that names it (a published site would miss
    // its files): the preview says so and serves nothing of it.
    let first = get(addr, PAGE);
    assert_eq!(first.status, 503, "the build reports the unreadable folder");
    assert!(first.body.contains("static/private"), "{}", first.body);
    assert_ne!(get(addr, "/bulletin/private/key.txt").status, 200);
    // The rest of the site is still watched: an edit rebuilds and reloads, with the error.
    let mut events = Events::connect(addr, since(&first.body));
    dir.save(ITEM, &item("保存后的标题"));
    events.reload();
    std::fs::write(dir.root().join("static/open/a.txt"), "edited").unwrap();
    events.reload();
    // Readable again: the site is served, with the edits made meanwhile.
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o777)).unwrap();
    events.reload();
    let page = get(addr, PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("保存后的标题"));
    assert_eq!(get(addr, "/bulletin/open/a.txt").body, "edited");
    assert_eq!(get(addr, "/bulletin/private/key.txt").body, "secret");
}
