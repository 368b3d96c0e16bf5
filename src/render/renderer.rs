//! What every renderer shares: the site and templates, per-site lookups computed once, page
//! references, and the context every template gets.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use tera::{Context, Tera};

use super::sidebar;
use crate::concept_map::ConceptGraph;
use crate::diagnostics::Diagnostic;
use crate::glossary::Glossary;
use crate::links::{relative, root_prefix};
use crate::model::output::OutputFile;
use crate::model::site::Site;
use crate::model::slug::slugify;

/// A link to a page as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    pub title: String,
    /// The page's slug (course module links carry it as `data-progress-slug`).
    pub slug: String,
    pub href: String,
    pub summary: String,
    pub kind: String,
    pub kind_label: String,
}

#[derive(Serialize)]
pub struct NavItem {
    label: String,
    href: String,
    /// The page shown is of this kind.
    current: bool,
    /// The page shown is this kind's index.
    here: bool,
}

#[derive(Serialize)]
pub struct TagRef {
    pub name: String,
    pub href: String,
    pub count: usize,
}

/// Pages that list modules in order (courses), in site order.
fn courses_of(site: &Site) -> Vec<usize> {
    (0..site.pages.len())
        .filter(|&i| site.graph.relations[i].iter().any(|rel| rel.ordered && !rel.targets.is_empty()))
        .collect()
}

/// Where the kind index, tag pages and other generated pages live.
pub fn kind_index_path(site: &Site, kind: &str) -> String {
    let folder = site.config.kind(kind).map(|k| k.folder.trim_matches('/').to_string()).unwrap_or_default();
    let folder = if folder.is_empty() { format!("{kind}s") } else { folder };
    site.link_path(&format!("{folder}/index.html"))
}

/// What many pages need from the whole site, computed once per build. serve keeps it across
/// edits of body text alone, which cannot change it (at 100k pages it takes tens of ms).
pub struct SiteIndex {
    /// Pages per kind (the home page not counted): the nav of every page needs it.
    pub kind_counts: HashMap<String, usize>,
    /// Per page: (course page, position in it) for each course listing it as a module.
    pub courses: HashMap<usize, Vec<(usize, usize)>>,
    /// Glossary terms, for entry anchors and term links in page bodies.
    pub glossary: Glossary,
    /// The concept graph, for each concept page's neighbourhood map.
    pub concepts: ConceptGraph,
    /// Course pages in weight and title order, for the sidebar's outlines.
    pub course_pages: Vec<usize>,
    /// Pages of each kind small enough to list in the sidebar, in weight and title order.
    pub kind_members: HashMap<String, Vec<usize>>,
    /// Kinds whose every page is a course module (lessons): their breadcrumb runs through the course.
    pub course_kinds: HashSet<String>,
}

impl SiteIndex {
    /// Indexes course modules, kinds, the glossary and the concept graph of `site`.
    pub fn new(site: &Site) -> SiteIndex {
        // page -> [(course page, position in it)]
        let mut courses: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        for (c, rels) in site.graph.relations.iter().enumerate() {
            for rel in rels.iter().filter(|r| r.ordered) {
                for (pos, &m) in rel.targets.iter().enumerate() {
                    courses.entry(m).or_default().push((c, pos));
                }
            }
        }
        let mut kind_counts: HashMap<String, usize> = HashMap::new();
        for p in site.pages.iter().filter(|p| !p.is_home()) {
            *kind_counts.entry(p.kind.clone()).or_default() += 1;
        }
        let mut course_kinds: HashSet<String> = kind_counts.keys().cloned().collect();
        for (i, p) in site.pages.iter().enumerate().filter(|(_, p)| !p.is_home()) {
            if !courses.contains_key(&i) {
                course_kinds.remove(p.kind.as_str());
            }
        }
        let mut kind_members = HashMap::new();
        for (kind, &count) in &kind_counts {
            if count <= sidebar::SIDEBAR_KIND_LIMIT {
                let members =
                    (0..site.pages.len()).filter(|&i| site.pages[i].kind == *kind && !site.pages[i].is_home());
                kind_members.insert(kind.clone(), sorted(site, members.collect()));
            }
        }
        SiteIndex {
            kind_counts,
            courses,
            glossary: Glossary::new(site),
            concepts: ConceptGraph::new(site),
            course_pages: sorted(site, courses_of(site)),
            kind_members,
            course_kinds,
        }
    }
}

/// Page indices sorted by weight, then title.
fn sorted(site: &Site, mut v: Vec<usize>) -> Vec<usize> {
    let pages = &site.pages;
    v.sort_by(|&a, &b| (pages[a].weight, &pages[a].title).cmp(&(pages[b].weight, &pages[b].title)));
    v
}

/// The site being rendered, with what many pages need computed once.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub tera: &'a Tera,
    /// The site-wide lookups (shared, so serve can keep them between edits).
    pub index: Arc<SiteIndex>,
    /// Pages per tag, indexed on first use: only tag pages need it, and serve re-renders a
    /// page or two at a time.
    tags: std::sync::OnceLock<BTreeMap<&'a str, Vec<usize>>>,
}

impl<'a> Renderer<'a> {
    /// A renderer of `site` with its lookups computed now.
    pub fn new(site: &'a Site, tera: &'a Tera) -> Self {
        Renderer::with_index(site, tera, Arc::new(SiteIndex::new(site)))
    }

    /// A renderer of `site` with lookups computed before (they must match `site`).
    pub fn with_index(site: &'a Site, tera: &'a Tera, index: Arc<SiteIndex>) -> Self {
        Renderer { site, tera, index, tags: Default::default() }
    }

    /// Pages per tag, in tag order.
    pub fn tags(&self) -> &BTreeMap<&'a str, Vec<usize>> {
        self.tags.get_or_init(|| {
            let mut tags: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, p) in self.site.pages.iter().enumerate() {
                for t in &p.tags {
                    tags.entry(t.as_str()).or_default().push(i);
                }
            }
            tags
        })
    }

    /// Page `i` as a link from the file at `from`.
    pub fn page_ref(&self, from: &str, i: usize) -> PageRef {
        let p = &self.site.pages[i];
        PageRef {
            title: p.title.clone(),
            slug: p.slug.clone(),
            href: relative(from, &p.href),
            summary: p.summary.clone(),
            kind: p.kind.clone(),
            kind_label: self.site.kind_label(&p.kind),
        }
    }

    /// Page indices sorted by weight, then title.
    pub fn sorted(&self, v: Vec<usize>) -> Vec<usize> {
        sorted(self.site, v)
    }

    /// Context every template gets: site, root prefix, navigation, search and quiz switches.
    pub fn base_context(&self, out_path: &str, title: &str, current_kind: Option<&str>) -> Context {
        let site = self.site;
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &serde_json::json!({
                "title": site.config.title,
                "description": site.config.description,
                "language": site.config.language,
                "search": site.config.search.enabled,
                "references": site.citations.enabled,
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
            .filter(|k| *k != "page" && self.index.kind_counts.contains_key(k.as_str()))
            .map(|k| {
                let index = kind_index_path(site, k);
                NavItem {
                    label: site.config.kinds[k].plural(k),
                    here: self.file_of(&index) == out_path,
                    href: relative(out_path, &index),
                    current: current_kind == Some(k.as_str()),
                }
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
                "references": relative(out_path, crate::citations::REFERENCES_PAGE),
                "map": (!self.index.concepts.is_empty()).then(|| relative(out_path, crate::concept_map::MAP_PAGE)),
            }),
        );
        ctx.insert("has_quizzes", &site.has_quizzes());
        ctx.insert(
            "sidebar",
            &sidebar::sidebar(self.site, &self.index.course_pages, &self.index.kind_members, out_path, current_kind),
        );
        ctx
    }

    /// Renders one template into the file at `path`.
    pub fn fill(&self, path: String, template: &str, ctx: &Context) -> Result<OutputFile, Diagnostic> {
        let html = self.tera.render(template, ctx).map_err(|e| {
            super::template_error::diagnose(&self.site.root, &self.site.config.theme, template, &e, ctx)
        })?;
        Ok(OutputFile { path, bytes: html.into_bytes() })
    }

    /// Link path of a tag's page.
    pub fn tag_path(&self, tag: &str) -> String {
        self.site.link_path(&format!("tags/{}.html", slugify(tag)))
    }

    /// With pretty URLs, a link path `x/` is written as `x/index.html`.
    pub fn file_of(&self, link: &str) -> String {
        if link.ends_with('/') {
            format!("{link}index.html")
        } else {
            link.to_string()
        }
    }
}
