//! `cargo +nightly fuzz run figure`: see `bulletin_fuzz::figure` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::figure(data));
