//! The `stats` fixture: every number of stats.json against values worked out by hand.
//!
//! The five items (site order is newest first: E, D, C, B, A):
//!
//! | item | date | region | topics | figures |
//! |---|---|---|---|---|
//! | A a-shandong | 05-10 | 山东 | 基层蹲点 | cadres 120 (as_of 05-08), teams 3, members 3000, funds 8000元, discount 15% |
//! | B b-shandong | 06-05 | 山东济南 | 基层蹲点, 入会 | cadres 150 (as_of 06-01), teams 4, members 1.2万, discount 20% |
//! | C c-guangdong | 06-10 | 广东 | 入会 | cadres 80, teams 2, members 约5000, funds 300万元, discount 18%, 走访企业 40 (no metric) |
//! | D d-quanguo | 07-01 | 全国 | 基层蹲点, 经费保障 | cadres 5000; members 1.5万 for 重庆; funds 2900余万元 for 四川, 160万元 for 海南 |
//! | E e-shandong-late | 07-03 | 山东 | 基层蹲点 | cadres 100 (as_of 04-30) |
//!
//! Provinces are listed in registry order (全国, …, 山东, …, 广东, 海南, 重庆, 四川, …),
//! topics in site.yaml order (基层蹲点 dundian, 入会 ruhui, 经费保障 jingfei), months by as_of.

use crate::harness::*;

const A: &str = "https://stats.example.org/news/2022/05/10/shandong-wuyue/";
const B: &str = "https://stats.example.org/news/2022/06/05/jinan-liuyue/";
const C: &str = "https://stats.example.org/news/2022/06/10/guangdong-ruhui/";
const D: &str = "https://stats.example.org/news/2022/07/01/quanguo-zongshu/";

fn stats() -> serde_json::Value {
    let site = SiteTest::fixture("stats");
    let b = site.build();
    assert_eq!(b.items, 5);
    assert!(b.warnings.is_empty(), "{}", render(&b.warnings));
    site.stats_json()
}

fn month(m: &str, in_month: (&str, bool), running: (&str, bool)) -> (String, Num, Num) {
    (m.to_string(), n(in_month.0, in_month.1), n(running.0, running.1))
}

#[test]
fn latest_counts_a_to_date_figure_once_and_prefers_the_national_one() {
    let s = stats();
    // 山东 reported three to-date figures: 100 as of 04-30 (in item E, the newest item),
    // 120 as of 05-08 (A) and 150 as of 06-01 (B). The newest as_of wins: 150, not E's 100,
    // and never 100 + 120 + 150.
    // The national 5000 (D, as of 07-01) beats the sum of the provinces (150 + 80 = 230).
    assert_eq!(total(&s, "cadres"), n("5000", false));
    assert_eq!(metric(&s, "cadres")["total"]["sources"], serde_json::json!([D]));
    assert_eq!(
        rows(&s, "cadres", "provinces"),
        expect_rows(&[
            ("quanguo", "5000", false),
            ("shandong", "150", false),
            ("guangdong", "80", false)
        ])
    );
    assert_eq!(metric(&s, "cadres")["provinces"][1]["sources"], serde_json::json!([B]));
    // By as_of month. April: E's 100. May: A's 120 replaces it. June: 山东 150 (B) + 广东 80 (C)
    // = 230, both in the month and running. July: the national 5000.
    assert_eq!(
        months(&s, "cadres"),
        [
            month("2022-04", ("100", false), ("100", false)),
            month("2022-05", ("120", false), ("120", false)),
            month("2022-06", ("230", false), ("230", false)),
            month("2022-07", ("5000", false), ("5000", false)),
        ]
    );
    // Per topic. 基层蹲点 (A, B, D, E) has the national figure: 5000. 入会 (B, C): 150 + 80 = 230.
    // 经费保障 (D): 5000.
    assert_eq!(
        rows(&s, "cadres", "topics"),
        expect_rows(&[
            ("dundian", "5000", false),
            ("ruhui", "230", false),
            ("jingfei", "5000", false)
        ])
    );
}

#[test]
fn latest_without_a_national_figure_sums_the_provinces_latest() {
    let s = stats();
    // 山东 3 (A, 05-10) then 4 (B, 06-05): 4. 广东 2. Total 4 + 2 = 6, not 3 + 4 + 2 = 9.
    assert_eq!(total(&s, "teams"), n("6", false));
    assert_eq!(
        rows(&s, "teams", "provinces"),
        expect_rows(&[("shandong", "4", false), ("guangdong", "2", false)])
    );
    assert_eq!(
        months(&s, "teams"),
        [
            month("2022-05", ("3", false), ("3", false)),
            month("2022-06", ("6", false), ("6", false)),
        ]
    );
    // 基层蹲点 (A, B): 山东's latest, 4. 入会 (B, C): 4 + 2 = 6. 经费保障 has no teams figure.
    assert_eq!(
        rows(&s, "teams", "topics"),
        expect_rows(&[("dundian", "4", false), ("ruhui", "6", false)])
    );
}

#[test]
fn sum_with_wan_and_approximate_figures() {
    let s = stats();
    // 3000 + 1.2万 (12000) + 约5000 + 1.5万 (15000, D's figure counted for 重庆) = 35000,
    // approximate because of 约5000.
    assert_eq!(total(&s, "members"), n("35000", true));
    // 全国 has no row: D's only members figure is counted for 重庆.
    assert_eq!(
        rows(&s, "members", "provinces"),
        expect_rows(&[
            ("shandong", "15000", false),
            ("guangdong", "5000", true),
            ("chongqing", "15000", false)
        ])
    );
    // May 3000; June 12000 + 约5000 = 17000 (approximate), running 20000; July 15000 (exact in
    // the month), running 35000 (approximate since June).
    assert_eq!(
        months(&s, "members"),
        [
            month("2022-05", ("3000", false), ("3000", false)),
            month("2022-06", ("17000", true), ("20000", true)),
            month("2022-07", ("15000", false), ("35000", true)),
        ]
    );
    // 基层蹲点 (A, B, D): 3000 + 12000 + 15000 = 30000. 入会 (B, C): 12000 + 约5000 = 17000.
    // 经费保障 (D): 15000.
    assert_eq!(
        rows(&s, "members", "topics"),
        expect_rows(&[
            ("dundian", "30000", false),
            ("ruhui", "17000", true),
            ("jingfei", "15000", false)
        ])
    );
    let m = metric(&s, "members");
    assert_eq!(m["total"]["sources"], serde_json::json!([D, C, B, A]));
    // A month lists its own sources; its running total comes from those of it and the months
    // before, which are not listed again (that made the file quadratic in months).
    let months = m["months"].as_array().unwrap();
    let july = months.iter().find(|x| x["month"] == "2022-07").unwrap();
    assert_eq!(july["in_month"]["sources"], serde_json::json!([D]));
    assert!(july["running"].get("sources").is_none(), "{july}");
    assert_eq!(m["unit"], "人");
    assert_eq!(m["aggregate"], "sum");
}

#[test]
fn sum_converts_wan_yuan_into_yuan() {
    let s = stats();
    // In 元: A 8000; C 300万元 = 3000000; D 2900余万 元 = 29000000 (approximate, 四川) and
    // 160万元 = 1600000 (海南). Total 33608000, approximate.
    assert_eq!(total(&s, "funds"), n("33608000", true));
    assert_eq!(
        rows(&s, "funds", "provinces"),
        expect_rows(&[
            ("shandong", "8000", false),
            ("guangdong", "3000000", false),
            ("hainan", "1600000", false),
            ("sichuan", "29000000", true),
        ])
    );
    // May 8000; June 3000000, running 3008000; July 29000000 + 1600000 = 30600000, running 33608000.
    assert_eq!(
        months(&s, "funds"),
        [
            month("2022-05", ("8000", false), ("8000", false)),
            month("2022-06", ("3000000", false), ("3008000", false)),
            month("2022-07", ("30600000", true), ("33608000", true)),
        ]
    );
    // 基层蹲点 (A, D): 8000 + 30600000. 入会 (C): 3000000. 经费保障 (D): 30600000.
    assert_eq!(
        rows(&s, "funds", "topics"),
        expect_rows(&[
            ("dundian", "30608000", true),
            ("ruhui", "3000000", false),
            ("jingfei", "30600000", true)
        ])
    );
    // Displayed the way the paper writes it.
    assert_eq!(metric(&s, "funds")["total"]["display"], "约3,360.8万元");
    assert_eq!(metric(&s, "funds")["provinces"][0]["display"], "8,000元");
}

#[test]
fn max_takes_the_largest() {
    let s = stats();
    // 15% (A), 20% (B), 18% (C): 20, from B.
    assert_eq!(total(&s, "discount"), n("20", false));
    assert_eq!(metric(&s, "discount")["total"]["sources"], serde_json::json!([B]));
    assert_eq!(metric(&s, "discount")["total"]["display"], "20%");
    assert_eq!(
        rows(&s, "discount", "provinces"),
        expect_rows(&[("shandong", "20", false), ("guangdong", "18", false)])
    );
    assert_eq!(
        months(&s, "discount"),
        [
            month("2022-05", ("15", false), ("15", false)),
            month("2022-06", ("20", false), ("20", false)),
        ]
    );
    // 基层蹲点 (A, B): 20. 入会 (B, C): 20.
    assert_eq!(
        rows(&s, "discount", "topics"),
        expect_rows(&[("dundian", "20", false), ("ruhui", "20", false)])
    );
}

#[test]
fn a_figure_region_override_counts_for_that_province() {
    let site = SiteTest::fixture("stats");
    site.build();
    // D is filed under 全国; its 1.5万 members count for 重庆, whose page exists only for that.
    let chongqing = site.page("/regions/chongqing/");
    assert!(texts(&chongqing, "main .subject-items .card-title a").is_empty());
    assert_eq!(
        attrs(&chongqing, "main .subject-reported .card-title a", "href"),
        ["/news/2022/07/01/quanguo-zongshu/"]
    );
    let row = texts(&chongqing, "main .subject-stats > .table-wrap tbody tr");
    assert_eq!(row.len(), 1, "{row:?}");
    assert!(row[0].starts_with("新入会职工"), "{row:?}");
    assert!(row[0].contains("1.5万人"), "{row:?}");
    // 四川 and 海南 likewise; 全国's own page lists D as its item.
    assert!(site.exists("/regions/sichuan/"));
    assert!(site.exists("/regions/hainan/"));
    let quanguo = site.page("/regions/quanguo/");
    assert_eq!(
        attrs(&quanguo, "main .subject-items .card-title a", "href"),
        ["/news/2022/07/01/quanguo-zongshu/"]
    );
}

#[test]
fn csv_tables_match_the_json() {
    let site = SiteTest::fixture("stats");
    site.build();
    let provinces = site.read("/stats/provinces.csv");
    let lines: Vec<&str> = provinces.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "metric,label,unit,aggregate,province,province_name,value,approximate"
    );
    assert!(
        lines.contains(&"funds,专项经费,元,sum,sichuan,四川,29000000,true"),
        "{provinces}"
    );
    assert!(
        lines.contains(&"cadres,下派蹲点干部,人,latest,shandong,山东,150,false"),
        "{provinces}"
    );
    let months = site.read("/stats/months.csv");
    assert!(
        months.contains("\r\nmembers,新入会职工,人,2022-06,17000,20000,true\r\n"),
        "{months}"
    );
    let topics = site.read("/stats/topics.csv");
    assert!(
        topics.contains("\r\nteams,蹲点工作组,个,入会,ruhui,6,false\r\n"),
        "{topics}"
    );
}

#[test]
fn links_resolve() {
    // 2022-04 has a figure (E's as_of) but no item, so no /archive/2022/04/.
    let site = SiteTest::fixture("stats");
    site.build();
    let broken = site.broken_links("https://stats.example.org/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
