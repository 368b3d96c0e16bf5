use super::*;
use crate::{build_index, SectionDoc};
use tantivy::Score;

/// Pages whose titles, tags and bodies share a few words in many mixes and lengths: the
/// page title (no norms) puts a word on every section of its page, so the full reads are
/// many and the bound on them decides.
fn pages() -> Vec<SectionDoc<'static>> {
    let words = ["alliance", "therapeutic", "rupture", "repair", "empathy", "hope", "goal", "consensus"];
    let pick = |n: usize, k: usize| words[(n * 7 + k * 3) % words.len()];
    let mut docs = Vec::new();
    for page in 0..120usize {
        let title = format!("{} and {} {page}", pick(page, 0), pick(page, 1));
        for section in 0..4usize {
            let n = page * 4 + section;
            let mut body = String::new();
            for i in 0..(5 + n % 40) {
                body.push_str(if (i + n) % (2 + n % 5) == 0 { pick(n, i) } else { "session" });
                body.push(' ');
            }
            docs.push(SectionDoc {
                page_title: title.clone().into(),
                heading: (section > 0).then(|| format!("{} notes", pick(n, 2)).into()),
                body: body.into(),
                summary: format!("About {}.", pick(page, 3)).into(),
                kind: "factor".into(),
                kind_label: "Factors".into(),
                tags: vec![pick(page, 4).to_string()],
                url: format!("p{page}.html#s{section}").into(),
                ..Default::default()
            });
        }
    }
    docs
}

/// The pruned first pass (with each clause's bound from its `Part`, as the query builder
/// sets it) finds the same best scores as scoring every match, for queries as typed.
#[test]
fn pruning_through_the_query_builder_finds_the_same_best() {
    let docs = pages();
    let built = build_index(&docs, &Synonyms::default()).unwrap();
    let engine = Engine::open_whole(&built.index).unwrap();
    let searcher = engine.reader.searcher();
    let queries =
        ["alliance", "therapeutic alliance", "rupture repair", "hope and goal", "empathy", "emapthy", "goal cons"];
    let mut pruned_at_all = 0;
    for q in queries {
        let plan = engine.plan(&searcher, q, None).unwrap();
        for k in [1, 3, 10, 34] {
            let scores = |pruning| -> Vec<Score> {
                let top = top_k(&searcher, plan.query.as_ref(), pruning, &plan.bonuses, k).unwrap();
                top.iter().map(|(s, _)| *s).collect()
            };
            let (with, without) = (scores(plan.pruning.as_ref()), scores(None));
            pruned_at_all += usize::from(plan.pruning.is_some());
            assert_eq!(with.len(), without.len(), "{q} k={k}");
            for (a, b) in with.iter().zip(&without) {
                assert!((a - b).abs() <= 1e-4 * b.abs().max(1.0), "{q} k={k}: {with:?} against {without:?}");
            }
        }
    }
    assert!(pruned_at_all > 0, "no query was pruned");
}
