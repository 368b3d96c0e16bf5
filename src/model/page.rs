//! A page of the site model: typed common fields, the kind's own fields and relations, its body.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::doc::Doc;
use super::source::Source;
use crate::content::frontmatter::FrontMatter;
use crate::diagnostics::Diagnostic;

/// A reference to another page by slug or alias, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugRef {
    pub target: String,
    pub line: usize,
    pub col: usize,
}

/// One page of the site model.
#[derive(Debug, Clone)]
pub struct Page {
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub related: Vec<SlugRef>,
    /// Concept pages this page's quiz questions test, besides the page itself.
    pub tests: Vec<SlugRef>,
    pub draft: bool,
    pub weight: i64,
    pub updated: Option<String>,
    pub sources: Vec<String>,
    /// The kind's own fields, each as a list of values.
    pub fields: BTreeMap<String, Vec<String>>,
    /// The kind's typed relations, in site.toml order.
    pub relations: indexmap::IndexMap<String, Vec<SlugRef>>,
    /// Path relative to content/.
    pub rel: PathBuf,
    /// Path shown in diagnostics.
    pub display: PathBuf,
    /// The whole source text, held or released (see [`Source`]).
    pub source: Source,
    /// Byte offset where the Markdown body starts in the source text.
    pub body_start: usize,
    pub front: FrontMatter,
    /// Headings, links and sections of the body.
    pub doc: Doc,
    /// Output file, relative to the output root (`factors/empathy.html`).
    pub out_path: String,
    /// What links use to reach this page from the root (`factors/empathy.html` or `factors/empathy/`).
    pub href: String,
}

impl Page {
    /// The whole source text; an error names the file when it cannot be read back as loaded.
    pub fn text(&self) -> Result<Cow<'_, str>, Diagnostic> {
        self.source.text().map_err(|e| Diagnostic::error(&self.display, 0, 0, e.to_string()))
    }

    /// A located error in this page.
    pub fn error(&self, at: (usize, usize), message: impl Into<String>) -> Diagnostic {
        self.quoted(Diagnostic::error(&self.display, at.0, at.1, message))
    }

    /// A located warning in this page.
    pub fn warning(&self, at: (usize, usize), message: impl Into<String>) -> Diagnostic {
        self.quoted(Diagnostic::warning(&self.display, at.0, at.1, message))
    }

    /// `d` with its source line, when the text can still be read.
    fn quoted(&self, d: Diagnostic) -> Diagnostic {
        match self.source.text() {
            Ok(text) => d.with_source(&text),
            Err(_) => d,
        }
    }

    /// Is this the home page (content/index.md)?
    pub fn is_home(&self) -> bool {
        // Compared as text: `Path`'s `==` walks components, and each render asks it of every page.
        self.rel.as_os_str() == "index.md"
    }

    /// The first value of a kind field, e.g. a factor's category.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(|v| v.first()).map(String::as_str)
    }
}
