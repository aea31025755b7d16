//! The snapshot format, pinned: declarations that use every kind and
//! option graft models (`tests/golden/schemas/`), with the canonical
//! snapshot JSON and blake3 hash today's graft stores for them
//! (`tests/golden/stored/`), and a per-kind breakdown of that hash.
//!
//! The stored files are what a database migrated by this graft holds in
//! `graft._snapshots`. They are fixtures, not expectations to re-bless:
//! later versions of graft must still load them, verify them against their
//! hashes and diff them to nothing against the same declarations (a
//! property added later must be absent from them and mean PostgreSQL's
//! default). A refactoring must not change a byte of them.
//!
//! `GRAFT_GOLDEN_WRITE=1` writes the stored files of a *new* schema file;
//! it never overwrites one.

use graft::declare::{load_file, Declared};
use graft::snapshot::{hash_bytes, Snapshot};
use std::path::{Path, PathBuf};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The golden declarations, by plugin name.
fn declarations() -> Vec<Declared> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(golden().join("schemas"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| load_file(p).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// `<kind> <hash>` for every collection of the snapshot's schema (in the
/// snapshot's own key order), then `snapshot <hash>`.
fn breakdown(s: &Snapshot) -> String {
    let v: serde_json::Value = serde_json::from_slice(&s.canonical_bytes()).unwrap();
    let mut out = String::new();
    for (kind, value) in v["schema"].as_object().unwrap() {
        let bytes = serde_json::to_vec(value).unwrap();
        out.push_str(&format!("{kind} {}\n", hash_bytes(&bytes)));
    }
    out.push_str(&format!("snapshot {}\n", s.hash()));
    out
}

fn stored(plugin: &str, ext: &str) -> PathBuf {
    golden().join("stored").join(format!("{plugin}.{ext}"))
}

/// Reads a stored file, writing it first when it is missing and
/// `GRAFT_GOLDEN_WRITE=1`.
fn read_or_write(path: &Path, content: &[u8]) -> Vec<u8> {
    if !path.exists() && std::env::var("GRAFT_GOLDEN_WRITE").as_deref() == Ok("1") {
        std::fs::write(path, content).unwrap();
    }
    std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (GRAFT_GOLDEN_WRITE=1 writes a missing one)",
            path.display()
        )
    })
}

#[test]
fn the_golden_declarations_cover_every_kind() {
    let all = declarations();
    let d = all.iter().find(|d| d.plugin == "golden").unwrap();
    let s = &d.schema;
    let t = s.tables.iter().find(|t| t.name.name == "invoices").unwrap();
    let kinds = [
        (
            "extension with version",
            s.extensions.iter().any(|e| e.version.is_some()),
        ),
        ("enum", !s.enums.is_empty()),
        ("domain", !s.domains.is_empty()),
        ("composite type", !s.composite_types.is_empty()),
        ("view", s.views.iter().any(|v| !v.materialized)),
        ("materialized view", s.views.iter().any(|v| v.materialized)),
        ("sequence", !s.sequences.is_empty()),
        ("serial", t.columns.iter().any(|c| c.serial)),
        ("identity", t.columns.iter().any(|c| c.identity.is_some())),
        ("generated", t.columns.iter().any(|c| c.generated.is_some())),
        ("collation", t.columns.iter().any(|c| c.collation.is_some())),
        (
            "column comment",
            t.columns.iter().any(|c| c.comment.is_some()),
        ),
        ("table comment", t.comment.is_some()),
        ("primary key", t.primary_key.is_some()),
        ("unique", !t.uniques.is_empty()),
        ("foreign key", !t.foreign_keys.is_empty()),
        ("check", !t.checks.is_empty()),
        (
            "partial index",
            t.indexes.iter().any(|i| i.predicate.is_some()),
        ),
        (
            "index include",
            t.indexes.iter().any(|i| !i.include.is_empty()),
        ),
        (
            "function",
            s.functions
                .iter()
                .any(|f| f.kind == graft::model::FunctionKind::Function),
        ),
        (
            "procedure",
            s.functions
                .iter()
                .any(|f| f.kind == graft::model::FunctionKind::Procedure),
        ),
        ("trigger", !s.triggers.is_empty()),
        (
            "row security",
            t.row_security.enabled && t.row_security.forced,
        ),
        ("policy", !t.policies.is_empty()),
        ("grant", !s.grants.is_empty()),
    ];
    let missing: Vec<&str> = kinds
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(k, _)| *k)
        .collect();
    assert!(missing.is_empty(), "not covered: {missing:?}");
}

#[test]
fn golden_snapshots_are_byte_for_byte_what_graft_stores() {
    for d in declarations() {
        let snap = Snapshot::new(d.schema.clone());
        let bytes = snap.canonical_bytes();
        let want = read_or_write(&stored(&d.plugin, "snapshot.json"), &bytes);
        assert!(
            want == bytes,
            "the canonical snapshot of `{}` changed:\n{}",
            d.plugin,
            graft::snapshot::diff_text(
                &Snapshot::from_json(std::str::from_utf8(&want).unwrap()).unwrap(),
                &snap
            )
        );
        let hashes = breakdown(&snap);
        let want = read_or_write(&stored(&d.plugin, "hashes"), hashes.as_bytes());
        assert_eq!(
            String::from_utf8(want).unwrap(),
            hashes,
            "the hashes of `{}` changed",
            d.plugin
        );
    }
}

#[test]
fn stored_snapshots_load_verify_and_diff_to_nothing() {
    for d in declarations() {
        let text = std::fs::read_to_string(stored(&d.plugin, "snapshot.json")).unwrap();
        let hashes = std::fs::read_to_string(stored(&d.plugin, "hashes")).unwrap();
        let want = hashes
            .lines()
            .find_map(|l| l.strip_prefix("snapshot "))
            .unwrap();
        // loaded as the store loads it (jsonb may reorder keys: see the
        // snapshot module's own tests), it verifies against its hash
        let loaded = Snapshot::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", d.plugin));
        assert_eq!(loaded.hash().as_str(), want, "{}", d.plugin);
        assert_eq!(graft::snapshot::hash_bytes(text.as_bytes()).as_str(), want);
        // and it is the declaration: nothing to do either way
        let declared = Snapshot::new(d.schema.clone()).schema;
        assert_eq!(graft::diff::diff(&loaded.schema, &declared), []);
        assert_eq!(graft::diff::diff(&declared, &loaded.schema), []);
    }
}

/// The golden declarations are real: they migrate into an empty database,
/// the snapshot the store records is the golden one, the live database
/// reads back as declared, and migrating again does nothing.
#[tokio::test]
async fn golden_declarations_migrate_and_store_the_golden_snapshot() {
    let db = graft::testing::test_db().await;
    let mut client = db.connect().await;
    client
        .batch_execute(
            "DO $$ BEGIN CREATE ROLE graft_golden_reader; \
             EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        )
        .await
        .unwrap();
    let mut registry = graft::Registry::new();
    for d in declarations() {
        registry.add(graft::Plugin::from(d)).unwrap();
    }
    let migrator = graft::Migrator::new(graft::Options::default());
    let report = migrator
        .migrate_all(&mut client, &registry)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.applied_any(), "{report:?}");
    for d in declarations() {
        let row = client
            .query_one(
                "SELECT hash, snapshot::text FROM graft._snapshots WHERE plugin = $1 \
                 ORDER BY idx DESC LIMIT 1",
                &[&d.plugin],
            )
            .await
            .unwrap();
        let hashes = std::fs::read_to_string(stored(&d.plugin, "hashes")).unwrap();
        let want = hashes
            .lines()
            .find_map(|l| l.strip_prefix("snapshot "))
            .unwrap();
        assert_eq!(row.get::<_, String>(0), want, "{}", d.plugin);
        let back = Snapshot::from_json(&row.get::<_, String>(1)).unwrap();
        assert_eq!(back.hash().as_str(), want, "{}", d.plugin);

        let mut live = graft::introspect::introspect(&mut client, &d.schema.namespaces)
            .await
            .unwrap()
            .schema;
        live.extensions =
            graft::model::extensions_as_declared(&live.extensions, &d.schema.extensions);
        // `depends_on` of a view names what its definition reaches only
        // through a function: a declared ordering hint, not in `pg_depend`
        let mut declared = d.schema.clone();
        for v in &mut declared.views {
            v.depends_on.clear();
        }
        assert_eq!(
            graft::snapshot::diff_text(&Snapshot::new(declared), &Snapshot::new(live)),
            "",
            "plugin {} reads back differently",
            d.plugin
        );
    }
    let again = migrator.migrate_all(&mut client, &registry).await.unwrap();
    assert!(!again.applied_any(), "{again:?}");
}
