use tantivy::collector::TopDocs;
use tantivy::query::{BoostQuery, ConstScoreQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STRING, TEXT};
use tantivy::{doc, Index, IndexWriter};

use super::*;
use crate::concept::Part;

const WORDS: [&str; 12] =
    ["hope", "rupture", "alliance", "warmth", "empathy", "hopw", "ruptures", "goal", "task", "bond", "client", "care"];

#[test]
fn ranks_as_scoring_every_match_would() {
    let mut schema = Schema::builder();
    let (title, body) = (schema.add_text_field("title", TEXT), schema.add_text_field("body", TEXT));
    // A field without norms, whose clauses cannot be pruned.
    let bare = TextFieldIndexing::default().set_index_option(IndexRecordOption::WithFreqs).set_fieldnorms(false);
    let tags = schema.add_text_field("tags", TextOptions::default().set_indexing_options(bare));
    let kind = schema.add_text_field("kind", STRING);
    let id = schema.add_text_field("id", STRING);
    let index = Index::create_in_ram(schema.build());
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
    let mut seed = 7u64;
    let mut pick = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    // Two segments whose bodies differ in length: their block maxima are made under
    // different average lengths than the index's.
    for (segment, (docs, length)) in [(1500, 12), (900, 40)].into_iter().enumerate() {
        for i in 0..docs {
            let mut text = |n: usize, pool: usize| (0..n).map(|_| WORDS[pick(pool)]).collect::<Vec<_>>().join(" ");
            let (t, b, g) = (text(1 + i % 3, WORDS.len()), text(length / 2 + i % length, 12), text(i % 2, 5));
            let k = if (i + segment) % 7 == 0 { "faq" } else { "page" };
            writer.add_document(doc!(title => t, body => b, tags => g, kind => k)).unwrap();
        }
        writer.commit().unwrap();
    }
    // A document only a typo matches, and a deleted one that would rank first.
    writer.add_document(doc!(body => "hopw", kind => "page")).unwrap();
    let best = "hope rupture hope rupture";
    writer.add_document(doc!(title => best, body => best, tags => best, kind => "page", id => "gone")).unwrap();
    writer.commit().unwrap();
    writer.delete_term(Term::from_field_text(id, "gone"));
    writer.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.segment_readers().len(), 3);

    let term = |f, w: &str| -> Box<dyn Query> {
        let q = TermQuery::new(Term::from_field_text(f, w), IndexRecordOption::WithFreqs);
        Box::new(BoostQuery::new(Box::new(q), 1.0))
    };
    let boosted = |f, w: &str, b: f32| -> Box<dyn Query> { Box::new(BoostQuery::new(term(f, w), b)) };
    let concept = |word: &str, typo: &str, completion: &str| {
        let mut c = ConceptQuery::default();
        for (f, b) in [(title, 3.0), (body, 2.0), (tags, 8.0)] {
            c.push(boosted(f, word, b), Part { scored: true, coord: 10.0, boost: b });
            c.push(boosted(f, completion, b * 0.6), Part { scored: true, coord: 9.0, boost: b * 0.6 });
        }
        c.push(term(body, typo), Part { scored: false, coord: 6.0, boost: 0.0 });
        c
    };
    let concepts = vec![concept("hope", "hopw", "hopeful"), concept("rupture", "ruptur", "ruptures")];
    let faq = || -> Box<dyn Query> {
        let faq: Box<dyn Query> = Box::new(ConstScoreQuery::new(term(kind, "faq"), 0.0));
        let shared: Box<dyn Query> = Box::new(ConstScoreQuery::new(term(title, "hope"), 4.0));
        Box::new(BooleanQuery::new(vec![(Occur::Must, faq), (Occur::Must, shared)]))
    };
    let any = || concepts.iter().map(|c| (Occur::Should, Box::new(c.clone()) as Box<dyn Query>)).collect();
    let only_pages: Box<dyn Query> = Box::new(BoostQuery::new(term(kind, "page"), 0.0));
    for filtered in [false, true] {
        let mut clauses = vec![(Occur::Must, Box::new(BooleanQuery::new(any())) as Box<dyn Query>)];
        clauses.push((Occur::Should, faq()));
        let mut filters = Vec::new();
        if filtered {
            clauses.push((Occur::Must, only_pages.box_clone()));
            filters.push(only_pages.box_clone());
        }
        let query = BooleanQuery::new(clauses);
        let pruning = Pruning { concepts: concepts.clone(), extras: vec![faq()], filters };
        // The last two take in every match: the typo-only one comes in through the unpruned
        // pass (the window not full, or the floor below its score).
        let keeps =
            [(1, 1, 0.0), (8, 8, 0.0), (10, 40, 3.0), (8, 8, 20.0), (1, 1, 30.0), (1, 1, 60.0), (5000, 5000, 0.0)];
        for (k, window, slack) in keeps {
            let keep = Keep { k, window, slack };
            // In index order: sums added in another order may break exact ties otherwise.
            let by_address = |mut docs: Ranked| {
                docs.sort_by_key(|(_, a)| *a);
                docs
            };
            let got = by_address(contenders(&searcher, &query, Some(&pruning), keep).unwrap());
            let want = by_address(contenders(&searcher, &query, None, keep).unwrap());
            assert_eq!(got.len(), want.len(), "k {k}, window {window}, filtered {filtered}");
            let mut addrs: Vec<DocAddress> = got.iter().map(|(_, a)| *a).collect();
            addrs.sort();
            addrs.dedup();
            assert_eq!(addrs.len(), got.len(), "each document once");
            for ((g, ga), (w, wa)) in got.iter().zip(&want) {
                assert_eq!(ga, wa, "k {k}: {g} against {w}");
                assert!((g - w).abs() < 1e-3, "k {k}: {g} against {w}");
            }
            // And as tantivy ranks the whole query.
            let top = ranked(searcher.search(&query, &TopDocs::with_limit(k).order_by_score()).unwrap());
            assert!(top.iter().zip(&ranked(got)).all(|((t, _), (g, _))| (t - g).abs() < 1e-3), "k {k}");
        }
        for keep in [Keep { k: 1, window: 1, slack: 60.0 }, Keep { k: 5000, window: 5000, slack: 0.0 }] {
            let every = contenders(&searcher, &query, Some(&pruning), keep).unwrap();
            let typo_only = every.iter().any(|(s, a)| a.segment_ord == 2 && (*s - 6.0).abs() < 1e-3);
            assert!(typo_only, "the typo-only document is a contender: {keep:?}");
        }
    }
}
