//! `cargo +nightly fuzz run search_query`: see `bulletin_fuzz::search_query` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin_fuzz::search_query(data));
