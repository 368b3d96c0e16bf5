//! A template that fails while rendering, reported where the author can fix it: the site's own
//! override when the failing expression is in one, else the built-in template, at the line of the
//! expression, with a did-you-mean for a misspelt variable from the keys of the context.
//!
//! tera names only the template it was asked to render (`page.html`), not the parent or partial
//! holding the expression, and gives no line; so the expression is looked up in the sources.

use std::path::{Path, PathBuf};

use tera::Context;

use super::theme::{error_chain, DEFAULT_THEME};
use crate::diagnostics::{did_you_mean, Diagnostic, LineIndex};

/// A template source an expression may sit in: the path shown and its text.
struct Source {
    shown: PathBuf,
    text: String,
    built_in: bool,
}

/// The diagnostic for `err`, raised rendering `template` with `ctx` for the site at `root`.
pub fn diagnose(root: &Path, theme: &str, template: &str, err: &tera::Error, ctx: &Context) -> Diagnostic {
    let chain = error_chain(err);
    let cause = chain.lines().last().unwrap_or_default().trim();
    let sources = sources(root, theme, template);
    match missing_variable(cause) {
        Some(var) => {
            let found = sources.iter().find_map(|s| find_expression(&s.text, var).map(|at| (s, at)));
            let help = suggest(var, &ctx.clone().into_json());
            let msg = format!("template error: `{var}` is not defined");
            match found {
                Some((s, at)) => at_source(s, at, var.chars().count(), msg, help, template),
                None => Diagnostic::error(template_path(theme, template), 0, 0, msg).with_help(help),
            }
        }
        None => {
            let msg = format!("template error: {}", cause.split(" while rendering").next().unwrap_or(cause));
            // tera does not say which template of the chain failed: name the site's own ones.
            let own: Vec<String> = sources
                .iter()
                .filter(|s| !s.built_in)
                .filter_map(|s| s.shown.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            let help = (!own.is_empty() && !own.iter().any(|n| n == template))
                .then(|| format!("the site overrides {}: the error is likely there", own.join(", ")));
            match sources.into_iter().find(|s| s.shown.ends_with(template)) {
                Some(s) => at_source(&s, 0, 0, msg, help, template),
                None => Diagnostic::error(template_path(theme, template), 0, 0, msg).with_help(help),
            }
        }
    }
}

fn template_path(theme: &str, template: &str) -> PathBuf {
    PathBuf::from(format!("themes/{theme}/templates/{template}"))
}

/// A diagnostic at byte `at` of `s` (line 0 when `len` is 0: the expression was not found).
fn at_source(s: &Source, at: usize, len: usize, msg: String, help: Option<String>, template: &str) -> Diagnostic {
    let (line, col) = if len == 0 { (0, 0) } else { LineIndex::new(&s.text).locate(&s.text, at) };
    let help = match (help, s.built_in) {
        (Some(h), _) => Some(h),
        // The user has no copy of a built-in template to read: say how to get one.
        (None, true) => {
            Some(format!("in the built-in theme; `rapport theme eject {template}` writes a copy to change"))
        }
        (None, false) => None,
    };
    let d = Diagnostic::error(&s.shown, line, col, msg).with_help(help);
    if len == 0 {
        d
    } else {
        d.with_source(&s.text).with_len(len)
    }
}

/// The site's override templates first, then the built-in ones, `first` at the front of each group.
fn sources(root: &Path, theme: &str, first: &str) -> Vec<Source> {
    let mut out = Vec::new();
    let dir = root.join("themes").join(theme).join("templates");
    for entry in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            let shown = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            out.push(Source { shown, text, built_in: false });
        }
    }
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        for f in dir.files() {
            let shown = Path::new("themes/default").join(f.path());
            let overridden = out.iter().any(|s| !s.built_in && s.shown.file_name() == shown.file_name());
            if !overridden {
                out.push(Source { shown, text: f.contents_utf8().unwrap_or_default().to_string(), built_in: true });
            }
        }
    }
    out.sort_by_key(|s| (s.built_in, !s.shown.ends_with(first)));
    out
}

/// The variable of tera's "Variable `site.titel` not found in context" message.
fn missing_variable(cause: &str) -> Option<&str> {
    let rest = cause.strip_prefix("Variable `")?;
    let (var, tail) = rest.split_once('`')?;
    tail.trim_start().starts_with("not found").then_some(var)
}

/// Byte offset of `var` used as a whole expression path inside `{{ }}` or `{% %}` in `text`.
fn find_expression(text: &str, var: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut from = 0;
    while let Some(found) = text[from..].find(var) {
        let at = from + found;
        from = at + var.len();
        let before = text[..at].chars().next_back();
        let after = text[from..].chars().next();
        let whole = !before.is_some_and(is_ident) && !after.is_some_and(is_ident);
        let opened = text[..at].rfind(['{']).is_some_and(|o| text[..at].rfind('}').is_none_or(|c| c < o));
        if whole && opened {
            return Some(at);
        }
    }
    None
}

/// "did you mean `site.title`?": the first segment of `var` the context lacks, replaced by
/// the nearest key at that level, the rest kept.
fn suggest(var: &str, ctx: &serde_json::Value) -> Option<String> {
    let parts: Vec<&str> = var.split('.').collect();
    let mut level = ctx;
    for (i, part) in parts.iter().enumerate() {
        let obj = level.as_object()?;
        match obj.get(*part) {
            Some(next) => level = next,
            None => {
                let hint = did_you_mean(part, obj.keys().map(String::as_str))?;
                let key = hint.split('`').nth(1)?;
                let mut fixed: Vec<&str> = parts.clone();
                fixed[i] = key;
                return Some(format!("did you mean `{}`?", fixed.join(".")));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_key_at_the_level_that_misses() {
        let ctx = serde_json::json!({"site": {"title": "T", "language": "en"}, "title": "P"});
        assert_eq!(suggest("site.titel", &ctx).as_deref(), Some("did you mean `site.title`?"));
        assert_eq!(suggest("sitee.title", &ctx).as_deref(), Some("did you mean `site.title`?"));
    }

    #[test]
    fn finds_the_expression_not_a_longer_name_or_plain_text() {
        let text = "site.titel in text\n{{ site.titele }}\n<p>{{ site.titel | upper }}</p>";
        let at = find_expression(text, "site.titel").unwrap();
        assert_eq!(&text[at - 6..at], "<p>{{ ");
    }
}
