//! The synonyms file: spelling variants and domain synonyms, applied by the analyzer at index and
//! query time alike.
//!
//! Format: one group per line, members separated by `=` (or by `,` on a line with no `=`);
//! `#` starts a comment.
//!
//! ```text
//! behavioural = behavioral          # single words: folded into the first one
//! CBT = cognitive behavioural therapy
//! therapeutic alliance = working alliance = therapeutic relationship
//! ```
//!
//! A group of single words is a spelling group: every member is rewritten to the first
//! member's stem, so the variants become one term. A group with a multi-word member is a
//! synonym group: wherever any member occurs, an extra token standing for the whole group is
//! stacked at the member's position, and a query for any member also matches that token.

use std::collections::HashMap;

use crate::words::base_terms;

/// Looked up once per indexed word: a fast hasher matters.
pub(crate) type FastMap<V> = HashMap<String, V, rustc_hash::FxBuildHasher>;

/// A problem in the synonyms file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct SynonymsError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// A multi-word (or mixed) group member, as the stems it analyzes to, with its group's token.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub stems: Vec<String>,
    pub group: String,
}

/// Parsed synonyms, ready for the analyzer.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// Spelling variants: stem -> the group's first stem.
    pub(crate) fold: FastMap<String>,
    /// Members of synonym groups, keyed by their first stem, longest first.
    pub(crate) members: FastMap<Vec<Member>>,
    /// The text this was parsed from; shipped inside the index so the browser parses the same.
    source: String,
}

/// Prefix of the stacked token of a synonym group; no tokenizer output can contain `:`.
pub const GROUP_PREFIX: &str = "syn:";

struct Entry {
    col: usize,
    stems: Vec<String>,
}

impl Synonyms {
    /// No synonyms at all.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The text the synonyms were parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when no group is defined.
    pub fn is_empty(&self) -> bool {
        self.fold.is_empty() && self.members.is_empty()
    }

    /// Parses a synonyms file; every problem is reported with its line and column.
    pub fn parse(text: &str) -> Result<Self, Vec<SynonymsError>> {
        let mut problems = Vec::new();
        let mut groups: Vec<(usize, Vec<Entry>)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            match parse_line(raw, i + 1) {
                Ok(Some(entries)) => groups.push((i + 1, entries)),
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        let mut syn = Synonyms { source: text.to_string(), ..Default::default() };
        check_duplicates(&groups, &mut problems);
        // Spelling groups first: synonym members are folded through them before being stored.
        for (_, entries) in groups.iter().filter(|(_, e)| e.iter().all(|m| m.stems.len() == 1)) {
            let canonical = entries[0].stems[0].clone();
            for e in &entries[1..] {
                if e.stems[0] != canonical {
                    syn.fold.insert(e.stems[0].clone(), canonical.clone());
                }
            }
        }
        for (_, entries) in groups.iter().filter(|(_, e)| e.iter().any(|m| m.stems.len() > 1)) {
            let folded: Vec<Vec<String>> = entries.iter().map(|e| syn.fold_all(&e.stems)).collect();
            let group = format!("{GROUP_PREFIX}{}", folded[0].join("_"));
            for stems in folded {
                let first = stems[0].clone();
                syn.members.entry(first).or_default().push(Member { stems, group: group.clone() });
            }
        }
        for list in syn.members.values_mut() {
            list.sort_by_key(|m| std::cmp::Reverse(m.stems.len()));
        }
        if problems.is_empty() {
            Ok(syn)
        } else {
            problems.sort_by_key(|p| (p.line, p.col));
            Err(problems)
        }
    }

    /// The spelling-folded form of one stem.
    pub(crate) fn fold<'a>(&'a self, stem: &'a str) -> &'a str {
        self.fold.get(stem).map(String::as_str).unwrap_or(stem)
    }

    fn fold_all(&self, stems: &[String]) -> Vec<String> {
        stems.iter().map(|s| self.fold(s).to_string()).collect()
    }
}

/// Parses one line into its members; `None` for blank and comment lines.
fn parse_line(raw: &str, line: usize) -> Result<Option<Vec<Entry>>, SynonymsError> {
    let content = raw.split('#').next().unwrap_or("");
    if content.trim().is_empty() {
        return Ok(None);
    }
    let err = |col: usize, message: String| SynonymsError { line, col, message };
    let sep = if content.contains('=') { '=' } else { ',' };
    let mut entries = Vec::new();
    let mut start = 0;
    for part in content.split(sep) {
        let begin = start;
        start += part.len() + 1;
        if part.trim().is_empty() {
            let col = raw[..begin].chars().count() + 1;
            return Err(err(
                col,
                format!("empty term: write `term {sep} other term`, with text on both sides of each `{sep}`"),
            ));
        }
        let lead = part.len() - part.trim_start().len();
        let col = raw[..begin + lead].chars().count() + 1;
        let stems = base_terms(part.trim());
        if stems.is_empty() {
            return Err(err(col, format!("`{}` has no letters or digits to search for", part.trim())));
        }
        entries.push(Entry { col, stems });
    }
    if entries.len() < 2 {
        return Err(err(1, "a synonym line needs at least two terms separated by `=` (or `,`)".into()));
    }
    Ok(Some(entries))
}

/// A term may belong to one group only, else folding would depend on line order. A line that
/// analyzes to the same group as an earlier one ("behavioural = behavioral" and
/// "behaviour = behavior" both stem to behaviour/behavior) is redundant, not wrong.
fn check_duplicates(groups: &[(usize, Vec<Entry>)], problems: &mut Vec<SynonymsError>) {
    let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
    let group_of = |line: usize| -> Vec<Vec<String>> {
        let mut g: Vec<Vec<String>> = groups
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, es)| es.iter().map(|e| e.stems.clone()).collect())
            .unwrap_or_default();
        g.sort();
        g.dedup();
        g
    };
    for (line, entries) in groups {
        for e in entries {
            let Some(first) = seen.insert(e.stems.clone(), *line) else { continue };
            if first != *line && group_of(first) != group_of(*line) {
                problems.push(SynonymsError {
                    line: *line,
                    col: e.col,
                    message: format!("`{}` is already in the group on line {first}", e.stems.join(" ")),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_groups_and_comments() {
        let s =
            Synonyms::parse("# spelling\nbehavioural = behavioral\n\nCBT = cognitive behavioural therapy # acronym\n")
                .unwrap();
        assert_eq!(s.fold("behavior"), "behaviour");
        let cbt = &s.members["cbt"][0];
        assert_eq!(cbt.group, "syn:cbt");
        // The multi-word member was folded through the spelling group.
        let long = &s.members["cognit"][0];
        assert_eq!(long.stems, ["cognit", "behaviour", "therapi"]);
    }

    #[test]
    fn commas_separate_too() {
        let s = Synonyms::parse("behavioural, behavioral\ntherapeutic alliance, working alliance\n").unwrap();
        assert_eq!(s.fold("behavior"), "behaviour");
        assert_eq!(s.members["work"][0].group, "syn:therapeut_allianc");
    }

    #[test]
    fn errors_are_located() {
        let errs = Synonyms::parse("ok = fine\njust one\nx =  \n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (2, 1), "{errs:?}");
        assert!(errs[0].message.contains("at least two"), "{errs:?}");
        assert_eq!((errs[1].line, errs[1].col), (3, 4), "{errs:?}");
    }

    #[test]
    fn a_term_in_two_groups_is_an_error() {
        let errs = Synonyms::parse("colour = color\nhue = colour\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (2, 7), "{errs:?}");
        assert!(errs[0].message.contains("line 1"), "{errs:?}");
    }
}
