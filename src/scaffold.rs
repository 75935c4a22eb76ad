//! `bulletin init` and `bulletin new`: files that editors start from.
//!
//! `init` writes a site that builds with no warning (site.yaml, one sample item whose figures
//! appear in its text, a .gitignore, the JSON Schemas and VS Code settings under .vscode/); the default theme stays inside the binary unless
//! `--theme-copy` writes it out for customising. `new` writes one item with its front matter
//! filled in and checked (region against the registry, topics against site.yaml), at
//! `content/YYYY/MM/SLUG.md`. Neither ever overwrites a file.
//!
//! The front matter is generated as text, not serialised, so that it can carry comments that
//! tell editors what each field is for; every value written is quoted as a JSON string, which
//! YAML reads as the same string whatever characters the title holds.

use crate::base::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::content::config::{self, Config};
use crate::content::region::registry;
use crate::render::theme::DEFAULT_THEME;
use chrono::{Datelike, NaiveDate};
use include_dir::Dir;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `bulletin new` is asked to write.
#[derive(Clone, Debug)]
pub struct NewItem {
    /// The headline (主题).
    pub title: String,
    /// The region, as editors write it (`山东`, `山东莱西`, `全国`).
    pub region: String,
    /// Topics, in order.
    pub topics: Vec<String>,
    /// The item's date, also its bulletin's.
    pub date: NaiveDate,
}

/// Writes a new item for `req` under `root/content/YYYY/MM/`, returning its path (below
/// `root`). Refuses an unknown region or topic (the topics are checked against the settings
/// in `config_file`), a title that gives no URL slug, and an existing file.
pub fn new_item(root: &Path, config_file: &Path, req: &NewItem) -> Result<PathBuf, Diagnostics> {
    let config = config::load_file(root, config_file)?;
    let mut diags = Diagnostics::new();
    let title = req.title.trim();
    let slug = crate::base::slug::slugify(title);
    if title.is_empty() {
        diags.push(
            Diagnostic::file_error("TITLE", "the title is empty")
                .with_hint("give the headline in quotes: bulletin new \"全国工会开展基层蹲点工作\" --region 全国"),
        );
    } else if slug.is_empty() {
        diags.push(
            Diagnostic::file_error("TITLE", format!("cannot make a URL slug from the title `{title}`"))
                .with_hint("use Chinese characters, letters or digits in the title"),
        );
    }
    if let Err(e) = registry().parse(&req.region) {
        let hint = e.hint();
        diags.push(Diagnostic::file_error("--region", e.to_string()).with_hint(hint));
    }
    let mut topics: Vec<&str> = Vec::new();
    for topic in &req.topics {
        let topic = topic.trim();
        if topic.is_empty() || topics.contains(&topic) {
            continue;
        }
        if let Some(defs) = &config.topics {
            if !defs.iter().any(|t| t.name == topic) {
                let names = defs.iter().map(|t| t.name.as_str());
                let hint = match did_you_mean(topic, names.clone()) {
                    Some(s) => format!("did you mean `{s}`? topics are listed in site.yaml"),
                    None => format!("site.yaml lists the topics: {}", names.collect::<Vec<_>>().join(", ")),
                };
                diags.push(Diagnostic::file_error("--topic", format!("unknown topic `{topic}`")).with_hint(hint));
                continue;
            }
        } else if crate::base::slug::slugify(topic).is_empty() {
            diags.push(
                Diagnostic::file_error("--topic", format!("topic `{topic}` gives an empty URL slug"))
                    .with_hint("use letters or Chinese characters in topic names"),
            );
            continue;
        }
        topics.push(topic);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let rel = PathBuf::from("content")
        .join(format!("{:04}", req.date.year()))
        .join(format!("{:02}", req.date.month()))
        .join(format!("{slug}.md"));
    let text = item_text(title, req.region.trim(), &topics, req.date, &slug, &config);
    write_new(root, &rel, text.as_bytes()).map_err(|d| {
        d.with_hint("an item with this title and month exists already: edit that file, or choose another title")
    })?;
    Ok(root.join(rel))
}

/// The text of a new item: front matter with every field an editor usually fills, commented.
pub(crate) fn item_text(
    title: &str,
    region: &str,
    topics: &[&str],
    date: NaiveDate,
    slug: &str,
    config: &Config,
) -> String {
    let topics = topics.iter().map(|t| quote(t)).collect::<Vec<_>>().join(", ");
    let metric = config.metrics.first().map_or("members_joined", |m| m.key.as_str());
    let unit = config.metrics.first().map_or("人", |m| m.unit.as_str());
    let date = date.format("%Y-%m-%d");
    format!(
        "---\n\
         title: {title}\n\
         kicker: \"\"          # 引题 (over-line), optional\n\
         subtitle: \"\"        # 副题 (sub-headline), optional\n\
         date: {date}\n\
         bulletin: {date}    # the issue (期) it appears in\n\
         region: {region}\n\
         topics: [{topics}]\n\
         kind: 消息           # 消息 | 通讯 | 特写 | 图片新闻 | 评论\n\
         source: 本报讯\n\
         byline:\n\
         \x20 reporters: []     # 记者\n\
         \x20 correspondents: [] # 通讯员\n\
         slug: {slug}        # the end of the item's URL; keep it once published\n\
         draft: false        # true keeps it out of the site until ready\n\
         # figures: each number to add up in the statistics, written exactly as in the text, e.g.\n\
         #   - metric: {metric}\n\
         #     value: 1.5万\n\
         #     unit: {unit}\n\
         #     region: 重庆   # optional: counts for another region than the item's\n\
         figures: []\n\
         # The text of the item goes below the closing line.\n\
         ---\n\n",
        title = quote(title),
        region = quote(region),
    )
}

/// A YAML double-quoted scalar: JSON string syntax, which YAML reads the same way.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace(['"', '\\'], "")))
}

/// What `bulletin init` is asked to do.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// Also write the default theme to `themes/default/` for customising.
    pub theme_copy: bool,
    /// The sample item's date.
    pub today: NaiveDate,
}

/// Creates a new site in `dir` (created if missing; refused when it holds anything).
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path, opts: &InitOptions) -> Result<Vec<PathBuf>, Diagnostics> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Diagnostic::file_error(dir, "exists and is not a folder")
                .with_hint("give the name of a new folder: bulletin init my-bulletin")
                .into());
        }
        let mut entries =
            std::fs::read_dir(dir).map_err(|e| Diagnostic::file_error(dir, format!("cannot read the folder: {e}")))?;
        if entries.next().is_some() {
            return Err(
                Diagnostic::file_error(dir, "the folder is not empty; refusing to write a site into it")
                    .with_hint("give the name of a new or empty folder: bulletin init my-bulletin")
                    .into(),
            );
        }
    } else {
        std::fs::create_dir_all(dir)
            .map_err(|e| Diagnostic::file_error(dir, format!("cannot create the folder: {e}")))?;
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (PathBuf::from("site.yaml"), SITE_YAML.as_bytes().to_vec()),
        (
            PathBuf::from(".gitignore"),
            b"/public\n/.public.*\n/.bulletin-cache/\n".to_vec(),
        ),
    ];
    files.extend(editor_files());
    let sample = PathBuf::from("content")
        .join(format!("{:04}", opts.today.year()))
        .join(format!("{:02}", opts.today.month()))
        .join("welcome.md");
    let date = opts.today.format("%Y-%m-%d").to_string();
    files.push((sample, SAMPLE_ITEM.replace("DATE", &date).into_bytes()));
    if opts.theme_copy {
        let base = PathBuf::from("themes").join("default");
        embedded(&DEFAULT_THEME, &mut |path, bytes| {
            files.push((base.join(path), bytes.to_vec()));
        });
    }
    let mut written = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        write_new(dir, &rel, &bytes)?;
        written.push(rel);
    }
    Ok(written)
}

/// Where `init` puts the JSON Schemas, relative to the site: inside the site, so that editors
/// find them offline and they travel with it.
pub const ITEM_SCHEMA: &str = ".vscode/bulletin-item.schema.json";
/// See [`ITEM_SCHEMA`].
pub const SITE_SCHEMA: &str = ".vscode/bulletin-site.schema.json";

/// The schema files and the VS Code settings that map them for the YAML extension (Red Hat's,
/// `yaml.schemas`: schema path → globs, both relative to the workspace folder). Front Matter
/// CMS has no setting that takes a JSON Schema (it validates against content types defined in
/// its own frontmatter.json), so nothing is written for it; the README says so.
fn editor_files() -> [(PathBuf, Vec<u8>); 3] {
    let settings = serde_json::json!({
        "yaml.schemas": {
            format!("./{SITE_SCHEMA}"): ["/site.yaml"],
            format!("./{ITEM_SCHEMA}"): ["/content/**/*.md"],
        }
    });
    let settings = serde_json::to_string_pretty(&settings).unwrap_or_default() + "\n";
    [
        (PathBuf::from(ITEM_SCHEMA), crate::content::schema::item().into_bytes()),
        (PathBuf::from(SITE_SCHEMA), crate::content::schema::site().into_bytes()),
        (PathBuf::from(".vscode/settings.json"), settings.into_bytes()),
    ]
}

/// Calls `f` with the path and contents of every file inside `dir`.
fn embedded(dir: &'static Dir<'static>, f: &mut dyn FnMut(&Path, &'static [u8])) {
    for file in dir.files() {
        f(file.path(), file.contents());
    }
    for sub in dir.dirs() {
        embedded(sub, f);
    }
}

/// Writes `root/rel`, creating folders; fails (rather than overwrite) when it exists.
fn write_new(root: &Path, rel: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::file_error(rel, format!("cannot create the folder: {e}")))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                Diagnostic::file_error(rel, "the file exists already; refusing to overwrite it")
            }
            _ => Diagnostic::file_error(rel, format!("cannot write: {e}")),
        })?;
    file.write_all(bytes)
        .map_err(|e| Diagnostic::file_error(rel, format!("cannot write: {e}")))
}

const SITE_YAML: &str = "\
# 网站设置 · site settings
title: 工会新闻简报
description: 各地工会工作动态
base_url: https://example.org/       # where the site will be published; may have a sub-path
language: zh-CN                       # zh-CN or en (interface strings)
theme: default                        # built in; `bulletin init --theme-copy` writes it out to customise
output_dir: public
per_page: 20                          # items per list page
# icp: 鲁ICP备12345678号-1              # the ICP 备案 number, in every footer (a site in China needs one)
# police_record: 鲁公网安备37020002000123号  # 公网安备 number, likewise
metrics:                              # the figures that statistics tables add up
  members_joined:    { label: 新入会职工,   unit: 人, aggregate: sum }
  cadres_dispatched: { label: 下派蹲点干部, unit: 人, aggregate: latest }
  special_funds:     { label: 专项经费,     unit: 元, aggregate: sum }
topics:                               # the fixed list of topics; an item's unknown topic is an error
  基层蹲点: { slug: grassroots }
  新就业形态: { slug: new-employment }
  劳模服务: { slug: model-workers }
";

const SAMPLE_ITEM: &str = "\
---
title: 重庆市总工会推进新就业形态劳动者入会
subtitle: 这是一篇示例稿件,可以修改或删除
date: DATE
bulletin: DATE
region: 重庆
topics: [新就业形态, 基层蹲点]
kind: 消息
source: 本报讯
byline:
  reporters: [张三]
slug: welcome
draft: false
figures:
  - metric: members_joined
    label: 吸纳新就业形态劳动者入会
    value: 1.5万
    unit: 人
  - metric: cadres_dispatched
    value: 120
    unit: 人
  - metric: special_funds
    value: 2900余万
    unit: 元
---
本报讯(记者张三)重庆市总工会日前集中开展新就业形态劳动者入会活动,吸纳快递员、网约配送员等新就业形态劳动者入会1.5万人。

今年以来,全市各级工会共下派蹲点干部120人,投入专项经费2900余万元,用于建设服务站点、开展技能培训。

这是一篇示例稿件。用 `bulletin new \"标题\" --region 地区` 写新稿件,用 `bulletin serve` 边写边预览。
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::source::SourceFile;

    fn config() -> Config {
        config::parse(SITE_YAML, Path::new("site.yaml")).unwrap()
    }

    fn parse(text: &str) -> crate::content::item::Parsed {
        let file = SourceFile {
            path: PathBuf::from("content/a.md"),
            rel: PathBuf::from("a.md"),
            text: text.to_string(),
        };
        crate::content::item::parse(&file, &config()).unwrap()
    }

    #[test]
    fn a_new_item_parses_with_what_was_asked() {
        let date = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let title = "山东莱西: \"劳模\" 就医 # 可享受优诊服务";
        let text = item_text(title, "山东莱西", &["劳模服务"], date, "slug-x", &config());
        let item = parse(&text).item;
        assert_eq!(item.headline.title, title);
        assert_eq!(item.region.province.slug, "shandong");
        assert_eq!(item.region.locality.as_deref(), Some("莱西"));
        assert_eq!(item.topics[0].slug, "model-workers");
        assert_eq!(item.date.date, date);
        assert_eq!(item.bulletin, date);
        assert_eq!(item.slug, "slug-x");
        assert!(!item.draft);
        assert!(item.figures.is_empty());
    }

    #[test]
    fn the_sample_item_parses_and_its_figures_are_in_its_text() {
        let crate::content::item::Parsed { item, text } = parse(&SAMPLE_ITEM.replace("DATE", "2024-05-01"));
        assert_eq!(item.figures.len(), 3);
        for f in &item.figures {
            assert!(
                crate::content::figure::appears_in(&f.amount, &text.body),
                "{}",
                f.amount.written
            );
        }
        let c = config();
        for t in &item.topics {
            assert!(c.topics.as_ref().unwrap().iter().any(|d| d.name == t.name));
        }
    }
}
