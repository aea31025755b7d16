//! The tracking tables' own layout: versioned (`graft._tracking_version`),
//! upgraded in place from the tables an unversioned graft made, and the
//! uniqueness `_migrations` needs.

mod support;

use graft::store::TRACKING_VERSION;
use graft::testing::{test_db, TestDb};
use graft::{Migrator, Outcome, Plugin, RollbackOptions};
use std::path::Path;
use support::{pg_dump, rows};

const LEGACY: &str = "tests/fixtures/tracking_legacy";

/// Plugin `shop` as the fixture's graft last applied it (1.1.0), or with a
/// column added under 1.2.0.
fn shop(next: bool) -> Plugin {
    let text = std::fs::read_to_string(Path::new(LEGACY).join("shop.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    if next {
        v["version"] = "1.2.0".into();
        v["tables"][0]["columns"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"name": "note", "type": "text"}));
    }
    let d = graft::declare::from_json_str(&v.to_string(), None).unwrap();
    Plugin::from(d)
        .with_migrations_dir(Path::new(LEGACY).join("shop").join("migrations"))
        .unwrap()
}

/// Loads the fixture on a connection of its own (it sets the session's
/// search_path).
async fn load_legacy(db: &TestDb) {
    let sql = std::fs::read_to_string(format!("{LEGACY}.sql")).unwrap();
    db.connect().await.batch_execute(&sql).await.unwrap();
}

/// The tracking schema's layout, as `pg_dump --schema-only` prints it.
fn layout(db: &TestDb) -> String {
    pg_dump(db, &["--schema-only", "-n", "graft"])
}

/// A database whose tracking tables were made by a graft that recorded no
/// layout version boots on the fast path as it is, is upgraded by the next
/// migration to the very layout a fresh database gets, and keeps its
/// history: the next migration, a rollback through the hand-written
/// migrations it recorded, and the fast path all work.
#[tokio::test]
async fn legacy_tracking_tables_upgrade_in_place() {
    let db = test_db().await;
    load_legacy(&db).await;
    let mut client = db.connect().await;
    let m = Migrator::default();

    let r = m.migrate(&mut client, &shop(false)).await.unwrap();
    assert!(r.fast_path && !r.applied_any(), "{r:?}");
    assert_eq!(
        rows(
            &client,
            "SELECT to_regclass('graft._tracking_version') IS NULL"
        )
        .await,
        ["t"],
        "the fast path writes nothing"
    );

    let r = m.migrate(&mut client, &shop(true)).await.unwrap();
    assert_eq!(
        r.plugins,
        [(
            "shop".to_string(),
            Outcome::Applied {
                from_idx: Some(2),
                to_idx: 3,
                steps: 1,
                statements: 1
            }
        )]
    );
    let versions = rows(
        &client,
        "SELECT version FROM graft._tracking_version ORDER BY version",
    )
    .await;
    let want: Vec<String> = (1..=TRACKING_VERSION).map(|v| v.to_string()).collect();
    assert_eq!(versions, want);

    // the same layout as a fresh database's
    let fresh = test_db().await;
    let mut fresh_client = fresh.connect().await;
    m.migrate(&mut fresh_client, &shop(true)).await.unwrap();
    let upgraded = layout(&db);
    assert!(upgraded.contains("_migrations_head_key"), "{upgraded}");
    assert!(!upgraded.contains("_migrations_plugin_idx "), "{upgraded}");
    assert_eq!(upgraded, layout(&fresh));

    assert_eq!(
        rows(
            &client,
            "SELECT id, idx, kind, name, version FROM graft._migrations ORDER BY id"
        )
        .await,
        [
            "1|1|schema|schema|1.0.0",
            "2|1|script|1.0.0-001-seed|1.0.0",
            "3|2|schema|schema|1.1.0",
            "4|2|script|1.1.0-001-price|1.1.0",
            "5|3|schema|schema|1.2.0",
        ]
    );
    assert!(m.migrate(&mut client, &shop(true)).await.unwrap().fast_path);

    // back to 1.0.0: the legacy rows hold the down part of 1.1.0-001-price
    let (report, _) = m
        .rollback(
            &mut client,
            "shop",
            1,
            RollbackOptions {
                allow_destructive: true,
                ..RollbackOptions::default()
            },
            None,
        )
        .await
        .unwrap();
    assert!(
        matches!(
            report.plugins[0].1,
            Outcome::RolledBack {
                to_idx: 4,
                scripts: 1,
                ..
            }
        ),
        "{report:?}"
    );
    assert_eq!(rows(&client, "SELECT * FROM shop.items").await, ["1|first"]);
}

/// `_migrations` holds one `schema` or `rollback` row per snapshot of a
/// plugin, and one row per hand-written migration part and snapshot: the
/// server refuses a second.
#[tokio::test]
async fn migrations_rows_are_unique_per_snapshot() {
    let db = test_db().await;
    let mut client = db.connect().await;
    Migrator::default()
        .migrate(&mut client, &shop(false))
        .await
        .unwrap();
    for (sql, key) in [
        (
            "INSERT INTO graft._migrations (plugin, idx, kind, name, hash, statements, \
             started_at, duration_ms) VALUES ('shop', 1, 'rollback', 'rollback to 1', 'x', '[]', \
             now(), 0)",
            "_migrations_head_key",
        ),
        (
            "INSERT INTO graft._migrations (plugin, idx, kind, name, hash, statements, \
             started_at, duration_ms) SELECT plugin, idx, kind, name, hash, statements, \
             started_at, duration_ms FROM graft._migrations WHERE kind = 'script'",
            "_migrations_plugin_idx_name_key",
        ),
    ] {
        let e = client.batch_execute(sql).await.unwrap_err();
        let db_err = e.as_db_error().expect("a server error");
        assert_eq!(db_err.code().code(), "23505", "{sql}: {db_err:?}");
        assert_eq!(db_err.constraint(), Some(key), "{sql}");
    }
}

/// A tracking schema at a version this graft does not know was upgraded by
/// a newer graft: it is refused, and nothing is written.
#[tokio::test]
async fn a_newer_tracking_schema_is_refused() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    m.migrate(&mut client, &shop(false)).await.unwrap();
    let newer = TRACKING_VERSION + 1;
    client
        .batch_execute(&format!(
            "INSERT INTO graft._tracking_version (version, description) VALUES ({newer}, 'future')"
        ))
        .await
        .unwrap();
    let before = pg_dump(&db, &[]);
    let e = m.migrate(&mut client, &shop(true)).await.unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains(&format!("at version {newer}, newer than this graft knows")),
        "{msg}"
    );
    assert_eq!(pg_dump(&db, &[]), before);
}
