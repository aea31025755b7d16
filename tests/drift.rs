//! Drift against a real PostgreSQL: the live schema recorded at every
//! apply, `graft drift` (text, JSON, exit codes), the apply guard (refuse
//! over drift in what a plan changes, leave other drift as it is, repair
//! when asked), adoption of existing objects on a first apply, and
//! tracking tables of an older graft upgraded in place.

use graft::declare::{from_json_str, Declared};
use graft::drift::{detect, Baseline, DriftReport, LiveBasis};
use graft::store::Store;
use graft::testing::{test_db, TestDb};
use graft::{Error, Migrator, Options, Outcome, Plugin, Registry};
use serde_json::{json, Value};
use tokio_postgres::Client;

const BIN: &str = env!("CARGO_BIN_EXE_graft");
const DESIGN: &str = include_str!("../src/declare/testdata/design_example.json");
const ACCOUNTS: &str = r#"{ "plugin": "accounts", "version": "1.0.0", "tables": [
  { "name": "accounts", "columns": [ { "name": "id", "type": "uuid" } ], "primary_key": ["id"] } ] }"#;

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

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn path(d: &tempfile::TempDir) -> String {
    d.path().display().to_string()
}

/// The design example with `edit` applied to its JSON.
fn design(edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(DESIGN).unwrap();
    edit(&mut v);
    v.to_string()
}

fn registry(files: &[&str]) -> Registry {
    let mut r = Registry::new();
    for f in files {
        r.add(Plugin::from(from_json_str(f, None).unwrap()))
            .unwrap();
    }
    r
}

async fn drift_report(client: &mut Client) -> DriftReport {
    let tx = client.transaction().await.unwrap();
    let r = detect(&tx, &Store::new("graft"), None).await.unwrap();
    tx.rollback().await.unwrap();
    r
}

fn lines(r: &DriftReport, plugin: &str) -> Vec<String> {
    r.plugins
        .iter()
        .find(|p| p.plugin == plugin)
        .unwrap_or_else(|| panic!("no plugin {plugin} in {r:?}"))
        .lines
        .clone()
}

/// The catalog of every namespace but the system's and graft's.
async fn objects(client: &mut Client) -> String {
    let ns: Vec<String> = client
        .query(
            "SELECT nspname::text FROM pg_namespace
             WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'graft')
             ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let live = graft::introspect::introspect(client, &ns).await.unwrap();
    format!(
        "{:#?}\n{:?}\n{:?}",
        live.schema.tables, live.schema.enums, live.unmodeled
    )
}

/// [`objects`] and every tracking row.
async fn state(client: &mut Client) -> String {
    let mut s = objects(client).await;
    let tracking: bool = client
        .query_one("SELECT to_regclass('graft._journal') IS NOT NULL", &[])
        .await
        .unwrap()
        .get(0);
    if !tracking {
        return s;
    }
    for sql in [
        "SELECT to_jsonb(t)::text FROM graft._journal t ORDER BY plugin",
        "SELECT to_jsonb(t)::text FROM graft._snapshots t ORDER BY plugin, idx",
        "SELECT count(*)::text FROM graft._migrations",
    ] {
        for row in client.query(sql, &[]).await.unwrap() {
            s.push('\n');
            s.push_str(&row.get::<_, String>(0));
        }
    }
    s
}

const HAND_CHANGES: &str = "ALTER TABLE billing.invoices ADD COLUMN extra integer;
     ALTER TABLE billing.invoices ALTER COLUMN status SET DEFAULT 'open';
     DROP INDEX billing.invoices_status_idx;";

/// The design example's raw expressions (`total >= 0`, `'draft'`) show no
/// drift; three changes by hand show as exactly those three, exit 2.
#[tokio::test]
async fn design_example_shows_no_drift_and_hand_changes_show_exactly() {
    let db = test_db().await;
    let files = dir_with(&[("accounts.json", ACCOUNTS), ("billing.json", DESIGN)]);
    let r = graft(&db, &["apply", &path(&files)]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = graft(&db, &["drift"]).await;
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "plugin    snapshot  drift\naccounts  1         none\nbilling   1         none\n\n\
         No drift: 2 plugins as recorded.\n"
    );
    let r = graft(&db, &["drift", "--json"]).await;
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!((r.code, &v["drift"]), (0, &json!(false)));

    let client = db.connect().await;
    client.batch_execute(HAND_CHANGES).await.unwrap();
    let r = graft(&db, &["drift"]).await;
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let expected_lines = [
        "column billing.invoices.extra: added outside graft",
        "column billing.invoices.status: changed outside graft (default \
         'draft'::billing.invoice_status -> 'open'::billing.invoice_status)",
        "index billing.invoices_status_idx on billing.invoices: dropped outside graft",
    ];
    for l in expected_lines {
        assert!(
            r.stdout.contains(&format!("\n  {l}\n")),
            "{l}\n{}",
            r.stdout
        );
    }
    // the readable diff of the table, recorded against live
    for l in [
        "  --- table billing.invoices (recorded, snapshot 1)",
        "  +++ table billing.invoices (live)",
        "  -      \"default\": \"'draft'::billing.invoice_status\"",
        "  +      \"default\": \"'open'::billing.invoice_status\"",
        "  +      \"name\": \"extra\",",
        "  -      \"name\": \"invoices_status_idx\",",
        "accounts  1         none",
        "billing   1         3 objects",
    ] {
        assert!(r.stdout.lines().any(|o| o == l), "{l:?}\n{}", r.stdout);
    }
    assert!(
        r.stdout.ends_with(
            "\nDrift in 1 of 2 plugins. `graft apply --repair-drift` turns it back into the \
             declarations.\n"
        ),
        "{}",
        r.stdout
    );
    let r = graft(&db, &["drift", "--json"]).await;
    assert_eq!(r.code, 2);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["drift"], json!(true));
    let billing = &v["plugins"][1];
    assert_eq!(billing["plugin"], json!("billing"));
    assert_eq!(billing["objects"], json!(expected_lines));
    let kinds: Vec<&str> = billing["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    for k in ["AddColumn", "AlterColumn", "DropIndex"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    // only the plugins of the given files
    let only = dir_with(&[("accounts.json", ACCOUNTS)]);
    let r = graft(&db, &["drift", &path(&only)]).await;
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!r.stdout.contains("billing"), "{}", r.stdout);
}

/// Drift in what the plan changes refuses the whole migration, naming it;
/// other drift is left as it is and stays drift; repair undoes it.
#[tokio::test]
async fn apply_refuses_over_drift_in_what_it_changes_and_repairs_when_asked() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    m.migrate_all(&mut client, &registry(&[ACCOUNTS, DESIGN]))
        .await
        .unwrap();
    client.batch_execute(HAND_CHANGES).await.unwrap();
    let before = state(&mut client).await;

    // v2 changes the status default: the drifted column
    let v2 = design(|v| {
        v["version"] = json!("1.3.0");
        v["tables"][0]["columns"][2]["default"] = json!("'paid'");
    });
    let err = m
        .migrate_all(&mut client, &registry(&[ACCOUNTS, &v2]))
        .await
        .unwrap_err();
    let Error::Drift {
        plugin,
        idx,
        changes,
        diff,
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!((plugin.as_str(), *idx), ("billing", 1));
    assert_eq!(
        changes,
        &[
            "column billing.invoices.status: changed outside graft (default \
           'draft'::billing.invoice_status -> 'open'::billing.invoice_status)"
        ]
    );
    assert!(
        diff.contains("+      \"default\": \"'open'::billing.invoice_status\""),
        "{diff}"
    );
    assert!(
        !diff.contains("extra"),
        "only the conflicting parts: {diff}"
    );
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "plugin `billing`: the database differs from snapshot 1 in what this migration \
             changes (nothing was applied):\n  column billing.invoices.status:"
        ),
        "{msg}"
    );
    assert!(msg.ends_with("`graft drift` shows all drift"), "{msg}");
    assert_eq!(state(&mut client).await, before, "nothing changed");
    // the dry run says the same
    let err = m
        .plan_all(&mut client, &registry(&[ACCOUNTS, &v2]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Drift { .. }), "{err}");

    // the index the hand dropped, dropped again by the declaration: refused too
    let v2b = design(|v| {
        v["version"] = json!("1.3.0");
        v["tables"][0]["indexes"].as_array_mut().unwrap().remove(0);
    });
    let err = m
        .migrate_all(&mut client, &registry(&[ACCOUNTS, &v2b]))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "index billing.invoices_status_idx on billing.invoices: dropped outside graft"
        ),
        "{err}"
    );
    assert_eq!(state(&mut client).await, before, "nothing changed");

    // v3 adds a column: unrelated to the drift, which it leaves as it is
    let v3 = design(|v| {
        v["version"] = json!("1.3.0");
        v["tables"][0]["columns"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "due", "type": "date"}));
    });
    let reg3 = registry(&[ACCOUNTS, &v3]);
    let plans = m.plan_all(&mut client, &reg3).await.unwrap();
    assert_eq!(plans[1].warnings.len(), 3, "{:?}", plans[1].warnings);
    assert!(plans[1].warnings[0].starts_with("drift left as it is"));
    let r = m.migrate_all(&mut client, &reg3).await.unwrap();
    assert!(matches!(r.plugins[1].1, Outcome::Applied { to_idx: 2, .. }));
    let d = drift_report(&mut client).await;
    assert_eq!(lines(&d, "billing").len(), 3, "still drift: {d:?}");
    assert_eq!(d.plugins[1].idx, 2);

    // repair: data loss (the hand-added column) needs its own permission
    let repair = Migrator::new(Options {
        repair_drift: true,
        ..Options::default()
    });
    let err = repair.migrate_all(&mut client, &reg3).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("DropColumn billing.invoices.extra"),
        "{err}"
    );
    let repair = Migrator::new(Options {
        repair_drift: true,
        allow_destructive: true,
        ..Options::default()
    });
    let plans = repair.plan_all(&mut client, &reg3).await.unwrap();
    let live = plans[1]
        .live
        .as_ref()
        .expect("planned against the live database");
    assert_eq!(live.basis, LiveBasis::Repair);
    assert_eq!(live.objects.len(), 3, "{live:?}");
    assert!(plans[0].live.is_none(), "accounts did not drift");
    let r = repair.migrate_all(&mut client, &reg3).await.unwrap();
    assert!(
        matches!(
            r.plugins[1].1,
            Outcome::Applied {
                from_idx: Some(2),
                to_idx: 3,
                steps: 3,
                ..
            }
        ),
        "{r:?}"
    );
    assert_eq!(r.plugins[0].1, Outcome::UpToDate);
    let d = drift_report(&mut client).await;
    assert!(!d.has_drift(), "{d:?}");
    let default: String = client
        .query_one(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef
             WHERE adrelid = 'billing.invoices'::regclass
               AND adnum = (SELECT attnum FROM pg_attribute
                            WHERE attrelid = 'billing.invoices'::regclass AND attname = 'status')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(default, "'draft'::billing.invoice_status");
    // and a repair with nothing to repair is a no-op
    let r = repair.migrate_all(&mut client, &reg3).await.unwrap();
    assert!(!r.applied_any(), "{r:?}");
}

#[tokio::test]
async fn cli_apply_refuses_over_drift_and_repairs_with_the_flag() {
    let db = test_db().await;
    let files = dir_with(&[("accounts.json", ACCOUNTS), ("billing.json", DESIGN)]);
    assert_eq!(graft(&db, &["apply", &path(&files)]).await.code, 0);
    db.connect()
        .await
        .batch_execute("ALTER TABLE billing.invoices ALTER COLUMN status SET DEFAULT 'open'")
        .await
        .unwrap();
    let v2 = dir_with(&[
        ("accounts.json", ACCOUNTS),
        (
            "billing.json",
            &design(|v| {
                v["version"] = json!("1.3.0");
                v["tables"][0]["columns"][2]["default"] = json!("'paid'");
            }),
        ),
    ]);
    let r = graft(&db, &["apply", &path(&v2)]).await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.starts_with(
            "error: plugin `billing`: the database differs from snapshot 1 in what this \
             migration changes (nothing was applied):\n  column billing.invoices.status: \
             changed outside graft (default 'draft'::billing.invoice_status -> \
             'open'::billing.invoice_status)\n--- table billing.invoices (recorded, snapshot 1)\n"
        ),
        "{}",
        r.stderr
    );
    let r = graft(&db, &["plan", "--repair-drift", &path(&v2)]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "billing: 1 step (from the live database, repairing drift since snapshot 1)\n  \
             repairs column billing.invoices.status: changed outside graft"
        ),
        "{}",
        r.stdout
    );
    let r = graft(&db, &["apply", "--repair-drift", &path(&v2)]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = graft(&db, &["drift"]).await;
    assert_eq!(r.code, 0, "{}", r.stdout);
}

/// A first apply over existing objects adopts them: nothing is created
/// twice or dropped; what the declaration does not name stays, and the
/// first snapshot is a baseline; the next apply is a no-op.
#[tokio::test]
async fn first_apply_adopts_existing_objects() {
    let db = test_db().await;
    let mut client = db.connect().await;
    client
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pgcrypto;
             CREATE SCHEMA accounts; CREATE TABLE accounts.accounts (id uuid PRIMARY KEY);
             CREATE SCHEMA billing;
             CREATE TYPE billing.invoice_status AS ENUM ('draft', 'open', 'paid');
             CREATE TABLE billing.invoices (
               id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
               account_id uuid NOT NULL REFERENCES accounts.accounts (id) ON DELETE CASCADE,
               status billing.invoice_status NOT NULL DEFAULT 'draft',
               total numeric(12,2) NOT NULL DEFAULT 0,
               note text,
               total_x2 numeric GENERATED ALWAYS AS (total * 2) STORED,
               UNIQUE (account_id, note),
               CONSTRAINT total_nonneg CHECK (total >= 0));
             CREATE INDEX ON billing.invoices (status) WHERE status <> 'paid';
             CREATE INDEX ON billing.invoices (lower(note));
             COMMENT ON TABLE billing.invoices IS 'one row per invoice';
             CREATE TABLE billing.legacy (x integer);
             CREATE VIEW billing.v AS SELECT 1 AS one;
             CREATE OPERATOR billing.=== (leftarg = integer, rightarg = integer, function = int4eq);
             INSERT INTO accounts.accounts VALUES ('00000000-0000-0000-0000-000000000001');
             INSERT INTO billing.invoices (account_id, total)
               VALUES ('00000000-0000-0000-0000-000000000001', 5);",
        )
        .await
        .unwrap();
    let before = objects(&mut client).await;
    let m = Migrator::default();
    let reg = registry(&[ACCOUNTS, DESIGN]);
    let plans = m.plan_all(&mut client, &reg).await.unwrap();
    for p in &plans {
        let live = p.live.as_ref().expect("adopting");
        assert_eq!(live.basis, LiveBasis::Adopt);
        assert!(p.plan.is_empty(), "{:?}", p.plan);
    }
    assert_eq!(
        plans[1].live.as_ref().unwrap().objects,
        ["enum billing.invoice_status", "table billing.invoices"]
    );
    assert_eq!(
        plans[1].warnings,
        [
            "not modelled by graft, left as it is: operator billing.===",
            "not declared, left as it is: table billing.legacy (drift until declared or \
             dropped: `graft drift` shows it, `--repair-drift` drops it)",
            "not declared, left as it is: view billing.v (drift until declared or \
             dropped: `graft drift` shows it, `--repair-drift` drops it)"
        ]
    );
    let r = m.migrate_all(&mut client, &reg).await.unwrap();
    for (_, o) in &r.plugins {
        assert_eq!(
            *o,
            Outcome::Adopted {
                to_idx: 1,
                steps: 0,
                statements: 0
            }
        );
    }
    assert_eq!(
        objects(&mut client).await,
        before,
        "the objects are as they were"
    );
    let rows: i64 = client
        .query_one("SELECT count(*) FROM billing.invoices", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
    let again = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(again.fast_path && !again.applied_any());
    let d = drift_report(&mut client).await;
    assert_eq!(
        lines(&d, "billing"),
        [
            "table billing.legacy: added outside graft",
            "view billing.v: added outside graft"
        ]
    );
    assert!(lines(&d, "accounts").is_empty());
    assert_eq!(
        d.plugins[1].unmodeled[0].to_string(),
        "operator billing.==="
    );
}

/// Adoption over objects that differ from the declaration: what is missing
/// is added; what would be lost is refused, not done silently.
#[tokio::test]
async fn adoption_adds_what_is_missing_and_refuses_silent_loss() {
    let db = test_db().await;
    let mut client = db.connect().await;
    client
        .batch_execute(
            "CREATE SCHEMA app; CREATE TABLE app.t (id integer PRIMARY KEY, old_col text);",
        )
        .await
        .unwrap();
    let decl = r#"{ "plugin": "app", "tables": [ { "name": "t", "columns": [
        { "name": "id", "type": "integer" },
        { "name": "n", "type": "integer", "nullable": false, "default": "0" } ],
        "primary_key": ["id"], "checks": [ { "expr": "n >= 0" } ] } ] }"#;
    let reg = registry(&[decl]);
    let before = state(&mut client).await;
    let err = Migrator::default()
        .migrate_all(&mut client, &reg)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("step 1 DropColumn app.t.old_col: data loss"),
        "{err}"
    );
    assert_eq!(state(&mut client).await, before);
    let m = Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    });
    let r = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(
        matches!(
            r.plugins[0].1,
            Outcome::Adopted {
                to_idx: 1,
                steps: 3,
                ..
            }
        ),
        "{r:?}"
    );
    assert!(!drift_report(&mut client).await.has_drift());
    let again = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(again.fast_path && !again.applied_any());
}

/// Tracking tables of an older graft (no `live` columns): drift compares
/// with the declaration normalised through the server; the next apply adds
/// the columns in place and records the live schema.
#[tokio::test]
async fn older_tracking_tables_are_upgraded_in_place() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::default();
    m.migrate_all(&mut client, &registry(&[ACCOUNTS, DESIGN]))
        .await
        .unwrap();
    client
        .batch_execute(
            // as an unversioned graft left them, before it recorded live schemas
            "ALTER TABLE graft._snapshots DROP COLUMN live, DROP COLUMN live_hash; \
             DROP TABLE graft._tracking_version",
        )
        .await
        .unwrap();
    let d = drift_report(&mut client).await;
    assert!(!d.has_drift(), "{d:?}");
    assert!(d.plugins.iter().all(|p| p.baseline == Baseline::Normalized));
    client
        .batch_execute("ALTER TABLE billing.invoices ADD COLUMN extra integer")
        .await
        .unwrap();
    let d = drift_report(&mut client).await;
    assert_eq!(
        lines(&d, "billing"),
        ["column billing.invoices.extra: added outside graft"]
    );
    // an apply of an unrelated change upgrades the table and records live
    let v2 = design(|v| {
        v["version"] = json!("1.3.0");
        v["tables"][0]["comment"] = json!("invoices");
    });
    m.migrate_all(&mut client, &registry(&[ACCOUNTS, &v2]))
        .await
        .unwrap();
    let recorded: Vec<(String, i32, bool)> = client
        .query(
            "SELECT plugin, idx, live IS NOT NULL FROM graft._snapshots ORDER BY 1, 2",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        recorded,
        [
            ("accounts".to_string(), 1, false),
            ("billing".to_string(), 1, false),
            ("billing".to_string(), 2, true)
        ]
    );
    let d = drift_report(&mut client).await;
    assert_eq!(d.plugins[1].baseline, Baseline::Recorded);
    assert_eq!(
        lines(&d, "billing"),
        ["column billing.invoices.extra: added outside graft"],
        "the drift stays drift"
    );
}

#[tokio::test]
async fn a_tampered_live_schema_is_an_error() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let d: Declared = from_json_str(ACCOUNTS, None).unwrap();
    Migrator::default()
        .migrate(&mut client, &Plugin::from(d))
        .await
        .unwrap();
    client
        .batch_execute(
            "UPDATE graft._snapshots SET live = jsonb_set(live, '{schema,tables}', '[]')",
        )
        .await
        .unwrap();
    let tx = client.transaction().await.unwrap();
    let err = detect(&tx, &Store::new("graft"), None).await.unwrap_err();
    assert!(
        err.to_string().contains(
            "plugin `accounts`: the live schema recorded with snapshot 1 was modified after it \
             was recorded (tampered with)"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn drift_without_tracking_tables_says_so() {
    let db = test_db().await;
    let r = graft(&db, &["drift"]).await;
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "No plugins recorded yet (no `graft` tracking tables in this database).\n"
    );
    let r = graft(&db, &["drift", "--json"]).await;
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["initialized"], json!(false));
    assert_eq!(v["drift"], json!(false));
}

/// The README's drift example is what `graft drift` prints for it.
#[tokio::test]
async fn readme_drift_example_matches_the_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("```")
        .skip(1)
        .step_by(2)
        .find(|b| b.contains("Drift in 1 of 3 plugins"))
        .expect("the README's drift example")
        .trim_start_matches('\n')
        .to_string();
    let db = test_db().await;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/schema-fixtures");
    assert_eq!(graft(&db, &["apply", fixtures]).await.code, 0);
    db.connect()
        .await
        .batch_execute(
            "ALTER TABLE billing.invoices ADD COLUMN extra integer; \
             ALTER TABLE billing.invoices ALTER COLUMN total SET DEFAULT 1",
        )
        .await
        .unwrap();
    let r = graft(&db, &["drift"]).await;
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, block);
}

/// Views written as raw SQL show no drift; a view replaced by hand does.
#[tokio::test]
async fn views_drift_like_tables() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let file = r#"{ "plugin": "shop",
      "tables": [ { "name": "orders", "columns": [
          { "name": "id", "type": "integer" }, { "name": "total", "type": "numeric" } ],
          "primary_key": ["id"] } ],
      "views": [ { "name": "big", "definition": "select id, total from shop.orders where total > 100" } ] }"#;
    Migrator::default()
        .migrate_all(&mut client, &registry(&[file]))
        .await
        .unwrap();
    assert!(!drift_report(&mut client).await.has_drift());
    client
        .batch_execute(
            "CREATE OR REPLACE VIEW shop.big AS SELECT id, total FROM shop.orders WHERE total > 200;
             CREATE VIEW shop.extra AS SELECT 1 AS one;",
        )
        .await
        .unwrap();
    let d = drift_report(&mut client).await;
    assert_eq!(
        lines(&d, "shop"),
        [
            "view shop.big: definition or options changed outside graft",
            "view shop.extra: added outside graft"
        ]
    );
    assert!(d.plugins[0].diff.contains("+  \"definition\": \"SELECT orders.id, orders.total FROM shop.orders WHERE orders.total > 200::numeric\""), "{}", d.plugins[0].diff);
}

/// A rollback records the live schema of its new snapshot too.
#[tokio::test]
async fn a_rollback_records_its_live_schema() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let m = Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    });
    m.migrate_all(&mut client, &registry(&[ACCOUNTS, DESIGN]))
        .await
        .unwrap();
    let v2 = design(|v| {
        v["version"] = json!("1.3.0");
        v["tables"][0]["columns"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "due", "type": "date", "default": "now()"}));
    });
    m.migrate_all(&mut client, &registry(&[ACCOUNTS, &v2]))
        .await
        .unwrap();
    m.rollback(
        &mut client,
        "billing",
        1,
        graft::RollbackOptions {
            allow_destructive: true,
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let d = drift_report(&mut client).await;
    assert_eq!(d.plugins[1].idx, 3);
    assert_eq!(d.plugins[1].baseline, Baseline::Recorded);
    assert!(!d.has_drift(), "{d:?}");
}
