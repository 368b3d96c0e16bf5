//! The item-writing check on tests/fixtures/quiz-lint: bad.md has one flawed question per rule,
//! good.md the same ideas written well. Each test keeps one of the two pages' questions.

use crate::harness::SiteTest;

const NO_QUIZ: &str = "---\ntitle: Nothing to see\n---\nNo questions.\n";

/// The fixture with only the flawed questions.
fn bad_only() -> SiteTest {
    SiteTest::from_fixture("quiz-lint").file("content/good.md", NO_QUIZ.replace("Nothing to see", "Good items"))
}

#[test]
fn every_rule_is_reported_at_its_question() {
    let mut t = bad_only();
    t.check().ok();
    let err = t.stderr();
    for (at, rule) in [
        ("content/bad.md:4:3", "longest-correct"),
        ("content/bad.md:25:9", "all-none-of-the-above"),
        ("content/bad.md:29:26", "absolute-false"),
        ("content/bad.md:33:21", "absolute-false"),
        ("content/bad.md:37:13", "absolute-false"),
        ("content/bad.md:42:5", "too-few-options"),
        ("content/bad.md:47:15", "short-answer-one-form"),
        ("content/bad.md:49:3", "no-explanation"),
        ("content/bad.md:53:3", "near-duplicate"),
    ] {
        let line = format!("{at}: warning: item-writing [{rule}]");
        assert!(err.contains(&line), "missing `{line}` in:\n{err}");
    }
    assert!(err.contains("nearly repeats the question at content/bad.md:49:3"), "{err}");
    assert!(err.contains("on this page (also lines 12, 20), so length gives the answer away"), "{err}");
    assert!(err.contains("3 of the 3 true/false statements with absolute words"), "{err}");
    // One summary line counts the findings by rule.
    assert!(
        err.contains("item-writing: 9 findings (3 absolute-false, 1 all-none-of-the-above, 1 longest-correct, 1 near-duplicate, 1 no-explanation, 1 short-answer-one-form, 1 too-few-options)"),
        "{err}"
    );
    // Warnings do not stop a build.
    t.build().ok();
}

#[test]
fn well_written_questions_pass() {
    let mut t =
        SiteTest::from_fixture("quiz-lint").file("content/bad.md", NO_QUIZ.replace("Nothing to see", "Bad items"));
    t.check().ok();
    assert!(!t.stderr().contains("item-writing"), "{}", t.stderr());
    t.stdout_has("0 errors, 0 warnings");
}

#[test]
fn strict_setting_turns_findings_into_errors() {
    let mut t = bad_only().file("site.toml", "title = \"Strict\"\n[quiz]\nitem_checks = \"error\"\n");
    t.check().expect_code(1).stderr_has("content/bad.md:49:3: error: item-writing [no-explanation]");
    t.build().expect_code(1);
    assert!(!t.root.join("public").exists(), "a failed build writes nothing");
}

#[test]
fn rules_can_be_allowed_and_the_check_switched_off() {
    let mut t = bad_only()
        .file("site.toml", "title = \"Allow\"\n[quiz]\nitem_checks_allow = [\"no-explanation\", \"absolute-false\"]\n");
    t.check().ok();
    let err = t.stderr();
    assert!(!err.contains("[no-explanation]") && !err.contains("[absolute-false]"), "{err}");
    assert!(err.contains("[near-duplicate]"), "{err}");

    let mut off = bad_only().file("site.toml", "title = \"Off\"\n[quiz]\nitem_checks = \"off\"\n");
    off.check().ok();
    assert!(!off.stderr().contains("item-writing"), "{}", off.stderr());
}

#[test]
fn unknown_rule_names_are_configuration_errors() {
    let mut t = bad_only().file("site.toml", "title = \"Typo\"\n[quiz]\nitem_checks_allow = [\"no-explanations\"]\n");
    t.check()
        .expect_code(2)
        .stderr_has("site.toml:3:22: error: `item_checks_allow` names an unknown rule `no-explanations`")
        .stderr_has("did you mean `no-explanation`?");
}
