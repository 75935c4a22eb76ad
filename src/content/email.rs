//! `email:` in site.yaml: the headers of the e-mail edition of an issue (`from`, `to`,
//! `reply_to`), each a mailbox written `name <address>` or a bare address.

use crate::base::diagnostic::{did_you_mean, Diagnostic};
use crate::base::yaml::{self, Seg};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One mailbox: a display name and an address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The display name (工会办公室), when written.
    pub name: Option<String>,
    /// The address (office@example.org).
    pub address: String,
}

/// The headers of the e-mail edition; each is left out of the message when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Email {
    /// `From:`.
    pub from: Option<Mailbox>,
    /// `To:` (one or several).
    pub to: Vec<Mailbox>,
    /// `Reply-To:`.
    pub reply_to: Option<Mailbox>,
}

/// One address or a list of them.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// site.yaml's `email:`: the headers of the e-mail edition (`工会办公室 <office@example.org>`).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEmail {
    /// The sender.
    from: Option<String>,
    /// The recipients: one address or a list.
    to: Option<OneOrMany>,
    /// Where replies go.
    reply_to: Option<String>,
}

const FIELDS: &[&str] = &["from", "to", "reply_to"];

/// Reads a mailbox as written: `工会办公室 <office@example.org>` or `office@example.org`.
/// Why it is not one, otherwise.
pub(crate) fn mailbox(s: &str) -> Result<Mailbox, String> {
    let s = s.trim();
    let (name, address) = match s.strip_suffix('>').and_then(|r| r.rsplit_once('<')) {
        Some((name, address)) => {
            let name = name.trim().trim_matches('"').trim();
            ((!name.is_empty()).then(|| name.to_string()), address.trim())
        }
        None => (None, s),
    };
    if let Some(n) = &name {
        if n.chars().any(|c| c.is_control() || matches!(c, '<' | '>' | '"')) {
            return Err(format!(
                "the name `{}` holds a control character, `<`, `>` or `\"`",
                n.escape_debug()
            ));
        }
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("`{}` is not an e-mail address", address.escape_debug()));
    };
    let bad = |p: &str| {
        p.is_empty()
            || p.chars().any(|c| {
                !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | ',' | ';' | '(' | ')' | '[' | ']' | '\\')
            })
    };
    if bad(local) || bad(domain) || !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Err(format!("`{}` is not an e-mail address", address.escape_debug()));
    }
    Ok(Mailbox {
        name,
        address: address.to_string(),
    })
}

/// Validates `email:` from site.yaml (`text` is the whole file, for positions); every problem
/// is returned.
pub(crate) fn settings(value: yaml::Value, text: &str, path: &Path) -> Result<Email, Vec<Diagnostic>> {
    let place = |at: &[Seg]| {
        yaml::locate(text, at)
            .or_else(|| yaml::locate(text, &crate::ypath!["email"]))
            .unwrap_or((1, 1))
    };
    let raw: RawEmail = yaml::from_value(value).map_err(|e| {
        let (message, _) = yaml::split_error(&e);
        let mut at = vec![Seg::from("email")];
        let mut hint = "write `email: { from: \"工会办公室 <office@example.org>\", reply_to: \"…\" }`".to_string();
        if let Some((field, _)) = yaml::unknown_field(&message) {
            at.push(Seg::from(field.as_str()));
            hint = match did_you_mean(&field, FIELDS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known settings here: {}", FIELDS.join(", ")),
            };
        }
        let (line, col) = place(&at);
        vec![Diagnostic::error(path, line, col, format!("site.yaml: email: {message}")).with_hint(hint)]
    })?;
    let mut diags = Vec::new();
    let mut one = |key: &str, i: Option<usize>, s: &str| -> Option<Mailbox> {
        if s.trim().is_empty() {
            return None;
        }
        match mailbox(s) {
            Ok(m) => Some(m),
            Err(why) => {
                let mut at = crate::ypath!["email", key].to_vec();
                if let Some(i) = i {
                    at.push(Seg::from(i));
                }
                let (line, col) = place(&at);
                diags.push(
                    Diagnostic::error(path, line, col, format!("site.yaml: email: {key}: {why}"))
                        .with_hint("write a mailbox as `工会办公室 <office@example.org>` or `office@example.org`"),
                );
                None
            }
        }
    };
    let from = raw.from.as_deref().and_then(|s| one("from", None, s));
    let reply_to = raw.reply_to.as_deref().and_then(|s| one("reply_to", None, s));
    let to = match raw.to {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => one("to", None, &s).into_iter().collect(),
        Some(OneOrMany::Many(list)) => list
            .iter()
            .enumerate()
            .filter_map(|(i, s)| one("to", Some(i), s))
            .collect(),
    };
    if diags.is_empty() {
        Ok(Email { from, to, reply_to })
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Email, Vec<Diagnostic>> {
        let doc: yaml::Value = yaml::from_str(text).unwrap();
        settings(doc["email"].clone(), text, Path::new("site.yaml"))
    }

    #[test]
    fn mailboxes_with_and_without_names() {
        let m = mailbox("某市总工会办公室 <office@example.org>").unwrap();
        assert_eq!(m.name.as_deref(), Some("某市总工会办公室"));
        assert_eq!(m.address, "office@example.org");
        let m = mailbox(" a.b@example.org ").unwrap();
        assert_eq!((m.name, m.address.as_str()), (None, "a.b@example.org"));
        assert_eq!(mailbox("\"办公室\" <x@y.cn>").unwrap().name.as_deref(), Some("办公室"));
        for bad in [
            "",
            "office",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "x <a@b.org>\r\nBcc: c@d.org",
            "名\"字 <a@b.org>",
        ] {
            assert!(mailbox(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_read_every_header_and_place_errors() {
        let e = read("title: t\nemail:\n  from: 办公室 <o@example.org>\n  to: [a@example.org, b@example.org]\n  reply_to: r@example.org\n").unwrap();
        assert_eq!(e.from.unwrap().address, "o@example.org");
        assert_eq!(e.to.len(), 2);
        assert_eq!(e.reply_to.unwrap().address, "r@example.org");
        let d = read("title: t\nemail:\n  from: nobody\n  to: [a@example.org, broken]\n").unwrap_err();
        assert_eq!(
            d.iter()
                .map(|d| (d.line, d.message.contains("not an e-mail address")))
                .collect::<Vec<_>>(),
            [(3, true), (4, true)]
        );
        let d = read("title: t\nemail:\n  form: o@example.org\n").unwrap_err();
        assert_eq!(d[0].line, 3);
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `from`?"));
    }
}
