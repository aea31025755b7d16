//! The crate's error type: context first, lower case, the cause wrapped.

use crate::registry::DependencyError;
use crate::snapshot::SnapshotError;

/// Everything graft can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A declaration was rejected; nothing reached the database.
    #[error(transparent)]
    Declare(Box<crate::declare::DeclareError>),
    /// Plugins cannot be ordered.
    #[error(transparent)]
    Dependency(#[from] DependencyError),
    /// Destructive steps without permission. Nothing was applied.
    #[error("plugin `{plugin}`: refusing {} destructive step(s) without permission (--allow-destructive): {}", .steps.len(), .steps.join("; "))]
    Destructive {
        /// The plugin.
        plugin: String,
        /// `step N Kind subject (hazards)` for each destructive step.
        steps: Vec<String>,
    },
    /// A stored snapshot does not match its hash: the tracking tables were edited.
    #[error("plugin `{plugin}`: stored snapshot {idx} is tampered with: its content hashes to {computed}, but {stored} is recorded")]
    Tampered {
        /// The plugin.
        plugin: String,
        /// The snapshot index.
        idx: i32,
        /// The recorded hash.
        stored: String,
        /// The hash of the stored content.
        computed: String,
    },
    /// A stored snapshot cannot be read.
    #[error("plugin `{plugin}`: stored snapshot {idx} cannot be read: {source}")]
    Snapshot {
        /// The plugin.
        plugin: String,
        /// The snapshot index.
        idx: i32,
        /// Why.
        source: SnapshotError,
    },
    /// A step failed; the whole transaction was rolled back.
    #[error("while applying plugin `{plugin}` step {step_index} ({step}): {source}\n  sql: {sql}\n  (rolled back: nothing was applied)")]
    Apply {
        /// The plugin.
        plugin: String,
        /// 1-based step number within the plugin's plan.
        step_index: usize,
        /// `Kind subject` of the step.
        step: String,
        /// The statement that failed.
        sql: String,
        /// The database error.
        #[source]
        source: Box<tokio_postgres::Error>,
    },
    /// A database error outside a plan step.
    #[error("while {context}: {source}")]
    Db {
        /// What graft was doing.
        context: String,
        /// The database error.
        #[source]
        source: Box<tokio_postgres::Error>,
    },
    /// Introspection failed.
    #[error(transparent)]
    Introspect(Box<crate::introspect::IntrospectError>),
    /// A change could not be rendered (a bug or a hand-edited snapshot).
    #[error("plugin `{plugin}`: {source}")]
    Render {
        /// The plugin.
        plugin: String,
        /// Why.
        source: Box<crate::render::RenderError>,
    },
    /// Something in the tracking tables graft did not expect.
    #[error("unexpected value in the tracking tables: {0}")]
    Tracking(String),
}

impl Error {
    /// A database error with context.
    pub fn db(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Error {
        let context = context.into();
        move |source| Error::Db {
            context,
            source: Box::new(source),
        }
    }

    /// The SQLSTATE of the underlying database error, if any.
    pub fn sqlstate(&self) -> Option<&str> {
        let e = match self {
            Error::Apply { source, .. } | Error::Db { source, .. } => source,
            _ => return None,
        };
        e.code().map(|c| c.code())
    }
}

impl From<crate::declare::DeclareError> for Error {
    fn from(e: crate::declare::DeclareError) -> Self {
        Error::Declare(Box::new(e))
    }
}

impl From<crate::introspect::IntrospectError> for Error {
    fn from(e: crate::introspect::IntrospectError) -> Self {
        Error::Introspect(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn error_stays_small() {
        assert!(
            std::mem::size_of::<super::Error>() <= 128,
            "{}",
            std::mem::size_of::<super::Error>()
        );
    }
}
