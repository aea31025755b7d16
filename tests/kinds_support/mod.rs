//! Helpers shared by `tests/objects_types.rs` and `tests/objects_security.rs`:
//! declare from JSON, migrate, read the live schema back in the form of a
//! declaration, and a fingerprint of the whole database for "nothing
//! changed" checks.

#![allow(dead_code)]

use graft::declare::{from_json_str, Declared};
use graft::introspect::introspect;
use graft::model::Schema;
use graft::{Migrator, Options, Plugin, Report};
use tokio_postgres::Client;

/// A declaration from JSON text; panics with the error.
pub fn decl(json: &str) -> Declared {
    from_json_str(json, None).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

/// The error a declaration gets.
pub fn decl_err(json: &str) -> String {
    match from_json_str(json, None) {
        Ok(d) => panic!("accepted: {d:?}"),
        Err(e) => e.to_string(),
    }
}

/// A migrator that may run destructive steps.
pub fn destructive() -> Migrator {
    Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    })
}

/// Migrates `d` with `m`.
pub async fn migrate_with(
    m: &Migrator,
    client: &mut Client,
    d: &Declared,
) -> Result<Report, graft::Error> {
    m.migrate(client, &Plugin::from(d.clone())).await
}

/// Migrates `d` (destructive steps allowed); panics on error.
pub async fn migrate(client: &mut Client, d: &Declared) -> Report {
    migrate_with(&destructive(), client, d)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The statements `d` would run now, one string per statement.
pub async fn plan_sql(client: &mut Client, d: &Declared) -> Vec<String> {
    let p = destructive()
        .plan(client, &Plugin::from(d.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    p.plan.statements().map(str::to_string).collect()
}

/// The live schema of `d`'s namespaces, with extensions as `d` declares them.
pub async fn live(client: &mut Client, d: &Declared) -> Schema {
    let mut s = introspect(client, &d.schema.namespaces)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .schema;
    s.extensions = graft::model::extensions_as_declared(&s.extensions, &d.schema.extensions);
    s
}

/// Asserts that the live database holds exactly what `d` declares, and that
/// migrating `d` again plans nothing.
pub async fn assert_synced(client: &mut Client, d: &Declared) {
    let got = live(client, d).await;
    // Rename hints are declarations, not state.
    let mut want = d.schema.clone();
    for t in &mut want.tables {
        t.renamed_from = None;
        for c in &mut t.columns {
            c.renamed_from = None;
        }
    }
    assert_schema_eq(&got, &want);
    let again = plan_sql(client, d).await;
    assert!(again.is_empty(), "migrate again is not a no-op: {again:#?}");
    let r = migrate(client, d).await;
    assert!(!r.applied_any(), "{r:?}");
}

/// Equality with a line diff of the pretty Debug forms on failure.
#[track_caller]
pub fn assert_schema_eq(got: &Schema, want: &Schema) {
    if got != want {
        let (g, w) = (format!("{got:#?}"), format!("{want:#?}"));
        let diff = similar::TextDiff::from_lines(&w, &g);
        panic!(
            "live schema differs (- declared, + live):\n{}",
            diff.unified_diff().context_radius(4)
        );
    }
}

/// Everything a failed migration must leave as it was: the catalog rows of
/// user objects (types, relations, attributes, constraints, policies, ACLs,
/// extensions) and the tracking tables, as text.
pub async fn fingerprint(client: &Client) -> String {
    let sql = r#"
        SELECT string_agg(x, E'\n' ORDER BY x) FROM (
          SELECT format('ns %s %s', nspname, nspacl) AS x FROM pg_namespace
           WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
          UNION ALL
          SELECT format('type %s.%s %s %s %s %s', n.nspname, t.typname, t.typtype,
                        pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull,
                        pg_catalog.pg_get_expr(t.typdefaultbin, 0))
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
          UNION ALL
          SELECT format('rel %s.%s %s %s %s %s', n.nspname, c.relname, c.relkind, c.relacl,
                        c.relrowsecurity, c.relforcerowsecurity)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
          UNION ALL
          SELECT format('att %s.%s %s %s %s %s', n.nspname, c.relname, a.attname,
                        pg_catalog.format_type(a.atttypid, a.atttypmod), a.attcollation, a.attacl)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE a.attnum > 0 AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
          UNION ALL
          SELECT format('con %s %s %s', conname, conrelid::regclass, contypid::regtype)
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
          UNION ALL
          SELECT format('pol %s %s %s', polname, polrelid::regclass,
                        pg_catalog.pg_get_expr(polqual, polrelid)) FROM pg_policy
          UNION ALL
          SELECT format('ext %s %s %s', extname, extversion, extnamespace::regnamespace)
            FROM pg_extension
        ) objects"#;
    let objects: Option<String> = client.query_one(sql, &[]).await.unwrap().get(0);
    let exists: bool = client
        .query_one("SELECT to_regclass('graft._migrations') IS NOT NULL", &[])
        .await
        .unwrap()
        .get(0);
    let tracking: i64 = if exists {
        client
            .query_one("SELECT count(*) FROM graft._migrations", &[])
            .await
            .unwrap()
            .get(0)
    } else {
        -1
    };
    format!("{}\ntracking rows: {tracking}", objects.unwrap_or_default())
}
