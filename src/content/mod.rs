//! Content stage: discover Markdown files, split front matter, build typed pages.

pub mod discover;
pub mod frontmatter;
pub mod page;
pub mod todo;

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::model::config::Config;
use crate::model::page::Page;
use page::{build_page, PageSource};

/// Reads every page under `root/content`, in parallel; drafts are dropped unless `drafts` is set.
pub fn load_pages(root: &Path, config: &Config, drafts: bool) -> (Vec<Page>, Vec<Diagnostic>) {
    let (pages, problems, _) = load_pages_and_unparsed(root, config, drafts);
    (pages, problems)
}

/// Like [`load_pages`], plus the slugs (from their file names) of the pages that could not be
/// read or parsed, so that links to them are not reported again as unknown targets.
pub fn load_pages_and_unparsed(
    root: &Path,
    config: &Config,
    drafts: bool,
) -> (Vec<Page>, Vec<Diagnostic>, HashSet<String>) {
    let content_dir = root.join("content");
    let (files, mut problems) = discover::discover(root, &content_dir, config.allow_outside_symlinks);
    let results: Vec<(Option<Page>, Vec<Diagnostic>)> = files.par_iter().map(|file| load_page(file, config)).collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut unparsed = HashSet::new();
    for (file, (page, ds)) in files.iter().zip(results) {
        problems.extend(ds);
        match page {
            Some(p) if drafts || !p.draft => pages.push(p),
            Some(_) => {}
            None => {
                unparsed
                    .insert(crate::model::slug::slugify(&file.rel.file_stem().unwrap_or_default().to_string_lossy()));
            }
        }
    }
    (pages, problems, unparsed)
}

/// Reads, splits, analyses and checks one source file.
pub fn load_page(file: &discover::SourceFile, config: &Config) -> (Option<Page>, Vec<Diagnostic>) {
    let text = match discover::read_source(file) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let (front, body_start) = match frontmatter::split(&text) {
        Ok(x) => x,
        Err(e) => {
            let d = Diagnostic::error(&file.display, e.line, e.col, e.message).with_source(&text).with_help(e.help);
            return (None, vec![d]);
        }
    };
    let doc = markdown::analyze(&text, body_start);
    let (page, mut problems) = build_page(
        PageSource { rel: &file.rel, display: &file.display, abs: &file.abs, text, body_start, front, doc },
        config,
    );
    if let Some(p) = &page {
        problems.extend(todo::warnings(p));
        problems.extend(crate::assets::alt_warnings(p));
    }
    (page, problems)
}
