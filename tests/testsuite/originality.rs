//! No sentence of the source articles in the bundled content: no run of 8 words shared with them.
//!
//! The source articles live outside the repository (`../shared/sources/`), and their text must not
//! be copied into it, so the repository keeps only hashes of their 8-word runs
//! (`tests/data/source-runs.txt`, one FNV-1a hash per line). Where the articles are present, the
//! test also checks that the hashes are theirs; `UPDATE_SOURCE_RUNS=1` rewrites the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const RUN: usize = 8;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Lower-cased words, punctuation and Markdown syntax dropped.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// 64-bit FNV-1a of a run of words joined by spaces: fixed forever, unlike std's hasher.
fn hash(run: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in run.join(" ").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn runs(text: &str) -> Vec<(u64, String)> {
    words(text).windows(RUN).map(|w| (hash(w), w.join(" "))).collect()
}

fn stored() -> BTreeSet<u64> {
    let path = repo().join("tests/data/source-runs.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.starts_with('#')).map(|l| l.parse().expect("a hash per line")).collect()
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    v
}

#[test]
fn stored_runs_match_the_source_articles_where_they_are_present() {
    let sources = repo().join("../shared/sources");
    if !sources.is_dir() {
        // The hashes are the test's data; without the articles there is nothing to compare them with.
        eprintln!("../shared/sources is not here: the stored hashes are used as they are");
        return;
    }
    let mut fresh = BTreeSet::new();
    for entry in std::fs::read_dir(&sources).expect("sources folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
        fresh.extend(runs(&text).into_iter().map(|(h, _)| h));
    }
    if std::env::var_os("UPDATE_SOURCE_RUNS").is_some() {
        let mut out = String::from(
            "# FNV-1a hashes of every 8-word run of the source articles (tests/testsuite/originality.rs)\n",
        );
        for h in &fresh {
            out.push_str(&format!("{h}\n"));
        }
        std::fs::write(repo().join("tests/data/source-runs.txt"), out).expect("write hashes");
        return;
    }
    assert!(fresh == stored(), "tests/data/source-runs.txt is stale: rerun with UPDATE_SOURCE_RUNS=1");
}

#[test]
fn bundled_content_shares_no_eight_word_run_with_the_sources() {
    let sources = stored();
    assert!(sources.len() > 1000, "the stored runs look empty");
    let mut copied = Vec::new();
    for file in markdown_files(&repo().join("content")) {
        let text = std::fs::read_to_string(&file).expect("read page");
        for (h, run) in runs(&text) {
            if sources.contains(&h) {
                copied.push(format!("{}: \"{run}\"", file.strip_prefix(repo()).unwrap_or(&file).display()));
            }
        }
    }
    assert!(copied.is_empty(), "runs of {RUN} words copied from the source articles:\n{}", copied.join("\n"));
}

#[test]
fn a_copied_sentence_would_be_caught() {
    // The check itself: a run taken from the stored set's own source text is found again.
    let sample = "one two three four five six seven eight nine";
    let rs = runs(sample);
    assert_eq!(rs.len(), 2);
    assert_eq!(rs[0].1, "one two three four five six seven eight");
    assert_eq!(rs[0].0, hash(&words("One, two; three (four) five six seven eight")));
}
