//! Issue 19: bounded resources, clean recovery and safe defaults, through the real binary.

use std::os::unix::fs::symlink;

use crate::harness::SiteTest;

fn page(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

#[test]
fn thousands_of_broken_links_on_one_line_print_a_bounded_report() {
    let links: String = (0..5000).map(|i| format!("[[missing-{i}]] ")).collect();
    let mut t = SiteTest::minimal().file("content/many.md", page("title: Many\n", &format!("{links}\n")));
    t.check().expect_code(1).stderr_has("... and 4950 more like this").stderr_has("5000 errors, 0 warnings");
    let err = t.stderr();
    let shown = |err: &str| err.lines().filter(|l| l.starts_with("content/many.md:4:")).count();
    assert_eq!(shown(&err), 50, "{}", &err[..2000]);
    // Each printed line is an excerpt, not the 80 KB source line.
    assert!(err.len() < 100_000, "{} bytes of diagnostics", err.len());
    t.run(&["check", "--all-errors"]).expect_code(1);
    assert_eq!(shown(&t.stderr()), 5000);
    assert!(!t.stderr().contains("more like this"));
}

#[test]
fn one_line_errors_are_printed_once() {
    let mut t = SiteTest::minimal();
    t.run(&["new", "nokind", "X"]).expect_code(2);
    assert_eq!(t.stderr().matches("unknown kind `nokind`").count(), 1, "{}", t.stderr());
    t.run(&["search", "x", "-o", "no-such-output"]);
    assert_eq!(t.stderr().matches("no search index").count(), 1, "{}", t.stderr());
}

#[test]
fn caret_sits_under_the_link_after_wide_characters() {
    SiteTest::minimal()
        .file("content/cjk.md", page("title: CJK\n", "共通因子 😀 [[nowhere]]\n"))
        .check()
        .expect_code(1)
        .stderr_has("4 | 共通因子 😀 [[nowhere]]\n  |             ^^^^^^^^^^^\n");
}

#[test]
fn duplicate_slug_points_at_the_slug_line() {
    SiteTest::minimal()
        .file("content/a.md", page("title: A\nsummary: x\nslug: same\n", "x\n"))
        .file("content/b.md", page("title: B\nsummary: y\nslug: same\n", "x\n"))
        .check()
        .expect_code(1)
        .stderr_has("content/b.md:4:1: error: duplicate slug `same`");
    // A slug taken from the file name has no line: the file is named, not its title line.
    SiteTest::minimal()
        .file("content/x/same.md", page("title: A\n", "x\n"))
        .file("content/y/same.md", page("title: B\n", "x\n"))
        .check()
        .expect_code(1)
        .stderr_has("content/y/same.md: error: duplicate slug `same`: both content/x/same.md and content/y/same.md use it (this page's slug comes from its file name)");
}

#[test]
fn impossible_dates_are_refused_where_they_are_written() {
    for date in ["2024-13-45", "2023-02-29", "0000-00-00"] {
        SiteTest::minimal()
            .file("content/d.md", page(&format!("title: D\nupdated: {date}\n"), "x\n"))
            .check()
            .expect_code(1)
            .stderr_has(&format!(
                "content/d.md:3:1: error: `updated` should be a date like 2024-05-31, found `{date}`"
            ));
    }
}

#[test]
fn over_long_quiz_id_states_the_limit() {
    let id = "a".repeat(81);
    let quiz = format!("title: Q\nquiz:\n  - type: truefalse\n    id: {id}\n    prompt: P\n    answer: true\n");
    let mut t = SiteTest::minimal().file("content/q.md", page(&quiz, "x\n"));
    t.check().expect_code(1).stderr_has("ids are limited to 80 characters");
    assert!(!t.stderr().contains(&format!("try `{id}`")), "{}", t.stderr());
}

#[test]
fn raw_html_is_sanitised_unless_allowed() {
    let body = "<script>alert(1)</script>\n\n<img src=\"a.png\" onerror=\"alert(2)\"> [x](javascript:alert(3))\n\n<details><summary>More</summary>Hidden</details>\n";
    let mut t = SiteTest::minimal().file("content/x.md", page("title: X\n", body));
    t.build().ok();
    let html = t.output_file("x.html");
    assert!(!html.contains("alert("), "{html}");
    assert!(html.contains(r#"<img src="a.png">"#) && html.contains("<details><summary>More</summary>"), "{html}");
    let mut t = t.file("site.toml", "title = \"Minimal\"\n[markdown]\nraw_html = \"allow\"\n");
    t.build().ok();
    assert!(t.output_file("x.html").contains("<script>alert(1)</script>"));
}

#[test]
fn symlinks_leaving_the_site_root_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: Secret\n---\nsecret text\n").unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret text").unwrap();
    let t = SiteTest::minimal();
    symlink(outside.path().join("secret.md"), t.root.join("content/secret.md")).unwrap();
    std::fs::create_dir_all(t.root.join("static")).unwrap();
    symlink(outside.path().join("secret.txt"), t.root.join("static/secret.txt")).unwrap();
    // A link inside the site root is followed.
    std::fs::write(t.root.join("notes.txt"), "inside").unwrap();
    symlink(t.root.join("notes.txt"), t.root.join("static/notes.txt")).unwrap();
    let mut t = t;
    t.build().expect_code(1).stderr_has("content/secret.md: error: symbolic link leads outside the site root");
    std::fs::rename(t.root.join("content/secret.md"), t.root.join("secret-link.md")).unwrap();
    t.build().expect_code(1).stderr_has("static/secret.txt: error: symbolic link leads outside the site root");
    std::fs::rename(t.root.join("secret-link.md"), t.root.join("content/secret.md")).unwrap();
    let mut t = t.file("site.toml", "title = \"Minimal\"\nallow_outside_symlinks = true\n");
    t.build().ok();
    assert!(t.output_file("secret.html").contains("secret text"));
    assert_eq!(t.output_file("secret.txt"), "secret text");
    assert_eq!(t.output_file("notes.txt"), "inside");
}

#[test]
fn a_static_file_replacing_a_generated_page_is_named_with_it() {
    SiteTest::minimal()
        .file("static/index.html", "<p>mine</p>")
        .build()
        .ok()
        .stderr_has("static/index.html: warning: this static file replaces the page `index.html` generated from content/index.md")
        .check_file("index.html", &["<p>mine</p>"]);
}

#[test]
fn leftovers_of_killed_builds_are_removed() {
    let mut t = SiteTest::minimal();
    let staging = t.root.join(".public.rapport-staging-4000000");
    let old = t.root.join(".public.rapport-old-4000001");
    for dir in [&staging, &old] {
        std::fs::create_dir_all(dir.join("factors")).unwrap();
        std::fs::write(dir.join("factors/x.html"), "stale").unwrap();
    }
    t.build().ok();
    assert!(!staging.exists() && !old.exists());
    assert!(t.root.join("public/index.html").exists());
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let mut t = SiteTest::from_fixture("basic");
    let files = |t: &SiteTest| -> Vec<(String, Vec<u8>)> {
        let out = t.root.join("public");
        let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(&out).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    };
    t.build().ok();
    let first = files(&t);
    assert!(first.iter().any(|(p, _)| p == "search/hot.bin"), "the fixture has a search index");
    t.build().ok();
    let second = files(&t);
    let differ: Vec<&String> = first.iter().zip(&second).filter(|(a, b)| a != b).map(|(a, _)| &a.0).collect();
    assert!(differ.is_empty() && first.len() == second.len(), "files differ between builds: {differ:?}");
}

#[test]
fn check_rejects_the_synonyms_file_build_rejects() {
    let mut t = SiteTest::minimal().file("synonyms.txt", "alone\n");
    t.build().expect_code(1).stderr_has("synonyms.txt:1:");
    let build_err = t.stderr();
    t.check().expect_code(1);
    let first = |s: &str| s.lines().next().unwrap_or("").to_string();
    assert_eq!(first(&t.stderr()), first(&build_err));
}

#[test]
fn synonyms_outside_the_site_root_are_refused_unread() {
    SiteTest::minimal()
        .file("site.toml", "title = \"Minimal\"\n[search]\nsynonyms = \"/etc/passwd\"\n")
        .check()
        .expect_code(2)
        .stderr_has("site.toml:3:1: error: `synonyms` must name a path inside the site root, found `/etc/passwd`");
}

#[test]
fn a_page_with_broken_front_matter_gives_one_error_not_a_cascade() {
    let mut t = SiteTest::minimal()
        .file("content/target-page.md", "---\ntitle: \"unclosed\nsummary: x\n---\nBody\n")
        .file("content/a.md", page("title: A\nrelated: [target-page]\n", "See [[target-page]] and [[Target Page]].\n"))
        .file("content/b.md", page("title: B\n", "And [x](target-page.md).\n"));
    t.check().expect_code(1).stderr_has("content/target-page.md:").stderr_has("1 error, 0 warnings");
    // A link to a page that does not exist at all is still reported.
    t = t.file("content/c.md", page("title: C\n", "[[no-such-page]]\n"));
    t.check().expect_code(1).stderr_has("unknown link target `no-such-page`").stderr_has("2 errors");
}

#[test]
fn a_build_reads_released_text_back_and_refuses_a_file_changed_meanwhile() {
    use rapport::pipeline::{self, BuildOptions};
    use rapport::{previews, render, search};
    let t = SiteTest::minimal()
        .file("site.toml", "title = \"Minimal\"\n[search]\nsynonyms = \"\"\n")
        .file("content/a.md", page("title: Alpha\n", "First paragraph of [[b]].\n\n## More\n\nText.\n"))
        .file("content/b.md", page("title: Beta\n", "Beta's text.\n"));
    let (mut site, _) = pipeline::load(&BuildOptions::at(&t.root)).unwrap();
    let tera = render::theme::load_templates(&site.root, &site.config.theme).unwrap();
    let glossary = rapport::glossary::Glossary::new(&site);
    let held = render::render_site(&site, &tera).unwrap();
    let held_previews = previews::output_files(&site, &glossary).unwrap();

    site.release_sources();
    assert!(site.pages.iter().all(|p| !p.source.is_held()));
    assert_eq!(render::render_site(&site, &tera).unwrap(), held, "the text read back renders the same");
    assert_eq!(previews::output_files(&site, &glossary).unwrap(), held_previews);

    std::fs::write(t.root.join("content/b.md"), page("title: Beta\n", "Beta's text, edited.\n")).unwrap();
    std::fs::write(t.root.join("content/a.md"), page("title: Alpha\n", "Moved on.\n")).unwrap();
    // Every changed file is named, each once, in one run.
    let changed = |ds: Vec<rapport::diagnostics::Diagnostic>| {
        let mut named: Vec<String> = ds
            .iter()
            .inspect(|d| assert!(d.message.contains("changed while the site was being built"), "{d:?}"))
            .map(|d| d.path.display().to_string())
            .collect();
        named.sort();
        assert_eq!(named, ["content/a.md", "content/b.md"]);
    };
    changed(render::render_site(&site, &tera).unwrap_err());
    changed(previews::output_files(&site, &glossary).unwrap_err());
    let (indexed, _) = search::collect_files(|emit| search::index_site(&site, false, emit));
    changed(indexed.err().expect("the index refuses the changed pages"));
}
