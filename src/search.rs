//! Builds the tantivy search index from the site model (uses search-core) and answers `rapport search`.
//!
//! Output under `search/`:
//! - `index.bin`: every index file packed in one blob (search-core's format), plus `.js` copy,
//!   with stand-ins for the word positions;
//! - `positions.bin`: the word positions, loaded only for phrase queries;
//! - `text/N.json.js`: section body texts, loaded lazily for the snippets of the top results
//!   (script-wrapped only: a script loads over http and from disk alike);
//! - `search_wasm_bg.wasm` and `search_wasm.js`: the engine built by build.rs, embedded here.
//!
//! Every fetched file has a script-wrapped copy (`X.js` setting `window.RapportSearchData[X]`):
//! browsers block fetch() on file://, but not classic `<script>` tags.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use rayon::prelude::*;
use search_core::{BuiltIndex, Engine, Hit, LiveIndex, SearchParams, SectionDoc, Synonyms};

use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::markdown::{WIKI_CLOSE, WIKI_OPEN};
use crate::model::config;
use crate::model::output::{ExtraPage, OutputFile};
use crate::model::page::Page;
use crate::model::site::Site;

/// The browser engine, built for wasm32 by build.rs.
const WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/search_wasm_bg.wasm"));
/// wasm-bindgen's glue for it (a classic script defining `rapportSearchWasm`).
const GLUE: &str = include_str!(concat!(env!("OUT_DIR"), "/search_wasm.js"));

/// Folder of the search files in the output.
pub const DIR: &str = "search";
/// The packed index.
pub const INDEX_FILE: &str = "index.bin";
/// Its word positions, loaded only for phrase queries.
pub const POSITIONS_FILE: &str = "positions.bin";
/// The kind indexes (label and root-relative URL), for the "No exact matches" hint of
/// `rapport search`; the browser takes them from the page's navigation.
pub const KINDS_FILE: &str = "kinds.json";
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
        (None, index_files(built))
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
        Ok((LiveSearch { index, indexed }, index_files(built)))
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
        Ok(index_files(built))
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

/// The packed index and positions, each with its script-wrapped copy, and the text chunks.
/// Binary files are fetched over http (no base64), so they come in both forms; the text chunks
/// are as small in a script as in JSON, so a script is all they need.
fn index_files(built: BuiltIndex) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = built
        .chunks
        .par_iter()
        .enumerate()
        .map(|(i, texts)| {
            let name = chunk_name(built.first_chunk as u64 + i as u64);
            script_file(&name, |out| out.push_str(&serde_json::to_string(texts).unwrap_or_default()))
        })
        .collect();
    for (name, bytes) in [(INDEX_FILE, built.blob), (POSITIONS_FILE, built.positions)] {
        files.push(script_file(name, |out| base64_literal(&bytes, out)));
        files.push(file(name, bytes));
    }
    files
}

fn file(name: &str, bytes: Vec<u8>) -> OutputFile {
    OutputFile { path: format!("{DIR}/{name}"), bytes }
}

/// Name of text chunk `n` (its file is this plus `.js`).
fn chunk_name(n: u64) -> String {
    format!("text/{n}.json")
}

/// Start of a script copy, up to the value.
fn script_head(name: &str) -> String {
    format!(
        "(window.RapportSearchData=window.RapportSearchData||{{}})[{}]=",
        serde_json::to_string(name).unwrap_or_default()
    )
}

/// `search/NAME.js`: sets `RapportSearchData[NAME]` to the JS value (a JSON or string literal)
/// that `value` appends.
fn script_file(name: &str, value: impl FnOnce(&mut String)) -> OutputFile {
    let mut js = script_head(name);
    value(&mut js);
    js.push_str(";\n");
    file(&format!("{name}.js"), js.into_bytes())
}

/// Appends `bytes` as a base64 string literal (encoded in place: the index is megabytes).
fn base64_literal(bytes: &[u8], out: &mut String) {
    out.push('"');
    BASE64.encode_string(bytes, out);
    out.push('"');
}

/// The value a script copy made by [`script_file`] holds.
fn script_value<'a>(name: &str, js: &'a str) -> Option<&'a str> {
    js.strip_prefix(&script_head(name))?.trim_end().strip_suffix(';')
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

/// A kind index to browse when a search finds nothing.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct KindLink {
    label: String,
    url: String,
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

/// Options of `rapport search`.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub kind: Option<String>,
    pub json: bool,
}

/// One result as `rapport search --json` prints it.
#[derive(Debug, serde::Serialize)]
struct JsonHit<'a> {
    title: &'a str,
    heading: &'a str,
    url: &'a str,
    kind: &'a str,
    score: f32,
    snippet: &'a str,
}

/// Runs `rapport search` against the index in the built site at `out_dir`; returns what to print.
pub fn search_command(out_dir: &Path, req: &SearchRequest) -> Result<String, Error> {
    let (hits, suggestions) = search_site(out_dir, req)?;
    if req.json {
        let list: Vec<JsonHit> = hits
            .iter()
            .map(|h| JsonHit {
                title: &h.title,
                heading: &h.heading,
                url: &h.url,
                kind: &h.kind,
                score: h.score,
                snippet: &h.snippet,
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&list).map_err(|e| Error::Usage(e.to_string()))?;
        out.push('\n');
        return Ok(out);
    }
    if hits.is_empty() {
        let kinds: Vec<KindLink> = std::fs::read(out_dir.join(DIR).join(KINDS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        return Ok(no_matches(&req.query, &suggestions, &kinds));
    }
    Ok(plain(&hits))
}

/// What `rapport search` prints when nothing matched: suggestions and where to browse.
fn no_matches(query: &str, suggestions: &[String], kinds: &[KindLink]) -> String {
    let mut out = format!("No exact matches for \u{201c}{}\u{201d}.\n", query.trim());
    if !suggestions.is_empty() {
        let quoted: Vec<String> = suggestions.iter().map(|s| format!("\u{201c}{s}\u{201d}")).collect();
        out.push_str(&format!("Did you mean {}?\n", quoted.join(", ")));
    }
    if !kinds.is_empty() {
        out.push_str("Browse instead:\n");
        for k in kinds {
            out.push_str(&format!("  {}  {}\n", k.label, k.url));
        }
    }
    out
}

/// Searches the built site at `out_dir` with snippets, the way the browser does; with no
/// results, also the "did you mean" queries.
pub fn search_site(out_dir: &Path, req: &SearchRequest) -> Result<(Vec<Hit>, Vec<String>), Error> {
    let dir = out_dir.join(DIR);
    let index_path = dir.join(INDEX_FILE);
    let blob = std::fs::read(&index_path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!("no search index in {}: run `rapport build` first", out_dir.display()))
        } else {
            Error::Io { path: index_path.clone(), source: e }
        }
    })?;
    let mut engine = Engine::open(&blob).map_err(|e| Error::Usage(format!("{}: {e}", index_path.display())))?;
    // Like the browser: positions only when the query has a phrase.
    if engine.needs_positions(&req.query) {
        let path = dir.join(POSITIONS_FILE);
        let positions = std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        engine.add_positions(&positions).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    }
    let params = SearchParams { query: req.query.clone(), kind: req.kind.clone(), limit: req.limit };
    let mut hits = engine.search(&params).map_err(|e| Error::Usage(e.to_string()))?;
    // Like the browser: results first, then the text of just those sections for snippets.
    let mut chunks = Chunks { dir, loaded: HashMap::new() };
    for h in &hits {
        chunks.load(h.chunk)?;
    }
    engine.fill_snippets(&req.query, &mut hits, |h| chunks.text(h));
    let suggestions = if hits.is_empty() { engine.suggest(&req.query, req.kind.as_deref()) } else { Vec::new() };
    Ok((hits, suggestions))
}

/// Body texts of the built site, read chunk by chunk as the hits need them.
struct Chunks {
    dir: PathBuf,
    loaded: HashMap<u64, Vec<String>>,
}

impl Chunks {
    fn load(&mut self, n: u64) -> Result<(), Error> {
        if self.loaded.contains_key(&n) {
            return Ok(());
        }
        let name = chunk_name(n);
        let path = self.dir.join(format!("{name}.js"));
        let js = std::fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        let damaged = |why: String| Error::Usage(format!("{}: damaged search text: {why}", path.display()));
        let json = script_value(&name, &js).ok_or_else(|| damaged("not a Rapport search script".into()))?;
        let list: Vec<String> = serde_json::from_str(json).map_err(|e| damaged(e.to_string()))?;
        self.loaded.insert(n, list);
        Ok(())
    }

    fn text(&self, h: &Hit) -> String {
        self.loaded.get(&h.chunk).and_then(|c| c.get(h.slot as usize)).cloned().unwrap_or_default()
    }
}

/// Results for a terminal: title › heading [kind], the URL, then the snippet with matches in [].
fn plain(hits: &[Hit]) -> String {
    let mut out = String::new();
    for (i, h) in hits.iter().enumerate() {
        let heading = if h.heading.is_empty() { String::new() } else { format!(" › {}", h.heading) };
        out.push_str(&format!("{}. {}{heading}  [{}]\n   {}\n", i + 1, h.title, h.kind_label, h.url));
        let snippet = unescape(&h.snippet.replace("<mark>", "[").replace("</mark>", "]"));
        if !snippet.is_empty() {
            out.push_str(&format!("   {snippet}\n"));
        }
    }
    out
}

/// Undoes the HTML escaping of a snippet for plain-text output.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_copies_give_their_value_back() {
        let f = script_file("text/3.json", |out| out.push_str(r#"["a \"b\";"]"#));
        assert_eq!(f.path, "search/text/3.json.js");
        let js = String::from_utf8(f.bytes).unwrap();
        assert_eq!(script_value("text/3.json", &js), Some(r#"["a \"b\";"]"#));
        assert_eq!(script_value("text/4.json", &js), None);
    }

    #[test]
    fn missing_index_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let req = SearchRequest { query: "x".into(), limit: 5, kind: None, json: false };
        let err = search_command(dir.path(), &req).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("run `rapport build` first"), "{err}");
    }
}
