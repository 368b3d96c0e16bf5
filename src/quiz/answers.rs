//! The answer of each question type, and its per-answer feedback, read and checked.

use std::collections::HashSet;

use serde_yaml::{Mapping, Value};

use super::item::{scalar_text, Item};
use crate::content::frontmatter::{describe, Seg};
use crate::diagnostics::did_you_mean;
use crate::model::quiz::{normalize_answer, Answer, Markdown, QType};

impl Item<'_> {
    /// The answer of a question of type `t`.
    pub(super) fn answer(&mut self, t: QType) -> Option<Answer> {
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
    pub(super) fn distinct_list(&mut self, key: &str, what: &str, min: usize) -> Option<Vec<String>> {
        let items = self.list(key, false)?;
        self.quote_warnings(key, what, &items);
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
    pub(super) fn answer_values(&mut self) -> Option<(&'static str, Vec<String>)> {
        let key = if self.get("answer").is_some() { "answer" } else { "answers" };
        let values = self.list(key, true)?;
        self.quote_warnings(key, "answer", &values);
        Some((key, values))
    }

    /// Reports a missing answer field.
    pub(super) fn no_answer(&mut self, help: String) {
        let pos = ["answer", "answers"]
            .into_iter()
            .find(|k| self.map.contains_key(*k))
            .map_or_else(|| self.item_pos(), |k| self.key_pos(k));
        self.error(pos, 1, "no correct answer: this question has nothing to check against".into(), Some(help));
    }

    /// Index of the option `value`, or an error pointing at it with a did-you-mean.
    pub(super) fn option_index(&mut self, options: &[String], key: &str, value: &str, earlier: usize) -> Option<usize> {
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

    /// A single-choice answer: options and the one correct option.
    pub(super) fn single(&mut self) -> Option<Answer> {
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

    /// A multiple-choice answer: options and the correct ones.
    pub(super) fn multiple(&mut self) -> Option<Answer> {
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

    /// A true/false answer.
    pub(super) fn truefalse(&mut self) -> Option<Answer> {
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

    /// A short answer: accepted answers and an optional pattern.
    pub(super) fn short(&mut self) -> Option<Answer> {
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
    pub(super) fn pattern(&mut self) -> Option<Option<String>> {
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

    /// A matching answer: left items paired with right ones.
    pub(super) fn matching(&mut self) -> Option<Answer> {
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

    /// An ordering answer: the steps in order.
    pub(super) fn ordering(&mut self) -> Option<Vec<String>> {
        if self.get("steps").is_none() {
            let pos = self.item_pos();
            let help = Some("add `steps: [...]` in the correct order".into());
            self.error(pos, 1, "an ordering question needs `steps`".into(), help);
            return None;
        }
        self.distinct_list("steps", "step", 2)
    }

    /// The `feedback` mapping, or an error when it has another shape.
    pub(super) fn feedback_map(&mut self) -> Option<Mapping> {
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
    pub(super) fn feedback(&mut self, answer: &Answer) -> Vec<(String, Markdown)> {
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
    pub(super) fn browser_incompatible_patterns_are_named() {
        assert!(browser_incompatibility("^c\\.?b\\.?t\\.?$").is_none());
        assert!(browser_incompatibility("(?:cbt|c b t)").is_none());
        assert!(browser_incompatibility("(?<x>cbt)").is_none());
        assert!(browser_incompatibility("(?i)cbt").is_some());
        assert!(browser_incompatibility("(?P<x>a)").is_some());
        assert!(browser_incompatibility("\\Acbt\\z").is_some());
        assert!(browser_incompatibility("[[:alpha:]]+").is_some());
    }
}
