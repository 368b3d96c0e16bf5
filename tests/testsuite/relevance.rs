//! Search relevance on the bundled site: the trainee-style queries of tests/search/relevance.tsv,
//! each with the pages that should come in the top 3. Reports top-3 accuracy, MRR and the
//! queries that found nothing; fails under 90% top-3 or with any query that finds nothing.

use std::path::PathBuf;

use rapport::BuildOptions;
use search_core::{Engine, SearchParams};

/// Share of queries whose expected page must be in the top 3.
const MIN_TOP3: f64 = 0.90;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled site's index, opened from its files the way the browser opens it, every piece added.
fn engine() -> Engine {
    let (site, _) = rapport::load(&BuildOptions::at(repo())).expect("bundled site loads");
    let (built, files) = rapport::search::collect_files(|emit| rapport::search::index_site(&site, false, emit));
    built.expect("index builds");
    let file = |name: &str| files.iter().find(|f| f.path == format!("search/{name}")).map(|f| f.bytes.clone());
    let engine = Engine::open(&file("hot.bin").expect("hot.bin")).expect("index opens");
    let mut n = 0;
    while let Some(stored) = file(&format!("pieces/{n}.bin")) {
        let piece = rapport::search::inflate(&stored).expect("inflates");
        engine.add_piece(n, piece).expect("piece fits");
        n += 1;
    }
    assert!(n > 0, "the index has pieces");
    engine
}

/// A page's slug from a result URL: `faqs/is-empathy-teachable.html#why` -> `is-empathy-teachable`.
fn slug(url: &str) -> String {
    let page = url.split('#').next().unwrap_or_default().trim_end_matches('/');
    let last = page.rsplit('/').next().unwrap_or_default();
    let last = last.strip_suffix(".html").unwrap_or(last);
    if last == "index" || last.is_empty() {
        // Pretty URLs name the folder: `factors/empathy/index.html`.
        let parent = page.rsplit('/').nth(1).unwrap_or("index");
        return if last.is_empty() || page == "index.html" { "index".into() } else { parent.into() };
    }
    last.to_string()
}

/// (query, expected slugs) from the TSV.
fn cases() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(repo().join("tests/search/relevance.tsv")).expect("relevance.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (q, want) = l.split_once('\t').unwrap_or_else(|| panic!("no tab in {l:?}"));
            let want = want.split('\t').next().unwrap_or_default();
            (q.to_string(), want.split(',').map(|s| s.trim().to_string()).collect())
        })
        .collect()
}

#[test]
fn trainee_queries_find_their_pages() {
    let engine = engine();
    let cases = cases();
    assert!(cases.len() >= 100, "{} queries, expected at least 100", cases.len());
    let (mut top3, mut rr_sum, mut report) = (0usize, 0f64, String::new());
    let mut empty = Vec::new();
    for (query, want) in &cases {
        let params = SearchParams { query: query.clone(), kind: None, limit: 10 };
        let hits = engine.search(&params).unwrap_or_else(|e| panic!("{query:?}: {e}"));
        if hits.is_empty() {
            empty.push(query.clone());
        }
        let slugs: Vec<String> = hits.iter().map(|h| slug(&h.url)).collect();
        let rank = slugs.iter().position(|s| want.contains(s));
        rr_sum += rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
        if rank.is_some_and(|r| r < 3) {
            top3 += 1;
        } else {
            let got: Vec<&str> = slugs.iter().take(3).map(String::as_str).collect();
            report.push_str(&format!("  MISS {query:?}: want {want:?}, got {got:?}\n"));
        }
    }
    let n = cases.len() as f64;
    let accuracy = top3 as f64 / n;
    println!(
        "relevance: {} queries, top-3 {:.1}% ({top3}), MRR {:.3}, zero-result {}\n{report}",
        cases.len(),
        accuracy * 100.0,
        rr_sum / n,
        empty.len()
    );
    assert!(empty.is_empty(), "queries with no results: {empty:?}");
    assert!(accuracy >= MIN_TOP3, "top-3 accuracy {:.1}% under {:.0}%\n{report}", accuracy * 100.0, MIN_TOP3 * 100.0);
}

#[test]
fn slugs_come_from_urls() {
    assert_eq!(slug("faqs/is-empathy-teachable.html#why"), "is-empathy-teachable");
    assert_eq!(slug("factors/empathy/"), "empathy");
    assert_eq!(slug("index.html"), "index");
}
