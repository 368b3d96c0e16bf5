//! Markdown for tools that do not know Rapport links, shared by the formats that carry Markdown.

use crate::markdown;
use crate::model::doc::LinkKind;
use crate::model::quiz::Markdown;
use crate::model::site::Site;

/// Markdown for tools that do not know Rapport links: each link becomes its label, or a link to
/// the published page when `base_url` is set.
pub fn portable_markdown(site: &Site, md: &Markdown) -> String {
    let doc = markdown::analyze(&md.source, 0);
    let base = site.config.base_url.trim_end_matches('/');
    let mut out = String::with_capacity(md.source.len());
    let mut at = 0;
    for link in &doc.links {
        let Some(target) = md.links.iter().find(|l| l.offset == link.offset) else { continue };
        let written: String = md.source[link.offset..].chars().take(link.len).collect();
        if link.offset < at || !md.source[link.offset..].starts_with(&written) {
            continue;
        }
        let page = &site.pages[target.page];
        let label = link_label(&written, link.kind).unwrap_or_else(|| match &target.anchor {
            Some(a) => {
                let h = page.doc.headings.iter().find(|h| &h.id == a).map_or(a.as_str(), |h| h.text.as_str());
                format!("{} § {h}", page.title)
            }
            None => page.title.clone(),
        });
        out.push_str(&md.source[at..link.offset]);
        if base.is_empty() {
            out.push_str(&label);
        } else {
            let anchor = target.anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
            out.push_str(&format!("[{label}]({base}/{}{anchor})", page.href));
        }
        at = link.offset + written.len();
    }
    out.push_str(&md.source[at..]);
    // Citation keys mean nothing outside the site: exports carry the formatted citation.
    crate::citations::view::plain(&site.citations, &out)
}

/// The label an author wrote for a link (`[[t|label]]`, `[label](x.md)`), if any.
fn link_label(written: &str, kind: LinkKind) -> Option<String> {
    match kind {
        LinkKind::Wiki { labelled: true } => {
            written.trim_start_matches('[').trim_end_matches(']').split_once('|').map(|(_, l)| l.trim().to_string())
        }
        LinkKind::Markdown | LinkKind::SamePage => {
            written.strip_prefix('[').and_then(|s| s.split_once("](")).map(|(l, _)| l.to_string())
        }
        LinkKind::Wiki { labelled: false } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_labels_are_read_from_source() {
        assert_eq!(link_label("[[bond|the bond]]", LinkKind::Wiki { labelled: true }).as_deref(), Some("the bond"));
        assert_eq!(link_label("[[bond]]", LinkKind::Wiki { labelled: false }), None);
        assert_eq!(link_label("[see this](bond.md)", LinkKind::Markdown).as_deref(), Some("see this"));
    }
}
