//! A local PostgreSQL cluster run from the server binaries installed on the
//! machine (`initdb`, `pg_ctl`, `postgres`).
//!
//! Two ways to run one:
//!
//! - [`LocalCluster::start_daemon`]: `pg_ctl start`, the server outlives the
//!   process and is reused by the next one. This is what the CLI does when
//!   neither `--database-url` nor `DATABASE_URL` is given, see
//!   [`embedded_default`].
//! - [`LocalCluster::start_child`]: `postgres` as a child process that dies
//!   with the current process (Linux `PR_SET_PDEATHSIG`). This is what the
//!   test harness in [`crate::testing`] does.
//!
//! Clients connect over a unix socket as the superuser `postgres`, with
//! `trust` authentication; the server listens on no TCP address. The port
//! number only names the socket.
//!
//! PostgreSQL refuses to run as root. When the effective user is root, every
//! server program runs as the `postgres` OS user, and the directories and
//! files graft creates for the cluster are owned by that user.

use std::fs;
use std::future::Future;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::{Gid, Pid, Uid};

/// The database superuser every cluster is initialised with.
pub const SUPERUSER: &str = "postgres";

/// The OS user PostgreSQL runs as when graft runs as root.
pub const SERVER_OS_USER: &str = "postgres";

/// The environment variable that, when set, names the directory holding the
/// PostgreSQL server binaries and takes precedence over every other lookup.
pub const BINDIR_ENV: &str = "GRAFT_PG_BINDIR";

/// How long starting a server may take by default.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(60);

/// Longest unix socket path the kernel accepts (`sun_path` minus the NUL).
const MAX_SOCKET_PATH: usize = 107;

/// Longest socket directory for which `<dir>/.s.PGSQL.<port>` always fits.
pub const MAX_SOCKET_DIR_LEN: usize = MAX_SOCKET_PATH - "/.s.PGSQL.65535".len();

/// Environment variables of libpq and the server that must not leak into the
/// programs graft runs: every setting is passed explicitly.
const SCRUBBED_ENV: &[&str] = &[
    "PGDATA",
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGOPTIONS",
    "PGPASSWORD",
    "PGSERVICE",
    "PGCTLTIMEOUT",
];

/// Errors of the embedded PostgreSQL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbeddedError {
    /// No directory with `initdb`, `pg_ctl` and `postgres` was found.
    #[error(
        "no PostgreSQL server binaries found (looked at ${BINDIR_ENV}, `pg_config --bindir`, \
         `initdb` on PATH, /usr/lib/postgresql/*/bin): install PostgreSQL \
         (apt-get install -y postgresql) or pass --database-url"
    )]
    NoBinaries,
    /// Running as root, but the OS user to run PostgreSQL as does not exist.
    #[error(
        "running as root, and PostgreSQL refuses to run as root, but there is no `{name}` OS user \
         to run it as: create one (useradd --system {name}) or run graft as an unprivileged user"
    )]
    NoUser {
        /// The missing user's name.
        name: String,
    },
    /// A program exited unsuccessfully.
    #[error("{cmd}: {status}: {stderr}")]
    Command {
        /// The command line, for the message.
        cmd: String,
        /// How it exited.
        status: String,
        /// Its standard error (and, for server starts, the server log's end).
        stderr: String,
    },
    /// A file system or process operation failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done, e.g. "creating directory".
        op: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The OS user that runs the server cannot reach a directory.
    #[error(
        "{path}: the `{user}` OS user that runs PostgreSQL cannot reach this directory \
         (a parent directory is not searchable by it); choose a directory under /tmp or \
         /var/tmp, or pass --database-url"
    )]
    Unreachable {
        /// The directory.
        path: PathBuf,
        /// The OS user.
        user: String,
    },
    /// An explicitly chosen socket directory is too long for a unix socket.
    #[error(
        "{path}: socket directory is too long for a unix socket ({len} bytes, at most \
         {MAX_SOCKET_DIR_LEN})"
    )]
    SocketPathTooLong {
        /// The directory.
        path: PathBuf,
        /// Its length in bytes.
        len: usize,
    },
    /// A server for the data directory is already running where one was
    /// about to be started as a child.
    #[error(
        "{data_dir}: a PostgreSQL server (pid {pid}) is already running on this data directory"
    )]
    AlreadyRunning {
        /// The data directory.
        data_dir: PathBuf,
        /// The running postmaster's pid.
        pid: i32,
    },
    /// The server did not accept connections in time.
    #[error(
        "postgres on socket {socket_dir} (port {port}) did not accept connections within {}s{}; \
         server log {log_file} ends with:\n{log_tail}",
        waited.as_secs(),
        exited.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
    )]
    NotReady {
        /// The socket directory.
        socket_dir: PathBuf,
        /// The port naming the socket.
        port: u16,
        /// How long graft waited.
        waited: Duration,
        /// How the server process exited, when it did.
        exited: Option<String>,
        /// The server log file.
        log_file: PathBuf,
        /// The last lines of the server log.
        log_tail: String,
    },
    /// A statement or connection failed.
    #[error("{context}: {message}")]
    Database {
        /// What was being done.
        context: String,
        /// The error, with the server's message when there is one.
        message: String,
        /// The underlying error.
        #[source]
        source: tokio_postgres::Error,
    },
}

impl EmbeddedError {
    fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        EmbeddedError::Io {
            op,
            path: path.into(),
            source,
        }
    }

    fn db(context: impl Into<String>, source: tokio_postgres::Error) -> Self {
        EmbeddedError::Database {
            context: context.into(),
            message: pg_error_text(&source),
            source,
        }
    }
}

type Result<T, E = EmbeddedError> = std::result::Result<T, E>;

/// An OS user a server runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsUser {
    /// The user name.
    pub name: String,
    /// The user id.
    pub uid: u32,
    /// The primary group id.
    pub gid: u32,
}

impl OsUser {
    /// The user PostgreSQL must run as: `None` (the current user) unless the
    /// effective user is root, then the [`SERVER_OS_USER`] user.
    pub fn for_server() -> Result<Option<OsUser>> {
        if !nix::unistd::geteuid().is_root() {
            return Ok(None);
        }
        match nix::unistd::User::from_name(SERVER_OS_USER) {
            Ok(Some(u)) => Ok(Some(OsUser {
                name: u.name,
                uid: u.uid.as_raw(),
                gid: u.gid.as_raw(),
            })),
            _ => Err(EmbeddedError::NoUser {
                name: SERVER_OS_USER.to_string(),
            }),
        }
    }
}

/// Settings for [`LocalCluster::init`]; every field has a default.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// Where the server binaries are; default [`LocalCluster::find_bindir`].
    pub bin_dir: Option<PathBuf>,
    /// The unix socket directory; default the data directory, or a short
    /// directory under /tmp when that path is too long for a socket.
    pub socket_dir: Option<PathBuf>,
    /// The port naming the socket; default a currently free TCP port number.
    pub port: Option<u16>,
    /// The server log; default `<data_dir>/postgres.log`.
    pub log_file: Option<PathBuf>,
    /// How long starting may take; default [`DEFAULT_START_TIMEOUT`].
    pub start_timeout: Option<Duration>,
}

/// `max_locks_per_transaction` of the clusters graft starts (the server's
/// default is 64). The lock table is shared, sized this times the connection
/// count, and a transaction holds a lock on every relation it creates (a
/// table, its indexes, its identity sequence). With 200 connections the
/// default runs out ("out of shared memory") a little over 3,000 generated
/// tables into one migration (measured on PostgreSQL 15); this leaves room
/// for four times as many.
pub const MAX_LOCKS_PER_TRANSACTION: u32 = 256;

/// `log_line_prefix` of the clusters [`LocalCluster::start_child`] starts:
/// time, backend pid and, for sessions, `application_name` in brackets, so
/// that a test can pick its own session's lines out of the shared log (e.g.
/// with `log_statement = all` set for that session).
pub const LOG_LINE_PREFIX: &str = "%m [%p] %q[%a] ";

/// What [`LocalCluster::start_daemon`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaemonStart {
    /// The server was started now.
    Started,
    /// A server was already running on the data directory and is reused.
    AlreadyRunning,
}

impl std::fmt::Display for DaemonStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DaemonStart::Started => "started",
            DaemonStart::AlreadyRunning => "already running",
        })
    }
}

/// What a data directory's `postmaster.pid` says about its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostmasterInfo {
    /// The postmaster's process id.
    pub pid: i32,
    /// The port naming the socket.
    pub port: u16,
    /// The (first) unix socket directory, if any.
    pub socket_dir: Option<PathBuf>,
    /// `starting`, `ready`, `stopping` or `standby`; empty for an old file.
    pub status: String,
}

/// A PostgreSQL cluster in a local data directory.
///
/// Created by [`LocalCluster::init`], which runs `initdb` when needed; then
/// started with [`start_daemon`](LocalCluster::start_daemon) or
/// [`start_child`](LocalCluster::start_child). Dropping a cluster started as
/// a child asks its server to shut down (fast mode, without waiting);
/// dropping a daemon leaves it running.
#[derive(Debug)]
pub struct LocalCluster {
    data_dir: PathBuf,
    socket_dir: PathBuf,
    port: u16,
    bin_dir: PathBuf,
    log_file: PathBuf,
    os_user: Option<OsUser>,
    start_timeout: Duration,
    child: Option<ChildHandle>,
}

#[derive(Debug)]
struct ChildHandle {
    pid: i32,
    /// Set, with a description of the exit, once the child has exited.
    exited: Arc<OnceLock<String>>,
}

impl LocalCluster {
    /// The directory holding the PostgreSQL server binaries: `$GRAFT_PG_BINDIR`,
    /// then `pg_config --bindir`, then `initdb` on `PATH` (symlinks resolved),
    /// then the highest version of `/usr/lib/postgresql/*/bin` and
    /// `/usr/pgsql-*/bin`. A candidate counts only if it holds `initdb`,
    /// `pg_ctl` and `postgres`.
    pub fn find_bindir() -> Result<PathBuf> {
        fn has_server(dir: &Path) -> bool {
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|p| dir.join(p).is_file())
        }
        if let Some(dir) = std::env::var_os(BINDIR_ENV) {
            let dir = PathBuf::from(dir);
            if has_server(&dir) {
                return Ok(dir);
            }
        }
        if let Ok(out) = Command::new("pg_config")
            .arg("--bindir")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
        {
            if out.status.success() {
                let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
                if has_server(&dir) {
                    return Ok(dir);
                }
            }
        }
        if let Some(path) = std::env::var_os("PATH") {
            for entry in std::env::split_paths(&path) {
                let candidate = entry.join("initdb");
                if !candidate.is_file() {
                    continue;
                }
                if let Some(dir) = fs::canonicalize(&candidate)
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                {
                    if has_server(&dir) {
                        return Ok(dir);
                    }
                }
            }
        }
        let mut found: Vec<(Vec<u32>, PathBuf)> = Vec::new();
        for (parent, prefix, suffix) in [
            ("/usr/lib/postgresql", "", "bin"),
            ("/usr", "pgsql-", "bin"),
        ] {
            let Ok(entries) = fs::read_dir(parent) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(version) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
                    continue;
                };
                let Some(key) = version
                    .split('.')
                    .map(|p| p.parse::<u32>().ok())
                    .collect::<Option<Vec<u32>>>()
                else {
                    continue;
                };
                let dir = entry.path().join(suffix);
                if has_server(&dir) {
                    found.push((key, dir));
                }
            }
        }
        found
            .into_iter()
            .max_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, dir)| dir)
            .ok_or(EmbeddedError::NoBinaries)
    }

    /// A cluster in `data_dir`, running `initdb` (superuser `postgres`,
    /// `trust` authentication, UTF8, locale C, no sync) unless the directory
    /// already holds one (has `PG_VERSION`). Creates the data, socket and log
    /// locations as needed. Does not start the server.
    pub fn init(data_dir: impl AsRef<Path>, opts: ClusterOptions) -> Result<LocalCluster> {
        let bin_dir = match opts.bin_dir {
            Some(d) => d,
            None => Self::find_bindir()?,
        };
        let os_user = OsUser::for_server()?;
        let data_dir = absolute(data_dir.as_ref())?;
        let log_file = match opts.log_file {
            Some(p) => absolute(&p)?,
            None => data_dir.join("postgres.log"),
        };
        let socket_dir = match opts.socket_dir {
            Some(p) => {
                let p = absolute(&p)?;
                let len = p.as_os_str().len();
                if len > MAX_SOCKET_DIR_LEN {
                    return Err(EmbeddedError::SocketPathTooLong { path: p, len });
                }
                p
            }
            None if data_dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN => data_dir.clone(),
            None => short_socket_dir(&data_dir),
        };
        let port = match opts.port {
            Some(p) => p,
            None => free_port(),
        };
        let cluster = LocalCluster {
            data_dir,
            socket_dir,
            port,
            bin_dir,
            log_file,
            os_user,
            start_timeout: opts.start_timeout.unwrap_or(DEFAULT_START_TIMEOUT),
            child: None,
        };
        if !cluster.data_dir.join("PG_VERSION").is_file() {
            cluster.initdb()?;
        }
        Ok(cluster)
    }

    fn initdb(&self) -> Result<()> {
        let owner = self.os_user.as_ref();
        create_dirs(&self.data_dir, owner)?;
        if let Some(u) = owner {
            chown(&self.data_dir, u)?;
        }
        fs::set_permissions(&self.data_dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| EmbeddedError::io("setting permissions of", &self.data_dir, e))?;
        let mut cmd = self.server_command("initdb");
        cmd.arg("-D").arg(&self.data_dir).args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "-N",
        ]);
        self.run(cmd, "initdb", false)?;
        Ok(())
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The unix socket directory.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The port naming the unix socket.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the server binaries.
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// The server log file.
    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// The OS user the server runs as; `None` for the current user.
    pub fn os_user(&self) -> Option<&OsUser> {
        self.os_user.as_ref()
    }

    /// The cluster's major version, from `PG_VERSION` (e.g. `"15"`).
    pub fn version(&self) -> Option<String> {
        fs::read_to_string(self.data_dir.join("PG_VERSION"))
            .ok()
            .map(|s| s.trim().to_string())
    }

    /// The pid of the server started by [`start_child`](Self::start_child),
    /// while it runs.
    pub fn child_pid(&self) -> Option<i32> {
        self.child
            .as_ref()
            .filter(|c| c.exited.get().is_none())
            .map(|c| c.pid)
    }

    /// A client configuration for database `dbname`: the unix socket, the
    /// port, user `postgres`.
    pub fn config(&self, dbname: &str) -> tokio_postgres::Config {
        socket_config(&self.socket_dir, self.port, dbname)
    }

    /// The same as [`config`](Self::config) as a libpq key/value connection
    /// string (`host=/socket/dir port=N user=postgres dbname=x`), which
    /// `tokio_postgres::Config::from_str` and `psql` accept.
    pub fn url(&self, dbname: &str) -> String {
        format!(
            "host={} port={} user={} dbname={}",
            conninfo_quote(&self.socket_dir.to_string_lossy()),
            self.port,
            SUPERUSER,
            conninfo_quote(dbname)
        )
    }

    /// What `postmaster.pid` says, if the file exists and parses.
    pub fn postmaster(&self) -> Option<PostmasterInfo> {
        let text = fs::read_to_string(self.data_dir.join("postmaster.pid")).ok()?;
        let lines: Vec<&str> = text.lines().collect();
        let pid = lines.first()?.trim().parse().ok()?;
        let port = lines.get(3)?.trim().parse().ok()?;
        let socket_dir = lines
            .get(4)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(PathBuf::from);
        let status = lines
            .get(7)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        Some(PostmasterInfo {
            pid,
            port,
            socket_dir,
            status,
        })
    }

    /// Whether the server accepts connections now (one attempt).
    pub fn is_accepting(&self) -> bool {
        let config = self.config("postgres");
        block_on_fresh(async move { try_connect(&config, Duration::from_secs(2)).await.is_ok() })
            .unwrap_or(false)
    }

    /// Starts the server in the background with `pg_ctl start`, so that it
    /// outlives this process; or, when a server already runs on this data
    /// directory and accepts connections, adopts its socket and port.
    pub fn start_daemon(&mut self) -> Result<DaemonStart> {
        if self.adopt_running()? {
            return Ok(DaemonStart::AlreadyRunning);
        }
        self.remove_stale_pid_file();
        self.prepare_runtime_paths()?;
        let options = format!(
            "-k {} -p {} -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
             -c max_locks_per_transaction={MAX_LOCKS_PER_TRANSACTION}",
            shell_quote(&self.socket_dir.to_string_lossy()),
            self.port
        );
        let mut cmd = self.server_command("pg_ctl");
        cmd.args(["start", "-w", "-s", "-t"])
            .arg(self.start_timeout.as_secs().max(1).to_string())
            .arg("-D")
            .arg(&self.data_dir)
            .arg("-l")
            .arg(&self.log_file)
            .arg("-o")
            .arg(options);
        if let Err(e) = self.run(cmd, "pg_ctl start", true) {
            // Another process may have started it meanwhile.
            if self.adopt_running()? {
                return Ok(DaemonStart::AlreadyRunning);
            }
            return Err(e);
        }
        self.wait_ready(Instant::now() + self.start_timeout, None)?;
        Ok(DaemonStart::Started)
    }

    /// When a live server runs on the data directory, waits until it accepts
    /// connections and takes its socket directory and port.
    fn adopt_running(&mut self) -> Result<bool> {
        let Some(info) = self.postmaster() else {
            return Ok(false);
        };
        if !pid_alive(info.pid) {
            return Ok(false);
        }
        let Some(socket_dir) = info.socket_dir.clone() else {
            return Ok(false);
        };
        let socket = socket_dir.join(format!(".s.PGSQL.{}", info.port));
        let deadline = if info.status == "starting" {
            Instant::now() + self.start_timeout
        } else if socket.exists() {
            Instant::now() + Duration::from_secs(5)
        } else {
            // A stale pid file whose pid was reused by another process.
            return Ok(false);
        };
        let previous = (
            std::mem::replace(&mut self.socket_dir, socket_dir),
            std::mem::replace(&mut self.port, info.port),
        );
        if self.wait_ready(deadline, None).is_ok() {
            Ok(true)
        } else {
            (self.socket_dir, self.port) = previous;
            Ok(false)
        }
    }

    /// Starts `postgres` as a child process that dies when this process dies,
    /// with settings for throwaway data (`fsync`, `synchronous_commit` and
    /// `full_page_writes` off, 200 connections,
    /// [`MAX_LOCKS_PER_TRANSACTION`], log lines prefixed with
    /// [`LOG_LINE_PREFIX`]), and waits until it accepts connections. Safe to call from inside or outside an async runtime; the
    /// server is tied to no runtime.
    pub fn start_child(&mut self) -> Result<()> {
        if let Some(info) = self.postmaster() {
            if pid_alive(info.pid) {
                return Err(EmbeddedError::AlreadyRunning {
                    data_dir: self.data_dir.clone(),
                    pid: info.pid,
                });
            }
        }
        self.remove_stale_pid_file();
        self.prepare_runtime_paths()?;
        let log = fs::OpenOptions::new()
            .append(true)
            .open(&self.log_file)
            .map_err(|e| EmbeddedError::io("opening", &self.log_file, e))?;
        let log2 = log
            .try_clone()
            .map_err(|e| EmbeddedError::io("opening", &self.log_file, e))?;
        let mut cmd = self.server_command("postgres");
        cmd.arg("-D")
            .arg(&self.data_dir)
            .arg("-k")
            .arg(&self.socket_dir)
            .arg("-p")
            .arg(self.port.to_string())
            .args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "listen_addresses=",
                "-c",
                "max_connections=200",
                "-c",
                &format!("max_locks_per_transaction={MAX_LOCKS_PER_TRANSACTION}"),
                "-c",
                &format!("log_line_prefix={LOG_LINE_PREFIX}"),
            ])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2);
        let parent = std::process::id();
        // SAFETY: the closure runs between fork and exec and only makes
        // async-signal-safe system calls (prctl, getppid), allocating nothing.
        // std applies the uid/gid switch before this closure, so the death
        // signal is not cleared by the credential change.
        unsafe {
            cmd.pre_exec(move || {
                nix::sys::prctl::set_pdeathsig(Signal::SIGQUIT).map_err(io::Error::from)?;
                if nix::unistd::getppid().as_raw() as u32 != parent {
                    // The parent died before the death signal was armed.
                    return Err(io::Error::from(nix::errno::Errno::ESRCH));
                }
                Ok(())
            });
        }
        let exited: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
        let (tx, rx) = mpsc::channel();
        let thread_exited = Arc::clone(&exited);
        // The death signal fires when the *thread* that forked the child ends,
        // so the child is spawned from a thread that never returns.
        std::thread::Builder::new()
            .name(format!("graft-postgres-{}", self.port))
            .spawn(move || {
                match cmd.spawn() {
                    Ok(mut child) => {
                        let _ = tx.send(Ok(child.id()));
                        let how = match child.wait() {
                            Ok(status) => format!("postgres exited: {status}"),
                            Err(e) => format!("waiting for postgres failed: {e}"),
                        };
                        let _ = thread_exited.set(how);
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
                loop {
                    std::thread::park();
                }
            })
            .map_err(|e| EmbeddedError::io("spawning a thread for", &self.bin_dir, e))?;
        let pid = rx
            .recv()
            .map_err(|_| {
                EmbeddedError::io(
                    "starting",
                    self.bin_dir.join("postgres"),
                    io::Error::other("the spawning thread ended"),
                )
            })?
            .map_err(|e| self.spawn_error(e, "postgres"))?;
        self.child = Some(ChildHandle {
            pid: pid as i32,
            exited: Arc::clone(&exited),
        });
        let deadline = Instant::now() + self.start_timeout;
        if let Err(e) = self.wait_ready(deadline, Some(&exited)) {
            if exited.get().is_none() {
                let _ = kill(Pid::from_raw(pid as i32), Signal::SIGQUIT);
            }
            self.child = None;
            return Err(e);
        }
        Ok(())
    }

    /// Stops the server with `pg_ctl stop -m fast` and waits until it has
    /// exited; a no-op when it is not running.
    pub fn stop(&mut self) -> Result<()> {
        let running = self.postmaster().is_some_and(|i| pid_alive(i.pid));
        if running {
            let mut cmd = self.server_command("pg_ctl");
            cmd.args(["stop", "-w", "-s", "-m", "fast", "-t"])
                .arg(self.start_timeout.as_secs().max(1).to_string())
                .arg("-D")
                .arg(&self.data_dir);
            if let Err(e) = self.run(cmd, "pg_ctl stop", false) {
                if self.postmaster().is_some_and(|i| pid_alive(i.pid)) {
                    return Err(e);
                }
            }
        }
        if let Some(child) = self.child.take() {
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.exited.get().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        Ok(())
    }

    /// Creates database `name` unless it exists; returns whether it was
    /// created. Retries while the template database is busy.
    pub async fn create_database(&self, name: &str) -> Result<bool> {
        let context = || format!("creating database {name}");
        let (client, connection) = self
            .config("postgres")
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(|e| EmbeddedError::db(context(), e))?;
        let driver = tokio::spawn(connection);
        let sql = format!("CREATE DATABASE {}", quote_ident(name));
        let mut attempt = 0;
        let result = loop {
            // Checked first so that the usual case leaves no error in the log.
            match client
                .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
                .await
            {
                Ok(Some(_)) => break Ok(false),
                Ok(None) => {}
                Err(e) => break Err(EmbeddedError::db(context(), e)),
            }
            match client.batch_execute(&sql).await {
                Ok(()) => break Ok(true),
                Err(e) => match e.code() {
                    Some(c) if *c == tokio_postgres::error::SqlState::DUPLICATE_DATABASE => {
                        break Ok(false)
                    }
                    // Two concurrent creations of the same name.
                    Some(c) if *c == tokio_postgres::error::SqlState::UNIQUE_VIOLATION => {
                        break Ok(false)
                    }
                    // "source database template1 is being accessed by other users"
                    Some(c)
                        if *c == tokio_postgres::error::SqlState::OBJECT_IN_USE
                            && attempt < 100 =>
                    {
                        attempt += 1;
                        tokio::time::sleep(Duration::from_millis(10 + 5 * attempt)).await;
                    }
                    _ => break Err(EmbeddedError::db(context(), e)),
                },
            }
        };
        drop(client);
        let _ = driver.await;
        result
    }

    /// [`create_database`](Self::create_database) for synchronous callers,
    /// including code already running inside an async runtime: it runs on a
    /// fresh thread with its own runtime.
    pub fn create_database_blocking(&self, name: &str) -> Result<bool> {
        block_on_fresh(self.create_database(name))
            .map_err(|e| EmbeddedError::io("starting a runtime for", &self.data_dir, e))?
    }

    /// Removes `postmaster.pid` when its process is gone. PostgreSQL does so
    /// itself for a dead pid, but takes an unreaped zombie (as left where
    /// nothing reaps orphans, e.g. some containers) for a running server.
    fn remove_stale_pid_file(&self) {
        if let Some(info) = self.postmaster() {
            if !pid_alive(info.pid) {
                let _ = fs::remove_file(self.data_dir.join("postmaster.pid"));
            }
        }
    }

    /// Creates the socket directory and the log file when missing, owned by
    /// the server's OS user.
    fn prepare_runtime_paths(&self) -> Result<()> {
        let owner = self.os_user.as_ref();
        if !self.socket_dir.is_dir() {
            create_dirs(&self.socket_dir, owner)?;
            fs::set_permissions(&self.socket_dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| EmbeddedError::io("setting permissions of", &self.socket_dir, e))?;
        }
        // A directory in a world-writable place must be ours, not planted.
        let meta = fs::metadata(&self.socket_dir)
            .map_err(|e| EmbeddedError::io("reading", &self.socket_dir, e))?;
        let expected = owner.map_or_else(|| nix::unistd::geteuid().as_raw(), |u| u.uid);
        if meta.uid() != expected && meta.uid() != nix::unistd::geteuid().as_raw() {
            return Err(EmbeddedError::io(
                "using socket directory",
                &self.socket_dir,
                io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!("owned by uid {}, expected uid {expected}", meta.uid()),
                ),
            ));
        }
        if let Some(parent) = self.log_file.parent() {
            if !parent.is_dir() {
                create_dirs(parent, owner)?;
            }
        }
        if !self.log_file.exists() {
            fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o640)
                .open(&self.log_file)
                .map_err(|e| EmbeddedError::io("creating", &self.log_file, e))?;
            if let Some(u) = owner {
                chown(&self.log_file, u)?;
            }
        }
        Ok(())
    }

    /// Polls for a connection until `deadline`; a server that exited, or the
    /// deadline, is a [`EmbeddedError::NotReady`] with the log's end.
    fn wait_ready(&self, deadline: Instant, exited: Option<&OnceLock<String>>) -> Result<()> {
        let start = Instant::now();
        let config = self.config("postgres");
        let outcome = block_on_fresh(async {
            loop {
                if let Some(how) = exited.and_then(|e| e.get()) {
                    return Some(how.clone());
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if try_connect(
                    &config,
                    left.clamp(Duration::from_millis(100), Duration::from_secs(2)),
                )
                .await
                .is_ok()
                {
                    return None;
                }
                if Instant::now() >= deadline {
                    return Some(String::new());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .map_err(|e| EmbeddedError::io("starting a runtime for", &self.data_dir, e))?;
        match outcome {
            None => Ok(()),
            Some(how) => Err(EmbeddedError::NotReady {
                socket_dir: self.socket_dir.clone(),
                port: self.port,
                waited: start.elapsed(),
                exited: (!how.is_empty()).then_some(how),
                log_file: self.log_file.clone(),
                log_tail: log_tail(&self.log_file, 30),
            }),
        }
    }

    /// A command for one of the server programs, run as the server's OS user
    /// from the data directory.
    fn server_command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        for var in SCRUBBED_ENV {
            cmd.env_remove(var);
        }
        if let Some(u) = &self.os_user {
            cmd.uid(u.uid).gid(u.gid);
            cmd.env("USER", &u.name).env("LOGNAME", &u.name);
        }
        cmd.current_dir(&self.data_dir).stdin(Stdio::null());
        cmd
    }

    fn spawn_error(&self, e: io::Error, program: &str) -> EmbeddedError {
        match (&self.os_user, e.kind()) {
            (Some(u), io::ErrorKind::PermissionDenied) => EmbeddedError::Unreachable {
                path: self.data_dir.clone(),
                user: u.name.clone(),
            },
            _ => EmbeddedError::io("running", self.bin_dir.join(program), e),
        }
    }

    /// Runs `cmd` to completion; failure is a [`EmbeddedError::Command`] with
    /// its standard error (and the log's end when `with_log`).
    fn run(&self, mut cmd: Command, name: &str, with_log: bool) -> Result<Output> {
        let out = cmd.output().map_err(|e| self.spawn_error(e, name))?;
        if out.status.success() {
            return Ok(out);
        }
        let mut stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if stderr.is_empty() {
            stderr = String::from_utf8_lossy(&out.stdout).trim().to_string();
        }
        if with_log {
            let tail = log_tail(&self.log_file, 30);
            if !tail.is_empty() {
                stderr.push_str(&format!(
                    "\nserver log {} ends with:\n{tail}",
                    self.log_file.display()
                ));
            }
        }
        Err(EmbeddedError::Command {
            cmd: format!("{name} -D {}", self.data_dir.display()),
            status: out.status.to_string(),
            stderr,
        })
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            if child.exited.get().is_none() {
                // Fast shutdown; the spawning thread reaps the process.
                let _ = kill(Pid::from_raw(child.pid), Signal::SIGINT);
            }
        }
    }
}

/// The CLI's embedded default: a cluster in `<project_dir>/.graft/pgdata`
/// (log `.graft/postgres.log`, socket directory `.graft/run`, or a short
/// directory under /tmp when that path is too long for a socket), initialised
/// if needed, started with `pg_ctl` unless already running, with a database
/// `graft`. Returns the cluster and a line for the user saying so.
///
/// When graft runs as root and the `postgres` OS user cannot reach
/// `project_dir` (e.g. under `/root`), the cluster lives in
/// `/var/tmp/graft-<hash of project_dir>` instead, and the line says so.
///
/// Blocking; safe to call from inside an async runtime.
pub fn embedded_default(project_dir: impl AsRef<Path>) -> Result<(LocalCluster, String)> {
    let project = absolute(project_dir.as_ref())?;
    let bin_dir = LocalCluster::find_bindir()?;
    let os_user = OsUser::for_server()?;
    let graft_dir = project.join(".graft");
    create_dirs(&graft_dir, os_user.as_ref())?;
    let mut root = graft_dir;
    if let Some(u) = &os_user {
        if !reachable_by(&bin_dir, u, &root) {
            let base = if Path::new("/var/tmp").is_dir() {
                PathBuf::from("/var/tmp")
            } else {
                std::env::temp_dir()
            };
            root = base.join(format!("graft-{}", short_hash(&project)));
            create_dirs(&root, Some(u))?;
            if !reachable_by(&bin_dir, u, &root) {
                return Err(EmbeddedError::Unreachable {
                    path: root,
                    user: u.name.clone(),
                });
            }
        }
    }
    // Concurrent invocations initialise and start the cluster one at a time.
    let lock_path = root.join("lock");
    let lock_file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| EmbeddedError::io("opening", &lock_path, e))?;
    let _lock = nix::fcntl::Flock::lock(lock_file, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| EmbeddedError::io("locking", &lock_path, io::Error::from(e)))?;
    let data_dir = root.join("pgdata");
    let socket_dir = root.join("run");
    let socket_dir = if socket_dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        socket_dir
    } else {
        short_socket_dir(&data_dir)
    };
    let opts = ClusterOptions {
        bin_dir: Some(bin_dir),
        socket_dir: Some(socket_dir),
        log_file: Some(root.join("postgres.log")),
        ..ClusterOptions::default()
    };
    let mut cluster = LocalCluster::init(&data_dir, opts)?;
    let state = cluster.start_daemon()?;
    cluster.create_database_blocking("graft")?;
    let show = |p: &Path| match p.strip_prefix(&project) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => p.display().to_string(),
    };
    let version = cluster.version().unwrap_or_else(|| "?".into());
    let under = if root.starts_with(&project) {
        format!("{}/", show(&root))
    } else {
        format!(
            "{}/ (outside the project because the `{SERVER_OS_USER}` OS user cannot reach {})",
            show(&root),
            project.display()
        )
    };
    let line = match state {
        DaemonStart::Started => {
            let pg_ctl = format!(
                "{} -D {} stop",
                cluster.bin_dir().join("pg_ctl").display(),
                shell_word(&cluster.data_dir().display().to_string())
            );
            let stop = match &os_user {
                Some(u) => format!("su {} -s /bin/sh -c {}", u.name, shell_word(&pg_ctl)),
                None => pg_ctl,
            };
            format!(
                "started a local PostgreSQL {version} under {under} (no --database-url or \
                 DATABASE_URL: the embedded default); data {}, socket {} port {}, log {}, \
                 database graft. It keeps running for the next command; stop it with: {stop}",
                show(cluster.data_dir()),
                show(cluster.socket_dir()),
                cluster.port(),
                show(cluster.log_file()),
            )
        }
        DaemonStart::AlreadyRunning => format!(
            "using the local PostgreSQL {version} under {under} (the embedded default, port {})",
            cluster.port()
        ),
    };
    Ok((cluster, line))
}

/// A client configuration for a server on a unix socket, as `postgres`.
fn socket_config(socket_dir: &Path, port: u16, dbname: &str) -> tokio_postgres::Config {
    let mut config = tokio_postgres::Config::new();
    config
        .host_path(socket_dir)
        .port(port)
        .user(SUPERUSER)
        .dbname(dbname)
        .application_name("graft");
    config
}

async fn try_connect(
    config: &tokio_postgres::Config,
    timeout: Duration,
) -> std::result::Result<(), ()> {
    let mut config = config.clone();
    config.connect_timeout(timeout);
    match tokio::time::timeout(timeout, config.connect(tokio_postgres::NoTls)).await {
        Ok(Ok(_)) => Ok(()),
        _ => Err(()),
    }
}

/// Runs `fut` to completion on a new thread with its own current-thread
/// runtime, so that it works whether or not the caller is inside a runtime.
pub(crate) fn block_on_fresh<F>(fut: F) -> io::Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            Ok(rt.block_on(fut))
        })
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// `err` with its chain of sources, the server's message, SQLSTATE, detail
/// and hint included (see [`crate::error::pg_error_text`]).
pub use crate::error::pg_error_text;

/// `name` as a quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `value` quoted for a libpq key/value connection string when needed.
fn conninfo_quote(value: &str) -> String {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '\\' || c == '=')
    {
        return value.to_string();
    }
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `value` quoted for `/bin/sh` (pg_ctl passes `-o` through a shell).
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// `value` as one `/bin/sh` word: as is when that is safe, else quoted.
fn shell_word(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@%,".contains(c))
    {
        value.to_string()
    } else {
        shell_quote(value)
    }
}

/// A currently free TCP port number on the loopback interface.
fn free_port() -> u16 {
    match std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            20000 + ((std::process::id() ^ nanos) % 40000) as u16
        }
    }
}

/// A short, deterministic socket directory under /tmp for a data directory.
fn short_socket_dir(data_dir: &Path) -> PathBuf {
    PathBuf::from(format!("/tmp/graft-s-{}", short_hash(data_dir)))
}

fn short_hash(path: &Path) -> String {
    let hash = blake3::hash(path.as_os_str().as_encoded_bytes());
    hash.to_hex()[..12].to_string()
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| EmbeddedError::io("resolving", path, e))
}

/// Whether `pid` is a live process (one we may not signal counts; a zombie
/// does not).
pub(crate) fn pid_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    let signalable = match kill(Pid::from_raw(pid), None) {
        Ok(()) => true,
        Err(e) => e == nix::errno::Errno::EPERM,
    };
    // A zombie (exited, not yet reaped) can be signalled but is dead.
    signalable
        && !fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rfind(')')
                .and_then(|i| stat[i + 1..].trim_start().chars().next())
                == Some('Z')
        })
}

/// Whether `user` can change into `dir`, probed by running `postgres
/// --version` as that user from there.
fn reachable_by(bin_dir: &Path, user: &OsUser, dir: &Path) -> bool {
    Command::new(bin_dir.join("postgres"))
        .arg("--version")
        .uid(user.uid)
        .gid(user.gid)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn chown(path: &Path, user: &OsUser) -> Result<()> {
    nix::unistd::chown(
        path,
        Some(Uid::from_raw(user.uid)),
        Some(Gid::from_raw(user.gid)),
    )
    .map_err(|e| EmbeddedError::io("changing owner of", path, io::Error::from(e)))
}

/// Creates `path` and its missing parents; each directory created is owned
/// by `owner` when given.
pub(crate) fn create_dirs(path: &Path, owner: Option<&OsUser>) -> Result<()> {
    let mut missing = Vec::new();
    let mut cur = Some(path);
    while let Some(p) = cur {
        if p.is_dir() {
            break;
        }
        missing.push(p);
        cur = p.parent();
    }
    for p in missing.into_iter().rev() {
        match fs::create_dir(p) {
            Ok(()) => {
                if let Some(u) = owner {
                    chown(p, u)?;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && p.is_dir() => {}
            Err(e) => return Err(EmbeddedError::io("creating directory", p, e)),
        }
    }
    Ok(())
}

/// The last `lines` lines of a log file (at most its last 16 KiB).
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = fs::File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(16 * 1024)));
    let mut buf = Vec::new();
    let _ = file.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parses_back() {
        let url = format!(
            "host={} port=5999 user=postgres dbname={}",
            conninfo_quote("/tmp/a b"),
            conninfo_quote("x'y")
        );
        let c: tokio_postgres::Config = url.parse().unwrap();
        assert_eq!(c.get_ports(), &[5999]);
        assert_eq!(c.get_dbname(), Some("x'y"));
        assert_eq!(
            c.get_hosts(),
            &[tokio_postgres::config::Host::Unix("/tmp/a b".into())]
        );
    }

    #[test]
    fn socket_dir_limit_fits_the_kernel() {
        let dir = "/".repeat(MAX_SOCKET_DIR_LEN);
        assert!(format!("{dir}/.s.PGSQL.65535").len() <= MAX_SOCKET_PATH);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("/a b/c'd"), "'/a b/c'\\''d'");
        assert_eq!(
            shell_word("/tmp/x-1/.graft/pgdata"),
            "/tmp/x-1/.graft/pgdata"
        );
        assert_eq!(shell_word("/a b"), "'/a b'");
    }
}
