//! Incremental rebuilds (serve): after every kind of edit, the files of the rebuilder are byte
//! for byte those of a full build of the same site, and an edit to one item renders only the
//! pages that show it.

use crate::harness::*;
use bulletin::serve::rebuild::{Changes, Outcome, Rebuilder};
use std::collections::BTreeMap;
use std::path::PathBuf;

const A: &str = "content/2022/06/20-05-beilin-jian-jia.md";

/// The files of a full build of `site` as it is now (without the output manifest).
fn full_build(site: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    let mut opts = site.opts.clone();
    let out = tempfile::tempdir().unwrap();
    opts.output = Some(out.path().join("full"));
    bulletin::build(&opts).unwrap();
    let mut files = files_under(&out.path().join("full"));
    files.remove(bulletin::output::MANIFEST);
    files
}

fn files_of(r: &Rebuilder) -> BTreeMap<String, Vec<u8>> {
    r.files().iter().map(|(k, v)| (k.clone(), v.to_vec())).collect()
}

/// Rebuilds after `paths` changed, makes the deferred files, and checks the result against a
/// full build. Returns the number of jobs the rebuild rendered (before the deferred ones).
fn step(site: &SiteTest, r: &mut Rebuilder, paths: &[&str]) -> usize {
    step_outcome(site, r, paths).rendered
}

/// [`step`], returning what the rebuild did.
fn step_outcome(site: &SiteTest, r: &mut Rebuilder, paths: &[&str]) -> Outcome {
    let changes = Changes {
        paths: paths.iter().map(|p| site.root().join(p)).collect(),
    };
    let outcome = r.rebuild(&changes).unwrap_or_else(|d| panic!("{}", render(&d)));
    r.finish().unwrap_or_else(|d| panic!("{}", render(&d)));
    let mut full = full_build(site);
    // The PDF editions (made when the machine has a CJK font): serve typesets one when asked.
    let pdfs: Vec<String> = full.keys().filter(|k| k.ends_with(".pdf")).cloned().collect();
    for path in pdfs {
        let built = full.remove(&path).unwrap_or_default();
        let served = r.pdf(&path).unwrap_or_else(|| panic!("serve has no {path}"));
        let served = served.unwrap_or_else(|d| panic!("{d}"));
        assert!(*served == built, "{path} differs from the build's");
    }
    assert_same_files(&full, &files_of(r));
    outcome
}

fn edit(site: &SiteTest, rel: &str, f: impl FnOnce(String) -> String) {
    let path = site.root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(rel, f(text));
}

#[test]
fn incremental_rebuilds_equal_full_builds_through_a_series_of_edits() {
    let site = SiteTest::example();
    let mut r = Rebuilder::new(site.opts.clone());
    let all = step(&site, &mut r, &[]);
    assert!(all > 50, "{all} jobs");

    // A sentence added to the body: the item's page and little else.
    edit(&site, A, |t| format!("{t}\n新增一段说明。\n"));
    let n = step(&site, &mut r, &[A]);
    assert!(n < 10, "a body edit rendered {n} jobs");

    // A new title shows in every list of the item, and as a source in the statistics of its
    // province and topic: not on the first pages of the other provinces and topics.
    edit(&site, A, |t| t.replacen("title: ", "title: 新", 1));
    let n = step(&site, &mut r, &[A]);
    assert!(n < all / 3, "a title edit rendered {n} of {all} jobs");

    // A figure changes: the statistics follow.
    edit(&site, A, |t| t.replacen("value: 870", "value: 1870", 1));
    step(&site, &mut r, &[A]);

    // The item moves to another province, its figures with it; then it changes topic.
    edit(&site, A, |t| {
        t.replacen("region: 陕西西安碑林区", "region: 山西太原", 1)
    });
    step(&site, &mut r, &[A]);
    edit(&site, A, |t| {
        t.replacen("topics: [新就业形态]", "topics: [技能培训]", 1)
    });
    step(&site, &mut r, &[A]);
    edit(&site, A, |t| {
        t.replacen("region: 山西太原", "region: 陕西西安碑林区", 1).replacen(
            "topics: [技能培训]",
            "topics: [新就业形态]",
            1,
        )
    });
    step(&site, &mut r, &[A]);

    // A new item linking to another by its file.
    let b = "content/2022/06/21-new.md";
    site.write(
        b,
        item(
            "title: 新稿件\ndate: 2022-06-21\nregion: 陕西\nslug: xin-gaojian\ntopics: [基层蹲点]\n",
            "详见[碑林区的报道](20-05-beilin-jian-jia.md)。\n",
        ),
    );
    step(&site, &mut r, &[b]);

    // The linked item moves (a new slug): the link in the new item follows.
    edit(&site, A, |t| {
        t.replacen("slug: beilin-gucheng-jian-jia", "slug: beilin-moved", 1)
    });
    step(&site, &mut r, &[A]);

    // The new item's file is renamed, then deleted.
    let c = "content/2022/06/21-renamed.md";
    std::fs::rename(site.root().join(b), site.root().join(c)).unwrap();
    step(&site, &mut r, &[b, c]);
    std::fs::remove_file(site.root().join(c)).unwrap();
    step(&site, &mut r, &[c]);

    // A template of the site's own, and a static file.
    site.write(
        "templates/card.html",
        "<article class=\"card\"><h3><a href=\"{{ item.url }}\">{{ item.title }}</a></h3></article>",
    );
    step(&site, &mut r, &["templates/card.html"]);
    site.write("static/extra.css", "body { color: black; }\n");
    step(&site, &mut r, &["static/extra.css"]);

    // A folder of items added at once (the watcher names the folder).
    site.write("content/2023/01/a.md", simple_item("一月稿件", "2023-01-05", "yiyue"));
    site.write(
        "content/2023/01/b.md",
        simple_item("一月又一篇", "2023-01-06", "yiyue-2"),
    );
    step(&site, &mut r, &["content/2023"]);

    // Nothing named: everything is checked.
    edit(&site, A, |t| format!("{t}\n再加一句。\n"));
    step(&site, &mut r, &[]);
}

/// The newsroom pages (issue #17) follow every edit as a full build makes them: the
/// contributions page `/stats/units/` and units.csv, items signed off or sent back for review,
/// and gallery captions.
#[test]
fn newsroom_edits_rebuild_the_units_page_as_a_full_build_does() {
    let site = crate::newsroom::newsroom();
    let mut r = Rebuilder::new(site.opts.clone());
    step(&site, &mut r, &[]);
    assert!(r.files().contains_key("stats/units/index.html"));

    // An item moves to another unit: the units page and data follow.
    let jianshe = "content/2022/06/jianshe.md";
    edit(&site, jianshe, |t| {
        t.replacen(
            "unit: \"<script>alert('u')</script>建设&\\\"工会\\\"\"",
            "unit: 青岛市总工会",
            1,
        )
    });
    step(&site, &mut r, &[jianshe]);
    let csv = String::from_utf8_lossy(&r.files()["stats/units.csv"]).into_owned();
    assert!(csv.contains("\r\nall,1,青岛市总工会,山东 青岛,2\r\n"), "{csv}");

    // A pending item is signed off: published, counted for its unit.
    let daishen = "content/2022/06/daishen.md";
    edit(&site, daishen, |t| {
        t.replacen("second: 李审二 }", "second: 李审二, final: 王终审 }", 1)
    });
    step(&site, &mut r, &[daishen]);
    assert!(r.files().contains_key("news/2022/06/06/daishen/index.html"));

    // A published item is sent back for review: gone from every page and count.
    let lead = "content/2022/05/laixi-yizhan.md";
    edit(&site, lead, |t| t.replacen(", final: 王终审", "", 1));
    step(&site, &mut r, &[lead]);
    assert!(!r.files().contains_key("news/2022/05/10/laixi-yizhan/index.html"));

    // A gallery caption changes.
    let gallery = "content/2022/06/laixi-tupian.md";
    edit(&site, gallery, |t| {
        t.replacen("caption: 职工在跑道上冲刺", "caption: 职工冲过终点", 1)
    });
    step(&site, &mut r, &[gallery]);

    // A unit is added to site.yaml: a new row of zeros.
    edit(&site, "site.yaml", |t| {
        t.replacen("units:\n", "units:\n  平度市总工会:\n", 1)
    });
    step(&site, &mut r, &["site.yaml"]);
    assert!(String::from_utf8_lossy(&r.files()["stats/units.csv"]).contains("平度市总工会"));
}

/// The page file of the item with slug `slug` (dated 2022-06-20) among the rebuilder's files.
fn page_of(r: &Rebuilder, slug: &str) -> String {
    let key = format!("news/2022/06/20/{slug}/index.html");
    let bytes = r.files().get(&key).unwrap_or_else(|| panic!("no {key}"));
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_body_only_edit_replaces_the_entry_without_assembling_the_site() {
    let front = |title: &str, slug: &str, value: u32| {
        format!(
            "title: {title}\ndate: 2022-06-20\nregion: 山东\nslug: {slug}\ntopics: [基层蹲点]\nfigures:\n  - metric: members_joined\n    value: {value}\n"
        )
    };
    let (a, b, c) = ("content/a.md", "content/b.md", "content/c.md");
    // The text after `<!-- more -->` is not in the summary: editing it leaves the card alone.
    let text_a = |tail: &str| {
        item(
            &front("甲", "a", 120),
            &format!("新入会职工120人。\n\n<!-- more -->\n\n{tail}\n"),
        )
    };
    // b links to a, and its figure is not in its text: a warning every build repeats.
    let text_b = |tail: &str| {
        item(
            &front("乙", "b", 77),
            &format!("见[甲](a.md)。\n\n<!-- more -->\n\n{tail}\n"),
        )
    };
    let site = SiteTest::with_config(SITE_YAML)
        .with(a, &text_a("初稿。"))
        .with(b, &text_b("初稿。"))
        .with(c, &simple_item("丙", "2022-06-20", "c"));
    let mut r = Rebuilder::new(site.opts.clone());
    let first = step_outcome(&site, &mut r, &[]);
    assert!(first.assembled);
    let untraced = |o: &Outcome| {
        o.warnings
            .iter()
            .filter(|d| d.message.contains("does not appear in the text"))
            .map(|d| (d.path.clone(), d.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        untraced(&first),
        vec![(PathBuf::from(b), "figure `77` does not appear in the text".to_string())]
    );

    // One body: the item's page, its print edition and feeds, not the lists or statistics.
    site.write(a, text_a("补充一句。"));
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(!o.assembled, "a body-only edit assembled the site again");
    assert!(
        (1..8).contains(&o.rendered),
        "a body-only edit rendered {} jobs",
        o.rendered
    );
    assert!(page_of(&r, "a").contains("补充一句。"));

    // The item that links to another, with its warning kept as a full build gives it.
    site.write(b, text_b("再补一句。"));
    let o = step_outcome(&site, &mut r, &[b]);
    assert!(!o.assembled);
    assert_eq!(untraced(&o), untraced(&first));
    assert!(page_of(&r, "b").contains("/news/2022/06/20/a/"), "the link to a");

    // Two at once; then one saved unchanged, which renders nothing.
    site.write(a, text_a("两篇同时改。"));
    site.write(b, text_b("两篇同时改。"));
    assert!(!step_outcome(&site, &mut r, &[a, b]).assembled);
    site.write(a, text_a("两篇同时改。"));
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(!o.assembled);
    assert_eq!((o.rendered, o.written), (0, 0));

    // A link to a missing item is the error a full build reports, at its line (15: the
    // front matter's 8 lines and its fences, the figure sentence, the marker, blank lines).
    site.write(a, text_a("见[别处](gone.md)。"));
    let err = r
        .rebuild(&Changes {
            paths: vec![site.root().join(a)],
        })
        .unwrap_err();
    let d = err.iter().find(|d| d.is_error()).unwrap();
    assert_eq!((d.path.clone(), d.line), (PathBuf::from(a), 15), "{}", render(&err));
    assert!(d.message.contains("link to a missing item: gone.md"), "{d:?}");
    site.write(a, text_a("改好了。"));
    assert!(!step_outcome(&site, &mut r, &[a]).assembled);

    // Before the marker: the summary, so every list showing the card, changes; the item keeps
    // its place, so the entry is still replaced in place (the lists are planned again).
    site.write(
        a,
        item(
            &front("甲", "a", 120),
            "新入会职工120人，另有说明。\n\n<!-- more -->\n\n改好了。\n",
        ),
    );
    assert!(!step_outcome(&site, &mut r, &[a]).assembled);
    assert!(
        file_of(&r, "index.html").contains("另有说明"),
        "the card on the home page"
    );

    // The figure no longer in the text: a new warning, so the site is checked again.
    site.write(
        a,
        item(
            &front("甲", "a", 120),
            "新入会职工若干人。\n\n<!-- more -->\n\n改好了。\n",
        ),
    );
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(!o.assembled);
    assert_eq!(untraced(&o).len(), 2, "{}", render(&o.warnings));
}

/// The file `key` of the rebuilder's output, as text.
fn file_of(r: &Rebuilder, key: &str) -> String {
    String::from_utf8_lossy(r.files().get(key).unwrap_or_else(|| panic!("no {key}"))).into_owned()
}

#[test]
fn a_title_or_figure_edit_keeps_the_entry_in_place_without_assembling_the_site() {
    let text = |title: &str, region: &str, value: u32, stated: u32| {
        item(
            &format!(
                "title: {title}\ndate: 2022-06-20\nregion: {region}\nslug: a\ntopics: [基层蹲点]\nfigures:\n  - metric: members_joined\n    value: {value}\n"
            ),
            &format!("新入会职工{stated}人。\n"),
        )
    };
    let (a, b) = ("content/a.md", "content/b.md");
    let site = SiteTest::with_config(SITE_YAML)
        .with(a, &text("甲", "山东", 120, 120))
        .with(
        b,
        &item(
            "title: 乙\ndate: 2022-06-19\nregion: 山东\nslug: b\nfigures:\n  - metric: members_joined\n    value: 30\n",
            "新入会职工30人。\n",
        ),
    );
    let mut r = Rebuilder::new(site.opts.clone());
    assert!(step_outcome(&site, &mut r, &[]).assembled);
    let untraced = |o: &Outcome| {
        o.warnings
            .iter()
            .filter(|d| d.message.contains("does not appear in the text"))
            .map(|d| (d.path.clone(), d.message.clone()))
            .collect::<Vec<_>>()
    };

    // A title: the item's page and the lists showing its card, not the whole site.
    site.write(a, text("甲改了标题", "山东", 120, 120));
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(!o.assembled, "a title edit assembled the site again");
    assert!(page_of(&r, "a").contains("甲改了标题"));
    assert!(file_of(&r, "regions/shandong/index.html").contains("甲改了标题"));
    let all = files_of(&r).len();
    assert!(
        o.rendered < all / 2,
        "a title edit rendered {} jobs of {all} files",
        o.rendered
    );

    // A figure's value, in the figure and the text: the statistics count 150 + 30.
    site.write(a, text("甲改了标题", "山东", 150, 150));
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(!o.assembled, "a figure edit assembled the site again");
    assert!(
        file_of(&r, "stats/index.html").contains("180"),
        "the total of 150 and 30"
    );
    assert!(untraced(&o).is_empty(), "{}", render(&o.warnings));

    // The figure alone: not in the text any more, a warning the site's checks give again.
    site.write(a, text("甲改了标题", "山东", 160, 150));
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(!o.assembled);
    assert_eq!(
        untraced(&o),
        vec![(PathBuf::from(a), "figure `160` does not appear in the text".to_string())]
    );
    assert!(
        file_of(&r, "stats/index.html").contains("190"),
        "the total of 160 and 30"
    );

    // `updated:`: the item keeps its place; the sitemap (planned for this edit only) dates it.
    let updated = text("甲改了标题", "山东", 160, 160).replacen(
        "date: 2022-06-20\n",
        "date: 2022-06-20\nupdated: 2022-07-01\n",
        1,
    );
    assert!(updated.contains("updated: 2022-07-01"));
    site.write(a, &updated);
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(!o.assembled, "an `updated:` edit assembled the site again");
    assert!(file_of(&r, "sitemap.xml").contains("2022-07-01"));

    // Another region moves the item to another province's list: assembled again.
    site.write(a, text("甲改了标题", "陕西", 160, 160));
    let o = step_outcome(&site, &mut r, &[a]);
    assert!(o.assembled, "a move kept the entry in place");
    assert!(untraced(&o).is_empty(), "{}", render(&o.warnings));
}

#[test]
fn a_broken_edit_keeps_the_last_good_files_and_fixing_it_recovers() {
    let site = SiteTest::example();
    let mut r = Rebuilder::new(site.opts.clone());
    step(&site, &mut r, &[]);
    let good = files_of(&r);
    let text = std::fs::read_to_string(site.root().join(A)).unwrap();
    site.write(A, text.replacen("region: ", "regoin: ", 1));
    let err = r
        .rebuild(&Changes {
            paths: vec![site.root().join(A)],
        })
        .unwrap_err();
    let d = err.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(d.path, PathBuf::from(A), "{}", render(&err));
    assert!(d.line > 1, "{d:?}");
    assert_same_files(&good, &files_of(&r));
    site.write(A, text);
    step(&site, &mut r, &[A]);
}

#[test]
fn incremental_rebuilds_equal_full_builds_through_image_edits() {
    let photo = |title: &str, slug: &str, image: &str| {
        item(
            &format!("title: {title}\ndate: 2022-06-20\nregion: 山东\nslug: {slug}\nimage: {image}\nimage_alt: 图\n"),
            "正文。\n",
        )
    };
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &photo("甲", "a", "photos/a.jpg"))
        .with("content/b.md", &simple_item("乙", "2022-06-20", "b"));
    site.write("static/photos/a.jpg", jpeg(1000, 500));
    let mut r = Rebuilder::new(site.opts.clone());
    step(&site, &mut r, &[]);

    // An image added beside an item.
    site.write("content/b.png", png(700, 700));
    site.write("content/b.md", photo("乙", "b", "b.png"));
    step(&site, &mut r, &["content/b.png", "content/b.md"]);

    // A picture replaced under the same name: new variants, the old ones gone.
    site.write("static/photos/a.jpg", jpeg(1200, 500));
    step(&site, &mut r, &["static/photos/a.jpg"]);

    // Two items show one picture.
    site.write("content/b.md", photo("乙", "b", "photos/a.jpg"));
    step(&site, &mut r, &["content/b.md"]);

    // One of them drops it; then the picture beside an item is edited without its item.
    site.write("content/a.md", simple_item("甲", "2022-06-20", "a"));
    step(&site, &mut r, &["content/a.md"]);
    site.write("content/b.md", photo("乙", "b", "b.png"));
    step(&site, &mut r, &["content/b.md"]);
    site.write("content/b.png", png(900, 300));
    step(&site, &mut r, &["content/b.png"]);

    // A broken picture keeps the last good files; fixing it recovers.
    let good = files_of(&r);
    let mut broken = png(900, 300);
    broken.truncate(80);
    site.write("content/b.png", &broken);
    let err = r
        .rebuild(&Changes {
            paths: vec![site.root().join("content/b.png")],
        })
        .unwrap_err();
    let d = err.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(d.path, PathBuf::from("content/b.md"), "{}", render(&err));
    assert!(d.message.contains("cannot be decoded"), "{d:?}");
    assert_same_files(&good, &files_of(&r));
    site.write("content/b.png", png(640, 480));
    step(&site, &mut r, &["content/b.png"]);
}

/// One editor's action in [`random_edits_adds_renames_and_deletes_rebuild_as_a_full_build_does`].
#[derive(Clone, Debug)]
enum Action {
    Body(usize, u8),
    /// A sentence after `<!-- more -->`: the body changes, the card does not.
    Tail(usize, u8),
    Title(usize, u8),
    Figure(usize, u32),
    /// The figure's value alone, not the number in the text (a traceability warning).
    FigureOnly(usize, u32),
    Region(usize, usize),
    Topic(usize, usize),
    Date(usize, u8),
    /// `updated:` set to a day of July: the item keeps its place, the sitemap's `lastmod` moves.
    Updated(usize, u8),
    Add(u8),
    Rename(usize),
    Delete(usize),
}

/// An item of the random site, as its file says it.
#[derive(Clone, Debug)]
struct Spec {
    file: String,
    title: String,
    day: u8,
    region: &'static str,
    topic: &'static str,
    value: u32,
    /// The number the text states (the figure's value unless edited alone).
    stated: u32,
    body: String,
    /// After `<!-- more -->`: an edit here leaves the item's card as it was.
    tail: String,
    /// The day of July in `updated:`, if any.
    updated: Option<u8>,
}

const REGIONS: [&str; 5] = ["山东", "陕西", "山西太原", "山东青岛莱西", "全国"];
const TOPICS: [&str; 2] = ["基层蹲点", "劳模服务"];

impl Spec {
    fn new(n: u8) -> Spec {
        Spec {
            file: format!("content/item-{n}.md"),
            title: format!("稿件{n}"),
            day: n % 28 + 1,
            region: REGIONS[usize::from(n) % REGIONS.len()],
            topic: TOPICS[usize::from(n) % TOPICS.len()],
            value: u32::from(n) * 10 + 1,
            stated: u32::from(n) * 10 + 1,
            body: format!("第{n}篇正文。"),
            tail: String::new(),
            updated: None,
        }
    }

    fn text(&self) -> String {
        item(
            &format!(
                "title: {}\ndate: 2022-06-{:02}\n{}region: {}\ntopics: [{}]\nslug: s-{}\nfigures:\n  - metric: members_joined\n    value: {}\n",
                self.title,
                self.day,
                self.updated.map_or(String::new(), |d| format!("updated: 2022-07-{d:02}\n")),
                self.region,
                self.topic,
                self.file.trim_start_matches("content/").trim_end_matches(".md"),
                self.value
            ),
            &format!(
                "{}新入会职工{}人。\n\n<!-- more -->\n\n{}\n",
                self.body, self.stated, self.tail
            ),
        )
    }
}

fn action() -> impl proptest::strategy::Strategy<Value = Action> {
    use proptest::prelude::*;
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Action::Body(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Action::Tail(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Action::Title(i, n)),
        (any::<usize>(), 1u32..100_000).prop_map(|(i, v)| Action::Figure(i, v)),
        (any::<usize>(), 1u32..100_000).prop_map(|(i, v)| Action::FigureOnly(i, v)),
        (any::<usize>(), 0..REGIONS.len()).prop_map(|(i, r)| Action::Region(i, r)),
        (any::<usize>(), 0..TOPICS.len()).prop_map(|(i, t)| Action::Topic(i, t)),
        (any::<usize>(), 1u8..29).prop_map(|(i, d)| Action::Date(i, d)),
        (any::<usize>(), 1u8..29).prop_map(|(i, d)| Action::Updated(i, d)),
        any::<u8>().prop_map(Action::Add),
        any::<usize>().prop_map(Action::Rename),
        any::<usize>().prop_map(Action::Delete),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// Any sequence of edits, adds, renames and deletes: after each one the rebuilder's files
    /// are those of a full build (`step` compares them byte for byte).
    #[test]
    fn random_edits_adds_renames_and_deletes_rebuild_as_a_full_build_does(
        actions in proptest::collection::vec(action(), 1..7)
    ) {
        let site = SiteTest::with_config(SITE_YAML);
        let mut items: Vec<Spec> = (0..4).map(Spec::new).collect();
        for s in &items {
            site.write(&s.file, s.text());
        }
        let mut r = Rebuilder::new(site.opts.clone());
        step(&site, &mut r, &[]);
        let mut next = 100u16;
        for a in actions {
            let n = items.len();
            let mut changed: Vec<String> = Vec::new();
            match a {
                Action::Add(k) => {
                    let mut s = Spec::new(k);
                    s.file = format!("content/new-{next}.md");
                    next += 1;
                    items.push(s);
                }
                _ if n == 0 => continue,
                Action::Delete(i) => {
                    let s = items.remove(i % n);
                    std::fs::remove_file(site.root().join(&s.file)).unwrap();
                    changed.push(s.file);
                }
                Action::Rename(i) => {
                    let s = &mut items[i % n];
                    let to = format!("content/moved-{next}.md");
                    next += 1;
                    std::fs::rename(site.root().join(&s.file), site.root().join(&to)).unwrap();
                    changed.push(std::mem::replace(&mut s.file, to));
                }
                Action::Body(i, k) => items[i % n].body = format!("改写的正文{k}。"),
                Action::Tail(i, k) => items[i % n].tail = format!("补充说明{k}。"),
                Action::Title(i, k) => items[i % n].title = format!("新标题{k}"),
                Action::Figure(i, v) => {
                    items[i % n].value = v;
                    items[i % n].stated = v;
                }
                Action::FigureOnly(i, v) => items[i % n].value = v,
                Action::Region(i, g) => items[i % n].region = REGIONS[g],
                Action::Topic(i, t) => items[i % n].topic = TOPICS[t],
                Action::Date(i, d) => items[i % n].day = d,
                Action::Updated(i, d) => items[i % n].updated = Some(d),
            }
            // Rewritten whole, as an editor's save does (a renamed file's slug follows its name).
            for s in &items {
                let path = site.root().join(&s.file);
                let text = s.text();
                if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    site.write(&s.file, &text);
                    changed.push(s.file.clone());
                }
            }
            if changed.is_empty() {
                continue; // no paths would mean "anything may have changed"
            }
            let paths: Vec<&str> = changed.iter().map(String::as_str).collect();
            step(&site, &mut r, &paths);
        }
    }
}
