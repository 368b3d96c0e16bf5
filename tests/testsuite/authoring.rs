//! Authoring from scratch: `init --minimal` and the atlas starter, `new` for every kind (from the
//! kind's skeleton or the site's archetype), TODO warnings, and `theme eject` overrides.

use std::path::Path;

use crate::harness::SiteTest;

/// A new site made by `rapport init NAME [args]`, as a SiteTest rooted in it.
fn init(name: &str, args: &[&str]) -> SiteTest {
    let mut t = SiteTest::empty_dir();
    let mut cmd = vec!["init", name];
    cmd.extend_from_slice(args);
    t.run(&cmd).ok();
    t.root = t.root.join(name);
    t
}

fn read(t: &SiteTest, rel: &str) -> String {
    std::fs::read_to_string(t.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn minimal_starter_builds_clean_with_general_kinds_and_one_title() {
    let mut site = init("psy501", &["--minimal"]);
    site.check().ok().stdout_has("0 errors, 0 warnings");
    site.build().ok();
    for kind in ["lessons", "courses", "faqs", "glossary"] {
        assert!(site.root.join("public").join(kind).join("index.html").exists(), "a {kind} index");
    }
    assert!(!site.root.join("content/factors").exists(), "no psychotherapy kinds in the minimal starter");
    // One title everywhere: site.toml, the home page's heading and the header.
    assert!(read(&site, "site.toml").contains("title = \"psy501\""));
    let home = site.output_file("index.html");
    assert!(
        home.contains("<h1>psy501</h1>") && home.contains("class=\"site-title\" href=\"index.html\">psy501</a>"),
        "{home}"
    );
}

#[test]
fn starter_config_comments_stand_on_their_own() {
    for args in [&[][..], &["--minimal"][..]] {
        let mut site = init("course", args);
        let config = read(&site, "site.toml");
        assert!(!config.contains("bundled knowledge base") && !config.contains("README.md"), "{config}");
        assert!(config.starts_with("# site.toml: the configuration of this Rapport site"), "{config}");
        // The synonyms file is written in the documented `=` format, and the site checks clean.
        assert!(read(&site, "synonyms.txt").lines().any(|l| !l.starts_with('#') && l.contains(" = ")));
        site.check().ok().stdout_has("0 errors, 0 warnings");
    }
}

#[test]
fn new_pages_of_every_kind_pass_check_with_todo_warnings() {
    for (args, kinds) in [
        (
            &[][..],
            &["factor", "component", "technique", "modality", "measure", "challenge", "faq", "course", "page"][..],
        ),
        (&["--minimal"][..], &["lesson", "course", "faq", "glossary", "page"][..]),
    ] {
        let mut site = init("s", args);
        for kind in kinds {
            site.run(&["new", kind, &format!("Fresh {kind}")]).ok();
        }
        site.check().ok().stderr_has("warning: unfinished: `TODO: one or two sentences");
        assert!(!site.stderr().contains(": error:"), "{}", site.stderr());
    }
}

#[test]
fn new_page_uses_the_kind_sections_and_a_commented_quiz_starter() {
    let mut site = init("s", &["--minimal"]);
    site.run(&["new", "lesson", "Feedback loops"]).ok();
    let text = read(&site, "content/lessons/feedback-loops.md");
    for needed in [
        "## Learning goals",
        "## Key ideas",
        "## Try it yourself",
        "# quiz:",
        "#   - type: single",
        "#     explanation:",
    ] {
        assert!(text.contains(needed), "missing {needed:?} in\n{text}");
    }
    site.check().ok().stderr_has("content/lessons/feedback-loops.md:3:11: warning: unfinished");
    // A required relation gets a real target: a new course lists what the existing course lists first.
    site.run(&["new", "course", "Second course"]).ok();
    assert!(read(&site, "content/courses/second-course.md").contains("modules: [getting-started]"));
    site.check().ok();
}

#[test]
fn archetypes_replace_the_built_in_skeleton() {
    let mut site = init("s", &["--minimal"]).file(
        "archetypes/lesson.md",
        "---\ntitle: \"{{ title }}\"\nsummary: A {{ kind }} called {{ slug }}.\n---\n\n## Our house style\n",
    );
    site.run(&["new", "lesson", "Goal setting"]).ok();
    assert_eq!(
        read(&site, "content/lessons/goal-setting.md"),
        "---\ntitle: \"Goal setting\"\nsummary: A lesson called goal-setting.\n---\n\n## Our house style\n"
    );
    site.check().ok().stdout_has("0 errors, 0 warnings");
}

#[test]
fn todo_markers_are_warnings_at_their_place() {
    let mut t = SiteTest::minimal().file(
        "content/a.md",
        "---\ntitle: A\nsummary: Done.\n---\nText.\n\nMore TODO: cite this.\nTODOS and MY_TODO are fine.\n",
    );
    t.check().ok().stderr_has("content/a.md:7:6: warning: unfinished: `TODO: cite this.`");
    assert_eq!(t.stderr().matches("unfinished").count(), 1, "{}", t.stderr());
}

#[test]
fn theme_eject_writes_templates_that_override_the_built_in_ones() {
    let mut site = init("s", &["--minimal"]);
    site.run(&["theme", "list"]).ok().stdout_has("footer.html").stdout_has("partial: the footer of every page");
    site.run(&["theme", "eject", "footer"]).ok().stdout_has("themes/default/templates/footer.html");
    let path = site.root.join("themes/default/templates/footer.html");
    let footer = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, footer.replace("Built with Rapport.", "PSY-501, spring term.")).unwrap();
    site.build().ok();
    assert!(site.output_file("index.html").contains("PSY-501, spring term."));
    assert!(site.output_file("lessons/getting-started.html").contains("PSY-501, spring term."));
    site.run(&["theme", "list"]).ok().stdout_has("(yours: ");
    // An existing copy is kept unless --force; an unknown name gets a did-you-mean.
    site.run(&["theme", "eject", "footer.html"]).expect_code(2).stderr_has("pass --force");
    site.run(&["theme", "eject", "footer.html", "--force"]).ok();
    site.run(&["theme", "eject", "footr"]).expect_code(2).stderr_has("did you mean `footer.html`?");
}

#[test]
fn counts_read_naturally() {
    let one = "---\ntitle: Getting started\nsummary: One question.\nquiz:\n  - type: truefalse\n    prompt: A link to a missing page stops the build.\n    answer: true\n    explanation: Links are checked.\n---\n\nSee [[writing-questions]].\n";
    let two = "---\ntitle: Writing questions\nsummary: None here.\n---\n\nSee [[getting-started]].\n";
    let mut site = init("s", &["--minimal"])
        .file("content/lessons/getting-started.md", one)
        .file("content/lessons/writing-questions.md", two);
    site.build().ok();
    assert!(site.output_file("index.html").contains("1 question across the site."));
    assert!(site.output_file("quiz/index.html").contains("1 question across the site."));
}

/// The flags `rapport SUBCOMMAND --help` lists, each with its spellings (`-o`, `--output`).
fn help_flags(args: &[&str]) -> Vec<Vec<String>> {
    let mut t = SiteTest::empty_dir();
    let mut cmd = args.to_vec();
    cmd.push("--help");
    let help = t.run(&cmd).ok().stdout();
    let mut flags = Vec::new();
    for line in help.lines().map(str::trim_start).filter(|l| l.starts_with('-')) {
        let forms: Vec<String> = line
            .split([' ', ','])
            .take_while(|w| w.is_empty() || w.starts_with('-'))
            .filter(|w| w.len() > 1 && w.starts_with('-') && *w != "-h" && *w != "--help")
            .map(str::to_string)
            .collect();
        if !forms.is_empty() {
            flags.push(forms);
        }
    }
    flags
}

#[test]
fn readme_command_table_lists_every_command_and_flag() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let commands: &[&[&str]] = &[
        &["build"],
        &["check"],
        &["serve"],
        &["init"],
        &["new"],
        &["theme", "list"],
        &["theme", "eject"],
        &["search"],
        &["export", "quiz"],
    ];
    let mut t = SiteTest::empty_dir();
    let top = t.run(&["--help"]).ok().stdout();
    let listed = top.lines().skip_while(|l| !l.starts_with("Commands:")).skip(1).take_while(|l| l.starts_with("  "));
    for name in listed.filter_map(|l| l.split_whitespace().next()).filter(|n| *n != "help") {
        assert!(commands.iter().any(|c| c[0] == name), "`rapport {name}` is not in the README check");
    }
    for args in commands {
        let start = format!("| `rapport {}", args.join(" "));
        let row = readme.lines().find(|l| l.starts_with(&start)).unwrap_or_else(|| panic!("no README row {start}"));
        for forms in help_flags(args) {
            let found = forms.iter().any(|f| row.contains(&format!("{f} ")) || row.contains(&format!("{f}]")));
            assert!(found, "README row for `{}` lacks {forms:?}: {row}", args.join(" "));
        }
    }
}

#[test]
fn a_typo_in_a_template_override_is_reported_once_at_its_line() {
    let base = "<!DOCTYPE html>\n<html>\n<head><title>{{ title }}</title></head>\n<body>\n<h1>{{ site.titel }}</h1>\n{% block main %}{% endblock main %}\n</body>\n</html>\n";
    let mut t = SiteTest::minimal()
        .file("content/a.md", "---\ntitle: A\n---\nA.\n")
        .file("content/b.md", "---\ntitle: B\n---\nB.\n")
        .file("themes/default/templates/base.html", base);
    t.check()
        .expect_code(1)
        .stderr_has("themes/default/templates/base.html:5:8: error: template error: `site.titel` is not defined")
        .stderr_has("<h1>{{ site.titel }}</h1>")
        .stderr_has("help: did you mean `site.title`?")
        .stderr_has("check found 1 error, 0 warnings");
}

/// The README's "From a new site to a published course", step by step.
#[test]
fn readme_walkthrough_from_init_minimal_to_a_published_course() {
    let mut site = init("psy501", &["--minimal"]);
    site.run(&["new", "lesson", "Feedback loops"]).ok();
    let lesson = read(&site, "content/lessons/feedback-loops.md")
        .replace("TODO: one or two sentences that say what this page is about.", "How feedback keeps therapy on track.")
        .replace("TODO: write this section.", "Ask for feedback every session; see [[getting-started]].")
        .replace("# quiz:", "quiz:")
        .replace("#   ", "    ")
        .replace("#     ", "      ")
        .replace("#       ", "        ");
    let site = site.file("content/lessons/feedback-loops.md", lesson);
    let course = read(&site, "content/courses/my-course.md").replace(
        "modules: [getting-started, writing-questions]",
        "modules: [getting-started, feedback-loops, writing-questions]",
    );
    let mut site = site.file("content/courses/my-course.md", course);
    site.check().ok().stdout_has("0 errors, 0 warnings");
    site.build().ok();
    assert!(site.output_file("lessons/feedback-loops.html").contains("Module 2 of 3"));
    assert!(site.output_file("index.html").contains("psy501"));
    site.run(&["export", "quiz", "--format", "gift", "-o", "psy501.gift"]).ok();
    let gift = read(&site, "psy501.gift");
    assert!(gift.contains("A question that needs understanding"), "{gift}");
}
