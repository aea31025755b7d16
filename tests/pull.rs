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

/// One namespace holding every kind graft models at once, made by hand:
/// an extension at a version, enum, domain, composite type with a
/// collation, identity and serial columns, a standalone sequence owned by
/// a column, column collations, a generated column, checks, unique and
/// foreign keys, an expression index, comments, a view on a view, a
/// materialized view with an index, functions, a procedure, a trigger,
/// row-level security with a policy, and privileges on the namespace, a
/// table, a column, a view, a sequence, a function and a procedure.
/// `{r}` and `{w}` are the roles.
const EVERY_KIND: &str = r#"
CREATE EXTENSION IF NOT EXISTS hstore WITH VERSION '1.7';
CREATE SCHEMA every;
CREATE TYPE every.state AS ENUM ('new', 'paid');
CREATE DOMAIN every.amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TYPE every.addr AS (city text COLLATE "C", zip text);
CREATE SEQUENCE every.ticket_no START 10 INCREMENT 5;
CREATE TABLE every.orders (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  serial_no serial,
  ticket bigint,
  state every.state NOT NULL DEFAULT 'new',
  total every.amount NOT NULL DEFAULT 0,
  ship_to every.addr,
  code text COLLATE "C" UNIQUE,
  label varchar(20) COLLATE "POSIX",
  tags public.hstore,
  doubled numeric GENERATED ALWAYS AS (total * 2) STORED,
  CHECK (state <> 'paid' OR ticket IS NOT NULL)
);
ALTER SEQUENCE every.ticket_no OWNED BY every.orders.ticket;
CREATE TABLE every.lines (
  order_id integer REFERENCES every.orders (id) ON DELETE CASCADE DEFERRABLE,
  qty integer DEFAULT 1
);
CREATE INDEX ON every.orders (lower(code)) WHERE state <> 'paid';
COMMENT ON TABLE every.orders IS 'orders';
COMMENT ON COLUMN every.orders.code IS 'the code';
CREATE VIEW every.open_orders AS SELECT id, code, state FROM every.orders WHERE state = 'new';
CREATE VIEW every.open_codes AS SELECT code FROM every.open_orders;
CREATE MATERIALIZED VIEW every.totals AS
  SELECT state, sum(total) AS total FROM every.orders GROUP BY state;
CREATE UNIQUE INDEX ON every.totals (state);
CREATE FUNCTION every.touch() RETURNS trigger LANGUAGE plpgsql
  AS $$BEGIN NEW.ticket := coalesce(NEW.ticket, 0); RETURN NEW; END$$;
CREATE FUNCTION every.order_count(s every.state) RETURNS bigint LANGUAGE sql STABLE
  AS $$SELECT count(*) FROM every.orders WHERE state = s$$;
CREATE PROCEDURE every.purge(keep integer) LANGUAGE sql
  AS $$DELETE FROM every.lines WHERE qty < keep$$;
CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON every.orders
  FOR EACH ROW EXECUTE FUNCTION every.touch();
ALTER TABLE every.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY new_only ON every.orders FOR SELECT TO {r} USING (state = 'new');
GRANT USAGE ON SCHEMA every TO {r}, {w};
GRANT SELECT, INSERT ON every.orders TO {r};
GRANT UPDATE (label) ON every.orders TO {w};
GRANT SELECT ON every.open_codes TO {r} WITH GRANT OPTION;
GRANT USAGE ON SEQUENCE every.ticket_no TO {w};
REVOKE EXECUTE ON FUNCTION every.order_count(every.state) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION every.order_count(every.state) TO {r};
GRANT EXECUTE ON PROCEDURE every.purge(integer) TO {w};
INSERT INTO every.orders (code, ticket) VALUES ('a', 1);
"#;

/// Pull, then apply: a no-op that records a baseline for a namespace of
/// every kind; then `plan --check` and `drift` find nothing, a second
/// apply does nothing, and the files build an equal database elsewhere.
#[tokio::test]
async fn every_kind_at_once_pulls_and_adopts_as_a_baseline() {
    let db = test_db().await;
    let client = db.connect().await;
    let (r, w) = ("pull_every_reader", "pull_every_writer");
    client
        .batch_execute(&format!("CREATE ROLE {r}; CREATE ROLE {w}"))
        .await
        .unwrap();
    client
        .batch_execute(&EVERY_KIND.replace("{r}", r).replace("{w}", w))
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = dir_arg(out.path());
    let p = graft(&db, &["pull", "--schema", "every", "--out", &dir, "--json"]).await;
    assert_eq!(p.code, 0, "{}", p.stderr);
    let v: Value = serde_json::from_str(&p.stdout).unwrap();
    assert_eq!(v["unmodeled"], json!([]), "{v:#}");
    let every: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("every.json")).unwrap())
            .unwrap();
    for key in [
        "extensions",
        "enums",
        "domains",
        "composite_types",
        "sequences",
        "tables",
        "views",
        "materialized_views",
        "functions",
        "triggers",
        "policies",
        "grants",
    ] {
        assert!(
            every[key].as_array().is_some_and(|a| !a.is_empty()),
            "{key} pulled:\n{every:#}"
        );
    }
    let before = graft(&db, &["diff", "--from", &db.url(), "--to", &db.url()]).await;
    assert_eq!((before.code, before.stdout.as_str()), (0, ""));

    let a = graft(&db, &["apply", &dir]).await;
    assert_eq!(a.code, 0, "{}{}", a.stdout, a.stderr);
    assert!(
        a.stdout
            .contains("adopted existing objects as they are (baseline)"),
        "{}",
        a.stdout
    );
    // the baseline: one schema migration without DDL, a journal row at
    // snapshot 1, one snapshot whose hash is the journal's head
    let rows = client
        .query(
            "SELECT m.kind, m.statements::text, j.head_idx, j.head_hash = s.hash, s.idx \
             FROM graft._migrations m \
             JOIN graft._journal j ON j.plugin = m.plugin \
             JOIN graft._snapshots s ON s.plugin = m.plugin \
             WHERE m.plugin = 'every'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (
            row.get::<_, String>(0),
            row.get::<_, String>(1),
            row.get::<_, i32>(2),
            row.get::<_, bool>(3),
            row.get::<_, i32>(4)
        ),
        ("schema".to_string(), "[]".to_string(), 1, true, 1)
    );
    let n: i64 = client
        .query_one("SELECT count(*) FROM every.orders", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "the rows are there");

    let c = graft(&db, &["plan", "--check", &dir]).await;
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    let d = graft(&db, &["drift"]).await;
    assert_eq!(d.code, 0, "{}{}", d.stdout, d.stderr);
    assert!(d.stdout.contains("No drift"), "{}", d.stdout);
    let again = graft(&db, &["apply", &dir]).await;
    assert!(
        again.stdout.contains("Nothing to do"),
        "{}{}",
        again.stdout,
        again.stderr
    );
    let snapshots: i64 = client
        .query_one("SELECT count(*) FROM graft._snapshots", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(snapshots, 1, "nothing recorded again");

    // the files build an equal database elsewhere, but for the extension's
    // version: pulled files name extensions without one (they apply where
    // another version is installed), so it is the server's default there
    let fresh = test_db().await;
    let f = graft(&fresh, &["apply", &dir]).await;
    assert_eq!(f.code, 0, "{}{}", f.stdout, f.stderr);
    let cmp = graft(
        &fresh,
        &[
            "diff",
            "--from",
            &db.url(),
            "--to",
            &fresh.url(),
            "--schema",
            "every",
            "--check",
        ],
    )
    .await;
    assert_eq!(
        (cmp.code, cmp.stdout.as_str()),
        (2, "ALTER EXTENSION \"hstore\" UPDATE TO '1.8';\n"),
        "{}",
        cmp.stderr
    );
    assert_eq!(every["extensions"], json!(["hstore"]));
}

/// One object of every kind `unmodeled.sql` reports, in one namespace,
/// beside a table graft models.
const UNMODELED: &str = r#"
CREATE SCHEMA odd;
COMMENT ON SCHEMA odd IS 'odd things';
CREATE TABLE odd.t (a integer, b integer, c text);
CREATE FOREIGN DATA WRAPPER odd_fdw;
CREATE SERVER odd_srv FOREIGN DATA WRAPPER odd_fdw;
CREATE FOREIGN TABLE odd.remote (a integer) SERVER odd_srv;
CREATE AGGREGATE odd.total(integer) (sfunc = int4pl, stype = integer);
CREATE FUNCTION odd.rn() RETURNS bigint LANGUAGE internal WINDOW IMMUTABLE AS 'window_row_number';
CREATE TYPE odd.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TYPE odd.myint;
CREATE FUNCTION odd.myint_in(cstring) RETURNS odd.myint LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION odd.myint_out(odd.myint) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE odd.myint (input = odd.myint_in, output = odd.myint_out, like = integer);
CREATE FUNCTION odd.cf(cstring) RETURNS cstring LANGUAGE c AS '$libdir/hstore', 'hstore_in';
CREATE RULE t_keep AS ON DELETE TO odd.t DO INSTEAD NOTHING;
CREATE UNLOGGED TABLE odd.scratch (a integer);
CREATE TABLE odd.parts (a integer) PARTITION BY RANGE (a);
CREATE TABLE odd.parts_low PARTITION OF odd.parts FOR VALUES FROM (0) TO (10);
CREATE TABLE odd.tuned (a integer) WITH (fillfactor = 70);
CREATE TABLE odd.parent (a integer);
CREATE TABLE odd.child (b integer) INHERITS (odd.parent);
CREATE TABLE odd.ex (a integer, EXCLUDE USING btree (a WITH =));
ALTER TABLE odd.t ADD CONSTRAINT t_b_pos CHECK (b > 0) NOT VALID;
ALTER TABLE odd.t ADD CONSTRAINT t_a_pos CHECK (a > 0) NO INHERIT;
ALTER TABLE odd.t ADD CONSTRAINT t_a_key UNIQUE (a) DEFERRABLE INITIALLY DEFERRED;
COMMENT ON CONSTRAINT t_a_key ON odd.t IS 'deferred';
CREATE TYPE odd.mood AS ENUM ('ok');
COMMENT ON TYPE odd.mood IS 'how it is';
REVOKE USAGE ON TYPE odd.mood FROM PUBLIC;
CREATE TYPE odd.pair AS (x integer, y integer);
COMMENT ON COLUMN odd.pair.x IS 'first';
CREATE STATISTICS odd.t_stats ON a, b FROM odd.t;
CREATE COLLATION odd.coll FROM "C";
CREATE OPERATOR odd.=== (leftarg = integer, rightarg = integer, function = int4eq);
CREATE TEXT SEARCH CONFIGURATION odd.cfg (COPY = pg_catalog.english);
CREATE TEXT SEARCH DICTIONARY odd.dict (TEMPLATE = pg_catalog.simple);
CREATE TEXT SEARCH TEMPLATE odd.tmpl (LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH PARSER odd.prs (START = prsd_start, GETTOKEN = prsd_nexttoken,
  END = prsd_end, LEXTYPES = prsd_lextype);
CREATE OPERATOR FAMILY odd.fam USING btree;
CREATE OPERATOR CLASS odd.cls FOR TYPE integer USING hash
  AS OPERATOR 1 =, FUNCTION 1 hashint4(integer);
CREATE CONVERSION odd.conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE FUNCTION odd.trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE CONSTRAINT TRIGGER t_check AFTER INSERT ON odd.t DEFERRABLE
  FOR EACH ROW EXECUTE FUNCTION odd.trg();
ALTER DEFAULT PRIVILEGES IN SCHEMA odd GRANT SELECT ON TABLES TO PUBLIC;
CREATE INDEX t_c_pattern ON odd.t (c text_pattern_ops);
CREATE INDEX t_c_c ON odd.t (c COLLATE "C");
CREATE INDEX t_a_ff ON odd.t (a) WITH (fillfactor = 50);
CREATE UNIQUE INDEX t_b_nnd ON odd.t (b) NULLS NOT DISTINCT;
COMMENT ON INDEX odd.t_a_ff IS 'half full';
ALTER TABLE odd.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY t_all ON odd.t USING (true);
COMMENT ON POLICY t_all ON odd.t IS 'everyone';
CREATE VIEW odd.v AS SELECT a FROM odd.t;
COMMENT ON COLUMN odd.v.a IS 'the a';
ALTER TABLE odd.t ALTER COLUMN a SET STATISTICS 500;
ALTER TABLE odd.t ALTER COLUMN c SET STORAGE EXTERNAL;
ALTER TABLE odd.t REPLICA IDENTITY FULL;
"#;

/// The kinds `unmodeled.sql` can report: its string literals, less those
/// that are not kinds (catalog names, one-letter codes, name parts).
fn unmodeled_kinds() -> std::collections::BTreeSet<String> {
    const NOT_KINDS: &[&str] = &[
        "tables",
        "sequences",
        "functions",
        "types",
        "schemas",
        "standard public schema",
        "indnullsnotdistinct",
        "true",
        "public",
        "pg_catalog",
    ];
    let sql = include_str!("../src/introspect/queries/unmodeled.sql");
    let code: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    code.split('\'')
        .skip(1)
        .step_by(2)
        .filter(|l| l.len() > 1 && !l.contains('.') && !l.starts_with(['_', ' ']))
        .filter(|l| !NOT_KINDS.contains(l))
        .map(str::to_string)
        .collect()
}

/// Objects graft does not model are named, never dropped silently: by
/// `pull` (stderr and `--json`; not written), by `apply` of the pulled
/// files (left as they are), by `drift` and by `diff`. Every kind the
/// query reports is produced once.
#[tokio::test]
async fn unmodelled_objects_of_every_kind_are_named_by_pull_apply_drift_and_diff() {
    let db = test_db().await;
    db.connect().await.batch_execute(UNMODELED).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = dir_arg(out.path());
    let p = graft(&db, &["pull", "--schema", "odd", "--out", &dir, "--json"]).await;
    assert_eq!(p.code, 0, "{}", p.stderr);
    let v: Value = serde_json::from_str(&p.stdout).unwrap();
    let listed = v["unmodeled"].as_array().unwrap().clone();
    let names: Vec<String> = listed
        .iter()
        .map(|u| {
            format!(
                "{} {}.{}",
                u["kind"].as_str().unwrap(),
                u["schema"].as_str().unwrap(),
                u["name"].as_str().unwrap()
            )
        })
        .collect();
    let kinds: std::collections::BTreeSet<String> = listed
        .iter()
        .map(|u| u["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        unmodeled_kinds(),
        "every kind of unmodeled.sql, and only those, is produced:\n{names:#?}"
    );
    for n in &names {
        assert!(
            p.stderr.contains(&format!(
                "warning: not modelled by graft, not pulled: {n}\n"
            )),
            "{n}:\n{}",
            p.stderr
        );
    }
    // what the pulled file holds is modelled: no foreign, partitioned or
    // inherited tables among its tables
    let odd: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("odd.json")).unwrap())
            .unwrap();
    let tables: Vec<&str> = odd["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(!tables.contains(&"remote"), "{tables:?}");

    // adopting the pulled files leaves them as they are, and says so
    let a = graft(&db, &["apply", &dir]).await;
    assert_eq!(a.code, 0, "{}{}", a.stdout, a.stderr);
    let said = format!("{}{}", a.stdout, a.stderr);
    for n in &names {
        assert!(
            said.contains(&format!("not modelled by graft, left as it is: {n}")),
            "{n}:\n{said}"
        );
    }
    // drift lists them, not as drift
    let d = graft(&db, &["drift", "--json"]).await;
    assert_eq!(d.code, 0, "{}{}", d.stdout, d.stderr);
    let dv: Value = serde_json::from_str(&d.stdout).unwrap();
    assert_eq!(dv["plugins"][0]["unmodeled"], json!(listed));
    for n in &names {
        assert!(
            d.stderr.contains(&format!(
                "warning: plugin `odd`: not modelled by graft, not compared: {n}\n"
            )),
            "{n}:\n{}",
            d.stderr
        );
    }
    // diff names them for the side that holds them
    let empty = test_db().await;
    let r = graft(
        &db,
        &[
            "diff",
            "--from",
            &empty.url(),
            "--to",
            &db.url(),
            "--schema",
            "odd",
            "--json",
        ],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rv: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rv["to"]["unmodeled"], json!(listed));
    assert_eq!(rv["from"]["unmodeled"], json!([]));
    for n in &names {
        assert!(
            r.stderr
                .contains(&format!("not modelled by graft, not compared: {n}\n")),
            "{n}:\n{}",
            r.stderr
        );
    }
}
