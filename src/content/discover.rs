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

/// Lists every `.md` file under `content_dir`, sorted; unreadable entries and loops become diagnostics.
pub fn discover(root: &Path, content_dir: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !content_dir.is_dir() {
        let shown = display_path(root, content_dir);
        problems.push(Diagnostic::error(shown, 0, 0, "content folder not found: a site keeps its pages in content/"));
        return (files, problems);
    }
    let walker = WalkDir::new(content_dir).follow_links(true).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or(""))) {
        match entry {
            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") => {
                let abs = e.path().to_path_buf();
                let rel = abs.strip_prefix(content_dir).unwrap_or(&abs).to_path_buf();
                files.push(SourceFile { display: display_path(root, &abs), rel, abs });
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().map(|p| display_path(root, p)).unwrap_or_else(|| PathBuf::from("content"));
                let msg = if err.loop_ancestor().is_some() {
                    "symbolic link loop: this folder links back to one of its parents; it was skipped".to_string()
                } else {
                    format!("cannot read: {}", err.io_error().map(|e| e.to_string()).unwrap_or_else(|| err.to_string()))
                };
                problems.push(Diagnostic::error(path, 0, 0, msg));
            }
        }
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
