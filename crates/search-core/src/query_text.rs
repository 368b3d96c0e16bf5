//! How a query's text reads: free words and "quoted phrases", the word still being typed, the
//! question and function words that never have to match, and whether it is a question.

/// Question and function words: never required, and they weigh little (applied to query words
/// only; the index keeps every word).
#[rustfmt::skip]
pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but",
    "by", "can", "could", "d", "did", "do", "does", "doing", "don", "for", "from", "get", "gets", "getting", "got",
    "had", "has", "have", "having", "he", "her", "him", "his", "how", "i", "if", "in", "into", "is", "isn", "it",
    "its", "just", "ll", "m", "me", "might", "much", "must", "my", "myself", "no", "not", "of", "off", "on", "one",
    "or", "our", "out", "re", "s", "say", "says", "she", "should", "so", "some", "someone", "something", "t",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "thing", "things", "this", "those",
    "to", "too", "up", "us", "ve", "very", "want", "was", "way", "we", "were", "what", "whats", "when", "where",
    "which", "while", "who", "why", "will", "with", "won", "would", "you", "your",
];

/// First words that make a query a question (so FAQs are favoured).
#[rustfmt::skip]
const QUESTION_WORDS: &[&str] = &[
    "how", "what", "whats", "why", "when", "where", "who", "which", "should", "can", "could", "do", "does", "is",
    "are", "will", "would", "may", "am", "must", "did",
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

/// True for a question or function word ("how", "my"): never required.
pub(crate) fn is_stop_word(raw: &str) -> bool {
    STOP_WORDS.contains(&raw)
}

/// True when the query reads as a question: a question mark, or a question word first.
pub(crate) fn looks_like_question(text: &str) -> bool {
    let first = text.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("");
    text.trim_end().ends_with('?') || QUESTION_WORDS.contains(&first.to_lowercase().as_str())
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
