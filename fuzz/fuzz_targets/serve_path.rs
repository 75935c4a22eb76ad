//! `cargo +nightly fuzz run serve_path`: see `bulletin_fuzz::serve_path` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::serve_path(data));
