//! An Anki package (.apkg): a zip holding `collection.anki2`, an SQLite collection in Anki's
//! schema 11 (the legacy format every Anki version imports), and an empty `media` list.
//!
//! Note types fit the question types: "Rapport basic" (front/back: short answer, true or false),
//! "Rapport choice" (the options on the front; the key and per-option feedback on the back),
//! "Rapport ordering" and "Rapport matching". A module's questions go to a subdeck of its
//! course, others to a subdeck of their page's kind. Each note's GUID is `rapport-<question id>`
//! (as in the TSV deck), so re-importing an edited deck updates the notes instead of adding copies.

use std::path::Path;

use rusqlite::{params, Connection};
use serde_json::{json, Value};

use super::course::courses;
use super::package;
use crate::error::Error;
use crate::model::output::OutputFile;
use crate::model::quiz::{fixed_shuffle, Answer, Question};
use crate::model::site::Site;
use crate::quiz::view::{all_tags, answer_lines, option_order, Linker};

/// A note type: its name, fields, and card templates (front, back).
struct NoteType {
    id: i64,
    name: &'static str,
    fields: &'static [&'static str],
    front: &'static str,
    back: &'static str,
}

const BASIC: NoteType = NoteType {
    id: 1_716_300_001,
    name: "Rapport basic",
    fields: &["Question", "Answer", "Explanation", "Source"],
    front: "{{Question}}",
    back: "{{FrontSide}}<hr id=answer>{{Answer}}{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}<p class=source>{{Source}}</p>",
};
const CHOICE: NoteType = NoteType {
    id: 1_716_300_002,
    name: "Rapport choice",
    fields: &["Question", "Options", "Answer", "Feedback", "Explanation", "Source"],
    front: "{{Question}}{{Options}}",
    back: "{{FrontSide}}<hr id=answer>{{Answer}}{{#Feedback}}<div class=feedback>{{Feedback}}</div>{{/Feedback}}{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}<p class=source>{{Source}}</p>",
};
const ORDERING: NoteType = NoteType {
    id: 1_716_300_003,
    name: "Rapport ordering",
    fields: &["Question", "Steps", "Order", "Explanation", "Source"],
    front: "{{Question}}<p><i>Put in order:</i></p>{{Steps}}",
    back: "{{FrontSide}}<hr id=answer>{{Order}}{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}<p class=source>{{Source}}</p>",
};
const MATCHING: NoteType = NoteType {
    id: 1_716_300_004,
    name: "Rapport matching",
    fields: &["Question", "Items", "Pairs", "Explanation", "Source"],
    front: "{{Question}}{{Items}}",
    back: "{{FrontSide}}<hr id=answer>{{Pairs}}{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}<p class=source>{{Source}}</p>",
};
/// Every note type, in the order they are written.
const NOTE_TYPES: [&NoteType; 4] = [&BASIC, &CHOICE, &ORDERING, &MATCHING];

const CSS: &str = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }\n\
.explanation { margin-top: 1em; }\n.feedback { margin-top: 1em; }\n.source { font-size: 0.7em; color: #777; }\n";

/// One note: its type, fields, tags, deck and GUID.
struct Note {
    kind: &'static NoteType,
    fields: Vec<String>,
    tags: Vec<String>,
    deck: String,
    guid: String,
}

/// Writes `questions` as an Anki package into the file at `path`.
pub fn write(site: &Site, questions: &[&Question], path: &Path) -> Result<(), Error> {
    let notes: Vec<Note> = questions.iter().map(|q| note(site, q)).collect();
    let db = tempfile::NamedTempFile::new().map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    collection(&notes, db.path())
        .map_err(|e| Error::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
    let bytes = std::fs::read(db.path()).map_err(|source| Error::Io { path: db.path().to_path_buf(), source })?;
    let files = vec![
        OutputFile { path: "collection.anki2".into(), bytes },
        OutputFile { path: "media".into(), bytes: b"{}".to_vec() },
    ];
    package::write_zip_to(path, &files, &[])
}

/// The note for question `q`.
fn note(site: &Site, q: &Question) -> Note {
    let page = &site.pages[q.page];
    let l = Linker { site, out_path: "index.html" };
    let esc = |s: &str| tera::escape_html(s);
    let list = |open: &str, items: &[String]| {
        let lis: String = items.iter().map(|i| format!("<li>{}</li>", esc(i))).collect();
        let close = open.split_whitespace().next().unwrap_or(open);
        format!("<{open}>{lis}</{close}>")
    };
    let question = unlink(&l.html(&q.prompt));
    let explanation = q.explanation.as_ref().map(|e| unlink(&l.html(e))).unwrap_or_default();
    let source = format!("{} · {}", esc(&site.config.title), esc(&page.title));
    let (kind, middle): (&'static NoteType, Vec<String>) = match &q.answer {
        Answer::Single { options, .. } | Answer::Multiple { options, .. } => {
            let order = option_order(site, q, options.len());
            let shown: Vec<String> = order.iter().map(|&i| options[i].clone()).collect();
            let hint =
                if matches!(q.answer, Answer::Multiple { .. }) { "<p><i>Select all that apply.</i></p>" } else { "" };
            let (label, lines, _) = answer_lines(&q.answer);
            let key = format!("<p><b>{label}:</b></p>{}", list("ul", &lines));
            let feedback: String = q
                .feedback
                .iter()
                .map(|(k, md)| format!("<li><b>{}</b>: {}</li>", esc(k), unlink(&l.inline_html(md))))
                .collect();
            let feedback = if feedback.is_empty() { String::new() } else { format!("<ul>{feedback}</ul>") };
            (&CHOICE, vec![question, format!("{hint}{}", list("ol type=a", &shown)), key, feedback])
        }
        Answer::Truefalse(_) | Answer::Short { .. } => {
            let (label, lines, _) = answer_lines(&q.answer);
            let hint = if matches!(q.answer, Answer::Truefalse(_)) { "<p><i>True or false?</i></p>" } else { "" };
            let feedback: String = q
                .feedback
                .iter()
                .map(|(k, md)| format!("<li><b>{}</b>: {}</li>", esc(k), unlink(&l.inline_html(md))))
                .collect();
            let feedback = if feedback.is_empty() { String::new() } else { format!("<ul>{feedback}</ul>") };
            (
                &BASIC,
                vec![
                    format!("{question}{hint}"),
                    format!("<p><b>{label}:</b> {}</p>{feedback}", esc(&lines.join(" / "))),
                ],
            )
        }
        Answer::Ordering { steps } => {
            let order = fixed_shuffle(steps.len(), &q.id);
            let shown: Vec<String> = order.iter().map(|&i| steps[i].clone()).collect();
            (&ORDERING, vec![question, list("ul", &shown), list("ol", steps)])
        }
        Answer::Matching { left, right } => {
            let order = fixed_shuffle(right.len(), &q.id);
            let shown: Vec<String> = order.iter().map(|&i| right[i].clone()).collect();
            let items = format!(
                "<p><i>Match each item:</i></p>{}<p><i>with one of:</i></p>{}",
                list("ol", left),
                list("ol type=a", &shown)
            );
            let pairs: Vec<String> = left.iter().zip(right).map(|(a, b)| format!("{a} → {b}")).collect();
            (&MATCHING, vec![question, items, list("ul", &pairs)])
        }
    };
    let mut fields = middle;
    fields.extend([explanation, source]);
    let tags: Vec<String> = all_tags(site, q)
        .into_iter()
        .chain([page.kind.clone(), page.slug.clone()])
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join("_"))
        .collect();
    Note { kind, fields, tags, deck: deck_of(site, q.page), guid: format!("rapport-{}", q.id) }
}

/// `Site::Course` for a course module's questions, `Site::Kind plural` for the others.
fn deck_of(site: &Site, page: usize) -> String {
    let clean = |s: &str| s.replace("::", ":");
    let course = courses(site)
        .into_iter()
        .find(|&c| site.graph.relations[c].iter().any(|r| r.ordered && r.targets.contains(&page)));
    let sub = match course {
        Some(c) => site.pages[c].title.clone(),
        None => site.kind_plural(&site.pages[page].kind),
    };
    format!("{}::{}", clean(&site.config.title), clean(&sub))
}

/// Relative site links mean nothing inside Anki: they become their text.
fn unlink(html: &str) -> String {
    let re = regex::Regex::new(r#"<a href="[^"]*">(.*?)</a>"#).expect("constant pattern");
    re.replace_all(html, |c: &regex::Captures| {
        let whole = &c[0];
        if whole.contains("://") {
            whole.to_string()
        } else {
            c[1].to_string()
        }
    })
    .into_owned()
}

/// A stable id from a name (deck ids: the same deck name gives the same deck on re-import).
fn stable_id(name: &str) -> i64 {
    let d = sha1_smol::Sha1::from(name.as_bytes()).digest().bytes();
    let n = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
    // Anki ids are positive and must fit JavaScript's safe integers.
    (n % (1 << 52)) as i64 + 1
}

/// Anki's checksum of a note: the first 8 hex digits of the SHA-1 of its sort field's text.
fn checksum(text: &str) -> i64 {
    let d = sha1_smol::Sha1::from(text.as_bytes()).digest().bytes();
    i64::from(u32::from_be_bytes([d[0], d[1], d[2], d[3]]))
}

/// The sort field as plain text.
fn plain(html: &str) -> String {
    let text = ammonia::Builder::empty().clean(html).to_string();
    text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

/// Creates the SQLite collection at `db` with the note types, decks, notes and one card per note.
fn collection(notes: &[Note], db: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open(db)?;
    conn.execute_batch(include_str!("apkg_schema.sql"))?;
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    let secs = now / 1000;
    let mut decks: Vec<String> = notes.iter().map(|n| n.deck.clone()).collect();
    decks.sort();
    decks.dedup();
    // Parent decks too, so each subdeck has its parent.
    let parents: Vec<String> = decks.iter().filter_map(|d| d.rsplit_once("::").map(|(p, _)| p.to_string())).collect();
    decks.extend(parents);
    decks.sort();
    decks.dedup();
    let first_deck = decks.first().map(|d| stable_id(d)).unwrap_or(1);
    let mut deck_json = serde_json::Map::new();
    deck_json.insert("1".into(), deck(1, "Default", secs));
    for d in &decks {
        let id = stable_id(d);
        deck_json.insert(id.to_string(), deck(id, d, secs));
    }
    let models: serde_json::Map<String, Value> =
        NOTE_TYPES.iter().map(|t| (t.id.to_string(), model(t, first_deck, secs))).collect();
    let conf = json!({
        "activeDecks": [1], "addToCur": true, "collapseTime": 1200, "curDeck": 1, "curModel": BASIC.id.to_string(),
        "dueCounts": true, "estTimes": true, "newBury": true, "newSpread": 0, "nextPos": notes.len() + 1,
        "sortBackwards": false, "sortType": "noteFld", "timeLim": 0
    });
    conn.execute(
        "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            secs - secs % 86_400,
            now,
            conf.to_string(),
            Value::Object(models).to_string(),
            Value::Object(deck_json).to_string(),
            dconf().to_string()
        ],
    )?;
    let tx = conn.unchecked_transaction()?;
    for (n, note) in notes.iter().enumerate() {
        let nid = now + n as i64;
        let sort = plain(&note.fields[0]);
        let tags = if note.tags.is_empty() { String::new() } else { format!(" {} ", note.tags.join(" ")) };
        tx.execute(
            "INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')",
            params![nid, note.guid, note.kind.id, secs, tags, note.fields.join("\u{1f}"), sort, checksum(&sort)],
        )?;
        tx.execute(
            "INSERT INTO cards VALUES (?1, ?2, ?3, 0, ?4, -1, 0, 0, ?5, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            params![nid, nid, stable_id(&note.deck), secs, n as i64 + 1],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// A deck entry of `col.decks`.
fn deck(id: i64, name: &str, secs: i64) -> Value {
    json!({
        "collapsed": false, "conf": 1, "desc": "", "dyn": 0, "extendNew": 10, "extendRev": 50, "id": id,
        "lrnToday": [0, 0], "mod": secs, "name": name, "newToday": [0, 0], "revToday": [0, 0],
        "timeToday": [0, 0], "usn": -1
    })
}

/// A note type entry of `col.models`.
fn model(t: &NoteType, deck: i64, secs: i64) -> Value {
    let flds: Vec<Value> = t
        .fields
        .iter()
        .enumerate()
        .map(|(i, name)| json!({"name": name, "ord": i, "font": "Arial", "size": 20, "rtl": false, "sticky": false, "media": []}))
        .collect();
    json!({
        "id": t.id, "name": t.name, "type": 0, "mod": secs, "usn": -1, "sortf": 0, "did": deck, "tags": [], "vers": [],
        "flds": flds, "css": CSS,
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": t.front, "afmt": t.back, "bqfmt": "", "bafmt": "", "did": null}],
        "req": [[0, "any", [0]]],
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}"
    })
}

/// The default options group (`col.dconf`), Anki's defaults.
fn dconf() -> Value {
    json!({"1": {
        "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0, "replayq": true,
        "dyn": false,
        "new": {"bury": true, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 7], "order": 1, "perDay": 20, "separate": true},
        "lapse": {"delays": [10.0], "leechAction": 0, "leechFails": 8, "minInt": 1, "mult": 0.0},
        "rev": {"bury": true, "ease4": 1.3, "fuzz": 0.05, "ivlFct": 1.0, "maxIvl": 36500, "minSpace": 1, "perDay": 200}
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_links_become_text_and_web_links_stay() {
        assert_eq!(
            unlink(r#"See <a href="../x.html">x</a> and <a href="https://e.org">e</a>."#),
            r#"See x and <a href="https://e.org">e</a>."#
        );
    }

    #[test]
    fn deck_ids_are_stable_and_positive() {
        assert_eq!(stable_id("A::B"), stable_id("A::B"));
        assert_ne!(stable_id("A::B"), stable_id("A::C"));
        assert!(stable_id("A") > 0);
    }
}
