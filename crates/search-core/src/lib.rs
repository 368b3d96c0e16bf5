//! Rapport search: the one module compiled for both the native binary and the browser (wasm32).
//!
//! tantivy stores no tokenizers in an index, so whoever opens an index must register the same
//! ones that built it. Keeping schema, analyzer, synonyms, query building and snippets in this
//! crate, with no other Rapport dependency, is what makes the terminal and the browser return
//! the same results in the same order.

mod analyzer;
mod concept;
mod engine;
mod error;
mod first_pass;
mod pack;
mod pieces;
mod query;
mod query_text;
mod rescore;
mod schema;
mod split;
mod synonyms;
mod terms;
mod typos;
mod warm;
mod words;
mod writer;

pub use analyzer::{analyzer, Analyzed};
pub use engine::{escape, Engine, Hit, SearchParams, SnippetInput};
pub use error::SearchError;
pub use split::{SplitIndex, PIECE_BYTES};
pub use synonyms::{Synonyms, SynonymsError};
pub use writer::{build_index, build_index_streaming, BuiltIndex, Chunk, DocsOf, LiveIndex, OnChunk, SectionDoc};

/// Name under which the analyzer is registered with tantivy (index and query side alike).
pub const ANALYZER: &str = "rapport";

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 180;
