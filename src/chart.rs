//! Charts as inline SVG, without JavaScript: a bar chart across provinces, a cumulative line
//! over months, and a tile-grid map of China (one equal tile per provincial-level division,
//! laid out roughly geographically). Every chart carries a title and description, and the
//! pages show the same data as a table beside it.
//!
//! Geometry uses `f64`; the values themselves stay `Decimal` everywhere else.

use crate::feed::escape;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write;

/// One bar or point: a label, its value and how the value reads.
#[derive(Clone, Debug)]
pub struct Datum {
    /// Province, month…
    pub label: String,
    /// The value.
    pub value: Decimal,
    /// As the paper writes it (1.5万人).
    pub display: String,
}

fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

fn open_svg(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str, role: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"{role}\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
}

/// A horizontal bar chart, largest first as given.
pub fn bars(id: &str, title: &str, desc: &str, data: &[Datum]) -> String {
    let row = 26u32;
    let label_w = 84.0;
    let value_w = 110.0;
    let width = 640u32;
    let height = u32::try_from(data.len())
        .unwrap_or(u32::MAX / 64)
        .max(1)
        .saturating_mul(row)
        .saturating_add(8);
    let max = data.iter().map(|d| f(d.value)).fold(0.0_f64, f64::max);
    let span = f64::from(width) - label_w - value_w;
    let mut s = String::with_capacity(256 + data.len() * 256);
    open_svg(&mut s, id, width, height, title, desc, "img");
    for (i, d) in data.iter().enumerate() {
        let y = i as f64 * f64::from(row) + 4.0;
        let w = if max > 0.0 {
            (f(d.value) / max * span).max(1.0)
        } else {
            1.0
        };
        let _ = write!(
            s,
            "<g class=\"bar\"><text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{label_w:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" rx=\"2\"/><text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            label_w - 8.0,
            y + 15.0,
            escape(&d.label),
            f64::from(row) - 8.0,
            label_w + w + 6.0,
            y + 15.0,
            escape(&d.display)
        );
    }
    s.push_str("</svg>");
    s
}

/// A line over time (oldest first), for running totals.
pub fn line(id: &str, title: &str, desc: &str, data: &[Datum]) -> String {
    let (width, height) = (640u32, 240u32);
    let (left, right, top, bottom) = (16.0, 16.0, 28.0, 36.0);
    let max = data.iter().map(|d| f(d.value)).fold(0.0_f64, f64::max);
    let plot_w = f64::from(width) - left - right;
    let plot_h = f64::from(height) - top - bottom;
    let n = data.len();
    let x = |i: usize| {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| {
        if max > 0.0 {
            top + plot_h - v / max * plot_h
        } else {
            top + plot_h
        }
    };
    let mut s = String::with_capacity(512 + n * 200);
    open_svg(&mut s, id, width, height, title, desc, "img");
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
        top + plot_h,
        left + plot_w,
        top + plot_h
    );
    let points: Vec<String> = data
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(f(d.value))))
        .collect();
    if n > 1 {
        let _ = write!(
            s,
            "<polyline class=\"line\" fill=\"none\" points=\"{}\"/>",
            points.join(" ")
        );
    }
    // Label at most about eight months so they do not overlap; always the last.
    let every = n.div_ceil(8).max(1);
    for (i, d) in data.iter().enumerate() {
        let (px, py) = (x(i), y(f(d.value)));
        let _ = write!(s, "<circle class=\"point\" cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3.5\"/>");
        if i % every == 0 || i + 1 == n {
            let anchor = if i == 0 && n > 1 {
                "start"
            } else if i + 1 == n && n > 1 {
                "end"
            } else {
                "middle"
            };
            let _ = write!(
                s,
                "<text class=\"label\" x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                top + plot_h + 20.0,
                escape(&d.label)
            );
        }
        if i + 1 == n {
            let _ = write!(
                s,
                "<text class=\"value\" x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                (py - 10.0).max(14.0),
                escape(&d.display)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Where each division sits on the tile grid: (slug, column, row).
pub const TILES: &[(&str, u32, u32)] = &[
    ("heilongjiang", 7, 0),
    ("neimenggu", 4, 1),
    ("beijing", 5, 1),
    ("liaoning", 6, 1),
    ("jilin", 7, 1),
    ("bingtuan", 0, 2),
    ("xinjiang", 1, 2),
    ("gansu", 2, 2),
    ("ningxia", 3, 2),
    ("shanxi", 4, 2),
    ("hebei", 5, 2),
    ("tianjin", 6, 2),
    ("xizang", 1, 3),
    ("qinghai", 2, 3),
    ("shaanxi", 3, 3),
    ("henan", 4, 3),
    ("shandong", 5, 3),
    ("sichuan", 2, 4),
    ("chongqing", 3, 4),
    ("hubei", 4, 4),
    ("anhui", 5, 4),
    ("jiangsu", 6, 4),
    ("shanghai", 7, 4),
    ("yunnan", 2, 5),
    ("guizhou", 3, 5),
    ("hunan", 4, 5),
    ("jiangxi", 5, 5),
    ("zhejiang", 6, 5),
    ("guangxi", 3, 6),
    ("guangdong", 4, 6),
    ("fujian", 5, 6),
    ("taiwan", 6, 6),
    ("hainan", 3, 7),
    ("aomen", 4, 7),
    ("xianggang", 5, 7),
];

/// One tile of the map.
#[derive(Clone, Debug)]
pub struct Tile {
    /// Province slug (placed by [`TILES`]).
    pub slug: String,
    /// Short name shown on the tile.
    pub short: String,
    /// Link to the province page, when it has one.
    pub url: Option<String>,
    /// The value, when the province has one.
    pub value: Option<Datum>,
}

/// A tile-grid map shaded by value in five steps; tiles with a page link to it.
pub fn tile_map(id: &str, title: &str, desc: &str, tiles: &[Tile]) -> String {
    let size = 64.0;
    let gap = 4.0;
    let (cols, rows) = (8u32, 8u32);
    let width = f64::from(cols) * (size + gap);
    let height = f64::from(rows) * (size + gap) + 30.0;
    let max = tiles
        .iter()
        .filter_map(|t| t.value.as_ref())
        .map(|d| f(d.value))
        .fold(0.0_f64, f64::max);
    let mut s = String::with_capacity(8192);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart tile-map\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    for &(slug, col, row) in TILES {
        let Some(t) = tiles.iter().find(|t| t.slug == slug) else {
            continue;
        };
        let x = f64::from(col) * (size + gap);
        let y = f64::from(row) * (size + gap);
        let step = match &t.value {
            Some(d) if max > 0.0 => 1 + shade(f(d.value) / max),
            _ => 0,
        };
        let label = match &t.value {
            Some(d) => format!("{} {}", t.short, d.display),
            None => t.short.clone(),
        };
        let body = format!(
            "<rect class=\"tile step-{step}\" x=\"{x:.0}\" y=\"{y:.0}\" width=\"{size:.0}\" height=\"{size:.0}\" rx=\"4\"/><text class=\"tile-name\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>{}",
            x + size / 2.0,
            y + if t.value.is_some() { 26.0 } else { 37.0 },
            escape(&t.short),
            t.value.as_ref().map_or(String::new(), |d| format!(
                "<text class=\"tile-value\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>",
                x + size / 2.0,
                y + 46.0,
                escape(&short_number(&d.display))
            )),
        );
        match &t.url {
            Some(url) => {
                let _ = write!(
                    s,
                    "<a href=\"{}\" aria-label=\"{}\">{body}</a>",
                    escape(url),
                    escape(&label)
                );
            }
            None => {
                let _ = write!(s, "<g aria-label=\"{}\" role=\"img\">{body}</g>", escape(&label));
            }
        }
    }
    // Legend: the five shades, from low to high.
    let ly = f64::from(rows) * (size + gap) + 4.0;
    for step in 1..=5u32 {
        let lx = f64::from(step - 1) * 28.0;
        let _ = write!(
            s,
            "<rect class=\"tile step-{step}\" x=\"{lx:.0}\" y=\"{ly:.0}\" width=\"24\" height=\"14\" rx=\"2\"/>"
        );
    }
    s.push_str("</svg>");
    s
}

/// Which of shades 0–4 a share of the maximum falls in.
fn shade(share: f64) -> u32 {
    [0.2, 0.4, 0.6, 0.8].iter().map(|&cut| u32::from(share > cut)).sum()
}

/// Keeps a tile's number short: drops the unit after the number part when it is long.
fn short_number(display: &str) -> String {
    if display.chars().count() <= 7 {
        return display.to_string();
    }
    display
        .trim_end_matches(|c: char| !c.is_ascii_digit() && c != '万' && c != '亿')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(label: &str, v: i64) -> Datum {
        Datum {
            label: label.into(),
            value: Decimal::from(v),
            display: format!("{v}人"),
        }
    }

    #[test]
    fn bars_escape_labels_and_carry_a_title() {
        let svg = bars("b", "新入会<职工>", "desc", &[d("<script>", 10), d("山东", 5)]);
        assert!(svg.contains("<title id=\"b-title\">新入会&lt;职工&gt;</title>"));
        assert!(!svg.contains("<script>"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn line_handles_one_and_many_points() {
        assert!(line("l", "t", "d", &[d("2022年6月", 3)]).contains("<circle"));
        assert!(line("l", "t", "d", &[d("5月", 1), d("6月", 3)]).contains("<polyline"));
        assert!(line("l", "t", "d", &[]).ends_with("</svg>"));
    }

    #[test]
    fn every_division_has_a_distinct_tile() {
        let reg = crate::region::registry();
        for p in reg.provinces() {
            if p.slug != crate::region::NATIONAL_SLUG {
                assert!(TILES.iter().any(|(s, _, _)| *s == p.slug), "{} has no tile", p.slug);
            }
        }
        let mut places: Vec<(u32, u32)> = TILES.iter().map(|(_, c, r)| (*c, *r)).collect();
        places.sort_unstable();
        places.dedup();
        assert_eq!(places.len(), TILES.len());
    }

    #[test]
    fn map_links_tiles_with_pages() {
        let tiles = vec![
            Tile {
                slug: "shandong".into(),
                short: "山东".into(),
                url: Some("/regions/shandong/".into()),
                value: Some(d("山东", 9)),
            },
            Tile {
                slug: "shanxi".into(),
                short: "山西".into(),
                url: None,
                value: None,
            },
        ];
        let svg = tile_map("m", "t", "d", &tiles);
        assert!(svg.contains("href=\"/regions/shandong/\""));
        assert!(svg.contains("step-5"));
        assert!(svg.contains("step-0"));
    }
}
