//! Parse: a page's front matter read into a model `Page`, checked against its kind in site.toml.

use std::collections::BTreeMap;
use std::path::Path;

use serde_yaml::Value;

use super::frontmatter::{describe, FrontMatter, Seg};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::config::{Config, KindConfig};
use crate::model::doc::Doc;
use crate::model::page::{Page, SlugRef};
use crate::model::slug::slugify;
use crate::model::source::Source;

/// Reads typed values out of front matter, collecting a located diagnostic for each problem.
struct Reader<'a> {
    fm: &'a FrontMatter,
    display: &'a Path,
    text: &'a str,
    problems: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn at(&self, key: &str) -> (usize, usize) {
        self.fm.locate(&[Seg::Key(key)])
    }

    fn wrong(&mut self, key: &str, expected: &str, found: &Value) {
        let (line, col) = self.at(key);
        let col = col + key.chars().count() + 2;
        let help = match (expected, found) {
            ("a list of text", Value::String(s)) => Some(format!("write a list: `{key}: [{s}]`")),
            _ => None,
        };
        self.problems.push(
            Diagnostic::error(
                self.display,
                line,
                col,
                format!("`{key}` should be {expected}, found {}", describe(found)),
            )
            .with_source(self.text)
            .with_help(help),
        );
    }

    fn text(&mut self, key: &str) -> Option<String> {
        match self.fm.map.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            v @ (Value::Number(_) | Value::Bool(_)) => Some(scalar_text(v)),
            other => {
                let other = other.clone();
                self.wrong(key, "text", &other);
                None
            }
        }
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        match self.fm.map.get(key) {
            None | Some(Value::Null) => vec![],
            Some(Value::Sequence(items)) if items.iter().all(is_scalar) => items.iter().map(scalar_text).collect(),
            Some(other) => {
                let other = other.clone();
                self.wrong(key, "a list of text", &other);
                vec![]
            }
        }
    }

    fn refs(&mut self, key: &str) -> Vec<SlugRef> {
        let values = match self.fm.map.get(key) {
            None | Some(Value::Null) => return vec![],
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Sequence(items)) if items.iter().all(is_scalar) => items.iter().map(scalar_text).collect(),
            Some(other) => {
                let other = other.clone();
                self.wrong(key, "a slug or a list of slugs", &other);
                return vec![];
            }
        };
        values
            .into_iter()
            .enumerate()
            .map(|(i, target)| {
                let (line, col) = match self.fm.locate(&[Seg::Key(key), Seg::Index(i)]) {
                    p if p != self.at(key) => self.fm.locate_text(&[Seg::Key(key), Seg::Index(i)], &target),
                    _ => self.fm.locate_text(&[Seg::Key(key)], &target),
                };
                SlugRef { target, line, col }
            })
            .collect()
    }

    fn bool(&mut self, key: &str) -> bool {
        match self.fm.map.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                let other = other.clone();
                self.wrong(key, "true or false", &other);
                false
            }
        }
    }

    fn int(&mut self, key: &str) -> i64 {
        match self.fm.map.get(key) {
            None | Some(Value::Null) => 0,
            Some(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
            Some(other) => {
                let other = other.clone();
                self.wrong(key, "a whole number", &other);
                0
            }
        }
    }

    fn error_at(&mut self, pos: (usize, usize), message: String, help: Option<String>) {
        self.problems
            .push(Diagnostic::error(self.display, pos.0, pos.1, message).with_source(self.text).with_help(help));
    }
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Everything needed to turn a parsed front matter into a [`Page`].
pub struct PageSource<'a> {
    pub rel: &'a Path,
    pub display: &'a Path,
    /// The file, for reading the text again once a build releases it.
    pub abs: &'a Path,
    pub text: String,
    pub body_start: usize,
    pub front: FrontMatter,
    pub doc: Doc,
}

/// Builds a page from its front matter, checking fields against its kind.
pub fn build_page(src: PageSource, config: &Config) -> (Option<Page>, Vec<Diagnostic>) {
    let kind_name = config.kind_for(src.rel).to_string();
    let Some(kind) = config.kind(&kind_name) else {
        let d = Diagnostic::error(src.display, 1, 1, format!("unknown kind `{kind_name}`"));
        return (None, vec![d]);
    };
    let mut r = Reader { fm: &src.front, display: src.display, text: &src.text, problems: vec![] };
    check_keys(&mut r, kind, &kind_name);
    let title = r.text("title").unwrap_or_default();
    let slug = match r.text("slug") {
        Some(s) if is_valid_slug(&s) => s,
        Some(s) => {
            let pos = r.at("slug");
            r.error_at(
                pos,
                format!("slug `{s}` may hold only lower-case letters, digits, `-` and `_`"),
                Some(format!("try `{}`", slugify(&s))),
            );
            slugify(&s)
        }
        None => slugify(src.rel.file_stem().and_then(|s| s.to_str()).unwrap_or("page")),
    };
    let is_home = src.rel == Path::new("index.md");
    if slug == "index" && !is_home {
        let pos = r.at("title");
        r.error_at(pos, "the slug `index` is reserved for the home page (content/index.md)".into(), None);
    }
    let summary = r.text("summary").unwrap_or_default();
    let updated = r.text("updated");
    if let Some(u) = &updated {
        if !is_date(u) {
            let pos = r.at("updated");
            r.error_at(pos, format!("`updated` should be a date like 2024-05-31, found `{u}`"), None);
        }
    }
    let mut fields = BTreeMap::new();
    for (name, fc) in &kind.fields {
        let values = if fc.list { r.list(name) } else { r.text(name).into_iter().collect() };
        if let Some(allowed) = &fc.values {
            for v in &values {
                if !allowed.contains(v) {
                    let pos = src.front.locate_text(&[Seg::Key(name)], v);
                    let msg = format!("`{v}` is not an allowed {name}; allowed: {}", allowed.join(", "));
                    r.error_at(pos, msg, did_you_mean(v, allowed.iter().map(String::as_str)));
                }
            }
        }
        fields.insert(name.clone(), values);
    }
    for name in &kind.optional {
        if let Some(t) = r.text(name) {
            fields.insert(name.clone(), vec![t]);
        }
    }
    let relations = kind.relations.keys().map(|name| (name.clone(), r.refs(name))).collect();
    let (tags, aliases, related, tests) = (r.list("tags"), r.list("aliases"), r.refs("related"), r.refs("tests"));
    let (draft, weight, sources) = (r.bool("draft"), r.int("weight"), r.list("sources"));
    // `glossary: false` is read by the glossary stage; reading it here reports a non-boolean.
    r.bool("glossary");
    let problems = r.problems;
    let mut page = Page {
        kind: kind_name,
        slug,
        title,
        summary,
        tags,
        aliases,
        related,
        tests,
        draft,
        weight,
        updated,
        sources,
        fields,
        relations,
        rel: src.rel.to_path_buf(),
        display: src.display.to_path_buf(),
        source: Source::new(src.abs.to_path_buf(), src.text),
        body_start: src.body_start,
        front: src.front,
        doc: src.doc,
        out_path: String::new(),
        href: String::new(),
    };
    (page.out_path, page.href) = page_paths(&page, config);
    (Some(page), problems)
}

/// Missing required fields are errors; unknown fields are warnings with a did-you-mean.
fn check_keys(r: &mut Reader, kind: &KindConfig, kind_name: &str) {
    let allowed = kind.allowed_fields();
    for key in r.fm.map.keys() {
        let Some(key) = key.as_str() else { continue };
        if !allowed.contains(&key) {
            let (line, col) = r.at(key);
            r.problems.push(
                Diagnostic::warning(r.display, line, col, format!("unknown field `{key}` for kind `{kind_name}`"))
                    .with_len(key.chars().count())
                    .with_source(r.text)
                    .with_help(did_you_mean(key, allowed.iter().copied())),
            );
        }
    }
    for req in &kind.required {
        let present = match r.fm.map.get(req.as_str()) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(Value::Sequence(s)) => !s.is_empty(),
            Some(_) => true,
        };
        if !present {
            let (line, col) = (r.fm.first_line - 1, 1);
            r.problems.push(
                Diagnostic::error(
                    r.display,
                    line,
                    col,
                    format!("missing required field `{req}` for kind `{kind_name}`"),
                )
                .with_len(3)
                .with_source(r.text),
            );
        }
    }
}

/// Output file and link target of a page, relative to the output root.
fn page_paths(page: &Page, config: &Config) -> (String, String) {
    if page.is_home() {
        return ("index.html".into(), if config.pretty_urls { "./".into() } else { "index.html".into() });
    }
    let dir = match config.kind(&page.kind).map(|k| k.folder.trim_matches('/')) {
        Some(folder) if !folder.is_empty() => folder.to_string(),
        _ => page.rel.parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default(),
    };
    let base = if dir.is_empty() { page.slug.clone() } else { format!("{dir}/{}", page.slug) };
    if config.pretty_urls {
        (format!("{base}/index.html"), format!("{base}/"))
    } else {
        (format!("{base}.html"), format!("{base}.html"))
    }
}

fn is_valid_slug(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A real calendar date written `YYYY-MM-DD` (no month 13, no February 29 outside leap years, no year 0).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let number = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u16>().ok());
    let (Some(y), Some(m), Some(d)) = (number(0..4), number(5..7), number(8..10)) else { return false };
    let month = u8::try_from(m).ok().and_then(|m| time::Month::try_from(m).ok());
    shaped && y >= 1 && month.is_some_and(|m| time::Date::from_calendar_date(y.into(), m, d as u8).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2024-05-31"));
        assert!(!is_date("31/05/2024"));
        assert!(is_date("2024-02-29"));
        for bad in ["2024-13-45", "2023-02-29", "0000-00-00", "2024-04-31", "2024-00-10"] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
