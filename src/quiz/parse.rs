//! Reads one page's `quiz:` list into questions, reporting every problem at its file position.
//! The common fields are read here, each type's answer in `answers.rs`, both through the field
//! readers of `item.rs`.
//!
//! Front matter is parsed by serde_yaml, which keeps no positions; every message is pointed at
//! its line and column through [`FrontMatter::locate`] and friends.

use serde_yaml::Value;

use super::item::{scalar_text, Item};
use crate::content::frontmatter::{describe, Seg};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::graph::LinkGraph;
use crate::model::page::Page;
use crate::model::quiz::{
    derived_id, is_valid_id, Answer, Markdown, QType, Question, ALL_FIELDS, COMMON_FIELDS, DIFFICULTIES,
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

impl Item<'_> {
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
                if self.misplaced_feedback(&key, pos) {
                    continue;
                }
                let allowed: Vec<&str> = match qtype {
                    Some(t) => COMMON_FIELDS.iter().chain(t.own_fields()).copied().collect(),
                    None => ALL_FIELDS.to_vec(),
                };
                let help = did_you_mean(&key, allowed);
                let msg = format!("unknown field `{key}` in a quiz question: it is ignored");
                self.warn(pos, key.chars().count(), msg, help);
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
            let (msg, help) = crate::model::quiz::id_problem(&id);
            self.error(pos, id.chars().count(), msg, help);
            return None;
        }
        Some(derived_id(qtype?, &prompt?.source))
    }
}
