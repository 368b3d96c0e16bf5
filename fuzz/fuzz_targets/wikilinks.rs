//! Any text as a page body: links found, resolved against the page, rendered and sanitised.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &str| {
    rapport::fuzzing::page_pipeline(&format!("---\ntitle: Links\n---\n{body}"));
});
