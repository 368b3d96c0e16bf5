//! The concept graph: the pages of the map's kinds and the relations between them.

use std::collections::{BTreeSet, HashMap};

use crate::model::site::Site;

/// Output file of the concept map page.
pub const MAP_PAGE: &str = "map.html";

/// Above this many concepts the map page draws no SVG (it would be tens of thousands of
/// pixels tall): it keeps the text list, and each concept page its neighbourhood map.
pub const MAX_DRAWN: usize = 400;

/// Name of the untyped relation from `related:` lists.
pub const RELATED: &str = "related";

/// A relation between two concepts: `from` `verb` `to` (`Behavioural activation builds Hope`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Node indices.
    pub from: usize,
    pub to: usize,
    /// Index into [`ConceptGraph::relations`].
    pub relation: usize,
}

/// The concept pages and the relations between them.
#[derive(Debug, Default)]
pub struct ConceptGraph {
    /// The kinds shown, one column each, in order.
    pub kinds: Vec<String>,
    /// Page index of each node, by kind in `kinds` order, then title.
    pub nodes: Vec<usize>,
    /// Relation names (field names; `related` last), in first-seen order.
    pub relations: Vec<String>,
    pub edges: Vec<Edge>,
    node_of: HashMap<usize, usize>,
    /// Per node: the indices of the edges touching it, in edge order (neighbourhoods of 10k
    /// pages must not scan every edge).
    touching: Vec<Vec<usize>>,
}

impl ConceptGraph {
    /// Collects the concept pages of `site` and the typed relations and `related` links between them.
    pub fn new(site: &Site) -> ConceptGraph {
        let kinds = map_kinds(site);
        let mut nodes: Vec<usize> = (0..site.pages.len())
            .filter(|&i| !site.pages[i].is_home() && kinds.contains(&site.pages[i].kind))
            .collect();
        let kind_pos = |i: usize| kinds.iter().position(|k| *k == site.pages[i].kind).unwrap_or(usize::MAX);
        nodes.sort_by(|&a, &b| (kind_pos(a), &site.pages[a].title, a).cmp(&(kind_pos(b), &site.pages[b].title, b)));
        let node_of: HashMap<usize, usize> = nodes.iter().enumerate().map(|(n, &p)| (p, n)).collect();
        let touching = vec![Vec::new(); nodes.len()];
        let mut g = ConceptGraph { kinds, nodes, relations: Vec::new(), edges: Vec::new(), node_of, touching };
        g.collect_edges(site);
        for (k, e) in g.edges.iter().enumerate() {
            g.touching[e.from].push(k);
            g.touching[e.to].push(k);
        }
        g
    }

    /// Typed relations first; then `related` pairs not already joined, each pair once.
    fn collect_edges(&mut self, site: &Site) {
        let mut joined: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut typed = Vec::new();
        for (n, &p) in self.nodes.iter().enumerate() {
            for rel in site.graph.relations[p].iter().filter(|r| !r.ordered) {
                for t in &rel.targets {
                    if let Some(&m) = self.node_of.get(t).filter(|&&m| m != n) {
                        typed.push((n, m, rel.field.clone()));
                        joined.insert((n.min(m), n.max(m)));
                    }
                }
            }
        }
        for (from, to, name) in typed {
            let relation = self.relation_index(&name);
            self.edges.push(Edge { from, to, relation });
        }
        for (n, &p) in self.nodes.clone().iter().enumerate() {
            for t in &site.graph.related[p] {
                if let Some(&m) = self.node_of.get(t).filter(|&&m| m != n) {
                    if joined.insert((n.min(m), n.max(m))) {
                        let relation = self.relation_index(RELATED);
                        self.edges.push(Edge { from: n, to: m, relation });
                    }
                }
            }
        }
    }

    fn relation_index(&mut self, name: &str) -> usize {
        match self.relations.iter().position(|r| r == name) {
            Some(i) => i,
            None => {
                self.relations.push(name.to_string());
                self.relations.len() - 1
            }
        }
    }

    /// The node of page `i`, if it is on the map.
    pub fn node(&self, page: usize) -> Option<usize> {
        self.node_of.get(&page).copied()
    }

    /// The edges touching node `n`, in edge order.
    pub fn edges_of(&self, n: usize) -> impl Iterator<Item = &Edge> {
        self.touching[n].iter().map(|&k| &self.edges[k])
    }

    /// Does the map have anything to show?
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// The verb a relation reads as in sentences and the legend (`builds`, `is related to`).
    pub fn verb(&self, relation: usize) -> String {
        let name = &self.relations[relation];
        if name == RELATED {
            "is related to".into()
        } else {
            name.replace(['_', '-'], " ")
        }
    }
}

/// The kinds the map shows: `[map] kinds`, or every kind at either end of a typed relation.
fn map_kinds(site: &Site) -> Vec<String> {
    if !site.config.map.kinds.is_empty() {
        return site.config.map.kinds.clone();
    }
    let mut joined: BTreeSet<&str> = BTreeSet::new();
    for (i, rels) in site.graph.relations.iter().enumerate() {
        for rel in rels.iter().filter(|r| !r.ordered && !r.targets.is_empty()) {
            joined.insert(&site.pages[i].kind);
            joined.extend(rel.targets.iter().map(|&t| site.pages[t].kind.as_str()));
        }
    }
    site.config.kinds.keys().filter(|k| joined.contains(k.as_str())).cloned().collect()
}
