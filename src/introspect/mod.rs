//! Reads live schemas from `pg_catalog` into [`crate::model::Schema`].
//!
//! [`introspect`] (a snapshot of its own) and [`introspect_in`] (inside the
//! caller's transaction) issue the same **sixteen catalog queries whatever the number of
//! tables** ([`CATALOG_QUERIES`]) (`queries/*.sql`): namespaces, tables (+ comments), columns
//! (+ defaults, identity, generated, comments), constraints (PK, unique, FK,
//! check, with column names resolved in SQL), indexes not backing a
//! constraint (on tables and materialized views), enums, extensions, views
//! and materialized views (definition, options, comment, and the relations
//! `pg_depend` says their rewrite rule reads), sequences (options, owner;
//! identity and serial sequences folded into their columns), functions and
//! procedures (arguments, result, body, attributes, settings), triggers,
//! and the objects the model does not cover ([`Unmodeled`]: policies,
//! rules, operators, …, listed so that they are reported rather than
//! silently left out; the one place that lists those kinds is
//! `queries/unmodeled.sql`).
//! Each is filtered with
//! `n.nspname = ANY($1::text[])` (extensions excepted: they are
//! database-wide). None is per table and none uses `information_schema`.
//!
//! The queries are pipelined on the one connection: every request, including
//! the statements that open and close the snapshot, is written before the
//! first answer is awaited, so introspection costs one round trip plus the
//! server's execution time. Each query is sent with
//! [`tokio_postgres::Client::query_typed`] (parse, bind and execute in one
//! message, no separate prepare round trip).
//!
//! Cost, measured on PostgreSQL 15 over a unix socket (release build, 2
//! cores; `cargo bench --bench wholedb`): 1,000 tables of eleven columns of
//! mixed types with 2,200 indexes, 999 foreign keys, 1,000 checks and 110
//! views take about 220 ms (median; minimum 200 ms), nearly all of it server
//! execution; 5,000 such tables take about 1.1 s. Through a proxy adding
//! 20 ms of round trip, an introspection takes one round trip longer, not
//! sixteen.
//!
//! # Printed forms
//!
//! Expressions (defaults, generated columns, checks, index expressions and
//! predicates) are kept as PostgreSQL prints them, then passed through
//! [`normalize_expr`](crate::sql::normalize_expr):
//!
//! - defaults and generated columns: `pg_get_expr(adbin, adrelid)`, e.g.
//!   `'new'::billing.status`, `(total * (2)::numeric)`;
//! - checks: `pg_get_expr(conbin, conrelid)`, e.g. `(total >= (0)::numeric)`;
//! - index expressions: `pg_get_indexdef(indexrelid, n, true)`, e.g.
//!   `lower(note)`, `(total + 1::numeric)`;
//! - index predicates: `pg_get_expr(indpred, indrelid, true)`, e.g.
//!   `status <> 'paid'::billing.status`.
//!
//! PostgreSQL qualifies every name that is not visible on the `search_path`,
//! so the queries run with `search_path = pg_catalog` (set locally and
//! restored): every object outside `pg_catalog` is printed schema-qualified,
//! whatever the session's settings. The output depends only on the database.
//!
//! Column types in `pg_catalog` keep `format_type()`'s text
//! ([`ColumnType::builtin`](crate::model::ColumnType::builtin)); any other
//! type (enums, arrays of enums, domains, extension types) becomes
//! [`ColumnType::named`](crate::model::ColumnType::named) with the element
//! type's namespace and `typname`.
//!
//! Tables, types and indexes that belong to an extension (`pg_depend`
//! deptype `e`) are left out: they are the extension's, not the schema's.

mod assemble;
mod kinds;
mod objects;
mod rows;

use crate::model::Schema;
use rows::{FromRow, Query};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, GenericClient, Transaction};

/// The result of an introspection: the schema and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introspected {
    /// The live schema, normalised ([`Schema::normalize`]). Its `namespaces`
    /// are the asked-for namespaces that exist.
    pub schema: Schema,
    /// Objects in the asked-for namespaces that the model does not cover
    /// (views, sequences, functions, triggers, …), sorted. They are not in
    /// `schema`: graft neither creates nor drops them, and reports them.
    pub unmodeled: Vec<Unmodeled>,
    /// Query count and timing.
    pub stats: IntrospectStats,
}

/// An object the model does not cover yet, as `queries/unmodeled.sql`
/// lists it: `view billing.open_invoices`, `trigger billing.invoices.audit`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Unmodeled {
    /// What it is: `rule`, `range type`, `foreign table`, `type
    /// privileges`, …
    pub kind: String,
    /// Its namespace.
    pub schema: String,
    /// Its name in the namespace; sub-objects of a table are `table.name`,
    /// functions carry their argument types: `f(integer)`.
    pub name: String,
}

impl std::fmt::Display for Unmodeled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}.{}", self.kind, self.schema, self.name)
    }
}

/// What an introspection cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntrospectStats {
    /// Catalog queries issued: always [`CATALOG_QUERIES`], whatever the
    /// table count. The statements that open and close the snapshot (or set
    /// and restore `search_path` inside a caller's transaction) are not counted.
    pub queries: usize,
    /// Wall-clock time from the first request to the assembled schema.
    pub elapsed: Duration,
}

/// The number of catalog queries one introspection issues.
pub const CATALOG_QUERIES: usize = rows::ALL.len() + kinds::ALL.len();

/// Why introspection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntrospectError {
    /// A catalog query, or a statement around them, failed or returned
    /// columns of unexpected types. The message includes the server's
    /// SQLSTATE and message (`tokio_postgres::Error` alone displays as
    /// `db error`).
    #[error("while introspecting ({query}): {}", describe(.source))]
    Query {
        /// Which query: `columns`, `indexes`, …, or `begin snapshot` /
        /// `end snapshot` / `set search_path` / `restore search_path`.
        query: &'static str,
        /// The database or decoding error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// The catalog holds something graft does not understand (an unknown
    /// identity, generation or action code, a row for a table outside the
    /// snapshot, a malformed index).
    #[error("while introspecting: unexpected {what}: `{value}`")]
    Unexpected {
        /// What was being read, with the object it belongs to.
        what: String,
        /// The value found.
        value: String,
    },
}

impl IntrospectError {
    /// The SQLSTATE of the underlying database error, if any.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            IntrospectError::Query { source, .. } => source.code().map(|c| c.code()),
            IntrospectError::Unexpected { .. } => None,
        }
    }
}

/// `SQLSTATE: message` for a server error, else the client error's text.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}

/// Opens the consistent snapshot: [`introspect`] only.
///
/// `jit = off`: the planner's cost estimates for the larger catalog queries
/// (`functions`, `privileges`: subqueries per row) pass `jit_above_cost`,
/// and compiling them takes longer than running them: at 1,000 tables the
/// two took 55 and 111 ms with JIT, 5 and 16 ms without (PostgreSQL 15).
const BEGIN_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; \
     SET LOCAL search_path = pg_catalog; SET LOCAL jit = off";
/// Ends it. Nothing was written; a failed query leaves the transaction
/// aborted, which ROLLBACK also ends.
const END_SNAPSHOT: &str = "ROLLBACK";
/// Inside a caller's transaction: remember its `search_path` and `jit`, then
/// fix ours (as [`BEGIN_SNAPSHOT`] does). All are transaction-local
/// (`set_config(…, true)`).
const SET_SEARCH_PATH: &str = "SELECT pg_catalog.set_config('graft.introspect_search_path', \
     pg_catalog.current_setting('search_path'), true), \
     pg_catalog.set_config('graft.introspect_jit', pg_catalog.current_setting('jit'), true), \
     pg_catalog.set_config('search_path', 'pg_catalog', true), \
     pg_catalog.set_config('jit', 'off', true)";
/// Gives the caller's transaction its `search_path` and `jit` back.
const RESTORE_SEARCH_PATH: &str = "SELECT pg_catalog.set_config('search_path', \
     pg_catalog.current_setting('graft.introspect_search_path'), true), \
     pg_catalog.set_config('jit', pg_catalog.current_setting('graft.introspect_jit'), true)";

/// Introspects `namespaces` in a snapshot of its own.
///
/// Runs the catalog queries inside `BEGIN ISOLATION LEVEL REPEATABLE READ
/// READ ONLY … ROLLBACK`, so all of them see one consistent state, in one
/// round trip. The client is borrowed mutably, as
/// [`Client::transaction`] does, because the snapshot is a transaction on
/// the connection: a statement another task sent on a shared client meanwhile
/// would run inside it (read-only, with our `search_path`). For the same
/// reason the client must not be inside a transaction opened with a raw
/// `BEGIN`: it would be ended. Inside a transaction use [`introspect_in`].
///
/// Dropping the returned future after it was first polled is safe: every
/// request, the closing `ROLLBACK` included, has already been queued on the
/// connection by then.
///
/// ```no_run
/// # async fn demo(client: &mut tokio_postgres::Client) -> Result<(), graft::introspect::IntrospectError> {
/// let live = graft::introspect::introspect(client, &["billing".to_string()]).await?;
/// assert_eq!(live.stats.queries, graft::introspect::CATALOG_QUERIES);
/// for t in &live.schema.tables {
///     println!("{} ({} columns)", t.name, t.columns.len());
/// }
/// # Ok(()) }
/// ```
pub async fn introspect(
    client: &mut Client,
    namespaces: &[String],
) -> Result<Introspected, IntrospectError> {
    run(
        &*client,
        namespaces,
        (BEGIN_SNAPSHOT, "begin snapshot"),
        (END_SNAPSHOT, "end snapshot"),
    )
    .await
}

/// Introspects `namespaces` inside the caller's transaction, as the apply
/// stage does: it sees the transaction's own uncommitted DDL.
///
/// Opens and commits nothing. Sets `search_path` transaction-locally for the
/// duration and restores it (which is why this takes a [`Transaction`] and
/// not any [`GenericClient`]: outside a transaction block a local setting
/// would not outlive its own statement). For a consistent result across the
/// catalog queries the transaction should be `REPEATABLE READ` or hold locks
/// that keep out concurrent DDL; otherwise a concurrent change may surface as
/// [`IntrospectError::Unexpected`]. Like [`introspect`], one round trip.
pub async fn introspect_in(
    tx: &Transaction<'_>,
    namespaces: &[String],
) -> Result<Introspected, IntrospectError> {
    run(
        tx,
        namespaces,
        (SET_SEARCH_PATH, "set search_path"),
        (RESTORE_SEARCH_PATH, "restore search_path"),
    )
    .await
}

/// Issues `open`, the catalog queries and `close` pipelined, in this order
/// (`biased` polls the futures in argument order, and each writes its request
/// on its first poll), then assembles.
async fn run<C>(
    c: &C,
    namespaces: &[String],
    open: (&'static str, &'static str),
    close: (&'static str, &'static str),
) -> Result<Introspected, IntrospectError>
where
    C: GenericClient + Sync,
{
    let started = Instant::now();
    let count = AtomicUsize::new(0);
    let (
        _,
        namespaces,
        tables,
        columns,
        constraints,
        indexes,
        enums,
        extensions,
        views,
        sequences,
        functions,
        triggers,
        unmodeled,
        kinds,
        _,
    ) = tokio::try_join!(
        biased;
        control(c, open),
        fetch(c, rows::NAMESPACES, namespaces, &count),
        fetch(c, rows::TABLES, namespaces, &count),
        fetch(c, rows::COLUMNS, namespaces, &count),
        fetch(c, rows::CONSTRAINTS, namespaces, &count),
        fetch(c, rows::INDEXES, namespaces, &count),
        fetch(c, rows::ENUMS, namespaces, &count),
        fetch(c, rows::EXTENSIONS, namespaces, &count),
        fetch(c, rows::VIEWS, namespaces, &count),
        fetch(c, rows::SEQUENCES, namespaces, &count),
        fetch(c, rows::FUNCTIONS, namespaces, &count),
        fetch(c, rows::TRIGGERS, namespaces, &count),
        fetch(c, rows::UNMODELED, namespaces, &count),
        kinds::fetch_kinds(c, namespaces, &count),
        control(c, close),
    )?;
    let schema = assemble::assemble(rows::CatalogRows {
        namespaces,
        tables,
        columns,
        constraints,
        indexes,
        enums,
        extensions,
        views,
        sequences,
        functions,
        triggers,
        kinds,
    })?;
    Ok(Introspected {
        schema,
        unmodeled,
        stats: IntrospectStats {
            queries: count.into_inner(),
            elapsed: started.elapsed(),
        },
    })
}

/// A statement around the catalog queries (simple protocol, rows ignored).
async fn control<C>(c: &C, (sql, name): (&'static str, &'static str)) -> Result<(), IntrospectError>
where
    C: GenericClient + Sync,
{
    c.batch_execute(sql)
        .await
        .map_err(|source| IntrospectError::Query {
            query: name,
            source,
        })
}

/// One catalog query, decoded.
async fn fetch<C, T>(
    c: &C,
    q: Query,
    namespaces: &[String],
    count: &AtomicUsize,
) -> Result<Vec<T>, IntrospectError>
where
    C: GenericClient + Sync,
    T: FromRow,
{
    let wrap = |source| IntrospectError::Query {
        query: q.name,
        source,
    };
    count.fetch_add(1, Ordering::Relaxed);
    let param: (&(dyn ToSql + Sync), Type) = (&namespaces, Type::TEXT_ARRAY);
    let params = if q.filtered {
        std::slice::from_ref(&param)
    } else {
        &[]
    };
    let rows = c.query_typed(q.sql, params).await.map_err(wrap)?;
    rows.iter()
        .map(T::from_row)
        .collect::<Result<_, _>>()
        .map_err(wrap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// The futures can be spawned on a multi-threaded runtime.
    #[allow(dead_code)]
    fn futures_are_send(client: &mut Client, tx: &Transaction<'_>, ns: &[String]) {
        assert_send(&introspect(client, ns));
        assert_send(&introspect_in(tx, ns));
    }

    #[test]
    fn every_query_is_filtered_by_namespace_but_extensions() {
        for q in rows::ALL.iter().chain(&kinds::ALL) {
            assert_eq!(
                q.filtered,
                q.sql.contains("nspname = ANY($1::text[])"),
                "{}",
                q.name
            );
            assert_eq!(q.filtered, q.name != "extensions", "{}", q.name);
            assert!(!q.sql.contains("information_schema"), "{}", q.name);
        }
        assert_eq!(CATALOG_QUERIES, 16);
    }

    #[test]
    fn error_messages_lead_with_context() {
        let e = IntrospectError::Unexpected {
            what: "attidentity of column `a.t.c`".into(),
            value: "x".into(),
        };
        assert_eq!(
            e.to_string(),
            "while introspecting: unexpected attidentity of column `a.t.c`: `x`"
        );
    }
}
