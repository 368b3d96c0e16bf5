//! List pages: a kind's index, grouped and split into numbered pages when long; the pagination
//! tag pages share.

use serde::Serialize;
use tera::Context;

use super::renderer::{kind_index_path, PageRef, Renderer};
use crate::links::relative;

#[derive(Serialize)]
struct Group {
    label: String,
    pages: Vec<PageRef>,
}

/// Links between the numbered pages of a long list.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
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

/// A kind's index, split into numbered pages when it is long; entries keep their groups.
pub(super) fn kind_jobs(r: &Renderer, kind: &str) -> Vec<(String, String, Context)> {
    let site = r.site;
    let kc = &site.config.kinds[kind];
    let first = kind_index_path(site, kind);
    let members: Vec<usize> =
        (0..site.pages.len()).filter(|&i| site.pages[i].kind == kind && !site.pages[i].is_home()).collect();
    let entries: Vec<(String, usize)> = group(r, kind, members)
        .into_iter()
        .flat_map(|(label, v)| v.into_iter().map(move |i| (label.clone(), i)))
        .collect();
    paginate(r, &entries, &first)
        .into_iter()
        .map(|(path, chunk, pagination)| {
            let title = match &pagination {
                Some(p) => format!("{} (page {} of {})", kc.plural(kind), p.current, p.total),
                None => kc.plural(kind),
            };
            let mut ctx = r.base_context(&path, &title, Some(kind));
            let mut groups: Vec<Group> = Vec::new();
            for (label, i) in chunk {
                let r = r.page_ref(&path, i);
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
            (r.file_of(&path), "kind.html".to_string(), ctx)
        })
        .collect()
}

/// Splits `items` into pages of `list_page_size`: (link path, items, pagination when split).
pub(super) fn paginate<T: Clone>(r: &Renderer, items: &[T], first: &str) -> Vec<(String, Vec<T>, Option<Pagination>)> {
    let size = r.site.config.list_page_size;
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
pub(super) fn group(r: &Renderer, kind: &str, members: Vec<usize>) -> Vec<(String, Vec<usize>)> {
    let site = r.site;
    let kc = &site.config.kinds[kind];
    let Some(by) = &kc.group_by else {
        return vec![(String::new(), r.sorted(members))];
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
    groups.into_iter().map(|(_, label, v)| (label, r.sorted(v))).collect()
}
