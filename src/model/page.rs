//! A page of the site model: typed common fields, the kind's own fields and relations, its body.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::doc::Doc;
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
    /// The whole source text.
    pub text: String,
    /// Byte offset where the Markdown body starts in `text`.
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
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// A located error in this page.
    pub fn error(&self, (line, col): (usize, usize), message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.display, line, col, message).with_source(&self.text)
    }

    /// A located warning in this page.
    pub fn warning(&self, (line, col): (usize, usize), message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.display, line, col, message).with_source(&self.text)
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
