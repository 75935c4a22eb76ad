//! One issue as an e-mail message (RFC 5322, `multipart/alternative`): a text part (headlines,
//! summaries, links) and an HTML part laid out in tables no wider than 600 px with inline
//! styles only, the masthead and 期号 at the top and the 报尾 at the foot, every link and image
//! absolute. The message is built by `mail-builder` (headers encoded as RFC 2047 words, bodies
//! quoted-printable or base64, lines folded); its Date is the issue's 签发 date and its
//! boundary and Message-ID are derived from the issue, so the same site gives the same bytes.
//! Nothing is sent.

use super::style::{self, Absolute};
use crate::base::escape::escape_html_into;
use crate::content::email::Mailbox;
use crate::render::image;
use crate::render::locale;
use crate::render::pdf::Edition;
use crate::site::{urls, Bulletin, Site};
use chrono::{FixedOffset, TimeZone};
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

/// The UI strings the message prints.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Labels<'a> {
    /// 编者按.
    pub note: &'a str,
    /// 阅读全文: the link under each summary.
    pub read_more: &'a str,
    /// 在网站上阅读本期: the link to the issue's page.
    pub read_online: &'a str,
}

/// The file name of the message of the issue of `date`.
pub(crate) fn file_name(date: chrono::NaiveDate) -> String {
    format!("bulletin-{date}.eml")
}

fn address(m: &Mailbox) -> Address<'static> {
    match &m.name {
        Some(n) => Address::new_address(Some(n.clone()), m.address.clone()),
        None => Address::new_address(None::<String>, m.address.clone()),
    }
}

/// One item as the message shows it.
struct Story {
    kicker: Option<String>,
    title: String,
    subtitle: Option<String>,
    summary: String,
    url: String,
    image: Option<(String, String)>,
}

fn cell(out: &mut String, style: &str) {
    out.push_str("<tr><td style=\"");
    out.push_str(style);
    out.push_str("\">");
}

fn p(out: &mut String, style: &str, text: &str) {
    out.push_str("<p style=\"");
    out.push_str(style);
    out.push_str("\">");
    escape_html_into(out, text);
    out.push_str("</p>");
}

fn a(out: &mut String, href: &str, style: &str, text: &str) {
    out.push_str("<a href=\"");
    escape_html_into(out, href);
    out.push_str("\" style=\"");
    out.push_str(style);
    out.push_str("\">");
    escape_html_into(out, text);
    out.push_str("</a>");
}

const RED: &str = "#c00000";
const LINK: &str = "color:#1a4e8a;text-decoration:none;";
const PAD: &str = "padding:12px 24px;";

fn html(subject: &str, lang: &str, e: &Edition, stories: &[Story], issue_url: &str, labels: Labels<'_>) -> String {
    let mut o = String::with_capacity(8192);
    o.push_str("<!DOCTYPE html>\n<html lang=\"");
    o.push_str(lang);
    o.push_str("\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    escape_html_into(&mut o, subject);
    o.push_str("</title></head>\n<body style=\"margin:0;padding:0;background:#f2f2f2;\">\n");
    o.push_str("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background:#f2f2f2;\"><tr><td align=\"center\" style=\"padding:16px 8px;\">\n");
    o.push_str("<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:100%;max-width:600px;background:#ffffff;font-family:'PingFang SC','Microsoft YaHei',sans-serif;\">\n");
    // The 报头: the red title, the number, the 专刊 name, publisher and date over a red rule.
    cell(&mut o, &format!("padding:24px 24px 4px 24px;text-align:center;font-size:28px;line-height:1.4;font-weight:bold;letter-spacing:4px;color:{RED};"));
    escape_html_into(&mut o, &e.masthead);
    o.push_str("</td></tr>\n");
    cell(
        &mut o,
        "padding:4px 24px;text-align:center;font-size:15px;line-height:1.75;color:#222222;",
    );
    escape_html_into(&mut o, &e.number_line);
    o.push_str("</td></tr>\n");
    if let Some(theme) = &e.theme {
        cell(
            &mut o,
            "padding:0 24px 4px 24px;text-align:center;font-size:17px;line-height:1.75;font-weight:bold;color:#222222;",
        );
        escape_html_into(&mut o, theme);
        o.push_str("</td></tr>\n");
    }
    cell(
        &mut o,
        &format!("padding:8px 24px;border-bottom:2px solid {RED};font-size:14px;line-height:1.75;color:#222222;"),
    );
    o.push_str("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td align=\"left\" style=\"font-size:14px;color:#222222;\">");
    escape_html_into(&mut o, &e.publisher);
    o.push_str("</td><td align=\"right\" style=\"font-size:14px;color:#222222;\">");
    escape_html_into(&mut o, &e.issued);
    o.push_str("</td></tr></table></td></tr>\n");
    if !e.note.is_empty() {
        cell(&mut o, &format!("{PAD}background:#fafafa;"));
        p(
            &mut o,
            "margin:0 0 4px 0;font-size:15px;line-height:1.75;font-weight:bold;color:#222222;",
            &format!("{}：", labels.note),
        );
        for para in &e.note {
            p(
                &mut o,
                "margin:0 0 4px 0;text-indent:2em;font-size:15px;line-height:1.75;color:#333333;",
                para,
            );
        }
        o.push_str("</td></tr>\n");
    }
    for s in stories {
        cell(&mut o, &format!("{PAD}border-bottom:1px solid #eeeeee;"));
        if let Some(k) = &s.kicker {
            p(&mut o, style::DECK, k);
        }
        o.push_str("<h2 style=\"margin:0 0 8px 0;font-size:20px;line-height:1.5;font-weight:bold;\">");
        a(&mut o, &s.url, "color:#111111;text-decoration:none;", &s.title);
        o.push_str("</h2>");
        if let Some(sub) = &s.subtitle {
            p(&mut o, style::DECK, sub);
        }
        if let Some((src, alt)) = &s.image {
            o.push_str("<img src=\"");
            escape_html_into(&mut o, src);
            o.push_str("\" alt=\"");
            escape_html_into(&mut o, alt);
            o.push_str("\" width=\"552\" style=\"display:block;width:100%;max-width:552px;height:auto;margin:0 0 8px 0;border:0;\">");
        }
        p(
            &mut o,
            "margin:0 0 8px 0;font-size:16px;line-height:1.75;color:#333333;",
            &s.summary,
        );
        o.push_str("<p style=\"margin:0;font-size:14px;line-height:1.75;\">");
        a(&mut o, &s.url, LINK, labels.read_more);
        o.push_str("</p></td></tr>\n");
    }
    // The 报尾: 报/送/发 and the number of copies, over the link to the issue online.
    cell(
        &mut o,
        &format!("{PAD}border-top:2px solid {RED};font-size:14px;line-height:1.75;color:#333333;"),
    );
    for line in &e.distribution {
        p(
            &mut o,
            "margin:0;font-size:14px;line-height:1.75;color:#333333;",
            &format!("{}：{}", line.role, line.names),
        );
    }
    if let Some(c) = &e.copies {
        p(
            &mut o,
            "margin:0;text-align:right;font-size:14px;line-height:1.75;color:#333333;",
            c,
        );
    }
    o.push_str("<p style=\"margin:8px 0 0 0;font-size:14px;line-height:1.75;\">");
    a(&mut o, issue_url, LINK, labels.read_online);
    o.push_str("</p></td></tr>\n</table>\n</td></tr></table>\n</body></html>\n");
    o
}

fn text(e: &Edition, stories: &[Story], issue_url: &str, labels: Labels<'_>) -> String {
    let mut t = format!("{}\n{}\n", e.masthead, e.number_line);
    if let Some(theme) = &e.theme {
        t += &format!("{theme}\n");
    }
    let head = [e.publisher.as_str(), e.issued.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("　");
    t += &format!("{head}\n\n");
    if !e.note.is_empty() {
        t += &format!("{}：{}\n\n", labels.note, e.note.join("\n"));
    }
    for (n, s) in stories.iter().enumerate() {
        t += &format!("{}. {}\n", n + 1, s.title);
        if let Some(sub) = &s.subtitle {
            t += &format!("   {sub}\n");
        }
        t += &format!("   {}\n   {}：{}\n\n", s.summary, labels.read_more, s.url);
    }
    for line in &e.distribution {
        t += &format!("{}：{}\n", line.role, line.names);
    }
    if let Some(c) = &e.copies {
        t += &format!("{c}\n");
    }
    t += &format!("\n{}：{issue_url}\n", labels.read_online);
    t
}

/// The message of bulletin `b`, as bytes.
pub(crate) fn export(site: &Site, b: &Bulletin, labels: Labels<'_>) -> Vec<u8> {
    let lang = site.config.language;
    let e = Edition::of(site, b, labels.note, Vec::new());
    let abs = Absolute::new(site);
    let stories: Vec<Story> = site
        .pick(&b.entries)
        .map(|en| Story {
            kicker: en.item.headline.kicker.clone(),
            title: en.item.headline.title.clone(),
            subtitle: en.item.headline.subtitle.clone(),
            summary: en.item.summary.clone().unwrap_or_else(|| en.summary.clone()),
            url: site.urls.absolute(&en.path),
            image: en.item.image.as_ref().map(|i| {
                let v = image::view(i, en.lead.as_deref(), &site.urls);
                (abs.link(&v.src), v.alt)
            }),
        })
        .collect();
    let issue_url = site.urls.absolute(&urls::bulletin(b.date));
    let (number, _) = locale::issue_number(lang, &b.issue.number);
    let subject = format!("{} {number}", e.masthead);
    let text = text(&e, &stories, &issue_url, labels);
    let html = html(&subject, lang.tag(), &e, &stories, &issue_url, labels);

    // Deterministic: the 签发 date at 08:00 Beijing time, a boundary and an id from the issue.
    let issued = b.issue.issued(b.date);
    let date = FixedOffset::east_opt(8 * 3600)
        .and_then(|tz| tz.from_local_datetime(&issued.and_hms_opt(8, 0, 0)?).single())
        .map_or(0, |t| t.timestamp());
    let host = site
        .urls
        .base_url()
        .split_once("://")
        .map_or("bulletin.invalid", |(_, r)| {
            r.split(['/', ':']).next().unwrap_or("bulletin.invalid")
        });
    let boundary = format!(
        "=_bulletin_{}_{:016x}",
        b.date,
        xxhash_rust::xxh3::xxh3_64(html.as_bytes())
    );
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary),
        vec![MimePart::new("text/plain", text), MimePart::new("text/html", html)],
    );
    let mut m = MessageBuilder::new()
        .subject(subject)
        .date(date)
        .message_id(format!("bulletin-{}@{host}", b.date))
        .header("Content-Language", mail_builder::headers::raw::Raw::new(lang.tag()))
        .body(body);
    let email = &site.config.email;
    if let Some(f) = &email.from {
        m = m.from(address(f));
    }
    if !email.to.is_empty() {
        m = m.to(Address::new_list(email.to.iter().map(address).collect()));
    }
    if let Some(r) = &email.reply_to {
        m = m.reply_to(address(r));
    }
    m.write_to_vec().unwrap_or_default()
}
