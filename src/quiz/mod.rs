//! Quizzes: the question model, validation at build time, page data and instructor exports.

pub mod export;

use crate::config::Config;
use crate::content::page::Page;
use crate::diagnostics::Diagnostic;
use crate::links::LinkGraph;
use crate::render::{ExtraPage, OutputFile};
use crate::site::Site;

/// Every page's validated questions.
#[derive(Debug, Default)]
pub struct QuizSet {}

impl QuizSet {
    /// Number of questions in the site.
    pub fn count(&self) -> usize {
        0
    }

    /// Template data for the quiz section of page `i` (None when it has no questions).
    pub fn page_context(&self, _site: &Site, _i: usize, _out_path: &str) -> Option<serde_json::Value> {
        None
    }

    /// Generated pages: practice, review queue, progress, printable sheets.
    pub fn extra_pages(&self, _site: &Site) -> Vec<ExtraPage> {
        Vec::new()
    }

    /// Extra output files (the question bank the practice page loads).
    pub fn output_files(&self, _site: &Site) -> Vec<OutputFile> {
        Vec::new()
    }
}

/// Parses and checks the `quiz:` lists of all pages; every problem is located.
pub fn validate(_pages: &[Page], _graph: &LinkGraph, _config: &Config) -> (QuizSet, Vec<Diagnostic>) {
    (QuizSet::default(), Vec::new())
}
