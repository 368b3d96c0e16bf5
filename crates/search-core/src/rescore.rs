//! Ranking in two passes: the query's main clauses find and rank its matches, then its small
//! bonuses (words near each other, stop words) are added to the best of them only.
//!
//! The bonuses are the costly clauses: a proximity bonus reads positions, and a stop word is in
//! nearly every section. At 100,000 pages they made a two-word query two to three times slower
//! (natively, "therapist warmth" 39 ms against 15 without them). Adding them to the first
//! pass's best documents is what Elasticsearch's rescoring does; here the first pass keeps
//! every document that could reach the top with all of them (see [`crate::first_pass`]). So a
//! bounded bonus ranks as in one pass (up to rounding); a tie-breaker (no bound) only reorders
//! the first pass's best [`WINDOW`] documents and those within reach of the top.

use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocId, Score, Searcher, SeekDangerResult};

use crate::first_pass::{contenders, ranked, Keep, Pruning, Ranked};

/// A clause that only ever adds to a document's score.
pub(crate) struct Bonus {
    pub query: Box<dyn Query>,
    /// The most it adds to any document, when that bound is tight enough to be of use; `None`
    /// for a tie-breaker (a stop word).
    pub most: Option<Score>,
}

/// How many of the first pass's best documents always get their tie-breakers.
const WINDOW: usize = 256;

/// The `k` best documents for `query` plus `bonuses`, best first (ties in index order);
/// `pruning` is `query` in parts, when it can be pruned.
pub(crate) fn top_k(
    searcher: &Searcher,
    query: &dyn Query,
    pruning: Option<&Pruning>,
    bonuses: &[Bonus],
    k: usize,
) -> tantivy::Result<Ranked> {
    top_k_within(searcher, query, pruning, bonuses, k, WINDOW)
}

fn top_k_within(
    searcher: &Searcher,
    query: &dyn Query,
    pruning: Option<&Pruning>,
    bonuses: &[Bonus],
    k: usize,
    window: usize,
) -> tantivy::Result<Ranked> {
    let k = k.max(1);
    let slack = bonuses.iter().filter_map(|b| b.most).sum();
    let window = if bonuses.iter().any(|b| b.most.is_none()) { window } else { k };
    let first = contenders(searcher, query, pruning, Keep { k, window, slack })?;
    let mut all = add_bonuses(searcher, bonuses, first)?;
    all.truncate(k);
    Ok(all)
}

/// `first` with each document's bonuses added, best first.
#[inline(never)] // (see first_pass::read_in_full)
fn add_bonuses(searcher: &Searcher, bonuses: &[Bonus], first: Ranked) -> tantivy::Result<Ranked> {
    let mut docs = first;
    // Scorers only move forward: visit the documents in index order.
    docs.sort_by_key(|(_, addr)| *addr);
    for bonus in bonuses {
        let weight = bonus.query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        // The scorer of the current segment, and the first document it may still match.
        let mut current: Option<(u32, Box<dyn Scorer>, DocId)> = None;
        for (score, addr) in docs.iter_mut() {
            // `seek_danger` stops at the target, where `seek` goes on to the next match: for a
            // phrase, a scan that reads positions document after document. A new scorer starts
            // at the first contender for the same reason (`scorer` would find its first match).
            let found = match current.as_mut() {
                Some((segment, _, next)) if *segment == addr.segment_ord && addr.doc_id < *next => continue,
                Some((segment, scorer, _)) if *segment == addr.segment_ord => scorer.seek_danger(addr.doc_id),
                _ => {
                    let reader = searcher.segment_reader(addr.segment_ord);
                    let (found, scorer) = weight.scorer_danger(reader, addr.doc_id, 1.0)?;
                    current = Some((addr.segment_ord, scorer, addr.doc_id));
                    found
                }
            };
            let Some((_, scorer, next)) = current.as_mut() else { continue };
            *next = match found {
                SeekDangerResult::Found => {
                    *score += scorer.score();
                    addr.doc_id + 1
                }
                SeekDangerResult::SeekLowerBound(bound) => bound,
            };
        }
    }
    Ok(ranked(docs))
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, DocAddress, Index, IndexWriter, Term};

    use super::*;

    fn term(f: Field, w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(f, w), IndexRecordOption::WithFreqs))
    }

    #[test]
    fn ranks_as_one_pass_would_with_a_small_window() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // Many short sections with both words apart (they rank first without the bonus), and
        // longer ones with the words side by side, last in the first pass: the bonus must bring
        // them up from below any window.
        for n in 0..40 {
            writer.add_document(doc!(body => format!("hope {} expectancy", "x ".repeat(n + 4)))).unwrap();
        }
        // A segment of their own: the bonuses' scorers are made again for it.
        writer.commit().unwrap();
        for n in 0..6 {
            writer.add_document(doc!(body => format!("hope expectancy {}", "filler ".repeat(n + 30)))).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let side_by_side = |a: &DocAddress| searcher.segment_reader(a.segment_ord).max_doc() == 6;
        let query =
            BooleanQuery::new(vec![(Occur::Should, term(body, "hope")), (Occur::Should, term(body, "expectancy"))]);
        let near = || {
            let terms = vec![(0, Term::from_field_text(body, "hope")), (1, Term::from_field_text(body, "expectancy"))];
            Box::new(ConstScoreQuery::new(Box::new(PhraseQuery::new_with_offset_and_slop(terms, 1)), 3.0))
        };
        let bonus = |most| vec![Bonus { query: near(), most }];
        let one_pass =
            BooleanQuery::new(vec![(Occur::Must, Box::new(query.clone())), (Occur::Should, near() as Box<dyn Query>)]);
        let want = ranked(searcher.search(&one_pass, &TopDocs::with_limit(8).order_by_score()).unwrap());
        assert!(want[..6].iter().all(|(_, a)| side_by_side(a)), "the bonus decides the top: {want:?}");
        let same = |got: &Ranked| got.iter().map(|(_, a)| *a).eq(want.iter().map(|(_, a)| *a));
        for window in [2, 4, 64, 256] {
            let got = top_k_within(&searcher, &query, None, &bonus(Some(3.0)), 8, window).unwrap();
            assert!(same(&got), "window {window}: {got:?} against {want:?}");
            for ((g, _), (w, _)) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-4);
            }
        }
        // A tie-breaker (no bound) only reorders the window: the far-down sections stay out.
        let got = top_k_within(&searcher, &query, None, &bonus(None), 8, 4).unwrap();
        assert!(got.iter().all(|(_, a)| !side_by_side(a)), "{got:?}");
    }
}
