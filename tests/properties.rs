//! Property tests of the parsers (proptest): whatever the input, no panic, bounded output, and
//! the guarantees users rely on. The same entry points are fuzzed by `fuzz/` (cargo-fuzz).

use std::collections::HashMap;

use proptest::prelude::*;
use rapport::diagnostics::Diagnostic;
use rapport::model::config::RawHtml;

/// Text shaped like a page: front matter lines, Markdown with links and HTML, odd characters.
fn page_text() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "title: T",
        "title: \"unclosed",
        "slug: a-b",
        "updated: 2024-02-30",
        "tags: [a, b",
        "aliases: [x]",
        "quiz:",
        "  - type: single",
        "    prompt: P [[x]]",
        "    options: [a, b]",
        "    answer: a",
        "a: &a [1, 2]",
        "b: [*a, *a]",
        "summary: |",
        "  text",
        "draft: maybe",
        "weight: -1",
        "  - type: short",
        "    answer: [x]",
    ]);
    let body = "([a-z \\[\\]|#*<>/():\"'`漢😀\\n-]|javascript:|<script>|\\[\\[x\\]\\]){0,80}";
    (prop::collection::vec(field, 0..8), body, any::<bool>()).prop_map(|(fields, body, closed)| {
        let close = if closed { "---\n" } else { "" };
        format!("---\n{}\n{close}{body}", fields.join("\n"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_page_is_checked_without_panicking(text in page_text()) {
        rapport::fuzzing::page_pipeline(&text);
    }

    #[test]
    fn any_text_as_a_page_is_checked_without_panicking(text in "\\PC{0,200}") {
        rapport::fuzzing::page_pipeline(&text);
    }

    #[test]
    fn any_site_toml_is_checked_without_panicking(text in "([a-z_.\\[\\]=\" \\n0-9]|kinds|folder|title){0,60}") {
        rapport::fuzzing::site_toml(&text);
    }

    #[test]
    fn any_synonyms_file_parses_or_fails_cleanly(text in "([a-zA-Z =#,\\n]|漢){0,120}") {
        let _ = search_core::Synonyms::parse(&text);
    }

    #[test]
    fn a_diagnostic_keeps_a_bounded_excerpt_with_the_caret_inside(line in "\\PC{0,3000}", col in 0usize..3500) {
        let d = Diagnostic::error("a.md", 1, col, "x").with_len(5).with_source(&line);
        let kept = d.source_line.as_deref().map_or(0, |s| s.chars().count());
        prop_assert!(kept <= 130, "excerpt of {kept} characters");
        let shown = d.render();
        prop_assert!(shown.len() < 1200, "{} bytes rendered", shown.len());
    }

    #[test]
    fn sanitised_markdown_never_keeps_a_script(pre in "[a-z <>\"=]{0,30}", post in "[a-z <>\"=/]{0,30}") {
        // Escaped text may mention them; markup may not.
        let in_markup = regex::Regex::new(r#"<script|<[^>]*\bon[a-z]+=|href="\s*javascript:|src="\s*javascript:"#).unwrap();
        for attack in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))"] {
            let md = format!("{pre}{attack}{post}\n");
            let html = rapport::markdown::render(&md, 0, &HashMap::new(), RawHtml::Sanitize).to_lowercase();
            prop_assert!(!in_markup.is_match(&html), "{html}");
        }
    }
}
