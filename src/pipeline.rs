//! The pipeline: the stages in order, over the site model.
//!
//! ```text
//! discover + parse -> link -> validate quizzes and citations -> render -> index -> write
//! ```
//!
//! `build`, `check` and `serve` call only this module; serve's incremental rebuilds call the
//! same stage functions ([`link`], [`generated_pages`], [`render_pages`]) on the pages a change
//! touched.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::assets;
use crate::citations;
use crate::concept_map;
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::export;
use crate::links::LinkGraph;
use crate::model::citations::Citations;
use crate::model::config::Config;
use crate::model::output::{ExtraPage, OutputFile};
use crate::model::page::Page;
use crate::model::quiz::QuizSet;
use crate::model::site::Site;
use crate::output;
use crate::previews;
use crate::quiz;
use crate::render::{self, Job};
use crate::search;

/// Options shared by `build`, `check` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (holds site.toml and content/).
    pub root: PathBuf,
    /// Output folder; `public/` under the root when absent.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.toml.
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
}

impl BuildOptions {
    /// Options for the site at `root` with defaults otherwise.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        BuildOptions { root: root.into(), ..Default::default() }
    }

    /// The output folder these options name.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub links: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Warnings found (a build with errors returns [`Error::Content`]).
    pub diagnostics: Diagnostics,
    pub output: PathBuf,
    /// Wall time of each pipeline stage, in order.
    pub stages: Vec<Stage>,
}

/// One pipeline stage as timed.
#[derive(Debug)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    /// The process's peak resident memory when the stage ended, in bytes (where the system says).
    pub peak_memory: Option<u64>,
}

/// Records how long each stage took.
#[derive(Debug)]
pub struct Stopwatch {
    last: Instant,
    stages: Vec<Stage>,
}

/// The process's peak resident memory so far (Linux's VmHWM), in bytes.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

impl Default for Stopwatch {
    fn default() -> Self {
        Self::new()
    }
}

impl Stopwatch {
    /// Starts timing now.
    pub fn new() -> Self {
        Stopwatch { last: Instant::now(), stages: Vec::new() }
    }

    /// Ends the current stage.
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push(Stage { name: stage, took: now - self.last, peak_memory: peak_memory() });
        self.last = now;
    }
}

/// Discover, parse, link and validate quizzes; returns the site and its warnings, or every error.
pub fn load(opts: &BuildOptions) -> Result<(Site, Diagnostics), Error> {
    let mut config = Config::load(&opts.root).map_err(|ds| Error::Config(ds.into()))?;
    let problems = citations::config_problems(&opts.root, &config);
    if !problems.is_empty() {
        return Err(Error::Config(problems.into()));
    }
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    let mut diags = Diagnostics::new();
    let (pages, problems, unparsed) = content::load_pages_and_unparsed(&opts.root, &config, opts.drafts);
    diags.extend(problems);
    let statics = assets::static_files(&opts.root, &config.theme);
    let (graph, quizzes, citations, problems) = link(&opts.root, &pages, &config, &statics, unparsed);
    diags.extend(problems);
    let mut site = Site { root: opts.root.clone(), config, pages, graph, quizzes, citations, extra_pages: Vec::new() };
    if diags.has_errors() {
        return Err(Error::Content(diags));
    }
    site.extra_pages = generated_pages(&site);
    Ok((site, diags))
}

/// Check images and file links, link, then validate quizzes and citations: the stages that read
/// every page at once.
/// `statics` are the static files images may name ([`assets::static_files`], listed once by the
/// caller); `unparsed` names pages whose front matter failed (by file-name slug): links to them
/// are not reported again.
pub fn link(
    root: &Path,
    pages: &[Page],
    config: &Config,
    statics: &BTreeSet<String>,
    unparsed: HashSet<String>,
) -> (LinkGraph, QuizSet, Citations, Diagnostics) {
    let mut diags = Diagnostics::new();
    diags.extend(assets::check(pages, statics));
    let (graph, problems) = LinkGraph::build_with_unparsed(pages, config, unparsed);
    diags.extend(problems);
    let (quizzes, problems) = quiz::validate(pages, &graph, config);
    diags.extend(problems);
    let (citations, problems) = citations::validate(root, config, pages, &quizzes);
    diags.extend(problems);
    (graph, quizzes, citations, diags)
}

/// The pages later stages generate (quiz practice, review, progress and sheets; search results).
pub fn generated_pages(site: &Site) -> Vec<ExtraPage> {
    let mut extra = quiz::extra_pages(site);
    extra.extend(citations::view::references_page(&site.citations, &site.pages));
    extra.extend(concept_map::extra_pages(site));
    if site.config.search.enabled {
        extra.extend(search::extra_pages(site));
    }
    extra
}

/// Renders `jobs` with `r`, plus the question bank and preview scripts they load.
pub fn render_pages(r: &render::Renderer, jobs: &[Job]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut files = render::render_jobs(r, jobs)?;
    files.extend(quiz::output_files(r.site));
    files.extend(previews::output_files(r.site, &r.index.glossary)?);
    Ok(files)
}

/// Validates the site like `build` does, writing nothing.
pub fn check(opts: &BuildOptions) -> Result<(Site, Diagnostics), Error> {
    let (site, mut diags) = load(opts)?;
    let tera = render::theme::load_templates(&site.root, &site.config.theme).map_err(|ds| Error::Content(ds.into()))?;
    diags.extend(build_only_checks(&site));
    match render::render_site(&site, &tera) {
        Ok(_) if !diags.has_errors() => Ok((site, diags)),
        Ok(_) => Err(Error::Content(diags)),
        Err(ds) => {
            diags.extend(ds);
            Err(Error::Content(diags))
        }
    }
}

/// What `build` checks after rendering, for `check`: the synonyms file and the static files.
fn build_only_checks(site: &Site) -> Vec<Diagnostic> {
    let mut found = if site.config.search.enabled { search::check_synonyms(site) } else { Vec::new() };
    match render::theme::static_assets(&site.root, &site.config.theme, site.config.allow_outside_symlinks) {
        Ok((_, warnings)) => found.extend(warnings),
        Err(problems) => found.extend(problems),
    }
    found
}

/// Everything a build produces, in memory: the linked site, its templates and every output file.
pub struct Rendered {
    pub site: Site,
    pub tera: tera::Tera,
    /// Pages, generated files, assets (those kept by `render_all`'s `on_pages`) and the search index.
    pub files: Vec<OutputFile>,
    /// Warnings (errors end the build instead).
    pub diagnostics: Diagnostics,
    /// The search index kept open, when asked for (see [`render_all`]).
    pub search: Option<search::LiveSearch>,
    /// The renderer's site-wide lookups for `site` (serve reuses them for edits of body text).
    pub index: Arc<render::SiteIndex>,
}

/// Jobs `render_all` renders at a time: enough to keep rayon's threads busy, few enough that a
/// build holds only a small part of the site's HTML at once.
const RENDER_CHUNK: usize = 256;

/// Runs every stage but the write: load, link, validate, render, index; assets included.
/// `live` is serve's mode: the search index stays open and the pages' text in memory, for
/// in-place updates. Otherwise the text is released once the site is checked, and read again
/// from each file as its page is rendered and indexed (a large site's text is a third of its
/// model; a file changed meanwhile is an error).
///
/// `on_files` receives the pages, generated files, assets and search files a part at a time, as
/// soon as they are made (the search index is built on other threads meanwhile), and returns
/// those to keep in [`Rendered::files`]: `build` writes them out at once, and keeps none.
pub fn render_all(
    opts: &BuildOptions,
    watch: &mut Stopwatch,
    live: bool,
    on_files: impl Fn(Vec<OutputFile>) -> Result<Vec<OutputFile>, Error> + Sync,
) -> Result<Rendered, Error> {
    let (mut site, mut diags) = load(opts)?;
    watch.lap("load, parse, link, validate");
    let tera = render::theme::load_templates(&site.root, &site.config.theme).map_err(|ds| Error::Content(ds.into()))?;
    let (assets, link_warnings) =
        render::theme::static_assets(&site.root, &site.config.theme, site.config.allow_outside_symlinks)
            .map_err(|ds| Error::Content(ds.into()))?;
    diags.extend(link_warnings);
    let site_index = Arc::new(render::SiteIndex::new(&site));
    // After the lookups: the glossary's entries are read from its page's text.
    if !live {
        site.release_sources();
    }
    let renderer = render::Renderer::with_index(&site, &tera, site_index.clone());
    // The search index is built on its own threads while rayon renders the pages and the pages
    // are written: indexing is mostly sequential, so it overlaps that work instead of adding to it.
    // Search files kept by `on_files`, and the first error it gave for them.
    let search_files: Mutex<(Vec<OutputFile>, Option<Error>)> = Mutex::default();
    let emit = |files: Vec<OutputFile>| {
        let result = on_files(files);
        let mut kept = search_files.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(files) => kept.0.extend(files),
            Err(e) => {
                kept.1.get_or_insert(e);
            }
        }
    };
    let (pages, index) = std::thread::scope(|scope| {
        let index = site.config.search.enabled.then(|| scope.spawn(|| search::index_site(&site, live, &emit)));
        let pages = stream_pages(&renderer, assets, &on_files).and_then(|rendered| match rendered {
            Ok((kept, warnings)) => {
                diags.extend(warnings);
                watch.lap("render and write pages");
                Ok(kept)
            }
            Err(problems) => {
                diags.extend(problems);
                Err(Error::Content(std::mem::take(&mut diags)))
            }
        });
        let index = index.map(|h| {
            h.join().unwrap_or_else(|_| {
                Err(vec![Diagnostic::error(search::DIR, 0, 0, "building the search index failed unexpectedly")])
            })
        });
        (pages, index)
    });
    let mut files = pages?;
    let search = index.transpose().map_err(|ds| Error::Content(ds.into()))?.flatten();
    let (kept, failed) = search_files.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = failed {
        return Err(e);
    }
    files.extend(kept);
    watch.lap("finish search index");
    drop(renderer);
    Ok(Rendered { site, tera, files, diagnostics: diags, search, index: site_index })
}

/// The files `on_files` kept with the warnings of the static files, or the render errors.
type Streamed = Result<(Vec<OutputFile>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Renders every job a chunk at a time and hands each chunk to `on_files` as it is done; then
/// the question bank and the static files. Returns the files `on_files` kept with the warnings
/// about static files replacing generated pages, or the render errors.
fn stream_pages(
    r: &render::Renderer,
    assets: std::collections::BTreeMap<String, Vec<u8>>,
    on_files: &impl Fn(Vec<OutputFile>) -> Result<Vec<OutputFile>, Error>,
) -> Result<Streamed, Error> {
    let mut statics = output::StaticMerge::new(assets);
    let mut kept = Vec::new();
    let mut pass_on = |mut files: Vec<OutputFile>| -> Result<(), Error> {
        statics.filter(&mut files);
        kept.extend(on_files(files)?);
        Ok(())
    };
    let site = r.site;
    let problems = render::render_streaming(r, &render::all_jobs(site), RENDER_CHUNK, &mut pass_on)?;
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    pass_on(quiz::output_files(site))?;
    match previews::output_files(site, &r.index.glossary) {
        Ok(files) => pass_on(files)?,
        Err(problems) => return Ok(Err(problems)),
    }
    let (files, warnings) = statics.finish(site);
    kept.extend(on_files(files)?);
    Ok(Ok((kept, warnings)))
}

/// Builds the site into a staging folder and swaps it in only when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let mut watch = Stopwatch::new();
    let out_dir = opts.output_dir();
    output::check_output_dir(&opts.root, &out_dir)?;
    let staging = output::Staging::create(&out_dir)?;
    let r = render_all(opts, &mut watch, false, |files| {
        staging.write(&files)?;
        Ok(Vec::new())
    })?;
    staging.write(&r.files)?;
    let file_count = staging.swap()?;
    watch.lap("write search index and swap");
    Ok(BuildReport {
        pages: r.site.pages.len(),
        links: r.site.graph.link_count,
        files: file_count,
        elapsed: started.elapsed(),
        diagnostics: r.diagnostics,
        output: out_dir,
        stages: watch.stages,
    })
}

/// `rapport export course`: SCORM packages are made from the rendered site, an EPUB from the
/// pages. Writes the package (to `output`, or a name made from the course) and says what it wrote.
pub fn export_course(
    opts: &BuildOptions,
    format: export::course::CourseFormat,
    slug: Option<&str>,
    output: Option<PathBuf>,
    pass_mark: u8,
) -> Result<String, Error> {
    use export::course::CourseFormat;
    use export::{course, epub, package, scorm};
    if let Some(path) = &output {
        package::check_target(path)?;
    }
    let (site, files) = match format {
        CourseFormat::Epub => (load(opts)?.0, Vec::new()),
        _ => {
            let r = render_all(opts, &mut Stopwatch::new(), false, Ok)?;
            (r.site, r.files)
        }
    };
    let chosen = course::select(&site, slug)?;
    let path = output.unwrap_or_else(|| PathBuf::from(format.default_file(&site.pages[chosen.page].slug)));
    let version = match format {
        CourseFormat::Epub => {
            epub::write(&site, &chosen, &path)?;
            return Ok(format!("{} ({} modules)", path.display(), chosen.modules.len()));
        }
        CourseFormat::Scorm12 => scorm::Version::Scorm12,
        CourseFormat::Scorm2004 => scorm::Version::Scorm2004,
    };
    let files = scorm::package(&site, &chosen, files, version, pass_mark)?;
    package::write_zip(&path, &files, &[])?;
    Ok(format!("{} ({} modules, {} files)", path.display(), chosen.modules.len(), files.len()))
}
