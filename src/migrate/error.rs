//! Errors of the plugin life cycle: versions, hand-written migrations,
//! rollbacks and cross-plugin references. Each names the plugin first.

/// Why a plugin's migration was refused or failed. Nothing was applied: the
/// whole transaction was rolled back (or never started).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    /// The declared version is lower than the recorded one.
    #[error(
        "plugin `{plugin}`: declared version {declared} is lower than the recorded version \
         {recorded} (nothing was applied); to return to it, run again with --allow-downgrade \
         (Options::allow_downgrade in the API): it is planned as a rollback"
    )]
    Downgrade {
        /// The plugin.
        plugin: String,
        /// The version in the journal.
        recorded: String,
        /// The declared version.
        declared: String,
    },
    /// Strict mode: the schema changed but the version did not.
    #[error(
        "plugin `{plugin}`: the declared schema changed but its version {version} did not \
         (strict mode; nothing was applied): bump the version (head snapshot {head_idx} is \
         {head_hash}, the declaration hashes to {declared_hash})"
    )]
    VersionUnchanged {
        /// The plugin.
        plugin: String,
        /// The unchanged version.
        version: String,
        /// Head snapshot index.
        head_idx: i32,
        /// Head snapshot hash (short).
        head_hash: String,
        /// Declared hash (short).
        declared_hash: String,
    },
    /// A recorded version that is not semver.
    #[error("plugin `{plugin}`: the recorded version `{recorded}` is not a semver version")]
    BadRecordedVersion {
        /// The plugin.
        plugin: String,
        /// What the journal holds.
        recorded: String,
    },
    /// An applied hand-written migration was edited afterwards.
    #[error(
        "plugin `{plugin}`: hand-written migration {migration} ({source_name}) was changed after \
         it was applied: it was recorded with checksum {recorded}, but it now has {computed} \
         (nothing was applied); restore the applied text, or add a new migration"
    )]
    Checksum {
        /// The plugin.
        plugin: String,
        /// `<version>-<seq>-<name>`.
        migration: String,
        /// The file (or `closure`).
        source_name: String,
        /// Checksum recorded when it ran.
        recorded: String,
        /// Checksum of what is declared now.
        computed: String,
    },
    /// An applied hand-written migration is no longer declared.
    #[error(
        "plugin `{plugin}`: hand-written migration {migration} was applied (snapshot {idx}) but \
         is missing now{} (nothing was applied); restore it",
        .expected.as_ref().map(|p| format!(" (expected at {p})")).unwrap_or_default()
    )]
    MissingScript {
        /// The plugin.
        plugin: String,
        /// `<version>-<seq>-<name>`.
        migration: String,
        /// Snapshot index it was applied with.
        idx: i32,
        /// Where the file would be, when known.
        expected: Option<String>,
    },
    /// A migration for a version older than the recorded one that never ran.
    #[error(
        "plugin `{plugin}`: hand-written migration {migration} is for version {version}, older \
         than the recorded version {recorded}, and never ran (nothing was applied); give it the \
         version it ships in"
    )]
    OutOfOrder {
        /// The plugin.
        plugin: String,
        /// `<version>-<seq>-<name>`.
        migration: String,
        /// Its version.
        version: String,
        /// The recorded version.
        recorded: String,
    },
    /// Hand-written migrations need a versioned plugin.
    #[error("plugin `{plugin}` has hand-written migrations but no version: declare one")]
    Unversioned {
        /// The plugin.
        plugin: String,
    },
    /// Two migrations with one name.
    #[error("plugin `{plugin}`: hand-written migration {migration} is declared twice")]
    DuplicateScript {
        /// The plugin.
        plugin: String,
        /// `<version>-<seq>-<name>`.
        migration: String,
    },
    /// A migration's validate step refused.
    #[error(
        "plugin `{plugin}`: hand-written migration {migration} refused to run: {reason} \
         (its validate step failed; rolled back: nothing was applied)"
    )]
    Refused {
        /// The plugin.
        plugin: String,
        /// `<version>-<seq>-<name>`.
        migration: String,
        /// What the validate step said.
        reason: String,
    },
    /// A migration's SQL (or closure) failed.
    #[error(
        "plugin `{plugin}`: hand-written migration {migration} ({part}) failed{}: {message}{}\n  \
         rolled back: nothing was applied",
        .timeout.as_ref().map(|t| format!(" after its timeout of {t}")).unwrap_or_default(),
        .sql.as_ref().map(|s| format!("\n  sql: {}", s.trim().replace('\n', "\n       "))).unwrap_or_default()
    )]
    Script {
        /// The plugin.
        plugin: String,
        /// `<version>-<seq>-<name>`.
        migration: String,
        /// `up`, `down` or `validate`.
        part: &'static str,
        /// The error text (the server's message and SQLSTATE, or the closure's error).
        message: String,
        /// The SQL that failed, for file migrations.
        sql: Option<String>,
        /// The timeout, when the statement was cancelled by it.
        timeout: Option<String>,
    },
    /// Down parts needed by a rollback are missing.
    #[error(
        "plugin `{plugin}`: cannot roll back: {} no down part ({}) (nothing was applied); \
         to roll back without {}, run again with --allow-missing-down \
         (RollbackOptions::allow_missing_down in the API)",
        if .migrations.len() == 1 { "this migration has" } else { "these migrations have" },
        .migrations.join(", "),
        if .migrations.len() == 1 { "it" } else { "them" }
    )]
    MissingDown {
        /// The plugin.
        plugin: String,
        /// The migrations without a down part.
        migrations: Vec<String>,
    },
    /// A rollback target that does not exist or is not earlier.
    #[error("plugin `{plugin}`: cannot roll back to snapshot {idx}: {reason}")]
    RollbackTarget {
        /// The plugin.
        plugin: String,
        /// The requested index.
        idx: i32,
        /// Why.
        reason: String,
    },
    /// A change would break another plugin's foreign key.
    #[error(
        "plugin `{plugin}`: step {step_index} ({step}) would break plugin `{other}`'s foreign key \
         {fk} referencing {referenced} (nothing was applied); change `{other}` first"
    )]
    CrossPlugin {
        /// The plugin whose plan it is.
        plugin: String,
        /// 1-based step number.
        step_index: usize,
        /// `Kind subject`.
        step: String,
        /// The referencing plugin.
        other: String,
        /// `table.constraint` of the foreign key.
        fk: String,
        /// `table (columns)` it references.
        referenced: String,
    },
    /// A hand-written migration file cannot be read.
    #[error(transparent)]
    File(#[from] crate::scripts::ScriptFileError),
}
