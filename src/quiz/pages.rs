//! The generated quiz pages: practice (with its filters), review queue, progress, and a
//! printable sheet per course.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::view::{
    all_tags, category_label, course_modules, has_questions, option_order, sheet_path, Linker, PRACTICE, PROGRESS,
    REVIEW,
};
use crate::model::output::ExtraPage;
use crate::model::quiz::{fixed_shuffle, Answer, QType, Question};
use crate::model::site::Site;

/// The generated quiz pages: practice, review queue, progress, and one sheet per course.
pub fn extra_pages(site: &Site) -> Vec<ExtraPage> {
    let mut out = vec![
        ExtraPage {
            template: "quiz-practice.html".into(),
            path: PRACTICE.into(),
            title: "Practice".into(),
            extra: practice_extra(site),
        },
        ExtraPage {
            template: "quiz-review.html".into(),
            path: REVIEW.into(),
            title: "Review queue".into(),
            extra: json!({}),
        },
        ExtraPage {
            template: "quiz-progress.html".into(),
            path: PROGRESS.into(),
            title: "Progress".into(),
            extra: json!({}),
        },
    ];
    for c in 0..site.pages.len() {
        if let Some(modules) = course_modules(site, c).filter(|m| has_questions(site, c, m)) {
            let path = sheet_path(site, c);
            let title = format!("Quiz sheet: {}", site.pages[c].title);
            let extra = sheet_extra(site, c, &modules, &path);
            out.push(ExtraPage { template: "quiz-sheet.html".into(), path, title, extra });
        }
    }
    out
}

/// Filter choices of the practice page, with counts, and a list of quizzes for readers without JS.
fn practice_extra(site: &Site) -> Value {
    let set = &site.quizzes;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut categories: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    for q in &set.questions {
        let page = &site.pages[q.page];
        *kinds.entry(&page.kind).or_default() += 1;
        if let Some(c) = page.field("category") {
            *categories.entry((c.to_string(), category_label(site, &page.kind, c))).or_default() += 1;
        }
        for t in all_tags(site, q) {
            *tags.entry(t).or_default() += 1;
        }
    }
    let l = Linker { site, out_path: PRACTICE };
    let quizzes: Vec<Value> = (0..site.pages.len())
        .filter(|&p| !set.by_page[p].is_empty())
        .map(|p| json!({"title": site.pages[p].title, "href": l.page_href(p), "count": set.by_page[p].len(), "kind": site.kind_label(&site.pages[p].kind)}))
        .collect();
    json!({
        "count": set.questions.len(),
        "size": site.config.quiz.practice_size,
        "kinds": kinds.into_iter().map(|(k, n)| json!({"value": k, "label": site.kind_plural(k), "count": n})).collect::<Vec<_>>(),
        "categories": categories.into_iter().map(|((v, label), n)| json!({"value": v, "label": label, "count": n})).collect::<Vec<_>>(),
        "tags": tags.into_iter().map(|(t, n)| json!({"value": t, "count": n})).collect::<Vec<_>>(),
        "quizzes": quizzes,
    })
}

/// A course's sheet: the questions of its modules in course order, numbered, with an answer key.
fn sheet_extra(site: &Site, course: usize, modules: &[usize], out_path: &str) -> Value {
    let l = Linker { site, out_path };
    let mut number = 0;
    let mut sections = Vec::new();
    let mut key = Vec::new();
    for &m in modules.iter().chain([&course]) {
        let qs = &site.quizzes.by_page[m];
        if qs.is_empty() {
            continue;
        }
        let mut items = Vec::new();
        for &qi in qs {
            number += 1;
            let q = &site.quizzes.questions[qi];
            let (item, answer) = sheet_question(q, number, &l);
            items.push(item);
            key.push(answer);
        }
        sections.push(json!({"title": site.pages[m].title, "href": l.page_href(m), "questions": items}));
    }
    json!({
        "course": {"title": site.pages[course].title, "href": l.page_href(course)},
        "sections": sections,
        "key": key,
        "count": number,
    })
}

fn letter(i: usize) -> String {
    let c = (b'a' + (i % 26) as u8) as char;
    if i < 26 {
        c.to_string()
    } else {
        format!("{c}{}", i / 26)
    }
}

/// One printed question and its answer-key entry.
fn sheet_question(q: &Question, number: usize, l: &Linker) -> (Value, Value) {
    let lettered = |items: Vec<&String>| -> Vec<Value> {
        items.iter().enumerate().map(|(i, t)| json!({"label": letter(i), "text": t})).collect()
    };
    // Shown position of option `i`, for the key's letters.
    let shown_at = |order: &[usize], i: usize| order.iter().position(|&o| o == i).unwrap_or(0);
    let (body, answer) = match &q.answer {
        Answer::Single { options, correct } => {
            let order = option_order(l.site, q, options.len());
            (
                json!({"options": lettered(order.iter().map(|&i| &options[i]).collect())}),
                format!("{}) {}", letter(shown_at(&order, *correct)), options[*correct]),
            )
        }
        Answer::Multiple { options, correct } => {
            let order = option_order(l.site, q, options.len());
            let mut keyed: Vec<(usize, &String)> =
                correct.iter().map(|&i| (shown_at(&order, i), &options[i])).collect();
            keyed.sort_unstable();
            (
                json!({"options": lettered(order.iter().map(|&i| &options[i]).collect())}),
                keyed.iter().map(|(at, o)| format!("{}) {o}", letter(*at))).collect::<Vec<_>>().join("; "),
            )
        }
        Answer::Truefalse(b) => (json!({}), if *b { "True" } else { "False" }.to_string()),
        Answer::Short { answers, .. } => (json!({}), answers.join(" / ")),
        Answer::Matching { left, right } => {
            let order = fixed_shuffle(right.len(), &q.id);
            let shown: Vec<&String> = order.iter().map(|&i| &right[i]).collect();
            let pairs: Vec<String> = (0..left.len())
                .map(|i| {
                    let at = order.iter().position(|&o| o == i).unwrap_or(0);
                    format!("{}–{}", i + 1, letter(at))
                })
                .collect();
            (json!({"left": left, "right": lettered(shown)}), pairs.join(", "))
        }
        Answer::Ordering { steps } => {
            let order = fixed_shuffle(steps.len(), &q.id);
            let shown: Vec<&String> = order.iter().map(|&i| &steps[i]).collect();
            let sequence: Vec<String> =
                (0..steps.len()).map(|i| letter(order.iter().position(|&o| o == i).unwrap_or(0))).collect();
            (json!({"steps": lettered(shown), "blanks": steps.len()}), sequence.join(", "))
        }
    };
    let mut item = json!({
        "number": number,
        "id": q.id,
        "type": q.qtype().name(),
        "hint": sheet_hint(q.qtype()),
        "prompt": l.html(&q.prompt),
    });
    if let (Value::Object(m), Value::Object(b)) = (&mut item, body) {
        m.extend(b);
    }
    let key = json!({
        "number": number,
        "answer": answer,
        "explanation": q.explanation.as_ref().map(|e| l.html(e)),
    });
    (item, key)
}

fn sheet_hint(t: QType) -> &'static str {
    match t {
        QType::Single => "Tick one.",
        QType::Multiple => "Tick all that apply.",
        QType::Truefalse => "Circle True or False.",
        QType::Short => "Write a short answer.",
        QType::Matching => "Write the letter of the matching item next to each number.",
        QType::Ordering => "Write the letters in the correct order.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_label_options() {
        assert_eq!(letter(0), "a");
        assert_eq!(letter(25), "z");
    }
}
