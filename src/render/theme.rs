//! Themes: finds the templates, UI strings and static files of a site's theme and loads
//! them into Tera once. Lookup order, first found wins: the site's own `templates/` and
//! `static/`, then `themes/NAME/` on disk, then the default theme embedded in the binary
//! (so an installed `bulletin` works anywhere). A site template can still extend the theme's
//! version of itself as `theme/NAME.html`.

use crate::base::diagnostic::{Diagnostic, Diagnostics};
use crate::base::escape::escape_html;
use crate::content::config::{Config, Language};
use crate::content::source::{rel_to, walk_error};
use crate::output::StaticSource;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;
use walkdir::WalkDir;

/// The default theme, embedded whole.
pub(crate) static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A loaded theme: compiled templates, UI strings and the static files to copy.
pub(crate) struct Theme {
    /// Compiled templates.
    pub tera: Tera,
    /// UI strings for the site's language (key `t` in templates).
    pub strings: BTreeMap<String, String>,
    /// Static files by output path, site files over theme files.
    pub statics: BTreeMap<String, StaticSource>,
    /// Where each template came from, for error messages.
    pub sources: BTreeMap<String, PathBuf>,
    /// How often and how long each template rendered (`bulletin build --timings`).
    pub metrics: TemplateMetrics,
}

/// Per-template render counts and times, like Hugo's `--templateMetrics`: shows which
/// template a slow build spends its time in.
#[derive(Debug, Default)]
pub(crate) struct TemplateMetrics(std::sync::Mutex<BTreeMap<String, TemplateMetric>>);

/// The renders of one template.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TemplateMetric {
    /// Pages (or cards) rendered.
    pub count: u64,
    /// Time spent rendering them, on all threads together.
    pub time: std::time::Duration,
    /// Bytes of output.
    pub bytes: u64,
}

impl TemplateMetrics {
    /// Records one render of `template`.
    pub(crate) fn record(&self, template: &str, time: std::time::Duration, bytes: usize) {
        let mut m = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !m.contains_key(template) {
            m.insert(template.to_string(), TemplateMetric::default());
        }
        if let Some(e) = m.get_mut(template) {
            e.count += 1;
            e.time += time;
            e.bytes += bytes as u64;
        }
    }

    /// About how many bytes a render of `template` makes, from those so far (a page's buffer
    /// is sized once instead of doubling its way up).
    pub(crate) fn typical_bytes(&self, template: &str) -> usize {
        let m = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        m.get(template)
            .filter(|e| e.count > 0)
            .map_or(4096, |e| usize::try_from(e.bytes / e.count).unwrap_or(4096) * 9 / 8)
    }

    /// Every template rendered so far, slowest first.
    pub(crate) fn snapshot(&self) -> Vec<(String, TemplateMetric)> {
        let m = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut v: Vec<(String, TemplateMetric)> = m.iter().map(|(k, v)| (k.clone(), *v)).collect();
        v.sort_by(|a, b| b.1.time.cmp(&a.1.time).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("strings", &self.strings.len())
            .field("statics", &self.statics.len())
            .finish()
    }
}

impl Theme {
    /// A UI string, or the key itself when the theme lacks it.
    pub(crate) fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map_or(key, String::as_str)
    }
}

/// Loads the theme named in `config` for the site at `root`.
pub(crate) fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
    let theme_dir = root.join("themes").join(&config.theme);
    let on_disk = theme_dir.is_dir();
    if !on_disk && config.theme != "default" {
        return Err(
            Diagnostic::file_error("site.yaml", format!("theme `{}` not found in themes/", config.theme))
                .with_hint("remove `theme:` to use the built-in default theme, or copy a theme into themes/")
                .into(),
        );
    }
    let mut diags = Diagnostics::new();
    // name → (source shown in errors, text); later inserts win.
    let mut templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let mut theme_templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let mut statics: BTreeMap<String, StaticSource> = BTreeMap::new();
    let mut strings: BTreeMap<String, String> = BTreeMap::new();
    let lang = match config.language {
        Language::ZhCn => "zh-CN",
        Language::En => "en",
    };

    // 1. The embedded default theme (always, so a partial theme still finds every page).
    if on_disk && config.theme != "default" {
        // A custom theme stands alone: it must provide its templates.
    } else {
        embedded_files(&DEFAULT_THEME, &mut |path, bytes| {
            let shown = PathBuf::from("themes/default").join(path);
            if let Some(name) = path.strip_prefix("templates/") {
                if let Ok(text) = std::str::from_utf8(bytes) {
                    theme_templates.insert(name.to_string(), (shown, text.to_string()));
                }
            } else if let Some(name) = path.strip_prefix("static/") {
                statics.insert(name.to_string(), StaticSource::Embedded(bytes));
            } else if path == format!("i18n/{lang}.yaml") {
                merge_strings(
                    &mut strings,
                    std::str::from_utf8(bytes).unwrap_or(""),
                    &shown,
                    &mut diags,
                );
            }
        });
    }
    // 2. The theme on disk.
    if on_disk {
        let mut unread = Diagnostics::new();
        let walked = read_tree(
            root,
            &theme_dir.join("templates"),
            &mut |name, path| match std::fs::read_to_string(path) {
                Ok(text) => {
                    theme_templates.insert(name, (path.to_path_buf(), text));
                }
                Err(e) => unread.push(Diagnostic::file_error(
                    rel_to(root, path),
                    format!("cannot read template: {e}"),
                )),
            },
        );
        diags.extend(walked);
        diags.extend(unread);
        diags.extend(read_tree(root, &theme_dir.join("static"), &mut |name, path| {
            statics.insert(name, StaticSource::Disk(path.to_path_buf()));
        }));
        let i18n = theme_dir.join("i18n").join(format!("{lang}.yaml"));
        if let Ok(text) = std::fs::read_to_string(&i18n) {
            merge_strings(&mut strings, &text, &rel_to(root, &i18n), &mut diags);
        }
    }
    // 3. The site's own templates and static files win.
    for (name, t) in &theme_templates {
        templates.insert(name.clone(), t.clone());
        templates.insert(format!("theme/{name}"), t.clone());
    }
    let mut unread = Diagnostics::new();
    let walked = read_tree(
        root,
        &root.join("templates"),
        &mut |name, path| match std::fs::read_to_string(path) {
            Ok(text) => {
                templates.insert(name, (path.to_path_buf(), text));
            }
            Err(e) => unread.push(Diagnostic::file_error(
                rel_to(root, path),
                format!("cannot read template: {e}"),
            )),
        },
    );
    diags.extend(walked);
    diags.extend(unread);
    diags.extend(read_tree(root, &root.join("static"), &mut |name, path| {
        statics.insert(name, StaticSource::Disk(path.to_path_buf()));
    }));
    if diags.has_errors() {
        return Err(diags);
    }

    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    let sources: BTreeMap<String, PathBuf> = templates
        .iter()
        .map(|(k, (p, _))| (k.clone(), rel_to(root, p)))
        .collect();
    if let Err(e) = tera.add_raw_templates(templates.into_iter().map(|(name, (_, text))| (name, text))) {
        return Err(template_error(&e, root, &sources).into());
    }
    Ok(Theme {
        tera,
        strings,
        statics,
        sources,
        metrics: TemplateMetrics::default(),
    })
}

fn embedded_files(dir: &'static Dir<'static>, f: &mut dyn FnMut(&str, &'static [u8])) {
    for file in dir.files() {
        if let Some(path) = file.path().to_str() {
            f(&path.replace('\\', "/"), file.contents());
        }
    }
    for sub in dir.dirs() {
        embedded_files(sub, f);
    }
}

/// Calls `f(name, path)` for every file below `dir`, with `name` relative to it (`/`-separated)
/// and `path` where to read it; names starting with `.` are skipped. A symlink is followed
/// when it leads inside the site (its target is read); one that leads outside is an error and
/// nothing is read through it, for static files are published as they are and templates end
/// up in pages. Broken links and loops are errors too, each at its path.
fn read_tree(root: &Path, dir: &Path, f: &mut dyn FnMut(String, &Path)) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if !dir.is_dir() {
        return diags;
    }
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let inside = |p: &Path| p.canonicalize().ok().filter(|real| real.starts_with(&real_root));
    let outside = |p: &Path| {
        Diagnostic::file_error(rel_to(root, p), "symlink leads outside the site; not read")
            .with_hint("copy what it links to into the site instead of linking to it")
    };
    // The folder itself (`static` or a theme's) may be the link.
    if inside(dir).is_none() {
        let at = dir.ancestors().find(|a| a.is_symlink()).unwrap_or(dir);
        diags.push(outside(at));
        return diags;
    }
    let refused = std::cell::RefCell::new(Vec::new());
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if e.path_is_symlink() && inside(e.path()).is_none() {
                refused.borrow_mut().push(e.path().to_path_buf());
                return false;
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(name) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let name = name.to_string_lossy().replace('\\', "/");
                // Read from where the link leads, as checked: not through a link that might
                // be changed to lead elsewhere before the file is read.
                match e.path_is_symlink().then(|| inside(e.path())) {
                    Some(Some(real)) => f(name, &real),
                    Some(None) => diags.push(outside(e.path())),
                    None => f(name, e.path()),
                }
            }
            Ok(_) => {}
            Err(e) => diags.push(walk_error(root, dir, &e)),
        }
    }
    diags.extend(refused.into_inner().iter().map(|p| outside(p)));
    diags
}

fn merge_strings(strings: &mut BTreeMap<String, String>, text: &str, shown: &Path, diags: &mut Diagnostics) {
    match crate::base::yaml::from_str::<BTreeMap<String, String>>(text) {
        Ok(map) => strings.extend(map),
        Err(e) => {
            let (msg, pos) = crate::base::yaml::split_error(&e);
            let (l, c) = pos.unwrap_or((1, 1));
            diags.push(
                Diagnostic::error(shown, l, c, format!("UI strings: {msg}")).with_hint("each line is `key: text`"),
            );
        }
    }
}

/// Turns a Tera error into a diagnostic on the template file, with the line when Tera gives one.
pub(crate) fn template_error(e: &tera::Error, root: &Path, sources: &BTreeMap<String, PathBuf>) -> Diagnostic {
    let chain = error_chain(e);
    // Tera names the template in its first message: "Failed to parse 'item.html'".
    let name = chain.split('\'').nth(1).unwrap_or("");
    let path = sources
        .get(name)
        .map_or_else(|| PathBuf::from("templates"), |p| rel_to(root, p));
    let (line, col) = chain
        .split_once("--> ")
        .and_then(|(_, rest)| {
            let (l, rest) = rest.split_once(':')?;
            let c: String = rest.chars().take_while(char::is_ascii_digit).collect();
            Some((l.trim().parse().ok()?, c.parse().ok()?))
        })
        .unwrap_or((0, 0));
    Diagnostic::error(path, line, col, format!("template error: {}", chain.replace('\n', " ")))
        .with_hint("fix the template; the previous site was left as it was")
}

/// Tera's error and its causes, joined.
pub(crate) fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
