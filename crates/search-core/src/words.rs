//! Words and stems: the first steps of the analyzer, which synonym groups are matched against too.

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, TokenStream};

/// Words longer than this are not indexed (base64 blobs, URLs run together).
pub(crate) const MAX_WORD: usize = 40;

/// The words of `text` as `(from, to, position)`: exactly the tokens of tantivy's
/// `SimpleTokenizer` (runs of alphanumeric characters, numbered in order) after
/// `RemoveLongFilter::limit(MAX_WORD)` (which drops a word but not its position).
///
/// Indexing splits every word of the site; tantivy's tokenizer copies each word into a fresh
/// token text char by char, where this hands out offsets into `text` and steps over ASCII bytes.
pub(crate) fn words(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut position = 0;
    std::iter::from_fn(move || loop {
        let from = next_boundary(text, bytes, at, false)?;
        let to = next_boundary(text, bytes, from, true).unwrap_or(bytes.len());
        at = to;
        position += 1;
        if to - from < MAX_WORD {
            return Some((from, to, position - 1));
        }
    })
}

/// The first byte index at or after `at` that starts an alphanumeric character (or, with
/// `outside`, one that does not).
fn next_boundary(text: &str, bytes: &[u8], mut at: usize, outside: bool) -> Option<usize> {
    while at < bytes.len() {
        let b = bytes[at];
        let (alnum, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[at..].chars().next()?;
            (c.is_alphanumeric(), c.len_utf8())
        };
        if alnum != outside {
            return Some(at);
        }
        at += len;
    }
    None
}

/// Turns one word as written into its stem: lower case, ASCII folding, Snowball English.
///
/// Kept apart from splitting so that a word already seen is looked up as written, skipping
/// all three steps.
#[derive(Clone)]
pub(crate) struct WordStemmer {
    normalizer: TextAnalyzer,
    snowball: Stemmer,
}

impl WordStemmer {
    /// A stemmer for English.
    pub(crate) fn new() -> Self {
        let normalizer = TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter);
        WordStemmer { normalizer: normalizer.build(), snowball: Stemmer::new(Algorithm::English) }
    }

    /// The stem of one word as written.
    pub(crate) fn stem(&mut self, word: &str) -> String {
        let mut stream = self.normalizer.token_stream(word);
        let w = if stream.advance() { std::mem::take(&mut stream.token_mut().text) } else { String::new() };
        match self.snowball.stem(&w) {
            std::borrow::Cow::Owned(s) => s,
            std::borrow::Cow::Borrowed(_) => w,
        }
    }
}

/// The stems of `text` (no synonyms): what synonym members are matched against.
pub(crate) fn base_terms(text: &str) -> Vec<String> {
    let mut stemmer = WordStemmer::new();
    words(text).map(|(from, to, _)| stemmer.stem(&text[from..to])).collect()
}
