//! Helpers shared by the plugin life-cycle tests (plugins, scripts,
//! rollback): declaring plugins from JSON text, hand-written migrations from
//! SQL text, and the whole state of a database to compare before and after
//! a refused migration.
#![allow(dead_code)]

use graft::scripts::{parse_file, Migration};
use graft::{Plugin, Registry};
use std::path::Path;
use tokio_postgres::Client;

/// A plugin from schema file text.
pub fn plugin(json: &str) -> Plugin {
    Plugin::from(graft::declare::from_json_str(json, None).expect("a valid declaration"))
}

/// A hand-written migration from its file name and text.
pub fn script(file: &str, text: &str) -> Migration {
    parse_file(Path::new(file), text).expect("a valid migration file")
}

/// A registry of these plugins.
pub fn registry(plugins: &[&Plugin]) -> Registry {
    let mut r = Registry::new();
    for p in plugins {
        r.add((*p).clone()).unwrap();
    }
    r
}

/// Everything a migration could have touched: the catalog of every
/// non-system schema (introspected, and a few `pg_catalog` rows), every
/// row of every user table, and every row of the tracking tables.
pub async fn state(client: &mut Client) -> String {
    let namespaces: Vec<String> = client
        .query(
            "SELECT nspname::text FROM pg_namespace
             WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema')
             ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let live = graft::introspect::introspect(client, &namespaces)
        .await
        .expect("introspection");
    let mut out = format!("namespaces: {namespaces:?}\n{:#?}\n", live.schema);
    let tables: Vec<String> = client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\\_%'
                AND n.nspname <> 'information_schema'
              ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for t in tables {
        let order = if t.starts_with("graft.") {
            ""
        } else {
            " ORDER BY 1"
        };
        let rows = client
            .query(&format!("SELECT to_jsonb(x)::text FROM {t} x{order}"), &[])
            .await
            .unwrap();
        let mut lines: Vec<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
        lines.sort();
        out.push_str(&format!("\n{t}:\n{}", lines.join("\n")));
    }
    out
}

/// Asserts that the live namespaces of `p` equal its declaration.
pub async fn assert_live(client: &mut Client, p: &Plugin) {
    let ns = p.schema().namespaces.clone();
    let mut live = graft::introspect::introspect(client, &ns)
        .await
        .unwrap()
        .schema;
    live.extensions
        .retain(|e| p.schema().extensions.contains(e));
    let declared = graft::snapshot::Snapshot::new(p.schema().clone());
    let live = graft::snapshot::Snapshot::new(live);
    assert_eq!(
        graft::snapshot::diff_text(&declared, &live),
        "",
        "plugin {} differs from the live database",
        p.name()
    );
}

/// Rows of one query, each row's columns joined by `|` (NULL as `-`).
pub async fn rows(client: &Client, sql: &str) -> Vec<String> {
    client
        .simple_query(sql)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("-").to_string())
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
            _ => None,
        })
        .collect()
}

/// `pg_dump` of test database `db` with `args` (e.g. `--schema-only`), as
/// text, without the `\restrict KEY` frame of newer versions (its key is
/// random).
pub fn pg_dump(db: &graft::testing::TestDb, args: &[&str]) -> String {
    let cluster = graft::testing::TestCluster::global().cluster();
    let out = std::process::Command::new(cluster.bin_dir().join("pg_dump"))
        .arg("--no-sync")
        .arg("-h")
        .arg(cluster.socket_dir())
        .arg("-p")
        .arg(cluster.port().to_string())
        .args(["-U", "postgres", "-d", &db.name])
        .args(args)
        .output()
        .expect("running pg_dump");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("pg_dump prints UTF-8")
        .lines()
        .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
        .map(|l| format!("{l}\n"))
        .collect()
}
