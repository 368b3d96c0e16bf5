//! A page's source text: in memory while the site is loaded and checked. A build then releases
//! it and reads the file again where a page is rendered or indexed: at 100,000 pages the text is
//! a third of the site model, and holding it through rendering broke the memory budget.

use std::borrow::Cow;
use std::path::PathBuf;

/// A page's Markdown source, held in memory or released to its file.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file to read again once released.
    path: PathBuf,
    text: Option<String>,
    /// Length and CRC-32 of the text as loaded: a file that no longer matches changed mid-build.
    len: usize,
    crc: u32,
}

/// Why a released source could not be read back as it was loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("the file was moved or could not be read during the build ({0}); build again")]
    Unreadable(String),
    #[error("the file changed while the site was being built; build again")]
    Changed,
}

impl Source {
    /// The text read from `path`.
    pub fn new(path: PathBuf, text: String) -> Self {
        Source { len: text.len(), crc: crc32fast::hash(text.as_bytes()), path, text: Some(text) }
    }

    /// The text: borrowed while held, else read again and checked against what was loaded.
    pub fn text(&self) -> Result<Cow<'_, str>, SourceError> {
        if let Some(t) = &self.text {
            return Ok(Cow::Borrowed(t));
        }
        let bytes = std::fs::read(&self.path).map_err(|e| SourceError::Unreadable(e.to_string()))?;
        if bytes.len() != self.len || crc32fast::hash(&bytes) != self.crc {
            return Err(SourceError::Changed);
        }
        String::from_utf8(bytes).map(Cow::Owned).map_err(|_| SourceError::Changed)
    }

    /// Drops the text from memory; [`Source::text`] reads the file from now on.
    pub fn release(&mut self) {
        self.text = None;
    }

    /// Is the text held in memory?
    pub fn is_held(&self) -> bool {
        self.text.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_text_is_read_again_and_a_changed_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "# Hello\n").unwrap();
        let mut s = Source::new(path.clone(), "# Hello\n".into());
        assert!(matches!(s.text(), Ok(Cow::Borrowed("# Hello\n"))));
        s.release();
        assert!(!s.is_held());
        assert_eq!(s.text().unwrap(), "# Hello\n");
        // Same length, other bytes: the CRC tells them apart.
        std::fs::write(&path, "# Hellp\n").unwrap();
        assert_eq!(s.text(), Err(SourceError::Changed));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(s.text(), Err(SourceError::Unreadable(_))));
    }
}
