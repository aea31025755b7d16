//! The boot path: a no-op `migrate_all` of 50 plugins beside a bare
//! `SELECT 1` on the same connection; and applying 1,000 new tables.
//!
//! `cargo bench --bench boot` starts the test harness's throwaway cluster
//! (`graft::testing`), migrates 50 plugins of 10 generated tables each (one
//! namespace per plugin, in dependency chains of five, two hand-written
//! migrations each) once, then on a new
//! connection alternates the no-op `migrate_all` (the fast path: one simple
//! query reading `graft._journal`) with `SELECT 1` and prints the medians
//! and their ratio (and that of the minimums, steadier on a busy machine);
//! then the same on the connection that ran the first migration. Target: within 3x of `SELECT 1`. Last it times `migrate` of
//! one 1,000-table plugin into empty databases.

use graft::bench_support::{generated_schema_in, plugin_schemas, Summary};
use graft::registry::{Plugin, Registry};
use graft::testing::test_db;
use graft::Migrator;
use std::time::Instant;

const PLUGINS: usize = 50;
const TABLES_PER_PLUGIN: usize = 10;
const BOOT_RUNS: usize = 1_000;
const APPLY_TABLES: usize = 1_000;
const APPLY_RUNS: usize = 3;

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async {
        boot().await;
        apply_new_tables().await;
    });
}

fn registry() -> Registry {
    let v1: semver::Version = "1.0.0".parse().expect("a version");
    let mut r = Registry::new();
    for (i, (name, schema)) in plugin_schemas(PLUGINS, TABLES_PER_PLUGIN)
        .into_iter()
        .enumerate()
    {
        // Two hand-written migrations each: the fast path compares their
        // digest too.
        let mut p = Plugin::new(name, schema)
            .with_version(v1.clone())
            .with_migration(graft::Migration::sql(v1.clone(), 1, "a", "SELECT 1"))
            .with_migration(graft::Migration::sql(v1.clone(), 2, "b", "SELECT 2"));
        if i % 5 != 0 {
            p = p.depends_on(
                format!("p{:02}", i - 1),
                ">=1.0.0".parse().expect("a requirement"),
            );
        }
        r.add(p).expect("unique plugin names");
    }
    r
}

async fn boot() {
    let db = test_db().await;
    let mut first_client = db.connect().await;
    let registry = registry();
    let migrator = Migrator::default();

    let t = Instant::now();
    let first = migrator
        .migrate_all(&mut first_client, &registry)
        .await
        .expect("first boot");
    assert!(!first.fast_path && first.applied_any());
    println!(
        "first boot: {PLUGINS} plugins x {TABLES_PER_PLUGIN} tables applied in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    // A boot is a new process on a new connection. The connection that ran
    // the first migration is measured too: after a transaction that took
    // thousands of locks, every later transaction on it (SELECT 1 included)
    // ends a little slower, which flatters the ratio.
    let mut boot_client = db.connect().await;
    let fresh = measure(&migrator, &registry, &mut boot_client).await;
    let reused = measure(&migrator, &registry, &mut first_client).await;
    for (label, m) in [
        ("new connection", fresh),
        ("the first boot's connection", reused),
    ] {
        println!("{label}:");
        println!(
            "  no-op migrate_all of {PLUGINS} plugins: {} over {BOOT_RUNS} runs",
            m.noop
        );
        println!(
            "  SELECT 1 (simple protocol, one round trip): {}",
            m.select1
        );
        println!(
            "  SELECT 1 (query_one: prepare + execute, two round trips): {}",
            m.prepared
        );
        println!(
            "  ratio no-op migrate_all / SELECT 1: {:.2} of medians, {:.2} of minimums (target <= 3); \
             / prepared SELECT 1: {:.2} of medians",
            m.noop.median / m.select1.median,
            m.noop.min / m.select1.min,
            m.noop.median / m.prepared.median
        );
    }
}

struct Boot {
    noop: Summary,
    select1: Summary,
    prepared: Summary,
}

/// Alternates the no-op `migrate_all` with `SELECT 1` (both protocols) on
/// `client`, after one warm-up round.
async fn measure(
    migrator: &Migrator,
    registry: &Registry,
    client: &mut tokio_postgres::Client,
) -> Boot {
    let mut noop = Vec::with_capacity(BOOT_RUNS);
    let mut select1 = Vec::with_capacity(BOOT_RUNS);
    let mut prepared = Vec::with_capacity(BOOT_RUNS);
    for i in 0..=BOOT_RUNS {
        let t = Instant::now();
        let report = migrator
            .migrate_all(client, registry)
            .await
            .expect("no-op boot");
        let noop_ms = t.elapsed().as_secs_f64() * 1e3;
        assert!(report.fast_path && !report.applied_any());

        let t = Instant::now();
        client.simple_query("SELECT 1").await.expect("SELECT 1");
        let select1_ms = t.elapsed().as_secs_f64() * 1e3;

        let t = Instant::now();
        client.query_one("SELECT 1", &[]).await.expect("SELECT 1");
        let prepared_ms = t.elapsed().as_secs_f64() * 1e3;
        if i > 0 {
            noop.push(noop_ms);
            select1.push(select1_ms);
            prepared.push(prepared_ms);
        }
    }
    Boot {
        noop: Summary::of(&noop),
        select1: Summary::of(&select1),
        prepared: Summary::of(&prepared),
    }
}

async fn apply_new_tables() {
    let plugin = Plugin::new("big", generated_schema_in("big", APPLY_TABLES, 0));
    let migrator = Migrator::default();
    let mut samples = Vec::with_capacity(APPLY_RUNS);
    let mut statements = 0;
    for _ in 0..APPLY_RUNS {
        let db = test_db().await;
        let mut client = db.connect().await;
        let t = Instant::now();
        let report = migrator
            .migrate(&mut client, &plugin)
            .await
            .expect("applying 1,000 new tables");
        samples.push(t.elapsed().as_secs_f64() * 1e3);
        if let Some((_, graft::Outcome::Applied { statements: n, .. })) = report.plugins.first() {
            statements = *n;
        }
    }
    let s = Summary::of(&samples);
    println!(
        "apply {APPLY_TABLES} new tables ({statements} statements, one transaction): \
         {s} over {APPLY_RUNS} fresh databases"
    );
}
