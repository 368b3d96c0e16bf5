//! Preview data for `assets/preview.js`: per page its title, kind, summary and first paragraph,
//! and per glossary entry its definition, as scripts (file:// allows no fetch).
//!
//! The data is split into chunks loaded on the first hover or focus of a link into them: one
//! per top folder of the link target, split further by a hash of the target when a folder
//! holds more than [`CHUNK`] entries. `assets/previews/index.js` maps each folder to its file
//! name and number of parts; `preview.js` computes the same hash (FNV-1a over UTF-8).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use crate::citations;
use crate::diagnostics::Diagnostic;
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
fn first_paragraph(site: &Site, i: usize) -> Result<String, Diagnostic> {
    let page = &site.pages[i];
    let source = page.text()?;
    let mut depth = 0usize;
    let mut text = String::new();
    let mut inside = false;
    for e in Parser::new_ext(&source[page.body_start..], markdown::options()) {
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
    Ok(excerpt(&text.split_whitespace().collect::<Vec<_>>().join(" "), EXCERPT))
}

/// Where a preview comes from: a page, or a glossary entry with an anchor.
#[derive(Clone, Copy)]
enum Source {
    Page(usize),
    Term(usize),
}

/// Every preview's key (its root-relative link target) and source, pages first; no page body is
/// read. A key given twice keeps its last source.
fn keys<'a>(site: &'a Site, glossary: &'a Glossary) -> impl Iterator<Item = (&'a str, Source)> {
    let pages = site.pages.iter().enumerate().map(|(i, p)| (p.href.as_str(), Source::Page(i)));
    let terms = glossary.terms.iter().enumerate().filter(|(_, t)| t.anchor.is_some());
    pages.chain(terms.map(|(k, t)| (t.href.as_str(), Source::Term(k))))
}

/// The preview of one source.
fn preview(site: &Site, glossary: &Glossary, source: Source) -> Result<Preview, Diagnostic> {
    Ok(match source {
        Source::Page(i) => {
            let p = &site.pages[i];
            let mut first = first_paragraph(site, i)?;
            if first == p.summary {
                first.clear();
            }
            [p.title.clone(), site.kind_label(&p.kind), p.summary.clone(), first]
        }
        Source::Term(k) => {
            let t = &glossary.terms[k];
            [t.name.clone(), "Glossary".into(), t.definition.clone(), String::new()]
        }
    })
}

/// A folder's chunk files: their name stem and how many parts.
#[derive(Debug, Serialize, PartialEq)]
struct FolderChunks {
    file: String,
    parts: u32,
}

impl FolderChunks {
    /// The chunk files of a folder holding `count` previews.
    fn new(folder: &str, count: usize) -> FolderChunks {
        let parts = count.div_ceil(CHUNK).max(1) as u32;
        let file = if folder.is_empty() { "_root".to_string() } else { format!("f-{}", slugify(folder)) };
        FolderChunks { file, parts }
    }

    /// The part holding `key`.
    fn part_of(&self, key: &str) -> u32 {
        fnv1a(key) % self.parts
    }
}

/// Chunk `n` of a folder, from the previews it holds.
fn chunk_file(
    site: &Site,
    glossary: &Glossary,
    chunks: &FolderChunks,
    n: u32,
    keys: &BTreeMap<&str, Source>,
) -> Result<OutputFile, Vec<Diagnostic>> {
    let mut chunk: BTreeMap<&str, Preview> = BTreeMap::new();
    let mut problems = Vec::new();
    for (k, s) in keys {
        match preview(site, glossary, *s) {
            Ok(p) => {
                chunk.insert(k, p);
            }
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let json = serde_json::to_string(&chunk).unwrap_or_else(|_| "{}".into());
    Ok(OutputFile {
        path: format!("{DIR}/{}-{n}.js", chunks.file),
        bytes: format!("window.RapportPreviews&&RapportPreviews.add({json});\n").into_bytes(),
    })
}

/// The index and every chunk script under [`DIR`], or the pages whose text could not be read.
pub fn output_files(site: &Site, glossary: &Glossary) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let all: BTreeMap<&str, Source> = keys(site, glossary).collect();
    let mut by_folder: BTreeMap<&str, BTreeMap<&str, Source>> = BTreeMap::new();
    for (k, s) in all {
        by_folder.entry(folder_of(k)).or_default().insert(k, s);
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut index: BTreeMap<&str, FolderChunks> = BTreeMap::new();
    for (folder, keys) in by_folder {
        let chunks = FolderChunks::new(folder, keys.len());
        let mut parts: Vec<BTreeMap<&str, Source>> = (0..chunks.parts).map(|_| BTreeMap::new()).collect();
        for (k, s) in keys {
            parts[chunks.part_of(k) as usize].insert(k, s);
        }
        let made: Vec<_> =
            parts.par_iter().enumerate().map(|(n, keys)| chunk_file(site, glossary, &chunks, n as u32, keys)).collect();
        for file in made {
            match file {
                Ok(f) => files.push(f),
                Err(ds) => problems.extend(ds),
            }
        }
        index.insert(folder, chunks);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "{}".into());
    files.push(OutputFile {
        path: format!("{DIR}/index.js"),
        bytes: format!("window.RapportPreviews&&RapportPreviews.index({json});\n").into_bytes(),
    });
    Ok(files)
}

/// The chunk scripts holding the previews of `pages`: what serve rewrites after editing them in
/// place (the set of pages, so every chunk's name and the index, is unchanged). Only the keys
/// of the pages' folders are counted and only their chunks' keys sorted, so a save does not
/// sort every page of a large site.
pub fn files_of_pages(site: &Site, glossary: &Glossary, pages: &[usize]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let folders: BTreeSet<&str> = pages.iter().map(|&i| folder_of(&site.pages[i].href)).collect();
    let mut in_folders: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (k, _) in keys(site, glossary).filter(|(k, _)| folders.contains(folder_of(k))) {
        in_folders.entry(folder_of(k)).or_default().insert(k);
    }
    let layout: HashMap<&str, FolderChunks> =
        in_folders.iter().map(|(f, keys)| (*f, FolderChunks::new(f, keys.len()))).collect();
    let wanted: BTreeSet<(&str, u32)> = pages
        .iter()
        .map(|&i| site.pages[i].href.as_str())
        .filter_map(|href| layout.get(folder_of(href)).map(|c| (folder_of(href), c.part_of(href))))
        .collect();
    let mut chunks: BTreeMap<(&str, u32), BTreeMap<&str, Source>> = BTreeMap::new();
    for (k, s) in keys(site, glossary) {
        let folder = folder_of(k);
        if let Some(c) = layout.get(folder).filter(|c| wanted.contains(&(folder, c.part_of(k)))) {
            chunks.entry((folder, c.part_of(k))).or_default().insert(k, s);
        }
    }
    chunks.iter().map(|((f, n), keys)| chunk_file(site, glossary, &layout[f], *n, keys)).collect()
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
    fn the_chunks_of_edited_pages_are_those_of_the_whole_build() {
        // 320 factors make three chunks of their folder; the glossary page adds root entries.
        let mut files: Vec<(String, String)> = (0..320)
            .map(|i| (format!("content/factors/f{i}.md"), format!("---\ntitle: Factor {i}\n---\nText {i}.\n")))
            .collect();
        files.push(("content/glossary.md".into(), "---\ntitle: Glossary\n---\n- **Bond**: a tie.\n".into()));
        files.push(("site.toml".into(), "title = \"T\"\n[kinds.factor]\nfolder = \"factors\"\n".into()));
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let (_d, site) = crate::glossary::tests::site(&refs);
        let glossary = Glossary::new(&site);
        let whole = output_files(&site, &glossary).expect("texts held");
        let index = String::from_utf8_lossy(&whole.last().expect("index").bytes).into_owned();
        assert!(index.contains(r#""factors":{"file":"f-factors","parts":3}"#), "{index}");
        let edited: Vec<usize> =
            ["f7", "f200", "glossary"].iter().map(|s| site.page_by_slug(s).expect("page")).collect();
        let some = files_of_pages(&site, &glossary, &edited).expect("texts held");
        let wanted: BTreeSet<String> = edited
            .iter()
            .map(|&i| {
                let href = &site.pages[i].href;
                let f = FolderChunks::new(folder_of(href), if folder_of(href).is_empty() { 2 } else { 320 });
                format!("{DIR}/{}-{}.js", f.file, f.part_of(href))
            })
            .collect();
        assert_eq!(some.iter().map(|f| f.path.clone()).collect::<BTreeSet<_>>(), wanted);
        for f in &some {
            let same = whole.iter().find(|w| w.path == f.path).expect("a chunk of the whole build");
            assert_eq!(f.bytes, same.bytes, "{}", f.path);
        }
    }

    #[test]
    fn folders_and_excerpts() {
        assert_eq!(folder_of("factors/empathy.html"), "factors");
        assert_eq!(folder_of("glossary.html#term-bond"), "");
        assert_eq!(excerpt("one two three", 100), "one two three");
        assert_eq!(excerpt("one two, three four", 9), "one two…");
    }
}
