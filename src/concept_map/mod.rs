//! Concept map: the typed relations between concept pages, laid out at build time as SVG.
//!
//! `graph.rs` collects the graph (nodes: pages of the map's kinds; edges: typed relations and
//! `related` between them), `layout.rs` places it (a layered layout: one column per kind, groups
//! within a column, barycentre ordering), `svg.rs` writes the map page's SVG and each concept
//! page's neighbourhood. Everything is a pure function of the site: the same input gives
//! byte-identical SVG.

mod graph;
mod layout;
mod svg;

use crate::model::output::ExtraPage;
use crate::model::site::Site;

pub use graph::{ConceptGraph, Edge, MAP_PAGE, MAX_DRAWN, RELATED};
pub use svg::{map_svg, neighbourhood_svg, Neighbourhood};

/// The concept map page, when typed relations join at least two concepts.
pub fn extra_pages(site: &Site) -> Vec<ExtraPage> {
    let graph = ConceptGraph::new(site);
    if graph.is_empty() {
        return Vec::new();
    }
    let from = MAP_PAGE;
    let list = svg::relation_list(site, &graph, from);
    let legend = svg::legend(&graph);
    let kinds: Vec<String> = graph.kinds.iter().map(|k| site.kind_plural(k).to_lowercase()).collect();
    vec![ExtraPage {
        template: "map.html".into(),
        path: MAP_PAGE.into(),
        title: "Concept map".into(),
        extra: serde_json::json!({
            "svg": if graph.nodes.len() <= MAX_DRAWN { map_svg(site, &graph, from) } else { String::new() },
            "legend": legend,
            "relations": list,
            "kinds": kinds,
            "nodes": graph.nodes.len(),
            "edges": graph.edges.len(),
        }),
    }]
}

#[cfg(test)]
mod tests;
