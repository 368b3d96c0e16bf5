//! The theme: tera templates (the built-in theme, then the site's overrides) and static assets.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::model::slug::slugify;

/// The default theme, embedded in the binary.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Loads templates: the embedded default theme first, then `root/themes/<theme>/templates/` on top.
pub fn load_templates(root: &Path, theme: &str) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    let mut sources: Vec<(String, String, PathBuf)> = Vec::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        for f in dir.files() {
            let name = f.path().strip_prefix("templates").unwrap_or(f.path()).to_string_lossy().replace('\\', "/");
            let text = f.contents_utf8().unwrap_or_default().to_string();
            sources.push((name, text, PathBuf::from("themes/default").join(f.path())));
        }
    }
    let override_dir = root.join("themes").join(theme).join("templates");
    let mut problems = Vec::new();
    if override_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&override_dir).into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            let name =
                entry.path().strip_prefix(&override_dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let shown = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    sources.retain(|(n, _, _)| *n != name);
                    sources.push((name, text, shown));
                }
                Err(e) => problems.push(Diagnostic::error(shown, 0, 0, format!("cannot read template: {e}"))),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    tera.add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str()))).map_err(|e| {
        // tera names the failing template in quotes; point the diagnostic at that file.
        let chain = error_chain(&e);
        let culprit =
            sources.iter().find(|(n, _, _)| chain.contains(&format!("'{n}'")) || chain.contains(&format!("\"{n}\"")));
        let (line, col, msg) = template_error_location(&e);
        match culprit {
            Some((_, text, shown)) => {
                vec![Diagnostic::error(shown, line, col, format!("template error: {msg}")).with_source(text)]
            }
            None => vec![Diagnostic::error("themes", 0, 0, format!("template error: {}", chain.replace('\n', ": ")))],
        }
    })?;
    tera.set_escape_fn(escape_html);
    tera.register_filter("slugify", |v: &tera::Value, _: &HashMap<String, tera::Value>| {
        Ok(tera::Value::String(slugify(v.as_str().unwrap_or_default())))
    });
    Ok(tera)
}

/// Escapes the five characters that matter in HTML text and attributes (tera's default also escapes `/`).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

/// Pulls "--> line:col" out of a tera parse error.
fn template_error_location(e: &tera::Error) -> (usize, usize, String) {
    let chain = error_chain(e);
    let loc = chain.split("--> ").nth(1).and_then(|rest| {
        let mut it = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
        Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
    });
    let (line, col) = loc.unwrap_or((0, 0));
    let msg = chain.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    (line, col, if msg.is_empty() { chain } else { msg })
}

/// A tera error with its causes, one per line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push('\n');
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// Static files by output path.
pub type Assets = BTreeMap<String, Vec<u8>>;

/// The static assets: the default theme's, then the site theme's, then the site's `static/`.
/// Symbolic links are followed inside the site root (outside only with `allow_outside`).
pub fn static_assets(
    root: &Path,
    theme: &str,
    allow_outside: bool,
) -> Result<(Assets, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut out = BTreeMap::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        collect_embedded(dir, &mut out);
    }
    let mut problems = Vec::new();
    for dir in [root.join("themes").join(theme).join("static"), root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        let (files, found) = crate::content::discover::walk_files(root, &dir, allow_outside, |_| true);
        problems.extend(found);
        for path in files {
            let rel = path.strip_prefix(&dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            match std::fs::read(&path) {
                Ok(bytes) => {
                    out.insert(rel, bytes);
                }
                Err(err) => problems.push(Diagnostic::error(&path, 0, 0, format!("cannot read: {err}"))),
            }
        }
    }
    if problems.iter().any(Diagnostic::is_error) {
        Err(problems)
    } else {
        Ok((out, problems))
    }
}

fn collect_embedded(dir: &Dir, out: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        let rel = f.path().strip_prefix("static").unwrap_or(f.path()).to_string_lossy().replace('\\', "/");
        out.insert(rel, f.contents().to_vec());
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}
