//! The link graph's data: every page's resolved links, relations, backlinks and reverse relations.
//!
//! `links.rs` builds and patches it; the renderers read it.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// A resolved link target: a page and maybe a heading on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    pub page: usize,
    pub anchor: Option<&'a str>,
}

/// A typed relation of one page, resolved.
#[derive(Debug, Clone)]
pub struct Relation {
    pub field: String,
    pub label: String,
    /// Heading this relation gets on its targets.
    pub reverse_label: String,
    pub targets: Vec<usize>,
    pub ordered: bool,
}
/// The site's link graph.
#[derive(Debug, Default)]
pub struct LinkGraph {
    pub(crate) by_slug: HashMap<String, usize>,
    pub(crate) by_name: HashMap<String, usize>,
    pub(crate) by_path: HashMap<PathBuf, usize>,
    /// Per page: body link offset -> (target page, anchor id).
    pub body: Vec<HashMap<usize, (usize, Option<String>)>>,
    /// Per page: its relations in declaration order.
    pub relations: Vec<Vec<Relation>>,
    /// Per page: (reverse label, pages that relate to it).
    pub reverse: Vec<Vec<(String, Vec<usize>)>>,
    pub related: Vec<Vec<usize>>,
    pub tests: Vec<Vec<usize>>,
    /// Per page: pages that link to it, by body link or relation, without itself.
    pub backlinks: Vec<Vec<usize>>,
    /// Number of resolved links of all sorts.
    pub link_count: usize,
    /// Slugs (from file names) of pages whose front matter failed: links to them are not
    /// reported, the page's own error is the one to fix.
    pub(crate) unparsed: HashSet<String>,
}
