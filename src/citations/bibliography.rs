//! Reads the bibliography files (BibTeX/BibLaTeX through the `biblatex` crate, hayagriva's YAML)
//! into a hayagriva `Library`, locating every malformed entry and duplicate key in its file.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use biblatex::{RawBibliography, Spanned};
use hayagriva::{Entry, Library};

use crate::diagnostics::{Diagnostic, LineIndex};

/// Where an entry was written: for "never cited" warnings and duplicate-key help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub len: usize,
    pub source_line: Option<String>,
}

impl Origin {
    /// A warning pointing at this entry's key.
    pub fn warning(&self, message: String) -> Diagnostic {
        let mut d = Diagnostic::warning(&self.path, self.line, self.col, message).with_len(self.len);
        d.source_line = self.source_line.clone();
        d
    }
}

/// Every entry of the site's bibliography files.
#[derive(Debug, Clone, Default)]
pub struct Bibliography {
    pub library: Library,
    /// Entry key -> where it was written.
    pub origins: HashMap<String, Origin>,
}

impl Bibliography {
    /// Keys in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.library.iter().map(|e| e.key())
    }

    /// Adds the entries of one file; problems are located in it.
    fn add_file(&mut self, shown: &Path, text: &str, problems: &mut Vec<Diagnostic>) {
        let yaml = matches!(shown.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"));
        let found = if yaml { read_yaml(shown, text, problems) } else { read_biblatex(shown, text, problems) };
        for (entry, origin) in found {
            let key = entry.key().to_string();
            if let Some(first) = self.origins.get(&key) {
                problems.push(
                    at(&origin.path, text, origin.line, origin.col, format!("duplicate citation key `{key}`"))
                        .with_len(origin.len)
                        .with_help(Some(format!(
                            "`{key}` is already defined at {}:{}; keys must be unique",
                            first.path.display(),
                            first.line
                        ))),
                );
                continue;
            }
            self.library.push(&entry);
            self.origins.insert(key, origin);
        }
    }
}

/// Reads every file, in order; a missing file is an error located in site.toml.
pub fn load(root: &Path, files: &[String], config_text: &str) -> (Bibliography, Vec<Diagnostic>) {
    let mut bib = Bibliography::default();
    let mut problems = Vec::new();
    for file in files {
        let path = root.join(file);
        match std::fs::read_to_string(&path) {
            Ok(text) => bib.add_file(Path::new(file), &text, &mut problems),
            Err(e) => {
                let (line, col) = crate::model::config::locate_line(config_text, "bibliography");
                problems.push(
                    Diagnostic::error(
                        crate::model::config::CONFIG_FILE,
                        line,
                        col,
                        format!("cannot read bibliography `{file}`: {e}"),
                    )
                    .with_source(config_text),
                );
            }
        }
    }
    (bib, problems)
}

fn at(path: &Path, text: &str, line: usize, col: usize, message: String) -> Diagnostic {
    Diagnostic::error(path, line, col, message).with_source(text)
}

fn origin(path: &Path, text: &str, lines: &LineIndex, span: &Range<usize>) -> Origin {
    let (line, col) = lines.locate(text, span.start);
    let len = text.get(span.clone()).map_or(1, |s| s.chars().count().max(1));
    let source_line = text.lines().nth(line.saturating_sub(1)).map(str::to_string);
    Origin { path: path.to_path_buf(), line, col, len, source_line }
}

/// BibTeX/BibLaTeX: parse, and on a malformed entry report it, blank it out and parse again,
/// so every broken entry is reported in one run and the good ones still load.
fn read_biblatex(shown: &Path, text: &str, problems: &mut Vec<Diagnostic>) -> Vec<(Entry, Origin)> {
    let lines = LineIndex::new(text);
    let mut work = text.to_string();
    let mut reported: Vec<usize> = Vec::new();
    let mut report = |span: &Range<usize>, message: String, help: Option<String>| {
        if reported.contains(&span.start) {
            return;
        }
        reported.push(span.start);
        let (line, col) = lines.locate(text, span.start.min(text.len()));
        problems.push(at(shown, text, line, col, message).with_help(help));
    };
    // Each pass removes at least one entry, so this ends; the bound is a guard.
    for _ in 0..=text.matches('@').count() {
        let raw = match RawBibliography::parse(&work) {
            Ok(raw) => raw,
            Err(e) => {
                let eof = matches!(e.kind, biblatex::ParseErrorKind::UnexpectedEof);
                let help = eof.then(|| "an entry above is missing its closing `}`".to_string());
                report(&e.span, format!("malformed bibliography entry: {}", e.kind), help);
                if !blank_entry_at(&mut work, e.span.start) {
                    return Vec::new();
                }
                continue;
            }
        };
        let keys: Vec<(String, Range<usize>)> =
            raw.entries.iter().map(|e: &Spanned<_>| (e.v.key.v.to_string(), e.v.key.span.clone())).collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut duplicate = None;
        for (k, span) in &keys {
            if let Some(first) = seen.get(k.as_str()) {
                duplicate = Some((k.clone(), span.clone(), *first));
                break;
            }
            seen.insert(k, lines.locate(text, span.start).0);
        }
        if let Some((k, span, first)) = duplicate {
            let help = Some(format!("`{k}` is already defined at line {first}; keys must be unique"));
            report(&span, format!("duplicate citation key `{k}`"), help);
            blank_entry_at(&mut work, span.start);
            continue;
        }
        let bib = match biblatex::Bibliography::from_raw(raw) {
            Ok(bib) => bib,
            Err(e) => {
                report(&e.span, format!("malformed bibliography entry: {}", e.kind), None);
                if !blank_entry_at(&mut work, e.span.start) {
                    return Vec::new();
                }
                continue;
            }
        };
        let mut out = Vec::new();
        for entry in bib.iter() {
            let Some((_, span)) = keys.iter().find(|(k, _)| *k == entry.key) else { continue };
            // hayagriva drops fields it cannot read (a bad date prints as "n.d."): report them.
            let bad = field_problems(entry);
            for (fspan, msg) in &bad {
                let fspan = if fspan.start == usize::MAX { span } else { fspan };
                report(fspan, format!("malformed bibliography entry `{}`: {msg}", entry.key), None);
            }
            if !bad.is_empty() {
                continue;
            }
            match Entry::try_from(as_csl_chapter_or_book(entry).as_ref()) {
                Ok(e) => out.push((e, origin(shown, text, &lines, span))),
                Err(e) => report(&e.span, format!("malformed bibliography entry `{}`: {}", entry.key, e.kind), None),
            }
        }
        return out;
    }
    Vec::new()
}

/// hayagriva 0.10 maps `@incollection` to an anthology part, which APA prints with the book title
/// twice, and `@collection` to an archival collection (typst/hayagriva#309, #437). `@inbook` and
/// `@book` are what CSL means for both (a chapter; an edited book), so convert before it does.
fn as_csl_chapter_or_book(entry: &biblatex::Entry) -> std::borrow::Cow<'_, biblatex::Entry> {
    use biblatex::EntryType;
    let fixed = match entry.entry_type {
        EntryType::InCollection => EntryType::InBook,
        EntryType::Collection => EntryType::Book,
        _ => return std::borrow::Cow::Borrowed(entry),
    };
    let mut e = entry.clone();
    e.entry_type = fixed;
    std::borrow::Cow::Owned(e)
}

/// Fields of `entry` that hold something their type does not allow, with the field's span.
fn field_problems(entry: &biblatex::Entry) -> Vec<(Range<usize>, String)> {
    let report = entry.verify();
    let mut out: Vec<(Range<usize>, String)> = report
        .malformed
        .into_iter()
        .map(|(field, e)| (e.span, format!("`{field}` is not valid: {}", e.kind)))
        .collect();
    // biblatex accepts any text as a `date` (it keeps what it cannot parse as text), and
    // hayagriva then prints "n.d.": a date that is not one is an error too.
    if let Ok(biblatex::PermissiveType::Chunks(_)) = entry.date() {
        let chunks = entry.fields.get("date").map(Vec::as_slice).unwrap_or_default();
        let span = match (chunks.first(), chunks.last()) {
            (Some(first), Some(last)) => first.span.start..last.span.end,
            _ => usize::MAX..usize::MAX,
        };
        out.push((span, "`date` is not a date: write it as 2019, 2019-04 or 2019-04-12".to_string()));
    }
    // biblatex's list of what each entry type requires (a journal article needs its journal);
    // located at the key by the caller.
    for field in report.missing {
        out.push((usize::MAX..usize::MAX, format!("an entry of type `{}` needs `{field}`", entry.entry_type)));
    }
    out
}

/// Replaces the entry around byte `offset` (from the `@` that starts it to the next entry) with
/// spaces, keeping line breaks so positions stay true. False when there was nothing to blank.
fn blank_entry_at(work: &mut String, offset: usize) -> bool {
    let offset = offset.min(work.len());
    let starts: Vec<usize> = work
        .match_indices('@')
        .map(|(i, _)| i)
        .filter(|&i| work[..i].chars().next_back().is_none_or(|c| c == '\n' || c.is_whitespace()))
        .collect();
    let start = starts.iter().copied().rfind(|&s| s <= offset).unwrap_or(0);
    let end = starts.iter().copied().find(|&s| s > offset.max(start)).unwrap_or(work.len());
    if work[start..end].trim().is_empty() {
        return false;
    }
    let blank: String = work[start..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
    // Multi-byte characters become single spaces: pad so later offsets do not move.
    let pad = (end - start).saturating_sub(blank.len());
    work.replace_range(start..end, &format!("{blank}{}", " ".repeat(pad)));
    true
}

/// hayagriva's YAML format: one error (serde_yaml stops at the first), located.
fn read_yaml(shown: &Path, text: &str, problems: &mut Vec<Diagnostic>) -> Vec<(Entry, Origin)> {
    match hayagriva::io::from_yaml_str(text) {
        Ok(lib) => {
            let lines = LineIndex::new(text);
            lib.iter()
                .map(|e| {
                    let needle = format!("{}:", e.key());
                    let start = text
                        .match_indices(&needle)
                        .map(|(i, _)| i)
                        .find(|&i| i == 0 || text[..i].ends_with('\n'))
                        .unwrap_or(0);
                    (e.clone(), origin(shown, text, &lines, &(start..start + e.key().len())))
                })
                .collect()
        }
        Err(e) => {
            let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            problems.push(at(shown, text, line, col, format!("malformed bibliography: {e}")));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "@article{a2001,\n  author = {Doe, Jane},\n  title = {A},\n  journal = {J},\n  year = {2001}\n}\n";

    fn read(text: &str) -> (Vec<String>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let found = read_biblatex(Path::new("refs.bib"), text, &mut problems);
        (found.into_iter().map(|(e, _)| e.key().to_string()).collect(), problems)
    }

    #[test]
    fn reads_entries_with_their_lines() {
        let mut problems = Vec::new();
        let found = read_biblatex(Path::new("refs.bib"), GOOD, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(found[0].0.key(), "a2001");
        assert_eq!((found[0].1.line, found[0].1.col), (1, 10));
    }

    #[test]
    fn every_malformed_entry_is_reported_and_the_rest_load() {
        let text = format!(
            "{GOOD}@article{{b2002,\n  title = {{B}}\n  year = 2002\n}}\n@book{{c2003,\n  author = {{Roe, R.}},\n  title = {{C}},\n  publisher = {{P}},\n  date = {{2003}}\n}}\n@article{{d2004 title = x}}\n"
        );
        let (keys, problems) = read(&text);
        assert!(keys.contains(&"a2001".to_string()) && keys.contains(&"c2003".to_string()), "{keys:?} {problems:?}");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!((problems[0].line, problems[1].line), (9, 17), "{problems:?}");
        assert!(problems.iter().all(|p| p.message.starts_with("malformed bibliography entry")), "{problems:?}");
        assert!(problems.iter().all(|p| p.line > 0 && p.source_line.is_some()), "{problems:?}");
    }

    #[test]
    fn duplicate_key_points_at_the_second_and_names_the_first() {
        let text = format!("{GOOD}{GOOD}");
        let (keys, problems) = read(&text);
        assert_eq!(keys, ["a2001"]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].message, "duplicate citation key `a2001`");
        assert_eq!((problems[0].line, problems[0].col), (7, 10));
        assert!(problems[0].help.as_deref().unwrap_or("").contains("line 1"));
    }

    #[test]
    fn bad_field_value_is_located() {
        let text = "@article{e2005,\n  author = {Doe, J.},\n  title = {E},\n  volume = {twelve}\n}\n";
        let (keys, problems) = read(text);
        assert!(keys.is_empty(), "{keys:?}");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            problems[1].message,
            "malformed bibliography entry `e2005`: an entry of type `article` needs `journaltitle`"
        );
        assert_eq!((problems[1].line, problems[1].col), (1, 10));
        assert_eq!(problems[0].line, 4, "{problems:?}");
        assert!(problems[0].message.contains("`volume` is not valid"), "{problems:?}");
        let (_, problems) = read("@book{f2006,\n  author = {Doe, J.},\n  year = {2006}\n}\n");
        assert_eq!(problems[0].message, "malformed bibliography entry `f2006`: an entry of type `book` needs `title`");
        assert_eq!(problems[0].line, 1);
    }

    #[test]
    fn a_date_that_is_not_one_is_located() {
        let text = "@book{g2007,\n  author = {Doe, J.},\n  title = {G},\n  publisher = {P},\n  date = {nineteen ninety two}\n}\n";
        let (keys, problems) = read(text);
        assert!(keys.is_empty(), "{keys:?}");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "malformed bibliography entry `g2007`: `date` is not a date: write it as 2019, 2019-04 or 2019-04-12"
        );
        assert_eq!((problems[0].line, problems[0].col), (5, 11));
        let (keys, problems) = read(&text.replace("nineteen ninety two", "1992-05"));
        assert_eq!((keys.len(), problems.len()), (1, 0), "{problems:?}");
    }

    #[test]
    fn yaml_bibliographies_load() {
        let yaml = "crazy-rich:\n  type: Book\n  title: Crazy Rich Asians\n  author: Kwan, Kevin\n  date: 2014\n";
        let mut problems = Vec::new();
        let found = read_yaml(Path::new("refs.yml"), yaml, &mut problems);
        assert!(problems.is_empty());
        assert_eq!(found[0].0.key(), "crazy-rich");
        assert_eq!(found[0].1.line, 1);
    }
}
