//! `SiteTest`: copy a fixture site into a temporary folder, run the real `rapport` binary, check results.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site in a temporary folder, and the last command run on it.
pub struct SiteTest {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    last: Option<Output>,
}

/// Path of a fixture folder under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture readable");
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn from_fixture(name: &str) -> Self {
        let t = Self::empty_dir();
        copy_dir(&fixture(name), &t.root);
        t
    }

    /// A minimal valid site: a title and one page.
    pub fn minimal() -> Self {
        Self::empty_dir()
            .file("site.toml", "title = \"Minimal\"\n")
            .file("content/index.md", "---\ntitle: Home\n---\nHello.\n")
    }

    /// An empty temporary folder.
    pub fn empty_dir() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        SiteTest { _dir: dir, root, last: None }
    }

    /// Writes (or replaces) a file relative to the site root.
    pub fn file(self, rel: &str, content: impl AsRef<[u8]>) -> Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    /// Runs `rapport ARGS` in the site root.
    pub fn run(&mut self, args: &[&str]) -> &mut Self {
        let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .current_dir(&self.root)
            .env("CI", "true")
            .output()
            .expect("run rapport");
        self.last = Some(out);
        self
    }

    /// `rapport build`.
    pub fn build(&mut self) -> &mut Self {
        self.run(&["build"])
    }

    /// `rapport check`.
    pub fn check(&mut self) -> &mut Self {
        self.run(&["check"])
    }

    fn output(&self) -> &Output {
        self.last.as_ref().expect("a command was run")
    }

    /// Standard error of the last command.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output().stderr).into_owned()
    }

    /// Standard output of the last command.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output().stdout).into_owned()
    }

    /// Asserts the exit code of the last command.
    pub fn expect_code(&mut self, code: i32) -> &mut Self {
        let got = self.output().status.code();
        assert_eq!(got, Some(code), "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout(), self.stderr());
        self
    }

    /// Asserts success.
    pub fn ok(&mut self) -> &mut Self {
        self.expect_code(0)
    }

    /// Asserts standard error contains `needle`.
    pub fn stderr_has(&mut self, needle: &str) -> &mut Self {
        let err = self.stderr();
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
        self
    }

    /// Asserts standard output contains `needle`.
    pub fn stdout_has(&mut self, needle: &str) -> &mut Self {
        let out = self.stdout();
        assert!(out.contains(needle), "stdout lacks {needle:?}:\n{out}");
        self
    }

    /// The text of a built file under public/.
    pub fn output_file(&self, rel: &str) -> String {
        let path = self.root.join("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Asserts a built file contains every needle.
    pub fn check_file(&mut self, rel: &str, needles: &[&str]) -> &mut Self {
        let text = self.output_file(rel);
        for n in needles {
            assert!(text.contains(n), "{rel} lacks {n:?}:\n{text}");
        }
        self
    }

    /// The `<main>` element of a built page, for snapshots.
    pub fn main_of(&self, rel: &str) -> String {
        let text = self.output_file(rel);
        let start = text.find("<main").expect("<main>");
        let end = text.find("</main>").expect("</main>") + "</main>".len();
        text[start..end].to_string()
    }
}
