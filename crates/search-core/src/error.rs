//! Errors of the search engine.

/// Why building, opening or querying an index failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index is damaged or from another version: {0}")]
    BadPack(String),
    #[error(transparent)]
    Synonyms(#[from] crate::synonyms::SynonymsError),
    #[error("indexing stopped unexpectedly (a thread panicked)")]
    IndexingPanicked,
    #[error("this query has a phrase: load the word positions (positions.bin) first")]
    PositionsNotLoaded,
    #[error("cannot encode results: {0}")]
    Json(#[from] serde_json::Error),
}
