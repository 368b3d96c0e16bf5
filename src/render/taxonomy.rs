//! Taxonomy pages: the list of tags, and each tag's pages.

use tera::Context;

use super::list::paginate;
use super::renderer::{PageRef, Renderer, TagRef};
use crate::links::relative;

/// The list of every tag with its page count.
pub(super) fn tags_job(r: &Renderer) -> (String, String, Context) {
    let path = r.site.link_path("tags/index.html");
    let mut ctx = r.base_context(&path, "Tags", None);
    let tags: Vec<TagRef> = r
        .tags()
        .iter()
        .map(|(t, v)| TagRef { name: t.to_string(), href: relative(&path, &r.tag_path(t)), count: v.len() })
        .collect();
    ctx.insert("tags", &tags);
    ctx.insert(
        "breadcrumbs",
        &[serde_json::json!({"title": "Home", "href": relative(&path, &r.site.link_path("index.html"))})],
    );
    (r.file_of(&path), "tags.html".into(), ctx)
}

/// One tag's pages, split into numbered pages when long.
pub(super) fn tag_jobs(r: &Renderer, tag: &str) -> Vec<(String, String, Context)> {
    let members = r.sorted(r.tags().get(tag).cloned().unwrap_or_default());
    paginate(r, &members, &r.tag_path(tag))
        .into_iter()
        .map(|(path, chunk, pagination)| {
            let title = match &pagination {
                Some(p) => format!("Tagged “{tag}” (page {} of {})", p.current, p.total),
                None => format!("Tagged “{tag}”"),
            };
            let mut ctx = r.base_context(&path, &title, None);
            let pages: Vec<PageRef> = chunk.into_iter().map(|i| r.page_ref(&path, i)).collect();
            ctx.insert("tag", tag);
            ctx.insert("pages", &pages);
            ctx.insert("pagination", &pagination);
            ctx.insert(
                "breadcrumbs",
                &[
                    serde_json::json!({"title": "Home", "href": relative(&path, &r.site.link_path("index.html"))}),
                    serde_json::json!({"title": "Tags", "href": relative(&path, &r.site.link_path("tags/index.html"))}),
                ],
            );
            (r.file_of(&path), "tag.html".to_string(), ctx)
        })
        .collect()
}
