//! Warm-up: before a query runs, read what it will read, so that every missing piece is asked
//! for in one round instead of one round per read.
//!
//! This is Quickwit's way with tantivy: an asynchronous warm-up of the byte ranges a query needs
//! (tantivy's `warm_postings` for each term, from its `quickwit` feature), then tantivy's
//! synchronous search over them. Here the warm-up futures are polled once: a read of a missing
//! piece never finishes (see `split::LazyFile::read_bytes_async`), so each future runs until its
//! first missing piece and notes it. Typo-tolerant words probe their dictionary blocks instead
//! (see [`crate::typos::matching_terms`]). The engine hands the list to the browser, which
//! fetches the pieces and asks again.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::query::Plan;
use crate::schema::Fields;
use crate::typos::{typo_automaton, typo_postings, Typos};

type Task<'a> = Pin<Box<dyn Future<Output = io::Result<bool>> + 'a>>;

/// Reads ahead what `plan` will read, noting every missing piece.
pub(crate) fn warm_query(searcher: &Searcher, plan: &Plan, fields: &Fields) {
    let mut terms: Vec<(Term, bool)> = Vec::new();
    for query in std::iter::once(&plan.query).chain(plan.bonuses.iter().map(|b| &b.query)) {
        query.query_terms(&mut |term, positions| terms.push((term.clone(), positions)));
    }
    terms.sort();
    terms.dedup();
    // The typo automata of the query: each misspellable word in each field, at that field's
    // limit; most fields share a limit, and so an automaton.
    let mut built: HashMap<(&str, u8), Option<Typos>> = HashMap::new();
    let mut automata: Vec<(Field, (&str, u8))> = Vec::new();
    for (field, _) in fields.weighted() {
        for (word, distance) in &plan.fuzzy {
            let distance = (*distance).min(fields.typo_limit(field));
            if distance > 0 {
                built.entry((word, distance)).or_insert_with(|| typo_automaton(word, distance));
                automata.push((field, (word, distance)));
            }
        }
    }
    let mut tasks: Vec<Task> = Vec::new();
    for segment in searcher.segment_readers() {
        for (term, positions) in &terms {
            let Ok(inverted) = segment.inverted_index(term.field()) else { continue };
            tasks.push(Box::pin(async move { inverted.warm_postings(term, *positions).await }));
        }
        // Not tantivy's `warm_postings_automaton`: made for object storage, it reads everything
        // between two wanted ranges less than 4 MiB apart (the whole of a large dictionary).
        for (field, key) in &automata {
            let (Some(Some(dfa)), Ok(inverted)) = (built.get(key), segment.inverted_index(*field)) else { continue };
            // Read (or noted missing) here; the query reads the same again once they are loaded.
            let _ = typo_postings(&inverted, dfa, key.0);
        }
    }
    poll_once(tasks);
    // Field norms: read by the BM25 scorer of each field whose term the segment holds.
    for segment in searcher.segment_readers() {
        let mut norms: BTreeSet<Field> = BTreeSet::new();
        for (term, _) in &terms {
            let found = segment.inverted_index(term.field()).ok().and_then(|i| i.get_term_info(term).ok().flatten());
            if found.is_some() {
                norms.insert(term.field());
            }
        }
        for field in norms {
            let _ = segment.get_fieldnorms_reader(field);
        }
    }
}

/// Polls each task once; those waiting on a missing piece are dropped (the piece is noted).
fn poll_once(tasks: Vec<Task>) {
    for task in tasks {
        // Finished or not, the outcome is not needed: a failed read fails the query itself again.
        let _ = poll_ready(task);
    }
}

/// Polls `future` once: its output, or `None` while it waits on a missing piece (noted).
fn poll_ready<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match std::pin::pin!(future).poll(&mut cx) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}
