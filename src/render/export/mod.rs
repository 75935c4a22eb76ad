//! An issue for other channels than the website, made as bytes from the assembled site:
//! a 公众号 multi-article draft (`wechat`) and an e-mail message (`email`), both styled inline
//! (`style`), since neither the WeChat editor nor mail clients keep a stylesheet.

pub(crate) mod email;
pub(crate) mod style;
pub(crate) mod wechat;
