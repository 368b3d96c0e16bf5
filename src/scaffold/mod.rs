//! Starting points for authors: `rapport init` (a starter site), `rapport new` (a page from its
//! kind's skeleton) and `rapport theme` (built-in templates written out to override).

mod new_page;
mod theme;

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::error::Error;
use crate::model::config::CONFIG_FILE;

pub use new_page::new_page;
pub use theme::{eject, templates, TemplateInfo};

/// The Common Factors Atlas starter: the bundled site's kinds with one sample page each.
static ATLAS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/starter");

/// The general starter: lessons, a course, FAQs, a glossary and plain pages.
static MINIMAL: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/minimal");

/// The bundled site's configuration: the atlas starter declares the same kinds.
const BUNDLED_CONFIG: &str = include_str!("../../site.toml");

/// Which starter `init` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Starter {
    /// The psychotherapy kinds of the bundled Common Factors Atlas (factors, components, ...).
    #[default]
    Atlas,
    /// General kinds for any course: page, lesson, course, faq, glossary.
    Minimal,
}

/// Creates a new site in `dir` that builds at once. Refuses to overwrite an existing site.
pub fn init(dir: &Path, starter: Starter) -> Result<Vec<PathBuf>, Error> {
    if dir.join(CONFIG_FILE).exists() || dir.join("content").exists() {
        return Err(Error::Usage(format!(
            "{} already holds a site (site.toml or content/); choose an empty folder",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let title = site_title(dir);
    let files: Vec<(PathBuf, String)> = match starter {
        Starter::Atlas => {
            let mut files = vec![
                (PathBuf::from(CONFIG_FILE), atlas_config(&title)),
                (PathBuf::from("synonyms.txt"), ATLAS_SYNONYMS.to_string()),
            ];
            files.extend(texts(&ATLAS, &title));
            files
        }
        Starter::Minimal => texts(&MINIMAL, &title),
    };
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, text).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

const ATLAS_SYNONYMS: &str =
    "# Words that mean the same for search, applied when the index is built and when a query is\n\
# read. One group per line, members separated by \"=\"; \"#\" starts a comment.\n\
# A group of single words folds spelling variants into the first one:\n\
behavioural = behavioral\n\
# A group with a phrase in it makes every member find the others:\n\
therapeutic alliance = working alliance = therapeutic relationship\n";

/// The new site's title: the name of its folder.
fn site_title(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .unwrap_or_else(|| "My site".into())
}

/// Every file of a starter with the site's title put in, so header and home page agree.
fn texts(starter: &Dir<'static>, title: &str) -> Vec<(PathBuf, String)> {
    all_files(starter)
        .into_iter()
        .map(|f| {
            let rel = f.path().to_path_buf();
            let text = f.contents_utf8().unwrap_or_default();
            let text = if rel == Path::new(CONFIG_FILE) {
                set_line(text, "title = ", &quoted(title))
            } else if rel == Path::new("content/index.md") {
                set_line(text, "title: ", &quoted(title))
            } else {
                text.to_string()
            };
            (rel, text)
        })
        .collect()
}

/// `text` with the first line starting with `key` given `value`.
fn set_line(text: &str, key: &str, value: &str) -> String {
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if !done && l.starts_with(key) {
                done = true;
                format!("{key}{value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

/// The atlas starter's site.toml: the bundled site's kinds under a header of its own.
fn atlas_config(title: &str) -> String {
    let body = BUNDLED_CONFIG.find("\ntitle = ").map_or(BUNDLED_CONFIG, |at| &BUNDLED_CONFIG[at + 1..]);
    let body = set_line(body, "title = ", &quoted(title));
    let body = set_line(&body, "description = ", "\"A study site made with Rapport.\"");
    format!("{ATLAS_HEADER}{body}")
}

const ATLAS_HEADER: &str = "# site.toml: the configuration of this Rapport site, started from the Common Factors\n\
# Atlas (kinds for psychotherapy's common factors; `rapport init --minimal` starts from\n\
# general kinds instead). Every key is explained in Rapport's README (\"site.toml reference\");\n\
# `rapport --help` lists the commands. Paths are relative to this file.\n\n";

/// `s` as a double-quoted string, which TOML and YAML escape alike.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}
