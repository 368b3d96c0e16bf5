//! An Anki deck as tab-separated text.

use crate::error::Error;
use crate::model::quiz::{fixed_shuffle, Answer, Question};
use crate::model::site::Site;
use crate::quiz::view::{all_tags, answer_lines, option_order, Linker};

/// An Anki deck as tab-separated text: front (prompt and choices), back (answer and explanation),
/// tags, and the question id as the note's guid so re-importing updates notes instead of
/// duplicating them.
pub fn write(site: &Site, questions: &[&Question]) -> Result<String, Error> {
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
    Ok(out)
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
        option_order(l.site, q, options.len()).iter().map(|&i| options[i].clone()).collect()
    };
    let hint = match &q.answer {
        Answer::Single { options, .. } => list("ol type=\"a\"", &shown(options)),
        Answer::Multiple { options, .. } => {
            format!("<p><i>Select all that apply.</i></p>{}", list("ol type=\"a\"", &shown(options)))
        }
        Answer::Truefalse(_) => "<p><i>True or false?</i></p>".into(),
        Answer::Short { .. } => String::new(),
        Answer::Matching { left, right } => {
            let order = fixed_shuffle(right.len(), &q.id);
            let shown: Vec<String> = order.iter().map(|&i| right[i].clone()).collect();
            format!("{}<p><i>Match with:</i></p>{}", list("ol", left), list("ol type=\"a\"", &shown))
        }
        Answer::Ordering { steps } => {
            let order = fixed_shuffle(steps.len(), &q.id);
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
    if !q.feedback.is_empty() {
        // Per-option feedback: why each tempting answer is wrong (or the right one right).
        let notes: String = q
            .feedback
            .iter()
            .map(|(key, md)| format!("<li><b>{}</b>: {}</li>", tera::escape_html(key), inline(&l.html(md))))
            .collect();
        back.push_str(&format!("<p><b>Feedback:</b></p><ul>{notes}</ul>"));
    }
    if let Some(e) = &q.explanation {
        back.push_str(&l.html(e));
    }
    back
}

/// A rendered Markdown paragraph without its `<p>` wrapper, to sit inside a list item.
fn inline(html: &str) -> &str {
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|r| r.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner,
        _ => t,
    }
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
}
