//! The tracking rows of hand-written migrations and rollbacks:
//!
//! - `_scripts (plugin, name, version, seq, phase, checksum, source, up_sql,
//!   down_sql, has_down, timeout_ms, applied, skipped, idx, updated_at)`,
//!   primary key `(plugin, name)`: every hand-written migration that ever
//!   ran, with the text of its parts (a rollback needs the down part when
//!   the files are gone) and whether it is applied now;
//! - `_journal.scripts_hash`: the digest of the applied ones, compared by
//!   the boot fast path;
//! - `_snapshots.scripts`: the ids applied at that snapshot (a rollback to
//!   it knows which to undo or redo).
//!
//! They came with version 2 of the tracking tables ([`super::layout`]).

use crate::error::Error;
use crate::render::quote_ident;
use crate::scripts::Phase;
use crate::snapshot::SnapshotHash;
use std::collections::HashMap;
use tokio_postgres::GenericClient;

/// One row of `_scripts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredScript {
    /// The plugin.
    pub plugin: String,
    /// `<version>-<seq>-<name>`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its seq.
    pub seq: i32,
    /// `before` or `after`.
    pub phase: Phase,
    /// Checksum recorded when it ran.
    pub checksum: String,
    /// The file it came from, or `closure`.
    pub source: String,
    /// The up part (SQL migrations).
    pub up_sql: Option<String>,
    /// The down part (SQL migrations).
    pub down_sql: Option<String>,
    /// Whether it has a down part (a closure's is not stored).
    pub has_down: bool,
    /// Its timeout.
    pub timeout_ms: Option<i64>,
    /// Applied now (false once a rollback undid it).
    pub applied: bool,
    /// Recorded without running (a `before` migration on a first install).
    pub skipped: bool,
    /// The snapshot it was applied (or undone) with.
    pub idx: i32,
}

/// Every `_scripts` row of `plugins`, per plugin, in `(version, seq)` order
/// of their text (callers sort by semver where it matters). One query.
pub async fn load_scripts(
    tx: &impl GenericClient,
    schema: &str,
    plugins: &[&str],
) -> Result<HashMap<String, Vec<StoredScript>>, Error> {
    if plugins.is_empty() {
        return Ok(HashMap::new());
    }
    // Tracking tables of an older graft (read without the lock, before the
    // next apply creates it) have no `_scripts`.
    let exists: bool = tx
        .query_one(
            "SELECT to_regclass(format('%I._scripts', $1::text)) IS NOT NULL",
            &[&schema],
        )
        .await
        .map_err(Error::db("looking for the hand-written migrations table"))?
        .get(0);
    if !exists {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT plugin, name, version, seq, phase, checksum, source, up_sql, down_sql, has_down,
                timeout_ms, applied, skipped, idx
           FROM {}._scripts WHERE plugin = ANY($1) ORDER BY plugin, version, seq",
        quote_ident(schema)
    );
    let rows = tx
        .query(&sql, &[&plugins])
        .await
        .map_err(Error::db("reading the hand-written migrations applied"))?;
    let mut out: HashMap<String, Vec<StoredScript>> = HashMap::new();
    for r in rows {
        let phase: String = r.get(4);
        let s = StoredScript {
            plugin: r.get(0),
            name: r.get(1),
            version: r.get(2),
            seq: r.get(3),
            phase: Phase::parse(&phase).ok_or_else(|| {
                Error::Tracking(format!("_scripts: phase `{phase}` is not before or after"))
            })?,
            checksum: r.get(5),
            source: r.get(6),
            up_sql: r.get(7),
            down_sql: r.get(8),
            has_down: r.get(9),
            timeout_ms: r.get(10),
            applied: r.get(11),
            skipped: r.get(12),
            idx: r.get(13),
        };
        out.entry(s.plugin.clone()).or_default().push(s);
    }
    Ok(out)
}

/// The ids recorded as applied at snapshot `idx` (`[]` for snapshots of an
/// older graft), and the version recorded with it.
pub async fn snapshot_state(
    tx: &impl GenericClient,
    schema: &str,
    plugin: &str,
    idx: i32,
) -> Result<Option<(Vec<String>, Option<String>)>, Error> {
    let q = quote_ident(schema);
    let sql = format!(
        "SELECT coalesce(s.scripts, '[]')::text,
                (SELECT m.version FROM {q}._migrations m
                  WHERE m.plugin = s.plugin AND m.idx = s.idx AND m.kind <> 'script'
                  ORDER BY m.id DESC LIMIT 1)
           FROM {q}._snapshots s WHERE s.plugin = $1 AND s.idx = $2"
    );
    let row = tx
        .query_opt(&sql, &[&plugin, &idx])
        .await
        .map_err(Error::db(format!(
            "reading plugin `{plugin}` snapshot {idx}"
        )))?;
    let Some(row) = row else { return Ok(None) };
    let text: String = row.get(0);
    let ids: Vec<String> = serde_json::from_str(&text)
        .map_err(|e| Error::Tracking(format!("plugin `{plugin}` snapshot {idx}: scripts: {e}")))?;
    Ok(Some((ids, row.get(1))))
}

/// One hand-written migration part that ran (or was recorded without
/// running), as [`record_script`] records it.
#[derive(Debug, Clone)]
pub struct ScriptRecord<'a> {
    /// `<version>-<seq>-<name>`.
    pub id: &'a str,
    /// Its version.
    pub version: String,
    /// Its seq.
    pub seq: u32,
    /// Its phase.
    pub phase: Phase,
    /// Its up part ran (else its down part).
    pub up: bool,
    /// Its checksum.
    pub checksum: &'a str,
    /// The file, or `closure`.
    pub source: &'a str,
    /// Its up part (SQL migrations).
    pub up_sql: Option<&'a str>,
    /// Its down part (SQL migrations).
    pub down_sql: Option<&'a str>,
    /// Whether it has a down part.
    pub has_down: bool,
    /// Its `statement_timeout`.
    pub timeout_ms: Option<i64>,
    /// Recorded without running.
    pub skip: bool,
    /// The statements run.
    pub statements: &'a [String],
    /// When it started (seconds since the epoch).
    pub started_epoch: f64,
    /// How long it took.
    pub duration_ms: i64,
}

/// Records one hand-written migration part that ran (or was recorded
/// without running): its `_migrations` row and its `_scripts` state.
pub async fn record_script(
    tx: &impl GenericClient,
    schema: &str,
    plugin: &str,
    idx: i32,
    run: &ScriptRecord<'_>,
    applied_by: Option<&str>,
) -> Result<(), Error> {
    let q = quote_ident(schema);
    let up = run.up;
    let name = if up {
        run.id.to_string()
    } else {
        format!("{} (down)", run.id)
    };
    let statements_json = serde_json::to_string(run.statements).expect("strings serialize");
    let version = &run.version;
    let sql = format!(
        "WITH m AS (
            INSERT INTO {q}._migrations
                (plugin, idx, kind, name, version, hash, statements, started_at, duration_ms,
                 applied_by)
            VALUES ($1, $2, 'script', $3, $4, $5, $6::text::jsonb, to_timestamp($7), $8,
                    coalesce($9, current_user))
         )
         INSERT INTO {q}._scripts
            (plugin, name, version, seq, phase, checksum, source, up_sql, down_sql, has_down,
             timeout_ms, applied, skipped, idx)
         VALUES ($1, $10, $4, $11, $12, $5, $13, $14, $15, $16, $17, $18, $19, $2)
         ON CONFLICT (plugin, name) DO UPDATE SET
            checksum = CASE WHEN excluded.applied THEN excluded.checksum ELSE {q}._scripts.checksum END,
            source = CASE WHEN excluded.applied THEN excluded.source ELSE {q}._scripts.source END,
            up_sql = CASE WHEN excluded.applied THEN excluded.up_sql ELSE {q}._scripts.up_sql END,
            down_sql = CASE WHEN excluded.applied THEN excluded.down_sql ELSE {q}._scripts.down_sql END,
            has_down = CASE WHEN excluded.applied THEN excluded.has_down ELSE {q}._scripts.has_down END,
            timeout_ms = CASE WHEN excluded.applied THEN excluded.timeout_ms ELSE {q}._scripts.timeout_ms END,
            phase = excluded.phase,
            applied = excluded.applied, skipped = excluded.skipped, idx = excluded.idx,
            updated_at = now()"
    );
    tx.execute(
        &sql,
        &[
            &plugin,
            &idx,
            &name,
            version,
            &run.checksum,
            &statements_json,
            &run.started_epoch,
            &run.duration_ms,
            &applied_by,
            &run.id,
            &(run.seq as i32),
            &run.phase.as_str(),
            &run.source,
            &run.up_sql,
            &run.down_sql,
            &run.has_down,
            &run.timeout_ms,
            &up,
            &run.skip,
        ],
    )
    .await
    .map_err(Error::db(format!(
        "recording plugin `{plugin}` hand-written migration {}",
        run.id
    )))?;
    Ok(())
}

/// After the head moved to `idx`: the digest of the applied migrations in
/// the journal, and their ids with the snapshot.
pub async fn record_scripts_state(
    tx: &impl GenericClient,
    schema: &str,
    plugin: &str,
    idx: i32,
    scripts_hash: Option<&SnapshotHash>,
    applied_ids: &[String],
) -> Result<(), Error> {
    let q = quote_ident(schema);
    let sql = format!(
        "WITH j AS (UPDATE {q}._journal SET scripts_hash = $2 WHERE plugin = $1)
         UPDATE {q}._snapshots SET scripts = $3::text::jsonb WHERE plugin = $1 AND idx = $4"
    );
    let ids = serde_json::to_string(applied_ids).expect("strings serialize");
    tx.execute(
        &sql,
        &[&plugin, &scripts_hash.map(SnapshotHash::as_str), &ids, &idx],
    )
    .await
    .map_err(Error::db(format!(
        "recording plugin `{plugin}` hand-written migrations at snapshot {idx}"
    )))?;
    Ok(())
}

/// Every plugin's head schema (one query), for the cross-plugin guard.
pub async fn head_schemas(
    tx: &impl GenericClient,
    schema: &str,
) -> Result<HashMap<String, crate::model::Schema>, Error> {
    let q = quote_ident(schema);
    let sql = format!(
        "SELECT j.plugin, s.snapshot::text FROM {q}._journal j
           JOIN {q}._snapshots s ON s.plugin = j.plugin AND s.idx = j.head_idx"
    );
    let rows = tx
        .query(&sql, &[])
        .await
        .map_err(Error::db("reading the other plugins' head snapshots"))?;
    let mut out = HashMap::new();
    for r in rows {
        let plugin: String = r.get(0);
        let text: String = r.get(1);
        let snap =
            crate::snapshot::Snapshot::from_json(&text).map_err(|source| Error::Snapshot {
                plugin: plugin.clone(),
                idx: 0,
                source,
            })?;
        out.insert(plugin, snap.schema);
    }
    Ok(out)
}
