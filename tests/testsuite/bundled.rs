//! The bundled knowledge base: clean check, coverage, no orphans, every page within three clicks.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use rapport::{BuildOptions, Site};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load() -> Site {
    let (site, diags) = rapport::load(&BuildOptions::at(repo())).unwrap_or_else(|e| {
        panic!("bundled site has errors:\n{}", e.diagnostics().map(|d| d.render()).unwrap_or_else(|| e.to_string()))
    });
    assert!(diags.is_empty(), "bundled site has warnings:\n{}", diags.render());
    site
}

fn questions(site: &Site, i: usize) -> usize {
    site.pages[i].front.map.get("quiz").and_then(|q| q.as_sequence()).map_or(0, Vec::len)
}

#[test]
fn covers_every_kind_with_minimum_counts() {
    let site = load();
    let count = |kind: &str| site.pages.iter().filter(|p| p.kind == kind).count();
    for (kind, min) in [
        ("factor", 32),
        ("component", 12),
        ("technique", 15),
        ("modality", 7),
        ("measure", 4),
        ("challenge", 4),
        ("faq", 15),
        ("course", 1),
    ] {
        assert!(count(kind) >= min, "{kind}: {} pages, expected at least {min}", count(kind));
    }
    let course = site.page_by_slug("foundations").expect("the foundations course");
    let modules = site.graph.relations[course].iter().find(|r| r.ordered).map_or(0, |r| r.targets.len());
    assert!(modules >= 12, "the course has {modules} modules");
    for slug in ["introduction", "glossary", "alliance-models"] {
        assert!(site.page_by_slug(slug).is_some(), "missing page {slug}");
    }
}

#[test]
fn has_enough_quiz_questions() {
    let site = load();
    let total: usize = (0..site.pages.len()).map(|i| questions(&site, i)).sum();
    assert!(total >= 200, "{total} questions, expected at least 200");
    for (i, p) in site.pages.iter().enumerate() {
        if ["factor", "component", "technique"].contains(&p.kind.as_str()) {
            assert!(questions(&site, i) >= 3, "{} has {} questions", p.display.display(), questions(&site, i));
        }
    }
}

/// The bank as issue 16 asks for it: understanding, not test-wiseness.
#[test]
fn quiz_bank_measures_understanding() {
    use rapport::model::quiz::Answer;
    let site = load();
    let qs = &site.quizzes.questions;
    assert!(qs.len() >= 300, "{} questions, expected at least 300", qs.len());
    let mut types: Vec<&str> = qs.iter().map(|q| q.qtype().name()).collect();
    types.sort_unstable();
    types.dedup();
    assert_eq!(types.len(), 6, "all six types in use: {types:?}");
    let pct = |n: usize, of: usize| n * 100 / of.max(1);

    let choice: Vec<_> = qs
        .iter()
        .filter(|q| matches!(q.answer, Answer::Single { .. } | Answer::Multiple { .. } | Answer::Truefalse(_)))
        .collect();
    let with_feedback = choice.iter().filter(|q| !q.feedback.is_empty()).count();
    assert!(
        pct(with_feedback, choice.len()) >= 60,
        "per-option feedback on {with_feedback} of {} choice questions",
        choice.len()
    );

    let vignettes = qs.iter().filter(|q| q.prompt.source.split_whitespace().count() >= 30).count();
    assert!(pct(vignettes, qs.len()) >= 25, "{vignettes} of {} questions are applied vignettes (30+ words)", qs.len());

    let hard = qs.iter().filter(|q| q.difficulty.as_deref() == Some("hard")).count();
    assert!(pct(hard, qs.len()) >= 15, "{hard} of {} questions are hard", qs.len());

    let singles: Vec<_> = qs
        .iter()
        .filter_map(|q| match &q.answer {
            Answer::Single { options, correct } => Some((options, *correct)),
            _ => None,
        })
        .collect();
    let longest = singles
        .iter()
        .filter(|(o, c)| o.iter().enumerate().all(|(i, x)| i == *c || x.chars().count() < o[*c].chars().count()))
        .count();
    assert!(
        longest * 100 <= singles.len() * 35,
        "the correct option is the longest in {longest} of {} single-choice questions",
        singles.len()
    );
}

#[test]
fn concept_pages_have_sections_and_links() {
    let site = load();
    for (i, p) in site.pages.iter().enumerate() {
        if !["factor", "component", "technique"].contains(&p.kind.as_str()) {
            continue;
        }
        assert!(!p.summary.is_empty(), "{} has no summary", p.slug);
        let ids: Vec<&str> = p.doc.anchors().collect();
        for needed in ["what-it-is", "why-it-matters", "in-a-session", "common-pitfalls"] {
            assert!(ids.contains(&needed), "{} lacks the section {needed}", p.slug);
        }
        let targets: HashSet<usize> = site.graph.body[i].values().map(|(t, _)| *t).filter(|&t| t != i).collect();
        assert!(targets.len() >= 3, "{} links to {} pages in its text", p.slug, targets.len());
    }
}

#[test]
fn concept_pages_cite_at_least_three_works_in_their_text() {
    let site = load();
    let mut thin = Vec::new();
    for p in site.pages.iter().filter(|p| ["factor", "component", "technique"].contains(&p.kind.as_str())) {
        let works: HashSet<String> = rapport::citations::syntax::scan(&p.text().unwrap(), p.body_start)
            .into_iter()
            .flat_map(|c| c.items.into_iter().map(|it| it.key))
            .collect();
        if works.len() < 3 {
            thin.push(format!("{} cites {} works", p.display.display(), works.len()));
        }
    }
    assert!(thin.is_empty(), "factor, component and technique pages must cite at least 3 works:\n{}", thin.join("\n"));
}

#[test]
fn no_page_is_an_orphan() {
    let site = load();
    let orphans: Vec<&str> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(i, p)| !p.is_home() && site.graph.backlinks[*i].is_empty())
        .map(|(_, p)| p.slug.as_str())
        .collect();
    assert!(orphans.is_empty(), "pages nothing links to: {orphans:?}");
}

/// Internal links of an HTML file, resolved to output paths.
fn links_of(out: &Path, file: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let dir = file.parent().unwrap();
    text.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| !h.starts_with("http") && !h.starts_with('#') && !h.starts_with("mailto:"))
        .filter_map(|h| h.split('#').next())
        .filter(|h| h.ends_with(".html"))
        .filter_map(|h| dir.join(h).canonicalize().ok())
        .filter(|p| p.starts_with(out))
        .collect()
}

#[test]
fn every_page_is_within_three_clicks_of_home() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let opts = BuildOptions { output: Some(out.clone()), ..BuildOptions::at(repo()) };
    rapport::build(&opts).expect("bundled site builds");
    let out = out.canonicalize().unwrap();
    let home = out.join("index.html");
    let mut depth: HashMap<PathBuf, usize> = HashMap::from([(home.clone(), 0)]);
    let mut queue = VecDeque::from([home]);
    while let Some(file) = queue.pop_front() {
        let d = depth[&file];
        for next in links_of(&out, &file) {
            if !depth.contains_key(&next) {
                depth.insert(next.clone(), d + 1);
                queue.push_back(next);
            }
        }
    }
    let site = load();
    for p in &site.pages {
        let file = out.join(&p.out_path);
        match depth.get(&file) {
            Some(d) => assert!(*d <= 3, "{} is {d} clicks from home", p.out_path),
            None => panic!("{} cannot be reached from the home page", p.out_path),
        }
    }
}
