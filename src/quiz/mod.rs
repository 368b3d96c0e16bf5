//! Validate quizzes: every page's `quiz:` list parsed and checked, ids checked across the site,
//! each question tied to the concept pages it tests; then the views of the resulting
//! [`QuizSet`]: the page template's quiz section, the generated practice, review, progress and
//! sheet pages, and the question bank script. Exports live in `crate::export`.

mod answers;
pub mod courses;
mod item;
pub mod lint;
mod pages;
mod parse;
mod pitfalls;
pub mod view;

use std::collections::HashMap;

use crate::content::frontmatter::Seg;
use crate::diagnostics::Diagnostic;
use crate::links::LinkGraph;
use crate::model::config::Config;
use crate::model::output::{ExtraPage, OutputFile};
use crate::model::page::Page;
use crate::model::quiz::{Question, QuizSet};
use crate::model::site::Site;

/// Template data for the quiz section of page `i` (None when it has nothing to show).
pub fn page_context(site: &Site, i: usize, out_path: &str) -> Option<serde_json::Value> {
    view::page_context(site, i, out_path)
}

/// Generated pages: practice, review queue, progress, printable sheets.
pub fn extra_pages(site: &Site) -> Vec<ExtraPage> {
    if site.quizzes.questions.is_empty() {
        return Vec::new();
    }
    pages::extra_pages(site)
}

/// Extra output files: the course outline every page's progress marks read, the question bank
/// script the practice and review pages load, and the progress page's summary of it.
pub fn output_files(site: &Site) -> Vec<OutputFile> {
    let mut files = vec![courses::courses_file(site)];
    if !site.quizzes.questions.is_empty() {
        files.push(view::bank_file(site));
        files.push(view::summary_file(site));
    }
    files
}

/// Parses and checks the `quiz:` lists of all pages; every problem is located.
pub fn validate(pages: &[Page], graph: &LinkGraph, config: &Config) -> (QuizSet, Vec<Diagnostic>) {
    let mut set = QuizSet {
        by_page: vec![Vec::new(); pages.len()],
        covering: vec![Vec::new(); pages.len()],
        ..Default::default()
    };
    let mut diags = Vec::new();
    for pi in 0..pages.len() {
        let (questions, problems) = parse::parse_page(pages, graph, pi);
        diags.extend(problems);
        set.questions.extend(questions);
    }
    diags.extend(duplicate_ids(pages, &set.questions));
    diags.extend(lint::check(pages, &set.questions, &config.quiz));
    for (qi, q) in set.questions.iter().enumerate() {
        set.by_page[q.page].push(qi);
        for p in q.tested_pages() {
            set.covering[p].push(qi);
        }
    }
    (set, diags)
}

/// An error for every question whose id an earlier question already has, naming both places.
fn duplicate_ids(pages: &[Page], questions: &[Question]) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, &Question> = HashMap::new();
    let mut out = Vec::new();
    for q in questions {
        let Some(prev) = first.get(q.id.as_str()).copied() else {
            first.insert(&q.id, q);
            continue;
        };
        let page = &pages[q.page];
        let pos = if q.explicit_id {
            page.front.locate_text(&[Seg::Key("quiz"), Seg::Index(q.index), Seg::Key("id")], &q.id)
        } else {
            (q.line, q.col)
        };
        let where_first = format!("{}:{}:{}", pages[prev.page].display.display(), prev.line, prev.col);
        let help = if q.explicit_id {
            "give one of them another `id:`".to_string()
        } else {
            "the two questions have the same type and prompt: change one, or give one an explicit `id:`".to_string()
        };
        out.push(
            page.error(pos, format!("duplicate question id `{}`: also used by the question at {where_first}", q.id))
                .with_help(Some(help)),
        );
    }
    out
}
