//! Quizzes: the fixture sites tests/fixtures/quiz-site (every question type, every GIFT special
//! character) and tests/fixtures/quiz-errors (one of each validation problem), checked through the
//! library and built and exported with the real binary.
//!
//! Golden files live in tests/golden/; run with `UPDATE_GOLDEN=1` to rewrite them after an
//! intended change, then review the diff.

use std::path::Path;

use rapport::export::{self, Bank, Format};
use rapport::{BuildOptions, Error};

use crate::harness::{fixture, SiteTest};

fn load_at(root: &Path) -> rapport::Site {
    let (site, diags) = rapport::load(&BuildOptions::at(root)).expect("site loads");
    assert!(diags.is_empty(), "{}", diags.render());
    site
}

fn load(name: &str) -> rapport::Site {
    load_at(&fixture(name))
}

/// `quiz-site` copied and built with the binary.
fn built() -> SiteTest {
    let mut t = SiteTest::from_fixture("quiz-site");
    t.build().ok();
    t
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        panic!(
            "{} differs from the export (first differing line: {:?}); rerun with UPDATE_GOLDEN=1 if intended\n--- actual ---\n{actual}",
            path.display(),
            first.map(|i| i + 1)
        );
    }
}

#[test]
fn valid_fixture_checks_clean_with_every_type() {
    let site = load("quiz-site");
    assert_eq!(site.quizzes.count(), 9);
    let mut types: Vec<&str> = site.quizzes.questions.iter().map(|q| q.qtype().name()).collect();
    types.sort_unstable();
    types.dedup();
    assert_eq!(types, ["matching", "multiple", "ordering", "short", "single", "truefalse"]);
    let bordin = site.quizzes.questions.iter().find(|q| q.id == "bordin").expect("explicit id kept");
    assert_eq!(bordin.feedback.len(), 1);
    assert!(site
        .quizzes
        .questions
        .iter()
        .filter(|q| !q.explicit_id)
        .all(|q| q.id.starts_with("q-") && q.id.len() == 12));
}

/// Every validation problem of the error fixture, at its file, line and column, in one run.
#[test]
fn every_problem_is_reported_at_its_location() {
    let err = rapport::check(&BuildOptions::at(fixture("quiz-errors"))).expect_err("fixture has errors");
    let Error::Content(diags) = err else { panic!("expected content errors, got {err}") };
    let found: Vec<String> = diags
        .sorted()
        .iter()
        .map(|d| format!("{}:{}:{} {:?} {}", d.path.display(), d.line, d.col, d.severity, d.message))
        .collect();
    let expected = [
        "content/factors/broken.md:7:13 Error answer `Bordn` is not one of the options",
        "content/factors/broken.md:10:21 Error duplicate option `A` in `options`",
        "content/factors/broken.md:11:5 Error no correct answer: this question has nothing to check against",
        "content/factors/broken.md:13:5 Error empty prompt: write the question to ask",
        "content/factors/broken.md:14:13 Error the answer to a true-or-false question is true or false, found `maybe`",
        "content/factors/broken.md:18:5 Error matching sides have unequal length: 3 on the left, 2 on the right",
        "content/factors/broken.md:19:11 Error unknown question type `singel`",
        "content/factors/broken.md:22:39 Error unknown link target `nowhere`",
        "content/factors/broken.md:24:5 Error invalid `pattern`: unclosed group",
        "content/factors/broken.md:25:23 Error unknown link target `empaty`",
        "content/factors/broken.md:25:38 Error `empathy` has no heading with the id `#why-it-maters`",
        "content/factors/broken.md:26:5 Warning unknown field `colour` in a quiz question: it is ignored",
        "content/factors/broken.md:30:13 Error `tests` names an unknown page `missing-page`",
        "content/factors/broken.md:37:9 Error duplicate question id `dup`: also used by the question at content/factors/broken.md:31:3",
        "content/factors/broken.md:44:13 Error answer `c` is not one of the options",
        "content/factors/empathy.md:4:3 Error duplicate question id `q-7049a9f46d`: also used by the question at content/factors/broken.md:45:3",
        "content/factors/empathy.md:8:3 Error no correct answer: this question has nothing to check against",
        "content/factors/empathy.md:11:5 Error feedback for `c`, which is not one of the options",
    ];
    let expected: Vec<String> = expected.iter().map(|s| s.replace('/', std::path::MAIN_SEPARATOR_STR)).collect();
    assert_eq!(found, expected, "\n{}", diags.render());
    let help = |needle: &str| diags.sorted().iter().find(|d| d.message.contains(needle)).and_then(|d| d.help.clone());
    assert_eq!(help("`Bordn`").as_deref(), Some("did you mean `Bordin`?"));
    assert_eq!(help("`singel`").as_deref(), Some("did you mean `single`?"));
    assert_eq!(help("`empaty`").as_deref(), Some("did you mean `empathy`?"));
}

#[test]
fn binary_prints_located_errors_with_caret_and_exits_1() {
    let path = Path::new("content").join("factors").join("broken.md");
    let head = format!("{}:7:13: error: answer `Bordn` is not one of the options", path.display());
    SiteTest::from_fixture("quiz-errors")
        .check()
        .expect_code(1)
        .stderr_has(&head)
        .stderr_has("7 |     answer: Bordn\n  |             ^^^^^")
        .stderr_has("17 errors, 1 warning");
}

#[test]
fn build_writes_quiz_pages_bank_and_course_sheet() {
    let t = built();
    for file in ["quiz/index.html", "quiz/review.html", "quiz/progress.html", "quiz/bank.js", "quiz/sheet-basics.html"]
    {
        assert!(t.root.join("public").join(file).is_file(), "{file} missing");
    }
    let bank = t.output_file("quiz/bank.js");
    let json = bank
        .split_once("window.RAPPORT_QUIZ_BANK = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("bank assigns a global");
    let data: serde_json::Value = serde_json::from_str(json).expect("bank is JSON");
    assert_eq!(data["questions"].as_array().map(Vec::len), Some(9));
    assert_eq!(data["key"], "rapport-quiz-v1:quiz-fixture");
    // Links in the bank are relative to quiz/, where the pages that load it live.
    assert_eq!(data["pages"]["alliance"]["href"], "../factors/alliance.html");
    let practice = t.output_file("quiz/index.html");
    assert!(practice.contains(r#"<script src="../quiz/bank.js"></script>"#), "{practice}");
    assert!(practice.contains("Relationship factors (6)"), "category filter with counts");
}

#[test]
fn course_outline_script_lists_modules_with_their_questions_for_progress_marks() {
    let t = built();
    let script = t.output_file("quiz/courses.js");
    let json = script
        .split_once("window.RAPPORT_COURSES = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("outline assigns a global");
    let data: serde_json::Value = serde_json::from_str(json).expect("outline is JSON");
    assert_eq!(data["key"], "rapport-quiz-v1:quiz-fixture", "the same key quiz.js saves answers under");
    let course = &data["courses"][0];
    assert_eq!(course["slug"], "basics");
    let modules = course["modules"].as_array().expect("modules");
    let slugs: Vec<&str> = modules.iter().filter_map(|m| m["slug"].as_str()).collect();
    assert_eq!(slugs, ["alliance", "empathy", "rupture-repair"], "course order");
    // Links are root-relative: progress.js prefixes the page's data-root.
    assert_eq!(modules[0]["href"], "factors/alliance.html");
    assert_eq!(modules[0]["questions"].as_array().map(Vec::len), Some(4));
    assert_eq!(modules[0]["questions"][0], "bordin");
    // Every page loads it before progress.js; the course page marks its module links.
    let course_page = t.output_file("courses/basics.html");
    assert!(course_page.contains(
        r#"<script src="../quiz/courses.js" defer></script><script src="../assets/progress.js" defer></script>"#
    ));
    assert!(
        course_page.contains(r#"<a href="../factors/empathy.html" data-progress-slug="empathy">Empathy</a>"#),
        "{course_page}"
    );
    assert!(course_page.contains(r#"data-continue-learning="basics" hidden"#));
    // The progress page counts from a summary (ids and pages), not the whole bank.
    let progress = t.output_file("quiz/progress.html");
    assert!(progress.contains(r#"<script src="../quiz/summary.js"></script>"#), "{progress}");
    let summary = t.output_file("quiz/summary.js");
    assert!(summary.contains(r#"{"id":"bordin","page":"alliance"}"#), "{summary}");
    assert!(!summary.contains("Edward Bordin"), "no options in the summary");
}

#[test]
fn page_quiz_works_without_javascript() {
    let t = built();
    let html = t.output_file("factors/alliance.html");
    assert!(html.contains(r#"<section class="quiz" id="quiz" aria-labelledby="quiz-title" data-quiz>"#));
    assert_eq!(html.matches("<summary>Show answer</summary>").count(), 4);
    assert!(html.contains("<li>Edward Bordin</li>"), "options listed");
    // The explanation's [[bond]] link is checked and rendered relative to the page.
    assert!(html.contains(r#"see <a href="../factors/bond.html">The bond</a>"#), "{html}");
    // A same-page anchor stays a fragment.
    assert!(html.contains(r##"<a href="#why-it-matters">Why it matters</a>"##), "{html}");
    let data = html.split_once(r#"<script type="application/json" class="quiz-data">"#).expect("inline data").1;
    let data = data.split_once("</script>").expect("closed").0;
    let v: serde_json::Value = serde_json::from_str(data).expect("inline JSON");
    assert_eq!(v["questions"][0]["id"], "bordin");
    assert_eq!(v["questions"][0]["answer"], 1);
    assert_eq!(v["questions"][0]["feedback"]["0"], "<p>Rogers described the core conditions, not this model.</p>");
    assert!(html.contains(r#"<script src="../assets/quiz.js" defer></script>"#));
}

#[test]
fn concept_pages_show_coverage_and_practice_link() {
    let t = built();
    // bond has no questions of its own; none names it in `tests:` either.
    assert!(!t.output_file("factors/bond.html").contains("quiz-coverage"));
    // empathy: 2 own questions + the multiple-choice question on alliance that tests it.
    let empathy = t.output_file("factors/empathy.html");
    assert!(empathy.contains("3 quiz questions test this page."), "{empathy}");
    assert!(empathy.contains(r#"<a href="../quiz/index.html?page=empathy">Practise them</a>"#), "{empathy}");
    // rupture-repair is tested by an alliance question; alliance by rupture-repair's page-level `tests:`.
    assert!(t.output_file("techniques/rupture-repair.html").contains("2 quiz questions test this page."));
    assert!(t.output_file("factors/alliance.html").contains("5 quiz questions test this page."));
    let course = t.output_file("courses/basics.html");
    assert!(course.contains(r#"<a href="../quiz/sheet-basics.html">Printable quiz sheet for this course</a>"#));
}

#[test]
fn course_sheet_has_questions_then_answer_key_on_its_own_page() {
    let t = built();
    let sheet = t.output_file("quiz/sheet-basics.html");
    let brk = sheet.find(r#"<div class="print-break""#).expect("page break before the key");
    let key = sheet.find("Answer key: Basics").expect("answer key");
    assert!(brk < key);
    // alliance (4) + empathy (2) + rupture-repair (1), in module order.
    assert!(sheet.contains("7 questions from the modules"), "{sheet}");
    assert!(sheet[key..].contains("<strong>b) Edward Bordin</strong>"), "{sheet}");
    assert!(!sheet[..brk].contains("Edward Bordin</strong>"), "answers only in the key");
}

#[test]
fn gift_export_matches_golden() {
    let site = load("quiz-site");
    let gift = export::export(&site, Format::Gift, None).expect("gift");
    golden("quiz-site.gift", &gift);
    // Questions are named by their prompts (what Moodle lists), never by the hashed id.
    assert!(!gift.contains("::q-"), "{gift}");
    // Every GIFT special character appears escaped somewhere in the export.
    for esc in [r"\~", r"\=", r"\#", r"\{", r"\}", r"\:", r"\\"] {
        assert!(gift.contains(esc), "{esc} not escaped");
    }
}

#[test]
fn json_bank_round_trips_through_serde() {
    let site = load("quiz-site");
    let questions: Vec<_> = site.quizzes.questions.iter().collect();
    let bank = export::json::bank(&site, &questions);
    let text = export::export(&site, Format::Json, None).expect("json");
    let back: Bank = serde_json::from_str(&text).expect("parses back");
    assert_eq!(back, bank);
    assert_eq!(serde_json::to_string_pretty(&back).expect("serialize") + "\n", text);
    assert_eq!(back.format, "rapport-quiz-bank");
    let bordin = back.questions.iter().find(|q| q.id == "bordin").expect("bordin");
    assert_eq!(
        bordin.body,
        export::BankBody::Single {
            options: vec!["Carl Rogers".into(), "Edward Bordin".into(), "Aaron Beck".into()],
            answer: "Edward Bordin".into()
        }
    );
    golden("quiz-site.json", &text);
}

#[test]
fn anki_deck_has_headers_and_one_row_per_question() {
    let site = load("quiz-site");
    let tsv = export::export(&site, Format::Anki, None).expect("anki");
    let mut lines = tsv.lines();
    for header in ["#separator:tab", "#html:true", "#tags column:3", "#guid column:4", "#deck:Quiz Fixture"] {
        assert_eq!(lines.next(), Some(header));
    }
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 9);
    for row in &rows {
        assert_eq!(row.split('\t').count(), 4, "{row}");
    }
    let bordin = rows.iter().find(|r| r.ends_with("\trapport-bordin")).expect("guid column");
    assert!(bordin.contains("<p><b>Answer:</b></p><ul><li>Edward Bordin</li></ul>"), "{bordin}");
    // Per-option feedback reaches the back of the card.
    assert!(
        bordin.contains("<p><b>Feedback:</b></p><ul><li><b>Carl Rogers</b>: Rogers described the core conditions, not this model.</li></ul>"),
        "{bordin}"
    );
    // No base_url: relative links would be dead inside Anki, so they become text.
    assert!(bordin.contains("see <span>The bond</span>"), "{bordin}");
    assert!(bordin.contains("\tbordin alliance factor alliance\t"), "tags: {bordin}");
}

#[test]
fn export_command_filters_by_kind_and_rejects_unknown_kinds() {
    let mut t = SiteTest::from_fixture("quiz-site");
    t.run(&["export", "quiz", "--format", "json", "--kind", "technique"]).ok();
    let bank: Bank = serde_json::from_str(&t.stdout()).expect("json");
    assert_eq!(bank.questions.len(), 1);
    assert_eq!(bank.questions[0].page.slug, "rupture-repair");
    t.run(&["export", "quiz", "--kind", "factr"])
        .expect_code(2)
        .stderr_has("unknown kind `factr` (did you mean `factor`?)");
    t.run(&["export", "quiz", "-o", "q.gift"]).ok();
    let gift = std::fs::read_to_string(t.root.join("q.gift")).expect("written");
    assert!(gift.contains("// id: bordin\n::Who described the alliance as bond, goals and...::[markdown]"), "{gift}");
}

/// Saved progress is keyed by id: editing one question must not change the ids of the others.
#[test]
fn derived_ids_survive_edits_to_other_questions() {
    let t = SiteTest::from_fixture("quiz-site");
    let before = load_at(&t.root);
    let page = "content/factors/alliance.md";
    let text = std::fs::read_to_string(t.root.join(page)).expect("read");
    let edited =
        text.replace("Which are among Rogers' core conditions?", "Which belong to Rogers' core conditions?").replace(
            "  - type: single\n    id: bordin",
            "  - type: truefalse\n    prompt: Added first.\n    answer: true\n  - type: single\n    id: bordin",
        );
    let t = t.file(page, edited);
    let after = load_at(&t.root);
    let ids = |s: &rapport::Site| s.quizzes.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
    let (b, a) = (ids(&before), ids(&after));
    assert_eq!(a.len(), b.len() + 1);
    let changed: Vec<&String> = b.iter().filter(|id| !a.contains(id)).collect();
    assert_eq!(changed.len(), 1, "only the edited question gets a new id: {changed:?}");
}

/// With `[quiz] shuffle` on, places that cannot shuffle in the browser (no-JS page, printed sheet)
/// show options in a fixed shuffled order, and the key's letters follow that order.
#[test]
fn shuffled_sheet_key_letters_follow_the_printed_order() {
    let t = SiteTest::from_fixture("quiz-site");
    let toml =
        std::fs::read_to_string(t.root.join("site.toml")).expect("read").replace("shuffle = false", "shuffle = true");
    let mut t = t.file("site.toml", toml);
    t.build().ok();
    let sheet = t.output_file("quiz/sheet-basics.html");
    let first = sheet.split("<li class=\"sheet-question\">").nth(1).expect("first question");
    let options: Vec<&str> = first.split("</span> ").skip(1).map(|s| s.split("</li>").next().unwrap_or("")).collect();
    let printed = options.iter().find(|o| o.ends_with("Edward Bordin")).expect("Bordin printed");
    let letter = &printed[..1];
    assert!(sheet.contains(&format!("<strong>{letter}) Edward Bordin</strong>")), "{options:?}");
    assert_ne!(options.first().copied(), Some("a) Carl Rogers"), "authored order hidden: {options:?}");
}

/// Values of the wrong shape anywhere in a question are located errors, never panics.
#[test]
fn odd_values_are_errors_not_panics() {
    let page = "---
title: Odd
quiz:
  - just text
  - type: [single]
    prompt: {a: b}
  - type: single
    prompt: Options as a map.
    options: {a: b}
    answer: {}
    feedback: [x]
  - type: matching
    prompt: Sides as text.
    left: a
    right: [[x], y]
  - type: short
    prompt: \"\"
    answers: [\"\", \" \"]
    pattern: [x]
  - type: ordering
    prompt: Empty steps.
    steps: [\"\", \"\"]
    tests: {a: 1}
  - type: truefalse
    prompt: Number answer.
    answer: 1
    difficulty: [hard]
    id: \"bad id\"
  - type: multiple
    prompt: \"Ünïcödé options\"
    options: [é, ü, é]
    answer: [é, é]
    feedback:
      ö: x
---
Body.
";
    let t = SiteTest::minimal().file("content/odd.md", page);
    let err = rapport::check(&BuildOptions::at(&t.root)).expect_err("errors");
    let Error::Content(diags) = err else { panic!("expected content errors, got {err}") };
    assert!(diags.error_count() >= 12, "{}", diags.render());
    assert!(diags.sorted().iter().all(|d| d.line > 0 && d.col > 0), "{}", diags.render());
}

/// A minimal site with one page holding `front` (YAML lines after the title).
fn site_with_quiz(front: &str) -> SiteTest {
    SiteTest::minimal().file("content/p.md", format!("---\ntitle: P\n{front}---\nBody.\n"))
}

#[test]
fn a_comma_that_splits_a_flow_list_item_is_warned() {
    let mut t = site_with_quiz(
        "quiz:\n  - type: single\n    prompt: Which reply reflects?\n    options: [The client says \"yes, exactly\", Silence]\n    answer: Silence\n    explanation: E.\n",
    );
    t.check()
        .ok()
        .stderr_has("content/p.md:6:15: warning: options `The client says \"yes` and `exactly\"` have unbalanced \"")
        .stderr_has("put the whole option in single quotes (`'The client says \"yes, exactly\"'`)");
}

#[test]
fn an_indentation_error_is_explained_with_the_fix() {
    let mut t = site_with_quiz("quiz:\n  - type: single\n   prompt: Which?\n    options: [a, b]\n    answer: a\n");
    t.check()
        .expect_code(1)
        .stderr_has("content/p.md:5:4: error: invalid YAML in front matter: this line is indented differently from the line above it")
        .stderr_has("help: line `prompt:` up with `type:` (4 spaces from the left)");
}

#[test]
fn feedback_outside_feedback_says_what_was_lost() {
    let mut t = site_with_quiz(
        "quiz:\n  - type: truefalse\n    prompt: Hope is built.\n    answer: true\n    explanation: E.\n    feedback:\n      false: Not so.\n    true: Yes indeed.\n",
    );
    t.check()
        .expect_code(1)
        .stderr_has("content/p.md:10:5: error: feedback for `true` was not attached")
        .stderr_has("help: indent it under `feedback:`");
}
