//! EPUB 3 of a course: the course page, each module followed by the concept pages it links
//! (each page once, where it is first linked), the glossary, the bibliography of the works these
//! pages cite, each module's quiz as static questions, and an answer key at the end. No scripts.
//! `epub_text.rs` makes the XHTML; this file plans the book and writes its package files.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::course::{module_questions, Course};
use super::epub_text::{answer_key, document, page_html, quiz_section, rewrite, FileMap};
use super::package;
use crate::citations::REFERENCES_PAGE;
use crate::error::Error;
use crate::model::output::OutputFile;
use crate::model::site::Site;

/// Plain styles for e-readers, which apply their own fonts and margins.
const STYLE: &str = "body { line-height: 1.5; }\nh1 { font-size: 1.6em; }\n.lede { font-style: italic; }\n\
.kind { text-transform: uppercase; font-size: 0.8em; letter-spacing: 0.05em; }\n\
.hint { font-style: italic; }\n.questions > li, .answers > li { margin-bottom: 1em; }\n\
.bibliography li { margin-bottom: 0.5em; }\n";

/// One content document of the book.
struct Chapter {
    /// File name inside OEBPS/.
    file: String,
    title: String,
    /// The site page it shows, if any (the bibliography and answer key are generated).
    page: Option<usize>,
    /// 0: course, module or back matter; 1: a concept page under its module.
    depth: usize,
}

/// Writes the course as an EPUB 3 book at `path` (atomically).
pub fn write(site: &Site, course: &Course, path: &Path) -> Result<(), Error> {
    let files = book(site, course, &modified_now())?;
    package::write_zip(path, &files, &["mimetype"])
}

/// Every file of the book; `modified` is the `dcterms:modified` date (`YYYY-MM-DDThh:mm:ssZ`).
pub fn book(site: &Site, course: &Course, modified: &str) -> Result<Vec<OutputFile>, Error> {
    let chapters = plan(site, course);
    let mut map = FileMap::new();
    for c in &chapters {
        if let Some(p) = c.page {
            map.insert(site.pages[p].out_path.clone(), c.file.clone());
            map.insert(site.pages[p].href.clone(), c.file.clone());
        }
    }
    let cited = cited_entries(site, &chapters);
    if !cited.is_empty() {
        map.insert(REFERENCES_PAGE.to_string(), "references.xhtml".into());
    }
    let lang = &site.config.language;
    let mut files = vec![
        OutputFile { path: "mimetype".into(), bytes: b"application/epub+zip".to_vec() },
        OutputFile { path: "META-INF/container.xml".into(), bytes: CONTAINER.as_bytes().to_vec() },
        OutputFile { path: "OEBPS/style.css".into(), bytes: STYLE.as_bytes().to_vec() },
    ];
    let mut numbered = 1;
    let mut key = String::new();
    for c in &chapters {
        let Some(p) = c.page else { continue };
        let page = &site.pages[p];
        let fail = |why: String| Error::Usage(format!("{}: cannot go into the EPUB: {why}", page.display.display()));
        let mut body = format!(
            "<section epub:type=\"chapter\">\n<p class=\"kind\">{}</p>\n<h1>{}</h1>\n",
            tera::escape_html(&site.kind_label(&page.kind)),
            tera::escape_html(&page.title)
        );
        if !page.summary.is_empty() {
            body.push_str(&format!("<p class=\"lede\">{}</p>\n", tera::escape_html(&page.summary)));
        }
        let html = page_html(site, p).map_err(|d| Error::Content(vec![d].into()))?;
        body.push_str(&rewrite(&html, &page.out_path, &map).map_err(fail)?);
        let questions = module_questions(site, p);
        if course.modules.contains(&p) && !questions.is_empty() {
            body.push_str(&rewrite(&quiz_section(site, p, &questions, numbered), &page.out_path, &map).map_err(fail)?);
            key.push_str(&format!("<h2>{}</h2>\n", tera::escape_html(&page.title)));
            key.push_str(&rewrite(&answer_key(site, p, &questions, numbered), &page.out_path, &map).map_err(fail)?);
            numbered += questions.len();
        }
        body.push_str("\n</section>");
        files.push(OutputFile {
            path: format!("OEBPS/{}", c.file),
            bytes: document(lang, &page.title, &body).into_bytes(),
        });
    }
    if !cited.is_empty() {
        let items: String = cited
            .iter()
            .map(|&e| {
                let entry = &site.citations.entries[e];
                format!("<li id=\"{}\">{}</li>\n", tera::escape_html(&entry.key), entry.html)
            })
            .collect();
        let body = format!("<section epub:type=\"bibliography\">\n<h1>References</h1>\n<ul class=\"bibliography\">\n{items}</ul>\n</section>");
        let body = rewrite(&body, REFERENCES_PAGE, &map).map_err(|why| Error::Usage(format!("bibliography: {why}")))?;
        files.push(OutputFile {
            path: "OEBPS/references.xhtml".into(),
            bytes: document(lang, "References", &body).into_bytes(),
        });
    }
    if !key.is_empty() {
        let body = format!("<section epub:type=\"answers\">\n<h1>Answer key</h1>\n{key}\n</section>");
        files.push(OutputFile {
            path: "OEBPS/answers.xhtml".into(),
            bytes: document(lang, "Answer key", &body).into_bytes(),
        });
    }
    let back: Vec<Chapter> =
        [("references.xhtml", "References", !cited.is_empty()), ("answers.xhtml", "Answer key", !key.is_empty())]
            .into_iter()
            .filter(|(_, _, present)| *present)
            .map(|(file, title, _)| Chapter { file: file.into(), title: title.into(), page: None, depth: 0 })
            .collect();
    let all: Vec<&Chapter> = chapters.iter().chain(&back).collect();
    let nav = document(lang, "Contents", &nav_body(&all));
    files.push(OutputFile { path: "OEBPS/nav.xhtml".into(), bytes: nav.into_bytes() });
    let opf = opf(site, course, &all, modified).map_err(|source| Error::Io { path: "content.opf".into(), source })?;
    files.push(OutputFile { path: "OEBPS/content.opf".into(), bytes: opf });
    Ok(files)
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n\
  <rootfiles>\n    <rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n  </rootfiles>\n\
</container>\n";

/// The book's pages in reading order: course, then each module and the pages it links (first
/// time only), then the glossary if the site has one (see [`glossary_pages`]).
fn plan(site: &Site, course: &Course) -> Vec<Chapter> {
    let mut seen: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    let mut add = |out: &mut Vec<Chapter>, p: usize, depth: usize| {
        if seen.insert(p) {
            let file = format!("{}.xhtml", site.pages[p].slug);
            out.push(Chapter { file, title: site.pages[p].title.clone(), page: Some(p), depth });
        }
    };
    add(&mut out, course.page, 0);
    let glossary = glossary_pages(site);
    for &m in &course.modules {
        add(&mut out, m, 0);
        let mut linked: Vec<(usize, usize)> = site.graph.body[m].iter().map(|(&off, &(to, _))| (off, to)).collect();
        linked.sort();
        for (_, to) in linked {
            let skip = course.modules.contains(&to) || glossary.contains(&to) || site.pages[to].is_home();
            if !skip {
                add(&mut out, to, 1);
            }
        }
    }
    for g in glossary {
        add(&mut out, g, 0);
    }
    out
}

/// The glossary: the page `glossary`, or else the pages of a kind named `glossary`, by title.
fn glossary_pages(site: &Site) -> Vec<usize> {
    if let Some(g) = site.page_by_slug("glossary") {
        return vec![g];
    }
    let mut terms: Vec<usize> = (0..site.pages.len()).filter(|&i| site.pages[i].kind == "glossary").collect();
    terms.sort_by(|&a, &b| site.pages[a].title.cmp(&site.pages[b].title));
    terms
}

/// Bibliography entries cited by the book's pages (bodies and quizzes), in the style's order.
fn cited_entries(site: &Site, chapters: &[Chapter]) -> Vec<usize> {
    let mut entries: Vec<usize> = chapters
        .iter()
        .filter_map(|c| c.page)
        .flat_map(|p| site.citations.by_page.get(p).cloned().unwrap_or_default())
        .collect();
    entries.sort();
    entries.dedup();
    entries
}

/// The navigation document: modules with their concept pages nested under them.
fn nav_body(chapters: &[&Chapter]) -> String {
    let esc = tera::escape_html;
    let mut out = String::from("<nav epub:type=\"toc\" id=\"toc\">\n<h1>Contents</h1>\n<ol>\n");
    let mut open_sub = false;
    for (n, c) in chapters.iter().enumerate() {
        let link = format!("<a href=\"{}\">{}</a>", esc(&c.file), esc(&c.title));
        if c.depth == 0 {
            if open_sub {
                out.push_str("</ol></li>\n");
                open_sub = false;
            } else if n > 0 {
                out.push_str("</li>\n");
            }
            out.push_str(&format!("<li>{link}"));
        } else {
            if !open_sub {
                out.push_str("<ol>\n");
                open_sub = true;
            }
            out.push_str(&format!("<li>{link}</li>\n"));
        }
    }
    out.push_str(if open_sub { "</ol></li>\n" } else { "</li>\n" });
    out.push_str("</ol>\n</nav>");
    out
}

/// The package document: metadata, every file, and the reading order.
fn opf(site: &Site, course: &Course, chapters: &[&Chapter], modified: &str) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let title = &site.pages[course.page].title;
    let lang = site.config.language.as_str();
    let attrs = [
        ("xmlns", "http://www.idpf.org/2007/opf"),
        ("version", "3.0"),
        ("unique-identifier", "book-id"),
        ("xml:lang", lang),
    ];
    w.create_element("package").with_attributes(attrs).write_inner_content(|w| {
        w.create_element("metadata")
            .with_attribute(("xmlns:dc", "http://purl.org/dc/elements/1.1/"))
            .write_inner_content(|w| {
                w.create_element("dc:identifier")
                    .with_attribute(("id", "book-id"))
                    .write_text_content(BytesText::new(&book_id(site, course)))?;
                w.create_element("dc:title").write_text_content(BytesText::new(title))?;
                w.create_element("dc:language").write_text_content(BytesText::new(lang))?;
                w.create_element("dc:publisher").write_text_content(BytesText::new(&site.config.title))?;
                w.create_element("meta")
                    .with_attribute(("property", "dcterms:modified"))
                    .write_text_content(BytesText::new(modified))?;
                Ok(())
            })?;
        w.create_element("manifest").write_inner_content(|w| {
            w.create_element("item")
                .with_attributes([
                    ("id", "nav"),
                    ("href", "nav.xhtml"),
                    ("media-type", "application/xhtml+xml"),
                    ("properties", "nav"),
                ])
                .write_empty()?;
            w.create_element("item")
                .with_attributes([("id", "style"), ("href", "style.css"), ("media-type", "text/css")])
                .write_empty()?;
            for (n, c) in chapters.iter().enumerate() {
                let id = format!("c{n}");
                w.create_element("item")
                    .with_attributes([
                        ("id", id.as_str()),
                        ("href", c.file.as_str()),
                        ("media-type", "application/xhtml+xml"),
                    ])
                    .write_empty()?;
            }
            Ok(())
        })?;
        w.create_element("spine").write_inner_content(|w| {
            for n in 0..chapters.len() {
                w.create_element("itemref").with_attribute(("idref", format!("c{n}").as_str())).write_empty()?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// A stable identifier: a name-based UUID from the site and course titles and the course slug, so
/// a new edition of the same course is recognised as the same book.
fn book_id(site: &Site, course: &Course) -> String {
    let name = format!("rapport:{}:{}", site.config.title, site.pages[course.page].slug);
    let d = sha1_smol::Sha1::from(name.as_bytes()).digest().bytes();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50; // version 5 (SHA-1, name-based)
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// The current time as `dcterms:modified` wants it.
fn modified_now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
