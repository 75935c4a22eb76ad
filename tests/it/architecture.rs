//! The architecture rules, checked on the text of `src/` (no parser, no dependency):
//!
//! - (a) lib.rs declares at most [`MAX_TOP_MODULES`] top-level modules, each a layer of
//!   [`LAYERS`];
//! - (b) no module imports a higher layer: every `crate::<top>` path (inside `use crate::{…}`
//!   groups too, names lib.rs re-exports such as `crate::Options`, and exported macros such as
//!   `crate::ypath!`) outside `#[cfg(test)]` items names its own layer or a lower one, in the
//!   order of [`LAYERS`];
//! - (c) lib.rs and every folder's mod.rs hold only `mod`, `pub mod` and `pub use` items (and
//!   comments and attributes): no functions, no types;
//! - (d) no file in src/ has more than [`MAX_CODE_LINES`] code lines (non-blank, non-comment
//!   lines before the first `#[cfg(test)]`).
//!
//! Each failure names the file and line. `cargo test --test it architecture::` runs just these;
//! `.ci/run` does so first, as its `layer rule` step. The checks run on a made-up bad tree
//! too ([`the_checks_catch_a_bad_tree`]), so that they are known to fail when they should.

use crate::harness::repo_root;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module may use its own layer and those before it.
const LAYERS: [&str; 8] = [
    "base", "content", "site", "output", "render", "build", "scaffold", "serve",
];

/// At most this many top-level modules in lib.rs.
const MAX_TOP_MODULES: usize = 12;

/// At most this many code lines in one file.
const MAX_CODE_LINES: usize = 800;

/// A source file: its path relative to the repository (`src/render/view.rs`), its text, and
/// the same text with comments removed and string and character literals blanked (see
/// [`strip`]), line for line.
struct Source {
    rel: String,
    text: String,
    code: String,
}

/// Every `.rs` file under `src`, sorted by path.
fn sources(src: &Path) -> Vec<Source> {
    let mut out: Vec<Source> = walkdir::WalkDir::new(src)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let rel = Path::new("src")
                .join(e.path().strip_prefix(src).unwrap())
                .to_string_lossy()
                .replace('\\', "/");
            Source {
                code: strip(&text),
                rel,
                text,
            }
        })
        .collect();
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// `text` with every comment replaced by spaces and the contents of string, byte-string, raw
/// string and character literals by `x`, keeping every newline: offsets and line numbers stay
/// those of `text`, and nothing in a comment or a string looks like code.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |ch: char, fill: char| if ch == '\n' { '\n' } else { fill };
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied().unwrap_or('\0');
        if c[i] == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(c[i], ' '));
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '"' | '#')))
            && raw_prefix_starts(&c, i)
        {
            // r"…", r#"…"#: ends at a quote followed by as many hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            out.extend(std::iter::repeat_n(' ', j - i + 1));
            j += 1;
            while j < c.len() && !(c[j] == '"' && (1..=hashes).all(|h| at(j + h) == '#')) {
                out.push(blank(c[j], 'x'));
                j += 1;
            }
            out.extend(std::iter::repeat_n(' ', (hashes + 1).min(c.len().saturating_sub(j))));
            i = j + hashes + 1;
        } else if c[i] == '"' {
            out.push('"');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' && i + 1 < c.len() {
                    out.push('x');
                    i += 1;
                }
                out.push(blank(c[i], 'x'));
                i += 1;
            }
            out.push('"');
            i += 1;
        } else if c[i] == '\'' && (at(i + 2) == '\'' || at(i + 1) == '\\') {
            // A character literal ('a', '\n', '\u{1F600}'); a lifetime ('a) has no closing quote.
            let mut j = i + 1;
            if at(j) == '\\' {
                j += 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
            } else {
                j += 1;
            }
            out.push('\'');
            out.extend(std::iter::repeat_n('x', j - i - 1));
            out.push('\'');
            i = j + 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Whether the `r` at `i` begins a raw string (`r"`, `br"`), not the end of a name (`for"`).
fn raw_prefix_starts(c: &[char], i: usize) -> bool {
    let before = |k: usize| if i >= k { c[i - k] } else { ' ' };
    !is_ident(before(1)) || (before(1) == 'b' && !is_ident(before(2)))
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// The 1-based line of byte offset `at`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

/// The byte ranges of the items marked `#[cfg(test)]` in stripped code: from the attribute to
/// the `;` or the matching `}` that ends the item.
fn test_sections(code: &str) -> Vec<(usize, usize)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("#[cfg(test)]") {
        let start = from + found;
        let mut i = start + "#[cfg(test)]".len();
        let mut end = code.len();
        // Skip further attributes, then up to the first `;` or `{` outside brackets.
        let mut depth = 0i32;
        while i < bytes.len() {
            match bytes[i] {
                b'[' | b'(' => depth += 1,
                b']' | b')' => depth -= 1,
                b';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                b'{' if depth == 0 => {
                    end = matching_brace(code, i);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        out.push((start, end));
        from = end.max(start + 1);
    }
    out
}

/// The offset just past the `}` matching the `{` at `open`.
fn matching_brace(code: &str, open: usize) -> usize {
    matching(code, open, b'{', b'}')
}

/// The offset just past the `close` matching the `open_byte` at `open`, or the end.
fn matching(code: &str, open: usize, open_byte: u8, close: u8) -> usize {
    let mut depth = 0;
    for (i, b) in code.bytes().enumerate().skip(open) {
        if b == open_byte {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
    }
    code.len()
}

/// Every `crate::<top>` in stripped code outside `#[cfg(test)]` items: `(offset, top)`, the
/// tops of a `crate::{a::x, b}` group each at its own offset.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let skip = test_sections(code);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate") {
        let at = from + found;
        from = at + "crate".len();
        let before = code[..at].chars().next_back().unwrap_or(' ');
        if is_ident(before) || before == '$' || skip.iter().any(|&(s, e)| (s..e).contains(&at)) {
            continue;
        }
        let rest = &code[from..];
        let trimmed = rest.trim_start();
        let Some(after) = trimmed.strip_prefix("::") else {
            continue;
        };
        let after_at = from + (rest.len() - trimmed.len()) + 2;
        let path = after.trim_start();
        let path_at = after_at + (after.len() - path.len());
        if path.starts_with('{') {
            group_tops(code, path_at, &mut out);
        } else if let Some(top) = ident_at(code, path_at) {
            out.push((path_at, top));
        }
    }
    out
}

/// The identifier starting at `at`, if one does.
fn ident_at(code: &str, at: usize) -> Option<String> {
    let ident: String = code[at..].chars().take_while(|&c| is_ident(c)).collect();
    (!ident.is_empty()).then_some(ident)
}

/// The first identifier of each comma-separated entry of the `{…}` group opening at `open`.
fn group_tops(code: &str, open: usize, out: &mut Vec<(usize, String)>) {
    let end = matching_brace(code, open) - 1;
    let mut depth = 0;
    let mut entry_start = open + 1;
    for (i, b) in code.bytes().enumerate().take(end + 1).skip(open + 1) {
        match b {
            b'{' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b',' | b'}' if depth == 0 => {
                let entry = &code[entry_start..i];
                let lead = entry.len() - entry.trim_start().len();
                if let Some(top) = ident_at(code, entry_start + lead) {
                    if top != "self" {
                        out.push((entry_start + lead, top));
                    }
                }
                entry_start = i + 1;
            }
            _ => {}
        }
    }
}

/// The file's layer: the first folder under src/, or the file's own name (`build.rs`).
fn layer_of(rel: &str) -> &str {
    let inner = rel.strip_prefix("src/").unwrap_or(rel);
    let first = inner.split('/').next().unwrap_or(inner);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The layer of a `crate::` top: a layer itself, or a name lib.rs re-exports from one.
fn rank(top: &str, reexports: &BTreeMap<String, String>) -> Option<usize> {
    let layer = reexports.get(top).map_or(top, String::as_str);
    LAYERS.iter().position(|&l| l == layer)
}

/// The top-level modules declared in lib.rs (stripped), with their offsets.
fn lib_modules(code: &str) -> Vec<(usize, String)> {
    items(code)
        .into_iter()
        .filter_map(|(at, item)| {
            let words: Vec<&str> = item.split_whitespace().collect();
            let m = words.iter().position(|&w| w == "mod")?;
            Some((at, words.get(m + 1)?.trim_end_matches(';').to_string()))
        })
        .collect()
}

/// The names lib.rs re-exports (`pub use build::{Options, load}`) → the layer they come from.
fn lib_reexports(code: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (_, item) in items(code) {
        let Some(path) = item.split_once("use ").map(|(_, p)| p.trim().trim_end_matches(';')) else {
            continue;
        };
        let layer = path.split("::").next().unwrap_or("").trim().to_string();
        let names = match path.split_once('{') {
            Some((_, group)) => group.trim_end_matches('}').to_string(),
            None => path.rsplit("::").next().unwrap_or("").to_string(),
        };
        for name in names.split(',') {
            let name = name.split(" as ").last().unwrap_or("").trim();
            let name = name
                .rsplit("::")
                .next()
                .unwrap_or(name)
                .trim_matches(|c| c == '{' || c == '}');
            if !name.is_empty() {
                out.insert(name.to_string(), layer.clone());
            }
        }
    }
    out
}

/// The `#[macro_export]` macros (`crate::ypath!`) → the layer of the file defining them.
fn exported_macros(files: &[Source]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in files {
        for (at, _) in f.code.match_indices("#[macro_export]") {
            let rest = f.code[at..].split_once("macro_rules!").map(|(_, r)| r.trim_start());
            if let Some(name) = rest.and_then(|r| ident_at(r, 0)) {
                out.insert(name, layer_of(&f.rel).to_string());
            }
        }
    }
    out
}

/// The top-level items of stripped code, each with the offset of its first character: split at
/// `;` and at the `}` that closes a top-level block, attributes kept with their item.
fn items(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = None;
    for (i, b) in code.bytes().enumerate() {
        if start.is_none() && !b.is_ascii_whitespace() {
            start = Some(i);
        }
        match b {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth -= 1;
                // `#[attr]` and `#![attr]` end with `]`: they stay with the item after them; a
                // `}` followed by `;` (`use a::{b, c};`) leaves the `;` to end the item.
                let semicolon_next = code[i + 1..].trim_start().starts_with(';');
                if depth == 0 && b == b'}' && !semicolon_next {
                    let s = start.take().unwrap_or(i);
                    out.push((s, code[s..=i].to_string()));
                }
            }
            b';' if depth == 0 => {
                let s = start.take().unwrap_or(i);
                out.push((s, code[s..=i].to_string()));
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        if !code[s..].trim().is_empty() {
            out.push((s, code[s..].to_string()));
        }
    }
    out
}

/// An item with its leading attributes (`#[…]`, `#![…]`) removed, white space collapsed.
fn without_attributes(item: &str) -> String {
    let mut rest = item.trim_start();
    while rest.starts_with('#') {
        let Some(open) = rest.find('[') else { break };
        let end = matching(rest, open, b'[', b']');
        rest = rest[end..].trim_start();
    }
    rest.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an item (attributes removed) may stand in lib.rs or a mod.rs: `mod x;` with any
/// visibility, or `pub use …;` (`pub(crate) use` too). Bare `use` imports serve code, and a
/// mod.rs has none.
fn declares_or_reexports(item: &str) -> bool {
    let (vis, rest) = match item.strip_prefix("pub") {
        Some(r) if r.starts_with(' ') => ("pub", r.trim_start()),
        Some(r) if r.starts_with('(') => match r.find(')') {
            Some(close) => ("pub", r[close + 1..].trim_start()),
            None => return false,
        },
        _ => ("", item),
    };
    if let Some(name) = rest.strip_prefix("mod ") {
        let name = name.trim_end_matches(';').trim();
        return item.ends_with(';') && !name.is_empty() && name.chars().all(is_ident);
    }
    vis == "pub" && rest.starts_with("use ") && item.ends_with(';')
}

/// The number of code lines of a file: lines before the first `#[cfg(test)]` that hold
/// something besides white space and comments.
fn code_lines(src: &Source) -> usize {
    let end = src.code.find("#[cfg(test)]").unwrap_or(src.code.len());
    src.code[..end].lines().filter(|l| !l.trim().is_empty()).count()
}

// ---------------------------------------------------------------- the four checks

/// (a): the top-level modules of lib.rs, at most [`MAX_TOP_MODULES`], each a layer.
fn check_top_modules(files: &[Source]) -> Vec<String> {
    let Some(lib) = files.iter().find(|f| f.rel == "src/lib.rs") else {
        return vec!["src/lib.rs: missing".into()];
    };
    let mods = lib_modules(&lib.code);
    let mut problems = Vec::new();
    if mods.len() > MAX_TOP_MODULES {
        let names: Vec<&str> = mods.iter().map(|(_, m)| m.as_str()).collect();
        problems.push(format!(
            "src/lib.rs: {} top-level modules, more than {MAX_TOP_MODULES}: {}",
            mods.len(),
            names.join(", ")
        ));
    }
    for (at, m) in &mods {
        if !LAYERS.contains(&m.as_str()) {
            problems.push(format!(
                "src/lib.rs:{}: module `{m}` is not a layer of {LAYERS:?}",
                line_of(&lib.code, *at)
            ));
        }
    }
    problems
}

/// (b): every `crate::<top>` of a library file names its own layer or a lower one.
fn check_layers(files: &[Source]) -> Vec<String> {
    let Some(lib) = files.iter().find(|f| f.rel == "src/lib.rs") else {
        return vec!["src/lib.rs: missing".into()];
    };
    let modules: Vec<String> = lib_modules(&lib.code).into_iter().map(|(_, m)| m).collect();
    let mut reexports = lib_reexports(&lib.code);
    reexports.extend(exported_macros(files));
    let mut problems = Vec::new();
    for f in files {
        let layer = layer_of(&f.rel);
        // main.rs, cli.rs: the binary, whose `crate` is not the library.
        if f.rel == "src/lib.rs" || !modules.iter().any(|m| m == layer) {
            continue;
        }
        let Some(own) = rank(layer, &reexports) else {
            continue; // reported by check_top_modules
        };
        for (at, top) in crate_paths(&f.code) {
            let line = line_of(&f.code, at);
            match rank(&top, &reexports) {
                Some(r) if r <= own => {}
                Some(_) => {
                    let via = reexports
                        .get(&top)
                        .map(|l| format!(" (from `{l}`)"))
                        .unwrap_or_default();
                    problems.push(format!(
                        "{}:{line}: `crate::{top}`{via} is a higher layer than `{layer}` ({})",
                        f.rel,
                        f.text.lines().nth(line - 1).unwrap_or("").trim()
                    ));
                }
                None => problems.push(format!(
                    "{}:{line}: `crate::{top}` is neither a layer nor a name lib.rs re-exports",
                    f.rel
                )),
            }
        }
    }
    problems
}

/// (c): lib.rs and every mod.rs only declare modules and re-export.
fn check_mod_files(files: &[Source]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.rel == "src/lib.rs" || f.rel.ends_with("/mod.rs"))
    {
        for (at, item) in items(&f.code) {
            let item = without_attributes(&item);
            if !item.is_empty() && !declares_or_reexports(&item) {
                let shown: String = item.chars().take(60).collect();
                problems.push(format!(
                    "{}:{}: only `mod`, `pub mod` and `pub use` belong here, not `{shown}`",
                    f.rel,
                    line_of(&f.code, at)
                ));
            }
        }
    }
    problems
}

/// (d): no file has more than [`MAX_CODE_LINES`] code lines.
fn check_sizes(files: &[Source]) -> Vec<String> {
    files
        .iter()
        .map(|f| (f, code_lines(f)))
        .filter(|&(_, n)| n > MAX_CODE_LINES)
        .map(|(f, n)| {
            format!(
                "{}:1: {n} code lines, more than {MAX_CODE_LINES}: split it by responsibility",
                f.rel
            )
        })
        .collect()
}

fn src() -> PathBuf {
    repo_root().join("src")
}

fn assert_none(what: &str, problems: Vec<String>) {
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
}

#[test]
fn lib_has_at_most_twelve_top_level_modules_each_a_layer() {
    assert_none("top-level modules", check_top_modules(&sources(&src())));
}

#[test]
fn no_module_imports_a_higher_layer() {
    assert_none(
        "imports of a higher layer (order: base < content < site < output < render < build < scaffold < serve)",
        check_layers(&sources(&src())),
    );
}

#[test]
fn lib_and_mod_files_only_declare_and_reexport() {
    assert_none("lib.rs and mod.rs files", check_mod_files(&sources(&src())));
}

#[test]
fn no_file_has_more_than_800_code_lines() {
    assert_none("files too long", check_sizes(&sources(&src())));
}

/// The same checks on a small tree with one fault of each kind, and the faults they must not
/// see (in comments, strings, `#[cfg(test)]` items and the binary).
#[test]
fn the_checks_catch_a_bad_tree() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let write = |rel: &str, text: &str| {
        let path = src.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let mods: String = (0..13).map(|i| format!("pub mod extra{i};\n")).collect();
    write(
        "lib.rs",
        &format!(
            "//! A crate.\n\npub mod base;\npub mod content;\npub mod render;\n{mods}\
             pub use render::Renderer;\n\npub fn helper() {{}}\n"
        ),
    );
    write("base/mod.rs", "//! Base.\n\npub mod escape;\npub(crate) mod slug;\n#[cfg(test)]\nmod tests;\npub use escape::{html, xml as x};\n");
    write(
        "content/mod.rs",
        "//! Content.\n\npub mod item;\n\n/// A type.\npub struct Thing;\n",
    );
    write(
        "content/item.rs",
        "//! Items.\n\
         use crate::base::escape; // crate::render in a comment\n\
         use crate::{base::slug,\n    render::view};\n\
         const S: &str = \"crate::render::x\";\n\
         fn f() -> crate::Renderer { todo!() }\n\
         /* crate::render */\n\
         #[cfg(test)]\nmod tests {\n    use crate::render::Renderer;\n}\n\
         fn g() { let _ = crate::render::plan; }\n\
         fn h() { crate::page!(); }\n",
    );
    write("render/mod.rs", "pub mod view;\n");
    write("render/macros.rs", "#[macro_export]\nmacro_rules! page { () => {} }\n");
    write(
        "render/view.rs",
        "use crate::content::item;\nuse crate::{self as c, base};\n",
    );
    write("main.rs", "mod cli;\nuse crate::cli::Args;\nfn main() {}\n");
    let long: String = (0..801).map(|i| format!("const C{i}: u8 = 0;\n")).collect();
    write("base/escape.rs", &format!("{long}\n#[cfg(test)]\nmod tests {{}}\n"));
    let short: String = (0..800)
        .map(|i| format!("const C{i}: u8 = 0;\n// a comment\n\n"))
        .collect();
    write(
        "base/slug.rs",
        &format!("{short}#[cfg(test)]\nmod tests {{\n{long}}}\n"),
    );

    let files = sources(&src);
    let top = check_top_modules(&files);
    assert_eq!(top.len(), 14, "{top:#?}");
    assert!(top[0].starts_with("src/lib.rs: 16 top-level modules"), "{top:#?}");
    assert!(
        top[1].starts_with("src/lib.rs:6: module `extra0` is not a layer"),
        "{top:#?}"
    );

    let layers = check_layers(&files);
    assert_eq!(layers.len(), 4, "{layers:#?}");
    assert!(layers[0].starts_with("src/content/item.rs:4: `crate::render` is a higher layer than `content`"));
    assert!(layers[1].starts_with("src/content/item.rs:6: `crate::Renderer` (from `render`) is a higher layer"));
    assert!(layers[2].starts_with("src/content/item.rs:12: `crate::render` is a higher layer"));
    assert!(layers[3].starts_with("src/content/item.rs:13: `crate::page` (from `render`) is a higher layer"));

    let mod_files = check_mod_files(&files);
    assert_eq!(
        mod_files,
        [
            "src/content/mod.rs:6: only `mod`, `pub mod` and `pub use` belong here, not `pub struct Thing;`",
            "src/lib.rs:21: only `mod`, `pub mod` and `pub use` belong here, not `pub fn helper() {}`",
        ]
    );

    assert_eq!(
        check_sizes(&files),
        ["src/base/escape.rs:1: 801 code lines, more than 800: split it by responsibility"]
    );
}
