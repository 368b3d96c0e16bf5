//! Markdown rendering: links, citations, sanitising and headings.

use super::*;

const PAGE: &str = "---\ntitle: T\n---\nIntro with [[empathy]].\n\n## Why it matters\n\nSee [[warmth|being warm]] and [x](other.md#top).\n\n## Why it matters\n\n`code` and [ext](https://example.org).\n";

fn body_start() -> usize {
    PAGE.find("Intro").unwrap()
}

#[test]
fn finds_headings_with_unique_ids() {
    let doc = analyze(PAGE, body_start());
    let ids: Vec<_> = doc.anchors().collect();
    assert_eq!(ids, ["why-it-matters", "why-it-matters-2"]);
}

#[test]
fn finds_checked_links_with_positions() {
    let doc = analyze(PAGE, body_start());
    let found: Vec<_> = doc.links.iter().map(|l| (l.kind, l.target.as_str(), l.line, l.col)).collect();
    assert_eq!(
        found,
        [
            (LinkKind::Wiki { labelled: false }, "empathy", 4, 12),
            (LinkKind::Wiki { labelled: true }, "warmth", 8, 5),
            (LinkKind::Markdown, "other.md", 8, 31),
        ]
    );
    assert_eq!(doc.links[2].anchor.as_deref(), Some("top"));
}

#[test]
fn sections_split_at_headings() {
    let sections = sections(PAGE, body_start());
    assert_eq!(sections.len(), 3);
    assert_eq!(sections[0].heading, None);
    assert_eq!(sections[1].anchor, "why-it-matters");
    assert!(sections[2].text.contains("code and ext"), "{:?}", sections[2]);
}

#[test]
fn unlabelled_wiki_link_targets_are_marked_for_search() {
    let sections = sections(PAGE, body_start());
    // Search swaps the marked slug for the page's title; a labelled link keeps its label.
    assert_eq!(sections[0].text, format!("Intro with {WIKI_OPEN}empathy{WIKI_CLOSE}."));
    assert!(sections[1].text.contains("See being warm and"), "{:?}", sections[1]);
}

#[test]
fn renders_ids_and_rewrites_links() {
    let doc = analyze(PAGE, body_start());
    let mut map = HashMap::new();
    map.insert(doc.links[0].offset, Resolved { href: "../factors/empathy.html".into(), label: "Empathy".into() });
    map.insert(doc.links[1].offset, Resolved { href: "warmth.html".into(), label: "Warmth".into() });
    let html = render(PAGE, body_start(), &map, RawHtml::Sanitize);
    assert!(html.contains(r#"<a href="../factors/empathy.html">Empathy</a>"#), "{html}");
    assert!(html.contains(r#"<a href="warmth.html">being warm</a>"#), "{html}");
    assert!(html.contains(r#"<h2 id="why-it-matters-2">"#), "{html}");
    assert!(html.contains(r#"<a href="https://example.org">ext</a>"#), "{html}");
}

#[test]
fn extensions_are_on() {
    let md =
        "---\n---\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: Foot.\n";
    let html = render(md, 8, &HashMap::new(), RawHtml::Sanitize);
    assert!(html.contains("<table>"), "{html}");
    assert!(html.contains("<del>gone</del>"), "{html}");
    assert!(html.contains("\u{201c}quoted\u{201d}"), "{html}");
    assert!(html.contains("checkbox"), "{html}");
    assert!(html.contains("footnote-definition"), "{html}");
}

fn sanitized(md: &str) -> String {
    render(md, 0, &HashMap::new(), RawHtml::Sanitize)
}

#[test]
fn scripts_handlers_and_javascript_links_are_removed_by_default() {
    let md = "<script>alert(1)</script>\n\nHi <img src=\"x.png\" onerror=\"alert(2)\"> \
              [go](javascript:alert(3)) <a href=\"JaVaScRiPt:alert(4)\" onclick='alert(5)'>x</a>\n";
    let html = sanitized(md);
    assert!(!html.contains("script"), "{html}");
    assert!(!html.to_lowercase().contains("javascript"), "{html}");
    assert!(!html.contains("onerror") && !html.contains("onclick") && !html.contains("alert"), "{html}");
    assert!(html.contains(r#"<img src="x.png">"#), "{html}");
}

#[test]
fn safe_html_authors_use_is_kept() {
    let md =
        "## Head\n\n<details><summary>More</summary>\n\n<kbd>Ctrl</kbd> x<sup>2</sup> H<sub>2</sub>O\n\n</details>\n\n\
              <figure><img src=\"a.png\" alt=\"A\"><figcaption>Cap</figcaption></figure>\n\n\
              | a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n\nNote[^1].\n\n[^1]: Foot.\n";
    let html = sanitized(md);
    for kept in [
        r#"<h2 id="head">"#,
        "<details><summary>More</summary>",
        "<kbd>Ctrl</kbd>",
        "<sup>2</sup>",
        "<sub>2</sub>",
        r#"<figure><img src="a.png" alt="A"><figcaption>Cap</figcaption></figure>"#,
        r#"<th style="text-align:left">a</th>"#,
        r#"<input disabled="" type="checkbox" checked="">"#,
        r#"class="footnote-definition""#,
    ] {
        assert!(html.contains(kept), "missing {kept} in {html}");
    }
}

#[test]
fn raw_html_passes_through_when_allowed_and_plain_markdown_is_untouched() {
    let md = "<span onclick=\"go()\">x</span>\n";
    assert!(render(md, 0, &HashMap::new(), RawHtml::Allow).contains("onclick"));
    // No raw HTML: the output is pulldown-cmark's, byte for byte.
    let plain = "A *b* [c](https://x.org/?a=1&b=2) \"q\"<br>\n";
    let plain = plain.replace("<br>", "");
    assert_eq!(sanitized(&plain), render_unchecked(&plain, 0, &HashMap::new(), None, None).0);
}
