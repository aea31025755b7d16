//! The boot fast path (`Store::heads_match`, used by `migrate_all`): one
//! query reading `graft._journal`, compared with the declared plugins.

use graft::bench_support::generated_schema_in;
use graft::store::DeclaredHead;
use graft::testing::test_db;
use graft::{Migrator, Outcome, Plugin, Registry};

fn plugin(name: &str, version: Option<&str>) -> Plugin {
    let p = Plugin::new(name, generated_schema_in(name, 2, 0));
    match version {
        Some(v) => p.with_version(v.parse().unwrap()),
        None => p,
    }
}

fn heads<'a>(plugins: &'a [&'a Plugin]) -> Vec<DeclaredHead<'a>> {
    plugins.iter().map(|p| DeclaredHead::of(p)).collect()
}

#[tokio::test]
async fn fast_path_matches_hash_and_version_in_any_row_order() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    let (a, b, c) = (
        plugin("fa", Some("1.0.0")),
        plugin("fb", None),
        plugin("fc", Some("2.1.0-rc.1")),
    );
    assert_eq!(
        m.store().heads_match(&client, &heads(&[&a])).await.unwrap(),
        None,
        "no tracking tables yet"
    );
    let mut reg = Registry::new();
    for p in [&a, &b, &c] {
        reg.add(p.clone()).unwrap();
    }
    let first = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(!first.fast_path && first.applied_any());

    let store = m.store();
    // Declared in journal order, in reverse, and a subset: the journal row of
    // a plugin not declared is ignored.
    assert_eq!(
        store
            .heads_match(&client, &heads(&[&a, &b, &c]))
            .await
            .unwrap(),
        Some(true)
    );
    assert_eq!(
        store
            .heads_match(&client, &heads(&[&c, &b, &a]))
            .await
            .unwrap(),
        Some(true)
    );
    assert_eq!(
        store.heads_match(&client, &heads(&[&b])).await.unwrap(),
        Some(true)
    );
    // A plugin without a journal row, another version, another version where
    // none was recorded, another hash: each misses.
    let d = plugin("fd", None);
    assert_eq!(
        store.heads_match(&client, &heads(&[&a, &d])).await.unwrap(),
        Some(false)
    );
    let a2 = plugin("fa", Some("1.0.1"));
    assert_eq!(
        store
            .heads_match(&client, &heads(&[&a2, &b]))
            .await
            .unwrap(),
        Some(false)
    );
    let a_none = plugin("fa", None);
    assert_eq!(
        store
            .heads_match(&client, &heads(&[&a_none]))
            .await
            .unwrap(),
        Some(false)
    );
    let b_versioned = plugin("fb", Some("1.0.0"));
    assert_eq!(
        store
            .heads_match(&client, &heads(&[&b_versioned]))
            .await
            .unwrap(),
        Some(false)
    );
    let b_other = Plugin::new("fb", generated_schema_in("fb", 3, 0));
    assert_eq!(
        store
            .heads_match(&client, &heads(&[&b_other]))
            .await
            .unwrap(),
        Some(false)
    );

    // Through migrate_all: the fast path, then a version bump that only
    // records the version, then the fast path again.
    let again = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(again.fast_path && !again.applied_any(), "{again:?}");
    let mut bumped = Registry::new();
    for p in [&a2, &b, &c] {
        bumped.add(p.clone()).unwrap();
    }
    let r = m.migrate_all(&mut client, &bumped).await.unwrap();
    assert!(!r.fast_path);
    assert_eq!(
        r.plugins,
        vec![
            ("fa".to_string(), Outcome::VersionRecorded),
            ("fb".to_string(), Outcome::UpToDate),
            ("fc".to_string(), Outcome::UpToDate),
        ]
    );
    let r = m.migrate_all(&mut client, &bumped).await.unwrap();
    assert!(r.fast_path && !r.applied_any(), "{r:?}");
}
