//! Lead images: resized variants in `srcset`, their cache, sharing, removal, and the errors
//! of broken or oversized files. Pictures are made by the test (`harness::picture`).

use crate::harness::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

/// An item with a lead image.
fn photo_item(title: &str, slug: &str, image: &str) -> String {
    item(
        &format!(
            "title: {title}\ndate: 2022-06-20\nregion: 山东\nslug: {slug}\nimage: {image}\nimage_alt: 职工在车间\n"
        ),
        "正文。\n",
    )
}

/// A site with a 1600×800 JPEG under static/ and a 1000×600 PNG beside its item.
fn two_photos() -> SiteTest {
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &photo_item("甲", "a", "photos/a.jpg"))
        .with("content/2022/b.md", &photo_item("乙", "b", "b.png"));
    site.write("static/photos/a.jpg", jpeg(1600, 800));
    site.write("content/2022/b.png", png(1000, 600));
    site
}

/// The site path of a root-relative URL under base path `/`.
fn site_path(url: &str) -> &str {
    assert!(url.starts_with('/'), "{url}");
    url
}

/// Decodes the output file at `url` and returns its size.
fn decoded_size(site: &SiteTest, url: &str) -> (u32, u32) {
    let bytes = site.read_bytes(site_path(url));
    let img = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{url}: {e}"));
    (img.width(), img.height())
}

/// The cache's files and their modification times.
fn cache_files(root: &Path) -> BTreeMap<String, SystemTime> {
    let dir = root.join(bulletin::output::images::CACHE_DIR);
    if !dir.exists() {
        return BTreeMap::new();
    }
    walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
            (rel, e.metadata().unwrap().modified().unwrap())
        })
        .collect()
}

/// The output files under img/.
fn img_files(site: &SiteTest) -> Vec<String> {
    site.output_files()
        .into_keys()
        .filter(|k| k.starts_with("img/"))
        .collect()
}

#[test]
fn srcset_lists_a_variant_per_width_below_the_original() {
    let site = two_photos();
    let built = site.build();
    assert_eq!(built.resized, 5, "3 widths of the JPEG, 2 of the PNG");

    let a = site.page("/news/2022/06/20/a/");
    let img = "main .lead-image img";
    let set = srcset(&a, img);
    let widths: Vec<u32> = set.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, [480, 960, 1440, 1600]);
    assert_eq!(set[3].0, "/photos/a.jpg", "the original comes last, at its own address");
    for (url, w) in &set {
        let (dw, dh) = decoded_size(&site, url);
        assert_eq!(dw, *w, "{url}");
        assert_eq!(dh, w / 2, "{url} keeps the aspect ratio");
        assert_eq!(
            image::guess_format(&site.read_bytes(url)).unwrap(),
            image::ImageFormat::Jpeg
        );
    }
    assert_eq!(attrs(&a, img, "src"), ["/photos/a.jpg"]);
    assert_eq!(attrs(&a, img, "width"), ["1600"]);
    assert_eq!(attrs(&a, img, "height"), ["800"]);
    assert_eq!(attrs(&a, img, "alt"), ["职工在车间"]);
    assert_eq!(
        attrs(&a, img, "sizes"),
        ["(max-width: 46rem) calc(100vw - 2rem), 44rem"]
    );
    assert_eq!(attrs(&a, img, "fetchpriority"), ["high"]);
    assert_eq!(
        attrs(&a, img, "loading"),
        ["eager"],
        "the lead image is near the top: not lazy"
    );

    // The PNG beside its item is published under img/ with its variants.
    let b = site.page("/news/2022/06/20/b/");
    let set = srcset(&b, img);
    let widths: Vec<u32> = set.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, [480, 960, 1000]);
    let src = &attrs(&b, img, "src")[0];
    assert!(src.starts_with("/img/") && src.ends_with(".png"), "{src}");
    assert_eq!(&set[2].0, src);
    assert_eq!(site.read_bytes(src), png(1000, 600), "the original, byte for byte");
    for (url, w) in &set {
        assert_eq!(decoded_size(&site, url), (*w, w * 3 / 5), "{url}");
    }

    let broken = site.broken_links("https://test.example.org/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn variants_follow_the_base_path() {
    let mut site = two_photos();
    site.opts.base_url = Some("https://e.org/sub/".into());
    site.build();
    let set = srcset(&site.page("/news/2022/06/20/a/"), "main img");
    assert!(set.iter().all(|(u, _)| u.starts_with("/sub/")), "{set:?}");
    for (url, _) in &set {
        assert!(site.exists(url.strip_prefix("/sub").unwrap()), "{url}");
    }
    let broken = site.broken_links("https://e.org/sub/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn a_second_build_takes_every_variant_from_the_cache() {
    let site = two_photos();
    site.build();
    let cached = cache_files(site.root());
    assert_eq!(cached.len(), 5, "{cached:?}");
    assert!(cached.keys().all(|k| k.starts_with("v1/")), "{cached:?}");
    assert!(!site.out().join(".bulletin-cache").exists());
    let first = site.output_files();

    let again = site.build();
    assert_eq!(again.resized, 0, "nothing decoded or encoded");
    assert_eq!(cache_files(site.root()), cached, "the cache files are untouched");
    assert_eq!(site.output_files(), first);

    // A fresh output (deleted by hand) is made from the cache alone, the same bytes.
    std::fs::remove_dir_all(site.out()).unwrap();
    assert_eq!(site.build().resized, 0);
    assert_eq!(site.output_files(), first);

    // With the cache deleted, the variants are made again, byte for byte.
    std::fs::remove_dir_all(site.root().join(".bulletin-cache")).unwrap();
    assert_eq!(site.build().resized, 5);
    assert_eq!(site.output_files(), first);
}

#[test]
fn a_picture_shown_by_two_items_is_resized_once() {
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &photo_item("甲", "a", "photos/a.jpg"))
        .with("content/b.md", &photo_item("乙", "b", "photos/a.jpg"))
        // The same bytes again, beside an item and under another name.
        .with("content/c/c.md", &photo_item("丙", "c", "copy.jpg"));
    site.write("static/photos/a.jpg", jpeg(1200, 800));
    site.write("content/c/copy.jpg", jpeg(1200, 800));
    let built = site.build();
    assert_eq!(built.resized, 2, "480 and 960 wide, once");
    let pages = ["a", "b", "c"].map(|s| srcset(&site.page(&format!("/news/2022/06/20/{s}/")), "main img"));
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[0][..2], pages[2][..2], "the copy's variants are the same files");
    let files = img_files(&site);
    assert_eq!(files.len(), 3, "two variants and the published copy: {files:?}");
}

#[test]
fn variants_no_longer_shown_are_removed() {
    let site = two_photos();
    site.build();
    let before = img_files(&site);
    assert_eq!(before.len(), 6, "{before:?}");

    // A new picture under the same name: new variants, the old ones go.
    site.write("static/photos/a.jpg", jpeg(1500, 900));
    site.build();
    let set = srcset(&site.page("/news/2022/06/20/a/"), "main img");
    assert_eq!(set.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 960, 1440, 1500]);
    for (url, w) in &set {
        assert_eq!(decoded_size(&site, url).0, *w);
    }
    let after = img_files(&site);
    assert_eq!(after.len(), 6);
    assert!(before
        .iter()
        .filter(|f| f.ends_with(".jpg"))
        .all(|f| !after.contains(f)));

    // No image any more: its files go, and img/ with them.
    site.write("content/a.md", simple_item("甲", "2022-06-20", "a"));
    site.write("content/2022/b.md", simple_item("乙", "2022-06-20", "b"));
    site.build();
    assert!(img_files(&site).is_empty());
    assert!(!site.out().join("img").exists());
}

#[test]
fn small_and_unresizable_images_have_no_srcset() {
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &photo_item("甲", "a", "small.jpg"))
        .with("content/b.md", &photo_item("乙", "b", "anim.gif"));
    site.write("static/small.jpg", jpeg(480, 320));
    // A GIF's header (1000×500): Bulletin reads its size and never decodes it.
    site.write("static/anim.gif", b"GIF89a\xe8\x03\xf4\x01\x00\x00\x00;");
    let built = site.build();
    assert_eq!(built.resized, 0);
    let a = site.page("/news/2022/06/20/a/");
    assert!(attrs(&a, "main img", "srcset").is_empty());
    assert_eq!(attrs(&a, "main img", "width"), ["480"]);
    let b = site.page("/news/2022/06/20/b/");
    assert!(
        attrs(&b, "main img", "srcset").is_empty(),
        "GIFs are served as they are"
    );
    assert_eq!(attrs(&b, "main img", "width"), ["1000"]);
    assert!(img_files(&site).is_empty());
}

/// EXIF for orientation 6 (turned a quarter clockwise), little-endian TIFF.
const EXIF_ROTATE_90: &[u8] = &[
    0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

#[test]
fn a_turned_photo_is_sized_and_resized_as_displayed() {
    let site = SiteTest::with_config(SITE_YAML).with("content/a.md", &photo_item("甲", "a", "a.jpg"));
    // Stored 1000×600, shown 600×1000.
    site.write(
        "static/a.jpg",
        picture(1000, 600, image::ImageFormat::Jpeg, Some(EXIF_ROTATE_90)),
    );
    site.build();
    let page = site.page("/news/2022/06/20/a/");
    assert_eq!(attrs(&page, "main img", "width"), ["600"]);
    assert_eq!(attrs(&page, "main img", "height"), ["1000"]);
    let set = srcset(&page, "main img");
    assert_eq!(set.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 600]);
    assert_eq!(decoded_size(&site, &set[0].0), (480, 800));
}

#[test]
fn a_broken_image_is_an_error_at_its_image_line_and_the_old_output_stays() {
    let site = two_photos();
    site.build();
    let good = site.output_files();
    // A PNG whose header promises 1000×800 pixels, cut off before them.
    let mut broken = png(1000, 800);
    broken.truncate(80);
    site.write("content/2022/b.png", &broken);
    let run = site.run(&["build"]);
    run.expect_status(1);
    let d = run.error();
    assert_eq!(
        (d.path.as_str(), d.line, d.column),
        ("content/2022/b.md", 6, 1),
        "{d:?}"
    );
    assert!(d.message.contains("image `b.png` cannot be decoded"), "{d:?}");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("image editor")), "{d:?}");
    assert_eq!(site.output_files(), good, "a failed build leaves the output as it was");

    // `check` reports it the same way, and writes nothing.
    let cached = cache_files(site.root());
    let run = site.run(&["check"]);
    run.expect_status(1);
    assert_eq!(run.error().line, 6);
    assert_eq!(cache_files(site.root()), cached);
}

#[test]
fn check_decodes_but_writes_no_cache() {
    let site = two_photos();
    site.run(&["check"]).expect_status(0);
    assert!(cache_files(site.root()).is_empty());
    assert!(!site.out().exists());
}

#[test]
fn an_oversized_image_is_served_as_it_is_with_a_warning() {
    // Only the header of a 20,000 × 20,000 PNG: 400 million pixels are never decoded.
    let mut header = png(1, 1);
    header.truncate(33);
    header[16..24].copy_from_slice(&[0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20]);
    let site = SiteTest::with_config(SITE_YAML).with("content/a.md", &photo_item("甲", "a", "huge.png"));
    site.write("static/huge.png", &header);
    let built = site.build();
    assert_eq!(built.resized, 0);
    let w: Vec<_> = built
        .warnings
        .iter()
        .filter(|d| d.message.contains("too large to resize"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", built.warnings);
    assert_eq!(
        (w[0].path.to_str(), w[0].line),
        (Some("content/a.md"), 6),
        "the `image:` line"
    );
    let page = site.page("/news/2022/06/20/a/");
    assert!(attrs(&page, "main img", "srcset").is_empty());
    assert_eq!(attrs(&page, "main img", "width"), ["20000"]);
}

#[test]
fn an_image_path_cannot_climb_out_of_the_site() {
    // In the site folder, but neither under static/ nor under content/.
    let site = SiteTest::with_config(SITE_YAML).with("content/a.md", &photo_item("甲", "a", "../secret.png"));
    site.write("secret.png", png(600, 400));
    let run = site.run(&["build"]);
    run.expect_status(1);
    assert!(run.error().message.contains("not found"), "{}", run.stderr);
}

/// Regression (#20, item 5): the limit was per decoder, so four large pictures decoded on four
/// threads held more than 2 GiB. Decodes now share one budget: here one that fits two of these
/// four pictures at a time, so that some must wait for others.
#[test]
fn large_pictures_decoded_at_once_stay_within_one_memory_budget() {
    use bulletin::content::image::{decode_cost, Kind};
    use bulletin::output::images;
    const SIZES: [(u32, u32); 4] = [(1500, 1000), (1200, 1200), (1000, 1500), (1400, 900)];
    let mut site = SiteTest::with_config(SITE_YAML);
    for (i, (w, h)) in SIZES.into_iter().enumerate() {
        site = site.with(
            &format!("content/p{i}.md"),
            &photo_item(&format!("图{i}"), &format!("p{i}"), &format!("p{i}.jpg")),
        );
        site.write(&format!("static/p{i}.jpg"), jpeg(w, h));
    }
    let loaded = bulletin::load(&site.opts).unwrap_or_else(|d| panic!("{}", render(&d)));
    let jobs = images::jobs(&loaded.site.entries);
    assert_eq!(jobs.len(), 4);
    let costs: Vec<u64> = SIZES.into_iter().map(|size| decode_cost(Kind::Jpeg, size)).collect();
    let largest = *costs.iter().max().unwrap();
    let limit = largest * 2;
    assert!(costs.iter().sum::<u64>() > limit, "all four at once would not fit");

    let budget = images::Budget::new(limit);
    let sink = bulletin::output::MemorySink::default();
    let made = images::produce(&jobs, &images::Cache::read_only(site.root()), &sink, &budget)
        .unwrap_or_else(|d| panic!("{}", render(&d)));
    assert_eq!(made.resized, 9, "three widths of the first, two of the others");
    let held = budget.held();
    assert_eq!(held.grants, 4, "every decode held its part");
    assert_eq!(held.now, 0, "and gave it back");
    assert!(held.peak <= limit, "{held:?} over {limit}");
    assert!(held.peak >= largest, "{held:?}");
    // The copies are right: each width, the aspect ratio kept.
    let files = sink.files.into_inner().unwrap();
    for (path, bytes) in &files {
        let img = image::load_from_memory(bytes).unwrap();
        let width: u32 = path
            .rsplit('-')
            .next()
            .unwrap()
            .trim_end_matches("w.jpg")
            .parse()
            .unwrap();
        assert_eq!(img.width(), width, "{path}");
    }
    assert_eq!(files.len(), 9);
}

/// Regression (#20, item 8): the static files were copied without their symlinks, while the
/// lead image was found through one, so the page showed a missing picture. A link that stays
/// inside the site is now published as what it leads to, under its own name.
#[test]
fn a_symlinked_image_inside_the_site_is_published_with_its_page() {
    use std::os::unix::fs::symlink;
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &photo_item("甲", "a", "photos/a.jpg"))
        .with("content/b.md", &photo_item("乙", "b", "linked/b.jpg"))
        .with("content/2022/c.md", &photo_item("丙", "c", "c.png"));
    site.write("shared/a.jpg", jpeg(1000, 500));
    site.write("shared/b.jpg", jpeg(600, 300));
    site.write("shared/c.png", png(500, 500));
    let root = site.root();
    std::fs::create_dir_all(root.join("static/photos")).unwrap();
    symlink("../../shared/a.jpg", root.join("static/photos/a.jpg")).unwrap();
    symlink("../shared", root.join("static/linked")).unwrap();
    symlink(root.join("shared/c.png"), root.join("content/2022/c.png")).unwrap();
    site.build();

    assert_eq!(
        site.read_bytes("/photos/a.jpg"),
        jpeg(1000, 500),
        "the link's target, at the link's name"
    );
    assert_eq!(
        site.read_bytes("/linked/b.jpg"),
        jpeg(600, 300),
        "through a linked folder"
    );
    assert!(
        std::fs::symlink_metadata(site.out().join("photos/a.jpg"))
            .unwrap()
            .is_file(),
        "a copy, not a link"
    );
    let a = site.page("/news/2022/06/20/a/");
    assert_eq!(attrs(&a, "main .lead-image img", "src"), ["/photos/a.jpg"]);
    assert_eq!(srcset(&a, "main .lead-image img").len(), 3, "480, 960 and the original");
    let c = &attrs(&site.page("/news/2022/06/20/c/"), "main .lead-image img", "src")[0];
    assert_eq!(site.read_bytes(c), png(500, 500));
    let broken = site.broken_links("https://test.example.org/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// Regression (#20, item 8): an image symlink that leads outside the site was published. It is
/// now an error at the `image:` line, as is a picture under a hidden name in static/ (which
/// the static files leave out), and nothing is written.
#[test]
fn a_lead_image_outside_the_site_or_unpublished_is_an_error_at_its_image_line() {
    use std::os::unix::fs::symlink;
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("secret.jpg"), jpeg(600, 300)).unwrap();
    std::fs::create_dir_all(elsewhere.path().join("dir")).unwrap();
    std::fs::write(elsewhere.path().join("dir/d.jpg"), jpeg(600, 300)).unwrap();
    let site = SiteTest::with_config(SITE_YAML)
        .with("content/a.md", &photo_item("甲", "a", "photos/out.jpg"))
        .with("content/b.md", &photo_item("乙", "b", "out.jpg"))
        .with("content/c.md", &photo_item("丙", "c", "far/d.jpg"))
        .with("content/d.md", &photo_item("丁", "d", ".hidden/h.jpg"));
    let root = site.root();
    std::fs::create_dir_all(root.join("static/photos")).unwrap();
    symlink(elsewhere.path().join("secret.jpg"), root.join("static/photos/out.jpg")).unwrap();
    symlink(elsewhere.path().join("secret.jpg"), root.join("content/out.jpg")).unwrap();
    symlink(elsewhere.path().join("dir"), root.join("static/far")).unwrap();
    site.write("static/.hidden/h.jpg", jpeg(600, 300));

    let run = site.run(&["build"]);
    run.expect_status(1);
    let got: Vec<(String, usize, String)> = run.diags().into_iter().map(|d| (d.path, d.line, d.message)).collect();
    let outside = |src: &str| format!("image `{src}` is a symlink that leads outside the site; not published");
    assert_eq!(
        got,
        [
            ("content/a.md".to_string(), 6, outside("photos/out.jpg")),
            ("content/b.md".to_string(), 6, outside("out.jpg")),
            ("content/c.md".to_string(), 6, outside("far/d.jpg")),
            (
                "content/d.md".to_string(),
                6,
                "image `.hidden/h.jpg` has a name starting with `.` under static/, which is not published".to_string()
            ),
        ],
        "{}",
        run.stderr
    );
    assert!(!site.out().exists(), "nothing written");
}

/// Static files: a symlink that leads outside the site is never followed (an error names it);
/// one that stays inside is published as what it leads to.
#[test]
fn static_symlinks_are_published_only_when_they_stay_inside_the_site() {
    use std::os::unix::fs::symlink;
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("passwords.txt"), "秘密").unwrap();
    let site = SiteTest::with_config(SITE_YAML).with("content/a.md", &simple_item("甲", "2022-06-20", "a"));
    site.write("notes/inside.txt", "内部");
    site.write("static/plain.txt", "普通");
    let root = site.root();
    symlink("../notes/inside.txt", root.join("static/inside.txt")).unwrap();
    symlink("../notes", root.join("static/notes")).unwrap();
    symlink(elsewhere.path().join("passwords.txt"), root.join("static/secret.txt")).unwrap();
    symlink(elsewhere.path(), root.join("static/elsewhere")).unwrap();
    symlink("/etc/passwd", root.join("static/passwd")).unwrap();

    let run = site.run(&["build"]);
    run.expect_status(1);
    let got: Vec<(String, String)> = run.diags().into_iter().map(|d| (d.path, d.message)).collect();
    let refused = |p: &str| (p.to_string(), "symlink leads outside the site; not read".to_string());
    assert_eq!(
        got,
        [
            refused("static/elsewhere"),
            refused("static/passwd"),
            refused("static/secret.txt")
        ],
        "{}",
        run.stderr
    );
    assert!(!site.out().exists(), "nothing written");

    for bad in ["secret.txt", "elsewhere", "passwd"] {
        std::fs::remove_file(root.join("static").join(bad)).unwrap();
    }
    site.build();
    assert_eq!(site.read("/inside.txt"), "内部");
    assert_eq!(site.read("/notes/inside.txt"), "内部");
    assert_eq!(site.read("/plain.txt"), "普通");
    let files = site.output_files();
    assert!(files.values().all(|b| b != "秘密".as_bytes()));
}
