//! The library's error type; each variant maps to one exit code.

use std::path::PathBuf;

use crate::diagnostics::Diagnostics;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// site.toml is missing or invalid (exit 2).
    #[error("configuration error: {}", .0.summary())]
    Config(Diagnostics),
    /// Pages, links, quizzes or templates have errors (exit 1).
    #[error("{}", .0.summary())]
    Content(Diagnostics),
    /// The command was asked to do something unsafe or impossible (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed (exit 1).
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code for this error: 1 for content and I/O, 2 for usage and configuration.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) | Error::Io { .. } => 1,
            Error::Config(_) | Error::Usage(_) => 2,
        }
    }

    /// The diagnostics this error carries, if any.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Config(d) | Error::Content(d) => Some(d),
            _ => None,
        }
    }
}
