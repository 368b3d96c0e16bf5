//! Citations in output: linked in-text citations spliced into rendered Markdown, a page's
//! References section, the references page, and plain text for exports.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use super::format::Segment;
use super::{syntax, Citations};
use crate::links::relative;
use crate::model::output::ExtraPage;
use crate::model::page::Page;
use crate::render::theme::escape_html;

/// The bibliography page, at the root of the output.
pub const REFERENCES_PAGE: &str = "references.html";

/// Turns citations into HTML for one output file (links are relative to it).
pub struct CiteLinker<'a> {
    citations: &'a Citations,
    /// `references.html` as seen from the output file.
    refs_href: String,
}

impl<'a> CiteLinker<'a> {
    /// A linker for the file at `out_path`; `None` when the site has no bibliography.
    pub fn new(citations: &'a Citations, out_path: &str) -> Option<Self> {
        citations.enabled.then(|| CiteLinker { citations, refs_href: relative(out_path, REFERENCES_PAGE) })
    }

    /// The linked HTML of the citation written as `source`, if it was formatted.
    pub fn html(&self, source: &str) -> Option<String> {
        let f = self.citations.cites.get(source)?;
        let mut out = String::from("<span class=\"citation\">");
        for s in &f.segments {
            match s {
                Segment::Html(h) => out.push_str(h),
                Segment::Work { key, html } => {
                    out.push_str(&format!("<a href=\"{}#{}\">{html}</a>", self.refs_href, escape_html(key)))
                }
            }
        }
        out.push_str("</span>");
        Some(out)
    }
}

/// `md` with each citation replaced by its plain formatted text (exports).
pub fn plain(citations: &Citations, md: &str) -> String {
    plain_cow(citations, md).into_owned()
}

/// [`plain`], borrowing when there is nothing to replace (the search index's section texts).
pub fn plain_cow<'a>(citations: &Citations, md: &'a str) -> std::borrow::Cow<'a, str> {
    if !citations.enabled || !md.contains('@') {
        return md.into();
    }
    let mut out = String::with_capacity(md.len());
    let mut at = 0;
    for c in syntax::scan(md, 0) {
        if let Some(f) = citations.cites.get(c.source(md)) {
            out.push_str(&md[at..c.range.start]);
            out.push_str(&f.plain);
            at = c.range.end;
        }
    }
    out.push_str(&md[at..]);
    out.into()
}

/// Template data of page `i`'s References section: the works it cites, formatted, each with a
/// link to its entry on the references page.
pub fn page_references(citations: &Citations, i: usize, out_path: &str) -> Option<serde_json::Value> {
    let list = citations.by_page.get(i).filter(|l| !l.is_empty())?;
    let refs = relative(out_path, REFERENCES_PAGE);
    let items: Vec<serde_json::Value> = list
        .iter()
        .map(|&e| {
            let entry = &citations.entries[e];
            serde_json::json!({
                "key": entry.key,
                "html": entry.html,
                "href": format!("{refs}#{}", entry.key),
                "doi_url": entry.doi_url,
            })
        })
        .collect();
    Some(serde_json::Value::Array(items))
}

/// The references page: every entry with its DOI and the pages citing it.
pub fn references_page(citations: &Citations, pages: &[Page]) -> Option<ExtraPage> {
    if !citations.enabled {
        return None;
    }
    let entries: Vec<serde_json::Value> = citations
        .entries
        .iter()
        .zip(&citations.cited_on)
        .map(|(e, on)| {
            let cited_on: Vec<serde_json::Value> = on
                .iter()
                .map(|&p| serde_json::json!({"title": pages[p].title, "href": relative(REFERENCES_PAGE, &pages[p].href)}))
                .collect();
            serde_json::json!({"key": e.key, "html": e.html, "doi_url": e.doi_url, "cited_on": cited_on})
        })
        .collect();
    Some(ExtraPage {
        template: "references.html".into(),
        path: REFERENCES_PAGE.into(),
        title: "References".into(),
        extra: serde_json::json!({ "entries": entries }),
    })
}

impl crate::markdown::Splice for CiteLinker<'_> {
    /// Replaces the text events that spell citations with their HTML. `events` carry ranges into
    /// `text[body_start..]`, as pulldown-cmark's offset iterator gives them.
    fn splice<'e>(
        &self,
        events: Vec<(Event<'e>, Range<usize>)>,
        text: &str,
        body_start: usize,
    ) -> Vec<(Event<'e>, Range<usize>)> {
        let body = &text[body_start..];
        let cites: Vec<(Range<usize>, String)> = syntax::scan(text, body_start)
            .into_iter()
            // Heading ids come from the heading's text: a citation there stays as written.
            .filter(|c| !c.in_heading)
            .filter_map(|c| {
                let html = self.html(c.source(text))?;
                Some((c.range.start - body_start..c.range.end - body_start, html))
            })
            .collect();
        if cites.is_empty() {
            return events;
        }
        let mut out = Vec::with_capacity(events.len());
        let mut done = vec![false; cites.len()];
        for (event, range) in events {
            let leaf = matches!(event, Event::Text(_) | Event::SoftBreak | Event::HardBreak);
            let hits: Vec<usize> =
                (0..cites.len()).filter(|&k| cites[k].0.start < range.end && range.start < cites[k].0.end).collect();
            if !leaf || hits.is_empty() {
                out.push((event, range));
                continue;
            }
            // Text that is the source as written can be cut at the citations; other leaves (smart
            // quotes, escapes, breaks) inside a citation are dropped whole.
            let verbatim = matches!(&event, Event::Text(t) if body.get(range.clone()) == Some(t.as_ref()));
            let mut at = range.start;
            for k in hits {
                let (crange, html) = &cites[k];
                if verbatim && crange.start > at {
                    out.push((Event::Text(CowStr::from(body[at..crange.start].to_string())), at..crange.start));
                }
                if !done[k] {
                    done[k] = true;
                    out.push((Event::InlineHtml(CowStr::from(html.clone())), crange.clone()));
                }
                at = at.max(crange.end);
            }
            if verbatim && at < range.end {
                out.push((Event::Text(CowStr::from(body[at..range.end].to_string())), at..range.end));
            }
        }
        out
    }
}
