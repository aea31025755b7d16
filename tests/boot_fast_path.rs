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

/// `migrate_all` looks the journal rows up in the registry's name index when
/// they come back in another order than the registry's; any plugin whose
/// hash or version differs, or that has no journal row, takes the slow path.
#[tokio::test]
async fn migrate_all_takes_the_fast_path_only_when_every_plugin_matches() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    let reg = |plugins: &[&Plugin]| {
        let mut r = Registry::new();
        for p in plugins {
            r.add((*p).clone()).unwrap();
        }
        r
    };
    let (zz, aa, mm) = (
        plugin("zz", Some("1.0.0")),
        plugin("aa", Some("1.0.0")),
        plugin("mm", None),
    );
    // recorded zz first, then aa and mm: the journal's rows are not in the
    // registry's (name) order
    m.migrate(&mut client, &zz).await.unwrap();
    let all = reg(&[&zz, &aa, &mm]);
    let first = m.migrate_all(&mut client, &all).await.unwrap();
    assert!(!first.fast_path);
    let again = m.migrate_all(&mut client, &all).await.unwrap();
    assert!(again.fast_path && !again.applied_any(), "{again:?}");
    // a subset: the other rows are ignored
    assert!(
        m.migrate_all(&mut client, &reg(&[&mm]))
            .await
            .unwrap()
            .fast_path
    );

    // a hash differs, a version differs, a version appears, a plugin is
    // new: each takes the slow path once, and the fast path after it
    let aa2 =
        Plugin::new("aa", generated_schema_in("aa", 3, 0)).with_version("1.0.0".parse().unwrap());
    let aa3 =
        Plugin::new("aa", generated_schema_in("aa", 3, 0)).with_version("1.0.1".parse().unwrap());
    let mm2 = plugin("mm", Some("0.1.0"));
    let new = plugin("new", None);
    for (plugins, changed, outcome) in [
        (vec![&zz, &aa2, &mm], "aa", "applied"),
        (vec![&zz, &aa3, &mm], "aa", "version"),
        (vec![&zz, &aa3, &mm2], "mm", "version"),
        (vec![&zz, &aa3, &mm2, &new], "new", "applied"),
    ] {
        let r = reg(&plugins);
        let report = m.migrate_all(&mut client, &r).await.unwrap();
        assert!(!report.fast_path, "{changed}: {report:?}");
        let (_, o) = report.plugins.iter().find(|(p, _)| p == changed).unwrap();
        match outcome {
            "applied" => assert!(matches!(o, Outcome::Applied { .. }), "{changed}: {o:?}"),
            _ => assert_eq!(*o, Outcome::VersionRecorded, "{changed}"),
        }
        assert!(
            report
                .plugins
                .iter()
                .filter(|(p, _)| p != changed)
                .all(|(_, o)| *o == Outcome::UpToDate),
            "{report:?}"
        );
        let again = m.migrate_all(&mut client, &r).await.unwrap();
        assert!(
            again.fast_path && !again.applied_any(),
            "{changed}: {again:?}"
        );
    }
    // the journal edited by hand: its boot key follows (a generated column)
    let r = reg(&[&zz, &aa3, &mm2, &new]);
    for (edit, undo) in [
        (
            "UPDATE graft._journal SET head_hash = 'x' || head_hash WHERE plugin = 'zz'",
            "UPDATE graft._journal SET head_hash = substr(head_hash, 2) WHERE plugin = 'zz'",
        ),
        (
            "UPDATE graft._journal SET version = NULL WHERE plugin = 'aa'",
            "UPDATE graft._journal SET version = '1.0.1' WHERE plugin = 'aa'",
        ),
        (
            "UPDATE graft._journal SET scripts_hash = 'ff' WHERE plugin = 'mm'",
            "UPDATE graft._journal SET scripts_hash = NULL WHERE plugin = 'mm'",
        ),
    ] {
        client.batch_execute(edit).await.unwrap();
        let declared: Vec<DeclaredHead<'_>> = r.plugins().iter().map(DeclaredHead::of).collect();
        assert_eq!(
            m.store().heads_match(&client, &declared).await.unwrap(),
            Some(false),
            "{edit}"
        );
        client.batch_execute(undo).await.unwrap();
        assert!(
            m.migrate_all(&mut client, &r).await.unwrap().fast_path,
            "{undo}"
        );
    }
}
