//! A page body as the rest of the pipeline sees it: headings, links, sections, and where a link goes.
//!
//! Data only; `markdown.rs` fills it (`analyze`) and renders with it.

/// A heading with its stable anchor id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[[target]]` or `[[target|label]]`.
    Wiki { labelled: bool },
    /// `[label](file.md#anchor)`.
    Markdown,
    /// `[label](#anchor)`, a heading on the same page.
    SamePage,
}

/// A link that must resolve to a page (and maybe a heading) of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    /// The target as written, without the `#anchor`.
    pub target: String,
    pub anchor: Option<String>,
    /// Byte offset of the link in the whole file; the key that ties analysis to rendering.
    pub offset: usize,
    pub line: usize,
    pub col: usize,
    /// Length in characters of the link's source, for the caret.
    pub len: usize,
}

/// An image, or a link to a file that is not a page (`/files/handout.pdf`), as written in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The path as written, without a `?query` or `#fragment` (kept in `suffix`).
    pub target: String,
    /// `?query#fragment` as written, kept on the rewritten URL.
    pub suffix: String,
    /// True for `![alt](path)`, false for `[text](path)`.
    pub image: bool,
    /// The image's alt text (empty for file links).
    pub alt: String,
    /// The image's title, which may mark it `decorative`.
    pub title: String,
    /// Byte offset in the whole file: the key [`Resolved`] links are looked up by.
    pub offset: usize,
    pub line: usize,
    pub col: usize,
    /// Length in characters of the source, for the caret.
    pub len: usize,
}

/// A run of text under one heading: the unit the search index stores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub heading: Option<String>,
    /// Anchor id of the heading; empty for text before the first heading.
    pub anchor: String,
    pub text: String,
}

/// What the rest of the pipeline needs to know about a page body.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    /// Images and links to files, checked against the site's static files.
    pub assets: Vec<Asset>,
    /// Words of the body's text.
    pub words: usize,
}

impl Doc {
    /// Anchor ids of the page's headings.
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.headings.iter().map(|h| h.id.as_str())
    }
}

/// Where a link goes once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// URL relative to the page that holds the link.
    pub href: String,
    /// Label for unlabelled wiki links (the target's title or heading).
    pub label: String,
}
