//! Places below the province (#15): every spelling of a city or county resolves to one place,
//! duplicate names are ambiguous unless their city is written, a doubled suffix is refused, and
//! a locality that names no place is a warning naming the nearest ones.

use crate::harness::*;

fn site() -> SiteTest {
    SiteTest::with_config(SITE_YAML)
}

fn item_with_region(region: &str) -> String {
    item(
        &format!("title: 标题\ndate: 2022-06-20\nregion: {region}\nslug: a\n"),
        "正文。\n",
    )
}

#[test]
fn every_spelling_in_the_contract_builds_and_names_its_province() {
    let cases = [
        ("山东莱西", "shandong"),
        ("山东青岛莱西", "shandong"),
        ("山东省青岛市莱西市", "shandong"),
        ("陕西西安碑林区", "shaanxi"),
        ("西安市碑林区", "shaanxi"),
        ("四川雅安", "sichuan"),
        ("吉林长春", "jilin"),
        ("湖北荆州", "hubei"),
        ("莱西市总工会", "shandong"),
    ];
    let mut site = site();
    for (i, (region, _)) in cases.iter().enumerate() {
        let text = item(
            &format!("title: 第{i}篇\ndate: 2022-06-20\nregion: {region}\nslug: a{i}\n"),
            "正文。\n",
        );
        site = site.with(&format!("content/a{i}.md"), &text);
    }
    let run = site.run(&["check"]);
    run.expect_status(0);
    assert!(run.diags().is_empty(), "{}", run.stderr);
    site.build();
    for (i, (region, province)) in cases.iter().enumerate() {
        let page = site.main_of(&format!("/news/2022/06/20/a{i}/"));
        assert!(page.contains(&format!("/regions/{province}/")), "{region}: {page}");
    }
}

#[test]
fn an_ambiguous_county_is_an_error_listing_every_candidate() {
    let site = site().with("content/a.md", &item_with_region("江苏鼓楼区"));
    let d = site.run(&["check"]).expect_status(1).error();
    assert_eq!((d.path.as_str(), d.line), ("content/a.md", 4), "{d:?}");
    assert!(d.message.contains("江苏省南京市鼓楼区"), "{d:?}");
    assert!(d.message.contains("江苏省徐州市鼓楼区"), "{d:?}");
    let hint = d.hint.unwrap();
    assert!(
        hint.contains("`江苏南京鼓楼区`") && hint.contains("`江苏徐州鼓楼区`"),
        "{hint}"
    );
}

#[test]
fn a_figure_region_is_resolved_the_same_way() {
    let text = item(
        "title: 标题\ndate: 2022-06-20\nregion: 全国\nfigures:\n  - label: 人数\n    value: 3\n    region: 朝阳区\n",
        "共3人。\n",
    );
    let site = site().with("content/a.md", &text);
    let d = site.run(&["check"]).expect_status(1).error();
    assert_eq!((d.path.as_str(), d.line), ("content/a.md", 8), "{d:?}");
    assert!(
        d.message.contains("北京市朝阳区") && d.message.contains("吉林省长春市朝阳区"),
        "{d:?}"
    );
}

#[test]
fn a_doubled_province_suffix_is_an_error() {
    let site = site().with("content/a.md", &item_with_region("山东省省"));
    let d = site.run(&["check"]).expect_status(1).error();
    assert_eq!((d.path.as_str(), d.line), ("content/a.md", 4), "{d:?}");
    assert_eq!(d.message, "region `山东省省` repeats the province's suffix");
}

#[test]
fn a_locality_naming_no_place_is_a_warning_with_the_nearest() {
    let site = site().with("content/a.md", &item_with_region("山东莱溪"));
    let run = site.run(&["check"]);
    run.expect_status(0);
    let diags = run.diags();
    let d = diags.iter().find(|d| d.severity == "warning").expect("a warning");
    assert_eq!((d.path.as_str(), d.line), ("content/a.md", 4), "{d:?}");
    assert_eq!(d.message, "`莱溪` names no city or county of 山东");
    assert!(d.hint.as_deref().unwrap().contains("`山东青岛莱西市`"), "{d:?}");
}

#[test]
fn new_takes_a_city_and_county_without_province_and_names_the_argument() {
    let site = site();
    let run = site.run(&[
        "new",
        "碑林区职工书屋开放",
        "--region",
        "西安市碑林区",
        "--date",
        "2022-06-20",
    ]);
    run.expect_status(0);
    let run = site.run(&["new", "标题", "--region", "江苏鼓楼区"]);
    run.expect_status(1);
    assert!(
        run.stderr
            .starts_with("--region: error: region `江苏鼓楼区` fits 2 places"),
        "{}",
        run.stderr
    );
}

#[test]
fn shaanxi_and_shanxi_titles_of_one_day_get_different_slugs() {
    let site = site()
        .with(
            "content/a.md",
            &item("title: 陕西工会开展培训\ndate: 2022-06-20\nregion: 陕西\n", "正文。\n"),
        )
        .with(
            "content/b.md",
            &item("title: 山西工会开展培训\ndate: 2022-06-20\nregion: 山西\n", "正文。\n"),
        );
    site.build();
    assert!(site.exists("/news/2022/06/20/shaanxi-gong-hui-kai-zhan-pei-xun/"));
    assert!(site.exists("/news/2022/06/20/shanxi-gong-hui-kai-zhan-pei-xun/"));
}

/// The items of a list page: the links of its cards under `section` (`subject-items`,
/// `subject-reported`), as site paths.
fn cards(page: &scraper::Html, section: &str) -> Vec<String> {
    attrs(page, &format!("main .{section} .card-title a"), "href")
}

/// The running total of metric `label` on a province or place page.
fn running_total(page: &scraper::Html, label: &str) -> String {
    page.select(&sel("main .running-table tbody tr"))
        .find(|tr| tr.select(&sel("th a")).any(|a| a.text().collect::<String>() == label))
        .and_then(|tr| tr.select(&sel("td.total .value")).next())
        .map(|v| v.text().collect::<String>())
        .unwrap_or_else(|| panic!("no running total of {label}"))
}

/// The rows of a place table: (name, link, items, reported, cells as shown).
fn place_rows(page: &scraper::Html) -> Vec<(String, String, String, String, Vec<String>)> {
    page.select(&sel("main .place-table tbody tr"))
        .map(|tr| {
            let a = tr.select(&sel("th a")).next().expect("a linked place");
            let cells: Vec<String> = tr
                .select(&sel("td"))
                .map(|td| td.text().collect::<String>().trim().to_string())
                .collect();
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
                cells[0].clone(),
                cells[1].clone(),
                cells[2..].to_vec(),
            )
        })
        .collect()
}

/// The slug of each fixture file's item, by file name: what its URL ends with.
fn url_of(site: &SiteTest, file: &str) -> String {
    let links = attrs(&site.page("/"), "main .card-title a", "href");
    let title = std::fs::read_to_string(site.root().join("content").join(file))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("title: ").map(str::to_string))
        .unwrap();
    let page = site.page("/");
    page.select(&sel("main .card-title a"))
        .find(|a| a.text().collect::<String>() == title)
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .unwrap_or_else(|| panic!("{file} ({title}) not on the home page: {links:?}"))
}

fn urls(site: &SiteTest, files: &[&str]) -> Vec<String> {
    files.iter().map(|f| url_of(site, f)).collect()
}

/// Newest first, then in file order within a day, as the site sorts them.
fn sorted(site: &SiteTest, mut files: Vec<String>) -> Vec<String> {
    let order = attrs(&site.page("/"), "main .card-title a", "href");
    files.sort_by_key(|u| order.iter().position(|o| o == u));
    files
}

#[test]
fn each_place_has_one_page_listing_its_items_and_the_round_up_with_hand_computed_totals() {
    let site = SiteTest::fixture("places");
    let run = site.run(&["check"]);
    run.expect_status(0);
    assert!(run.diags().iter().all(|d| d.severity != "error"), "{}", run.stderr);
    site.build();
    let roundup = url_of(&site, "roundup.md");
    // (page, its own items, whether the round-up reports for it, 新入会职工 as shown).
    let cases: &[(&str, &[&str], bool, &str)] = &[
        (
            "/regions/shandong/qingdao/laixi/",
            &["laixi-short.md", "laixi-full.md", "laixi-unit.md"],
            true,
            "380人",
        ),
        ("/regions/shandong/qingdao/huangdao/", &["huangdao.md"], false, "7人"),
        (
            "/regions/shandong/qingdao/",
            &[
                "laixi-short.md",
                "laixi-full.md",
                "laixi-unit.md",
                "qingdao.md",
                "huangdao.md",
            ],
            true,
            "407人",
        ),
        (
            "/regions/shandong/",
            &[
                "laixi-short.md",
                "laixi-full.md",
                "laixi-unit.md",
                "qingdao.md",
                "huangdao.md",
            ],
            true,
            "407人",
        ),
        (
            "/regions/shaanxi/xian/beilin/",
            &["beilin.md", "beilin-street.md"],
            true,
            "40人",
        ),
        (
            "/regions/shaanxi/xian/",
            &["beilin.md", "beilin-street.md"],
            true,
            "40人",
        ),
        ("/regions/chongqing/yubei/", &["yubei.md"], true, "71人"),
        ("/regions/sichuan/yaan/", &["yaan.md"], true, "9人"),
    ];
    for (path, own, reported, members) in cases {
        let page = site.page(path);
        let expected = sorted(&site, urls(&site, own));
        assert_eq!(cards(&page, "subject-items"), expected, "{path}");
        let elsewhere = if *reported { vec![roundup.clone()] } else { vec![] };
        assert_eq!(cards(&page, "subject-reported"), elsewhere, "{path}");
        assert_eq!(running_total(&page, "新入会职工"), *members, "{path}");
    }
    // 碑林's cadres come from the round-up alone.
    assert_eq!(
        running_total(&site.page("/regions/shaanxi/xian/beilin/"), "下派蹲点干部"),
        "10人"
    );
    // No page for a place without items or figures, nor for the lone street.
    assert!(!site.exists("/regions/shandong/yantai/"));
    assert!(!site.exists("/regions/shaanxi/xian/beilin/zhangjiacun/"));
    // Breadcrumbs: 省 › 市 › 县.
    let laixi = site.page("/regions/shandong/qingdao/laixi/");
    assert_eq!(
        texts(&laixi, ".breadcrumbs li"),
        ["首页", "地区", "山东", "青岛市", "莱西市"]
    );
    assert_eq!(
        attrs(&laixi, ".breadcrumbs a", "href")[2..],
        ["/regions/shandong/", "/regions/shandong/qingdao/"]
    );
    assert_eq!(text(&laixi, "main h1"), "莱西市");
    // A municipality's district is directly below it.
    assert_eq!(
        texts(&site.page("/regions/chongqing/yubei/"), ".breadcrumbs li"),
        ["首页", "地区", "重庆", "渝北区"]
    );
    // Every link of the site leads to a page; place pages have unique ids and headings in order.
    assert_eq!(site.broken_links("https://places.example.org/"), Vec::<String>::new());
    for (path, _, _, _) in cases {
        let page = site.page(path);
        let ids = attrs(&page, "[id]", "id");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "{path}: duplicate ids in {ids:?}");
        let levels: Vec<u8> = page
            .select(&sel("main h1, main h2, main h3, main h4"))
            .map(|h| h.value().name()[1..].parse().unwrap())
            .collect();
        assert_eq!(levels.first(), Some(&1), "{path}");
        assert!(levels.windows(2).all(|w| w[1] <= w[0] + 1), "{path}: {levels:?}");
    }
}

#[test]
fn item_pages_and_cards_name_the_place_and_link_to_its_page() {
    let site = SiteTest::fixture("places");
    site.build();
    let street = url_of(&site, "beilin-street.md");
    let page = site.page(&street);
    assert_eq!(text(&page, "main .meta-region"), "陕西 碑林区 张家村街道");
    assert_eq!(
        attrs(&page, "main .meta-region a", "href"),
        ["/regions/shaanxi/", "/regions/shaanxi/xian/beilin/"]
    );
    let unit = url_of(&site, "laixi-unit.md");
    let home = site.page("/");
    let card = home
        .select(&sel("main .card"))
        .find(|c| {
            c.select(&sel(".card-title a"))
                .any(|a| a.value().attr("href") == Some(&unit))
        })
        .unwrap();
    let region: Vec<&str> = card
        .select(&sel(".meta-region a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(region, ["/regions/shandong/", "/regions/shandong/qingdao/laixi/"]);
}

#[test]
fn province_and_city_pages_table_their_places_and_the_index_counts_them() {
    let site = SiteTest::fixture("places");
    site.build();
    // (name, link, items, reported, [新入会职工, 下派蹲点干部]).
    let row = |name: &str, url: &str, items: &str, reported: &str, cells: &[&str]| {
        (
            name.to_string(),
            url.to_string(),
            items.to_string(),
            reported.to_string(),
            cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        place_rows(&site.page("/regions/shandong/")),
        [row("青岛市", "/regions/shandong/qingdao/", "5", "1", &["407人"])]
    );
    assert_eq!(
        place_rows(&site.page("/regions/shandong/qingdao/")),
        [
            row("黄岛区", "/regions/shandong/qingdao/huangdao/", "1", "0", &["7人"]),
            row("莱西市", "/regions/shandong/qingdao/laixi/", "3", "1", &["380人"]),
        ]
    );
    // Both metrics have a figure in 西安: both are columns.
    assert_eq!(
        place_rows(&site.page("/regions/shaanxi/xian/")),
        [row(
            "碑林区",
            "/regions/shaanxi/xian/beilin/",
            "2",
            "1",
            &["40人", "10人"]
        )]
    );
    assert_eq!(
        place_rows(&site.page("/regions/chongqing/")),
        [row("渝北区", "/regions/chongqing/yubei/", "1", "1", &["71人"])]
    );
    // A county has no table.
    assert!(place_rows(&site.page("/regions/shandong/qingdao/laixi/")).is_empty());
    // Tables scroll inside their wrapper.
    let page = site.page("/regions/shandong/");
    assert_eq!(page.select(&sel("main .table-wrap > table.place-table")).count(), 1);

    let index = site.page("/regions/");
    let counts = |name: &str| -> String {
        index
            .select(&sel("main .province-grid li"))
            .find(|li| {
                li.select(&sel(".province-name"))
                    .any(|n| n.text().collect::<String>() == name)
            })
            .and_then(|li| li.select(&sel(".province-places")).next())
            .map(|s| s.text().collect())
            .unwrap_or_default()
    };
    assert_eq!(counts("山东省"), "，3个市县有专页");
    assert_eq!(counts("陕西省"), "，2个市县有专页");
    assert_eq!(counts("重庆市"), "，1个市县有专页");
    assert_eq!(counts("全国"), "");
}

#[test]
fn the_feed_of_a_province_or_place_lists_what_its_page_lists() {
    let site = SiteTest::fixture("places");
    site.build();
    for path in [
        "/regions/shandong/",
        "/regions/shandong/qingdao/",
        "/regions/shandong/qingdao/laixi/",
        "/regions/shandong/qingdao/huangdao/",
        "/regions/shaanxi/xian/beilin/",
        "/regions/chongqing/",
        "/regions/chongqing/yubei/",
        "/regions/sichuan/",
        "/regions/sichuan/yaan/",
    ] {
        let page = site.page(path);
        let mut listed: Vec<String> = cards(&page, "subject-items");
        listed.extend(cards(&page, "subject-reported"));
        listed.sort();
        let feed = site.read(&format!("{path}atom.xml"));
        let doc = roxmltree::Document::parse(&feed).unwrap();
        let mut entries: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .filter_map(|e| e.children().find(|c| c.has_tag_name("link")))
            .filter_map(|l| l.attribute("href"))
            .map(|h| h.strip_prefix("https://places.example.org").unwrap().to_string())
            .collect();
        entries.sort();
        assert!(!entries.is_empty(), "{path}");
        assert_eq!(entries, listed, "{path}");
        assert_eq!(
            attrs(&page, "main .feed-link", "href"),
            [format!("https://places.example.org{path}atom.xml")]
        );
    }
}

#[test]
fn stats_json_and_the_csv_carry_the_resolved_place_code_and_path() {
    let site = SiteTest::fixture("places");
    site.build();
    let stats = site.stats_json();
    let places = metric(&stats, "members")["places"].as_array().unwrap();
    let row = |code: u64| {
        places
            .iter()
            .find(|p| p["code"].as_u64() == Some(code))
            .unwrap_or_else(|| panic!("no place {code} in {places:?}"))
    };
    // 莱西, written 山东莱西, 山东省青岛市莱西市, 莱西市总工会 and 山东青岛莱西: one code.
    let laixi = row(370285);
    assert_eq!(laixi["path"], "shandong/qingdao/laixi");
    assert_eq!(laixi["name"], "莱西市");
    assert_eq!(laixi["value"], "380");
    assert_eq!(laixi["sources"].as_array().unwrap().len(), 4);
    assert_eq!(row(370200)["value"], "407");
    assert_eq!(row(610103)["path"], "shaanxi/xian/beilin");
    assert_eq!(row(500112)["path"], "chongqing/yubei");
    assert_eq!(row(511800)["value"], "9");
    let codes: Vec<u64> = places.iter().map(|p| p["code"].as_u64().unwrap()).collect();
    assert_eq!(codes, [370200, 370211, 370285, 500112, 511800, 610100, 610103]);
    let csv = site.read("/stats/places.csv");
    assert!(
        csv.lines()
            .any(|l| l == "members,新入会职工,人,sum,shandong,370285,shandong/qingdao/laixi,莱西市,380,false"),
        "{csv}"
    );
    assert!(site.read("/stats/").contains("places.csv"));
}

#[test]
fn search_filters_by_city() {
    let site = SiteTest::fixture("places");
    let built = site.build();
    let with = |place: &str| -> Vec<String> {
        let f = bulletin::render::search::Filters {
            place: Some(place.to_string()),
            ..Default::default()
        };
        let dir = built.output.join("search");
        let mut urls: Vec<String> = bulletin::render::search::search(&dir, "", &f)
            .unwrap()
            .into_iter()
            .map(|h| h.url)
            .collect();
        urls.sort();
        urls
    };
    let mut qingdao = urls(
        &site,
        &[
            "laixi-short.md",
            "laixi-full.md",
            "laixi-unit.md",
            "qingdao.md",
            "huangdao.md",
        ],
    );
    qingdao.sort();
    assert_eq!(with("370200"), qingdao);
    let mut laixi = urls(&site, &["laixi-short.md", "laixi-full.md", "laixi-unit.md"]);
    laixi.sort();
    assert_eq!(with("370285"), laixi);
    let page = site.page("/search/");
    let options = attrs(&page, "#search-city option", "value");
    assert_eq!(
        options,
        ["", "370200", "370211", "370285", "500112", "511800", "610100", "610103"]
    );
    assert_eq!(text(&page, "#search-city option[value='370285']"), "山东 青岛市莱西市");
}

#[test]
fn no_change_is_shown_without_an_earlier_bulletin() {
    let one = item(
        "title: 莱西新入会\ndate: 2022-06-20\nregion: 山东莱西\nfigures:\n  - metric: members_joined\n    value: 6283\n",
        "新入会6283人。\n",
    );
    let site = site().with("content/a.md", &one);
    site.build();
    for path in ["/regions/shandong/", "/regions/shandong/qingdao/laixi/"] {
        let page = site.page(path);
        let cells = texts(&page, "main .running-table tbody tr td");
        assert_eq!(cells.last().map(String::as_str), Some("—暂无"), "{path}: {cells:?}");
        assert!(!page.html().contains("+6,283"), "{path}");
        // One month is no line: the value is written out instead of a lone dot.
        assert_eq!(page.select(&sel("main .by-month svg")).count(), 0, "{path}");
        assert!(
            text(&page, "main .by-month .chart-single").contains("6,283人"),
            "{path}"
        );
    }
    // With an earlier bulletin the change is shown.
    let two = item(
        "title: 莱西再添新会员\ndate: 2022-06-27\nregion: 山东莱西\nfigures:\n  - metric: members_joined\n    value: 17\n",
        "新入会17人。\n",
    );
    site.write("content/b.md", &two);
    site.build();
    let page = site.page("/regions/shandong/qingdao/laixi/");
    let cells = texts(&page, "main .running-table tbody tr td");
    assert_eq!(cells.last().map(String::as_str), Some("+17人"), "{cells:?}");
}

#[test]
fn the_map_legend_has_words_and_the_range() {
    let site = SiteTest::fixture("places");
    site.build();
    let page = site.page("/stats/");
    let legend = texts(&page, "svg.tile-map[aria-labelledby^='map-members-'] text.legend-label");
    assert_eq!(legend, ["少 9人", "多 407人"]);
    let en = SiteTest::fixture("places");
    let yaml = std::fs::read_to_string(en.root().join("site.yaml")).unwrap();
    en.write("site.yaml", format!("{yaml}language: en\n"));
    en.build();
    let legend = texts(
        &en.page("/stats/"),
        "svg.tile-map[aria-labelledby^='map-members-'] text.legend-label",
    );
    assert_eq!(legend, ["Fewer 9人", "More 407人"]);
}
