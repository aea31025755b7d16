//! Introspection of 1,000 generated tables against `pg_dump --schema-only`
//! of the same database.
//!
//! `cargo bench --bench introspect` starts the test harness's throwaway
//! cluster (`graft::testing`), creates a database holding
//! `generated_schema(1000, 0)` (applied by graft's own `Migrator`), then
//! prints the median of several runs of `graft::introspect::introspect` and
//! of `pg_dump --schema-only` (the cluster's own binary, as a subprocess over
//! the unix socket), and their ratio. Target: introspection faster than
//! pg_dump.

use graft::bench_support::{generated_schema, Summary};
use graft::introspect::{introspect, CATALOG_QUERIES};
use graft::registry::Plugin;
use graft::testing::{test_db, TestCluster};
use graft::Migrator;
use std::process::{Command, Stdio};
use std::time::Instant;

const TABLES: usize = 1_000;
const INTROSPECT_RUNS: usize = 21;
const PG_DUMP_RUNS: usize = 7;

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run());
}

async fn run() {
    let cluster = TestCluster::global().cluster();
    let db = test_db().await;
    let mut client = db.connect().await;

    let declared = generated_schema(TABLES, 0);
    let plugin = Plugin::new("app", declared.clone());
    let t = Instant::now();
    Migrator::default()
        .migrate(&mut client, &plugin)
        .await
        .expect("applying the generated schema");
    println!(
        "setup: applied {TABLES} generated tables in {:.0} ms (PostgreSQL {})",
        t.elapsed().as_secs_f64() * 1e3,
        cluster.version().unwrap_or_default()
    );

    let namespaces = vec!["app".to_string()];
    let first = introspect(&mut client, &namespaces)
        .await
        .expect("introspecting");
    assert_eq!(first.schema.tables.len(), TABLES);
    assert_eq!(first.stats.queries, CATALOG_QUERIES);
    if first.schema.tables != declared.tables || first.schema.enums != declared.enums {
        println!("warning: the introspected schema differs from the declared one");
    }

    let mut samples = Vec::with_capacity(INTROSPECT_RUNS);
    for _ in 0..INTROSPECT_RUNS {
        let t = Instant::now();
        let got = introspect(&mut client, &namespaces)
            .await
            .expect("introspecting");
        samples.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(got.schema.tables.len(), TABLES);
    }
    let ours = Summary::of(&samples);

    let pg_dump = cluster.bin_dir().join("pg_dump");
    let dump = |only_app: bool| {
        let mut cmd = Command::new(&pg_dump);
        cmd.arg("--schema-only")
            .arg("--no-sync")
            .arg("-f")
            .arg("/dev/null")
            .arg("-h")
            .arg(cluster.socket_dir())
            .arg("-p")
            .arg(cluster.port().to_string())
            .arg("-U")
            .arg("postgres")
            .arg("-d")
            .arg(&db.name)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if only_app {
            cmd.arg("-n").arg("app");
        }
        let t = Instant::now();
        let out = cmd.output().expect("running pg_dump");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        assert!(
            out.status.success(),
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        ms
    };
    dump(false); // warm-up
    let whole: Vec<f64> = (0..PG_DUMP_RUNS).map(|_| dump(false)).collect();
    let whole = Summary::of(&whole);
    let app_only: Vec<f64> = (0..PG_DUMP_RUNS).map(|_| dump(true)).collect();
    let app_only = Summary::of(&app_only);

    println!(
        "introspect {TABLES} tables ({CATALOG_QUERIES} catalog queries): {ours} over {INTROSPECT_RUNS} runs"
    );
    println!(
        "pg_dump --schema-only of the same database: {whole} over {PG_DUMP_RUNS} runs \
         (-n app: {app_only})"
    );
    println!(
        "ratio introspect / pg_dump: {:.2} (whole database), {:.2} (-n app); target < 1",
        ours.median / whole.median,
        ours.median / app_only.median
    );
}
