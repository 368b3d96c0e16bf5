//! `rapport theme list` and `rapport theme eject`: the built-in templates, and copies of them in
//! the site's theme folder, where they replace the built-in ones.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::model::config::Config;
use crate::render::theme::DEFAULT_THEME;

/// One built-in template, and whether the site overrides it.
#[derive(Debug, Clone)]
pub struct TemplateInfo {
    /// Name as templates `extends` or `include` it (`base.html`).
    pub name: String,
    /// What it renders.
    pub about: &'static str,
    /// The site's own copy, when it has one.
    pub overridden: Option<PathBuf>,
}

/// Every built-in template of the theme, with the site's overrides marked.
pub fn templates(root: &Path) -> Result<Vec<TemplateInfo>, Error> {
    let dir = override_dir(root)?;
    Ok(builtin()
        .into_iter()
        .map(|(name, _)| {
            let own = dir.join(&name);
            TemplateInfo { about: about(&name), overridden: own.is_file().then_some(own), name }
        })
        .collect())
}

/// Writes the named built-in templates (all when `names` is empty) into the site's theme folder.
/// Existing files are kept unless `force`; returns the files written.
pub fn eject(root: &Path, names: &[String], force: bool) -> Result<Vec<PathBuf>, Error> {
    let dir = override_dir(root)?;
    let all = builtin();
    let chosen: Vec<&(String, &str)> = if names.is_empty() {
        all.iter().collect()
    } else {
        names.iter().map(|n| find(&all, n)).collect::<Result<_, _>>()?
    };
    let existing: Vec<String> =
        chosen.iter().filter(|(n, _)| dir.join(n).exists()).map(|(n, _)| dir.join(n).display().to_string()).collect();
    if !force && !existing.is_empty() {
        return Err(Error::Usage(format!(
            "{} already exists (your own version); pass --force to replace it with the built-in one",
            existing.join(", ")
        )));
    }
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
    let mut written = Vec::new();
    for (name, text) in chosen {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| Error::Io { path: path.clone(), source })?;
        written.push(path);
    }
    Ok(written)
}

/// `themes/<theme>/templates` of the site at `root`.
fn override_dir(root: &Path) -> Result<PathBuf, Error> {
    let config = Config::load(root).map_err(|ds| Error::Config(ds.into()))?;
    Ok(root.join("themes").join(&config.theme).join("templates"))
}

/// The built-in templates by name, sorted.
fn builtin() -> Vec<(String, &'static str)> {
    let mut v: Vec<(String, &'static str)> = DEFAULT_THEME
        .get_dir("templates")
        .map(|d| {
            d.files()
                .filter_map(|f| {
                    let name = f.path().file_name()?.to_string_lossy().to_string();
                    Some((name, f.contents_utf8()?))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn find<'a>(all: &'a [(String, &'static str)], name: &str) -> Result<&'a (String, &'static str), Error> {
    let wanted = name.trim_start_matches("templates/");
    all.iter().find(|(n, _)| n == wanted || n.trim_end_matches(".html") == wanted).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        let hint = crate::diagnostics::did_you_mean(wanted, names.iter().copied())
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        Error::Usage(format!("no built-in template `{name}`{hint}; there are: {}", names.join(", ")))
    })
}

/// What a built-in template renders (a table here: a comment in the template would print a blank line).
fn about(name: &str) -> &'static str {
    match name {
        "base.html" => "the layout every page extends: head, header, breadcrumbs, main, footer, scripts",
        "header.html" => "partial: site title, section navigation and the search box",
        "footer.html" => "partial: the footer of every page",
        "page-meta.html" => "partial: a page's fields, reading time and date under its title",
        "page.html" => "every content page (a kind's `template` picks another)",
        "course.html" => "course pages: the module list",
        "home.html" => "the home page (content/index.md supplies its text)",
        "kind.html" => "a kind's index page, grouped by its group_by field",
        "tags.html" => "the list of tags",
        "tag.html" => "one page per tag",
        "404.html" => "the not-found page",
        "macros.html" => "macros shared by templates (page lists)",
        "quiz.html" => "partial: the \"Check your understanding\" section of a page",
        "quiz-practice.html" => "the practice page",
        "quiz-review.html" => "the review queue",
        "quiz-progress.html" => "the progress page",
        "quiz-sheet.html" => "a course's printable quiz sheet",
        "search.html" => "the search results page",
        "references.html" => "the bibliography page: every entry with its DOI and the pages citing it",
        _ => "",
    }
}
