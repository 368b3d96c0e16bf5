//! Integration tests: fixture sites built with the real `rapport` binary.

mod build;
mod diagnostics;
mod harness;
