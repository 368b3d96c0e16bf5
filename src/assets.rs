//! Images and file links in page bodies: each is looked up among the static files (the site's
//! `static/`, its theme's and the built-in theme's, which the build copies to the output root)
//! and rewritten to a URL relative to the page, so it works from disk and under a sub-path.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path};

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::doc::{Asset, Resolved};
use crate::model::page::Page;
use crate::render::theme::DEFAULT_THEME;

/// The title that marks an image as decorative, so its empty alt text is meant: `![](x.png "decorative")`.
pub const DECORATIVE: &str = "decorative";

/// Where `asset` of the page at `page_rel` (its path under `content/`) lies in the output,
/// root-relative: `/img/x.png` from the output root, `img/x.png` from the page's folder.
/// `None` when a relative path climbs out of the site.
pub fn output_path(page_rel: &Path, target: &str) -> Option<String> {
    let joined = match target.strip_prefix('/') {
        Some(abs) => Path::new(abs).to_path_buf(),
        None => page_rel.parent().unwrap_or(Path::new("")).join(target),
    };
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    Some(parts.join("/"))
}

/// Names of every static file the build copies to the output root (`img/x.png`).
pub fn static_files(root: &Path, theme: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        collect_embedded(dir, &mut out);
    }
    for dir in [root.join("themes").join(theme).join("static"), root.join("static")] {
        for entry in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

fn collect_embedded(dir: &include_dir::Dir, out: &mut BTreeSet<String>) {
    for f in dir.files() {
        let rel = f.path().strip_prefix("static").unwrap_or(f.path());
        out.insert(rel.to_string_lossy().replace('\\', "/"));
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// An error for every image or file link of `pages` that names no static file, with a did-you-mean.
pub fn check<'a>(pages: impl IntoIterator<Item = &'a Page>, files: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        for asset in &page.doc.assets {
            if let Some(d) = missing(page, asset, files) {
                out.push(d);
            }
        }
    }
    out
}

fn missing(page: &Page, asset: &Asset, files: &BTreeSet<String>) -> Option<Diagnostic> {
    let what = if asset.image { "image" } else { "file" };
    let found = output_path(&page.rel, &asset.target);
    if found.as_ref().is_some_and(|p| files.contains(p)) {
        return None;
    }
    let msg = match &found {
        Some(p) => format!("missing {what} `{}`: there is no static/{p}", asset.target),
        None => format!("{what} `{}` points outside the site", asset.target),
    };
    let wanted = found.unwrap_or_else(|| asset.target.trim_start_matches(['.', '/']).to_string());
    let help = did_you_mean(&wanted, files.iter().map(String::as_str))
        .map(|h| h.replacen('`', "`/", 1))
        .or_else(|| Some(format!("put the {what} in static/ and write its path from there, e.g. `/img/name.png`")));
    Some(page.error((asset.line, asset.col), msg).with_len(asset.len).with_help(help))
}

/// A warning for each image of `page` with no alt text, unless its title marks it decorative.
pub fn alt_warnings(page: &Page) -> Vec<Diagnostic> {
    page.doc
        .assets
        .iter()
        .filter(|a| a.image && a.alt.trim().is_empty() && !a.title.trim().eq_ignore_ascii_case(DECORATIVE))
        .map(|a| {
            page.warning((a.line, a.col), format!("image `{}` has no alt text", a.target)).with_len(a.len).with_help(
                Some(format!(
                    "describe it for readers who cannot see it: `![what it shows]({})`; \
                     if it is only decoration, write `![]({} \"{DECORATIVE}\")`",
                    a.target, a.target
                )),
            )
        })
        .collect()
}

/// The rewritten URLs of `page`'s images and file links, keyed by offset, for [`crate::markdown::render`].
pub fn rendered(page: &Page) -> HashMap<usize, Resolved> {
    page.doc
        .assets
        .iter()
        .filter_map(|a| {
            let path = output_path(&page.rel, &a.target)?;
            let href = format!("{}{}{}", crate::links::root_prefix(&page.out_path), path, a.suffix);
            Some((a.offset, Resolved { href, label: String::new() }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_from_the_root_or_the_page_folder() {
        let page = Path::new("factors/empathy.md");
        assert_eq!(output_path(page, "/img/x.png").as_deref(), Some("img/x.png"));
        assert_eq!(output_path(page, "../img/x.png").as_deref(), Some("img/x.png"));
        assert_eq!(output_path(page, "x.png").as_deref(), Some("factors/x.png"));
        assert_eq!(output_path(page, "../../x.png"), None);
    }

    #[test]
    fn finds_images_and_file_links_but_not_pages_or_other_sites() {
        let text = "---\n---\n![A *b*](/img/a.png) [pdf](files/h.pdf?x=1#p) [page](other.md) [s](search.html)\n\
                    [web](https://x.org/a.png) [[wiki]] ![](b.png \"decorative\")\n";
        let found: Vec<_> = crate::markdown::assets(text, 8)
            .into_iter()
            .map(|a| (a.target, a.suffix, a.image, a.alt, a.title, a.line, a.col))
            .collect();
        let s = String::from;
        assert_eq!(
            found,
            [
                (s("/img/a.png"), s(""), true, s("A b"), s(""), 3, 1),
                (s("files/h.pdf"), s("?x=1#p"), false, s(""), s(""), 3, 22),
                (s("b.png"), s(""), true, s(""), s("decorative"), 4, 37),
            ]
        );
    }
}
