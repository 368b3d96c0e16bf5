//! Finds the Markdown sources under content/ and reads them safely.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{display_path, Diagnostic};

/// Files larger than this are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A Markdown file found under content/.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to content/, used for the kind and the URL.
    pub rel: PathBuf,
    /// Path as shown in diagnostics (relative to the site root).
    pub display: PathBuf,
    /// Absolute (or root-joined) path to read.
    pub abs: PathBuf,
}

/// Where a symbolic link met while walking the sources leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    /// Not a link, or a link to somewhere inside the site root.
    Inside,
    /// A link whose target lies outside the site root.
    Outside,
    /// A link to nothing.
    Broken,
}

/// Classifies `path` against the site root `root`.
pub fn link_target(root: &Path, path: &Path) -> LinkTarget {
    if !path.is_symlink() {
        return LinkTarget::Inside;
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match path.canonicalize() {
        Ok(real) if real.starts_with(&root) => LinkTarget::Inside,
        Ok(_) => LinkTarget::Outside,
        Err(_) => LinkTarget::Broken,
    }
}

/// The problem with a symbolic link at `path`, if any: links that leave the site root are errors
/// (unless `allow_outside`), links to nothing are skipped with a warning.
pub fn link_problem(root: &Path, path: &Path, allow_outside: bool) -> Option<Diagnostic> {
    let shown = display_path(root, path);
    match link_target(root, path) {
        LinkTarget::Inside => None,
        LinkTarget::Outside if allow_outside => None,
        LinkTarget::Outside => {
            let to = path.canonicalize().map(|p| p.display().to_string()).unwrap_or_default();
            Some(Diagnostic::error(
                shown,
                0,
                0,
                format!(
                    "symbolic link leads outside the site root (to {to}): it was not published; \
                     set `allow_outside_symlinks = true` in site.toml to publish what it points to"
                ),
            ))
        }
        LinkTarget::Broken => {
            Some(Diagnostic::warning(shown, 0, 0, "broken symbolic link: it points to nothing and was skipped"))
        }
    }
}

/// Every file under `dir`, following symbolic links that stay inside the site `root`, sorted by name; `keep` filters entries (and prunes folders) by name. Links leaving the
/// root are refused unless `allow_outside`, broken links are skipped; both become diagnostics.
pub fn walk_files(
    root: &Path,
    dir: &Path,
    allow_outside: bool,
    keep: impl Fn(&str) -> bool,
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let problems = std::cell::RefCell::new(Vec::new());
    let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    let filtered = walker.filter_entry(|e| {
        if e.depth() > 0 && !keep(e.file_name().to_str().unwrap_or("")) {
            return false;
        }
        match link_problem(root, e.path(), allow_outside) {
            Some(d) => {
                problems.borrow_mut().push(d);
                false
            }
            None => true,
        }
    });
    for entry in filtered {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(err) => {
                let path = err.path().map(|p| display_path(root, p)).unwrap_or_else(|| display_path(root, dir));
                let msg = if err.loop_ancestor().is_some() {
                    "symbolic link loop: this folder links back to one of its parents; it was skipped".to_string()
                } else {
                    format!("cannot read: {}", err.io_error().map(|e| e.to_string()).unwrap_or_else(|| err.to_string()))
                };
                problems.borrow_mut().push(Diagnostic::error(path, 0, 0, msg));
            }
        }
    }
    (files, problems.into_inner())
}

/// Lists every `.md` file under `content_dir`, sorted; unreadable entries, loops and symbolic
/// links that leave the site root (unless `allow_outside`) become diagnostics.
pub fn discover(root: &Path, content_dir: &Path, allow_outside: bool) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !content_dir.is_dir() {
        let shown = display_path(root, content_dir);
        problems.push(Diagnostic::error(shown, 0, 0, "content folder not found: a site keeps its pages in content/"));
        return (files, problems);
    }
    let (paths, found) = walk_files(root, content_dir, allow_outside, |name| !is_ignored(name));
    problems.extend(found);
    for abs in paths.into_iter().filter(|p| p.extension().is_some_and(|x| x == "md")) {
        let rel = abs.strip_prefix(content_dir).unwrap_or(&abs).to_path_buf();
        files.push(SourceFile { display: display_path(root, &abs), rel, abs });
    }
    (files, problems)
}

/// Hidden files and editor leftovers (swap, backup, lock files) are not pages.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

/// Reads a source as UTF-8, refusing huge and non-UTF-8 files with a located message.
pub fn read_source(file: &SourceFile) -> Result<String, Diagnostic> {
    let shown = file.display.clone();
    let meta =
        std::fs::metadata(&file.abs).map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            &shown,
            0,
            0,
            format!(
                "file is too large ({:.1} MiB; pages are limited to {} MiB): split it into several pages",
                meta.len() as f64 / 1048576.0,
                MAX_FILE_BYTES / 1048576
            ),
        ));
    }
    let bytes = std::fs::read(&file.abs).map_err(|e| Diagnostic::error(&shown, 0, 0, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map(|i| i + 1).unwrap_or(0);
        let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        Diagnostic::error(&shown, line, col, "invalid UTF-8: save the file as UTF-8 text")
    })
}
