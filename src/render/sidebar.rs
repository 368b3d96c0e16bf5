//! The sidebar every page carries: the course outlines and, for a small section, its pages.

use std::collections::HashMap;

use serde::Serialize;

use crate::links::relative;
use crate::model::site::Site;

/// A kind with more pages than this is only linked from the sidebar, not listed in it.
pub const SIDEBAR_KIND_LIMIT: usize = 60;

/// A link in the sidebar's list of the current section's pages.
#[derive(Serialize)]
struct SidebarItem {
    title: String,
    href: String,
    current: bool,
}

/// Above this many module links in all, the sidebar outlines only the courses of the page shown
/// (each page carries the sidebar, so a site with many long courses would repeat them all).
const OUTLINE_LINK_LIMIT: usize = 300;

/// One course in the sidebar: its page and its modules in order.
#[derive(Serialize)]
struct CourseOutline {
    title: String,
    href: String,
    current: bool,
    /// The page shown is the course or one of its modules: the group starts open.
    open: bool,
    modules: Vec<OutlineItem>,
}

impl CourseOutline {
    /// Is the page shown this course or one of its modules?
    fn is_open(&self) -> bool {
        self.open
    }
}

/// A module link in a course outline; `slug` is what the progress script keys on.
#[derive(Serialize)]
struct OutlineItem {
    title: String,
    href: String,
    slug: String,
    current: bool,
}

/// The ordered module list of course page `c`.
pub fn modules_of(site: &Site, c: usize) -> Vec<usize> {
    site.graph.relations[c].iter().find(|rel| rel.ordered).map(|rel| rel.targets.clone()).unwrap_or_default()
}

/// The sidebar's course outlines for the file at `out_path` (whose page, if any, is `here`).
fn outlines(site: &Site, course_pages: &[usize], out_path: &str) -> Vec<CourseOutline> {
    let is_here = |i: usize| site.pages[i].out_path == out_path;
    let total: usize = course_pages.iter().map(|&c| modules_of(site, c).len()).sum();
    course_pages
        .iter()
        .map(|&c| (c, modules_of(site, c)))
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

/// The sidebar: the course outlines and, for a small section, its pages.
pub fn sidebar(
    site: &Site,
    course_pages: &[usize],
    kind_members: &HashMap<String, Vec<usize>>,
    out_path: &str,
    current_kind: Option<&str>,
) -> serde_json::Value {
    let courses = outlines(site, course_pages, out_path);
    // A course module is found in its course's outline: listing its kind's pages too repeats them.
    let in_course = courses.iter().any(|c| c.is_open());
    let section: Vec<SidebarItem> = current_kind
        .filter(|k| *k != "page" && !in_course)
        .and_then(|k| kind_members.get(k))
        .map(|members| {
            members
                .iter()
                .map(|&i| SidebarItem {
                    title: site.pages[i].title.clone(),
                    href: relative(out_path, &site.pages[i].href),
                    current: site.pages[i].out_path == out_path,
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "courses": courses,
        "section": section,
        "section_label": current_kind.map(|k| site.kind_plural(k)).unwrap_or_default(),
    })
}
