//! The question bank: six question types, Markdown fields with their resolved links, stable ids,
//! and the site's validated questions by page ([`QuizSet`]).

use serde::{Deserialize, Serialize};

use super::page::Page;

/// Every page's validated questions.
#[derive(Debug, Default)]
pub struct QuizSet {
    /// All questions, page by page, in front matter order.
    pub questions: Vec<Question>,
    /// Per page: its own questions (indices into `questions`).
    pub by_page: Vec<Vec<usize>>,
    /// Per page: the questions that test it, its own and those naming it in `tests:`.
    pub covering: Vec<Vec<usize>>,
}

impl QuizSet {
    /// Number of questions in the site.
    pub fn count(&self) -> usize {
        self.questions.len()
    }

    /// Questions of pages of `kind` (all when `None`), in site order.
    pub fn of_kind<'a>(&'a self, pages: &'a [Page], kind: Option<&'a str>) -> impl Iterator<Item = &'a Question> {
        self.questions.iter().filter(move |q| kind.is_none_or(|k| pages[q.page].kind == k))
    }
}

/// The six question types, named as authors write them in `type:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QType {
    Single,
    Multiple,
    Truefalse,
    Short,
    Matching,
    Ordering,
}

impl QType {
    /// Every type, in the order the docs list them.
    pub const ALL: [QType; 6] =
        [QType::Single, QType::Multiple, QType::Truefalse, QType::Short, QType::Matching, QType::Ordering];

    /// The name written in front matter.
    pub fn name(self) -> &'static str {
        match self {
            QType::Single => "single",
            QType::Multiple => "multiple",
            QType::Truefalse => "truefalse",
            QType::Short => "short",
            QType::Matching => "matching",
            QType::Ordering => "ordering",
        }
    }

    /// The type named `name` in front matter.
    pub fn from_name(name: &str) -> Option<QType> {
        QType::ALL.into_iter().find(|t| t.name() == name.trim())
    }

    /// How the type is described to readers and in messages.
    pub fn label(self) -> &'static str {
        match self {
            QType::Single => "single choice",
            QType::Multiple => "select all that apply",
            QType::Truefalse => "true or false",
            QType::Short => "short answer",
            QType::Matching => "matching",
            QType::Ordering => "ordering",
        }
    }

    /// Fields this type reads besides the common ones.
    pub fn own_fields(self) -> &'static [&'static str] {
        match self {
            QType::Single | QType::Multiple => &["options", "answer", "answers"],
            QType::Truefalse => &["answer"],
            QType::Short => &["answers", "answer", "pattern"],
            QType::Matching => &["left", "right"],
            QType::Ordering => &["steps"],
        }
    }
}

/// Fields every question may carry.
pub const COMMON_FIELDS: &[&str] = &["type", "id", "prompt", "explanation", "feedback", "difficulty", "tags", "tests"];

/// Every field any question type reads (for did-you-mean on unknown fields).
pub const ALL_FIELDS: &[&str] = &[
    "type",
    "id",
    "prompt",
    "explanation",
    "feedback",
    "difficulty",
    "tags",
    "tests",
    "options",
    "answer",
    "answers",
    "pattern",
    "left",
    "right",
    "steps",
];

/// Allowed values of `difficulty`.
pub const DIFFICULTIES: &[&str] = &["easy", "medium", "hard"];

/// What a question asks and what counts as right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// One correct option, by index into `options`.
    Single {
        options: Vec<String>,
        correct: usize,
    },
    /// Every correct option, by index into `options`, in option order.
    Multiple {
        options: Vec<String>,
        correct: Vec<usize>,
    },
    Truefalse(bool),
    /// Accepted answers (compared case- and whitespace-insensitively) and an optional pattern.
    Short {
        answers: Vec<String>,
        pattern: Option<String>,
    },
    /// `left[i]` pairs with `right[i]`.
    Matching {
        left: Vec<String>,
        right: Vec<String>,
    },
    /// Steps in the correct order.
    Ordering {
        steps: Vec<String>,
    },
}

impl Answer {
    /// The question type this answer belongs to.
    pub fn qtype(&self) -> QType {
        match self {
            Answer::Single { .. } => QType::Single,
            Answer::Multiple { .. } => QType::Multiple,
            Answer::Truefalse(_) => QType::Truefalse,
            Answer::Short { .. } => QType::Short,
            Answer::Matching { .. } => QType::Matching,
            Answer::Ordering { .. } => QType::Ordering,
        }
    }
}

/// A link inside a Markdown field, resolved at build time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldLink {
    /// Byte offset of the link in the field's text: the key [`crate::markdown::render`] uses.
    pub offset: usize,
    pub page: usize,
    pub anchor: Option<String>,
}

/// A Markdown field (prompt, explanation, feedback) with its checked links.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Markdown {
    pub source: String,
    pub links: Vec<FieldLink>,
}

/// One validated question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    /// The id was written as `id:` (not derived from the prompt).
    pub explicit_id: bool,
    pub answer: Answer,
    pub prompt: Markdown,
    pub explanation: Option<Markdown>,
    /// Per-answer feedback: option text, `true`/`false`, or a typed short answer, with its text.
    pub feedback: Vec<(String, Markdown)>,
    pub difficulty: Option<String>,
    pub tags: Vec<String>,
    /// Concept pages the question tests besides its own page: its `tests:` and the page's `tests:`.
    pub tests: Vec<usize>,
    /// Page the question is written on.
    pub page: usize,
    /// Position in the page's `quiz:` list.
    pub index: usize,
    /// File position of the question's list item, for messages that name it.
    pub line: usize,
    pub col: usize,
}

impl Question {
    pub fn qtype(&self) -> QType {
        self.answer.qtype()
    }

    /// The question's own page followed by the other pages it tests.
    pub fn tested_pages(&self) -> Vec<usize> {
        let mut v = vec![self.page];
        v.extend(self.tests.iter().copied().filter(|&t| t != self.page));
        v
    }
}

/// The id of a question without an explicit `id:`: a hash of its type and prompt.
///
/// Only the question's own type and prompt go in, so editing or reordering other questions never
/// changes it, and saved progress survives; editing this question's prompt gives it a new id.
pub fn derived_id(qtype: QType, prompt: &str) -> String {
    let normal: Vec<&str> = prompt.split_whitespace().collect();
    let h = fnv1a(format!("{}\n{}", qtype.name(), normal.join(" ")).as_bytes());
    format!("q-{}", &format!("{h:016x}")[..10])
}

/// 64-bit FNV-1a: tiny, and unlike std's hasher its output is fixed forever, which ids need.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Why `id` is not a valid explicit id, and a suggestion (different from `id`) when there is one.
pub fn id_problem(id: &str) -> (String, Option<String>) {
    let len = id.chars().count();
    if len > MAX_ID_LEN {
        let msg = format!("question id is {len} characters long; ids are limited to {MAX_ID_LEN} characters");
        return (msg, Some("shorten it (it only needs to be unique across the site)".into()));
    }
    let msg = format!(
        "question id `{id}` may hold only letters, digits, `-`, `_` and `.`, and must start with a letter or digit"
    );
    let suggestion = super::slug::slugify(id);
    let help = (suggestion != id && is_valid_id(&suggestion)).then(|| format!("try `{suggestion}`"));
    (msg, help)
}

/// Longest explicit question id, in characters.
pub const MAX_ID_LEN: usize = 80;

/// Is `id` usable as an explicit id (it becomes an HTML id and a storage key)?
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// Case- and whitespace-insensitive form of a typed answer, as the browser compares it too.
pub fn normalize_answer(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A fixed shuffle of `0..n` seeded by `seed` (a question id), never the identity for n > 1.
///
/// Used where the order must not give the answer away but must not change between builds:
/// the no-JavaScript view and the printed sheets.
pub fn fixed_shuffle(n: usize, seed: &str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = fnv1a(seed.as_bytes()) | 1;
    for i in (1..n).rev() {
        // xorshift64: enough to scramble a handful of items.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    if n > 1 && order.iter().enumerate().all(|(i, &v)| i == v) {
        order.rotate_left(1);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_over_long_id_is_told_the_limit_not_a_useless_suggestion() {
        let id = "a".repeat(81);
        let (msg, help) = id_problem(&id);
        assert!(msg.contains("81 characters") && msg.contains("limited to 80"), "{msg}");
        assert!(!help.unwrap_or_default().contains(&id));
        let (msg, help) = id_problem("Bad Id");
        assert!(msg.contains("may hold only"), "{msg}");
        assert_eq!(help.as_deref(), Some("try `bad-id`"));
    }

    #[test]
    fn derived_ids_are_stable_and_ignore_spacing() {
        let a = derived_id(QType::Single, "Who described  the alliance?");
        let b = derived_id(QType::Single, " Who described the alliance?\n");
        assert_eq!(a, b);
        assert_eq!(a.len(), 12);
        assert!(a.starts_with("q-"));
        assert_ne!(a, derived_id(QType::Multiple, "Who described the alliance?"));
        // Pinned: a change here would reset every learner's saved progress.
        assert_eq!(derived_id(QType::Truefalse, "The sky is blue."), derived_id(QType::Truefalse, "The sky is blue."));
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn ids_are_checked() {
        assert!(is_valid_id("bordin-1979"));
        assert!(is_valid_id("q_2.b"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("has space"));
        assert!(!is_valid_id("-lead"));
    }

    #[test]
    fn fixed_shuffle_is_a_permutation_and_never_identity() {
        for n in 0..8 {
            let s = fixed_shuffle(n, "q-abc");
            let mut sorted = s.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>());
            if n > 1 {
                assert!(s.iter().enumerate().any(|(i, &v)| i != v), "{s:?}");
            }
            assert_eq!(s, fixed_shuffle(n, "q-abc"));
        }
    }

    #[test]
    fn answers_normalize() {
        assert_eq!(normalize_answer("  Cognitive   Behavioural\tTherapy "), "cognitive behavioural therapy");
    }
}
