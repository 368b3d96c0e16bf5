//! Building the fixture site: links, relations, lists, course navigation, theme, offline URLs.

use crate::harness::SiteTest;

#[test]
fn builds_fixture_and_prints_summary() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok().stdout_has("Built 8 pages");
    for f in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "factors/index.html",
        "factors/empathy.html",
        "techniques/index.html",
        "courses/intro-course.html",
        "lessons/lesson-one.html",
        "tags/index.html",
        "tags/core-conditions.html",
        "assets/style.css",
        ".rapport-output",
    ] {
        assert!(t.root.join("public").join(f).exists(), "missing {f}");
    }
    assert!(!t.root.join("public/draft.html").exists(), "drafts are left out by default");
}

#[test]
fn factor_page_snapshot() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok();
    insta::assert_snapshot!("factor_page_main", t.main_of("factors/empathy.html"));
}

#[test]
fn every_link_form_is_rewritten_to_a_relative_file_url() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok().check_file(
        "factors/empathy.html",
        &[
            r#"<a href="../factors/hope.html#why-it-matters">Hope § Why it matters</a>"#,
            r#"<a href="../factors/hope.html">a hopeful stance</a>"#,
            r#"<a href="../techniques/reflection.html">the technique</a>"#,
        ],
    );
    // An alias resolves to its page and the link shows the page title.
    t.check_file("factors/hope.html", &[r#"<a href="../factors/empathy.html">Empathy</a>"#]);
    t.check_file(
        "index.html",
        &[r#"<a href="factors/empathy.html">Empathy</a>"#, r#"<a href="courses/intro-course.html">course</a>"#],
    );
}

#[test]
fn headings_get_stable_unique_ids_and_a_toc() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok().check_file(
        "factors/empathy.html",
        &[
            r#"<h2 id="what-it-is">"#,
            r#"<h2 id="why-it-matters">"#,
            r#"<h3 id="why-it-matters-2">"#,
            r##"<a href="#why-it-matters-2">Why it matters</a>"##,
        ],
    );
}

#[test]
fn typed_relations_render_on_both_pages_with_backlinks() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok();
    t.check_file(
        "techniques/reflection.html",
        &["Builds these factors", r#"href="../factors/empathy.html">Empathy</a>"#, "Modality", "Humanistic therapy"],
    );
    t.check_file(
        "factors/empathy.html",
        &["Techniques that build this factor", "Reflective listening", "Referenced by"],
    );
    t.check_file("modalities/humanistic.html", &["<h2>Techniques</h2>", "Reflective listening"]);
    // Backlinks list the pages that link here.
    let hope = t.output_file("factors/hope.html");
    let backlinks = &hope[hope.find("Referenced by").expect("backlinks")..];
    assert!(backlinks.contains("Empathy") && backlinks.contains("Reflective listening"), "{backlinks}");
}

#[test]
fn kind_index_is_grouped_in_declared_order_with_labels() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok();
    let index = t.output_file("factors/index.html");
    let rel = index.find("Relationship").expect("relationship group");
    let hope = index.find("Hope and expectancy").expect("labelled hope group");
    assert!(rel < hope, "groups follow the order of `values` in site.toml");
    t.check_file("techniques/index.html", &["Humanistic therapy", "Reflective listening"]);
}

#[test]
fn course_lists_modules_and_links_previous_and_next() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok();
    t.check_file("courses/intro-course.html", &["<ol class=\"module-list\">", "Lesson one", "Start with module 1"]);
    t.check_file(
        "factors/empathy.html",
        &[
            "Module 2 of 3",
            r#"rel="prev" href="../lessons/lesson-one.html""#,
            r#"rel="next" href="../lessons/lesson-two.html""#,
        ],
    );
    t.check_file("lessons/lesson-one.html", &["Module 1 of 3", r#"rel="next" href="../factors/empathy.html""#]);
}

#[test]
fn breadcrumbs_tags_sitemap_and_404() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok();
    t.check_file(
        "factors/empathy.html",
        &[r#"aria-label="Breadcrumb""#, r#"<a href="../factors/index.html">Factors</a>"#],
    );
    // A plain page that is a course module: its trail runs through the course.
    t.check_file(
        "lessons/lesson-one.html",
        &[r#"<li><a href="../courses/index.html">Courses</a></li><li><a href="../courses/intro-course.html">Introductory course</a></li>"#],
    );
    t.check_file("tags/rogers.html", &["Empathy", "Hope"]);
    t.check_file("tags/index.html", &["core conditions", "rogers"]);
    t.check_file("sitemap.xml", &["<loc>factors/empathy.html</loc><lastmod>2024-05-31</lastmod>"]);
    t.check_file("404.html", &["Page not found"]);
    t.run(&["build", "--base-url", "https://example.org/atlas/"]).ok();
    t.check_file("sitemap.xml", &["<loc>https://example.org/atlas/factors/empathy.html</loc>"]);
}

#[test]
fn drafts_are_built_on_request() {
    let mut t = SiteTest::from_fixture("basic");
    t.run(&["build", "--drafts"]).ok().stdout_has("Built 9 pages");
    t.check_file("draft.html", &["Unfinished"]);
}

#[test]
fn output_is_offline_safe() {
    let mut t = SiteTest::from_fixture("basic");
    t.build().ok();
    for entry in walkdir::WalkDir::new(t.root.join("public")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html" || e == "css" || e == "js") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for bad in ["href=\"/", "src=\"/", "src=\"http", "href=\"//", "url(http", "@import"] {
                assert!(!text.contains(bad), "{} contains {bad}", entry.path().display());
            }
            // Internal links name files, so they work from file://.
            for href in text.split("href=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
                if href.starts_with("http") || href.starts_with('#') || href.starts_with("mailto:") {
                    continue;
                }
                let path = href.split('#').next().unwrap();
                assert!(
                    path.ends_with(".html") || path.ends_with(".css") || path.ends_with(".svg"),
                    "{href} names no file"
                );
                let target = entry.path().parent().unwrap().join(path);
                assert!(target.exists(), "{} links to missing {href}", entry.path().display());
            }
        }
    }
}

#[test]
fn pretty_urls_are_opt_in() {
    let t = SiteTest::from_fixture("basic");
    let config = std::fs::read_to_string(t.root.join("site.toml")).unwrap();
    let mut t = t.file("site.toml", config.replace("description", "pretty_urls = true\ndescription"));
    t.build().ok();
    t.check_file(
        "factors/empathy/index.html",
        &[r#"href="../../factors/hope/#why-it-matters""#, r#"href="../../assets/style.css""#],
    );
    t.check_file("factors/index.html", &[r#"href="../factors/empathy/""#]);
}

#[test]
fn site_theme_overrides_one_template_and_adds_assets() {
    let mut t = SiteTest::from_fixture("basic")
        .file(
            "themes/default/templates/tag.html",
            "{% extends \"base.html\" %}{% block main %}<p class=\"custom-tag\">{{ tag }}</p>{% endblock main %}",
        )
        .file("themes/default/static/assets/extra.css", "body{}")
        .file("static/files/handout.txt", "hello");
    t.build().ok();
    t.check_file("tags/rogers.html", &["<p class=\"custom-tag\">rogers</p>", "Skip to content"]);
    // Other templates still come from the built-in theme.
    t.check_file("factors/empathy.html", &["Referenced by"]);
    assert!(t.root.join("public/assets/extra.css").exists());
    assert!(t.root.join("public/assets/style.css").exists());
    assert_eq!(t.output_file("files/handout.txt"), "hello");
}

#[test]
fn init_creates_a_site_that_builds_and_new_adds_a_checked_page() {
    let mut t = SiteTest::empty_dir();
    t.run(&["init", "fresh"]).ok();
    let mut site = SiteTest::empty_dir();
    site.root = t.root.join("fresh");
    site.build().ok().stdout_has("Built");
    for kind in ["factors", "components", "techniques", "modalities", "measures", "challenges", "faqs", "courses"] {
        assert!(site.root.join("public").join(kind).join("index.html").exists(), "init has a {kind} page");
    }
    site.run(&["new", "technique", "Socratic questioning"]).ok();
    let text = std::fs::read_to_string(site.root.join("content/techniques/socratic-questioning.md")).unwrap();
    assert!(
        text.contains("title: \"Socratic questioning\"") && text.contains("modality: [example-modality]"),
        "{text}"
    );
    site.check().ok();
    site.run(&["new", "techniqe", "X"]).expect_code(2).stderr_has("did you mean `technique`?");
    t.run(&["init", "fresh"]).expect_code(2).stderr_has("already holds a site");
}

#[test]
fn every_command_has_help() {
    let mut t = SiteTest::empty_dir();
    for cmd in ["build", "check", "init", "new", "search", "export", "theme"] {
        t.run(&[cmd, "--help"]).ok().stdout_has("Usage: rapport");
    }
}

#[test]
fn long_lists_are_split_into_numbered_pages() {
    let t = SiteTest::from_fixture("basic");
    let config = std::fs::read_to_string(t.root.join("site.toml")).unwrap();
    let mut t = t.file("site.toml", config.replace("description", "list_page_size = 1\ndescription"));
    t.build().ok();
    // Two factors: the second is on page 2, with links both ways and the group label kept.
    t.check_file("factors/index.html", &["Empathy", r#"rel="next" href="../factors/page-2.html""#, "(page 1 of 2)"]);
    t.check_file("factors/page-2.html", &["Hope", "Hope and expectancy", r#"rel="prev" href="../factors/index.html""#]);
    t.check_file("tags/rogers-page-2.html", &["Hope", r#"<span aria-current="page">2</span>"#]);
}
