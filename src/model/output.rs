//! What rendering produces: output files, and the generated pages later stages ask for.

/// One rendered output file, relative to the output root.
#[derive(Debug, PartialEq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Generated pages that another stage asks for (search and quiz pages): template, output path, title.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraPage {
    pub template: String,
    pub path: String,
    pub title: String,
    pub extra: serde_json::Value,
}
