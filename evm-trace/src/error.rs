//! Errors of the tracing layer.

use thiserror::Error;

/// What can go wrong while loading or tracing.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TraceError {
    /// A file could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A file is not valid state-test (or trace) JSON.
    #[error("{path}: malformed JSON: {message}")]
    Json {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// A file that is known not to be runnable (see the reason) and could not be parsed.
    #[error("{path}: skipped: {reason}")]
    SkippedFile {
        /// The file.
        path: String,
        /// Why it cannot be run.
        reason: String,
    },
    /// A fork name that is not a known Ethereum fork.
    #[error("unknown fork '{0}' (expected a state-test fork name such as Cancun, or 'all')")]
    UnknownFork(String),
    /// A program given to the tracer is not usable.
    #[error("invalid program: {0}")]
    InvalidProgram(String),
}
