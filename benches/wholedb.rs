//! Whole databases of 1,000 and 5,000 tables: introspection, and `graft
//! diff` between two such databases end to end.
//!
//! `cargo bench --bench wholedb` starts the test harness's throwaway
//! cluster (`graft::testing`) and, for each size, applies (with graft's own
//! `Migrator`) two versions of a generated schema to two databases: tables
//! of eleven columns of mixed types (identity, text, numeric, enum,
//! timestamptz, jsonb, uuid, boolean, text[], date, a foreign key to the
//! previous table), a primary key, a check, an index on every table and an
//! expression index on every fifth, a view on every tenth table and a
//! materialized view on every hundredth; the second version alters every
//! tenth table, drops every fiftieth, adds 5% more and changes every
//! twentieth view. It then prints the median introspection time of the
//! first database (all 15 catalog queries, one snapshot) and of the `graft
//! diff --from A --to B` binary run end to end (connect both, introspect
//! both, diff, plan, render, print), and the growth from 1,000 to 5,000.
//!
//! Aims: 1,000 tables introspected in under 250 ms; growth close to linear.

use graft::bench_support::{generated_schema_in, Summary};
use graft::introspect::{introspect, CATALOG_QUERIES};
use graft::model::{
    Check, Column, ColumnType, Index, IndexKey, IndexTarget, QualName, Schema, View,
};
use graft::registry::Plugin;
use graft::testing::{test_db, TestCluster, TestDb};
use graft::{Migrator, Options};
use std::process::{Command, Stdio};
use std::time::Instant;

const SIZES: [usize; 2] = [1_000, 5_000];

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run());
}

/// The generated schema of `n` tables, widened (see the module docs).
fn schema(n: usize, variant: u8) -> Schema {
    let mut s = generated_schema_in("app", n, variant);
    let mut views = Vec::new();
    for (i, t) in s.tables.iter_mut().enumerate() {
        let mut c = Column::new("meta", ColumnType::builtin("jsonb"));
        c.default = Some("'{}'::jsonb".into());
        t.columns.push(c);
        t.columns
            .push(Column::new("ref", ColumnType::builtin("uuid")));
        let mut c = Column::new("active", ColumnType::builtin("boolean"));
        c.default = Some("true".into());
        c.nullable = false;
        t.columns.push(c);
        t.columns
            .push(Column::new("tags", ColumnType::builtin("text[]")));
        t.columns
            .push(Column::new("day", ColumnType::builtin("date")));
        t.checks.push(Check {
            name: format!("{}_amount_check", t.name.name),
            expr: "(amount >= (0)::numeric)".into(),
        });
        if i % 5 == 0 {
            t.indexes.push(Index {
                name: format!("{}_lower_idx", t.name.name),
                unique: false,
                method: "btree".into(),
                keys: vec![IndexKey {
                    target: IndexTarget::Expr("lower(name)".into()),
                    desc: false,
                    nulls_first: None,
                }],
                include: vec![],
                predicate: Some("active".into()),
            });
        }
        let tn = t.name.name.clone();
        if i % 10 == 0 {
            let cut = if variant == 1 && i % 200 == 0 { 10 } else { 0 };
            views.push(View::new(
                QualName::new("app", format!("v_{tn}")),
                format!("SELECT {tn}.id, {tn}.name FROM app.{tn} WHERE ({tn}.amount > ({cut})::numeric)"),
            ));
        }
        if i % 100 == 0 {
            let mut v = View::new(
                QualName::new("app", format!("m_{tn}")),
                format!("SELECT {tn}.status, count(*) AS n FROM app.{tn} GROUP BY {tn}.status"),
            );
            v.materialized = true;
            views.push(v);
        }
    }
    s.views = views;
    s.normalize();
    s
}

async fn apply(db: &TestDb, s: &Schema) -> f64 {
    let mut client = db.connect().await;
    let t = Instant::now();
    Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    })
    .migrate(&mut client, &Plugin::new("app", s.clone()))
    .await
    .expect("applying the generated schema");
    t.elapsed().as_secs_f64()
}

/// One `graft diff` run of the binary, in ms, and the statements it printed.
fn diff_once(from: &str, to: &str) -> (f64, usize) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_graft"))
        .args(["diff", "--from", from, "--to", to])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("running graft diff");
    let ms = t.elapsed().as_secs_f64() * 1e3;
    assert!(
        out.status.success(),
        "graft diff failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let statements = String::from_utf8_lossy(&out.stdout).matches(";\n").count();
    (ms, statements)
}

async fn run() {
    let cluster = TestCluster::global().cluster();
    println!(
        "PostgreSQL {}, {CATALOG_QUERIES} catalog queries per introspection",
        cluster.version().unwrap_or_default()
    );
    let mut results = Vec::new();
    for n in SIZES {
        let (a, b) = (schema(n, 0), schema(n, 1));
        let (db_a, db_b) = (test_db().await, test_db().await);
        let (ta, tb) = (apply(&db_a, &a).await, apply(&db_b, &b).await);
        let indexes: usize = a.tables.iter().map(|t| t.indexes.len() + 1).sum();
        let fks: usize = a.tables.iter().map(|t| t.foreign_keys.len()).sum();
        println!(
            "{n} tables: {} views, {indexes} indexes, {fks} foreign keys; applied in {ta:.1} s \
             and {tb:.1} s (the second version)",
            a.views.len()
        );

        let mut client = db_a.connect().await;
        let ns = vec!["app".to_string()];
        let first = introspect(&mut client, &ns).await.expect("introspecting");
        assert_eq!(first.schema.tables.len(), n);
        assert_eq!(first.stats.queries, CATALOG_QUERIES);
        let intro_runs = if n <= 1_000 { 21 } else { 7 };
        let mut samples = Vec::with_capacity(intro_runs);
        for _ in 0..intro_runs {
            let t = Instant::now();
            let got = introspect(&mut client, &ns).await.expect("introspecting");
            samples.push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(got.schema.tables.len(), n);
        }
        let intro = Summary::of(&samples);

        let (url_a, url_b) = (db_a.url(), db_b.url());
        diff_once(&url_a, &url_b); // warm-up
        let runs = if n <= 1_000 { 7 } else { 3 };
        let mut samples = Vec::with_capacity(runs);
        let mut statements = 0;
        for _ in 0..runs {
            let (ms, st) = diff_once(&url_a, &url_b);
            samples.push(ms);
            statements = st;
        }
        let diff = Summary::of(&samples);
        println!("  introspect: {intro} over {intro_runs} runs");
        println!("  graft diff --from A --to B end to end: {diff} ({statements} statements)");
        results.push((n, intro.median, diff.median));
    }
    let (small, large) = (results[0], results[1]);
    let scale = large.0 as f64 / small.0 as f64;
    println!(
        "growth {} -> {} tables (x{scale:.0}): introspect x{:.2}, diff x{:.2} (linear: x{scale:.0})",
        small.0,
        large.0,
        large.1 / small.1,
        large.2 / small.2
    );
    println!(
        "aim: {} tables introspected in under 250 ms: {:.0} ms",
        small.0, small.1
    );
}
