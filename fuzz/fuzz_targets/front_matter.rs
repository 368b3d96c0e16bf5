//! Any text as a page: front matter split, YAML parse, page fields checked, diagnostics rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    rapport::fuzzing::page_pipeline(text);
});
