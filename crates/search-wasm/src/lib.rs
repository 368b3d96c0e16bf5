//! The search engine in the browser: search-core compiled to wasm32-unknown-unknown.
//!
//! JavaScript hands over the packed index bytes once, then calls [`SearchEngine::search`] per
//! keystroke and [`SearchEngine::snippets`] once the text of the top results is loaded. The
//! word positions come later, on the first phrase query ([`SearchEngine::add_positions`]). Results
//! cross the boundary as JSON strings, produced by the same serde types the terminal prints.

use search_core::{Engine, SearchParams, SnippetInput};
use wasm_bindgen::prelude::*;

/// An opened index.
#[wasm_bindgen]
pub struct SearchEngine {
    engine: Engine,
}

#[wasm_bindgen]
impl SearchEngine {
    /// Opens the packed index (`search/index.bin`).
    #[wasm_bindgen(constructor)]
    pub fn new(index: &[u8]) -> Result<SearchEngine, JsError> {
        Ok(SearchEngine { engine: Engine::open(index)? })
    }

    /// True when `query` has a "quoted phrase" and `search/positions.bin` must be added first.
    #[wasm_bindgen(js_name = needsPositions)]
    pub fn needs_positions(&self, query: &str) -> bool {
        self.engine.needs_positions(query)
    }

    /// Adds the word positions (`search/positions.bin`), loaded on the first phrase query.
    #[wasm_bindgen(js_name = addPositions)]
    pub fn add_positions(&mut self, positions: &[u8]) -> Result<(), JsError> {
        Ok(self.engine.add_positions(positions)?)
    }

    /// The best sections for `query` as a JSON array of hits, best first; `kind` "" for all.
    pub fn search(&self, query: &str, kind: &str, limit: usize) -> Result<String, JsError> {
        let kind = (!kind.is_empty()).then(|| kind.to_string());
        let hits = self.engine.search(&SearchParams { query: query.to_string(), kind, limit })?;
        Ok(serde_json::to_string(&hits)?)
    }

    /// "Did you mean" queries for a query that found nothing, as a JSON array of strings.
    pub fn suggest(&self, query: &str, kind: &str) -> Result<String, JsError> {
        let kind = (!kind.is_empty()).then_some(kind);
        Ok(serde_json::to_string(&self.engine.suggest(query, kind))?)
    }

    /// For each string of the JSON array `texts`, the `[start, end]` ranges (JavaScript string
    /// indices) of `query`'s matches, as a JSON array: marks on the page a result opens.
    pub fn marks(&self, query: &str, texts: &str) -> Result<String, JsError> {
        let texts: Vec<String> = serde_json::from_str(texts)?;
        Ok(serde_json::to_string(&self.engine.marks(query, &texts))?)
    }

    /// Snippet HTML for each `{body, summary}` of the JSON array `texts`, as a JSON array.
    pub fn snippets(&self, query: &str, texts: &str) -> Result<String, JsError> {
        let inputs: Vec<SnippetInput> = serde_json::from_str(texts)?;
        Ok(serde_json::to_string(&self.engine.snippets(query, &inputs))?)
    }
}
