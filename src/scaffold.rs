//! `rapport init` and `rapport new`: a starter site and new pages with their kind's fields filled in.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::error::Error;
use crate::model::config::{Config, CONFIG_FILE};
use crate::model::slug::slugify;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/starter");

/// The bundled site's configuration: a new site declares the same kinds.
const BUNDLED_CONFIG: &str = include_str!("../site.toml");

/// Creates a new site in `dir` that builds at once. Refuses to overwrite an existing site.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if dir.join(CONFIG_FILE).exists() || dir.join("content").exists() {
        return Err(Error::Usage(format!(
            "{} already holds a site (site.toml or content/); choose an empty folder",
            dir.display()
        )));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written = Vec::new();
    let config = starter_config(dir);
    let config_path = dir.join(CONFIG_FILE);
    std::fs::write(&config_path, config).map_err(io(&config_path))?;
    written.push(config_path);
    let synonyms = dir.join("synonyms.txt");
    std::fs::write(&synonyms, STARTER_SYNONYMS).map_err(io(&synonyms))?;
    written.push(synonyms);
    for file in all_files(&STARTER) {
        let path = dir.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, file.contents()).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

const STARTER_SYNONYMS: &str = "# One group of words that mean the same per line, separated by commas.\n\
# Search treats them alike, at index and at query time.\n\
behavioural, behavioral\n\
therapeutic alliance, working alliance, therapeutic relationship\n";

fn starter_config(dir: &Path) -> String {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .unwrap_or_else(|| "My site".into());
    let mut lines: Vec<String> = Vec::new();
    for line in BUNDLED_CONFIG.lines() {
        if line.starts_with("title = ") {
            lines.push(format!("title = {}", toml_string(&name)));
        } else if line.starts_with("description = ") {
            lines.push("description = \"A study site made with Rapport.\"".into());
        } else {
            lines.push(line.to_string());
        }
    }
    lines.join("\n") + "\n"
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}

/// Creates `content/<kind folder>/<slug>.md` for a new page titled `title`. Returns its path.
pub fn new_page(root: &Path, kind: &str, title: &str) -> Result<PathBuf, Error> {
    let config = Config::load(root).map_err(|ds| Error::Config(ds.into()))?;
    let Some(kc) = config.kind(kind) else {
        let names: Vec<&str> = config.kinds.keys().map(String::as_str).collect();
        let hint = crate::diagnostics::did_you_mean(kind, names.iter().copied())
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        return Err(Error::Usage(format!("unknown kind `{kind}`{hint}; site.toml declares: {}", names.join(", "))));
    };
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Error::Usage("the title must contain at least one letter or digit".into()));
    }
    let folder = root.join("content").join(kc.folder.trim_matches('/'));
    let path = folder.join(format!("{slug}.md"));
    if path.exists() {
        return Err(Error::Usage(format!("{} already exists", path.display())));
    }
    let mut fm = vec![format!("title: {}", yaml_string(title)), "summary: \"TODO: one or two sentences.\"".to_string()];
    for (name, fc) in &kc.fields {
        let value = fc.values.as_ref().and_then(|v| v.first()).cloned().unwrap_or_default();
        let allowed = fc.values.as_ref().map(|v| format!("  # one of: {}", v.join(", "))).unwrap_or_default();
        if fc.list {
            fm.push(format!("{name}: [{}]{allowed}", yaml_string(&value)));
        } else {
            fm.push(format!("{name}: {}{allowed}", yaml_string(&value)));
        }
    }
    for (name, rel) in &kc.relations {
        let hint = rel.kind.as_ref().map(|k| format!("  # slugs of {k} pages")).unwrap_or_else(|| "  # slugs".into());
        // A required relation gets an existing target so the new page passes `rapport check` at once.
        let first = match (&rel.kind, kc.required.contains(name)) {
            (Some(k), true) => {
                config.kind(k).and_then(|tk| first_slug(&root.join("content").join(tk.folder.trim_matches('/'))))
            }
            _ => None,
        };
        fm.push(format!("{name}: [{}]{hint}", first.unwrap_or_default()));
    }
    fm.extend(["tags: []".to_string(), "related: []".to_string()]);
    let body = "\n## What it is\n\n\n## Why it matters\n\n";
    let text = format!("---\n{}\n---\n{body}", fm.join("\n"));
    std::fs::create_dir_all(&folder).map_err(|source| Error::Io { path: folder.clone(), source })?;
    std::fs::write(&path, text).map_err(|source| Error::Io { path: path.clone(), source })?;
    Ok(path)
}

/// Slug of the first page (by file name) in a folder.
fn first_slug(folder: &Path) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".md")).map(str::to_string))
        .collect();
    names.sort();
    names.into_iter().next()
}

fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
