//! Integration tests: fixture sites built with the real `rapport` binary.

mod build;
mod bundled;
mod diagnostics;
mod harness;
mod quiz;
mod relevance;
mod serve;
