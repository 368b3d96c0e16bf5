//! Finds Pandoc citations in Markdown: `[@key]`, `[see @key, p. 12]`, `[@a; @b]`, `[-@key]`, narrative `@key`.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag};
use regex::Regex;

/// A citation key as Pandoc reads it: a word character, then word characters with single
/// internal punctuation (`smith2004`, `doe:2001.b`); `@{any key}` for anything else.
const KEY: &str = r"\{[^{}\s]+\}|[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/][\p{L}\p{N}_])*";

/// `[ ... @key ... ]`: a bracketed group that may be a citation (checked item by item).
static BRACKETED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\[\]]*@[^\[\]]*)\]").expect("valid regex"));

/// One item of a bracketed group: prefix, `-` (suppress author), key, the rest.
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?s)(?P<prefix>[^@]*?)(?P<minus>-)?@(?P<key>{KEY})(?P<rest>[^@]*)$")).expect("valid regex")
});

/// A narrative citation `@key`, optionally followed by ` [locator]`.
static NARRATIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"@(?P<key>{KEY})(?: \[(?P<loc>[^\[\]@]*)\])?")).expect("valid regex"));

/// How a citation was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `[@key]`: parenthetical, "(Wampold, 2015)" in APA.
    Bracketed,
    /// `@key`: the author in the sentence, "Wampold (2015)".
    Narrative,
}

/// One work cited, with where its key was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    pub key: String,
    /// Byte offset of the key's `@` in the scanned text.
    pub offset: usize,
    /// Text before the key (`see`), trimmed.
    pub prefix: String,
    /// Locator or suffix after the key (`p. 12`), without the leading comma.
    pub locator: String,
    /// `[-@key]`: show the year only.
    pub suppress_author: bool,
}

/// A citation as written in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    pub form: Form,
    /// Byte range of the whole citation in the scanned text.
    pub range: Range<usize>,
    pub items: Vec<CiteItem>,
    /// Written in a heading, where it is shown as written (heading ids come from the text).
    pub in_heading: bool,
}

impl Cite {
    /// The citation's source text, which names its formatted text site-wide.
    pub fn source<'a>(&self, text: &'a str) -> &'a str {
        &text[self.range.clone()]
    }
}

/// Every citation in the Markdown `text[start..]`, in order, with offsets into `text`.
/// Citations inside code, HTML, links and autolinks are not citations.
pub fn scan(text: &str, start: usize) -> Vec<Cite> {
    let body = &text[start..];
    if !body.contains('@') {
        return Vec::new();
    }
    let (excluded, headings) = excluded_ranges(body);
    let inside = |r: &Range<usize>| excluded.iter().any(|e| e.start < r.end && r.start < e.end);
    let in_heading = |r: &Range<usize>| headings.iter().any(|h| h.start <= r.start && r.end <= h.end);
    let mut cites: Vec<Cite> = Vec::new();
    for m in BRACKETED.find_iter(body) {
        let range = m.range();
        // `[@key](url)` and `[text][ref]` are links, `[@key]: url` a link definition.
        let next = body[range.end..].chars().next();
        if matches!(next, Some('(' | '[' | ':')) || inside(&range) || preceded_by(body, range.start, &['\\', '!', ']'])
        {
            continue;
        }
        if let Some(items) = bracket_items(body, range.start + 1, &body[range.start + 1..range.end - 1]) {
            let in_heading = in_heading(&range);
            cites.push(Cite { form: Form::Bracketed, range, items, in_heading });
        }
    }
    let taken: Vec<Range<usize>> = cites.iter().map(|c| c.range.clone()).collect();
    for caps in NARRATIVE.captures_iter(body) {
        let Some(m) = caps.get(0) else { continue };
        let range = m.range();
        let overlaps = taken.iter().any(|t| t.start < range.end && range.start < t.end);
        let word_before = body[..range.start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '\\');
        if overlaps || word_before || inside(&range) {
            continue;
        }
        let key = caps.name("key").map_or("", |k| k.as_str());
        let locator = caps.name("loc").map_or("", |l| l.as_str()).trim().to_string();
        let item =
            CiteItem { key: unbrace(key), offset: range.start, prefix: String::new(), locator, suppress_author: false };
        let in_heading = in_heading(&range);
        cites.push(Cite { form: Form::Narrative, range, items: vec![item], in_heading });
    }
    cites.sort_by_key(|c| c.range.start);
    for c in &mut cites {
        c.range = c.range.start + start..c.range.end + start;
        for it in &mut c.items {
            it.offset += start;
        }
    }
    cites
}

/// The items of a bracketed group, or `None` when one part names no key (then it is plain text).
fn bracket_items(body: &str, inner_start: usize, inner: &str) -> Option<Vec<CiteItem>> {
    let mut items = Vec::new();
    let mut at = inner_start;
    for part in inner.split(';') {
        let caps = ITEM.captures(part)?;
        let key = caps.name("key")?;
        let minus = caps.name("minus");
        let prefix = caps.name("prefix").map_or("", |p| p.as_str());
        // `see@key` is an e-mail-like word, not a citation.
        if minus.is_none() && prefix.chars().next_back().is_some_and(char::is_alphanumeric) {
            return None;
        }
        let rest = caps.name("rest").map_or("", |r| r.as_str());
        // Like Pandoc: a key must end where a word ends.
        if rest.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let at_sign = at + key.start() - 1;
        debug_assert_eq!(body.as_bytes().get(at_sign), Some(&b'@'));
        items.push(CiteItem {
            key: unbrace(key.as_str()),
            offset: at_sign,
            prefix: prefix.trim().to_string(),
            locator: rest.trim().trim_start_matches(',').trim().to_string(),
            suppress_author: minus.is_some(),
        });
        at += part.len() + 1;
    }
    Some(items)
}

/// `{key}` -> `key`.
fn unbrace(key: &str) -> String {
    key.strip_prefix('{').and_then(|k| k.strip_suffix('}')).unwrap_or(key).to_string()
}

fn preceded_by(body: &str, at: usize, chars: &[char]) -> bool {
    body[..at].chars().next_back().is_some_and(|c| chars.contains(&c))
}

/// Byte ranges of `body` where `@` never starts a citation (code, raw HTML, links, images), and
/// the ranges of headings.
fn excluded_ranges(body: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut out = Vec::new();
    let mut headings = Vec::new();
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => out.push(range),
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::Link { .. } | Tag::Image { .. }) => out.push(range),
            Event::Start(Tag::Heading { .. }) => headings.push(range),
            _ => {}
        }
    }
    (out, headings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(Form, Vec<String>)> {
        scan(text, 0).into_iter().map(|c| (c.form, c.items.into_iter().map(|i| i.key).collect())).collect()
    }

    #[test]
    fn finds_every_pandoc_form() {
        let text =
            "As @rogers1957 argued [@wampold2015, p. 12]; see [@horvath2011; @fluckiger2018] and [-@bordin1979].";
        let cites = scan(text, 0);
        assert_eq!(cites.len(), 4);
        assert_eq!(cites[0].form, Form::Narrative);
        assert_eq!(cites[0].source(text), "@rogers1957");
        assert_eq!(cites[1].items[0].locator, "p. 12");
        assert_eq!(cites[1].source(text), "[@wampold2015, p. 12]");
        assert_eq!(cites[2].items.len(), 2);
        assert_eq!(&text[cites[2].items[1].offset..][..14], "@fluckiger2018");
        assert!(cites[3].items[0].suppress_author);
    }

    #[test]
    fn prefixes_and_braced_keys() {
        let cites = scan("[see @a:b.c, pp. 3-4; also @{odd:key!}]", 0);
        assert_eq!(cites[0].items[0].prefix, "see");
        assert_eq!(cites[0].items[0].key, "a:b.c");
        assert_eq!(cites[0].items[0].locator, "pp. 3-4");
        assert_eq!(cites[0].items[1].key, "odd:key!");
    }

    #[test]
    fn trailing_punctuation_is_not_part_of_the_key() {
        let cites = scan("Shown by @rogers1957. And @doe2001, too.", 0);
        let found: Vec<_> = cites.iter().map(|c| c.items[0].key.as_str()).collect();
        assert_eq!(found, ["rogers1957", "doe2001"]);
    }

    #[test]
    fn code_links_and_emails_are_not_citations() {
        let text = "Mail me@example.org, `@code`, <https://x.org/@user>, [a](https://x.org/@u), \\@escaped\n\n```\n@block\n```\n";
        assert_eq!(keys(text), vec![]);
    }

    #[test]
    fn offsets_count_from_the_start_of_the_file() {
        let text = "---\ntitle: x\n---\nSee [@k].";
        let start = text.find("See").unwrap_or(0);
        let c = &scan(text, start)[0];
        assert_eq!(&text[c.range.clone()], "[@k]");
        assert_eq!(&text[c.items[0].offset..c.items[0].offset + 2], "@k");
    }

    #[test]
    fn narrative_with_locator() {
        let text = "@wampold2015 [p. 33] says so.";
        let c = &scan(text, 0)[0];
        assert_eq!(c.source(text), "@wampold2015 [p. 33]");
        assert_eq!(c.items[0].locator, "p. 33");
    }

    #[test]
    fn citations_in_headings_are_marked() {
        let cites = scan("## Evidence [@a]\n\nText [@b].\n", 0);
        let marks: Vec<_> = cites.iter().map(|c| c.in_heading).collect();
        assert_eq!(marks, [true, false]);
    }

    #[test]
    fn brackets_without_a_key_are_text() {
        assert_eq!(keys("[an aside @ noon] and [[wiki]]"), vec![]);
    }
}
