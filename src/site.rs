//! The site model and the pipeline: discover -> parse -> link -> validate quizzes -> render -> index -> write.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, page::Page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::links::LinkGraph;
use crate::output;
use crate::quiz::{self, QuizSet};
use crate::render::{self, ExtraPage, OutputFile};
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

/// The whole site in memory, linked and checked.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<Page>,
    pub graph: LinkGraph,
    pub quizzes: QuizSet,
    /// Generated pages requested by later stages (search results, practice pages).
    pub extra_pages: Vec<ExtraPage>,
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
    pub stages: Vec<(&'static str, Duration)>,
}

/// Records how long each stage took.
#[derive(Debug)]
pub struct Stopwatch {
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
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
        self.stages.push((stage, now - self.last));
        self.last = now;
    }
}

impl Site {
    /// Runs discover, parse and link; returns the site and every diagnostic, or the errors.
    pub fn load(opts: &BuildOptions) -> Result<(Site, Diagnostics), Error> {
        let mut config = Config::load(&opts.root).map_err(|ds| Error::Config(ds.into()))?;
        if let Some(url) = &opts.base_url {
            config.base_url = url.clone();
        }
        let mut diags = Diagnostics::new();
        let (pages, problems, unparsed) = content::load_pages_and_unparsed(&opts.root, &config, opts.drafts);
        diags.extend(problems);
        let (graph, problems) = LinkGraph::build_with_unparsed(&pages, &config, unparsed);
        diags.extend(problems);
        let (quizzes, problems) = quiz::validate(&pages, &graph, &config);
        diags.extend(problems);
        let mut site = Site { root: opts.root.clone(), config, pages, graph, quizzes, extra_pages: Vec::new() };
        if diags.has_errors() {
            return Err(Error::Content(diags));
        }
        let mut extra = site.quizzes.extra_pages(&site);
        if site.config.search.enabled {
            extra.extend(search::extra_pages(&site));
        }
        site.extra_pages = extra;
        Ok((site, diags))
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

    /// Extra template variables for page `i` contributed by later stages.
    pub fn page_extras(&self, i: usize, out_path: &str) -> Vec<(&'static str, serde_json::Value)> {
        self.quizzes.page_context(self, i, out_path).map(|q| ("quiz", q)).into_iter().collect()
    }

    /// Index of the page with this slug.
    pub fn page_by_slug(&self, slug: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.slug == slug)
    }
}

/// Validates the site like `build` does, writing nothing.
pub fn check(opts: &BuildOptions) -> Result<(Site, Diagnostics), Error> {
    let (site, mut diags) = Site::load(opts)?;
    let tera = render::load_templates(&site.root, &site.config.theme).map_err(|ds| Error::Content(ds.into()))?;
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
    match render::static_assets(&site.root, &site.config.theme, site.config.allow_outside_symlinks) {
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
}

/// Runs every stage but the write: load, link, validate, render, index; assets included.
/// `live_search` keeps the search index open for in-place updates (`rapport serve`).
///
/// `on_pages` receives the pages, generated files and assets as soon as they are rendered,
/// while the search index is still being built, and returns those to keep in
/// [`Rendered::files`]: `build` writes them out meanwhile, and keeps none.
pub fn render_all(
    opts: &BuildOptions,
    watch: &mut Stopwatch,
    live_search: bool,
    on_pages: impl FnOnce(Vec<OutputFile>) -> Result<Vec<OutputFile>, Error>,
) -> Result<Rendered, Error> {
    let (site, mut diags) = Site::load(opts)?;
    watch.lap("load, parse, link, validate");
    let tera = render::load_templates(&site.root, &site.config.theme).map_err(|ds| Error::Content(ds.into()))?;
    let (assets, link_warnings) =
        render::static_assets(&site.root, &site.config.theme, site.config.allow_outside_symlinks)
            .map_err(|ds| Error::Content(ds.into()))?;
    diags.extend(link_warnings);
    // The search index is built on its own threads while rayon renders the pages and the pages
    // are written: indexing is mostly sequential, so it overlaps that work instead of adding to it.
    let (pages, index) = std::thread::scope(|scope| {
        let index = site.config.search.enabled.then(|| scope.spawn(|| search::index_site(&site, live_search)));
        let pages = render::render_site(&site, &tera).map_err(|ds| {
            diags.extend(ds);
            Error::Content(std::mem::take(&mut diags))
        });
        let pages = pages.and_then(|mut files| {
            files.extend(site.quizzes.output_files(&site));
            diags.extend(output::merge_static(&mut files, assets, &site));
            watch.lap("render");
            let kept = on_pages(files);
            watch.lap("write pages");
            kept
        });
        let index = index.map(|h| {
            h.join().unwrap_or_else(|_| {
                Err(vec![Diagnostic::error(search::DIR, 0, 0, "building the search index failed unexpectedly")])
            })
        });
        (pages, index)
    });
    let mut files = pages?;
    let (search, index_files) = index.transpose().map_err(|ds| Error::Content(ds.into()))?.unwrap_or_default();
    files.extend(index_files);
    watch.lap("finish search index");
    Ok(Rendered { site, tera, files, diagnostics: diags, search })
}

/// Builds the site into a staging folder and swaps it in only when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let mut watch = Stopwatch::new();
    let out_dir = opts.output_dir();
    output::check_output_dir(&opts.root, &out_dir)?;
    let mut staging = output::Staging::create(&out_dir)?;
    let r = render_all(opts, &mut watch, false, |pages| {
        staging.write(&pages)?;
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
