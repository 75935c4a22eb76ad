//! `cargo +nightly fuzz run escape`: see `bulletin_fuzz::escape` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::escape(data));
