//! pulldown-cmark -> HTML, heading ids, table of contents, link extraction and plain text for the index.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostics::LineIndex;
use crate::model::config::RawHtml;
// The body's data types live in the model; stage code may keep naming them `markdown::Doc`.
pub use crate::model::doc::{Asset, Doc, Heading, Link, LinkKind, Resolved, Section};
use crate::model::slug::slugify;

/// Markdown extensions every page gets.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Gives each heading a unique id: its slugified text, with `-2`, `-3` on repeats.
#[derive(Default)]
struct HeadingIds {
    seen: HashSet<String>,
}

impl HeadingIds {
    fn assign(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = explicit.map(str::to_string).unwrap_or_else(|| {
            let s = slugify(text);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        });
        let mut id = base.clone();
        let mut n = 2;
        while !self.seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

fn level_number(l: HeadingLevel) -> u8 {
    l as u8
}

/// Splits `dest` into target and anchor.
fn split_anchor(dest: &str) -> (String, Option<String>) {
    match dest.split_once('#') {
        Some((t, a)) => (t.trim().to_string(), Some(a.trim().to_string()).filter(|a| !a.is_empty())),
        None => (dest.trim().to_string(), None),
    }
}

/// True for Markdown link destinations that name a local `.md` file.
fn is_local_md(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or("");
    !dest.contains("://") && !dest.starts_with("mailto:") && path.ends_with(".md")
}

/// True for destinations that name a file of the site rather than a page or another site:
/// every local image, and links whose last segment has an extension other than `.md`/`.html`.
fn is_local_asset(dest: &str, image: bool) -> bool {
    let external = dest.starts_with("//")
        || dest.starts_with('#')
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        });
    if external || dest.trim().is_empty() {
        return false;
    }
    let path = dest.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let ext = last.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    image || ext.is_some_and(|e| !matches!(e.as_str(), "md" | "html" | "htm"))
}

/// The asset an image or file link at `events[i]` names, with its alt text and position.
fn asset_at(
    events: &[(Event, std::ops::Range<usize>)],
    i: usize,
    text: &str,
    body_start: usize,
    lines: &LineIndex,
) -> Option<Asset> {
    let (event, range) = &events[i];
    let (dest, title, image) = match event {
        Event::Start(Tag::Image { dest_url, title, .. }) => (dest_url, title, true),
        Event::Start(Tag::Link { link_type, dest_url, title, .. })
            if !matches!(link_type, LinkType::WikiLink { .. }) && !is_local_md(dest_url) =>
        {
            (dest_url, title, false)
        }
        _ => return None,
    };
    if !is_local_asset(dest, image) {
        return None;
    }
    let split = dest.find(['?', '#']).unwrap_or(dest.len());
    let alt = if image {
        events[i + 1..]
            .iter()
            .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Image)))
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect()
    } else {
        String::new()
    };
    let offset = body_start + range.start;
    let (line, col) = lines.locate(text, offset);
    let len = text[offset..body_start + range.end].lines().next().map(|l| l.chars().count()).unwrap_or(1);
    Some(Asset {
        target: dest[..split].to_string(),
        suffix: dest[split..].to_string(),
        image,
        alt,
        title: title.to_string(),
        offset,
        line,
        col,
        len,
    })
}

/// Every image and file link in the body of `text`, in order.
pub fn assets(text: &str, body_start: usize) -> Vec<Asset> {
    let body = &text[body_start..];
    // Most pages have no inline or reference link at all: skip the second parse for them.
    if !body.contains("](") && !body.contains("]:") {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    let events: Vec<_> = Parser::new_ext(body, options()).into_offset_iter().collect();
    (0..events.len()).filter_map(|i| asset_at(&events, i, text, body_start, &lines)).collect()
}

/// Opens the target of an unlabelled `[[target]]` in a section's text. Pages show the target's
/// title there, which is known only once every page is loaded; search replaces the marked target
/// with it, so no raw slug reaches a search snippet.
pub const WIKI_OPEN: char = '\u{E000}';
/// Closes what [`WIKI_OPEN`] opens.
pub const WIKI_CLOSE: char = '\u{E001}';

/// Reads headings, links and images out of the body of `text` (which starts at `body_start`).
pub fn analyze(text: &str, body_start: usize) -> Doc {
    let mut doc = read_body(text, body_start, Keep::Doc).0;
    doc.assets = assets(text, body_start);
    doc
}

/// The plain text of the body of `text` under each heading, for the search index. Not kept in
/// the site model: a site's section texts are as large as its sources, and only indexing reads
/// them, a page at a time.
pub fn sections(text: &str, body_start: usize) -> Vec<Section> {
    read_body(text, body_start, Keep::Sections).1
}

/// What a read of the body is for: the page's `Doc` (when it loads), or its sections (when the
/// indexer reaches it, a second time at 100,000 pages: it skips what the model already has).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Doc,
    Sections,
}

/// Headings, links and the word count, or the sections of the body (images and file links are
/// another parse, which only `analyze` needs).
fn read_body(text: &str, body_start: usize, keep: Keep) -> (Doc, Vec<Section>) {
    let body = &text[body_start..];
    let lines = (keep == Keep::Doc).then(|| LineIndex::new(text));
    let mut doc = Doc::default();
    let mut sections = Vec::new();
    let mut ids = HeadingIds::default();
    let mut current = Section::default();
    let mut in_heading: Option<(u8, Option<String>, String)> = None;
    let mut in_bare_wiki = false;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let offset = body_start + range.start;
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                in_heading = Some((level_number(level), id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, htext)) = in_heading.take() {
                    let htext = htext.trim().to_string();
                    let id = ids.assign(explicit.as_deref(), &htext);
                    doc.headings.push(Heading { level, text: htext.clone(), id: id.clone() });
                    let prev = std::mem::replace(
                        &mut current,
                        Section { heading: Some(htext), anchor: id, text: String::new() },
                    );
                    if prev.heading.is_some() || !prev.text.trim().is_empty() {
                        sections.push(prev);
                    }
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                if matches!(link_type, LinkType::WikiLink { has_pothole: false }) && in_heading.is_none() {
                    // The page shows the target's title here: search swaps it in (see WIKI_OPEN).
                    in_bare_wiki = true;
                    current.text.push(WIKI_OPEN);
                }
                let kind = match link_type {
                    LinkType::WikiLink { has_pothole } => Some(LinkKind::Wiki { labelled: has_pothole }),
                    _ if dest_url.starts_with('#') => Some(LinkKind::SamePage),
                    _ if is_local_md(&dest_url) => Some(LinkKind::Markdown),
                    _ => None,
                };
                if let (Some(kind), Some(lines)) = (kind, &lines) {
                    let (target, anchor) = split_anchor(&dest_url);
                    let (line, col) = lines.locate(text, offset);
                    let len = body[range.clone()].lines().next().map(|l| l.chars().count()).unwrap_or(1);
                    doc.links.push(Link { kind, target, anchor, offset, line, col, len });
                }
            }
            Event::End(TagEnd::Link) if in_bare_wiki => {
                in_bare_wiki = false;
                current.text.push(WIKI_CLOSE);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, h)) = in_heading.as_mut() {
                    h.push_str(&t);
                } else {
                    current.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell)
                if in_heading.is_none() =>
            {
                current.text.push(' ');
            }
            _ => {}
        }
    }
    if current.heading.is_some() || !current.text.trim().is_empty() {
        sections.push(current);
    }
    match keep {
        Keep::Doc => doc.words = sections.iter().map(|s| s.text.split_whitespace().count()).sum(),
        Keep::Sections => sections.iter_mut().for_each(|s| s.text = squeeze(&s.text)),
    }
    (doc, sections)
}

/// Collapses runs of white space into single spaces.
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The sanitiser for HTML written in Markdown: ammonia's defaults (no scripts, styles, event
/// handlers or `javascript:` URLs) plus what Markdown itself produces and authors use: heading
/// ids, footnote and task-list classes, task-list checkboxes, table cell alignment.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input"])
        .add_generic_attributes(["id", "class", "style"])
        .filter_style_properties(["text-align"].into_iter().collect())
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .add_tag_attributes("details", ["open"])
        // Rapport's own links carry no rel; sanitised pages keep the same markup.
        .link_rel(None);
    b
});

/// True when a link or image destination could name a script: anything with a scheme other
/// than the common web ones (`javascript:`, `data:`, and obfuscated spellings of them).
fn is_unsafe_url(dest: &str) -> bool {
    let before = dest.split(['/', '?', '#']).next().unwrap_or("");
    if !before.contains(':') {
        return false;
    }
    let lower = dest.trim_start().to_ascii_lowercase();
    !["http:", "https:", "mailto:", "tel:"].iter().any(|s| lower.starts_with(s))
}

/// True when an event can carry markup Markdown itself would not produce.
fn needs_sanitizing(event: &Event) -> bool {
    match event {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => is_unsafe_url(dest_url),
        _ => false,
    }
}

/// Renders the body of `text` to HTML, giving headings their ids and rewriting checked links
/// through `links` (keyed by the link's byte offset in the file). HTML written in the Markdown
/// is sanitised unless `raw_html` allows it; pages without any are left exactly as rendered.
pub fn render(text: &str, body_start: usize, links: &HashMap<usize, Resolved>, raw_html: RawHtml) -> String {
    render_cited(text, body_start, links, None, None, raw_html)
}

/// Rewrites a body's events before they are rendered: the citations stage turns `[@key]` text
/// into linked, formatted citations through it (so this stage needs to know nothing of citations).
pub trait Splice {
    /// `events` carry ranges into `text[body_start..]`, as pulldown-cmark's offset iterator gives them.
    fn splice<'e>(
        &self,
        events: Vec<(Event<'e>, std::ops::Range<usize>)>,
        text: &str,
        body_start: usize,
    ) -> Vec<(Event<'e>, std::ops::Range<usize>)>;
}

/// Rewrites a body's events after links are resolved, before writing (glossary term links).
pub trait Annotate {
    fn annotate<'e>(&self, events: Vec<Event<'e>>) -> Vec<Event<'e>>;
}

/// [`render`], events rewritten by `cites` first (citations) and `annotate` last (glossary).
pub fn render_cited(
    text: &str,
    body_start: usize,
    links: &HashMap<usize, Resolved>,
    cites: Option<&dyn Splice>,
    annotate: Option<&dyn Annotate>,
    raw_html: RawHtml,
) -> String {
    let (html, risky) = render_unchecked(text, body_start, links, cites, annotate);
    if risky && raw_html == RawHtml::Sanitize {
        SANITIZER.clean(&html).to_string()
    } else {
        html
    }
}

/// Renders to HTML as written; also says whether the Markdown held raw HTML or unsafe URLs
/// (judged before citations add their own, trusted, HTML).
fn render_unchecked(
    text: &str,
    body_start: usize,
    links: &HashMap<usize, Resolved>,
    cites: Option<&dyn Splice>,
    annotate: Option<&dyn Annotate>,
) -> (String, bool) {
    let body = &text[body_start..];
    let mut ids = HeadingIds::default();
    let mut events: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_ext(body, options()).into_offset_iter().collect();
    let risky = events.iter().any(|(e, _)| needs_sanitizing(e));
    if let Some(c) = cites {
        events = c.splice(events, text, body_start);
    }
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let end =
                    (i..events.len()).find(|&j| matches!(events[j].0, Event::End(TagEnd::Heading(_)))).unwrap_or(i);
                let htext: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let new_id = ids.assign(id.as_deref(), htext.trim());
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(new_id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                match links.get(&(body_start + range.start)) {
                    Some(res) => {
                        out.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: CowStr::from(res.href.clone()),
                            title: title.clone(),
                            id: id.clone(),
                        }));
                        if matches!(link_type, LinkType::WikiLink { has_pothole: false }) {
                            // Replace the raw target text with the page title.
                            let end = (i..events.len())
                                .find(|&j| matches!(events[j].0, Event::End(TagEnd::Link)))
                                .unwrap_or(i);
                            out.push(Event::Text(CowStr::from(res.label.clone())));
                            out.push(Event::End(TagEnd::Link));
                            i = end + 1;
                            continue;
                        }
                    }
                    None => out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest_url.clone(),
                        title: title.clone(),
                        id: id.clone(),
                    })),
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest = links.get(&(body_start + range.start)).map_or(dest_url.clone(), |r| r.href.clone().into());
                out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let out = if let Some(a) = annotate { a.annotate(out) } else { out };
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    (html, risky)
}

/// Renders a short Markdown fragment (quiz prompts, explanations), sanitised like a page body.
pub fn render_fragment(md: &str, links: &HashMap<usize, Resolved>, raw_html: RawHtml) -> String {
    render(md, 0, links, raw_html)
}

#[cfg(test)]
mod tests;
