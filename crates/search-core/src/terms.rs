//! Reading an index's term dictionaries: every term with a prefix, terms a few typos away,
//! and whether a term is there at all (for prefix completion, typo correction, did-you-mean).

use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::typos::{matching_terms, typo_automaton};

/// Adds every term of `field` starting with `prefix`, with its document frequency.
pub(crate) fn collect_prefixed(searcher: &Searcher, field: Field, prefix: &str, out: &mut Vec<(u64, String)>) {
    let mut upper = prefix.as_bytes().to_vec();
    // The smallest string greater than every string starting with `prefix`.
    while let Some(last) = upper.pop() {
        if last < 0xff {
            upper.push(last + 1);
            break;
        }
    }
    for reader in searcher.segment_readers() {
        let Ok(inverted) = reader.inverted_index(field) else { continue };
        let dict = inverted.terms();
        let range = dict.range().ge(prefix.as_bytes());
        let range = if upper.is_empty() { range } else { range.lt(&upper) };
        let Ok(mut stream) = range.into_stream() else { continue };
        while stream.advance() {
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                out.push((u64::from(stream.value().doc_freq), s.to_string()));
            }
        }
    }
}

/// Terms of `field` within `distance` typos of `word` (a transposition is one), other than
/// `word` itself, most frequent first.
pub(crate) fn near_words(searcher: &Searcher, field: Field, word: &str, distance: u8) -> Vec<(u64, String)> {
    let Some(automaton) = typo_automaton(word, distance) else { return Vec::new() };
    let mut found: Vec<(u64, String)> = Vec::new();
    for reader in searcher.segment_readers() {
        let Ok(inverted) = reader.inverted_index(field) else { continue };
        let Some(mut stream) = matching_terms(inverted.terms(), &automaton) else { continue };
        while stream.advance() {
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                if s != word {
                    found.push((u64::from(stream.value().doc_freq), s.to_string()));
                }
            }
        }
    }
    // The same word from several segments: add up its counts.
    found.sort_by(|a, b| a.1.cmp(&b.1));
    let mut merged: Vec<(u64, String)> = Vec::new();
    for (n, w) in found {
        match merged.last_mut() {
            Some(last) if last.1 == w => last.0 += n,
            _ => merged.push((n, w)),
        }
    }
    merged.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    merged
}

/// Adds `term` if `field` holds it.
pub(crate) fn collect_exact(searcher: &Searcher, field: Field, term: &str, out: &mut Vec<(u64, String)>) {
    let t = Term::from_field_text(field, term);
    if let Ok(n) = searcher.doc_freq(&t) {
        if n > 0 {
            out.push((n, term.to_string()));
        }
    }
}
