//! Preview data for `assets/preview.js`: per page its title, kind, summary and first paragraph,
//! and per glossary entry its definition, as scripts (file:// allows no fetch).
//!
//! The data is split into chunks loaded on the first hover or focus of a link into them: one
//! per top folder of the link target, split further by a hash of the target when a folder
//! holds more than [`CHUNK`] entries. `assets/previews/index.js` maps each folder to its file
//! name and number of parts; `preview.js` computes the same hash (FNV-1a over UTF-8).

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::citations;
use crate::glossary::Glossary;
use crate::markdown;
use crate::model::output::OutputFile;
use crate::model::site::Site;
use crate::model::slug::slugify;

/// Entries per chunk file at most (about 17 KB gzipped on a generated 10k-page corpus).
pub const CHUNK: usize = 150;
/// Characters of a first paragraph kept in a preview.
const EXCERPT: usize = 280;
/// Folder the chunk files are written to.
pub const DIR: &str = "assets/previews";

/// One preview: [title, kind label, summary, excerpt] (an array keeps the data small).
type Preview = [String; 4];

/// FNV-1a (32 bit) of `s`: the same in Rust and in preview.js, unlike std's hasher.
pub fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// The top folder of a root-relative link target (`""` for files at the root).
pub fn folder_of(key: &str) -> &str {
    key.split_once('/').map_or("", |(f, _)| f)
}

/// `text` cut at a word boundary near `max` characters, with an ellipsis.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The plain text of the first top-level paragraph of page `i`'s body, citations formatted.
fn first_paragraph(site: &Site, i: usize) -> String {
    let page = &site.pages[i];
    let mut depth = 0usize;
    let mut text = String::new();
    let mut inside = false;
    for e in Parser::new_ext(page.body(), markdown::options()) {
        match e {
            Event::Start(Tag::Paragraph) if depth == 0 => inside = true,
            Event::End(TagEnd::Paragraph) if inside => break,
            Event::Start(Tag::Paragraph) => {}
            Event::Start(_) if !inside => depth += 1,
            Event::End(_) if !inside => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if inside => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    let text = citations::view::plain(&site.citations, &text);
    excerpt(&text.split_whitespace().collect::<Vec<_>>().join(" "), EXCERPT)
}

/// Where a preview comes from: a page, or a glossary entry with an anchor.
#[derive(Clone, Copy)]
enum Source {
    Page(usize),
    Term(usize),
}

/// Every preview's key (its root-relative link target) and source; no page body is read.
fn sources<'a>(site: &'a Site, glossary: &'a Glossary) -> BTreeMap<&'a str, Source> {
    let mut out = BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        out.insert(p.href.as_str(), Source::Page(i));
    }
    for (k, t) in glossary.terms.iter().enumerate().filter(|(_, t)| t.anchor.is_some()) {
        out.insert(t.href.as_str(), Source::Term(k));
    }
    out
}

/// The preview of one source.
fn preview(site: &Site, glossary: &Glossary, source: Source) -> Preview {
    match source {
        Source::Page(i) => {
            let p = &site.pages[i];
            let mut first = first_paragraph(site, i);
            if first == p.summary {
                first.clear();
            }
            [p.title.clone(), site.kind_label(&p.kind), p.summary.clone(), first]
        }
        Source::Term(k) => {
            let t = &glossary.terms[k];
            [t.name.clone(), "Glossary".into(), t.definition.clone(), String::new()]
        }
    }
}

/// A folder's chunk files: their name stem and how many parts.
#[derive(Debug, Serialize, PartialEq)]
struct FolderChunks {
    file: String,
    parts: u32,
}

/// The keys of each folder, and its chunk layout.
fn layout<'a>(all: &BTreeMap<&'a str, Source>) -> BTreeMap<&'a str, (FolderChunks, Vec<&'a str>)> {
    let mut by_folder: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for k in all.keys() {
        by_folder.entry(folder_of(k)).or_default().push(k);
    }
    by_folder
        .into_iter()
        .map(|(folder, keys)| {
            let parts = keys.len().div_ceil(CHUNK).max(1) as u32;
            let file = if folder.is_empty() { "_root".to_string() } else { format!("f-{}", slugify(folder)) };
            (folder, (FolderChunks { file, parts }, keys))
        })
        .collect()
}

/// The chunk files `wanted` picks (by folder and part), and the index when `with_index`.
fn chunk_files(
    site: &Site,
    glossary: &Glossary,
    wanted: impl Fn(&str, u32) -> bool,
    with_index: bool,
) -> Vec<OutputFile> {
    let all = sources(site, glossary);
    let folders = layout(&all);
    let mut files = Vec::new();
    for (folder, (chunks, keys)) in &folders {
        for n in (0..chunks.parts).filter(|&n| wanted(folder, n)) {
            let chunk: BTreeMap<&str, Preview> = keys
                .iter()
                .filter(|k| fnv1a(k) % chunks.parts == n)
                .map(|k| (*k, preview(site, glossary, all[k])))
                .collect();
            let json = serde_json::to_string(&chunk).unwrap_or_else(|_| "{}".into());
            files.push(OutputFile {
                path: format!("{DIR}/{}-{n}.js", chunks.file),
                bytes: format!("window.RapportPreviews&&RapportPreviews.add({json});\n").into_bytes(),
            });
        }
    }
    if with_index {
        let index: BTreeMap<&str, &FolderChunks> = folders.iter().map(|(f, (c, _))| (*f, c)).collect();
        let json = serde_json::to_string(&index).unwrap_or_else(|_| "{}".into());
        files.push(OutputFile {
            path: format!("{DIR}/index.js"),
            bytes: format!("window.RapportPreviews&&RapportPreviews.index({json});\n").into_bytes(),
        });
    }
    files
}

/// The index and every chunk script under [`DIR`].
pub fn output_files(site: &Site, glossary: &Glossary) -> Vec<OutputFile> {
    chunk_files(site, glossary, |_, _| true, true)
}

/// The chunk scripts holding the previews of `pages`: what serve rewrites after editing them in
/// place (the set of pages, so every chunk's name and the index, is unchanged).
pub fn files_of_pages(site: &Site, glossary: &Glossary, pages: &[usize]) -> Vec<OutputFile> {
    let all = sources(site, glossary);
    let folders = layout(&all);
    let wanted: std::collections::BTreeSet<(&str, u32)> = pages
        .iter()
        .map(|&i| site.pages[i].href.as_str())
        .filter_map(|href| {
            let folder = folder_of(href);
            folders.get(folder).map(|(c, _)| (folder, fnv1a(href) % c.parts))
        })
        .collect();
    chunk_files(site, glossary, |f, n| wanted.contains(&(f, n)), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // Published FNV-1a 32-bit test vectors; preview.js computes the same.
        assert_eq!(fnv1a(""), 0x811c9dc5);
        assert_eq!(fnv1a("a"), 0xe40c292c);
        assert_eq!(fnv1a("foobar"), 0xbf9cf968);
    }

    #[test]
    fn folders_and_excerpts() {
        assert_eq!(folder_of("factors/empathy.html"), "factors");
        assert_eq!(folder_of("glossary.html#term-bond"), "");
        assert_eq!(excerpt("one two three", 100), "one two three");
        assert_eq!(excerpt("one two, three four", 9), "one two…");
    }
}
