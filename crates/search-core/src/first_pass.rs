//! The first pass of ranking: every document that may still reach the top, and no others
//! looked at when upper bounds rule them out.
//!
//! A query's score is the sum of its words' field scores (BM25 of boosted terms) plus each
//! word's coordination bonus (see [`crate::concept`]). The bonuses are what tantivy's own
//! pruning cannot see through, so the words' field scores drive tantivy's block-max WAND over
//! one flat union of term scorers, with its threshold lowered by the most the bonuses can
//! add; each block of postings whose best score cannot reach the top is skipped unread. Each
//! document it yields gets its bonuses from the words' clauses, sought to it, best bonus
//! first. Natively at 100,000 pages a one-word query went from 5 ms to 2-3.
//!
//! tantivy stores no usable best score per block for a field without length norms (a zero),
//! so those fields' matches are read in full, before the WAND, along with rare terms' and
//! the extras' (the FAQ bonus, whose bound would lower the threshold for every document):
//! often the best documents, which lifts the floor before the WAND starts. For common words
//! they are many (a page title on each of its sections, tags), and a document there whose
//! bound cannot reach the floor is not sought in the other clauses. Documents
//! that only a typo matches have no field score, so neither walk yields them: when such a
//! document could still be a contender the pass runs again unpruned.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tantivy::fastfield::AliveBitSet;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, BooleanQuery, EnableScoring, Occur, Query, Scorer, Weight};
use tantivy::{BitSet, DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, Term, TERMINATED};

use crate::concept::ConceptQuery;

/// Documents ranked for a query: score and address, best first.
pub(crate) type Ranked = Vec<(Score, DocAddress)>;

/// A term in fewer than one document in this many is read in full, not pruned.
const RARE: u64 = 64;

/// The main query in the parts pruning needs; see the module's documentation.
pub(crate) struct Pruning {
    /// The query's words (or synonym groups), whose scores and bonuses make its score.
    pub concepts: Vec<ConceptQuery>,
    /// Clauses that may add to a match's score (the FAQ bonus).
    pub extras: Vec<Box<dyn Query>>,
    /// Clauses every document must match, which add nothing (the kind).
    pub filters: Vec<Box<dyn Query>>,
}

/// Which documents the first pass keeps: the best `window`, and all within `slack` of the
/// `k`-th best (those the bonuses, adding at most `slack`, could still bring to the top).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keep {
    pub k: usize,
    pub window: usize,
    pub slack: Score,
}

/// The documents `keep` asks for, in no order: by pruning with `pruning` when given (the same
/// query as `query`), else by scoring every match of `query`.
pub(crate) fn contenders(
    searcher: &Searcher,
    query: &dyn Query,
    pruning: Option<&Pruning>,
    keep: Keep,
) -> tantivy::Result<Ranked> {
    if let Some(p) = pruning {
        let mut kept = Contenders::new(keep);
        pruned(searcher, p, &mut kept)?;
        // A typo-only match scores its bonuses alone; while that could be a contender, the
        // pruned pass may have missed one (sums in another order: a margin for rounding).
        let typos_most = unscored_most(p);
        if typos_most == 0.0 || typos_most < below(kept.floor()) {
            return Ok(kept.docs());
        }
    }
    let mut kept = Contenders::new(keep);
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let threshold = below(kept.floor());
        let alive = reader.alive_bitset();
        let mut offer = |doc: DocId, score: Score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                kept.offer(score, DocAddress::new(ord as u32, doc));
            }
            below(kept.floor())
        };
        weight.for_each_pruning(threshold, reader, &mut offer)?;
    }
    Ok(kept.docs())
}

/// The pruned pass; see the module's documentation.
#[inline(never)] // (see read_in_full)
fn pruned(searcher: &Searcher, p: &Pruning, kept: &mut Contenders) -> tantivy::Result<()> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let schema = searcher.schema();
    // Clauses in fields without norms and of rare terms are read in full; see the module's
    // documentation.
    let rare = searcher.total_num_docs()? / RARE;
    let (mut normed, mut unnormed) = (Vec::new(), Vec::new());
    // The normed terms, each with its field's average length in the whole index.
    let mut terms = Vec::new();
    // The most their field scores add up to.
    let mut normed_most: Score = 0.0;
    let all_docs = searcher.total_num_docs()?.max(1) as f64;
    for (query, part) in p.concepts.iter().flat_map(|c| c.clauses()).filter(|(_, part)| part.scored) {
        let mut term = None;
        query.query_terms(&mut |t, _| term = Some(t.clone()));
        match term {
            Some(t) if schema.get_field_entry(t.field()).has_fieldnorms() && searcher.doc_freq(&t)? > rare => {
                normed_most +=
                    Bm25Weight::for_terms(searcher, std::slice::from_ref(&t))?.boost_by(part.boost).max_score();
                let average = searcher.total_num_tokens(t.field())? as f64 / all_docs;
                terms.push((t, average));
                normed.push(query.box_clone());
            }
            _ => unnormed.push(query.box_clone()),
        }
    }
    let union = |qs: &[Box<dyn Query>]| BooleanQuery::new(qs.iter().map(|q| (Occur::Should, q.box_clone())).collect());
    let wand = union(&normed).weight(scoring)?;
    // Read in full, before the WAND: matches in fields without norms, and the extras' matches
    // (FAQs, few), whose bound would otherwise lower the WAND's threshold for every document.
    unnormed.extend(p.extras.iter().map(|q| q.box_clone()));
    let side = union(&unnormed).weight(scoring)?;
    let weights = |qs: &[Box<dyn Query>]| qs.iter().map(|q| q.weight(scoring)).collect::<tantivy::Result<Vec<_>>>();
    let normed = weights(&normed)?;
    let filters = weights(&p.filters)?;
    let mut concepts: Vec<Vec<(Box<dyn Weight>, Score)>> = Vec::with_capacity(p.concepts.len());
    for c in &p.concepts {
        let clauses = c.clauses().iter().map(|(q, part)| Ok((q.weight(scoring)?, part.coord)));
        concepts.push(clauses.collect::<tantivy::Result<_>>()?);
    }
    // What the bonuses may add to the field scores the WAND sees.
    let bonus_most: Score = concepts.iter().map(|c| c.iter().map(|(_, b)| *b).fold(0.0, Score::max)).sum();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let scorers =
            |ws: &[Box<dyn Weight>]| ws.iter().map(|w| w.scorer(reader, 1.0)).collect::<tantivy::Result<Vec<_>>>();
        // Scorers only go forward, and each of the two walks below starts from the first document.
        let rest = |with_normed: bool| -> tantivy::Result<Rest> {
            Ok(Rest {
                normed: if with_normed { scorers(&normed)? } else { Vec::new() },
                filters: scorers(&filters)?,
                bonuses: concepts.iter().map(|c| bonus_scorers(c, reader)).collect::<tantivy::Result<_>>()?,
                alive: reader.alive_bitset(),
            })
        };
        let addr = |doc| DocAddress::new(ord as u32, doc);
        // First every match of the clauses read in full, fully scored.
        let mut seen = BitSet::with_max_value(reader.max_doc());
        let mut side = side.scorer(reader, 1.0)?;
        // Its scorers (typo clauses decode all their postings) only when there is a match.
        if side.doc() != TERMINATED {
            read_in_full(side.as_mut(), &mut rest(true)?, bonus_most + normed_most, &mut seen, kept, ord as u32);
        }
        // Then the rest, pruned.
        let under = block_max_under(reader, &terms)?;
        let wand_floor = |floor: Score| {
            let fields = floor - bonus_most;
            below(if fields > 0.0 { fields / under } else { fields * under })
        };
        let threshold = wand_floor(kept.floor());
        let mut at = rest(false)?;
        let mut offer = |doc: DocId, fields: Score| {
            if !seen.contains(doc) {
                if let Some(rest) = at.rest(doc) {
                    kept.offer(fields + rest, addr(doc));
                }
            }
            wand_floor(kept.floor())
        };
        wand.for_each_pruning(threshold, reader, &mut offer)?;
    }
    Ok(())
}

/// Marks every match of `side` (in segment `ord`) `seen`, and offers those that may reach the
/// contenders, fully scored.
///
/// Common words in fields without norms (a page title on each of its sections, tags) match tens
/// of thousands of documents at 100k pages: one that cannot reach the contenders even with
/// `rest_most` (every bonus and the best field scores of the other clauses) is not looked at
/// further.
///
/// Not inlined, like [`Rest::rest`]: the browser's engine (V8) recompiles a function with its
/// optimizing compiler once it has run a while, and inlined into the one-off code around it,
/// this loop made it recompile the whole search (146 ms of compiling on a 2-core machine,
/// slowing a first query's last rounds).
#[inline(never)]
fn read_in_full(
    side: &mut dyn Scorer,
    at: &mut Rest,
    rest_most: Score,
    seen: &mut BitSet,
    kept: &mut Contenders,
    ord: u32,
) {
    while side.doc() != TERMINATED {
        let doc = side.doc();
        seen.insert(doc);
        let fields = side.score();
        if fields + rest_most >= kept.floor() {
            if let Some(rest) = at.rest(doc) {
                kept.offer(fields + rest, DocAddress::new(ord, doc));
            }
        }
        side.advance();
    }
}

/// A concept's clauses in a segment, largest bonus first, and among equals the commonest term
/// first: the first that matches gives the concept's bonus.
fn bonus_scorers(
    clauses: &[(Box<dyn Weight>, Score)],
    reader: &SegmentReader,
) -> tantivy::Result<Vec<(Box<dyn Scorer>, Score)>> {
    let mut scorers = Vec::with_capacity(clauses.len());
    for (weight, bonus) in clauses {
        let scorer = weight.scorer(reader, 1.0)?;
        // Most words are absent from most fields: each such clause would be asked about every
        // document.
        if scorer.doc() != TERMINATED {
            scorers.push((scorer, *bonus));
        }
    }
    scorers.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.size_hint().cmp(&a.0.size_hint())));
    Ok(scorers)
}

/// The scorers that complete a document's score in one segment.
struct Rest<'a> {
    /// The field scores of fields with norms, when the WAND does not sum them.
    normed: Vec<Box<dyn Scorer>>,
    filters: Vec<Box<dyn Scorer>>,
    bonuses: Vec<Vec<(Box<dyn Scorer>, Score)>>,
    alive: Option<&'a AliveBitSet>,
}

impl Rest<'_> {
    /// What `doc` scores besides the field scores already summed; `None` when it is deleted or
    /// filtered out. Documents come in order. (Not inlined: see [`read_in_full`].)
    #[inline(never)]
    fn rest(&mut self, doc: DocId) -> Option<Score> {
        // Deleted documents (a live index's replaced pages) are still in the postings.
        if !self.alive.is_none_or(|a| a.is_alive(doc)) || !self.filters.iter_mut().all(|f| lands_on(f.as_mut(), doc)) {
            return None;
        }
        // A match must match a concept (an extra alone does not make one).
        let mut any = false;
        let mut score: Score = 0.0;
        for c in &mut self.bonuses {
            if let Some(b) = concept_bonus(c, doc) {
                any = true;
                score += b;
            }
        }
        if !any {
            return None;
        }
        for s in self.normed.iter_mut() {
            if lands_on(s.as_mut(), doc) {
                score += s.score();
            }
        }
        Some(score)
    }
}

/// Best first; equal scores keep index order (a page before its sections).
pub(crate) fn ranked(mut docs: Ranked) -> Ranked {
    docs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    docs
}

/// How much a block's best score, as tantivy tells it, may fall short of the truth in
/// `reader`'s segment, as a factor: 1 for an index of one segment.
///
/// Each block of postings keeps the (length, frequency) pair that scores best under its own
/// segment's average field length, and tantivy scores that pair under the whole index's. With
/// `r` the ratio of the two averages, every document of the block scores at most `r` times
/// its own score under the segment's average, which is at most that of the kept pair, which
/// is at most `r` times what tantivy tells: `r * r` covers it.
/// `terms` come with their field's average length in the whole index.
fn block_max_under(reader: &SegmentReader, terms: &[(Term, f64)]) -> tantivy::Result<Score> {
    let docs = reader.max_doc().max(1) as f64;
    let mut under: f64 = 1.0;
    for (term, all) in terms {
        let index = reader.inverted_index(term.field())?;
        if index.doc_freq(term)? == 0 {
            continue;
        }
        let here = index.total_num_tokens() as f64 / docs;
        let all = *all;
        if here > 0.0 && all > 0.0 {
            let r = (here / all).max(all / here);
            under = under.max(r * r);
        }
    }
    Ok(under as Score)
}

/// A concept's bonus at `doc`: that of its first clause (largest first) that matches; `None`
/// when none does.
fn concept_bonus(clauses: &mut [(Box<dyn Scorer>, Score)], doc: DocId) -> Option<Score> {
    clauses.iter_mut().find_map(|(scorer, bonus)| lands_on(scorer.as_mut(), doc).then_some(*bonus))
}

/// Whether `scorer` matches `doc`, moving it there when it is before (scorers only go forward).
fn lands_on(scorer: &mut dyn Scorer, doc: DocId) -> bool {
    if scorer.doc() < doc {
        scorer.seek(doc);
    }
    scorer.doc() == doc
}

/// The most a document scores that no scored clause and no extra matches: its typo matches'
/// bonuses.
fn unscored_most(p: &Pruning) -> Score {
    let most =
        |c: &ConceptQuery| c.clauses().iter().filter(|(_, p)| !p.scored).map(|(_, p)| p.coord).fold(0.0, Score::max);
    p.concepts.iter().map(most).sum()
}

/// A threshold a little under `score`: tantivy passes on scores strictly above it, and the
/// field scores it sums are added in another order than the query's (rounding).
fn below(score: Score) -> Score {
    score - 1e-4 * score.abs().max(1.0)
}

/// The documents kept so far; see [`Keep`].
struct Contenders {
    keep: Keep,
    /// The best `k` scores and the best `window` scores so far (smallest on top).
    best_k: BinaryHeap<Reverse<Key>>,
    best_window: BinaryHeap<Reverse<Key>>,
    docs: Ranked,
    /// When `docs` is next cleared of those below the floor.
    compact_at: usize,
}

/// A score ordered totally (for the heaps).
#[derive(Clone, Copy, PartialEq)]
struct Key(Score);

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Contenders {
    fn new(keep: Keep) -> Contenders {
        let keep = Keep { k: keep.k.max(1), window: keep.window.max(keep.k).max(1), ..keep };
        let compact_at = 4 * keep.window.max(256);
        Contenders { keep, best_k: BinaryHeap::new(), best_window: BinaryHeap::new(), docs: Vec::new(), compact_at }
    }

    /// The least score a document may have and still be kept (minus infinity until the window
    /// is full).
    fn floor(&self) -> Score {
        let kth = |heap: &BinaryHeap<Reverse<Key>>, n: usize| {
            if heap.len() < n {
                Score::NEG_INFINITY
            } else {
                heap.peek().map_or(Score::NEG_INFINITY, |Reverse(Key(s))| *s)
            }
        };
        kth(&self.best_window, self.keep.window).min(kth(&self.best_k, self.keep.k) - self.keep.slack)
    }

    /// Offers a document; answers the new [`Contenders::floor`].
    fn offer(&mut self, score: Score, addr: DocAddress) -> Score {
        if score < self.floor() {
            return self.floor();
        }
        for (heap, n) in [(&mut self.best_k, self.keep.k), (&mut self.best_window, self.keep.window)] {
            heap.push(Reverse(Key(score)));
            if heap.len() > n {
                heap.pop();
            }
        }
        self.docs.push((score, addr));
        // Drop those the floor has passed, now and then: a long query may offer many.
        if self.docs.len() >= self.compact_at {
            let floor = self.floor();
            self.docs.retain(|(s, _)| *s >= floor);
            self.compact_at = self.compact_at.max(2 * self.docs.len());
        }
        self.floor()
    }

    /// The documents kept, in no order.
    fn docs(mut self) -> Ranked {
        let floor = self.floor();
        self.docs.retain(|(s, _)| *s >= floor);
        self.docs
    }
}

#[cfg(test)]
mod tests;
