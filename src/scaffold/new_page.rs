//! `rapport new KIND "Title"`: a page that passes `rapport check` at once, built from the kind's
//! skeleton (its fields, relations and `sections`) or from the site's `archetypes/KIND.md`.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::config::{Config, KindConfig};
use crate::model::page::Page;
use crate::model::slug::slugify;

use super::quoted;

/// Folder of a site's own skeletons, one `KIND.md` tera template per kind (as in Hugo).
pub const ARCHETYPES: &str = "archetypes";

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
    let archetype = root.join(ARCHETYPES).join(format!("{kind}.md"));
    let text = if archetype.is_file() {
        from_archetype(&archetype, kind, title, &slug)?
    } else {
        let (pages, _) = crate::content::load_pages(root, &config, true);
        skeleton(kind, kc, title, &pages)
    };
    std::fs::create_dir_all(&folder).map_err(|source| Error::Io { path: folder.clone(), source })?;
    std::fs::write(&path, text).map_err(|source| Error::Io { path: path.clone(), source })?;
    Ok(path)
}

/// The site's own skeleton for the kind, a tera template given `title`, `slug` and `kind`.
fn from_archetype(path: &Path, kind: &str, title: &str, slug: &str) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let mut ctx = tera::Context::new();
    ctx.insert("title", title);
    ctx.insert("slug", slug);
    ctx.insert("kind", kind);
    tera::Tera::one_off(&text, &ctx, false).map_err(|e| {
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg = format!("{msg}: {s}");
            source = s.source();
        }
        Error::Usage(format!("{}: template error: {msg}", path.display()))
    })
}

/// The built-in skeleton: required fields filled so the page checks clean, every `TODO` a warning
/// until it is written, the kind's `sections` as headings, and a quiz starter in comments.
fn skeleton(kind: &str, kc: &KindConfig, title: &str, pages: &[Page]) -> String {
    let mut fm = vec![
        format!("title: {}", quoted(title)),
        "summary: \"TODO: one or two sentences that say what this page is about.\"".to_string(),
    ];
    for (name, fc) in &kc.fields {
        let value = fc.values.as_ref().and_then(|v| v.first()).cloned().unwrap_or_default();
        let allowed = fc.values.as_ref().map(|v| format!("  # one of: {}", v.join(", "))).unwrap_or_default();
        if fc.list {
            fm.push(format!("{name}: [{}]{allowed}", quoted(&value)));
        } else {
            fm.push(format!("{name}: {}{allowed}", quoted(&value)));
        }
    }
    for (name, rel) in &kc.relations {
        let hint =
            rel.kind.as_ref().map(|k| format!("  # slugs of {k} pages")).unwrap_or_else(|| "  # page slugs".into());
        // A required relation gets an existing target so the new page passes `rapport check` at once.
        let first =
            kc.required.contains(name).then(|| example_target(pages, kind, name, rel.kind.as_deref())).flatten();
        fm.push(format!("{name}: [{}]{hint}", first.unwrap_or_default()));
    }
    fm.extend(["tags: []".to_string(), "related: []  # slugs of pages to list under \"See also\"".to_string()]);
    let body: String = if kc.sections.is_empty() {
        "\nTODO: write the page.\n".to_string()
    } else {
        kc.sections.iter().map(|s| format!("\n## {s}\n\nTODO: write this section.\n")).collect()
    };
    format!("---\n{}\n{QUIZ_STARTER}---\n{body}", fm.join("\n"))
}

/// A target for relation `name` of a new `kind` page: what an existing page of the kind names
/// first there, else the first page of the relation's target kind (any other kind when untyped).
fn example_target(pages: &[Page], kind: &str, name: &str, target_kind: Option<&str>) -> Option<String> {
    let used = pages.iter().filter(|p| p.kind == kind).find_map(|p| p.relations.get(name)?.first());
    if let Some(r) = used {
        return Some(r.target.clone());
    }
    pages
        .iter()
        .filter(|p| !p.is_home())
        .find(|p| target_kind.map_or(p.kind != kind, |k| p.kind == k))
        .map(|p| p.slug.clone())
}

/// A commented example question: remove the `# ` to use it (README: "Quizzes").
const QUIZ_STARTER: &str = "\
# quiz:                      # questions shown at the end of the page and in practice rounds
#   - type: single           # single, multiple, truefalse, short, matching or ordering
#     prompt: A question that needs understanding, not recall of a word
#     options:               # one option per line; quote an option holding a comma or colon
#       - The right answer
#       - A mistake learners really make
#       - Another believable mistake
#     answer: The right answer
#     feedback:              # why each tempting option is wrong
#       A mistake learners really make: Why it is tempting, and why it is wrong.
#     explanation: Why the answer is right.
";
