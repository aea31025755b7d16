//! Plugins as a system, against real PostgreSQL: dependency errors raised
//! before anything is applied, versions (downgrades, strict mode), foreign
//! keys into other plugins (an implicit dependency and a guard), history,
//! and tracking tables of an older graft upgraded in place.

mod support;

use graft::migrate::PluginError;
use graft::registry::DependencyError;
use graft::testing::test_db;
use graft::{Error, Migrator, Options, Outcome, Plugin};
use support::{plugin, registry, rows, script, state};

fn p(name: &str, version: &str, deps: &[(&str, &str)], tables: &str) -> Plugin {
    let deps: serde_json::Map<String, serde_json::Value> = deps
        .iter()
        .map(|(d, r)| (d.to_string(), serde_json::json!(r)))
        .collect();
    plugin(&format!(
        r#"{{ "plugin": "{name}", "version": "{version}", "depends_on": {}, "tables": [{tables}] }}"#,
        serde_json::Value::Object(deps)
    ))
}

const T: &str =
    r#"{ "name": "t", "columns": [ { "name": "id", "type": "bigint" } ], "primary_key": ["id"] }"#;
const T2: &str = r#"{ "name": "t", "columns": [ { "name": "id", "type": "bigint" }, { "name": "x", "type": "text" } ], "primary_key": ["id"] }"#;

async fn refused(
    client: &mut tokio_postgres::Client,
    m: &Migrator,
    reg: &graft::Registry,
) -> Error {
    let before = state(client).await;
    let err = m.migrate_all(client, reg).await.unwrap_err();
    assert_eq!(state(client).await, before, "the database changed: {err}");
    err
}

#[tokio::test]
async fn dependency_errors_name_plugins_and_versions_and_apply_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    // A plugin already migrated, so that "untouched" covers tracking rows.
    m.migrate(&mut client, &p("base", "1.0.0", &[], T))
        .await
        .unwrap();

    let accounts = p("accounts", "1.4.0", &[], T);
    let billing = p("billing", "1.0.0", &[("accounts", ">=2")], T);
    let err = refused(&mut client, &m, &registry(&[&billing, &accounts])).await;
    assert!(matches!(
        err,
        Error::Dependency(DependencyError::Unsatisfied { .. })
    ));
    assert_eq!(
        err.to_string(),
        "plugin `billing` needs `accounts` >=2, but `accounts` is 1.4.0"
    );

    let err = refused(&mut client, &m, &registry(&[&billing])).await;
    assert!(matches!(
        err,
        Error::Dependency(DependencyError::Missing { .. })
    ));
    assert_eq!(
        err.to_string(),
        "plugin `billing` depends on `accounts` (>=2), which is not registered"
    );

    let a = p("a", "1.0.0", &[("b", "*")], T);
    let b = p("b", "1.0.0", &[("c", "^1")], T);
    let c = p("c", "1.0.0", &[("a", ">=1")], T);
    let err = refused(&mut client, &m, &registry(&[&a, &b, &c])).await;
    assert!(matches!(err, Error::Dependency(DependencyError::Cycle(_))));
    assert_eq!(
        err.to_string(),
        "plugins depend on each other in a cycle: a -> b -> c -> a"
    );
}

#[tokio::test]
async fn a_foreign_key_into_another_plugin_orders_it_first() {
    let db = test_db().await;
    let mut client = db.connect().await;
    // `aa` sorts first and declares no dependency, but references `zz`.
    let aa = p(
        "aa",
        "1.0.0",
        &[],
        r#"{ "name": "r", "columns": [ { "name": "id", "type": "bigint" }, { "name": "z", "type": "bigint" } ],
             "primary_key": ["id"],
             "foreign_keys": [ { "columns": ["z"], "references": { "table": "zz.t", "columns": ["id"] } } ] }"#,
    );
    let zz = p("zz", "1.0.0", &[], T);
    let reg = registry(&[&aa, &zz]);
    let names: Vec<&str> = reg.ordered().unwrap().iter().map(|p| p.name()).collect();
    assert_eq!(names, ["zz", "aa"]);
    Migrator::default()
        .migrate_all(&mut client, &reg)
        .await
        .unwrap();
}

#[tokio::test]
async fn dropping_what_another_plugin_references_is_refused_naming_both() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    });
    let accounts = p("accounts", "1.0.0", &[], T2);
    let billing = p(
        "billing",
        "1.0.0",
        &[("accounts", ">=1")],
        r#"{ "name": "invoices", "columns": [ { "name": "id", "type": "bigint" }, { "name": "account_id", "type": "bigint" } ],
             "primary_key": ["id"],
             "foreign_keys": [ { "columns": ["account_id"], "references": { "table": "accounts.t", "columns": ["id"] } } ] }"#,
    );
    m.migrate_all(&mut client, &registry(&[&accounts, &billing]))
        .await
        .unwrap();

    // accounts alone (billing is only in the database) drops the table.
    let gone = p("accounts", "2.0.0", &[], "");
    let err = refused(&mut client, &m, &registry(&[&gone])).await;
    assert!(
        matches!(&err, Error::Plugin(e) if matches!(**e, PluginError::CrossPlugin { .. })),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("plugin `accounts`")
            && msg.contains("DropTable accounts.t")
            && msg.contains(
                "plugin `billing`'s foreign key billing.invoices.invoices_account_id_fkey"
            )
            && msg.contains("accounts.t (id)"),
        "{msg}"
    );
    // A change of the referenced column's type, with billing declared too.
    let retyped = p(
        "accounts",
        "2.0.0",
        &[],
        r#"{ "name": "t", "columns": [ { "name": "id", "type": "integer" }, { "name": "x", "type": "text" } ], "primary_key": ["id"] }"#,
    );
    let err = refused(&mut client, &m, &registry(&[&retyped, &billing])).await;
    assert!(
        err.to_string().contains("AlterColumn accounts.t.id"),
        "{err}"
    );
    // A column nobody references may go.
    let fine = p("accounts", "2.0.0", &[], T);
    m.migrate_all(&mut client, &registry(&[&fine, &billing]))
        .await
        .unwrap();
}

#[tokio::test]
async fn versions_downgrade_strict_and_warnings() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    m.migrate(&mut client, &p("app", "1.0.0", &[], T))
        .await
        .unwrap();
    m.migrate(&mut client, &p("app", "1.2.0", &[], T2))
        .await
        .unwrap();

    // Lower than recorded: refused, naming both versions.
    let old = p("app", "1.1.0", &[], T);
    let err = refused(&mut client, &m, &registry(&[&old])).await;
    let msg = err.to_string();
    assert!(
        msg.contains("declared version 1.1.0 is lower than the recorded version 1.2.0"),
        "{msg}"
    );

    // A changed schema under the same version: a warning, or an error in strict mode.
    let same_version = p(
        "app",
        "1.2.0",
        &[],
        r#"{ "name": "t", "columns": [ { "name": "id", "type": "bigint" }, { "name": "x", "type": "text" }, { "name": "y", "type": "text" } ], "primary_key": ["id"] }"#,
    );
    let strict = Migrator::new(Options {
        strict: true,
        ..Options::default()
    });
    let err = refused(&mut client, &strict, &registry(&[&same_version])).await;
    assert!(
        matches!(&err, Error::Plugin(e) if matches!(**e, PluginError::VersionUnchanged { .. })),
        "{err}"
    );
    let plans = m
        .plan_all(&mut client, &registry(&[&same_version]))
        .await
        .unwrap();
    assert_eq!(plans[0].warnings.len(), 1, "{plans:?}");
    assert!(plans[0].warnings[0].contains("version 1.2.0 did not"));
    m.migrate(&mut client, &same_version).await.unwrap();

    // Allowed, a downgrade is a rollback: recorded as one, version and schema back.
    let down = Migrator::new(Options {
        allow_downgrade: true,
        allow_destructive: true,
        ..Options::default()
    });
    let r = down.migrate(&mut client, &old).await.unwrap();
    assert!(
        matches!(
            r.plugins[0].1,
            Outcome::RolledBack {
                from_idx: Some(3),
                to_idx: 4,
                ..
            }
        ),
        "{r:?}"
    );
    support::assert_live(&mut client, &old).await;
    assert_eq!(
        rows(
            &client,
            "SELECT idx, kind, name, version FROM graft._migrations WHERE plugin = 'app' ORDER BY id"
        )
        .await,
        [
            "1|schema|schema|1.0.0",
            "2|schema|schema|1.2.0",
            "3|schema|schema|1.2.0",
            "4|rollback|downgrade to 1.1.0|1.1.0"
        ]
    );
    assert!(m.migrate(&mut client, &old).await.unwrap().fast_path);

    // History through the API.
    let h = graft::store::history::read_history(&client, "graft", Some("app"))
        .await
        .unwrap();
    assert_eq!(h.len(), 4);
    assert_eq!(h[3].kind, "rollback");
    assert!(h
        .iter()
        .all(|e| !e.applied_by.is_empty() && e.started_at.ends_with('Z')));
    assert!(
        graft::store::history::read_history(&client, "graft", Some("nope"))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn tracking_tables_of_an_older_graft_are_upgraded_in_place() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    let v1 = p("app", "1.0.0", &[], T);
    m.migrate(&mut client, &v1).await.unwrap();
    // What an older graft left: no _scripts, no scripts_hash, no scripts
    // column, and no recorded layout version.
    client
        .batch_execute(
            "DROP TABLE graft._scripts;
             ALTER TABLE graft._journal DROP COLUMN scripts_hash CASCADE;
             ALTER TABLE graft._snapshots DROP COLUMN scripts;
             DROP TABLE graft._tracking_version;",
        )
        .await
        .unwrap();
    // Reading works (status, plan), the fast path falls back to the slow one.
    assert!(m.store().read_heads(&client).await.unwrap().is_some());
    let plans = m.plan_all(&mut client, &registry(&[&v1])).await.unwrap();
    assert!(!plans[0].is_pending());
    let r = m.migrate(&mut client, &v1).await.unwrap();
    assert!(!r.fast_path && !r.applied_any(), "{r:?}");
    // The slow path upgraded the tables; the next boot is fast again.
    assert!(m.migrate(&mut client, &v1).await.unwrap().fast_path);
    let v2 = p("app", "1.1.0", &[], T2).with_migration(script(
        "1.1.0-001-x.sql",
        "-- graft:up\nUPDATE app.t SET x = 'a';\n",
    ));
    m.migrate(&mut client, &v2).await.unwrap();
    assert_eq!(
        rows(&client, "SELECT name, applied FROM graft._scripts").await,
        ["1.1.0-001-x|t"]
    );
    assert!(m.migrate(&mut client, &v2).await.unwrap().fast_path);
}
