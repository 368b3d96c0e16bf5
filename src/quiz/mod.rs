//! Quizzes: the question model, validation at build time, page data and instructor exports.
//!
//! `validate` runs after linking: every page's `quiz:` list is parsed and checked (see
//! [`parse`]), ids are checked across the site, and each question is tied to the concept pages
//! it tests. The [`QuizSet`] then feeds the page template, the generated practice, review,
//! progress and sheet pages, the question bank script and the exports.

pub mod export;
mod gift;
pub mod lint;
pub mod model;
mod parse;
mod view;

use std::collections::HashMap;

use crate::config::Config;
use crate::content::frontmatter::Seg;
use crate::content::page::Page;
use crate::diagnostics::Diagnostic;
use crate::links::LinkGraph;
use crate::render::{ExtraPage, OutputFile};
use crate::site::Site;
pub use model::{Answer, QType, Question};

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

    /// Template data for the quiz section of page `i` (None when it has nothing to show).
    pub fn page_context(&self, site: &Site, i: usize, out_path: &str) -> Option<serde_json::Value> {
        view::page_context(site, i, out_path)
    }

    /// Generated pages: practice, review queue, progress, printable sheets.
    pub fn extra_pages(&self, site: &Site) -> Vec<ExtraPage> {
        if self.questions.is_empty() {
            return Vec::new();
        }
        view::extra_pages(site)
    }

    /// Extra output files: the question bank script the practice, review and progress pages load.
    pub fn output_files(&self, site: &Site) -> Vec<OutputFile> {
        if self.questions.is_empty() {
            return Vec::new();
        }
        vec![view::bank_file(site)]
    }
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
