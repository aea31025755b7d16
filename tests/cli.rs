//! The `graft` binary against real PostgreSQL: exit codes, human and JSON
//! output, error messages, and that failures leave the database as it was.
//!
//! Each test gets its own database on the process's throwaway cluster
//! (`graft::testing::test_db`) and its own temporary directory of schema
//! files, and runs the built binary as a child process.

use graft::testing::{test_db, TestDb};
use serde_json::Value;
use std::path::{Path, PathBuf};

const BIN: &str = env!("CARGO_BIN_EXE_graft");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema-fixtures")
}

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    #[track_caller]
    fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        self
    }

    /// Asserts that stderr holds every one of `parts`.
    #[track_caller]
    fn stderr_has(&self, parts: &[&str]) -> &Self {
        for p in parts {
            assert!(
                self.stderr.contains(p),
                "stderr lacks {p:?}:\n{}",
                self.stderr
            );
        }
        self
    }

    /// Asserts that stdout holds every one of `parts`.
    #[track_caller]
    fn stdout_has(&self, parts: &[&str]) -> &Self {
        for p in parts {
            assert!(
                self.stdout.contains(p),
                "stdout lacks {p:?}:\n{}",
                self.stdout
            );
        }
        self
    }
}

/// Runs `graft ARGS` with `envs` set and DATABASE_URL removed unless given.
async fn run_with(dir: Option<&Path>, envs: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .env_remove("GRAFT_LOG");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd.output().await.expect("the graft binary runs");
    Run {
        code: out.status.code().expect("graft exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `graft --database-url <db> ARGS`.
async fn graft(db: &TestDb, args: &[&str]) -> Run {
    let url = db.url();
    let mut all = vec!["--database-url", url.as_str()];
    all.extend_from_slice(args);
    run_with(None, &[], &all).await
}

/// A temporary directory of schema files.
struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Self {
        Files(tempfile::tempdir().expect("a temporary directory"))
    }

    /// Writes `name` (e.g. `a.json`) and returns its path.
    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.path().join(name);
        std::fs::write(&path, text).expect("writing a schema file");
        path.display().to_string()
    }

    fn dir(&self) -> String {
        self.0.path().display().to_string()
    }
}

/// Everything a migration could have touched: the catalog of every
/// non-system schema (introspected, and as `pg_catalog` rows), and every
/// row of the tracking tables.
async fn db_state(db: &TestDb) -> String {
    let mut client = db.connect().await;
    let namespaces: Vec<String> = client
        .query(
            "SELECT nspname::text FROM pg_namespace
             WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema')
             ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let live = graft::introspect::introspect(&mut client, &namespaces)
        .await
        .expect("introspection");
    let mut state = format!("namespaces: {namespaces:?}\n{:#?}\n", live.schema);
    let catalog = client
        .query_one(
            "SELECT coalesce(string_agg(line, E'\\n' ORDER BY line), '') FROM (
                SELECT format('rel %s.%s %s', n.nspname, c.relname, c.relkind) AS line
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                UNION ALL
                SELECT format('col %s.%s %s %s %s', n.nspname, c.relname, a.attname,
                              format_type(a.atttypid, a.atttypmod), a.attnotnull)
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                   AND a.attnum > 0 AND NOT a.attisdropped
                UNION ALL
                SELECT format('con %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint
                 WHERE connamespace IN (SELECT oid FROM pg_namespace
                                        WHERE nspname NOT LIKE 'pg\\_%'
                                          AND nspname <> 'information_schema')
                UNION ALL
                SELECT format('type %s', t.typname) FROM pg_type t
                  JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                   AND t.typtype = 'e'
            ) s",
            &[],
        )
        .await
        .unwrap()
        .get::<_, String>(0);
    state.push_str(&catalog);
    let tracking: bool = client
        .query_one("SELECT to_regclass('graft._journal') IS NOT NULL", &[])
        .await
        .unwrap()
        .get(0);
    if tracking {
        for sql in [
            "SELECT to_jsonb(t)::text FROM graft._journal t ORDER BY plugin",
            "SELECT to_jsonb(t)::text FROM graft._snapshots t ORDER BY plugin, idx",
            "SELECT to_jsonb(t)::text FROM graft._migrations t ORDER BY id",
        ] {
            for row in client.query(sql, &[]).await.unwrap() {
                state.push('\n');
                state.push_str(&row.get::<_, String>(0));
            }
        }
    }
    state
}

/// Asserts the database holds no schema, table or type of its own: nothing
/// reached it.
async fn assert_untouched(db: &TestDb) {
    let client = db.connect().await;
    let row = client
        .query_one(
            "SELECT
               (SELECT count(*) FROM pg_namespace
                 WHERE nspname NOT LIKE 'pg\\_%'
                   AND nspname NOT IN ('information_schema', 'public')),
               (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema')",
            &[],
        )
        .await
        .unwrap();
    let (schemas, relations): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(
        (schemas, relations),
        (0, 0),
        "the database was touched: {schemas} schema(s), {relations} relation(s)"
    );
}

// ---------------------------------------------------------------- plan / apply

#[tokio::test]
async fn plan_shows_sql_and_hazards_and_applies_nothing() {
    let db = test_db().await;
    let fx = fixtures().display().to_string();
    let r = graft(&db, &["plan", &fx]).await;
    r.expect(0).stdout_has(&[
        // the summary table, aligned
        "plugin    version  snapshot  changes\n",
        "accounts  1.0.0    -         3 steps\n",
        // each step, numbered, with its SQL
        "[1] CreateNamespace accounts\n      CREATE SCHEMA IF NOT EXISTS \"accounts\";",
        "CREATE TABLE \"accounts\".\"accounts\" (",
        "CREATE TYPE \"billing\".\"invoice_status\" AS ENUM ('draft', 'open', 'paid');",
        "CONSTRAINT \"invoices_account_id_fkey\" FOREIGN KEY",
        "Pending: ",
        " in 3 of 3 plugins.",
    ]);
    // every table is new: none of their steps carries a hazard (the
    // hazard lines themselves are checked with the destructive plans)
    assert!(!r.stdout.contains("hazard:"), "{}", r.stdout);
    let last = r.stdout.trim_end().lines().last().unwrap();
    assert!(last.starts_with("Pending: "), "summary last: {last}");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_untouched(&db).await;
}

#[tokio::test]
async fn plan_check_exits_2_while_pending_and_0_after_apply() {
    let db = test_db().await;
    let fx = fixtures().display().to_string();
    graft(&db, &["plan", "--check", &fx])
        .await
        .expect(2)
        .stdout_has(&["Pending: "]);
    graft(&db, &["apply", &fx]).await.expect(0);
    graft(&db, &["plan", "--check", &fx])
        .await
        .expect(0)
        .stdout_has(&[
            "accounts  1.0.0    1         up to date\n",
            "Up to date: 3 plugins, nothing to apply.",
        ]);
    // without --check, pending changes still exit 0
    let files = Files::new();
    let a = files.write(
        "a.json",
        r#"{"plugin":"a","tables":[{"name":"t","columns":[{"name":"id","type":"int"}]}]}"#,
    );
    graft(&db, &["plan", &a]).await.expect(0);
    graft(&db, &["plan", "--check", &a]).await.expect(2);
}

#[tokio::test]
async fn apply_then_second_apply_has_nothing_to_do() {
    let db = test_db().await;
    let fx = fixtures().display().to_string();
    let r = graft(&db, &["apply", &fx]).await;
    r.expect(0).stdout_has(&[
        "plugin    version  snapshot  result\n",
        "accounts  1.0.0    - -> 1    applied 3 steps, 4 statements\n",
        "billing:\n  [1] CreateNamespace billing",
        " to 3 of 3 plugins in one transaction.",
    ]);
    assert!(r
        .stdout
        .trim_end()
        .lines()
        .last()
        .unwrap()
        .starts_with("Applied "));
    let before = db_state(&db).await;
    graft(&db, &["apply", &fx]).await.expect(0).stdout_has(&[
        "accounts  1.0.0    1         up to date\n",
        "Nothing to do: 3 plugins up to date.",
    ]);
    assert_eq!(before, db_state(&db).await, "a no-op apply changed nothing");
}

#[tokio::test]
async fn status_lists_plugins_and_heads() {
    let db = test_db().await;
    graft(&db, &["status"])
        .await
        .expect(0)
        .stdout_has(&["No plugins recorded yet (no `graft` tracking tables in this database)."]);
    assert_untouched(&db).await;
    let fx = fixtures().display().to_string();
    graft(&db, &["apply", &fx]).await.expect(0);
    let r = graft(&db, &["status"]).await;
    r.expect(0).stdout_has(&[
        "plugin    version  snapshot  hash\n",
        "3 plugins recorded in graft._journal.",
    ]);
    let client = db.connect().await;
    for row in client
        .query("SELECT plugin, version, head_hash FROM graft._journal", &[])
        .await
        .unwrap()
    {
        let (plugin, version, hash): (String, String, String) =
            (row.get(0), row.get(1), row.get(2));
        let line = format!("{plugin:<8}  {version:<7}  1         {}\n", &hash[..12]);
        r.stdout_has(&[&line]);
    }
}

#[tokio::test]
async fn json_output_of_plan_apply_and_status() {
    let db = test_db().await;
    let fx = fixtures().display().to_string();

    let plan = graft(&db, &["--json", "plan", &fx]).await;
    plan.expect(0);
    let v = plan.json();
    assert_eq!(v["pending"], true);
    let plugins = v["plugins"].as_array().unwrap();
    let names: Vec<&str> = plugins
        .iter()
        .map(|p| p["plugin"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["accounts", "audit", "billing"]);
    let accounts = &plugins[0];
    assert_eq!(accounts["version"], "1.0.0");
    assert_eq!(accounts["from_idx"], Value::Null);
    assert_eq!(accounts["pending"], true);
    assert_eq!(accounts["to_hash"].as_str().unwrap().len(), 64);
    let step = &accounts["steps"][0];
    assert_eq!(step["index"], 1);
    assert_eq!(step["kind"], "CreateNamespace");
    assert_eq!(step["subject"], "accounts");
    assert_eq!(step["sql"][0], "CREATE SCHEMA IF NOT EXISTS \"accounts\"");
    assert!(step["hazards"].is_array() && step["destructive"] == false);
    assert_eq!(step["transactional"], true);
    let total: usize = plugins
        .iter()
        .map(|p| p["steps"].as_array().unwrap().len())
        .sum();
    assert_eq!(v["steps"], total);
    assert_eq!(v["destructive_steps"], 0);

    let apply = graft(&db, &["--json", "apply", &fx]).await;
    apply.expect(0);
    let v = apply.json();
    assert_eq!(v["applied"], true);
    assert_eq!(v["fast_path"], false);
    let first = &v["plugins"][0];
    assert_eq!(first["plugin"], "accounts");
    assert_eq!(first["status"], "applied");
    assert_eq!(first["from_idx"], Value::Null);
    assert_eq!(first["to_idx"], 1);
    assert_eq!(first["steps"], 3);
    assert!(first["statements"].as_u64().unwrap() >= 3);

    let again = graft(&db, &["apply", "--json", &fx]).await;
    let v = again.expect(0).json();
    assert_eq!(v["applied"], false);
    assert_eq!(v["fast_path"], true);
    assert!(v["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["status"] == "up_to_date"));

    let status = graft(&db, &["status", "--json"]).await;
    let v = status.expect(0).json();
    assert_eq!(v["tracking_schema"], "graft");
    assert_eq!(v["initialized"], true);
    let heads = v["plugins"].as_array().unwrap();
    assert_eq!(heads.len(), 3);
    assert_eq!(heads[2]["plugin"], "billing");
    assert_eq!(heads[2]["version"], "1.2.0");
    assert_eq!(heads[2]["head_idx"], 1);
    assert_eq!(heads[2]["head_hash"].as_str().unwrap().len(), 64);

    let plan = graft(&db, &["plan", "--json", "--check", &fx]).await;
    let v = plan.expect(0).json();
    assert_eq!(v["pending"], false);
    assert_eq!(v["plugins"][0]["from_idx"], 1);
    assert_eq!(v["plugins"][0]["from_hash"], v["plugins"][0]["to_hash"]);

    // errors too: a JSON object on stdout, the message on stderr, exit 1
    let files = Files::new();
    let bad = files.write("bad.json", "{");
    let r = graft(&db, &["--json", "plan", &bad]).await;
    r.expect(1);
    let msg = r.json()["error"].as_str().unwrap().to_string();
    assert!(
        msg.contains("bad.json") && msg.contains("invalid JSON"),
        "{msg}"
    );
    r.stderr_has(&[&msg]);
}

// ---------------------------------------------------------------- destructive

const V1: &str = r#"{ "plugin": "a", "version": "1.0.0", "tables": [
  { "name": "t", "columns": [ { "name": "id", "type": "int" }, { "name": "x", "type": "text" } ],
    "primary_key": ["id"] },
  { "name": "u", "columns": [ { "name": "id", "type": "int" } ] } ] }"#;

const V2_DROPS: &str = r#"{ "plugin": "a", "version": "1.1.0", "tables": [
  { "name": "t", "columns": [ { "name": "id", "type": "int" } ], "primary_key": ["id"] } ] }"#;

/// Applies V1 to `db` from a new directory and inserts a row into `a.t`.
async fn v1_with_a_row(db: &TestDb) -> Files {
    let files = Files::new();
    files.write("a.json", V1);
    graft(db, &["apply", &files.dir()]).await.expect(0);
    db.connect()
        .await
        .batch_execute("INSERT INTO a.t VALUES (1, 'one'); INSERT INTO a.u VALUES (1)")
        .await
        .unwrap();
    files
}

#[tokio::test]
async fn destructive_change_is_refused_until_allowed() {
    let db = test_db().await;
    let files = v1_with_a_row(&db).await;
    files.write("a.json", V2_DROPS);

    graft(&db, &["plan", &files.dir()]).await.expect(0).stdout_has(&[
        "a       1.0.0 -> 1.1.0  1         2 steps, 2 destructive\n",
        "[1] DropTable a.u\n      hazard: data loss (destructive: apply needs --allow-destructive)\n      DROP TABLE \"a\".\"u\";",
        "[2] DropColumn a.t.x\n      hazard: data loss",
        "2 steps lose data: apply needs --allow-destructive.",
    ]);

    let before = db_state(&db).await;
    let r = graft(&db, &["apply", &files.dir()]).await;
    r.expect(1).stderr_has(&[
        "error: plugin `a`: refusing 2 steps that lose data (nothing was applied):\n",
        "  step 1 DropTable a.u: data loss\n",
        "  step 2 DropColumn a.t.x: data loss\n",
        "run again with --allow-destructive",
    ]);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(
        before,
        db_state(&db).await,
        "a refused apply changed nothing"
    );

    graft(&db, &["apply", "--allow-destructive", &files.dir()])
        .await
        .expect(0)
        .stdout_has(&[
            "a       1.0.0 -> 1.1.0  1 -> 2    applied 2 steps, 2 statements\n",
            "  [1] DropTable a.u     hazard: data loss",
        ]);
    let client = db.connect().await;
    let row = client
        .query_one(
            "SELECT to_regclass('a.u') IS NULL,
                    (SELECT count(*) FROM information_schema.columns
                      WHERE table_schema = 'a' AND table_name = 't')",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0), "a.u is dropped");
    assert_eq!(row.get::<_, i64>(1), 1, "a.t.x is dropped");
}

// ---------------------------------------------------------------- connection

#[tokio::test]
async fn database_url_env_works_like_the_flag() {
    let db = test_db().await;
    let url = db.url();
    let fx = fixtures().display().to_string();
    let env = [("DATABASE_URL", url.as_str())];
    run_with(None, &env, &["plan", "--check", &fx])
        .await
        .expect(2);
    run_with(None, &env, &["apply", &fx]).await.expect(0);
    run_with(None, &env, &["status"])
        .await
        .expect(0)
        .stdout_has(&["3 plugins recorded in graft._journal."]);
    // the flag wins over the environment
    let r = run_with(
        None,
        &[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nowhere")],
        &["--database-url", &url, "status"],
    )
    .await;
    r.expect(0).stdout_has(&["3 plugins recorded"]);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[tokio::test]
async fn unreachable_or_invalid_database_url_exits_1_with_a_clear_message() {
    let r = run_with(
        None,
        &[],
        &[
            "--database-url",
            "postgres://nobody@127.0.0.1:1/nowhere",
            "status",
        ],
    )
    .await;
    r.expect(1).stderr_has(&[
        "error: cannot connect to the database (host 127.0.0.1, port 1, database nowhere, user nobody): ",
        "Connection refused",
    ]);
    assert!(r.stdout.is_empty());

    let r = run_with(
        None,
        &[("DATABASE_URL", "not a url")],
        &["plan", fixtures().to_str().unwrap()],
    )
    .await;
    r.expect(1)
        .stderr_has(&["error: invalid --database-url / DATABASE_URL: invalid connection string"]);

    // a server that answers but has no such database: its message, not "db error"
    let db = test_db().await;
    let url = db
        .url()
        .replace(&format!("dbname={}", db.name), "dbname=no_such_db");
    assert_ne!(url, db.url());
    let r = run_with(None, &[], &["--database-url", &url, "status"]).await;
    r.expect(1).stderr_has(&[
        "database no_such_db",
        "FATAL: database \"no_such_db\" does not exist (SQLSTATE 3D000)",
    ]);
    assert!(!r.stderr.contains("db error"), "{}", r.stderr);
}

// ---------------------------------------------------------------- bad declarations

#[tokio::test]
async fn bad_declarations_exit_1_with_one_precise_error_and_touch_nothing() {
    let db = test_db().await;
    let long = "c".repeat(64);
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "malformed JSON",
            r#"{ "plugin": "x", "tables": [ { "name": "t" }"#.to_string(),
            vec!["x.json: invalid JSON at line 1 column".into()],
        ),
        (
            "unknown key",
            r#"{ "plugin": "x", "tables": [ { "name": "t", "colums": [] } ] }"#.to_string(),
            vec!["x.json: plugin `x`, table `t`: unknown key `colums`; expected one of".into()],
        ),
        (
            "unknown type",
            r#"{ "plugin": "x", "tables": [ { "name": "t", "columns": [
                 { "name": "id", "type": "int" }, { "name": "a", "type": "nosuchtype" } ] } ] }"#
                .to_string(),
            vec!["x.json: plugin `x`, table `t`, column `a`: unknown type `nosuchtype`".into()],
        ),
        (
            "foreign key to a missing table",
            r#"{ "plugin": "x", "tables": [ { "name": "t", "columns": [ { "name": "a", "type": "int" } ],
                 "foreign_keys": [ { "columns": ["a"], "references": { "table": "nope", "columns": ["id"] } } ] } ] }"#
                .to_string(),
            vec!["x.json: plugin `x`, table `t`: foreign key #1 references missing table `x.nope`".into()],
        ),
        (
            "identifier over 63 bytes",
            format!(
                r#"{{ "plugin": "x", "tables": [ {{ "name": "t", "columns": [ {{ "name": "{long}", "type": "int" }} ] }} ] }}"#
            ),
            vec![
                "x.json: plugin `x`, table `t`: invalid column name: ".into(),
                format!("identifier `{long}` is 64 bytes long; PostgreSQL allows at most 63"),
            ],
        ),
        (
            "duplicate column",
            r#"{ "plugin": "x", "tables": [ { "name": "t", "columns": [
                 { "name": "a", "type": "int" }, { "name": "a", "type": "text" } ] } ] }"#
                .to_string(),
            vec!["x.json: plugin `x`, table `t`: duplicate column `a`".into()],
        ),
    ];
    for (what, text, expected) in &cases {
        let files = Files::new();
        let path = files.write("x.json", text);
        for cmd in ["plan", "apply"] {
            let r = graft(&db, &[cmd, &path]).await;
            assert_eq!(r.code, 1, "{what} ({cmd}): {r:#?}");
            assert!(r.stdout.is_empty(), "{what} ({cmd}): {r:#?}");
            let lines: Vec<&str> = r.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{what} ({cmd}): one error line: {r:#?}");
            assert!(lines[0].starts_with("error: "), "{what}: {}", lines[0]);
            assert!(
                lines[0].contains(&path),
                "{what}: names the file: {}",
                lines[0]
            );
            for e in expected {
                assert!(
                    lines[0].contains(e.as_str()),
                    "{what}: lacks {e:?}: {}",
                    lines[0]
                );
            }
            // each cause once: no message repeated through the error chain
            let tail = lines[0].split_once(": ").unwrap().1;
            for e in expected {
                assert_eq!(
                    tail.matches(e.as_str()).count(),
                    1,
                    "{what}: repeated: {tail}"
                );
            }
        }
        // a bad file among good ones stops everything, too
        let r = graft(&db, &["apply", fixtures().to_str().unwrap(), &path]).await;
        assert_eq!(r.code, 1, "{what} with the fixtures: {r:#?}");
    }
    assert_untouched(&db).await;
}

#[tokio::test]
async fn dependency_cycle_and_missing_dependency_exit_1_naming_the_plugins() {
    let db = test_db().await;
    let files = Files::new();
    files.write(
        "x.json",
        r#"{ "plugin": "x", "version": "1.0.0", "depends_on": { "y": "*" }, "tables": [] }"#,
    );
    files.write(
        "y.json",
        r#"{ "plugin": "y", "version": "1.0.0", "depends_on": { "x": "^1" }, "tables": [] }"#,
    );
    for cmd in ["plan", "apply"] {
        graft(&db, &[cmd, &files.dir()])
            .await
            .expect(1)
            .stderr_has(&["cycle", "x -> y -> x"]);
    }

    let files = Files::new();
    let z = files.write(
        "z.json",
        r#"{ "plugin": "z", "depends_on": { "w": ">=2.0.0" }, "tables": [] }"#,
    );
    for cmd in ["plan", "apply"] {
        graft(&db, &[cmd, &z])
            .await
            .expect(1)
            .stderr_has(&["plugin `z` depends on `w` (>=2.0.0), which is not registered"]);
    }
    // a dependency on a plugin only in another directory: billing needs accounts
    let billing = fixtures().join("billing.json").display().to_string();
    graft(&db, &["apply", &billing])
        .await
        .expect(1)
        .stderr_has(&["plugin `billing` depends on `accounts`"]);
    assert_untouched(&db).await;
}

// ---------------------------------------------------------------- failing apply

#[tokio::test]
async fn failing_not_null_column_rolls_back_and_names_plugin_step_sql_and_server_message() {
    let db = test_db().await;
    let files = v1_with_a_row(&db).await;
    files.write(
        "a.json",
        r#"{ "plugin": "a", "version": "1.1.0", "tables": [
          { "name": "t", "columns": [ { "name": "id", "type": "int" }, { "name": "x", "type": "text" },
              { "name": "y", "type": "int", "nullable": false } ], "primary_key": ["id"] },
          { "name": "u", "columns": [ { "name": "id", "type": "int" } ] } ] }"#,
    );
    let before = db_state(&db).await;
    let r = graft(&db, &["apply", &files.dir()]).await;
    r.expect(1).stderr_has(&[
        "error: plugin `a`: step 1 (AddColumn a.t.y) failed: ",
        "column \"y\" of relation \"t\" contains null values (SQLSTATE 23502)",
        "\n  sql: ALTER TABLE \"a\".\"t\" ADD COLUMN \"y\" integer NOT NULL\n",
        "\n  rolled back: nothing was applied",
    ]);
    assert!(!r.stderr.contains("db error"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(before, db_state(&db).await, "schema and journal as before");
    graft(&db, &["status"])
        .await
        .expect(0)
        .stdout_has(&["a       1.0.0    1         "]);
}

#[tokio::test]
async fn failing_default_rolls_back_and_shows_hint() {
    let db = test_db().await;
    let files = v1_with_a_row(&db).await;
    files.write(
        "a.json",
        r#"{ "plugin": "a", "version": "1.1.0", "tables": [
          { "name": "t", "columns": [ { "name": "id", "type": "int" }, { "name": "x", "type": "text" },
              { "name": "y", "type": "int", "default": "no_such_function()" } ], "primary_key": ["id"] },
          { "name": "u", "columns": [ { "name": "id", "type": "int" } ] },
          { "name": "v", "columns": [ { "name": "id", "type": "int" } ] } ] }"#,
    );
    let before = db_state(&db).await;
    let r = graft(&db, &["apply", &files.dir()]).await;
    r.expect(1).stderr_has(&[
        "error: plugin `a`: step ",
        "(AddColumn a.t.y) failed: function no_such_function() does not exist (SQLSTATE 42883)\n",
        "\n  hint: No function matches the given name and argument types.",
        "\n  sql: ALTER TABLE \"a\".\"t\" ADD COLUMN \"y\" integer DEFAULT no_such_function()\n",
        "\n  rolled back: nothing was applied",
    ]);
    assert!(!r.stderr.contains("db error"), "{}", r.stderr);
    assert_eq!(before, db_state(&db).await, "schema and journal as before");
}

#[tokio::test]
async fn failing_statement_points_at_the_error_position() {
    let db = test_db().await;
    let files = Files::new();
    let a = files.write(
        "a.json",
        r#"{ "plugin": "a", "tables": [ { "name": "t", "columns": [
             { "name": "id", "type": "int", "default": "1 +* 2" }, { "name": "z", "type": "text" } ] } ] }"#,
    );
    let r = graft(&db, &["apply", &a]).await;
    r.expect(1).stderr_has(&[
        "(CreateTable a.t) failed: operator does not exist: integer +* integer (SQLSTATE 42883)",
        "  sql: CREATE TABLE \"a\".\"t\" (\n",
        "           \"id\" integer DEFAULT 1 +* 2,\n                                  ^\n",
    ]);
    assert_untouched(&db).await;
}

#[tokio::test]
async fn tampered_snapshot_makes_the_next_apply_fail() {
    let db = test_db().await;
    let files = v1_with_a_row(&db).await;
    let client = db.connect().await;
    let n = client
        .execute(
            "UPDATE graft._snapshots
                SET snapshot = jsonb_set(snapshot, '{schema,tables,0,columns,0,type}', '\"bigint\"')
              WHERE plugin = 'a' AND idx = 1",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    // unchanged declaration: the boot fast path reads only the journal
    graft(&db, &["apply", &files.dir()]).await.expect(0);
    // a changed one must diff against the stored snapshot, and refuses to
    files.write(
        "a.json",
        &V1.replace("\"1.0.0\"", "\"1.0.1\"")
            .replace("\"text\"", "\"varchar(20)\""),
    );
    let before = db_state(&db).await;
    for cmd in ["plan", "apply"] {
        graft(&db, &[cmd, &files.dir()]).await.expect(1).stderr_has(&[
            "error: plugin `a`: stored snapshot 1 was modified after it was recorded (tampered with): its content hashes to ",
        ]);
    }
    assert_eq!(before, db_state(&db).await);
}

// ---------------------------------------------------------------- embedded default

/// Stops the embedded server of a project directory and removes the
/// directory, also when the test fails.
struct Project(PathBuf);

impl Drop for Project {
    fn drop(&mut self) {
        // The server runs as a daemon: stop it through the same code path
        // that started it (pg_ctl, as the `postgres` OS user under root).
        let pid_file = self.0.join(".graft/pgdata/postmaster.pid");
        let running = std::fs::read_to_string(pid_file)
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()))
            .is_some_and(alive);
        if running {
            match graft::embedded::embedded_default(&self.0) {
                Ok((mut cluster, _)) => {
                    if let Err(e) = cluster.stop() {
                        eprintln!("stopping the embedded server: {e}");
                    }
                }
                Err(e) => eprintln!("finding the embedded server: {e}"),
            }
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether `pid` runs (an exited process not yet reaped does not).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        Ok(stat) => stat
            .rfind(')')
            .and_then(|i| stat[i + 1..].trim_start().chars().next())
            .is_some_and(|state| state != 'Z' && state != 'X'),
    }
}

#[tokio::test]
async fn embedded_default_starts_a_local_server_under_dot_graft() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("graft-cli-")
        .tempdir_in("/tmp")
        .unwrap()
        .keep();
    // Searchable by the `postgres` OS user the server runs as under root.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let project = Project(dir.clone());

    let first = run_with(Some(&dir), &[], &["status"]).await;
    first
        .expect(0)
        .stderr_has(&[
            "started a local PostgreSQL ",
            " under .graft/ (no --database-url or DATABASE_URL: the embedded default)",
            "data .graft/pgdata",
        ])
        .stdout_has(&["No plugins recorded yet"]);
    assert!(dir.join(".graft/pgdata/postmaster.pid").exists());

    let fx = fixtures().display().to_string();
    run_with(Some(&dir), &[], &["apply", &fx])
        .await
        .expect(0)
        .stderr_has(&[
            "using the local PostgreSQL ",
            " under .graft/ (the embedded default, port ",
        ]);
    run_with(Some(&dir), &[], &["status"])
        .await
        .expect(0)
        .stdout_has(&["3 plugins recorded in graft._journal."]);

    // Stop it: no daemon is left behind.
    let pid: i32 = std::fs::read_to_string(dir.join(".graft/pgdata/postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The command the first run printed stops it (as the `postgres` OS user
    // under root).
    let stop = first
        .stderr
        .split_once("stop it with: ")
        .map(|(_, cmd)| cmd.trim().to_string())
        .expect("the first run says how to stop the server");
    let out = tokio::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&stop)
        .current_dir(&dir)
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{stop}: {out:?}");
    drop(project);
    assert!(!dir.exists(), "project directory removed");
    assert!(!alive(pid), "the embedded server (pid {pid}) was stopped");
}

// ---------------------------------------------------------------- options and usage

#[tokio::test]
async fn usage_errors_and_empty_input_exit_1() {
    // clap's own exit code for usage errors would be 2, which means "pending"
    let r = run_with(None, &[], &["plan"]).await;
    r.expect(1).stderr_has(&["<PATHS>"]);
    run_with(None, &[], &["--no-such-flag", "status"])
        .await
        .expect(1);
    run_with(None, &[], &["--help"])
        .await
        .expect(0)
        .stdout_has(&["plan", "apply", "status", "--database-url"]);
    // the value of DATABASE_URL (a password, perhaps) is not shown by --help
    let r = run_with(
        None,
        &[("DATABASE_URL", "postgres://u:hunter2@h/d")],
        &["--help"],
    )
    .await;
    assert!(!r.stdout.contains("hunter2"), "{}", r.stdout);

    let empty = Files::new();
    run_with(None, &[], &["plan", &empty.dir()])
        .await
        .expect(1)
        .stderr_has(&["error: no schema files (*.json) in "]);
    let r = run_with(None, &[], &["apply", "/no/such/file.json"]).await;
    r.expect(1)
        .stderr_has(&["error: /no/such/file.json: cannot read: No such file or directory"]);
}

#[tokio::test]
async fn version_only_change_and_tracking_schema_option() {
    let db = test_db().await;
    let files = Files::new();
    files.write("a.json", V1);
    let dir = files.dir();
    graft(&db, &["--tracking-schema", "meta", "apply", &dir])
        .await
        .expect(0);
    // the default tracking schema knows nothing of it
    graft(&db, &["status"])
        .await
        .expect(0)
        .stdout_has(&["No plugins recorded yet"]);
    graft(&db, &["status", "--tracking-schema", "meta"])
        .await
        .expect(0)
        .stdout_has(&["1 plugin recorded in meta._journal."]);

    files.write("a.json", &V1.replace("\"1.0.0\"", "\"1.0.1\""));
    graft(&db, &["--tracking-schema", "meta", "plan", "--check", &dir])
        .await
        .expect(2)
        .stdout_has(&[
            "a       1.0.0 -> 1.0.1  1         version only\n",
            "a: schema unchanged; only the recorded version changes (1.0.0 -> 1.0.1)",
        ]);
    graft(&db, &["--tracking-schema", "meta", "apply", &dir])
        .await
        .expect(0)
        .stdout_has(&[
            "a       1.0.0 -> 1.0.1  1         version recorded (schema unchanged)\n",
            "Recorded the new version of 1 of 1 plugin; no schema changes.",
        ]);
    graft(&db, &["--tracking-schema", "meta", "plan", "--check", &dir])
        .await
        .expect(0);
}

#[tokio::test]
async fn lock_timeout_option_bounds_the_wait_for_a_busy_table() {
    let db = test_db().await;
    let files = v1_with_a_row(&db).await;
    files.write(
        "a.json",
        &V1.replace(
            r#"{ "name": "x", "type": "text" }"#,
            r#"{ "name": "x", "type": "text" }, { "name": "y", "type": "int" }"#,
        ),
    );
    // another session holds a lock on a.t that ALTER TABLE must wait for
    let mut other = db.connect().await;
    let tx = other.transaction().await.unwrap();
    tx.batch_execute("LOCK TABLE a.t IN ACCESS SHARE MODE")
        .await
        .unwrap();
    let before = db_state(&db).await;
    let started = std::time::Instant::now();
    let r = graft(&db, &["apply", "--lock-timeout-ms", "200", &files.dir()]).await;
    r.expect(1).stderr_has(&[
        "(AddColumn a.t.y) failed: canceling statement due to lock timeout (SQLSTATE 55P03)",
    ]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    tx.rollback().await.unwrap();
    assert_eq!(before, db_state(&db).await);
    graft(&db, &["apply", &files.dir()]).await.expect(0);
}

// ---------------------------------------------------------------- README

/// The fenced blocks of the README's CLI section.
fn readme_cli_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme.find("\n## CLI\n").expect("a CLI section");
    let section = &readme[start..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    section
        .split("```")
        .skip(1)
        .step_by(2)
        .map(|b| {
            b.trim_start_matches(|c: char| c != '\n')
                .trim_start_matches('\n')
                .to_string()
        })
        .collect()
}

/// `text` with every 12-digit hex word replaced by `<hash>`.
fn mask_hashes(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|w| {
                    if w.len() == 12 && w.chars().all(|c| c.is_ascii_hexdigit()) {
                        "<hash>"
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn readme_cli_examples_match_the_output() {
    let blocks = readme_cli_blocks();
    let find = |needle: &str| {
        blocks
            .iter()
            .find(|b| b.contains(needle))
            .unwrap_or_else(|| panic!("no README block with {needle:?}"))
            .clone()
    };
    let db = test_db().await;
    let fx = fixtures().display().to_string();
    let plan = graft(&db, &["plan", &fx]).await;
    let readme_plan = find("Pending: ");
    for line in readme_plan.lines().filter(|l| *l != "...") {
        assert!(
            plan.stdout.lines().any(|o| o == line),
            "README plan line {line:?} is not in the output:\n{}",
            plan.stdout
        );
    }
    graft(&db, &["apply", &fx]).await.expect(0);
    let again = graft(&db, &["apply", &fx]).await;
    assert_eq!(again.stdout, find("Nothing to do: "));
    let status = graft(&db, &["status"]).await;
    assert_eq!(
        mask_hashes(&status.stdout),
        mask_hashes(&find("recorded in graft._journal."))
    );
    // every option the README lists exists
    let help = run_with(None, &[], &["--help"]).await;
    for opt in [
        "--database-url",
        "--tracking-schema",
        "--lock-timeout-ms",
        "--json",
    ] {
        assert!(find("global options").contains(opt));
        help.stdout_has(&[opt]);
    }
}

// ------------------------------------------------------ plugins as a system

const SHOP_1: &str = r#"{"plugin":"shop","version":"1.0.0","tables":[{"name":"orders",
  "columns":[{"name":"id","type":"bigint"},{"name":"amount","type":"numeric(12,2)","nullable":false,"default":"0"}],
  "primary_key":["id"]}]}"#;
const SHOP_2: &str = r#"{"plugin":"shop","version":"1.1.0","tables":[{"name":"orders",
  "columns":[{"name":"id","type":"bigint"},{"name":"amount","type":"numeric(12,2)","nullable":false,"default":"0"},
             {"name":"cents","type":"bigint","nullable":false}],
  "primary_key":["id"]}]}"#;

#[tokio::test]
async fn new_plan_apply_status_history_and_rollback_of_hand_written_migrations() {
    let db = test_db().await;
    let files = Files::new();
    files.write("shop.json", SHOP_1);
    let dir = files.dir();
    graft(&db, &["apply", &dir]).await.expect(0);
    db.connect()
        .await
        .batch_execute("INSERT INTO shop.orders VALUES (1, 2.50)")
        .await
        .unwrap();

    // `graft new` writes the next file for the declared version, without a database.
    files.write("shop.json", SHOP_2);
    let r = run_with(None, &[], &["new", "shop", "Backfill cents", "--dir", &dir]).await;
    r.expect(0)
        .stdout_has(&["shop/migrations/1.1.0-001-backfill-cents.sql"]);
    let path = files
        .0
        .path()
        .join("shop/migrations/1.1.0-001-backfill-cents.sql");
    let template = std::fs::read_to_string(&path).unwrap();
    // An unfilled template is an error naming the file; nothing is applied.
    graft(&db, &["plan", &dir])
        .await
        .expect(1)
        .stderr_has(&["1.1.0-001-backfill-cents.sql: the `-- graft:up` part is empty"]);
    std::fs::write(
        &path,
        template
            .replace(
                "-- graft:up\n",
                "-- graft:up\nUPDATE shop.orders SET cents = (amount * 100)::bigint;\n",
            )
            .replace(
                "-- graft:down\n",
                "-- graft:down\nUPDATE shop.orders SET cents = NULL;\n",
            ),
    )
    .unwrap();

    graft(&db, &["plan", "--check", &dir])
        .await
        .expect(2)
        .stdout_has(&[
            "shop    1.0.0 -> 1.1.0  1         2 steps, 1 migration\n",
            "  [1] AddColumn shop.orders.cents\n      ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"cents\" bigint;",
            "  migration 1.1.0-001-backfill-cents (after)\n      UPDATE shop.orders SET cents",
            "  [2] AlterColumn shop.orders.cents",
            "Pending: 2 steps and 1 hand-written migration in 1 of 1 plugin.",
        ]);
    graft(&db, &["status", &dir]).await.expect(0).stdout_has(&[
        "plugin  recorded  declared  snapshot  hash",
        "shop    1.0.0     1.1.0     1 ",
        "pending: 2 steps, 1 migration",
    ]);
    graft(&db, &["apply", &dir]).await.expect(0).stdout_has(&[
        "shop    1.0.0 -> 1.1.0  1 -> 2    applied 2 steps, 3 statements",
        "Hand-written migrations:\nshop: migration 1.1.0-001-backfill-cents (after)",
    ]);
    graft(&db, &["status", &dir])
        .await
        .expect(0)
        .stdout_has(&["up to date", "Up to date: 1 plugin."]);

    let h = graft(&db, &["--json", "history", "shop"]).await;
    h.expect(0);
    let v = h.json();
    let kinds: Vec<(&str, &str, i64)> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["name"].as_str().unwrap(),
                e["idx"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("schema", "schema", 1),
            ("schema", "schema", 2),
            ("script", "1.1.0-001-backfill-cents", 2)
        ]
    );
    graft(&db, &["history"]).await.expect(0).stdout_has(&[
        "id  plugin  idx  kind    name",
        "1.1.0-001-backfill-cents  1.1.0",
        "3 migrations.",
    ]);

    // An edited applied migration: exit 1, the file and both checksums, nothing changed.
    let before = db_state(&db).await;
    let applied = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, applied.replace("* 100", "* 1000")).unwrap();
    graft(&db, &["apply", &dir]).await.expect(1).stderr_has(&[
        "plugin `shop`: hand-written migration 1.1.0-001-backfill-cents (",
        "1.1.0-001-backfill-cents.sql) was changed after it was applied",
    ]);
    assert_eq!(before, db_state(&db).await);
    std::fs::write(&path, &applied).unwrap();

    // A downgrade needs its flag; a rollback refuses data loss without its flag.
    files.write("shop.json", SHOP_1);
    graft(&db, &["apply", &dir]).await.expect(1).stderr_has(&[
        "declared version 1.0.0 is lower than the recorded version 1.1.0",
        "--allow-downgrade",
    ]);
    graft(&db, &["status", &dir]).await.expect(0).stdout_has(&[
        "shop    1.1.0     1.0.0     2 ",
        "downgrade (apply needs --allow-downgrade): 2 steps, 1 migration",
    ]);
    graft(&db, &["plan", "--allow-downgrade", &dir])
        .await
        .expect(0)
        .stdout_has(&[
            "downgrade to 1.0.0",
            "undo 1.1.0-001-backfill-cents (after)",
            "DropColumn shop.orders.cents",
        ]);
    graft(&db, &["rollback", "shop", "--to", "1"])
        .await
        .expect(1)
        .stderr_has(&[
            "DropColumn shop.orders.cents: data loss",
            "--allow-destructive",
        ]);
    assert_eq!(before, db_state(&db).await);
    let r = graft(
        &db,
        &["rollback", "shop", "--to", "1", "--allow-destructive"],
    )
    .await;
    r.expect(0).stdout_has(&[
        "undo 1.1.0-001-backfill-cents (after)",
        "Rolled back `shop` from snapshot 2 to snapshot 1 (1.0.0): 2 steps, 1 down part; recorded as snapshot 3.",
    ]);
    // Now 1.0.0 is what is recorded: a no-op.
    graft(&db, &["plan", "--check", &dir]).await.expect(0);
    // And --strict turns a changed schema under the same version into an error.
    files.write(
        "shop.json",
        &SHOP_1.replace("\"default\":\"0\"", "\"default\":\"1\""),
    );
    graft(&db, &["--strict", "plan", &dir])
        .await
        .expect(1)
        .stderr_has(&["the declared schema changed but its version 1.0.0 did not (strict mode"]);
    graft(&db, &["plan", &dir]).await.expect(0).stdout_has(&[
        "warning: plugin `shop`: the declared schema changed but its version 1.0.0 did not",
    ]);
}
