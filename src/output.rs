//! Output: refuse unsafe output folders, write into a staging folder, swap it in atomically.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{display_path, Diagnostic};
use crate::error::Error;
use crate::model::output::OutputFile;
use crate::model::site::Site;

/// Marker file that proves Rapport created an output folder, so it may replace it.
pub const MARKER: &str = ".rapport-output";

/// Refuses output folders that would destroy sources: the root, content/, themes/, static/,
/// any folder containing them, and existing folders Rapport did not create.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Error> {
    let root_c = absolute(root);
    let out_c = absolute(out);
    let refuse = |why: String| Err(Error::Usage(format!("refusing to use {} as output: {why}", out.display())));
    if root_c.starts_with(&out_c) {
        return refuse("it is the site root or contains it".into());
    }
    for src in ["content", "themes", "static", "templates"] {
        if out_c.starts_with(root_c.join(src)) {
            return refuse(format!("it is inside the sources folder {src}/"));
        }
    }
    if out_c.join("site.toml").exists() || out_c.join("content").is_dir() {
        return refuse("it holds a site's sources (site.toml or content/)".into());
    }
    if out_c.is_file() {
        return refuse("it is a file".into());
    }
    if out_c.is_dir()
        && !out_c.join(MARKER).exists()
        && std::fs::read_dir(&out_c).map(|mut d| d.next().is_some()).unwrap_or(true)
    {
        return refuse(format!(
            "it exists and was not created by Rapport (no {MARKER} marker); empty it or choose another folder"
        ));
    }
    Ok(())
}

/// An absolute, normalised path; canonical for the part that exists.
fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    // Canonicalise the longest existing ancestor, then re-append the rest.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// A build's output under construction in a folder beside `out`, swapped in only once complete
/// (the previous output stays untouched until then). Dropped unswapped, it is removed.
/// It holds the output's lock file until dropped, so two builds never write one output at once.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    files: std::sync::atomic::AtomicUsize,
    swapped: bool,
    /// The locked `.<name>.rapport-lock`; the OS releases the lock when the process dies.
    _lock: std::fs::File,
}

/// Prefixes of the folders a build of the output `name` creates beside it.
fn leftover_prefixes(name: &str) -> [String; 2] {
    [format!(".{name}.rapport-staging-"), format!(".{name}.rapport-old-")]
}

/// Takes the lock of the output `name` in `parent`, or says which build holds it.
fn lock_output(parent: &Path, name: &str, out: &Path) -> Result<std::fs::File, Error> {
    let path = parent.join(format!(".{name}.rapport-lock"));
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Usage(format!(
            "another rapport build is writing into {} (it holds {}); wait for it to finish",
            out.display(),
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::Io { path, source: e }),
    }
}

/// Removes staging and old-output folders of `name` that builds killed before cleaning up
/// left in `parent`. Only called with the output's lock held, so no live build owns them.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefixes = leftover_prefixes(name);
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let is_leftover = prefixes
            .iter()
            .any(|p| file_name.strip_prefix(p.as_str()).is_some_and(|pid| pid.chars().all(|c| c.is_ascii_digit())));
        if is_leftover && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Staging {
    /// Locks `out` against other builds, removes what killed builds left beside it, and creates
    /// an empty staging folder.
    pub fn create(out: &Path) -> Result<Staging, Error> {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
        let lock = lock_output(parent, &name, out)?;
        remove_leftovers(parent, &name);
        let dir = parent.join(format!("{}{}", leftover_prefixes(&name)[0], std::process::id()));
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(Staging { dir, out: out.to_path_buf(), files: 0.into(), swapped: false, _lock: lock })
    }

    /// Writes `files` into the staging folder (in parallel).
    pub fn write(&self, files: &[OutputFile]) -> Result<(), Error> {
        write_files(&self.dir, files.iter())?;
        self.files.fetch_add(files.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Marks the folder as Rapport's and puts it in place of `out`. Returns the file count.
    pub fn swap(mut self) -> Result<usize, Error> {
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, "This folder was generated by Rapport and is replaced on each build.\n")
            .map_err(io(&marker))?;
        swap(&self.dir, &self.out)?;
        self.swapped = true;
        Ok(self.files.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.swapped {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The static files, merged with the generated ones as these stream past: a static file at the
/// path of a generated page replaces it, with a warning naming both (the static file is taken as
/// the author's intent), and the static files come last.
pub struct StaticMerge {
    assets: std::collections::BTreeMap<String, Vec<u8>>,
    replaced: std::collections::HashSet<String>,
}

impl StaticMerge {
    /// Starts with the static files (path in the output, bytes).
    pub fn new(assets: std::collections::BTreeMap<String, Vec<u8>>) -> Self {
        StaticMerge { assets, replaced: Default::default() }
    }

    /// Drops the generated files a static file replaces.
    pub fn filter(&mut self, files: &mut Vec<OutputFile>) {
        files.retain(|f| {
            let replaced = self.assets.contains_key(&f.path);
            if replaced {
                self.replaced.insert(f.path.clone());
            }
            !replaced
        });
    }

    /// The static files, and a warning for each generated page one of them replaced.
    pub fn finish(self, site: &Site) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let mut warnings = Vec::new();
        for path in self.assets.keys().filter(|p| self.replaced.contains(*p)) {
            let source = static_source(site, path);
            let page = site.pages.iter().find(|p| &p.out_path == path).map_or_else(
                || format!("the generated page `{path}`"),
                |p| format!("the page `{path}` generated from {}", p.display.display()),
            );
            warnings.push(Diagnostic::warning(
                display_path(&site.root, &source),
                0,
                0,
                format!("this static file replaces {page}; rename one of them to keep both"),
            ));
        }
        let files = self.assets.into_iter().map(|(path, bytes)| OutputFile { path, bytes }).collect();
        (files, warnings)
    }
}

/// Where the static file published at `rel` came from: the site's static/, else its theme's.
fn static_source(site: &Site, rel: &str) -> PathBuf {
    let own = site.root.join("static").join(rel);
    if own.exists() {
        own
    } else {
        site.root.join("themes").join(&site.config.theme).join("static").join(rel)
    }
}

/// Writes `files` under `dir` in parallel, creating their folders first (each once).
pub fn write_files<'a>(dir: &Path, files: impl Iterator<Item = &'a OutputFile>) -> Result<(), Error> {
    let files: Vec<&OutputFile> = files.collect();
    let mut dirs: Vec<PathBuf> =
        files.iter().filter_map(|f| dir.join(&f.path).parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(io(d))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        std::fs::write(&path, &f.bytes).map_err(io(&path))
    })
}

/// Replaces `out` by `staging`: the old folder is moved aside first and removed last.
fn swap(staging: &Path, out: &Path) -> Result<(), Error> {
    if out.exists() {
        let old = out.with_file_name(format!(
            ".{}.rapport-old-{}",
            out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
            std::process::id()
        ));
        std::fs::rename(out, &old).map_err(io(out))?;
        if let Err(e) = std::fs::rename(staging, out) {
            let _ = std::fs::rename(&old, out);
            return Err(Error::Io { path: out.to_path_buf(), source: e });
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(staging, out).map_err(io(out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_root_and_source_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.toml"), "title = \"x\"\n").unwrap();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, &root.join("content/sub")).is_err());
        assert!(check_output_dir(&root.join("."), root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn refuses_foreign_non_empty_folder_but_replaces_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("keep.txt"), "mine").unwrap();
        assert!(check_output_dir(dir.path(), &out).is_err());
        std::fs::remove_file(out.join("keep.txt")).unwrap();
        let files = vec![OutputFile { path: "a/index.html".into(), bytes: b"x".to_vec() }];
        let write_site = |files: &[OutputFile]| {
            let staging = Staging::create(&out).unwrap();
            staging.write(files).unwrap();
            staging.swap().unwrap()
        };
        assert_eq!(write_site(&files), 1);
        assert!(out.join(MARKER).exists());
        assert!(check_output_dir(dir.path(), &out).is_ok());
        write_site(&files);
        assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), "x");
    }

    #[test]
    fn removes_what_killed_builds_left_and_keeps_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for left in [".public.rapport-staging-99999999", ".public.rapport-old-99999998"] {
            std::fs::create_dir_all(dir.path().join(left).join("sub")).unwrap();
            std::fs::write(dir.path().join(left).join("sub/page.html"), "old").unwrap();
        }
        std::fs::create_dir_all(dir.path().join(".other.rapport-staging-1")).unwrap();
        std::fs::create_dir_all(dir.path().join(".public.rapport-staging-notes")).unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.swap().unwrap();
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        names.sort();
        assert_eq!(
            names,
            [".other.rapport-staging-1", ".public.rapport-lock", ".public.rapport-staging-notes", "public"]
        );
    }

    #[test]
    fn a_second_build_into_the_same_output_fails_clearly_while_the_first_runs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::create(&out).unwrap();
        let first_dir = first.dir.clone();
        let Err(Error::Usage(msg)) = Staging::create(&out) else { panic!("second build was not refused") };
        assert!(msg.contains("another rapport build is writing into"), "{msg}");
        // The refused build removed nothing of the running one.
        assert!(first_dir.is_dir());
        drop(first);
        assert!(Staging::create(&out).is_ok());
    }
}
