//! Rollback against real PostgreSQL: two steps back and forward again with
//! the data kept, a rollback rolled back, and every refusal (missing down
//! part, data loss, bad target, a failing down part, another plugin's
//! foreign key) leaving the database as it was.

mod support;

use graft::migrate::PluginError;
use graft::testing::test_db;
use graft::{Error, Migrator, Options, Outcome, Plugin, RollbackOptions};
use support::{assert_live, plugin, rows, script, state};

const V1: &str = r#"{ "plugin": "shop", "version": "1.0.0", "tables": [ { "name": "orders",
  "columns": [ { "name": "id", "type": "bigint" },
               { "name": "amount", "type": "numeric(12,2)", "nullable": false, "default": "0" } ],
  "primary_key": ["id"] } ] }"#;
const V2: &str = r#"{ "plugin": "shop", "version": "1.1.0", "tables": [ { "name": "orders",
  "columns": [ { "name": "id", "type": "bigint" },
               { "name": "amount_cents", "type": "bigint", "nullable": false } ],
  "primary_key": ["id"] } ] }"#;
const V3: &str = r#"{ "plugin": "shop", "version": "1.2.0", "tables": [ { "name": "orders",
  "columns": [ { "name": "id", "type": "bigint" },
               { "name": "amount_cents", "type": "bigint", "nullable": false },
               { "name": "size", "type": "text", "nullable": false } ],
  "primary_key": ["id"] } ] }"#;

fn cents() -> graft::Migration {
    script(
        "1.1.0-001-cents.sql",
        "-- graft:up\nUPDATE shop.orders SET amount_cents = (amount * 100)::bigint;\n\
         -- graft:down\nUPDATE shop.orders SET amount = amount_cents / 100.0;\n",
    )
}

fn size() -> graft::Migration {
    script(
        "1.2.0-001-size.sql",
        "-- graft:up\n\
         UPDATE shop.orders SET size = CASE WHEN amount_cents > 1000 THEN 'big' ELSE 'small' END;\n\
         -- graft:down\nUPDATE shop.orders SET size = NULL;\n",
    )
}

fn v1() -> Plugin {
    plugin(V1)
}
fn v2() -> Plugin {
    plugin(V2).with_migration(cents())
}
fn v3() -> Plugin {
    plugin(V3).with_migrations([cents(), size()])
}

fn destructive() -> Migrator {
    Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    })
}

const ALLOW: RollbackOptions = RollbackOptions {
    allow_destructive: true,
    allow_missing_down: false,
    dry_run: false,
};

/// shop at 1.2.0 (snapshots 1, 2, 3) with rows inserted along the way.
async fn shop_at_v3(client: &mut tokio_postgres::Client, m: &Migrator) {
    m.migrate(client, &v1()).await.unwrap();
    client
        .batch_execute("INSERT INTO shop.orders VALUES (1, 12.50), (2, 3.00)")
        .await
        .unwrap();
    m.migrate(client, &v2()).await.unwrap();
    m.migrate(client, &v3()).await.unwrap();
    client
        .batch_execute("INSERT INTO shop.orders VALUES (3, 99900, 'big')")
        .await
        .unwrap();
}

#[tokio::test]
async fn two_steps_back_and_forward_again_keeps_the_data() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = destructive();
    shop_at_v3(&mut client, &m).await;

    let (report, pp) = m
        .rollback(&mut client, "shop", 1, ALLOW, None)
        .await
        .unwrap();
    assert_eq!(
        report.plugins[0].1,
        Outcome::RolledBack {
            from_idx: Some(3),
            to_idx: 4,
            steps: pp.plan.steps.len(),
            scripts: 2
        }
    );
    assert_live(&mut client, &v1()).await;
    assert_eq!(
        rows(&client, "SELECT id, amount FROM shop.orders ORDER BY id").await,
        ["1|12.50", "2|3.00", "3|999.00"]
    );
    assert_eq!(
        rows(
            &client,
            "SELECT version, head_idx, scripts_hash IS NULL FROM graft._journal"
        )
        .await,
        ["1.0.0|4|t"]
    );
    assert_eq!(
        rows(
            &client,
            "SELECT kind, name FROM graft._migrations WHERE idx = 4 ORDER BY id"
        )
        .await,
        [
            "rollback|rollback to 1",
            "script|1.2.0-001-size (down)",
            "script|1.1.0-001-cents (down)"
        ]
    );
    // The boot at 1.0.0 is a no-op now.
    assert!(m.migrate(&mut client, &v1()).await.unwrap().fast_path);

    // Forward again: the undone migrations run again.
    let r = m.migrate(&mut client, &v3()).await.unwrap();
    assert!(
        matches!(r.plugins[0].1, Outcome::Applied { to_idx: 5, .. }),
        "{r:?}"
    );
    assert_live(&mut client, &v3()).await;
    assert_eq!(
        rows(
            &client,
            "SELECT id, amount_cents, size FROM shop.orders ORDER BY id"
        )
        .await,
        ["1|1250|big", "2|300|small", "3|99900|big"]
    );
    assert!(m.migrate(&mut client, &v3()).await.unwrap().fast_path);
}

#[tokio::test]
async fn a_rollback_is_itself_reversible() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = destructive();
    shop_at_v3(&mut client, &m).await;
    m.rollback(&mut client, "shop", 1, ALLOW, None)
        .await
        .unwrap();
    // Back to snapshot 3: the schema diff and the up parts again, from the
    // tracking tables (no files needed).
    let (report, _) = m
        .rollback(&mut client, "shop", 3, ALLOW, None)
        .await
        .unwrap();
    assert!(
        matches!(
            report.plugins[0].1,
            Outcome::RolledBack {
                to_idx: 5,
                scripts: 2,
                ..
            }
        ),
        "{report:?}"
    );
    assert_live(&mut client, &v3()).await;
    assert_eq!(
        rows(
            &client,
            "SELECT id, amount_cents, size FROM shop.orders ORDER BY id"
        )
        .await,
        ["1|1250|big", "2|300|small", "3|99900|big"]
    );
    // The journal now matches the 1.2.0 declaration exactly: a no-op boot.
    assert!(m.migrate(&mut client, &v3()).await.unwrap().fast_path);
}

async fn refused(
    client: &mut tokio_postgres::Client,
    m: &Migrator,
    to: i32,
    opts: RollbackOptions,
    declared: Option<&Plugin>,
) -> Error {
    let before = state(client).await;
    let err = m
        .rollback(client, "shop", to, opts, declared)
        .await
        .unwrap_err();
    assert_eq!(state(client).await, before, "the database changed: {err}");
    err
}

#[tokio::test]
async fn refused_rollbacks_leave_the_database_untouched() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = destructive();
    // 1.1.0's migration has no down part here.
    m.migrate(&mut client, &v1()).await.unwrap();
    client
        .batch_execute("INSERT INTO shop.orders VALUES (1, 12.50)")
        .await
        .unwrap();
    let no_down = script(
        "1.1.0-001-cents.sql",
        "-- graft:up\nUPDATE shop.orders SET amount_cents = (amount * 100)::bigint;\n",
    );
    m.migrate(&mut client, &plugin(V2).with_migration(no_down.clone()))
        .await
        .unwrap();
    let failing = script(
        "1.2.0-001-size.sql",
        "-- graft:up\nUPDATE shop.orders SET size = 'small';\n\
         -- graft:down\nUPDATE shop.orders SET nosuchcolumn = NULL;\n",
    );
    m.migrate(&mut client, &plugin(V3).with_migrations([no_down, failing]))
        .await
        .unwrap();

    let err = refused(&mut client, &m, 1, ALLOW, None).await;
    assert!(
        matches!(&err, Error::Plugin(e) if matches!(**e, PluginError::MissingDown { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("1.1.0-001-cents"), "{err}");

    // Data loss (the `size` column) without permission.
    let err = refused(&mut client, &m, 2, RollbackOptions::default(), None).await;
    assert!(matches!(err, Error::Destructive { .. }), "{err}");

    // A down part that fails: everything rolled back.
    let err = refused(&mut client, &m, 2, ALLOW, None).await;
    assert!(
        matches!(&err, Error::Plugin(e) if matches!(**e, PluginError::Script { part: "down", .. })),
        "{err}"
    );
    assert!(err.to_string().contains("nosuchcolumn"), "{err}");

    // Targets that are not earlier snapshots.
    for to in [3, 9, 0] {
        let err = refused(&mut client, &m, to, ALLOW, None).await;
        assert!(
            matches!(&err, Error::Plugin(e) if matches!(**e, PluginError::RollbackTarget { .. })),
            "{err}"
        );
    }
    let before = state(&mut client).await;
    assert!(m
        .rollback(&mut client, "nosuchplugin", 1, ALLOW, None)
        .await
        .is_err());
    assert_eq!(state(&mut client).await, before);

    // A dry run plans and changes nothing.
    let before = state(&mut client).await;
    let opts = RollbackOptions {
        dry_run: true,
        allow_missing_down: true,
        ..ALLOW
    };
    let (_, pp) = m
        .rollback(&mut client, "shop", 1, opts, None)
        .await
        .unwrap();
    assert!(!pp.plan.steps.is_empty());
    assert_eq!(state(&mut client).await, before);
}

#[tokio::test]
async fn a_rollback_that_drops_what_another_plugin_references_is_refused() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = destructive();
    m.migrate(&mut client, &v1()).await.unwrap();
    let with_items = plugin(
        r#"{ "plugin": "shop", "version": "1.1.0", "tables": [
          { "name": "orders", "columns": [ { "name": "id", "type": "bigint" },
              { "name": "amount", "type": "numeric(12,2)", "nullable": false, "default": "0" } ],
            "primary_key": ["id"] },
          { "name": "items", "columns": [ { "name": "id", "type": "bigint" } ], "primary_key": ["id"] } ] }"#,
    );
    m.migrate(&mut client, &with_items).await.unwrap();
    let stock = plugin(
        r#"{ "plugin": "stock", "version": "1.0.0", "depends_on": { "shop": ">=1.1.0" }, "tables": [
          { "name": "levels", "columns": [ { "name": "item_id", "type": "bigint" } ],
            "primary_key": ["item_id"],
            "foreign_keys": [ { "columns": ["item_id"], "references": { "table": "shop.items", "columns": ["id"] } } ] } ] }"#,
    );
    m.migrate(&mut client, &stock).await.unwrap();
    let err = refused(&mut client, &m, 1, ALLOW, None).await;
    let msg = err.to_string();
    assert!(
        msg.contains("DropTable shop.items") && msg.contains("plugin `stock`'s foreign key"),
        "{msg}"
    );
}
