//! `cargo +nightly fuzz run region`: see `bulletin_fuzz::region` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::region(data));
