//! What serve adds to the HTML pages it serves, so that built sites never carry it: the
//! live-reload script, the overlay listing the problems of a failed build (or a note of the
//! warnings of a good one), and the page served while no build has succeeded yet.

use super::http::EVENTS_PATH;
use crate::base::diagnostic::Diagnostic;
/// The theme's HTML escaping, for the overlay.
use crate::base::escape::escape_html as escape;

/// Puts `snippet` before the last `</body>`, or at the end when there is none.
pub(super) fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    const TAG: &[u8] = b"</body>";
    let at = html
        .windows(TAG.len())
        .rposition(|w| w.eq_ignore_ascii_case(TAG))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The reload script, and the problems of the latest build over the page.
pub(super) fn snippet(generation: u64, errors: &[Diagnostic], warnings: &[Diagnostic]) -> String {
    let mut s = String::new();
    if !errors.is_empty() {
        s.push_str(
            "<div id=\"bulletin-errors\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;\
             z-index:2147483647;max-height:80vh;overflow:auto;margin:0;padding:16px 24px;\
             background:#fff4f4;color:#5c0000;border-bottom:4px solid #c62828;\
             box-shadow:0 4px 16px rgba(0,0,0,.25);font:15px/1.6 system-ui,sans-serif\">\
             <button type=\"button\" onclick=\"this.parentNode.remove()\" aria-label=\"关闭 close\" \
             style=\"float:right;font:inherit;font-size:20px;line-height:1;padding:2px 8px;cursor:pointer\">×</button>\
             <p style=\"margin:0 0 8px;font-weight:bold\">内容有误，网站没有更新。这里显示的是上一次成功生成的版本；\
             改正下列问题并保存后，本页会自动刷新。</p>\
             <p style=\"margin:0 0 8px\">The last change could not be built; you are seeing the last good version. \
             Fix the problems below and save: this page reloads by itself.</p>",
        );
        s.push_str(&diagnostic_list(errors));
        s.push_str("</div>");
    } else if !warnings.is_empty() {
        s.push_str(
            "<details id=\"bulletin-warnings\" style=\"position:fixed;bottom:12px;right:12px;\
             z-index:2147483647;max-width:min(640px,90vw);max-height:60vh;overflow:auto;\
             padding:8px 16px;background:#fffbe6;color:#4a3b00;border:2px solid #e0b000;border-radius:6px;\
             box-shadow:0 2px 10px rgba(0,0,0,.2);font:14px/1.6 system-ui,sans-serif\">",
        );
        s.push_str(&format!(
            "<summary style=\"cursor:pointer;font-weight:bold\">{} 条提醒 · {} warning{}</summary>",
            warnings.len(),
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" }
        ));
        s.push_str(&diagnostic_list(warnings));
        s.push_str("</details>");
    }
    s.push_str(&format!(
        "<script>/* bulletin serve: reloads this page after each rebuild */(function(){{\
         if(!window.EventSource)return;var s=new EventSource(\"{EVENTS_PATH}?since={generation}\");\
         s.addEventListener(\"reload\",function(){{s.close();location.reload();}});}})();</script>"
    ));
    s
}

/// Diagnostics as an HTML list: `file:line:column`, the message and the hint, all escaped.
fn diagnostic_list(diags: &[Diagnostic]) -> String {
    let mut s = String::from("<ol style=\"margin:0;padding-left:1.5em\">");
    for d in diags {
        let place = format!("{}:{}:{}", d.path.display(), d.line, d.column);
        s.push_str(&format!(
            "<li style=\"margin:4px 0\"><code style=\"font-weight:bold\">{}</code>: {}: {}",
            escape(&place),
            d.severity,
            escape(&d.message)
        ));
        if let Some(hint) = &d.hint {
            s.push_str(&format!(
                "<br><span style=\"opacity:.85\">提示 hint: {}</span>",
                escape(hint)
            ));
        }
        s.push_str("</li>");
    }
    s.push_str("</ol>");
    s
}

/// Served while no build has succeeded yet.
pub(super) fn failure_page(snippet: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>网站未能生成 · The site could not be built</title></head>\
         <body style=\"font:16px/1.6 system-ui,sans-serif;padding:40vh 24px 24px\">\
         <h1>网站未能生成 · The site could not be built</h1>\
         <p>改正上面列出的问题并保存,本页会自动刷新。Fix the problems listed above and save; \
         this page reloads by itself.</p>{snippet}</body></html>\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_goes_before_the_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", "<s>");
        assert_eq!(out, b"<html><body><p>x</p><s></BODY></html>");
        assert_eq!(inject(b"<p>x</p>", "<s>"), b"<p>x</p><s>");
    }

    #[test]
    fn the_overlay_escapes_diagnostics() {
        let d = Diagnostic::error("content/<a>.md", 3, 9, "bad `<script>` & co").with_hint("use \"quotes\"");
        let s = snippet(7, &[d], &[]);
        assert!(s.contains("bulletin-errors"));
        assert!(s.contains("content/&lt;a&gt;.md:3:9"), "{s}");
        assert!(s.contains("`&lt;script&gt;` &amp; co"), "{s}");
        assert!(!s.contains("<script>`"));
        assert!(s.contains("since=7"));
        let clean = snippet(8, &[], &[]);
        assert!(!clean.contains("bulletin-errors") && !clean.contains("bulletin-warnings"));
    }
}
