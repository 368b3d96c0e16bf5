//! The search engine in the browser: search-core compiled to wasm32-unknown-unknown.
//!
//! JavaScript hands over the hot part of the index (`search/hot.bin`) once, then calls
//! [`SearchEngine::search`] per keystroke and [`SearchEngine::snippets`] once the text of the top
//! results is loaded. Every query method answers `{"need": [N, ...]}` when it has to read index
//! pieces that are not loaded yet: JavaScript loads `search/pieces/N.bin` (or its script copy,
//! or a run of pieces from a pack), hands each, still deflated, to [`SearchEngine::add_piece`]
//! and asks again. Otherwise the answer is
//! `{"ok": ...}`. Results cross the boundary as JSON strings, produced by the same serde types
//! the terminal prints.

use search_core::{Engine, SearchError, SearchParams, SnippetInput, PIECE_BYTES};
use wasm_bindgen::prelude::*;

/// An opened index.
#[wasm_bindgen]
pub struct SearchEngine {
    engine: Engine,
}

/// `{"ok": value}`, or `{"need": pieces}` when pieces are missing; other errors are thrown.
fn answer<T: serde::Serialize>(result: Result<T, SearchError>) -> Result<String, JsError> {
    match result {
        // Serialized directly, not through serde_json::Value, which would widen scores to f64.
        Ok(value) => Ok(format!("{{\"ok\":{}}}", serde_json::to_string(&value)?)),
        Err(SearchError::Missing(pieces)) => Ok(format!("{{\"need\":{}}}", serde_json::to_string(&pieces)?)),
        Err(e) => Err(e.into()),
    }
}

fn kind_of(kind: &str) -> Option<&str> {
    (!kind.is_empty()).then_some(kind)
}

#[wasm_bindgen]
impl SearchEngine {
    /// Opens the index from its hot part (`search/hot.bin`).
    #[wasm_bindgen(constructor)]
    pub fn new(hot: &[u8]) -> Result<SearchEngine, JsError> {
        Ok(SearchEngine { engine: Engine::open(hot)? })
    }

    /// Adds index piece `n` as stored (`search/pieces/N.bin`, raw DEFLATE).
    #[wasm_bindgen(js_name = addPiece)]
    pub fn add_piece(&self, n: u32, stored: &[u8]) -> Result<(), JsError> {
        let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(stored, PIECE_BYTES)
            .map_err(|e| JsError::new(&format!("index piece {n} is damaged: {e}")))?;
        Ok(self.engine.add_piece(n, bytes)?)
    }

    /// The best sections for `query`, best first; `kind` "" for all.
    pub fn search(&self, query: &str, kind: &str, limit: usize) -> Result<String, JsError> {
        let params = SearchParams { query: query.to_string(), kind: kind_of(kind).map(str::to_string), limit };
        answer(self.engine.search(&params))
    }

    /// "Did you mean" queries for a query that found nothing.
    pub fn suggest(&self, query: &str, kind: &str) -> Result<String, JsError> {
        answer(self.engine.suggest(query, kind_of(kind)))
    }

    /// For each string of the JSON array `texts`, the `[start, end]` ranges (JavaScript string
    /// indices) of `query`'s matches: marks on the page a result opens.
    pub fn marks(&self, query: &str, texts: &str) -> Result<String, JsError> {
        let texts: Vec<String> = serde_json::from_str(texts)?;
        answer(self.engine.marks(query, &texts))
    }

    /// Snippet HTML for each `{body, summary}` of the JSON array `texts`.
    pub fn snippets(&self, query: &str, texts: &str) -> Result<String, JsError> {
        let inputs: Vec<SnippetInput> = serde_json::from_str(texts)?;
        answer(self.engine.snippets(query, &inputs))
    }
}
