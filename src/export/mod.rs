//! Export: `rapport export quiz`, the site's questions as files for other tools, and
//! `rapport export course`, a course as a package (SCORM 1.2 and 2004, EPUB 3).
//!
//! Each text format is one file with the same entry, `write(site, questions) -> Result<String, Error>`;
//! [`Format`] names them and [`export`] picks the questions and dispatches. The Anki package
//! (`apkg.rs`) is binary and written by [`write_package`]. Course packages: `course.rs` picks the
//! course, `scorm.rs` and `epub.rs` make the files, `package.rs` writes them atomically.

pub mod anki;
pub mod apkg;
pub mod course;
pub mod epub;
mod epub_text;
pub mod gift;
pub mod json;
pub mod package;
mod portable;
pub mod scorm;

use crate::diagnostics::did_you_mean;
use crate::error::Error;
use crate::model::quiz::Question;
use crate::model::site::Site;
pub use json::{Bank, BankBody, BankPage, BankQuestion, BANK_FORMAT, BANK_VERSION};

/// Export formats of `rapport export quiz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Moodle GIFT.
    Gift,
    /// JSON question bank (schema in docs/quiz-json-schema.md).
    Json,
    /// Tab-separated file that Anki imports as a deck.
    Anki,
    /// Anki package (.apkg): note types per question type, subdecks per kind, stable GUIDs (needs -o).
    Apkg,
}

/// Renders the site's questions (optionally only from pages of `kind`) in `format`.
pub fn export(site: &Site, format: Format, kind: Option<&str>) -> Result<String, Error> {
    let questions = pick(site, kind)?;
    match format {
        Format::Gift => gift::write(site, &questions),
        Format::Json => json::write(site, &questions),
        Format::Anki => anki::write(site, &questions),
        Format::Apkg => Err(Error::Usage("an Anki package is a binary file: name it with -o FILE.apkg".into())),
    }
}

/// Writes the site's questions (optionally only from pages of `kind`) as an Anki package at `path`;
/// returns the number of notes.
pub fn write_package(site: &Site, kind: Option<&str>, path: &std::path::Path) -> Result<usize, Error> {
    let questions = pick(site, kind)?;
    package::write_atomically(path, |tmp| apkg::write(site, &questions, tmp))?;
    Ok(questions.len())
}

/// The questions of pages of `kind` (all when `None`); an unknown kind is a usage error.
fn pick<'a>(site: &'a Site, kind: Option<&'a str>) -> Result<Vec<&'a Question>, Error> {
    if let Some(k) = kind {
        if site.config.kind(k).is_none() {
            let help = did_you_mean(k, site.config.kinds.keys().map(String::as_str))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            let known: Vec<&str> = site.config.kinds.keys().map(String::as_str).collect();
            return Err(Error::Usage(format!("unknown kind `{k}`{help}; kinds: {}", known.join(", "))));
        }
    }
    Ok(site.quizzes.of_kind(&site.pages, kind).collect())
}
