//! The concept map and the neighbourhood maps as SVG text, and the map page's legend and
//! relations list. Numbers are written with one decimal, so output is byte-identical per input.

use std::fmt::Write;

use serde::Serialize;

use super::graph::{ConceptGraph, Edge, MAP_PAGE, RELATED};
use super::layout::{layout, text_width, truncate, Layout, DOT, LABEL_CHARS, ROW};
use crate::links::relative;
use crate::model::site::Site;

/// Escapes text for SVG/HTML text and double-quoted attributes.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// "1 page", "3 pages".
fn pages(n: usize) -> String {
    if n == 1 {
        "1 page".into()
    } else {
        format!("{n} pages")
    }
}

/// One decimal: deterministic and short.
fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// CSS class of a relation's lines: `rel-0` to `rel-5` by order, `rel-related` for `related`.
fn rel_class(g: &ConceptGraph, r: usize) -> String {
    if g.relations[r] == RELATED {
        "rel-related".into()
    } else {
        format!("rel-{}", r.min(5))
    }
}

/// A horizontal-tangent cubic curve from one point to another.
fn curve((x1, y1): (f64, f64), (x2, y2): (f64, f64)) -> String {
    let mx = (x1 + x2) / 2.0;
    format!("M{} {}C{} {} {} {} {} {}", num(x1), num(y1), num(mx), num(y1), num(mx), num(y2), num(x2), num(y2))
}

/// Arrowhead markers, one per typed relation (coloured through its class).
fn markers(g: &ConceptGraph, prefix: &str) -> String {
    let mut s = String::from("<defs>");
    for r in (0..g.relations.len()).filter(|&r| g.relations[r] != RELATED) {
        let _ = write!(
            s,
            r#"<marker id="{prefix}-arrow-{r}" class="{}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z"/></marker>"#,
            rel_class(g, r)
        );
    }
    s.push_str("</defs>");
    s
}

/// One edge's `<path>`, with an arrowhead unless the relation is `related`.
fn edge_path(g: &ConceptGraph, prefix: &str, r: usize, d: &str) -> String {
    let marker =
        if g.relations[r] == RELATED { String::new() } else { format!(r#" marker-end="url(#{prefix}-arrow-{r})""#) };
    format!(r#"<path class="{}" d="{d}"{marker}/>"#, rel_class(g, r))
}

/// Where a node's label goes: its x and text-anchor, and how many characters it keeps.
struct LabelAt<'a>(f64, &'a str, usize);

/// A node: a link with a dot and a label, named by its full title and kind.
fn node_link(site: &Site, page: usize, from: &str, (x, y): (f64, f64), label_at: LabelAt, name: &str) -> String {
    let p = &site.pages[page];
    let LabelAt(lx, anchor, chars) = label_at;
    let anchor = if anchor == "start" { String::new() } else { format!(r#" text-anchor="{anchor}""#) };
    format!(
        r#"<a href="{}" class="cm-node" aria-label="{}"><circle class="cm-dot" cx="{}" cy="{}" r="5"/><text x="{}" y="{}"{anchor}>{}</text></a>"#,
        esc(&relative(from, &p.href)),
        esc(name),
        num(x),
        num(y),
        num(lx),
        num(y + 4.5),
        esc(&truncate(&p.title, chars))
    )
}

/// The path of map edge `e`: between columns from the right of one to the left of the other;
/// within a column, an arc out to its left.
fn map_edge(l: &Layout, e: &Edge) -> String {
    let (cf, ct) = (l.column_of[e.from], l.column_of[e.to]);
    let (yf, yt) = (l.at[e.from].1, l.at[e.to].1);
    let left = |c: usize| l.columns[c].x - 2.0;
    let right = |c: usize| l.columns[c].x + l.columns[c].width + 6.0;
    match cf.cmp(&ct) {
        std::cmp::Ordering::Less => curve((right(cf), yf), (left(ct), yt)),
        std::cmp::Ordering::Greater => curve((left(cf), yf), (right(ct), yt)),
        std::cmp::Ordering::Equal => {
            let x = left(cf);
            let bulge = (12.0 + (yt - yf).abs() * 0.15).min(80.0);
            format!(
                "M{} {}C{} {} {} {} {} {}",
                num(x),
                num(yf),
                num(x - bulge),
                num(yf),
                num(x - bulge),
                num(yt),
                num(x),
                num(yt)
            )
        }
    }
}

/// The whole concept map, with links relative to the file at `from`.
pub fn map_svg(site: &Site, g: &ConceptGraph, from: &str) -> String {
    let l = layout(site, g);
    let (w, h) = (num(l.width), num(l.height));
    let mut s = format!(
        r#"<svg class="concept-map" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-labelledby="cm-title" aria-describedby="cm-desc">"#
    );
    let kinds: Vec<String> = g.kinds.iter().map(|k| site.kind_plural(k).to_lowercase()).collect();
    let _ = write!(
        s,
        r#"<title id="cm-title">Concept map</title><desc id="cm-desc">{} concepts ({}) and {} relations between them, one column per kind. Every concept is a link; the relations are also listed as text after the map.</desc>"#,
        g.nodes.len(),
        esc(&kinds.join(", ")),
        g.edges.len()
    );
    s.push_str(&markers(g, "cm"));
    s.push_str(r#"<g class="cm-edges" aria-hidden="true">"#);
    for e in &g.edges {
        s.push_str(&edge_path(g, "cm", e.relation, &map_edge(&l, e)));
    }
    s.push_str(r#"</g><g class="cm-captions" aria-hidden="true">"#);
    for c in &l.columns {
        let _ =
            write!(s, r#"<text class="cm-kind" x="{}" y="28">{}</text>"#, num(c.x), esc(&site.kind_plural(&c.kind)));
        for (label, y) in &c.groups {
            let _ = write!(s, r#"<text class="cm-group" x="{}" y="{}">{}</text>"#, num(c.x), num(*y), esc(label));
        }
    }
    s.push_str(r#"</g><g class="cm-nodes">"#);
    for (n, &p) in g.nodes.iter().enumerate() {
        let (x, y) = l.at[n];
        let name = format!("{} ({})", site.pages[p].title, site.kind_label(&site.pages[p].kind));
        s.push_str(&node_link(site, p, from, (x + 5.0, y), LabelAt(x + DOT, "start", LABEL_CHARS), &name));
    }
    s.push_str("</g></svg>");
    s
}

/// Width of a neighbourhood map; its three columns are fixed so labels keep to their side.
const NB_WIDTH: f64 = 720.0;
const NB_CENTRE: f64 = 360.0;
const NB_LEFT_DOT: f64 = 258.0;
const NB_RIGHT_DOT: f64 = 462.0;
const NB_TOP: f64 = 36.0;
/// Label length in a neighbourhood map: 30 characters fit the 230 px on each side.
const NB_LABEL: usize = 30;

/// A concept page's neighbourhood map and the relations its legend names.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Neighbourhood {
    pub svg: String,
    pub legend: Vec<LegendItem>,
    /// The concept map page, relative to the page.
    pub map_href: String,
}

/// One relation in a legend.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LegendItem {
    pub class: String,
    pub verb: String,
    pub directed: bool,
}

/// Legend entries for the relations in `used`, in the graph's relation order.
fn legend_of(g: &ConceptGraph, used: impl Iterator<Item = usize>) -> Vec<LegendItem> {
    let mut rels: Vec<usize> = used.collect();
    rels.sort();
    rels.dedup();
    rels.into_iter()
        .map(|r| LegendItem { class: rel_class(g, r), verb: g.verb(r), directed: g.relations[r] != RELATED })
        .collect()
}

/// The map page's legend: every relation.
pub fn legend(g: &ConceptGraph) -> Vec<LegendItem> {
    legend_of(g, g.edges.iter().map(|e| e.relation))
}

/// Page `page`'s neighbourhood: pages relating to it on the left, pages it relates to (and
/// `related` pages) on the right; `None` when it is not on the map or has no relations there.
pub fn neighbourhood_svg(site: &Site, g: &ConceptGraph, page: usize, from: &str) -> Option<Neighbourhood> {
    let n = g.node(page)?;
    let title = |m: usize| site.pages[g.nodes[m]].title.as_str();
    let mut incoming: Vec<(usize, usize)> = Vec::new();
    let mut outgoing: Vec<(usize, usize)> = Vec::new();
    for e in g.edges_of(n) {
        let related = g.relations[e.relation] == RELATED;
        if e.to == n && !related {
            incoming.push((e.relation, e.from));
        } else if e.from == n {
            outgoing.push((e.relation, e.to));
        } else if e.to == n {
            outgoing.push((e.relation, e.from));
        }
    }
    if incoming.is_empty() && outgoing.is_empty() {
        return None;
    }
    let order = |a: &(usize, usize), b: &(usize, usize)| (a.0, title(a.1), a.1).cmp(&(b.0, title(b.1), b.1));
    incoming.sort_by(order);
    outgoing.sort_by(order);
    let rows = incoming.len().max(outgoing.len());
    let height = NB_TOP + rows as f64 * ROW + 12.0;
    let cy = NB_TOP + rows as f64 * ROW / 2.0;
    let me = truncate(&site.pages[page].title, 24);
    let bw = (text_width(me.chars().count()) + 24.0).min(190.0);
    let id = format!("nb-{}", crate::model::slug::slugify(&site.pages[page].slug));
    let mut s = format!(
        r#"<svg class="concept-map neighbourhood" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-labelledby="{id}-title" aria-describedby="{id}-desc">"#,
        w = num(NB_WIDTH),
        h = num(height)
    );
    let _ = write!(
        s,
        r#"<title id="{id}-title">How {} connects</title><desc id="{id}-desc">{} relating to {}; {} it relates to. Each is a link.</desc>"#,
        esc(&site.pages[page].title),
        pages(incoming.len()),
        esc(&site.pages[page].title),
        pages(outgoing.len())
    );
    s.push_str(&markers(g, &id));
    let side_y = |i: usize, len: usize| NB_TOP + (rows - len) as f64 * ROW / 2.0 + ROW * (i as f64 + 0.5);
    s.push_str(r#"<g class="cm-edges" aria-hidden="true">"#);
    for (i, &(r, _)) in incoming.iter().enumerate() {
        let d = curve((NB_LEFT_DOT + 6.0, side_y(i, incoming.len())), (NB_CENTRE - bw / 2.0 - 2.0, cy));
        s.push_str(&edge_path(g, &id, r, &d));
    }
    for (i, &(r, _)) in outgoing.iter().enumerate() {
        let d = curve((NB_CENTRE + bw / 2.0, cy), (NB_RIGHT_DOT - 7.0, side_y(i, outgoing.len())));
        s.push_str(&edge_path(g, &id, r, &d));
    }
    s.push_str(r#"</g><g class="cm-captions" aria-hidden="true">"#);
    if !incoming.is_empty() {
        let _ = write!(
            s,
            r#"<text class="cm-group" x="{}" y="18" text-anchor="end">Relate to this page</text>"#,
            num(NB_LEFT_DOT + 5.0)
        );
    }
    if !outgoing.is_empty() {
        let _ =
            write!(s, r#"<text class="cm-group" x="{}" y="18">This page relates to</text>"#, num(NB_RIGHT_DOT - 5.0));
    }
    let _ = write!(
        s,
        r#"</g><g class="cm-centre"><rect x="{}" y="{}" width="{}" height="28" rx="14"/><text x="{}" y="{}" text-anchor="middle">{}</text></g><g class="cm-nodes">"#,
        num(NB_CENTRE - bw / 2.0),
        num(cy - 14.0),
        num(bw),
        num(NB_CENTRE),
        num(cy + 4.5),
        esc(&me)
    );
    let label = |m: usize, verb: String| {
        let p = &site.pages[g.nodes[m]];
        format!("{} ({}) {verb}", p.title, site.kind_label(&p.kind))
    };
    for (i, &(r, m)) in incoming.iter().enumerate() {
        let y = side_y(i, incoming.len());
        let name = label(m, format!("{} this page", g.verb(r)));
        s.push_str(&node_link(
            site,
            g.nodes[m],
            from,
            (NB_LEFT_DOT, y),
            LabelAt(NB_LEFT_DOT - 10.0, "end", NB_LABEL),
            &name,
        ));
    }
    for (i, &(r, m)) in outgoing.iter().enumerate() {
        let y = side_y(i, outgoing.len());
        let at_right = LabelAt(NB_RIGHT_DOT + 10.0, "start", NB_LABEL);
        let verb =
            if g.relations[r] == RELATED { "is related".into() } else { format!("is what this page {}", g.verb(r)) };
        s.push_str(&node_link(site, g.nodes[m], from, (NB_RIGHT_DOT, y), at_right, &label(m, verb)));
    }
    s.push_str("</g></svg>");
    let legend = legend_of(g, incoming.iter().chain(&outgoing).map(|&(r, _)| r));
    Some(Neighbourhood { svg: s, legend, map_href: relative(from, MAP_PAGE) })
}

/// One concept in the text list of relations.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ListedConcept {
    pub title: String,
    pub href: String,
    pub kind_label: String,
    /// (verb, targets) in relation order.
    pub relations: Vec<ListedRelation>,
}

/// One relation of a listed concept.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ListedRelation {
    pub verb: String,
    pub targets: Vec<ListedTarget>,
}

/// A page a listed relation points to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ListedTarget {
    pub title: String,
    pub href: String,
}

/// The map's relations as text: per concept (in map order), what it relates to.
pub fn relation_list(site: &Site, g: &ConceptGraph, from: &str) -> Vec<ListedConcept> {
    let target = |m: usize| {
        let p = &site.pages[g.nodes[m]];
        ListedTarget { title: p.title.clone(), href: relative(from, &p.href) }
    };
    let mut out = Vec::new();
    for (n, &p) in g.nodes.iter().enumerate() {
        let mut relations = Vec::new();
        for r in 0..g.relations.len() {
            let mut targets: Vec<usize> =
                g.edges_of(n).filter(|e| e.from == n && e.relation == r).map(|e| e.to).collect();
            if targets.is_empty() {
                continue;
            }
            targets.sort_by(|&a, &b| site.pages[g.nodes[a]].title.cmp(&site.pages[g.nodes[b]].title));
            relations.push(ListedRelation { verb: g.verb(r), targets: targets.into_iter().map(target).collect() });
        }
        if !relations.is_empty() {
            let page = &site.pages[p];
            out.push(ListedConcept {
                title: page.title.clone(),
                href: relative(from, &page.href),
                kind_label: site.kind_label(&page.kind),
                relations,
            });
        }
    }
    out
}
