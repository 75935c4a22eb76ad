//! `bulletin serve`: HTTP mapping, live rebuilds with reload events, the error overlay, path
//! traversal, busy ports, draft marks, and the binary's printed URL. Every wait is bounded
//! (`LIMIT`), so a broken server fails the test instead of hanging it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test on any unexpected error"
)]

use bulletin::serve::{ServeOptions, Server, EVENTS_PATH};
use bulletin::Options;
use chrono::NaiveDate;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);

const SITE_YAML: &str = "\
title: 测试简报
base_url: https://example.org/bulletin/
metrics:
  members_joined: { label: 新入会职工, unit: 人, aggregate: sum }
";

const ITEM: &str = "content/2022/06/a.md";

fn item(title: &str, region: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2022-06-20\nregion: {region}\nslug: a\nfigures:\n  - metric: members_joined\n    value: 120\n---\n本报讯 某市新入会职工120人。\n"
    )
}

/// The line of `region:` in [`item`].
const REGION_LINE: usize = 4;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.yaml"), SITE_YAML).unwrap();
    write(dir.path(), ITEM, &item("第一版标题", "山东"));
    dir
}

/// Writes `rel` under `root` in one step (a rename), as editors' tools often do, so the
/// watcher never sees a half-written file.
fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tmp = root.join(".write.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

fn options(root: &Path) -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2022, 6, 25).unwrap(),
        ..Options::new(root)
    }
}

fn start(opts: Options) -> Server {
    Server::start(ServeOptions::new(opts), "127.0.0.1:0".parse().unwrap()).unwrap()
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A raw HTTP/1.1 GET: the path goes on the wire exactly as given.
fn get(addr: SocketAddr, path: &str) -> Response {
    let mut s = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
    s.set_read_timeout(Some(LIMIT)).unwrap();
    s.set_write_timeout(Some(LIMIT)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// A raw HTTP/1.1 GET with extra request headers; the body as bytes, chunked framing removed.
fn get_bytes(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect_timeout(&addr, LIMIT).unwrap();
    s.set_read_timeout(Some(LIMIT)).unwrap();
    s.set_write_timeout(Some(LIMIT)).unwrap();
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header") + 4;
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut body = raw[end..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let mut plain = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            plain.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = plain;
    }
    (status, head, body)
}

/// The value of header `name` in a response head.
fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Polls `f` until it holds, for at most `LIMIT`.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < LIMIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The generation a page was served at, from its reload script.
fn since(page: &str) -> u64 {
    let at = page.find("since=").expect("the reload script") + "since=".len();
    page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// A Server-Sent Events connection, read with a deadline.
struct Events {
    stream: TcpStream,
    buf: String,
}

impl Events {
    fn connect(addr: SocketAddr, since: u64) -> Events {
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
        };
        assert!(ev.read_until(|b| b.contains("\r\n\r\n")), "no event stream headers");
        assert!(ev.buf.starts_with("HTTP/1.1 200"), "{}", ev.buf);
        assert!(ev.buf.contains("text/event-stream"), "{}", ev.buf);
        ev.buf = ev.buf.split_once("\r\n\r\n").unwrap().1.to_string();
        ev
    }

    fn read_until(&mut self, done: impl Fn(&str) -> bool) -> bool {
        let start = Instant::now();
        let mut chunk = [0u8; 4096];
        while !done(&self.buf) {
            if start.elapsed() > LIMIT {
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
    fn reload(&mut self) {
        let got = self.read_until(|b| b.contains("event: reload\ndata: ") && b.contains("\n\n"));
        assert!(got, "no reload event within {LIMIT:?}; got {:?}", self.buf);
        let at = self.buf.find("event: reload").unwrap();
        let end = self.buf[at..].find("\n\n").unwrap() + at + 2;
        self.buf.drain(..end);
    }
}

#[test]
fn serves_the_site_under_its_base_path() {
    let dir = site();
    let server = start(options(dir.path()));
    let addr = server.addr();
    assert_ne!(addr.port(), 0);
    assert_eq!(server.url(), format!("http://{addr}/bulletin/"));

    let r = get(addr, "/");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("Location"), Some("/bulletin/"));

    let home = get(addr, "/bulletin/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(home.body.contains("测试简报"));
    // The reload script, before </body>, only in serve mode.
    let script = home.body.find(EVENTS_PATH).unwrap();
    assert!(script < home.body.rfind("</body>").unwrap());
    assert!(!home.body.contains("bulletin-errors"));

    let page = get(addr, "/bulletin/news/2022/06/20/a/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("第一版标题"));
    // Absolute links point at the preview, not at the real site.
    assert!(page.body.contains(&format!("http://{addr}/bulletin/")));
    let folder = get(addr, "/bulletin/news/2022/06/20/a");
    assert_eq!(folder.status, 302);
    assert_eq!(folder.header("Location"), Some("/bulletin/news/2022/06/20/a/"));

    let missing = get(addr, "/bulletin/no/such/page/");
    assert_eq!(missing.status, 404);
    let not_found = get(addr, "/bulletin/404.html");
    assert_eq!(not_found.status, 200);
    assert_eq!(missing.body, not_found.body, "a 404 serves the site's 404.html");
    assert_eq!(get(addr, "/elsewhere/").status, 404);

    let feed = get(addr, "/bulletin/atom.xml");
    assert_eq!(feed.status, 200);
    assert_eq!(feed.header("Content-Type"), Some("application/xml; charset=utf-8"));
    assert!(!feed.body.contains(EVENTS_PATH), "no script outside HTML");
    assert_eq!(
        get(addr, "/bulletin/robots.txt").header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    let stats = get(addr, "/bulletin/stats/stats.json");
    assert_eq!(stats.status, 200);
    assert_eq!(stats.header("Content-Type"), Some("application/json; charset=utf-8"));

    assert!(!dir.path().join("public").exists(), "serving never writes the output");
    server.stop();
    eventually("the port to close", || {
        TcpStream::connect_timeout(&addr, LIMIT).is_err()
    });
}

#[test]
fn path_traversal_is_refused() {
    let dir = site();
    let server = start(options(dir.path()));
    let addr = server.addr();
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/bulletin/../../etc/passwd",
        "/bulletin/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/bulletin/..%2f..%2f..%2fetc%2fpasswd",
        "/bulletin/%5c..%5c..%5cetc%5cpasswd",
        "/bulletin/..\\..\\etc\\passwd",
        "//etc/passwd",
        "/bulletin//etc/passwd",
        "/bulletin/%00",
        "/bulletin/C:/Windows/win.ini",
        "/bulletin/%2e%2e/site.yaml",
        "/bulletin/content/2022/06/a.md",
    ] {
        let r = get(addr, path);
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        assert!(!r.body.contains("root:"), "{path} served a system file");
        assert!(!r.body.contains("base_url:"), "{path} served site.yaml");
        assert!(!r.body.contains("slug: a"), "{path} served a source file");
    }
    server.stop();
}

#[test]
fn edits_rebuild_reload_and_errors_show_over_the_last_good_site() {
    let dir = site();
    let root = dir.path();
    let server = start(options(root));
    let addr = server.addr();
    let url = "/bulletin/news/2022/06/20/a/";
    let first = get(addr, url);
    let mut events = Events::connect(addr, since(&first.body));

    // An edit: rebuilt, every open page told to reload.
    write(root, ITEM, &item("第二版标题", "山东"));
    events.reload();
    eventually("the edited title", || get(addr, url).body.contains("第二版标题"));

    // A mistake: the last good site stays, with the problem (file:line) over every page.
    write(root, ITEM, &item("第三版标题", "火星"));
    events.reload();
    let place = format!("{ITEM}:{REGION_LINE}:");
    eventually("the error overlay", || {
        let page = get(addr, url);
        page.status == 200 && page.body.contains("id=\"bulletin-errors\"") && page.body.contains(&place)
    });
    let page = get(addr, url);
    assert!(page.body.contains("第二版标题"), "the last good page is still served");
    assert!(page.body.contains("unknown region `火星`"));
    let overlay = page.body.find("bulletin-errors").unwrap();
    assert!(overlay < page.body.rfind("</body>").unwrap());
    let home = get(addr, "/bulletin/");
    assert!(home.body.contains(&place), "every HTML page shows the problems");
    let missing = get(addr, "/bulletin/no/such/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains(&place));

    // Fixed: the overlay is gone and the new text shows.
    write(root, ITEM, &item("第四版标题", "山东"));
    events.reload();
    eventually("the overlay to clear", || {
        let page = get(addr, url);
        page.body.contains("第四版标题") && !page.body.contains("bulletin-errors")
    });

    // A page served before a build ended is told at once that it is out of date.
    let mut late = Events::connect(addr, since(&first.body));
    late.reload();
    server.stop();
}

#[test]
fn a_change_that_alters_no_page_reloads_nothing() {
    let dir = site();
    let root = dir.path();
    let server = start(options(root));
    let addr = server.addr();
    let url = "/bulletin/news/2022/06/20/a/";
    let first = get(addr, url);
    let mut events = Events::connect(addr, since(&first.body));
    // An editor's scratch file beside the item: a rebuild, but no page changes, so no reload
    // (one would make the page reload before the save that follows).
    std::fs::write(root.join("content/2022/06/a.md.tmp"), "草稿").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    write(root, ITEM, &item("保存后的标题", "山东"));
    events.reload();
    assert!(
        get(addr, url).body.contains("保存后的标题"),
        "the first reload after the save shows the saved page"
    );
    server.stop();
}

#[test]
fn diagnostics_in_the_overlay_are_escaped() {
    let dir = site();
    let root = dir.path();
    let server = start(options(root));
    let addr = server.addr();
    let mut events = Events::connect(addr, server.generation());
    write(root, ITEM, &item("标题", "<script>alert(1)</script>"));
    events.reload();
    eventually("the error overlay", || {
        get(addr, "/bulletin/").body.contains("bulletin-errors")
    });
    let page = get(addr, "/bulletin/").body;
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<script>alert(1)"));
    server.stop();
}

#[test]
fn a_site_that_never_built_shows_its_problems_until_fixed() {
    let dir = site();
    let root = dir.path();
    write(root, ITEM, &item("标题", "火星"));
    let server = start(options(root));
    let addr = server.addr();
    let r = get(addr, "/bulletin/");
    assert_eq!(r.status, 503);
    assert!(r.body.contains(&format!("{ITEM}:{REGION_LINE}:")));
    assert!(r.body.contains(EVENTS_PATH));
    write(root, ITEM, &item("修好了", "山东"));
    eventually("the site to build", || {
        get(addr, "/bulletin/news/2022/06/20/a/").status == 200
    });
    assert!(get(addr, "/bulletin/").body.contains("修好了"));
    server.stop();
}

#[test]
fn new_folders_and_site_yaml_are_watched() {
    let dir = site();
    let root = dir.path();
    let server = start(options(root));
    let addr = server.addr();
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/404.html"), "<html><body>自定义404</body></html>").unwrap();
    eventually("a rebuild after templates/ appears", || {
        get(addr, "/bulletin/nowhere/").body.contains("自定义404")
    });
    // Later edits inside the new folder are seen too.
    write(root, "templates/404.html", "<html><body>再改404</body></html>");
    eventually("the edited template", || {
        get(addr, "/bulletin/nowhere/").body.contains("再改404")
    });
    write(root, "site.yaml", &SITE_YAML.replace("测试简报", "改名简报"));
    eventually("the new title", || get(addr, "/bulletin/").body.contains("改名简报"));
    server.stop();
}

#[test]
fn drafts_and_scheduled_items_carry_a_mark() {
    let dir = site();
    let root = dir.path();
    write(
        root,
        "content/2022/06/draft.md",
        "---\ntitle: 草稿稿件\ndate: 2022-06-21\nregion: 山东\nslug: draft\ndraft: true\n---\n正文。\n",
    );
    write(
        root,
        "content/2022/07/later.md",
        "---\ntitle: 以后的稿件\ndate: 2022-07-01\nregion: 山东\nslug: later\n---\n正文。\n",
    );
    let plain = start(options(root));
    assert_eq!(get(plain.addr(), "/bulletin/news/2022/06/21/draft/").status, 404);
    assert_eq!(get(plain.addr(), "/bulletin/news/2022/07/01/later/").status, 404);
    plain.stop();

    let all = start(Options {
        drafts: true,
        future: true,
        ..options(root)
    });
    let draft = get(all.addr(), "/bulletin/news/2022/06/21/draft/");
    assert_eq!(draft.status, 200);
    assert!(
        draft.body.contains("badge-draft") && draft.body.contains("草稿"),
        "{}",
        draft.body
    );
    let later = get(all.addr(), "/bulletin/news/2022/07/01/later/");
    assert_eq!(later.status, 200);
    assert!(later.body.contains("badge-scheduled") && later.body.contains("定时"));
    all.stop();
}

#[test]
fn a_busy_port_moves_to_the_next_one() {
    let dir = site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap();
    let server = Server::start(ServeOptions::new(options(dir.path())), busy).unwrap();
    // Other tests running alongside may hold the ports just above, too.
    assert_eq!(server.skipped_ports().first(), Some(&busy.port()));
    assert!(server.addr().port() > busy.port() && server.addr().port() <= busy.port() + 10);
    assert_eq!(get(server.addr(), "/bulletin/").status, 200);
    server.stop();

    let mut no_retry = ServeOptions::new(options(dir.path()));
    no_retry.port_attempts = 0;
    let err = Server::start(no_retry, busy).unwrap_err();
    assert!(err.iter().any(|d| d.message.contains("in use")), "{err:?}");
}

#[test]
fn a_folder_without_site_yaml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Server::start(ServeOptions::new(options(dir.path())), "127.0.0.1:0".parse().unwrap()).unwrap_err();
    assert!(err.iter().any(|d| d.path == Path::new("site.yaml")), "{err:?}");
}

/// Kills the child when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_its_url_and_serves() {
    let dir = site();
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["serve", "--port", "0", "--root"])
            .arg(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let url = loop {
        let left = LIMIT.saturating_sub(start.elapsed());
        let line = rx.recv_timeout(left).expect("the server to print its URL");
        if let Some(at) = line.find("http://") {
            break line[at..].trim().to_string();
        }
    };
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    assert_eq!(path, "/bulletin/");
    let addr: SocketAddr = host.parse().unwrap();
    assert!(addr.ip().is_loopback());
    let home = get(addr, path);
    assert_eq!(home.status, 200);
    assert!(home.body.contains("测试简报"));
}

#[test]
fn range_requests_get_the_bytes_asked_for() {
    let dir = site();
    // 40,000 bytes, more than one chunk of a whole-file answer.
    let data: Vec<u8> = (0..40_000u32).map(|i| (i * 7 % 251).to_le_bytes()[0]).collect();
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    std::fs::write(dir.path().join("static/data.bin"), &data).unwrap();
    let server = start(options(dir.path()));
    let addr = server.addr();
    let url = "/bulletin/data.bin";

    let (status, head, body) = get_bytes(addr, url, &[]);
    assert_eq!(status, 200);
    assert_eq!(header_of(&head, "Accept-Ranges"), Some("bytes"));
    assert_eq!(body, data);

    let part = |range: &str| get_bytes(addr, url, &[("Range", range)]);
    for (range, first, last) in [
        ("bytes=100-199", 100, 199),
        ("bytes=39990-", 39_990, 39_999),
        ("bytes=-5", 39_995, 39_999),
        ("bytes=39000-99999", 39_000, 39_999),
        ("bytes=0-0", 0, 0),
    ] {
        let (status, head, body) = part(range);
        assert_eq!(status, 206, "{range}");
        assert_eq!(
            header_of(&head, "Content-Range"),
            Some(format!("bytes {first}-{last}/40000").as_str()),
            "{range}"
        );
        assert_eq!(header_of(&head, "Accept-Ranges"), Some("bytes"));
        assert_eq!(header_of(&head, "Content-Type"), Some("application/octet-stream"));
        assert_eq!(body, data[first..=last], "{range}");
    }

    for range in ["bytes=40000-", "bytes=50000-60000", "bytes=-0"] {
        let (status, head, _) = part(range);
        assert_eq!(status, 416, "{range}");
        assert_eq!(header_of(&head, "Content-Range"), Some("bytes */40000"), "{range}");
    }

    // Several ranges, a malformed one, or an If-Range serve wouldn't check: the whole file.
    for range in ["bytes=0-1, 5-6", "bytes=oops", "bytes=9-3", "lines=1-2"] {
        let (status, head, body) = part(range);
        assert_eq!(status, 200, "{range}");
        assert_eq!(header_of(&head, "Content-Range"), None, "{range}");
        assert_eq!(body, data, "{range}");
    }
    let (status, _, body) = get_bytes(addr, url, &[("Range", "bytes=0-9"), ("If-Range", "\"x\"")]);
    assert_eq!((status, body.len()), (200, data.len()));

    // A search document pack, as the search page fetches it.
    let pack_url = "/bulletin/search/docs/0.json";
    let (status, _, pack) = get_bytes(addr, pack_url, &[]);
    assert_eq!(status, 200);
    let (status, _, first) = get_bytes(addr, pack_url, &[("Range", "bytes=0-9")]);
    assert_eq!((status, first.as_slice()), (206, &pack[..10]));
    server.stop();
}

#[test]
fn resized_lead_images_are_served() {
    let dir = site();
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(600, 400, image::Rgb([200, 30, 30])))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(dir.path().join("content/2022/06/a.png"), &png).unwrap();
    let text = item("第一版标题", "山东").replacen("slug: a\n", "slug: a\nimage: a.png\nimage_alt: 红色\n", 1);
    write(dir.path(), ITEM, &text);
    let server = start(options(dir.path()));
    let addr = server.addr();
    let page = get(addr, "/bulletin/news/2022/06/20/a/");
    let at = page.body.find("srcset=\"").expect("a srcset") + "srcset=\"".len();
    let set = &page.body[at..at + page.body[at..].find('"').unwrap()];
    let candidates: Vec<&str> = set.split(", ").collect();
    assert_eq!(candidates.len(), 2, "{set}");
    for c in candidates {
        let (url, _) = c.rsplit_once(' ').unwrap();
        let url = url.replace("&#x2F;", "/");
        let (status, head, body) = get_bytes(addr, &url, &[]);
        assert_eq!(status, 200, "{url}");
        assert_eq!(header_of(&head, "Content-Type"), Some("image/png"));
        let img = image::load_from_memory(&body).unwrap();
        assert!(c.ends_with(&format!(" {}w", img.width())), "{c}");
    }
    server.stop();
}
