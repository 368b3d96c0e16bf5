//! Course navigation: a module's position in each course that lists it, with its neighbours,
//! and the course outlines the sidebar shows.

use serde::Serialize;

use super::renderer::{PageRef, Renderer};
use crate::links::relative;

/// Above this many module links in all, the sidebar outlines only the courses of the page shown
/// (each page carries the sidebar, so a site with many long courses would repeat them all).
const OUTLINE_LINK_LIMIT: usize = 300;

/// One course in the sidebar: its page and its modules in order.
#[derive(Serialize)]
pub struct CourseOutline {
    title: String,
    href: String,
    current: bool,
    /// The page shown is the course or one of its modules: the group starts open.
    open: bool,
    modules: Vec<OutlineItem>,
}

impl CourseOutline {
    /// Is the page shown this course or one of its modules?
    pub fn is_open(&self) -> bool {
        self.open
    }
}

/// A module link in a course outline; `slug` is what the progress script keys on.
#[derive(Serialize)]
pub struct OutlineItem {
    title: String,
    href: String,
    slug: String,
    current: bool,
}

/// The ordered module list of course page `c`.
fn modules_of(r: &Renderer, c: usize) -> Vec<usize> {
    r.site.graph.relations[c].iter().find(|rel| rel.ordered).map(|rel| rel.targets.clone()).unwrap_or_default()
}

/// The sidebar's course outlines for the file at `out_path` (whose page, if any, is `here`).
pub fn outlines(r: &Renderer, out_path: &str) -> Vec<CourseOutline> {
    let site = r.site;
    let is_here = |i: usize| site.pages[i].out_path == out_path;
    let total: usize = r.course_pages.iter().map(|&c| modules_of(r, c).len()).sum();
    r.course_pages
        .iter()
        .map(|&c| (c, modules_of(r, c)))
        .filter(|(c, modules)| total <= OUTLINE_LINK_LIMIT || is_here(*c) || modules.iter().any(|&m| is_here(m)))
        .map(|(c, modules)| {
            let items: Vec<OutlineItem> = modules
                .iter()
                .map(|&m| OutlineItem {
                    title: site.pages[m].title.clone(),
                    href: relative(out_path, &site.pages[m].href),
                    slug: site.pages[m].slug.clone(),
                    current: is_here(m),
                })
                .collect();
            let current = is_here(c);
            CourseOutline {
                title: site.pages[c].title.clone(),
                href: relative(out_path, &site.pages[c].href),
                open: current || items.iter().any(|m| m.current),
                current,
                modules: items,
            }
        })
        .collect()
}

#[derive(Serialize)]
pub struct CourseNav {
    course: PageRef,
    position: usize,
    total: usize,
    prev: Option<PageRef>,
    next: Option<PageRef>,
}

/// Where page `i` sits in each course listing it as a module, with links relative to `path`.
pub fn course_nav(r: &Renderer, i: usize, path: &str) -> Vec<CourseNav> {
    r.courses
        .get(&i)
        .map(|v| {
            v.iter()
                .map(|&(c, pos)| {
                    let modules = &modules_of(r, c);
                    CourseNav {
                        course: r.page_ref(path, c),
                        position: pos + 1,
                        total: modules.len(),
                        prev: pos.checked_sub(1).map(|p| r.page_ref(path, modules[p])),
                        next: modules.get(pos + 1).map(|&n| r.page_ref(path, n)),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}
