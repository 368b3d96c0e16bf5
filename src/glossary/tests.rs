use super::*;
use crate::content;
use crate::links::LinkGraph;
use crate::model::config::{Config, RawHtml};

const CONFIG: &str = "title = \"T\"\n[kinds.factor]\nfolder = \"factors\"\n";

/// A site from `(path, text)` files (site.toml first), loaded and linked; the folder is kept
/// alive by the returned guard.
pub(crate) fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Site) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let config = Config::load(dir.path()).expect("site.toml");
    let (pages, problems, _) = content::load_pages_and_unparsed(dir.path(), &config, false);
    assert!(problems.iter().all(|d| !d.is_error()), "{problems:?}");
    let (graph, _) = LinkGraph::build(&pages, &config);
    let root = dir.path().to_path_buf();
    let site = Site {
        root,
        config,
        pages,
        graph,
        quizzes: Default::default(),
        citations: Default::default(),
        extra_pages: Vec::new(),
    };
    (dir, site)
}

/// The body of the page `slug` rendered as `render::page` does, with glossary links.
fn html(site: &Site, slug: &str) -> String {
    let i = site.page_by_slug(slug).expect("page");
    let p = &site.pages[i];
    let g = Glossary::new(site);
    let terms = g.for_page(site, i, &p.out_path);
    let links = site.graph.rendered_links(&site.pages, i);
    let annotate = terms.as_ref().map(|t| t as &dyn markdown::Annotate);
    markdown::render_cited(&p.text().unwrap(), p.body_start, &links, None, annotate, RawHtml::Sanitize)
}

const GLOSSARY: &str = "---\ntitle: Glossary\n---\nIntro about the bond.\n\n\
    - **Bond**: trust between client and therapist. [[bond-page]]\n\
    - **Working Alliance Inventory (WAI)**: a questionnaire.\n\
    - **Hope**: expecting things can improve.\n\
    - Not an entry.\n";

fn bundled_like(page: &str) -> (tempfile::TempDir, Site) {
    site(&[
        ("site.toml", CONFIG),
        ("content/glossary.md", GLOSSARY),
        ("content/factors/bond-page.md", "---\ntitle: The bond\n---\nThe bond is trust. Hope helps.\n"),
        ("content/factors/x.md", page),
    ])
}

fn term_links(html: &str) -> Vec<&str> {
    html.match_indices("<a class=\"glossary-term\" href=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap_or(0)]
        })
        .collect()
}

#[test]
fn entries_of_the_glossary_page_are_read_and_anchored() {
    let (_d, s) = bundled_like("---\ntitle: X\n---\nx\n");
    let g = Glossary::new(&s);
    let names: Vec<&str> = g.terms.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Bond", "Working Alliance Inventory (WAI)", "Hope"]);
    assert_eq!(g.terms[0].definition, "trust between client and therapist.");
    assert_eq!(g.terms[0].explains, s.page_by_slug("bond-page"));
    assert_eq!(g.terms[0].href, "glossary.html#term-bond");
    let out = html(&s, "glossary");
    assert!(out.contains(r#"<li id="term-bond">"#), "{out}");
    assert!(out.contains(r#"<li id="term-working-alliance-inventory-wai">"#), "{out}");
    assert_eq!(term_links(&out), Vec::<&str>::new(), "nothing is linked on the glossary page: {out}");
}

#[test]
fn the_first_use_of_each_term_links_case_insensitively_on_word_boundaries() {
    let page = "---\ntitle: X\n---\nBondage is not a term. HOPE and hope again; the bonds hold.\n\nThe WAI, and the Working Alliance Inventory.\n";
    let (_d, s) = bundled_like(page);
    let out = html(&s, "x");
    assert_eq!(
        term_links(&out),
        [
            "../glossary.html#term-hope",
            "../glossary.html#term-bond",
            "../glossary.html#term-working-alliance-inventory-wai"
        ],
        "{out}"
    );
    assert!(out.contains(r#"<a class="glossary-term" href="../glossary.html#term-hope">HOPE</a> and hope"#), "{out}");
    assert!(out.contains(">bonds</a>"), "a plural matches: {out}");
    assert!(out.contains("Bondage is"), "no match inside a longer word: {out}");
}

#[test]
fn headings_links_code_and_html_anchors_are_left_alone() {
    let page = "---\ntitle: X\n---\n## Hope\n\n[hope here](https://example.org) `bond` <a href=\"#x\">bond</a>\n\n```\nhope bond\n```\n\n![hope](a.png)\n\nFinally hope.\n";
    let (_d, s) = bundled_like(page);
    let out = html(&s, "x");
    assert_eq!(term_links(&out), ["../glossary.html#term-hope"], "{out}");
    assert!(out.contains("<h2 id=\"hope\">Hope</h2>"), "{out}");
    assert!(out.contains("Finally <a class=\"glossary-term\""), "{out}");
}

#[test]
fn a_term_is_not_linked_from_the_page_its_entry_explains() {
    let (_d, s) = bundled_like("---\ntitle: X\n---\nx\n");
    let out = html(&s, "bond-page");
    assert_eq!(term_links(&out), ["../glossary.html#term-hope"], "{out}");
}

#[test]
fn authors_opt_out_per_page_and_per_term() {
    let (_d, s) = bundled_like("---\ntitle: X\nglossary: false\n---\nHope and the bond.\n");
    assert_eq!(term_links(&html(&s, "x")), Vec::<&str>::new());
    let config = format!("{CONFIG}[glossary]\nskip = [\"hope\", \"WAI\"]\n");
    let (_d, s) = site(&[
        ("site.toml", &config),
        ("content/glossary.md", GLOSSARY),
        ("content/factors/x.md", "---\ntitle: X\n---\nHope, the WAI, the Working Alliance Inventory and the bond.\n"),
    ]);
    let out = html(&s, "x");
    assert_eq!(
        term_links(&out),
        ["../glossary.html#term-working-alliance-inventory-wai", "../glossary.html#term-bond"],
        "{out}"
    );
    assert!(out.contains("the WAI, the <a"), "a skipped spelling stays text: {out}");
}

#[test]
fn pages_of_a_glossary_kind_are_terms_with_their_aliases() {
    let config = "title = \"T\"\n[kinds.glossary]\nfolder = \"glossary\"\n[kinds.lesson]\nfolder = \"lessons\"\n";
    let (_d, s) = site(&[
        ("site.toml", config),
        (
            "content/glossary/distractor.md",
            "---\ntitle: Distractor\nsummary: A wrong option.\naliases: [distractors, foil]\n---\nA distractor is wrong.\n",
        ),
        ("content/lessons/a.md", "---\ntitle: A\n---\nWrite a good foil. Every distractor counts.\n"),
    ]);
    let g = Glossary::new(&s);
    assert_eq!(g.terms.len(), 1);
    assert_eq!(g.terms[0].definition, "A wrong option.");
    assert_eq!(term_links(&html(&s, "a")), ["../glossary/distractor.html"]);
    assert!(html(&s, "a").contains(">foil</a>"));
    assert_eq!(term_links(&html(&s, "distractor")), Vec::<&str>::new(), "not on the term's own page");
}

#[test]
fn spellings_cover_abbreviations() {
    assert_eq!(
        spellings_of("Working Alliance Inventory (WAI)"),
        ["working alliance inventory (wai)", "working alliance inventory", "wai"]
    );
    assert_eq!(spellings_of("Bond"), ["bond"]);
}
