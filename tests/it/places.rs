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
