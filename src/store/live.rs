//! The live schema recorded with each snapshot: two columns of
//! `_snapshots`, `live jsonb` and `live_hash text`.
//!
//! `snapshot` holds the declaration as declared (its hash is what the boot
//! fast path compares); `live` holds what the database looked like right
//! after that snapshot was applied, introspected in the same transaction
//! and restricted to the plugin's objects, in the canonical snapshot form,
//! with `live_hash` its blake3 hash. Drift compares like with like: the
//! database now against `live`, both as PostgreSQL prints them.
//!
//! The columns came with version 3 of the tracking tables
//! ([`super::layout`]); rows recorded before have `live` NULL, and drift
//! falls back to normalising the declared snapshot through the server.

use super::verify;
use crate::error::Error;
use crate::render::quote_ident;
use crate::snapshot::Snapshot;
use std::collections::HashMap;
use tokio_postgres::GenericClient;

/// A head as recorded: the declared snapshot and, when recorded, the live
/// schema, both verified against their hashes.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The plugin.
    pub plugin: String,
    /// The snapshot index.
    pub idx: i32,
    /// The declared snapshot.
    pub declared: Snapshot,
    /// The live schema recorded with it (`None` from an older graft).
    pub live: Option<Snapshot>,
}

/// Loads `(plugin, idx)` snapshots with their recorded live schemas, in one
/// query, verifying both hashes. Works on tracking tables without the
/// `live` columns (an older graft, not upgraded yet): `live` is then `None`.
pub async fn load(
    client: &impl GenericClient,
    tracking_schema: &str,
    wanted: &[(String, i32)],
) -> Result<HashMap<String, Recorded>, Error> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let plugins: Vec<&str> = wanted.iter().map(|(p, _)| p.as_str()).collect();
    let idxs: Vec<i32> = wanted.iter().map(|(_, i)| *i).collect();
    // to_jsonb(s) reads columns that may not exist without failing
    let sql = format!(
        "SELECT s.plugin, s.idx, s.hash, s.snapshot::text,
                NULLIF(pg_catalog.to_jsonb(s) -> 'live', 'null'::jsonb)::text,
                pg_catalog.to_jsonb(s) ->> 'live_hash'
         FROM {}._snapshots s
         JOIN unnest($1::text[], $2::int4[]) AS w(plugin, idx)
           ON s.plugin = w.plugin AND s.idx = w.idx",
        quote_ident(tracking_schema)
    );
    let rows = client
        .query(&sql, &[&plugins, &idxs])
        .await
        .map_err(Error::db("loading recorded snapshots and live schemas"))?;
    let mut out = HashMap::new();
    for row in rows {
        let plugin: String = row.get(0);
        let idx: i32 = row.get(1);
        let hash: String = row.get(2);
        let text: String = row.get(3);
        let declared = verify(&plugin, idx, &hash, &text)?;
        let live = match (
            row.get::<_, Option<String>>(4),
            row.get::<_, Option<String>>(5),
        ) {
            (Some(live), Some(live_hash)) => Some(verify_live(&plugin, idx, &live_hash, &live)?),
            (None, _) => None,
            (Some(_), None) => {
                return Err(Error::Tracking(format!(
                    "plugin `{plugin}`: snapshot {idx} has a live schema but no live_hash"
                )))
            }
        };
        out.insert(
            plugin.clone(),
            Recorded {
                plugin,
                idx,
                declared,
                live,
            },
        );
    }
    for (p, i) in wanted {
        if !out.contains_key(p) {
            return Err(Error::Tracking(format!(
                "plugin `{p}`: the journal names snapshot {i}, which is missing from _snapshots"
            )));
        }
    }
    Ok(out)
}

fn verify_live(plugin: &str, idx: i32, stored: &str, text: &str) -> Result<Snapshot, Error> {
    let snap = Snapshot::from_json(text).map_err(|source| Error::Snapshot {
        plugin: plugin.to_string(),
        idx,
        source,
    })?;
    let computed = snap.hash();
    if computed.as_str() != stored {
        return Err(Error::Tracking(format!(
            "plugin `{plugin}`: the live schema recorded with snapshot {idx} was modified after \
             it was recorded (tampered with): its content hashes to {computed}, but {stored} is \
             recorded"
        )));
    }
    Ok(snap)
}

/// One live schema to record.
#[derive(Debug, Clone)]
pub struct LiveRow {
    /// The plugin.
    pub plugin: String,
    /// Its snapshot index, written in this transaction.
    pub idx: i32,
    /// The live schema.
    pub live: Snapshot,
}

/// Records live schemas next to their snapshots, in one statement.
pub async fn store(
    client: &impl GenericClient,
    tracking_schema: &str,
    rows: &[LiveRow],
) -> Result<(), Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let plugins: Vec<&str> = rows.iter().map(|r| r.plugin.as_str()).collect();
    let idxs: Vec<i32> = rows.iter().map(|r| r.idx).collect();
    let lives: Vec<String> = rows
        .iter()
        .map(|r| String::from_utf8(r.live.canonical_bytes()).expect("canonical JSON is UTF-8"))
        .collect();
    let hashes: Vec<String> = rows.iter().map(|r| r.live.hash().to_string()).collect();
    let sql = format!(
        "UPDATE {}._snapshots s SET live = v.live::jsonb, live_hash = v.hash
         FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[])
              AS v(plugin, idx, live, hash)
         WHERE s.plugin = v.plugin AND s.idx = v.idx",
        quote_ident(tracking_schema)
    );
    let n = client
        .execute(&sql, &[&plugins, &idxs, &lives, &hashes])
        .await
        .map_err(Error::db("recording the live schemas"))?;
    if n as usize != rows.len() {
        return Err(Error::Tracking(format!(
            "recorded {n} live schemas for {} new snapshots",
            rows.len()
        )));
    }
    Ok(())
}
