//! `bulletin serve`: HTTP mapping, live rebuilds with reload events, the error overlay, path
//! traversal, busy ports, draft marks, and the binary's printed URL. Every wait is bounded
//! (`harness::http::LIMIT`), so a broken server fails the test instead of hanging it.

use crate::harness::http::*;
use crate::harness::SiteTest;
use bulletin::serve::{ServeOptions, Server, EVENTS_PATH};
use bulletin::Options;
use chrono::NaiveDate;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

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

/// The test site: [`SITE_YAML`] and one item, [`ITEM`], on 2022-06-25 (so that an item of
/// 2022-07-01 is scheduled).
fn site() -> SiteTest {
    let mut site = SiteTest::with_config(SITE_YAML);
    site.opts.today = NaiveDate::from_ymd_opt(2022, 6, 25).unwrap();
    site.save(ITEM, &item("第一版标题", "山东"));
    site
}

fn start(opts: Options) -> Server {
    Server::start(ServeOptions::new(opts), "127.0.0.1:0".parse().unwrap()).unwrap()
}

#[test]
fn serves_the_site_under_its_base_path() {
    let dir = site();
    let server = start(dir.opts.clone());
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

    assert!(!dir.root().join("public").exists(), "serving never writes the output");
    server.stop();
    eventually("the port to close", || {
        TcpStream::connect_timeout(&addr, LIMIT).is_err()
    });
}

#[test]
fn path_traversal_is_refused() {
    let dir = site();
    let server = start(dir.opts.clone());
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
    let server = start(dir.opts.clone());
    let addr = server.addr();
    let url = "/bulletin/news/2022/06/20/a/";
    let first = get(addr, url);
    let mut events = Events::connect(addr, since(&first.body));

    // An edit: rebuilt, every open page told to reload.
    dir.save(ITEM, &item("第二版标题", "山东"));
    events.reload();
    eventually("the edited title", || get(addr, url).body.contains("第二版标题"));

    // A mistake: the last good site stays, with the problem (file:line) over every page.
    dir.save(ITEM, &item("第三版标题", "火星"));
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
    dir.save(ITEM, &item("第四版标题", "山东"));
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
    let server = start(dir.opts.clone());
    let addr = server.addr();
    let url = "/bulletin/news/2022/06/20/a/";
    let first = get(addr, url);
    let mut events = Events::connect(addr, since(&first.body));
    // An editor's scratch file beside the item: a rebuild, but no page changes, so no reload
    // (one would make the page reload before the save that follows).
    std::fs::write(dir.root().join("content/2022/06/a.md.tmp"), "草稿").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    dir.save(ITEM, &item("保存后的标题", "山东"));
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
    let server = start(dir.opts.clone());
    let addr = server.addr();
    let mut events = Events::connect(addr, server.generation());
    dir.save(ITEM, &item("标题", "<script>alert(1)</script>"));
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
    dir.save(ITEM, &item("标题", "火星"));
    let server = start(dir.opts.clone());
    let addr = server.addr();
    let r = get(addr, "/bulletin/");
    assert_eq!(r.status, 503);
    assert!(r.body.contains(&format!("{ITEM}:{REGION_LINE}:")));
    assert!(r.body.contains(EVENTS_PATH));
    dir.save(ITEM, &item("修好了", "山东"));
    eventually("the site to build", || {
        get(addr, "/bulletin/news/2022/06/20/a/").status == 200
    });
    assert!(get(addr, "/bulletin/").body.contains("修好了"));
    server.stop();
}

#[test]
fn new_folders_and_site_yaml_are_watched() {
    let dir = site();
    let server = start(dir.opts.clone());
    let addr = server.addr();
    std::fs::create_dir(dir.root().join("templates")).unwrap();
    std::fs::write(
        dir.root().join("templates/404.html"),
        "<html><body>自定义404</body></html>",
    )
    .unwrap();
    eventually("a rebuild after templates/ appears", || {
        get(addr, "/bulletin/nowhere/").body.contains("自定义404")
    });
    // Later edits inside the new folder are seen too.
    dir.save("templates/404.html", "<html><body>再改404</body></html>");
    eventually("the edited template", || {
        get(addr, "/bulletin/nowhere/").body.contains("再改404")
    });
    dir.save("site.yaml", &SITE_YAML.replace("测试简报", "改名简报"));
    eventually("the new title", || get(addr, "/bulletin/").body.contains("改名简报"));
    server.stop();
}

#[test]
fn drafts_and_scheduled_items_carry_a_mark() {
    let dir = site();
    dir.save(
        "content/2022/06/draft.md",
        "---\ntitle: 草稿稿件\ndate: 2022-06-21\nregion: 山东\nslug: draft\ndraft: true\n---\n正文。\n",
    );
    dir.save(
        "content/2022/07/later.md",
        "---\ntitle: 以后的稿件\ndate: 2022-07-01\nregion: 山东\nslug: later\n---\n正文。\n",
    );
    let plain = start(dir.opts.clone());
    assert_eq!(get(plain.addr(), "/bulletin/news/2022/06/21/draft/").status, 404);
    assert_eq!(get(plain.addr(), "/bulletin/news/2022/07/01/later/").status, 404);
    plain.stop();

    let all = start(Options {
        drafts: true,
        future: true,
        ..dir.opts.clone()
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
    let server = Server::start(ServeOptions::new(dir.opts.clone()), busy).unwrap();
    // Other tests running alongside may hold the ports just above, too.
    assert_eq!(server.skipped_ports().first(), Some(&busy.port()));
    assert!(server.addr().port() > busy.port() && server.addr().port() <= busy.port() + 10);
    assert_eq!(get(server.addr(), "/bulletin/").status, 200);
    server.stop();

    let mut no_retry = ServeOptions::new(dir.opts.clone());
    no_retry.port_attempts = 0;
    let err = Server::start(no_retry, busy).unwrap_err();
    assert!(err.iter().any(|d| d.message.contains("in use")), "{err:?}");
}

#[test]
fn a_folder_without_site_yaml_is_refused() {
    let dir = SiteTest::empty();
    let err = Server::start(ServeOptions::new(dir.opts.clone()), "127.0.0.1:0".parse().unwrap()).unwrap_err();
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
        dir.command()
            .args(["serve", "--port", "0"])
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
    std::fs::create_dir_all(dir.root().join("static")).unwrap();
    std::fs::write(dir.root().join("static/data.bin"), &data).unwrap();
    let server = start(dir.opts.clone());
    let addr = server.addr();
    let url = "/bulletin/data.bin";

    let Response {
        status,
        head,
        bytes: body,
        ..
    } = get_with(addr, url, &[]);
    assert_eq!(status, 200);
    assert_eq!(header_of(&head, "Accept-Ranges"), Some("bytes"));
    assert_eq!(body, data);

    let part = |range: &str| get_with(addr, url, &[("Range", range)]);
    for (range, first, last) in [
        ("bytes=100-199", 100, 199),
        ("bytes=39990-", 39_990, 39_999),
        ("bytes=-5", 39_995, 39_999),
        ("bytes=39000-99999", 39_000, 39_999),
        ("bytes=0-0", 0, 0),
    ] {
        let Response {
            status,
            head,
            bytes: body,
            ..
        } = part(range);
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
        let Response { status, head, .. } = part(range);
        assert_eq!(status, 416, "{range}");
        assert_eq!(header_of(&head, "Content-Range"), Some("bytes */40000"), "{range}");
    }

    // Several ranges, a malformed one, or an If-Range serve wouldn't check: the whole file.
    for range in ["bytes=0-1, 5-6", "bytes=oops", "bytes=9-3", "lines=1-2"] {
        let Response {
            status,
            head,
            bytes: body,
            ..
        } = part(range);
        assert_eq!(status, 200, "{range}");
        assert_eq!(header_of(&head, "Content-Range"), None, "{range}");
        assert_eq!(body, data, "{range}");
    }
    let Response {
        status, bytes: body, ..
    } = get_with(addr, url, &[("Range", "bytes=0-9"), ("If-Range", "\"x\"")]);
    assert_eq!((status, body.len()), (200, data.len()));

    // A search document pack, as the search page fetches it.
    let pack_url = "/bulletin/search/docs/0.json";
    let Response {
        status, bytes: pack, ..
    } = get_with(addr, pack_url, &[]);
    assert_eq!(status, 200);
    let Response {
        status, bytes: first, ..
    } = get_with(addr, pack_url, &[("Range", "bytes=0-9")]);
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
    std::fs::write(dir.root().join("content/2022/06/a.png"), &png).unwrap();
    let text = item("第一版标题", "山东").replacen("slug: a\n", "slug: a\nimage: a.png\nimage_alt: 红色\n", 1);
    dir.save(ITEM, &text);
    let server = start(dir.opts.clone());
    let addr = server.addr();
    let page = get(addr, "/bulletin/news/2022/06/20/a/");
    let at = page.body.find("srcset=\"").expect("a srcset") + "srcset=\"".len();
    let set = &page.body[at..at + page.body[at..].find('"').unwrap()];
    let candidates: Vec<&str> = set.split(", ").collect();
    assert_eq!(candidates.len(), 2, "{set}");
    for c in candidates {
        let (url, _) = c.rsplit_once(' ').unwrap();
        let url = url.replace("&#x2F;", "/");
        let Response {
            status,
            head,
            bytes: body,
            ..
        } = get_with(addr, &url, &[]);
        assert_eq!(status, 200, "{url}");
        assert_eq!(header_of(&head, "Content-Type"), Some("image/png"));
        let img = image::load_from_memory(&body).unwrap();
        assert!(c.ends_with(&format!(" {}w", img.width())), "{c}");
    }
    server.stop();
}
