//! Integration tests: fixture sites built with the real `rapport` binary.

mod anki_package;
mod authoring;
mod build;
mod bundled;
mod citations;
mod course;
mod diagnostics;
mod harness;
mod html_validity;
mod images;
mod knowledge;
mod originality;
mod quiz;
mod quiz_lint;
mod relevance;
mod reliability;
mod serve;
