//! Export: `rapport export quiz`, the site's questions as files for other tools.
//!
//! Each format is one file with the same entry, `write(site, questions) -> Result<String, Error>`;
//! [`Format`] names them and [`export`] picks the questions and dispatches. A new format (SCORM,
//! EPUB, an Anki package) is a new file, a `Format` variant and a match arm.

pub mod anki;
pub mod gift;
pub mod json;
mod portable;

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
}

/// Renders the site's questions (optionally only from pages of `kind`) in `format`.
pub fn export(site: &Site, format: Format, kind: Option<&str>) -> Result<String, Error> {
    if let Some(k) = kind {
        if site.config.kind(k).is_none() {
            let help = did_you_mean(k, site.config.kinds.keys().map(String::as_str))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            let known: Vec<&str> = site.config.kinds.keys().map(String::as_str).collect();
            return Err(Error::Usage(format!("unknown kind `{k}`{help}; kinds: {}", known.join(", "))));
        }
    }
    let questions: Vec<&Question> = site.quizzes.of_kind(&site.pages, kind).collect();
    match format {
        Format::Gift => gift::write(site, &questions),
        Format::Json => json::write(site, &questions),
        Format::Anki => anki::write(site, &questions),
    }
}
