//! Rapport: a static knowledge-base and training-site generator.
//!
//! `model` holds the site's data; the stages (`content`, `markdown`, `links`, `quiz`, `render`,
//! `search`, `output`, `export`) fill and read it; `pipeline` runs them in order
//! (`discover + parse -> link -> validate quizzes -> render -> index -> write`) for `build`,
//! `check` and `serve`. ARCHITECTURE.md describes each module and its layer.

// Diagnostics travel in `Err` on cold paths only; boxing them would make every call site noisier.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod citations;
pub mod concept_map;
pub mod content;
pub mod diagnostics;
pub mod error;
pub mod export;
pub mod fuzzing;
pub mod glossary;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod previews;
pub mod quiz;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;

pub use error::Error;
pub use model::site::Site;
pub use pipeline::{build, check, load, BuildOptions, BuildReport};
