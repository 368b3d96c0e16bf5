//! The one text analyzer, used for every text field at index time and for every query:
//! words -> lower case -> ASCII folding -> English stem -> spelling folding -> synonym groups.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

use crate::synonyms::Synonyms;

/// Words longer than this are not indexed (base64 blobs, URLs run together).
const MAX_WORD: usize = 40;

/// Words, lower-cased and ASCII-folded; stemming follows in [`SynonymTokenizer`].
pub(crate) fn base_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The Snowball English stem of a lower-cased word.
fn stem(stemmer: &Stemmer, word: &mut String) {
    if let std::borrow::Cow::Owned(s) = stemmer.stem(word) {
        *word = s;
    }
}

/// The stems of `text` (no synonyms): what synonym members are matched against.
pub(crate) fn base_terms(text: &str) -> Vec<String> {
    let stemmer = Stemmer::new(Algorithm::English);
    let mut a = base_analyzer();
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let mut w = stream.token().text.clone();
        stem(&stemmer, &mut w);
        out.push(w);
    }
    out
}

/// The full analyzer for `synonyms`, to register under [`crate::ANALYZER`].
pub fn analyzer(synonyms: Arc<Synonyms>) -> TextAnalyzer {
    TextAnalyzer::from(SynonymTokenizer { base: base_analyzer(), synonyms, terms: HashMap::default() })
}

/// Runs the base analyzer, stems, folds spelling variants and stacks synonym-group tokens.
#[derive(Clone)]
struct SynonymTokenizer {
    base: TextAnalyzer,
    synonyms: Arc<Synonyms>,
    /// Word -> indexed term (stemmed and folded). Text repeats its words a lot, and the
    /// Snowball stemmer is the costliest step of indexing; tantivy keeps one tokenizer per
    /// field for a whole segment, so the cache lives that long.
    terms: HashMap<String, String, BuildHasherDefault<Fnv>>,
}

/// Entries kept in the word cache before it is cleared (bounds memory on huge vocabularies).
const CACHE_MAX: usize = 50_000;

/// FNV-1a: a fast hash for short keys (std's SipHash guards against attacks we do not face).
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Tokens of one text, already computed.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for SynonymTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let stemmer = Stemmer::new(Algorithm::English);
        if self.terms.len() > CACHE_MAX {
            self.terms.clear();
        }
        let mut base = Vec::new();
        let mut stream = self.base.token_stream(text);
        while stream.advance() {
            let mut t = stream.token().clone();
            match self.terms.get(&t.text) {
                Some(term) => t.text.clone_from(term),
                None => {
                    let word = t.text.clone();
                    stem(&stemmer, &mut t.text);
                    if let Some(canonical) = self.synonyms.fold.get(&t.text) {
                        t.text.clone_from(canonical);
                    }
                    self.terms.insert(word, t.text.clone());
                }
            }
            base.push(t);
        }
        VecTokenStream { tokens: stack_groups(&self.synonyms, base), next: 0 }
    }
}

/// Inserts, after the first token of each synonym-member occurrence, a token for its group that
/// spans the whole occurrence (same position, offsets of the first to the last word).
fn stack_groups(syn: &Synonyms, base: Vec<Token>) -> Vec<Token> {
    // Find the occurrences first, then move the words into place: most texts have none.
    let mut stacked: Vec<(usize, Token)> = Vec::new();
    for (i, t) in base.iter().enumerate() {
        let Some(candidates) = syn.members.get(&t.text) else { continue };
        let first = stacked.len();
        for m in candidates {
            let end = i + m.stems.len();
            let matches = end <= base.len() && base[i..end].iter().zip(&m.stems).all(|(b, s)| &b.text == s);
            if matches && !stacked[first..].iter().any(|(_, g)| g.text == m.group) {
                let group = Token {
                    offset_from: t.offset_from,
                    offset_to: base[end - 1].offset_to,
                    position: t.position,
                    text: m.group.clone(),
                    position_length: m.stems.len(),
                };
                stacked.push((i, group));
            }
        }
    }
    if stacked.is_empty() {
        return base;
    }
    let mut out = Vec::with_capacity(base.len() + stacked.len());
    let mut groups = stacked.into_iter().peekable();
    for (i, t) in base.into_iter().enumerate() {
        out.push(t);
        while let Some((_, g)) = groups.next_if(|(at, _)| *at == i) {
            out.push(g);
        }
    }
    out
}

/// One token of an analyzed query, with the word as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyzed {
    /// The indexed form (stem, folded spelling, or a synonym group token).
    pub term: String,
    /// The text it came from, lower-cased, before stemming.
    pub raw: String,
    pub position: usize,
    /// Number of words covered (more than 1 for a multi-word synonym group).
    pub span: usize,
    pub is_group: bool,
}

/// Analyzes `text` with `analyzer`, keeping what query building needs.
pub(crate) fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Analyzed> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push(Analyzed {
            term: t.text.clone(),
            raw: text.get(t.offset_from..t.offset_to).unwrap_or_default().to_lowercase(),
            position: t.position,
            span: t.position_length.max(1),
            is_group: t.text.starts_with(crate::synonyms::GROUP_PREFIX),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(syn: &str, text: &str) -> Vec<(String, usize, usize)> {
        let mut a = analyzer(Arc::new(Synonyms::parse(syn).unwrap()));
        analyze(&mut a, text).into_iter().map(|t| (t.term, t.position, t.span)).collect()
    }

    #[test]
    fn stems_lowercases_and_folds_accents() {
        let got: Vec<String> = terms("", "Empathic Listening naïve").into_iter().map(|t| t.0).collect();
        assert_eq!(got, ["empath", "listen", "naiv"]);
    }

    #[test]
    fn folds_spelling_variants() {
        let got = terms("behavioural = behavioral\n", "behavioral behaviours");
        assert_eq!(got[0].0, "behaviour");
        assert_eq!(got[1].0, "behaviour");
    }

    #[test]
    fn stacks_group_tokens_over_multi_word_members() {
        let syn = "therapeutic alliance = working alliance\n";
        let got = terms(syn, "the working alliance holds");
        assert_eq!(
            got,
            [
                ("the".into(), 0, 1),
                ("work".into(), 1, 1),
                ("syn:therapeut_allianc".into(), 1, 2),
                ("allianc".into(), 2, 1),
                ("hold".into(), 3, 1),
            ]
        );
    }
}
