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
    /// The answer needs these index pieces, not loaded yet: add them and ask again.
    #[error("index pieces not loaded yet: {0:?}")]
    Missing(Vec<u32>),
    #[error("cannot encode results: {0}")]
    Json(#[from] serde_json::Error),
}
