//! `site.toml` -> typed configuration.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use super::knowledge::{GlossaryConfig, MapConfig};
use crate::diagnostics::{did_you_mean, Diagnostic, LineIndex};

/// The name of the configuration file at a site's root.
pub const CONFIG_FILE: &str = "site.toml";

/// Fields every kind accepts.
pub const COMMON_FIELDS: &[&str] = &[
    "title", "slug", "summary", "tags", "aliases", "related", "draft", "weight", "updated", "sources", "quiz", "tests",
    "glossary",
];

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL of the published site, used for sitemap.xml only.
    #[serde(default)]
    pub base_url: String,
    /// Directory-style URLs (`factors/empathy/`) for web hosting; off keeps file:// working.
    #[serde(default)]
    pub pretty_urls: bool,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// Entries per page of kind indexes and tag pages; longer lists are split into numbered pages (0: never).
    #[serde(default = "default_list_page_size")]
    pub list_page_size: usize,
    #[serde(default)]
    /// Kinds in declaration order: navigation and the home page follow it.
    pub kinds: IndexMap<String, KindConfig>,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub quiz: QuizConfig,
    /// Bibliography file(s) for citations, relative to the site root (`.bib` or hayagriva `.yml`).
    #[serde(default)]
    pub bibliography: BibliographyFiles,
    /// A CSL style bundled with hayagriva, by name (`apa`, `chicago-author-date`, `ieee`...).
    #[serde(default = "default_citation_style")]
    pub citation_style: String,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub glossary: GlossaryConfig,
    #[serde(default)]
    pub map: MapConfig,
    /// Publish what symbolic links in content/ and static/ point to even outside the site root.
    #[serde(default)]
    pub allow_outside_symlinks: bool,
}

/// `bibliography = "references.bib"` or a list of files.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum BibliographyFiles {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl BibliographyFiles {
    /// The files, in the order given.
    pub fn files(&self) -> &[String] {
        match self {
            BibliographyFiles::None => &[],
            BibliographyFiles::One(f) => std::slice::from_ref(f),
            BibliographyFiles::Many(v) => v,
        }
    }
}

/// `[markdown]`: how page bodies, quiz prompts and feedback are turned into HTML.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// What happens to HTML written inside Markdown.
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// `raw_html` in `[markdown]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Scripts, event handlers and `javascript:` links are removed (ammonia); safe HTML stays.
    #[default]
    Sanitize,
    /// HTML passes through as written: only for sites whose every author is trusted.
    Allow,
}

/// `[search]`: options of the search index.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Build the search index and show the search box.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The synonyms file, relative to the site root.
    #[serde(default = "default_synonyms")]
    pub synonyms: String,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true, synonyms: default_synonyms() }
    }
}

/// `[quiz]`: options of quizzes and the practice page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizConfig {
    /// Questions drawn per practice round.
    #[serde(default = "default_practice_size")]
    pub practice_size: usize,
    /// Shuffle options of choice questions in the browser.
    #[serde(default = "yes")]
    pub shuffle: bool,
    /// What the item-writing check's findings are: warnings (default), errors, or not reported.
    #[serde(default)]
    pub item_checks: ItemChecks,
    /// Item-writing rules not to report (by name, e.g. "no-explanation").
    #[serde(default)]
    pub item_checks_allow: Vec<String>,
}

impl Default for QuizConfig {
    fn default() -> Self {
        QuizConfig {
            practice_size: default_practice_size(),
            shuffle: true,
            item_checks: ItemChecks::default(),
            item_checks_allow: Vec::new(),
        }
    }
}

/// The item-writing check's rules, by the names `item_checks_allow` takes.
pub const ITEM_CHECK_RULES: &[&str] = &[
    "longest-correct",
    "absolute-false",
    "all-none-of-the-above",
    "near-duplicate",
    "too-few-options",
    "short-answer-one-form",
    "no-explanation",
];

/// `[quiz] item_checks`: how the item-writing check reports what it finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemChecks {
    /// Findings are warnings.
    #[default]
    Warn,
    /// Findings are errors, for instructors who want a strict bank.
    Error,
    /// The check does not run.
    Off,
}

/// `[kinds.NAME]`: one kind of page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindConfig {
    /// Folder under content/ holding this kind's pages; "" for pages anywhere else.
    pub folder: String,
    /// Singular display name ("Factor").
    pub label: Option<String>,
    /// Plural display name ("Factors").
    pub plural: Option<String>,
    /// One sentence shown on the kind's index page.
    #[serde(default)]
    pub intro: String,
    /// Template for this kind's pages (default `page.html`).
    pub template: Option<String>,
    /// Field or relation whose values group the kind's index page.
    pub group_by: Option<String>,
    #[serde(default)]
    pub required: Vec<String>,
    /// Extra free-form text fields allowed on this kind.
    #[serde(default)]
    pub optional: Vec<String>,
    #[serde(default)]
    pub fields: IndexMap<String, FieldConfig>,
    #[serde(default)]
    pub relations: IndexMap<String, RelationConfig>,
    /// Headings `rapport new` writes into a new page of this kind (none when empty).
    #[serde(default)]
    pub sections: Vec<String>,
}

/// `[kinds.NAME.fields.FIELD]`: a kind's own field.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FieldConfig {
    /// Allowed values; any text when absent.
    pub values: Option<Vec<String>>,
    /// The field holds a list of values.
    #[serde(default)]
    pub list: bool,
    /// Display names for values (`hope = "Hope and expectancy"`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl FieldConfig {
    /// Display name of a value.
    pub fn label_of(&self, value: &str) -> String {
        self.labels.get(value).cloned().unwrap_or_else(|| capitalize(value))
    }
}

/// `[kinds.NAME.relations.FIELD]`: a typed link to other pages.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RelationConfig {
    /// Kind the targets must have; any kind when absent.
    pub kind: Option<String>,
    /// Heading on the page that declares the relation.
    pub label: Option<String>,
    /// Heading on the target pages.
    pub reverse: Option<String>,
    /// Targets form a sequence (course modules): previous/next links are rendered.
    #[serde(default)]
    pub ordered: bool,
}

fn default_theme() -> String {
    "default".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_list_page_size() -> usize {
    100
}
fn default_synonyms() -> String {
    "synonyms.txt".into()
}
/// The citation style of a site that names none: APA 7th edition.
pub const DEFAULT_CITATION_STYLE: &str = "apa";

fn default_citation_style() -> String {
    DEFAULT_CITATION_STYLE.into()
}
fn default_practice_size() -> usize {
    10
}
fn yes() -> bool {
    true
}

impl KindConfig {
    /// Singular label, falling back to the kind's name.
    pub fn label(&self, name: &str) -> String {
        self.label.clone().unwrap_or_else(|| capitalize(name))
    }

    /// Plural label, falling back to the label plus "s".
    pub fn plural(&self, name: &str) -> String {
        self.plural.clone().unwrap_or_else(|| format!("{}s", self.label(name)))
    }

    /// Every front matter field this kind accepts.
    pub fn allowed_fields(&self) -> Vec<&str> {
        let mut v: Vec<&str> = COMMON_FIELDS.to_vec();
        v.extend(self.required.iter().map(String::as_str));
        v.extend(self.optional.iter().map(String::as_str));
        v.extend(self.fields.keys().map(String::as_str));
        v.extend(self.relations.keys().map(String::as_str));
        v
    }
}

impl Config {
    /// Reads and checks `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let msg = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "no {CONFIG_FILE} in {}: is this a Rapport site? (`rapport init DIR` creates one)",
                    root.display()
                )
            } else {
                format!("cannot read {}: {e}", path.display())
            };
            vec![Diagnostic::error(PathBuf::from(CONFIG_FILE), 0, 0, msg)]
        })?;
        Self::parse(&text)
    }

    /// Parses and checks the text of a `site.toml`.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| LineIndex::new(text).locate(text, s.start)).unwrap_or((0, 0));
            let msg = e.message().trim().to_string();
            vec![Diagnostic::error(CONFIG_FILE, line, col, msg).with_source(text)]
        })?;
        config.kinds.entry("page".into()).or_insert_with(|| KindConfig {
            folder: String::new(),
            label: Some("Page".into()),
            plural: Some("Pages".into()),
            intro: String::new(),
            template: None,
            group_by: None,
            required: vec!["title".into()],
            optional: vec![],
            fields: IndexMap::new(),
            relations: IndexMap::new(),
            sections: Vec::new(),
        });
        let problems = config.check(text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Cross-checks kinds: unique folders, known relation kinds, valid group_by; configured
    /// paths stay inside the site root.
    fn check(&self, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let at = |needle: &str| locate_line(text, needle);
        for rule in self.quiz.item_checks_allow.iter().filter(|r| !ITEM_CHECK_RULES.contains(&r.as_str())) {
            let (l, c) = locate_text(text, &format!("\"{rule}\""));
            out.push(
                Diagnostic::error(CONFIG_FILE, l, c, format!("`item_checks_allow` names an unknown rule `{rule}`"))
                    .with_help(did_you_mean(rule, ITEM_CHECK_RULES.iter().copied())),
            );
        }
        for (key, value) in [("synonyms", &self.search.synonyms), ("theme", &self.theme)] {
            if !stays_inside(value) {
                let (l, c) = at(key);
                let msg = format!("`{key}` must name a path inside the site root, found `{value}`");
                out.push(Diagnostic::error(CONFIG_FILE, l, c, msg));
            }
        }
        for kind in self.map.kinds.iter().filter(|k| !self.kinds.contains_key(*k)) {
            let (l, c) = locate_text(text, &format!("\"{kind}\""));
            out.push(
                Diagnostic::error(CONFIG_FILE, l, c, format!("`[map] kinds` names an unknown kind `{kind}`"))
                    .with_help(did_you_mean(kind, self.kinds.keys().map(String::as_str))),
            );
        }
        let mut folders: BTreeMap<&str, &str> = BTreeMap::new();
        for (name, kind) in &self.kinds {
            let folder = kind.folder.trim_matches('/');
            if let Some(other) = folders.insert(folder, name) {
                let (l, c) = at(&format!("[kinds.{name}]"));
                out.push(Diagnostic::error(
                    CONFIG_FILE,
                    l,
                    c,
                    format!("kinds `{other}` and `{name}` both use the folder `{folder}`"),
                ));
            }
            for (field, rel) in &kind.relations {
                if let Some(target) = &rel.kind {
                    if !self.kinds.contains_key(target) {
                        let (l, c) = at(&format!("[kinds.{name}.relations.{field}]"));
                        out.push(
                            Diagnostic::error(
                                CONFIG_FILE,
                                l,
                                c,
                                format!("relation `{name}.{field}` names an unknown kind `{target}`"),
                            )
                            .with_help(did_you_mean(target, self.kinds.keys().map(String::as_str))),
                        );
                    }
                }
            }
            if let Some(g) = &kind.group_by {
                if !kind.fields.contains_key(g) && !kind.relations.contains_key(g) && !kind.optional.contains(g) {
                    let (l, c) = at(&format!("[kinds.{name}]"));
                    out.push(Diagnostic::error(
                        CONFIG_FILE,
                        l,
                        c,
                        format!("kind `{name}` groups by `{g}`, which is not one of its fields or relations"),
                    ));
                }
            }
        }
        out.into_iter().map(|d| d.with_source(text)).collect()
    }

    /// The kind whose folder holds `rel` (a path relative to content/), else `page`.
    pub fn kind_for(&self, rel: &Path) -> &str {
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or("");
        let is_dir = rel.components().count() > 1;
        self.kinds
            .iter()
            .find(|(_, k)| is_dir && !k.folder.is_empty() && k.folder.trim_matches('/') == first)
            .map(|(n, _)| n.as_str())
            .unwrap_or("page")
    }

    /// The kind named `name`.
    pub fn kind(&self, name: &str) -> Option<&KindConfig> {
        self.kinds.get(name)
    }
}

/// True for a relative path that does not climb out with `..` (empty means none).
fn stays_inside(path: &str) -> bool {
    let p = Path::new(path.trim());
    p.components().all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
}

/// Line and column of the first line starting with `needle` (1,1 when absent).
pub(crate) fn locate_line(text: &str, needle: &str) -> (usize, usize) {
    text.lines().position(|l| l.trim_start().starts_with(needle)).map(|i| (i + 1, 1)).unwrap_or((1, 1))
}

/// Line and column of the first occurrence of `needle` in `text` (1:1 when absent).
fn locate_text(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map(|at| LineIndex::new(text).locate(text, at)).unwrap_or((1, 1))
}

/// "factor" -> "Factor".
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_config_parses() {
        let c = Config::parse(include_str!("../../site.toml")).expect("bundled site.toml");
        assert!(c.kinds.contains_key("factor") && c.kinds.contains_key("page"));
        assert_eq!(c.kind_for(Path::new("factors/empathy.md")), "factor");
        assert_eq!(c.kind_for(Path::new("glossary.md")), "page");
        assert_eq!(c.kind_for(Path::new("lessons/one.md")), "lesson");
    }

    #[test]
    fn toml_error_has_line_and_column() {
        let err = Config::parse("title = \"x\"\npretty_urls = maybe\n").unwrap_err();
        assert_eq!((err[0].line, err[0].col), (2, 15));
    }

    #[test]
    fn unknown_key_is_an_error() {
        let err = Config::parse("title = \"x\"\ntitel = \"y\"\n").unwrap_err();
        assert!(err[0].message.contains("titel"), "{}", err[0].message);
    }

    #[test]
    fn citation_style_defaults_to_apa() {
        let c = Config::parse("title = \"x\"\nbibliography = \"refs.bib\"\n").expect("valid");
        assert_eq!(c.citation_style, "apa");
        assert_eq!(c.bibliography.files(), ["refs.bib"]);
    }

    #[test]
    fn configured_paths_stay_inside_the_site_root() {
        for bad in ["synonyms = \"/etc/passwd\"", "synonyms = \"../x.txt\"", "synonyms = \"a/../../x\""] {
            let err = Config::parse(&format!("title = \"x\"\n[search]\n{bad}\n")).unwrap_err();
            assert!(err[0].message.contains("inside the site root"), "{bad}: {}", err[0].message);
            assert_eq!(err[0].line, 3, "{bad}");
        }
        assert!(Config::parse("title = \"x\"\ntheme = \"../../etc\"\n").is_err());
        assert!(Config::parse("title = \"x\"\n[search]\nsynonyms = \"data/synonyms.txt\"\n").is_ok());
        assert!(Config::parse("title = \"x\"\n[search]\nsynonyms = \"\"\n").is_ok());
    }

    #[test]
    fn relation_to_unknown_kind_is_reported() {
        let err = Config::parse("title = \"x\"\n[kinds.a]\nfolder = \"a\"\n[kinds.a.relations.r]\nkind = \"facter\"\n")
            .unwrap_err();
        assert!(err[0].message.contains("unknown kind `facter`"), "{}", err[0].message);
        assert_eq!(err[0].line, 4);
    }
}
