//! The site's bibliography as the pages use it: in-text citations and entries, formatted by the
//! citations stage (hayagriva), and which page cites which work.

use std::collections::HashMap;

/// The site's citations, checked and formatted: the model's bibliography data.
#[derive(Debug, Default)]
pub struct Citations {
    /// False when site.toml names no bibliography: citations are then left as written.
    pub enabled: bool,
    /// Formatted in-text citations by their source text (`[@a, p. 3]`): the same text formats the
    /// same everywhere, so page bodies and quiz fields look citations up by what they wrote.
    pub cites: HashMap<String, FormattedCite>,
    /// Every bibliography entry, in the style's order.
    pub entries: Vec<FormattedEntry>,
    /// Per page: indexes into `entries` of the works it cites (body and quiz), in entry order.
    pub by_page: Vec<Vec<usize>>,
    /// Per entry: the pages citing it, in page order.
    pub cited_on: Vec<Vec<usize>>,
}

impl Citations {
    /// Number of distinct works page `i` cites.
    pub fn count_on(&self, i: usize) -> usize {
        self.by_page.get(i).map_or(0, Vec::len)
    }

    /// Does a citation written both before and now format differently, or an entry? (Adding a
    /// work can change others: "2015a", citation numbers.) Then every citing page must be redone.
    pub fn formatting_changed(&self, before: &Citations) -> bool {
        self.entries != before.entries
            || self.cites.iter().any(|(src, f)| before.cites.get(src).is_some_and(|old| old != f))
    }
}

/// A piece of a formatted in-text citation: text, or the part that stands for one work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// HTML between works (brackets, separators).
    Html(String),
    /// HTML naming one work; rendered as a link to its bibliography entry.
    Work { key: String, html: String },
}

/// An in-text citation as the style formats it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormattedCite {
    pub segments: Vec<Segment>,
    pub plain: String,
}

/// A bibliography entry as the style formats it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormattedEntry {
    pub key: String,
    pub html: String,
    pub plain: String,
    /// `https://doi.org/...` when the entry has a DOI.
    pub doi_url: Option<String>,
}
