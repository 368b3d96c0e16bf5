//! SCORM 1.2 and SCORM 2004 (4th edition) packages of a course.
//!
//! The package holds the whole built site (so every link, asset and the search index work inside
//! it, and `index.html` opens it as a plain offline site), one SCO per module and the manifest.
//! Each SCO is a small launch page, `scorm/<module>.html`, that shows the module page in a frame
//! and runs `scorm/runtime.js`: it finds the LMS's API, and reports what the learner does in the
//! frame (pages read, quiz answers) for as long as the learner stays in that module, wherever the
//! site's links take them. A launch page that reloaded on every link would end the LMS session.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use serde_json::{json, Value};

use super::course::{module_questions, Course};
use crate::error::Error;
use crate::model::output::OutputFile;
use crate::model::quiz::{Answer, Question};
use crate::model::site::Site;

/// The two SCORM versions Rapport writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Scorm12,
    Scorm2004,
}

/// The learner runtime every launch page loads.
const RUNTIME: &str = include_str!("scorm_runtime.js");
/// Folder of the launch pages and the runtime inside the package.
const SCO_DIR: &str = "scorm";

/// The package's files: the built site `site_files`, the launch pages, the runtime and
/// `imsmanifest.xml`. `pass_mark` is the percentage of a module's questions to get right.
pub fn package(
    site: &Site,
    course: &Course,
    site_files: Vec<OutputFile>,
    version: Version,
    pass_mark: u8,
) -> Result<Vec<OutputFile>, Error> {
    let mut files: Vec<OutputFile> =
        site_files.into_iter().filter(|f| f.path != "imsmanifest.xml" && !f.path.starts_with("scorm/")).collect();
    for &m in &course.modules {
        let page = launch_page(site, m, version, pass_mark);
        files.push(OutputFile { path: sco_path(site, m), bytes: page.into_bytes() });
    }
    files.push(OutputFile { path: format!("{SCO_DIR}/runtime.js"), bytes: RUNTIME.as_bytes().to_vec() });
    let manifest = manifest(site, course, &files, version, pass_mark)
        .map_err(|source| Error::Io { path: "imsmanifest.xml".into(), source })?;
    files.push(OutputFile { path: "imsmanifest.xml".into(), bytes: manifest });
    Ok(files)
}

/// Path of module `m`'s launch page inside the package.
fn sco_path(site: &Site, m: usize) -> String {
    format!("{SCO_DIR}/{}.html", site.pages[m].slug)
}

/// The launch page of module `m`: the module in a full-window frame, the runtime and its settings.
fn launch_page(site: &Site, m: usize, version: Version, pass_mark: u8) -> String {
    let page = &site.pages[m];
    let questions: Vec<Value> = module_questions(site, m).iter().map(|q| question_data(q, version)).collect();
    let settings = json!({
        "version": match version { Version::Scorm12 => "1.2", Version::Scorm2004 => "2004" },
        "passMark": pass_mark,
        "module": page.out_path,
        "title": page.title,
        "questions": questions,
    });
    // `<` is escaped so no text in the settings can close the script element.
    let settings = settings.to_string().replace('<', "\\u003c");
    let esc = |s: &str| tera::escape_html(s);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
         <link rel=\"icon\" href=\"../assets/favicon.svg\" type=\"image/svg+xml\">\n\
         <style>html,body{{margin:0;height:100%;overflow:hidden}}iframe{{display:block;border:0;width:100%;height:100%}}</style>\n\
         </head>\n<body>\n<iframe id=\"rapport-sco\" title=\"{title}\" src=\"../{src}\"></iframe>\n\
         <script type=\"application/json\" id=\"rapport-sco-settings\">{settings}</script>\n\
         <script src=\"runtime.js\"></script>\n</body>\n</html>\n",
        lang = esc(&site.config.language),
        title = esc(&page.title),
        // tera's escaping writes `/` as `&#x2F;`; a path only needs `&` and `"` escaped.
        src = page.out_path.replace('&', "&amp;").replace('"', "&quot;"),
    )
}

/// One character per option, step or matched item: SCORM 1.2 identifiers are single characters.
fn ident(i: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    CHARS.get(i).map_or_else(|| i.to_string(), |&c| char::from(c).to_string())
}

/// A question as the runtime needs it: its interaction id, SCORM type and correct response.
fn question_data(q: &Question, version: Version) -> Value {
    let (list, pair) = match version {
        Version::Scorm12 => (",", "."),
        Version::Scorm2004 => ("[,]", "[.]"),
    };
    let join = |ids: Vec<String>| ids.join(list);
    let (kind, correct) = match &q.answer {
        Answer::Single { correct, .. } => ("choice", ident(*correct)),
        Answer::Multiple { correct, .. } => ("choice", join(correct.iter().map(|&i| ident(i)).collect())),
        Answer::Truefalse(b) => {
            let v = match (version, b) {
                (Version::Scorm12, true) => "t",
                (Version::Scorm12, false) => "f",
                (Version::Scorm2004, true) => "true",
                (Version::Scorm2004, false) => "false",
            };
            ("true-false", v.to_string())
        }
        Answer::Short { answers, .. } => ("fill-in", answers.first().map(|a| fill_in(a)).unwrap_or_default()),
        Answer::Matching { left, .. } => {
            ("matching", join((0..left.len()).map(|i| format!("{}{pair}{}", ident(i), ident(i))).collect()))
        }
        Answer::Ordering { steps } => ("sequencing", join((0..steps.len()).map(ident).collect())),
    };
    json!({ "id": interaction_id(&q.id), "qid": q.id, "type": kind, "correct": correct })
}

/// Question ids are slugs; an interaction id may not hold spaces and stays within 250 characters.
fn interaction_id(id: &str) -> String {
    id.chars().map(|c| if c.is_whitespace() { '-' } else { c }).take(250).collect()
}

/// A typed answer as a SCORM fill-in response: brackets are SCORM 2004's delimiters, and the
/// length is capped at 250 characters.
pub fn fill_in(s: &str) -> String {
    s.replace('[', "(").replace(']', ")").chars().take(250).collect()
}

/// `imsmanifest.xml`: the course's modules in order as items, one SCO resource per module, and
/// one shared asset resource listing every other file.
fn manifest(
    site: &Site,
    course: &Course,
    files: &[OutputFile],
    version: Version,
    pass_mark: u8,
) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let course_page = &site.pages[course.page];
    let id = format!("rapport-{}", course_page.slug);
    let (namespaces, schemaversion): (Vec<(&str, &str)>, &str) = match version {
        Version::Scorm12 => (
            vec![
                ("xmlns", "http://www.imsproject.org/xsd/imscp_rootv1p1p2"),
                ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2"),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                (
                    "xsi:schemaLocation",
                    "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd \
                     http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd \
                     http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd",
                ),
            ],
            "1.2",
        ),
        Version::Scorm2004 => (
            vec![
                ("xmlns", "http://www.imsglobal.org/xsd/imscp_v1p1"),
                ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_v1p3"),
                ("xmlns:adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3"),
                ("xmlns:adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3"),
                ("xmlns:imsss", "http://www.imsglobal.org/xsd/imsss"),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                (
                    "xsi:schemaLocation",
                    "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd \
                     http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd \
                     http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd \
                     http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd \
                     http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd",
                ),
            ],
            "2004 4th Edition",
        ),
    };
    let mut attrs = vec![("identifier", id.as_str()), ("version", "1.0")];
    attrs.extend(namespaces);
    let scorm_type = match version {
        Version::Scorm12 => "adlcp:scormtype",
        Version::Scorm2004 => "adlcp:scormType",
    };
    let shared: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| !p.starts_with("scorm/") || *p == "scorm/runtime.js")
        .collect();
    w.create_element("manifest").with_attributes(attrs).write_inner_content(|w| {
        w.create_element("metadata").write_inner_content(|w| {
            w.create_element("schema").write_text_content(BytesText::new("ADL SCORM"))?;
            w.create_element("schemaversion").write_text_content(BytesText::new(schemaversion))?;
            Ok(())
        })?;
        w.create_element("organizations").with_attribute(("default", "org")).write_inner_content(|w| {
            w.create_element("organization").with_attribute(("identifier", "org")).write_inner_content(|w| {
                w.create_element("title").write_text_content(BytesText::new(&course_page.title))?;
                for &m in &course.modules {
                    module_item(w, site, m, version, pass_mark)?;
                }
                if version == Version::Scorm2004 {
                    // Learners may pick any module from the LMS's menu and also go on with Continue.
                    w.create_element("imsss:sequencing").write_inner_content(|w| {
                        w.create_element("imsss:controlMode")
                            .with_attributes([("choice", "true"), ("flow", "true")])
                            .write_empty()?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
        w.create_element("resources").write_inner_content(|w| {
            for &m in &course.modules {
                let href = href_of(&sco_path(site, m));
                w.create_element("resource")
                    .with_attributes([
                        ("identifier", format!("res-{}", site.pages[m].slug).as_str()),
                        ("type", "webcontent"),
                        (scorm_type, "sco"),
                        ("href", href.as_str()),
                    ])
                    .write_inner_content(|w| {
                        w.create_element("file").with_attribute(("href", href.as_str())).write_empty()?;
                        w.create_element("dependency").with_attribute(("identifierref", "res-site")).write_empty()?;
                        Ok(())
                    })?;
            }
            w.create_element("resource")
                .with_attributes([("identifier", "res-site"), ("type", "webcontent"), (scorm_type, "asset")])
                .write_inner_content(|w| {
                    for p in &shared {
                        w.create_element("file").with_attribute(("href", href_of(p).as_str())).write_empty()?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
        Ok(())
    })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// One module's `<item>`: its title and, when it has questions, the pass mark (SCORM 1.2's
/// `adlcp:masteryscore`, SCORM 2004's primary objective satisfied by the scaled score).
fn module_item(w: &mut Writer<Vec<u8>>, site: &Site, m: usize, version: Version, pass_mark: u8) -> io::Result<()> {
    let page = &site.pages[m];
    let has_quiz = !module_questions(site, m).is_empty();
    let item_id = format!("item-{}", page.slug);
    let res_id = format!("res-{}", page.slug);
    w.create_element("item")
        .with_attributes([("identifier", item_id.as_str()), ("identifierref", res_id.as_str()), ("isvisible", "true")])
        .write_inner_content(|w| {
            w.create_element("title").write_text_content(BytesText::new(&page.title))?;
            match version {
                Version::Scorm12 if has_quiz => {
                    w.create_element("adlcp:masteryscore")
                        .write_text_content(BytesText::new(&pass_mark.to_string()))?;
                }
                Version::Scorm2004 if has_quiz => {
                    let measure = format!("{:.2}", f64::from(pass_mark) / 100.0);
                    let objective = format!("obj-{}", page.slug);
                    w.create_element("imsss:sequencing").write_inner_content(|w| {
                        w.create_element("imsss:objectives").write_inner_content(|w| {
                            w.create_element("imsss:primaryObjective")
                                .with_attributes([("objectiveID", objective.as_str()), ("satisfiedByMeasure", "true")])
                                .write_inner_content(|w| {
                                    w.create_element("imsss:minNormalizedMeasure")
                                        .write_text_content(BytesText::new(&measure))?;
                                    Ok(())
                                })?;
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                }
                _ => {}
            }
            Ok(())
        })?;
    Ok(())
}

/// A package path as a URL reference (spaces and other reserved characters percent-encoded).
fn href_of(path: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'`');
    percent_encoding::utf8_percent_encode(path, SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_single_characters_while_they_last() {
        assert_eq!(ident(0), "a");
        assert_eq!(ident(35), "9");
        assert_eq!(ident(36), "36");
    }

    #[test]
    fn fill_in_responses_keep_clear_of_scorm_delimiters() {
        assert_eq!(fill_in("a [b] c"), "a (b) c");
        assert_eq!(fill_in(&"x".repeat(300)).len(), 250);
    }

    #[test]
    fn hrefs_are_percent_encoded() {
        assert_eq!(href_of("img/a b#c.png"), "img/a%20b%23c.png");
    }
}
