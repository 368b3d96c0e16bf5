//! A content page: its body with links resolved, metadata, relations both ways, backlinks,
//! course navigation, table of contents and quiz section.

use serde::Serialize;
use tera::Context;

use super::course::course_nav;
use super::extra::home_extras;
use super::renderer::{kind_index_path, PageRef, Renderer, TagRef};
use crate::assets;
use crate::citations;
use crate::diagnostics::Diagnostic;
use crate::links::relative;
use crate::markdown;
use crate::model::config::capitalize;
use crate::model::doc::Heading;
use crate::model::graph::Relation;
use crate::quiz;

#[derive(Serialize)]
struct RelationView {
    label: String,
    /// An ordered list (a course's modules): the course template lists it in full.
    ordered: bool,
    pages: Vec<PageRef>,
}

/// Backlinks of one kind, for "Referenced by" grouped by kind.
#[derive(Serialize)]
struct BacklinkGroup {
    label: String,
    pages: Vec<PageRef>,
}

/// Groups `pages` (already in display order) by kind, the groups in the order kinds are declared.
fn group_by_kind(r: &Renderer, pages: Vec<PageRef>) -> Vec<BacklinkGroup> {
    let order: Vec<&String> = r.site.config.kinds.keys().collect();
    let mut groups: Vec<(usize, String, BacklinkGroup)> = Vec::new();
    for p in pages {
        match groups.iter_mut().find(|g| g.1 == p.kind) {
            Some(g) => g.2.pages.push(p),
            None => {
                let rank = order.iter().position(|k| **k == p.kind).unwrap_or(usize::MAX);
                let label = r.site.kind_plural(&p.kind);
                groups.push((rank, p.kind.clone(), BacklinkGroup { label, pages: vec![p] }));
            }
        }
    }
    groups.sort_by_key(|g| g.0);
    groups.into_iter().map(|g| g.2).collect()
}

/// Home, then the page's kind index; a lesson (a page of a kind made only of course modules) or a
/// plain page that is a module has its trail through its first course instead.
fn breadcrumbs(r: &Renderer, i: usize, path: &str) -> Vec<serde_json::Value> {
    let site = r.site;
    let page = &site.pages[i];
    let mut crumbs = vec![serde_json::json!({"title": "Home", "href": relative(path, &site.link_path("index.html"))})];
    let courses = r.index.courses.get(&i).map(Vec::as_slice).unwrap_or_default();
    let through_course = page.kind == "page" || r.index.course_kinds.contains(page.kind.as_str());
    if let Some(&(c, _)) = courses.first().filter(|_| through_course) {
        let course = &site.pages[c];
        crumbs.push(serde_json::json!({
            "title": site.kind_plural(&course.kind),
            "href": relative(path, &kind_index_path(site, &course.kind)),
        }));
        crumbs.push(serde_json::json!({"title": course.title, "href": relative(path, &course.href)}));
    } else if page.kind != "page" {
        crumbs.push(serde_json::json!({
            "title": site.kind_plural(&page.kind),
            "href": relative(path, &kind_index_path(site, &page.kind)),
        }));
    }
    crumbs
}

/// The page at index `i`: (output file, template, context), or why its text could not be read.
pub(super) fn page_job(r: &Renderer, i: usize) -> Result<(String, String, Context), Diagnostic> {
    let site = r.site;
    let page = &site.pages[i];
    let path = page.out_path.clone();
    let kind_cfg = site.config.kind(&page.kind);
    let mut ctx = r.base_context(&path, &page.title, Some(&page.kind));
    let mut links = site.graph.rendered_links(&site.pages, i);
    links.extend(assets::rendered(page));
    let cites = citations::CiteLinker::new(&site.citations, &path);
    let cites = cites.as_ref().map(|c| c as &dyn markdown::Splice);
    let terms = r.index.glossary.for_page(site, i, &path);
    let terms = terms.as_ref().map(|t| t as &dyn markdown::Annotate);
    let raw_html = site.config.markdown.raw_html;
    let content = markdown::render_cited(&page.text()?, page.body_start, &links, cites, terms, raw_html);
    let rel_views = |list: &[Relation]| -> Vec<RelationView> {
        list.iter()
            .filter(|rel| !rel.targets.is_empty())
            .map(|rel| {
                let targets = if rel.ordered { rel.targets.clone() } else { r.sorted(rel.targets.clone()) };
                RelationView {
                    label: rel.label.clone(),
                    ordered: rel.ordered,
                    pages: targets.iter().map(|&t| r.page_ref(&path, t)).collect(),
                }
            })
            .collect()
    };
    let relations = rel_views(&site.graph.relations[i]);
    let reverse: Vec<RelationView> = site.graph.reverse[i]
        .iter()
        .map(|(label, v)| RelationView {
            label: label.clone(),
            ordered: false,
            pages: r.sorted(v.clone()).into_iter().map(|t| r.page_ref(&path, t)).collect(),
        })
        .collect();
    let course_nav = course_nav(r, i, &path);
    let mut meta: Vec<(String, String)> = Vec::new();
    if let Some(k) = kind_cfg {
        for (name, fc) in &k.fields {
            if let Some(vals) = page.fields.get(name).filter(|v| !v.is_empty()) {
                let shown: Vec<String> = vals.iter().map(|v| fc.label_of(v)).collect();
                meta.push((capitalize(name), shown.join(", ")));
            }
        }
    }
    let crumbs = breadcrumbs(r, i, &path);
    let backlinks = r.sorted(site.graph.backlinks[i].clone()).into_iter().map(|t| r.page_ref(&path, t)).collect();
    let tags: Vec<TagRef> =
        page.tags.iter().map(|t| TagRef { name: t.clone(), href: relative(&path, &r.tag_path(t)), count: 0 }).collect();
    let toc: Vec<&Heading> = page.doc.headings.iter().filter(|h| h.level == 2 || h.level == 3).collect();
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
        "related": r.sorted(site.graph.related[i].clone()).into_iter().map(|t| r.page_ref(&path, t)).collect::<Vec<_>>(),
        "backlinks": group_by_kind(r, backlinks),
        "courses": course_nav,
        "reading_minutes": page.doc.words.div_ceil(200).max(1),
        "is_home": page.is_home(),
    }));
    ctx.insert("breadcrumbs", &crumbs);
    if let Some(n) = crate::concept_map::neighbourhood_svg(site, &r.index.concepts, i, &path) {
        ctx.insert("neighbourhood", &n);
    }
    if let Some(quiz) = quiz::page_context(site, i, &path) {
        ctx.insert("quiz", &quiz);
    }
    if let Some(references) = citations::view::page_references(&site.citations, i, &path) {
        ctx.insert("references", &references);
    }
    let template = if page.is_home() {
        home_extras(r, &path, &mut ctx);
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
    Ok((path, template, ctx))
}
