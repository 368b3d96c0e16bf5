//! Rapport: a static knowledge-base and training-site generator.
//!
//! The pipeline runs `discover -> parse -> link -> validate quizzes -> render -> index -> write`;
//! see ARCHITECTURE.md for where each stage lives.

// Diagnostics travel in `Err` on cold paths only; boxing them would make every call site noisier.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod error;
pub mod fuzzing;
pub mod links;
pub mod markdown;
pub mod output;
pub mod quiz;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;

pub use error::Error;
pub use site::{build, check, BuildOptions, BuildReport, Site};
