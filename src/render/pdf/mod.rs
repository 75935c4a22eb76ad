//! The PDF edition of each issue, typeset by Typst used as a library: the issue as data
//! (`edition`), the fonts found for it (`fonts`), and the compiler's view of the one document
//! it typesets (`world`).

pub(crate) mod edition;
pub(crate) mod fonts;
pub(crate) mod world;

pub(crate) use edition::Edition;
pub(crate) use fonts::Fonts;
pub(crate) use world::Typesetter;
