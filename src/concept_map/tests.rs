use super::layout::{layout, truncate, ROW};
use super::*;
use crate::glossary::tests::site;

const CONFIG: &str = "title = \"T\"\n\
    [kinds.factor]\nfolder = \"factors\"\ngroup_by = \"category\"\n\
    [kinds.factor.fields.category]\nvalues = [\"relationship\", \"client\"]\n\
    [kinds.technique]\nfolder = \"techniques\"\n\
    [kinds.technique.relations.builds]\nkind = \"factor\"\n\
    [kinds.faq]\nfolder = \"faqs\"\n";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("site.toml", CONFIG),
        ("content/factors/empathy.md", "---\ntitle: Empathy\ncategory: relationship\nrelated: [warmth]\n---\nx\n"),
        ("content/factors/warmth.md", "---\ntitle: Warmth\ncategory: relationship\n---\nx\n"),
        ("content/factors/hope.md", "---\ntitle: Hope\ncategory: client\n---\nx\n"),
        ("content/techniques/listening.md", "---\ntitle: Reflective listening\nbuilds: [empathy, warmth]\n---\nx\n"),
        ("content/techniques/goals.md", "---\ntitle: Goal setting\nbuilds: [hope]\nrelated: [listening]\n---\nx\n"),
        ("content/faqs/why.md", "---\ntitle: Why?\nrelated: [empathy]\n---\nx\n"),
    ]
}

#[test]
fn nodes_are_the_pages_of_related_kinds_and_edges_their_relations() {
    let (_d, s) = site(&files());
    let g = ConceptGraph::new(&s);
    assert_eq!(g.kinds, ["factor", "technique"], "kinds a typed relation joins, in site.toml order");
    let titles: Vec<&str> = g.nodes.iter().map(|&p| s.pages[p].title.as_str()).collect();
    assert_eq!(titles, ["Empathy", "Hope", "Warmth", "Goal setting", "Reflective listening"]);
    let edges: Vec<(&str, &str, String)> =
        g.edges.iter().map(|e| (titles[e.from], titles[e.to], g.verb(e.relation))).collect();
    assert_eq!(
        edges,
        [
            ("Goal setting", "Hope", "builds".to_string()),
            ("Reflective listening", "Empathy", "builds".to_string()),
            ("Reflective listening", "Warmth", "builds".to_string()),
            ("Empathy", "Warmth", "is related to".to_string()),
            ("Goal setting", "Reflective listening", "is related to".to_string()),
        ]
    );
}

#[test]
fn the_map_is_byte_identical_for_the_same_input() {
    let (_a, s1) = site(&files());
    let (_b, s2) = site(&files());
    let svg1 = map_svg(&s1, &ConceptGraph::new(&s1), MAP_PAGE);
    assert_eq!(svg1, map_svg(&s2, &ConceptGraph::new(&s2), MAP_PAGE));
    assert_eq!(svg1, map_svg(&s1, &ConceptGraph::new(&s1), MAP_PAGE));
}

/// Every `href="..."` in `svg`.
fn hrefs(svg: &str) -> Vec<String> {
    svg.split("href=\"").skip(1).map(|r| r[..r.find('"').unwrap_or(0)].to_string()).collect()
}

#[test]
fn every_node_is_a_link_that_resolves() {
    let (_d, s) = site(&files());
    let g = ConceptGraph::new(&s);
    let svg = map_svg(&s, &g, MAP_PAGE);
    let links = hrefs(&svg);
    assert_eq!(links.len(), g.nodes.len(), "{svg}");
    for l in &links {
        assert!(s.pages.iter().any(|p| &p.href == l), "{l} names no page");
    }
    assert!(svg.contains("<title id=\"cm-title\">") && svg.contains("<desc id=\"cm-desc\">"), "{svg}");
    let n = neighbourhood_svg(&s, &g, s.page_by_slug("empathy").expect("empathy"), "factors/empathy.html")
        .expect("empathy has neighbours");
    let links = hrefs(&n.svg);
    assert_eq!(links, ["../techniques/listening.html", "../factors/warmth.html"], "{}", n.svg);
    assert_eq!(n.map_href, "../map.html");
    assert!(neighbourhood_svg(&s, &g, s.page_by_slug("why").expect("faq"), "faqs/why.html").is_none());
}

#[test]
fn labels_never_overlap() {
    let (_d, s) = site(&files());
    let g = ConceptGraph::new(&s);
    let l = layout(&s, &g);
    for c in 0..l.columns.len() {
        let mut ys: Vec<f64> = (0..g.nodes.len()).filter(|&n| l.column_of[n] == c).map(|n| l.at[n].1).collect();
        ys.extend(l.columns[c].groups.iter().map(|(_, y)| *y));
        ys.sort_by(f64::total_cmp);
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= ROW - 4.0), "rows too close in column {c}: {ys:?}");
    }
    for w in l.columns.windows(2) {
        assert!(w[0].x + w[0].width < w[1].x, "columns overlap: {w:?}");
    }
    assert!(l.width >= l.columns.last().map_or(0.0, |c| c.x + c.width));
}

#[test]
fn groups_follow_the_kind_and_neighbours_pull_nodes_together() {
    let (_d, s) = site(&files());
    let g = ConceptGraph::new(&s);
    let l = layout(&s, &g);
    let groups: Vec<&str> = l.columns[0].groups.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(groups, ["Relationship", "Client"]);
    // Reflective listening builds the two relationship factors, Goal setting builds Hope (below):
    // barycentre ordering puts Reflective listening first although G sorts before R.
    let y = |slug: &str| l.at[g.node(s.page_by_slug(slug).expect("page")).expect("node")].1;
    assert!(y("listening") < y("goals"));
}

#[test]
fn labels_are_cut_at_word_boundaries() {
    assert_eq!(truncate("Reflective listening and validation", 30), "Reflective listening and…");
    assert_eq!(truncate("Short", 30), "Short");
}
