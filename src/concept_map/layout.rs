//! Layered layout of the concept map: one column per kind, the kind's groups (its `group_by`
//! field or relation) stacked down the column under a caption, and within each group the nodes
//! ordered by the barycentre of their neighbours in other columns (a few alternating sweeps, as
//! in Sugiyama-style layouts), which shortens and uncrosses edges. Rows are a fixed height and
//! columns as wide as their longest (truncated) label, so labels never overlap.

use super::graph::ConceptGraph;
use crate::model::site::Site;

/// Height of one node's row.
pub const ROW: f64 = 22.0;
/// Space for a group caption above its rows.
const GROUP: f64 = 30.0;
/// Top of the first row (below the column captions).
const TOP: f64 = 64.0;
/// Between a column's labels and the next column's dots: room for the edges.
const GAP: f64 = 110.0;
const MARGIN: f64 = 72.0;
/// Width of one character of a 13px label, rounded up so estimates never fall short.
pub const CHAR: f64 = 7.4;
/// Dot and space before a label.
pub const DOT: f64 = 14.0;
/// Labels longer than this are cut (the full title is the link's accessible name).
pub const LABEL_CHARS: usize = 30;
/// Barycentre sweeps (alternating direction); a fixed number keeps the result deterministic.
const SWEEPS: usize = 8;

/// A column of the map: one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub kind: String,
    /// Left edge (where the dots are).
    pub x: f64,
    /// Dots, labels and captions fit between `x` and `x + width`.
    pub width: f64,
    /// Group captions with their baseline.
    pub groups: Vec<(String, f64)>,
}

/// Where everything goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub columns: Vec<Column>,
    /// Per node: its column and the centre of its dot.
    pub column_of: Vec<usize>,
    pub at: Vec<(f64, f64)>,
}

/// `text` cut to at most `max` characters at a word boundary, with an ellipsis (whole words keep
/// the visible label part of the link's accessible name, the full title).
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rsplit_once(' ') {
        Some((words, _)) if !words.trim().is_empty() => words,
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '-', '(']))
}

/// Estimated width of a label of `chars` characters.
pub fn text_width(chars: usize) -> f64 {
    chars as f64 * CHAR
}

/// The group of page `p` in its kind's column: (sort key, caption); no caption without `group_by`.
fn group_of(site: &Site, p: usize) -> GroupKey {
    let page = &site.pages[p];
    let Some(kind) = site.config.kind(&page.kind) else { return (0, String::new()) };
    let Some(by) = &kind.group_by else { return (0, String::new()) };
    if let Some(fc) = kind.fields.get(by) {
        return match page.field(by) {
            Some(v) => {
                let pos = fc.values.as_ref().and_then(|vs| vs.iter().position(|x| x == v)).unwrap_or(usize::MAX - 1);
                (pos, fc.label_of(v))
            }
            None => (usize::MAX, "Other".into()),
        };
    }
    let target = site.graph.relations[p].iter().find(|r| &r.field == by).and_then(|r| r.targets.first());
    match target {
        Some(&t) => (0, site.pages[t].title.clone()),
        None => (usize::MAX, "Other".into()),
    }
}

/// Per column, per group: (caption, nodes in order).
type Groups = Vec<Vec<(String, Vec<usize>)>>;
/// A group's sort key and caption (see [`group_of`]).
type GroupKey = (usize, String);

/// Nodes sorted into columns and groups, each group in title order (the graph's node order).
fn initial_groups(site: &Site, g: &ConceptGraph) -> Groups {
    let mut cols: Groups = vec![Vec::new(); g.kinds.len()];
    let mut keyed: Vec<Vec<(GroupKey, Vec<usize>)>> = vec![Vec::new(); g.kinds.len()];
    for (n, &p) in g.nodes.iter().enumerate() {
        let Some(c) = g.kinds.iter().position(|k| *k == site.pages[p].kind) else { continue };
        let key = group_of(site, p);
        match keyed[c].iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(n),
            None => keyed[c].push((key, vec![n])),
        }
    }
    for (c, mut groups) in keyed.into_iter().enumerate() {
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        cols[c] = groups.into_iter().map(|((_, caption), v)| (caption, v)).collect();
    }
    cols
}

/// Row position (in rows, groups counted as one row) of every node for the current order.
fn positions(cols: &Groups, n: usize) -> Vec<f64> {
    let mut pos = vec![0.0; n];
    for col in cols {
        let mut row = 0.0;
        for (_, nodes) in col {
            row += 1.0;
            for &v in nodes {
                pos[v] = row;
                row += 1.0;
            }
        }
    }
    pos
}

/// Reorders each group by the mean row of its nodes' neighbours in other columns.
fn sweep(cols: &mut Groups, neighbours: &[Vec<usize>], column_of: &[usize], titles: &[&str], reverse: bool) {
    let order: Vec<usize> = if reverse { (0..cols.len()).rev().collect() } else { (0..cols.len()).collect() };
    for c in order {
        let pos = positions(cols, column_of.len());
        for (_, nodes) in cols[c].iter_mut() {
            let bary = |v: usize| -> f64 {
                let others: Vec<f64> = neighbours[v].iter().filter(|&&m| column_of[m] != c).map(|&m| pos[m]).collect();
                if others.is_empty() {
                    pos[v]
                } else {
                    others.iter().sum::<f64>() / others.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize)> = nodes.iter().map(|&v| (bary(v), v)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| titles[a.1].cmp(titles[b.1])).then(a.1.cmp(&b.1)));
            *nodes = keyed.into_iter().map(|(_, v)| v).collect();
        }
    }
}

/// Lays out the whole map.
pub fn layout(site: &Site, g: &ConceptGraph) -> Layout {
    let n = g.nodes.len();
    let mut cols = initial_groups(site, g);
    let mut column_of = vec![0; n];
    for (c, col) in cols.iter().enumerate() {
        for (_, nodes) in col {
            for &v in nodes {
                column_of[v] = c;
            }
        }
    }
    let mut neighbours = vec![Vec::new(); n];
    for e in &g.edges {
        neighbours[e.from].push(e.to);
        neighbours[e.to].push(e.from);
    }
    let titles: Vec<&str> = g.nodes.iter().map(|&p| site.pages[p].title.as_str()).collect();
    for s in 0..SWEEPS {
        sweep(&mut cols, &neighbours, &column_of, &titles, s % 2 == 1);
    }
    place(site, g, &cols, column_of, &titles)
}

/// Turns the ordered columns into coordinates.
fn place(site: &Site, g: &ConceptGraph, cols: &Groups, column_of: Vec<usize>, titles: &[&str]) -> Layout {
    let mut at = vec![(0.0, 0.0); column_of.len()];
    let mut columns = Vec::new();
    let mut x = MARGIN;
    let mut bottom: f64 = TOP;
    for (c, col) in cols.iter().enumerate() {
        let caption = site.kind_plural(&g.kinds[c]);
        let mut chars = caption.chars().count();
        let mut y = TOP;
        let mut groups = Vec::new();
        for (label, nodes) in col {
            if !label.is_empty() {
                let label = truncate(label, LABEL_CHARS + 4);
                chars = chars.max(label.chars().count());
                groups.push((label, y + GROUP - 10.0));
                y += GROUP;
            }
            for &v in nodes {
                chars = chars.max(truncate(titles[v], LABEL_CHARS).chars().count());
                at[v] = (x, y + ROW / 2.0);
                y += ROW;
            }
        }
        let width = DOT + text_width(chars);
        bottom = bottom.max(y);
        columns.push(Column { kind: g.kinds[c].clone(), x, width, groups });
        x += width + GAP;
    }
    let width = (x - GAP + MARGIN).ceil();
    Layout { width, height: (bottom + MARGIN).ceil(), columns, column_of, at }
}
