//! The corpus judge: loads each case of `tests/corpus/` with `psql`, has
//! graft rebuild it (diff from an empty database, pull then apply, A→B and
//! B→A for pairs) and compares `pg_dump --schema-only` of the rebuilt
//! database with the original's, normalised ([`dump`]). graft's own
//! introspection is never asked whether the result is right; it is only
//! asked, when PostgreSQL sees a difference, whether graft sees one too
//! (the blind-spot check).

pub mod dump;
pub mod expect;

use expect::{Check, Stage, Status};
use graft::testing::TestCluster;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::AsyncWriteExt;

const BIN: &str = env!("CARGO_BIN_EXE_graft");

/// The PostgreSQL major version the expectation table was observed on:
/// other versions print other dumps (and accept other SQL).
pub const PG_MAJOR: &str = "15";

/// How long one psql, pg_dump or graft run may take (each takes well
/// under a second on the corpus; a hang is a failure, not a wait).
const PROCESS_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// What a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// One feature (`features/<name>.sql`).
    Feature,
    /// A realistic multi-feature schema (`apps/<name>.sql`).
    App,
    /// A change (`pairs/<name>.a.sql` → `pairs/<name>.b.sql`).
    Pair,
}

/// One case of the corpus.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its name: the file stem, unique in the corpus.
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// Its file (a pair's A).
    pub file: PathBuf,
    /// A pair's B.
    pub b: Option<PathBuf>,
}

impl Case {
    /// The checks that apply to this case.
    pub fn checks(&self) -> &'static [Check] {
        match self.kind {
            Kind::Feature | Kind::App => &[Check::Diff, Check::Pull, Check::Blind],
            Kind::Pair => &[Check::Pair, Check::Back, Check::Blind],
        }
    }
}

/// Every case, features first, then apps, then pairs, each by name.
pub fn cases() -> Vec<Case> {
    let root = corpus_dir();
    let mut out = Vec::new();
    for (dir, kind) in [("features", Kind::Feature), ("apps", Kind::App)] {
        for file in sql_files(&root.join(dir)) {
            let name = stem(&file, ".sql");
            out.push(Case {
                name,
                kind,
                file,
                b: None,
            });
        }
    }
    for file in sql_files(&root.join("pairs")) {
        let name = stem(&file, ".sql");
        if let Some(name) = name.strip_suffix(".a") {
            let b = file.with_file_name(format!("{name}.b.sql"));
            assert!(b.is_file(), "{} has no {}", file.display(), b.display());
            out.push(Case {
                name: name.to_string(),
                kind: Kind::Pair,
                file,
                b: Some(b),
            });
        } else if let Some(name) = name.strip_suffix(".b") {
            let a = file.with_file_name(format!("{name}.a.sql"));
            assert!(a.is_file(), "{} has no {}", file.display(), a.display());
        } else {
            panic!(
                "{}: a pair's files end in .a.sql and .b.sql",
                file.display()
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in &out {
        assert!(
            c.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "case name `{}`: lower-case letters, digits and _ only",
            c.name
        );
        assert!(c.name.len() <= 40, "case name `{}`: too long", c.name);
        assert!(seen.insert(c.name.clone()), "case `{}` twice", c.name);
    }
    out
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => panic!("reading {}: {e}", dir.display()),
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

fn stem(file: &Path, ext: &str) -> String {
    let name = file.file_name().unwrap().to_str().unwrap();
    name.strip_suffix(ext).unwrap().to_string()
}

/// The `-- corpus-expect-stderr: TEXT` lines of a case file: texts that
/// `graft diff` must print on stderr when this file is its target (a
/// hazard warning, say).
fn expected_stderr(file: &Path) -> Vec<String> {
    read(file)
        .lines()
        .filter_map(|l| l.strip_prefix("-- corpus-expect-stderr:"))
        .map(|t| t.trim().to_string())
        .collect()
}

fn read(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()))
}

/// What one case did: a status per check, and the details of everything
/// that went wrong (commands' stderr, the SQL, unified diffs of the dumps).
#[derive(Debug)]
pub struct Outcome {
    /// The case's name.
    pub case: String,
    /// Per applicable check.
    pub status: BTreeMap<Check, Status>,
    /// Details: printed for unexpected outcomes and in verbose mode.
    pub log: String,
    /// When the case itself does not load: the corpus is wrong.
    pub broken: Option<String>,
}

/// What a run shares: the cluster, the tools, an empty database.
pub struct Env {
    cluster: &'static TestCluster,
    psql: PathBuf,
    pg_dump: PathBuf,
    admin: String,
    empty: String,
    tmp: tempfile::TempDir,
}

impl Env {
    /// The process's test cluster, its roles from `tests/corpus/roles.sql`,
    /// and an empty database.
    pub async fn new() -> Env {
        let cluster = TestCluster::global();
        let version = cluster.cluster().version();
        assert_eq!(
            version.as_deref(),
            Some(PG_MAJOR),
            "tests/corpus/EXPECTED is what PostgreSQL {PG_MAJOR} does; the test cluster runs {version:?}"
        );
        let bin = cluster.cluster().bin_dir();
        let mut env = Env {
            cluster,
            psql: bin.join("psql"),
            pg_dump: bin.join("pg_dump"),
            admin: cluster.cluster().url("postgres"),
            empty: String::new(),
            tmp: tempfile::tempdir().unwrap(),
        };
        if let Err(e) = env
            .psql_file(&env.admin, &corpus_dir().join("roles.sql"))
            .await
        {
            panic!("tests/corpus/roles.sql: {e}");
        }
        env.empty = env.databases(&["corpus_empty".to_string()]).await.remove(0);
        env
    }

    /// Fresh databases, created in one psql run. Created here rather than
    /// through the harness, which serialises every creation: nothing
    /// connects to `template1`, so concurrent copies of it cannot collide.
    async fn databases(&self, names: &[String]) -> Vec<String> {
        self.on_each_database("CREATE DATABASE", "", names).await;
        names
            .iter()
            .map(|n| self.cluster.cluster().url(n))
            .collect()
    }

    /// Drops databases, in one psql run.
    async fn drop_databases(&self, names: &[String]) {
        self.on_each_database("DROP DATABASE IF EXISTS", " WITH (FORCE)", names)
            .await;
    }

    /// `<verb> "<name>"<rest>` for each name (corpus names need no
    /// escaping), one statement each, in one psql run.
    async fn on_each_database(&self, verb: &str, rest: &str, names: &[String]) {
        let sql: Vec<String> = names
            .iter()
            .map(|n| format!("{verb} \"{n}\"{rest}"))
            .collect();
        let args: Vec<&str> = sql.iter().flat_map(|s| ["-c", s.as_str()]).collect();
        let out = self.psql(&self.admin, &args, None).await;
        assert_eq!(out.code, 0, "{sql:?}: {}", out.stderr);
    }

    async fn psql(&self, url: &str, args: &[&str], stdin: Option<&str>) -> Run {
        let mut all = vec!["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url];
        all.extend_from_slice(args);
        run(
            &self.psql,
            &all,
            stdin,
            &[("PGOPTIONS", "-c client_min_messages=warning")],
        )
        .await
    }

    /// Runs a SQL file; the first error psql reports.
    async fn psql_file(&self, url: &str, file: &Path) -> Result<(), String> {
        let out = self
            .psql(url, &["-f", &file.display().to_string()], None)
            .await;
        psql_result(out)
    }

    /// Runs SQL text (read from stdin, as a script); the first error.
    async fn psql_text(&self, url: &str, sql: &str) -> Result<(), String> {
        let out = self.psql(url, &["-f", "-"], Some(sql)).await;
        psql_result(out)
    }

    /// `pg_dump --schema-only` of a database, without graft's tracking
    /// schema, normalised.
    async fn dump(&self, url: &str) -> Vec<String> {
        let out = run(
            &self.pg_dump,
            &["--schema-only", "--exclude-schema=graft", "-d", url],
            None,
            &[],
        )
        .await;
        assert_eq!(out.code, 0, "pg_dump {url}: {}", out.stderr);
        dump::normalise(&out.stdout)
    }
}

fn psql_result(out: Run) -> Result<(), String> {
    if out.code == 0 {
        return Ok(());
    }
    let line = out
        .stderr
        .lines()
        .find_map(|l| l.split_once("ERROR:").map(|(_, e)| e.trim().to_string()))
        .unwrap_or_else(|| out.stderr.trim().to_string());
    Err(line)
}

/// What one process did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// graft's error: its first `error: ` line, else its last line.
    fn graft_error(&self) -> String {
        self.stderr
            .lines()
            .find_map(|l| l.strip_prefix("error: "))
            .or_else(|| self.stderr.lines().rev().find(|l| !l.trim().is_empty()))
            .unwrap_or("(no message)")
            .to_string()
    }
}

async fn run(prog: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = tokio::process::Command::new(prog);
    cmd.args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("GRAFT_LOG")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", prog.display()));
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).await.unwrap();
        drop(pipe);
    }
    let out = match tokio::time::timeout(PROCESS_LIMIT, child.wait_with_output()).await {
        Ok(out) => out.unwrap(),
        // dropping the future kills the child (kill_on_drop)
        Err(_) => panic!(
            "{} {} did not finish within {PROCESS_LIMIT:?}",
            prog.display(),
            args.join(" ")
        ),
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn graft(args: &[&str]) -> Run {
    run(Path::new(BIN), args, None, &[]).await
}

/// A rebuilt database that PostgreSQL says differs from its original:
/// the blind-spot check asks graft about the two.
struct Differs {
    what: &'static str,
    rebuilt: String,
    original: String,
}

/// Runs one case, logging into `Outcome::log`.
pub async fn run_case(env: &Env, case: &Case) -> Outcome {
    let roles: &[&'static str] = match case.kind {
        Kind::Feature | Kind::App => &["orig", "diff", "pull"],
        Kind::Pair => &["a", "b", "a2"],
    };
    let names: Vec<String> = roles
        .iter()
        .map(|r| format!("corpus_{}_{r}", case.name))
        .collect();
    let urls = env.databases(&names).await;
    let mut c = CaseRun {
        env,
        case,
        log: String::new(),
        dbs: roles.iter().copied().zip(urls).collect(),
        differs: Vec::new(),
    };
    let mut status = BTreeMap::new();
    let broken = match case.kind {
        Kind::Feature | Kind::App => c.single(&mut status).await,
        Kind::Pair => c.pair(&mut status).await,
    }
    .err();
    if broken.is_none() {
        let blind = c.blind().await;
        status.insert(Check::Blind, blind);
    }
    env.drop_databases(&names).await;
    Outcome {
        case: case.name.clone(),
        status,
        log: c.log,
        broken,
    }
}

struct CaseRun<'a> {
    env: &'a Env,
    case: &'a Case,
    log: String,
    /// The case's databases by role (`orig`, `diff`, `pull`; `a`, `b`, `a2`).
    dbs: BTreeMap<&'static str, String>,
    differs: Vec<Differs>,
}

impl CaseRun<'_> {
    fn database(&self, role: &str) -> String {
        self.dbs[role].clone()
    }

    /// A database loaded from a case file; an error means the corpus is wrong.
    async fn loaded(&mut self, role: &str, file: &Path) -> Result<String, String> {
        let url = self.database(role);
        self.env
            .psql_file(&url, file)
            .await
            .map_err(|e| format!("{} does not load: {e}", file.display()))?;
        Ok(url)
    }

    fn note(&mut self, title: &str, body: &str) {
        if !body.trim().is_empty() {
            self.log.push_str(&format!(
                "--- {} {title}\n{}\n",
                self.case.name,
                body.trim_end()
            ));
        }
    }

    async fn single(&mut self, status: &mut BTreeMap<Check, Status>) -> Result<(), String> {
        let case = self.case;
        let original = self.loaded("orig", &case.file).await?;
        let want = self.env.dump(&original).await;
        let expects = expected_stderr(&case.file);
        let s = self.diff_into_fresh(&original, &want, &expects).await;
        status.insert(Check::Diff, s);
        let s = self.pull_into_fresh(&original, &want).await;
        status.insert(Check::Pull, s);
        Ok(())
    }

    async fn pair(&mut self, status: &mut BTreeMap<Check, Status>) -> Result<(), String> {
        let case = self.case;
        let b_file = case.b.as_ref().expect("a pair has a B");
        let a = self.loaded("a", &case.file).await?;
        let b = self.loaded("b", b_file).await?;
        let a_again = self.loaded("a2", &case.file).await?;
        let (dump_a, dump_b) = (self.env.dump(&a).await, self.env.dump(&b).await);
        let s = self
            .migrate("A→B", &a, &b, &dump_b, &expected_stderr(b_file))
            .await;
        status.insert(Check::Pair, s);
        let s = self
            .migrate("B→A", &b, &a_again, &dump_a, &expected_stderr(&case.file))
            .await;
        status.insert(Check::Back, s);
        Ok(())
    }

    /// `graft diff --from <empty> --to ORIGINAL`, applied to a fresh database.
    async fn diff_into_fresh(
        &mut self,
        original: &str,
        want: &[String],
        expects: &[String],
    ) -> Status {
        let r = graft(&["diff", "--from", &self.env.empty, "--to", original]).await;
        self.note("graft diff (empty → original) stderr", &r.stderr);
        if r.code != 0 {
            return Status::fail(Stage::GraftDiff, &r.graft_error());
        }
        self.note("graft diff SQL", &r.stdout);
        let rebuilt = self.database("diff");
        let applied = self.env.psql_text(&rebuilt, &r.stdout).await;
        let compared = self.compare("diff", &rebuilt, original, want).await;
        match applied {
            Err(e) => Status::fail(Stage::ApplySql, &e),
            Ok(()) => compared
                .or_else(|| lacks(&r.stderr, expects))
                .unwrap_or(Status::Pass),
        }
    }

    /// `graft pull` from ORIGINAL, `graft apply` of the files into a fresh
    /// database.
    async fn pull_into_fresh(&mut self, original: &str, want: &[String]) -> Status {
        let dir = self.env.tmp.path().join(format!("{}-pull", self.case.name));
        let _ = std::fs::remove_dir_all(&dir);
        let dir_arg = dir.display().to_string();
        let r = graft(&["--database-url", original, "pull", "--out", &dir_arg]).await;
        self.note("graft pull stderr", &r.stderr);
        if r.code != 0 {
            let error = r.graft_error().replace(&dir_arg, "<out>");
            return Status::fail(Stage::GraftPull, &error);
        }
        let rebuilt = self.database("pull");
        let r = graft(&["--database-url", &rebuilt, "apply", &dir_arg]).await;
        self.note("graft apply (pulled files) stderr", &r.stderr);
        let compared = self.compare("pull", &rebuilt, original, want).await;
        if r.code != 0 {
            return Status::fail(Stage::GraftApply, &r.graft_error());
        }
        compared.unwrap_or(Status::Pass)
    }

    /// `graft diff --from FROM --to TO`, applied to FROM, which must then
    /// dump as `want` (TO's dump).
    async fn migrate(
        &mut self,
        what: &'static str,
        from: &str,
        to: &str,
        want: &[String],
        expects: &[String],
    ) -> Status {
        let r = graft(&["diff", "--from", from, "--to", to]).await;
        self.note(&format!("graft diff {what} stderr"), &r.stderr);
        if r.code != 0 {
            return Status::fail(Stage::GraftDiff, &r.graft_error());
        }
        self.note(&format!("graft diff {what} SQL"), &r.stdout);
        let applied = self.env.psql_text(from, &r.stdout).await;
        let compared = self.compare(what, from, to, want).await;
        match applied {
            Err(e) => Status::fail(Stage::ApplySql, &e),
            Ok(()) => compared
                .or_else(|| lacks(&r.stderr, expects))
                .unwrap_or(Status::Pass),
        }
    }

    /// Dumps `rebuilt` and compares it with `want` (the dump of
    /// `original`): a failure when they differ, the diff logged and the
    /// pair kept for the blind-spot check.
    async fn compare(
        &mut self,
        what: &'static str,
        rebuilt: &str,
        original: &str,
        want: &[String],
    ) -> Option<Status> {
        let got = self.env.dump(rebuilt).await;
        if got == want {
            return None;
        }
        let d = dump::unified(
            &dump::text(want),
            &dump::text(&got),
            "original",
            &format!("rebuilt ({what})"),
        );
        self.note(
            &format!("pg_dump differs ({what}): - original, + rebuilt"),
            &d,
        );
        self.differs.push(Differs {
            what,
            rebuilt: rebuilt.to_string(),
            original: original.to_string(),
        });
        let lines = dump::changed_statements(want, &got, 2);
        Some(Status::fail(Stage::DumpDiffers, &lines.join("; ")))
    }

    /// For every rebuilt database whose dump differs from its original,
    /// `graft diff --check` must not exit 0.
    async fn blind(&mut self) -> Status {
        let mut unseen = Vec::new();
        for d in std::mem::take(&mut self.differs) {
            let r = graft(&["diff", "--check", "--from", &d.original, "--to", &d.rebuilt]).await;
            let verdict = match r.code {
                0 => {
                    unseen.push(d.what);
                    "exit 0: graft sees no difference".to_string()
                }
                2 => "exit 2: graft sees a difference".to_string(),
                _ => format!("exit {}: {}", r.code, r.graft_error()),
            };
            self.note(
                &format!(
                    "blind-spot check ({}): graft diff --check original rebuilt",
                    d.what
                ),
                &format!("{verdict}\n{}{}", r.stderr, r.stdout),
            );
        }
        if unseen.is_empty() {
            Status::Pass
        } else {
            Status::fail(
                Stage::Unseen,
                &format!(
                    "graft diff --check exits 0 while the dumps differ ({})",
                    unseen.join(", ")
                ),
            )
        }
    }
}

/// A failure naming the first expected stderr text that is missing.
fn lacks(stderr: &str, expects: &[String]) -> Option<Status> {
    expects
        .iter()
        .find(|t| !stderr.contains(t.as_str()))
        .map(|t| Status::fail(Stage::StderrLacks, t))
}
