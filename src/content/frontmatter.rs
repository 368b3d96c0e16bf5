//! Splits a page into YAML front matter and Markdown body; parses the YAML with serde_yaml.

use serde_yaml::{Mapping, Value};

/// A page's parsed front matter, with enough of its text to point at fields.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    /// The YAML between the `---` lines.
    pub yaml: String,
    /// File line number (1-based) of the first YAML line.
    pub first_line: usize,
    pub map: Mapping,
}

/// Why front matter could not be read; line and column are in file coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The likely fix, for YAML mistakes that have a usual cause.
    pub help: Option<String>,
}

/// One step of a path into the YAML: a key or a list index.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Splits `text` into front matter and the byte offset where the body starts.
pub fn split(text: &str) -> Result<(FrontMatter, usize), SplitError> {
    let err = |line, col, message: &str| SplitError { line, col, message: message.to_string(), help: None };
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_no_bom.len();
    if text_no_bom.trim().is_empty() {
        return Err(err(1, 1, "empty file: a page needs front matter with at least a title"));
    }
    let first = text_no_bom.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(err(1, 1, "no front matter: a page starts with a `---` line, then YAML fields such as `title: ...`, then another `---` line"));
    }
    let after_open = bom + first.len() + line_break_len(&text[bom + first.len()..]);
    let mut offset = after_open;
    for line in text[after_open..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &text[after_open..offset];
            let body_start = offset + line.len();
            let map = parse_yaml(yaml, 2)?;
            return Ok((FrontMatter { yaml: yaml.to_string(), first_line: 2, map }, body_start));
        }
        offset += line.len();
    }
    Err(err(1, 1, "front matter is not closed: add a `---` line after the last field"))
}

fn line_break_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") {
        2
    } else if rest.starts_with('\n') {
        1
    } else {
        0
    }
}

fn parse_yaml(yaml: &str, first_line: usize) -> Result<Mapping, SplitError> {
    if yaml.trim().is_empty() {
        let message = "front matter is empty: add at least `title: ...`".into();
        return Err(SplitError { line: 1, col: 1, message, help: None });
    }
    match serde_yaml::from_str::<Value>(yaml) {
        Ok(Value::Mapping(m)) => Ok(m),
        Ok(_) => Err(SplitError {
            line: first_line,
            col: 1,
            message: "front matter must be YAML fields (`name: value`), one per line".into(),
            help: None,
        }),
        Err(e) => {
            // An alias expanding too far (a "billion laughs") is found after parsing, at the start of
            // the document: point at the first alias, the cause, instead.
            let expansion = e.to_string().contains("limit exceeded");
            let located = e.location().map(|l| (l.line(), l.column()));
            let (line, col) = (if expansion { first_alias(yaml).or(located) } else { located })
                .map(|(l, c)| (l + first_line - 1, c))
                .unwrap_or((first_line, 1));
            let msg = e.to_string();
            // serde_yaml appends " at line X column Y"; the location is shown separately.
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            // A quote left open runs on to the next quote, lines later, where YAML then fails:
            // the open quote is the mistake to point at.
            if let Some((at, quote_col)) = unclosed_quote(yaml, line - first_line) {
                let message = format!("invalid YAML in front matter: this quoted value is never closed, so YAML reads on into the next lines (YAML says: {msg})");
                let help = Some("close the quote at the end of the value".to_string());
                return Err(SplitError { line: at + first_line, col: quote_col, message, help });
            }
            let (message, help) = match explain_indentation(&msg, yaml, line - first_line) {
                Some((plain, fix)) => (format!("invalid YAML in front matter: {plain} (YAML says: {msg})"), Some(fix)),
                None => (format!("invalid YAML in front matter: {msg}"), None),
            };
            Err(SplitError { line, col, message, help })
        }
    }
}

/// The first line before `upto` (0-based) whose value opens a quote it does not close, with the
/// quote's column (1-based). Only a value as a whole counts (`key: "...`, `- '...`): a quote
/// inside plain text is text.
fn unclosed_quote(yaml: &str, upto: usize) -> Option<(usize, usize)> {
    yaml.lines().take(upto).enumerate().find_map(|(i, line)| {
        let leading = |s: &str| s.len() - s.trim_start().len();
        let start = leading(line);
        let rest = &line[start..];
        let value_at = match rest.strip_prefix("- ") {
            Some(item) => start + 2 + leading(item),
            None => {
                let (key, value) = rest.split_once(": ")?;
                start + key.len() + 2 + leading(value)
            }
        };
        let value = &line[value_at..];
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let closed = match quote {
            // In double quotes a backslash escapes the next character.
            '"' => value[1..]
                .chars()
                .scan(false, |escaped, c| {
                    let ends = c == '"' && !*escaped;
                    *escaped = c == '\\' && !*escaped;
                    Some(ends)
                })
                .any(|ends| ends),
            // In single quotes '' is a quote; any other single quote closes (an even run of them
            // after the opening one does not).
            _ => value[1..].split("''").any(|part| part.contains('\'')),
        };
        (!closed).then(|| (i, line[..value_at].chars().count() + 1))
    })
}

/// Line and column (1-based, within `yaml`) of the first alias (`*name`) outside quotes and comments.
fn first_alias(yaml: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let code = line.split(" #").next().unwrap_or(line);
        let mut prev = ' ';
        let mut quote: Option<char> = None;
        for (col, c) in code.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '*') if matches!(prev, ' ' | '[' | ',' | '{' | ':' | '-') => return Some((i + 1, col + 1)),
                _ => {}
            }
            prev = c;
        }
        None
    })
}

/// Plain words and the likely fix for serde_yaml's indentation messages about line `at` (0-based)
/// of `yaml`: the fix lines the key up with the key of the line above it.
fn explain_indentation(msg: &str, yaml: &str, at: usize) -> Option<(String, String)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let line = lines.get(at)?;
    let above = lines[..at].iter().rev().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let key_of = |l: &str| -> Option<(usize, String)> {
        let indent = l.len() - l.trim_start().len();
        let rest = l.trim_start();
        let (indent, rest) = match rest.strip_prefix("- ") {
            Some(r) => (indent + 2 + (r.len() - r.trim_start().len()), r.trim_start()),
            None => (indent, rest),
        };
        let key = rest.split_once(':')?.0;
        (!key.is_empty() && !key.contains(' ')).then(|| (indent, key.to_string()))
    };
    let (col, key) = key_of(line)?;
    let (want, above_key) = key_of(above)?;
    let line_up = format!(
        "line `{key}:` up with `{above_key}:` ({want} spaces from the left), or indent it under the field it belongs to"
    );
    let plain = if msg.contains("did not find expected '-' indicator") || msg.contains("did not find expected key") {
        format!("this line is indented differently from the line above it (`{key}:` starts at column {}, `{above_key}:` at column {})", col + 1, want + 1)
    } else if msg.contains("mapping values are not allowed") && col > want {
        format!("this line is indented more than `{above_key}:` above it, so YAML reads `{key}:` as part of that value")
    } else if msg.contains("mapping values are not allowed") {
        let fix = format!("put the value in quotes: `{key}: \"...\"`");
        return Some(("a value holds `: `, which YAML reads as the start of another field".into(), fix));
    } else {
        return None;
    };
    Some((plain, line_up))
}

impl FrontMatter {
    /// File position (line, col) of the node at `path`, or of the deepest part of it that was found.
    ///
    /// serde_yaml keeps no positions, so this walks the YAML text by indentation; it is only used to
    /// point diagnostics at the right line, never to read values.
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        let lines: Vec<&str> = self.yaml.lines().collect();
        let (mut lo, mut hi) = (0, lines.len());
        let mut pos = (self.first_line, 1);
        for seg in path {
            let found = match seg {
                Seg::Key(k) => find_key(&lines, lo, hi, k),
                Seg::Index(i) => find_item(&lines, lo, hi, *i),
            };
            match found {
                Some((start, end, col)) => {
                    pos = (self.first_line + start, col);
                    lo = start;
                    hi = end;
                }
                None => break,
            }
        }
        pos
    }

    /// Position of the first occurrence of `needle` inside the node at `path` (falls back to the node).
    pub fn locate_text(&self, path: &[Seg], needle: &str) -> (usize, usize) {
        let (line, col) = self.locate(path);
        let lines: Vec<&str> = self.yaml.lines().collect();
        let start = line - self.first_line;
        for (i, l) in lines.iter().enumerate().skip(start).take(40) {
            let from = if i == start { byte_of_col(l, col) } else { 0 };
            if let Some(b) = l.get(from..).and_then(|s| s.find(needle)) {
                return (self.first_line + i, l[..from + b].chars().count() + 1);
            }
        }
        (line, col)
    }
}

/// How a YAML value reads in a "found ..." message.
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a set of fields",
        Value::Tagged(_) => "a tagged value",
    }
}

fn byte_of_col(line: &str, col: usize) -> usize {
    line.char_indices().nth(col.saturating_sub(1)).map(|(b, _)| b).unwrap_or(line.len())
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

fn is_content(l: &str) -> bool {
    let t = l.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// Indentation of a line, counting a leading "- " as indentation, and the rest of the line.
fn strip_item(l: &str) -> (usize, &str) {
    let t = l.trim_start();
    let t2 = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
    (l.len() - t2.len(), t2)
}

/// Key `k` among lines[lo..hi] at the block's own indentation (a leading "- " counts as indentation).
fn find_key(lines: &[&str], lo: usize, hi: usize, k: &str) -> Option<(usize, usize, usize)> {
    let base = lines[lo..hi].iter().filter(|l| is_content(l)).map(|l| strip_item(l).0).min()?;
    for i in lo..hi {
        let (ind, rest) = strip_item(lines[i]);
        if ind == base && is_content(lines[i]) {
            let after = rest.strip_prefix(k).or_else(|| rest.strip_prefix(&format!("\"{k}\"")));
            if after.is_some_and(|a| a.trim_start().starts_with(':')) {
                let end = (i + 1..hi)
                    .find(|&j| is_content(lines[j]) && strip_item(lines[j]).0 <= base && indent(lines[j]) <= ind)
                    .unwrap_or(hi);
                return Some((i, end, ind + 1));
            }
        }
    }
    None
}

/// The `i`-th block list item among lines[lo..hi] (the key line itself is skipped).
fn find_item(lines: &[&str], lo: usize, hi: usize, i: usize) -> Option<(usize, usize, usize)> {
    let items: Vec<usize> = (lo + 1..hi).filter(|&j| lines[j].trim_start().starts_with('-')).collect();
    let base = items.iter().map(|&j| indent(lines[j])).min()?;
    let items: Vec<usize> = items.into_iter().filter(|&j| indent(lines[j]) == base).collect();
    let start = *items.get(i)?;
    let end = items.get(i + 1).copied().unwrap_or(hi);
    Some((start, end, base + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let (fm, body) = split("---\ntitle: A\n---\nHello\n").unwrap();
        assert_eq!(fm.map.get("title").and_then(Value::as_str), Some("A"));
        assert_eq!(&"---\ntitle: A\n---\nHello\n"[body..], "Hello\n");
    }

    #[test]
    fn handles_crlf_and_bom() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody";
        let (fm, body) = split(text).unwrap();
        assert_eq!(fm.map.get("title").and_then(Value::as_str), Some("A"));
        assert_eq!(&text[body..], "Body");
    }

    #[test]
    fn reports_missing_unclosed_and_empty() {
        assert!(split("").unwrap_err().message.starts_with("empty file"));
        assert!(split("# Title\n").unwrap_err().message.starts_with("no front matter"));
        assert!(split("---\ntitle: A\nbody").unwrap_err().message.contains("not closed"));
    }

    #[test]
    fn yaml_error_is_located_in_file_coordinates() {
        let e = split("---\ntitle: A\ntags: [a, b\n---\n").unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert!(e.line >= 3, "line {}", e.line);
    }

    #[test]
    fn an_unclosed_quote_is_blamed_where_it_opens() {
        let e = split("---\ntitle: \"Broken [\nsummary: \"Fine.\"\n---\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 8), "{}", e.message);
        assert!(e.message.contains("quoted value is never closed"), "{}", e.message);
        let e = split("---\ntitle: A\ntags:\n  - 'it''s\nsummary: 'x'\n---\n").unwrap_err();
        assert_eq!((e.line, e.col), (4, 5), "{}", e.message);
        // Closed quotes, escapes and quotes inside plain text are no such mistake.
        for fine in ["title: \"a \\\" b\"\n", "title: 'it''s'\n", "title: It's \"fine\n"] {
            assert!(unclosed_quote(fine, 1).is_none(), "{fine}");
        }
    }

    #[test]
    fn alias_bomb_is_refused_at_the_alias() {
        let text = "---\ntitle: A\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
                    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n---\n";
        let e = split(text).unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert_eq!((e.line, e.col), (4, 8), "{}", e.message);
    }

    #[test]
    fn locates_nested_fields() {
        let text =
            "---\ntitle: A\nquiz:\n  - type: single\n    prompt: P\n  - type: truefalse\n    answer: maybe\n---\n";
        let (fm, _) = split(text).unwrap();
        assert_eq!(fm.locate(&[Seg::Key("title")]), (2, 1));
        assert_eq!(fm.locate(&[Seg::Key("quiz"), Seg::Index(1)]), (6, 3));
        assert_eq!(fm.locate(&[Seg::Key("quiz"), Seg::Index(1), Seg::Key("answer")]), (7, 5));
        assert_eq!(fm.locate_text(&[Seg::Key("quiz"), Seg::Index(1), Seg::Key("answer")], "maybe"), (7, 13));
    }
}
