//! Tera environment (built-in theme, then the site's overrides) and rendering of every output page.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostics::Diagnostic;
use crate::links::{relative, root_prefix};
use crate::markdown;
use crate::site::Site;

/// The default theme, embedded in the binary.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// One rendered output file, relative to the output root.
#[derive(Debug)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Loads templates: the embedded default theme first, then `root/themes/<theme>/templates/` on top.
pub fn load_templates(root: &Path, theme: &str) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    let mut sources: Vec<(String, String, PathBuf)> = Vec::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        for f in dir.files() {
            let name = f.path().strip_prefix("templates").unwrap_or(f.path()).to_string_lossy().replace('\\', "/");
            let text = f.contents_utf8().unwrap_or_default().to_string();
            sources.push((name, text, PathBuf::from("themes/default").join(f.path())));
        }
    }
    let override_dir = root.join("themes").join(theme).join("templates");
    let mut problems = Vec::new();
    if override_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&override_dir).into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            let name =
                entry.path().strip_prefix(&override_dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let shown = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    sources.retain(|(n, _, _)| *n != name);
                    sources.push((name, text, shown));
                }
                Err(e) => problems.push(Diagnostic::error(shown, 0, 0, format!("cannot read template: {e}"))),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    tera.add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str()))).map_err(|e| {
        // tera names the failing template in quotes; point the diagnostic at that file.
        let chain = error_chain(&e);
        let culprit =
            sources.iter().find(|(n, _, _)| chain.contains(&format!("'{n}'")) || chain.contains(&format!("\"{n}\"")));
        let (line, col, msg) = template_error_location(&e);
        match culprit {
            Some((_, text, shown)) => {
                vec![Diagnostic::error(shown, line, col, format!("template error: {msg}")).with_source(text)]
            }
            None => vec![Diagnostic::error("themes", 0, 0, format!("template error: {}", chain.replace('\n', ": ")))],
        }
    })?;
    tera.set_escape_fn(escape_html);
    tera.register_filter("slugify", |v: &tera::Value, _: &HashMap<String, tera::Value>| {
        Ok(tera::Value::String(crate::content::page::slugify(v.as_str().unwrap_or_default())))
    });
    Ok(tera)
}

/// Escapes the five characters that matter in HTML text and attributes (tera's default also escapes `/`).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

/// Pulls "--> line:col" out of a tera parse error.
fn template_error_location(e: &tera::Error) -> (usize, usize, String) {
    let chain = error_chain(e);
    let loc = chain.split("--> ").nth(1).and_then(|rest| {
        let mut it = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
        Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
    });
    let (line, col) = loc.unwrap_or((0, 0));
    let msg = chain.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    (line, col, if msg.is_empty() { chain } else { msg })
}

/// A tera error with its causes, one per line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push('\n');
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// Static files by output path.
pub type Assets = BTreeMap<String, Vec<u8>>;

/// The static assets: the default theme's, then the site theme's, then the site's `static/`.
/// Symbolic links are followed inside the site root (outside only with `allow_outside`).
pub fn static_assets(
    root: &Path,
    theme: &str,
    allow_outside: bool,
) -> Result<(Assets, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut out = BTreeMap::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        collect_embedded(dir, &mut out);
    }
    let mut problems = Vec::new();
    for dir in [root.join("themes").join(theme).join("static"), root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        let (files, found) = crate::content::discover::walk_files(root, &dir, allow_outside, |_| true);
        problems.extend(found);
        for path in files {
            let rel = path.strip_prefix(&dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            match std::fs::read(&path) {
                Ok(bytes) => {
                    out.insert(rel, bytes);
                }
                Err(err) => problems.push(Diagnostic::error(&path, 0, 0, format!("cannot read: {err}"))),
            }
        }
    }
    if problems.iter().any(Diagnostic::is_error) {
        Err(problems)
    } else {
        Ok((out, problems))
    }
}

fn collect_embedded(dir: &Dir, out: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        let rel = f.path().strip_prefix("static").unwrap_or(f.path()).to_string_lossy().replace('\\', "/");
        out.insert(rel, f.contents().to_vec());
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// A link to a page as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    pub title: String,
    pub href: String,
    pub summary: String,
    pub kind: String,
    pub kind_label: String,
}

#[derive(Serialize)]
struct NavItem {
    label: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct Group {
    label: String,
    pages: Vec<PageRef>,
}

#[derive(Serialize)]
struct RelationView {
    label: String,
    pages: Vec<PageRef>,
}

#[derive(Serialize)]
struct CourseNav {
    course: PageRef,
    position: usize,
    total: usize,
    prev: Option<PageRef>,
    next: Option<PageRef>,
}

/// Links between the numbered pages of a long list.
#[derive(Debug, Clone, Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

/// Link path of page `n` of a list whose first page is `first`.
fn nth_page_path(first: &str, n: usize) -> String {
    if n == 1 {
        first.to_string()
    } else if let Some(dir) = first.strip_suffix("index.html") {
        format!("{dir}page-{n}.html")
    } else if first.ends_with('/') {
        format!("{first}page-{n}/")
    } else {
        format!("{}-page-{n}.html", first.strip_suffix(".html").unwrap_or(first))
    }
}

#[derive(Serialize)]
struct TagRef {
    name: String,
    href: String,
    count: usize,
}

/// Where the kind index, tag pages and other generated pages live.
pub fn kind_index_path(site: &Site, kind: &str) -> String {
    let folder = site.config.kind(kind).map(|k| k.folder.trim_matches('/').to_string()).unwrap_or_default();
    let folder = if folder.is_empty() { format!("{kind}s") } else { folder };
    site.link_path(&format!("{folder}/index.html"))
}

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
    jobs.extend(site.extra_pages.iter().cloned().map(Job::Extra));
    jobs
}

/// Renders everything.
pub fn render_site(site: &Site, tera: &Tera) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render_jobs(site, tera, &all_jobs(site))
}

/// Renders the given jobs in parallel; every failure is collected.
pub fn render_jobs(site: &Site, tera: &Tera, jobs: &[Job]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let r = Renderer::new(site, tera);
    let results: Vec<Result<Vec<OutputFile>, Diagnostic>> = jobs.par_iter().map(|j| r.render(j)).collect();
    let mut files = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for res in results {
        match res {
            Ok(f) => files.extend(f),
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// Generated pages that another stage asks for (search and quiz pages): template, output path, title.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraPage {
    pub template: String,
    pub path: String,
    pub title: String,
    pub extra: serde_json::Value,
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
    Extra(ExtraPage),
}

struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    /// Pages per kind (the home page not counted), computed once: the nav of every page needs it.
    kind_counts: HashMap<&'a str, usize>,
    tags: BTreeMap<String, Vec<usize>>,
    courses: HashMap<usize, Vec<(usize, usize)>>,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, tera: &'a Tera) -> Self {
        let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in site.pages.iter().enumerate() {
            for t in &p.tags {
                tags.entry(t.clone()).or_default().push(i);
            }
        }
        // page -> [(course page, position in it)]
        let mut courses: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        for (c, rels) in site.graph.relations.iter().enumerate() {
            for rel in rels.iter().filter(|r| r.ordered) {
                for (pos, &m) in rel.targets.iter().enumerate() {
                    courses.entry(m).or_default().push((c, pos));
                }
            }
        }
        let mut kind_counts: HashMap<&str, usize> = HashMap::new();
        for p in site.pages.iter().filter(|p| !p.is_home()) {
            *kind_counts.entry(p.kind.as_str()).or_default() += 1;
        }
        Renderer { site, tera, kind_counts, tags, courses }
    }

    fn page_ref(&self, from: &str, i: usize) -> PageRef {
        let p = &self.site.pages[i];
        PageRef {
            title: p.title.clone(),
            href: relative(from, &p.href),
            summary: p.summary.clone(),
            kind: p.kind.clone(),
            kind_label: self.site.kind_label(&p.kind),
        }
    }

    fn sorted(&self, mut v: Vec<usize>) -> Vec<usize> {
        let pages = &self.site.pages;
        v.sort_by(|&a, &b| (pages[a].weight, &pages[a].title).cmp(&(pages[b].weight, &pages[b].title)));
        v
    }

    /// Context every template gets: site, root prefix, navigation, search and quiz switches.
    fn base_context(&self, out_path: &str, title: &str, current_kind: Option<&str>) -> Context {
        let site = self.site;
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &serde_json::json!({
                "title": site.config.title,
                "description": site.config.description,
                "language": site.config.language,
                "search": site.config.search.enabled,
            }),
        );
        ctx.insert("root", &root_prefix(out_path));
        ctx.insert("home", &relative(out_path, &site.link_path("index.html")));
        ctx.insert("out_path", out_path);
        ctx.insert("title", title);
        let nav: Vec<NavItem> = site
            .config
            .kinds
            .keys()
            .filter(|k| *k != "page" && self.kind_counts.contains_key(k.as_str()))
            .map(|k| NavItem {
                label: site.config.kinds[k].plural(k),
                href: relative(out_path, &kind_index_path(site, k)),
                current: current_kind == Some(k.as_str()),
            })
            .collect();
        ctx.insert("nav", &nav);
        ctx.insert(
            "links",
            &serde_json::json!({
                "search": relative(out_path, &site.link_path("search.html")),
                "quiz": relative(out_path, &site.link_path("quiz/index.html")),
                "review": relative(out_path, &site.link_path("quiz/review.html")),
                "progress": relative(out_path, &site.link_path("quiz/progress.html")),
                "tags": relative(out_path, &site.link_path("tags/index.html")),
            }),
        );
        ctx.insert("has_quizzes", &site.has_quizzes());
        ctx
    }

    fn render(&self, job: &Job) -> Result<Vec<OutputFile>, Diagnostic> {
        let one = match job {
            Job::Sitemap => {
                return Ok(vec![OutputFile { path: "sitemap.xml".into(), bytes: self.sitemap().into_bytes() }])
            }
            Job::Kind(k) => return self.kind_jobs(k).into_iter().map(|(p, t, c)| self.fill(p, &t, &c)).collect(),
            Job::Tag(t) => return self.tag_jobs(t).into_iter().map(|(p, t, c)| self.fill(p, &t, &c)).collect(),
            Job::Page(i) => self.page_job(*i),
            Job::Tags => self.tags_job(),
            Job::Home => {
                let path = "index.html".to_string();
                let mut ctx = self.base_context(&path, &self.site.config.title, None);
                self.home_extras(&path, &mut ctx);
                (path, "home.html".to_string(), ctx)
            }
            Job::NotFound => {
                let path = "404.html".to_string();
                let ctx = self.base_context(&path, "Page not found", None);
                (path, "404.html".to_string(), ctx)
            }
            Job::Extra(e) => {
                let mut ctx = self.base_context(&e.path, &e.title, None);
                ctx.insert("extra", &e.extra);
                (e.path.clone(), e.template.clone(), ctx)
            }
        };
        let (path, template, ctx) = one;
        Ok(vec![self.fill(path, &template, &ctx)?])
    }

    /// Renders one template into the file at `path`.
    fn fill(&self, path: String, template: &str, ctx: &Context) -> Result<OutputFile, Diagnostic> {
        let html = self.tera.render(template, ctx).map_err(|e| {
            Diagnostic::error(
                format!("themes/{}/templates/{template}", self.site.config.theme),
                0,
                0,
                format!("cannot render {path}: {}", error_chain(&e).replace('\n', ": ")),
            )
        })?;
        Ok(OutputFile { path, bytes: html.into_bytes() })
    }

    fn page_job(&self, i: usize) -> (String, String, Context) {
        let site = self.site;
        let page = &site.pages[i];
        let path = page.out_path.clone();
        let kind_cfg = site.config.kind(&page.kind);
        let mut ctx = self.base_context(&path, &page.title, Some(&page.kind));
        let links = site.graph.rendered_links(&site.pages, i);
        let content = markdown::render(&page.text, page.body_start, &links, site.config.markdown.raw_html);
        let rel_views = |list: &[crate::links::Relation]| -> Vec<RelationView> {
            list.iter()
                .filter(|r| !r.targets.is_empty())
                .map(|r| {
                    let targets = if r.ordered { r.targets.clone() } else { self.sorted(r.targets.clone()) };
                    RelationView {
                        label: r.label.clone(),
                        pages: targets.iter().map(|&t| self.page_ref(&path, t)).collect(),
                    }
                })
                .collect()
        };
        let relations = rel_views(&site.graph.relations[i]);
        let reverse: Vec<RelationView> = site.graph.reverse[i]
            .iter()
            .map(|(label, v)| RelationView {
                label: label.clone(),
                pages: self.sorted(v.clone()).into_iter().map(|t| self.page_ref(&path, t)).collect(),
            })
            .collect();
        let course_nav: Vec<CourseNav> = self
            .courses
            .get(&i)
            .map(|v| {
                v.iter()
                    .map(|&(c, pos)| {
                        let modules = &site.graph.relations[c]
                            .iter()
                            .find(|r| r.ordered)
                            .map(|r| r.targets.clone())
                            .unwrap_or_default();
                        CourseNav {
                            course: self.page_ref(&path, c),
                            position: pos + 1,
                            total: modules.len(),
                            prev: pos.checked_sub(1).map(|p| self.page_ref(&path, modules[p])),
                            next: modules.get(pos + 1).map(|&n| self.page_ref(&path, n)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut meta: Vec<(String, String)> = Vec::new();
        if let Some(k) = kind_cfg {
            for (name, fc) in &k.fields {
                if let Some(vals) = page.fields.get(name).filter(|v| !v.is_empty()) {
                    let shown: Vec<String> = vals.iter().map(|v| fc.label_of(v)).collect();
                    meta.push((crate::config::capitalize(name), shown.join(", ")));
                }
            }
        }
        let mut crumbs =
            vec![serde_json::json!({"title": "Home", "href": relative(&path, &site.link_path("index.html"))})];
        if page.kind != "page" {
            crumbs.push(serde_json::json!({
                "title": site.kind_plural(&page.kind),
                "href": relative(&path, &kind_index_path(site, &page.kind)),
            }));
        }
        let tags: Vec<TagRef> = page
            .tags
            .iter()
            .map(|t| TagRef { name: t.clone(), href: relative(&path, &self.tag_path(t)), count: 0 })
            .collect();
        let toc: Vec<&markdown::Heading> = page.doc.headings.iter().filter(|h| h.level == 2 || h.level == 3).collect();
        ctx.insert("page", &serde_json::json!({
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "kind": page.kind,
            "kind_label": site.kind_label(&page.kind),
            "content": content,
            "toc": toc,
            "meta": meta,
            "tags": tags,
            "updated": page.updated,
            "sources": page.sources,
            "relations": relations,
            "reverse": reverse,
            "related": self.sorted(site.graph.related[i].clone()).into_iter().map(|t| self.page_ref(&path, t)).collect::<Vec<_>>(),
            "backlinks": self.sorted(site.graph.backlinks[i].clone()).into_iter().map(|t| self.page_ref(&path, t)).collect::<Vec<_>>(),
            "courses": course_nav,
            "reading_minutes": page.doc.words.div_ceil(200).max(1),
            "is_home": page.is_home(),
        }));
        ctx.insert("breadcrumbs", &crumbs);
        for (key, value) in site.page_extras(i, &path) {
            ctx.insert(key, &value);
        }
        let template = if page.is_home() {
            self.home_extras(&path, &mut ctx);
            "home.html".to_string()
        } else {
            kind_cfg.and_then(|k| k.template.clone()).unwrap_or_else(|| {
                if page.kind == "course" {
                    "course.html".into()
                } else {
                    "page.html".into()
                }
            })
        };
        (path, template, ctx)
    }

    fn home_extras(&self, path: &str, ctx: &mut Context) {
        let site = self.site;
        let kinds: Vec<serde_json::Value> = site
            .config
            .kinds
            .iter()
            .filter_map(|(k, kc)| {
                let count = self.kind_counts.get(k.as_str()).copied().unwrap_or(0);
                (count > 0).then(|| {
                    serde_json::json!({
                        "label": kc.plural(k),
                        "intro": kc.intro,
                        "count": count,
                        "href": relative(path, &kind_index_path(site, k)),
                    })
                })
            })
            .collect();
        let courses: Vec<PageRef> = self
            .sorted((0..site.pages.len()).filter(|&i| site.pages[i].kind == "course").collect())
            .into_iter()
            .map(|i| self.page_ref(path, i))
            .collect();
        ctx.insert("kinds", &kinds);
        ctx.insert("courses", &courses);
        ctx.insert("question_count", &site.question_count());
    }

    /// A kind's index, split into numbered pages when it is long; entries keep their groups.
    fn kind_jobs(&self, kind: &str) -> Vec<(String, String, Context)> {
        let site = self.site;
        let kc = &site.config.kinds[kind];
        let first = kind_index_path(site, kind);
        let members: Vec<usize> =
            (0..site.pages.len()).filter(|&i| site.pages[i].kind == kind && !site.pages[i].is_home()).collect();
        let entries: Vec<(String, usize)> = self
            .group(kind, members)
            .into_iter()
            .flat_map(|(label, v)| v.into_iter().map(move |i| (label.clone(), i)))
            .collect();
        self.paginate(&entries, &first)
            .into_iter()
            .map(|(path, chunk, pagination)| {
                let title = match &pagination {
                    Some(p) => format!("{} (page {} of {})", kc.plural(kind), p.current, p.total),
                    None => kc.plural(kind),
                };
                let mut ctx = self.base_context(&path, &title, Some(kind));
                let mut groups: Vec<Group> = Vec::new();
                for (label, i) in chunk {
                    let r = self.page_ref(&path, i);
                    match groups.last_mut() {
                        Some(g) if g.label == label => g.pages.push(r),
                        _ => groups.push(Group { label, pages: vec![r] }),
                    }
                }
                ctx.insert(
                    "kind",
                    &serde_json::json!({"name": kind, "label": kc.label(kind), "plural": kc.plural(kind), "intro": kc.intro}),
                );
                ctx.insert("groups", &groups);
                ctx.insert("pagination", &pagination);
                ctx.insert(
                    "breadcrumbs",
                    &[serde_json::json!({"title": "Home", "href": relative(&path, &site.link_path("index.html"))})],
                );
                (self.file_of(&path), "kind.html".to_string(), ctx)
            })
            .collect()
    }

    /// Splits `items` into pages of `list_page_size`: (link path, items, pagination when split).
    fn paginate<T: Clone>(&self, items: &[T], first: &str) -> Vec<(String, Vec<T>, Option<Pagination>)> {
        let size = self.site.config.list_page_size;
        if size == 0 || items.len() <= size {
            return vec![(first.to_string(), items.to_vec(), None)];
        }
        let chunks: Vec<&[T]> = items.chunks(size).collect();
        let total = chunks.len();
        let paths: Vec<String> = (1..=total).map(|n| nth_page_path(first, n)).collect();
        chunks
            .into_iter()
            .enumerate()
            .map(|(k, chunk)| {
                let here = &paths[k];
                let href = |n: usize| relative(here, &paths[n]);
                let pagination = Pagination {
                    current: k + 1,
                    total,
                    prev: k.checked_sub(1).map(href),
                    next: (k + 1 < total).then(|| href(k + 1)),
                    pages: (0..total).map(|n| PageLink { number: n + 1, href: href(n), current: n == k }).collect(),
                };
                (here.clone(), chunk.to_vec(), Some(pagination))
            })
            .collect()
    }

    /// Groups a kind's pages by its `group_by` field (in declared value order) or relation;
    /// each group sorted by weight and title.
    fn group(&self, kind: &str, members: Vec<usize>) -> Vec<(String, Vec<usize>)> {
        let site = self.site;
        let kc = &site.config.kinds[kind];
        let Some(by) = &kc.group_by else {
            return vec![(String::new(), self.sorted(members))];
        };
        let mut groups: Vec<(String, String, Vec<usize>)> = Vec::new();
        let mut add = |key: String, label: String, i: usize| match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.2.push(i),
            None => groups.push((key, label, vec![i])),
        };
        for &i in &members {
            let page = &site.pages[i];
            if let Some(fc) = kc.fields.get(by) {
                let vals = page.fields.get(by).cloned().unwrap_or_default();
                if vals.is_empty() {
                    add("~".into(), "Other".into(), i);
                }
                for v in vals {
                    add(v.clone(), fc.label_of(&v), i);
                }
            } else if let Some(rel) = site.graph.relations[i].iter().find(|r| &r.field == by) {
                if rel.targets.is_empty() {
                    add("~".into(), "Other".into(), i);
                }
                for &t in &rel.targets {
                    add(site.pages[t].title.clone(), site.pages[t].title.clone(), i);
                }
            }
        }
        let order = kc.fields.get(by).and_then(|f| f.values.clone()).unwrap_or_default();
        groups.sort_by_key(|g| (order.iter().position(|v| *v == g.0).unwrap_or(usize::MAX), g.0.clone()));
        groups.into_iter().map(|(_, label, v)| (label, self.sorted(v))).collect()
    }

    fn tag_path(&self, tag: &str) -> String {
        self.site.link_path(&format!("tags/{}.html", crate::content::page::slugify(tag)))
    }

    fn tags_job(&self) -> (String, String, Context) {
        let path = self.site.link_path("tags/index.html");
        let mut ctx = self.base_context(&path, "Tags", None);
        let tags: Vec<TagRef> = self
            .tags
            .iter()
            .map(|(t, v)| TagRef { name: t.clone(), href: relative(&path, &self.tag_path(t)), count: v.len() })
            .collect();
        ctx.insert("tags", &tags);
        ctx.insert(
            "breadcrumbs",
            &[serde_json::json!({"title": "Home", "href": relative(&path, &self.site.link_path("index.html"))})],
        );
        (self.file_of(&path), "tags.html".into(), ctx)
    }

    /// One tag's pages, split into numbered pages when long.
    fn tag_jobs(&self, tag: &str) -> Vec<(String, String, Context)> {
        let members = self.sorted(self.tags.get(tag).cloned().unwrap_or_default());
        self.paginate(&members, &self.tag_path(tag))
            .into_iter()
            .map(|(path, chunk, pagination)| {
                let title = match &pagination {
                    Some(p) => format!("Tagged “{tag}” (page {} of {})", p.current, p.total),
                    None => format!("Tagged “{tag}”"),
                };
                let mut ctx = self.base_context(&path, &title, None);
                let pages: Vec<PageRef> = chunk.into_iter().map(|i| self.page_ref(&path, i)).collect();
                ctx.insert("tag", tag);
                ctx.insert("pages", &pages);
                ctx.insert("pagination", &pagination);
                ctx.insert(
                    "breadcrumbs",
                    &[
                        serde_json::json!({"title": "Home", "href": relative(&path, &self.site.link_path("index.html"))}),
                        serde_json::json!({"title": "Tags", "href": relative(&path, &self.site.link_path("tags/index.html"))}),
                    ],
                );
                (self.file_of(&path), "tag.html".to_string(), ctx)
            })
            .collect()
    }

    /// With pretty URLs, a link path `x/` is written as `x/index.html`.
    fn file_of(&self, link: &str) -> String {
        if link.ends_with('/') {
            format!("{link}index.html")
        } else {
            link.to_string()
        }
    }

    fn sitemap(&self) -> String {
        let base = self.site.config.base_url.trim_end_matches('/');
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for p in &self.site.pages {
            let loc = if base.is_empty() { p.href.clone() } else { format!("{base}/{}", p.href) };
            out.push_str("  <url><loc>");
            out.push_str(&escape_html(&loc));
            out.push_str("</loc>");
            if let Some(u) = &p.updated {
                out.push_str("<lastmod>");
                out.push_str(u);
                out.push_str("</lastmod>");
            }
            out.push_str("</url>\n");
        }
        out.push_str("</urlset>\n");
        out
    }
}
