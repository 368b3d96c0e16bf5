//! Any text as the `quiz:` list of a page: questions parsed, checked and their Markdown rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|yaml: &str| {
    rapport::fuzzing::page_pipeline(&format!("---\ntitle: Quiz\nquiz:\n{yaml}\n---\nBody [[quiz]].\n"));
});
