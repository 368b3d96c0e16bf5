//! Reads one page's `quiz:` list into questions, reporting every problem at its file position.
//!
//! Front matter is parsed by serde_yaml, which keeps no positions; every message is pointed at
//! its line and column through [`FrontMatter::locate`] and friends.

use std::collections::HashSet;

use serde_yaml::{Mapping, Value};

use super::model::{
    derived_id, is_valid_id, normalize_answer, Answer, FieldLink, Markdown, QType, Question, ALL_FIELDS, COMMON_FIELDS,
    DIFFICULTIES,
};
use crate::content::frontmatter::{describe, Seg};
use crate::content::page::Page;
use crate::diagnostics::{did_you_mean, Diagnostic, Severity};
use crate::links::LinkGraph;
use crate::markdown;

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
struct Item<'a> {
    pages: &'a [Page],
    graph: &'a LinkGraph,
    pi: usize,
    index: usize,
    map: &'a Mapping,
    diags: &'a mut Vec<Diagnostic>,
    /// The checked `options` of a choice question, kept to check feedback keys even when the
    /// answer itself is missing or wrong.
    options: Option<Vec<String>>,
}

impl Item<'_> {
    fn page(&self) -> &Page {
        &self.pages[self.pi]
    }

    fn path<'k>(&self, key: &'k str) -> [Seg<'k>; 3] {
        [Seg::Key("quiz"), Seg::Index(self.index), Seg::Key(key)]
    }

    /// Position of the question's list item (its `- ` line).
    fn item_pos(&self) -> (usize, usize) {
        self.page().front.locate(&[Seg::Key("quiz"), Seg::Index(self.index)])
    }

    /// Position of `key` in this question (the item when the key is absent).
    fn key_pos(&self, key: &str) -> (usize, usize) {
        self.page().front.locate(&self.path(key))
    }

    /// Position of `needle` inside the value of `key`.
    fn value_pos(&self, key: &str, needle: &str) -> (usize, usize) {
        self.page().front.locate_text(&self.path(key), needle)
    }

    /// Position of the `j`-th element of the list `key`, which reads `text`.
    ///
    /// Block lists are located item by item; in a flow list (`[a, b]`) the `j`-th element is found
    /// by counting earlier elements with the same text, so a duplicate points at the second copy.
    fn element_pos(&self, key: &str, j: usize, text: &str, earlier_same: usize) -> (usize, usize) {
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

    fn push(&mut self, severity: Severity, pos: (usize, usize), len: usize, msg: String, help: Option<String>) {
        let page = self.page();
        let d = match severity {
            Severity::Error => page.error(pos, msg),
            Severity::Warning => page.warning(pos, msg),
        };
        let d = d.with_len(len).with_help(help);
        self.diags.push(d);
    }

    fn error(&mut self, pos: (usize, usize), len: usize, msg: String, help: Option<String>) {
        self.push(Severity::Error, pos, len, msg, help);
    }

    fn warn(&mut self, pos: (usize, usize), len: usize, msg: String, help: Option<String>) {
        self.push(Severity::Warning, pos, len, msg, help);
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// The value of `key` as text; numbers and true/false count as text.
    fn text(&mut self, key: &str) -> Option<String> {
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
    fn list(&mut self, key: &str, one_ok: bool) -> Option<Vec<String>> {
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
    fn question(&mut self) -> Option<Question> {
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

    fn qtype(&mut self) -> Option<QType> {
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
    fn check_fields(&mut self, qtype: Option<QType>) {
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

    fn prompt(&mut self) -> Option<Markdown> {
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

    fn markdown_field(&mut self, key: &str) -> Option<Markdown> {
        let text = self.text(key)?;
        if text.trim().is_empty() {
            return None;
        }
        Some(self.markdown(&self.path(key), text))
    }

    /// Resolves the links of a Markdown field like body links; a miss is an error at its position.
    fn markdown(&mut self, path: &[Seg], source: String) -> Markdown {
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

    fn difficulty(&mut self) -> Option<String> {
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
    fn tests(&mut self) -> Vec<usize> {
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

    fn id(&mut self, qtype: Option<QType>, prompt: Option<&Markdown>) -> Option<String> {
        if let Some(id) = self.text("id") {
            if is_valid_id(&id) {
                return Some(id);
            }
            let pos = self.value_pos("id", &id);
            let (msg, help) = super::model::id_problem(&id);
            self.error(pos, id.chars().count(), msg, help);
            return None;
        }
        Some(derived_id(qtype?, &prompt?.source))
    }

    fn answer(&mut self, t: QType) -> Option<Answer> {
        match t {
            QType::Single => self.single(),
            QType::Multiple => self.multiple(),
            QType::Truefalse => self.truefalse(),
            QType::Short => self.short(),
            QType::Matching => self.matching(),
            QType::Ordering => self.ordering().map(|steps| Answer::Ordering { steps }),
        }
    }

    /// A list of distinct, non-empty items with at least `min` of them.
    fn distinct_list(&mut self, key: &str, what: &str, min: usize) -> Option<Vec<String>> {
        let items = self.list(key, false)?;
        let mut ok = true;
        let mut seen: HashSet<String> = HashSet::new();
        let mut earlier_texts: Vec<&str> = Vec::new();
        for (j, item) in items.iter().enumerate() {
            let earlier = earlier_texts.iter().filter(|s| **s == item.as_str()).count();
            earlier_texts.push(item);
            if item.trim().is_empty() {
                let pos = self.element_pos(key, j, item, earlier);
                self.error(pos, 1, format!("empty {what} in `{key}`"), None);
                ok = false;
            } else if !seen.insert(normalize_answer(item)) {
                let pos = self.element_pos(key, j, item, earlier);
                self.error(pos, item.chars().count(), format!("duplicate {what} `{}` in `{key}`", item.trim()), None);
                ok = false;
            }
        }
        if items.len() < min {
            let pos = self.key_pos(key);
            let msg = format!("`{key}` needs at least {min} {what}s, found {}", items.len());
            self.error(pos, key.len(), msg, None);
            ok = false;
        }
        ok.then(|| items.into_iter().map(|s| s.trim().to_string()).collect())
    }

    /// The values of `answer` or `answers` (a text or a list), and the key they were under.
    fn answer_values(&mut self) -> Option<(&'static str, Vec<String>)> {
        let key = if self.get("answer").is_some() { "answer" } else { "answers" };
        let values = self.list(key, true)?;
        Some((key, values))
    }

    fn no_answer(&mut self, help: String) {
        let pos = ["answer", "answers"]
            .into_iter()
            .find(|k| self.map.contains_key(*k))
            .map_or_else(|| self.item_pos(), |k| self.key_pos(k));
        self.error(pos, 1, "no correct answer: this question has nothing to check against".into(), Some(help));
    }

    /// Index of the option `value`, or an error pointing at it with a did-you-mean.
    fn option_index(&mut self, options: &[String], key: &str, value: &str, earlier: usize) -> Option<usize> {
        if let Some(i) = options.iter().position(|o| o == value.trim()) {
            return Some(i);
        }
        let pos = match self.get(key) {
            Some(Value::Sequence(items)) => {
                let j = items
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| scalar_text(v).as_deref() == Some(value))
                    .nth(earlier)
                    .map(|(j, _)| j)
                    .unwrap_or(0);
                self.element_pos(key, j, value, earlier)
            }
            _ => self.value_pos(key, value),
        };
        let help = did_you_mean(value, options.iter().map(String::as_str))
            .or_else(|| Some(format!("the options are: {}", options.join("; "))));
        self.error(pos, value.chars().count(), format!("answer `{}` is not one of the options", value.trim()), help);
        None
    }

    fn single(&mut self) -> Option<Answer> {
        let options = self.distinct_list("options", "option", 2);
        self.options.clone_from(&options);
        if self.get("options").is_none() {
            let pos = self.item_pos();
            self.error(pos, 1, "a single-choice question needs `options`".into(), None);
        }
        let Some((key, values)) = self.answer_values() else {
            self.no_answer("add `answer:` with the correct option".into());
            return None;
        };
        let options = options?;
        match values.as_slice() {
            [] => {
                self.no_answer("add `answer:` with the correct option".into());
                None
            }
            [one] => {
                let correct = self.option_index(&options, key, one, 0)?;
                Some(Answer::Single { options, correct })
            }
            many => {
                let pos = self.key_pos(key);
                let msg = format!("a single-choice question has one answer, found {}", many.len());
                self.error(pos, key.len(), msg, Some("for several correct options use `type: multiple`".into()));
                None
            }
        }
    }

    fn multiple(&mut self) -> Option<Answer> {
        let options = self.distinct_list("options", "option", 2);
        self.options.clone_from(&options);
        if self.get("options").is_none() {
            let pos = self.item_pos();
            self.error(pos, 1, "a select-all-that-apply question needs `options`".into(), None);
        }
        let help = "add `answer: [...]` with every correct option".to_string();
        let Some((key, values)) = self.answer_values() else {
            self.no_answer(help);
            return None;
        };
        if values.is_empty() {
            self.no_answer(help);
            return None;
        }
        let options = options?;
        let mut correct = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        let mut ok = true;
        for (j, v) in values.iter().enumerate() {
            let earlier = seen.iter().filter(|s| **s == v.as_str()).count();
            seen.push(v);
            match self.option_index(&options, key, v, earlier) {
                Some(i) if correct.contains(&i) => {
                    let pos = self.element_pos(key, j, v, earlier);
                    self.error(pos, v.chars().count(), format!("answer `{v}` is listed twice"), None);
                    ok = false;
                }
                Some(i) => correct.push(i),
                None => ok = false,
            }
        }
        correct.sort_unstable();
        ok.then_some(Answer::Multiple { options, correct })
    }

    fn truefalse(&mut self) -> Option<Answer> {
        let help = "add `answer: true` or `answer: false`".to_string();
        match self.get("answer").cloned() {
            None => {
                self.no_answer(help);
                None
            }
            Some(Value::Bool(b)) => Some(Answer::Truefalse(b)),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => Some(Answer::Truefalse(true)),
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => Some(Answer::Truefalse(false)),
            Some(other) => {
                let shown = scalar_text(&other).unwrap_or_else(|| describe(&other).to_string());
                let pos = self.value_pos("answer", &shown);
                let msg = format!("the answer to a true-or-false question is true or false, found `{shown}`");
                self.error(pos, shown.chars().count(), msg, Some(help));
                None
            }
        }
    }

    fn short(&mut self) -> Option<Answer> {
        let pattern = self.pattern();
        let help = "add `answers: [...]` with the accepted answers".to_string();
        let Some((key, values)) = self.answer_values() else {
            self.no_answer(help);
            return None;
        };
        let mut seen = HashSet::new();
        let mut answers = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        for (j, v) in values.iter().enumerate() {
            let earlier = texts.iter().filter(|s| **s == v.as_str()).count();
            texts.push(v);
            if v.trim().is_empty() {
                continue;
            }
            if !seen.insert(normalize_answer(v)) {
                let pos = self.element_pos(key, j, v, earlier);
                let msg = format!("duplicate answer `{v}` (answers are compared ignoring case and spacing)");
                self.error(pos, v.chars().count(), msg, None);
                return None;
            }
            answers.push(v.trim().to_string());
        }
        if answers.is_empty() {
            self.no_answer(help);
            return None;
        }
        Some(Answer::Short { answers, pattern: pattern? })
    }

    /// The optional `pattern` of a short answer: `Some(None)` when absent, `None` when invalid.
    fn pattern(&mut self) -> Option<Option<String>> {
        let Some(p) = self.text("pattern") else {
            return if self.get("pattern").is_some() { None } else { Some(None) };
        };
        let pos = self.key_pos("pattern");
        if let Err(e) = regex::RegexBuilder::new(&p).case_insensitive(true).build() {
            let msg = format!("invalid `pattern`: {}", regex_error_summary(&e));
            self.error(pos, 7, msg, None);
            return None;
        }
        if let Some(why) = browser_incompatibility(&p) {
            let msg = format!("`pattern` uses {why}, which browsers' regular expressions do not understand");
            let help = Some("keep patterns to what Rust and JavaScript share (README, Quizzes > Patterns)".into());
            self.warn(pos, 7, msg, help);
        }
        Some(Some(p))
    }

    fn matching(&mut self) -> Option<Answer> {
        let left = self.distinct_list("left", "item", 2);
        let right = self.distinct_list("right", "item", 2);
        for (key, side) in [("left", &left), ("right", &right)] {
            if side.is_none() && self.get(key).is_none() {
                let pos = self.item_pos();
                let msg = format!("a matching question needs `left` and `right` lists; `{key}` is missing");
                self.error(pos, 1, msg, Some("`left[i]` pairs with `right[i]`".into()));
            }
        }
        let (left, right) = (left?, right?);
        if left.len() != right.len() {
            let pos = self.key_pos("right");
            let msg =
                format!("matching sides have unequal length: {} on the left, {} on the right", left.len(), right.len());
            let help = Some("`left[i]` pairs with `right[i]`: give both lists the same number of items".into());
            self.error(pos, 5, msg, help);
            return None;
        }
        Some(Answer::Matching { left, right })
    }

    fn ordering(&mut self) -> Option<Vec<String>> {
        if self.get("steps").is_none() {
            let pos = self.item_pos();
            let help = Some("add `steps: [...]` in the correct order".into());
            self.error(pos, 1, "an ordering question needs `steps`".into(), help);
            return None;
        }
        self.distinct_list("steps", "step", 2)
    }

    /// The `feedback` mapping, or an error when it has another shape.
    fn feedback_map(&mut self) -> Option<Mapping> {
        match self.get("feedback")?.clone() {
            Value::Mapping(map) => Some(map),
            other => {
                let pos = self.key_pos("feedback");
                let msg = format!("`feedback` should map answers to texts, found {}", describe(&other));
                self.error(pos, 8, msg, Some("write `feedback:` then one `option: text` line per option".into()));
                None
            }
        }
    }

    /// Per-answer feedback: keys must name an option (or true/false); matching and ordering ignore it.
    fn feedback(&mut self, answer: &Answer) -> Vec<(String, Markdown)> {
        let Some(map) = self.feedback_map() else { return Vec::new() };
        let pos = self.key_pos("feedback");
        let keys: Vec<String> = match answer {
            Answer::Single { options, .. } | Answer::Multiple { options, .. } => options.clone(),
            Answer::Truefalse(_) => vec!["true".into(), "false".into()],
            Answer::Short { .. } => Vec::new(),
            Answer::Matching { .. } | Answer::Ordering { .. } => {
                let msg = format!("`feedback` is not shown for {} questions", answer.qtype().label());
                self.warn(pos, 8, msg, Some("put what the learner should know in `explanation`".into()));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (k, v) in &map {
            let (Some(k), Some(text)) = (scalar_text(k), scalar_text(v)) else {
                let msg = "each `feedback` entry should be `answer: text`".to_string();
                self.error(pos, 8, msg, None);
                continue;
            };
            let path = [Seg::Key("quiz"), Seg::Index(self.index), Seg::Key("feedback"), Seg::Key(&k)];
            let key = k.trim().to_string();
            let known = match answer {
                Answer::Short { .. } => true,
                Answer::Truefalse(_) => keys.iter().any(|o| o.eq_ignore_ascii_case(&key)),
                _ => keys.contains(&key),
            };
            if !known {
                let kpos = self.page().front.locate(&path);
                let help = did_you_mean(&key, keys.iter().map(String::as_str))
                    .or_else(|| Some(format!("feedback keys are the options: {}", keys.join("; "))));
                let msg = format!("feedback for `{key}`, which is not one of the options");
                self.error(kpos, key.chars().count(), msg, help);
                continue;
            }
            let key = if matches!(answer, Answer::Truefalse(_)) { key.to_lowercase() } else { key };
            let md = self.markdown(&path, text);
            out.push((key, md));
        }
        out
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
fn nth_text(fm: &crate::content::frontmatter::FrontMatter, path: &[Seg], needle: &str, nth: usize) -> (usize, usize) {
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

/// The one-line reason out of the regex crate's multi-line error.
fn regex_error_summary(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim().to_string())
}

/// Regex syntax that Rust's `regex` accepts but a browser's `RegExp` does not (or reads differently).
///
/// The build checks patterns with the `regex` crate, the browser runs them with JavaScript's
/// `RegExp`; authors are told to stay in the common subset and this catches the usual slips.
pub fn browser_incompatibility(p: &str) -> Option<&'static str> {
    let flags = p.match_indices("(?").any(|(i, _)| {
        let rest = &p[i + 2..];
        rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-') && !rest.starts_with("P<")
    });
    if flags {
        return Some("inline flags such as `(?i)` (matching already ignores case)");
    }
    if p.contains("(?P<") {
        return Some("`(?P<name>...)` groups (write `(?<name>...)`)");
    }
    if p.contains("\\A") || p.contains("\\z") || p.contains("\\Z") {
        return Some("`\\A` or `\\z` anchors (use `^` and `$`)");
    }
    if p.contains("[[:") {
        return Some("POSIX classes such as `[[:alpha:]]`");
    }
    if p.contains("\\p{") || p.contains("\\P{") {
        return Some("Unicode classes such as `\\p{L}`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_incompatible_patterns_are_named() {
        assert!(browser_incompatibility("^c\\.?b\\.?t\\.?$").is_none());
        assert!(browser_incompatibility("(?:cbt|c b t)").is_none());
        assert!(browser_incompatibility("(?<x>cbt)").is_none());
        assert!(browser_incompatibility("(?i)cbt").is_some());
        assert!(browser_incompatibility("(?P<x>a)").is_some());
        assert!(browser_incompatibility("\\Acbt\\z").is_some());
        assert!(browser_incompatibility("[[:alpha:]]+").is_some());
    }
}
