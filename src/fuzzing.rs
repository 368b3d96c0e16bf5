//! Whole-stage entry points on one input, for the fuzz targets (`fuzz/`) and property tests:
//! each runs the same stage functions as a build and renders every diagnostic.

use std::path::Path;

use crate::content::{frontmatter, page};
use crate::links::LinkGraph;
use crate::model::config::Config;
use crate::{markdown, quiz};

/// The site.toml the page pipeline runs under: the bundled one, so every kind and field exists.
const SITE_TOML: &str = include_str!("../site.toml");

/// Runs `text` as the page `content/page.md` through split, parse, link, quiz validation and
/// rendering; returns the rendered diagnostics (empty when the page is fine).
pub fn page_pipeline(text: &str) -> String {
    let Ok(config) = Config::parse(SITE_TOML) else { return String::new() };
    let (rel, display) = (Path::new("page.md"), Path::new("content/page.md"));
    let (front, body_start) = match frontmatter::split(text) {
        Ok(x) => x,
        Err(e) => {
            return crate::diagnostics::Diagnostic::error(display, e.line, e.col, e.message).with_source(text).render()
        }
    };
    let doc = markdown::analyze(text, body_start);
    let src = page::PageSource { rel, display, abs: display, text: text.to_string(), body_start, front, doc };
    let (page, mut problems) = page::build_page(src, &config);
    let mut html = String::new();
    if let Some(page) = page {
        let pages = vec![page];
        let (graph, found) = LinkGraph::build(&pages, &config);
        problems.extend(found);
        let (_, found) = quiz::validate(&pages, &graph, &config);
        problems.extend(found);
        let links = graph.rendered_links(&pages, 0);
        html = markdown::render(text, pages[0].body_start, &links, config.markdown.raw_html);
    }
    let rendered = crate::diagnostics::Diagnostics::from(problems).render();
    debug_assert!(html.len() < 64 * (text.len() + 1024), "output out of proportion to the input");
    rendered
}

/// Parses `text` as site.toml; returns the rendered diagnostics (empty when it is fine).
pub fn site_toml(text: &str) -> String {
    match Config::parse(text) {
        Ok(_) => String::new(),
        Err(problems) => crate::diagnostics::Diagnostics::from(problems).render(),
    }
}
