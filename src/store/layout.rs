//! The layout of the tracking tables, versioned: one ordered list of
//! tracking-schema migrations ([`STEPS`]) and the version a database is at,
//! recorded in `_tracking_version` (one row per step applied).
//!
//! [`Store::upgrade`] brings a database to [`TRACKING_VERSION`] under the
//! migration lock, in the migration's transaction, one statement per
//! message. Every statement is idempotent (`IF NOT EXISTS`), so tracking
//! tables made by a graft that did not record a version (any of the
//! layouts it created, which are the prefixes of this list) upgrade
//! transparently: a database without `_tracking_version` is at version 0.
//! A database at a version this graft does not know (a newer graft
//! upgraded it) is refused, never written.
//!
//! Readers that run without the lock (dry runs, `graft status`, history,
//! drift) do not upgrade: they read the columns that a step added through
//! `to_jsonb(row)`, so that every layout from version 1 on reads the same.

use super::Store;
use crate::error::Error;
use crate::render::quote_ident;
use tokio_postgres::GenericClient;

/// The expression of `_journal.boot_key`, a stored generated column: every
/// field the boot fast path compares, in one text, `plugin`, `head_hash`,
/// `version` and `scripts_hash` joined by U+001F, each nullable field `=`
/// before its value and empty for NULL. Reading one column of 50 rows costs
/// the server (and the client) far less than reading four; see
/// [`super::boot_key_matches`].
pub const BOOT_KEY_SQL: &str = "plugin || chr(31) || head_hash || chr(31) \
    || coalesce('=' || version, '') || chr(31) || coalesce('=' || scripts_hash, '')";

/// One tracking-schema migration.
pub struct Step {
    /// The version it brings the tracking schema to.
    pub version: i32,
    /// What it does, recorded in `_tracking_version.description`.
    pub description: &'static str,
    /// Its statements, one statement each, given the quoted schema name.
    statements: fn(&str) -> Vec<String>,
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Step")
            .field("version", &self.version)
            .field("description", &self.description)
            .finish()
    }
}

impl Step {
    /// Its statements for the tracking schema `schema` (unquoted).
    pub fn statements(&self, schema: &str) -> Vec<String> {
        (self.statements)(&quote_ident(schema))
    }
}

/// Every tracking-schema migration, in order. Append only: a released step
/// never changes.
pub const STEPS: &[Step] = &[
    Step {
        version: 1,
        description: "the tracking tables: _migrations, _journal, _snapshots",
        statements: |q| {
            vec![
                format!("CREATE SCHEMA IF NOT EXISTS {q}"),
                format!(
                    "CREATE TABLE IF NOT EXISTS {q}._migrations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plugin text NOT NULL,
    idx integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('schema', 'script', 'rollback')),
    name text NOT NULL,
    version text,
    hash text NOT NULL,
    statements jsonb NOT NULL,
    started_at timestamptz NOT NULL,
    duration_ms bigint NOT NULL,
    applied_by text NOT NULL DEFAULT current_user
)"
                ),
                format!(
                    "CREATE TABLE IF NOT EXISTS {q}._journal (
    plugin text PRIMARY KEY,
    version text,
    dialect text NOT NULL DEFAULT 'postgres',
    head_idx integer NOT NULL,
    head_hash text NOT NULL,
    entries jsonb NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL DEFAULT now()
)"
                ),
                format!(
                    "CREATE TABLE IF NOT EXISTS {q}._snapshots (
    plugin text NOT NULL,
    idx integer NOT NULL,
    hash text NOT NULL,
    snapshot jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plugin, idx)
)"
                ),
            ]
        },
    },
    Step {
        version: 2,
        description: "hand-written migrations: _scripts, _journal.scripts_hash, _snapshots.scripts",
        statements: |q| {
            vec![
                format!(
                    "CREATE TABLE IF NOT EXISTS {q}._scripts (
    plugin text NOT NULL,
    name text NOT NULL,
    version text NOT NULL,
    seq integer NOT NULL,
    phase text NOT NULL CHECK (phase IN ('before', 'after')),
    checksum text NOT NULL,
    source text NOT NULL,
    up_sql text,
    down_sql text,
    has_down boolean NOT NULL,
    timeout_ms bigint,
    applied boolean NOT NULL,
    skipped boolean NOT NULL DEFAULT false,
    idx integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plugin, name)
)"
                ),
                format!("ALTER TABLE {q}._journal ADD COLUMN IF NOT EXISTS scripts_hash text"),
                format!("ALTER TABLE {q}._snapshots ADD COLUMN IF NOT EXISTS scripts jsonb"),
            ]
        },
    },
    Step {
        version: 3,
        description: "the live schema recorded with each snapshot: _snapshots.live, live_hash",
        statements: |q| {
            vec![format!(
                "ALTER TABLE {q}._snapshots ADD COLUMN IF NOT EXISTS live jsonb, \
                 ADD COLUMN IF NOT EXISTS live_hash text"
            )]
        },
    },
    Step {
        version: 4,
        description: "the boot fast path's one column: _journal.boot_key",
        statements: |q| {
            vec![format!(
                "ALTER TABLE {q}._journal ADD COLUMN IF NOT EXISTS boot_key text \
                 GENERATED ALWAYS AS ({BOOT_KEY_SQL}) STORED"
            )]
        },
    },
    Step {
        version: 5,
        description: "one _migrations head row per snapshot: unique (plugin, idx) of schema and \
                      rollback rows, unique (plugin, idx, name)",
        statements: |q| {
            vec![
                format!(
                    "CREATE UNIQUE INDEX IF NOT EXISTS _migrations_head_key \
                     ON {q}._migrations (plugin, idx) WHERE kind <> 'script'"
                ),
                format!(
                    "CREATE UNIQUE INDEX IF NOT EXISTS _migrations_plugin_idx_name_key \
                     ON {q}._migrations (plugin, idx, name)"
                ),
                // made by versions before this one; the index above serves
                // its lookups
                format!("DROP INDEX IF EXISTS {q}._migrations_plugin_idx"),
            ]
        },
    },
];

/// The tracking-schema version this graft writes: the last of [`STEPS`].
pub const TRACKING_VERSION: i32 = 5;

/// What [`Store::upgrade`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upgrade {
    /// The version found (0: no `_tracking_version`, a fresh database or
    /// tracking tables of an unversioned graft).
    pub from: i32,
    /// The version now ([`TRACKING_VERSION`]).
    pub to: i32,
}

impl Store {
    /// The recorded tracking-schema version: `None` when there is no
    /// `_tracking_version` table. One query.
    pub async fn tracking_version(&self, tx: &impl GenericClient) -> Result<Option<i32>, Error> {
        let row = tx
            .query_one(
                &format!(
                    "SELECT CASE WHEN pg_catalog.to_regclass({}) IS NULL THEN NULL ELSE 0 END",
                    crate::render::quote_literal(&format!("{}._tracking_version", self.q))
                ),
                &[],
            )
            .await
            .map_err(Error::db("looking for the tracking schema version"))?;
        if row.get::<_, Option<i32>>(0).is_none() {
            return Ok(None);
        }
        let v: i32 = tx
            .query_one(
                &format!(
                    "SELECT coalesce(max(version), 0) FROM {}._tracking_version",
                    self.q
                ),
                &[],
            )
            .await
            .map_err(Error::db("reading the tracking schema version"))?
            .get(0);
        Ok(Some(v))
    }

    /// Brings the tracking tables to [`TRACKING_VERSION`]: runs the steps
    /// of [`STEPS`] above the recorded version, one statement per message,
    /// and records each. Runs under the migration lock, in the migration's
    /// transaction (so a failure leaves the tables as they were). Two
    /// queries when the tables are current.
    pub async fn upgrade(&self, tx: &impl GenericClient) -> Result<Upgrade, Error> {
        let found = self.tracking_version(tx).await?;
        let from = found.unwrap_or(0);
        if from > TRACKING_VERSION {
            return Err(Error::Tracking(format!(
                "the tracking schema {} is at version {from}, newer than this graft knows \
                 ({TRACKING_VERSION}): a newer graft upgraded it; upgrade graft to migrate this \
                 database",
                self.q
            )));
        }
        if from == TRACKING_VERSION {
            return Ok(Upgrade { from, to: from });
        }
        let mut statements = Vec::new();
        if found.is_none() {
            statements.push(format!("CREATE SCHEMA IF NOT EXISTS {}", self.q));
            statements.push(format!(
                "CREATE TABLE IF NOT EXISTS {}._tracking_version (
    version integer PRIMARY KEY,
    description text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user
)",
                self.q
            ));
        }
        for sql in &statements {
            tx.execute_typed(sql, &[])
                .await
                .map_err(Error::db("creating the tracking schema version table"))?;
        }
        let record = format!(
            "INSERT INTO {}._tracking_version (version, description) VALUES ($1, $2)",
            self.q
        );
        for step in STEPS.iter().filter(|s| s.version > from) {
            let context = || {
                format!(
                    "upgrading the tracking tables in {} to version {} ({})",
                    self.q, step.version, step.description
                )
            };
            for sql in step.statements(&self.schema) {
                tx.execute_typed(&sql, &[])
                    .await
                    .map_err(|e| Error::db(context())(e))?;
            }
            tx.execute(&record, &[&step.version, &step.description])
                .await
                .map_err(|e| Error::db(context())(e))?;
        }
        tracing::info!(schema = %self.schema, from, to = TRACKING_VERSION, "tracking tables upgraded");
        Ok(Upgrade {
            from,
            to: TRACKING_VERSION,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_ordered_and_end_at_the_current_version() {
        for (i, s) in STEPS.iter().enumerate() {
            assert_eq!(s.version, i as i32 + 1, "{s:?}");
            for sql in s.statements("gr\"aft") {
                assert!(!sql.trim_end().ends_with(';'), "{sql}");
                assert!(sql.contains("\"gr\"\"aft\""), "quoted schema: {sql}");
            }
        }
        assert_eq!(STEPS.last().map(|s| s.version), Some(TRACKING_VERSION));
    }
}
