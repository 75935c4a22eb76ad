//! `cargo +nightly fuzz run site_yaml`: see `bulletin_fuzz::site_yaml` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::site_yaml(data));
