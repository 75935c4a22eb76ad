//! JSON Schemas (draft-07) of an item's front matter and of `site.yaml`, for editors
//! (`bulletin schema item|site`, and the files `bulletin init` writes under `.vscode/`).
//!
//! They are derived (schemars) from the very structs that parse the YAML: a field added to
//! `RawFrontMatter` or to the site's raw configuration is in the schema with its doc comment
//! as its description, and `deny_unknown_fields` becomes `additionalProperties: false`. Where
//! a field's serde type is looser or stricter than its Rust type (a `deserialize_with` that takes
//! a number or a string, a map kept as YAML until it is validated), the field says what it
//! really accepts with one of the schema functions below. Draft-07 because it is the draft the
//! YAML extensions of editors read in full.

use crate::content::config::RawConfig;
use crate::content::frontmatter::RawFrontMatter;
use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

/// The JSON Schema of an item's front matter, as pretty-printed JSON.
pub fn item() -> String {
    render::<RawFrontMatter>("Bulletin item (front matter)")
}

/// The JSON Schema of `site.yaml`, as pretty-printed JSON.
pub fn site() -> String {
    render::<RawConfig>("Bulletin site.yaml")
}

/// The top-level keys the front matter parser accepts (those of its "did you mean"), which the
/// item schema lists too.
pub fn item_fields() -> &'static [&'static str] {
    crate::content::frontmatter::FIELDS
}

fn render<T: JsonSchema>(title: &str) -> String {
    let mut schema = SchemaSettings::draft07().into_generator().into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    // Serializing a tree of JSON values cannot fail; an empty schema would still be valid.
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_string()) + "\n"
}

/// A date or a moment, as `date:` reads it: `2022-06-20`, RFC 3339, or `YYYY-MM-DD HH:MM[:SS]`
/// (China time). The parser takes any scalar and judges it afterwards; the schema says what
/// passes, so that an editor marks `2022年6月20日` at once.
pub(crate) fn date(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["string", "null"],
        "pattern": "^\\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9:.]+(Z|z|[+-][0-9]{2}:?[0-9]{2})?)?\\s*$",
        "examples": ["2022-06-20", "2022-06-20T09:30:00+08:00"]
    })
}

/// A figure's value: a plain number (`6283`, `1.5`) or the number as the paper writes it
/// (`1.5万`, `2900余万`, `约30万`, `20%`), which YAML reads as text.
pub(crate) fn figure_value(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["string", "number", "null"],
        "examples": [6283, "1.5万", "2900余万", "约30万", "20%"]
    })
}

/// site.yaml's `review:`: the one rule there is, `required`.
pub(crate) fn review_rule(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "enum": ["required", null] })
}

/// One name, or a list of names (`reporters: 朱欣` or `reporters: [朱欣, 王某]`).
pub(crate) fn one_or_many(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": ["string", "number"] } },
            { "type": "null" }
        ]
    })
}
