//! `rapport export quiz --format apkg` imported by Anki's own library (PyPI `anki`, pinned), in a
//! Python virtual environment made under target/. Without Python or the package the test fails
//! with what to do, unless RAPPORT_SKIP_ANKI_IMPORT=1 is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::SiteTest;

/// The Anki release the package is checked against.
const ANKI: &str = "anki==26.9.3";

/// A venv under target/ with `anki` installed (made once, reused afterwards).
fn anki_python() -> Result<PathBuf, String> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let venv = target.join("anki-venv");
    let python = venv.join("bin/python");
    let ready = venv.join(format!(".installed-{ANKI}"));
    if ready.exists() {
        return Ok(python);
    }
    let run = |cmd: &mut Command, what: &str| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv")?;
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", ANKI]), &format!("pip install {ANKI}"))?;
    std::fs::write(&ready, "").map_err(|e| e.to_string())?;
    Ok(python)
}

/// What Anki holds after importing `apkg` twice (see tests/anki/check_apkg.py).
fn imported(apkg: &Path) -> Option<Value> {
    let banner = "=".repeat(78);
    if std::env::var("RAPPORT_SKIP_ANKI_IMPORT").is_ok_and(|v| !v.is_empty() && v != "0") {
        eprintln!("\n{banner}\nANKI IMPORT TEST SKIPPED on purpose (RAPPORT_SKIP_ANKI_IMPORT is set)\n{banner}\n");
        return None;
    }
    let python = anki_python().unwrap_or_else(|why| {
        panic!(
            "\n{banner}\nTHE ANKI IMPORT TEST CANNOT RUN: {why}\nIt needs python3 with venv (`apt-get install python3-venv`) \
             and PyPI; set RAPPORT_SKIP_ANKI_IMPORT=1 to skip it on purpose.\n{banner}\n"
        )
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/anki/check_apkg.py");
    let out = Command::new(python).arg(script).arg(apkg).output().expect("run python");
    assert!(out.status.success(), "Anki could not import the package:\n{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("JSON from check_apkg.py"))
}

#[test]
fn anki_imports_the_package_with_fitting_note_types_and_updates_on_reimport() {
    let mut t = SiteTest::empty_dir();
    t.run(&["init", "--minimal", "."]).ok();
    t.run(&["export", "quiz", "--format", "apkg", "-o", "deck.apkg"]).ok().stderr_has("notes)");
    let Some(got) = imported(&t.root.join("deck.apkg")) else { return };
    let bank: Value = {
        t.run(&["export", "quiz", "--format", "json"]).ok();
        serde_json::from_str(&t.stdout()).unwrap()
    };
    let site = bank["site"].as_str().unwrap().to_string();
    let questions: Vec<&Value> = bank["questions"].as_array().unwrap().iter().collect();
    assert!(questions.len() >= 4);
    assert_eq!(got["first"], questions.len(), "one note per question");
    assert_eq!(got["second"], questions.len(), "re-importing updates notes instead of duplicating them");
    let fields = |name: &str| {
        got["types"][name].as_array().map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect::<Vec<_>>())
    };
    assert_eq!(fields("Rapport basic").unwrap(), ["Question", "Answer", "Explanation", "Source"]);
    assert_eq!(
        fields("Rapport choice").unwrap(),
        ["Question", "Options", "Answer", "Feedback", "Explanation", "Source"]
    );
    assert_eq!(fields("Rapport ordering").unwrap(), ["Question", "Steps", "Order", "Explanation", "Source"]);
    let notes = got["notes"].as_object().unwrap();
    for q in &questions {
        let id = q["id"].as_str().unwrap();
        let note = &notes[&format!("rapport-{id}")];
        let want = match q["type"].as_str().unwrap() {
            "single" | "multiple" => "Rapport choice",
            "truefalse" | "short" => "Rapport basic",
            "ordering" => "Rapport ordering",
            _ => "Rapport matching",
        };
        assert_eq!(note["type"], want, "{id}");
        assert!(note["deck"].as_str().unwrap().starts_with(&format!("{site}::")), "{note}");
        assert!(
            note["tags"].as_array().unwrap().iter().any(|t| t == "lesson" || t == "faq" || t == "glossary"),
            "{note}"
        );
    }
    // A choice note shows the options on the front, and the key and per-option feedback on the back.
    let choice = notes.values().find(|n| n["type"] == "Rapport choice").unwrap();
    assert!(choice["fields"]["Options"].as_str().unwrap().contains("<li>"));
    assert!(choice["fields"]["Answer"].as_str().unwrap().contains("Answer"));
    assert!(choice["fields"]["Feedback"].as_str().unwrap().contains("A wiki link names the page"), "{choice}");
    // The course's module questions have the course's subdeck.
    let course_deck = format!("{site}::My course");
    assert!(got["decks"].as_array().unwrap().iter().any(|d| *d == course_deck), "{}", got["decks"]);
}
