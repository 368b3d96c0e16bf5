//! The whole site in memory, linked and checked: what every stage after linking reads.

use std::path::PathBuf;

use super::citations::Citations;
use super::config::Config;
use super::graph::LinkGraph;
use super::output::ExtraPage;
use super::page::Page;
use super::quiz::QuizSet;

/// The whole site in memory, linked and checked.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<Page>,
    pub graph: LinkGraph,
    pub quizzes: QuizSet,
    /// Bibliography, formatted citations and who cites what (empty without `bibliography`).
    pub citations: Citations,
    /// Generated pages requested by later stages (search results, practice pages).
    pub extra_pages: Vec<ExtraPage>,
}

impl Site {
    /// Drops every page's text from memory: from now on it is read from its file where needed.
    pub fn release_sources(&mut self) {
        for page in &mut self.pages {
            page.source.release();
        }
    }

    /// A root-relative link path for a generated file, honouring pretty URLs for `index.html`.
    pub fn link_path(&self, file: &str) -> String {
        if self.config.pretty_urls {
            if file == "index.html" {
                return "./".into();
            }
            if let Some(dir) = file.strip_suffix("index.html") {
                return dir.to_string();
            }
        }
        file.to_string()
    }

    /// Singular display name of a kind.
    pub fn kind_label(&self, kind: &str) -> String {
        self.config.kind(kind).map(|k| k.label(kind)).unwrap_or_else(|| kind.to_string())
    }

    /// Plural display name of a kind.
    pub fn kind_plural(&self, kind: &str) -> String {
        self.config.kind(kind).map(|k| k.plural(kind)).unwrap_or_else(|| kind.to_string())
    }

    /// Does any page carry quiz questions?
    pub fn has_quizzes(&self) -> bool {
        self.question_count() > 0
    }

    /// Number of quiz questions in the site.
    pub fn question_count(&self) -> usize {
        self.quizzes.count()
    }

    /// Index of the page with this slug.
    pub fn page_by_slug(&self, slug: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.slug == slug)
    }
}
