//! Moodle GIFT.
//!
//! One `$CATEGORY` per page (site / kind / page title), then each question named by its prompt's
//! first words (what Moodle lists in its question bank), its stable id in a `// id:` comment
//! line just above it, with a `[markdown]` prompt (answers and feedback inherit that format on import), per-answer `#`
//! feedback and the explanation as general feedback (`####`). GIFT has no ordering type, so an
//! ordering question is exported as a matching question of position -> step. Short-answer
//! patterns have no GIFT equivalent and are noted in a comment.

use std::fmt::Write as _;

use super::portable::portable_markdown;
use crate::error::Error;
use crate::model::quiz::{normalize_answer, Answer, Markdown, Question};
use crate::model::site::Site;

/// The whole GIFT file for `questions`.
pub fn write(site: &Site, questions: &[&Question]) -> Result<String, Error> {
    let mut out = String::new();
    let _ =
        writeln!(out, "// {} — {} quiz questions exported by Rapport.", one_line(&site.config.title), questions.len());
    out.push_str(
        "// Prompts are Markdown. Ordering questions are exported as matching questions (position -> step).\n\n",
    );
    let mut category = String::new();
    for q in questions {
        let page = &site.pages[q.page];
        let cat = format!(
            "{}/{}/{}",
            category_part(&site.config.title),
            category_part(&site.kind_plural(&page.kind)),
            category_part(&page.title)
        );
        if cat != category {
            let _ = writeln!(out, "$CATEGORY: {cat}\n");
            category = cat;
        }
        let _ = writeln!(out, "// {}:{}:{}", page.display.display(), q.line, q.col);
        let _ = writeln!(out, "// id: {}", q.id);
        question(site, q, &mut out);
        out.push('\n');
    }
    Ok(out)
}

/// Escapes GIFT's special characters (`~ = # { } :` and `\`) and keeps the text on one line.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.trim().chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

fn md(site: &Site, m: &Markdown) -> String {
    escape(&portable_markdown(site, m))
}

/// A category path element: GIFT reads `/` as a separator and does not unescape categories.
fn category_part(s: &str) -> String {
    one_line(s).replace('/', "-")
}

/// Most words of a prompt shown as a question's name in Moodle's bank.
const NAME_WORDS: usize = 8;

/// A question's name: the first words of its prompt as plain text, `...` when cut short.
pub fn question_name(prompt: &str) -> String {
    // Markdown emphasis and code marks would show literally in Moodle's list of names.
    let plain: String = prompt.chars().filter(|c| !matches!(c, '*' | '_' | '`')).collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut name = words.iter().take(NAME_WORDS).copied().collect::<Vec<_>>().join(" ");
    if words.len() > NAME_WORDS {
        name = name.trim_end_matches(|c: char| c.is_ascii_punctuation()).to_string();
        name.push_str("...");
    }
    name
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn feedback_for<'a>(q: &'a Question, key: &str) -> Option<&'a Markdown> {
    q.feedback.iter().find(|(k, _)| k == key).map(|(_, m)| m)
}

fn with_feedback(site: &Site, q: &Question, key: &str) -> String {
    feedback_for(q, key).map(|m| format!("#{}", md(site, m))).unwrap_or_default()
}

fn general_feedback(site: &Site, q: &Question, out: &mut String) {
    if let Some(e) = &q.explanation {
        let _ = writeln!(out, "\t####{}", md(site, e));
    }
}

fn question(site: &Site, q: &Question, out: &mut String) {
    let mut prompt = md(site, &q.prompt);
    if matches!(q.answer, Answer::Ordering { .. }) {
        prompt.push_str("\\n\\n(Match each position with the step that belongs there.)");
    }
    if let Answer::Short { pattern: Some(p), .. } = &q.answer {
        let _ = writeln!(out, "// Also accepted in Rapport, not exported (GIFT has no patterns): /{p}/");
    }
    if let Answer::Multiple { options, correct } = &q.answer {
        if correct.len() > 10 || options.len() - correct.len() > 10 {
            out.push_str("// More than ten right or wrong options: Moodle may ask to round the weights.\n");
        }
    }
    let _ = write!(out, "::{}::[markdown]{prompt}", escape(&question_name(&portable_markdown(site, &q.prompt))));
    match &q.answer {
        Answer::Single { options, correct } => {
            out.push_str("{\n");
            for (i, o) in options.iter().enumerate() {
                let mark = if i == *correct { '=' } else { '~' };
                let _ = writeln!(out, "\t{mark}{}{}", escape(o), with_feedback(site, q, o));
            }
            general_feedback(site, q, out);
            out.push_str("}\n");
        }
        Answer::Multiple { options, correct } => multiple(site, q, options, correct, out),
        Answer::Truefalse(b) => truefalse(site, q, *b, out),
        Answer::Short { answers, .. } => short(site, q, answers, out),
        Answer::Matching { left, right } => {
            let pairs: Vec<(String, &String)> = left.iter().cloned().zip(right).collect();
            matching(site, q, &pairs, out);
        }
        Answer::Ordering { steps } => {
            let pairs: Vec<(String, &String)> =
                steps.iter().enumerate().map(|(i, s)| (format!("Position {}", i + 1), s)).collect();
            matching(site, q, &pairs, out);
        }
    }
}

/// Select-all-that-apply: correct options share +100%, wrong ones share -100%, so ticking every
/// option scores nothing. Weights of up to ten options are on Moodle's list of allowed grades.
fn multiple(site: &Site, q: &Question, options: &[String], correct: &[usize], out: &mut String) {
    let right = weight(100.0 / correct.len() as f64);
    let wrong_count = options.len() - correct.len();
    let wrong = weight(-100.0 / wrong_count.max(1) as f64);
    out.push_str("{\n");
    for (i, o) in options.iter().enumerate() {
        let w = if correct.contains(&i) { &right } else { &wrong };
        let _ = writeln!(out, "\t~%{w}%{}{}", escape(o), with_feedback(site, q, o));
    }
    general_feedback(site, q, out);
    out.push_str("}\n");
}

/// A percentage as GIFT writes it: at most five decimals, no trailing zeros.
fn weight(w: f64) -> String {
    let s = format!("{w:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// True/false: GIFT's first `#` is the feedback for the wrong choice, the second for the right one.
fn truefalse(site: &Site, q: &Question, answer: bool, out: &mut String) {
    let (right_key, wrong_key) = if answer { ("true", "false") } else { ("false", "true") };
    let right = feedback_for(q, right_key).map(|m| md(site, m));
    let wrong = feedback_for(q, wrong_key).map(|m| md(site, m));
    out.push('{');
    out.push_str(if answer { "TRUE" } else { "FALSE" });
    match (&wrong, &right) {
        (Some(w), _) => {
            let _ = write!(out, "#{w}");
        }
        (None, Some(_)) => out.push('#'),
        (None, None) => {}
    }
    if let Some(r) = &right {
        let _ = write!(out, "#{r}");
    }
    if let Some(e) = &q.explanation {
        let _ = write!(out, "####{}", md(site, e));
    }
    out.push_str("}\n");
}

/// Short answer: every accepted answer at 100%; feedback written for a wrong answer becomes a
/// 0% answer carrying that feedback. `*` is Moodle's wildcard, so a literal one is escaped.
fn short(site: &Site, q: &Question, answers: &[String], out: &mut String) {
    out.push_str("{\n");
    let accepted: Vec<String> = answers.iter().map(|a| normalize_answer(a)).collect();
    for a in answers {
        let fb = q.feedback.iter().find(|(k, _)| normalize_answer(k) == normalize_answer(a));
        let fb = fb.map(|(_, m)| format!("#{}", md(site, m))).unwrap_or_default();
        let _ = writeln!(out, "\t={}{fb}", escape(a).replace('*', "\\*"));
    }
    for (k, m) in &q.feedback {
        if !accepted.contains(&normalize_answer(k)) {
            let _ = writeln!(out, "\t=%0%{}#{}", escape(k).replace('*', "\\*"), md(site, m));
        }
    }
    general_feedback(site, q, out);
    out.push_str("}\n");
}

/// Matching: `=left -> right`. GIFT splits at the first `->`, so one inside a left item becomes `→`.
fn matching(site: &Site, q: &Question, pairs: &[(String, &String)], out: &mut String) {
    out.push_str("{\n");
    for (l, r) in pairs {
        let _ = writeln!(out, "\t={} -> {}", escape(&l.replace("->", "→")), escape(r));
    }
    general_feedback(site, q, out);
    out.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(escape(r"a~b=c#d{e}f:g\h"), r"a\~b\=c\#d\{e\}f\:g\\h");
        assert_eq!(escape("line one\nline two"), r"line one\nline two");
    }

    #[test]
    fn names_are_the_prompts_first_words() {
        assert_eq!(question_name("Who described *the alliance*?"), "Who described the alliance?");
        assert_eq!(
            question_name("Which of these did Frank and Frank name as a shared feature, in their book?"),
            "Which of these did Frank and Frank name..."
        );
    }

    #[test]
    fn weights_are_moodle_grades() {
        assert_eq!(weight(100.0), "100");
        assert_eq!(weight(100.0 / 3.0), "33.33333");
        assert_eq!(weight(-50.0), "-50");
        assert_eq!(weight(100.0 / 8.0), "12.5");
    }
}
