//! The newsroom workflow (issue #17): the review gate (`review: required`, 三审), the units that
//! send items (报送单位) and their contributions page `/stats/units/`, and photos with captions,
//! credits and galleries. The fixture `newsroom` has four published items from three listed
//! units (one with a hostile name), two items waiting for their 终审 (one with 初审 and 复审
//! signed, one never sent), a draft, a captioned lead image and a three-picture gallery.
//!
//! Counts by hand, published items only (the pending ones are 莱西 and 青岛 in June):
//!
//! | unit | 2022-05 | 2022-06 | all |
//! |---|---|---|---|
//! | 莱西市总工会 | 1 | 1 | 2 |
//! | 青岛市总工会 | 1 | 0 | 1 |
//! | the hostile 建设工会 | 0 | 1 | 1 |

use crate::harness::http::get;
use crate::harness::*;
use bulletin::serve::rebuild::{Changes, Rebuilder};
use scraper::Html;

const BASE: &str = "/newsroom/";
const LAIXI: &str = "莱西市总工会";
const QINGDAO: &str = "青岛市总工会";
const HOSTILE_UNIT: &str = "<script>alert('u')</script>建设&\"工会\"";
const HOSTILE_CAPTION: &str = "<script>alert('c')</script>环卫工人在驿站休息 & \"喝水\"";
const CREDIT: &str = "本报通讯员 戚良鹏 张婷 摄";
const REVIEWERS: [&str; 3] = ["张审一", "李审二", "王终审"];
const PENDING: [(&str, &str); 2] = [
    ("/news/2022/06/06/daishen/", "待审稿件送审中"),
    ("/news/2022/06/07/weisongshen/", "未送审稿件"),
];
const LEAD: &str = "/news/2022/05/10/laixi-yizhan/";
const GALLERY: &str = "/news/2022/06/03/laixi-tupian/";

/// The fixture, a whole site with its pictures (the harness's test pictures, so that the site
/// builds on its own too, as CI's HTML check builds it): a 1200×800 JPEG lead image, a gallery
/// of a 1600×900 JPEG and a 400×300 JPEG under static/ and a 1000×600 PNG beside its item.
pub(crate) fn newsroom() -> SiteTest {
    let site = SiteTest::fixture("newsroom");
    for (rel, picture) in [
        ("static/photos/yizhan.jpg", jpeg(1200, 800)),
        ("static/photos/run.jpg", jpeg(1600, 900)),
        ("static/photos/prize.jpg", jpeg(400, 300)),
        ("content/2022/06/tug.png", png(1000, 600)),
    ] {
        let found = std::fs::read(site.root().join(rel)).unwrap_or_default();
        assert!(
            found == picture,
            "tests/fixtures/newsroom/{rel} is not the test picture"
        );
    }
    site
}

/// `/news/…/` under the base path.
fn at(path: &str) -> String {
    format!("{}{}", BASE.trim_end_matches('/'), path)
}

/// Every output file as text (binary files lossily), by path.
fn all_text(site: &SiteTest) -> Vec<(String, String)> {
    site.output_files()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect()
}

/// The rows of the table in `section#id` of the units page: (rank, unit, the last cell).
fn ranking(page: &Html, id: &str) -> Vec<(String, String, String)> {
    let rows = sel(&format!("section#{id} tbody tr"));
    let cell = sel("td, th");
    page.select(&rows)
        .map(|tr| {
            let cells: Vec<String> = tr
                .select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            (cells[0].clone(), cells[1].clone(), cells[cells.len() - 1].clone())
        })
        .collect()
}

/// Parses CSV per RFC 4180 (quoted cells with `""` for a quote), dropping the BOM.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

// ------------------------------------------------------------------ the review gate

#[test]
fn an_item_without_its_final_review_is_in_no_output() {
    let site = newsroom();
    let b = site.build();
    assert_eq!(b.items, 4, "four items are signed off");
    for (path, _) in PENDING {
        assert!(!site.exists(path), "{path} was published");
    }
    for (file, text) in all_text(&site) {
        for (path, title) in PENDING {
            assert!(!text.contains(title), "{file} names the pending item {title}");
            let slug = path.trim_end_matches('/').rsplit('/').next().unwrap();
            assert!(!text.contains(&format!("/{slug}/")), "{file} links the pending item");
        }
    }
    // Not counted either: the pending item's 999 would make 1119.
    assert_eq!(total(&site.stats_json(), "members_joined"), n("120", false));
    // Nor in the model every page is made from (search, sitemap, feeds, exports).
    let loaded = bulletin::load(&site.opts).unwrap();
    let titles: Vec<&str> = loaded
        .site
        .entries
        .iter()
        .map(|e| e.item.headline.title.as_str())
        .collect();
    assert!(
        !titles.contains(&"待审稿件送审中") && !titles.contains(&"未送审稿件"),
        "{titles:?}"
    );
}

#[test]
fn check_names_every_pending_item_at_its_review_line_and_passes() {
    let site = newsroom();
    let run = site.run(&["check"]);
    run.expect_status(0);
    let pending: Vec<Diag> = run.diags().into_iter().filter(|d| d.message.contains("待审")).collect();
    let places: Vec<(&str, usize, usize, &str)> = pending
        .iter()
        .map(|d| (d.path.as_str(), d.line, d.column, d.severity.as_str()))
        .collect();
    // daishen.md's `review:` is on line 7; weisongshen.md has none: its front matter's first line.
    // The draft is not waiting for review.
    assert_eq!(
        places,
        [
            ("content/2022/06/daishen.md", 7, 1, "warning"),
            ("content/2022/06/weisongshen.md", 1, 1, "warning"),
        ],
        "{}",
        run.stderr
    );
    assert!(
        pending[0].message.contains("初审 张审一 · 复审 李审二"),
        "{}",
        pending[0].message
    );
    assert!(pending[1].message.contains("初审 — · 复审 —"), "{}", pending[1].message);
    assert!(pending[0].hint.as_deref().unwrap().contains("final"));
    // With --format json the same warnings parse back.
    let json = site.run(&["--format", "json", "check"]);
    let warned: Vec<serde_json::Value> = json
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v["message"].as_str().is_some_and(|m| m.contains("待审")))
        .collect();
    assert_eq!(warned.len(), 2, "{}", json.stderr);
}

#[test]
fn without_the_rule_every_item_that_is_not_a_draft_is_published() {
    let site = newsroom();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", yaml.replace("review: required\n", ""));
    assert_eq!(site.build().items, 6);
    assert!(PENDING.iter().all(|(p, _)| site.exists(p)));
    assert!(site.page(PENDING[0].0).select(&sel(".badge-pending")).next().is_none());
    let run = site.run(&["check"]);
    assert!(!run.stderr.contains("待审"), "{}", run.stderr);
}

#[test]
fn drafts_show_pending_items_marked_without_their_reviewers() {
    let mut site = newsroom();
    site.opts.drafts = true;
    assert_eq!(site.build().items, 7);
    for (path, _) in PENDING {
        let page = site.page(path);
        assert_eq!(text(&page, "main .badge-pending"), "待审", "{path}");
    }
    // Signed-off items carry no mark; cards of pending items do.
    assert!(site.page(LEAD).select(&sel(".badge-pending")).next().is_none());
    let marked = texts(&site.page("/regions/shandong/"), ".card .badge-pending");
    assert_eq!(marked, ["待审", "待审"]);
    for (file, text) in all_text(&site) {
        for name in REVIEWERS {
            assert!(!text.contains(name), "{file} names the reviewer {name}");
        }
    }
}

#[test]
fn no_output_names_a_reviewer() {
    let site = newsroom();
    site.build();
    let files = all_text(&site);
    assert!(files.len() > 30);
    for (file, text) in &files {
        for name in REVIEWERS {
            assert!(!text.contains(name), "{file} names the reviewer {name}");
        }
    }
    let dir = wechat_export(&site, "2022-05-10");
    for (file, bytes) in files_under(&dir) {
        let text = String::from_utf8_lossy(&bytes);
        for name in REVIEWERS {
            assert!(!text.contains(name), "export {file} names the reviewer {name}");
        }
    }
}

#[test]
fn the_preview_marks_pending_items_with_who_has_reviewed_them() {
    let site = newsroom();
    let mut opts = site.opts.clone();
    opts.preview = true;
    let mut r = Rebuilder::new(opts);
    let outcome = r
        .rebuild(&Changes { paths: Vec::new() })
        .unwrap_or_else(|d| panic!("{}", render(&d)));
    assert_eq!(outcome.items, 6, "the preview shows pending items, not drafts");
    assert_eq!(
        outcome.warnings.iter().filter(|d| d.message.contains("待审")).count(),
        2,
        "serve's terminal lists them too"
    );
    let page = |path: &str| {
        let key = format!("{}index.html", path.trim_start_matches('/'));
        Html::parse_document(&String::from_utf8_lossy(&r.files()[&key]))
    };
    assert_eq!(
        text(&page(PENDING[0].0), "main .badge-pending"),
        "待审 · 初审 张审一 · 复审 李审二"
    );
    assert_eq!(
        text(&page(PENDING[1].0), "main .badge-pending"),
        "待审 · 初审 — · 复审 —"
    );
    // A signed-off item shows no reviewers, even in the preview.
    let lead = String::from_utf8_lossy(&r.files()["news/2022/05/10/laixi-yizhan/index.html"]).into_owned();
    assert!(REVIEWERS.iter().all(|n| !lead.contains(n)));
}

#[test]
fn serve_shows_pending_items() {
    use bulletin::serve::{ServeOptions, Server};
    let site = newsroom();
    let server = Server::start(ServeOptions::new(site.opts.clone()), "127.0.0.1:0".parse().unwrap()).unwrap();
    let r = get(server.addr(), &at(PENDING[0].0));
    assert_eq!(r.status, 200);
    let page = Html::parse_document(&r.body);
    assert_eq!(text(&page, "main .badge-pending"), "待审 · 初审 张审一 · 复审 李审二");
    server.stop();
}

#[test]
fn an_unknown_review_rule_is_an_error_at_its_line() {
    let site = newsroom();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", yaml.replace("review: required", "review: always"));
    let e = site.run(&["check"]).expect_status(1).error();
    assert_eq!((e.path.as_str(), e.line), ("site.yaml", 3));
    assert!(e.message.contains("unknown review rule `always`"), "{}", e.message);
}

#[test]
fn a_misspelt_review_stage_is_an_error_at_its_line() {
    let site = newsroom();
    site.write(
        "content/2022/06/daishen.md",
        item(
            "title: t\ndate: 2022-06-06\nregion: 山东\nslug: t\nreview:\n  first: 张三\n  finale: 王五\n",
            "正文。\n",
        ),
    );
    let e = site.run(&["check"]).expect_status(1).error();
    assert_eq!((e.path.as_str(), e.line), ("content/2022/06/daishen.md", 8));
    assert!(e.message.contains("unknown field `finale`"), "{}", e.message);
    assert!(e.hint.unwrap().contains("`final`"));
}

// ------------------------------------------------------------------ units

#[test]
fn units_are_ranked_by_items_published_per_month_per_year_and_in_all() {
    let site = newsroom();
    site.build();
    let page = site.page("/stats/units/");
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    // Equal counts share a rank, in site.yaml's order.
    assert_eq!(
        ranking(&page, "all"),
        [s("1", LAIXI, "2"), s("2", QINGDAO, "1"), s("2", HOSTILE_UNIT, "1")]
    );
    assert_eq!(ranking(&page, "y2022"), ranking(&page, "all"));
    // June: the listed 青岛 sent nothing published (its item waits for review): 0, last.
    let june: Vec<(String, String)> = ranking(&page, "m2022-06")
        .into_iter()
        .map(|(rank, unit, _)| (rank, unit))
        .collect();
    assert_eq!(
        june,
        [
            ("1".to_string(), LAIXI.to_string()),
            ("1".to_string(), HOSTILE_UNIT.to_string()),
            ("3".to_string(), QINGDAO.to_string()),
        ]
    );
    let june_counts = texts(&page, "section#m2022-06 tbody td:nth-child(3)");
    assert_eq!(june_counts, ["1", "1", "0"]);
    let may_counts = texts(&page, "section#m2022-05 tbody td:nth-child(3)");
    assert_eq!(may_counts, ["1", "1", "0"]);
    // Each unit's items of the month, linked; months newest first.
    let june_laixi = attrs(&page, "section#m2022-06 tbody tr:first-child a", "href");
    assert_eq!(june_laixi, [at(GALLERY)]);
    let ids = attrs(&page, "section.units-period", "id");
    assert_eq!(ids, ["y2022", "m2022-06", "m2022-05"]);
    // The all-time table's region links to the place's page.
    assert_eq!(
        attrs(&page, "section#all tbody tr:first-child td a", "href"),
        [format!("{BASE}regions/shandong/qingdao/laixi/")]
    );
    assert!(site.broken_links("https://union.example.org/newsroom/").is_empty());

    // Linked from /stats/, in the sitemap, offered as a CSV.
    let stats = site.page("/stats/");
    assert!(attrs(&stats, ".units-link a", "href").contains(&format!("{BASE}stats/units/")));
    assert!(attrs(&stats, ".downloads a", "href").contains(&format!("{BASE}stats/units.csv")));
    assert!(site
        .read("/sitemap.xml")
        .contains("<loc>https://union.example.org/newsroom/stats/units/</loc>"));
}

#[test]
fn stats_json_and_units_csv_carry_the_same_numbers() {
    let site = newsroom();
    site.build();
    let units = &site.stats_json()["units"];
    assert_eq!(units["months"], serde_json::json!(["2022-05", "2022-06"]));
    assert_eq!(units["years"], serde_json::json!([2022]));
    let rows: Vec<(String, u64, Vec<u64>)> = units["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let by_month = u["by_month"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap())
                .collect();
            (
                u["name"].as_str().unwrap().to_string(),
                u["total"].as_u64().unwrap(),
                by_month,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (LAIXI.to_string(), 2, vec![1, 1]),
            (QINGDAO.to_string(), 1, vec![1, 0]),
            (HOSTILE_UNIT.to_string(), 1, vec![0, 1]),
        ]
    );
    assert_eq!(units["units"][0]["region"], "山东 青岛莱西");
    assert_eq!(
        units["units"][0]["items"],
        serde_json::json!([
            "https://union.example.org/newsroom/news/2022/06/03/laixi-tupian/",
            "https://union.example.org/newsroom/news/2022/05/10/laixi-yizhan/",
        ])
    );

    let csv = parse_csv(&site.read("/stats/units.csv"));
    assert_eq!(csv[0], ["period", "rank", "unit", "region", "items"]);
    let june: Vec<(&str, &str, &str)> = csv
        .iter()
        .filter(|r| r[0] == "2022-06")
        .map(|r| (r[1].as_str(), r[2].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(june, [("1", LAIXI, "1"), ("1", HOSTILE_UNIT, "1"), ("3", QINGDAO, "0")]);
    let periods: std::collections::BTreeSet<&str> = csv[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        periods.into_iter().collect::<Vec<_>>(),
        ["2022", "2022-05", "2022-06", "all"]
    );
}

#[test]
fn units_without_a_list_are_counted_as_written() {
    let site = SiteTest::with_config(SITE_YAML)
        .with(
            "content/a.md",
            &item(
                "title: 甲\ndate: 2022-03-01\nregion: 山东\nslug: a\nunit: 某区总工会\n",
                "甲。\n",
            ),
        )
        .with(
            "content/b.md",
            &item(
                "title: 乙\ndate: 2022-05-01\nregion: 山东\nslug: b\nunit: 某区总工会\n",
                "乙。\n",
            ),
        )
        .with(
            "content/c.md",
            &item(
                "title: 丙\ndate: 2022-05-02\nregion: 山东\nslug: c\nunit: 某产业工会\n",
                "丙。\n",
            ),
        )
        .with("content/d.md", &simple_item("丁", "2022-05-03", "d"));
    site.build();
    let page = site.page("/stats/units/");
    // Every month from March to May, April included though nobody sent anything.
    assert_eq!(
        attrs(&page, "section.units-month", "id"),
        ["m2022-05", "m2022-04", "m2022-03"]
    );
    assert_eq!(texts(&page, "section#m2022-04 tbody td:nth-child(3)"), ["0", "0"]);
    let all: Vec<(String, String, String)> = ranking(&page, "all");
    assert_eq!(all[0].1, "某区总工会");
    assert_eq!(all[0].2, "2");
    assert_eq!(all[1].1, "某产业工会");
}

#[test]
fn a_site_without_units_has_no_units_page() {
    let site = SiteTest::with_config(SITE_YAML).with("content/a.md", &simple_item("甲", "2022-03-01", "a"));
    site.build();
    assert!(!site.exists("/stats/units/"));
    assert!(!site.exists("/stats/units.csv"));
    assert!(site.stats_json().get("units").is_none());
    assert!(site.page("/stats/").select(&sel(".units-link")).next().is_none());
}

#[test]
fn an_unknown_unit_is_an_error_at_its_line_with_the_nearest_names() {
    let site = newsroom();
    site.write(
        "content/2022/06/jianshe.md",
        item(
            "title: t\ndate: 2022-06-05\nregion: 山东\nslug: t\nreview: { final: 王五 }\nunit: 莱西总工会\n",
            "正文。\n",
        ),
    );
    let e = site.run(&["check"]).expect_status(1).error();
    assert_eq!(
        (e.path.as_str(), e.line, e.column),
        ("content/2022/06/jianshe.md", 7, 1)
    );
    assert_eq!(e.message, "unknown unit `莱西总工会`");
    assert!(e.hint.unwrap().starts_with("did you mean `莱西市总工会`?"));
}

#[test]
fn a_unit_region_that_names_no_place_is_an_error_at_its_line() {
    let site = newsroom();
    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", yaml.replace("{ region: 山东青岛 }", "{ region: 火星 }"));
    let e = site.run(&["check"]).expect_status(1).error();
    assert_eq!((e.path.as_str(), e.line), ("site.yaml", 8));
    assert!(e.message.contains("青岛市总工会"), "{}", e.message);
}

// ------------------------------------------------------------------ photos

#[test]
fn a_captioned_lead_image_shows_its_caption_then_its_credit() {
    let site = newsroom();
    site.build();
    let page = site.page(LEAD);
    let caption = sel("figure.lead-image figcaption > span");
    let parts: Vec<(String, String)> = page
        .select(&caption)
        .map(|s| (s.value().attr("class").unwrap().to_string(), s.text().collect()))
        .collect();
    assert_eq!(
        parts,
        [
            ("caption".to_string(), HOSTILE_CAPTION.to_string()),
            ("credit".to_string(), CREDIT.to_string())
        ]
    );
    // The print edition shows it too.
    let print = site.page("/bulletins/2022-05-10/print/");
    assert_eq!(text(&print, "figure.print-picture .caption"), HOSTILE_CAPTION);
    assert_eq!(text(&print, "figure.print-picture .credit"), CREDIT);
}

#[test]
fn every_gallery_picture_is_shown_with_its_alt_resized_and_lazy_after_the_first() {
    let site = newsroom();
    site.build();
    let page = site.page(GALLERY);
    let figures = sel("section.gallery figure");
    assert_eq!(page.select(&figures).count(), 3);
    assert_eq!(
        attrs(&page, "section.gallery img", "alt"),
        ["职工在跑道上冲刺", "拔河比赛", "颁奖仪式"]
    );
    assert_eq!(
        attrs(&page, "section.gallery img", "loading"),
        ["eager", "lazy", "lazy"]
    );
    // Captions and credits where given; the third picture has neither.
    assert_eq!(
        texts(&page, "section.gallery .caption"),
        ["职工在跑道上冲刺", "拔河比赛 <b>现场</b> & 欢呼"]
    );
    assert_eq!(
        texts(&page, "section.gallery .credit"),
        ["本报记者 朱欣 摄", "本报通讯员 \"田甜\" 摄"]
    );
    assert_eq!(texts(&page, "section.gallery figure:nth-child(3) figcaption").len(), 0);
    // Resized like lead images: 1600 wide gets 480/960/1440, the PNG beside the item 480/960
    // and is published under img/; 400 wide needs none.
    let srcsets = attrs(&page, "section.gallery img", "srcset");
    assert_eq!(srcsets.len(), 2, "{srcsets:?}");
    assert_eq!(srcsets[0].matches("w, ").count(), 3, "{}", srcsets[0]);
    assert_eq!(srcsets[1].matches("w, ").count(), 2, "{}", srcsets[1]);
    for set in &srcsets {
        for candidate in set.split(", ") {
            let url = candidate.split(' ').next().unwrap();
            let path = url.strip_prefix(BASE.trim_end_matches('/')).unwrap();
            assert!(site.exists(path), "{url} was not written");
        }
    }
    let srcs = attrs(&page, "section.gallery img", "src");
    assert!(
        srcs[1].starts_with(&format!("{BASE}img/")) && srcs[1].ends_with(".png"),
        "{srcs:?}"
    );
    assert_eq!(srcs[2], format!("{BASE}photos/prize.jpg"));
    // The print edition of the issue shows all three.
    let print = site.page("/bulletins/2022-06-03/print/");
    assert_eq!(attrs(&print, "figure.print-picture img", "alt").len(), 3);
}

#[test]
fn json_ld_lists_the_pictures_with_caption_and_credit() {
    let site = newsroom();
    site.build();
    let ld = |path: &str| -> serde_json::Value {
        serde_json::from_str(&text(&site.page(path), "script[type='application/ld+json']")).unwrap()
    };
    let lead = ld(LEAD);
    assert_eq!(lead["image"][0]["@type"], "ImageObject");
    assert_eq!(lead["image"][0]["caption"], HOSTILE_CAPTION);
    assert_eq!(lead["image"][0]["creditText"], CREDIT);
    assert_eq!(
        lead["image"][0]["url"],
        "https://union.example.org/newsroom/photos/yizhan.jpg"
    );
    let gallery = ld(GALLERY);
    let images = gallery["image"].as_array().unwrap();
    assert_eq!(images.len(), 3);
    assert_eq!(images[1]["caption"], "拔河比赛 <b>现场</b> & 欢呼");
    assert_eq!(images[1]["creditText"], "本报通讯员 \"田甜\" 摄");
    assert!(images[2].get("caption").is_none());
}

#[test]
fn a_gallery_picture_without_alt_or_file_is_an_error_at_its_line() {
    let site = newsroom();
    site.write(
        "content/2022/06/laixi-tupian.md",
        item(
            "title: t\ndate: 2022-06-03\nregion: 山东\nslug: t\nreview: { final: 王五 }\ngallery:\n  - src: photos/run.jpg\n    alt: 冲刺\n  - src: photos/run.jpg\n    caption: 没有替代文字\n  - src: photos/gone.jpg\n    alt: 不存在\n",
            "正文。\n",
        ),
    );
    let run = site.run(&["check"]);
    run.expect_status(1);
    let errors: Vec<(usize, String)> = run
        .diags()
        .into_iter()
        .filter(|d| d.severity == "error")
        .map(|d| (d.line, d.message))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert_eq!(errors[0].0, 10, "the second picture's `- src:` line");
    assert!(
        errors[0].1.contains("gallery picture 2 needs alternative text"),
        "{errors:?}"
    );
    assert_eq!(errors[1].0, 12, "the third picture's line");
    assert!(errors[1].1.contains("image `photos/gone.jpg` not found"), "{errors:?}");
}

#[test]
fn a_misspelt_key_in_one_gallery_picture_leaves_the_others_checked() {
    let site = newsroom();
    site.write(
        "content/2022/06/laixi-tupian.md",
        item(
            "title: t\ndate: 2022-06-03\nregion: 山东\nslug: t\nreview: { final: 王五 }\ngallery:\n  - src: photos/run.jpg\n    alt: 冲刺\n    captoin: 说明\n  - src: photos/run.jpg\n",
            "正文。\n",
        ),
    );
    let run = site.run(&["check"]);
    run.expect_status(1);
    let errors: Vec<Diag> = run.diags().into_iter().filter(|d| d.severity == "error").collect();
    let places: Vec<usize> = errors.iter().map(|d| d.line).collect();
    // The misspelt key at its line, and the second picture (read on) without its alt.
    assert_eq!(places, [10, 11], "{}", run.stderr);
    assert!(
        errors[0].message.contains("unknown field `captoin`"),
        "{}",
        errors[0].message
    );
    assert!(errors[0].hint.as_deref().unwrap().contains("`caption`"));
    assert!(errors[1].message.contains("gallery picture 2 needs alternative text"));
}

#[test]
fn a_caption_without_an_image_is_an_error() {
    let site = SiteTest::with_config(SITE_YAML).with(
        "content/a.md",
        &item(
            "title: 甲\ndate: 2022-03-01\nregion: 山东\nslug: a\nimage_caption: 说明\n",
            "甲。\n",
        ),
    );
    let e = site.run(&["check"]).expect_status(1).error();
    assert_eq!(e.line, 6);
    assert!(
        e.message.contains("`image_caption` goes with a lead image"),
        "{}",
        e.message
    );
}

// ------------------------------------------------------------------ escaping, everywhere

#[test]
fn captions_credits_and_unit_names_are_escaped_in_every_output() {
    let site = newsroom();
    site.build();
    let files = all_text(&site);
    // Not one raw `<script>` of a caption or unit name in any file that a browser or a feed
    // reader parses: HTML, JSON, XML (CSV cells are quoted, and read back below).
    for (file, text) in files.iter().filter(|(f, _)| !f.ends_with(".csv")) {
        assert!(!text.contains("<script>alert('c')"), "{file} holds the caption raw");
        assert!(!text.contains("<script>alert('u')"), "{file} holds the unit name raw");
        assert!(!text.contains("<b>现场</b>"), "{file} holds the gallery caption raw");
    }
    // And each reads back as written: HTML by a parser, JSON by serde, CSV by RFC 4180.
    let units = site.page("/stats/units/");
    assert!(texts(&units, "section#all tbody th").contains(&HOSTILE_UNIT.to_string()));
    assert_eq!(site.stats_json()["units"]["units"][2]["name"], HOSTILE_UNIT);
    let csv = parse_csv(&site.read("/stats/units.csv"));
    assert!(csv.iter().any(|r| r[2] == HOSTILE_UNIT));
    // Feeds and sitemaps parse as XML.
    for (file, text) in files.iter().filter(|(f, _)| f.ends_with(".xml")) {
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    }

    // The WeChat export: the figure's caption and credit, escaped, as one figcaption.
    let dir = wechat_export(&site, "2022-05-10");
    let content = std::fs::read_to_string(dir.join("content/01-laixi-yizhan.html")).unwrap();
    assert!(!content.contains("<script>alert('c')"));
    let html = Html::parse_fragment(&content);
    assert_eq!(text(&html, "figure figcaption"), format!("{HOSTILE_CAPTION} {CREDIT}"));
    assert!(attrs(&html, "figure", "style")[0].contains("text-align:center"));
    assert!(attrs(&html, "figure figcaption", "style")[0].contains("font-size:14px"));
    assert!(html.select(&sel("[class]")).next().is_none(), "inline styles only");
    let draft: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("draft.json")).unwrap()).unwrap();
    assert_eq!(draft["articles"].as_array().unwrap().len(), 1);
    let tsv = std::fs::read_to_string(dir.join("images.tsv")).unwrap();
    assert!(
        tsv.lines()
            .any(|l| l.starts_with("01-laixi-yizhan\tbody\tstatic/photos/yizhan.jpg\t")),
        "{tsv}"
    );
}

#[test]
fn the_gallery_goes_into_the_wechat_export_after_the_text() {
    let site = newsroom();
    let dir = wechat_export(&site, "2022-06-03");
    let content = std::fs::read_to_string(dir.join("content/01-laixi-tupian.html")).unwrap();
    let html = Html::parse_fragment(&content);
    assert_eq!(
        attrs(&html, "figure img", "alt"),
        ["职工在跑道上冲刺", "拔河比赛", "颁奖仪式"]
    );
    assert_eq!(
        texts(&html, "figure figcaption"),
        [
            "职工在跑道上冲刺 本报记者 朱欣 摄",
            "拔河比赛 <b>现场</b> & 欢呼 本报通讯员 \"田甜\" 摄"
        ]
    );
    assert!(content.find("运动会开幕").unwrap() < content.find("<figure").unwrap());
}

#[test]
fn the_pdf_edition_prints_the_captions() {
    let site = newsroom();
    site.build();
    let path = "/bulletins/2022-06-03/bulletin-2022-06-03.pdf";
    if !site.exists(path) {
        // No CJK font on this machine: the build warned and made no PDF (see issues.rs).
        return;
    }
    let pages = pdf_extract::extract_text_from_mem_by_pages(&site.read_bytes(path)).unwrap();
    let all: String = pages.concat().chars().filter(|c| !c.is_whitespace()).collect();
    assert!(all.contains("职工在跑道上冲刺本报记者朱欣摄"), "{all}");
    assert!(all.contains("拔河比赛<b>现场</b>&欢呼"), "{all}");
}

/// Runs `bulletin export wechat` for the issue `date`; returns its folder.
fn wechat_export(site: &SiteTest, date: &str) -> std::path::PathBuf {
    site.run(&["export", "wechat", "--bulletin", date]).expect_status(0);
    site.root().join("exports/wechat").join(date)
}
