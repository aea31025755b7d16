//! `graft pull` against a real PostgreSQL, through the binary: a database
//! graft never saw is pulled into schema files; applying them adopts it
//! (baseline snapshots, nothing changed, no drift, the next plan is empty);
//! the same files rebuild an equal database elsewhere.

use graft::testing::{test_db, TestDb};
use serde_json::{json, Value};
use std::path::Path;

const BIN: &str = env!("CARGO_BIN_EXE_graft");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn graft(db: &TestDb, args: &[&str]) -> Run {
    let out = tokio::process::Command::new(BIN)
        .arg("--database-url")
        .arg(db.url())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GRAFT_LOG")
        .output()
        .await
        .expect("the graft binary runs");
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A database nobody declared: two namespaces (one hostile name) naming
/// each other's objects, every kind graft models, written as people write
/// SQL (raw expressions), and an object graft does not model.
const EXISTING: &str = r#"
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA crm;
CREATE SCHEMA "Sales; ""EU""";
CREATE TYPE crm.tier AS ENUM ('free', 'pro');
CREATE DOMAIN crm.email AS text CHECK (VALUE LIKE '%@%');
CREATE TYPE crm.addr AS (city text, zip text);
CREATE TABLE crm.customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email crm.email NOT NULL UNIQUE,
  tier crm.tier NOT NULL DEFAULT 'free',
  home crm.addr,
  score integer NOT NULL DEFAULT 0 CHECK (score >= 0),
  created timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE crm.customers IS 'people who buy';
CREATE INDEX customers_lower_email ON crm.customers (lower(email)) WHERE tier <> 'free';
CREATE SEQUENCE crm.ticket_no START 1000;
CREATE TABLE "Sales; ""EU""".orders (
  id serial PRIMARY KEY,
  no bigint NOT NULL DEFAULT nextval('crm.ticket_no'),
  customer uuid REFERENCES crm.customers (id) ON DELETE CASCADE,
  total numeric(12,2) NOT NULL DEFAULT 0,
  doubled numeric GENERATED ALWAYS AS (total * 2) STORED
);
CREATE VIEW "Sales; ""EU""".big_orders AS
  SELECT id, total FROM "Sales; ""EU""".orders WHERE total > 100;
CREATE MATERIALIZED VIEW crm.tiers AS SELECT tier, count(*) AS n FROM crm.customers GROUP BY tier;
CREATE FUNCTION crm.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.score := NEW.score + 1; RETURN NEW; END$$;
CREATE TRIGGER customers_touch BEFORE UPDATE ON crm.customers FOR EACH ROW EXECUTE FUNCTION crm.touch();
ALTER TABLE crm.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY pro_only ON crm.customers FOR SELECT USING (tier = 'pro');
CREATE OPERATOR crm.=== (leftarg = integer, rightarg = integer, function = int4eq);
INSERT INTO crm.customers (email) VALUES ('a@b.c');
"#;

async fn existing() -> TestDb {
    let db = test_db().await;
    db.connect().await.batch_execute(EXISTING).await.unwrap();
    db
}

fn dir_arg(d: &Path) -> String {
    d.display().to_string()
}

#[tokio::test]
async fn pull_then_apply_adopts_as_a_baseline() {
    let db = existing().await;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("schema");
    let r = graft(&db, &["pull", "--out", &dir_arg(&dir)]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["Sales; \"EU\".json", "crm.json"],
        "public is empty: not pulled"
    );
    assert!(
        r.stderr
            .contains("warning: not modelled by graft, not pulled: operator crm.==="),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("Wrote 2 schema files."), "{}", r.stdout);
    let sales: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("Sales; \"EU\".json")).unwrap())
            .unwrap();
    assert_eq!(sales["depends_on"], json!({"crm": "*"}));
    assert_eq!(
        sales["namespace"],
        Value::Null,
        "plugin named after its namespace"
    );

    // the first apply adopts: nothing created twice, nothing changed
    let before = graft(&db, &["diff", "--from", &db.url(), "--to", &db.url()]).await;
    assert_eq!(before.stdout, "");
    let r = graft(&db, &["plan", &dir_arg(&dir)]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("baseline (adopt as is)"), "{}", r.stdout);
    let r = graft(&db, &["apply", &dir_arg(&dir)]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    for plugin in ["crm", "Sales; \"EU\""] {
        assert!(
            r.stdout.lines().any(|l| l.starts_with(plugin)
                && l.ends_with("- -> 1    adopted existing objects as they are (baseline)")),
            "{plugin}:\n{}",
            r.stdout
        );
    }
    assert!(
        r.stdout.ends_with(
            "Adopted the existing objects of 2 of 2 plugins as they are: baseline snapshots recorded.\n"
        ),
        "{}",
        r.stdout
    );
    let client = db.connect().await;
    let rows: i64 = client
        .query_one("SELECT count(*) FROM crm.customers", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "the data is there");
    let statements: Vec<String> = client
        .query(
            "SELECT statements::text FROM graft._migrations ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(statements, ["[]", "[]"], "no DDL ran");

    // and then: no drift, nothing planned, the next apply is a no-op
    let r = graft(&db, &["drift"]).await;
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No drift: 2 plugins as recorded."));
    let r = graft(&db, &["plan", "--check", &dir_arg(&dir)]).await;
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = graft(&db, &["apply", &dir_arg(&dir)]).await;
    assert!(
        r.stdout.contains("Nothing to do: 2 plugins up to date."),
        "{}",
        r.stdout
    );
}

#[tokio::test]
async fn pulled_files_rebuild_an_equal_database() {
    let db = existing().await;
    let out = tempfile::tempdir().unwrap();
    let r = graft(&db, &["pull", "--out", &dir_arg(out.path())]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let fresh = test_db().await;
    let r = graft(&fresh, &["apply", &dir_arg(out.path())]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // the two databases hold the same schema (the operator aside: not modelled)
    let r = graft(
        &fresh,
        &["diff", "--from", &db.url(), "--to", &fresh.url(), "--check"],
    )
    .await;
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    // and the files against either database: no differences
    for d in [&db, &fresh] {
        let r = graft(
            d,
            &[
                "diff",
                "--from",
                &d.url(),
                "--to",
                &dir_arg(out.path()),
                "--check",
            ],
        )
        .await;
        assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    }
}

#[tokio::test]
async fn schema_filter_json_overwrite_and_errors() {
    let db = existing().await;
    let out = tempfile::tempdir().unwrap();
    let r = graft(
        &db,
        &[
            "pull",
            "--schema",
            "crm",
            "--out",
            &dir_arg(out.path()),
            "--json",
        ],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["plugin"], json!("crm"));
    // enum, domain, composite type, table, sequence, materialized view,
    // function, trigger
    assert_eq!(files[0]["objects"], json!(8), "{v:#}");
    assert_eq!(
        v["unmodeled"],
        json!([{"kind": "operator", "schema": "crm", "name": "==="}])
    );
    // crm alone depends on nothing
    let crm: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("crm.json")).unwrap())
            .unwrap();
    assert_eq!(crm.get("depends_on"), None);
    // a second pull does not overwrite without --force
    let r = graft(
        &db,
        &["pull", "--schema", "crm", "--out", &dir_arg(out.path())],
    )
    .await;
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("crm.json exists; pull into another --out directory, or pass --force"),
        "{}",
        r.stderr
    );
    let r = graft(
        &db,
        &[
            "pull",
            "--schema",
            "crm",
            "--out",
            &dir_arg(out.path()),
            "--force",
        ],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = graft(
        &db,
        &["pull", "--schema", "nope", "--out", &dir_arg(out.path())],
    )
    .await;
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "error: the database has no namespace `nope`\n");
}

/// The README's pull example is what `graft pull` prints for it.
#[tokio::test]
async fn readme_pull_example_matches_the_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("**Pull.**")
        .expect("the README's pull paragraph");
    let block = readme[start..]
        .split("```")
        .nth(1)
        .expect("its example")
        .trim_start_matches('\n')
        .to_string();
    let db = test_db().await;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/schema-fixtures");
    assert_eq!(graft(&db, &["apply", fixtures]).await.code, 0);
    let cwd = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(BIN)
        .args(["--database-url", &db.url(), "pull", "--out", "schema"])
        .current_dir(cwd.path())
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), block);
}
