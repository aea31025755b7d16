//! The tracking tables, in a schema named `graft` by default. This module
//! alone knows them: their layout (versioned, [`layout`]), and every read
//! and write of them.
//!
//! - `_migrations (id, plugin, idx, kind, name, version, hash, statements,
//!   started_at, duration_ms, applied_by)`: one row per applied migration
//!   ([`history`]); one `schema` or `rollback` row per snapshot.
//! - `_journal (plugin, version, dialect, head_idx, head_hash, entries,
//!   updated_at, scripts_hash, boot_key)`: one row per plugin; the boot fast
//!   path reads only its `boot_key` ([`BOOT_KEY_SQL`]).
//! - `_snapshots (plugin, idx, hash, snapshot, created_at, scripts, live,
//!   live_hash)`: every snapshot, the hand-written migrations applied at it,
//!   and the live schema recorded with it ([`live`]).
//! - `_scripts`: every hand-written migration that ran ([`scripts`]).
//! - `_tracking_version`: the layout's version ([`layout`]).
//!
//! Every SQL text here names the tracking schema through [`quote_ident`], so a
//! configured schema name cannot inject SQL.

pub mod history;
pub mod layout;
pub mod live;
pub mod scripts;

pub use layout::{Upgrade, BOOT_KEY_SQL, TRACKING_VERSION};

use crate::error::Error;
use crate::render::{quote_ident, quote_literal};
use crate::snapshot::{Snapshot, SnapshotHash};
use std::collections::HashMap;
use tokio_postgres::{Client, GenericClient, SimpleQueryMessage};

/// Whether `key`, a `_journal.boot_key` ([`BOOT_KEY_SQL`]), is the key of
/// `d`, compared in place without building the expected text. A declared
/// plugin name holding the separator never matches (the slow path handles
/// it): declared fields without it make the match exact, since a stored
/// field holding it would add a separator to the key.
fn boot_key_matches(key: &str, d: &DeclaredHead<'_>) -> bool {
    const SEP: char = '\u{1f}';
    if d.plugin.contains(SEP) {
        return false;
    }
    let field = |rest: &str, value: &str| -> Option<usize> {
        rest.strip_prefix(value)
            .and_then(|r| r.strip_prefix(SEP))
            .map(|r| key.len() - r.len())
    };
    let nullable = |rest: &str, value: Option<&str>| -> Option<usize> {
        match value {
            None => Some(key.len() - rest.len()),
            Some(v) => rest
                .strip_prefix('=')
                .and_then(|r| r.strip_prefix(v))
                .map(|r| key.len() - r.len()),
        }
    };
    let Some(i) = field(key, d.plugin) else {
        return false;
    };
    let Some(i) = field(&key[i..], d.hash.as_str()) else {
        return false;
    };
    let Some(i) = nullable(&key[i..], d.version) else {
        return false;
    };
    let Some(i) = key[i..].strip_prefix(SEP).map(|r| key.len() - r.len()) else {
        return false;
    };
    nullable(&key[i..], d.scripts_hash.map(SnapshotHash::as_str)) == Some(key.len())
}

/// SQLSTATEs meaning the tracking tables do not exist yet.
const UNDEFINED_TABLE: &str = "42P01";
const INVALID_SCHEMA: &str = "3F000";

/// The head of one plugin's journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalHead {
    /// The plugin.
    pub plugin: String,
    /// Recorded version.
    pub version: Option<String>,
    /// Index of the head snapshot.
    pub head_idx: i32,
    /// Hash of the head snapshot.
    pub head_hash: SnapshotHash,
    /// Digest of the hand-written migrations applied (`_journal.scripts_hash`;
    /// `None` without any): see [`crate::scripts::digest`].
    pub scripts_hash: Option<SnapshotHash>,
}

/// Access to the tracking tables in one schema.
#[derive(Debug, Clone)]
pub struct Store {
    schema: String,
    q: String,
    /// The journal-head query, built once.
    heads_sql: String,
    /// The boot fast path's query, built once: the one column it compares
    /// ([`BOOT_KEY_SQL`]).
    fast_sql: String,
}

/// One plugin as the boot fast path compares it with its journal head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeclaredHead<'a> {
    /// The plugin.
    pub plugin: &'a str,
    /// The declared snapshot hash.
    pub hash: &'a SnapshotHash,
    /// The declared version, as recorded (`Version`'s `Display`).
    pub version: Option<&'a str>,
    /// The digest of its hand-written migrations ([`crate::Plugin::scripts_hash`]).
    pub scripts_hash: Option<&'a SnapshotHash>,
}

impl<'a> DeclaredHead<'a> {
    /// What the fast path compares for `plugin`.
    pub fn of(plugin: &'a crate::Plugin) -> Self {
        DeclaredHead {
            plugin: plugin.name(),
            hash: plugin.hash(),
            version: plugin.version_text(),
            scripts_hash: plugin.scripts_hash(),
        }
    }
}

impl Store {
    /// The tracking tables in `schema`.
    pub fn new(schema: impl Into<String>) -> Self {
        let schema = schema.into();
        let q = quote_ident(&schema);
        // `scripts_hash` through to_jsonb: tracking tables of an older graft
        // do not have the column until the next apply adds it.
        let heads_sql = format!(
            "SELECT plugin, version, head_idx, head_hash, to_jsonb(j) ->> 'scripts_hash' \
             FROM {q}._journal j"
        );
        let fast_sql = format!("SELECT boot_key FROM {q}._journal");
        Store {
            schema,
            q,
            heads_sql,
            fast_sql,
        }
    }

    /// The tracking schema's name.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Reads every journal head in ONE round trip (simple query protocol, no
    /// prepare). `None` when the tracking tables do not exist yet.
    pub async fn read_heads(
        &self,
        client: &Client,
    ) -> Result<Option<HashMap<String, JournalHead>>, Error> {
        match client.simple_query(&self.heads_sql).await {
            Ok(msgs) => parse_heads(msgs).map(Some),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(Error::db("reading the journal")(e)),
        }
    }

    /// The boot fast path: whether every plugin of `declared` has a journal
    /// head with its hash and version. ONE simple query reading only
    /// `_journal` (no prepare, no transaction, no lock), compared row by row
    /// as it is read, without building a map.
    /// Journal rows of plugins not in `declared` are ignored. `None` when
    /// the tracking tables do not exist yet.
    pub async fn heads_match(
        &self,
        client: &Client,
        declared: &[DeclaredHead<'_>],
    ) -> Result<Option<bool>, Error> {
        // Rows usually come back in the order the plugins were first
        // recorded, which is `declared`'s: try the row's own position first,
        // and sort for a binary search only when that misses.
        let sorted: std::cell::OnceCell<Vec<&DeclaredHead<'_>>> = std::cell::OnceCell::new();
        let find = |n: usize, plugin: &str| match declared.get(n) {
            Some(d) if d.plugin == plugin => Some(*d),
            _ => {
                let sorted = sorted.get_or_init(|| {
                    let mut v: Vec<_> = declared.iter().collect();
                    v.sort_unstable_by_key(|d| d.plugin);
                    v
                });
                sorted
                    .binary_search_by(|d| d.plugin.cmp(plugin))
                    .ok()
                    .map(|i| *sorted[i])
            }
        };
        self.journal_matches(client, declared.len(), find).await
    }

    /// [`heads_match`](Self::heads_match) for `declared` plugins that
    /// `find(row_number, plugin)` looks up (`None`: not declared), without
    /// allocating: the one query, each row compared as it is read.
    pub(crate) async fn journal_matches<'d>(
        &self,
        client: &Client,
        declared: usize,
        find: impl Fn(usize, &str) -> Option<DeclaredHead<'d>>,
    ) -> Result<Option<bool>, Error> {
        let msgs = match client.simple_query(&self.fast_sql).await {
            Ok(msgs) => msgs,
            Err(e) if is_missing(&e) => return Ok(None),
            // Tracking tables of an older graft: the apply path upgrades them.
            Err(e) if e.code().is_some_and(|c| c.code() == "42703") => return Ok(Some(false)),
            Err(e) => return Err(Error::db("reading the journal")(e)),
        };
        let mut matched = 0;
        let rows = msgs.iter().filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        });
        for (n, r) in rows.enumerate() {
            let Some(key) = r.get(0) else {
                return Err(Error::Tracking("journal row without boot_key".into()));
            };
            // The plugin is the key up to the first separator (a stored
            // name holding one finds no declared plugin, or the wrong one,
            // and then does not match it: the slow path decides).
            let plugin = key.split_once('\u{1f}').map_or(key, |(p, _)| p);
            let Some(d) = find(n, plugin) else {
                continue;
            };
            if boot_key_matches(key, &d) {
                matched += 1;
            } else {
                return Ok(Some(false));
            }
        }
        // The journal's primary key is the plugin, and `declared` names each
        // plugin once: no declared plugin matched twice.
        Ok(Some(matched == declared))
    }

    /// Reads the journal heads inside a transaction that already holds the
    /// lock and has bootstrapped the tables.
    pub async fn read_heads_tx(
        &self,
        tx: &impl GenericClient,
    ) -> Result<HashMap<String, JournalHead>, Error> {
        let msgs = tx
            .simple_query(&self.heads_sql)
            .await
            .map_err(Error::db("re-reading the journal under the lock"))?;
        parse_heads(msgs)
    }

    /// Loads and verifies snapshots `(plugin, idx)`, in one query.
    pub async fn load_snapshots(
        &self,
        tx: &impl GenericClient,
        wanted: &[(String, i32)],
    ) -> Result<HashMap<String, Snapshot>, Error> {
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let plugins: Vec<&str> = wanted.iter().map(|(p, _)| p.as_str()).collect();
        let idxs: Vec<i32> = wanted.iter().map(|(_, i)| *i).collect();
        let sql = format!(
            "SELECT s.plugin, s.idx, s.hash, s.snapshot::text
             FROM {}._snapshots s
             JOIN unnest($1::text[], $2::int4[]) AS w(plugin, idx)
               ON s.plugin = w.plugin AND s.idx = w.idx",
            self.q
        );
        let rows = tx
            .query(&sql, &[&plugins, &idxs])
            .await
            .map_err(Error::db("loading head snapshots"))?;
        let mut out = HashMap::new();
        for row in rows {
            let plugin: String = row.get(0);
            let idx: i32 = row.get(1);
            let stored: String = row.get(2);
            let text: String = row.get(3);
            let snap = verify(&plugin, idx, &stored, &text)?;
            out.insert(plugin, snap);
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

    /// Records a new head: the snapshot, the migration row and the journal.
    pub async fn record(&self, tx: &impl GenericClient, rec: &Record<'_>) -> Result<(), Error> {
        let q = &self.q;
        let snapshot_json =
            String::from_utf8(rec.snapshot.canonical_bytes()).expect("canonical JSON is UTF-8");
        let statements = serde_json::to_string(rec.statements).expect("strings serialize");
        let entry = serde_json::json!([{
            "idx": rec.idx,
            "hash": rec.hash.as_str(),
            "kind": rec.kind,
            "version": rec.version,
        }])
        .to_string();
        let sql = format!(
            "WITH s AS (
                INSERT INTO {q}._snapshots (plugin, idx, hash, snapshot)
                VALUES ($1, $2, $3, $4::text::jsonb)
             ), m AS (
                INSERT INTO {q}._migrations
                    (plugin, idx, kind, name, version, hash, statements, started_at, duration_ms, applied_by)
                VALUES ($1, $2, $5, $6, $7, $3, $8::text::jsonb, now(), $9,
                        coalesce($10, current_user))
             )
             INSERT INTO {q}._journal (plugin, version, head_idx, head_hash, entries, updated_at)
             VALUES ($1, $7, $2, $3, $11::text::jsonb, now())
             ON CONFLICT (plugin) DO UPDATE SET
                version = excluded.version, head_idx = excluded.head_idx,
                head_hash = excluded.head_hash,
                entries = {q}._journal.entries || excluded.entries,
                updated_at = now()"
        );
        tx.execute(
            &sql,
            &[
                &rec.plugin,
                &rec.idx,
                &rec.hash.as_str(),
                &snapshot_json,
                &rec.kind,
                &rec.name,
                &rec.version,
                &statements,
                &rec.duration_ms,
                &rec.applied_by,
                &entry,
            ],
        )
        .await
        .map_err(Error::db(format!(
            "recording plugin `{}` snapshot {}",
            rec.plugin, rec.idx
        )))?;
        Ok(())
    }

    /// The state (`last_value`, `is_called`) of the `_migrations` id
    /// sequence, for [`restore_id_sequence`](Self::restore_id_sequence).
    pub async fn id_sequence_state(&self, tx: &impl GenericClient) -> Result<(i64, bool), Error> {
        let row = tx
            .query_one(
                &format!(
                    "SELECT last_value, is_called FROM {}._migrations_id_seq",
                    self.q
                ),
                &[],
            )
            .await
            .map_err(Error::db("reading the _migrations id sequence"))?;
        Ok((row.get(0), row.get(1)))
    }

    /// After a failed step in a transaction that ran `SAVEPOINT graft_run`:
    /// rolls back to it and puts the `_migrations` id sequence back to
    /// `state`, since a rollback keeps what a sequence handed out. Still
    /// under the migration lock, so no other instance takes ids meanwhile.
    /// Best effort: the caller reports the step's error either way.
    pub async fn restore_id_sequence(&self, tx: &impl GenericClient, state: (i64, bool)) {
        let seq = quote_literal(&format!("{}._migrations_id_seq", self.q));
        let sql = format!(
            "ROLLBACK TO SAVEPOINT graft_run; SELECT setval({seq}, {}, {})",
            state.0, state.1
        );
        if let Err(e) = tx.batch_execute(&sql).await {
            tracing::warn!(error = %e, "could not restore the _migrations id sequence");
        }
    }

    /// Updates only the recorded version (schema unchanged).
    pub async fn record_version(
        &self,
        tx: &impl GenericClient,
        plugin: &str,
        version: Option<&str>,
    ) -> Result<(), Error> {
        let sql = format!(
            "UPDATE {}._journal SET version = $2, updated_at = now() WHERE plugin = $1",
            self.q
        );
        tx.execute(&sql, &[&plugin, &version])
            .await
            .map_err(Error::db(format!("recording plugin `{plugin}` version")))?;
        Ok(())
    }
}

/// One new head to record.
#[derive(Debug)]
pub struct Record<'a> {
    /// The plugin.
    pub plugin: &'a str,
    /// New snapshot index.
    pub idx: i32,
    /// `schema`, `script` or `rollback`.
    pub kind: &'a str,
    /// A name for the migration row.
    pub name: &'a str,
    /// Declared version.
    pub version: Option<&'a str>,
    /// Snapshot hash.
    pub hash: &'a SnapshotHash,
    /// The snapshot.
    pub snapshot: &'a Snapshot,
    /// Statements executed.
    pub statements: &'a [String],
    /// Duration in milliseconds.
    pub duration_ms: i64,
    /// Who applied it (`current_user` when `None`).
    pub applied_by: Option<&'a str>,
}

pub(crate) fn verify(plugin: &str, idx: i32, stored: &str, text: &str) -> Result<Snapshot, Error> {
    let snap = Snapshot::from_json(text).map_err(|source| Error::Snapshot {
        plugin: plugin.to_string(),
        idx,
        source,
    })?;
    let computed = snap.hash();
    if computed.as_str() != stored {
        return Err(Error::Tampered {
            plugin: plugin.to_string(),
            idx,
            stored: stored.to_string(),
            computed: computed.to_string(),
        });
    }
    Ok(snap)
}

fn is_missing(e: &tokio_postgres::Error) -> bool {
    e.code()
        .is_some_and(|c| c.code() == UNDEFINED_TABLE || c.code() == INVALID_SCHEMA)
}

fn parse_heads(msgs: Vec<SimpleQueryMessage>) -> Result<HashMap<String, JournalHead>, Error> {
    let mut out = HashMap::new();
    for m in msgs {
        if let SimpleQueryMessage::Row(r) = m {
            let get = |i: usize| r.get(i).map(str::to_string);
            let plugin =
                get(0).ok_or_else(|| Error::Tracking("journal row without plugin".into()))?;
            let head_idx = get(2)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| Error::Tracking(format!("plugin `{plugin}`: bad head_idx")))?;
            let head_hash = get(3)
                .map(SnapshotHash::from_hex)
                .ok_or_else(|| Error::Tracking(format!("plugin `{plugin}`: no head_hash")))?;
            out.insert(
                plugin.clone(),
                JournalHead {
                    plugin,
                    version: get(1),
                    head_idx,
                    head_hash,
                    scripts_hash: get(4).map(SnapshotHash::from_hex),
                },
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_keys_match_exactly() {
        let hash = SnapshotHash::from_hex("ab12");
        let scripts = SnapshotHash::from_hex("cd");
        let d = |plugin, version, scripts_hash| DeclaredHead {
            plugin,
            hash: &hash,
            version,
            scripts_hash,
        };
        let s = '\u{1f}';
        let ok = [
            (d("p", None, None), format!("p{s}ab12{s}{s}")),
            (d("p", Some("1.0.0"), None), format!("p{s}ab12{s}=1.0.0{s}")),
            (
                d("p", Some("1.0.0"), Some(&scripts)),
                format!("p{s}ab12{s}=1.0.0{s}=cd"),
            ),
            (
                d("a b\"", None, Some(&scripts)),
                format!("a b\"{s}ab12{s}{s}=cd"),
            ),
        ];
        for (d, key) in &ok {
            assert!(boot_key_matches(key, d), "{key:?}");
        }
        let v = d("p", Some("1.0.0"), None);
        for key in [
            format!("p{s}ab12{s}=1.0.0{s}=cd"), // scripts recorded
            format!("p{s}ab12{s}=1.0.1{s}"),    // another version
            format!("p{s}ab12{s}=1.0{s}"),      // a prefix of it
            format!("p{s}ab12{s}{s}"),          // none recorded
            format!("p{s}ab1{s}=1.0.0{s}"),     // another hash
            format!("p{s}ab12{s}=1.0.0{s}x"),   // trailing text
            format!("q{s}ab12{s}=1.0.0{s}"),    // another plugin
            format!("p{s}ab12{s}=1.0.0"),       // truncated
        ] {
            assert!(!boot_key_matches(&key, &v), "{key:?}");
        }
        // a stored empty version is not NULL
        assert!(!boot_key_matches(
            &format!("p{s}ab12{s}={s}"),
            &d("p", None, None)
        ));
        // a declared name holding the separator never matches
        let odd = format!("p{s}q");
        assert!(!boot_key_matches(
            &format!("{odd}{s}ab12{s}{s}"),
            &d(&odd, None, None)
        ));
    }
}
