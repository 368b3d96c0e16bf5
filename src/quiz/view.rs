//! What templates and the browser get of the questions: the quiz section of a page, the
//! question bank script, and the question data the generated pages and exports share.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::links::relative;
use crate::markdown;
use crate::model::doc::Resolved;
use crate::model::output::OutputFile;
use crate::model::quiz::{fixed_shuffle, normalize_answer, Answer, Markdown, Question};
use crate::model::site::Site;
use crate::model::slug::slugify;

/// Version of the browser data, and of the localStorage key. The saved object carries its own
/// version (2 since module visits were added; quiz.js and progress.js migrate version 1), and the
/// key keeps `v1` so that progress saved before is still found.
pub const DATA_VERSION: u32 = 1;

/// Where generated quiz pages live (all in one folder, so one set of relative links serves them).
pub const PRACTICE: &str = "quiz/index.html";
pub const REVIEW: &str = "quiz/review.html";
pub const PROGRESS: &str = "quiz/progress.html";
pub const BANK: &str = "quiz/bank.js";
pub const SUMMARY: &str = "quiz/summary.js";

/// The localStorage key: versioned, and per site so two sites opened from disk do not mix.
pub fn storage_key(site: &Site) -> String {
    let name = slugify(&site.config.title);
    format!("rapport-quiz-v{DATA_VERSION}:{}", if name.is_empty() { "site" } else { &name })
}

/// Renders Markdown fields with their links made relative to one output file.
pub struct Linker<'a> {
    pub site: &'a Site,
    pub out_path: &'a str,
}

impl Linker<'_> {
    /// HTML of a Markdown field.
    pub fn html(&self, md: &Markdown) -> String {
        let links: HashMap<usize, Resolved> =
            md.links.iter().map(|l| (l.offset, self.resolved(l.page, l.anchor.as_deref()))).collect();
        let cites = crate::citations::CiteLinker::new(&self.site.citations, self.out_path);
        let cites = cites.as_ref().map(|c| c as &dyn markdown::Splice);
        markdown::render_cited(&md.source, 0, &links, cites, None, self.site.config.markdown.raw_html)
            .trim_end()
            .to_string()
    }

    /// HTML of a short Markdown field without its wrapping paragraph (for legends and list items).
    pub fn inline_html(&self, md: &Markdown) -> String {
        unwrap_paragraph(&self.html(md))
    }

    fn resolved(&self, to: usize, anchor: Option<&str>) -> Resolved {
        let target = &self.site.pages[to];
        let same = target.out_path == self.out_path;
        let base = if same && anchor.is_some() { String::new() } else { relative(self.out_path, &target.href) };
        match anchor {
            Some(a) => {
                let heading = target.doc.headings.iter().find(|h| h.id == a).map_or(a, |h| h.text.as_str());
                let label = if same { heading.to_string() } else { format!("{} § {heading}", target.title) };
                Resolved { href: format!("{base}#{a}"), label }
            }
            None => Resolved { href: base, label: target.title.clone() },
        }
    }

    /// The href of page `p` from this output file.
    pub fn page_href(&self, p: usize) -> String {
        relative(self.out_path, &self.site.pages[p].href)
    }

    /// A link from this output file to a generated file (`quiz/index.html`).
    pub fn file_href(&self, file: &str) -> String {
        relative(self.out_path, &self.site.link_path(file))
    }
}

/// `<p>text</p>` -> `text` when the HTML is exactly one paragraph.
fn unwrap_paragraph(html: &str) -> String {
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
}

/// JSON safe to put between `<script type="application/json">` tags.
pub fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    s.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// Tags a question is filed under: its own, then its page's.
pub fn all_tags(site: &Site, q: &Question) -> Vec<String> {
    let mut tags = q.tags.clone();
    for t in &site.pages[q.page].tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    tags
}

/// One question as the browser script reads it (see assets/quiz.js).
pub fn client_question(q: &Question, l: &Linker) -> Value {
    let site = l.site;
    let mut m = Map::new();
    m.insert("id".into(), json!(q.id));
    m.insert("type".into(), json!(q.qtype().name()));
    m.insert("prompt".into(), json!(l.inline_html(&q.prompt)));
    m.insert("explanation".into(), q.explanation.as_ref().map(|e| json!(l.html(e))).unwrap_or(Value::Null));
    m.insert("difficulty".into(), json!(q.difficulty));
    m.insert("tags".into(), json!(all_tags(site, q)));
    m.insert("page".into(), json!(site.pages[q.page].slug));
    m.insert("tests".into(), json!(q.tests.iter().map(|&t| &site.pages[t].slug).collect::<Vec<_>>()));
    match &q.answer {
        Answer::Single { options, correct } => {
            m.insert("options".into(), json!(options));
            m.insert("answer".into(), json!(correct));
        }
        Answer::Multiple { options, correct } => {
            m.insert("options".into(), json!(options));
            m.insert("answer".into(), json!(correct));
        }
        Answer::Truefalse(b) => {
            m.insert("answer".into(), json!(b));
        }
        Answer::Short { answers, pattern } => {
            m.insert("answers".into(), json!(answers));
            m.insert("pattern".into(), json!(pattern));
        }
        Answer::Matching { left, right } => {
            m.insert("left".into(), json!(left));
            m.insert("right".into(), json!(right));
        }
        Answer::Ordering { steps } => {
            m.insert("steps".into(), json!(steps));
        }
    }
    m.insert("feedback".into(), Value::Object(client_feedback(q, l)));
    Value::Object(m)
}

/// Feedback keyed the way the script looks it up: option index, `true`/`false`, or a normalized answer.
fn client_feedback(q: &Question, l: &Linker) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, md) in &q.feedback {
        let k = match &q.answer {
            Answer::Single { options, .. } | Answer::Multiple { options, .. } => {
                match options.iter().position(|o| o == key) {
                    Some(i) => i.to_string(),
                    None => continue,
                }
            }
            Answer::Short { .. } => normalize_answer(key),
            _ => key.clone(),
        };
        out.insert(k, json!(l.html(md)));
    }
    out
}

/// Title, link and grouping of every page that questions are written on or test.
fn client_pages(l: &Linker, questions: &[&Question]) -> Map<String, Value> {
    let site = l.site;
    let mut out = Map::new();
    for q in questions {
        for p in q.tested_pages() {
            let page = &site.pages[p];
            if out.contains_key(&page.slug) {
                continue;
            }
            let category = page.field("category").map(|c| category_label(site, &page.kind, c));
            out.insert(
                page.slug.clone(),
                json!({
                    "title": page.title,
                    "href": l.page_href(p),
                    "kind": page.kind,
                    "kindLabel": site.kind_label(&page.kind),
                    "kindPlural": site.kind_plural(&page.kind),
                    "category": page.field("category"),
                    "categoryLabel": category,
                }),
            );
        }
    }
    out
}

/// Display label of a kind field's value (the practice page's category filter).
pub fn category_label(site: &Site, kind: &str, value: &str) -> String {
    site.config
        .kind(kind)
        .and_then(|k| k.fields.get("category"))
        .map(|f| f.label_of(value))
        .unwrap_or_else(|| crate::model::config::capitalize(value))
}

/// The data object quiz.js reads, for the given questions, with links relative to `l.out_path`.
pub fn client_data(l: &Linker, questions: &[&Question]) -> Value {
    let site = l.site;
    json!({
        "version": DATA_VERSION,
        "key": storage_key(site),
        "shuffle": site.config.quiz.shuffle,
        "size": site.config.quiz.practice_size,
        "links": {
            "practice": l.file_href(PRACTICE),
            "review": l.file_href(REVIEW),
            "progress": l.file_href(PROGRESS),
        },
        "pages": client_pages(l, questions),
        "questions": questions.iter().map(|q| client_question(q, l)).collect::<Vec<_>>(),
    })
}

/// The question bank script: every question, for pages that must work on file:// (no fetch).
pub fn bank_file(site: &Site) -> OutputFile {
    let l = Linker { site, out_path: PRACTICE };
    let questions: Vec<&Question> = site.quizzes.questions.iter().collect();
    let data = client_data(&l, &questions);
    let body = serde_json::to_string(&data).unwrap_or_else(|_| "null".into());
    let text =
        format!("// Generated by Rapport: every quiz question of the site.\nwindow.RAPPORT_QUIZ_BANK = {body};\n");
    OutputFile { path: BANK.into(), bytes: text.into_bytes() }
}

/// The progress page's script: what the dashboard counts (each question's id and page, the pages'
/// kinds and categories), a small fraction of the bank, which carries every prompt and answer.
pub fn summary_file(site: &Site) -> OutputFile {
    let l = Linker { site, out_path: PROGRESS };
    let questions: Vec<&Question> = site.quizzes.questions.iter().collect();
    let data = json!({
        "version": DATA_VERSION,
        "key": storage_key(site),
        "links": {
            "practice": l.file_href(PRACTICE),
            "review": l.file_href(REVIEW),
            "progress": l.file_href(PROGRESS),
        },
        "pages": client_pages(&l, &questions),
        "questions": questions.iter().map(|q| json!({"id": q.id, "page": site.pages[q.page].slug})).collect::<Vec<_>>(),
    });
    let body = serde_json::to_string(&data).unwrap_or_else(|_| "null".into());
    let text = format!(
        "// Generated by Rapport: every quiz question's id and page, for the progress page.\nwindow.RAPPORT_QUIZ_SUMMARY = {body};\n"
    );
    OutputFile { path: SUMMARY.into(), bytes: text.into_bytes() }
}

/// The order choice options are shown in where the browser cannot shuffle them (the page without
/// JavaScript, printed sheets, Anki cards): a fixed shuffle when `[quiz] shuffle` is on, so the
/// authored order (often the right answer first) gives nothing away.
pub fn option_order(site: &Site, q: &Question, n: usize) -> Vec<usize> {
    if site.config.quiz.shuffle {
        fixed_shuffle(n, &q.id)
    } else {
        (0..n).collect()
    }
}

/// What the no-JavaScript view of one question shows.
fn static_question(q: &Question, number: usize, l: &Linker) -> Value {
    let site = l.site;
    let (label, lines, ordered) = answer_lines(&q.answer);
    let mut v = json!({
        "id": q.id,
        "number": number,
        "type": q.qtype().name(),
        "type_label": q.qtype().label(),
        "prompt": l.html(&q.prompt),
        "explanation": q.explanation.as_ref().map(|e| l.html(e)),
        "difficulty": q.difficulty,
        "answer_label": label,
        "answer_lines": lines,
        "answer_ordered": ordered,
        "feedback": q.feedback.iter().map(|(k, md)| json!({"key": k, "html": l.html(md)})).collect::<Vec<_>>(),
        "tests": q.tested_pages().into_iter().map(|p| json!({"title": site.pages[p].title, "href": l.page_href(p)})).collect::<Vec<_>>(),
    });
    let extra = match &q.answer {
        Answer::Single { options, .. } | Answer::Multiple { options, .. } => {
            let order = option_order(site, q, options.len());
            json!({ "options": order.iter().map(|&i| &options[i]).collect::<Vec<_>>() })
        }
        Answer::Truefalse(_) => json!({ "options": ["True", "False"] }),
        Answer::Short { .. } => json!({}),
        Answer::Matching { left, right } => {
            let order = fixed_shuffle(right.len(), &q.id);
            json!({ "left": left, "right": order.iter().map(|&i| &right[i]).collect::<Vec<_>>() })
        }
        Answer::Ordering { steps } => {
            let order = fixed_shuffle(steps.len(), &q.id);
            json!({ "steps": order.iter().map(|&i| &steps[i]).collect::<Vec<_>>() })
        }
    };
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}

/// The correct answer as plain lines: a heading word, the lines, and whether their order matters.
pub fn answer_lines(a: &Answer) -> (&'static str, Vec<String>, bool) {
    match a {
        Answer::Single { options, correct } => ("Answer", vec![options[*correct].clone()], false),
        Answer::Multiple { options, correct } => {
            ("Correct options", correct.iter().map(|&i| options[i].clone()).collect(), false)
        }
        Answer::Truefalse(b) => ("Answer", vec![if *b { "True" } else { "False" }.to_string()], false),
        Answer::Short { answers, .. } => ("Accepted answers", answers.clone(), false),
        Answer::Matching { left, right } => {
            ("Pairs", left.iter().zip(right).map(|(l, r)| format!("{l} → {r}")).collect(), false)
        }
        Answer::Ordering { steps } => ("Correct order", steps.clone(), true),
    }
}

/// Template data for the quiz section of page `i`: its questions (if any), how many questions
/// across the site test it, and for a course the link to its printable sheet.
pub fn page_context(site: &Site, i: usize, out_path: &str) -> Option<Value> {
    let set = &site.quizzes;
    let own: Vec<&Question> = set.by_page.get(i)?.iter().map(|&q| &set.questions[q]).collect();
    let covering = set.covering.get(i).map_or(0, Vec::len);
    let sheet = course_modules(site, i).filter(|m| has_questions(site, i, m)).map(|_| sheet_path(site, i));
    if own.is_empty() && covering == 0 && sheet.is_none() {
        return None;
    }
    let l = Linker { site, out_path };
    let practice = format!("{}?page={}", l.file_href(PRACTICE), site.pages[i].slug);
    Some(json!({
        "questions": own.iter().enumerate().map(|(n, q)| static_question(q, n + 1, &l)).collect::<Vec<_>>(),
        "data": if own.is_empty() { String::new() } else { script_json(&client_data(&l, &own)) },
        "covered_by": covering,
        "practice_href": practice,
        "review_href": l.file_href(REVIEW),
        "sheet_href": sheet.map(|s| relative(out_path, &s)),
    }))
}

/// The ordered module list of a course page (a page with an ordered relation), if it is one.
pub fn course_modules(site: &Site, i: usize) -> Option<Vec<usize>> {
    site.graph.relations.get(i)?.iter().find(|r| r.ordered).map(|r| r.targets.clone())
}

/// Does the course or any of its modules carry questions?
pub fn has_questions(site: &Site, course: usize, modules: &[usize]) -> bool {
    modules.iter().chain([&course]).any(|&m| !site.quizzes.by_page[m].is_empty())
}

/// Output file of a course's printable quiz sheet.
pub fn sheet_path(site: &Site, course: usize) -> String {
    format!("quiz/sheet-{}.html", site.pages[course].slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_tag() {
        let s = script_json(&json!({"a": "</script><!-- & "}));
        assert!(!s.contains('<') && !s.contains('>'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><!-- & ");
    }

    #[test]
    fn single_paragraphs_are_unwrapped() {
        assert_eq!(unwrap_paragraph("<p>Who <em>said</em> it?</p>\n"), "Who <em>said</em> it?");
        assert_eq!(unwrap_paragraph("<p>a</p>\n<p>b</p>"), "<p>a</p>\n<p>b</p>");
    }
}
