//! Query building without tantivy's QueryParser: words must all match (each in any field,
//! title and headings boosted), "quoted phrases", typo tolerance, synonyms, and the last word
//! as a prefix for search-as-you-type.

use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::analyzer::{analyze, Analyzed};
use crate::schema::Fields;
use crate::synonyms::GROUP_PREFIX;

/// Words of at least this many letters also match with one typo.
const FUZZY_MIN_CHARS: usize = 5;
/// Weight of a typo-tolerant match relative to an exact one (fuzzy scores are constant).
const FUZZY_WEIGHT: f32 = 0.3;
/// Weight of a completion of the last word relative to the word itself.
const PREFIX_WEIGHT: f32 = 0.6;
/// Most completions of the last word kept per field (the most frequent ones).
const PREFIX_MAX_TERMS: usize = 24;
/// Shortest typed prefix that is expanded.
const PREFIX_MIN_CHARS: usize = 2;

/// Words that never have to match (they still count when present).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "in", "is", "it",
    "of", "on", "or", "the", "to", "what", "when", "why", "with",
];

/// One part of the query as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Free words; `prefix` when the query's last word is in here and still being typed.
    Words { text: String, prefix: bool },
    /// A "quoted phrase" (an unterminated quote runs to the end).
    Phrase(String),
}

/// Splits a query into free-word runs and quoted phrases.
pub(crate) fn split_units(query: &str) -> Vec<Unit> {
    let mut units = Vec::new();
    for (i, part) in query.split('"').enumerate() {
        if part.trim().is_empty() {
            continue;
        }
        if i % 2 == 1 {
            units.push(Unit::Phrase(part.to_string()));
        } else {
            units.push(Unit::Words { text: part.to_string(), prefix: false });
        }
    }
    // Only a word that the query ends with, with no space or quote after it, is being typed.
    let typing = query.chars().last().is_some_and(|c| c.is_alphanumeric());
    let quotes_closed = query.matches('"').count().is_multiple_of(2);
    if let (true, true, Some(Unit::Words { prefix, .. })) = (typing, quotes_closed, units.last_mut()) {
        *prefix = true;
    }
    units
}

/// True when `query` has a "quoted phrase" of two or more words: only those need word
/// positions (a one-word phrase is a plain term).
pub(crate) fn has_phrase(analyzer: &mut TextAnalyzer, query: &str) -> bool {
    split_units(query).into_iter().any(|u| match u {
        Unit::Phrase(text) => analyze(analyzer, &text).iter().filter(|t| !t.is_group).count() > 1,
        Unit::Words { .. } => false,
    })
}

/// A built query and the terms its snippets should highlight.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    /// Indexed terms (stems, group tokens, completions) that snippets highlight.
    pub highlight: Vec<String>,
    /// Words matched with one typo, expanded against the body dictionary for highlighting.
    pub fuzzy: Vec<String>,
    /// A phrase needs word positions that are not loaded: the query must not run yet.
    pub needs_positions: bool,
}

/// Builds the query for `text`; `None` when it holds nothing searchable.
pub(crate) struct Builder<'a> {
    pub fields: Fields,
    pub searcher: &'a Searcher,
    pub analyzer: TextAnalyzer,
    /// Whether word positions are loaded (phrases need them).
    pub positions: bool,
}

impl Builder<'_> {
    pub fn build(&mut self, text: &str, kind: Option<&str>) -> Option<Plan> {
        let mut plan = Plan {
            query: Box::new(BooleanQuery::new(vec![])),
            highlight: vec![],
            fuzzy: vec![],
            needs_positions: false,
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for unit in split_units(text) {
            match unit {
                Unit::Words { text, prefix } => self.words(&text, prefix, &mut clauses, &mut plan),
                Unit::Phrase(text) => self.phrase(&text, &mut clauses, &mut plan),
            }
        }
        if clauses.is_empty() {
            return None;
        }
        if clauses.iter().all(|(o, _)| *o == Occur::Should) {
            // Only stop words: let any of them match.
            clauses.iter_mut().for_each(|c| c.0 = Occur::Should);
        }
        if let Some(k) = kind.filter(|k| !k.is_empty()) {
            let term = TermQuery::new(Term::from_field_text(self.fields.kind, k), IndexRecordOption::Basic);
            clauses.push((Occur::Must, Box::new(BoostQuery::new(Box::new(term), 0.0))));
        }
        plan.query = Box::new(BooleanQuery::new(clauses));
        Some(plan)
    }

    /// Free words: each must match (stop words may), synonym groups match as a whole.
    fn words(&mut self, text: &str, prefix: bool, clauses: &mut Vec<(Occur, Box<dyn Query>)>, plan: &mut Plan) {
        let tokens = analyze(&mut self.analyzer, text);
        let last_pos = tokens.iter().filter(|t| !t.is_group).map(|t| t.position).max();
        let mut covered = std::collections::HashSet::new();
        for g in tokens.iter().filter(|t| t.is_group) {
            let members: Vec<&Analyzed> = tokens
                .iter()
                .filter(|t| !t.is_group && t.position >= g.position && t.position < g.position + g.span)
                .collect();
            let literal: Vec<(Occur, Box<dyn Query>)> = members
                .iter()
                .map(|t| (Occur::Must, self.word(t, prefix && Some(t.position) == last_pos, plan)))
                .collect();
            covered.extend(members.iter().map(|t| t.position));
            plan.highlight.push(g.term.clone());
            let either: Vec<(Occur, Box<dyn Query>)> = vec![
                (Occur::Should, self.term_everywhere(&g.term, 1.0)),
                (Occur::Should, Box::new(BooleanQuery::new(literal))),
            ];
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
        }
        for t in tokens.iter().filter(|t| !t.is_group && !covered.contains(&t.position)) {
            let occur = if STOP_WORDS.contains(&t.raw.as_str()) { Occur::Should } else { Occur::Must };
            clauses.push((occur, self.word(t, prefix && Some(t.position) == last_pos, plan)));
        }
    }

    /// One word in every field: exact (BM25), one typo, and completions when being typed.
    fn word(&mut self, t: &Analyzed, prefix: bool, plan: &mut Plan) -> Box<dyn Query> {
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let fuzzy = t.raw.chars().count() >= FUZZY_MIN_CHARS;
        plan.highlight.push(t.term.clone());
        if fuzzy {
            plan.fuzzy.push(t.term.clone());
        }
        for (field, boost) in self.fields.weighted() {
            any.push((Occur::Should, boosted(term_query(field, &t.term), boost)));
            if fuzzy {
                let q = FuzzyTermQuery::new(Term::from_field_text(field, &t.term), 1, true);
                any.push((Occur::Should, boosted(Box::new(q), boost * FUZZY_WEIGHT)));
            }
            if prefix {
                for c in self.completions(field, t) {
                    any.push((Occur::Should, boosted(term_query(field, &c), boost * PREFIX_WEIGHT)));
                    if field == self.fields.body {
                        plan.highlight.push(c);
                    }
                }
            }
        }
        Box::new(BooleanQuery::new(any))
    }

    /// A "quoted phrase": the words in order in one positional field, or its synonym group.
    fn phrase(&mut self, text: &str, clauses: &mut Vec<(Occur, Box<dyn Query>)>, plan: &mut Plan) {
        let tokens = analyze(&mut self.analyzer, text);
        let words: Vec<&Analyzed> = tokens.iter().filter(|t| !t.is_group).collect();
        match words.as_slice() {
            [] => return,
            [one] => {
                plan.highlight.push(one.term.clone());
                clauses.push((Occur::Must, self.term_everywhere(&one.term, 1.0)));
                return;
            }
            _ => {}
        }
        plan.needs_positions |= !self.positions;
        let first = words[0].position;
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.fields.weighted() {
            if !self.fields.has_positions(field) {
                continue;
            }
            let terms: Vec<(usize, Term)> =
                words.iter().map(|t| (t.position - first, Term::from_field_text(field, &t.term))).collect();
            any.push((Occur::Should, boosted(Box::new(PhraseQuery::new_with_offset(terms)), boost)));
        }
        for w in &words {
            plan.highlight.push(w.term.clone());
        }
        // The phrase is one member of a synonym group: the other members match too.
        for g in tokens.iter().filter(|t| t.is_group && t.position == first && t.span == words.len()) {
            plan.highlight.push(g.term.clone());
            any.push((Occur::Should, self.term_everywhere(&g.term, 1.0)));
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }

    /// An exact term (a word or a group token) in every weighted field.
    fn term_everywhere(&self, term: &str, weight: f32) -> Box<dyn Query> {
        let fields =
            if term.starts_with(GROUP_PREFIX) { self.fields.weighted_groups() } else { self.fields.weighted() };
        let any = fields.into_iter().map(|(f, b)| (Occur::Should, boosted(term_query(f, term), b * weight))).collect();
        Box::new(BooleanQuery::new(any))
    }

    /// Indexed terms of `field` that complete the word being typed, most frequent first.
    ///
    /// The stem of a half-typed word can be longer than the stem of the whole word
    /// ("therapeuti" vs "therapeut"), so the typed text minus up to three letters is tried too.
    fn completions(&self, field: Field, t: &Analyzed) -> Vec<String> {
        let mut prefixes: Vec<&str> = vec![t.term.as_str()];
        if t.raw != t.term && t.raw.is_ascii() {
            prefixes.push(&t.raw);
        }
        let mut found: Vec<(u64, String)> = Vec::new();
        for p in prefixes.iter().filter(|p| p.chars().count() >= PREFIX_MIN_CHARS) {
            collect_prefixed(self.searcher, field, p, &mut found);
        }
        if t.raw.is_ascii() {
            for cut in 1..=3 {
                if t.raw.len() > cut + 3 {
                    collect_exact(self.searcher, field, &t.raw[..t.raw.len() - cut], &mut found);
                }
            }
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, term) in found {
            if term != t.term && !out.contains(&term) && out.len() < PREFIX_MAX_TERMS {
                out.push(term);
            }
        }
        out
    }
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

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

/// Adds `term` if `field` holds it.
fn collect_exact(searcher: &Searcher, field: Field, term: &str, out: &mut Vec<(u64, String)>) {
    let t = Term::from_field_text(field, term);
    if let Ok(n) = searcher.doc_freq(&t) {
        if n > 0 {
            out.push((n, term.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_and_phrases() {
        assert_eq!(
            split_units(r#"alliance "working together" rupt"#),
            [
                Unit::Words { text: "alliance ".into(), prefix: false },
                Unit::Phrase("working together".into()),
                Unit::Words { text: " rupt".into(), prefix: true },
            ]
        );
    }

    #[test]
    fn a_trailing_space_or_open_quote_ends_the_prefix() {
        assert_eq!(split_units("empathy "), [Unit::Words { text: "empathy ".into(), prefix: false }]);
        assert_eq!(split_units("\"empath"), [Unit::Phrase("empath".into())]);
    }
}
