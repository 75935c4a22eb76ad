//! `cargo +nightly fuzz run front_matter`: see `bulletin_fuzz::front_matter` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::front_matter(data));
