//! What ran: the rows of `graft._migrations`.

use crate::error::Error;
use crate::render::quote_ident;
use serde::Serialize;
use tokio_postgres::Client;

/// One row of `_migrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Row id (the order things ran in).
    pub id: i64,
    /// The plugin.
    pub plugin: String,
    /// The snapshot index it produced (scripts: the one they ran with).
    pub idx: i32,
    /// `schema`, `script` or `rollback`.
    pub kind: String,
    /// `schema`, `rollback to N`, `downgrade to V`, or a hand-written
    /// migration's `<version>-<seq>-<name>` (` (down)` when undone).
    pub name: String,
    /// The plugin version (scripts: their own version).
    pub version: Option<String>,
    /// Snapshot hash, or the script's checksum.
    pub hash: String,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// How long it took.
    pub duration_ms: i64,
    /// Who applied it.
    pub applied_by: String,
    /// How many statements it ran.
    pub statements: i64,
}

/// The history, oldest first, of one plugin or all. Empty when the
/// tracking tables do not exist.
pub async fn read_history(
    client: &Client,
    tracking_schema: &str,
    plugin: Option<&str>,
) -> Result<Vec<HistoryEntry>, Error> {
    let sql = format!(
        "SELECT id, plugin, idx, kind, name, version, hash,
                to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),
                duration_ms, applied_by, jsonb_array_length(statements)::int8
           FROM {}._migrations
          WHERE $1::text IS NULL OR plugin = $1
          ORDER BY id",
        quote_ident(tracking_schema)
    );
    let rows = match client.query(&sql, &[&plugin]).await {
        Ok(rows) => rows,
        Err(e)
            if e.code()
                .is_some_and(|c| c.code() == "42P01" || c.code() == "3F000") =>
        {
            return Ok(Vec::new())
        }
        Err(e) => return Err(Error::db("reading the migration history")(e)),
    };
    Ok(rows
        .iter()
        .map(|r| HistoryEntry {
            id: r.get(0),
            plugin: r.get(1),
            idx: r.get(2),
            kind: r.get(3),
            name: r.get(4),
            version: r.get(5),
            hash: r.get(6),
            started_at: r.get(7),
            duration_ms: r.get(8),
            applied_by: r.get(9),
            statements: r.get(10),
        })
        .collect())
}
