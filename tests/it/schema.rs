//! `bulletin schema item|site`: the JSON Schemas are valid draft-07, list every field the
//! parser knows, and agree with the parser on real content: every item and site.yaml of the
//! example site and of the fixtures validates, and what the parser refuses for its shape (an
//! unknown key, a wrong type, a kind that is not one) fails. `bulletin init` writes them with
//! the VS Code settings that map them.

use crate::harness::{repo_root, run_bulletin};
use bulletin::content::source;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The schema the binary prints for `of`, checked to be one.
fn printed(of: &str) -> Value {
    let run = run_bulletin(&["schema", of]);
    run.expect_status(0);
    assert_eq!(run.stderr, "");
    let schema: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("`bulletin schema {of}` is not a valid JSON Schema: {e}");
    }
    schema
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).unwrap()
}

/// The problems `validator` finds in `instance`, as text.
fn problems(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A YAML text as the JSON value editors' YAML extensions validate.
fn yaml_to_json(yaml: &str) -> Value {
    yaml_serde::from_str(yaml).unwrap()
}

/// The front matter of a content file, as JSON.
fn front_matter(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let split = source::split(&text).unwrap();
    yaml_to_json(split.front)
}

/// Every `.md` file under `dir`.
fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect()
}

/// The example site and every fixture site: each a folder with site.yaml and content/.
fn sites() -> Vec<PathBuf> {
    let mut sites = vec![repo_root()];
    for entry in std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("site.yaml").is_file() {
            sites.push(dir);
        }
    }
    sites
}

#[test]
fn the_item_schema_lists_every_field_with_a_description() {
    let schema = printed("item");
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false, "unknown keys are errors");
    let props = schema["properties"].as_object().unwrap();
    for field in [
        "title",
        "kicker",
        "subtitle",
        "date",
        "bulletin",
        "order",
        "region",
        "topics",
        "kind",
        "column",
        "source",
        "byline",
        "slug",
        "summary",
        "image",
        "image_alt",
        "draft",
        "updated",
        "corrections",
        "figures",
        "short_title",
        "extra",
    ] {
        let p = &props[field];
        assert!(p.is_object(), "no `{field}` in the item schema");
        assert!(
            p["description"].as_str().is_some_and(|d| !d.is_empty()),
            "`{field}` has no description"
        );
    }
    // The schema knows no field the parser does not, and misses none it does.
    let mut listed: Vec<&str> = props.keys().map(String::as_str).collect();
    listed.sort_unstable();
    let mut known = bulletin::content::schema::item_fields().to_vec();
    known.sort_unstable();
    assert_eq!(listed, known);
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["date", "region", "title"]);
    // The kinds, from the Kind enum, each with its description.
    let kinds: Vec<&str> = schema["definitions"]["Kind"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["const"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["消息", "通讯", "特写", "图片新闻", "评论"]);
    // The library and the binary give the same text.
    assert_eq!(
        run_bulletin(&["schema", "item"]).stdout,
        bulletin::content::schema::item()
    );
}

#[test]
fn the_site_schema_lists_every_key_and_its_enums() {
    let schema = printed("site");
    assert_eq!(schema["additionalProperties"], false);
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "title",
        "description",
        "base_url",
        "language",
        "theme",
        "output_dir",
        "per_page",
        "metrics",
        "topics",
        "unsafe_html",
        "extra",
        "masthead",
        "icp",
        "police_record",
        "email",
        "review",
        "units",
    ] {
        assert!(
            props[key]["description"].as_str().is_some_and(|d| !d.is_empty()),
            "`{key}` missing or without a description"
        );
    }
    assert_eq!(props.len(), 17, "{:?}", props.keys().collect::<Vec<_>>());
    let text = serde_json::to_string(&schema).unwrap();
    for word in [
        "\"zh-CN\"",
        "\"en\"",
        "\"sum\"",
        "\"latest\"",
        "\"max\"",
        "\"yearly\"",
        "\"continuous\"",
        "\"required\"",
    ] {
        assert!(text.contains(word), "the site schema lacks {word}");
    }
}

#[test]
fn every_item_of_the_example_site_and_the_fixtures_validates() {
    let item = validator(&printed("item"));
    let site = validator(&printed("site"));
    let mut items = 0;
    let mut with_loose_values = 0;
    for root in sites() {
        let config = yaml_to_json(&std::fs::read_to_string(root.join("site.yaml")).unwrap());
        let found = problems(&site, &config);
        assert!(found.is_empty(), "{}/site.yaml: {found:?}", root.display());
        for path in markdown_files(&root.join("content")) {
            let front = front_matter(&path);
            let found = problems(&item, &front);
            assert!(found.is_empty(), "{}: {found:?}", path.display());
            items += 1;
            // Figures written as numbers and as the paper writes them (1.5万) both pass.
            if front["figures"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["value"].is_number()) && f.iter().any(|f| f["value"].is_string()))
            {
                with_loose_values += 1;
            }
        }
    }
    assert!(items >= 30, "only {items} items found");
    assert!(
        with_loose_values >= 1,
        "no item mixes numeric and written figure values"
    );
}

#[test]
fn what_the_parser_refuses_for_its_shape_fails() {
    let item = validator(&printed("item"));
    let base = "title: 标题\ndate: 2022-06-20\nregion: 山东\n";
    assert!(problems(&item, &yaml_to_json(base)).is_empty());
    for (extra, why) in [
        ("regoin: 山东\n", "an unknown key"),
        ("order: first\n", "a number that is text"),
        ("order: -1\n", "a negative order"),
        ("draft: maybe\n", "a boolean that is text"),
        ("kind: 新闻\n", "a kind that is not one"),
        ("topics: {a: 1}\n", "topics as a mapping"),
        ("byline: {writers: [某]}\n", "an unknown byline key"),
        (
            "figures: [{metric: m, value: [1, 2]}]\n",
            "a figure value that is a list",
        ),
        ("figures: [{metric: m}]\n", "a figure without value"),
        ("figures: [{metric: m, value: 1, count: 2}]\n", "an unknown figure key"),
        ("corrections: [{date: 2022-06-21}]\n", "a correction without text"),
        ("updated: 2022年6月21日\n", "a date not in YYYY-MM-DD"),
    ] {
        let doc = yaml_to_json(&format!("{base}{extra}"));
        assert!(!problems(&item, &doc).is_empty(), "{why} passed: {doc}");
    }
    let missing = yaml_to_json("title: 标题\nregion: 山东\n");
    assert!(!problems(&item, &missing).is_empty(), "a missing date passed");

    let site = validator(&printed("site"));
    let base = "title: t\nbase_url: https://example.org/\n";
    assert!(problems(&site, &yaml_to_json(base)).is_empty());
    for (extra, why) in [
        ("titel: t\n", "an unknown key"),
        ("language: fr\n", "a language with no strings"),
        ("per_page: 0\n", "no items per page"),
        (
            "metrics: {m: {label: l, unit: 人, aggregate: avg}}\n",
            "an unknown aggregate",
        ),
        ("metrics: {m: {label: l, aggregate: sum}}\n", "a metric without unit"),
        ("topics: {基层蹲点: {slug: a, name: b}}\n", "an unknown topic key"),
        ("masthead: {numbering: weekly}\n", "an unknown numbering"),
        ("email: {form: a@example.org}\n", "an unknown e-mail key"),
    ] {
        let doc = yaml_to_json(&format!("{base}{extra}"));
        assert!(!problems(&site, &doc).is_empty(), "{why} passed: {doc}");
    }
}

#[test]
fn the_parser_agrees_with_the_schema_on_the_invalid_examples() {
    // The same shapes, given to `bulletin check`: each is an error there too, at its line.
    let t = crate::harness::SiteTest::fixture("minimal");
    t.write(
        "content/2022/06/bad.md",
        "---\ntitle: 标题\ndate: 2022-06-20\nregion: 山东\nkind: 新闻\n---\n正文。\n",
    );
    let run = t.run(&["check"]);
    run.expect_status(1);
    let e = run.error();
    assert_eq!((e.path.as_str(), e.line), ("content/2022/06/bad.md", 5), "{e:?}");
}

#[test]
fn init_writes_the_schemas_and_maps_them_for_the_yaml_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    run_bulletin(&["init", dir.to_str().unwrap()]).expect_status(0);
    let read = |rel: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(dir.join(rel)).unwrap()).unwrap() };
    let item = read(bulletin::scaffold::ITEM_SCHEMA);
    let site = read(bulletin::scaffold::SITE_SCHEMA);
    assert_eq!(item, printed("item"));
    assert_eq!(site, printed("site"));
    let settings = read(".vscode/settings.json");
    let map = settings["yaml.schemas"].as_object().unwrap();
    assert_eq!(
        map[&format!("./{}", bulletin::scaffold::SITE_SCHEMA)],
        serde_json::json!(["/site.yaml"])
    );
    assert_eq!(
        map[&format!("./{}", bulletin::scaffold::ITEM_SCHEMA)],
        serde_json::json!(["/content/**/*.md"])
    );
    // What init wrote validates against what it wrote.
    let config = yaml_to_json(&std::fs::read_to_string(dir.join("site.yaml")).unwrap());
    assert!(problems(&validator(&site), &config).is_empty());
    let samples = markdown_files(&dir.join("content"));
    assert_eq!(samples.len(), 1);
    assert!(problems(&validator(&item), &front_matter(&samples[0])).is_empty());
}
