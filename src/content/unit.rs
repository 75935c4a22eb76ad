//! The units that send items in (报送单位): site.yaml's `units:` list, each with an optional
//! region resolved like an item's, and the check of an item's `unit:` against it.

use crate::base::diagnostic::Diagnostic;
use crate::base::yaml::{self, Seg};
use crate::content::region::{registry, Region};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// At most this many near names are offered for an unknown unit.
const MAX_NEAREST: usize = 3;
/// How alike (Jaro-Winkler) a listed name must be to be offered.
const MIN_SIMILARITY: f64 = 0.6;

/// A unit listed in site.yaml.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitDef {
    /// Its name as items write it (莱西市总工会).
    pub name: String,
    /// Where it is, when site.yaml says.
    pub region: Option<Region>,
}

/// A unit as site.yaml writes it (`莱西市总工会: { region: 山东青岛莱西 }`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUnit {
    /// Where the unit is, written as an item's region (山东青岛莱西).
    region: Option<String>,
}

/// The units of site.yaml's `units:` mapping, in the order written, or every problem, each at
/// its line (`positions` are those of site.yaml's keys).
pub(crate) fn defs(
    map: yaml::Mapping,
    positions: &HashMap<Vec<Seg>, (usize, usize)>,
    path: &Path,
) -> Result<Vec<UnitDef>, Vec<Diagnostic>> {
    let at = |p: &[Seg]| positions.get(p).copied().unwrap_or((1, 1));
    let mut out: Vec<UnitDef> = Vec::new();
    let mut diags = Vec::new();
    let shape = "write each unit as `莱西市总工会: { region: 山东青岛莱西 }` (the region is optional)";
    for (k, v) in map {
        let name = match &k {
            yaml::Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
            _ => {
                let (l, c) = at(&crate::ypath!["units"]);
                diags.push(Diagnostic::error(path, l, c, "site.yaml: unit names must be text").with_hint(shape));
                continue;
            }
        };
        let key = k.as_str().unwrap_or_default();
        let place = crate::ypath!["units", key];
        let (line, col) = at(&place);
        let raw = if v.is_null() {
            RawUnit { region: None }
        } else {
            match yaml::from_value::<RawUnit>(v) {
                Ok(r) => r,
                Err(e) => {
                    let (message, _) = crate::base::yaml::split_error(&e);
                    let (l, c) = crate::base::yaml::unknown_field(&message)
                        .and_then(|(field, _)| positions.get(crate::ypath!["units", key, field.as_str()].as_slice()))
                        .copied()
                        .unwrap_or((line, col));
                    diags.push(
                        Diagnostic::error(path, l, c, format!("site.yaml: unit `{name}`: {message}")).with_hint(shape),
                    );
                    continue;
                }
            }
        };
        if out.iter().any(|u| u.name == name) {
            diags.push(
                Diagnostic::error(path, line, col, format!("site.yaml: unit `{name}` is listed twice"))
                    .with_hint("list each unit once"),
            );
            continue;
        }
        let region = match raw.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(r) => match registry().parse(r) {
                Ok(region) => Some(region),
                Err(e) => {
                    let (l, c) = at(&crate::ypath!["units", key, "region"]);
                    diags.push(
                        Diagnostic::error(path, l, c, format!("site.yaml: unit `{name}`: {e}")).with_hint(e.hint()),
                    );
                    continue;
                }
            },
        };
        out.push(UnitDef { name, region });
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// Why `name` is not a unit of `units` (with the near names as a hint), or None when it is.
pub(crate) fn unknown(name: &str, units: &[UnitDef]) -> Option<(String, String)> {
    if units.iter().any(|u| u.name == name) {
        return None;
    }
    let mut near: Vec<(f64, &str)> = units
        .iter()
        .map(|u| (strsim::jaro_winkler(name, &u.name), u.name.as_str()))
        .filter(|(score, _)| *score >= MIN_SIMILARITY)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let near: Vec<String> = near.iter().take(MAX_NEAREST).map(|(_, n)| format!("`{n}`")).collect();
    let hint = match near.split_first() {
        Some((best, [])) => format!("did you mean {best}? units are listed in site.yaml under `units:`"),
        Some((best, rest)) => format!(
            "did you mean {best}? (or {}) units are listed in site.yaml under `units:`",
            rest.join(", ")
        ),
        None if units.is_empty() => "site.yaml's `units:` lists none: add this one there".to_string(),
        None => format!(
            "site.yaml lists the units: {}; add this one under `units:` if it is new",
            units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    Some((format!("unknown unit `{name}`"), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(names: &[&str]) -> Vec<UnitDef> {
        names
            .iter()
            .map(|n| UnitDef {
                name: n.to_string(),
                region: None,
            })
            .collect()
    }

    #[test]
    fn an_unknown_unit_offers_the_nearest_names() {
        let list = units(&["莱西市总工会", "青岛市总工会", "市建设工会"]);
        assert_eq!(unknown("青岛市总工会", &list), None);
        let (message, hint) = unknown("莱西总工会", &list).unwrap();
        assert_eq!(message, "unknown unit `莱西总工会`");
        assert!(hint.starts_with("did you mean `莱西市总工会`?"), "{hint}");
        let (_, hint) = unknown("xyz", &list).unwrap();
        assert!(hint.contains("莱西市总工会, 青岛市总工会, 市建设工会"), "{hint}");
    }
}
