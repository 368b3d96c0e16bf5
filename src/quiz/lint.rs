//! The item-writing check: flaws that let a learner answer without knowing the material.
//!
//! Runs after validation on the whole site's questions. Each finding is a warning (or an error
//! when `[quiz] item_checks = "error"`) located at the question, its message tagged with the
//! rule's name so authors can look it up in the README and switch single rules off
//! (`[quiz] item_checks_allow = ["no-explanation"]`; the names are `model::config::ITEM_CHECK_RULES`).

use std::collections::{HashMap, HashSet};

use crate::content::frontmatter::Seg;
use crate::diagnostics::Diagnostic;
use crate::model::config::{ItemChecks, QuizConfig};
use crate::model::page::Page;

use crate::model::quiz::{Answer, Question};

/// Prefix of every item-writing message; the run's summary counts messages carrying it.
pub const TAG: &str = "item-writing";

/// Words that make a true/false statement absolute.
const ABSOLUTES: &[&str] = &["always", "never", "only", "all", "none", "every", "no one", "nobody", "nothing", "must"];

/// Questions whose correct option is the longest must be more than half of at least this many.
const LONGEST_MIN_QUESTIONS: usize = 3;

/// Below this many absolute true/false statements, "keyed false" is not yet a pattern.
const ABSOLUTE_MIN_STATEMENTS: usize = 3;

/// Share of absolute statements keyed false (in percent) above which learners can rely on it.
const ABSOLUTE_FALSE_PERCENT: usize = 75;

/// Word-set similarity (Jaccard) from which two prompts count as near-duplicates.
const DUPLICATE_SIMILARITY: f64 = 0.6;

/// Prompts must share at least this many content words to count as near-duplicates.
const DUPLICATE_MIN_SHARED: usize = 4;

/// A word shared by more prompts than this does not suggest duplicates (bounds the pairing work).
const COMMON_WORD_LIMIT: usize = 64;

/// Words ignored when comparing prompts.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "for",
    "and",
    "or",
    "is",
    "are",
    "was",
    "be",
    "by",
    "with",
    "what",
    "which",
    "who",
    "how",
    "does",
    "do",
    "did",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "as",
    "at",
    "from",
    "their",
    "they",
    "his",
    "her",
    "can",
    "according",
    "when",
    "why",
    "not",
];

/// Every item-writing finding for the site's questions.
pub fn check(pages: &[Page], questions: &[Question], config: &QuizConfig) -> Vec<Diagnostic> {
    if config.item_checks == ItemChecks::Off {
        return Vec::new();
    }
    let allowed: HashSet<&str> = config.item_checks_allow.iter().map(String::as_str).collect();
    let rules: [(&str, Rule); 7] = [
        ("longest-correct", longest_correct),
        ("absolute-false", absolute_false),
        ("all-none-of-the-above", all_none_of_the_above),
        ("near-duplicate", near_duplicates),
        ("too-few-options", too_few_options),
        ("short-answer-one-form", short_answer_one_form),
        ("no-explanation", no_explanation),
    ];
    rules
        .iter()
        .filter(|(name, _)| !allowed.contains(name))
        .flat_map(|(_, rule)| rule(pages, questions))
        .map(|f| f.into_diagnostic(pages, questions, config.item_checks))
        .collect()
}

/// A rule: the site's pages and questions in, its findings out.
type Rule = fn(&[Page], &[Question]) -> Vec<Finding>;

/// One finding: a question, where in it, the rule and what to say.
struct Finding {
    question: usize,
    /// Path below the question to point at (empty: the question itself) and text to find there.
    at: Option<(&'static str, Option<usize>, String)>,
    rule: &'static str,
    message: String,
    help: Option<String>,
}

impl Finding {
    fn new(question: usize, rule: &'static str, message: String) -> Self {
        Finding { question, at: None, rule, message, help: None }
    }

    fn at(mut self, key: &'static str, index: Option<usize>, text: &str) -> Self {
        self.at = Some((key, index, text.to_string()));
        self
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn into_diagnostic(self, pages: &[Page], questions: &[Question], mode: ItemChecks) -> Diagnostic {
        let q = &questions[self.question];
        let page = &pages[q.page];
        let pos = match &self.at {
            None => (q.line, q.col),
            Some((key, None, text)) => {
                page.front.locate_text(&[Seg::Key("quiz"), Seg::Index(q.index), Seg::Key(key)], text)
            }
            Some((key, Some(i), text)) => {
                page.front.locate_text(&[Seg::Key("quiz"), Seg::Index(q.index), Seg::Key(key), Seg::Index(*i)], text)
            }
        };
        let message = format!("{TAG} [{}]: {}", self.rule, self.message);
        let d = match mode {
            ItemChecks::Error => page.error(pos, message),
            _ => page.warning(pos, message),
        };
        d.with_help(self.help)
    }
}

/// Single-choice questions whose correct option is strictly longer than every other option.
fn longest_flags(questions: &[Question]) -> Vec<Option<bool>> {
    questions
        .iter()
        .map(|q| match &q.answer {
            Answer::Single { options, correct } => {
                let len = |s: &String| s.trim().chars().count();
                let right = len(&options[*correct]);
                Some(options.iter().enumerate().all(|(i, o)| i == *correct || len(o) < right))
            }
            _ => None,
        })
        .collect()
}

/// A page, and the whole bank, where the correct option is the longest in most single-choice questions.
fn longest_correct(pages: &[Page], questions: &[Question]) -> Vec<Finding> {
    let flags = longest_flags(questions);
    let mut by_page: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (qi, q) in questions.iter().enumerate() {
        if flags[qi].is_some() {
            by_page[q.page].push(qi);
        }
    }
    let help = "make a wrong option as long and as specific as the right one, or shorten the right one";
    let mut out = Vec::new();
    for singles in by_page.iter().filter(|s| s.len() >= LONGEST_MIN_QUESTIONS) {
        let longest: Vec<usize> = singles.iter().copied().filter(|&qi| flags[qi] == Some(true)).collect();
        if longest.len() * 2 > singles.len() {
            let others: Vec<String> = longest[1..].iter().map(|&qi| questions[qi].line.to_string()).collect();
            let also = if others.is_empty() { String::new() } else { format!(" (also lines {})", others.join(", ")) };
            let msg = format!(
                "the correct option is the longest in {} of the {} single-choice questions on this page{also}, so length gives the answer away",
                longest.len(),
                singles.len()
            );
            out.push(Finding::new(longest[0], "longest-correct", msg).help(help));
        }
    }
    let singles: Vec<usize> = (0..questions.len()).filter(|&qi| flags[qi].is_some()).collect();
    let longest: Vec<usize> = singles.iter().copied().filter(|&qi| flags[qi] == Some(true)).collect();
    let already = |qi: usize| out.iter().any(|f: &Finding| f.question == qi);
    if singles.len() >= LONGEST_MIN_QUESTIONS && longest.len() * 2 > singles.len() && !already(longest[0]) {
        let pct = longest.len() * 100 / singles.len();
        let msg = format!(
            "across the site the correct option is the longest in {} of {} single-choice questions ({pct}%), this one among them",
            longest.len(),
            singles.len()
        );
        out.push(Finding::new(longest[0], "longest-correct", msg).help(help));
    }
    out
}

/// Does `text` contain one of the absolute words, as whole words?
fn absolute_word(text: &str) -> Option<&'static str> {
    let words: Vec<String> = words(text).collect();
    ABSOLUTES.iter().copied().find(|abs| {
        let parts: Vec<&str> = abs.split(' ').collect();
        words.windows(parts.len()).any(|w| w.iter().zip(&parts).all(|(a, b)| a == b))
    })
}

/// `word` as it is written in `text` (its case may differ; absolute words are ASCII).
fn as_written<'a>(text: &'a str, word: &'a str) -> &'a str {
    let at = text.to_ascii_lowercase().find(word);
    at.and_then(|i| text.get(i..i + word.len())).unwrap_or(word)
}

/// True/false statements with absolute words, when (nearly) all of them are keyed false.
fn absolute_false(_pages: &[Page], questions: &[Question]) -> Vec<Finding> {
    let absolute: Vec<(usize, &str, bool)> = questions
        .iter()
        .enumerate()
        .filter_map(|(qi, q)| match q.answer {
            Answer::Truefalse(key) => {
                absolute_word(&q.prompt.source).map(|w| (qi, as_written(&q.prompt.source, w), key))
            }
            _ => None,
        })
        .collect();
    let falses = absolute.iter().filter(|&&(_, _, key)| !key).count();
    if absolute.len() < ABSOLUTE_MIN_STATEMENTS || falses * 100 <= absolute.len() * ABSOLUTE_FALSE_PERCENT {
        return Vec::new();
    }
    absolute
        .iter()
        .filter(|&&(_, _, key)| !key)
        .map(|&(qi, word, _)| {
            let msg = format!(
                "{falses} of the {} true/false statements with absolute words in this site are keyed false, so \"{word}\" tells a learner the answer",
                absolute.len()
            );
            Finding::new(qi, "absolute-false", msg)
                .at("prompt", None, word)
                .help("write true statements with absolute words too, or reword this one without the absolute")
        })
        .collect()
}

/// Options such as "All of the above" or "None of these".
fn all_none_of_the_above(_pages: &[Page], questions: &[Question]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (qi, q) in questions.iter().enumerate() {
        let options = match &q.answer {
            Answer::Single { options, .. } | Answer::Multiple { options, .. } => options,
            _ => continue,
        };
        for (oi, o) in options.iter().enumerate() {
            let w: Vec<String> = words(o).collect();
            let lead = matches!(w.first().map(String::as_str), Some("all" | "none" | "both" | "neither"));
            let tail = matches!(w.last().map(String::as_str), Some("above" | "these" | "options" | "answers"));
            if lead && tail && w.len() <= 5 {
                let msg = format!("\"{}\" can be answered by spotting two true options (or one false one)", o.trim());
                out.push(
                    Finding::new(qi, "all-none-of-the-above", msg)
                        .at("options", Some(oi), o.trim())
                        .help("use a multiple-choice question (select all that apply) instead"),
                );
            }
        }
    }
    out
}

/// Lower-cased words of a text, punctuation dropped.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// The words of a prompt that matter for comparing it with others.
fn content_words(text: &str) -> Vec<String> {
    let mut v: Vec<String> = words(text).filter(|w| !STOP_WORDS.contains(&w.as_str())).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    let shared = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        1.0
    } else {
        shared as f64 / union as f64
    }
}

/// Prompts that say nearly the same thing anywhere in the site; each later copy names the first.
///
/// Candidates come from an index of the prompts' less common words, so the work grows with the
/// number of questions, not with its square.
fn near_duplicates(pages: &[Page], questions: &[Question]) -> Vec<Finding> {
    let sets: Vec<Vec<String>> = questions.iter().map(|q| content_words(&q.prompt.source)).collect();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (qi, set) in sets.iter().enumerate() {
        for w in set {
            index.entry(w.as_str()).or_default().push(qi);
        }
    }
    let mut out = Vec::new();
    let mut reported: HashSet<usize> = HashSet::new();
    for (qi, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for w in set {
            let holders = &index[w.as_str()];
            if holders.len() > COMMON_WORD_LIMIT {
                continue;
            }
            for &other in holders.iter().take_while(|&&o| o < qi) {
                *shared.entry(other).or_default() += 1;
            }
        }
        let mut candidates: Vec<usize> = shared.keys().copied().collect();
        candidates.sort_unstable();
        let first = candidates.into_iter().find(|&other| {
            shared[&other] >= DUPLICATE_MIN_SHARED && jaccard(set, &sets[other]) >= DUPLICATE_SIMILARITY
        });
        if let Some(other) = first.filter(|_| !reported.contains(&qi)) {
            reported.insert(qi);
            let o = &questions[other];
            let msg = format!(
                "this prompt nearly repeats the question at {}:{}:{}",
                pages[o.page].display.display(),
                o.line,
                o.col
            );
            out.push(Finding::new(qi, "near-duplicate", msg).help("drop one, or make them ask about different things"));
        }
    }
    out
}

/// Single choice with fewer than 3 options; matching or ordering with fewer than 3 items.
fn too_few_options(_pages: &[Page], questions: &[Question]) -> Vec<Finding> {
    questions
        .iter()
        .enumerate()
        .filter_map(|(qi, q)| {
            let (n, what, key) = match &q.answer {
                Answer::Single { options, .. } => (options.len(), "options", "options"),
                Answer::Matching { left, .. } => (left.len(), "pairs", "left"),
                Answer::Ordering { steps } => (steps.len(), "steps", "steps"),
                _ => return None,
            };
            (n < 3).then(|| {
                let msg = format!("only {n} {what}: a learner can guess, and Moodle's editor needs at least 3");
                Finding::new(qi, "too-few-options", msg).at(key, None, "").help(format!("add at least {} more", 3 - n))
            })
        })
        .collect()
}

/// A short answer of several words accepted in one form only.
fn short_answer_one_form(_pages: &[Page], questions: &[Question]) -> Vec<Finding> {
    questions
        .iter()
        .enumerate()
        .filter_map(|(qi, q)| match &q.answer {
            Answer::Short { answers, pattern: None } if answers.len() == 1 && words(&answers[0]).count() > 1 => {
                let msg = format!(
                    "\"{}\" is the only accepted answer, but learners will phrase it in other ways",
                    answers[0]
                );
                Some(
                    Finding::new(qi, "short-answer-one-form", msg)
                        .at("answers", None, &answers[0])
                        .help("list other forms (synonyms, spellings, with or without articles) or add a `pattern`"),
                )
            }
            _ => None,
        })
        .collect()
}

/// A question with no explanation to learn from after answering.
fn no_explanation(_pages: &[Page], questions: &[Question]) -> Vec<Finding> {
    questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.explanation.as_ref().is_none_or(|e| e.source.trim().is_empty()))
        .map(|(qi, _)| {
            Finding::new(qi, "no-explanation", "the question has no `explanation:`".to_string())
                .help("say why the answer is right, so a learner who got it wrong learns something")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn absolute_words_are_whole_words() {
        assert_eq!(absolute_word("Empathy always helps."), Some("always"));
        assert_eq!(absolute_word("No one improves without it."), Some("no one"));
        assert_eq!(absolute_word("Allegiance matters."), None);
        assert_eq!(absolute_word("Nonetheless it helps."), None);
    }

    #[test]
    fn prompts_compare_by_content_words() {
        let a = content_words("What are Frank's four shared features of all healing practices?");
        let b = content_words("Which are Frank's four shared features of all healing practices?");
        let c = content_words("What is demoralisation in Frank's model?");
        assert!(jaccard(&a, &b) >= DUPLICATE_SIMILARITY);
        assert!(jaccard(&a, &c) < DUPLICATE_SIMILARITY);
        assert_eq!(content_words("The the THE alliance"), s(&["alliance"]));
    }
}
