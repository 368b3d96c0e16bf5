//! Any text as site.toml: parsed, checked, diagnostics rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    rapport::fuzzing::site_toml(text);
});
