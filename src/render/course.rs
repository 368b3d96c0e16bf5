//! Course navigation: a module's position in each course that lists it, with its neighbours.

use serde::Serialize;

use super::renderer::{PageRef, Renderer};

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
    let site = r.site;
    r.courses
        .get(&i)
        .map(|v| {
            v.iter()
                .map(|&(c, pos)| {
                    let modules = &site.graph.relations[c]
                        .iter()
                        .find(|r| r.ordered)
                        .map(|r| r.targets.clone())
                        .unwrap_or_default();
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
