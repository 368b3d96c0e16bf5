//! Incremental rebuilds checked against a full relink of the same sources.

use super::*;
use crate::model::graph::LinkGraph;

fn copy_fixture(to: &Path) {
    copy_named_fixture("basic", to);
}

fn copy_named_fixture(name: &str, to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    for e in walkdir::WalkDir::new(&from).into_iter().filter_map(Result::ok) {
        let dest = to.join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(dest).unwrap();
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A page's slug, its backlinks and its reverse relations, all by slug.
type LinkView = (String, Vec<String>, Vec<(String, Vec<String>)>);

/// Backlinks and reverse relations by slug, comparable across page orders.
fn link_view(site: &Site, graph: &LinkGraph) -> Vec<LinkView> {
    let slug = |i: &usize| site.pages[*i].slug.clone();
    let mut v: Vec<_> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut back: Vec<String> = graph.backlinks[i].iter().map(slug).collect();
            back.sort();
            let mut rev: Vec<(String, Vec<String>)> = graph.reverse[i]
                .iter()
                .map(|(l, v)| {
                    let mut s: Vec<String> = v.iter().map(slug).collect();
                    s.sort();
                    (l.clone(), s)
                })
                .collect();
            rev.sort();
            (p.slug.clone(), back, rev)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn in_place_edits_match_a_full_relink() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    let out = dir.path().join("out");
    let (mut state, _) = State::new(BuildOptions::at(dir.path()), out.clone()).unwrap();
    let path = dir.path().join("content/techniques/reflection.md");
    std::fs::write(
        &path,
        "---\ntitle: Reflection renamed\nmodality: humanistic\nbuilds: [hope]\n---\nNow about [[hope]] only.\n",
    )
    .unwrap();
    let mut changes = Changes::default();
    changes.add(dir.path(), Path::new("content/techniques/reflection.md"));
    let r = state.apply(&changes).unwrap();
    assert!(!r.full);
    let (full, _) = LinkGraph::build(&state.site.pages, &state.site.config);
    assert_eq!(link_view(&state.site, &state.site.graph), link_view(&state.site, &full));
    let empathy = std::fs::read_to_string(out.join("factors/empathy.html")).unwrap();
    assert!(!empathy.contains("Reflection renamed"), "empathy no longer has the technique");
    let hope = std::fs::read_to_string(out.join("factors/hope.html")).unwrap();
    assert!(hope.contains("Reflection renamed"), "the new title shows in hope's reverse relation");
    let index = std::fs::read_to_string(out.join("techniques/index.html")).unwrap();
    assert!(index.contains("Reflection renamed"), "the kind index follows the title");
}

/// The search index follows edits, new pages and deletes in place, without a full re-index.
#[test]
fn search_index_is_updated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    let out = dir.path().join("out");
    let (mut state, _) = State::new(BuildOptions::at(dir.path()), out.clone()).unwrap();
    let segments = state.search.as_ref().unwrap().index_segments();
    let find = |q: &str| {
        let req = search::SearchRequest { query: q.into(), limit: 10, kind: None, json: false };
        search::search_site(&out, &req).unwrap().0.into_iter().map(|h| h.url).collect::<Vec<_>>()
    };
    let edit = |state: &mut State, rel: &str, text: Option<&str>| {
        let path = dir.path().join(rel);
        match text {
            Some(t) => std::fs::write(&path, t).unwrap(),
            None => std::fs::remove_file(&path).unwrap(),
        }
        let mut changes = Changes::default();
        changes.add(dir.path(), Path::new(rel));
        assert!(!state.apply(&changes).unwrap().full);
        state.refresh_search(&changes.content).unwrap();
    };
    let page =
        "---\ntitle: Reflection\nmodality: humanistic\nbuilds: [hope]\n---\n## Zebra drills\n\nQuokka practice.\n";
    edit(&mut state, "content/techniques/reflection.md", Some(page));
    assert_eq!(find("quokka"), ["techniques/reflection.html#zebra-drills"]);
    let search = state.search.as_ref().unwrap();
    assert_eq!(search.index_segments(), segments + 1, "one update, one new segment: not a re-index");

    edit(&mut state, "content/lessons/new.md", Some("---\ntitle: New lesson\n---\nMore quokka facts.\n"));
    assert_eq!(find("quokka").len(), 2);
    edit(&mut state, "content/lessons/new.md", None);
    assert_eq!(find("quokka"), ["techniques/reflection.html#zebra-drills"], "a deleted page leaves the index");
}

/// Questions feed other pages (coverage counts, practice page, course sheets): an in-place edit
/// that adds one refreshes them all.
#[test]
fn in_place_quiz_edits_refresh_pages_that_show_questions() {
    let dir = tempfile::tempdir().unwrap();
    copy_named_fixture("quiz-site", dir.path());
    let out = dir.path().join("out");
    let (mut state, _) = State::new(BuildOptions::at(dir.path()), out.clone()).unwrap();
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    assert!(!read("factors/bond.html").contains("quiz-coverage"));
    let rel = "content/factors/empathy.md";
    let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
    let added = "quiz:\n  - type: truefalse\n    prompt: The bond is built.\n    answer: true\n    tests: [bond]\n";
    std::fs::write(dir.path().join(rel), text.replacen("quiz:\n", added, 1)).unwrap();
    let mut changes = Changes::default();
    changes.add(dir.path(), Path::new(rel));
    let r = state.apply(&changes).unwrap();
    assert!(!r.full);
    assert!(read("factors/bond.html").contains("1 quiz question tests this page."), "coverage of a tested page");
    assert!(read("quiz/index.html").contains("10 questions across the site"), "practice page");
    assert!(read("quiz/sheet-basics.html").contains("8 questions from the modules"), "course sheet");
    assert!(read("quiz/bank.js").contains("The bond is built."), "question bank");
    assert!(read("index.html").contains("10 questions across the site"), "home page count");

    // The general path (a new page) does the same.
    let page = "---\ntitle: Extra\nquiz:\n  - type: truefalse\n    prompt: Warmth helps.\n    answer: true\n    tests: [hope]\n---\nText.\n";
    std::fs::write(dir.path().join("content/extra.md"), page).unwrap();
    let mut changes = Changes::default();
    changes.add(dir.path(), Path::new("content/extra.md"));
    state.apply(&changes).unwrap();
    assert!(read("factors/hope.html").contains("3 quiz questions test this page."), "coverage after relink");
    assert!(read("index.html").contains("11 questions across the site"), "home page count after relink");
}

/// Every output file under `dir` with its bytes, but the search index (serve updates it after
/// the reload, in place).
fn output_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"), e.path().to_path_buf()))
        .filter(|(rel, _)| !rel.starts_with(search::DIR) && !rel.starts_with(".rapport"))
        .map(|(rel, path)| (rel, std::fs::read(path).unwrap()))
        .collect()
}

/// Editing a page's body text alone (the common save) re-renders that page and the pages linking
/// to it, not the pages generated from every question, and the output is still byte for byte a
/// fresh build's; renaming a heading a question elsewhere links to is still an error.
#[test]
fn body_edits_rerender_only_the_page_and_its_links_and_match_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    copy_named_fixture("quiz-site", dir.path());
    let out = dir.path().join("out");
    let (mut state, _) = State::new(BuildOptions::at(dir.path()), out.clone()).unwrap();
    let rel = "content/factors/alliance.md";
    let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
    std::fs::write(dir.path().join(rel), format!("{text}\nOne more paragraph, linking [[hope]].\n")).unwrap();
    let mut changes = Changes::default();
    changes.add(dir.path(), Path::new(rel));
    let r = state.apply(&changes).unwrap();
    assert!(!r.full);
    // The page, the page it now links to (its backlinks change), and its course with the course's
    // other modules (they show their neighbours' titles): not the practice, review, progress and
    // sheet pages nor the question bank, which only front matter, headings and citations feed.
    // Plus the preview script holding the page (its first paragraph may have changed).
    assert_eq!(r.rendered, ["alliance", "hope", "basics", "empathy", "rupture-repair", "previews"].len());
    assert!(!state.site.extra_pages.is_empty());

    let fresh = dir.path().join("fresh");
    let opts = BuildOptions { output: Some(fresh.clone()), ..BuildOptions::at(dir.path()) };
    pipeline::build(&opts).unwrap();
    let (served, built) = (output_files(&out), output_files(&fresh));
    assert_eq!(served.keys().collect::<Vec<_>>(), built.keys().collect::<Vec<_>>());
    let differing: Vec<&String> = served.keys().filter(|k| served[*k] != built[*k]).collect();
    assert!(differing.is_empty(), "files that differ from a fresh build: {differing:?}");

    let renamed =
        std::fs::read_to_string(dir.path().join(rel)).unwrap().replace("## Why it matters", "## Why it counts");
    std::fs::write(dir.path().join(rel), renamed).unwrap();
    let Err(Error::Content(ds)) = state.apply(&changes) else { panic!("a question links to the renamed heading") };
    let found = ds.sorted().into_iter().any(|d| d.is_error() && d.message.contains("why-it-matters"));
    assert!(found, "{}", ds.render());
}

/// Serve's output under `out` differs from a fresh build of `root` in no file.
fn assert_equals_fresh_build(root: &Path, out: &Path) {
    let fresh = root.join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    pipeline::build(&BuildOptions { output: Some(fresh.clone()), ..BuildOptions::at(root) }).unwrap();
    let (served, built) = (output_files(out), output_files(&fresh));
    assert_eq!(served.keys().collect::<Vec<_>>(), built.keys().collect::<Vec<_>>());
    let differing: Vec<&String> = served.keys().filter(|k| served[*k] != built[*k]).collect();
    assert!(differing.is_empty(), "files that differ from a fresh build: {differing:?}");
}

/// Writes `text` to `rel` under `root` and applies it as serve would; returns whether it was full.
fn save(state: &mut State, root: &Path, rel: &str, text: &str) -> bool {
    std::fs::write(root.join(rel), text).unwrap();
    let mut changes = Changes::default();
    changes.add(root, Path::new(rel));
    let full = state.apply(&changes).unwrap().full;
    state.refresh_search(&changes.content).unwrap();
    full
}

/// A new first paragraph changes the page's link preview; a new glossary entry links its term
/// on every page that uses it: serve writes both as a fresh build would.
#[test]
fn preview_and_glossary_edits_match_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_named_fixture("quiz-site", root);
    let glossary = "---\ntitle: Glossary\n---\n- **Bond**: trust and liking between client and therapist.\n";
    std::fs::write(root.join("content/glossary.md"), glossary).unwrap();
    let out = root.join("out");
    let (mut state, _) = State::new(BuildOptions::at(root), out.clone()).unwrap();

    let rel = "content/factors/hope.md";
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let text = text.replace("Expecting that therapy can help.", "Zebra-striped expectations come first.\n\nExpecting.");
    assert!(!save(&mut state, root, rel, &text), "a body edit is applied in place");
    assert_equals_fresh_build(root, &out);

    let glossary = format!("{glossary}- **Expectations**: what a client believes therapy will bring.\n");
    save(&mut state, root, "content/glossary.md", &glossary);
    let hope = std::fs::read_to_string(out.join("factors/hope.html")).unwrap();
    assert!(hope.contains("glossary.html#term-expectations"), "the new term is linked on hope's page");
    assert_equals_fresh_build(root, &out);
}

/// A page's new title reaches the search text of pages that show it through `[[link]]`:
/// serve's index answers as a fresh build's does (issue 19.15).
#[test]
fn a_new_title_reaches_the_search_text_of_linking_pages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_named_fixture("quiz-site", root);
    let empathy = root.join("content/factors/empathy.md");
    let text = std::fs::read_to_string(&empathy).unwrap();
    std::fs::write(&empathy, format!("{text}\nIt grows with [[bond]].\n")).unwrap();
    let out = root.join("out");
    let (mut state, _) = State::new(BuildOptions::at(root), out.clone()).unwrap();
    let rel = "content/factors/bond.md";
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let renamed = text.replacen("title: ", "title: Quokkabond ", 1);
    assert_ne!(text, renamed);
    save(&mut state, root, rel, &renamed);

    let find = |dir: &Path| {
        let req = search::SearchRequest { query: "quokkabond".into(), limit: 20, kind: None, json: false };
        let mut urls: Vec<String> = search::search_site(dir, &req).unwrap().0.into_iter().map(|h| h.url).collect();
        urls.sort();
        urls
    };
    let fresh = root.join("fresh");
    pipeline::build(&BuildOptions { output: Some(fresh.clone()), ..BuildOptions::at(root) }).unwrap();
    let (served, built) = (find(&out), find(&fresh));
    assert!(built.iter().any(|u| !u.starts_with("factors/bond.html")), "a linking page shows the title: {built:?}");
    assert_eq!(served, built);
}

/// serve keeps the renderer's site-wide lookups (sidebar lists, concept graph, glossary) through
/// body edits, and makes them again on an edit that can change them: after a title that moves a page
/// to the top of its kind's sidebar, the next body edit of another page renders the new order.
#[test]
fn body_edits_after_a_new_title_render_the_new_sidebar() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_named_fixture("quiz-site", root);
    let out = root.join("out");
    let (mut state, _) = State::new(BuildOptions::at(root), out.clone()).unwrap();
    let bond = "content/factors/bond.md";
    let text = std::fs::read_to_string(root.join(bond)).unwrap();
    assert!(!save(&mut state, root, bond, &format!("{text}\nA first new paragraph.\n")));
    let hope = "content/factors/hope.md";
    let retitled = std::fs::read_to_string(root.join(hope)).unwrap().replace("title: Hope", "title: Aardvark hope");
    assert!(retitled.contains("Aardvark"), "the fixture's hope page has `title: Hope`");
    save(&mut state, root, hope, &retitled);
    assert!(!save(&mut state, root, bond, &format!("{text}\nA second new paragraph.\n")));
    let page = std::fs::read_to_string(out.join("factors/bond.html")).unwrap();
    assert!(page.contains("Aardvark hope"), "the sidebar shows the new title");
    assert_equals_fresh_build(root, &out);
}
