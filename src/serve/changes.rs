//! What changed on disk, sorted (as Zola does) into content, template, static and configuration
//! changes, each with its cheapest correct rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::content::discover;

/// What changed on disk, sorted by the cheapest correct rebuild.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Markdown files under content/, relative to content/.
    pub content: BTreeSet<PathBuf>,
    /// Templates or theme files: everything is re-rendered.
    pub templates: bool,
    /// Static files: assets are copied again.
    pub assets: bool,
    /// site.toml or the synonyms file: a full rebuild.
    pub config: bool,
}

impl Changes {
    /// True when nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty() && !self.templates && !self.assets && !self.config
    }

    /// Sorts one changed path (relative to the site `root`) into its kind of change.
    pub fn add(&mut self, root: &Path, rel: &Path) {
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if discover::is_ignored(name) {
            return;
        }
        let mut parts = rel.components();
        let first = parts.next().and_then(|c| c.as_os_str().to_str()).unwrap_or("");
        match first {
            "content" if name.ends_with(".md") => {
                self.content.insert(parts.as_path().to_path_buf());
            }
            // A folder that vanished (renamed or deleted) may have held pages: rescan everything.
            // Existing folders report changes of their files, which arrive as their own events.
            "content" if !name.contains('.') && !root.join(rel).exists() => self.config = true,
            "themes" | "templates" => self.templates = true,
            "static" => self.assets = true,
            "site.toml" | "synonyms.txt" => self.config = true,
            // Bibliography files sit beside site.toml; every page's citations may change.
            _ if parts.as_path().as_os_str().is_empty() && name.ends_with(".bib") => self.config = true,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_changes_by_kind() {
        let mut c = Changes::default();
        let root = Path::new("/nonexistent-site");
        c.add(root, Path::new("content/factors/empathy.md"));
        c.add(root, Path::new("content/factors/.empathy.md.swp"));
        c.add(root, Path::new("content/factors/empathy.md~"));
        c.add(root, Path::new("content/#notes.md#"));
        assert_eq!(c.content.iter().collect::<Vec<_>>(), [Path::new("factors/empathy.md")]);
        assert!(!c.templates && !c.config && !c.assets);
        assert!(!c.config, "an editor's files change nothing");
        c.add(root, Path::new("themes/default/templates/page.html"));
        c.add(root, Path::new("static/img.png"));
        assert!(c.templates && c.assets && !c.config);
        c.add(root, Path::new("content/old-folder"));
        assert!(c.config, "a vanished folder triggers a rescan");
    }
}
