//! End to end against real PostgreSQL: declare, plan, apply, introspect, compare.

use graft::declare::load_dir;
use graft::introspect::introspect;
use graft::testing::test_db;
use graft::{Migrator, Options, Outcome, Plugin, Registry};

fn fixtures() -> Registry {
    let mut r = Registry::new();
    for d in load_dir("schema-fixtures").expect("fixtures load") {
        r.add(Plugin::from(d)).unwrap();
    }
    r
}

#[tokio::test]
async fn fixtures_apply_then_noop_and_introspect_equal() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::new(Options::default());
    let reg = fixtures();
    let r = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(r.applied_any(), "{r:?}");
    assert!(!r.fast_path);
    // migrate again: the fast path, nothing applied
    let r2 = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(r2.fast_path && !r2.applied_any(), "{r2:?}");
    for p in reg.plugins() {
        let ns = p.schema().namespaces.clone();
        let mut live = introspect(&mut client, &ns).await.unwrap().schema;
        live.extensions =
            graft::model::extensions_as_declared(&live.extensions, &p.schema().extensions);
        let declared = graft::snapshot::Snapshot::new(p.schema().clone());
        let live = graft::snapshot::Snapshot::new(live);
        assert_eq!(
            graft::snapshot::diff_text(&declared, &live),
            "",
            "plugin {} differs from the live database",
            p.name()
        );
    }
}

#[tokio::test]
async fn concurrent_migrations_apply_exactly_once() {
    let db = test_db().await;
    let reg = std::sync::Arc::new(fixtures());
    let mut handles = Vec::new();
    for _ in 0..8 {
        let reg = reg.clone();
        let mut client = db.connect().await;
        handles.push(tokio::spawn(async move {
            Migrator::default().migrate_all(&mut client, &reg).await
        }));
    }
    let mut applied = 0;
    for h in handles {
        let r = h.await.unwrap().expect("every caller succeeds");
        if r.applied_any() {
            applied += 1;
        }
    }
    assert_eq!(applied, 1, "exactly one instance applies");
    let client = db.connect().await;
    let n: i64 = client
        .query_one("SELECT count(*) FROM graft._migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, reg.plugins().len() as i64);
}

#[tokio::test]
async fn failing_plan_leaves_nothing_behind() {
    let db = test_db().await;
    let mut client = db.connect().await;
    // a default that cannot be evaluated makes the CREATE TABLE fail at run time
    let bad = graft::declare::from_json_str(
        r#"{"plugin":"bad","tables":[{"name":"t","columns":[{"name":"a","type":"integer","default":"no_such_function()"}]}]}"#,
        None,
    )
    .unwrap();
    let err = Migrator::default()
        .migrate(&mut client, &Plugin::from(bad))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("plugin `bad`") && msg.contains("rolled back"),
        "{msg}"
    );
    let n: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname IN ('bad', 'graft')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "schema and tracking tables were rolled back");
}

#[tokio::test]
async fn destructive_steps_are_refused_unless_allowed() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = graft::declare::from_json_str(
        r#"{"plugin":"p","tables":[{"name":"t","columns":[{"name":"a","type":"integer"},{"name":"b","type":"text"}]}]}"#,
        None,
    )
    .unwrap();
    let v2 = graft::declare::from_json_str(
        r#"{"plugin":"p","tables":[{"name":"t","columns":[{"name":"a","type":"integer"}]}]}"#,
        None,
    )
    .unwrap();
    Migrator::default()
        .migrate(&mut client, &Plugin::from(v1))
        .await
        .unwrap();
    let v2 = Plugin::from(v2);
    let err = Migrator::default()
        .migrate(&mut client, &v2)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DropColumn"), "{err}");
    let m = Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    });
    let r = m.migrate(&mut client, &v2).await.unwrap();
    assert!(
        matches!(r.plugins[0].1, Outcome::Applied { to_idx: 2, .. }),
        "{r:?}"
    );
}
