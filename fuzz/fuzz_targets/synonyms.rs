//! Any text as synonyms.txt.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = search_core::Synonyms::parse(text);
});
