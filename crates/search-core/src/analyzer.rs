//! The one text analyzer, used for every text field at index time and for every query:
//! words -> lower case -> ASCII folding -> English stem -> spelling folding -> synonym groups.
//! Short fields use it split in two (words only, and groups only: see [`Keep`]).

use std::sync::Arc;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
    TokenizerManager,
};

use crate::synonyms::{FastMap, Synonyms};
use crate::words::{words, WordStemmer, MAX_WORD};

/// Which tokens an analyzer hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Words and the synonym-group tokens stacked over them: long fields, and every query.
    WordsAndGroups,
    /// Words only: short fields (titles, headings, aliases), whose length BM25 weighs and group
    /// tokens would inflate ("Therapeutic alliance" would count three words to "Alliance
    /// ruptures"' two, and rank below it for "alliance").
    Words,
    /// Group tokens only: the companion field of a `Words` field.
    Groups,
}

/// The full analyzer for `synonyms` (words and groups), registered under [`crate::ANALYZER`].
pub fn analyzer(synonyms: Arc<Synonyms>) -> TextAnalyzer {
    analyzer_keeping(synonyms, Keep::WordsAndGroups)
}

/// Registers the three analyzers the schema names: [`crate::ANALYZER`], [`WORDS`], [`GROUPS`].
pub(crate) fn register_all(tokenizers: &TokenizerManager, synonyms: &Arc<Synonyms>) {
    tokenizers.register(crate::ANALYZER, analyzer(synonyms.clone()));
    tokenizers.register(WORDS, analyzer_keeping(synonyms.clone(), Keep::Words));
    tokenizers.register(GROUPS, analyzer_keeping(synonyms.clone(), Keep::Groups));
    tokenizers.register(RAW, raw_words());
}

/// Name of the analyzer of words as written (lower case, ASCII folding, no stems): the
/// vocabulary that typos are corrected against.
pub(crate) const RAW: &str = "rapport_raw";

/// Words as written, lower-cased and ASCII-folded (the vocabulary field).
fn raw_words() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Name of the words-only analyzer.
pub(crate) const WORDS: &str = "rapport_words";
/// Name of the groups-only analyzer.
pub(crate) const GROUPS: &str = "rapport_groups";

fn analyzer_keeping(synonyms: Arc<Synonyms>, keep: Keep) -> TextAnalyzer {
    TextAnalyzer::from(SynonymTokenizer {
        keep,
        stemmer: WordStemmer::new(),
        synonyms,
        ids: FastMap::default(),
        terms: Vec::new(),
        tokens: Vec::new(),
    })
}

/// Splits words, stems them, folds spelling variants and stacks synonym-group tokens.
///
/// Indexing runs this over every word of the site, so it allocates nothing per word: each
/// distinct word is analyzed once into a numbered term, and tokens are term numbers until the
/// stream hands them to tantivy through one reused [`Token`].
#[derive(Clone)]
struct SynonymTokenizer {
    keep: Keep,
    stemmer: WordStemmer,
    synonyms: Arc<Synonyms>,
    /// Word as written, or group token -> its number in `terms`. Text repeats its words a lot
    /// and the Snowball stemmer is the costliest step of analysis; tantivy keeps one tokenizer
    /// per field for a whole segment, so the cache lives that long.
    ids: FastMap<u32>,
    terms: Vec<Term>,
    /// The tokens of the text being analyzed (the buffer is reused from one text to the next).
    tokens: Vec<Tok>,
}

/// An indexed term: a stem (spelling-folded) or a synonym group's token.
#[derive(Clone)]
struct Term {
    text: String,
    /// Some synonym group has a member starting with this stem.
    starts_member: bool,
    /// A synonym group's token (not a word).
    is_group: bool,
}

/// A token before it is handed out: its term's number in place of the text.
#[derive(Clone, Copy)]
struct Tok {
    term: u32,
    from: usize,
    to: usize,
    position: usize,
    /// Words covered (more than 1 for a multi-word synonym group).
    span: usize,
}

/// Terms kept in the word cache before it is cleared (bounds memory on huge vocabularies).
const CACHE_MAX: usize = 50_000;

/// The tokens of one text, handed out one at a time in one reused [`Token`].
pub struct SynonymTokenStream<'a> {
    terms: &'a [Term],
    tokens: &'a [Tok],
    next: usize,
    token: Token,
}

impl TokenStream for SynonymTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(t) = self.tokens.get(self.next) else { return false };
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.terms[t.term as usize].text);
        self.token.offset_from = t.from;
        self.token.offset_to = t.to;
        self.token.position = t.position;
        self.token.position_length = t.span;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for SynonymTokenizer {
    type TokenStream<'a> = SynonymTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SynonymTokenStream<'a> {
        let SynonymTokenizer { keep, stemmer, synonyms, ids, terms, tokens } = self;
        if terms.len() > CACHE_MAX {
            ids.clear();
            terms.clear();
        }
        tokens.clear();
        for (from, to, position) in words(text) {
            let word = &text[from..to];
            let term = match ids.get(word) {
                Some(&id) => id,
                None => {
                    let stemmed = stemmer.stem(word);
                    let folded = synonyms.fold(&stemmed).to_string();
                    intern(ids, terms, synonyms, word, folded, false)
                }
            };
            tokens.push(Tok { term, from, to, position, span: 1 });
        }
        if *keep != Keep::Words {
            stack_groups(synonyms, ids, terms, tokens);
        }
        if *keep == Keep::Groups {
            tokens.retain(|t| terms[t.term as usize].is_group);
        }
        SynonymTokenStream { terms, tokens, next: 0, token: Token::default() }
    }
}

/// Numbers the term `text` and files it under `key` (a word, or a group token under itself:
/// words never contain the group prefix's `:`).
fn intern(
    ids: &mut FastMap<u32>,
    terms: &mut Vec<Term>,
    syn: &Synonyms,
    key: &str,
    text: String,
    is_group: bool,
) -> u32 {
    let id = terms.len() as u32;
    terms.push(Term { starts_member: !is_group && syn.members.contains_key(&text), text, is_group });
    ids.insert(key.to_string(), id);
    id
}

/// Inserts, after the first token of each synonym-member occurrence, a token for its group that
/// spans the whole occurrence (same position, offsets of the first to the last word).
fn stack_groups(syn: &Synonyms, ids: &mut FastMap<u32>, terms: &mut Vec<Term>, tokens: &mut Vec<Tok>) {
    // Find the occurrences first, then move the words into place: most texts have none.
    let mut stacked: Vec<(usize, Tok)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let term = &terms[t.term as usize];
        if !term.starts_member {
            continue;
        }
        let Some(candidates) = syn.members.get(&term.text) else { continue };
        let first = stacked.len();
        for m in candidates {
            let end = i + m.stems.len();
            let matches = end <= tokens.len()
                && tokens[i..end].iter().zip(&m.stems).all(|(b, s)| &terms[b.term as usize].text == s);
            if !matches || stacked[first..].iter().any(|(_, g)| terms[g.term as usize].text == m.group) {
                continue;
            }
            let group = match ids.get(&m.group) {
                Some(&id) => id,
                None => intern(ids, terms, syn, &m.group, m.group.clone(), true),
            };
            let to = tokens[end - 1].to;
            stacked.push((i, Tok { term: group, from: t.from, to, position: t.position, span: m.stems.len() }));
        }
    }
    if stacked.is_empty() {
        return;
    }
    let words = std::mem::take(tokens);
    tokens.reserve(words.len() + stacked.len());
    let mut groups = stacked.into_iter().peekable();
    for (i, t) in words.into_iter().enumerate() {
        tokens.push(t);
        while let Some((_, g)) = groups.next_if(|(at, _)| *at == i) {
            tokens.push(g);
        }
    }
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

    /// Words as tantivy's own `SimpleTokenizer` and `RemoveLongFilter` split them.
    fn tantivy_words(text: &str) -> Vec<(usize, usize, usize)> {
        use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};
        let mut a = TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(MAX_WORD)).build();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn splits_words_exactly_like_tantivy_simple_tokenizer() {
        let pieces: Vec<&str> =
            "Hello|,| |world|!|naïve|café|123|abc|_|don't|\u{a0}|—|ÉÉ|日本語|e\u{301}|🙂|\t\n|x|Ωmega|٣|ß|-|[[link]]"
                .split('|')
                .collect();
        // Every run of three pieces, alone and before a word near the length limit (in bytes).
        let mut texts: Vec<String> =
            vec![String::new(), "a".repeat(39), "b".repeat(40), "é".repeat(20), "é".repeat(19)];
        for a in &pieces {
            for b in &pieces {
                for c in &pieces {
                    texts.push(format!("{a}{b}{c}"));
                    texts.push(format!("{a} {b}{c}{}", "z".repeat(38)));
                }
            }
        }
        for text in &texts {
            assert_eq!(words(text).collect::<Vec<_>>(), tantivy_words(text), "{text:?}");
        }
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

    #[test]
    fn words_seen_before_analyze_the_same_in_any_case() {
        let syn = Arc::new(Synonyms::parse("therapeutic alliance = working alliance\n").unwrap());
        let mut a = analyzer(syn);
        let got = |a: &mut TextAnalyzer, text: &str| -> Vec<(String, usize, usize)> {
            analyze(a, text).into_iter().map(|t| (t.term, t.position, t.span)).collect()
        };
        let group = "syn:therapeut_allianc";
        let first = got(&mut a, "Working alliance, WORKING ALLIANCE");
        let expected_pair =
            |at: usize| [("work".to_string(), at, 1), (group.to_string(), at, 2), ("allianc".to_string(), at + 1, 1)];
        assert_eq!(first, [expected_pair(0), expected_pair(2)].concat());
        // The same analyzer (and its word cache) on the next text.
        assert_eq!(got(&mut a, "working Alliance"), expected_pair(0));
    }
}
