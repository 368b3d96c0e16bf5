//! Query building without tantivy's QueryParser.
//!
//! Free words rank gracefully: every content word adds a fixed amount when it matches
//! (coordination), so sections with all of them come first, then those with most of them, and
//! a query never comes back empty while some content word matches. Question and function
//! words ("how", "my", "should") never have to match and weigh little. Each word is looked up
//! in every field (title and headings boosted), as a stem, with typos, and as a prefix while
//! it is being typed; an exact or stemmed match always outranks a typo. Words near each other
//! rank higher (a phrase query with slop for each pair), and a question-shaped query favours
//! FAQs whose title shares its words. "Quoted phrases" must match.

use std::collections::HashMap;
use std::sync::Arc;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};

use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::analyzer::{analyze, Analyzed};
use crate::concept::{ConceptQuery, Part};
use crate::first_pass::Pruning;
use crate::query_text::{is_stop_word, looks_like_question, split_units, Unit};
use crate::rescore::Bonus;
use crate::schema::Fields;
use crate::synonyms::GROUP_PREFIX;
use crate::terms::{collect_exact, collect_prefixed, near_words};
use crate::typos::{typo_automaton, TypoQuery, Typos};

/// Words of at least this many letters also match with one typo (a transposition is one).
const FUZZY1_MIN_CHARS: usize = 4;
/// Words of at least this many letters also match with two typos.
const FUZZY2_MIN_CHARS: usize = 8;
/// What each matched content word adds, whatever its field: large against BM25 differences, so
/// that matching more of the query's words wins.
const COORD: f32 = 10.0;
/// Share of [`COORD`] a word matched only with typos adds (exact and stemmed matches add all).
const FUZZY_COORD: f32 = 0.6;
/// Share of [`COORD`] a completion of the word being typed adds.
const PREFIX_COORD: f32 = 0.9;
/// Most vocabulary words a misspelled word is corrected to (the most frequent ones).
const MAX_CORRECTIONS: usize = 3;
/// Weight of a corrected word's field scores relative to an exact match.
const CORRECTION_WEIGHT: f32 = 0.3;
/// Weight of a completion of the last word relative to the word itself.
const PREFIX_WEIGHT: f32 = 0.6;
/// Weight of a stop word's score (it counts a little when present).
const STOP_WEIGHT: f32 = 0.2;
/// Score of two neighbouring query words found within [`PROXIMITY_SLOP`] words of each other.
const PROXIMITY_WEIGHT: f32 = 1.5;
/// How far apart two neighbouring query words may be for the proximity bonus.
const PROXIMITY_SLOP: u32 = 3;
/// What each content word in an FAQ's title adds when the query is a question.
const FAQ_WEIGHT: f32 = 4.0;
/// Most completions of the last word kept per field (the most frequent ones).
const PREFIX_MAX_TERMS: usize = 24;
/// Shortest typed prefix that is expanded.
const PREFIX_MIN_CHARS: usize = 2;
/// Longest query looked at, in words: a pasted page must not build a huge query.
const MAX_WORDS: usize = 32;

/// The query's words, at most [`MAX_WORDS`] of them (longer input is cut, not refused).
fn analyze_capped(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Analyzed> {
    let mut tokens = analyze(analyzer, text);
    if let Some(cut) = tokens.iter().filter(|t| !t.is_group).nth(MAX_WORDS).map(|t| t.position) {
        tokens.retain(|t| t.position < cut);
    }
    tokens
}

/// A built query and the terms its snippets should highlight.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    /// `query` in the parts its first pass prunes by; `None` when it cannot (phrases, stop
    /// words only).
    pub pruning: Option<Pruning>,
    /// Small additions to the score (words near each other, stop words), added to the best
    /// documents of `query` only (see [`crate::rescore`]).
    pub bonuses: Vec<Bonus>,
    /// Indexed terms (stems, group tokens, completions) that snippets highlight.
    pub highlight: Vec<String>,
    /// Words matched with typos and their distance, expanded against the body dictionary for
    /// highlighting.
    pub fuzzy: Vec<(String, u8)>,
}

/// One content word (or synonym group) of the query: it adds to the score when it matches.
struct Concept {
    query: ConceptQuery,
    /// Stems and group tokens, for the FAQ title bonus.
    terms: Vec<String>,
    /// Stem of a single word (not a group), for the proximity bonus.
    stem: Option<String>,
}

/// What [`Builder::word`] makes of one word.
struct WordClauses {
    /// Its clauses: field scores, each with its coordination bonus, and typo matches.
    clauses: ConceptQuery,
    /// The word and its typo distance when `clauses` match typos: for the warm-up and the
    /// highlighting of typo matches, wherever the bonuses are kept.
    fuzzy: Option<(String, u8)>,
}

/// Builds the query for `text`; `None` when it holds nothing searchable.
pub(crate) struct Builder<'a> {
    pub fields: Fields,
    pub searcher: &'a Searcher,
    pub analyzer: TextAnalyzer,
}

type Clauses = Vec<(Occur, Box<dyn Query>)>;

impl Builder<'_> {
    pub fn build(&mut self, text: &str, kind: Option<&str>) -> Option<Plan> {
        let mut plan = Plan {
            query: Box::new(BooleanQuery::new(vec![])),
            pruning: None,
            bonuses: vec![],
            highlight: vec![],
            fuzzy: vec![],
        };
        let mut concepts: Vec<Concept> = Vec::new();
        let mut stops: Vec<String> = Vec::new();
        let mut phrases: Clauses = Vec::new();
        for unit in split_units(text) {
            match unit {
                Unit::Words { text, prefix } => self.words(&text, prefix, &mut concepts, &mut stops, &mut plan),
                Unit::Phrase(text) => self.phrase(&text, &mut phrases, &mut plan),
            }
        }
        let prunable = phrases.is_empty();
        let mut clauses: Clauses = phrases;
        let mut pruning = None;
        if concepts.is_empty() {
            let stops: Clauses = stops.iter().map(|s| (Occur::Should, self.term_everywhere(s, STOP_WEIGHT))).collect();
            if clauses.is_empty() && !stops.is_empty() {
                // Only stop words: any of them may match.
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(stops))));
            } else {
                clauses.extend(stops);
            }
        } else {
            // A stop word's score is a tie-breaker: no bound worth using (see `rescore`).
            plan.bonuses
                .extend(stops.iter().map(|s| Bonus { query: self.term_everywhere(s, STOP_WEIGHT), most: None }));
            plan.bonuses.extend(self.proximity(&concepts));
            let faq = looks_like_question(text).then(|| self.faq_bonus(&concepts));
            let any: Clauses = concepts.iter().map(|c| (Occur::Should, Box::new(c.query.clone()) as _)).collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            clauses.extend(faq.iter().map(|q| (Occur::Should, q.box_clone())));
            if prunable {
                let concepts = concepts.into_iter().map(|c| c.query).collect();
                pruning = Some(Pruning { concepts, extras: faq.into_iter().collect(), filters: vec![] });
            }
        }
        if clauses.is_empty() {
            return None;
        }
        if let Some(k) = kind.filter(|k| !k.is_empty()) {
            let term = TermQuery::new(Term::from_field_text(self.fields.kind, k), IndexRecordOption::Basic);
            let only: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), 0.0));
            if let Some(p) = pruning.as_mut() {
                p.filters.push(only.box_clone());
            }
            clauses.push((Occur::Must, only));
        }
        plan.query = Box::new(BooleanQuery::new(clauses));
        plan.pruning = pruning;
        Some(plan)
    }

    /// Free words: one concept per content word or synonym group; stop words only add a little.
    fn words(
        &mut self,
        text: &str,
        prefix: bool,
        concepts: &mut Vec<Concept>,
        stops: &mut Vec<String>,
        plan: &mut Plan,
    ) {
        let tokens = analyze_capped(&mut self.analyzer, text);
        let last_pos = tokens.iter().filter(|t| !t.is_group).map(|t| t.position).max();
        let typing = |t: &Analyzed| prefix && Some(t.position) == last_pos;
        let mut covered = std::collections::HashSet::new();
        for g in tokens.iter().filter(|t| t.is_group) {
            let members: Vec<&Analyzed> = tokens
                .iter()
                .filter(|t| !t.is_group && t.position >= g.position && t.position < g.position + g.span)
                .collect();
            covered.extend(members.iter().map(|t| t.position));
            plan.highlight.push(g.term.clone());
            // A group stands for all the words of the member typed ("walked out"): it counts as many.
            let worth = COORD * members.len().max(1) as f32;
            let mut concept = ConceptQuery::default();
            for (field, boost) in self.fields.weighted_groups() {
                push_scored(&mut concept, field, &g.term, boost, worth);
            }
            let mut terms = vec![g.term.clone()];
            for m in &members {
                let w = self.word(m, typing(m), plan);
                terms.push(m.term.clone());
                // A lone word of a longer member ("out" of "walks out") is not the concept.
                if members.len() == 1 {
                    concept.extend(w.clauses);
                    plan.fuzzy.extend(w.fuzzy);
                } else {
                    concept.extend_scores(w.clauses);
                }
            }
            let stem = (members.len() == 1 && !is_stop_word(&members[0].raw)).then(|| members[0].term.clone());
            concepts.push(Concept { query: concept, terms, stem });
        }
        for t in tokens.iter().filter(|t| !t.is_group && !covered.contains(&t.position)) {
            // A stop word being typed may be the start of a content word ("the" of "therapy").
            let completing = typing(t) && t.raw.chars().count() >= PREFIX_MIN_CHARS;
            if is_stop_word(&t.raw) && !completing {
                if typing(t) {
                    plan.highlight.push(t.term.clone());
                }
                stops.push(t.term.clone());
                continue;
            }
            let w = self.word(t, typing(t), plan);
            plan.fuzzy.extend(w.fuzzy);
            concepts.push(Concept {
                query: w.clauses,
                terms: vec![t.term.clone()],
                stem: (!is_stop_word(&t.raw)).then(|| t.term.clone()),
            });
        }
    }

    /// One word in every field: its field scores (exact BM25, corrections, completions when
    /// being typed) and typo matches, each with its coordination bonus (the largest counts).
    fn word(&mut self, t: &Analyzed, prefix: bool, plan: &mut Plan) -> WordClauses {
        let mut clauses = ConceptQuery::default();
        let distance = if is_stop_word(&t.raw) { 0 } else { typo_distance(&t.raw) };
        if !is_stop_word(&t.raw) || prefix {
            plan.highlight.push(t.term.clone());
        }
        // Typos are matched on stems (`TypoQuery`) and, since the stem of a misspelled word
        // can be far from the right one ("mindfulnes" -> "mindfuln", not "mind"), also by
        // correcting the word as written against the vocabulary and searching for its stems.
        let corrected = if distance > 0 { self.corrections(t, distance) } else { Vec::new() };
        plan.highlight.extend(corrected.iter().cloned());
        for c in &corrected {
            let fields =
                if c.starts_with(GROUP_PREFIX) { self.fields.weighted_groups() } else { self.fields.weighted() };
            for (field, boost) in fields {
                push_scored(&mut clauses, field, c, boost * CORRECTION_WEIGHT, typo_coord(boost));
            }
        }
        // One typo automaton per distance, shared by the fields that allow it.
        let mut automata: HashMap<u8, Option<Arc<Typos>>> = HashMap::new();
        for (field, boost) in self.fields.weighted() {
            push_scored(&mut clauses, field, &t.term, boost, COORD);
            // Typo matches score a constant (a share of coordination, a little more in higher
            // fields).
            let distance = distance.min(self.fields.typo_limit(field));
            if distance > 0 {
                let automaton =
                    automata.entry(distance).or_insert_with(|| typo_automaton(&t.term, distance).map(Arc::new));
                if let Some(a) = automaton {
                    let q = Box::new(TypoQuery::new(field, a.clone(), &t.term));
                    clauses.push(q, Part { scored: false, coord: typo_coord(boost), boost: 0.0 });
                }
            }
            if prefix {
                for c in self.completions(field, t) {
                    push_scored(&mut clauses, field, &c, boost * PREFIX_WEIGHT, COORD * PREFIX_COORD);
                    if field == self.fields.body {
                        plan.highlight.push(c);
                    }
                }
            }
        }
        let fuzzy = (distance > 0).then(|| (t.term.clone(), distance));
        WordClauses { clauses, fuzzy }
    }

    /// A bonus for each pair of neighbouring content words found close together in one field.
    fn proximity(&self, concepts: &[Concept]) -> Vec<Bonus> {
        let stems: Vec<&String> = concepts.iter().filter_map(|c| c.stem.as_ref()).collect();
        if stems.len() < 2 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for pair in stems.windows(2).filter(|p| p[0] != p[1]) {
            for field in [self.fields.title, self.fields.heading, self.fields.summary, self.fields.body] {
                let terms =
                    vec![(0, Term::from_field_text(field, pair[0])), (1, Term::from_field_text(field, pair[1]))];
                let phrase = PhraseQuery::new_with_offset_and_slop(terms, PROXIMITY_SLOP);
                let query = Box::new(ConstScoreQuery::new(Box::new(phrase), PROXIMITY_WEIGHT));
                out.push(Bonus { query, most: Some(PROXIMITY_WEIGHT) });
            }
        }
        out
    }

    /// For a question: FAQs whose title (or answer summary) shares the query's content words.
    fn faq_bonus(&self, concepts: &[Concept]) -> Box<dyn Query> {
        let mut shared: Clauses = Vec::new();
        for term in concepts.iter().flat_map(|c| &c.terms) {
            let (title, summary) = if term.starts_with(GROUP_PREFIX) {
                (self.fields.title_groups, self.fields.summary)
            } else {
                (self.fields.title, self.fields.summary)
            };
            shared.push((Occur::Should, constant(title, term, FAQ_WEIGHT)));
            shared.push((Occur::Should, constant(summary, term, FAQ_WEIGHT / 4.0)));
        }
        let faq = TermQuery::new(Term::from_field_text(self.fields.kind, "faq"), IndexRecordOption::Basic);
        let both: Clauses = vec![
            (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(faq), 0.0))),
            (Occur::Must, Box::new(BooleanQuery::new(shared))),
        ];
        Box::new(BooleanQuery::new(both))
    }

    /// A "quoted phrase": the words in order in one positional field, or its synonym group.
    fn phrase(&mut self, text: &str, clauses: &mut Clauses, plan: &mut Plan) {
        let tokens = analyze_capped(&mut self.analyzer, text);
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
        let first = words[0].position;
        let mut any: Clauses = Vec::new();
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

    /// Stems (and synonym groups) of the vocabulary words within `distance` typos of the word
    /// as written, other than its own stem, most frequent first.
    fn corrections(&mut self, t: &Analyzed, distance: u8) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let near = near_words(self.searcher, self.fields.vocab, &t.raw, distance);
        for (_, word) in near.into_iter().take(MAX_CORRECTIONS) {
            for a in analyze(&mut self.analyzer, &word) {
                if a.term != t.term && !out.contains(&a.term) {
                    out.push(a.term);
                }
            }
        }
        out
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

/// Adds `text` in `field` to `concept`, scored at `boost` and adding `coord` where it matches.
/// The boost goes both into the query and into the `Part` that bounds what the clause scores
/// (see `first_pass`), so the two cannot differ.
fn push_scored(concept: &mut ConceptQuery, field: Field, text: &str, boost: f32, coord: f32) {
    concept.push(boosted(term_query(field, text), boost), Part { scored: true, coord, boost });
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

/// `score` for every document with `text` in `field`, however often.
fn constant(field: Field, text: &str, score: f32) -> Box<dyn Query> {
    let q = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(q), score))
}

/// The coordination bonus of a typo match in a field of `boost`: a little more in a higher
/// field, and always less than [`COORD`], which an exact match earns (`TypoQuery` relies on it).
fn typo_coord(boost: f32) -> f32 {
    COORD * FUZZY_COORD * (1.0 + 0.02 * boost)
}

/// Typos a word of this many letters may have: none when short, one from
/// [`FUZZY1_MIN_CHARS`], two from [`FUZZY2_MIN_CHARS`]; none in a word with a digit (a year
/// or a scale's number is what it is: 2013 is not 2012).
pub(crate) fn typo_distance(raw: &str) -> u8 {
    if raw.chars().any(|c| c.is_ascii_digit()) {
        return 0;
    }
    match raw.chars().count() {
        n if n >= FUZZY2_MIN_CHARS => 2,
        n if n >= FUZZY1_MIN_CHARS => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_match_earns_less_than_an_exact_one_in_every_field() {
        let fields = Fields::of(&crate::schema::schema()).expect("the schema's own fields");
        for (_, boost) in fields.weighted() {
            assert!(typo_coord(boost) < COORD, "boost {boost}");
        }
    }

    #[test]
    fn words_with_digits_take_no_typos() {
        assert_eq!(typo_distance("2013"), 0);
        assert_eq!(typo_distance("phq9"), 0);
        assert_eq!(typo_distance("empathy"), 1);
        assert_eq!(typo_distance("alliances"), 2);
    }
}
