//! Render: the site model into HTML files with tera, in parallel with rayon.
//!
//! Each output file is a [`Job`]; each kind of job has its renderer: content pages
//! (`page.rs`, with `course.rs`), kind indexes (`list.rs`), tag pages (`taxonomy.rs`), and
//! home, 404, sitemap and generated pages (`extra.rs`). `renderer.rs` holds what they share,
//! `theme.rs` the templates and static assets.

mod course;
mod extra;
mod list;
mod page;
mod renderer;
mod sidebar;
mod taxonomy;
mod template_error;
pub mod theme;

use rayon::prelude::*;
use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::model::output::OutputFile;
use crate::model::site::Site;
pub use renderer::{kind_index_path, PageRef, Renderer, SiteIndex};

/// Every output job of the site: pages, kind indexes, tag pages, home, 404 and generated pages.
pub fn all_jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    let mut kinds: Vec<&String> =
        site.config.kinds.keys().filter(|k| site.pages.iter().any(|p| &p.kind == *k)).collect();
    kinds.dedup();
    jobs.extend(kinds.into_iter().cloned().map(Job::Kind));
    jobs.push(Job::Tags);
    let mut tags: Vec<&String> = site.pages.iter().flat_map(|p| &p.tags).collect();
    tags.sort();
    tags.dedup();
    jobs.extend(tags.into_iter().cloned().map(Job::Tag));
    jobs.extend(site_wide_jobs(site));
    jobs
}

/// Jobs whose output depends on the whole site: home (unless content/index.md renders it),
/// 404, sitemap and the generated pages of later stages.
pub fn site_wide_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    if !site.pages.iter().any(|p| p.is_home()) {
        jobs.push(Job::Home);
    }
    jobs.push(Job::NotFound);
    jobs.push(Job::Sitemap);
    jobs.extend((0..site.extra_pages.len()).map(Job::Extra));
    jobs
}

/// Renders everything.
pub fn render_site(site: &Site, tera: &Tera) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render_jobs(&Renderer::new(site, tera), &all_jobs(site))
}

/// Renders the given jobs in parallel; every distinct failure is collected once.
pub fn render_jobs(r: &Renderer, jobs: &[Job]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut files = Vec::with_capacity(jobs.len());
    let mut problems = Vec::new();
    render_with(r, jobs, &mut problems, |f| files.extend(f));
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// Renders `jobs` `chunk` at a time (each chunk in parallel) and hands each chunk's files to `sink`
/// before rendering the next, so that no more than a chunk of the site's HTML is held at once.
/// Every distinct failure is collected once; after the first, rendering goes on (to report them
/// all) but nothing more is handed on. Returns the failures, or the first error of `sink`.
pub fn render_streaming<E>(
    r: &Renderer,
    jobs: &[Job],
    chunk: usize,
    mut sink: impl FnMut(Vec<OutputFile>) -> Result<(), E>,
) -> Result<Vec<Diagnostic>, E> {
    let mut problems = Vec::new();
    for part in jobs.chunks(chunk.max(1)) {
        let mut files = Vec::with_capacity(part.len());
        render_with(r, part, &mut problems, |f| files.extend(f));
        if problems.is_empty() {
            sink(files)?;
        }
    }
    Ok(problems)
}

/// Renders `jobs` in parallel, passing each job's files to `keep` in job order and adding each
/// failure not already in `problems` to it.
fn render_with(r: &Renderer, jobs: &[Job], problems: &mut Vec<Diagnostic>, mut keep: impl FnMut(Vec<OutputFile>)) {
    let results: Vec<Result<Vec<OutputFile>, Diagnostic>> = jobs.par_iter().map(|j| render_one(r, j)).collect();
    for res in results {
        match res {
            Ok(f) => keep(f),
            // A template error fails every page using the template alike: report it once.
            Err(d) if problems.iter().any(|p: &Diagnostic| p.path == d.path && p.message == d.message) => {}
            Err(d) => problems.push(d),
        }
    }
}

/// One output file to render.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// A content page, by index.
    Page(usize),
    /// A kind's index page.
    Kind(String),
    /// The list of tags.
    Tags,
    /// One tag's page.
    Tag(String),
    /// The home page when content/index.md is absent.
    Home,
    NotFound,
    Sitemap,
    /// A generated page, by index in the site's `extra_pages` (a large site's practice pages
    /// carry every question: a job does not copy them).
    Extra(usize),
}

/// Renders one job into its file (or files, for split lists).
fn render_one(r: &Renderer, job: &Job) -> Result<Vec<OutputFile>, Diagnostic> {
    let one = match job {
        Job::Sitemap => {
            return Ok(vec![OutputFile { path: "sitemap.xml".into(), bytes: extra::sitemap(r).into_bytes() }])
        }
        Job::Kind(k) => return list::kind_jobs(r, k).into_iter().map(|(p, t, c)| r.fill(p, &t, &c)).collect(),
        Job::Tag(t) => return taxonomy::tag_jobs(r, t).into_iter().map(|(p, t, c)| r.fill(p, &t, &c)).collect(),
        Job::Page(i) => page::page_job(r, *i)?,
        Job::Tags => taxonomy::tags_job(r),
        Job::Home => extra::home_job(r),
        Job::NotFound => extra::not_found_job(r),
        Job::Extra(i) => extra::extra_job(r, &r.site.extra_pages[*i]),
    };
    let (path, template, ctx) = one;
    Ok(vec![r.fill(path, &template, &ctx)?])
}
