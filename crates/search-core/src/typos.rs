//! Typo tolerance: tantivy's Levenshtein automaton, kept to words, and the query that runs it.
//!
//! A term starting with a digit is never a typo match of a word that does not. Such terms (page numbers,
//! years, reference numbers) are most of a large site's dictionary, and they sort before every
//! letter: each block of numbers spans keys like "1z…", which a typo automaton for "zebra" could
//! match, so tantivy had to read (and the browser load) every such block of the dictionary.
//! Refusing a leading digit lets the block index rule them out.

use std::sync::Arc;
use std::{fmt, io};

use tantivy::index::InvertedIndexReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{
    BitSetDocSet, ConstScorer, DfaWrapper, EmptyScorer, EnableScoring, Explanation, FuzzyTermQuery, Query, Scorer,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::termdict::{TermDictionary, TermStreamer};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError, Term};
use tantivy_fst::Automaton;

use crate::pieces::probe;

/// tantivy's typo automaton (as `FuzzyTermQuery` builds it, transpositions costing one) that,
/// for a word starting with a letter, matches no term starting with a digit.
pub(crate) struct Typos {
    dfa: DfaWrapper,
    /// The word does not start with a digit: terms that do are refused.
    words_only: bool,
}

/// Where a [`Typos`] automaton is.
#[derive(Clone, Debug)]
pub(crate) enum TypoState {
    /// Nothing read yet.
    Start,
    /// The term started with a digit.
    Refused,
    /// The Levenshtein automaton's state.
    In(u32),
}

/// The typo automaton for `word` at `distance`, or `None` for a distance tantivy refuses.
pub(crate) fn typo_automaton(word: &str, distance: u8) -> Option<Typos> {
    // The field plays no part in the automaton.
    let query = FuzzyTermQuery::new(Term::from_field_text(Field::from_field_id(0), word), distance, true);
    let words_only = !word.starts_with(|c: char| c.is_ascii_digit());
    query.automaton().ok().map(|dfa| Typos { dfa, words_only })
}

impl Automaton for Typos {
    type State = TypoState;

    fn start(&self) -> TypoState {
        TypoState::Start
    }

    fn is_match(&self, state: &TypoState) -> bool {
        match state {
            TypoState::Start => self.dfa.is_match(&self.dfa.start()),
            TypoState::Refused => false,
            TypoState::In(s) => self.dfa.is_match(s),
        }
    }

    fn can_match(&self, state: &TypoState) -> bool {
        match state {
            TypoState::Start => true,
            TypoState::Refused => false,
            TypoState::In(s) => self.dfa.can_match(s),
        }
    }

    fn accept(&self, state: &TypoState, byte: u8) -> TypoState {
        match state {
            TypoState::Start if self.words_only && byte.is_ascii_digit() => TypoState::Refused,
            TypoState::Start => TypoState::In(self.dfa.accept(&self.dfa.start(), byte)),
            TypoState::Refused => TypoState::Refused,
            TypoState::In(s) => TypoState::In(self.dfa.accept(s, byte)),
        }
    }
}

/// The terms of `dict` that `automaton` matches, or `None` while pieces are missing (noted).
///
/// Only the blocks the automaton may match are read, all of them in one probe, so that a cold
/// query notes every missing block at once. tantivy's asynchronous reads stop at the first
/// missing block (a round per block) or, merging the gaps between blocks, read the whole
/// dictionary between the first candidate block and the last.
pub(crate) fn matching_terms<'a, A>(dict: &'a TermDictionary, automaton: A) -> Option<TermStreamer<'a, A>>
where
    A: Automaton + 'a,
    A::State: Clone,
{
    match probe(|| dict.search(automaton).into_stream()) {
        (Ok(stream), false) => Some(stream),
        _ => None,
    }
}

/// The postings (document ids) of every term of `inverted` within `automaton`'s typos of
/// `word`, other than `word` itself (see [`TypoQuery`]); `None` while dictionary pieces are
/// missing (noted). What a typo query reads, and so what its warm-up reads ahead.
pub(crate) fn typo_postings(
    inverted: &InvertedIndexReader,
    automaton: &Typos,
    word: &str,
) -> Option<Vec<io::Result<BlockSegmentPostings>>> {
    let mut matches = matching_terms(inverted.terms(), automaton)?;
    let mut out = Vec::new();
    while matches.advance() {
        if matches.key() != word.as_bytes() {
            out.push(inverted.read_block_postings_from_terminfo(matches.value(), IndexRecordOption::Basic));
        }
    }
    Some(out)
}

/// Every document holding a term of `field` within the automaton's typos of a word, other than
/// the word itself; scores a constant, as `FuzzyTermQuery` does.
///
/// The word itself is left to the exact clauses beside it, which always score more: matching it
/// here too decoded its postings once more, in every field (about a tenth of a keystroke's
/// time at 100,000 pages, where the words are common).
#[derive(Clone)]
pub(crate) struct TypoQuery {
    field: Field,
    automaton: Arc<Typos>,
    word: String,
}

impl TypoQuery {
    /// Near matches of `word` in `field` by `automaton` (shared by the fields a word is looked
    /// up in).
    pub fn new(field: Field, automaton: Arc<Typos>, word: &str) -> TypoQuery {
        TypoQuery { field, automaton, word: word.to_string() }
    }
}

impl fmt::Debug for TypoQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypoQuery").field("field", &self.field).field("word", &self.word).finish_non_exhaustive()
    }
}

impl Query for TypoQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for TypoQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inverted = reader.inverted_index(self.field)?;
        // Dictionary pieces missing: they are noted, and the engine asks for them before it
        // answers (see `Engine::search`).
        let Some(matches) = typo_postings(&inverted, &self.automaton, &self.word) else {
            return Ok(Box::new(EmptyScorer));
        };
        if matches.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let mut docs = BitSet::with_max_value(reader.max_doc());
        for postings in matches {
            let mut postings = postings?;
            while !postings.docs().is_empty() {
                for &doc in postings.docs() {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("TypoQuery", scorer.score()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(a: &Typos, term: &str) -> bool {
        let mut state = a.start();
        for b in term.bytes() {
            state = a.accept(&state, b);
        }
        a.is_match(&state)
    }

    #[test]
    fn words_within_the_typos_match_and_numbers_never_do() {
        let a = typo_automaton("empathy", 1).expect("distance 1 is allowed");
        assert!(matches(&a, "empathy"));
        assert!(matches(&a, "emapthy"), "a transposition is one typo");
        assert!(matches(&a, "empath"));
        assert!(!matches(&a, "sympathy"));
        let short = typo_automaton("abc", 1).expect("distance 1 is allowed");
        assert!(matches(&short, "abd"));
        assert!(!matches(&short, "1abc"), "one insertion away, but a number");
        assert!(!matches(&short, "4bc"), "one substitution away, but a number");
        // "Did you mean" corrects numbers against numbers.
        let year = typo_automaton("2o24", 1).expect("distance 1 is allowed");
        assert!(matches(&year, "2024"));
    }
}
