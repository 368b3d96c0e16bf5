//! The crate's shape, checked from its sources: no import cycle between files, a model layer
//! (`src/model/`) that imports no stage, nothing but `serve` reaching up into the pipeline,
//! and no source file over 500 lines. ARCHITECTURE.md describes the layers.
//!
//! An edge `a -> b` means file `a` names an item of file `b` through a path (`use crate::x::y`,
//! `super::y`, `self::y`, a child module, or such a path written inline in code). `pub use`
//! re-exports are a module's public surface, like `mod` declarations: they add no edge
//! themselves, and paths through them are followed to the file that defines the item.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Longest source file allowed, in lines.
const MAX_LINES: usize = 500;

/// Files every layer may use, the model included: they import nothing but each other.
/// `content/frontmatter.rs` is the parsed front matter (YAML with its positions) that a model
/// `Page` keeps; it stays beside the parser that fills it.
const FOUNDATION: &[&str] = &["src/diagnostics.rs", "src/error.rs", "src/content/frontmatter.rs"];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One `use` leaf or inline path: where it was written and the segments it names.
#[derive(Debug, Clone)]
struct Reference {
    /// Module path (from the crate root) of the scope holding the path.
    scope: Vec<String>,
    segments: Vec<String>,
    /// `pub use` (any visibility but private): a re-export, not an edge.
    reexport: bool,
    /// For `use` leaves: the name the item is known by in `scope` (alias or last segment).
    name: Option<String>,
}

/// Collects every use leaf and every multi-segment path of one file.
struct Collector {
    scope: Vec<String>,
    refs: Vec<Reference>,
}

impl Collector {
    fn flatten(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>, reexport: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.flatten(&p.tree, prefix, reexport);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let ident = n.ident.to_string();
                let mut segments = prefix.clone();
                // `use x::{self}` names `x` itself.
                let name = if ident == "self" { prefix.last().cloned() } else { Some(ident.clone()) };
                if ident != "self" {
                    segments.push(ident);
                }
                self.refs.push(Reference { scope: self.scope.clone(), segments, reexport, name });
            }
            syn::UseTree::Rename(r) => {
                let mut segments = prefix.clone();
                if r.ident != "self" {
                    segments.push(r.ident.to_string());
                }
                let name = Some(r.rename.to_string());
                self.refs.push(Reference { scope: self.scope.clone(), segments, reexport, name });
            }
            syn::UseTree::Glob(_) => {
                let segments = prefix.clone();
                self.refs.push(Reference { scope: self.scope.clone(), segments, reexport, name: None });
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.flatten(t, prefix, reexport);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let reexport = !matches!(u.vis, syn::Visibility::Inherited);
        self.flatten(&u.tree, &mut Vec::new(), reexport);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.content.is_some() {
            self.scope.push(m.ident.to_string());
            syn::visit::visit_item_mod(self, m);
            self.scope.pop();
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none() && p.segments.len() > 1 {
            let segments = p.segments.iter().map(|s| s.ident.to_string()).collect();
            self.refs.push(Reference { scope: self.scope.clone(), segments, reexport: false, name: None });
        }
        syn::visit::visit_path(self, p);
    }
}

/// One crate's source files by path relative to the repository, with their module paths.
struct CrateSources {
    /// Module path -> file (relative to the repository root).
    modules: BTreeMap<Vec<String>, String>,
    /// File -> the references it holds.
    refs: BTreeMap<String, Vec<Reference>>,
}

impl CrateSources {
    /// Reads every module file under `src_dir` (`lib.rs` is the root; `main.rs` and `bin/` are other crates).
    fn read(repo: &Path, src_dir: &str) -> CrateSources {
        let mut modules = BTreeMap::new();
        let mut refs = BTreeMap::new();
        let base = repo.join(src_dir);
        for entry in walkdir::WalkDir::new(&base).into_iter().filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&base).expect("under src").to_string_lossy().replace('\\', "/");
            if rel == "main.rs" || rel.starts_with("bin/") {
                continue;
            }
            let mut module: Vec<String> = rel.trim_end_matches(".rs").split('/').map(String::from).collect();
            if module.last().is_some_and(|l| l == "mod" || l == "lib") {
                module.pop();
            }
            let text = std::fs::read_to_string(path).expect("read source");
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let mut c = Collector { scope: module.clone(), refs: Vec::new() };
            c.visit_file(&file);
            let shown = format!("{src_dir}/{rel}");
            modules.insert(module, shown.clone());
            refs.insert(shown, c.refs);
        }
        CrateSources { modules, refs }
    }

    /// The absolute module path a reference names, or None when it leaves the crate.
    fn absolute(&self, r: &Reference) -> Option<Vec<String>> {
        let first = r.segments.first()?;
        let mut abs: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "self" => r.scope.clone(),
            "super" => r.scope.clone(),
            _ => {
                // A child module of the scope (`use page::Page` in content/mod.rs).
                let mut child = r.scope.clone();
                child.push(first.clone());
                if !self.modules.contains_key(&child) {
                    return None;
                }
                r.scope.clone()
            }
        };
        let mut rest = r.segments.iter().skip(usize::from(matches!(first.as_str(), "crate" | "self"))).peekable();
        while rest.peek().is_some_and(|s| s.as_str() == "super") {
            rest.next();
            abs.pop()?;
        }
        abs.extend(rest.cloned());
        Some(abs)
    }

    /// The file defining the item at `path`, following `pub use` re-exports.
    fn defining_file(&self, path: &[String], depth: usize) -> Option<String> {
        let k = (0..=path.len()).rev().find(|&k| self.modules.contains_key(&path[..k]))?;
        let file = &self.modules[&path[..k]];
        if k < path.len() && depth < 8 {
            let reexport = self.refs[file].iter().find(|r| r.reexport && r.name.as_deref() == Some(&path[k]));
            if let Some(target) = reexport.and_then(|r| self.absolute(r)) {
                let mut next = target;
                next.extend(path[k + 1..].iter().cloned());
                return self.defining_file(&next, depth + 1);
            }
        }
        Some(file.clone())
    }

    /// Every edge between two different files.
    fn edges(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (file, refs) in &self.refs {
            let targets = out.entry(file.clone()).or_default();
            for r in refs.iter().filter(|r| !r.reexport) {
                if let Some(to) = self.absolute(r).and_then(|abs| self.defining_file(&abs, 0)) {
                    if &to != file {
                        targets.insert(to);
                    }
                }
            }
        }
        out
    }
}

/// Every crate of the repository: the main library and the workspace crates.
fn all_crates() -> Vec<CrateSources> {
    let repo = manifest_dir();
    let mut dirs = vec!["src".to_string()];
    let mut others: Vec<String> = std::fs::read_dir(repo.join("crates"))
        .expect("crates/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("src").is_dir())
        .map(|e| format!("crates/{}/src", e.file_name().to_string_lossy()))
        .collect();
    others.sort();
    dirs.extend(others);
    dirs.iter().map(|d| CrateSources::read(&repo, d)).collect()
}

/// Groups of files that import each other, directly or through others (Tarjan's algorithm).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Tarjan<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let lw = self.low[w.as_str()];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w.as_str()) {
                    let iw = self.index[w.as_str()];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut group = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    group.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.out.push(group);
                }
            }
        }
    }
    let mut t = Tarjan {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out
}

#[test]
fn no_import_cycle_between_files() {
    let mut problems = Vec::new();
    for krate in all_crates() {
        let edges = krate.edges();
        for group in cycles(&edges) {
            let inside: Vec<String> = group
                .iter()
                .flat_map(|a| edges[a].iter().filter(|b| group.contains(b)).map(move |b| format!("  {a} -> {b}")))
                .collect();
            problems.push(format!("cycle between {}:\n{}", group.join(", "), inside.join("\n")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The problems `breaks(file, imported)` finds among the main crate's edges.
fn layer_problems(breaks: impl Fn(&str, &str) -> Option<String>) -> Vec<String> {
    let edges = CrateSources::read(&manifest_dir(), "src").edges();
    edges
        .iter()
        .flat_map(|(file, targets)| targets.iter().filter_map(|t| breaks(file, t)).collect::<Vec<_>>())
        .collect()
}

#[test]
fn the_model_imports_no_stage() {
    let problems = layer_problems(|file, t| {
        let model = |f: &str| f.starts_with("src/model/");
        let checked = model(file) || FOUNDATION.contains(&file);
        let allowed = FOUNDATION.contains(&t) || (model(file) && model(t));
        (checked && !allowed).then(|| format!("{file} imports {t}, which is not in the model or the foundation"))
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn only_serve_reaches_up_into_the_pipeline() {
    let problems = layer_problems(|file, t| {
        let front_end = file == "src/lib.rs" || file.starts_with("src/serve/");
        let above = t == "src/pipeline.rs" || t.starts_with("src/serve/");
        (above && !front_end).then(|| format!("{file} imports {t}, which sits above it"))
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_source_file_is_over_500_lines() {
    let repo = manifest_dir();
    let mut problems = Vec::new();
    for dir in ["src", "crates"] {
        let walk = walkdir::WalkDir::new(repo.join(dir)).into_iter().filter_entry(|e| e.file_name() != "target");
        for entry in walk.filter_map(Result::ok) {
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let lines = std::fs::read_to_string(entry.path()).expect("read source").lines().count();
            if lines > MAX_LINES {
                let rel = entry.path().strip_prefix(&repo).unwrap_or(entry.path()).display().to_string();
                problems.push(format!("{rel}: {lines} lines (at most {MAX_LINES})"));
            }
        }
    }
    problems.sort();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
