//! Site-wide pages: home (its lists of kinds and courses), 404, the sitemap, and the generated
//! pages other stages ask for.

use tera::Context;

use super::renderer::{kind_index_path, PageRef, Renderer};
use super::theme::escape_html;
use crate::links::relative;
use crate::model::output::ExtraPage;

/// The home page when content/index.md is absent.
pub(super) fn home_job(r: &Renderer) -> (String, String, Context) {
    let path = "index.html".to_string();
    let mut ctx = r.base_context(&path, &r.site.config.title, None);
    home_extras(r, &path, &mut ctx);
    (path, "home.html".to_string(), ctx)
}

/// The 404 page.
pub(super) fn not_found_job(r: &Renderer) -> (String, String, Context) {
    let path = "404.html".to_string();
    let ctx = r.base_context(&path, "Page not found", None);
    (path, "404.html".to_string(), ctx)
}

/// A page another stage asked for, with its data as `extra`.
pub(super) fn extra_job(r: &Renderer, e: &ExtraPage) -> (String, String, Context) {
    let mut ctx = r.base_context(&e.path, &e.title, None);
    ctx.insert("extra", &e.extra);
    (e.path.clone(), e.template.clone(), ctx)
}

/// What the home page lists: kinds with counts, courses, the question count.
pub(super) fn home_extras(r: &Renderer, path: &str, ctx: &mut Context) {
    let site = r.site;
    let kinds: Vec<serde_json::Value> = site
        .config
        .kinds
        .iter()
        .filter_map(|(k, kc)| {
            let count = r.index.kind_counts.get(k.as_str()).copied().unwrap_or(0);
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
    let courses: Vec<PageRef> = r
        .sorted((0..site.pages.len()).filter(|&i| site.pages[i].kind == "course").collect())
        .into_iter()
        .map(|i| r.page_ref(path, i))
        .collect();
    ctx.insert("kinds", &kinds);
    ctx.insert("courses", &courses);
    ctx.insert("question_count", &site.question_count());
}

/// sitemap.xml: every page, with `base_url` when set.
pub(super) fn sitemap(r: &Renderer) -> String {
    let base = r.site.config.base_url.trim_end_matches('/');
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in &r.site.pages {
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
