//! Instructor exports: Moodle GIFT, a JSON question bank, an Anki deck.

use serde::{Deserialize, Serialize};

use super::model::{Answer, Markdown, Question};
use super::view::{all_tags, answer_lines, Linker};
use crate::diagnostics::did_you_mean;
use crate::error::Error;
use crate::markdown::{self, LinkKind};
use crate::site::Site;

/// Export formats of `rapport export quiz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Moodle GIFT.
    Gift,
    /// JSON question bank (schema in docs/quiz-json-schema.md).
    Json,
    /// Tab-separated file that Anki imports as a deck.
    Anki,
}

/// Renders the site's questions (optionally only from pages of `kind`) in `format`.
pub fn export(site: &Site, format: Format, kind: Option<&str>) -> Result<String, Error> {
    if let Some(k) = kind {
        if site.config.kind(k).is_none() {
            let help = did_you_mean(k, site.config.kinds.keys().map(String::as_str))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            let known: Vec<&str> = site.config.kinds.keys().map(String::as_str).collect();
            return Err(Error::Usage(format!("unknown kind `{k}`{help}; kinds: {}", known.join(", "))));
        }
    }
    let questions: Vec<&Question> = site.quizzes.of_kind(&site.pages, kind).collect();
    Ok(match format {
        Format::Gift => super::gift::write(site, &questions),
        Format::Json => {
            let bank = bank(site, &questions);
            let mut s = serde_json::to_string_pretty(&bank).map_err(|e| Error::Usage(format!("JSON export: {e}")))?;
            s.push('\n');
            s
        }
        Format::Anki => anki(site, &questions),
    })
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

/// Markdown for tools that do not know Rapport links: each link becomes its label, or a link to
/// the published page when `base_url` is set.
pub fn portable_markdown(site: &Site, md: &Markdown) -> String {
    let doc = markdown::analyze(&md.source, 0);
    let base = site.config.base_url.trim_end_matches('/');
    let mut out = String::with_capacity(md.source.len());
    let mut at = 0;
    for link in &doc.links {
        let Some(target) = md.links.iter().find(|l| l.offset == link.offset) else { continue };
        let written: String = md.source[link.offset..].chars().take(link.len).collect();
        if link.offset < at || !md.source[link.offset..].starts_with(&written) {
            continue;
        }
        let page = &site.pages[target.page];
        let label = link_label(&written, link.kind).unwrap_or_else(|| match &target.anchor {
            Some(a) => {
                let h = page.doc.headings.iter().find(|h| &h.id == a).map_or(a.as_str(), |h| h.text.as_str());
                format!("{} § {h}", page.title)
            }
            None => page.title.clone(),
        });
        out.push_str(&md.source[at..link.offset]);
        if base.is_empty() {
            out.push_str(&label);
        } else {
            let anchor = target.anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
            out.push_str(&format!("[{label}]({base}/{}{anchor})", page.href));
        }
        at = link.offset + written.len();
    }
    out.push_str(&md.source[at..]);
    crate::citations::view::plain(&site.citations, &out)
}

/// The label an author wrote for a link (`[[t|label]]`, `[label](x.md)`), if any.
fn link_label(written: &str, kind: LinkKind) -> Option<String> {
    match kind {
        LinkKind::Wiki { labelled: true } => {
            written.trim_start_matches('[').trim_end_matches(']').split_once('|').map(|(_, l)| l.trim().to_string())
        }
        LinkKind::Markdown | LinkKind::SamePage => {
            written.strip_prefix('[').and_then(|s| s.split_once("](")).map(|(l, _)| l.to_string())
        }
        LinkKind::Wiki { labelled: false } => None,
    }
}

/// An Anki deck as tab-separated text: front (prompt and choices), back (answer and explanation),
/// tags, and the question id as the note's guid so re-importing updates notes instead of
/// duplicating them.
fn anki(site: &Site, questions: &[&Question]) -> String {
    let mut out = String::from("#separator:tab\n#html:true\n#tags column:3\n#guid column:4\n");
    out.push_str(&format!("#deck:{}\n", one_line(&site.config.title)));
    let l = Linker { site, out_path: "index.html" };
    for q in questions {
        let front = anki_front(q, &l);
        let back = anki_back(q, &l);
        let tags: Vec<String> = all_tags(site, q)
            .into_iter()
            .chain([site.pages[q.page].kind.clone(), site.pages[q.page].slug.clone()])
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join("_"))
            .collect();
        let fields = [front, back, tags.join(" "), format!("rapport-{}", q.id)];
        let row: Vec<String> = fields.iter().map(|f| tsv_field(&anki_links(site, f))).collect();
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    out
}

fn anki_front(q: &Question, l: &Linker) -> String {
    let esc = |s: &str| tera::escape_html(s);
    let list = |open: &str, items: &[String]| {
        let lis: String = items.iter().map(|i| format!("<li>{}</li>", esc(i))).collect();
        let close = open.split_whitespace().next().unwrap_or(open);
        format!("<{open}>{lis}</{close}>")
    };
    let mut front = l.html(&q.prompt);
    let shown = |options: &[String]| -> Vec<String> {
        super::view::option_order(l.site, q, options.len()).iter().map(|&i| options[i].clone()).collect()
    };
    let hint = match &q.answer {
        Answer::Single { options, .. } => list("ol type=\"a\"", &shown(options)),
        Answer::Multiple { options, .. } => {
            format!("<p><i>Select all that apply.</i></p>{}", list("ol type=\"a\"", &shown(options)))
        }
        Answer::Truefalse(_) => "<p><i>True or false?</i></p>".into(),
        Answer::Short { .. } => String::new(),
        Answer::Matching { left, right } => {
            let order = super::model::fixed_shuffle(right.len(), &q.id);
            let shown: Vec<String> = order.iter().map(|&i| right[i].clone()).collect();
            format!("{}<p><i>Match with:</i></p>{}", list("ol", left), list("ol type=\"a\"", &shown))
        }
        Answer::Ordering { steps } => {
            let order = super::model::fixed_shuffle(steps.len(), &q.id);
            let shown: Vec<String> = order.iter().map(|&i| steps[i].clone()).collect();
            format!("<p><i>Put in order:</i></p>{}", list("ul", &shown))
        }
    };
    front.push_str(&hint);
    front
}

fn anki_back(q: &Question, l: &Linker) -> String {
    let (label, lines, ordered) = answer_lines(&q.answer);
    let items: String = lines.iter().map(|s| format!("<li>{}</li>", tera::escape_html(s))).collect();
    let tag = if ordered { "ol" } else { "ul" };
    let mut back = format!("<p><b>{label}:</b></p><{tag}>{items}</{tag}>");
    if let Some(e) = &q.explanation {
        back.push_str(&l.html(e));
    }
    back
}

/// Relative links mean nothing inside Anki: they become absolute with `base_url`, or plain text.
fn anki_links(site: &Site, html: &str) -> String {
    let base = site.config.base_url.trim_end_matches('/');
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<a href=\"") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 9..];
        let Some(end) = after.find('"') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let href = &after[..end];
        let Some(close) = after[end..].find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let is_external = href.contains("://") || href.starts_with("mailto:");
        if is_external {
            out.push_str(&rest[start..start + 9 + end + close + 1]);
        } else if !base.is_empty() {
            out.push_str(&format!("<a href=\"{base}/{}\">", href.trim_start_matches("./")));
        } else {
            out.push_str("<span>");
        }
        rest = &after[end + close + 1..];
        if !is_external && base.is_empty() {
            if let Some(c) = rest.find("</a>") {
                out.push_str(&rest[..c]);
                out.push_str("</span>");
                rest = &rest[c + 4..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A TSV field: one line, and quoted (with doubled quotes) when it holds a quote character.
fn tsv_field(s: &str) -> String {
    let flat = one_line(s).replace('\t', " ");
    if flat.contains('"') {
        format!("\"{}\"", flat.replace('"', "\"\""))
    } else {
        flat
    }
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', " ").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_fields_are_single_lines_and_quoted_when_needed() {
        assert_eq!(tsv_field("a\tb\nc"), "a b c");
        assert_eq!(tsv_field("<a href=\"x\">y</a>"), "\"<a href=\"\"x\"\">y</a>\"");
    }

    #[test]
    fn link_labels_are_read_from_source() {
        assert_eq!(link_label("[[bond|the bond]]", LinkKind::Wiki { labelled: true }).as_deref(), Some("the bond"));
        assert_eq!(link_label("[[bond]]", LinkKind::Wiki { labelled: false }), None);
        assert_eq!(link_label("[see this](bond.md)", LinkKind::Markdown).as_deref(), Some("see this"));
    }
}
