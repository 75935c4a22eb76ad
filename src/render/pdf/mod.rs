//! The PDF edition of each issue, typeset by Typst used as a library: the issue as data
//! (`edition`), the fonts found for it (`fonts`), and the compiler's view of the one document
//! it typesets (`world`).

pub mod edition;
pub mod fonts;
pub mod world;

pub use edition::Edition;
pub use fonts::Fonts;
pub use world::Typesetter;
