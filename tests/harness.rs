//! The test harness itself: one cluster per process, a database per test,
//! and the daemon mode of the embedded PostgreSQL.

use graft::embedded::{ClusterOptions, DaemonStart, LocalCluster};
use graft::testing::{test_db, TestCluster};

/// Each of these runs on its own runtime, in parallel with the others, and
/// creates a table with the same name in its own database.
macro_rules! parallel_tests {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let db = test_db().await;
            let client = db.connect().await;
            let row = client.query_one("SELECT current_database()", &[]).await.unwrap();
            let current: String = row.get(0);
            assert_eq!(current, db.name);
            client
                .batch_execute(
                    "CREATE TABLE same_name (id int PRIMARY KEY, who text NOT NULL);",
                )
                .await
                .unwrap();
            client
                .execute("INSERT INTO same_name VALUES (1, $1)", &[&db.name])
                .await
                .unwrap();
            let rows = client.query("SELECT who FROM same_name", &[]).await.unwrap();
            assert_eq!(rows.len(), 1, "a database of its own");
            assert_eq!(rows[0].get::<_, String>(0), db.name);
        }
    )*};
}

parallel_tests!(
    parallel_00,
    parallel_01,
    parallel_02,
    parallel_03,
    parallel_04,
    parallel_05,
    parallel_06,
    parallel_07,
    parallel_08,
    parallel_09,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_databases_at_once_on_one_runtime() {
    let dbs = futures_join_all((0..24).map(|_| test_db())).await;
    let mut names: Vec<_> = dbs.iter().map(|d| d.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 24);
    let pool = dbs[0].pool();
    let client = pool.get().await.unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
}

/// Joins futures without an extra dependency: each on its own task.
async fn futures_join_all<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn url_is_accepted_by_tokio_postgres() {
    let db = test_db().await;
    let config: tokio_postgres::Config = db.url().parse().unwrap();
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    let name: String = client
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(name, db.name);
}

/// The cluster is the process's own: started by this process, as its child,
/// in a temp directory named after it.
#[test]
fn cluster_is_started_by_this_process() {
    let tc = TestCluster::global();
    let cluster = tc.cluster();
    let pid = cluster.child_pid().expect("started as a child");
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let ppid: u32 = after_name.split(' ').nth(1).unwrap().parse().unwrap();
    assert_eq!(ppid, std::process::id(), "postgres is our child");
    let expected = std::env::temp_dir()
        .join("graft-test")
        .join(format!("{}-", std::process::id()));
    assert!(
        tc.root()
            .to_string_lossy()
            .starts_with(&*expected.to_string_lossy()),
        "{} under {}",
        tc.root().display(),
        expected.display()
    );
    assert_eq!(cluster.postmaster().unwrap().pid, pid);
    assert!(cluster.is_accepting());
    // Usable from plain synchronous code too.
    assert!(cluster.create_database_blocking("sync_created").unwrap());
    assert!(!cluster.create_database_blocking("sync_created").unwrap());
}

/// Stops a daemon when a test fails half-way.
struct StopOnDrop(LocalCluster);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.stop();
    }
}

#[test]
fn local_cluster_daemon_lifecycle() {
    let tmp = tempfile::tempdir().unwrap();
    // The `postgres` OS user must be able to traverse it when we are root.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = tmp.path().join("pgdata");

    let mut first = LocalCluster::init(&data, ClusterOptions::default()).unwrap();
    assert!(data.join("PG_VERSION").is_file());
    assert_eq!(first.start_daemon().unwrap(), DaemonStart::Started);
    let mut guard = StopOnDrop(first);
    let first = &mut guard.0;
    assert!(first.is_accepting());

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = first
            .config("postgres")
            .connect(tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
        assert_eq!(one, 1);
        assert!(first.create_database("app").await.unwrap());
        assert!(!first.create_database("app").await.unwrap());
    });

    // A second handle on the same data directory finds the running server.
    let mut second = LocalCluster::init(&data, ClusterOptions::default()).unwrap();
    assert_eq!(second.start_daemon().unwrap(), DaemonStart::AlreadyRunning);
    assert_eq!(second.port(), first.port());
    assert_eq!(second.socket_dir(), first.socket_dir());
    assert_eq!(second.url("app"), first.url("app"));

    first.stop().unwrap();
    assert!(first.postmaster().is_none(), "postmaster.pid removed");
    assert!(!second.is_accepting());
    // Stopping a stopped cluster is fine.
    second.stop().unwrap();
}

#[test]
fn bindir_is_found() {
    let dir = LocalCluster::find_bindir().unwrap();
    assert!(dir.join("initdb").is_file());
}
