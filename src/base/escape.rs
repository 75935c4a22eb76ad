//! Escaping for every output format, in one place: HTML text and attributes, XML (with the
//! characters XML 1.0 forbids dropped), JSON strings that stay inert inside HTML (`<script>`,
//! attributes), and CSV cells with spreadsheet formulas neutralised. Every piece of
//! user-written text reaches a file through one of these.

/// HTML escaping for templates: the five characters that matter, and not `/` (which Tera
/// escapes by default, making every URL unreadable in the source).
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    escape_html_into(&mut out, input);
    out
}

/// Appends `input` escaped as [`escape_html`] does.
pub(crate) fn escape_html_into(out: &mut String, input: &str) {
    // Copies the runs between special bytes whole: most text (all Chinese) has none, and the
    // five are ASCII, so byte positions are always character boundaries.
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
}

/// Appends `input` escaped as [`escape_html`] does, and `=` as `&#61;`: for HTML pasted into
/// editors that filter markup by looking for text (WeChat's drops `class=` and `id=` wherever
/// they stand), so that no user text, however hostile, ever reads as an attribute.
pub(crate) fn escape_paste_into(out: &mut String, input: &str) {
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
        if b == b'=' {
            escape_html_into(out, &input[start..i]);
            out.push_str("&#61;");
            start = i + 1;
        }
    }
    escape_html_into(out, &input[start..]);
}

/// Escapes text for XML content and attribute values.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let bytes = s.as_bytes();
    // Copies the runs between bytes that need care; every such byte is ASCII or starts a
    // character, so the slices fall on character boundaries.
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            // Characters XML 1.0 forbids outright are dropped: C0 controls but tab and line
            // ends, and U+FFFE / U+FFFF (EF BF BE, EF BF BF).
            b if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => ("", 1),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(replacement);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out
}

/// Writes `<`, `>` and `&` in JSON as `\u003c`, `\u003e`, `\u0026`: the same data, but no
/// markup even if the file is served or embedded as HTML. Outside strings JSON never has them.
pub fn escape_json_markup(json: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    for b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            b => out.push(b),
        }
    }
    out
}

/// Appends `s` as a JSON string, escaping what JSON requires and `<`, `>`, `&` (so the file is
/// inert in any HTML context too), and U+2028/U+2029.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none is special: most text has nothing to escape.
        if let Some(w) = bytes.get(i..i + 8) {
            if !w.iter().any(|&b| SPECIAL[b as usize]) {
                i += 8;
                continue;
            }
        }
        if !SPECIAL[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let (escape, len): (&str, usize) = match bytes[i] {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            b @ 0..=0x1f => (CONTROL[b as usize], 1),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA8) => ("\\u2028", 3),
            0xE2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xA9) => ("\\u2029", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(escape);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The bytes [`push_json_str`] looks at: ASCII that needs escaping, and the lead byte of U+2028/9.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xE2] = true;
    t
};

/// JSON escapes of the control characters.
const CONTROL: [&str; 32] = [
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007", "\\b", "\\t", "\\n",
    "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015",
    "\\u0016", "\\u0017", "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
];

/// Quotes a cell when needed; a text cell starting with = + - @ (a formula to a spreadsheet)
/// gets a leading apostrophe. Plain numbers, including negative ones, are left alone.
pub fn csv_cell(s: &str) -> String {
    let is_number = s.parse::<rust_decimal::Decimal>().is_ok();
    let s = if !is_number && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A cell of a tab-separated file: tabs and line breaks (which would start a new cell or row)
/// become spaces, and a text starting with = + - @ (a formula to a spreadsheet) gets a leading
/// apostrophe, as in [`csv_cell`].
pub(crate) fn tsv_cell(s: &str) -> String {
    let s = s.replace(['\t', '\n', '\r'], " ");
    let is_number = s.parse::<rust_decimal::Decimal>().is_ok();
    if !is_number && s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_text_has_no_equals_sign() {
        let mut out = String::new();
        escape_paste_into(&mut out, "<b class=\"x\">a=b</b>");
        assert_eq!(out, "&lt;b class&#61;&quot;x&quot;&gt;a&#61;b&lt;/b&gt;");
    }

    #[test]
    fn tsv_cells_stay_one_cell() {
        assert_eq!(tsv_cell("a\tb\nc"), "a b c");
        assert_eq!(tsv_cell("=1+1"), "'=1+1");
        assert_eq!(tsv_cell("-5"), "-5");
        assert_eq!(tsv_cell("图, \"说明\""), "图, \"说明\"");
    }

    #[test]
    fn escapes_the_five_and_keeps_everything_else() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("陕西 西安/碑林区"), "陕西 西安/碑林区");
        assert_eq!(
            escape_html(r#"<a href="x">'工会' & 职工</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;工会&#39; &amp; 职工&lt;/a&gt;"
        );
        assert_eq!(escape_html("&&"), "&amp;&amp;");
        assert_eq!(escape_html("末尾<"), "末尾&lt;");
    }

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape_xml("<a href=\"x\">&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape_xml("工会\u{FFFE}职工\u{FFFF}\t\n\u{1f}末"), "工会职工\t\n末");
        // U+FFFD and other characters starting with EF are kept.
        assert_eq!(escape_xml("\u{FFFD}\u{F900}"), "\u{FFFD}\u{F900}");
        assert_eq!(escape_xml(""), "");
        assert_eq!(escape_xml("末尾&"), "末尾&amp;");
    }

    #[test]
    fn json_markup_is_escaped_and_still_parses() {
        let raw = serde_json::to_vec(&serde_json::json!({"t": "<script>&"})).unwrap();
        let escaped = escape_json_markup(raw);
        let text = String::from_utf8(escaped.clone()).unwrap();
        assert!(!text.contains('<'), "{text}");
        let v: serde_json::Value = serde_json::from_slice(&escaped).unwrap();
        assert_eq!(v["t"], "<script>&");
    }

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("@x"), "'@x");
        assert_eq!(csv_cell("6283"), "6283");
    }
}
