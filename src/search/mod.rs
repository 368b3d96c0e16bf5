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
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;
use search_core::{Chunk, DocsOf, LiveIndex, SectionDoc, SplitIndex, Synonyms};

mod files;
mod terminal;

use self::files::{
    base64_literal, chunk_name, deflate, file, pack_index, pack_name, piece_name, script_file, KindLink, PACK_INDEX,
};
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

/// Receives output files as they are made, from any thread: a build writes them at once, so a
/// large site's search files are never all held in memory.
pub type Emit<'s> = &'s (dyn Fn(Vec<OutputFile>) + Sync);

/// Makes the files the search feature adds to the output (index, text chunks, wasm engine, glue
/// script) and hands them to `emit` as they are made. The site's text streams through the
/// indexer a page at a time. With `live`, returns the index kept open for in-place updates
/// (`rapport serve`).
pub fn index_site(site: &Site, live: bool, emit: Emit) -> Result<Option<LiveSearch>, Vec<Diagnostic>> {
    let live = if live {
        Some(LiveSearch::new(site, emit)?)
    } else {
        let synonyms = load_synonyms(site)?;
        let on_chunk = |chunk: Chunk| emit(vec![chunk_file(chunk)]);
        let split = with_docs(site, |docs_of| {
            search_core::build_index_streaming(site.pages.len(), docs_of, &synonyms, &on_chunk).map_err(index_error)
        })?;
        split_files(split, None, emit);
        None
    };
    emit(vec![
        file(KINDS_FILE, serde_json::to_vec_pretty(&kind_links(site)).unwrap_or_default()),
        script_file("search_wasm_bg.wasm", |out| base64_literal(WASM, out)),
        file("search_wasm_bg.wasm", WASM.to_vec()),
        file("search_wasm.js", GLUE.as_bytes().to_vec()),
    ]);
    Ok(live)
}

/// Runs `f` with an [`Emit`] that keeps every file; returns `f`'s result and the files.
pub fn collect_files<T>(f: impl FnOnce(Emit) -> T) -> (T, Vec<OutputFile>) {
    let files = std::sync::Mutex::new(Vec::new());
    let result = f(&|more: Vec<OutputFile>| files.lock().unwrap_or_else(|e| e.into_inner()).extend(more));
    (result, files.into_inner().unwrap_or_else(|e| e.into_inner()))
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
    /// Indexes the whole site, handing the index files (not the engine's) to `emit`.
    pub fn new(site: &Site, emit: Emit) -> Result<LiveSearch, Vec<Diagnostic>> {
        let synonyms = load_synonyms(site)?;
        let on_chunk = |chunk: Chunk| emit(vec![chunk_file(chunk)]);
        let (index, split) = with_docs(site, |docs_of| {
            LiveIndex::new_streaming(site.pages.len(), docs_of, &synonyms, &on_chunk).map_err(index_error)
        })?;
        let indexed = site.pages.iter().map(|p| (p.rel.clone(), p.href.clone())).collect();
        let mut pieces = Vec::new();
        split_files(split, Some(&mut pieces), emit);
        Ok(LiveSearch { index, indexed, pieces })
    }

    /// Replaces the sections of the pages whose sources (relative to content/) are in
    /// `changed`: edited, new, renamed and deleted pages alike. Returns the files to write.
    pub fn update(&mut self, site: &Site, changed: &BTreeSet<PathBuf>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let removed: Vec<String> = changed.iter().filter_map(|rel| self.indexed.remove(rel)).collect();
        let mut docs = Vec::new();
        for page in site.pages.iter().filter(|p| changed.contains(&p.rel)) {
            docs.extend(page_docs(site, page).map_err(|d| vec![d])?);
            self.indexed.insert(page.rel.clone(), page.href.clone());
        }
        let built = self.index.update(&removed, &docs).map_err(index_error)?;
        let first = built.first_chunk as u64;
        let ((), mut files) = collect_files(|emit| split_files(built.index, Some(&mut self.pieces), emit));
        files.extend(built.chunks.into_iter().zip(first..).map(|(texts, n)| chunk_file((n, texts))));
        Ok(files)
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

fn index_error(e: search_core::SearchError) -> Vec<Diagnostic> {
    vec![Diagnostic::error(DIR, 0, 0, format!("cannot build the search index: {e}"))]
}

/// A chunk of section texts as a script (as small as JSON, and a script loads over http and
/// from disk alike).
fn chunk_file((n, texts): Chunk) -> OutputFile {
    script_file(&chunk_name(n), |out| out.push_str(&serde_json::to_string(&texts).unwrap_or_default()))
}

/// Pieces deflated and written at a time: a batch keeps both cores busy, and no more than a
/// batch of them is held at once (stored, in a pack, as base64). Also the pieces of a pack.
const PIECE_BATCH: usize = 64;

/// The hot part and the pieces of the index, each with its script-wrapped copy, handed to `emit`
/// a batch at a time. Binary files are fetched over http (no base64), so they come in both
/// forms. For serve's live index, `written` holds a hash of each piece already written: pieces
/// that hash the same are left out, and `written` is updated (a build hashes none).
fn split_files(split: SplitIndex, written: Option<&mut Vec<u64>>, emit: Emit) {
    // A build also writes each batch as one pack. serve rewrites single pieces, so it writes
    // none, and its pack index says so (a pack left by an earlier build is then not used).
    let mut packs: Option<Vec<usize>> = written.is_none().then(Vec::new);
    let mut changed = vec![true; split.pieces.len()];
    if let Some(written) = written {
        let hashes: Vec<u64> = split.pieces.par_iter().map(|raw| hash(raw)).collect();
        for (n, h) in hashes.iter().enumerate() {
            changed[n] = written.get(n) != Some(h);
        }
        *written = hashes;
    }
    let both_forms =
        |(name, bytes): (String, Vec<u8>)| [script_file(&name, |out| base64_literal(&bytes, out)), file(&name, bytes)];
    let mut pieces = split.pieces.into_iter().enumerate().filter(|(n, _)| changed[*n]).peekable();
    while pieces.peek().is_some() {
        let batch: Vec<(usize, Vec<u8>)> = pieces.by_ref().take(PIECE_BATCH).collect();
        // Each raw piece is dropped once deflated: at 100,000 pages they are 140 MB.
        let stored: Vec<(usize, Vec<u8>)> = batch.into_par_iter().map(|(n, raw)| (n, deflate(&raw))).collect();
        let mut files = Vec::with_capacity(stored.len() * 2 + 1);
        if let Some(lens) = &mut packs {
            files.push(file(
                &pack_name(lens.len() / PIECE_BATCH),
                stored.iter().map(|(_, s)| s.as_slice()).collect::<Vec<_>>().concat(),
            ));
            lens.extend(stored.iter().map(|(_, s)| s.len()));
        }
        files.extend(
            stored.into_par_iter().flat_map_iter(|(n, s)| both_forms((piece_name(n as u32), s))).collect::<Vec<_>>(),
        );
        emit(files);
    }
    let index = file(PACK_INDEX, pack_index(PIECE_BATCH, crc32fast::hash(&split.hot), packs.as_deref()));
    let [script, hot] = both_forms((HOT_FILE.to_string(), split.hot));
    emit(vec![index, script, hot]);
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

/// Runs `build` with every page's documents to stream through the indexer. A page whose text
/// cannot be read back is indexed empty and reported after `build` (which may ask for a page
/// twice: its error is kept once).
fn with_docs<'a, T>(
    site: &'a Site,
    build: impl FnOnce(DocsOf<'_, 'a>) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    let unread: Mutex<BTreeMap<usize, Diagnostic>> = Mutex::default();
    let docs_of = |i: usize| {
        page_docs(site, &site.pages[i]).unwrap_or_else(|d| {
            unread.lock().unwrap_or_else(|e| e.into_inner()).insert(i, d);
            Vec::new()
        })
    };
    let built = build(&docs_of)?;
    let unread = unread.into_inner().unwrap_or_else(|e| e.into_inner());
    if unread.is_empty() {
        Ok(built)
    } else {
        Err(unread.into_values().collect())
    }
}

/// One document for the page itself (its text before the first heading, title, summary, tags,
/// aliases, kind fields), then one per heading; or why its text could not be read.
fn page_docs<'a>(site: &Site, page: &'a Page) -> Result<Vec<SectionDoc<'a>>, Diagnostic> {
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
    // Citations are indexed as readers see them ("Wampold, 2015"), not as keys.
    let cited = |text: String| -> Cow<'a, str> {
        match titled_links(site, crate::citations::view::plain_cow(&site.citations, &text)) {
            Cow::Owned(changed) => Cow::Owned(changed),
            Cow::Borrowed(_) => Cow::Owned(text),
        }
    };
    let mut sections = crate::markdown::sections(&page.text()?, page.body_start).into_iter().peekable();
    let intro_body = sections.next_if(|s| s.heading.is_none()).map(|s| s.text).unwrap_or_default();
    let mut docs = vec![SectionDoc {
        page_title: page.title.as_str().into(),
        heading: None,
        body: cited(intro_body),
        summary: page.summary.as_str().into(),
        kind: page.kind.as_str().into(),
        kind_label: kind_label.clone().into(),
        category,
        tags: page.tags.clone(),
        aliases: page.aliases.clone(),
        url: page.href.as_str().into(),
    }];
    for s in sections.filter(|s| s.heading.is_some()) {
        docs.push(SectionDoc {
            page_title: page.title.as_str().into(),
            heading: s.heading.map(Into::into),
            body: cited(s.text),
            kind: page.kind.as_str().into(),
            kind_label: kind_label.clone().into(),
            url: format!("{}#{}", page.href, s.anchor).into(),
            ..Default::default()
        });
    }
    Ok(docs)
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
