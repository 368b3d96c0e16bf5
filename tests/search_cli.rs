//! `rapport search` on a built fixture site: results, JSON shape, kind filter, errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn rapport(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport")).args(args).output().expect("run rapport")
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search")
}

fn build(out: &std::path::Path) {
    let o = rapport(&["build", "--root", fixture().to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn json_results_have_the_documented_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&out);
    let o = rapport(&["search", "-o", out.to_str().unwrap(), "--json", "--limit", "3", "reflective listening"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(hits[0]["url"], "factors/empathy.html#how-to-practise-it");
    assert_eq!(hits[0]["title"], "Empathy");
    assert_eq!(hits[0]["heading"], "How to practise it");
    assert_eq!(hits[0]["kind"], "factor");
    assert!(hits[0]["score"].as_f64().unwrap() > 0.0);
    assert!(hits[0]["snippet"].as_str().unwrap().contains("<mark>Reflective</mark> <mark>listening</mark>"));

    let o = rapport(&["search", "-o", out.to_str().unwrap(), "--json", "--kind", "technique", "client"]);
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h["kind"] == "technique"));

    let o = rapport(&["search", "-o", out.to_str().unwrap(), "empathy"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("1. Empathy  [Factor]\n   factors/empathy.html\n"), "{text}");
}

#[test]
fn nothing_found_suggests_words_and_kind_indexes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&out);
    let o = rapport(&["search", "-o", out.to_str().unwrap(), "empthyy"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("No exact matches for “empthyy”.\nDid you mean “empathy”"), "{text}");
    assert!(text.contains("Browse instead:\n  Factors  factors/index.html\n"), "{text}");
    // A question with words no page has still finds the pages with the others.
    let o = rapport(&["search", "-o", out.to_str().unwrap(), "how do I show my clients empathy"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("1. Empathy"), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn missing_index_exits_2_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let o = rapport(&["search", "-o", tmp.path().to_str().unwrap(), "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no search index in"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run `rapport build` first"));
}

#[test]
fn malformed_synonyms_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("src");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site.toml"), "title = \"T\"\n").unwrap();
    std::fs::write(root.join("content/index.md"), "---\ntitle: Home\n---\nHello.\n").unwrap();
    std::fs::write(root.join("synonyms.txt"), "# spelling\ncolour = color\njust one term\n").unwrap();
    let o = rapport(&["build", "--root", root.to_str().unwrap(), "-o", tmp.path().join("out").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("synonyms.txt:3:1: error: a synonym line needs at least two terms"), "{err}");

    // A file named in site.toml must exist.
    std::fs::write(root.join("site.toml"), "title = \"T\"\n[search]\nsynonyms = \"words.txt\"\n").unwrap();
    let o = rapport(&["build", "--root", root.to_str().unwrap(), "-o", tmp.path().join("out").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("site.toml:3:1: error: cannot read the synonyms file words.txt"), "{err}");
}

#[test]
fn snippets_show_the_title_of_an_unlabelled_wiki_link_not_its_slug() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&out);
    // factors/alliance.md says "Strains happen; see [[rupture-repair]]." and the page shows the title.
    let o = rapport(&["search", "-o", out.to_str().unwrap(), "--json", "strains happen"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("see Rupture and repair"), "{snippet}");
    assert!(!snippet.contains("rupture-repair") && !snippet.contains('\u{E000}'), "{snippet}");
    // The title's words find the linking section too.
    let o = rapport(&["search", "-o", out.to_str().unwrap(), "--json", "strains rupture repair"]);
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(hits.iter().any(|h| h["url"].as_str().unwrap().starts_with("factors/alliance.html")), "{hits:?}");
}
