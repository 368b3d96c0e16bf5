//! Incremental rebuilds for `serve`: re-parse only changed pages, re-render only what they affect,
//! write only files whose bytes changed. A failed rebuild changes nothing on disk.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Tera;

use super::affected::{affected_jobs, list_view, restore_order, same_outline};
use super::changes::Changes;
use crate::assets;
use crate::citations;
use crate::content;
use crate::content::discover::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::glossary::{self, Glossary};
use crate::model::output::OutputFile;
use crate::model::page::Page;
use crate::model::site::Site;
use crate::pipeline::{self, BuildOptions, Rendered, Stopwatch};
use crate::previews;
use crate::quiz;
use crate::render::{self, Job, Renderer, SiteIndex};
use crate::search;

/// The result of one rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    /// Output files written (changed bytes only).
    pub written: usize,
    /// Files rendered, written or not.
    pub rendered: usize,
    pub elapsed: Duration,
    /// Warnings of the new build.
    pub warnings: Diagnostics,
    /// True when the whole site was rebuilt.
    pub full: bool,
}

/// The last good build, kept in memory between changes.
pub struct State {
    opts: BuildOptions,
    out: PathBuf,
    site: Site,
    tera: Tera,
    /// Hash of every file last written, so unchanged output is not rewritten.
    written: HashMap<String, u64>,
    /// The search index, kept open for in-place updates (from the last full build; rebuilt
    /// whole when updates have fragmented it). `None` when search is off.
    search: Option<search::LiveSearch>,
    /// The last batch failed: the next one rebuilds everything.
    stale: bool,
    /// Static files images may name, listed at each full build: a change under static/ or
    /// themes/ always rebuilds everything, so page edits reuse the list instead of walking again.
    statics: BTreeSet<String>,
    /// Sources of the pages the last incremental rebuild re-rendered: their search text may show
    /// what changed (a linked page's new title), so the search update re-indexes them too.
    rerendered: BTreeSet<PathBuf>,
    /// The renderer's site-wide lookups for `site`: kept through edits of body text alone, which
    /// cannot change them (making them again would cost every save time that grows with the
    /// site), made again with the site on any other edit.
    index: Arc<SiteIndex>,
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    b.hash(&mut h);
    h.finish()
}

impl State {
    /// Builds the whole site into `out` (a folder private to the server).
    pub fn new(opts: BuildOptions, out: PathBuf) -> Result<(State, Rebuilt), Error> {
        let started = Instant::now();
        let r = full_build(&opts)?;
        let (site, tera, search, index) = (r.site, r.tera, r.search, r.index);
        let statics = assets::static_files(&opts.root, &site.config.theme);
        let mut state = State {
            opts,
            out,
            site,
            tera,
            written: HashMap::new(),
            search,
            stale: false,
            statics,
            rerendered: BTreeSet::new(),
            index,
        };
        let rendered = r.files.len();
        let written = state.write(&r.files)?;
        Ok((state, Rebuilt { written, rendered, elapsed: started.elapsed(), warnings: r.diagnostics, full: true }))
    }

    /// The site as last built.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Applies a batch of changes; on error the previous build stays as it is.
    ///
    /// After a failed batch the model no longer matches the files (a failed batch is rolled back,
    /// but its files stay changed on disk), so the next batch rebuilds everything: serve's output
    /// then equals a fresh build's again, whatever happened in between.
    pub fn apply(&mut self, changes: &Changes) -> Result<Rebuilt, Error> {
        let result = if self.stale || changes.config || changes.templates || changes.assets {
            self.rebuild_all()
        } else {
            self.apply_content(changes)
        };
        self.stale = result.is_err();
        result
    }

    /// A renderer of the site with its kept lookups.
    fn renderer(&self) -> Renderer<'_> {
        Renderer::with_index(&self.site, &self.tera, self.index.clone())
    }

    /// The sources of the pages among `jobs`.
    fn page_sources(&self, jobs: &[Job]) -> BTreeSet<PathBuf> {
        jobs.iter()
            .filter_map(|j| if let Job::Page(i) = j { Some(self.site.pages[*i].rel.clone()) } else { None })
            .collect()
    }

    /// Does the batch touch a glossary source: the glossary page or a page of the glossary kind?
    fn edits_glossary(&self, changed: &BTreeSet<PathBuf>) -> bool {
        let config = &self.site.config;
        let page = self.site.page_by_slug(&config.glossary.page).map(|g| &self.site.pages[g].rel);
        changed.iter().any(|rel| Some(rel) == page || config.kind_for(rel) == glossary::KIND)
    }

    /// The preview scripts holding the edited pages (their first paragraphs may have changed).
    fn previews_of(&self, changed: &BTreeSet<PathBuf>, glossary: &Glossary) -> Result<Vec<OutputFile>, Error> {
        let pages: Vec<usize> = changed
            .iter()
            .filter_map(|rel| self.site.pages.iter().position(|p| p.rel.as_os_str() == rel.as_os_str()))
            .collect();
        previews::files_of_pages(&self.site, glossary, &pages).map_err(|ds| Error::Content(ds.into()))
    }

    /// Loads, renders and writes everything; files the site no longer produces are removed.
    fn rebuild_all(&mut self) -> Result<Rebuilt, Error> {
        let started = Instant::now();
        let Rendered { site, tera, files, diagnostics: warnings, search, index } = full_build(&self.opts)?;
        self.index = index;
        self.site = site;
        self.tera = tera;
        self.search = search;
        self.statics = assets::static_files(&self.opts.root, &self.site.config.theme);
        let rendered = files.len();
        let produced: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let stale: Vec<String> = self.written.keys().filter(|p| !produced.contains(p.as_str())).cloned().collect();
        self.remove(&stale);
        let written = self.write(&files)?;
        Ok(Rebuilt { written, rendered, elapsed: started.elapsed(), warnings, full: true })
    }

    /// Content edits only: the cheapest correct rebuild (in place, or a relink of the changed pages).
    fn apply_content(&mut self, changes: &Changes) -> Result<Rebuilt, Error> {
        // Glossary entries link terms on every page: a change to one re-renders everything.
        if self.edits_glossary(&changes.content) {
            return self.rebuild_all();
        }
        let started = Instant::now();
        if let Some(InPlace { jobs, warnings, questions_changed }) = self.try_in_place(&changes.content)? {
            self.rerendered = self.page_sources(&jobs);
            // The question bank script is written from every question: only when they changed.
            let files = if questions_changed {
                self.index = Arc::new(SiteIndex::new(&self.site));
                pipeline::render_pages(&self.renderer(), &jobs)
            } else {
                let previews = self.previews_of(&changes.content, &self.index.glossary)?;
                render::render_jobs(&self.renderer(), &jobs).map(|mut files| {
                    files.extend(previews);
                    files
                })
            };
            let files = files.map_err(|ds| Error::Content(ds.into()))?;
            let rendered = files.len();
            let written = self.write(&files)?;
            return Ok(Rebuilt { written, rendered, elapsed: started.elapsed(), warnings, full: false });
        }
        let old_outputs: Vec<String> = self.site.pages.iter().map(|p| p.out_path.clone()).collect();
        let old_tags: HashSet<String> = self.site.pages.iter().flat_map(|p| p.tags.iter().cloned()).collect();
        let (site, jobs, warnings) = self.relink(&changes.content)?;
        // Pages deleted or renamed, and tags no longer used, leave no stale files behind.
        let new_outputs: HashSet<&str> = site.pages.iter().map(|p| p.out_path.as_str()).collect();
        let new_tags: HashSet<&String> = site.pages.iter().flat_map(|p| &p.tags).collect();
        let mut stale: Vec<String> = old_outputs.into_iter().filter(|p| !new_outputs.contains(p.as_str())).collect();
        stale.extend(
            old_tags
                .iter()
                .filter(|t| !new_tags.contains(t))
                .map(|t| site.link_path(&format!("tags/{}.html", crate::model::slug::slugify(t)))),
        );
        self.remove(&stale);
        // The new model is consistent even if rendering fails below; the disk keeps the last good output.
        self.site = site;
        self.index = Arc::new(SiteIndex::new(&self.site));
        self.rerendered = self.page_sources(&jobs);
        let files = pipeline::render_pages(&self.renderer(), &jobs).map_err(|ds| Error::Content(ds.into()))?;
        let rendered = files.len();
        let written = self.write(&files)?;
        Ok(Rebuilt { written, rendered, elapsed: started.elapsed(), warnings, full: false })
    }

    /// Brings the search index up to date after an incremental rebuild of the pages whose
    /// sources are in `changed` (full rebuilds include it): only their sections are re-indexed.
    /// Separate from [`State::apply`] so open tabs reload before the index is rewritten.
    pub fn refresh_search(&mut self, changed: &BTreeSet<PathBuf>) -> Result<usize, Error> {
        let mut changed = changed.clone();
        changed.append(&mut self.rerendered);
        let files = match self.search.as_mut().filter(|s| !s.is_fragmented()) {
            Some(live) => live.update(&self.site, &changed),
            None => self.open_search(),
        };
        let files = files.map_err(|ds| Error::Content(ds.into()))?;
        self.write(&files)
    }

    fn open_search(&mut self) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        if !self.site.config.search.enabled {
            return Ok(Vec::new());
        }
        let (live, files) = search::collect_files(|emit| search::LiveSearch::new(&self.site, emit));
        let live = live?;
        self.search = Some(live);
        Ok(files)
    }

    /// The common case, edits of existing pages that keep their slug, aliases and kind: swap the pages
    /// in place and patch the link graph instead of rebuilding it. `None` when the change needs the
    /// general path (new, deleted or renamed pages).
    fn try_in_place(&mut self, changed: &BTreeSet<PathBuf>) -> Result<Option<InPlace>, Error> {
        let mut diags = Diagnostics::new();
        let mut swaps: Vec<(usize, Page)> = Vec::new();
        for rel in changed {
            let Some(pos) = self.site.pages.iter().position(|p| p.rel.as_os_str() == rel.as_os_str()) else {
                return Ok(None);
            };
            let abs = self.opts.root.join("content").join(rel);
            if !abs.is_file() {
                return Ok(None);
            }
            let file = SourceFile { display: Path::new("content").join(rel), rel: rel.clone(), abs };
            let (page, problems) = content::load_page(&file, &self.site.config);
            diags.extend(problems);
            let Some(page) = page else { return Err(Error::Content(diags)) };
            let old = &self.site.pages[pos];
            if page.slug != old.slug || page.aliases != old.aliases || page.kind != old.kind || page.draft != old.draft
            {
                return Ok(None);
            }
            swaps.push((pos, page));
        }
        if diags.has_errors() {
            return Err(Error::Content(diags));
        }
        let lists_change = swaps.iter().any(|(pos, new)| list_view(&self.site.pages[*pos]) != list_view(new));
        let mut old_tags: BTreeSet<String> = BTreeSet::new();
        let mut olds: Vec<(usize, Page)> = Vec::new();
        for (pos, page) in swaps {
            let old = std::mem::replace(&mut self.site.pages[pos], page);
            old_tags.extend(old.tags.iter().cloned());
            olds.push((pos, old));
        }
        let positions: Vec<usize> = olds.iter().map(|(p, _)| *p).collect();
        // An edit of the body text alone (front matter, headings and citations as they were) leaves
        // the site's questions and citations as they are: re-checking them would read every page.
        let pages = &self.site.pages;
        let body_only = olds.iter().all(|(p, old)| {
            same_outline(old, &pages[*p]) && citations::same_citations(*p, old, &pages[*p], &self.site.quizzes)
        });
        let validated = if body_only {
            for &p in &positions {
                diags.extend(citations::page_warnings(p, pages, &self.site.quizzes));
            }
            None
        } else {
            let (quizzes, problems) = quiz::validate(pages, &self.site.graph, &self.site.config);
            diags.extend(problems);
            let (citations, problems) = citations::validate(&self.opts.root, &self.site.config, pages, &quizzes);
            diags.extend(problems);
            Some((quizzes, citations))
        };
        diags.extend(assets::check(positions.iter().map(|&p| &self.site.pages[p]), &self.statics));
        let patched = if diags.has_errors() {
            Err(Vec::new())
        } else {
            self.site.graph.update_in_place(&self.site.pages, &positions, &self.site.config)
        };
        let touched_targets = match patched {
            Ok(t) => t,
            Err(problems) => {
                for (pos, old) in olds {
                    self.site.pages[pos] = old;
                }
                diags.extend(problems);
                return Err(Error::Content(diags));
            }
        };
        let mut pages: BTreeSet<usize> = positions.iter().copied().collect();
        pages.extend(touched_targets);
        let mut count_changed = false;
        let questions_changed = validated.is_some();
        if let Some((quizzes, citations)) = validated {
            let old_quizzes = std::mem::replace(&mut self.site.quizzes, quizzes);
            // In-text citations are formatted site-wide (disambiguation): re-render pages whose works changed.
            let old_citations = std::mem::replace(&mut self.site.citations, citations);
            // Generated pages (practice filters, course sheets) are built from every question.
            self.site.extra_pages = pipeline::generated_pages(&self.site);
            let site = &self.site;
            if site.citations.formatting_changed(&old_citations) {
                pages.extend((0..site.pages.len()).filter(|&p| site.citations.count_on(p) > 0));
            }
            // Pages that questions test show how many do: re-render those whose count changed.
            pages.extend(
                old_quizzes
                    .covering
                    .iter()
                    .zip(&site.quizzes.covering)
                    .enumerate()
                    .filter(|(_, (a, b))| a != b)
                    .map(|(p, _)| p),
            );
            // The home page counts the site's questions.
            count_changed = old_quizzes.count() != site.quizzes.count();
        }
        let site = &self.site;
        for &p in &positions {
            pages.extend(site.graph.backlinks[p].iter().copied());
        }
        // Modules show their neighbours' titles.
        for (c, rels) in site.graph.relations.iter().enumerate() {
            for rel in rels.iter().filter(|r| r.ordered) {
                if positions.iter().any(|p| *p == c || rel.targets.contains(p)) {
                    pages.insert(c);
                    pages.extend(rel.targets.iter().copied());
                }
            }
        }
        let home = site.pages.iter().position(|p| p.is_home());
        if let (true, Some(h)) = (count_changed, home) {
            pages.insert(h);
        }
        let mut jobs: Vec<Job> = pages.into_iter().map(Job::Page).collect();
        if count_changed && home.is_none() && !lists_change {
            jobs.push(Job::Home);
        }
        if lists_change {
            let kinds: BTreeSet<&String> = positions.iter().map(|&p| &site.pages[p].kind).collect();
            jobs.extend(kinds.into_iter().cloned().map(Job::Kind));
            old_tags.extend(positions.iter().flat_map(|&p| site.pages[p].tags.iter().cloned()));
            jobs.extend(old_tags.into_iter().filter(|t| site.pages.iter().any(|p| p.tags.contains(t))).map(Job::Tag));
            jobs.push(Job::Tags);
            jobs.extend(render::site_wide_jobs(site));
        } else if questions_changed {
            jobs.extend((0..site.extra_pages.len()).map(Job::Extra));
        }
        Ok(Some(InPlace { jobs, warnings: diags, questions_changed }))
    }

    /// Re-parses changed pages and relinks the site; returns the new site and the jobs to render.
    fn relink(&mut self, changed: &BTreeSet<PathBuf>) -> Result<(Site, Vec<Job>, Diagnostics), Error> {
        let root = &self.opts.root;
        let config = &self.site.config;
        let mut diags = Diagnostics::new();
        let old_slugs: Vec<String> = self.site.pages.iter().map(|p| p.slug.clone()).collect();
        let total = self.site.pages.len();
        // Move pages rather than clone them: unchanged pages keep their order, changed ones are set aside
        // so the old order can be restored exactly if the change has errors.
        let mut pages: Vec<Page> = Vec::with_capacity(total + changed.len());
        let mut displaced: Vec<(usize, Page)> = Vec::new();
        for (i, p) in std::mem::take(&mut self.site.pages).into_iter().enumerate() {
            if changed.contains(&p.rel) {
                displaced.push((i, p));
            } else {
                pages.push(p);
            }
        }
        let kept = pages.len();
        let mut touched: HashSet<String> = HashSet::new();
        let mut touched_kinds: HashSet<String> = HashSet::new();
        let mut touched_tags: HashSet<String> = HashSet::new();
        for (_, old) in &displaced {
            touched.insert(old.slug.clone());
            touched_kinds.insert(old.kind.clone());
            touched_tags.extend(old.tags.iter().cloned());
        }
        for rel in changed {
            let abs = root.join("content").join(rel);
            if !abs.is_file() {
                continue;
            }
            let file = SourceFile { display: Path::new("content").join(rel), rel: rel.clone(), abs };
            let (page, problems) = content::load_page(&file, config);
            diags.extend(problems);
            if let Some(p) = page.filter(|p| self.opts.drafts || !p.draft) {
                touched.insert(p.slug.clone());
                touched_kinds.insert(p.kind.clone());
                touched_tags.extend(p.tags.iter().cloned());
                pages.push(p);
            }
        }
        let (graph, quizzes, citations, problems) =
            pipeline::link(root, &pages, config, &self.statics, Default::default());
        diags.extend(problems);
        if diags.has_errors() {
            pages.truncate(kept);
            self.site.pages = restore_order(pages, displaced, total);
            return Err(Error::Content(diags));
        }
        let mut site = Site {
            root: self.site.root.clone(),
            config: self.site.config.clone(),
            pages,
            graph,
            quizzes,
            citations,
            extra_pages: Vec::new(),
        };
        site.extra_pages = pipeline::generated_pages(&site);
        let jobs = affected_jobs(&self.site, &old_slugs, &site, &touched, &touched_kinds, &touched_tags);
        Ok((site, jobs, diags))
    }

    /// Deletes output files that the site no longer produces.
    fn remove(&mut self, paths: &[String]) {
        for p in paths {
            // Already gone is fine: the goal is that it is not served.
            let _ = std::fs::remove_file(self.out.join(p));
            self.written.remove(p);
        }
    }

    /// Writes files whose bytes differ from what was last written; returns how many were written.
    fn write(&mut self, files: &[OutputFile]) -> Result<usize, Error> {
        let hashes: Vec<u64> = files.par_iter().map(|f| hash_bytes(&f.bytes)).collect();
        let changed: Vec<usize> =
            (0..files.len()).filter(|&i| self.written.get(&files[i].path) != Some(&hashes[i])).collect();
        crate::output::write_files(&self.out, changed.iter().map(|&i| &files[i]))?;
        for &i in &changed {
            self.written.insert(files[i].path.clone(), hashes[i]);
        }
        Ok(changed.len())
    }
}

/// What an in-place rebuild renders.
struct InPlace {
    jobs: Vec<Job>,
    warnings: Diagnostics,
    /// Questions and citations were validated again (so generated pages and the question bank
    /// are rendered again); false for an edit of body text alone.
    questions_changed: bool,
}

/// Loads, renders and indexes the whole site, assets included.
/// Everything, with the search index kept open so that edits update it in place.
fn full_build(opts: &BuildOptions) -> Result<Rendered, Error> {
    pipeline::render_all(opts, &mut Stopwatch::new(), true, Ok)
}

#[cfg(test)]
mod tests;
