//! The registry of China's provincial-level divisions and the parser for the `region` field.
//!
//! The registry is the 34 provincial-level divisions plus 全国 (national) and
//! 新疆生产建设兵团, read from the embedded `src/data/regions.tsv` once, on first use. A region
//! string is a province written in any known form (short or full name, Chinese alias, pinyin
//! slug, English name) followed by an optional locality, which is kept as written and resolved
//! to a prefecture or county by `place` when it names one; a value that starts
//! with a city instead (`西安市碑林区`) has its province inferred. Problems come back as
//! [`RegionError`]; turning that into a diagnostic with a file position is the caller's job.

use crate::content::place::{places, Found, Place};
use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

/// The embedded data file; see its header for the columns.
const DATA: &str = include_str!("../data/regions.tsv");

/// Slug of the national level (全国).
pub(crate) const NATIONAL_SLUG: &str = "quanguo";

/// Characters skipped between the province and the locality (`山东·莱西`, `山东: 莱西`).
const SEPARATORS: &[char] = &[
    '·', '・', '•', '-', '‐', '–', '—', '－', ':', '：', '/', '／', '|', '｜', ',', '，', '、',
];

/// Suggestions scoring below this (0..=1) are not worth showing.
const MIN_SCORE: f64 = 0.4;

/// How many nearest names an [`UnknownRegion`] carries at most.
const MAX_NEAREST: usize = 3;

/// How many characters of an unknown value are compared with the known names.
const MAX_COMPARED: usize = 32;

/// How many characters of an unknown value its message repeats.
const MAX_SHOWN: usize = 40;

/// The six traditional areas (大区) plus the national level, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Area {
    /// 全国: the national level.
    National,
    /// 华北: North China.
    Huabei,
    /// 东北: the Northeast.
    Dongbei,
    /// 华东: East China.
    Huadong,
    /// 中南: Central South.
    Zhongnan,
    /// 西南: the Southwest.
    Xinan,
    /// 西北: the Northwest.
    Xibei,
}

impl Area {
    /// Every area, in display order.
    pub fn all() -> [Area; 7] {
        [
            Area::National,
            Area::Huabei,
            Area::Dongbei,
            Area::Huadong,
            Area::Zhongnan,
            Area::Xinan,
            Area::Xibei,
        ]
    }

    /// The Chinese name: "全国", "华北", …
    pub fn name(self) -> &'static str {
        match self {
            Area::National => "全国",
            Area::Huabei => "华北",
            Area::Dongbei => "东北",
            Area::Huadong => "华东",
            Area::Zhongnan => "中南",
            Area::Xinan => "西南",
            Area::Xibei => "西北",
        }
    }

    /// The English name: "National", "North China", …
    pub fn name_en(self) -> &'static str {
        match self {
            Area::National => "National",
            Area::Huabei => "North China",
            Area::Dongbei => "Northeast",
            Area::Huadong => "East China",
            Area::Zhongnan => "Central South",
            Area::Xinan => "Southwest",
            Area::Xibei => "Northwest",
        }
    }

    /// The toneless pinyin slug: "quanguo", "huabei", …
    pub fn slug(self) -> &'static str {
        match self {
            Area::National => "quanguo",
            Area::Huabei => "huabei",
            Area::Dongbei => "dongbei",
            Area::Huadong => "huadong",
            Area::Zhongnan => "zhongnan",
            Area::Xinan => "xinan",
            Area::Xibei => "xibei",
        }
    }

    /// The area whose Chinese name is `name`, as written in the data file.
    fn from_name(name: &str) -> Option<Area> {
        Area::all().into_iter().find(|area| area.name() == name)
    }
}

/// One provincial-level division (or 全国 / 兵团).
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Province {
    /// Toneless pinyin, lowercase ASCII; the URL segment (`shaanxi`, `quanguo`, `bingtuan`).
    pub slug: String,
    /// Short name, used for display (`山东`, `内蒙古`, `兵团`).
    pub short: String,
    /// Full official name (`山东省`, `内蒙古自治区`).
    pub name: String,
    /// The 大区 it belongs to.
    pub area: Area,
    /// English name (`Shandong`, `Inner Mongolia`).
    pub name_en: String,
    /// Further accepted spellings beyond the slug, short, full and English names.
    pub aliases: Vec<String>,
    /// 0-based position among the data file's rows, for stable display order.
    pub order: usize,
}

/// A parsed `region`: a province and what follows it, kept as written, with the place it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    /// The province matched at the start of the string (or inferred from its city).
    pub province: &'static Province,
    /// The city/county/district after it, as written; `None` when nothing follows.
    pub locality: Option<String>,
    /// The prefecture or county the locality names; `None` when it names none the registry
    /// knows (then `bulletin check` warns, for provinces with a registry).
    pub place: Option<&'static Place>,
    /// What the locality says below the place (a street, an enterprise), as written.
    pub detail: Option<String>,
}

impl std::hash::Hash for Region {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // A province and a place are each one of a fixed table: a slug or code names it.
        self.province.slug.hash(h);
        self.locality.hash(h);
        self.place.map(|p| p.code).hash(h);
    }
}

impl Region {
    /// Whether this is the national level (全国).
    pub fn is_national(&self) -> bool {
        self.province.slug == NATIONAL_SLUG
    }

    /// Whether the locality names no place although the province has a registry of them.
    pub fn unplaced(&self) -> bool {
        self.locality.is_some() && self.place.is_none() && places().has_places(self.province)
    }

    /// The short name, then the locality if any: "山东 莱西" or "山东".
    pub fn display(&self) -> String {
        match &self.locality {
            Some(locality) => format!("{} {}", self.province.short, locality),
            None => self.province.short.clone(),
        }
    }
}

/// Why a region string was not understood; the caller turns it into a Diagnostic with the file position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRegion {
    /// The value as written (trimmed).
    pub value: String,
    /// Up to three short names of the closest provinces, closest first; may be empty.
    pub nearest: Vec<&'static str>,
}

impl UnknownRegion {
    /// The hint shown with the error: the nearest names, or what a region looks like.
    pub(crate) fn hint(&self) -> String {
        if self.nearest.is_empty() {
            "a region starts with a province-level name (山东, 山东省, shandong), 全国 or 新疆生产建设兵团".to_string()
        } else {
            let names: Vec<String> = self.nearest.iter().map(|n| format!("`{n}`")).collect();
            format!("did you mean {}?", names.join(", "))
        }
    }
}

impl fmt::Display for UnknownRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.chars().nth(MAX_SHOWN).is_some() {
            write!(f, "unknown region `{}…`", prefix(&self.value, MAX_SHOWN))
        } else {
            write!(f, "unknown region `{}`", self.value)
        }
    }
}

impl std::error::Error for UnknownRegion {}

/// Why a region string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionError {
    /// It names no province and starts with no known place.
    Unknown(UnknownRegion),
    /// Several places fit it equally well (`江苏鼓楼区`: 南京's and 徐州's).
    Ambiguous {
        /// The value as written (trimmed).
        value: String,
        /// Every place it fits, in code order.
        candidates: Vec<&'static Place>,
    },
    /// The province's suffix is written twice (`山东省省`).
    DoubledSuffix {
        /// The value as written (trimmed).
        value: String,
        /// The province, written once.
        province: &'static Province,
    },
}

impl RegionError {
    /// The hint shown with the error: what to write instead.
    pub(crate) fn hint(&self) -> String {
        match self {
            RegionError::Unknown(e) => e.hint(),
            RegionError::Ambiguous { candidates, .. } => {
                let ways: Vec<String> = candidates
                    .iter()
                    .map(|p| format!("`{}`", places().written(p)))
                    .collect();
                format!("write the city as well: {}", ways.join(" or "))
            }
            RegionError::DoubledSuffix { province, .. } => {
                format!("write the province once: `{}` or `{}`", province.name, province.short)
            }
        }
    }
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegionError::Unknown(e) => e.fmt(f),
            RegionError::Ambiguous { value, candidates } => {
                let names: Vec<String> = candidates
                    .iter()
                    .map(|p| match places().parent_of(p) {
                        Some(parent) => format!("{}{}{}", p.province.name, parent.name, p.name),
                        None => format!("{}{}", p.province.name, p.name),
                    })
                    .collect();
                write!(
                    f,
                    "region `{}` fits {} places: {}",
                    prefix(value, MAX_SHOWN),
                    names.len(),
                    names.join(", ")
                )
            }
            RegionError::DoubledSuffix { value, .. } => {
                write!(f, "region `{}` repeats the province's suffix", prefix(value, MAX_SHOWN))
            }
        }
    }
}

impl std::error::Error for RegionError {}

impl From<UnknownRegion> for RegionError {
    fn from(e: UnknownRegion) -> Self {
        RegionError::Unknown(e)
    }
}

/// One spelling that names a province.
#[derive(Debug)]
struct Key {
    /// As written for Chinese keys; lowercase with single spaces for Latin ones.
    text: String,
    /// Latin keys match whole words, ignoring case; Chinese keys match as a prefix.
    latin: bool,
    /// Whether this is the province's short name (see the 吉林市 rule in `Registry::parse`).
    short: bool,
    /// Toneless pinyin of a Chinese key, for suggesting names to mistyped input.
    pinyin: String,
    /// Index into `Registry::provinces`.
    province: usize,
}

/// The provinces and every spelling that names one, built once from the data file.
#[derive(Debug)]
pub struct Registry {
    provinces: Vec<Province>,
    keys: Vec<Key>,
}

/// The registry built from the embedded data file.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::from_text(DATA))
}

impl Registry {
    /// Every province, in data-file order.
    pub(crate) fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    /// The province with this exact slug.
    #[cfg(test)]
    fn by_slug(&self, slug: &str) -> Option<&Province> {
        self.provinces.iter().find(|p| p.slug == slug)
    }

    /// Reads a `region` value: the longest known spelling of a province at the start, then the
    /// locality and the place it names; without a province, the place it starts with.
    pub fn parse(&'static self, input: &str) -> Result<Region, RegionError> {
        let input = input.trim();
        let unknown = || UnknownRegion {
            value: input.to_owned(),
            nearest: self.nearest(input),
        };
        if input.is_empty() {
            return Err(unknown().into());
        }
        let Some((key, end)) = self
            .keys
            .iter()
            .filter_map(|key| key.match_len(input).map(|end| (key, end)))
            .max_by_key(|&(_, end)| end)
        else {
            return match places().infer(input) {
                Found::One(place, detail) => Ok(Region {
                    province: place.province,
                    locality: Some(input.to_owned()),
                    place: Some(place),
                    detail,
                }),
                Found::Many(candidates) => Err(ambiguous(input, candidates)),
                Found::Nothing => Err(unknown().into()),
            };
        };
        let Some(province) = self.provinces.get(key.province) else {
            return Err(unknown().into());
        };
        let rest = input.get(end..).unwrap_or_default();
        if doubled_suffix(&key.text, rest) {
            return Err(RegionError::DoubledSuffix {
                value: input.to_owned(),
                province,
            });
        }
        let locality = if key.short && rest.starts_with('市') {
            // 吉林市 is a city in 吉林省 and not the province written with a stray 市.
            Some(format!("{}{}", key.text, rest))
        } else {
            let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c));
            (!rest.is_empty()).then(|| rest.to_owned())
        };
        let mut region = Region {
            province,
            locality,
            place: None,
            detail: None,
        };
        let Some(locality) = &region.locality else {
            return Ok(region);
        };
        match places().resolve(province, locality) {
            Found::One(place, detail) => {
                region.place = Some(place);
                region.detail = detail;
            }
            Found::Many(candidates) => return Err(ambiguous(input, candidates)),
            // 海南藏族自治州 is in 青海, not a locality of 海南.
            Found::Nothing => {
                if let Found::One(place, detail) = places().infer(input) {
                    region.province = place.province;
                    region.locality = Some(input.to_owned());
                    region.place = Some(place);
                    region.detail = detail;
                }
            }
        }
        Ok(region)
    }

    /// Builds the registry from the text of a data file, skipping malformed lines.
    fn from_text(text: &str) -> Registry {
        let provinces = parse_rows(text);
        let mut keys: Vec<Key> = Vec::new();
        for (index, p) in provinces.iter().enumerate() {
            let spellings = [&p.short, &p.name, &p.slug, &p.name_en].into_iter().chain(&p.aliases);
            for spelling in spellings {
                let key = Key::new(spelling, spelling == &p.short, index);
                let seen = keys.iter().any(|k| k.province == index && k.text == key.text);
                if !key.text.is_empty() && !seen {
                    keys.push(key);
                }
            }
        }
        Registry { provinces, keys }
    }

    /// Short names of the provinces closest to `input`, closest first, at most three.
    fn nearest(&'static self, input: &str) -> Vec<&'static str> {
        if input.is_empty() {
            return Vec::new();
        }
        // The province is at the start; comparing a long value whole would only cost time
        // (edit distance over every spelling), as much as seconds for a 100 KB value.
        let input = prefix(input, MAX_COMPARED);
        let latin = input.is_ascii();
        let lowered = normalize_latin(input);
        let mut best: Vec<(f64, usize)> = Vec::new();
        for key in self.keys.iter().filter(|k| k.latin == latin) {
            let score = if latin {
                similarity(&lowered, &key.text)
            } else {
                let head = prefix(input, key.text.chars().count());
                let by_chars = similarity(input, &key.text);
                let by_sound = strsim::normalized_levenshtein(&to_pinyin(head), &key.pinyin);
                (by_chars + by_sound) / 2.0
            };
            match best.iter_mut().find(|(_, p)| *p == key.province) {
                Some(entry) => entry.0 = entry.0.max(score),
                None => best.push((score, key.province)),
            }
        }
        best.retain(|&(score, _)| score >= MIN_SCORE);
        best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        best.iter()
            .filter_map(|&(_, index)| self.provinces.get(index))
            .map(|p| p.short.as_str())
            .take(MAX_NEAREST)
            .collect()
    }
}

impl Key {
    fn new(spelling: &str, short: bool, province: usize) -> Key {
        let latin = spelling.is_ascii();
        let text = if latin {
            normalize_latin(spelling)
        } else {
            spelling.to_owned()
        };
        let pinyin = if latin { String::new() } else { to_pinyin(&text) };
        Key {
            text,
            latin,
            short,
            pinyin,
            province,
        }
    }

    /// How many bytes of `input` this key matches at its start, if it does.
    fn match_len(&self, input: &str) -> Option<usize> {
        if !self.latin {
            return input.starts_with(&self.text).then_some(self.text.len());
        }
        // Case-insensitive; a space in the key matches any run of whitespace; the match must
        // end at a word boundary, so `shanxi` never matches the start of `shanxii`.
        let mut chars = input.char_indices().peekable();
        for k in self.text.chars() {
            let (_, c) = chars.next()?;
            if k == ' ' {
                if !c.is_whitespace() {
                    return None;
                }
                while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
            } else if c.to_ascii_lowercase() != k {
                return None;
            }
        }
        match chars.peek() {
            None => Some(input.len()),
            Some(&(_, c)) if c.is_ascii_alphanumeric() => None,
            Some(&(end, _)) => Some(end),
        }
    }
}

/// The error for a value that fits several places.
fn ambiguous(input: &str, candidates: Vec<&'static Place>) -> RegionError {
    RegionError::Ambiguous {
        value: input.to_owned(),
        candidates,
    }
}

/// Whether what follows a province repeats its suffix: `山东省省`, `北京市市`, `广西壮族自治区自治区`.
fn doubled_suffix(key: &str, rest: &str) -> bool {
    rest.starts_with('省') || rest.starts_with("自治区") || (rest.starts_with('市') && key.ends_with('市'))
}

/// Parses the data file's rows, skipping comments, the header, blank and malformed lines and
/// repeated slugs.
fn parse_rows(text: &str) -> Vec<Province> {
    let mut provinces: Vec<Province> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(p) = parse_row(line, provinces.len()) {
            if !provinces.iter().any(|q| q.slug == p.slug) {
                provinces.push(p);
            }
        }
    }
    provinces
}

/// One data row: slug, short, name, area, English name and optional aliases, tab-separated.
fn parse_row(line: &str, order: usize) -> Option<Province> {
    let columns: Vec<&str> = line.split('\t').map(str::trim).collect();
    let [slug, short, name, area, name_en, rest @ ..] = columns.as_slice() else {
        return None;
    };
    let aliases = match rest {
        [] => "",
        [aliases] => aliases,
        _ => return None,
    };
    let slug_ok = !slug.is_empty() && slug.bytes().all(|b| b.is_ascii_lowercase());
    if !slug_ok || *slug == "slug" || short.is_empty() || name.is_empty() || name_en.is_empty() {
        return None;
    }
    Some(Province {
        slug: (*slug).to_owned(),
        short: (*short).to_owned(),
        name: (*name).to_owned(),
        area: Area::from_name(area)?,
        name_en: (*name_en).to_owned(),
        aliases: aliases
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        order,
    })
}

/// Lowercase ASCII with runs of whitespace turned into one space.
fn normalize_latin(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase()
}

/// Toneless pinyin of the Chinese characters in `s`, other characters kept (lowercased).
fn to_pinyin(s: &str) -> String {
    use pinyin::ToPinyin;
    s.chars()
        .map(|c| match c.to_pinyin() {
            Some(p) => p.plain().to_owned(),
            None => c.to_lowercase().collect(),
        })
        .collect()
}

/// The first `n` characters of `s` (all of it when shorter).
fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((end, _)) => s.get(..end).unwrap_or(s),
        None => s,
    }
}

/// How alike `input` and a name are (0..=1): the whole input, or its start when a locality
/// may follow the province.
fn similarity(input: &str, name: &str) -> f64 {
    let whole = strsim::normalized_levenshtein(input, name);
    let head = strsim::normalized_levenshtein(prefix(input, name.chars().count()), name);
    whole.max(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(input: &str) -> UnknownRegion {
        match registry().parse(input) {
            Err(RegionError::Unknown(e)) => e,
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn parses_every_form_in_the_contract() {
        let rows: &[(&str, &str, Option<&str>)] = &[
            ("山东", "shandong", None),
            ("山东省", "shandong", None),
            ("shandong", "shandong", None),
            ("Shandong", "shandong", None),
            ("SHANDONG", "shandong", None),
            ("Shandong Province", "shandong", None),
            ("山东莱西", "shandong", Some("莱西")),
            ("山东省青岛市莱西市", "shandong", Some("青岛市莱西市")),
            ("shandong 莱西", "shandong", Some("莱西")),
            ("  山东  ", "shandong", None),
            ("山东 莱西", "shandong", Some("莱西")),
            ("山东·莱西", "shandong", Some("莱西")),
            ("山东 - 莱西", "shandong", Some("莱西")),
            ("山东：莱西", "shandong", Some("莱西")),
            ("山东:莱西", "shandong", Some("莱西")),
            ("山东/莱西", "shandong", Some("莱西")),
            ("陕西西安碑林区", "shaanxi", Some("西安碑林区")),
            ("陕西", "shaanxi", None),
            ("陕西省", "shaanxi", None),
            ("shaanxi", "shaanxi", None),
            ("Shaanxi Province", "shaanxi", None),
            ("山西", "shanxi", None),
            ("山西省", "shanxi", None),
            ("shanxi", "shanxi", None),
            ("山西太原", "shanxi", Some("太原")),
            ("内蒙古", "neimenggu", None),
            ("内蒙古自治区", "neimenggu", None),
            ("内蒙古自治区呼和浩特市", "neimenggu", Some("呼和浩特市")),
            ("内蒙", "neimenggu", None),
            ("Inner Mongolia", "neimenggu", None),
            ("inner  mongolia", "neimenggu", None),
            ("neimenggu", "neimenggu", None),
            ("西藏", "xizang", None),
            ("西藏自治区拉萨市", "xizang", Some("拉萨市")),
            ("Tibet", "xizang", None),
            ("tibet", "xizang", None),
            ("xizang", "xizang", None),
            ("香港", "xianggang", None),
            ("香港特别行政区", "xianggang", None),
            ("Hong Kong", "xianggang", None),
            ("hong kong", "xianggang", None),
            ("Hong Kong SAR", "xianggang", None),
            ("Hongkong", "xianggang", None),
            ("xianggang", "xianggang", None),
            ("澳门", "aomen", None),
            ("澳門", "aomen", None),
            ("Macau", "aomen", None),
            ("Macao", "aomen", None),
            ("aomen", "aomen", None),
            ("台湾", "taiwan", None),
            ("台湾省", "taiwan", None),
            ("taiwan", "taiwan", None),
            ("全国", "quanguo", None),
            ("quanguo", "quanguo", None),
            ("新疆生产建设兵团", "bingtuan", None),
            ("新疆生产建设兵团第八师", "bingtuan", Some("第八师")),
            ("兵团", "bingtuan", None),
            ("新疆兵团", "bingtuan", None),
            ("bingtuan", "bingtuan", None),
            ("新疆", "xinjiang", None),
            ("新疆维吾尔自治区乌鲁木齐市", "xinjiang", Some("乌鲁木齐市")),
            ("广西壮族自治区", "guangxi", None),
            ("广西壮族自治区南宁市", "guangxi", Some("南宁市")),
            ("广西", "guangxi", None),
            ("重庆市", "chongqing", None),
            ("重庆市渝中区", "chongqing", Some("渝中区")),
            ("北京市朝阳区", "beijing", Some("朝阳区")),
            ("吉林省长春市", "jilin", Some("长春市")),
            ("吉林市", "jilin", Some("吉林市")),
            ("吉林省吉林市", "jilin", Some("吉林市")),
            ("黑龙江", "heilongjiang", None),
            ("海南", "hainan", None),
            ("河南", "henan", None),
            ("宁夏回族自治区", "ningxia", None),
        ];
        for &(input, slug, locality) in rows {
            let region = registry().parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(region.province.slug, slug, "{input}");
            assert_eq!(region.locality.as_deref(), locality, "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_province() {
        for input in [
            "",
            "   ",
            "山栋",
            "shandongx",
            "shanxii",
            "huabei",
            "Hong",
            "京",
            "中国",
        ] {
            let err = unknown(input);
            assert_eq!(err.value, input.trim());
        }
    }

    #[test]
    fn nearest_names_come_closest_first() {
        let rows = [
            ("山栋", "山东"),
            ("山栋莱西", "山东"),
            ("陕栖", "陕西"),
            ("黑龙河", "黑龙江"),
            ("shandon", "山东"),
            ("shaanxii", "陕西"),
            ("shanxii", "山西"),
            ("Inner Mongol", "内蒙古"),
        ];
        for (input, first) in rows {
            let err = unknown(input);
            assert!(err.nearest.len() <= MAX_NEAREST, "{input}: {:?}", err.nearest);
            assert_eq!(err.nearest.first(), Some(&first), "{input}: {:?}", err.nearest);
        }
        assert!(unknown("").nearest.is_empty());
    }

    #[test]
    fn unknown_region_message() {
        let err = unknown("山栋");
        assert_eq!(err.to_string(), "unknown region `山栋`");
        assert!(err.nearest.contains(&"山东"));
    }

    #[test]
    fn long_unknown_values_are_cut_and_still_get_suggestions() {
        let long = format!("山栋{}", "栖".repeat(100_000));
        let start = std::time::Instant::now();
        let err = unknown(&long);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(err.value, long);
        assert_eq!(err.nearest.first(), Some(&"山东"));
        let shown = err.to_string();
        assert_eq!(shown.chars().count(), "unknown region `…`".chars().count() + MAX_SHOWN);
        assert!(registry().parse(&"x".repeat(100_000)).is_err());
    }

    #[test]
    fn display_and_national() {
        let r = registry().parse("山东莱西").unwrap();
        assert_eq!(r.display(), "山东 莱西");
        assert!(!r.is_national());
        assert_eq!(registry().parse("山东省").unwrap().display(), "山东");
        let national = registry().parse("全国").unwrap();
        assert!(national.is_national());
        assert_eq!(national.display(), "全国");
        assert_eq!(national.province.slug, NATIONAL_SLUG);
        assert!(std::ptr::eq(
            registry().by_slug(NATIONAL_SLUG).unwrap(),
            national.province
        ));
    }

    #[test]
    fn data_file_has_every_division() {
        assert_eq!(parse_rows(DATA).len(), 36);
        assert_eq!(registry().provinces().len(), 36);
        for (i, p) in registry().provinces().iter().enumerate() {
            assert_eq!(p.order, i);
            assert!(!p.slug.is_empty());
            assert!(p.slug.bytes().all(|b| b.is_ascii_lowercase()), "{}", p.slug);
            assert!(std::ptr::eq(registry().by_slug(&p.slug).unwrap(), p));
        }
        assert_eq!(registry().by_slug("shaanxi").unwrap().short, "陕西");
        assert_eq!(registry().by_slug("shanxi").unwrap().short, "山西");
        assert_eq!(registry().by_slug("bingtuan").unwrap().name, "新疆生产建设兵团");
        assert!(registry().by_slug("Shandong").is_none());
    }

    #[test]
    fn names_are_unique_and_unambiguous() {
        let keys = &registry().keys;
        for (i, a) in keys.iter().enumerate() {
            for b in keys.iter().skip(i + 1) {
                assert!(
                    a.text != b.text || a.province == b.province,
                    "`{}` names two provinces",
                    a.text
                );
            }
        }
        let mut shorts: Vec<_> = registry().provinces().iter().map(|p| &p.short).collect();
        shorts.sort();
        shorts.dedup();
        assert_eq!(shorts.len(), 36);
    }

    #[test]
    fn areas() {
        assert_eq!(
            Area::all().map(Area::name),
            ["全国", "华北", "东北", "华东", "中南", "西南", "西北"]
        );
        assert_eq!(Area::all().map(Area::slug)[5], "xinan");
        assert_eq!(Area::Zhongnan.name_en(), "Central South");
        for area in Area::all() {
            let count = registry().provinces().iter().filter(|p| p.area == area).count();
            match area {
                Area::National => assert_eq!(count, 1),
                _ => assert!(count > 0, "{area:?} is empty"),
            }
            assert_eq!(Area::from_name(area.name()), Some(area));
        }
        let area_of = |slug| registry().by_slug(slug).unwrap().area;
        assert_eq!(area_of("taiwan"), Area::Huadong);
        assert_eq!(area_of("xianggang"), Area::Zhongnan);
        assert_eq!(area_of("aomen"), Area::Zhongnan);
        assert_eq!(area_of("bingtuan"), Area::Xibei);
        assert_eq!(area_of("neimenggu"), Area::Huabei);
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let text = "# comment\n\
                    slug\tshort\tname\tarea\tname_en\taliases\n\
                    shandong\t山东\t山东省\t华东\tShandong\t\r\n\
                    \n\
                    bad\t只有三列\t\n\
                    Upper\t大写\t大写省\t华东\tUpper\t\n\
                    noarea\t无区\t无区省\t火星\tNoarea\t\n\
                    extra\t多列\t多列省\t华东\tExtra\ta\tb\n\
                    shandong\t山东\t重复\t华东\tShandong\t\n\
                    hainan\t海南\t海南省\t中南\tHainan\n";
        let rows = parse_rows(text);
        let slugs: Vec<_> = rows.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["shandong", "hainan"]);
        assert_eq!(rows.get(1).map(|p| p.order), Some(1));
        assert!(rows.iter().all(|p| p.aliases.is_empty()));
    }

    #[test]
    fn region_serializes() {
        let json = serde_json::to_value(registry().parse("山东莱西").unwrap()).unwrap();
        assert_eq!(json["province"]["slug"], "shandong");
        assert_eq!(json["locality"], "莱西");
    }
}
