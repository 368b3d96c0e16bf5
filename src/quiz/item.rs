//! One question being read: where it is in the front matter, the diagnostics collected so
//! far, and the field readers every part of the question uses.

use serde_yaml::{Mapping, Value};

use crate::content::frontmatter::{describe, FrontMatter, Seg};
use crate::diagnostics::{Diagnostic, Severity};
use crate::markdown;
use crate::model::graph::LinkGraph;
use crate::model::page::Page;
use crate::model::quiz::{FieldLink, Markdown};

/// One question being read: where it is, and the diagnostics collected so far.
pub(super) struct Item<'a> {
    pub(super) pages: &'a [Page],
    pub(super) graph: &'a LinkGraph,
    pub(super) pi: usize,
    pub(super) index: usize,
    pub(super) map: &'a Mapping,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    /// The checked `options` of a choice question, kept to check feedback keys even when the
    /// answer itself is missing or wrong.
    pub(super) options: Option<Vec<String>>,
}

impl Item<'_> {
    /// The page holding the question.
    pub(super) fn page(&self) -> &Page {
        &self.pages[self.pi]
    }

    /// Front matter path of `key` in this question.
    pub(super) fn path<'k>(&self, key: &'k str) -> [Seg<'k>; 3] {
        [Seg::Key("quiz"), Seg::Index(self.index), Seg::Key(key)]
    }

    /// Position of the question's list item (its `- ` line).
    pub(super) fn item_pos(&self) -> (usize, usize) {
        self.page().front.locate(&[Seg::Key("quiz"), Seg::Index(self.index)])
    }

    /// Position of `key` in this question (the item when the key is absent).
    pub(super) fn key_pos(&self, key: &str) -> (usize, usize) {
        self.page().front.locate(&self.path(key))
    }

    /// Position of `needle` inside the value of `key`.
    pub(super) fn value_pos(&self, key: &str, needle: &str) -> (usize, usize) {
        self.page().front.locate_text(&self.path(key), needle)
    }

    /// Position of the `j`-th element of the list `key`, which reads `text`.
    ///
    /// Block lists are located item by item; in a flow list (`[a, b]`) the `j`-th element is found
    /// by counting earlier elements with the same text, so a duplicate points at the second copy.
    pub(super) fn element_pos(&self, key: &str, j: usize, text: &str, earlier_same: usize) -> (usize, usize) {
        let fm = &self.page().front;
        let base = self.path(key);
        let item = [base[0], base[1], base[2], Seg::Index(j)];
        let at_item = fm.locate(&item);
        if at_item != fm.locate(&base) {
            return fm.locate_text(&item, text);
        }
        if text.trim().is_empty() {
            // Nothing to search for in a flow list: point at the list itself.
            return fm.locate(&base);
        }
        nth_text(fm, &base, text, earlier_same)
    }

    /// Records a located diagnostic.
    pub(super) fn push(
        &mut self,
        severity: Severity,
        pos: (usize, usize),
        len: usize,
        msg: String,
        help: Option<String>,
    ) {
        let page = self.page();
        let d = match severity {
            Severity::Error => page.error(pos, msg),
            Severity::Warning => page.warning(pos, msg),
        };
        let d = d.with_len(len).with_help(help);
        self.diags.push(d);
    }

    /// Records a located error.
    pub(super) fn error(&mut self, pos: (usize, usize), len: usize, msg: String, help: Option<String>) {
        self.push(Severity::Error, pos, len, msg, help);
    }

    /// Records a located warning.
    pub(super) fn warn(&mut self, pos: (usize, usize), len: usize, msg: String, help: Option<String>) {
        self.push(Severity::Warning, pos, len, msg, help);
    }

    /// The raw value of `key`, if present.
    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// The value of `key` as text; numbers and true/false count as text.
    pub(super) fn text(&mut self, key: &str) -> Option<String> {
        let v = self.get(key)?.clone();
        match scalar_text(&v) {
            Some(s) => Some(s),
            None => {
                let pos = self.key_pos(key);
                self.error(pos, key.len(), format!("`{key}` should be text, found {}", describe(&v)), None);
                None
            }
        }
    }

    /// The value of `key` as a list of texts; a single text is accepted when `one_ok`.
    pub(super) fn list(&mut self, key: &str, one_ok: bool) -> Option<Vec<String>> {
        let v = self.get(key)?.clone();
        let pos = self.key_pos(key);
        match &v {
            Value::Sequence(items) => {
                let texts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
                if texts.is_none() {
                    let msg = format!("`{key}` should be a list of texts, but an element is a list or a set of fields");
                    let help = Some("quote an element that contains `: ` or starts with `[`, `{` or `-`".into());
                    self.error(pos, key.len(), msg, help);
                }
                texts
            }
            other => match scalar_text(other) {
                Some(s) if one_ok => Some(vec![s]),
                Some(s) => {
                    let help = Some(format!("write a list: `{key}: [{s}]`"));
                    self.error(pos, key.len(), format!("`{key}` should be a list, found text"), help);
                    None
                }
                None => {
                    self.error(pos, key.len(), format!("`{key}` should be a list, found {}", describe(other)), None);
                    None
                }
            },
        }
    }

    /// Resolves the links of a Markdown field like body links; a miss is an error at its position.
    pub(super) fn markdown(&mut self, path: &[Seg], source: String) -> Markdown {
        let doc = markdown::analyze(&source, 0);
        let mut links = Vec::new();
        for link in &doc.links {
            match self.graph.resolve_link(self.pages, self.pi, link) {
                Ok(t) => {
                    links.push(FieldLink { offset: link.offset, page: t.page, anchor: t.anchor.map(str::to_string) })
                }
                Err((msg, help)) => {
                    let written: String =
                        source[link.offset..].lines().next().unwrap_or("").chars().take(link.len).collect();
                    let pos = self.page().front.locate_text(path, &written);
                    self.error(pos, link.len, msg, help);
                }
            }
        }
        Markdown { source, links }
    }
}

/// The text of a scalar YAML value; `None` for lists, mappings and null.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

/// Position of the `nth` (0-based) occurrence of `needle` at or after the node at `path`.
pub(super) fn nth_text(fm: &FrontMatter, path: &[Seg], needle: &str, nth: usize) -> (usize, usize) {
    let (line, col) = fm.locate(path);
    let lines: Vec<&str> = fm.yaml.lines().collect();
    let start = line.saturating_sub(fm.first_line);
    let mut remaining = nth;
    for (i, l) in lines.iter().enumerate().skip(start).take(40) {
        let mut from =
            if i == start { l.char_indices().nth(col.saturating_sub(1)).map_or(l.len(), |(b, _)| b) } else { 0 };
        while let Some(b) = l.get(from..).and_then(|s| s.find(needle)) {
            if remaining == 0 {
                return (fm.first_line + i, l[..from + b].chars().count() + 1);
            }
            remaining -= 1;
            from += b + needle.len().max(1);
        }
    }
    (line, col)
}
