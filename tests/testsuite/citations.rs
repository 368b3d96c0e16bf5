//! Citations: Pandoc citation syntax rendered in APA by hayagriva, the references page, exports,
//! and every error case located in its file.

use hayagriva::archive::{locales, ArchivedStyle};
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::Style;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest, CitePurpose,
    LocatorPayload, SpecificLocator,
};

use crate::harness::{fixture, SiteTest};

/// The text of every `<span class="citation">` in `html`, tags dropped.
fn citations_in(html: &str) -> Vec<String> {
    html.split("<span class=\"citation\">")
        .skip(1)
        .map(|rest| text_of(rest.split("</span>").next().unwrap_or("")))
        .collect()
}

/// HTML -> text: tags dropped, the escapes our writer uses undone.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", "\"").trim().to_string()
}

/// What hayagriva itself makes of the fixture's citations and bibliography, in APA.
fn hayagriva_apa() -> (Vec<String>, Vec<String>) {
    let bib = std::fs::read_to_string(fixture("citations").join("references.bib")).expect("fixture bib");
    let lib = hayagriva::io::from_biblatex_str(&bib).expect("valid bib");
    let Some(Style::Independent(style)) = ArchivedStyle::by_name("apa").map(ArchivedStyle::get) else {
        panic!("APA is bundled")
    };
    let locales = locales();
    let e = |k: &str| lib.get(k).expect("key");
    let page = |p: &'static str| Some(SpecificLocator(Locator::Page, LocatorPayload::Str(p)));
    let requests = vec![
        vec![CitationItem::with_entry(e("bordin1979"))],
        vec![CitationItem::with_entry(e("rogers1957")).kind(CitePurpose::Prose)],
        vec![CitationItem::with_entry(e("horvath2011")), CitationItem::with_entry(e("fluckiger2018"))],
        vec![CitationItem::with_locator(e("wampold2015"), page("272"))],
        vec![CitationItem::with_locator(e("fluckiger2018"), page("320"))],
    ];
    let mut driver = BibliographyDriver::new();
    for items in requests {
        driver.citation(CitationRequest::from_items(items, &style, &locales));
    }
    let all = lib.iter().map(|en| CitationItem::new(en, None, None, true, None)).collect();
    driver.citation(CitationRequest::from_items(all, &style, &locales));
    let out = driver.finish(BibliographyRequest::new(&style, None, &locales));
    let plain = |c: &hayagriva::ElemChildren| {
        let mut s = String::new();
        c.write_buf(&mut s, BufWriteFormat::Plain).expect("write");
        s
    };
    let cites = out.citations.iter().map(|c| plain(&c.citation)).filter(|s| !s.is_empty()).collect();
    let entries = out.bibliography.expect("APA has a bibliography").items.iter().map(|i| plain(&i.content)).collect();
    (cites, entries)
}

#[test]
fn citations_render_in_apa_as_hayagriva_formats_them() {
    let mut t = SiteTest::from_fixture("citations");
    t.build().ok();
    let (expected, _) = hayagriva_apa();
    let page = t.output_file("factors/alliance.html");
    let got = citations_in(&page);
    // Body citations in order, then the quiz explanation's.
    assert_eq!(got[..3], expected[..3], "{page}");
    assert_eq!(got[3], expected[3]);
    assert_eq!(got[5], expected[4]);
    // The same strings checked by eye against the APA manual (7th ed., 8.10-8.13, 8.17).
    assert_eq!(
        got,
        [
            "(Bordin, 1979)",
            "Rogers (1957)",
            "(Flückiger et al., 2018; Horvath et al., 2011)",
            "(Wampold, 2015, p. 272)",
            "(2015)",
            "(Flückiger et al., 2018, p. 320)",
        ]
    );
    assert_eq!(
        citations_in(&t.output_file("techniques/reflection.html"))[0],
        "(see Miller & Rollnick, 2013, Chapter 5)"
    );
    // Each work links to its entry on the references page, relative to the page.
    t.check_file(
        "factors/alliance.html",
        &[
            r#"<a href="../references.html#fluckiger2018">Flückiger et al., 2018</a>; <a href="../references.html#horvath2011">Horvath et al., 2011</a>"#,
            r#"<a href="../references.html#rogers1957">Rogers (1957)</a>"#,
            // Code and e-mail addresses are not citations.
            "<code>[@not_a_cite]</code>",
            "someone@example.org",
        ],
    );
}

#[test]
fn each_page_lists_the_works_it_cites() {
    let mut t = SiteTest::from_fixture("citations");
    t.build().ok();
    let (_, entries) = hayagriva_apa();
    let page = t.output_file("factors/alliance.html");
    let refs = page.split("<h2 id=\"references-title\">References</h2>").nth(1).expect("a References section");
    let refs = refs.split("</section>").next().unwrap_or("");
    let items: Vec<String> = refs.split("<li ").skip(1).map(|li| text_of(&format!("<li {li}"))).collect();
    // bordin, fluckiger, horvath, rogers, wampold: alphabetical as APA orders them; not miller.
    assert_eq!(items.len(), 5, "{refs}");
    for (item, key) in items.iter().zip(["Bordin", "Flückiger", "Horvath", "Rogers", "Wampold"]) {
        assert!(item.starts_with(key), "{item}");
        let expected = entries.iter().find(|e| e.starts_with(key)).expect("entry");
        assert!(item.starts_with(expected.as_str()), "{item}\n!=\n{expected}");
    }
    assert!(!refs.contains("Miller"), "{refs}");
    assert!(
        refs.contains(r#"<a href="https://doi.org/10.1037/h0085885">https://doi.org/10.1037/h0085885</a>"#),
        "{refs}"
    );
}

#[test]
fn references_page_lists_every_entry_with_doi_and_cited_on() {
    let mut t = SiteTest::from_fixture("citations");
    t.build().ok();
    let (_, entries) = hayagriva_apa();
    let html = t.output_file("references.html");
    for e in &entries {
        assert!(text_of(&html).contains(e.as_str()), "references.html lacks {e}");
    }
    t.check_file(
        "references.html",
        &[
            r#"<li id="horvath2011">"#,
            // Every page's footer links to the bibliography.
            r#"<a href="references.html">References</a>"#,
            r#"<a href="https://doi.org/10.1037/a0022186">https://doi.org/10.1037/a0022186</a>"#,
            r#"Cited on: <a href="factors/alliance.html">Therapeutic alliance</a>, <a href="techniques/reflection.html">Reflection</a>"#,
        ],
    );
}

#[test]
fn exports_carry_citations_as_plain_text() {
    let mut t = SiteTest::from_fixture("citations");
    t.run(&["export", "quiz", "--format", "gift"]).ok().stdout_has("About r \\= .28 (Flückiger et al., 2018, p. 320).");
    t.run(&["export", "quiz", "--format", "json"]).ok().stdout_has("About r = .28 (Flückiger et al., 2018, p. 320).");
    t.run(&["export", "quiz", "--format", "anki"]).ok().stdout_has("(<span>Flückiger et al., 2018, p. 320</span>)");
}

#[test]
fn every_citation_problem_is_reported_in_one_run() {
    let bib = std::fs::read_to_string(fixture("citations").join("references.bib")).expect("bib");
    let bad = format!(
        "{bib}@article{{rogers1957,\n  author = {{Rogers, C.}},\n  title = {{Again}},\n  journal = {{J}},\n  year = {{1957}}\n}}\n@article{{broken2000,\n  title = {{T}}\n  year = 2000\n}}\n"
    );
    let lines = bib.lines().count();
    SiteTest::from_fixture("citations")
        .file("references.bib", bad)
        .file(
            "content/factors/more.md",
            "---\ntitle: More\nquiz:\n  - type: truefalse\n    prompt: True?\n    answer: true\n    explanation: \"See [@wampld2015].\"\n---\nAs @bordin1997 showed.\n",
        )
        .check()
        .expect_code(1)
        .stderr_has("content/factors/more.md:9:4: error: unknown citation key `bordin1997`")
        .stderr_has("did you mean `bordin1979`?")
        .stderr_has("content/factors/more.md:7:24: error: unknown citation key `wampld2015`")
        .stderr_has("did you mean `wampold2015`?")
        .stderr_has(&format!("references.bib:{}:10: error: duplicate citation key `rogers1957`", lines + 1))
        .stderr_has("`rogers1957` is already defined at line 1")
        .stderr_has(&format!("references.bib:{}:3: error: malformed bibliography entry: expected comma", lines + 9))
        .stderr_has("4 errors");
}

#[test]
fn an_entry_never_cited_is_a_warning() {
    let bib = std::fs::read_to_string(fixture("citations").join("references.bib")).expect("bib");
    SiteTest::from_fixture("citations")
        .file(
            "references.bib",
            format!("{bib}@book{{frank1991,\n  author = {{Frank, J. D.}},\n  title = {{Persuasion and healing}},\n  publisher = {{Johns Hopkins University Press}},\n  year = {{1991}}\n}}\n"),
        )
        .check()
        .ok()
        .stderr_has(&format!("references.bib:{}:7: warning: bibliography entry `frank1991` is never cited", bib.lines().count() + 1))
        .stderr_has("0 errors, 1 warning");
}

#[test]
fn a_missing_bibliography_or_unknown_style_is_a_configuration_error() {
    SiteTest::from_fixture("citations")
        .file("site.toml", "title = \"x\"\nbibliography = \"refs.bib\"\n")
        .check()
        .expect_code(1)
        .stderr_has("site.toml:2:1: error: cannot read bibliography `refs.bib`");
    SiteTest::from_fixture("citations")
        .file("site.toml", "title = \"x\"\nbibliography = \"references.bib\"\ncitation_style = \"apa-7\"\n")
        .check()
        .expect_code(2)
        .stderr_has("site.toml:3:1: error: unknown citation style `apa-7`");
}

#[test]
fn another_bundled_style_formats_differently() {
    let config = std::fs::read_to_string(fixture("citations").join("site.toml")).expect("site.toml");
    let mut t = SiteTest::from_fixture("citations")
        .file("site.toml", config.replace("bibliography =", "citation_style = \"ieee\"\nbibliography ="));
    t.build().ok();
    let got = citations_in(&t.output_file("factors/alliance.html"));
    assert!(got[0].starts_with('['), "IEEE cites by number: {got:?}");
}

#[test]
fn without_a_bibliography_citations_stay_as_written() {
    let config = std::fs::read_to_string(fixture("citations").join("site.toml")).expect("site.toml");
    let mut t = SiteTest::from_fixture("citations")
        .file("site.toml", config.replace("bibliography = \"references.bib\"\n", ""));
    t.build().ok();
    t.check_file("factors/alliance.html", &["[@bordin1979]"]);
    assert!(!t.root.join("public/references.html").exists());
}

#[test]
fn a_citation_in_a_heading_is_left_as_written_with_a_warning() {
    let mut t = SiteTest::from_fixture("citations").file(
        "content/techniques/reflection.md",
        "---\ntitle: Reflection\n---\n## Evidence [@miller2013]\n\nSee [[alliance]] [@horvath2011].\n",
    );
    t.build()
        .ok()
        .stderr_has("content/techniques/reflection.md:4:14: warning: a citation in a heading is shown as written");
    t.check_file("techniques/reflection.html", &[r#"<h2 id="evidence-miller2013">Evidence [@miller2013]</h2>"#]);
}

#[test]
fn chapters_in_edited_books_print_the_book_title_once() {
    let bib = std::fs::read_to_string(fixture("citations").join("references.bib")).expect("bib");
    let chapter = "@incollection{rogers1959,\n  author = {Rogers, Carl R.},\n  title = {A theory of therapy},\n  booktitle = {Psychology: A study of a science},\n  editor = {Koch, Sigmund},\n  publisher = {McGraw-Hill},\n  year = {1959}, pages = {184--256}\n}\n";
    let book = "@collection{norcross2019,\n  editor = {Norcross, John C. and Lambert, Michael J.},\n  title = {Psychotherapy relationships that work},\n  publisher = {Oxford University Press},\n  year = {2019}\n}\n";
    let mut t = SiteTest::from_fixture("citations")
        .file("references.bib", format!("{bib}{chapter}{book}"))
        .file("content/factors/more.md", "---\ntitle: More\n---\nSee [@rogers1959; @norcross2019].\n");
    t.build().ok();
    let text = text_of(&t.output_file("references.html"));
    assert!(
        text.contains("Rogers, C. R. (1959). A theory of therapy. In S. Koch (Ed.), Psychology: A study of a science (pp. 184–256). McGraw-Hill."),
        "{text}"
    );
    assert!(
        text.contains("Norcross, J. C., & Lambert, M. J. (Eds.). (2019). Psychotherapy relationships that work. Oxford University Press."),
        "{text}"
    );
}
