//! The index schema: one document per page section.

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING};

use crate::analyzer::{GROUPS, RAW, WORDS};
use crate::ANALYZER;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Page title, indexed on the page's first document only, so a title match ranks the page
    /// itself above each of its sections.
    pub title: Field,
    /// Page title again, indexed on every section with a lower boost (context for AND queries).
    pub ptitle: Field,
    /// Page title as shown in results (stored on every document).
    pub shown_title: Field,
    pub heading: Field,
    /// Synonym-group tokens of the title, aliases and heading: those fields hold only words, so
    /// that group tokens do not lengthen them (see [`crate::analyzer::Keep`]).
    pub title_groups: Field,
    pub aliases_groups: Field,
    pub heading_groups: Field,
    /// Body text: indexed, never stored (the browser loads it lazily for snippets).
    pub body: Field,
    pub summary: Field,
    pub aliases: Field,
    pub tags: Field,
    pub category: Field,
    pub kind: Field,
    pub kind_label: Field,
    pub url: Field,
    /// The page a section belongs to (its URL without the anchor), so a live index can replace
    /// one page's sections.
    pub page: Field,
    /// Words as written (lower case, no stems) of the title, headings, aliases, tags and
    /// summary: what typos are corrected against, and where "did you mean" looks.
    pub vocab: Field,
    /// Where the body text lives: text chunk number and slot within it.
    pub chunk: Field,
    pub slot: Field,
}

/// A text field analyzed by `analyzer`. `full`: with word positions (for phrases) and length
/// norms (for BM25). The others are short companion and list fields (the page title on sections,
/// synonym groups, tags, category): their lengths say little, and a field's norms cost a byte per
/// section that a query loads whole (see [`crate::SplitIndex`]).
fn text(analyzer: &str, full: bool, stored: bool) -> TextOptions {
    let record = if full { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
    let indexing = TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record).set_fieldnorms(full);
    let opts = TextOptions::default().set_indexing_options(indexing);
    if stored {
        opts.set_stored()
    } else {
        opts
    }
}

/// The schema every Rapport index has.
pub(crate) fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("title", text(WORDS, true, false));
    b.add_text_field("ptitle", text(ANALYZER, false, false));
    b.add_text_field("shown_title", STORED);
    b.add_text_field("heading", text(WORDS, true, true));
    b.add_text_field("title_groups", text(GROUPS, false, false));
    b.add_text_field("aliases_groups", text(GROUPS, false, false));
    b.add_text_field("heading_groups", text(GROUPS, false, false));
    b.add_text_field("body", text(ANALYZER, true, false));
    b.add_text_field("summary", text(ANALYZER, true, true));
    b.add_text_field("aliases", text(WORDS, true, false));
    b.add_text_field("tags", text(ANALYZER, false, false));
    b.add_text_field("category", text(ANALYZER, false, false));
    // The kind filter scores nothing: no norms to load for it.
    let kind = TextFieldIndexing::default().set_tokenizer("raw").set_index_option(IndexRecordOption::Basic);
    b.add_text_field("kind", TextOptions::default().set_indexing_options(kind.set_fieldnorms(false)).set_stored());
    b.add_text_field("kind_label", STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("page", STRING);
    let vocab = TextFieldIndexing::default().set_tokenizer(RAW).set_index_option(IndexRecordOption::Basic);
    b.add_text_field("vocab", TextOptions::default().set_indexing_options(vocab));
    b.add_u64_field("chunk", STORED);
    b.add_u64_field("slot", STORED);
    b.build()
}

impl Fields {
    /// Looks the fields up in `schema`; fails on an index built with another schema.
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            title: f("title")?,
            ptitle: f("ptitle")?,
            shown_title: f("shown_title")?,
            heading: f("heading")?,
            title_groups: f("title_groups")?,
            aliases_groups: f("aliases_groups")?,
            heading_groups: f("heading_groups")?,
            body: f("body")?,
            summary: f("summary")?,
            aliases: f("aliases")?,
            tags: f("tags")?,
            category: f("category")?,
            kind: f("kind")?,
            kind_label: f("kind_label")?,
            url: f("url")?,
            page: f("page")?,
            vocab: f("vocab")?,
            chunk: f("chunk")?,
            slot: f("slot")?,
        })
    }

    /// Text fields a query word is looked up in, with their boosts (title and headings first).
    pub fn weighted(&self) -> [(Field, f32); 8] {
        [
            (self.title, 8.0),
            (self.aliases, 4.0),
            (self.heading, 4.0),
            (self.tags, 2.0),
            (self.ptitle, 1.5),
            (self.summary, 1.5),
            (self.category, 1.5),
            (self.body, 1.0),
        ]
    }

    /// [`Fields::weighted`] for a synonym-group token: the title, aliases and heading keep
    /// theirs in companion fields.
    pub fn weighted_groups(&self) -> [(Field, f32); 8] {
        let mut fields = self.weighted();
        for (field, _) in &mut fields {
            if *field == self.title {
                *field = self.title_groups;
            } else if *field == self.aliases {
                *field = self.aliases_groups;
            } else if *field == self.heading {
                *field = self.heading_groups;
            }
        }
        fields
    }

    /// Most typos a misspelled word is matched with in `f`: none in the page title repeated
    /// on sections, tags or kind fields; one in the body, whose dictionary is most of the
    /// index's: a two-typo automaton can match nearly every block of it (megabytes to load at
    /// 100,000 pages), a one-typo automaton a few dozen; two elsewhere.
    pub fn typo_limit(&self, f: Field) -> u8 {
        if f == self.ptitle || f == self.tags || f == self.category {
            0
        } else if f == self.body {
            1
        } else {
            2
        }
    }

    /// True for fields indexed with positions (phrase queries).
    pub fn has_positions(&self, f: Field) -> bool {
        f != self.ptitle && f != self.tags && f != self.category
    }
}
