//! The example site at the repository root (the 2022-06-20 bulletin, nine items): pages,
//! permalinks and statistics checked against numbers worked out by hand from the seed text.

use crate::harness::*;

/// The bulletin's items in print order (`order: 1` … `order: 9`): title and URL.
const ISSUE: [(&str, &str); 9] = [
    (
        "全国工会积极稳妥开展基层蹲点工作",
        "news/2022/06/20/quanguo-jiceng-dundian/",
    ),
    ("技能大师直播带“课”", "news/2022/06/16/huainan-jineng-dashi-zhibo/"),
    ("工地上的防暑演练", "news/2022/06/16/wuhu-fangshu-yanlian/"),
    (
        "山东莱西:劳模就医可享受优诊服务",
        "news/2022/06/20/laixi-laomo-jiuyi-youzhen/",
    ),
    ("古城建“家”记", "news/2022/06/20/beilin-gucheng-jian-jia/"),
    (
        "广东工会2022年疗休养活动启动",
        "news/2022/06/15/guangdong-liaoxiuyang-qidong/",
    ),
    (
        "广西工会构建新时代工会经审监督体系",
        "news/2022/06/20/guangxi-jingshen-jiandu/",
    ),
    (
        "“工会红娘”搭鹊桥 单身职工结良缘",
        "news/2022/06/20/jingzhou-gonghui-hongniang/",
    ),
    ("幸福食堂里的幸福生活", "news/2022/06/19/wulian-xingfu-shitang/"),
];

const LEAD: &str = "/news/2022/06/20/quanguo-jiceng-dundian/";

fn built() -> SiteTest {
    let site = SiteTest::example();
    let b = site.build();
    assert_eq!(b.items, 9);
    // Without a CJK font on the machine, the PDF edition is skipped with one warning (CI
    // installs fonts-noto-cjk, and then there is none).
    let others: Vec<String> = b
        .warnings
        .iter()
        .filter(|w| !w.message.starts_with("no CJK font"))
        .map(ToString::to_string)
        .collect();
    assert!(others.is_empty(), "warnings:\n{}", others.join("\n"));
    site
}

#[test]
fn every_item_has_its_page() {
    let site = built();
    for (title, url) in ISSUE {
        let page = site.page(&format!("/{url}"));
        assert_eq!(text(&page, "main h1"), title, "{url}");
    }
}

#[test]
fn province_pages_are_those_with_items_or_reported_figures() {
    let site = built();
    let mut pages: Vec<String> = std::fs::read_dir(site.out().join("regions"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    // Own items: 全国 (the round-up), 安徽 (淮南, 芜湖), 山东 (莱西, 五莲), 陕西 (碑林), 广东, 广西, 湖北 (荆州).
    // Figures of the round-up counted elsewhere: 山西 (work_teams), 江西 (enterprises_covered),
    // 重庆 (members_joined), 四川 and 海南 (special_funds).
    let mut expected = vec![
        "quanguo",
        "anhui",
        "shandong",
        "shaanxi",
        "guangdong",
        "guangxi",
        "hubei",
        "shanxi",
        "jiangxi",
        "chongqing",
        "sichuan",
        "hainan",
    ];
    expected.sort_unstable();
    assert_eq!(pages, expected);
    for slug in expected {
        assert!(site.exists(&format!("/regions/{slug}/")), "{slug}");
    }
}

#[test]
fn shaanxi_and_shanxi_are_different_provinces() {
    let site = built();
    let shaanxi = site.page("/regions/shaanxi/");
    let shanxi = site.page("/regions/shanxi/");
    assert_eq!(text(&shaanxi, "main h1"), "陕西省");
    assert_eq!(text(&shanxi, "main h1"), "山西省");

    // 陕西 has the 碑林 story as its own item; 山西 has none of its own.
    let shaanxi_items = texts(&shaanxi, ".subject-items .card-title a");
    assert_eq!(shaanxi_items, ["古城建“家”记"]);
    assert!(texts(&shanxi, ".subject-items .card-title a").is_empty());
    // 山西's 3 work teams come from the national round-up, which 陕西 does not report.
    assert_eq!(
        texts(&shanxi, ".subject-reported .card-title a"),
        ["全国工会积极稳妥开展基层蹲点工作"]
    );
    assert!(texts(&shaanxi, ".subject-reported .card-title a").is_empty());
    let shanxi_stats = texts(&shanxi, ".subject-stats > .table-wrap tbody tr");
    assert_eq!(shanxi_stats.len(), 1, "{shanxi_stats:?}");
    assert!(shanxi_stats[0].contains("蹲点工作组"), "{shanxi_stats:?}");
    assert!(shanxi_stats[0].contains('3'), "{shanxi_stats:?}");
    let shaanxi_stats = texts(&shaanxi, ".subject-stats > .table-wrap tbody tr").join("\n");
    assert!(shaanxi_stats.contains("新入会职工"), "{shaanxi_stats}");
    assert!(!shaanxi_stats.contains("蹲点工作组"), "{shaanxi_stats}");
}

#[test]
fn statistics_equal_hand_computed_values() {
    let site = built();
    let s = site.stats_json();
    assert_eq!(s["base_url"], "https://example.org/bulletin/");

    // Metrics in site.yaml order.
    let keys: Vec<&str> = s["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "cadres_dispatched",
            "members_joined",
            "special_funds",
            "workers_benefited",
            "events_held",
            "participants",
            "couples_matched",
            "model_workers_served",
            "rules_made",
            "recuperation_bases",
            "enterprises_covered",
            "work_teams",
            "hospitals_designated",
            "discount_rate",
        ]
    );

    // latest: the round-up's national 6283 (as of 2022-06-15) is the only figure.
    assert_eq!(total(&s, "cadres_dispatched"), n("6283", false));
    assert_eq!(
        rows(&s, "cadres_dispatched", "provinces"),
        expect_rows(&[("quanguo", "6283", false)])
    );

    // sum: 重庆 1.5万 + 4万 = 55000 (from the round-up); 陕西 870 + 78 + 88 + 3500 = 4536;
    // total 59536. Registry order: 重庆 before 陕西.
    assert_eq!(total(&s, "members_joined"), n("59536", false));
    assert_eq!(
        rows(&s, "members_joined", "provinces"),
        expect_rows(&[("chongqing", "55000", false), ("shaanxi", "4536", false)])
    );

    // 元: 四川 2900余万 = 29000000 (approximate), 海南 160万 = 1600000; total 30600000, approximate.
    assert_eq!(total(&s, "special_funds"), n("30600000", true));
    assert_eq!(
        rows(&s, "special_funds", "provinces"),
        expect_rows(&[("hainan", "1600000", false), ("sichuan", "29000000", true)])
    );

    // 广东 约30万 (approximate) + 陕西 62 女骑手 = 300062, approximate.
    assert_eq!(total(&s, "workers_benefited"), n("300062", true));
    assert_eq!(
        rows(&s, "workers_benefited", "provinces"),
        expect_rows(&[("guangdong", "300000", true), ("shaanxi", "62", false)])
    );

    // 湖北 11020 人次 + 广东 200余 人次 = 11220, approximate.
    assert_eq!(total(&s, "participants"), n("11220", true));
    assert_eq!(
        rows(&s, "participants", "provinces"),
        expect_rows(&[("hubei", "11020", false), ("guangdong", "200", true)])
    );

    // 广西 14 + 100多 = 114, approximate.
    assert_eq!(total(&s, "rules_made"), n("114", true));
    assert_eq!(
        rows(&s, "rules_made", "provinces"),
        expect_rows(&[("guangxi", "114", true)])
    );

    // max: 山东 20%.
    assert_eq!(total(&s, "discount_rate"), n("20", false));
    assert_eq!(
        rows(&s, "discount_rate", "provinces"),
        expect_rows(&[("shandong", "20", false)])
    );

    // The remaining single-figure metrics.
    assert_eq!(total(&s, "events_held"), n("150", true)); // 湖北 150余场次
    assert_eq!(total(&s, "couples_matched"), n("300", true)); // 湖北 300多对
    assert_eq!(total(&s, "model_workers_served"), n("600", true)); // 山东 600余人
    assert_eq!(total(&s, "recuperation_bases"), n("65", false)); // 广东 65家
    assert_eq!(total(&s, "enterprises_covered"), n("100", false)); // 江西 100家 (round-up)
    assert_eq!(
        rows(&s, "enterprises_covered", "provinces"),
        expect_rows(&[("jiangxi", "100", false)])
    );
    assert_eq!(total(&s, "work_teams"), n("3", false)); // 山西 3个 (round-up)
    assert_eq!(
        rows(&s, "work_teams", "provinces"),
        expect_rows(&[("shanxi", "3", false)])
    );
    assert_eq!(total(&s, "hospitals_designated"), n("21", false)); // 山东 21家

    // Every figure of the example is dated June 2022 (as_of 2022-06-15 for the national one).
    for m in s["metrics"].as_array().unwrap() {
        let key = m["key"].as_str().unwrap();
        let table = months(&s, key);
        assert_eq!(table.len(), 1, "{key}");
        assert_eq!(table[0].0, "2022-06", "{key}");
        assert_eq!(table[0].2, total(&s, key), "{key}: June's running value is the total");
    }

    // Sources are absolute URLs of the items the figures come from.
    assert_eq!(
        metric(&s, "members_joined")["total"]["sources"],
        serde_json::json!([
            "https://example.org/bulletin/news/2022/06/20/quanguo-jiceng-dundian/",
            "https://example.org/bulletin/news/2022/06/20/beilin-gucheng-jian-jia/",
        ])
    );
}

#[test]
fn statistics_per_topic() {
    let site = built();
    let s = site.stats_json();
    // The round-up is filed under 基层蹲点 and 新就业形态; 碑林 under 新就业形态 only.
    assert_eq!(
        rows(&s, "members_joined", "topics"),
        expect_rows(&[("grassroots", "55000", false), ("new-employment", "59536", false)])
    );
    assert_eq!(
        rows(&s, "special_funds", "topics"),
        expect_rows(&[("grassroots", "30600000", true), ("new-employment", "30600000", true)])
    );
    // 广东 (疗休养) 200余 and 湖北 (婚恋服务) 11020.
    assert_eq!(
        rows(&s, "participants", "topics"),
        expect_rows(&[("recuperation", "200", true), ("matchmaking", "11020", false)])
    );
}

#[test]
fn csv_files_start_with_a_bom() {
    let site = built();
    for name in ["provinces.csv", "months.csv", "topics.csv"] {
        let bytes = std::fs::read(site.file_of(&format!("/stats/{name}"))).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name} has no UTF-8 BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains("\r\n"), "{name}: RFC 4180 line ends");
    }
    let provinces = site.read("/stats/provinces.csv");
    assert!(
        provinces.contains("\r\nmembers_joined,新入会职工,人,sum,chongqing,重庆,55000,false\r\n"),
        "{provinces}"
    );
    assert!(
        provinces.contains("\r\nspecial_funds,专项经费,元,sum,sichuan,四川,29000000,true\r\n"),
        "{provinces}"
    );
}

#[test]
fn lead_story_page() {
    let site = built();
    let page = site.page(LEAD);
    assert_eq!(text(&page, "main h1"), "全国工会积极稳妥开展基层蹲点工作");
    assert_eq!(text(&page, "main .subtitle"), "全国省市县三级工会已下派蹲点干部6283人");
    assert_eq!(text(&page, "main .item-meta time"), "2022年6月20日");
    assert_eq!(
        attrs(&page, "main .item-meta time", "datetime"),
        ["2022-06-20T00:00:00+08:00"]
    );
    assert_eq!(text(&page, "main .meta-byline"), "记者 朱欣");
    assert_eq!(text(&page, "main .meta-source"), "本报讯");
    let figures = text(&page, "main aside.figures");
    assert!(figures.contains("6283"), "{figures}");
    let rows = texts(&page, "main aside.figures tbody tr");
    assert_eq!(rows.len(), 8, "{rows:?}");
    assert!(
        rows[0].starts_with("全国省市县三级工会已下派蹲点干部 6283人"),
        "{rows:?}"
    );
    // The figures counted for other provinces link to them.
    let counted_for = attrs(&page, "main aside.figures tbody a[href^='/bulletin/regions/']", "href");
    assert_eq!(
        counted_for,
        [
            "/bulletin/regions/shanxi/",
            "/bulletin/regions/jiangxi/",
            "/bulletin/regions/chongqing/",
            "/bulletin/regions/chongqing/",
            "/bulletin/regions/sichuan/",
            "/bulletin/regions/hainan/",
        ]
    );
    // The canonical link is absolute under base_url.
    assert_eq!(
        attrs(&page, "link[rel=canonical]", "href"),
        ["https://example.org/bulletin/news/2022/06/20/quanguo-jiceng-dundian/"]
    );
}

#[test]
fn chongqing_lists_the_round_up_among_items_reporting_its_figures() {
    let site = built();
    let page = site.page("/regions/chongqing/");
    assert_eq!(text(&page, "main h1"), "重庆市");
    assert_eq!(
        attrs(&page, ".subject-reported .card-title a", "href"),
        [format!("/bulletin{LEAD}")]
    );
    let stats = texts(&page, ".subject-stats > .table-wrap tbody tr").join("\n");
    assert!(stats.contains("新入会职工"), "{stats}");
    assert!(stats.contains("5.5万人"), "{stats}");
}

#[test]
fn bulletin_page_lists_all_items_in_order() {
    let site = built();
    let page = site.page("/bulletins/2022-06-20/");
    let titles = texts(&page, "main .issue-cards .card-title a");
    let expected: Vec<&str> = ISSUE.iter().map(|(t, _)| *t).collect();
    assert_eq!(titles, expected);
    let hrefs = attrs(&page, "main .issue-cards .card-title a", "href");
    let expected: Vec<String> = ISSUE.iter().map(|(_, u)| format!("/bulletin/{u}")).collect();
    assert_eq!(hrefs, expected);
    assert_eq!(text(&page, "main h1"), "第12期 （总第345期）");
    assert_eq!(text(&page, "main .issue-signed-by"), "王某");
    assert!(text(&page, "main .issue-note").contains("学习借鉴"));
}

#[test]
fn home_links_to_the_latest_bulletin_in_order() {
    let site = built();
    let page = site.page("/");
    let hrefs = attrs(&page, "main .issue .card-title a", "href");
    let expected: Vec<String> = ISSUE.iter().map(|(_, u)| format!("/bulletin/{u}")).collect();
    assert_eq!(hrefs, expected);
    assert_eq!(
        attrs(&page, "main .issue h2 a", "href"),
        ["/bulletin/bulletins/2022-06-20/"]
    );
}

#[test]
fn item_pages_link_their_neighbours_in_the_bulletin() {
    let site = built();
    // Item 4 of the bulletin: previous is item 3, next is item 5.
    let page = site.page("/news/2022/06/20/laixi-laomo-jiuyi-youzhen/");
    assert_eq!(
        attrs(&page, "main .pager a[rel=prev]", "href"),
        ["/bulletin/news/2022/06/16/wuhu-fangshu-yanlian/"]
    );
    assert_eq!(
        attrs(&page, "main .pager a[rel=next]", "href"),
        ["/bulletin/news/2022/06/20/beilin-gucheng-jian-jia/"]
    );
}

#[test]
fn interface_strings_are_translated() {
    // Breadcrumbs and page titles come from the theme's i18n file, never its raw keys.
    let site = built();
    let item = site.page(LEAD);
    assert_eq!(texts(&item, "main .breadcrumbs a")[0], "首页");
    let stats = site.page("/stats/");
    let title = text(&stats, "title");
    assert!(!title.starts_with("stats"), "untranslated page title: {title}");
    let region = site.page("/regions/shandong/");
    let crumbs = texts(&region, "main .breadcrumbs a");
    assert_eq!(crumbs, ["首页", "地区"]);
}

#[test]
fn the_binary_builds_and_checks_the_example() {
    let site = SiteTest::example();
    let run = site.run(&["check"]);
    run.expect_status(0);
    assert!(run.stdout.contains("checked: no errors, 0 warnings"), "{}", run.stdout);
    assert!(!site.root().join("public").exists(), "check writes nothing");
    let run = site.run(&["build"]);
    run.expect_status(0);
    assert!(run.stdout.starts_with("built 9 items, "), "{}", run.stdout);
    assert!(site.exists(LEAD));
}

#[test]
fn social_tags_describe_each_page_and_the_navigation_marks_its_section() {
    let site = built();
    let meta = |page: &scraper::Html, attr: &str, name: &str| attrs(page, &format!("meta[{attr}='{name}']"), "content");
    let item = site.page(LEAD);
    let title = text(&item, "main h1");
    assert_eq!(meta(&item, "property", "og:type"), ["article"]);
    assert_eq!(meta(&item, "property", "og:title"), [title]);
    assert_eq!(
        meta(&item, "property", "og:url"),
        attrs(&item, "link[rel=canonical]", "href")
    );
    assert_eq!(meta(&item, "property", "og:locale"), ["zh_CN"]);
    assert_eq!(
        meta(&item, "property", "og:description"),
        attrs(&item, "meta[name=description]", "content")
    );
    assert_eq!(meta(&item, "property", "article:published_time").len(), 1);
    assert_eq!(meta(&item, "name", "twitter:card").len(), 1);
    // The navigation: the item's section is none of the index pages; its own index marks itself.
    assert!(attrs(&item, ".site-nav a[aria-current]", "href").is_empty());
    let regions = site.page("/regions/");
    assert_eq!(meta(&regions, "property", "og:type"), ["website"]);
    assert_eq!(
        attrs(&regions, ".site-nav a[aria-current=page]", "href"),
        ["/bulletin/regions/"]
    );
    assert_eq!(attrs(&regions, ".site-nav li.active a", "href"), ["/bulletin/regions/"]);
    // A province page is in the regions section, but not its index.
    let province = site.page("/regions/chongqing/");
    assert_eq!(
        attrs(&province, ".site-nav li.active a", "href"),
        ["/bulletin/regions/"]
    );
    assert!(attrs(&province, ".site-nav a[aria-current]", "href").is_empty());
    // Home is the home section's index; the masthead is its h1 there and a paragraph elsewhere.
    let home = site.page("/");
    assert_eq!(attrs(&home, ".site-nav a[aria-current=page]", "href"), ["/bulletin/"]);
    assert_eq!(texts(&home, "h1.site-title").len(), 1);
    assert!(texts(&item, "h1.site-title").is_empty());
}
