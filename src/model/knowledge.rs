//! site.toml's `[glossary]` and `[map]` tables (`Config` holds them): the glossary's page and
//! skipped terms, the concept map's kinds.

use serde::Deserialize;

/// `[glossary]`: where terms are defined and which ones are never linked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryConfig {
    /// Slug of the page whose `- **Term**: definition` list items are glossary entries.
    #[serde(default = "default_glossary_page")]
    pub page: String,
    /// Terms (names or aliases, any case) never linked from other pages.
    #[serde(default)]
    pub skip: Vec<String>,
}

impl Default for GlossaryConfig {
    fn default() -> Self {
        GlossaryConfig { page: default_glossary_page(), skip: Vec::new() }
    }
}

/// `[map]`: which kinds the concept map shows.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapConfig {
    /// Kinds shown, one column each, in this order; empty: every kind a typed relation joins.
    #[serde(default)]
    pub kinds: Vec<String>,
}

fn default_glossary_page() -> String {
    "glossary".into()
}
