//! Runs the browser suite (tests/browser/*.test.mjs, node's test runner driving Debian's headless
//! Chromium through playwright-core) as part of `cargo test`.
//!
//! The npm packages are installed here (`npm ci`) when missing. Without Chromium or node the
//! suite cannot run, and `cargo test` fails with the one command that sets them up (`.ci/setup`):
//! it never passes untested. `RAPPORT_SKIP_BROWSER_TESTS=1` skips the suite on purpose (and says so).

use std::path::Path;
use std::process::Command;

fn missing_prerequisite(repo: &Path) -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("no Chromium at {chromium}"));
    }
    if !npm_packages_current(repo) {
        return Some("the browser harness's npm packages are missing or older than package-lock.json".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    None
}

/// Are the pinned npm packages installed, and installed from the current package-lock.json?
/// (npm writes `node_modules/.package-lock.json` on every install.)
fn npm_packages_current(repo: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(&repo.join("node_modules/.package-lock.json")), modified(&repo.join("package-lock.json"))) {
        (Some(installed), Some(locked)) => installed >= locked,
        _ => false,
    }
}

/// Installs the pinned npm packages when they are missing or stale and npm is there.
fn install_npm_packages(repo: &Path) {
    if npm_packages_current(repo) {
        return;
    }
    eprintln!("browser tests: installing the npm packages (npm ci)");
    let ok = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(repo)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("browser tests: `npm ci` failed");
    }
}

#[test]
fn browser_suite() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let banner = "=".repeat(78);
    if std::env::var("RAPPORT_SKIP_BROWSER_TESTS").is_ok_and(|v| !v.is_empty() && v != "0") {
        eprintln!("\n{banner}\nBROWSER TESTS SKIPPED on purpose (RAPPORT_SKIP_BROWSER_TESTS is set)\n{banner}\n");
        return;
    }
    install_npm_packages(repo);
    if let Some(why) = missing_prerequisite(repo) {
        panic!(
            "\n{banner}\nBROWSER TESTS CANNOT RUN: {why}\nRun `.ci/setup` (installs Debian's chromium and the npm packages), \
             or set RAPPORT_SKIP_BROWSER_TESTS=1 to skip them on purpose.\n{banner}\n"
        );
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
