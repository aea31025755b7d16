//! The test harness: one throwaway PostgreSQL cluster per test process, and
//! a fresh database per test.
//!
//! ```no_run
//! # async fn example() {
//! let db = graft::testing::test_db().await;
//! let client = db.connect().await;
//! client.batch_execute("CREATE TABLE t (id int)").await.unwrap();
//! # }
//! ```
//!
//! The cluster is initialised into `std::env::temp_dir()/graft-test/<pid>-<n>`
//! on first use and runs as a child of the test process (fsync off, unix
//! socket only); it dies with the process. Directories left by processes that
//! no longer run are removed when the next cluster starts. Nothing needs to
//! be running beforehand; only the PostgreSQL server binaries must be
//! installed (see [`LocalCluster::find_bindir`]).
//!
//! Starting the cluster is synchronous and tied to no async runtime, so tests
//! that each build their own runtime (`#[tokio::test]`) can share it and run
//! in parallel. Helpers panic on failure: they are for tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::embedded::{create_dirs, pid_alive, ClusterOptions, EmbeddedError, LocalCluster};

static CLUSTER: OnceLock<Result<TestCluster, String>> = OnceLock::new();
static CLUSTER_SEQ: AtomicUsize = AtomicUsize::new(0);
static DB_SEQ: AtomicUsize = AtomicUsize::new(0);
/// Serialises `CREATE DATABASE`: concurrent copies of `template1` can fail
/// with "source database is being accessed by other users". A tokio mutex is
/// runtime-agnostic, so tests on different runtimes share it safely.
static CREATE_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The directory under `std::env::temp_dir()` that holds test clusters.
pub const TEST_DIR_NAME: &str = "graft-test";

/// The per-process test cluster.
#[derive(Debug)]
pub struct TestCluster {
    cluster: LocalCluster,
    root: PathBuf,
}

impl TestCluster {
    /// The process's cluster, started on first use (blocking, about a
    /// second). Panics with the reason when it cannot start.
    pub fn global() -> &'static TestCluster {
        match Self::try_global() {
            Ok(c) => c,
            Err(e) => panic!("graft test cluster: {e}"),
        }
    }

    /// [`global`](Self::global) without the panic: the reason it could not
    /// start (the same on every call).
    pub fn try_global() -> Result<&'static TestCluster, &'static str> {
        CLUSTER
            .get_or_init(|| Self::start().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }

    fn start() -> Result<TestCluster, EmbeddedError> {
        let base = std::env::temp_dir().join(TEST_DIR_NAME);
        if !base.is_dir() {
            create_dirs(&base, None)?;
            // Shared by every user's test processes, like /tmp itself.
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o1777));
        }
        remove_stale(&base);
        let pid = std::process::id();
        let n = CLUSTER_SEQ.fetch_add(1, Ordering::Relaxed);
        let root = base.join(format!("{pid}-{n}"));
        if root.exists() {
            // Left by an earlier process with the same pid.
            let _ = std::fs::remove_dir_all(&root);
        }
        let os_user = crate::embedded::OsUser::for_server()?;
        create_dirs(&root, os_user.as_ref())?;
        let socket_dir = root.join("run");
        let opts = ClusterOptions {
            socket_dir: (socket_dir.as_os_str().len() <= crate::embedded::MAX_SOCKET_DIR_LEN)
                .then_some(socket_dir),
            log_file: Some(root.join("postgres.log")),
            ..ClusterOptions::default()
        };
        let mut cluster = LocalCluster::init(root.join("pgdata"), opts)?;
        cluster.start_child()?;
        Ok(TestCluster { cluster, root })
    }

    /// The running cluster.
    pub fn cluster(&self) -> &LocalCluster {
        &self.cluster
    }

    /// The directory holding the data directory, socket and log.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates database `name` (unless it exists), serialised with every
    /// other creation in this process.
    pub async fn create_database(&self, name: &str) -> Result<bool, EmbeddedError> {
        let _guard = CREATE_LOCK.lock().await;
        self.cluster.create_database(name).await
    }
}

/// A fresh, empty database on the process's test cluster, uniquely named
/// after the calling test's thread. Must be called inside a tokio runtime.
pub async fn test_db() -> TestDb {
    let cluster = TestCluster::global();
    let name = unique_db_name();
    if let Err(e) = cluster.create_database(&name).await {
        panic!("graft test cluster: {e}");
    }
    TestDb {
        config: cluster.cluster.config(&name),
        url: cluster.cluster.url(&name),
        name,
    }
}

fn unique_db_name() -> String {
    let n = DB_SEQ.fetch_add(1, Ordering::Relaxed);
    let thread = std::thread::current();
    let mut stem: String = thread
        .name()
        .unwrap_or("db")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    // Keep the end of the path: it names the test.
    if stem.len() > 40 {
        stem = stem[stem.len() - 40..].to_string();
    }
    let stem = stem.trim_matches('_');
    format!("t_{stem}_{n}")
}

/// A database of its own for one test.
#[derive(Debug, Clone)]
pub struct TestDb {
    /// The database's name.
    pub name: String,
    config: tokio_postgres::Config,
    url: String,
}

impl TestDb {
    /// A client configuration for this database.
    pub fn config(&self) -> tokio_postgres::Config {
        self.config.clone()
    }

    /// This database as a libpq key/value connection string, which
    /// `tokio_postgres::Config::from_str` (and the CLI's `--database-url`)
    /// accepts.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// A new connection, its driver spawned on the current tokio runtime.
    /// Panics when it cannot connect.
    pub async fn connect(&self) -> tokio_postgres::Client {
        let (client, connection) = match self.config.connect(tokio_postgres::NoTls).await {
            Ok(c) => c,
            Err(e) => panic!(
                "connecting to test database {}: {}",
                self.name,
                crate::embedded::pg_error_text(&e)
            ),
        };
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }

    /// A connection pool (at most 16 connections) for this database. Its
    /// connections belong to the runtime that first uses them.
    pub fn pool(&self) -> deadpool_postgres::Pool {
        self.pool_with_size(16)
    }

    /// A connection pool of at most `max_size` connections.
    pub fn pool_with_size(&self, max_size: usize) -> deadpool_postgres::Pool {
        let manager = deadpool_postgres::Manager::from_config(
            self.config(),
            tokio_postgres::NoTls,
            deadpool_postgres::ManagerConfig {
                recycling_method: deadpool_postgres::RecyclingMethod::Fast,
            },
        );
        match deadpool_postgres::Pool::builder(manager)
            .max_size(max_size)
            .build()
        {
            Ok(pool) => pool,
            Err(e) => panic!("building a pool for test database {}: {e}", self.name),
        }
    }
}

/// Removes the cluster directories of test processes that no longer run.
fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != me && !pid_alive(pid as i32) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
