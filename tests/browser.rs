//! Runs the browser suite (tests/browser/*.test.mjs, node's test runner driving Debian's headless
//! Chromium through playwright-core) as part of `cargo test`.
//!
//! Without Chromium or the npm packages the suite cannot run: it says so loudly and, under CI
//! (`CI=true`), fails instead of passing quietly.

use std::path::Path;
use std::process::Command;

fn missing_prerequisite(repo: &Path) -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("no Chromium at {chromium}: run `apt-get install chromium` (.ci/run does)"));
    }
    if !repo.join("node_modules/playwright-core").is_dir() || !repo.join("node_modules/axe-core").is_dir() {
        return Some("the browser harness's npm packages are missing: run `npm ci` (.ci/run does)".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    None
}

#[test]
fn browser_suite() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Some(why) = missing_prerequisite(repo) {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        let banner = "=".repeat(78);
        eprintln!("\n{banner}\nBROWSER TESTS DID NOT RUN: {why}\n{banner}\n");
        assert!(!ci, "browser tests must run in CI: {why}");
        return;
    }
    let site = tempfile::tempdir().expect("temp dir");
    let out = site.path().join("public");
    let built = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["build", "--root"])
        .arg(repo)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("run rapport build");
    assert!(built.status.success(), "bundled site fails to build:\n{}", String::from_utf8_lossy(&built.stderr));
    let run = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .arg(repo.join("tests/browser"))
        .current_dir(repo)
        .env("RAPPORT_BIN", env!("CARGO_BIN_EXE_rapport"))
        .env("RAPPORT_SITE", &out)
        .output()
        .expect("run node --test");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}\n{stderr}");
    assert!(run.status.success(), "browser tests failed:\n{stdout}\n{stderr}");
}
