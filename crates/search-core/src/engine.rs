//! Opens a split index (native or in the browser) and answers queries.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tantivy::schema::document::{
    DeserializeError, DocumentDeserialize, DocumentDeserializer, ValueDeserialize, ValueDeserializer, ValueVisitor,
};
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, IndexReader, Term};

use crate::first_pass::Ranked;
use crate::pieces::{Pieces, SharedPieces};
use crate::query::{Builder, Plan};
use crate::rescore::top_k;
use crate::schema::Fields;
use crate::split::{open_reader, LazyDirectory, SplitIndex};
use crate::typos::{matching_terms, typo_automaton};
use crate::{analyzer, SearchError, Synonyms, SNIPPET_CHARS};

/// At most this many sections of one page are listed, so one long page cannot fill the list.
const MAX_PER_PAGE: usize = 2;
/// Most "did you mean" queries offered.
const MAX_SUGGESTIONS: usize = 3;
/// Words of a query looked at for suggestions.
const MAX_SUGGEST_WORDS: usize = 8;

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchParams {
    pub query: String,
    /// Only documents of this kind (empty or `None` for all).
    pub kind: Option<String>,
    pub limit: usize,
}

/// One result: a page section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub title: String,
    /// Section heading; empty for the top of the page.
    pub heading: String,
    /// Root-relative URL with the section anchor.
    pub url: String,
    pub kind: String,
    pub kind_label: String,
    pub score: f32,
    /// HTML: matched words in `<mark>`, everything else escaped. Empty until
    /// [`Engine::snippets`] has seen the section's text.
    pub snippet: String,
    pub summary: String,
    /// Where the section's body text is: chunk file number and slot in it.
    pub chunk: u64,
    pub slot: u64,
}

/// Text of one hit, for its snippet.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SnippetInput {
    pub body: String,
    pub summary: String,
}

/// An opened index with its analyzer registered; read-only, single-threaded, never reloaded.
///
/// The index is read through a [`LazyDirectory`]: the hot part is there from the start, the
/// pieces come as they are added. Every query method returns [`SearchError::Missing`] with the
/// pieces it needs when a read found one missing: add them ([`Engine::add_piece`]) and ask again.
pub struct Engine {
    reader: IndexReader,
    fields: Fields,
    /// The query analyzer (words and synonym groups).
    analyzer: TextAnalyzer,
    pieces: SharedPieces,
    /// The length of each piece, to refuse a damaged one.
    piece_lens: Vec<usize>,
    /// The last query's ranked documents, kept while their stored fields are being loaded, so
    /// the round that brings them does not rank again.
    ranked: Mutex<Option<(SearchParams, Ranked)>>,
}

impl Engine {
    /// Opens an index from its hot blob (`hot.bin`); pieces are added as queries need them.
    pub fn open(hot: &[u8]) -> Result<Engine, SearchError> {
        let pieces = SharedPieces::default();
        let opened = LazyDirectory::open(hot, &pieces)?;
        let synonyms =
            Synonyms::parse(&opened.synonyms).map_err(|errs| SearchError::BadPack(format!("synonyms: {}", errs[0])))?;
        let synonyms = Arc::new(synonyms);
        let analyzer = analyzer(synonyms.clone());
        let (reader, fields) = open_reader(opened.dir, &synonyms)?;
        Ok(Engine { reader, fields, analyzer, pieces, piece_lens: opened.piece_lens, ranked: Mutex::default() })
    }

    /// Opens a split index with every piece at hand (the terminal, tests).
    pub fn open_whole(split: &SplitIndex) -> Result<Engine, SearchError> {
        let engine = Engine::open(&split.hot)?;
        for (n, piece) in split.pieces.iter().enumerate() {
            engine.add_piece(n as u32, piece.clone())?;
        }
        Ok(engine)
    }

    /// Adds piece `n` of the index (`pieces/N.bin`); a piece of the wrong length is refused.
    pub fn add_piece(&self, n: u32, bytes: Vec<u8>) -> Result<(), SearchError> {
        match self.piece_lens.get(n as usize) {
            Some(&len) if len == bytes.len() => {
                Pieces::add(&self.pieces, n, bytes);
                Ok(())
            }
            Some(len) => Err(SearchError::BadPack(format!("piece {n} has {} bytes, not {len}", bytes.len()))),
            None => Err(SearchError::BadPack(format!("no piece {n} in an index of {}", self.piece_lens.len()))),
        }
    }

    /// Runs `op`; when it read from a missing piece (even where it went on without it), the
    /// answer may be incomplete: [`SearchError::Missing`] names the pieces to add first.
    fn attempt<T>(&self, op: impl FnOnce() -> Result<T, SearchError>) -> Result<T, SearchError> {
        Pieces::take_missing(&self.pieces);
        let out = op();
        let missing = Pieces::take_missing(&self.pieces);
        if missing.is_empty() {
            out
        } else {
            Err(SearchError::Missing(missing))
        }
    }

    /// The best sections for `p.query`, best first, without snippets.
    pub fn search(&self, p: &SearchParams) -> Result<Vec<Hit>, SearchError> {
        self.attempt(|| self.search_loaded(p))
    }

    /// [`Engine::search`] over the pieces loaded so far.
    fn search_loaded(&self, p: &SearchParams) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let limit = p.limit.max(1);
        let kept = self.ranked.lock().unwrap_or_else(PoisonError::into_inner).take().filter(|(q, _)| q == p);
        let top = match kept {
            Some((_, top)) => top,
            None => {
                let Some(plan) = self.plan(&searcher, &p.query, p.kind.as_deref()) else { return Ok(Vec::new()) };
                let top = top_k(&searcher, plan.query.as_ref(), plan.pruning.as_ref(), &plan.bonuses, limit * 3 + 10);
                if Pieces::has_missing(&self.pieces) {
                    // Read ahead all the query will read, so the next round brings every missing
                    // piece at once (the search stopped at its first); skipped while the pieces
                    // are at hand.
                    crate::warm::warm_query(&searcher, &plan, &self.fields);
                    return Ok(Vec::new());
                }
                top?
            }
        };
        // The stored fields of the likely hits, in one round.
        for (_, addr) in top.iter().take(limit) {
            let _ = searcher.doc::<StoredDoc>(*addr);
        }
        if Pieces::has_missing(&self.pieces) {
            *self.ranked.lock().unwrap_or_else(PoisonError::into_inner) = Some((p.clone(), top));
            return Ok(Vec::new());
        }
        let mut hits = Vec::with_capacity(limit);
        let mut per_page: BTreeMap<String, usize> = BTreeMap::new();
        for (score, addr) in top {
            let hit = self.hit(&searcher, score, addr)?;
            let page = hit.url.split('#').next().unwrap_or_default().to_string();
            let seen = per_page.entry(page).or_insert(0);
            *seen += 1;
            if *seen <= MAX_PER_PAGE {
                hits.push(hit);
            }
            if hits.len() == limit {
                break;
            }
        }
        Ok(hits)
    }

    /// Snippets for `query`, one per input: the best passage of the body with matched words in
    /// `<mark>`, else of the summary, else the start of the text; always HTML-escaped.
    pub fn snippets(&self, query: &str, inputs: &[SnippetInput]) -> Result<Vec<String>, SearchError> {
        self.attempt(|| {
            let searcher = self.reader.searcher();
            let terms =
                self.plan(&searcher, query, None).map(|p| self.highlight_terms(&searcher, &p)).unwrap_or_default();
            let mut gen = SnippetGenerator::new(terms, self.analyzer.clone(), self.fields.body, SNIPPET_CHARS);
            gen.set_max_num_chars(SNIPPET_CHARS);
            Ok(inputs.iter().map(|i| snippet(&gen, i)).collect())
        })
    }

    /// Search and snippets in one go, for callers that have every piece and the texts at hand.
    pub fn search_with_text(&self, p: &SearchParams, text: impl Fn(&Hit) -> String) -> Result<Vec<Hit>, SearchError> {
        let mut hits = self.search(p)?;
        self.fill_snippets(&p.query, &mut hits, text)?;
        Ok(hits)
    }

    /// Sets each hit's snippet for `query` from its section text (`text`) and summary.
    pub fn fill_snippets(
        &self,
        query: &str,
        hits: &mut [Hit],
        text: impl Fn(&Hit) -> String,
    ) -> Result<(), SearchError> {
        let inputs: Vec<SnippetInput> =
            hits.iter().map(|h| SnippetInput { body: text(h), summary: h.summary.clone() }).collect();
        for (h, s) in hits.iter_mut().zip(self.snippets(query, &inputs)?) {
            h.snippet = s;
        }
        Ok(())
    }

    /// "Did you mean": for a query that found nothing, up to [`MAX_SUGGESTIONS`] queries with
    /// its unknown words replaced by near words of the index's own vocabulary (titles,
    /// headings, aliases, tags, summaries), each of which finds something.
    pub fn suggest(&self, query: &str, kind: Option<&str>) -> Result<Vec<String>, SearchError> {
        self.attempt(|| Ok(self.suggest_loaded(query, kind)))
    }

    fn suggest_loaded(&self, query: &str, kind: Option<&str>) -> Vec<String> {
        let searcher = self.reader.searcher();
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_SUGGEST_WORDS)
            .map(str::to_lowercase)
            .collect();
        // For each word, the words to try in its place: itself when it is known or a stop word.
        let options: Vec<Vec<String>> = words
            .iter()
            .map(|w| {
                if crate::query_text::is_stop_word(w) || w.chars().count() < 3 || self.in_vocabulary(&searcher, w) {
                    return vec![w.clone()];
                }
                let mut near = crate::terms::near_words(&searcher, self.fields.vocab, w, 1);
                if near.is_empty() && w.chars().count() >= 5 {
                    near = crate::terms::near_words(&searcher, self.fields.vocab, w, 2);
                }
                near.into_iter().take(MAX_SUGGESTIONS).map(|(_, n)| n).collect()
            })
            .collect();
        // The best near word for every word, then the runners-up of the first word that has any.
        let best: Vec<&str> = options.iter().filter_map(|o| o.first()).map(String::as_str).collect();
        let mut candidates = vec![best.join(" ")];
        if let Some(i) = options.iter().position(|o| o.len() > 1) {
            for alt in &options[i][1..] {
                let mut parts: Vec<&str> = options.iter().map(|o| o.first().map_or("", String::as_str)).collect();
                parts[i] = alt;
                candidates.push(parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" "));
            }
        }
        let mut out: Vec<String> = Vec::new();
        for s in candidates {
            if s.is_empty() || s == words.join(" ") || out.contains(&s) {
                continue;
            }
            // Every word comes from the vocabulary, so each suggestion finds something; checked
            // all the same (the kind filter may rule it out).
            let params = SearchParams { query: s.clone(), kind: kind.map(str::to_string), limit: 1 };
            if self.search_loaded(&params).is_ok_and(|hits| !hits.is_empty()) {
                out.push(s);
            }
        }
        out
    }

    fn in_vocabulary(&self, searcher: &tantivy::Searcher, word: &str) -> bool {
        searcher.doc_freq(&Term::from_field_text(self.fields.vocab, word)).is_ok_and(|n| n > 0)
    }

    /// Where `query`'s words occur in each of `texts` (stems, typo, prefix and synonym
    /// matches too), as `[start, end)` offsets in UTF-16 code units: JavaScript string
    /// indices, for marking a page opened from a result.
    pub fn marks(&self, query: &str, texts: &[String]) -> Result<Vec<Vec<(usize, usize)>>, SearchError> {
        self.attempt(|| {
            let searcher = self.reader.searcher();
            let Some(plan) = self.plan(&searcher, query, None) else { return Ok(vec![Vec::new(); texts.len()]) };
            let mut terms: std::collections::HashSet<String> = plan.highlight.iter().cloned().collect();
            terms.extend(self.typo_matches(&searcher, &plan.fuzzy));
            let mut analyzer = self.analyzer.clone();
            Ok(texts.iter().map(|text| marks_in(&mut analyzer, &terms, text)).collect())
        })
    }

    fn plan(&self, searcher: &tantivy::Searcher, query: &str, kind: Option<&str>) -> Option<Plan> {
        Builder { fields: self.fields, searcher, analyzer: self.analyzer.clone() }.build(query, kind)
    }

    fn hit(&self, searcher: &tantivy::Searcher, score: f32, addr: DocAddress) -> Result<Hit, SearchError> {
        let doc: StoredDoc = searcher.doc(addr)?;
        let text = |f| doc.text(f);
        let num = |f| doc.num(f);
        let f = &self.fields;
        Ok(Hit {
            title: text(f.shown_title),
            heading: text(f.heading),
            url: text(f.url),
            kind: text(f.kind),
            kind_label: text(f.kind_label),
            score,
            snippet: String::new(),
            summary: text(f.summary),
            chunk: num(f.chunk),
            slot: num(f.slot),
        })
    }

    /// Terms to highlight, weighted like tantivy's own snippet generator (rarer = better).
    fn highlight_terms(&self, searcher: &tantivy::Searcher, plan: &Plan) -> BTreeMap<String, f32> {
        let mut words = plan.highlight.clone();
        words.extend(self.typo_matches(searcher, &plan.fuzzy));
        let mut out = BTreeMap::new();
        for w in words {
            let df = searcher.doc_freq(&Term::from_field_text(self.fields.body, &w)).unwrap_or(0)
                + searcher.doc_freq(&Term::from_field_text(self.fields.summary, &w)).unwrap_or(0);
            if df > 0 {
                out.insert(w, 1.0 / (1.0 + df as f32));
            }
        }
        out
    }

    /// Body and summary words within the allowed edits of each of `words`: the terms their
    /// typo-tolerant queries matched, found with the automaton their `TypoQuery` runs.
    fn typo_matches(&self, searcher: &tantivy::Searcher, words: &[(String, u8)]) -> Vec<String> {
        let mut out = Vec::new();
        for (w, distance) in words {
            for field in [self.fields.body, self.fields.summary] {
                let Some(automaton) = typo_automaton(w, (*distance).min(self.fields.typo_limit(field))) else {
                    continue;
                };
                for reader in searcher.segment_readers() {
                    let Ok(inverted) = reader.inverted_index(field) else { continue };
                    let Some(mut terms) = matching_terms(inverted.terms(), &automaton) else { continue };
                    while terms.advance() {
                        out.extend(std::str::from_utf8(terms.key()).ok().map(str::to_string));
                    }
                }
            }
        }
        out
    }
}

/// The UTF-16 ranges of `text`'s tokens whose term is in `terms`, overlaps merged.
fn marks_in(analyzer: &mut TextAnalyzer, terms: &std::collections::HashSet<String>, text: &str) -> Vec<(usize, usize)> {
    let mut bytes: Vec<(usize, usize)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        if terms.contains(&t.text) {
            bytes.push((t.offset_from, t.offset_to));
        }
    }
    bytes.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (from, to) in bytes {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    let utf16 = |byte: usize| text.get(..byte).map_or(0, |s| s.encode_utf16().count());
    merged.into_iter().map(|(a, b)| (utf16(a), utf16(b))).collect()
}

/// A stored document read as plain strings and numbers.
///
/// Reading into tantivy's own `TantivyDocument` would link every value type it can hold (facets
/// with their regex, dates with their parser) into the wasm; ours only ever stores these two.
struct StoredDoc(Vec<(Field, Stored)>);

enum Stored {
    Text(String),
    Num(u64),
}

impl StoredDoc {
    fn text(&self, f: Field) -> String {
        self.0
            .iter()
            .find_map(|(g, v)| match v {
                Stored::Text(t) if *g == f => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    fn num(&self, f: Field) -> u64 {
        self.0
            .iter()
            .find_map(|(g, v)| match v {
                Stored::Num(n) if *g == f => Some(*n),
                _ => None,
            })
            .unwrap_or_default()
    }
}

impl DocumentDeserialize for StoredDoc {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(mut d: D) -> Result<Self, DeserializeError> {
        let mut out = Vec::with_capacity(d.size_hint());
        while let Some(pair) = d.next_field::<Stored>()? {
            out.push(pair);
        }
        Ok(StoredDoc(out))
    }
}

impl ValueDeserialize for Stored {
    fn deserialize<'de, D: ValueDeserializer<'de>>(d: D) -> Result<Self, DeserializeError> {
        d.deserialize_any(StoredVisitor)
    }
}

struct StoredVisitor;

impl ValueVisitor for StoredVisitor {
    type Value = Stored;

    fn visit_string(&self, val: String) -> Result<Stored, DeserializeError> {
        Ok(Stored::Text(val))
    }

    fn visit_u64(&self, val: u64) -> Result<Stored, DeserializeError> {
        Ok(Stored::Num(val))
    }
}

fn snippet(gen: &SnippetGenerator, input: &SnippetInput) -> String {
    for text in [&input.body, &input.summary] {
        let mut s = gen.snippet(text);
        if !s.is_empty() {
            s.set_snippet_prefix_postfix("<mark>", "</mark>");
            return s.to_html();
        }
    }
    let text = if input.body.trim().is_empty() { &input.summary } else { &input.body };
    escape(&shorten(text, SNIPPET_CHARS))
}

/// The start of `text`, cut at a word boundary, with an ellipsis when cut.
fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
