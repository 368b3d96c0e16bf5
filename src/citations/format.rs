//! Formats in-text citations and bibliography entries with hayagriva's CSL processor, and writes
//! its output tree as escaped HTML and as plain text.

use std::fmt::Write as _;

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, Style, VerticalAlign};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest, CitePurpose, ElemChild,
    ElemChildren, ElemMeta, Entry, Library, LocatorPayload, SpecificLocator,
};

use super::syntax::{CiteItem, Form};
use crate::render::theme::escape_html;

/// The default `citation_style`: APA 7th edition.
pub const DEFAULT_STYLE: &str = crate::model::config::DEFAULT_CITATION_STYLE;

/// A CSL style and the locales it needs.
pub struct CslStyle {
    style: IndependentStyle,
    locales: Vec<Locale>,
}

impl std::fmt::Debug for CslStyle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CslStyle").field("title", &self.style.info.title.value).finish()
    }
}

impl CslStyle {
    /// One of hayagriva's bundled styles by name (`apa`, `chicago-author-date`, `ieee`...).
    pub fn bundled(name: &str) -> Option<CslStyle> {
        match hayagriva::archive::ArchivedStyle::by_name(name)?.get() {
            Style::Independent(style) => Some(CslStyle { style, locales: hayagriva::archive::locales() }),
            Style::Dependent(_) => None,
        }
    }

    /// Is `name` a bundled style? (Cheap: nothing is decoded.)
    pub fn is_bundled(name: &str) -> bool {
        hayagriva::archive::ArchivedStyle::by_name(name).is_some()
    }

    /// Names of every bundled style, for did-you-mean.
    pub fn names() -> Vec<&'static str> {
        hayagriva::archive::ArchivedStyle::all().iter().flat_map(|s| s.names().iter().copied()).collect()
    }
}

pub use crate::model::citations::{FormattedCite, FormattedEntry, Segment};

/// A citation to format: its form and items (keys known to be in the library).
pub struct CiteRequest<'a> {
    pub form: Form,
    pub items: &'a [CiteItem],
}

/// Formats every citation (in one driver, so disambiguation is the same site-wide) and the
/// bibliography of every entry in `library`, in the style's order.
pub fn format_all(
    library: &Library,
    style: &CslStyle,
    cites: &[CiteRequest],
) -> (Vec<FormattedCite>, Vec<FormattedEntry>) {
    let mut driver = BibliographyDriver::new();
    // What each request's items were, to name the works in the output.
    let mut asked: Vec<(Vec<String>, Vec<String>, bool)> = Vec::new();
    for c in cites {
        let mut items = Vec::new();
        let mut keys = Vec::new();
        let mut prefixes = Vec::new();
        let year_only = c.form == Form::Bracketed && c.items.len() == 1 && c.items[0].suppress_author;
        for it in c.items {
            let Some(entry) = library.get(&it.key) else { continue };
            let locator = (!it.locator.is_empty()).then(|| locator(&it.locator));
            let mut item = CitationItem::with_locator(entry, locator);
            if c.form == Form::Narrative {
                item = item.kind(CitePurpose::Prose);
            } else if year_only {
                item = item.kind(CitePurpose::Year);
            }
            items.push(item);
            keys.push(it.key.clone());
            prefixes.push(it.prefix.clone());
        }
        driver.citation(CitationRequest::from_items(items, &style.style, &style.locales));
        asked.push((keys, prefixes, year_only));
    }
    // Every entry goes in the bibliography, cited or not.
    let all: Vec<CitationItem<Entry>> = library.iter().map(|e| CitationItem::new(e, None, None, true, None)).collect();
    driver.citation(CitationRequest::from_items(all, &style.style, &style.locales));
    let rendered = driver.finish(BibliographyRequest::new(&style.style, None, &style.locales));
    let layout = &style.style.citation.layout;
    let cites = rendered
        .citations
        .iter()
        .zip(&asked)
        .map(|(r, (keys, prefixes, year_only))| {
            let mut f = cite_segments(&r.citation, keys, prefixes);
            if *year_only {
                // hayagriva leaves a year-only cite bare; the style's own brackets go around it.
                let (open, close) =
                    (layout.prefix.clone().unwrap_or_default(), layout.suffix.clone().unwrap_or_default());
                f.segments.insert(0, Segment::Html(escape_html(&open)));
                f.segments.push(Segment::Html(escape_html(&close)));
                f.plain = format!("{open}{}{close}", f.plain);
            }
            f
        })
        .collect();
    let entries = rendered
        .bibliography
        .map(|b| {
            b.items
                .into_iter()
                .map(|item| {
                    let mut html = String::new();
                    let mut plain = String::new();
                    if let Some(first) = &item.first_field {
                        html.push_str("<span class=\"csl-label\">");
                        write_child(&mut html, first);
                        html.push_str("</span> ");
                        let _ = first.write_buf(&mut plain, BufWriteFormat::Plain);
                        plain.push(' ');
                    }
                    write_children(&mut html, &item.content);
                    let _ = item.content.write_buf(&mut plain, BufWriteFormat::Plain);
                    let doi_url = library.get(&item.key).and_then(|e| e.doi()).map(|d| format!("https://doi.org/{d}"));
                    FormattedEntry { key: item.key, html, plain: plain.trim().to_string(), doi_url }
                })
                .collect()
        })
        .unwrap_or_default();
    (cites, entries)
}

/// Splits a rendered citation into the parts that name each work and the text between them.
fn cite_segments(children: &ElemChildren, keys: &[String], prefixes: &[String]) -> FormattedCite {
    let mut segments = Vec::new();
    for child in &children.0 {
        match child {
            ElemChild::Elem(e) if matches!(e.meta, Some(ElemMeta::Entry(_))) => {
                let Some(ElemMeta::Entry(i)) = e.meta else { continue };
                let mut html = String::new();
                write_children(&mut html, &e.children);
                if let Some(p) = prefixes.get(i).filter(|p| !p.is_empty()) {
                    segments.push(Segment::Html(format!("{} ", escape_html(p))));
                }
                match keys.get(i) {
                    Some(key) => segments.push(Segment::Work { key: key.clone(), html }),
                    None => segments.push(Segment::Html(html)),
                }
            }
            other => {
                let mut html = String::new();
                write_child(&mut html, other);
                segments.push(Segment::Html(html));
            }
        }
    }
    let mut plain = String::new();
    for s in &segments {
        // Prefixes are the only text not in hayagriva's output; keep them in the plain form too.
        let html = match s {
            Segment::Html(h) | Segment::Work { html: h, .. } => h,
        };
        plain.push_str(&html_to_plain(html));
    }
    FormattedCite { segments, plain }
}

/// Pandoc's locator labels -> CSL locators; a bare number is a page. Anything else is kept as written.
fn locator(text: &str) -> SpecificLocator<'_> {
    const LABELS: &[(&[&str], Locator)] = &[
        (&["p.", "pp.", "p", "pp", "page", "pages"], Locator::Page),
        (&["chap.", "chaps.", "ch.", "chapter", "chapters"], Locator::Chapter),
        (&["sec.", "secs.", "section", "sections", "§", "§§"], Locator::Section),
        (&["para.", "paras.", "paragraph", "paragraphs", "¶", "¶¶"], Locator::Paragraph),
        (&["fig.", "figs.", "figure", "figures"], Locator::Figure),
        (&["tab.", "table", "tables"], Locator::Table),
        (&["vol.", "vols.", "volume", "volumes"], Locator::Volume),
        (&["n.", "nn.", "note", "notes"], Locator::Note),
        (&["l.", "ll.", "line", "lines"], Locator::Line),
    ];
    let (label, value) = text.split_once(char::is_whitespace).unwrap_or(("", text));
    let value = value.trim();
    if let Some((_, loc)) = LABELS.iter().find(|(names, _)| names.contains(&label.to_lowercase().as_str())) {
        if !value.is_empty() {
            return SpecificLocator(*loc, LocatorPayload::Str(value));
        }
    }
    if text.chars().next().is_some_and(|c| c.is_ascii_digit()) && !text.contains(char::is_whitespace) {
        return SpecificLocator(Locator::Page, LocatorPayload::Str(text));
    }
    SpecificLocator(Locator::Custom, LocatorPayload::Str(text))
}

fn write_children(out: &mut String, children: &ElemChildren) {
    for c in &children.0 {
        write_child(out, c);
    }
}

/// hayagriva's own HTML writer does not escape text, so the tree is written here.
fn write_child(out: &mut String, child: &ElemChild) {
    match child {
        ElemChild::Text(t) => write_formatted(out, &t.formatting, &escape_html(&t.text)),
        ElemChild::Elem(e) => write_children(out, &e.children),
        ElemChild::Markup(m) => out.push_str(&escape_html(m)),
        ElemChild::Link { text, url } => {
            let _ = write!(out, "<a href=\"{}\">", escape_html(url));
            write_formatted(out, &text.formatting, &escape_html(&text.text));
            out.push_str("</a>");
        }
        ElemChild::Transparent { .. } => {}
    }
}

fn write_formatted(out: &mut String, f: &hayagriva::Formatting, text: &str) {
    let mut close: Vec<&str> = Vec::new();
    if matches!(f.font_style, FontStyle::Italic) {
        out.push_str("<i>");
        close.push("</i>");
    }
    if matches!(f.font_weight, FontWeight::Bold) {
        out.push_str("<b>");
        close.push("</b>");
    }
    if matches!(f.font_variant, FontVariant::SmallCaps) {
        out.push_str("<span class=\"small-caps\">");
        close.push("</span>");
    }
    match f.vertical_align {
        VerticalAlign::Sup => {
            out.push_str("<sup>");
            close.push("</sup>");
        }
        VerticalAlign::Sub => {
            out.push_str("<sub>");
            close.push("</sub>");
        }
        _ => {}
    }
    out.push_str(text);
    for c in close.into_iter().rev() {
        out.push_str(c);
    }
}

/// The text of HTML this module wrote (tags dropped, the five escapes undone).
fn html_to_plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_labels_map_to_csl_locators() {
        assert_eq!(locator("p. 12"), SpecificLocator(Locator::Page, LocatorPayload::Str("12")));
        assert_eq!(locator("pp. 3-4"), SpecificLocator(Locator::Page, LocatorPayload::Str("3-4")));
        assert_eq!(locator("chap. 2"), SpecificLocator(Locator::Chapter, LocatorPayload::Str("2")));
        assert_eq!(locator("33"), SpecificLocator(Locator::Page, LocatorPayload::Str("33")));
        assert_eq!(locator("emphasis added"), SpecificLocator(Locator::Custom, LocatorPayload::Str("emphasis added")));
    }

    #[test]
    fn unknown_style_is_none() {
        assert!(CslStyle::bundled("apa").is_some());
        assert!(CslStyle::bundled("no-such-style").is_none());
        assert!(CslStyle::names().contains(&"chicago-author-date"));
    }

    #[test]
    fn html_text_is_escaped() {
        let mut out = String::new();
        write_formatted(&mut out, &hayagriva::Formatting::default(), &escape_html("A & <B>"));
        assert_eq!(out, "A &amp; &lt;B&gt;");
        assert_eq!(html_to_plain(&out), "A & <B>");
    }
}
