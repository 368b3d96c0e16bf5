//! The site model: plain data that every stage reads and none of it imports a stage.
//!
//! Configuration, pages with their parsed bodies, the link graph, the question bank, the
//! citations, the output files, and the [`site::Site`] that holds them all. Stages fill these types; the
//! pipeline (`pipeline.rs`) passes them from one stage to the next.

pub mod citations;
pub mod config;
pub mod doc;
pub mod graph;
pub mod knowledge;
pub mod output;
pub mod page;
pub mod quiz;
pub mod site;
pub mod slug;
pub mod source;
