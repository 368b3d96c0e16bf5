//! Citations: Pandoc citation syntax in page bodies and quiz fields, checked against the site's
//! bibliography and formatted by hayagriva in the site's CSL style (APA 7th by default).
//!
//! - `syntax.rs`: finds citations in Markdown, with positions.
//! - `bibliography.rs`: reads `.bib` (BibTeX/BibLaTeX) and hayagriva `.yml` files, locating problems.
//! - `format.rs`: hayagriva's driver -> in-text citations and bibliography entries (HTML, plain text).
//! - `view.rs`: HTML of citations in a page, its References section, the references page.

pub mod bibliography;
pub mod format;
pub mod syntax;
pub mod view;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::diagnostics::{did_you_mean, Diagnostic, LineIndex};
pub use crate::model::citations::Citations;
use crate::model::config::{Config, CONFIG_FILE};
use crate::model::page::Page;
use crate::model::quiz::QuizSet;
use bibliography::Bibliography;
use format::{CiteRequest, CslStyle, FormattedCite};
use syntax::{Cite, Form};

pub use view::{CiteLinker, REFERENCES_PAGE};

/// Problems of site.toml's citation settings: an unknown `citation_style` (with a did-you-mean).
/// A configuration error, like the other checks of site.toml, but the style names are hayagriva's.
pub fn config_problems(root: &Path, config: &Config) -> Vec<Diagnostic> {
    if CslStyle::is_bundled(&config.citation_style) {
        return Vec::new();
    }
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let line = text.lines().position(|l| l.trim_start().starts_with("citation_style")).map_or(1, |i| i + 1);
    let help = did_you_mean(&config.citation_style, CslStyle::names())
        .or_else(|| Some("use the name of a CSL style bundled with hayagriva, e.g. `apa`".into()));
    let msg = format!("unknown citation style `{}`", config.citation_style);
    vec![Diagnostic::error(CONFIG_FILE, line, 1, msg).with_help(help).with_source(&text)]
}

/// One citation found in the site, with the file position of each of its keys.
struct Found {
    page: usize,
    source: String,
    cite: Cite,
    /// Line and column of each item's `@`, in the page file.
    positions: Vec<(usize, usize)>,
}

/// Reads the bibliography, finds every citation in page bodies and quiz fields, checks the keys and
/// formats everything. Unknown keys, malformed entries and duplicate keys are errors; an entry
/// never cited is a warning.
pub fn validate(root: &Path, config: &Config, pages: &[Page], quizzes: &QuizSet) -> (Citations, Vec<Diagnostic>) {
    let files = config.bibliography.files();
    if files.is_empty() {
        return (Citations { by_page: vec![Vec::new(); pages.len()], ..Default::default() }, Vec::new());
    }
    let config_text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let Some(style) = CslStyle::bundled(&config.citation_style) else {
        // Config::parse rejects unknown names; a bundled style that only points at another
        // (a dependent CSL style) cannot format on its own.
        let msg = format!("citation style `{}` cannot be used on its own; choose another", config.citation_style);
        return (Citations::default(), vec![Diagnostic::error(CONFIG_FILE, 0, 0, msg)]);
    };
    let (bib, mut problems) = bibliography::load(root, files, &config_text);
    let found = find_all(pages, quizzes);
    problems.extend(check_keys(&bib, pages, &found));
    let mut unique: Vec<&Found> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for f in &found {
        if !seen.contains_key(f.source.as_str()) {
            seen.insert(&f.source, unique.len());
            unique.push(f);
        }
    }
    let requests: Vec<CiteRequest> =
        unique.iter().map(|f| CiteRequest { form: f.cite.form, items: &f.cite.items }).collect();
    let (formatted, entries) = format::format_all(&bib.library, &style, &requests);
    let cites: HashMap<String, FormattedCite> = unique.iter().map(|f| f.source.clone()).zip(formatted).collect();
    let index: HashMap<&str, usize> = entries.iter().enumerate().map(|(i, e)| (e.key.as_str(), i)).collect();
    let mut per_page: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); pages.len()];
    for f in &found {
        for it in &f.cite.items {
            if let Some(&e) = index.get(it.key.as_str()) {
                per_page[f.page].insert(e);
            }
        }
    }
    let mut cited_on = vec![Vec::new(); entries.len()];
    for (p, set) in per_page.iter().enumerate() {
        for &e in set {
            cited_on[e].push(p);
        }
    }
    for (e, on) in entries.iter().zip(&cited_on) {
        if on.is_empty() {
            if let Some(origin) = bib.origins.get(&e.key) {
                problems.push(origin.warning(format!("bibliography entry `{}` is never cited", e.key)));
            }
        }
    }
    let by_page = per_page.into_iter().map(|s| s.into_iter().collect()).collect();
    (Citations { enabled: true, cites, entries, by_page, cited_on }, problems)
}

/// Every citation of every page: the body first, then its quiz fields, in order.
fn find_all(pages: &[Page], quizzes: &QuizSet) -> Vec<Found> {
    pages.iter().enumerate().flat_map(|(i, page)| find_on(i, page, quizzes)).collect()
}

/// The citations of page `i`: its body first, then its quiz fields, in order.
fn find_on(i: usize, page: &Page, quizzes: &QuizSet) -> Vec<Found> {
    let mut out = Vec::new();
    // Citations are checked while the sources are held: a build releases them only afterwards.
    let Ok(text) = page.text() else { return out };
    let lines = LineIndex::new(&text);
    for cite in syntax::scan(&text, page.body_start) {
        let positions = cite.items.iter().map(|it| lines.locate(&text, it.offset)).collect();
        out.push(Found { page: i, source: cite.source(&text).to_string(), cite, positions });
    }
    let front = &text[..page.body_start.min(text.len())];
    for &q in quizzes.by_page.get(i).map(Vec::as_slice).unwrap_or_default() {
        let question = &quizzes.questions[q];
        let fields = std::iter::once(&question.prompt)
            .chain(question.explanation.iter())
            .chain(question.feedback.iter().map(|(_, m)| m));
        for md in fields {
            for cite in syntax::scan(&md.source, 0) {
                let source = cite.source(&md.source).to_string();
                // The field's text as YAML holds it is usually the text as written; where it
                // is not (escapes, folding), point at the question.
                let at = front.find(&source);
                let positions = cite
                    .items
                    .iter()
                    .map(|it| match at {
                        Some(a) => lines.locate(&text, a + it.offset - cite.range.start),
                        None => (question.line, question.col),
                    })
                    .collect();
                out.push(Found { page: i, source, cite, positions });
            }
        }
    }
    out
}

/// Whether page `i` cites the same works in the same words in `before` and `now` (the questions
/// of both being those of `quizzes`): then the site's [`Citations`] are unchanged by the edit,
/// since they depend only on each citation's text, in order, and the bibliography.
pub fn same_citations(i: usize, before: &Page, now: &Page, quizzes: &QuizSet) -> bool {
    let sources = |page: &Page| find_on(i, page, quizzes).into_iter().map(|f| f.source).collect::<Vec<_>>();
    sources(before) == sources(now)
}

/// The warnings about how page `i`'s citations are written (those [`validate`] reports that do not
/// depend on the bibliography), for a page re-checked alone.
pub fn page_warnings(i: usize, pages: &[Page], quizzes: &QuizSet) -> Vec<Diagnostic> {
    form_warnings(pages, &find_on(i, &pages[i], quizzes))
}

/// Errors for keys the bibliography lacks (with a did-you-mean); the form warnings of each citation.
fn check_keys(bib: &Bibliography, pages: &[Page], found: &[Found]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in found {
        let page = &pages[f.page];
        for (it, &pos) in f.cite.items.iter().zip(&f.positions) {
            if bib.library.get(&it.key).is_none() {
                let help = did_you_mean(&it.key, bib.keys())
                    .or_else(|| Some("add the work to the bibliography, or write `\\@` for a literal @".to_string()));
                out.push(
                    page.error(pos, format!("unknown citation key `{}`", it.key))
                        .with_len(it.key.chars().count() + 1)
                        .with_help(help),
                );
            }
            out.extend(item_warnings(page, f, it, pos));
        }
    }
    out
}

/// The form warnings of every citation in `found`.
fn form_warnings(pages: &[Page], found: &[Found]) -> Vec<Diagnostic> {
    let items = found.iter().flat_map(|f| f.cite.items.iter().zip(&f.positions).map(move |(it, &pos)| (f, it, pos)));
    items.flat_map(|(f, it, pos)| item_warnings(&pages[f.page], f, it, pos)).collect()
}

/// A warning for a citation in a heading, and for `-@key` in a group.
fn item_warnings(page: &Page, f: &Found, it: &syntax::CiteItem, pos: (usize, usize)) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if f.cite.in_heading {
        out.push(
            page.warning(pos, "a citation in a heading is shown as written".to_string())
                .with_help(Some("cite the work in the text under the heading".into())),
        );
    }
    if it.suppress_author && f.cite.form == Form::Bracketed && f.cite.items.len() > 1 {
        out.push(
            page.warning(pos, format!("`-@{}` shows the year only when it is cited alone", it.key))
                .with_help(Some(format!("write `[-@{}]` as its own citation", it.key))),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_citation_styles_are_configuration_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(CONFIG_FILE), "title = \"x\"\ncitation_style = \"chicago-author-dat\"\n")
            .unwrap();
        let config = Config::load(dir.path()).expect("site.toml parses");
        let err = config_problems(dir.path(), &config);
        assert_eq!(err[0].line, 2);
        assert!(err[0].message.contains("unknown citation style"), "{}", err[0].message);
        assert_eq!(err[0].help.as_deref(), Some("did you mean `chicago-author-date`?"));
        let ok = Config::parse("title = \"x\"\n").expect("valid");
        assert!(config_problems(dir.path(), &ok).is_empty());
    }

    fn cite(text: &str) -> FormattedCite {
        FormattedCite { segments: vec![format::Segment::Html(text.into())], plain: text.into() }
    }

    #[test]
    fn only_changed_formatting_of_known_citations_counts() {
        let mut before = Citations { enabled: true, ..Default::default() };
        before.cites.insert("[@a]".into(), cite("(A, 2015)"));
        let mut now = Citations { enabled: true, ..Default::default() };
        now.cites.insert("[@a]".into(), cite("(A, 2015)"));
        now.cites.insert("[@b]".into(), cite("(B, 2001)"));
        assert!(!now.formatting_changed(&before), "a new citation alone changes no other page");
        now.cites.insert("[@a]".into(), cite("(A, 2015a)"));
        assert!(now.formatting_changed(&before));
    }
}
