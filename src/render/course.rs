//! Course navigation: a module's position in each course that lists it, with its neighbours.

use serde::Serialize;

use super::renderer::{PageRef, Renderer};
use super::sidebar::modules_of;

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
    r.index
        .courses
        .get(&i)
        .map(|v| {
            v.iter()
                .map(|&(c, pos)| {
                    let modules = &modules_of(r.site, c);
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
