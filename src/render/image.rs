//! The template view of a picture (a lead image, a gallery's): its URL, size, `srcset`,
//! caption and credit.

use crate::content::image::LeadImage;
use crate::content::item::Image;
use crate::render::view::ImageView;
use crate::site::urls::Urls;

/// The template view of a lead image: its URL, and when it is one of the site's files (`lead`,
/// as found on disk) its size and `srcset`.
pub(crate) fn view(i: &Image, lead: Option<&LeadImage>, u: &Urls) -> ImageView {
    let src = match lead.and_then(|l| l.published.as_deref()) {
        Some(p) => u.link(p),
        None if i.src.contains("://") || i.src.starts_with('/') => i.src.clone(),
        None => u.link(&i.src),
    };
    ImageView {
        srcset: lead.and_then(|l| srcset(l, u, &src)),
        src,
        alt: i.alt.clone(),
        width: lead.map(|l| l.size.0),
        height: lead.map(|l| l.size.1),
        caption: i.caption.clone(),
        credit: i.credit.clone(),
    }
}

/// The views of an item's gallery: each picture with its file as found (`found`, by position).
pub(crate) fn gallery(pictures: &[Image], found: &[Option<std::sync::Arc<LeadImage>>], u: &Urls) -> Vec<ImageView> {
    pictures
        .iter()
        .enumerate()
        .map(|(i, p)| view(p, found.get(i).and_then(|f| f.as_deref()), u))
        .collect()
}

/// `url 480w, url 960w, original 2000w`; None without variants.
fn srcset(lead: &LeadImage, u: &Urls, src: &str) -> Option<String> {
    let (width, _) = lead.size;
    if lead.variants.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = lead
        .variants
        .iter()
        .map(|v| format!("{} {}w", u.link(&v.path), v.width))
        .collect();
    parts.push(format!("{} {width}w", srcset_url(src)));
    Some(parts.join(", "))
}

/// A URL as a `srcset` candidate: spaces would split it and commas end it, so both are encoded.
fn srcset_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ',' => out.push_str("%2C"),
            c if c.is_whitespace() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::image::{plan, Kind};

    #[test]
    fn srcset_lists_the_variants_then_the_original() {
        let u = Urls::new("https://e.org/b/", "/b/");
        let i = Image {
            src: "photos/a b,c.jpg".into(),
            alt: "图".into(),
            caption: None,
            credit: None,
        };
        let mut lead = LeadImage {
            size: (1000, 500),
            variants: plan(Kind::Jpeg, 0xff, (1000, 500)),
            file: "static/photos/a b,c.jpg".into(),
            digest: 0xff,
            kind: Kind::Jpeg,
            published: None,
            line: 5,
        };
        let v = view(&i, Some(&lead), &u);
        assert_eq!(v.src, "/b/photos/a b,c.jpg");
        assert_eq!(
            v.srcset.as_deref(),
            Some("/b/img/00000000000000ff-480w.jpg 480w, /b/img/00000000000000ff-960w.jpg 960w, /b/photos/a%20b%2Cc.jpg 1000w")
        );
        lead.variants.clear();
        assert_eq!(view(&i, Some(&lead), &u).srcset, None);
        let url = view(&i, None, &u);
        assert_eq!((url.srcset, url.width), (None, None));
    }
}
