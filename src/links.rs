//! Link graph: resolves links and relations, collects backlinks, reports misses with a did-you-mean.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::config::Config;
use crate::model::doc::{Link, LinkKind, Resolved};
// The graph's data types live in the model; stage code may keep naming them `links::LinkGraph`.
pub use crate::model::graph::{LinkGraph, Relation, Target};
use crate::model::page::{Page, SlugRef};
use crate::model::slug::slugify;

/// What one page links to, before the merge into the graph.
#[derive(Default)]
struct PageLinks {
    body: HashMap<usize, (usize, Option<String>)>,
    relations: Vec<Relation>,
    related: Vec<usize>,
    tests: Vec<usize>,
    problems: Vec<Diagnostic>,
}

impl LinkGraph {
    /// Builds the graph; every unresolved link or relation becomes a located error.
    pub fn build(pages: &[Page], config: &Config) -> (LinkGraph, Vec<Diagnostic>) {
        Self::build_with_unparsed(pages, config, HashSet::new())
    }

    /// Builds the graph; links to the `unparsed` slugs (pages whose front matter failed, already
    /// reported) are left unresolved without an error of their own.
    pub fn build_with_unparsed(
        pages: &[Page],
        config: &Config,
        unparsed: HashSet<String>,
    ) -> (LinkGraph, Vec<Diagnostic>) {
        let mut g = LinkGraph { unparsed, ..Default::default() };
        let mut problems = Vec::new();
        g.index_names(pages, &mut problems);
        // Each page resolves its own links independently; the merge below is sequential and cheap.
        let per_page: Vec<PageLinks> =
            (0..pages.len()).into_par_iter().map(|i| g.resolve_page(pages, i, config)).collect();
        let n = pages.len();
        let mut back: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
        let mut reverse: Vec<Vec<(String, Vec<usize>)>> = vec![Vec::new(); n];
        for (i, pl) in per_page.into_iter().enumerate() {
            for (t, _) in pl.body.values() {
                back[*t].insert(i);
            }
            for rel in &pl.relations {
                for &t in &rel.targets {
                    back[t].insert(i);
                    add_reverse(&mut reverse[t], &rel.reverse_label, i);
                }
            }
            for &t in &pl.related {
                back[t].insert(i);
            }
            g.body.push(pl.body);
            g.relations.push(pl.relations);
            g.related.push(pl.related);
            g.tests.push(pl.tests);
            problems.extend(pl.problems);
        }
        g.link_count = g.body.iter().map(HashMap::len).sum::<usize>()
            + g.relations.iter().flatten().map(|r| r.targets.len()).sum::<usize>()
            + g.related.iter().map(Vec::len).sum::<usize>();
        g.backlinks = back.into_iter().enumerate().map(|(i, s)| s.into_iter().filter(|&p| p != i).collect()).collect();
        g.reverse = reverse;
        (g, problems)
    }

    /// True when `target` names a page whose front matter failed (by its file name).
    fn is_unparsed(&self, target: &str) -> bool {
        if self.unparsed.is_empty() {
            return false;
        }
        let stem = target.rsplit('/').next().unwrap_or(target);
        self.unparsed.contains(&slugify(stem.strip_suffix(".md").unwrap_or(stem)))
    }

    /// Resolves everything page `i` links to.
    fn resolve_page(&self, pages: &[Page], i: usize, config: &Config) -> PageLinks {
        let page = &pages[i];
        let mut out = PageLinks::default();
        for link in &page.doc.links {
            match self.resolve_link(pages, i, link) {
                Ok(t) => {
                    out.body.insert(link.offset, (t.page, t.anchor.map(str::to_string)));
                }
                Err(_) if self.is_unparsed(&link.target) => {}
                Err((msg, help)) => {
                    out.problems.push(page.error((link.line, link.col), msg).with_len(link.len).with_help(help));
                }
            }
        }
        let kind = config.kind(&page.kind);
        for (field, refs) in &page.relations {
            let rc = kind.and_then(|k| k.relations.get(field)).cloned().unwrap_or_default();
            let targets = self.resolve_refs(pages, i, field, refs, rc.kind.as_deref(), config, &mut out.problems);
            let reverse = rc.reverse.clone().unwrap_or_else(|| kind.map(|k| k.plural(&page.kind)).unwrap_or_default());
            let label = rc.label.clone().unwrap_or_else(|| crate::model::config::capitalize(field));
            out.relations.push(Relation {
                field: field.clone(),
                label,
                reverse_label: reverse,
                targets,
                ordered: rc.ordered,
            });
        }
        out.related = self.resolve_refs(pages, i, "related", &page.related, None, config, &mut out.problems);
        out.tests = self.resolve_refs(pages, i, "tests", &page.tests, None, config, &mut out.problems);
        out
    }

    /// Re-resolves pages `changed` (edited in place, with their slugs and aliases unchanged) and the
    /// pages linking to them, patching backlinks and reverse relations. Returns the pages whose
    /// backlinks or reverse relations changed; on errors the graph is left untouched.
    pub fn update_in_place(
        &mut self,
        pages: &[Page],
        changed: &[usize],
        config: &Config,
    ) -> Result<Vec<usize>, Vec<Diagnostic>> {
        let mut redo: BTreeSet<usize> = changed.iter().copied().collect();
        for &c in changed {
            redo.extend(self.backlinks[c].iter().copied());
        }
        let fresh: Vec<(usize, PageLinks)> = redo.iter().map(|&r| (r, self.resolve_page(pages, r, config))).collect();
        let problems: Vec<Diagnostic> = fresh.iter().flat_map(|(_, pl)| pl.problems.iter().cloned()).collect();
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        let mut touched_targets: BTreeSet<usize> = BTreeSet::new();
        for (r, pl) in fresh {
            let old_targets = self.targets_of(r);
            for rel in &self.relations[r] {
                for &t in &rel.targets {
                    remove_reverse(&mut self.reverse[t], &rel.reverse_label, r);
                    touched_targets.insert(t);
                }
            }
            self.link_count -= self.body[r].len() + self.related[r].len();
            self.link_count -= self.relations[r].iter().map(|x| x.targets.len()).sum::<usize>();
            self.body[r] = pl.body;
            self.relations[r] = pl.relations;
            self.related[r] = pl.related;
            self.tests[r] = pl.tests;
            self.link_count += self.body[r].len() + self.related[r].len();
            self.link_count += self.relations[r].iter().map(|x| x.targets.len()).sum::<usize>();
            for rel in &self.relations[r] {
                for &t in &rel.targets {
                    add_reverse(&mut self.reverse[t], &rel.reverse_label, r);
                    touched_targets.insert(t);
                }
            }
            let new_targets = self.targets_of(r);
            for &t in old_targets.difference(&new_targets) {
                self.backlinks[t].retain(|&b| b != r);
                touched_targets.insert(t);
            }
            for &t in new_targets.difference(&old_targets) {
                if let Err(at) = self.backlinks[t].binary_search(&r) {
                    self.backlinks[t].insert(at, r);
                }
                touched_targets.insert(t);
            }
        }
        Ok(touched_targets.into_iter().collect())
    }

    /// Every page `i` links to by body link, relation or `related`, itself excluded.
    fn targets_of(&self, i: usize) -> BTreeSet<usize> {
        let mut out: BTreeSet<usize> = self.body[i].values().map(|(t, _)| *t).collect();
        out.extend(self.relations[i].iter().flat_map(|r| r.targets.iter().copied()));
        out.extend(self.related[i].iter().copied());
        out.remove(&i);
        out
    }

    fn index_names(&mut self, pages: &[Page], problems: &mut Vec<Diagnostic>) {
        for (i, p) in pages.iter().enumerate() {
            if let Some(&other) = self.by_slug.get(&p.slug) {
                let first = &pages[other];
                // Point at the `slug:` line; a slug taken from the file name has no line of its own.
                let (pos, origin) = if p.front.map.contains_key("slug") {
                    (p.front.locate(&[crate::content::frontmatter::Seg::Key("slug")]), "")
                } else {
                    ((0, 0), " (this page's slug comes from its file name)")
                };
                problems.push(
                    p.error(
                        pos,
                        format!(
                            "duplicate slug `{}`: both {} and {} use it{origin}",
                            p.slug,
                            first.display.display(),
                            p.display.display()
                        ),
                    )
                    .with_help(Some("give one of them another file name or a `slug:` field".into())),
                );
                continue;
            }
            self.by_slug.insert(p.slug.clone(), i);
            self.by_path.insert(p.rel.clone(), i);
        }
        for (i, p) in pages.iter().enumerate() {
            for alias in &p.aliases {
                let key = alias.to_lowercase();
                if let Some(&other) = self.by_slug.get(&key).or_else(|| self.by_name.get(&key)) {
                    if other != i {
                        let pos = p.front.locate_text(&[crate::content::frontmatter::Seg::Key("aliases")], alias);
                        problems.push(p.warning(
                            pos,
                            format!(
                                "alias `{alias}` already names {}; links to it go there",
                                pages[other].display.display()
                            ),
                        ));
                        continue;
                    }
                }
                self.by_name.insert(key.clone(), i);
                self.by_name.entry(slugify(alias)).or_insert(i);
            }
        }
    }

    /// The page a slug, alias or title-like name refers to.
    pub fn find(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.by_slug
            .get(name)
            .or_else(|| self.by_name.get(&name.to_lowercase()))
            .or_else(|| self.by_slug.get(&slugify(name)))
            .or_else(|| self.by_name.get(&slugify(name)))
            .copied()
    }

    fn suggest(&self, name: &str) -> Option<String> {
        did_you_mean(name, self.by_slug.keys().chain(self.by_name.keys()).map(String::as_str))
    }

    /// Resolves one body link of page `from`, or explains the miss.
    pub fn resolve_link<'l>(
        &self,
        pages: &[Page],
        from: usize,
        link: &'l Link,
    ) -> Result<Target<'l>, (String, Option<String>)> {
        let page = match link.kind {
            LinkKind::SamePage => from,
            LinkKind::Wiki { .. } if link.target.is_empty() => from,
            LinkKind::Wiki { .. } => self
                .find(&link.target)
                .ok_or_else(|| (format!("unknown link target `{}`", link.target), self.suggest(&link.target)))?,
            LinkKind::Markdown => {
                let base = pages[from].rel.parent().unwrap_or(Path::new(""));
                let path = normalize(&base.join(&link.target));
                *self.by_path.get(&path).ok_or_else(|| {
                    let known = self.by_path.keys().filter_map(|p| p.to_str());
                    let help = did_you_mean(&path.to_string_lossy(), known);
                    (format!("link to a missing page `{}` (content/{})", link.target, path.display()), help)
                })?
            }
        };
        if let Some(anchor) = &link.anchor {
            let doc = &pages[page].doc;
            if !doc.anchors().any(|a| a == anchor) {
                return Err((
                    format!("`{}` has no heading with the id `#{anchor}`", pages[page].slug),
                    did_you_mean(anchor, doc.anchors()),
                ));
            }
        }
        Ok(Target { page, anchor: link.anchor.as_deref() })
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_refs(
        &self,
        pages: &[Page],
        from: usize,
        field: &str,
        refs: &[SlugRef],
        want_kind: Option<&str>,
        config: &Config,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<usize> {
        let page = &pages[from];
        let mut out = Vec::new();
        for r in refs {
            let len = r.target.chars().count();
            match self.find(&r.target) {
                None if self.is_unparsed(&r.target) => {}
                None => problems.push(
                    page.error((r.line, r.col), format!("`{field}` names an unknown page `{}`", r.target))
                        .with_len(len)
                        .with_help(self.suggest(&r.target)),
                ),
                Some(t) => match want_kind {
                    Some(k) if pages[t].kind != k => {
                        let want = config.kind(k).map(|c| c.label(k).to_lowercase()).unwrap_or_else(|| k.to_string());
                        problems.push(
                            page.error(
                                (r.line, r.col),
                                format!("`{field}` must name {want} pages, but `{}` is a {}", r.target, pages[t].kind),
                            )
                            .with_len(len),
                        );
                    }
                    _ if !out.contains(&t) => out.push(t),
                    _ => {}
                },
            }
        }
        out
    }

    /// The rewritten links of page `i`, ready for [`crate::markdown::render`].
    pub fn rendered_links(&self, pages: &[Page], i: usize) -> HashMap<usize, Resolved> {
        self.body[i].iter().map(|(&offset, (t, anchor))| (offset, resolved(pages, i, *t, anchor.as_deref()))).collect()
    }
}

fn add_reverse(list: &mut Vec<(String, Vec<usize>)>, label: &str, from: usize) {
    match list.iter_mut().find(|(l, _)| l == label) {
        Some((_, v)) => {
            if let Err(at) = v.binary_search(&from) {
                v.insert(at, from);
            }
        }
        None => list.push((label.to_string(), vec![from])),
    }
}

fn remove_reverse(list: &mut Vec<(String, Vec<usize>)>, label: &str, from: usize) {
    if let Some((_, v)) = list.iter_mut().find(|(l, _)| l == label) {
        v.retain(|&x| x != from);
    }
    list.retain(|(_, v)| !v.is_empty());
}

/// The href and label for a link from page `from` to page `to` (and maybe a heading on it).
pub fn resolved(pages: &[Page], from: usize, to: usize, anchor: Option<&str>) -> Resolved {
    let target = &pages[to];
    let base =
        if from == to && anchor.is_some() { String::new() } else { relative(&pages[from].out_path, &target.href) };
    match anchor {
        Some(a) => {
            let heading = target.doc.headings.iter().find(|h| h.id == a).map(|h| h.text.as_str()).unwrap_or(a);
            let label = if from == to { heading.to_string() } else { format!("{} § {heading}", target.title) };
            Resolved { href: format!("{base}#{a}"), label }
        }
        None => Resolved { href: base, label: target.title.clone() },
    }
}

/// The `../` prefix that leads from the file `out_path` back to the output root ("" at the root).
pub fn root_prefix(out_path: &str) -> String {
    "../".repeat(out_path.matches('/').count())
}

/// The URL of `to` (relative to the output root) as seen from the file `from_out` (also root-relative).
pub fn relative(from_out: &str, to: &str) -> String {
    let prefix = root_prefix(from_out);
    if to.is_empty() || to == "./" {
        return if prefix.is_empty() { "./".into() } else { prefix };
    }
    format!("{prefix}{to}")
}

/// Resolves `.` and `..` in a relative path without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_name_files() {
        assert_eq!(relative("factors/empathy.html", "factors/warmth.html"), "../factors/warmth.html");
        assert_eq!(relative("index.html", "factors/index.html"), "factors/index.html");
        assert_eq!(relative("a/b/index.html", "./"), "../../");
    }

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(normalize(Path::new("factors/../faqs/x.md")), PathBuf::from("faqs/x.md"));
    }
}
