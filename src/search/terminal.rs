//! `rapport search`: the built site's index, read from disk by the piece as the browser loads it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use search_core::{Engine, Hit, SearchParams};

use super::files::{chunk_name, inflate, piece_name, script_value, KindLink, DIR, HOT_FILE, KINDS_FILE};
use crate::error::Error;

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
    let hot_path = dir.join(HOT_FILE);
    let hot = std::fs::read(&hot_path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!("no search index in {}: run `rapport build` first", out_dir.display()))
        } else {
            Error::Io { path: hot_path.clone(), source: e }
        }
    })?;
    let engine = Engine::open(&hot).map_err(|e| Error::Usage(format!("{}: {e}", hot_path.display())))?;
    let pieces = Pieces { engine: &engine, dir: &dir };
    let params = SearchParams { query: req.query.clone(), kind: req.kind.clone(), limit: req.limit };
    let mut hits = pieces.answer(|e| e.search(&params))?;
    // Like the browser: results first, then the text of just those sections for snippets.
    let mut chunks = Chunks { dir: dir.clone(), loaded: HashMap::new() };
    for h in &hits {
        chunks.load(h.chunk)?;
    }
    pieces.answer(|e| e.fill_snippets(&req.query, &mut hits, |h| chunks.text(h)))?;
    let suggestions =
        if hits.is_empty() { pieces.answer(|e| e.suggest(&req.query, req.kind.as_deref()))? } else { Vec::new() };
    Ok((hits, suggestions))
}

/// The index pieces of a built site, read from disk as the engine asks for them (as the
/// browser loads them).
struct Pieces<'a> {
    engine: &'a Engine,
    dir: &'a Path,
}

impl Pieces<'_> {
    /// Runs `op`, adding the pieces it asks for until it answers.
    fn answer<T>(&self, mut op: impl FnMut(&Engine) -> Result<T, search_core::SearchError>) -> Result<T, Error> {
        loop {
            match op(self.engine) {
                Err(search_core::SearchError::Missing(needed)) => {
                    for n in needed {
                        let path = self.dir.join(piece_name(n));
                        let bytes = std::fs::read(&path).and_then(|stored| inflate(&stored));
                        let bytes = bytes.map_err(|source| Error::Io { path: path.clone(), source })?;
                        self.engine
                            .add_piece(n, bytes)
                            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
                    }
                }
                other => return other.map_err(|e| Error::Usage(e.to_string())),
            }
        }
    }
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
    fn missing_index_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let req = SearchRequest { query: "x".into(), limit: 5, kind: None, json: false };
        let err = search_command(dir.path(), &req).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("run `rapport build` first"), "{err}");
    }
}
