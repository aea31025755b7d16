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
    #[error(
        "plugin `{plugin}`: refusing {} that lose{} data (nothing was applied):\n{}\n\
         to allow data loss, run again with --allow-destructive (Options::allow_destructive in the API)",
        count(.steps.len(), "step"),
        if .steps.len() == 1 { "s" } else { "" },
        .steps.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
    )]
    Destructive {
        /// The plugin.
        plugin: String,
        /// `step N Kind subject (hazards)` for each destructive step.
        steps: Vec<String>,
    },
    /// A stored snapshot does not match its hash: the tracking tables were edited.
    #[error(
        "plugin `{plugin}`: stored snapshot {idx} was modified after it was recorded (tampered \
         with): its content hashes to {computed}, but {stored} is recorded; refusing to migrate \
         from it"
    )]
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
    #[error(
        "plugin `{plugin}`: step {step_index} ({step}) failed: {}\n{}\n  rolled back: nothing was applied",
        pg_error_text(source),
        sql_excerpt(sql, source)
    )]
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
    #[error("while {context}: {}", pg_error_text(source))]
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
    /// Versions, hand-written migrations, rollbacks, cross-plugin references.
    #[error(transparent)]
    Plugin(Box<crate::migrate::PluginError>),
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
    /// The live database differs from the recorded schema in objects the
    /// plan changes (see [`crate::drift`]). Nothing was applied.
    #[error(
        "plugin `{plugin}`: the database differs from snapshot {idx} in what this migration \
         changes (nothing was applied):\n{}\n{diff}to overwrite these changes with the \
         declaration, run again with --repair-drift (Options::repair_drift in the API); \
         `graft drift` shows all drift",
        .changes.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
    )]
    Drift {
        /// The plugin.
        plugin: String,
        /// Its head snapshot.
        idx: i32,
        /// The drifted objects the plan touches, in words.
        changes: Vec<String>,
        /// A unified diff of those objects, recorded against live.
        diff: String,
    },
    /// A plan against the live database (adoption, drift repair) cannot be
    /// made. Nothing was applied.
    #[error("plugin `{plugin}`: cannot plan against the live database: {reason}")]
    LivePlan {
        /// The plugin.
        plugin: String,
        /// Why.
        reason: String,
    },
    /// A declaration could not be normalised through the server.
    #[error(transparent)]
    Normalize(Box<crate::normalize::NormalizeError>),
    /// A plan grants to, or writes a policy for, a role that does not
    /// exist (or grants to the role that owns what graft creates). Nothing
    /// was applied.
    #[error("plugin `{plugin}`: step {step_index} ({step}): {why} (nothing was applied)")]
    Role {
        /// The plugin.
        plugin: String,
        /// 1-based step number within the plugin's plan.
        step_index: usize,
        /// `Kind subject` of the step.
        step: String,
        /// The role.
        role: String,
        /// What is wrong with it, naming it.
        why: String,
    },
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

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A database error as text: for a server error its message, SQLSTATE,
/// detail, hint and context (`where`), one per line, the later ones indented;
/// for a client error (connection, I/O, protocol) its text with the chain of
/// causes. `tokio_postgres::Error` alone displays as just `db error`.
///
/// ```text
/// function nosuchfn() does not exist (SQLSTATE 42883)
///   hint: No function matches the given name and argument types. …
/// ```
pub fn pg_error_text(err: &tokio_postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        let mut text = String::new();
        let severity = db.severity();
        if severity != "ERROR" {
            text.push_str(severity);
            text.push_str(": ");
        }
        text.push_str(db.message());
        text.push_str(&format!(" (SQLSTATE {})", db.code().code()));
        for (label, value) in [
            ("detail", db.detail()),
            ("hint", db.hint()),
            ("context", db.where_()),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                text.push_str(&format!("\n  {label}: {}", indent_rest(v, "    ")));
            }
        }
        return text;
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// `  sql: <statement>`, continuation lines indented under the first, and a
/// caret under the character the server's error position points at.
fn sql_excerpt(sql: &str, err: &tokio_postgres::Error) -> String {
    const PREFIX: &str = "  sql: ";
    let pad = " ".repeat(PREFIX.len());
    let position = err.as_db_error().and_then(|db| match db.position() {
        Some(tokio_postgres::error::ErrorPosition::Original(p)) => Some(*p as usize),
        _ => None,
    });
    // (line number, column) of the 1-based character position.
    let caret = position.and_then(|p| {
        let mut seen = 0usize;
        for (n, line) in sql.split('\n').enumerate() {
            let len = line.chars().count();
            if p > seen && p <= seen + len {
                return Some((n, p - seen - 1));
            }
            seen += len + 1;
        }
        None
    });
    let mut out = String::new();
    for (n, line) in sql.split('\n').enumerate() {
        if n == 0 {
            out.push_str(PREFIX);
        } else {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
        if let Some((cn, col)) = caret {
            if cn == n {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(&" ".repeat(col));
                out.push('^');
            }
        }
    }
    out
}

/// `s` with every line after the first prefixed by `indent`.
fn indent_rest(s: &str, indent: &str) -> String {
    s.replace('\n', &format!("\n{indent}"))
}

impl From<crate::declare::DeclareError> for Error {
    fn from(e: crate::declare::DeclareError) -> Self {
        Error::Declare(Box::new(e))
    }
}

impl From<crate::normalize::NormalizeError> for Error {
    fn from(e: crate::normalize::NormalizeError) -> Self {
        Error::Normalize(Box::new(e))
    }
}

impl From<crate::migrate::PluginError> for Error {
    fn from(e: crate::migrate::PluginError) -> Self {
        Error::Plugin(Box::new(e))
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
