//! Builds the tantivy search index from the site model (uses search-core); `terminal.rs`
//! answers `rapport search`, `files.rs` names the files both use.
//!
//! Output under `search/`:
//! - `hot.bin`: what opening the index reads (search-core's split format), plus `.js` copy;
//! - `pieces/N.bin`: the index files end to end in fixed-size pieces, deflated, each with a `.js`
//!   copy, loaded as queries need them;
//! - `text/N.json.js`: section body texts, loaded lazily for the snippets of the top results
//!   (script-wrapped only: a script loads over http and from disk alike);
//! - `search_wasm_bg.wasm` and `search_wasm.js`: the engine built by build.rs, embedded here.
//!
//! Every fetched file has a script-wrapped copy (`X.js` setting `window.RapportSearchData[X]`):
//! browsers block fetch() on file://, but not classic `<script>` tags.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use search_core::{BuiltIndex, LiveIndex, SectionDoc, Synonyms};

mod files;
mod terminal;

use self::files::{base64_literal, chunk_name, deflate, file, piece_name, script_file, KindLink};
pub use self::files::{inflate, DIR, HOT_FILE, KINDS_FILE};
pub use self::terminal::{search_command, search_site, SearchRequest};
use crate::diagnostics::Diagnostic;
use crate::markdown::{WIKI_CLOSE, WIKI_OPEN};
use crate::model::config;
use crate::model::output::{ExtraPage, OutputFile};
use crate::model::page::Page;
use crate::model::site::Site;

/// The browser engine, built for wasm32 by build.rs.
const WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/search_wasm_bg.wasm"));
/// wasm-bindgen's glue for it (a classic script defining `rapportSearchWasm`).
const GLUE: &str = include_str!(concat!(env!("OUT_DIR"), "/search_wasm.js"));

/// The synonyms file used when site.toml names none.
const DEFAULT_SYNONYMS: &str = "synonyms.txt";

/// Files the search feature adds to the output: index, wasm engine, glue script. With `live`,
/// also the index kept open for in-place updates (`rapport serve`).
pub fn index_site(site: &Site, live: bool) -> Result<(Option<LiveSearch>, Vec<OutputFile>), Vec<Diagnostic>> {
    let (live, mut files) = if live {
        let (index, files) = LiveSearch::new(site)?;
        (Some(index), files)
    } else {
        let synonyms = load_synonyms(site)?;
        let docs = site_docs(site);
        let built = search_core::build_index(&docs, &synonyms).map_err(index_error)?;
        (None, index_files(built, None))
    };
    files.push(file(KINDS_FILE, serde_json::to_vec_pretty(&kind_links(site)).unwrap_or_default()));
    files.push(script_file("search_wasm_bg.wasm", |out| base64_literal(WASM, out)));
    files.push(file("search_wasm_bg.wasm", WASM.to_vec()));
    files.push(file("search_wasm.js", GLUE.as_bytes().to_vec()));
    Ok((live, files))
}

/// The search index kept open by `rapport serve`, so an edit re-indexes only its own pages.
pub struct LiveSearch {
    index: LiveIndex,
    /// The page URL each indexed source file had, to remove its sections when it changes.
    indexed: HashMap<PathBuf, String>,
    /// A hash of each index piece written, so an update writes only the pieces that changed.
    pieces: Vec<u64>,
}

/// A live index with more segments than this (one per update) is rebuilt whole: every segment
/// costs the browser a little on each query.
const MAX_LIVE_SEGMENTS: usize = 32;

impl LiveSearch {
    /// Indexes the whole site; returns the live index and the index files (no engine files).
    pub fn new(site: &Site) -> Result<(LiveSearch, Vec<OutputFile>), Vec<Diagnostic>> {
        let synonyms = load_synonyms(site)?;
        let docs = site_docs(site);
        let (index, built) = LiveIndex::new(&docs, &synonyms).map_err(index_error)?;
        let indexed = site.pages.iter().map(|p| (p.rel.clone(), p.href.clone())).collect();
        let mut pieces = Vec::new();
        let files = index_files(built, Some(&mut pieces));
        Ok((LiveSearch { index, indexed, pieces }, files))
    }

    /// Replaces the sections of the pages whose sources (relative to content/) are in
    /// `changed`: edited, new, renamed and deleted pages alike. Returns the files to write.
    pub fn update(&mut self, site: &Site, changed: &BTreeSet<PathBuf>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let removed: Vec<String> = changed.iter().filter_map(|rel| self.indexed.remove(rel)).collect();
        let mut docs = Vec::new();
        for page in site.pages.iter().filter(|p| changed.contains(&p.rel)) {
            docs.extend(page_docs(site, page));
            self.indexed.insert(page.rel.clone(), page.href.clone());
        }
        let built = self.index.update(&removed, &docs).map_err(index_error)?;
        Ok(index_files(built, Some(&mut self.pieces)))
    }

    /// Segments of the index: those of a full build, and one more per update.
    pub fn index_segments(&self) -> usize {
        self.index.segments()
    }

    /// True once updates have split the index into so many segments that a fresh build is due.
    pub fn is_fragmented(&self) -> bool {
        self.index_segments() > MAX_LIVE_SEGMENTS
    }
}

fn site_docs(site: &Site) -> Vec<SectionDoc<'_>> {
    site.pages.iter().flat_map(|p| page_docs(site, p)).collect()
}

fn index_error(e: search_core::SearchError) -> Vec<Diagnostic> {
    vec![Diagnostic::error(DIR, 0, 0, format!("cannot build the search index: {e}"))]
}

/// The hot part and the pieces of the index, each with its script-wrapped copy, and the text
/// chunks. Binary files are fetched over http (no base64), so they come in both forms; the text
/// chunks are as small in a script as in JSON, so a script is all they need. For serve's live
/// index, `written` holds a hash of each piece already written: pieces that hash the same are
/// left out, and `written` is updated (a build writes every piece and hashes none).
fn index_files(built: BuiltIndex, written: Option<&mut Vec<u64>>) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = built
        .chunks
        .par_iter()
        .enumerate()
        .map(|(i, texts)| {
            let name = chunk_name(built.first_chunk as u64 + i as u64);
            script_file(&name, |out| out.push_str(&serde_json::to_string(texts).unwrap_or_default()))
        })
        .collect();
    let mut changed = vec![true; built.index.pieces.len()];
    if let Some(written) = written {
        let hashes: Vec<u64> = built.index.pieces.par_iter().map(|raw| hash(raw)).collect();
        for (n, h) in hashes.iter().enumerate() {
            changed[n] = written.get(n) != Some(h);
        }
        *written = hashes;
    }
    // Each raw piece is dropped once deflated: at 100,000 pages they are 140 MB.
    let pieces = built
        .index
        .pieces
        .into_par_iter()
        .enumerate()
        .filter(|(n, _)| changed[*n])
        .map(|(n, raw)| (piece_name(n as u32), deflate(&raw)));
    let binaries = pieces.chain(rayon::iter::once((HOT_FILE.to_string(), built.index.hot)));
    files
        .par_extend(binaries.flat_map_iter(|(name, bytes)| {
            [script_file(&name, |out| base64_literal(&bytes, out)), file(&name, bytes)]
        }));
    files
}

/// A hash of a piece's bytes, to tell whether an update changed it.
fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The problems of the synonyms file, as `build` finds them (for `check`).
pub fn check_synonyms(site: &Site) -> Vec<Diagnostic> {
    load_synonyms(site).err().unwrap_or_default()
}

/// The synonyms named in site.toml; a missing default file just means none.
fn load_synonyms(site: &Site) -> Result<Synonyms, Vec<Diagnostic>> {
    let name = site.config.search.synonyms.trim();
    if name.is_empty() {
        return Ok(Synonyms::empty());
    }
    let path = site.root.join(name);
    // A symbolic link may still lead out of the site root; it is refused like one in static/.
    if let Some(d) = crate::content::discover::link_problem(&site.root, &path, site.config.allow_outside_symlinks) {
        return Err(vec![d]);
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && name == DEFAULT_SYNONYMS => {
            return Ok(Synonyms::empty());
        }
        Err(e) => {
            // Only read again on this error path, to point at the `synonyms` line.
            let config = std::fs::read_to_string(site.root.join(config::CONFIG_FILE)).unwrap_or_default();
            let (line, col) = config::locate_line(&config, "synonyms");
            let msg = format!("cannot read the synonyms file {name}: {e}");
            let help = "create it, or set `synonyms = \"\"` under [search] to use none".to_string();
            return Err(vec![Diagnostic::error(config::CONFIG_FILE, line, col, msg).with_help(Some(help))]);
        }
    };
    Synonyms::parse(&text).map_err(|errs| {
        errs.into_iter().map(|e| Diagnostic::error(name, e.line, e.col, e.message).with_source(&text)).collect()
    })
}

/// One document for the page itself (its text before the first heading, title, summary, tags,
/// aliases, kind fields), then one per heading.
fn page_docs<'a>(site: &Site, page: &'a Page) -> Vec<SectionDoc<'a>> {
    let kind_label = site.kind_label(&page.kind);
    let mut category: Vec<String> = Vec::new();
    if let Some(kc) = site.config.kind(&page.kind) {
        for (name, fc) in &kc.fields {
            for v in page.fields.get(name).into_iter().flatten() {
                category.push(v.clone());
                category.push(fc.label_of(v));
            }
        }
    }
    let cited = |text: &'a str| titled_links(site, crate::citations::view::plain_cow(&site.citations, text));
    let sections = &page.doc.sections;
    let intro_body = sections.first().filter(|s| s.heading.is_none()).map(|s| s.text.as_str()).unwrap_or_default();
    let mut docs = vec![SectionDoc {
        page_title: page.title.as_str().into(),
        heading: None,
        // Citations are indexed as readers see them ("Wampold, 2015"), not as keys.
        body: cited(intro_body),
        summary: page.summary.as_str().into(),
        kind: page.kind.as_str().into(),
        kind_label: kind_label.clone().into(),
        category,
        tags: page.tags.clone(),
        aliases: page.aliases.clone(),
        url: page.href.as_str().into(),
    }];
    for s in sections.iter().filter(|s| s.heading.is_some()) {
        docs.push(SectionDoc {
            page_title: page.title.as_str().into(),
            heading: s.heading.as_deref().map(Into::into),
            body: cited(&s.text),
            kind: page.kind.as_str().into(),
            kind_label: kind_label.clone().into(),
            url: format!("{}#{}", page.href, s.anchor).into(),
            ..Default::default()
        });
    }
    docs
}

/// `text` with each unlabelled wiki link's target (marked by `markdown::analyze`) replaced by the
/// title the page shows for it: readers search for and see titles, never slugs.
fn titled_links<'a>(site: &Site, text: Cow<'a, str>) -> Cow<'a, str> {
    if !text.contains(WIKI_OPEN) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(start) = rest.find(WIKI_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + WIKI_OPEN.len_utf8()..];
        let end = after.find(WIKI_CLOSE).unwrap_or(after.len());
        let target = &after[..end];
        let name = target.split('#').next().unwrap_or(target);
        match site.graph.find(name) {
            Some(i) => out.push_str(&site.pages[i].title),
            None => out.push_str(target),
        }
        rest = after.get(end + WIKI_CLOSE.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Every kind with pages except plain pages, in site.toml order (as the navigation lists them).
fn kind_links(site: &Site) -> Vec<KindLink> {
    site.config
        .kinds
        .keys()
        .filter(|k| *k != "page" && site.pages.iter().any(|p| &p.kind == *k))
        .map(|k| KindLink { label: site.kind_plural(k), url: crate::render::kind_index_path(site, k) })
        .collect()
}

/// Generated pages of the search feature (the results page).
pub fn extra_pages(site: &Site) -> Vec<ExtraPage> {
    let kinds: Vec<serde_json::Value> = site
        .config
        .kinds
        .keys()
        .filter(|k| site.pages.iter().any(|p| &p.kind == *k))
        .map(|k| serde_json::json!({"name": k, "label": site.kind_plural(k)}))
        .collect();
    vec![ExtraPage {
        template: "search.html".into(),
        path: "search.html".into(),
        title: "Search".into(),
        extra: serde_json::json!({ "kinds": kinds }),
    }]
}
