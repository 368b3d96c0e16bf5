//! `regex` for the wasm search engine: regex-lite under the name tantivy depends on.
pub use regex_lite::*;
