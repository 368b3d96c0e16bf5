//! Glossary: the site's terms, anchors on their entries, and links from the first use of each
//! term on other pages.
//!
//! Terms come from two places (README: "Glossary"): the list items of the glossary page
//! (`[glossary] page`, default slug `glossary`) written as `- **Term**: definition [[page]]`,
//! and the pages of a kind named `glossary` (one term per page: its title and aliases, defined
//! by its summary). Linking works on pulldown-cmark events after links are resolved
//! ([`markdown::Annotate`]), so headings, links, code and raw HTML are never touched.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Parser, Tag, TagEnd};
use regex::Regex;

use crate::citations;
use crate::links::relative;
use crate::markdown;
use crate::model::site::Site;
use crate::model::slug::slugify;

/// The kind whose pages are one glossary term each.
pub const KIND: &str = "glossary";

/// One glossary term.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The term as written in its entry (or the term page's title).
    pub name: String,
    /// Root-relative link target: the glossary page and the entry's anchor, or the term's page.
    pub href: String,
    /// The entry's id on the glossary page (none for a term page).
    pub anchor: Option<String>,
    /// Plain-text definition, citations formatted.
    pub definition: String,
    /// The page holding the entry (the glossary page, or the term's own page).
    pub source: usize,
    /// The page the entry sends readers to for more (its first link), if any.
    pub explains: Option<usize>,
    /// Lower-case spellings matched in body text: the name, the name without a trailing
    /// parenthesis and the parenthesis itself (`CALPAS`), and a term page's aliases.
    pub spellings: Vec<String>,
}

/// The site's glossary terms and the matcher that finds them in text.
#[derive(Debug, Default)]
pub struct Glossary {
    pub terms: Vec<Term>,
    matcher: Option<Regex>,
    by_spelling: HashMap<String, usize>,
    /// The glossary page (entries are anchored there and nothing is linked on it).
    page: Option<usize>,
}

impl Glossary {
    /// Collects the terms of `site` and builds one matcher for all their spellings.
    pub fn new(site: &Site) -> Glossary {
        let page = site
            .page_by_slug(&site.config.glossary.page)
            .filter(|&g| site.pages[g].kind != KIND && !site.pages[g].is_home());
        let mut terms: Vec<Term> = page.map(|g| entries_of_page(site, g)).unwrap_or_default();
        terms.extend(site.pages.iter().enumerate().filter(|(_, p)| p.kind == KIND).map(|(i, _)| term_page(site, i)));
        let skip: HashSet<String> = site.config.glossary.skip.iter().map(|s| s.trim().to_lowercase()).collect();
        let mut by_spelling = HashMap::new();
        for (k, t) in terms.iter().enumerate() {
            if skip.contains(&t.name.to_lowercase()) {
                continue;
            }
            for s in t.spellings.iter().filter(|s| !skip.contains(*s)) {
                by_spelling.entry(s.clone()).or_insert(k);
            }
        }
        let matcher = build_matcher(by_spelling.keys());
        Glossary { terms, matcher, by_spelling, page }
    }

    /// The term a matched piece of text names (plural `s`/`es` allowed).
    fn term_of(&self, found: &str) -> Option<usize> {
        let lower = found.to_lowercase();
        let singular = |suffix: &str| lower.strip_suffix(suffix).and_then(|s| self.by_spelling.get(s)).copied();
        self.by_spelling.get(&lower).copied().or_else(|| singular("s")).or_else(|| singular("es"))
    }

    /// Does page `i` get glossary links? Not the glossary page, and not with `glossary: false`.
    pub fn links_on(&self, site: &Site, i: usize) -> bool {
        let opted_out = matches!(site.pages[i].front.map.get("glossary"), Some(serde_yaml::Value::Bool(false)));
        self.matcher.is_some() && self.page != Some(i) && !opted_out
    }

    /// The annotator for page `i` rendered into `out_path`: anchors entries on the glossary page,
    /// links first uses of terms elsewhere.
    pub fn for_page<'a>(&'a self, site: &Site, i: usize, out_path: &'a str) -> Option<PageTerms<'a>> {
        let anchors = self.page == Some(i);
        (anchors || self.links_on(site, i)).then_some(PageTerms { glossary: self, page: i, out_path, anchors })
    }
}

/// One alternation of every spelling, longest first (so `alliance rupture` wins over
/// `alliance`), on word boundaries, with an optional plural ending.
fn build_matcher<'s>(spellings: impl Iterator<Item = &'s String>) -> Option<Regex> {
    let mut all: Vec<&String> = spellings.collect();
    if all.is_empty() {
        return None;
    }
    all.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let alternation: Vec<String> = all.iter().map(|s| regex::escape(s)).collect();
    Regex::new(&format!(r"(?i)\b(?:{})(?:e?s)?\b", alternation.join("|"))).ok()
}

/// The anchor id of an entry on the glossary page.
pub fn anchor_of(name: &str) -> String {
    format!("term-{}", slugify(name))
}

/// Lower-case spellings of an entry's name: `Name (ABBR)` also matches `Name` and `ABBR`.
fn spellings_of(name: &str) -> Vec<String> {
    let mut out = vec![name.to_lowercase()];
    if let Some((base, rest)) = name.split_once(" (") {
        if let Some(inner) = rest.strip_suffix(')') {
            out.push(base.trim().to_lowercase());
            out.push(inner.trim().to_lowercase());
        }
    }
    out.retain(|s| !s.trim().is_empty());
    out.dedup();
    out
}

/// The term a page of the glossary kind defines.
fn term_page(site: &Site, i: usize) -> Term {
    let p = &site.pages[i];
    let mut spellings = spellings_of(&p.title);
    spellings.extend(p.aliases.iter().map(|a| a.to_lowercase()));
    Term {
        name: p.title.clone(),
        href: p.href.clone(),
        anchor: None,
        definition: citations::view::plain(&site.citations, &p.summary),
        source: i,
        explains: None,
        spellings,
    }
}

/// The `- **Term**: definition` list items of the glossary page `g`.
fn entries_of_page(site: &Site, g: usize) -> Vec<Term> {
    let page = &site.pages[g];
    // Made with the renderer's lookups, before a build releases the sources.
    let Ok(text) = page.text() else { return Vec::new() };
    let events: Vec<(Event, Range<usize>)> =
        Parser::new_ext(&text[page.body_start..], markdown::options()).into_offset_iter().collect();
    let mut seen = HashSet::new();
    (0..events.len())
        .filter(|&i| matches!(events[i].0, Event::Start(Tag::Item)))
        .filter_map(|i| entry_at(site, g, &events, i))
        .filter(|t| seen.insert(t.anchor.clone()))
        .collect()
}

/// The entry's name when the list item at `events[i]` opens with bold text and a colon.
fn entry_name(events: &[(Event, Range<usize>)], i: usize) -> Option<(String, usize)> {
    let mut j = i + 1;
    if matches!(events.get(j)?.0, Event::Start(Tag::Paragraph)) {
        j += 1;
    }
    if !matches!(events.get(j)?.0, Event::Start(Tag::Strong)) {
        return None;
    }
    let mut name = String::new();
    j += 1;
    while let Some((e, _)) = events.get(j) {
        match e {
            Event::End(TagEnd::Strong) => break,
            Event::Text(t) | Event::Code(t) => name.push_str(t),
            _ => {}
        }
        j += 1;
    }
    let after = match events.get(j + 1) {
        Some((Event::Text(t), _)) => t.trim_start(),
        _ => "",
    };
    let name = name.trim().trim_end_matches(':').trim().to_string();
    (!name.is_empty() && (after.starts_with(':') || after.is_empty())).then_some((name, j + 1))
}

/// The glossary entry of the list item at `events[i]`, if it is one.
fn entry_at(site: &Site, g: usize, events: &[(Event, Range<usize>)], i: usize) -> Option<Term> {
    let (name, mut j) = entry_name(events, i)?;
    let page = &site.pages[g];
    let mut definition = String::new();
    let mut explains = None;
    let mut in_wiki_slug = false;
    let mut depth = 0;
    while let Some((e, range)) = events.get(j) {
        match e {
            Event::Start(Tag::Item) => depth += 1,
            Event::End(TagEnd::Item) if depth == 0 => break,
            Event::End(TagEnd::Item) => depth -= 1,
            Event::Start(Tag::Link { link_type, .. }) => {
                if explains.is_none() {
                    explains = site.graph.body[g].get(&(page.body_start + range.start)).map(|(t, _)| *t);
                }
                // `[[slug]]` shows the slug as its text: not part of the definition.
                in_wiki_slug = matches!(link_type, LinkType::WikiLink { has_pothole: false });
            }
            Event::End(TagEnd::Link) => in_wiki_slug = false,
            Event::Text(t) | Event::Code(t) if !in_wiki_slug => definition.push_str(t),
            Event::SoftBreak | Event::HardBreak => definition.push(' '),
            _ => {}
        }
        j += 1;
    }
    let definition = definition.trim_start().trim_start_matches(':');
    let definition = citations::view::plain(&site.citations, definition);
    let definition = definition.split_whitespace().collect::<Vec<_>>().join(" ");
    let anchor = anchor_of(&name);
    Some(Term {
        href: format!("{}#{anchor}", page.href),
        anchor: Some(anchor),
        spellings: spellings_of(&name),
        name,
        definition,
        source: g,
        explains,
    })
}

/// Escapes text for a double-quoted HTML attribute.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The glossary's work on one page: entry anchors (glossary page) or term links (other pages).
pub struct PageTerms<'a> {
    glossary: &'a Glossary,
    page: usize,
    out_path: &'a str,
    anchors: bool,
}

impl PageTerms<'_> {
    /// Can term `k` be linked on this page? Not from its own entry's page or the page it explains.
    fn allowed(&self, k: usize) -> bool {
        let t = &self.glossary.terms[k];
        t.source != self.page && t.explains != Some(self.page)
    }

    /// Gives each entry's list item its anchor id.
    fn anchor_entries<'e>(&self, events: Vec<Event<'e>>) -> Vec<Event<'e>> {
        let ranged: Vec<(Event, Range<usize>)> = events.iter().map(|e| (e.clone(), 0..0)).collect();
        let ids: HashSet<&str> =
            self.glossary.terms.iter().filter(|t| t.source == self.page).filter_map(|t| t.anchor.as_deref()).collect();
        let mut out = Vec::with_capacity(events.len());
        for (i, e) in events.into_iter().enumerate() {
            let id = matches!(e, Event::Start(Tag::Item))
                .then(|| entry_name(&ranged, i))
                .flatten()
                .map(|(name, _)| anchor_of(&name))
                .filter(|id| ids.contains(id.as_str()));
            match id {
                Some(id) => out.push(Event::InlineHtml(CowStr::from(format!("<li id=\"{}\">", attr(&id))))),
                None => out.push(e),
            }
        }
        out
    }

    /// Links the first use of each term in body text: never in headings, links, images, code
    /// or raw HTML, each term once per page.
    fn link_terms<'e>(&self, events: Vec<Event<'e>>) -> Vec<Event<'e>> {
        let Some(re) = &self.glossary.matcher else { return events };
        let mut used: HashSet<usize> = HashSet::new();
        let mut blocked = 0usize;
        let mut out = Vec::with_capacity(events.len() + 8);
        for e in events {
            match &e {
                Event::Start(Tag::Heading { .. } | Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => {
                    blocked += 1;
                }
                Event::End(TagEnd::Heading(_) | TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                    blocked = blocked.saturating_sub(1);
                }
                // An anchor written as raw HTML in the Markdown.
                Event::InlineHtml(h) if h.trim_start().starts_with("<a ") => blocked += 1,
                Event::InlineHtml(h) if h.trim_start().starts_with("</a>") => blocked = blocked.saturating_sub(1),
                Event::Text(t) if blocked == 0 => {
                    self.split_text(re, t, &mut used, &mut out);
                    continue;
                }
                _ => {}
            }
            out.push(e);
        }
        out
    }

    /// Pushes `text` as text events, with the first use of each not yet linked term as a link.
    fn split_text<'e>(&self, re: &Regex, text: &str, used: &mut HashSet<usize>, out: &mut Vec<Event<'e>>) {
        let mut at = 0;
        for m in re.find_iter(text) {
            let Some(k) = self.glossary.term_of(m.as_str()) else { continue };
            if !self.allowed(k) || !used.insert(k) {
                continue;
            }
            if m.start() > at {
                out.push(Event::Text(CowStr::from(text[at..m.start()].to_string())));
            }
            let href = relative(self.out_path, &self.glossary.terms[k].href);
            out.push(Event::InlineHtml(CowStr::from(format!("<a class=\"glossary-term\" href=\"{}\">", attr(&href)))));
            out.push(Event::Text(CowStr::from(m.as_str().to_string())));
            out.push(Event::InlineHtml(CowStr::from("</a>")));
            at = m.end();
        }
        if at < text.len() {
            out.push(Event::Text(CowStr::from(text[at..].to_string())));
        }
    }
}

impl markdown::Annotate for PageTerms<'_> {
    fn annotate<'e>(&self, events: Vec<Event<'e>>) -> Vec<Event<'e>> {
        if self.anchors {
            self.anchor_entries(events)
        } else {
            self.link_terms(events)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
