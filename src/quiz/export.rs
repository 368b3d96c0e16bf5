//! Instructor exports: Moodle GIFT, a JSON question bank, an Anki deck.

use crate::error::Error;
use crate::site::Site;

/// Export formats of `rapport export quiz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Moodle GIFT.
    Gift,
    /// JSON question bank (schema in the README).
    Json,
    /// Tab-separated file that Anki imports as a deck.
    Anki,
}

/// Renders the site's questions (optionally only from pages of `kind`) in `format`.
pub fn export(_site: &Site, _format: Format, _kind: Option<&str>) -> Result<String, Error> {
    Err(Error::Usage("quiz export is not implemented yet".into()))
}
