//! Which output files a change of some pages can alter, for serve's incremental rebuilds.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::page::Page;
use crate::model::site::Site;
use crate::render::{self, Job};

/// What lists (kind indexes, tag pages, home, sitemap) show of a page.
pub fn list_view(p: &Page) -> impl PartialEq + '_ {
    (&p.title, &p.summary, &p.tags, p.weight, &p.fields, &p.updated)
}

/// What the rest of the site reads of a page besides its body text: its front matter (title,
/// fields, relations, questions; compared as written, so question positions are the same too)
/// and its headings (links from other pages and questions point at them, and show their text).
/// When an edit keeps both, the site's questions, and the pages generated from them, stay as
/// they are.
pub fn same_outline(before: &Page, now: &Page) -> bool {
    let front = |p: &Page| p.text().map(|t| t.get(..p.body_start).unwrap_or(&t).to_owned());
    let headings =
        |p: &Page| p.doc.headings.iter().map(|h| (h.level, h.text.clone(), h.id.clone())).collect::<Vec<_>>();
    let same_front = matches!((front(before), front(now)), (Ok(a), Ok(b)) if a == b);
    same_front && headings(before) == headings(now)
}

/// Puts set-aside pages back at their original positions among the kept ones.
pub fn restore_order(kept: Vec<Page>, displaced: Vec<(usize, Page)>, total: usize) -> Vec<Page> {
    let mut kept = kept.into_iter();
    let mut displaced = displaced.into_iter().peekable();
    let mut out = Vec::with_capacity(total);
    for i in 0..total {
        match displaced.peek() {
            Some((at, _)) if *at == i => out.extend(displaced.next().map(|(_, p)| p)),
            _ => out.extend(kept.next()),
        }
    }
    out
}

/// The pages and lists a change can alter: the changed pages, every page whose backlinks,
/// reverse relations or links point at them, their kind indexes and tags, course neighbours,
/// and the site-wide pages.
pub fn affected_jobs(
    old: &Site,
    old_slugs: &[String],
    new: &Site,
    touched: &HashSet<String>,
    kinds: &HashSet<String>,
    tags: &HashSet<String>,
) -> Vec<Job> {
    let names = |slugs: &[String], v: &[usize]| -> Vec<String> { v.iter().map(|&i| slugs[i].clone()).collect() };
    let new_slugs: Vec<String> = new.pages.iter().map(|p| p.slug.clone()).collect();
    let old_index: HashMap<&str, usize> = old_slugs.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let mut pages: BTreeSet<usize> = BTreeSet::new();
    for (i, slug) in new_slugs.iter().enumerate() {
        let links_to_touched = new.graph.body[i].values().any(|(t, _)| touched.contains(&new_slugs[*t]))
            || new.graph.relations[i].iter().flat_map(|r| &r.targets).any(|t| touched.contains(&new_slugs[*t]))
            || new.graph.related[i].iter().any(|t| touched.contains(&new_slugs[*t]));
        let changed_lists = match old_index.get(slug.as_str()) {
            None => true,
            Some(&o) => {
                names(old_slugs, &old.graph.backlinks[o]) != names(&new_slugs, &new.graph.backlinks[i])
                    || old.graph.reverse[o].len() != new.graph.reverse[i].len()
                    || old.graph.reverse[o]
                        .iter()
                        .zip(&new.graph.reverse[i])
                        .any(|(a, b)| a.0 != b.0 || names(old_slugs, &a.1) != names(&new_slugs, &b.1))
            }
        };
        // Tested pages show how many questions cover them; the home page counts them all.
        let covered = |s: &Site, p: usize| s.quizzes.covering.get(p).map_or(0, Vec::len);
        let changed_quiz = old_index.get(slug.as_str()).is_some_and(|&o| covered(old, o) != covered(new, i))
            || (new.pages[i].is_home() && old.quizzes.count() != new.quizzes.count());
        if touched.contains(slug) || links_to_touched || changed_lists || changed_quiz {
            pages.insert(i);
        }
    }
    // Modules show their course's previous/next titles: a touched course or module re-renders its course.
    for (c, rels) in new.graph.relations.iter().enumerate() {
        for rel in rels.iter().filter(|r| r.ordered) {
            if touched.contains(&new_slugs[c]) || rel.targets.iter().any(|t| touched.contains(&new_slugs[*t])) {
                pages.insert(c);
                pages.extend(rel.targets.iter().copied());
            }
        }
    }
    let mut jobs: Vec<Job> = pages.into_iter().map(Job::Page).collect();
    jobs.extend(kinds.iter().filter(|k| new.pages.iter().any(|p| &p.kind == *k)).cloned().map(Job::Kind));
    jobs.push(Job::Tags);
    jobs.extend(tags.iter().filter(|t| new.pages.iter().any(|p| p.tags.contains(t))).cloned().map(Job::Tag));
    jobs.extend(render::site_wide_jobs(new));
    jobs
}
