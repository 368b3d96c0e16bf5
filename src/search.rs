//! Builds the tantivy search index from the site model (uses search-core) and answers `rapport search`.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::render::{ExtraPage, OutputFile};
use crate::site::Site;

/// Files the search feature adds to the output: index, wasm engine, glue script.
pub fn build_index(_site: &Site) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}

/// Generated pages of the search feature (the results page).
pub fn extra_pages(_site: &Site) -> Vec<ExtraPage> {
    Vec::new()
}

/// Options of `rapport search`.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub kind: Option<String>,
    pub json: bool,
}

/// Runs `rapport search` against the index in the built site at `out_dir`; returns what to print.
pub fn search_command(_out_dir: &Path, _req: &SearchRequest) -> Result<String, Error> {
    Err(Error::Usage("search is not implemented yet".into()))
}
