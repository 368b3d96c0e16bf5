//! Bad input: every case gets a located, readable message; nothing panics; exit codes are right.

use crate::harness::SiteTest;

fn page(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

#[test]
fn malformed_yaml_is_located() {
    SiteTest::minimal()
        .file("content/bad.md", page("title: Bad\ntags: [a, b\n", "Body\n"))
        .check()
        .expect_code(1)
        .stderr_has("content/bad.md:4:1: error: invalid YAML in front matter")
        .stderr_has("1 error, 0 warnings");
}

#[test]
fn unclosed_front_matter() {
    SiteTest::minimal()
        .file("content/open.md", "---\ntitle: Open\n\nNo closing line.\n")
        .check()
        .expect_code(1)
        .stderr_has("content/open.md:1:1: error: front matter is not closed");
}

#[test]
fn no_front_matter() {
    SiteTest::minimal()
        .file("content/plain.md", "# Just a heading\n")
        .check()
        .expect_code(1)
        .stderr_has("content/plain.md:1:1: error: no front matter");
}

#[test]
fn empty_file() {
    SiteTest::minimal()
        .file("content/empty.md", "")
        .check()
        .expect_code(1)
        .stderr_has("content/empty.md:1:1: error: empty file");
}

#[test]
fn non_utf8_bytes_are_located() {
    SiteTest::minimal()
        .file("content/latin1.md", b"---\ntitle: Caf\xe9\n---\n".as_slice())
        .check()
        .expect_code(1)
        .stderr_has("content/latin1.md:2:11: error: invalid UTF-8");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_not_fatal() {
    let mut t = SiteTest::minimal().file("content/ok.md", page("title: OK\n", "[[index]]\n"));
    // A dangling link cannot be read, even by root (permission bits do not stop root).
    std::os::unix::fs::symlink(t.root.join("content/missing.md"), t.root.join("content/dangling.md")).unwrap();
    t.check().expect_code(1).stderr_has("content/dangling.md: error: cannot read").stderr_has("1 error");
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported() {
    let mut t = SiteTest::minimal().file("content/sub/page.md", page("title: Sub\n", "x\n"));
    std::os::unix::fs::symlink(t.root.join("content"), t.root.join("content/sub/loop")).unwrap();
    t.check().expect_code(1).stderr_has("symbolic link loop");
}

#[test]
fn duplicate_slug_names_both_files() {
    SiteTest::minimal()
        .file("content/a/same.md", page("title: A\n", "x\n"))
        .file("content/b/same.md", page("title: B\n", "x\n"))
        .check()
        .expect_code(1)
        .stderr_has("duplicate slug `same`: both content/a/same.md and content/b/same.md use it");
}

#[test]
fn unknown_kind_in_new_and_in_relations() {
    SiteTest::minimal().run(&["new", "factr", "Hope"]).expect_code(2).stderr_has("unknown kind `factr`");
    SiteTest::minimal()
        .file("site.toml", "title = \"x\"\n[kinds.t]\nfolder = \"t\"\n[kinds.t.relations.builds]\nkind = \"factor\"\n")
        .check()
        .expect_code(2)
        .stderr_has("site.toml:4:1: error: relation `t.builds` names an unknown kind `factor`");
}

#[test]
fn huge_file_is_refused() {
    let big = format!("---\ntitle: Big\n---\n{}", "word ".repeat(2 * 1024 * 1024));
    SiteTest::minimal().file("content/big.md", big).check().expect_code(1).stderr_has("file is too large");
}

#[test]
fn missing_required_field_and_wrong_type() {
    let t = SiteTest::from_fixture("basic");
    let mut t = t.file("content/factors/warmth.md", page("title: Warmth\ncategory: relationship\n", "x\n")).file(
        "content/factors/genuine.md",
        page("title: Genuine\nsummary: s\ncategory: relationship\ntags: solo\nweight: heavy\n", "x\n"),
    );
    t.check()
        .expect_code(1)
        .stderr_has("content/factors/warmth.md:1:1: error: missing required field `summary` for kind `factor`")
        .stderr_has("content/factors/genuine.md:5:7: error: `tags` should be a list of text, found text")
        .stderr_has("help: write a list: `tags: [solo]`")
        .stderr_has("content/factors/genuine.md:6:9: error: `weight` should be a whole number, found text");
}

#[test]
fn disallowed_value_gets_a_suggestion() {
    SiteTest::from_fixture("basic")
        .file("content/factors/x.md", page("title: X\nsummary: s\ncategory: relationshp\n", "x\n"))
        .check()
        .expect_code(1)
        .stderr_has("content/factors/x.md:4:11: error: `relationshp` is not an allowed category")
        .stderr_has("did you mean `relationship`?");
}

#[test]
fn unknown_field_is_a_warning_with_suggestion() {
    let mut t = SiteTest::minimal().file("content/p.md", page("title: P\nsumary: oops\n", "x\n"));
    t.build()
        .ok()
        .stderr_has("content/p.md:3:1: warning: unknown field `sumary`")
        .stderr_has("did you mean `summary`?");
}

#[test]
fn broken_links_are_errors_at_their_own_position() {
    SiteTest::from_fixture("basic")
        .file(
            "content/p.md",
            page("title: P\n", "Intro line.\n\nSee [[empaty]] and [[hope#why-matters]],\nalso [x](factors/nope.md).\n"),
        )
        .check()
        .expect_code(1)
        .stderr_has("content/p.md:6:5: error: unknown link target `empaty`")
        .stderr_has("did you mean `empathy`?")
        .stderr_has("content/p.md:6:20: error: `hope` has no heading with the id `#why-matters`")
        .stderr_has("did you mean `why-it-matters`?")
        .stderr_has("content/p.md:7:6: error: link to a missing page `factors/nope.md`")
        .stderr_has("3 errors");
}

#[test]
fn relation_to_wrong_kind_is_an_error() {
    SiteTest::from_fixture("basic")
        .file(
            "content/techniques/bad.md",
            page("title: Bad\nmodality: humanistic\nbuilds: [empathy, humanistic]\n", "x\n"),
        )
        .check()
        .expect_code(1)
        .stderr_has(
            "content/techniques/bad.md:4:19: error: `builds` must name factor pages, but `humanistic` is a modality",
        );
}

#[test]
fn diagnostics_show_the_source_line_and_a_caret() {
    SiteTest::minimal()
        .file("content/p.md", page("title: P\n", "Go to [[nowhere]] now.\n"))
        .check()
        .expect_code(1)
        .stderr_has("4 | Go to [[nowhere]] now.\n  |       ^^^^^^^^^^^");
}

#[test]
fn all_problems_are_reported_in_one_run() {
    SiteTest::minimal()
        .file("content/a.md", "")
        .file("content/b.md", "no front matter\n")
        .file("content/c.md", page("title: C\n", "[[missing]]\n"))
        .check()
        .expect_code(1)
        .stderr_has("content/a.md")
        .stderr_has("content/b.md")
        .stderr_has("content/c.md")
        .stderr_has("3 errors, 0 warnings");
}

#[test]
fn configuration_errors_exit_2() {
    SiteTest::minimal()
        .file("site.toml", "title = \"x\"\npretty_urls = \"yes\"\n")
        .check()
        .expect_code(2)
        .stderr_has("site.toml:2:15: error:");
    SiteTest::empty_dir().check().expect_code(2).stderr_has("no site.toml");
    SiteTest::minimal().run(&["build", "--bogus"]).expect_code(2);
}

#[test]
fn broken_template_override_is_located() {
    SiteTest::minimal()
        .file(
            "themes/default/templates/404.html",
            "{% extends \"base.html\" %}\n{% block main %}{{ oops( }}{% endblock main %}\n",
        )
        .check()
        .expect_code(1)
        .stderr_has("themes/default/templates/404.html:2:");
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let mut t = SiteTest::minimal();
    t.build().ok();
    let before = t.output_file("index.html");
    let mut t = t.file("content/index.md", "---\ntitle: Home\n---\nNow broken: [[nowhere]]\n");
    t.build().expect_code(1).stderr_has("nothing was written");
    assert_eq!(t.output_file("index.html"), before);
    let leftovers: Vec<_> = std::fs::read_dir(&t.root)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("rapport-"))
        // The empty lock file stays beside the output on purpose (see output::Staging).
        .filter(|e| e.path().is_dir())
        .collect();
    assert!(leftovers.is_empty(), "no staging folders left behind");
}

#[test]
fn refuses_dangerous_output_folders() {
    let mut t = SiteTest::minimal().file("notes/keep.txt", "precious");
    t.run(&["build", "-o", "."]).expect_code(2).stderr_has("refusing to use");
    t.run(&["build", "-o", "content"]).expect_code(2).stderr_has("inside the sources folder content/");
    t.run(&["build", "-o", "notes"]).expect_code(2).stderr_has("was not created by Rapport");
    assert_eq!(std::fs::read_to_string(t.root.join("notes/keep.txt")).unwrap(), "precious");
    t.run(&["build", "-o", "elsewhere"]).ok();
    t.run(&["build", "-o", "elsewhere"]).ok();
}

#[test]
fn failed_check_does_not_claim_it_wrote_nothing() {
    let mut t = SiteTest::minimal().file("content/index.md", "---\ntitle: Home\n---\nBroken: [[nowhere]]\n");
    t.check().expect_code(1).stderr_has("error: check found 1 error, 0 warnings");
    assert!(!t.stderr().contains("written"), "{}", t.stderr());
}
