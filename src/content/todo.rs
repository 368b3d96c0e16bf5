//! `TODO` markers left in a page: a new page from `rapport new` passes `check`, but what is
//! still to write is listed as warnings until it is written.

use crate::diagnostics::{Diagnostic, LineIndex};

use crate::model::page::Page;

/// The marker authors (and `rapport new`'s skeletons) leave for unfinished text.
const MARKER: &str = "TODO";

/// A warning at every line of `page` holding a `TODO` as a word of its own.
pub fn warnings(page: &Page) -> Vec<Diagnostic> {
    // Run as each page loads, while its text is held.
    let Ok(text) = page.text() else { return Vec::new() };
    let text = text.as_ref();
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(MARKER) {
        let at = from + found;
        from = at + MARKER.len();
        if !is_word(text, at, MARKER.len()) {
            continue;
        }
        let pos = index.locate(text, at);
        if out.iter().any(|d: &Diagnostic| d.line == pos.0) {
            continue;
        }
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let note = text[at..line_end].trim().trim_end_matches(['"', '\'']);
        out.push(
            page.warning(pos, format!("unfinished: `{note}`"))
                .with_len(MARKER.len())
                .with_help(Some("write the text, then remove the TODO".into())),
        );
    }
    out
}

/// Is `text[at..at + len]` a whole word (not part of a longer identifier)?
fn is_word(text: &str, at: usize, len: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + len..].chars().next();
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    !part(before) && !part(after)
}

#[cfg(test)]
mod tests {
    use super::is_word;

    #[test]
    fn only_whole_words_count() {
        assert!(is_word("a TODO here", 2, 4));
        assert!(is_word("TODO: x", 0, 4));
        assert!(!is_word("TODOS", 0, 4));
        assert!(!is_word("MY_TODO", 3, 4));
    }
}
