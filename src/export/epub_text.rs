//! The XHTML of an EPUB course: a page body rendered by the pipeline's Markdown stage, with its
//! links turned into links between the book's files (or plain text where the target is not in
//! the book), static quiz questions, and their answer key.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use crate::assets;
use crate::citations;
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::model::quiz::{fixed_shuffle, Answer, Question};
use crate::model::site::Site;
use crate::quiz::view::{answer_lines, option_order, Linker};

/// Where the site's output files went in the book: output path (and link target) -> book file.
pub type FileMap = HashMap<String, String>;

/// A whole XHTML content document around `body` (which must be well-formed XHTML).
pub fn document(lang: &str, title: &str, body: &str) -> String {
    let esc = tera::escape_html;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{l}\" xml:lang=\"{l}\">\n\
         <head>\n<meta charset=\"utf-8\"/>\n<title>{t}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>\n\
         <body>\n{body}\n</body>\n</html>\n",
        l = esc(lang),
        t = esc(title),
    )
}

/// The body of page `i` as the pipeline renders it (links resolved, citations formatted).
pub fn page_html(site: &Site, i: usize) -> Result<String, Diagnostic> {
    let page = &site.pages[i];
    let text = page.text()?;
    let mut links = site.graph.rendered_links(&site.pages, i);
    links.extend(assets::rendered(page));
    let cites = citations::CiteLinker::new(&site.citations, &page.out_path);
    let cites = cites.as_ref().map(|c| c as &dyn markdown::Splice);
    Ok(markdown::render_cited(&text, page.body_start, &links, cites, None, site.config.markdown.raw_html))
}

/// Rewrites `html` (written for the output file `from`) for the book: links to files in the book
/// point at them, links to anything else in the site become their text, web links stay, and
/// images become their alt text (the book carries no site assets). Fails when `html` is not
/// well-formed XML (raw HTML in a page that XHTML cannot hold).
pub fn rewrite(html: &str, from: &str, files: &FileMap) -> Result<String, String> {
    let wrapped = format!("<div>{html}</div>");
    let mut reader = Reader::from_str(&wrapped);
    let mut w = Writer::new(Vec::new());
    // For each open <a>: whether it was kept (a dropped link keeps only its content).
    let mut anchors: Vec<bool> = Vec::new();
    let bad = |e: &dyn std::fmt::Display| format!("not well-formed XHTML: {e}");
    loop {
        let ev = reader.read_event().map_err(|e| bad(&e))?;
        let out = match ev {
            Event::Eof => break,
            Event::Start(s) if s.name().as_ref() == b"a" => {
                let kept = link_target(&s, from, files).map(|href| with_href(&s, &href));
                anchors.push(kept.is_some());
                kept.map(Event::Start)
            }
            Event::End(e) if e.name().as_ref() == b"a" => anchors.pop().unwrap_or(false).then_some(Event::End(e)),
            Event::Empty(s) if s.name().as_ref() == b"img" => {
                let alt = s
                    .try_get_attribute("alt")
                    .ok()
                    .flatten()
                    .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                    .unwrap_or_default();
                w.write_event(Event::Text(quick_xml::events::BytesText::new(&alt))).map_err(|e| bad(&e))?;
                None
            }
            other => Some(other),
        };
        if let Some(ev) = out {
            w.write_event(ev).map_err(|e| bad(&e))?;
        }
    }
    let s = String::from_utf8(w.into_inner()).map_err(|e| bad(&e))?;
    Ok(s.strip_prefix("<div>").and_then(|s| s.strip_suffix("</div>")).unwrap_or(&s).to_string())
}

/// The href an `<a>` gets in the book, or None to drop the link and keep its text.
fn link_target(a: &BytesStart, from: &str, files: &FileMap) -> Option<String> {
    let href = a.try_get_attribute("href").ok().flatten()?.unescape_value().ok()?.into_owned();
    if href.contains("://") || href.starts_with("mailto:") {
        return Some(href);
    }
    let (path, frag) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href.as_str(), None),
    };
    // `#id` means the page the HTML was written for, which may not be the file it lands in
    // (the answer key holds explanations written for their module).
    let target = if path.is_empty() { from.to_string() } else { resolve(from, path) };
    if path.is_empty() && !files.contains_key(&target) {
        return Some(href.clone());
    }
    let file = files.get(&target)?;
    Some(match frag {
        Some(f) => format!("{file}#{f}"),
        None => file.clone(),
    })
}

/// A copy of the start tag `s` with its href replaced.
fn with_href<'a>(s: &BytesStart<'a>, href: &str) -> BytesStart<'static> {
    let mut out = BytesStart::new(String::from_utf8_lossy(s.name().as_ref()).into_owned());
    for a in s.attributes().flatten() {
        if a.key.as_ref() != b"href" {
            out.push_attribute(a);
        }
    }
    out.push_attribute(("href", href));
    out
}

/// `href` (relative to the output file `from`) as a path from the output root, `..` resolved.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if href.ends_with('/') {
        format!("{joined}/")
    } else {
        joined
    }
}

/// The module's questions as a numbered static quiz (no answers: they are in the answer key).
pub fn quiz_section(site: &Site, module: usize, questions: &[&Question], first: usize) -> String {
    let l = Linker { site, out_path: &site.pages[module].out_path };
    let esc = |s: &str| tera::escape_html(s);
    let list = |tag: &str, kind: &str, items: &[String]| {
        let lis: String = items.iter().map(|i| format!("<li>{}</li>", esc(i))).collect();
        format!("<{tag}{kind}>{lis}</{tag}>")
    };
    let mut out = String::from("<section class=\"quiz\" epub:type=\"practice\">\n<h2>Check your understanding</h2>\n");
    out.push_str(&format!("<ol class=\"questions\" start=\"{first}\">\n"));
    for q in questions {
        let hint = match &q.answer {
            Answer::Single { options, .. } => list("ol", " type=\"a\"", &shown(site, q, options)),
            Answer::Multiple { options, .. } => {
                format!(
                    "<p class=\"hint\">Select all that apply.</p>{}",
                    list("ol", " type=\"a\"", &shown(site, q, options))
                )
            }
            Answer::Truefalse(_) => "<p class=\"hint\">True or false?</p>".into(),
            Answer::Short { .. } => "<p class=\"hint\">Write a short answer.</p>".into(),
            Answer::Matching { left, right } => {
                let order = fixed_shuffle(right.len(), &q.id);
                let r: Vec<String> = order.iter().map(|&i| right[i].clone()).collect();
                format!(
                    "<p class=\"hint\">Match each item with one below.</p>{}{}",
                    list("ol", "", left),
                    list("ol", " type=\"a\"", &r)
                )
            }
            Answer::Ordering { steps } => {
                let order = fixed_shuffle(steps.len(), &q.id);
                let s: Vec<String> = order.iter().map(|&i| steps[i].clone()).collect();
                format!("<p class=\"hint\">Put these steps in order.</p>{}", list("ul", "", &s))
            }
        };
        out.push_str(&format!("<li id=\"q-{}\">{}{hint}</li>\n", esc(&q.id), l.html(&q.prompt)));
    }
    out.push_str("</ol>\n</section>");
    out
}

/// The options of a choice question in the order the book shows them.
fn shown(site: &Site, q: &Question, options: &[String]) -> Vec<String> {
    option_order(site, q, options.len()).iter().map(|&i| options[i].clone()).collect()
}

/// The answer key entries of one module's questions (rendered for the module's output file).
pub fn answer_key(site: &Site, module: usize, questions: &[&Question], first: usize) -> String {
    let l = Linker { site, out_path: &site.pages[module].out_path };
    let esc = |s: &str| tera::escape_html(s);
    let mut out = format!("<ol class=\"answers\" start=\"{first}\">\n");
    for q in questions {
        let letters = |options: &[String], right: &[usize]| -> String {
            let order = option_order(site, q, options.len());
            let mut shown: Vec<(usize, &String)> =
                right.iter().filter_map(|&r| order.iter().position(|&o| o == r).map(|p| (p, &options[r]))).collect();
            shown.sort();
            shown.iter().map(|(p, o)| format!("({}) {}", letter(*p), esc(o))).collect::<Vec<_>>().join("; ")
        };
        let answer = match &q.answer {
            Answer::Single { options, correct } => letters(options, &[*correct]),
            Answer::Multiple { options, correct } => letters(options, correct),
            _ => {
                let (label, lines, _) = answer_lines(&q.answer);
                format!("{label}: {}", lines.iter().map(|s| esc(s)).collect::<Vec<_>>().join("; "))
            }
        };
        out.push_str(&format!("<li><p><strong>{answer}</strong></p>"));
        for (key, md) in &q.feedback {
            out.push_str(&format!("<p class=\"feedback\"><em>{}:</em> {}</p>", esc(key), l.inline_html(md)));
        }
        if let Some(e) = &q.explanation {
            out.push_str(&l.html(e));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>");
    out
}

/// The letter of the `i`th option (a, b, ...).
fn letter(i: usize) -> String {
    char::from_u32('a' as u32 + i as u32)
        .filter(char::is_ascii_lowercase)
        .map_or_else(|| (i + 1).to_string(), String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_into_the_book_are_kept_and_others_become_text() {
        let mut files = FileMap::new();
        files.insert("factors/empathy.html".into(), "empathy.xhtml".into());
        let html = r#"<p>See <a href="../factors/empathy.html#why">empathy</a>, <a href="../faqs/x.html">x</a> and <a href="https://e.org/">web</a>.</p>"#;
        let out = rewrite(html, "lessons/one.html", &files).unwrap();
        assert_eq!(
            out,
            r#"<p>See <a href="empathy.xhtml#why">empathy</a>, x and <a href="https://e.org/">web</a>.</p>"#
        );
    }

    #[test]
    fn html_that_is_not_xml_is_refused() {
        assert!(rewrite("<p>a<br>b</p>", "x.html", &FileMap::new()).is_err());
    }

    #[test]
    fn paths_resolve_against_the_output_file() {
        assert_eq!(resolve("lessons/one.html", "../factors/e.html"), "factors/e.html");
        assert_eq!(resolve("index.html", "factors/"), "factors/");
    }
}
