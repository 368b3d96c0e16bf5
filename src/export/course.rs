//! `rapport export course`: which course to package, its modules, and the package formats
//! (SCORM 1.2, SCORM 2004, EPUB 3).

use crate::diagnostics::did_you_mean;
use crate::error::Error;
use crate::model::quiz::Question;
use crate::model::site::Site;

/// Package formats of `rapport export course`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CourseFormat {
    /// SCORM 1.2 zip for a learning management system.
    Scorm12,
    /// SCORM 2004 (4th edition) zip for a learning management system.
    Scorm2004,
    /// EPUB 3 e-book: modules, linked concept pages, glossary, bibliography, quizzes and answer key.
    Epub,
}

impl CourseFormat {
    /// The file name the package gets when no `-o` is given.
    pub fn default_file(self, slug: &str) -> String {
        match self {
            CourseFormat::Scorm12 => format!("{slug}-scorm12.zip"),
            CourseFormat::Scorm2004 => format!("{slug}-scorm2004.zip"),
            CourseFormat::Epub => format!("{slug}.epub"),
        }
    }
}

/// A course: its page and its modules, in order.
#[derive(Debug, Clone)]
pub struct Course {
    pub page: usize,
    pub modules: Vec<usize>,
}

impl Course {
    /// The questions written on the module pages, module by module.
    pub fn questions<'a>(&self, site: &'a Site) -> Vec<&'a Question> {
        self.modules.iter().flat_map(|&m| module_questions(site, m)).collect()
    }
}

/// The questions written on page `m`, in front matter order.
pub fn module_questions(site: &Site, m: usize) -> Vec<&Question> {
    site.quizzes.by_page.get(m).map(|qs| qs.iter().map(|&q| &site.quizzes.questions[q]).collect()).unwrap_or_default()
}

/// Pages of a kind that declares an ordered relation (`modules` in the bundled site), in site order.
pub fn courses(site: &Site) -> Vec<usize> {
    site.pages
        .iter()
        .enumerate()
        .filter(|(_, p)| site.config.kind(&p.kind).is_some_and(|k| k.relations.values().any(|r| r.ordered)))
        .map(|(i, _)| i)
        .collect()
}

/// The course named `slug`, or the site's only course; a usage error lists the courses otherwise,
/// and a course without modules is refused.
pub fn select(site: &Site, slug: Option<&str>) -> Result<Course, Error> {
    let all = courses(site);
    let listing = || {
        if all.is_empty() {
            "the site has no course (a page of a kind with an ordered relation such as `modules`)".to_string()
        } else {
            let names: Vec<String> =
                all.iter().map(|&c| format!("{} ({})", site.pages[c].slug, site.pages[c].title)).collect();
            format!("courses: {}", names.join(", "))
        }
    };
    let page = match slug {
        Some(s) => match all.iter().find(|&&c| site.pages[c].slug == s) {
            Some(&c) => c,
            None => {
                let help = did_you_mean(s, all.iter().map(|&c| site.pages[c].slug.as_str()))
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!("no course `{s}`{help}; {}", listing())));
            }
        },
        None if all.len() == 1 => all[0],
        None => return Err(Error::Usage(format!("name the course with --course SLUG; {}", listing()))),
    };
    let modules: Vec<usize> =
        site.graph.relations[page].iter().filter(|r| r.ordered).flat_map(|r| r.targets.iter().copied()).collect();
    if modules.is_empty() {
        let p = &site.pages[page];
        return Err(Error::Usage(format!(
            "{}: course `{}` has no modules; list its pages under `modules:` first",
            p.display.display(),
            p.slug
        )));
    }
    Ok(Course { page, modules })
}
