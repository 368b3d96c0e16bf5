//! Reads one page's `quiz:` list into questions, reporting every problem at its file position.
//! The common fields are read here, each type's answer in `answers.rs`.
//!
//! Front matter is parsed by serde_yaml, which keeps no positions; every message is pointed at
//! its line and column through [`FrontMatter::locate`] and friends.

use serde_yaml::{Mapping, Value};

use crate::content::frontmatter::{describe, Seg};
use crate::diagnostics::{did_you_mean, Diagnostic, Severity};
use crate::markdown;
use crate::model::graph::LinkGraph;
use crate::model::page::Page;
use crate::model::quiz::{
    derived_id, is_valid_id, Answer, FieldLink, Markdown, QType, Question, ALL_FIELDS, COMMON_FIELDS, DIFFICULTIES,
};

/// Parses and checks the questions of page `pi`; questions with errors are left out.
pub fn parse_page(pages: &[Page], graph: &LinkGraph, pi: usize) -> (Vec<Question>, Vec<Diagnostic>) {
    let page = &pages[pi];
    let mut diags = Vec::new();
    let items = match page.front.map.get("quiz") {
        None | Some(Value::Null) => return (Vec::new(), diags),
        Some(Value::Sequence(items)) => items,
        Some(other) => {
            let pos = page.front.locate(&[Seg::Key("quiz")]);
            let msg = format!("`quiz` should be a list of questions, found {}", describe(other));
            diags.push(page.error(pos, msg).with_help(Some("start each question with `- type: ...`".into())));
            return (Vec::new(), diags);
        }
    };
    let mut questions = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Value::Mapping(map) = item else {
            let pos = page.front.locate(&[Seg::Key("quiz"), Seg::Index(index)]);
            let msg =
                format!("a quiz question should be a set of fields (type, prompt, ...), found {}", describe(item));
            diags.push(page.error(pos, msg));
            continue;
        };
        let mut cx = Item { pages, graph, pi, index, map, diags: &mut diags, options: None };
        if let Some(q) = cx.question() {
            questions.push(q);
        }
    }
    (questions, diags)
}

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

    /// Reads and checks the whole question; `None` when it has errors.
    pub(super) fn question(&mut self) -> Option<Question> {
        let errors_before = self.diags.iter().filter(|d| d.is_error()).count();
        let qtype = self.qtype();
        self.check_fields(qtype);
        let prompt = self.prompt();
        let explanation = self.markdown_field("explanation");
        let difficulty = self.difficulty();
        let tags = self.list("tags", true).unwrap_or_default();
        let tests = self.tests();
        let answer = qtype.and_then(|t| self.answer(t));
        let feedback = match (&answer, self.options.clone()) {
            (Some(a), _) => self.feedback(a),
            // Still check feedback keys against the options when the answer has problems.
            (None, Some(options)) => self.feedback(&Answer::Multiple { options, correct: Vec::new() }),
            (None, None) => {
                self.feedback_map();
                Vec::new()
            }
        };
        let id = self.id(qtype, prompt.as_ref());
        let errors_after = self.diags.iter().filter(|d| d.is_error()).count();
        if errors_after > errors_before {
            return None;
        }
        let (line, col) = self.item_pos();
        Some(Question {
            explicit_id: self.get("id").is_some(),
            id: id?,
            answer: answer?,
            prompt: prompt?,
            explanation,
            feedback,
            difficulty,
            tags,
            tests,
            page: self.pi,
            index: self.index,
            line,
            col,
        })
    }

    /// The checked `type`.
    pub(super) fn qtype(&mut self) -> Option<QType> {
        let names: Vec<&str> = QType::ALL.iter().map(|t| t.name()).collect();
        let Some(name) = self.text("type") else {
            if self.get("type").is_none() {
                let pos = self.item_pos();
                let help = Some(format!("add `type:` with one of: {}", names.join(", ")));
                self.error(pos, 1, "quiz question has no `type`".into(), help);
            }
            return None;
        };
        match QType::from_name(&name) {
            Some(t) => Some(t),
            None => {
                let pos = self.value_pos("type", &name);
                let help = did_you_mean(&name, names.iter().copied())
                    .or_else(|| Some(format!("the types are: {}", names.join(", "))));
                self.error(pos, name.chars().count(), format!("unknown question type `{name}`"), help);
                None
            }
        }
    }

    /// Unknown fields are warnings with a did-you-mean; fields of another type are warnings too.
    pub(super) fn check_fields(&mut self, qtype: Option<QType>) {
        let keys: Vec<String> = self.map.keys().filter_map(scalar_text).collect();
        for key in keys {
            let pos = self.key_pos(&key);
            if !ALL_FIELDS.contains(&key.as_str()) {
                let allowed: Vec<&str> = match qtype {
                    Some(t) => COMMON_FIELDS.iter().chain(t.own_fields()).copied().collect(),
                    None => ALL_FIELDS.to_vec(),
                };
                let help = did_you_mean(&key, allowed);
                self.warn(pos, key.chars().count(), format!("unknown field `{key}` in a quiz question"), help);
                continue;
            }
            if let Some(t) = qtype {
                let used = COMMON_FIELDS.contains(&key.as_str()) || t.own_fields().contains(&key.as_str());
                if !used {
                    let msg = format!("`{key}` is not used by {} questions (type `{}`)", t.label(), t.name());
                    self.warn(pos, key.chars().count(), msg, None);
                }
            }
        }
        if self.get("answer").is_some() && self.get("answers").is_some() {
            let pos = self.key_pos("answers");
            let msg = "both `answer` and `answers` are given; use one of them".to_string();
            self.error(pos, 7, msg, None);
        }
    }

    /// The required `prompt`, analysed as Markdown.
    pub(super) fn prompt(&mut self) -> Option<Markdown> {
        match self.text("prompt") {
            Some(p) if !p.trim().is_empty() => Some(self.markdown(&self.path("prompt"), p)),
            Some(_) => {
                let pos = self.key_pos("prompt");
                self.error(pos, 6, "empty prompt: write the question to ask".into(), None);
                None
            }
            None => {
                if self.get("prompt").is_none() {
                    let pos = self.item_pos();
                    self.error(pos, 1, "quiz question has no `prompt`".into(), Some("add `prompt: ...`".into()));
                }
                None
            }
        }
    }

    /// An optional Markdown field, analysed with its links resolved.
    pub(super) fn markdown_field(&mut self, key: &str) -> Option<Markdown> {
        let text = self.text(key)?;
        if text.trim().is_empty() {
            return None;
        }
        Some(self.markdown(&self.path(key), text))
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

    /// The optional `difficulty`, one of easy, medium, hard.
    pub(super) fn difficulty(&mut self) -> Option<String> {
        let d = self.text("difficulty")?;
        if DIFFICULTIES.contains(&d.as_str()) {
            return Some(d);
        }
        let pos = self.value_pos("difficulty", &d);
        let help = did_you_mean(&d, DIFFICULTIES.iter().copied()).or_else(|| Some("use easy, medium or hard".into()));
        self.error(pos, d.chars().count(), format!("unknown difficulty `{d}`"), help);
        None
    }

    /// The question's `tests:` slugs, resolved like links, plus the page's own `tests:`.
    pub(super) fn tests(&mut self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let names = self.list("tests", true).unwrap_or_default();
        let mut seen: Vec<&str> = Vec::new();
        for (j, name) in names.iter().enumerate() {
            let earlier = seen.iter().filter(|s| **s == name.as_str()).count();
            seen.push(name);
            match self.graph.find(name) {
                Some(t) => {
                    if t != self.pi && !out.contains(&t) {
                        out.push(t);
                    }
                }
                None => {
                    let pos = self.element_pos("tests", j, name, earlier);
                    let help = did_you_mean(name, self.pages.iter().map(|p| p.slug.as_str()));
                    self.error(pos, name.chars().count(), format!("`tests` names an unknown page `{name}`"), help);
                }
            }
        }
        for &t in self.graph.tests.get(self.pi).map(Vec::as_slice).unwrap_or_default() {
            if t != self.pi && !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// The explicit id, checked, or the id derived from type and prompt.
    pub(super) fn id(&mut self, qtype: Option<QType>, prompt: Option<&Markdown>) -> Option<String> {
        if let Some(id) = self.text("id") {
            if is_valid_id(&id) {
                return Some(id);
            }
            let pos = self.value_pos("id", &id);
            let msg = format!("question id `{id}` may hold only letters, digits, `-`, `_` and `.`");
            let help = Some(format!("try `{}`", crate::model::slug::slugify(&id)));
            self.error(pos, id.chars().count(), msg, help);
            return None;
        }
        Some(derived_id(qtype?, &prompt?.source))
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
pub(super) fn nth_text(
    fm: &crate::content::frontmatter::FrontMatter,
    path: &[Seg],
    needle: &str,
    nth: usize,
) -> (usize, usize) {
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
