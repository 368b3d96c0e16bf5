//! A content page: its body with links resolved, metadata, relations both ways, backlinks,
//! course navigation, table of contents and quiz section.

use serde::Serialize;
use tera::Context;

use super::course::course_nav;
use super::extra::home_extras;
use super::renderer::{kind_index_path, PageRef, Renderer, TagRef};
use crate::assets;
use crate::citations;
use crate::links::relative;
use crate::markdown;
use crate::model::config::capitalize;
use crate::model::doc::Heading;
use crate::model::graph::Relation;
use crate::quiz;

#[derive(Serialize)]
struct RelationView {
    label: String,
    pages: Vec<PageRef>,
}

/// The page at index `i`: (output file, template, context).
pub(super) fn page_job(r: &Renderer, i: usize) -> (String, String, Context) {
    let site = r.site;
    let page = &site.pages[i];
    let path = page.out_path.clone();
    let kind_cfg = site.config.kind(&page.kind);
    let mut ctx = r.base_context(&path, &page.title, Some(&page.kind));
    let mut links = site.graph.rendered_links(&site.pages, i);
    links.extend(assets::rendered(page));
    let cites = citations::CiteLinker::new(&site.citations, &path);
    let cites = cites.as_ref().map(|c| c as &dyn markdown::Splice);
    let terms = r.glossary.for_page(site, i, &path);
    let terms = terms.as_ref().map(|t| t as &dyn markdown::Annotate);
    let raw_html = site.config.markdown.raw_html;
    let content = markdown::render_cited(&page.text, page.body_start, &links, cites, terms, raw_html);
    let rel_views = |list: &[Relation]| -> Vec<RelationView> {
        list.iter()
            .filter(|rel| !rel.targets.is_empty())
            .map(|rel| {
                let targets = if rel.ordered { rel.targets.clone() } else { r.sorted(rel.targets.clone()) };
                RelationView {
                    label: rel.label.clone(),
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
    let mut crumbs = vec![serde_json::json!({"title": "Home", "href": relative(&path, &site.link_path("index.html"))})];
    if page.kind != "page" {
        crumbs.push(serde_json::json!({
            "title": site.kind_plural(&page.kind),
            "href": relative(&path, &kind_index_path(site, &page.kind)),
        }));
    }
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
        "backlinks": r.sorted(site.graph.backlinks[i].clone()).into_iter().map(|t| r.page_ref(&path, t)).collect::<Vec<_>>(),
        "courses": course_nav,
        "reading_minutes": page.doc.words.div_ceil(200).max(1),
        "is_home": page.is_home(),
    }));
    ctx.insert("breadcrumbs", &crumbs);
    if let Some(n) = crate::concept_map::neighbourhood_svg(site, &r.concepts, i, &path) {
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
    (path, template, ctx)
}
