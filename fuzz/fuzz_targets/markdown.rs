//! `cargo +nightly fuzz run markdown`: see `bulletin_fuzz::markdown` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::markdown(data));
