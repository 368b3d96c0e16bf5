//! The Nu Html Checker (npm `vnu-jar`, run on Java) finds no error on any page of the bundled site.
//!
//! It needs Java (Debian's default-jre-headless) and the npm packages: without them this test
//! fails and names the command that installs them (`.ci/setup`); it never passes unchecked.

use std::path::{Path, PathBuf};
use std::process::Command;

use rapport::BuildOptions;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One located error from the checker's JSON report.
fn describe(m: &serde_json::Value, out: &Path) -> String {
    let url = m["url"].as_str().unwrap_or("?");
    let file = url.strip_prefix("file:").unwrap_or(url);
    let file = file.strip_prefix(out.to_string_lossy().as_ref()).unwrap_or(file).trim_start_matches('/');
    format!(
        "{file}:{}:{}: {}",
        m["lastLine"].as_u64().unwrap_or(0),
        m["firstColumn"].as_u64().unwrap_or(0),
        m["message"].as_str().unwrap_or("?")
    )
}

#[test]
fn every_page_of_the_bundled_site_is_valid_html() {
    let jar = repo().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.exists(), "no Nu Html Checker at {}: run `npm ci` (or `.ci/setup`)", jar.display());
    let java = Command::new("java").arg("-version").output();
    assert!(
        java.is_ok_and(|o| o.status.success()),
        "Java is missing, so the Nu Html Checker cannot run: run `.ci/setup` (installs default-jre-headless)"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let opts = BuildOptions { output: Some(out.clone()), ..BuildOptions::at(repo()) };
    rapport::build(&opts).expect("bundled site builds");
    let out = out.canonicalize().unwrap();
    let run = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .arg(&out)
        .output()
        .expect("run the Nu Html Checker");
    // The checker writes its report to stderr and exits non-zero when it finds errors.
    let report = String::from_utf8_lossy(&run.stderr);
    let json: serde_json::Value = serde_json::from_str(&report)
        .unwrap_or_else(|e| panic!("the Nu Html Checker's report is not JSON ({e}):\n{report}"));
    let errors: Vec<String> = json["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| describe(m, &out))
        .collect();
    let pages = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(pages >= 100, "only {pages} pages built");
    assert!(errors.is_empty(), "{} Nu Html Checker errors on {pages} pages:\n{}", errors.len(), errors.join("\n"));
}
