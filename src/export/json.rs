//! The JSON question bank (documented in docs/quiz-json-schema.md).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::quiz::{Answer, Question};
use crate::model::site::Site;
use crate::quiz::view::{all_tags, Linker};

/// The bank as pretty-printed JSON.
pub fn write(site: &Site, questions: &[&Question]) -> Result<String, Error> {
    let bank = bank(site, questions);
    let mut s = serde_json::to_string_pretty(&bank).map_err(|e| Error::Usage(format!("JSON export: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// The JSON question bank (documented in docs/quiz-json-schema.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bank {
    /// Always `rapport-quiz-bank`.
    pub format: String,
    /// Schema version; changes only when a field changes meaning or is removed.
    pub version: u32,
    /// Title of the site the questions come from.
    pub site: String,
    pub questions: Vec<BankQuestion>,
}

/// The `format` value of a [`Bank`].
pub const BANK_FORMAT: &str = "rapport-quiz-bank";
/// The `version` value of a [`Bank`].
pub const BANK_VERSION: u32 = 1;

/// One question of the bank; the type-specific fields sit beside the common ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankQuestion {
    pub id: String,
    #[serde(flatten)]
    pub body: BankBody,
    /// Markdown as written (Rapport `[[links]]` included; citations as formatted plain text).
    pub prompt: String,
    /// Rendered HTML; links are relative to the site root.
    pub prompt_html: String,
    pub explanation: Option<String>,
    pub explanation_html: Option<String>,
    /// Per-answer feedback (Markdown), keyed by option text, `true`/`false` or a typed answer.
    #[serde(default)]
    pub feedback: std::collections::BTreeMap<String, String>,
    pub difficulty: Option<String>,
    /// The question's tags, then its page's.
    #[serde(default)]
    pub tags: Vec<String>,
    pub page: BankPage,
    /// Slugs of the other concept pages the question tests.
    #[serde(default)]
    pub tests: Vec<String>,
}

/// The type-specific part of a question: the same fields authors write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum BankBody {
    Single { options: Vec<String>, answer: String },
    Multiple { options: Vec<String>, answer: Vec<String> },
    Truefalse { answer: bool },
    Short { answers: Vec<String>, pattern: Option<String> },
    Matching { left: Vec<String>, right: Vec<String> },
    Ordering { steps: Vec<String> },
}

/// The page a question is written on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankPage {
    pub slug: String,
    pub title: String,
    pub kind: String,
    /// Source file, relative to the site root.
    pub source: String,
    /// Output file, relative to the site root.
    pub url: String,
}

/// Builds the bank for `questions`.
pub fn bank(site: &Site, questions: &[&Question]) -> Bank {
    let l = Linker { site, out_path: "index.html" };
    // Citation keys mean nothing outside the site: Markdown fields carry the formatted citation.
    let cited = |md: &str| crate::citations::view::plain(&site.citations, md);
    let questions = questions
        .iter()
        .map(|q| {
            let page = &site.pages[q.page];
            BankQuestion {
                id: q.id.clone(),
                body: bank_body(&q.answer),
                prompt: cited(&q.prompt.source),
                prompt_html: l.html(&q.prompt),
                explanation: q.explanation.as_ref().map(|e| cited(&e.source)),
                explanation_html: q.explanation.as_ref().map(|e| l.html(e)),
                feedback: q.feedback.iter().map(|(k, md)| (k.clone(), cited(&md.source))).collect(),
                difficulty: q.difficulty.clone(),
                tags: all_tags(site, q),
                page: BankPage {
                    slug: page.slug.clone(),
                    title: page.title.clone(),
                    kind: page.kind.clone(),
                    source: page.display.to_string_lossy().replace('\\', "/"),
                    url: page.href.clone(),
                },
                tests: q.tests.iter().map(|&t| site.pages[t].slug.clone()).collect(),
            }
        })
        .collect();
    Bank { format: BANK_FORMAT.into(), version: BANK_VERSION, site: site.config.title.clone(), questions }
}

fn bank_body(a: &Answer) -> BankBody {
    match a.clone() {
        Answer::Single { options, correct } => BankBody::Single { answer: options[correct].clone(), options },
        Answer::Multiple { options, correct } => {
            BankBody::Multiple { answer: correct.iter().map(|&i| options[i].clone()).collect(), options }
        }
        Answer::Truefalse(b) => BankBody::Truefalse { answer: b },
        Answer::Short { answers, pattern } => BankBody::Short { answers, pattern },
        Answer::Matching { left, right } => BankBody::Matching { left, right },
        Answer::Ordering { steps } => BankBody::Ordering { steps },
    }
}
