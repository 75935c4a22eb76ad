//! Charts as inline SVG, without JavaScript: a bar chart across provinces, a cumulative line
//! over months, and a tile-grid map of China (one equal tile per provincial-level division,
//! laid out roughly geographically). Every chart carries a title and description, and the
//! pages show the same data as a table beside it.
//!
//! Geometry uses `f64`; the values themselves stay `Decimal` everywhere else.

use crate::base::escape::escape_xml as escape;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write;

/// One bar or point: a label, its value and how the value reads.
#[derive(Clone, Debug)]
pub(crate) struct Datum {
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

/// Width of the bar and line charts, in viewBox units. The SVG scales to its column, so this sets
/// how big the text is: at 640 units a 360 px phone drew 14-unit text at 7 px; at 400 it draws
/// [`FONT`] at about 12 px, and the theme caps the width on large screens (about 1:1 there).
const CHART_WIDTH: u32 = 400;
/// [`CHART_WIDTH`] for the geometry.
const CHART_W: f64 = CHART_WIDTH as f64;
/// Text size of the bar and line charts in viewBox units; the default theme's CSS says the same.
const FONT: f64 = 15.0;
/// Text sizes on the tile map, whose 68-unit tiles shrink to about 40 px on a phone.
const TILE_NAME_FONT: f64 = 20.0;
const TILE_VALUE_FONT: f64 = 17.0;

/// A deterministic estimate of how wide `s` is set at `font` units (no font metrics at build time):
/// Han characters take a full em, digits and most Latin letters about 0.6, narrow punctuation 0.3.
/// On the generous side, so that what fits here fits on screen.
fn text_width(s: &str, font: f64) -> f64 {
    let ems: f64 = s
        .chars()
        .map(|c| match c {
            '.' | ',' | ':' | ';' | '\'' | '!' | '|' | '(' | ')' | ' ' | 'i' | 'l' | 'j' | 't' | 'f' | 'I' => 0.3,
            '%' | '‰' | 'm' | 'w' | 'M' | 'W' | '@' => 0.9,
            c if c.is_ascii() => 0.6,
            _ => 1.0,
        })
        .sum();
    ems * font
}

/// Attributes that squeeze a text into `max` units when it would be wider: a long label stays
/// legible at full height instead of running into its neighbour or off the chart.
fn squeeze(s: &str, font: f64, max: f64) -> String {
    if text_width(s, font) > max {
        format!(" textLength=\"{max:.1}\" lengthAdjust=\"spacingAndGlyphs\"")
    } else {
        String::new()
    }
}

fn open_svg(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str, role: &str) {
    // font-size is the default for themes that do not style charts; the geometry assumes it.
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" font-size=\"{FONT}\" role=\"{role}\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
}

/// A horizontal bar chart, largest first as given.
pub(crate) fn bars(id: &str, title: &str, desc: &str, data: &[Datum]) -> String {
    let row = 28u32;
    let bar_h = 18.0;
    let pad = 6.0;
    // The label and value columns are as wide as their longest text (within limits), so the
    // bars get the rest.
    let label_w = data
        .iter()
        .map(|d| text_width(&d.label, FONT))
        .fold(2.0 * FONT, f64::max)
        .min(CHART_W * 0.3)
        + pad
        + 2.0;
    let value_w = data
        .iter()
        .map(|d| text_width(&d.display, FONT))
        .fold(2.0 * FONT, f64::max)
        .min(CHART_W * 0.35)
        + pad;
    let height = u32::try_from(data.len())
        .unwrap_or(u32::MAX / 64)
        .max(1)
        .saturating_mul(row)
        .saturating_add(8);
    let max = data.iter().map(|d| f(d.value)).fold(0.0_f64, f64::max);
    let span = CHART_W - label_w - value_w;
    let mut s = String::with_capacity(256 + data.len() * 256);
    open_svg(&mut s, id, CHART_WIDTH, height, title, desc, "img");
    for (i, d) in data.iter().enumerate() {
        let y = i as f64 * f64::from(row) + 5.0;
        let w = if max > 0.0 {
            (f(d.value) / max * span).max(1.0)
        } else {
            1.0
        };
        // Baseline a third of an em below the bar's middle centres the text on it.
        let base = y + bar_h / 2.0 + FONT * 0.35;
        let _ = write!(
            s,
            "<g class=\"bar\"><text class=\"label\" x=\"{:.1}\" y=\"{base:.1}\" text-anchor=\"end\"{}>{}</text><rect x=\"{label_w:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar_h:.1}\" rx=\"2\"/><text class=\"value\" x=\"{:.1}\" y=\"{base:.1}\"{}>{}</text></g>",
            label_w - pad,
            squeeze(&d.label, FONT, label_w - pad),
            escape(&d.label),
            label_w + w + pad,
            squeeze(&d.display, FONT, value_w - pad),
            escape(&d.display)
        );
    }
    s.push_str("</svg>");
    s
}

/// Which month labels the line chart shows: as many as fit side by side, evenly spaced, always
/// the first and the last. `x` gives each point's position; labels are as wide as `widths`.
fn month_labels(x: &dyn Fn(usize) -> f64, widths: &[f64], gap: f64) -> Vec<usize> {
    let n = widths.len();
    if n == 0 {
        return Vec::new();
    }
    // Where label i would sit: the first starts at its point, the last ends at it.
    let extent = |i: usize| {
        let (px, w) = (x(i), widths[i]);
        if n > 1 && i == 0 {
            (px, px + w)
        } else if n > 1 && i + 1 == n {
            (px - w, px)
        } else {
            (px - w / 2.0, px + w / 2.0)
        }
    };
    let step = if n > 1 { (x(n - 1) - x(0)) / (n - 1) as f64 } else { 1.0 };
    let need = widths.iter().copied().fold(0.0_f64, f64::max) + gap;
    // Label every `every`-th point: the smallest stride whose spacing fits the widest label.
    let every = (1..n).find(|&k| k as f64 * step >= need).unwrap_or(n);
    let mut shown: Vec<usize> = Vec::new();
    for i in (0..n).step_by(every).chain(std::iter::once(n - 1)) {
        let (from, _) = extent(i);
        if i + 1 == n {
            // The last label wins over any it would touch.
            while shown.last().is_some_and(|&j| j == i || extent(j).1 + gap > from) {
                shown.pop();
            }
            shown.push(i);
        } else if shown.last().is_none_or(|&j| extent(j).1 + gap <= from) {
            shown.push(i);
        }
    }
    shown
}

/// A line over time (oldest first), for running totals. A single point is no line: its value
/// is written out as text instead.
pub(crate) fn line(id: &str, title: &str, desc: &str, data: &[Datum]) -> String {
    if let [only] = data {
        return format!(
            "<p class=\"chart-single\" id=\"{}\"><span class=\"chart-single-label\">{} · {}</span> <span class=\"chart-single-value\">{}</span></p>",
            escape(id),
            escape(title),
            escape(&only.label),
            escape(&only.display)
        );
    }
    let (width, height) = (CHART_WIDTH, 220u32);
    let (left, right, top, bottom) = (8.0, 8.0, 30.0, 34.0);
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
    let widths: Vec<f64> = data.iter().map(|d| text_width(&d.label, FONT)).collect();
    let labelled = month_labels(&x, &widths, FONT * 0.8);
    for (i, d) in data.iter().enumerate() {
        let (px, py) = (x(i), y(f(d.value)));
        let _ = write!(s, "<circle class=\"point\" cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3.5\"/>");
        let anchor = if i == 0 && n > 1 {
            "start"
        } else if i + 1 == n && n > 1 {
            "end"
        } else {
            "middle"
        };
        if labelled.contains(&i) {
            let _ = write!(
                s,
                "<text class=\"label\" x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\"{}>{}</text>",
                top + plot_h + 22.0,
                squeeze(&d.label, FONT, plot_w),
                escape(&d.label)
            );
        }
        if i + 1 == n {
            let _ = write!(
                s,
                "<text class=\"value\" x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"{}\"{}>{}</text>",
                (py - 10.0).max(FONT + 2.0),
                if n > 1 { "end" } else { "middle" },
                squeeze(&d.display, FONT, plot_w),
                escape(&d.display)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Where each division sits on the tile grid: (slug, column, row).
pub(crate) const TILES: &[(&str, u32, u32)] = &[
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
pub(crate) struct Tile {
    /// Province slug (placed by [`TILES`]).
    pub slug: String,
    /// Short name shown on the tile.
    pub short: String,
    /// Link to the province page, when it has one.
    pub url: Option<String>,
    /// The value, when the province has one.
    pub value: Option<Datum>,
}

/// The words of a map's legend, from the locale: 少 and 多 (Fewer, More).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Legend<'a> {
    /// The word before the lightest shade.
    pub less: &'a str,
    /// The word after the darkest shade.
    pub more: &'a str,
}

/// A tile-grid map shaded by value in five steps; tiles with a page link to it. The legend
/// reads `少 LOWEST ▢▢▢▢▢ 多 HIGHEST`.
pub(crate) fn tile_map(id: &str, title: &str, desc: &str, tiles: &[Tile], legend: Legend<'_>) -> String {
    let size = 64.0;
    let gap = 4.0;
    let inner = size - 6.0;
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
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart tile-map\" viewBox=\"0 0 {width:.0} {height:.0}\" font-size=\"{TILE_NAME_FONT}\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
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
        // The unit stands apart in the name, so that the tile's shorter visible text ("5.5万"
        // without 人) is still a run of whole words of it, as WCAG's label-in-name asks.
        let label = match &t.value {
            Some(d) => {
                let (number, unit) = split_unit(&d.display);
                format!("{} {number} {unit}", t.short).trim_end().to_string()
            }
            None => t.short.clone(),
        };
        let value = t
            .value
            .as_ref()
            .map(|d| short_number(&d.display, TILE_VALUE_FONT, inner));
        let body = format!(
            "<rect class=\"tile step-{step}\" x=\"{x:.0}\" y=\"{y:.0}\" width=\"{size:.0}\" height=\"{size:.0}\" rx=\"4\"/><text class=\"tile-name\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\"{}>{}</text>{}",
            x + size / 2.0,
            y + if value.is_some() { 28.0 } else { 39.0 },
            squeeze(&t.short, TILE_NAME_FONT, inner),
            escape(&t.short),
            value.map_or(String::new(), |v| format!(
                "<text class=\"tile-value\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"{TILE_VALUE_FONT}\"{}>{}</text>",
                x + size / 2.0,
                y + 52.0,
                squeeze(&v, TILE_VALUE_FONT, inner),
                escape(&v)
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
    // Legend: the five shades, from low to high, between the words and the range.
    let ly = f64::from(rows) * (size + gap) + 4.0;
    let values: Vec<&Datum> = tiles.iter().filter_map(|t| t.value.as_ref()).collect();
    let lowest = values.iter().min_by_key(|d| d.value).map_or("", |d| d.display.as_str());
    let highest = values.iter().max_by_key(|d| d.value).map_or("", |d| d.display.as_str());
    let (start, room) = (160.0, 150.0);
    let low = format!("{} {lowest}", legend.less);
    let high = format!("{} {highest}", legend.more);
    let _ = write!(
        s,
        "<text class=\"legend-label\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\"{}>{}</text>",
        start - 6.0,
        ly + 14.0,
        squeeze(low.trim_end(), FONT, room),
        escape(low.trim_end())
    );
    for step in 1..=5u32 {
        let lx = start + f64::from(step - 1) * 36.0;
        let _ = write!(
            s,
            "<rect class=\"tile step-{step}\" x=\"{lx:.0}\" y=\"{ly:.0}\" width=\"32\" height=\"18\" rx=\"2\"/>"
        );
    }
    let _ = write!(
        s,
        "<text class=\"legend-label\" x=\"{:.0}\" y=\"{:.0}\"{}>{}</text>",
        start + 5.0 * 36.0 + 2.0,
        ly + 14.0,
        squeeze(high.trim_end(), FONT, room),
        escape(high.trim_end())
    );
    s.push_str("</svg>");
    s
}

/// Which of shades 0–4 a share of the maximum falls in.
fn shade(share: f64) -> u32 {
    [0.2, 0.4, 0.6, 0.8].iter().map(|&cut| u32::from(share > cut)).sum()
}

/// A display split into its number part (with 约, 万, 亿) and the unit after it: ("5.5万", "人").
fn split_unit(display: &str) -> (&str, &str) {
    let number = display.trim_end_matches(|c: char| !c.is_ascii_digit() && c != '万' && c != '亿');
    (number, &display[number.len()..])
}

/// Keeps a tile's number short: drops the unit after the number part when the whole would not
/// fit in `max` units at `font` (the tile's name and the table beside the map keep it).
fn short_number(display: &str, font: f64, max: f64) -> String {
    if text_width(display, font) <= max {
        display.to_string()
    } else {
        split_unit(display).0.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGEND: Legend<'static> = Legend {
        less: "少", more: "多"
    };

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
        let one = line("l", "t", "d", &[d("2022年6月", 3)]);
        assert!(
            !one.contains("<svg") && one.contains("2022年6月") && one.contains("3人"),
            "{one}"
        );
        assert!(line("l", "t", "d", &[d("5月", 1), d("6月", 3)]).contains("<polyline"));
        assert!(line("l", "t", "d", &[]).ends_with("</svg>"));
        let legend = Legend {
            less: "少", more: "多"
        };
        let tile = |slug: &str, v: i64| Tile {
            slug: slug.into(),
            short: slug.into(),
            url: None,
            value: Some(d(slug, v)),
        };
        let map = tile_map("m", "t", "d", &[tile("shandong", 7), tile("sichuan", 1200)], legend);
        let words: Vec<String> = texts(&map, "legend-label").into_iter().map(|t| t.2).collect();
        assert_eq!(words, ["少 7人", "多 1200人"]);
    }

    /// The `text` elements of class `class`: x, anchor, text, and textLength when squeezed.
    fn texts(svg: &str, class: &str) -> Vec<(f64, String, String, Option<f64>)> {
        let attr = |t: &str, name: &str| {
            t.split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_string)
        };
        svg.split("<text ")
            .skip(1)
            .filter(|t| t.starts_with(&format!("class=\"{class}\"")))
            .map(|t| {
                let (open, rest) = t.split_once('>').unwrap();
                (
                    attr(open, "x").unwrap().parse().unwrap(),
                    attr(open, "text-anchor").unwrap_or_else(|| "start".into()),
                    rest.split('<').next().unwrap().to_string(),
                    attr(open, "textLength").map(|l| l.parse().unwrap()),
                )
            })
            .collect()
    }

    /// Where a text element reaches, from its anchor and (estimated or squeezed) width.
    fn extent(x: f64, anchor: &str, text: &str, squeezed: Option<f64>) -> (f64, f64) {
        let w = squeezed.unwrap_or_else(|| text_width(text, FONT));
        match anchor {
            "end" => (x - w, x),
            "middle" => (x - w / 2.0, x + w / 2.0),
            _ => (x, x + w),
        }
    }

    #[test]
    fn month_labels_never_overlap_and_keep_both_ends() {
        // One month is no line (see `line_handles_one_and_many_points`).
        for n in [2, 3, 5, 8, 13, 24, 36, 120] {
            let data: Vec<Datum> = (0..n)
                .map(|i| d(&format!("{}年{}月", 2020 + i / 12, 1 + i % 12), i64::from(i) * 7))
                .collect();
            let svg = line("l", "t", "d", &data);
            let labels = texts(&svg, "label");
            assert_eq!(labels.first().unwrap().2, data[0].label, "{n} months: first label");
            assert_eq!(
                labels.last().unwrap().2,
                data.last().unwrap().label,
                "{n} months: last label"
            );
            let spans: Vec<(f64, f64)> = labels.iter().map(|(x, a, t, l)| extent(*x, a, t, *l)).collect();
            for pair in spans.windows(2) {
                assert!(pair[0].1 < pair[1].0, "{n} months: labels overlap: {spans:?}");
            }
            assert!(
                spans.iter().all(|&(a, b)| a >= 0.0 && b <= CHART_W),
                "{n} months: {spans:?}"
            );
        }
    }

    #[test]
    fn bar_texts_stay_inside_the_chart() {
        let data = [
            d("内蒙古", 123_456_789),
            Datum {
                label: "新疆生产建设兵团第八师".into(),
                value: Decimal::from(5),
                display: "约9,999.99万人次".into(),
            },
        ];
        let svg = bars("b", "t", "d", &data);
        for class in ["label", "value"] {
            for (x, a, t, l) in texts(&svg, class) {
                let (from, to) = extent(x, &a, &t, l);
                assert!(from >= 0.0 && to <= CHART_W + 0.1, "{class} {t} spans {from}..{to}");
            }
        }
        // The long label is squeezed into its column rather than cut.
        assert!(svg.contains("lengthAdjust=\"spacingAndGlyphs\">新疆生产建设兵团第八师<"));
    }

    #[test]
    fn tile_values_fit_their_tile() {
        assert_eq!(short_number("5.5万人", TILE_VALUE_FONT, 58.0), "5.5万");
        assert_eq!(short_number("80人", TILE_VALUE_FONT, 58.0), "80人");
        let tile = |display: &str| Tile {
            slug: "shandong".into(),
            short: "山东".into(),
            url: None,
            value: Some(Datum {
                label: "山东".into(),
                value: Decimal::from(1),
                display: display.into(),
            }),
        };
        let svg = tile_map("m", "t", "d", &[tile("约9,999.99万人")], LEGEND);
        // Too long even without its unit: squeezed to the tile, and the full value stays in the label.
        assert!(svg.contains("textLength=\"58.0\" lengthAdjust=\"spacingAndGlyphs\">约9,999.99万<"));
        assert!(svg.contains("aria-label=\"山东 约9,999.99万 人\""));
        assert_eq!(
            svg,
            tile_map("m", "t", "d", &[tile("约9,999.99万人")], LEGEND),
            "deterministic"
        );
    }

    #[test]
    fn every_division_has_a_distinct_tile() {
        let reg = crate::content::region::registry();
        for p in reg.provinces() {
            if p.slug != crate::content::region::NATIONAL_SLUG {
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
        let svg = tile_map("m", "t", "d", &tiles, LEGEND);
        assert!(svg.contains("href=\"/regions/shandong/\""));
        assert!(svg.contains("step-5"));
        assert!(svg.contains("step-0"));
    }
}
