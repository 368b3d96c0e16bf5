//! Problems found in a site, collected across a whole run and printed rustc-style.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthChar;

/// Diagnostics of one kind printed before the rest are summed up in one line.
pub const DEFAULT_LIMIT_PER_KIND: usize = 50;

/// Characters of the source line kept before the caret; more are elided with `…`.
const EXCERPT_BEFORE: usize = 40;
/// Characters of the source line kept from the caret on; more are elided with `…`.
const EXCERPT_AFTER: usize = 80;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One problem at a place in a source file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as shown to the user (relative to the site root where possible).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// Width of the caret underline, in characters.
    pub len: usize,
    pub message: String,
    /// A hint such as a did-you-mean.
    pub help: Option<String>,
    /// The part of the source line around the problem, for the caret display (a bounded excerpt,
    /// never the whole line: thousands of problems on one long line must not copy it each time).
    pub source_line: Option<String>,
    /// 1-based column of the caret within `source_line`, in characters.
    pub source_col: usize,
}

impl Diagnostic {
    /// An error at `path:line:col`.
    pub fn error(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path.into(), line, col, message.into())
    }

    /// A warning at `path:line:col`.
    pub fn warning(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path.into(), line, col, message.into())
    }

    fn new(severity: Severity, path: PathBuf, line: usize, col: usize, message: String) -> Self {
        Diagnostic { severity, path, line, col, len: 1, message, help: None, source_line: None, source_col: 0 }
    }

    /// Adds a hint; `None` leaves the diagnostic as it is.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Underlines `len` characters instead of one.
    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    /// Attaches an excerpt of the line this diagnostic points at, taken from the whole file's text.
    pub fn with_source(mut self, text: &str) -> Self {
        if self.line > 0 {
            if let Some(line) = text.lines().nth(self.line - 1) {
                let (excerpt, col) = excerpt(line.trim_end_matches('\r'), self.col);
                self.source_line = Some(excerpt);
                self.source_col = col;
            }
        }
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic with its location, source line and caret.
    pub fn render(&self) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = String::new();
        let path = self.path.display();
        match (self.line, self.col) {
            (0, _) => {
                let _ = writeln!(out, "{path}: {label}: {}", self.message);
            }
            (line, 0) => {
                let _ = writeln!(out, "{path}:{line}: {label}: {}", self.message);
            }
            (line, col) => {
                let _ = writeln!(out, "{path}:{line}:{col}: {label}: {}", self.message);
            }
        }
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{gutter} | {src}");
            if self.source_col > 0 {
                let _ = writeln!(out, "{pad} | {}", caret(src, self.source_col, self.len));
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }
}

/// Cuts `line` to a window around 1-based character column `col`; returns it and the column
/// within it. Elided parts are shown as `…`.
fn excerpt(line: &str, col: usize) -> (String, usize) {
    let at = col.saturating_sub(1);
    let start = at.saturating_sub(EXCERPT_BEFORE);
    let mut chars = from_char(line, start).chars();
    let mut out = String::new();
    let mut new_col = col.saturating_sub(start);
    if start > 0 {
        out.push('…');
        new_col += 1;
    }
    out.extend(chars.by_ref().take(at - start + EXCERPT_AFTER));
    if chars.next().is_some() {
        out.push('…');
    }
    (out, if col == 0 { 0 } else { new_col })
}

/// `s` from its `n`-th character on. ASCII text is cut by byte without walking it character by
/// character: thousands of diagnostics on one long line must not each walk the whole line.
fn from_char(s: &str, n: usize) -> &str {
    match s.as_bytes().get(..n) {
        Some(head) if head.is_ascii() => &s[n..],
        _ => s.char_indices().nth(n).map_or("", |(b, _)| &s[b..]),
    }
}

/// The caret line under `src`: padding as wide on screen as the text before column `col`
/// (tabs kept, wide CJK and emoji characters counted as two), then `^` under `len` characters.
fn caret(src: &str, col: usize, len: usize) -> String {
    let mut out = String::new();
    let mut chars = src.chars();
    for c in chars.by_ref().take(col - 1) {
        match c {
            '\t' => out.push('\t'),
            c => out.extend(std::iter::repeat_n(' ', c.width().unwrap_or(0))),
        }
    }
    let width: usize = chars.take(len).map(|c| c.width().unwrap_or(0)).sum();
    out.extend(std::iter::repeat_n('^', width.max(1)));
    out
}

/// The kind of a diagnostic for bounding the output: its severity and message with the quoted
/// names and numbers left out, so "unknown link target `a`" and "... `b`" are one kind.
fn kind_of(d: &Diagnostic) -> (Severity, String) {
    let mut kind = String::new();
    let mut quoted = false;
    for c in d.message.chars() {
        match c {
            '`' => {
                quoted = !quoted;
                kind.push('`');
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !kind.ends_with('#') {
                    kind.push('#');
                }
            }
            c => kind.push(c),
        }
    }
    (d.severity, kind)
}

/// All diagnostics of a run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when at least one error was found.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics, sorted by file and position.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
        v
    }

    /// The diagnostics rendered, at most [`DEFAULT_LIMIT_PER_KIND`] of each kind, then a count line.
    pub fn render(&self) -> String {
        self.render_with(Some(DEFAULT_LIMIT_PER_KIND))
    }

    /// The diagnostics rendered, at most `limit` of each kind (all when `None`); each kind cut
    /// short ends with "and N more like this", then a count line.
    pub fn render_with(&self, limit: Option<usize>) -> String {
        let mut out = String::new();
        let mut shown: BTreeMap<(Severity, String), (usize, &Diagnostic)> = BTreeMap::new();
        for d in self.sorted() {
            let seen = shown.entry(kind_of(d)).or_insert((0, d));
            seen.0 += 1;
            if limit.is_none_or(|l| seen.0 <= l) {
                out.push_str(&d.render());
                out.push('\n');
            }
        }
        if let Some(limit) = limit {
            for (count, first) in shown.values().filter(|(n, _)| *n > limit) {
                let label = if first.is_error() { "error" } else { "warning" };
                let _ = writeln!(
                    out,
                    "... and {} more like this ({label}: {}); `--all-errors` prints all\n",
                    count - limit,
                    first.message
                );
            }
        }
        out.push_str(&self.summary());
        out.push('\n');
        for line in self.rule_tallies() {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// One line per check whose messages read `CHECK [RULE]: ...` (the quiz item-writing check),
    /// counting its findings by rule: `item-writing: 3 findings (2 near-duplicate, 1 no-explanation)`.
    pub fn rule_tallies(&self) -> Vec<String> {
        let mut tallies: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for d in &self.items {
            let Some((check, rest)) = d.message.split_once(" [") else { continue };
            let Some((rule, _)) = rest.split_once("]: ") else { continue };
            if !check.contains(' ') && !rule.contains(' ') {
                *tallies.entry(check).or_default().entry(rule).or_default() += 1;
            }
        }
        tallies
            .into_iter()
            .map(|(check, rules)| {
                let total: usize = rules.values().sum();
                let mut by_rule: Vec<(&str, usize)> = rules.into_iter().collect();
                by_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                let parts: Vec<String> = by_rule.iter().map(|(r, n)| format!("{n} {r}")).collect();
                format!("{check}: {total} {} ({})", plural(total, "finding"), parts.join(", "))
            })
            .collect()
    }

    /// "2 errors, 1 warning" style count.
    pub fn summary(&self) -> String {
        let (e, w) = (self.error_count(), self.warning_count());
        format!("{} {}, {} {}", e, plural(e, "error"), w, plural(w, "warning"))
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Maps byte offsets in a text to 1-based line and character column.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// Line and column (both 1-based, column in characters) of byte `offset`.
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = offset.min(text.len());
        let col = text.get(start..end).map(|s| if s.is_ascii() { s.len() } else { s.chars().count() }).unwrap_or(0) + 1;
        (line, col)
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_source_and_caret() {
        let d = Diagnostic::error("content/a.md", 2, 5, "unknown link target `x`")
            .with_len(5)
            .with_source("line one\nsee [[x]] here\n")
            .with_help(Some("did you mean `y`?".into()));
        let r = d.render();
        assert!(r.starts_with("content/a.md:2:5: error: unknown link target `x`\n"), "{r}");
        assert!(r.contains("2 | see [[x]] here\n"), "{r}");
        assert!(r.contains("  |     ^^^^^\n"), "{r}");
        assert!(r.contains("= help: did you mean `y`?"), "{r}");
    }

    #[test]
    fn keeps_only_an_excerpt_of_a_long_line() {
        let line: String = (0..20_000).map(|i| format!("[[missing-{i}]] ")).collect();
        let col = line.find("[[missing-10000]]").unwrap() + 1;
        let d =
            Diagnostic::error("a.md", 1, col, "unknown link target `missing-10000`").with_len(17).with_source(&line);
        let src = d.source_line.as_deref().unwrap();
        assert!(src.chars().count() <= EXCERPT_BEFORE + EXCERPT_AFTER + 2, "{src}");
        let r = d.render();
        let caret_line = r.lines().find(|l| l.contains('^')).unwrap();
        let src_line = r.lines().find(|l| l.contains("[[missing-10000]]")).unwrap();
        // The caret sits under the link it names.
        let caret_at = caret_line.find('^').unwrap();
        assert_eq!(&src_line[src_line.char_indices().nth(caret_at).unwrap().0..][..17], "[[missing-10000]]", "{r}");
        assert!(src_line.contains('…'), "{r}");
    }

    #[test]
    fn caret_counts_display_width_of_wide_characters() {
        let d = Diagnostic::error("a.md", 1, 4, "x").with_len(2).with_source("漢字 😀x [[y]]");
        assert!(d.render().contains("1 | 漢字 😀x [[y]]\n  |      ^^^\n"), "{}", d.render());
    }

    #[test]
    fn output_is_bounded_per_kind_unless_all_are_asked_for() {
        let mut ds = Diagnostics::new();
        for i in 0..60 {
            ds.push(Diagnostic::error("a.md", i + 1, 1, format!("unknown link target `t{i}`")));
        }
        ds.push(Diagnostic::warning("a.md", 99, 1, "page has no summary"));
        let r = ds.render();
        assert_eq!(r.matches("unknown link target").count(), 51, "{r}");
        assert!(r.contains("... and 10 more like this (error: unknown link target `t0`)"), "{r}");
        assert!(r.contains("page has no summary"), "{r}");
        assert!(r.ends_with("60 errors, 1 warning\n"), "{r}");
        let all = ds.render_with(None);
        assert_eq!(all.matches("unknown link target").count(), 60, "{all}");
        assert!(!all.contains("more like this"), "{all}");
    }

    #[test]
    fn line_index_counts_characters_not_bytes() {
        let text = "héllo\nwörld [[x]]";
        let idx = LineIndex::new(text);
        let off = text.find("[[").unwrap();
        assert_eq!(idx.locate(text, off), (2, 7));
        assert_eq!(idx.locate(text, 0), (1, 1));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("empaty", ["empathy", "warmth"]), Some("did you mean `empathy`?".into()));
        assert_eq!(did_you_mean("zzz", ["empathy", "warmth"]), None);
    }

    #[test]
    fn summary_counts_errors_and_warnings() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("a", 1, 1, "x"));
        ds.push(Diagnostic::warning("a", 1, 1, "y"));
        ds.push(Diagnostic::error("b", 1, 1, "z"));
        assert_eq!(ds.summary(), "2 errors, 1 warning");
    }
}
