//! Region spellings from the contract: full and short names, pinyin slugs, English aliases,
//! a locality after the province, 全国 and 新疆生产建设兵团, and 陕西 ≠ 山西.

use crate::harness::*;

/// (region as written, province page slug, the item page's region line: the province, then the
/// place's official name).
const CASES: &[(&str, &str, &str)] = &[
    ("山东", "shandong", "山东"),
    ("山东省", "shandong", "山东"),
    ("shandong", "shandong", "山东"),
    ("山东莱西", "shandong", "山东 莱西市"),
    ("山东省青岛市莱西市", "shandong", "山东 莱西市"),
    ("陕西西安碑林区", "shaanxi", "陕西 碑林区"),
    ("Shaanxi", "shaanxi", "陕西"),
    ("山西太原", "shanxi", "山西 太原市"),
    ("shanxi", "shanxi", "山西"),
    ("内蒙古自治区", "neimenggu", "内蒙古"),
    ("Inner Mongolia", "neimenggu", "内蒙古"),
    ("Tibet", "xizang", "西藏"),
    ("Hong Kong", "xianggang", "香港"),
    ("Macau", "aomen", "澳门"),
    ("全国", "quanguo", "全国"),
    ("新疆生产建设兵团", "bingtuan", "兵团"),
    ("新疆乌鲁木齐", "xinjiang", "新疆 乌鲁木齐市"),
    ("吉林市", "jilin", "吉林 吉林市"),
    ("黑龙江哈尔滨", "heilongjiang", "黑龙江 哈尔滨市"),
];

#[test]
fn every_spelling_finds_its_province() {
    let mut site = SiteTest::with_config(SITE_YAML);
    for (i, (region, _, _)) in CASES.iter().enumerate() {
        site = site.with(
            &format!("content/r{i:02}.md"),
            &item(
                &format!("title: 第{i}篇\ndate: 2022-06-20\nregion: {region}\nslug: r{i:02}\n"),
                "正文。\n",
            ),
        );
    }
    site.build();
    let mut problems = Vec::new();
    for (i, (region, slug, line)) in CASES.iter().enumerate() {
        let page = site.page(&format!("/news/2022/06/20/r{i:02}/"));
        let got_slug = attrs(&page, "main .meta-region a", "href");
        let got_line = text(&page, "main .meta-region");
        // The province's page, then the place's when the locality names one.
        if got_slug.first() != Some(&format!("/regions/{slug}/")) || got_line != *line {
            problems.push(format!(
                "{region}: {got_slug:?} `{got_line}`, expected /regions/{slug}/ `{line}`"
            ));
        }
        assert!(site.exists(&format!("/regions/{slug}/")), "{region}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // 陕西 and 山西 are two pages with their own items.
    let shaanxi = attrs(
        &site.page("/regions/shaanxi/"),
        "main .subject-items .card-title a",
        "href",
    );
    let shanxi = attrs(
        &site.page("/regions/shanxi/"),
        "main .subject-items .card-title a",
        "href",
    );
    assert_eq!(shaanxi.len(), 2, "{shaanxi:?}");
    assert_eq!(shanxi.len(), 2, "{shanxi:?}");
    assert!(shaanxi.iter().all(|s| !shanxi.contains(s)));
}

#[test]
fn the_regions_index_links_every_province_page() {
    let site = SiteTest::example();
    site.build();
    let index = site.page("/regions/");
    let links = attrs(&index, "main a[href^='/bulletin/regions/']", "href");
    for slug in ["quanguo", "shaanxi", "shanxi", "chongqing", "sichuan", "hainan"] {
        let url = format!("/bulletin/regions/{slug}/");
        assert!(links.contains(&url), "{url} not linked from /regions/: {links:?}");
    }
    // Provinces without a page are not linked.
    assert!(!links.contains(&"/bulletin/regions/xizang/".to_string()));
}
