//! Every object kind of the model, created, altered and dropped end to end
//! against real PostgreSQL.
//!
//! Each scenario step ([`Env::step`]) declares plugins as schema files
//! (JSON v1), and checks the whole path: the dry run plans the steps, apply
//! runs exactly those, introspection of each plugin's namespaces equals its
//! declaration, migrating again is the fast path (one query, nothing applied)
//! and the dry run is then empty. Steps return their plan as text (each
//! step's kind, subject, hazards and SQL) for `expect_test` snapshots.
//!
//! Beside that: renames keep rows; hostile identifiers everywhere; failing
//! plans leave the schema and the tracking tables byte-identical (a
//! `pg_dump` of the whole database before and after).

use expect_test::{expect, Expect};
use graft::declare::from_json_str;
use graft::introspect::introspect;
use graft::migrate::PluginPlan;
use graft::plan::Hazard;
use graft::snapshot::{diff_text, Snapshot};
use graft::testing::{test_db, TestCluster, TestDb};
use graft::{Migrator, Options, Outcome, Plugin, Registry};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::process::Command;
use tokio_postgres::{Client, SimpleQueryMessage};

// ---------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------

struct Env {
    db: TestDb,
    client: Client,
}

fn plugin(decl: &Value) -> Plugin {
    match from_json_str(&decl.to_string(), None) {
        Ok(d) => Plugin::from(d),
        Err(e) => panic!("bad declaration in the test: {e}\n{decl:#}"),
    }
}

fn registry(decls: &[Value]) -> Registry {
    let mut r = Registry::new();
    for d in decls {
        r.add(plugin(d)).expect("unique plugin names");
    }
    r
}

fn migrator(destructive: bool) -> Migrator {
    Migrator::new(Options {
        allow_destructive: destructive,
        ..Options::default()
    })
}

/// A plan as text: `-- Kind subject [hazards]` above each step's statements.
fn plans_text(plans: &[PluginPlan]) -> String {
    let mut out = String::new();
    for pp in plans.iter().filter(|p| !p.plan.is_empty()) {
        let _ = writeln!(out, "== {}", pp.plugin);
        for step in &pp.plan.steps {
            let hazards: Vec<String> = step
                .hazards
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>();
            let _ = write!(out, "-- {} {}", step.change.kind(), step.change.subject());
            if !hazards.is_empty() {
                let _ = write!(out, " [{}]", hazards.join(", "));
            }
            out.push('\n');
            for sql in &step.sql {
                let _ = writeln!(out, "{sql};");
            }
        }
    }
    out
}

impl Env {
    async fn new() -> Env {
        let db = test_db().await;
        let client = db.connect().await;
        Env { db, client }
    }

    /// Plans, applies and checks `decls` (see the module docs); data loss
    /// only when `destructive`. Returns the plan as text.
    async fn step_with(&mut self, decls: &[Value], destructive: bool) -> String {
        let reg = registry(decls);
        let m = migrator(destructive);
        let plans = m.plan_all(&mut self.client, &reg).await.expect("dry run");
        let text = plans_text(&plans);
        let report = m
            .migrate_all(&mut self.client, &reg)
            .await
            .unwrap_or_else(|e| panic!("apply failed: {e}\nplan:\n{text}"));
        assert!(!report.fast_path, "{report:?}");
        for (pp, (name, outcome)) in plans.iter().zip(&report.plugins) {
            assert_eq!(&pp.plugin, name);
            match outcome {
                Outcome::Applied { steps, .. } => assert_eq!(*steps, pp.plan.steps.len(), "{name}"),
                Outcome::UpToDate | Outcome::VersionRecorded => {
                    assert!(pp.plan.is_empty(), "{name}: {outcome:?}")
                }
                other => panic!("{name}: unexpected {other:?}"),
            }
        }
        for p in reg.plugins() {
            self.assert_live_equals(p).await;
        }
        let again = m.migrate_all(&mut self.client, &reg).await.expect("again");
        assert!(again.fast_path && !again.applied_any(), "{again:?}");
        let replan = m.plan_all(&mut self.client, &reg).await.expect("dry run");
        assert!(
            replan.iter().all(|p| p.plan.is_empty() && !p.is_pending()),
            "{}",
            plans_text(&replan)
        );
        text
    }

    async fn step(&mut self, decls: &[Value]) -> String {
        self.step_with(decls, false).await
    }

    async fn step_destructive(&mut self, decls: &[Value]) -> String {
        self.step_with(decls, true).await
    }

    /// Introspection of the plugin's namespaces equals its declaration.
    async fn assert_live_equals(&mut self, p: &Plugin) {
        let ns = p.schema().namespaces.clone();
        let mut live = introspect(&mut self.client, &ns)
            .await
            .expect("introspection")
            .schema;
        live.extensions =
            graft::model::extensions_as_declared(&live.extensions, &p.schema().extensions);
        let declared = Snapshot::new(p.schema().clone());
        let live = Snapshot::new(live);
        assert_eq!(
            diff_text(&declared, &live),
            "",
            "plugin {} differs from the live database",
            p.name()
        );
    }

    async fn exec(&self, sql: &str) {
        if let Err(e) = self.client.batch_execute(sql).await {
            panic!("{sql}: {}", graft::error::pg_error_text(&e));
        }
    }

    /// Every row of `sql`, columns joined by `|` (NULL as `∅`).
    async fn rows(&self, sql: &str) -> Vec<String> {
        let msgs = match self.client.simple_query(sql).await {
            Ok(m) => m,
            Err(e) => panic!("{sql}: {}", graft::error::pg_error_text(&e)),
        };
        msgs.iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(r) => Some(
                    (0..r.len())
                        .map(|i| r.get(i).unwrap_or("∅").to_string())
                        .collect::<Vec<_>>()
                        .join("|"),
                ),
                _ => None,
            })
            .collect()
    }

    async fn one(&self, sql: &str) -> String {
        let rows = self.rows(sql).await;
        assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
        rows.into_iter().next().unwrap()
    }

    /// The whole database (schema and data, tracking tables included) as
    /// `pg_dump` prints it.
    fn dump(&self) -> String {
        let cluster = TestCluster::global().cluster();
        let out = Command::new(cluster.bin_dir().join("pg_dump"))
            .arg("--no-sync")
            .arg("-h")
            .arg(cluster.socket_dir())
            .arg("-p")
            .arg(cluster.port().to_string())
            .arg("-U")
            .arg("postgres")
            .arg("-d")
            .arg(&self.db.name)
            .output()
            .expect("running pg_dump");
        assert!(
            out.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Newer pg_dump versions frame the dump in `\restrict KEY` lines
        // with a random key.
        String::from_utf8(out.stdout)
            .expect("pg_dump prints UTF-8")
            .lines()
            .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// Migrating to `decls` fails (destructive steps allowed), names the
    /// plugin, the step and its SQL, and leaves the database byte-identical.
    /// Returns the error message.
    async fn fails(&mut self, decls: &[Value], step_kind: &str) -> String {
        let before = self.dump();
        let reg = registry(decls);
        let err = migrator(true)
            .migrate_all(&mut self.client, &reg)
            .await
            .expect_err("the plan must fail");
        let msg = err.to_string();
        assert!(msg.contains(step_kind), "{msg}");
        assert!(msg.contains("sql: ") || msg.contains("ALTER "), "{msg}");
        assert!(msg.contains("rolled back"), "{msg}");
        let after = self.dump();
        if before != after {
            let d = similar::TextDiff::from_lines(&before, &after);
            panic!(
                "the failed plan changed the database:\n{}",
                d.unified_diff()
            );
        }
        msg
    }
}

impl Env {
    /// Migrating to `decl` fails before any DDL runs, and leaves the
    /// database byte-identical. Returns the error message.
    async fn refused(&mut self, decl: Value, destructive: bool) -> String {
        let before = self.dump();
        let err = migrator(destructive)
            .migrate_all(&mut self.client, &registry(&[decl]))
            .await
            .expect_err("must fail");
        assert_eq!(before, self.dump(), "{err}");
        err.to_string()
    }
}

fn has_hazard(plans: &[PluginPlan], kind: &str, hazard: Hazard) -> bool {
    plans
        .iter()
        .flat_map(|p| &p.plan.steps)
        .any(|s| s.change.kind() == kind && s.hazards.contains(&hazard))
}

fn check(actual: &str, expected: Expect) {
    expected.assert_eq(actual);
}

// ---------------------------------------------------------------------------
// Namespaces and extensions
// ---------------------------------------------------------------------------

#[tokio::test]
async fn namespaces_own_and_public() {
    let mut env = Env::new().await;
    let own = |ns: &str, tables: Value| json!({"plugin": "own", "namespace": ns, "tables": tables});
    let public = |tables: Value| json!({"plugin": "pub", "namespace": "public", "tables": tables});
    let t = json!([{"name": "t", "columns": [{"name": "a", "type": "int"}]}]);
    let text = env.step(&[own("own", t.clone()), public(t.clone())]).await;
    check(
        &text,
        expect![[r#"
            == own
            -- CreateNamespace own
            CREATE SCHEMA IF NOT EXISTS "own";
            -- CreateTable own.t
            CREATE TABLE "own"."t" (
                "a" integer
            );
            == pub
            -- CreateNamespace public
            CREATE SCHEMA IF NOT EXISTS "public";
            -- CreateTable public.t
            CREATE TABLE "public"."t" (
                "a" integer
            );
        "#]],
    );
    // The plugin moves to another namespace: the old one goes with its table.
    env.step_destructive(&[own("other", t.clone()), public(json!([]))])
        .await;
    assert_eq!(
        env.rows("SELECT nspname FROM pg_namespace WHERE nspname IN ('own', 'other', 'public') ORDER BY 1")
            .await,
        ["other", "public"],
        "public is never dropped"
    );
    assert_eq!(
        env.one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .await,
        "0"
    );
}

#[tokio::test]
async fn extensions_created_and_dropped() {
    let mut env = Env::new().await;
    let p = |ext: Value| json!({"plugin": "x", "extensions": ext});
    const INSTALLED: &str =
        "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1";
    env.step(&[p(json!(["pgcrypto"]))]).await;
    assert_eq!(env.rows(INSTALLED).await, ["pgcrypto"]);
    let text = env.step(&[p(json!(["pgcrypto", "pg_trgm"]))]).await;
    check(
        &text,
        expect![[r#"
            == x
            -- CreateExtension pg_trgm
            CREATE EXTENSION IF NOT EXISTS "pg_trgm";
        "#]],
    );
    assert_eq!(env.rows(INSTALLED).await, ["pg_trgm", "pgcrypto"]);
    env.step(&[p(json!(["pg_trgm"]))]).await;
    assert_eq!(env.rows(INSTALLED).await, ["pg_trgm"]);
    env.step(&[p(json!([]))]).await;
    assert!(env.rows(INSTALLED).await.is_empty());
}

// ---------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------

fn enum_plugin(values: &[&str]) -> Value {
    json!({"plugin": "e", "enums": [{"name": "mood", "values": values}],
        "tables": [{"name": "t", "columns": [
            {"name": "id", "type": "int"},
            {"name": "m", "type": "mood"},
            {"name": "ms", "type": "mood[]"}],
            "primary_key": ["id"]}]})
}

#[tokio::test]
async fn enums_values_added_anywhere_removed_reordered_and_dropped() {
    let mut env = Env::new().await;
    env.step(&[enum_plugin(&["ok", "sad"])]).await;
    env.exec("INSERT INTO e.t VALUES (1, 'ok', '{ok,sad}'), (2, 'sad', '{}'), (3, NULL, NULL)")
        .await;
    let text = env
        .step(&[enum_plugin(&["happy", "ok", "meh", "sad", "angry"])])
        .await;
    check(
        &text,
        expect![[r#"
            == e
            -- AddEnumValue e.mood.happy
            ALTER TYPE "e"."mood" ADD VALUE 'happy' BEFORE 'ok';
            -- AddEnumValue e.mood.meh
            ALTER TYPE "e"."mood" ADD VALUE 'meh' BEFORE 'sad';
            -- AddEnumValue e.mood.angry
            ALTER TYPE "e"."mood" ADD VALUE 'angry';
        "#]],
    );
    assert_eq!(
        env.one("SELECT enum_range(NULL::e.mood)::text").await,
        "{happy,ok,meh,sad,angry}"
    );
    // reordered: the type is recreated, the rows keep their labels
    let text = env
        .step(&[enum_plugin(&["angry", "happy", "ok", "meh", "sad"])])
        .await;
    check(
        &text,
        expect![[r#"
            == e
            -- RecreateEnum e.mood [TableRewrite]
            ALTER TYPE "e"."mood" RENAME TO "mood__graft_old";
            CREATE TYPE "e"."mood" AS ENUM ('angry', 'happy', 'ok', 'meh', 'sad');
            ALTER TABLE "e"."t" ALTER COLUMN "m" TYPE "e"."mood" USING "m"::text::"e"."mood";
            ALTER TABLE "e"."t" ALTER COLUMN "ms" TYPE "e"."mood"[] USING "ms"::text[]::"e"."mood"[];
            DROP TYPE "e"."mood__graft_old";
        "#]],
    );
    let rows = ["1|ok|{ok,sad}", "2|sad|{}", "3|∅|∅"];
    assert_eq!(env.rows("SELECT * FROM e.t ORDER BY id").await, rows);
    // a value removed: destructive, refused without permission
    let err = migrator(false)
        .migrate_all(&mut env.client, &registry(&[enum_plugin(&["ok", "sad"])]))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("RecreateEnum e.mood: data loss"),
        "{err}"
    );
    env.step_destructive(&[enum_plugin(&["ok", "sad"])]).await;
    assert_eq!(env.rows("SELECT * FROM e.t ORDER BY id").await, rows);
    // a removed value still in use: the cast fails, nothing changes
    let msg = env.fails(&[enum_plugin(&["ok"])], "RecreateEnum").await;
    assert!(msg.contains("invalid input value for enum"), "{msg}");
    // dropped with the columns using it
    let text = env
        .step_destructive(&[json!({"plugin": "e", "tables": [{"name": "t",
            "columns": [{"name": "id", "type": "int"}], "primary_key": ["id"]}]})])
        .await;
    check(
        &text,
        expect![[r#"
            == e
            -- DropColumn e.t.m [DataLoss]
            ALTER TABLE "e"."t" DROP COLUMN "m";
            -- DropColumn e.t.ms [DataLoss]
            ALTER TABLE "e"."t" DROP COLUMN "ms";
            -- DropEnum e.mood [DataLoss]
            DROP TYPE "e"."mood";
        "#]],
    );
}

// ---------------------------------------------------------------------------
// Columns: types, nullability, defaults, identity, generated
// ---------------------------------------------------------------------------

fn table_plugin(columns: Value) -> Value {
    json!({"plugin": "c", "enums": [{"name": "mood", "values": ["ok", "sad"]}],
        "tables": [{"name": "t", "columns": columns}]})
}

#[tokio::test]
async fn columns_of_many_types_created_altered_and_dropped() {
    let mut env = Env::new().await;
    let types = [
        ("i2", "int2", "smallint"),
        ("i4", "int", "integer"),
        ("i8", "int8", "bigint"),
        ("n", "numeric", "numeric"),
        ("n122", "decimal(12, 2)", "numeric(12,2)"),
        ("r", "float4", "real"),
        ("d", "float8", "double precision"),
        ("vc", "varchar(20)", "character varying(20)"),
        ("vcu", "varchar", "character varying"),
        ("ch", "char(3)", "character(3)"),
        ("tx", "text", "text"),
        ("b", "bool", "boolean"),
        ("dt", "date", "date"),
        ("ts", "timestamp", "timestamp without time zone"),
        ("tstz", "timestamptz", "timestamp with time zone"),
        ("tstz3", "timestamptz(3)", "timestamp(3) with time zone"),
        ("tm", "time", "time without time zone"),
        ("iv", "interval", "interval"),
        ("u", "uuid", "uuid"),
        ("j", "json", "json"),
        ("jb", "jsonb", "jsonb"),
        ("by", "bytea", "bytea"),
        ("ip", "inet", "inet"),
        ("cidr", "cidr", "cidr"),
        ("mac", "macaddr", "macaddr"),
        ("bits", "bit(3)", "bit(3)"),
        ("vbits", "varbit(8)", "bit varying(8)"),
        ("rng", "int4range", "int4range"),
        ("tsv", "tsvector", "tsvector"),
        ("money", "money", "money"),
        ("txa", "text[]", "text[]"),
        ("i4a", "int[][]", "integer[]"),
        ("n52a", "numeric(5,2)[]", "numeric(5,2)[]"),
        ("vc3a", "varchar(3) array", "character varying(3)[]"),
        ("e", "mood", "c.mood"),
        ("ea", "mood[]", "c.mood[]"),
    ];
    let cols: Vec<Value> = types
        .iter()
        .map(|(n, t, _)| json!({"name": n, "type": t}))
        .collect();
    let text = env.step(&[table_plugin(json!(cols))]).await;
    check(
        &text,
        expect![[r#"
            == c
            -- CreateNamespace c
            CREATE SCHEMA IF NOT EXISTS "c";
            -- CreateEnum c.mood
            CREATE TYPE "c"."mood" AS ENUM ('ok', 'sad');
            -- CreateTable c.t
            CREATE TABLE "c"."t" (
                "i2" smallint,
                "i4" integer,
                "i8" bigint,
                "n" numeric,
                "n122" numeric(12,2),
                "r" real,
                "d" double precision,
                "vc" character varying(20),
                "vcu" character varying,
                "ch" character(3),
                "tx" text,
                "b" boolean,
                "dt" date,
                "ts" timestamp without time zone,
                "tstz" timestamp with time zone,
                "tstz3" timestamp(3) with time zone,
                "tm" time without time zone,
                "iv" interval,
                "u" uuid,
                "j" json,
                "jb" jsonb,
                "by" bytea,
                "ip" inet,
                "cidr" cidr,
                "mac" macaddr,
                "bits" bit(3),
                "vbits" bit varying(8),
                "rng" int4range,
                "tsv" tsvector,
                "money" money,
                "txa" text[],
                "i4a" integer[],
                "n52a" numeric(5,2)[],
                "vc3a" character varying(3)[],
                "e" "c"."mood",
                "ea" "c"."mood"[]
            );
        "#]],
    );
    // the types as PostgreSQL prints them
    let live = env
        .rows("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'c.t'::regclass AND attnum > 0 ORDER BY attnum")
        .await;
    let want: Vec<String> = types
        .iter()
        .map(|(n, _, canon)| format!("{n} {canon}"))
        .collect();
    assert_eq!(live, want);
    env.exec(
        "INSERT INTO c.t (i2, i4, i8, n, n122, vc, ch, tx, ts, j, txa, i4a, vc3a, e, ea)
         VALUES (1, 2, 3, 4.5, 6.25, 'abc', 'xy', '42', '2024-01-02 03:04:05', '{\"a\": 1}',
                 '{a,b}', '{1,2}', '{ab}', 'ok', '{ok,sad}')",
    )
    .await;

    // widening and converting casts keep the values
    let altered = [
        ("i2", "integer"),
        ("i4", "bigint"),
        ("i8", "numeric"),
        ("n", "text"),
        ("n122", "numeric(14,2)"),
        ("vc", "varchar(40)"),
        ("ch", "text"),
        ("tx", "integer"),
        ("ts", "timestamptz"),
        ("j", "jsonb"),
        ("txa", "varchar[]"),
        ("i4a", "bigint[]"),
        ("vc3a", "text[]"),
        ("e", "text"),
        ("ea", "text[]"),
    ];
    let cols: Vec<Value> = types
        .iter()
        .map(|(n, t, _)| {
            let t = altered.iter().find(|(a, _)| a == n).map_or(*t, |(_, t)| *t);
            json!({"name": n, "type": t})
        })
        .collect();
    let text = env.step_destructive(&[table_plugin(json!(cols))]).await;
    check(
        &text,
        expect![[r#"
            == c
            -- AlterColumn c.t.i2 [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "i2" TYPE integer USING "i2"::integer;
            -- AlterColumn c.t.i4 [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "i4" TYPE bigint USING "i4"::bigint;
            -- AlterColumn c.t.i8 [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "i8" TYPE numeric USING "i8"::numeric;
            -- AlterColumn c.t.n [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "n" TYPE text USING "n"::text;
            -- AlterColumn c.t.n122
            ALTER TABLE "c"."t" ALTER COLUMN "n122" TYPE numeric(14,2);
            -- AlterColumn c.t.vc
            ALTER TABLE "c"."t" ALTER COLUMN "vc" TYPE character varying(40);
            -- AlterColumn c.t.ch [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "ch" TYPE text USING "ch"::text;
            -- AlterColumn c.t.tx [DataLoss, RiskyCast, TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "tx" TYPE integer USING "tx"::integer;
            -- AlterColumn c.t.ts [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "ts" TYPE timestamp with time zone USING "ts"::timestamp with time zone;
            -- AlterColumn c.t.j [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "j" TYPE jsonb USING "j"::jsonb;
            -- AlterColumn c.t.txa [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "txa" TYPE character varying[] USING "txa"::character varying[];
            -- AlterColumn c.t.i4a [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "i4a" TYPE bigint[] USING "i4a"::bigint[];
            -- AlterColumn c.t.vc3a [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "vc3a" TYPE text[] USING "vc3a"::text[];
            -- AlterColumn c.t.e [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "e" TYPE text USING "e"::text;
            -- AlterColumn c.t.ea [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "ea" TYPE text[] USING "ea"::text[];
        "#]],
    );
    assert_eq!(
        env.one("SELECT i2, i4, i8, n, n122, vc, ch, tx, ts = '2024-01-02 03:04:05'::timestamp, j, txa, i4a, vc3a, e, ea FROM c.t").await,
        "1|2|3|4.5|6.25|abc|xy|42|t|{\"a\": 1}|{a,b}|{1,2}|{ab}|ok|{ok,sad}"
    );
    // every column dropped but one
    let text = env
        .step_destructive(&[table_plugin(json!([{"name": "i2", "type": "integer"}]))])
        .await;
    assert_eq!(
        text.matches("-- DropColumn").count(),
        types.len() - 1,
        "{text}"
    );
    assert_eq!(env.one("SELECT i2 FROM c.t").await, "1");
}

#[tokio::test]
async fn narrowing_casts_fail_rather_than_truncate() {
    let mut env = Env::new().await;
    let p = |vc: &str, ch: &str, bits: &str, vca: &str| {
        table_plugin(json!([
            {"name": "vc", "type": vc},
            {"name": "ch", "type": ch},
            {"name": "bits", "type": bits},
            {"name": "vca", "type": vca},
        ]))
    };
    env.step(&[p("text", "char(5)", "varbit(8)", "varchar(10)[]")])
        .await;
    env.exec("INSERT INTO c.t VALUES ('abcdef', 'abcde', B'101', '{abcdef}')")
        .await;
    // each narrowing alone fails on the long value instead of cutting it
    for (decl, what) in [
        (
            p("varchar(3)", "char(5)", "varbit(8)", "varchar(10)[]"),
            "vc",
        ),
        (p("text", "char(2)", "varbit(8)", "varchar(10)[]"), "ch"),
        (p("text", "char(5)", "varbit(2)", "varchar(10)[]"), "bits"),
        (p("text", "char(5)", "bit(2)", "varchar(10)[]"), "bits"),
        (p("text", "char(5)", "varbit(8)", "varchar(3)[]"), "vca"),
    ] {
        let plans = migrator(true)
            .plan_all(&mut env.client, &registry(std::slice::from_ref(&decl)))
            .await
            .unwrap();
        assert!(
            has_hazard(&plans, "AlterColumn", Hazard::DataLoss),
            "{what}"
        );
        assert!(
            has_hazard(&plans, "AlterColumn", Hazard::RiskyCast),
            "{what}"
        );
        let msg = env.fails(&[decl], "AlterColumn").await;
        assert!(
            msg.contains("too long") || msg.contains("does not match"),
            "{what}: {msg}"
        );
    }
    // with values that fit, the same plans apply and keep them
    env.exec("UPDATE c.t SET vc = 'ab', ch = 'ab', bits = B'10', vca = '{ab}'")
        .await;
    let text = env
        .step_destructive(&[p("varchar(3)", "char(2)", "bit(2)", "varchar(3)[]")])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AlterColumn c.t.vc [DataLoss, RiskyCast, TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "vc" TYPE character varying(3) USING "vc"::character varying;
            -- AlterColumn c.t.ch [DataLoss, RiskyCast, TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "ch" TYPE character(2) USING "ch"::text;
            -- AlterColumn c.t.bits [DataLoss, RiskyCast, TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "bits" TYPE bit(2) USING "bits"::bit varying;
            -- AlterColumn c.t.vca [DataLoss, RiskyCast, TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "vca" TYPE character varying(3)[] USING "vca"::character varying[];
        "#]],
    );
    assert_eq!(env.one("SELECT * FROM c.t").await, "ab|ab|10|{ab}");
}

#[tokio::test]
async fn nullability_and_defaults_both_ways() {
    let mut env = Env::new().await;
    let p = |a: Value, b: Value| table_plugin(json!([a, b]));
    env.step(&[p(
        json!({"name": "a", "type": "int"}),
        json!({"name": "b", "type": "text", "nullable": false, "default": "'x'::text"}),
    )])
    .await;
    env.exec("INSERT INTO c.t (a) VALUES (1)").await;
    let text = env
        .step(&[p(
            json!({"name": "a", "type": "int", "nullable": false, "default": "7"}),
            json!({"name": "b", "type": "text", "default": "'y'::text"}),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AlterColumn c.t.a [LongLock]
            ALTER TABLE "c"."t" ALTER COLUMN "a" SET DEFAULT 7, ALTER COLUMN "a" SET NOT NULL;
            -- AlterColumn c.t.b
            ALTER TABLE "c"."t" ALTER COLUMN "b" SET DEFAULT 'y'::text, ALTER COLUMN "b" DROP NOT NULL;
        "#]],
    );
    env.exec("INSERT INTO c.t DEFAULT VALUES; INSERT INTO c.t (a, b) VALUES (2, NULL)")
        .await;
    assert_eq!(
        env.rows("SELECT a, b FROM c.t ORDER BY a").await,
        ["1|x", "2|∅", "7|y"]
    );
    // defaults dropped, and a type change that resets a default
    let text = env
        .step(&[p(
            json!({"name": "a", "type": "bigint", "nullable": false, "default": "8"}),
            json!({"name": "b", "type": "text"}),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AlterColumn c.t.a [TableRewrite]
            ALTER TABLE "c"."t" ALTER COLUMN "a" DROP DEFAULT, ALTER COLUMN "a" TYPE bigint USING "a"::bigint, ALTER COLUMN "a" SET DEFAULT 8;
            -- AlterColumn c.t.b
            ALTER TABLE "c"."t" ALTER COLUMN "b" DROP DEFAULT;
        "#]],
    );
    env.exec("INSERT INTO c.t DEFAULT VALUES").await;
    assert_eq!(env.one("SELECT a, b FROM c.t WHERE a = 8").await, "8|∅");
    // NOT NULL on a column holding NULLs fails and changes nothing
    let msg = env
        .fails(
            &[p(
                json!({"name": "a", "type": "bigint", "nullable": false, "default": "8"}),
                json!({"name": "b", "type": "text", "nullable": false}),
            )],
            "AlterColumn c.t.b",
        )
        .await;
    assert!(msg.contains("contains null values"), "{msg}");
}

#[tokio::test]
async fn a_new_not_null_column_without_default_needs_an_empty_table() {
    let mut env = Env::new().await;
    let a = json!({"name": "a", "type": "int"});
    env.step(&[table_plugin(json!([a]))]).await;
    let with_b = table_plugin(json!([a, {"name": "b", "type": "int", "nullable": false}]));
    let plans = migrator(false)
        .plan_all(&mut env.client, &registry(std::slice::from_ref(&with_b)))
        .await
        .unwrap();
    assert!(
        has_hazard(&plans, "AddColumn", Hazard::NeedsEmptyTable),
        "{}",
        plans_text(&plans)
    );
    // with rows PostgreSQL refuses, and nothing changes
    env.exec("INSERT INTO c.t VALUES (1)").await;
    let msg = env
        .fails(std::slice::from_ref(&with_b), "AddColumn c.t.b")
        .await;
    assert!(msg.contains("contains null values"), "{msg}");
    // empty, it applies
    env.exec("DELETE FROM c.t").await;
    let text = env.step(&[with_b]).await;
    check(
        &text,
        expect![[r#"
            == c
            -- AddColumn c.t.b [NeedsEmptyTable]
            ALTER TABLE "c"."t" ADD COLUMN "b" integer NOT NULL;
        "#]],
    );
    // with a default, an identity or a generation expression there is no such risk
    let text = env
        .step(&[table_plugin(
            json!([a, {"name": "b", "type": "int", "nullable": false},
            {"name": "c", "type": "int", "nullable": false, "default": "0"},
            {"name": "d", "type": "int", "identity": "by_default"},
            {"name": "e", "type": "int", "nullable": false, "generated": "(a + 1)"}]),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AddColumn c.t.c
            ALTER TABLE "c"."t" ADD COLUMN "c" integer NOT NULL DEFAULT 0;
            -- AddColumn c.t.d [TableRewrite]
            ALTER TABLE "c"."t" ADD COLUMN "d" integer NOT NULL GENERATED BY DEFAULT AS IDENTITY;
            -- AddColumn c.t.e [TableRewrite]
            ALTER TABLE "c"."t" ADD COLUMN "e" integer NOT NULL GENERATED ALWAYS AS ((a + 1)) STORED;
        "#]],
    );
}

#[tokio::test]
async fn identity_added_changed_and_dropped() {
    let mut env = Env::new().await;
    let p = |id: Value| table_plugin(json!([id, {"name": "x", "type": "text"}]));
    env.step(&[p(json!({"name": "id", "type": "bigint"}))])
        .await;
    env.exec("INSERT INTO c.t VALUES (5, 'a'), (9, 'b')").await;
    // added to a filled column: the sequence starts past the largest value
    let text = env
        .step(&[p(
            json!({"name": "id", "type": "bigint", "identity": "always"}),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AlterColumn c.t.id [LongLock]
            ALTER TABLE "c"."t" ALTER COLUMN "id" SET NOT NULL, ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;
            SELECT setval(pg_get_serial_sequence('"c"."t"', 'id'), coalesce(max("id"), 0) + 1, false) FROM "c"."t";
        "#]],
    );
    env.exec("INSERT INTO c.t (x) VALUES ('c')").await;
    assert_eq!(env.one("SELECT id FROM c.t WHERE x = 'c'").await, "10");
    assert!(env
        .client
        .batch_execute("INSERT INTO c.t VALUES (1, 'always')")
        .await
        .is_err());
    let text = env
        .step(&[p(
            json!({"name": "id", "type": "bigint", "identity": "by_default"}),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AlterColumn c.t.id
            ALTER TABLE "c"."t" ALTER COLUMN "id" SET GENERATED BY DEFAULT;
        "#]],
    );
    env.exec("INSERT INTO c.t VALUES (1, 'by default'); INSERT INTO c.t (x) VALUES ('d')")
        .await;
    assert_eq!(env.one("SELECT id FROM c.t WHERE x = 'd'").await, "11");
    env.step(&[p(
        json!({"name": "id", "type": "bigint", "identity": "always"}),
    )])
    .await;
    // dropped: the column stays NOT NULL only if declared so
    let text = env
        .step(&[p(
            json!({"name": "id", "type": "bigint", "nullable": false}),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AlterColumn c.t.id
            ALTER TABLE "c"."t" ALTER COLUMN "id" DROP IDENTITY;
        "#]],
    );
    env.step(&[p(json!({"name": "id", "type": "bigint"}))])
        .await;
    env.exec("INSERT INTO c.t VALUES (NULL, 'null')").await;
    assert_eq!(env.one("SELECT count(*) FROM c.t").await, "6");
    // identity again (the column must hold no NULL), and a new identity table
    env.exec("DELETE FROM c.t WHERE id IS NULL").await;
    let text = env
        .step(&[
            p(json!({"name": "id", "type": "bigint", "identity": "by_default"})),
            json!({"plugin": "d", "tables": [{"name": "n", "columns": [
                {"name": "id", "type": "int", "identity": "always"}], "primary_key": ["id"]}]}),
        ])
        .await;
    assert!(text.contains("GENERATED ALWAYS AS IDENTITY"), "{text}");
}

#[tokio::test]
async fn stored_generated_columns_added_changed_and_dropped() {
    let mut env = Env::new().await;
    let base = json!([{"name": "a", "type": "int"}, {"name": "b", "type": "int"}]);
    let with = |g: Value| {
        let mut cols = base.as_array().unwrap().clone();
        cols.push(g);
        table_plugin(Value::Array(cols))
    };
    env.step(&[table_plugin(base.clone())]).await;
    env.exec("INSERT INTO c.t VALUES (1, 2), (3, 4)").await;
    let text = env
        .step(&[with(
            json!({"name": "s", "type": "int", "generated": "(a + b)"}),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- AddColumn c.t.s [TableRewrite]
            ALTER TABLE "c"."t" ADD COLUMN "s" integer GENERATED ALWAYS AS ((a + b)) STORED;
        "#]],
    );
    assert_eq!(env.rows("SELECT s FROM c.t ORDER BY a").await, ["3", "7"]);
    // changed: PostgreSQL 15 cannot alter the expression, the column is recreated
    let text = env
        .step(&[with(
            json!({"name": "s", "type": "int", "generated": "(a * b)"}),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == c
            -- DropExpression c.t.s
            ALTER TABLE "c"."t" ALTER COLUMN "s" DROP EXPRESSION;
            -- AlterColumn c.t.s [TableRewrite]
            ALTER TABLE "c"."t" DROP COLUMN "s", ADD COLUMN "s" integer GENERATED ALWAYS AS ((a * b)) STORED;
        "#]],
    );
    assert_eq!(env.rows("SELECT s FROM c.t ORDER BY a").await, ["2", "12"]);
    // a generated column becomes a regular one and keeps its values
    let text = env.step(&[with(json!({"name": "s", "type": "int"}))]).await;
    check(
        &text,
        expect![[r#"
            == c
            -- DropExpression c.t.s
            ALTER TABLE "c"."t" ALTER COLUMN "s" DROP EXPRESSION;
        "#]],
    );
    env.exec("UPDATE c.t SET a = a + 10").await;
    assert_eq!(env.rows("SELECT s FROM c.t ORDER BY a").await, ["2", "12"]);
    // a regular column becomes generated (its values are recomputed): data loss
    let text = env
        .step_destructive(&[with(
            json!({"name": "s", "type": "int", "generated": "(a - b)"}),
        )])
        .await;
    assert!(text.contains("[DataLoss, TableRewrite]"), "{text}");
    assert_eq!(env.rows("SELECT s FROM c.t ORDER BY a").await, ["9", "9"]);
    env.step_destructive(&[table_plugin(base)]).await;
    assert_eq!(
        env.one("SELECT count(*) FROM pg_attribute WHERE attrelid = 'c.t'::regclass AND attname = 's' AND NOT attisdropped").await,
        "0"
    );
}

// ---------------------------------------------------------------------------
// Keys, foreign keys, checks, indexes, comments
// ---------------------------------------------------------------------------

fn keyed(pk: Value, unique: Value, checks: Value) -> Value {
    json!({"plugin": "k", "tables": [{"name": "t",
        "columns": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"},
                    {"name": "c", "type": "text"}],
        "primary_key": pk, "unique": unique, "checks": checks}]})
}

#[tokio::test]
async fn primary_keys_uniques_and_checks() {
    let mut env = Env::new().await;
    let text = env
        .step(&[keyed(
            json!(["a"]),
            json!([{"columns": ["b"]}, {"columns": ["b", "c"]}]),
            json!([{"expr": "(b > 0)"}, {"name": "c_not_empty", "expr": "(c <> ''::text)"}]),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == k
            -- CreateNamespace k
            CREATE SCHEMA IF NOT EXISTS "k";
            -- CreateTable k.t
            CREATE TABLE "k"."t" (
                "a" integer NOT NULL,
                "b" integer,
                "c" text,
                CONSTRAINT "t_pkey" PRIMARY KEY ("a"),
                CONSTRAINT "t_b_c_key" UNIQUE ("b", "c"),
                CONSTRAINT "t_b_key" UNIQUE ("b"),
                CONSTRAINT "c_not_empty" CHECK ((c <> ''::text)),
                CONSTRAINT "t_check" CHECK ((b > 0))
            );
        "#]],
    );
    env.exec("INSERT INTO k.t VALUES (1, 1, 'x'), (2, 2, 'y')")
        .await;
    // the key moves, a unique goes, another comes, a check changes
    let text = env
        .step(&[keyed(
            json!({"name": "t_key", "columns": ["a", "b"]}),
            json!([{"columns": ["b"]}, {"columns": ["c"]}]),
            json!([{"expr": "(b > 0)"}, {"name": "c_not_empty", "expr": "(length(c) > 0)"}]),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == k
            -- DropUnique k.t.t_b_c_key
            ALTER TABLE "k"."t" DROP CONSTRAINT "t_b_c_key";
            -- DropCheck k.t.c_not_empty
            ALTER TABLE "k"."t" DROP CONSTRAINT "c_not_empty";
            -- DropPrimaryKey k.t.t_pkey
            ALTER TABLE "k"."t" DROP CONSTRAINT "t_pkey";
            -- AlterColumn k.t.b [LongLock]
            ALTER TABLE "k"."t" ALTER COLUMN "b" SET NOT NULL;
            -- AddPrimaryKey k.t.t_key [LongLock]
            ALTER TABLE "k"."t" ADD CONSTRAINT "t_key" PRIMARY KEY ("a", "b");
            -- AddUnique k.t.t_c_key [LongLock]
            ALTER TABLE "k"."t" ADD CONSTRAINT "t_c_key" UNIQUE ("c");
            -- AddCheck k.t.c_not_empty [LongLock]
            ALTER TABLE "k"."t" ADD CONSTRAINT "c_not_empty" CHECK ((length(c) > 0));
        "#]],
    );
    // a key or check the rows violate fails and changes nothing
    env.exec("INSERT INTO k.t VALUES (3, 3, 'z'), (1, 4, 'w')")
        .await;
    env.fails(
        &[keyed(
            json!(["a", "b"]),
            json!([{"columns": ["b"]}]),
            json!([{"expr": "(b > 0)"}, {"expr": "(a < 3)"}]),
        )],
        "AddCheck",
    )
    .await;
    env.fails(
        &[keyed(
            json!(["a", "b"]),
            json!([{"columns": ["a"]}]),
            json!([]),
        )],
        "AddUnique",
    )
    .await;
    // all dropped
    let text = env.step(&[keyed(json!(null), json!([]), json!([]))]).await;
    assert_eq!(text.matches("DROP CONSTRAINT").count(), 5, "{text}");
    assert_eq!(
        env.one("SELECT count(*) FROM pg_constraint WHERE conrelid = 'k.t'::regclass")
            .await,
        "0"
    );
}

fn fk(on_delete: &str, on_update: &str, deferrable: &str) -> Value {
    let mut v = json!({"columns": ["p"], "references": {"table": "parent", "columns": ["id"]}});
    for (k, x) in [
        ("on_delete", on_delete),
        ("on_update", on_update),
        ("deferrable", deferrable),
    ] {
        if !x.is_empty() {
            v[k] = json!(x);
        }
    }
    v
}

fn fk_plugin(fks: Vec<Value>) -> Value {
    let children: Vec<Value> = fks
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            json!({"name": format!("child{i}"), "columns": [
                {"name": "id", "type": "int"}, {"name": "p", "type": "int", "default": "1"}],
                "primary_key": ["id"], "foreign_keys": [f]})
        })
        .collect();
    let mut tables = vec![
        json!({"name": "parent", "columns": [{"name": "id", "type": "int"}],
        "primary_key": ["id"]}),
    ];
    tables.extend(children);
    json!({"plugin": "f", "tables": tables})
}

#[tokio::test]
async fn foreign_keys_every_action_and_deferrable() {
    let mut env = Env::new().await;
    let actions = [
        "no_action",
        "restrict",
        "cascade",
        "set_null",
        "set_default",
    ];
    let mut fks: Vec<Value> = actions.iter().map(|a| fk(a, a, "")).collect();
    fks.push(fk("", "", "immediate"));
    fks.push(fk("cascade", "", "deferred"));
    let text = env.step(&[fk_plugin(fks)]).await;
    let defs: Vec<&str> = text.lines().filter(|l| l.contains("FOREIGN KEY")).collect();
    check(
        &defs.join("\n"),
        expect![[r#"
            ALTER TABLE "f"."child0" ADD CONSTRAINT "child0_p_fkey" FOREIGN KEY ("p") REFERENCES "f"."parent" ("id");
            ALTER TABLE "f"."child1" ADD CONSTRAINT "child1_p_fkey" FOREIGN KEY ("p") REFERENCES "f"."parent" ("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
            ALTER TABLE "f"."child2" ADD CONSTRAINT "child2_p_fkey" FOREIGN KEY ("p") REFERENCES "f"."parent" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
            ALTER TABLE "f"."child3" ADD CONSTRAINT "child3_p_fkey" FOREIGN KEY ("p") REFERENCES "f"."parent" ("id") ON DELETE SET NULL ON UPDATE SET NULL;
            ALTER TABLE "f"."child4" ADD CONSTRAINT "child4_p_fkey" FOREIGN KEY ("p") REFERENCES "f"."parent" ("id") ON DELETE SET DEFAULT ON UPDATE SET DEFAULT;
            ALTER TABLE "f"."child5" ADD CONSTRAINT "child5_p_fkey" FOREIGN KEY ("p") REFERENCES "f"."parent" ("id") DEFERRABLE INITIALLY IMMEDIATE;
            ALTER TABLE "f"."child6" ADD CONSTRAINT "child6_p_fkey" FOREIGN KEY ("p") REFERENCES "f"."parent" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;"#]],
    );
    // on tables created in the same plan: no long-lock noise
    assert!(!text.contains("LongLock"), "{text}");
    // every action turned into another one
    let mut fks: Vec<Value> = actions
        .iter()
        .enumerate()
        .map(|(i, _)| {
            fk(
                actions[(i + 2) % 5],
                actions[(i + 1) % 5],
                ["", "immediate", "deferred"][i % 3],
            )
        })
        .collect();
    fks.push(fk("", "", "deferred"));
    fks.push(fk("cascade", "", ""));
    env.exec("INSERT INTO f.parent VALUES (1), (2)").await;
    for i in 0..7 {
        let p = if i < 3 { 2 } else { 1 };
        env.exec(&format!("INSERT INTO f.child{i} VALUES (1, {p})"))
            .await;
    }
    let text = env.step(&[fk_plugin(fks)]).await;
    assert_eq!(text.matches("-- DropForeignKey").count(), 7, "{text}");
    assert_eq!(text.matches("-- AddForeignKey").count(), 7, "{text}");
    assert!(text.contains("[LongLock]"), "on existing tables: {text}");
    // the actions act: child0 now cascades deletes, child1 sets NULL,
    // child2 the default
    env.exec("DELETE FROM f.parent WHERE id = 2").await;
    assert_eq!(
        env.rows("SELECT p FROM f.child0").await,
        Vec::<String>::new()
    );
    assert_eq!(env.rows("SELECT p FROM f.child1").await, ["∅"]);
    assert_eq!(env.rows("SELECT p FROM f.child2").await, ["1"]);
    env.step_destructive(&[fk_plugin(vec![])]).await;
    // an orphan row makes a new foreign key fail, and nothing changes
    let orphans = |fks: Value| {
        json!({"plugin": "o", "tables": [
            {"name": "p", "columns": [{"name": "id", "type": "int"}], "primary_key": ["id"]},
            {"name": "c", "columns": [{"name": "p", "type": "int"}], "foreign_keys": fks}]})
    };
    env.step(&[fk_plugin(vec![]), orphans(json!([]))]).await;
    env.exec("INSERT INTO o.c VALUES (9)").await;
    let fks = json!([{"columns": ["p"], "references": {"table": "p", "columns": ["id"]}}]);
    let msg = env
        .fails(
            &[fk_plugin(vec![]), orphans(fks)],
            "AddForeignKey o.c.c_p_fkey",
        )
        .await;
    assert!(msg.contains("violates foreign key constraint"), "{msg}");
}

#[tokio::test]
async fn foreign_keys_across_plugins_self_references_and_cycles() {
    let mut env = Env::new().await;
    let accounts = json!({"plugin": "accounts", "version": "1.0.0", "tables": [
        {"name": "accounts", "columns": [{"name": "id", "type": "uuid"}], "primary_key": ["id"]}]});
    let billing = |extra: Value| {
        json!({"plugin": "billing", "depends_on": {"accounts": ">=1.0.0"}, "tables": [
            {"name": "invoices", "columns": [
                {"name": "id", "type": "bigint", "identity": "always"},
                {"name": "account_id", "type": "uuid", "nullable": false},
                {"name": "replaces", "type": "bigint"},
                {"name": "first_line", "type": "bigint"}],
             "primary_key": ["id"],
             "foreign_keys": [
                {"columns": ["account_id"], "references": {"table": "accounts.accounts", "columns": ["id"]}, "on_delete": "cascade"},
                {"columns": ["replaces"], "references": {"table": "invoices", "columns": ["id"]}, "on_delete": "set_null"},
                {"columns": ["first_line"], "references": {"table": "lines", "columns": ["id"]}, "deferrable": "deferred"}]},
            {"name": "lines", "columns": [
                {"name": "id", "type": "bigint", "identity": "always"},
                {"name": "invoice_id", "type": "bigint", "nullable": false}],
             "primary_key": ["id"],
             "foreign_keys": extra}]})
    };
    let cycle = json!([{"columns": ["invoice_id"], "references": {"table": "invoices", "columns": ["id"]}, "on_delete": "cascade"}]);
    let text = env.step(&[accounts.clone(), billing(cycle.clone())]).await;
    check(
        &text,
        expect![[r#"
            == accounts
            -- CreateNamespace accounts
            CREATE SCHEMA IF NOT EXISTS "accounts";
            -- CreateTable accounts.accounts
            CREATE TABLE "accounts"."accounts" (
                "id" uuid NOT NULL,
                CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
            );
            == billing
            -- CreateNamespace billing
            CREATE SCHEMA IF NOT EXISTS "billing";
            -- CreateTable billing.invoices
            CREATE TABLE "billing"."invoices" (
                "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
                "account_id" uuid NOT NULL,
                "replaces" bigint,
                "first_line" bigint,
                CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
            );
            -- CreateTable billing.lines
            CREATE TABLE "billing"."lines" (
                "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
                "invoice_id" bigint NOT NULL,
                CONSTRAINT "lines_pkey" PRIMARY KEY ("id")
            );
            -- AddForeignKey billing.invoices.invoices_account_id_fkey
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"."accounts" ("id") ON DELETE CASCADE;
            -- AddForeignKey billing.invoices.invoices_first_line_fkey
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_first_line_fkey" FOREIGN KEY ("first_line") REFERENCES "billing"."lines" ("id") DEFERRABLE INITIALLY DEFERRED;
            -- AddForeignKey billing.invoices.invoices_replaces_fkey
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_replaces_fkey" FOREIGN KEY ("replaces") REFERENCES "billing"."invoices" ("id") ON DELETE SET NULL;
            -- AddForeignKey billing.lines.lines_invoice_id_fkey
            ALTER TABLE "billing"."lines" ADD CONSTRAINT "lines_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "billing"."invoices" ("id") ON DELETE CASCADE;
        "#]],
    );
    // the cycle works with the deferred key: both rows in one transaction
    env.exec(
        "INSERT INTO accounts.accounts VALUES ('00000000-0000-0000-0000-000000000001');
         BEGIN;
         INSERT INTO billing.invoices (account_id, first_line) OVERRIDING SYSTEM VALUE
             SELECT '00000000-0000-0000-0000-000000000001', 1;
         INSERT INTO billing.lines (invoice_id) VALUES (1);
         COMMIT;",
    )
    .await;
    // cascades across namespaces
    env.exec("DELETE FROM accounts.accounts").await;
    assert_eq!(env.one("SELECT count(*) FROM billing.lines").await, "0");
    // the cycle is broken again, then the referenced table goes
    env.step(&[accounts.clone(), billing(json!([]))]).await;
    let text = env
        .step_destructive(&[
            accounts,
            json!({"plugin": "billing", "depends_on": {"accounts": ">=1.0.0"}, "tables": [
                {"name": "lines", "columns": [{"name": "id", "type": "bigint"}]}]}),
        ])
        .await;
    check(
        &text,
        expect![[r#"
            == billing
            -- DropForeignKey billing.invoices.invoices_account_id_fkey
            ALTER TABLE "billing"."invoices" DROP CONSTRAINT "invoices_account_id_fkey";
            -- DropForeignKey billing.invoices.invoices_first_line_fkey
            ALTER TABLE "billing"."invoices" DROP CONSTRAINT "invoices_first_line_fkey";
            -- DropPrimaryKey billing.lines.lines_pkey
            ALTER TABLE "billing"."lines" DROP CONSTRAINT "lines_pkey";
            -- DropTable billing.invoices [DataLoss]
            DROP TABLE "billing"."invoices";
            -- DropColumn billing.lines.invoice_id [DataLoss]
            ALTER TABLE "billing"."lines" DROP COLUMN "invoice_id";
            -- AlterColumn billing.lines.id
            ALTER TABLE "billing"."lines" ALTER COLUMN "id" DROP IDENTITY, ALTER COLUMN "id" DROP NOT NULL;
        "#]],
    );
}

#[tokio::test]
async fn indexes_of_every_shape() {
    let mut env = Env::new().await;
    let p = |indexes: Value| {
        json!({"plugin": "i", "extensions": ["btree_gin"], "tables": [{"name": "t", "columns": [
            {"name": "a", "type": "int"}, {"name": "b", "type": "text"},
            {"name": "tags", "type": "text[]"}, {"name": "doc", "type": "jsonb"}],
            "indexes": indexes}]})
    };
    let all = json!([
        {"columns": ["a"], "unique": true},
        {"columns": ["b"], "where": "a > 0"},
        {"expressions": ["lower(b)"]},
        {"name": "by_hash", "columns": ["b"], "method": "hash"},
        {"columns": ["tags"], "method": "gin"},
        {"name": "docs", "columns": ["doc"], "method": "gin"},
        {"name": "covering", "columns": ["a"], "include": ["b", "tags"]},
        {"name": "sorted", "columns": [{"column": "a", "desc": true}, {"column": "b", "nulls": "first"}]},
        {"name": "sorted2", "columns": [{"column": "a", "desc": true, "nulls": "last"}, {"expr": "upper(b)", "desc": true}]}
    ]);
    let text = env.step(&[p(all)]).await;
    check(
        &text,
        expect![[r#"
            == i
            -- CreateNamespace i
            CREATE SCHEMA IF NOT EXISTS "i";
            -- CreateExtension btree_gin
            CREATE EXTENSION IF NOT EXISTS "btree_gin";
            -- CreateTable i.t
            CREATE TABLE "i"."t" (
                "a" integer,
                "b" text,
                "tags" text[],
                "doc" jsonb
            );
            -- CreateIndex i.by_hash
            CREATE INDEX "by_hash" ON "i"."t" USING "hash" ("b");
            -- CreateIndex i.covering
            CREATE INDEX "covering" ON "i"."t" USING "btree" ("a") INCLUDE ("b", "tags");
            -- CreateIndex i.docs
            CREATE INDEX "docs" ON "i"."t" USING "gin" ("doc");
            -- CreateIndex i.sorted
            CREATE INDEX "sorted" ON "i"."t" USING "btree" ("a" DESC, "b" NULLS FIRST);
            -- CreateIndex i.sorted2
            CREATE INDEX "sorted2" ON "i"."t" USING "btree" ("a" DESC NULLS LAST, (upper(b)) DESC);
            -- CreateIndex i.t_a_idx
            CREATE UNIQUE INDEX "t_a_idx" ON "i"."t" USING "btree" ("a");
            -- CreateIndex i.t_b_idx
            CREATE INDEX "t_b_idx" ON "i"."t" USING "btree" ("b") WHERE a > 0;
            -- CreateIndex i.t_lower_idx
            CREATE INDEX "t_lower_idx" ON "i"."t" USING "btree" ((lower(b)));
            -- CreateIndex i.t_tags_idx
            CREATE INDEX "t_tags_idx" ON "i"."t" USING "gin" ("tags");
        "#]],
    );
    env.exec("INSERT INTO i.t VALUES (1, 'x', '{a}', '{}'), (2, 'x', '{b}', '[]')")
        .await;
    // changed: predicate, method, uniqueness, order, include
    let changed = json!([
        {"columns": ["a"]},
        {"columns": ["b"], "where": "a > 1"},
        {"expressions": ["lower(b)"], "unique": true, "where": "a > 1"},
        {"name": "by_hash", "columns": ["b"]},
        {"columns": ["tags"], "method": "gin"},
        {"name": "covering", "columns": ["a"], "include": ["b"]},
        {"name": "sorted", "columns": [{"column": "a"}, {"column": "b", "nulls": "first"}]}
    ]);
    let text = env.step(&[p(changed)]).await;
    assert_eq!(text.matches("-- DropIndex").count(), 8, "{text}");
    assert_eq!(text.matches("-- CreateIndex").count(), 6, "{text}");
    // a unique index the rows violate fails, and nothing changes
    env.fails(
        &[p(json!([{"columns": ["b"], "unique": true}]))],
        "CreateIndex",
    )
    .await;
    env.step(&[p(json!([]))]).await;
    assert_eq!(
        env.one("SELECT count(*) FROM pg_indexes WHERE schemaname = 'i'")
            .await,
        "0"
    );
}

#[tokio::test]
async fn table_and_column_comments() {
    let mut env = Env::new().await;
    let p = |t: Option<&str>, c: Option<&str>| {
        let mut col = json!({"name": "a", "type": "int"});
        if let Some(c) = c {
            col["comment"] = json!(c);
        }
        let mut table = json!({"name": "t", "columns": [col]});
        if let Some(t) = t {
            table["comment"] = json!(t);
        }
        json!({"plugin": "m", "tables": [table]})
    };
    let text = env
        .step(&[p(Some("it's a table"), Some("a \"column\"; -- yes"))])
        .await;
    check(
        &text,
        expect![[r#"
            == m
            -- CreateNamespace m
            CREATE SCHEMA IF NOT EXISTS "m";
            -- CreateTable m.t
            CREATE TABLE "m"."t" (
                "a" integer
            );
            COMMENT ON TABLE "m"."t" IS 'it''s a table';
            COMMENT ON COLUMN "m"."t"."a" IS 'a "column"; -- yes';
        "#]],
    );
    let text = env.step(&[p(Some("changed"), None)]).await;
    check(
        &text,
        expect![[r#"
            == m
            -- SetTableComment m.t
            COMMENT ON TABLE "m"."t" IS 'changed';
            -- SetColumnComment m.t.a
            COMMENT ON COLUMN "m"."t"."a" IS NULL;
        "#]],
    );
    env.step(&[p(None, Some("back\nslash \\ and line"))]).await;
    assert_eq!(
        env.one("SELECT coalesce(obj_description('m.t'::regclass), 'none'), col_description('m.t'::regclass, 1)").await,
        "none|back\nslash \\ and line"
    );
}

// ---------------------------------------------------------------------------
// Renames
// ---------------------------------------------------------------------------

/// Table `table` (renamed from `from`) with columns `id` and `code` (renamed
/// from `old_code`), keys, checks and indexes named after them, and a
/// second table referencing it.
fn renamed(table: &str, from: Option<&str>, code: &str, code_from: Option<&str>) -> Value {
    let mut t = json!({"name": table, "columns": [
        {"name": "id", "type": "int"},
        {"name": code, "type": "text", "nullable": false},
        {"name": "n", "type": "int"}],
        "primary_key": ["id"],
        "unique": [{"columns": [code]}],
        "checks": [{"expr": "(n > 0)"}, {"expr": format!("({code} <> ''::text)")}],
        "foreign_keys": [{"columns": ["n"], "references": {"table": table, "columns": ["id"]}}],
        "indexes": [{"columns": [code, "n"]}, {"name": "kept_name", "columns": ["n"]}]});
    if let Some(f) = from {
        t["renamed_from"] = json!(f);
    }
    if let Some(f) = code_from {
        t["columns"][1]["renamed_from"] = json!(f);
    }
    json!({"plugin": "r", "tables": [t,
        {"name": "other", "columns": [{"name": "ref", "type": "int"}],
         "foreign_keys": [{"columns": ["ref"], "references": {"table": table, "columns": ["id"]}}]}]})
}

#[tokio::test]
async fn renamed_tables_and_columns_keep_their_rows_and_rename_their_keys() {
    let mut env = Env::new().await;
    env.step(&[renamed("t", None, "code", None)]).await;
    env.exec("INSERT INTO r.t VALUES (1, 'one', 1), (2, 'two', 1); INSERT INTO r.other VALUES (2)")
        .await;
    let text = env.step(&[renamed("u", Some("t"), "code", None)]).await;
    check(
        &text,
        expect![[r#"
            == r
            -- RenameTable r.t -> r.u
            ALTER TABLE "r"."t" RENAME TO "u";
            -- RenameConstraint r.u.t_pkey -> u_pkey
            ALTER TABLE "r"."u" RENAME CONSTRAINT "t_pkey" TO "u_pkey";
            -- RenameConstraint r.u.t_code_key -> u_code_key
            ALTER TABLE "r"."u" RENAME CONSTRAINT "t_code_key" TO "u_code_key";
            -- RenameConstraint r.u.t_check -> u_check
            ALTER TABLE "r"."u" RENAME CONSTRAINT "t_check" TO "u_check";
            -- RenameConstraint r.u.t_check1 -> u_check1
            ALTER TABLE "r"."u" RENAME CONSTRAINT "t_check1" TO "u_check1";
            -- RenameIndex r.t_code_n_idx -> u_code_n_idx
            ALTER INDEX "r"."t_code_n_idx" RENAME TO "u_code_n_idx";
            -- RenameConstraint r.u.t_n_fkey -> u_n_fkey
            ALTER TABLE "r"."u" RENAME CONSTRAINT "t_n_fkey" TO "u_n_fkey";
        "#]],
    );
    let text = env.step(&[renamed("u", None, "label", Some("code"))]).await;
    check(
        &text,
        expect![[r#"
            == r
            -- RenameColumn r.u.code -> label
            ALTER TABLE "r"."u" RENAME COLUMN "code" TO "label";
            -- RenameConstraint r.u.u_code_key -> u_label_key
            ALTER TABLE "r"."u" RENAME CONSTRAINT "u_code_key" TO "u_label_key";
            -- RenameIndex r.u_code_n_idx -> u_label_n_idx
            ALTER INDEX "r"."u_code_n_idx" RENAME TO "u_label_n_idx";
        "#]],
    );
    assert_eq!(
        env.rows("SELECT id, label, n FROM r.u ORDER BY id").await,
        ["1|one|1", "2|two|1"]
    );
    assert_eq!(env.one("SELECT ref FROM r.other").await, "2");
    // both at once, back again
    env.step(&[renamed("t", Some("u"), "code", Some("label"))])
        .await;
    assert_eq!(
        env.rows("SELECT id, code, n FROM r.t ORDER BY id").await,
        ["1|one|1", "2|two|1"]
    );
    // the constraints still hold
    assert!(env
        .client
        .batch_execute("INSERT INTO r.t VALUES (3, 'one', 1)")
        .await
        .is_err());
    assert!(env
        .client
        .batch_execute("INSERT INTO r.other VALUES (7)")
        .await
        .is_err());
}

#[tokio::test]
async fn index_renames_into_names_other_renames_free_run_in_order() {
    let mut env = Env::new().await;
    // `x` holds an index named like the ones of `b`; `a` is renamed to
    // `b` while `x`'s index moves to a name of its own
    let p = |a: &str, from: Option<&str>, x_index: &str| {
        let mut t = json!({"name": a, "columns": [{"name": "id", "type": "int"}, {"name": "v", "type": "text"}],
            "primary_key": ["id"], "indexes": [{"columns": ["v"]}]});
        if let Some(f) = from {
            t["renamed_from"] = json!(f);
        }
        json!({"plugin": "r", "tables": [t,
            {"name": "x", "columns": [{"name": "v", "type": "text"}],
             "indexes": [{"name": x_index, "columns": ["v"]}],
             "unique": [{"name": "b_pkey", "columns": ["v"]}]}]})
    };
    let text = env.step(&[p("a", None, "b_v_idx")]).await;
    assert!(
        text.contains("CREATE INDEX \"b_v_idx\" ON \"r\".\"x\""),
        "{text}"
    );
    env.exec("INSERT INTO r.a VALUES (1, 'a'); INSERT INTO r.x VALUES ('x')")
        .await;
    let mut q = p("b", Some("a"), "x_v_idx");
    q["tables"][1]["unique"][0]["name"] = json!("x_v_key");
    let text = env.step(&[q]).await;
    check(
        &text,
        expect![[r#"
            == r
            -- RenameTable r.a -> r.b
            ALTER TABLE "r"."a" RENAME TO "b";
            -- RenameConstraint r.x.b_pkey -> x_v_key
            ALTER TABLE "r"."x" RENAME CONSTRAINT "b_pkey" TO "x_v_key";
            -- RenameConstraint r.b.a_pkey -> b_pkey
            ALTER TABLE "r"."b" RENAME CONSTRAINT "a_pkey" TO "b_pkey";
            -- RenameIndex r.b_v_idx -> x_v_idx
            ALTER INDEX "r"."b_v_idx" RENAME TO "x_v_idx";
            -- RenameIndex r.a_v_idx -> b_v_idx
            ALTER INDEX "r"."a_v_idx" RENAME TO "b_v_idx";
        "#]],
    );
    assert_eq!(env.one("SELECT v FROM r.b").await, "a");
}

#[tokio::test]
async fn an_enum_value_added_and_used_in_one_run() {
    // PostgreSQL refuses to use a label `ALTER TYPE … ADD VALUE` added
    // before the transaction commits: graft recreates the type instead
    let mut env = Env::new().await;
    let p = |values: &[&str], default: &str, check: &str, predicate: &str| {
        json!({"plugin": "e", "enums": [{"name": "state", "values": values}],
            "tables": [{"name": "t", "columns": [
                {"name": "id", "type": "int"},
                {"name": "s", "type": "state", "nullable": false, "default": default}],
                "checks": [{"expr": check}],
                "indexes": [{"columns": ["id"], "where": predicate}]}]})
    };
    let e = |l: &str| format!("'{l}'::e.state");
    env.step(&[p(
        &["new", "done"],
        &e("new"),
        &format!("(s <> {})", e("done")),
        &format!("s = {}", e("new")),
    )])
    .await;
    env.exec("INSERT INTO e.t VALUES (1, 'new'), (2, 'new')")
        .await;
    // the new label as the default
    let text = env
        .step(&[p(
            &["open", "new", "done"],
            &e("open"),
            &format!("(s <> {})", e("done")),
            &format!("s = {}", e("new")),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == e
            -- DropCheck e.t.t_check
            ALTER TABLE "e"."t" DROP CONSTRAINT "t_check";
            -- DropIndex e.t_id_idx
            DROP INDEX "e"."t_id_idx";
            -- RecreateEnum e.state [TableRewrite]
            ALTER TYPE "e"."state" RENAME TO "state__graft_old";
            CREATE TYPE "e"."state" AS ENUM ('open', 'new', 'done');
            ALTER TABLE "e"."t" ALTER COLUMN "s" DROP DEFAULT, ALTER COLUMN "s" TYPE "e"."state" USING "s"::text::"e"."state", ALTER COLUMN "s" SET DEFAULT 'open'::e.state;
            DROP TYPE "e"."state__graft_old";
            -- AlterColumn e.t.s
            ALTER TABLE "e"."t" ALTER COLUMN "s" SET DEFAULT 'open'::e.state;
            -- AddCheck e.t.t_check [LongLock]
            ALTER TABLE "e"."t" ADD CONSTRAINT "t_check" CHECK ((s <> 'done'::e.state));
            -- CreateIndex e.t_id_idx [LongLock]
            CREATE INDEX "t_id_idx" ON "e"."t" USING "btree" ("id") WHERE s = 'new'::e.state;
        "#]],
    );
    // in a check and a predicate, with a value added at the end too
    env.step(&[p(
        &["open", "new", "done", "gone"],
        &e("open"),
        &format!("(s <> {})", e("gone")),
        &format!("s = {}", e("gone")),
    )])
    .await;
    assert_eq!(
        env.rows("SELECT id, s FROM e.t ORDER BY id").await,
        ["1|new", "2|new"]
    );
    // a label added and not used stays an ADD VALUE
    let text = env
        .step(&[p(
            &["open", "new", "done", "gone", "later"],
            &e("open"),
            &format!("(s <> {})", e("gone")),
            &format!("s = {}", e("gone")),
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == e
            -- AddEnumValue e.state.later
            ALTER TYPE "e"."state" ADD VALUE 'later';
        "#]],
    );
}

// ---------------------------------------------------------------------------
// Hostile identifiers
// ---------------------------------------------------------------------------

/// `s` as a quoted identifier (every name below needs the quotes).
fn qi(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[tokio::test]
async fn hostile_identifiers_everywhere() {
    let mut env = Env::new().await;
    let ns = "we\"ird ns; --x";
    let long_table = format!("{}x", "é".repeat(31)); // 63 bytes
    assert_eq!(long_table.len(), 63);
    let long_col = format!("Ü{}", "c".repeat(61)); // 63 bytes
    assert_eq!(long_col.len(), 63);
    let en = "my \"enum\"; DROP TYPE x; --";
    let ty = format!("{}.{}", qi(ns), qi(en));
    let labels = [
        "it's",
        "a\"b",
        " spaced ",
        "semi;-- x",
        "Ünï",
        &"L".repeat(63),
    ];
    let decl = |table: &str,
                from: Option<&str>,
                col: &str,
                col_from: Option<&str>,
                labels: &[&str]| {
        let mut t = json!({"name": table, "comment": "hostile; -- 'quoted'",
            "columns": [
                {"name": "Select", "type": "int"},
                {"name": col, "type": "text", "comment": "it's \"it\""},
                {"name": "order", "type": qi(en), "default": format!("'it''s'::{ty}")},
                {"name": "sp ace", "type": format!("{}[]", qi(en))},
                {"name": long_col, "type": "int", "nullable": false},
                {"name": "ünïcødé", "type": "int", "generated": format!("({} * 2)", qi(&long_col))}],
            "primary_key": {"name": "pk \"x\"", "columns": ["Select"]},
            "unique": [{"name": "uq; --", "columns": [col, "order"]}, {"columns": [long_col.clone()]}],
            "checks": [{"name": "chk \"select\"", "expr": format!("({} > 0)", qi("Select"))},
                       {"expr": format!("({} <> ''::text)", qi(col))}],
            "foreign_keys": [{"name": "fk--ref", "columns": [long_col.clone()],
                              "references": {"table": table, "columns": ["Select"]},
                              "on_delete": "cascade", "deferrable": "deferred"}],
            "indexes": [
                {"name": "idx \"où\"", "columns": [{"column": "order", "desc": true}], "include": ["sp ace"],
                 "where": format!("{} <> 'semi;-- x'::{ty}", qi("order"))},
                {"expressions": [format!("lower({})", qi(col))]},
                {"columns": ["ünïcødé", long_col.clone()], "unique": true}]});
        if let Some(f) = from {
            t["renamed_from"] = json!(f);
        }
        if let Some(f) = col_from {
            t["columns"][1]["renamed_from"] = json!(f);
        }
        json!({"plugin": "hostile \"plugin\"; --", "namespace": ns,
               "enums": [{"name": en, "values": labels}],
               "tables": [t]})
    };
    let text = env
        .step(&[decl(&long_table, None, "Col \"1\"; --", None, &labels)])
        .await;
    assert!(!text.contains("LongLock"), "all on a new table: {text}");
    let table_sql = format!("{}.{}", qi(ns), qi(&long_table));
    env.exec(&format!(
        "INSERT INTO {table_sql} VALUES (1, 'one', 'a\"b', ARRAY[' spaced ', 'Ünï']::{ty}[], 1)"
    ))
    .await;
    // renamed table and column, a label added first, data kept
    let mut more = vec!["‘new’ \"label\""];
    more.extend(labels);
    let text = env
        .step(&[decl(
            "SELECT",
            Some(&long_table),
            "new \"col\"",
            Some("Col \"1\"; --"),
            &more,
        )])
        .await;
    check(
        &text,
        expect![[r#"
            == hostile "plugin"; --
            -- AddEnumValue we"ird ns; --x.my "enum"; DROP TYPE x; --.‘new’ "label"
            ALTER TYPE "we""ird ns; --x"."my ""enum""; DROP TYPE x; --" ADD VALUE '‘new’ "label"' BEFORE 'it''s';
            -- RenameTable we"ird ns; --x.éééééééééééééééééééééééééééééééx -> we"ird ns; --x.SELECT
            ALTER TABLE "we""ird ns; --x"."éééééééééééééééééééééééééééééééx" RENAME TO "SELECT";
            -- RenameColumn we"ird ns; --x.SELECT.Col "1"; -- -> new "col"
            ALTER TABLE "we""ird ns; --x"."SELECT" RENAME COLUMN "Col ""1""; --" TO "new ""col""";
            -- RenameConstraint we"ird ns; --x.SELECT.éééééééééééééé_Ücccccccccccccccccccccccccccc_key -> SELECT_Ücccccccccccccccccccccccccccccccccccccccccccccccccc_key
            ALTER TABLE "we""ird ns; --x"."SELECT" RENAME CONSTRAINT "éééééééééééééé_Ücccccccccccccccccccccccccccc_key" TO "SELECT_Ücccccccccccccccccccccccccccccccccccccccccccccccccc_key";
            -- RenameConstraint we"ird ns; --x.SELECT.éééééééééééééééééééééééééééé_check -> SELECT_check
            ALTER TABLE "we""ird ns; --x"."SELECT" RENAME CONSTRAINT "éééééééééééééééééééééééééééé_check" TO "SELECT_check";
            -- RenameIndex we"ird ns; --x.éééééééééééééé_ünïcødé_Ücccccccccccccccc_idx -> SELECT_ünïcødé_Ücccccccccccccccccccccccccccccccccccccc_idx
            ALTER INDEX "we""ird ns; --x"."éééééééééééééé_ünïcødé_Ücccccccccccccccc_idx" RENAME TO "SELECT_ünïcødé_Ücccccccccccccccccccccccccccccccccccccc_idx";
            -- RenameIndex we"ird ns; --x.éééééééééééééééééééééééééé_lower_idx -> SELECT_lower_idx
            ALTER INDEX "we""ird ns; --x"."éééééééééééééééééééééééééé_lower_idx" RENAME TO "SELECT_lower_idx";
        "#]],
    );
    let table_sql = format!("{}.{}", qi(ns), qi("SELECT"));
    assert_eq!(
        env.one(&format!(
            "SELECT {}, {}, \"order\", \"sp ace\", ünïcødé FROM {table_sql}",
            qi("Select"),
            qi("new \"col\"")
        ))
        .await,
        "1|one|a\"b|{\" spaced \",Ünï}|2"
    );
    // labels removed and reordered (the type is recreated), rows kept
    let fewer = ["Ünï", "a\"b", "semi;-- x", " spaced ", "it's"];
    env.step_destructive(&[decl("SELECT", None, "new \"col\"", None, &fewer)])
        .await;
    assert_eq!(
        env.one(&format!("SELECT \"order\", \"sp ace\" FROM {table_sql}"))
            .await,
        "a\"b|{\" spaced \",Ünï}"
    );
    // everything dropped, the namespace too
    env.step_destructive(&[json!({"plugin": "hostile \"plugin\"; --", "namespace": "plain"})])
        .await;
    assert_eq!(
        env.one(&format!(
            "SELECT count(*) FROM pg_namespace WHERE nspname = '{}'",
            ns.replace('\'', "''")
        ))
        .await,
        "0"
    );
}

// ---------------------------------------------------------------------------
// Failing plans
// ---------------------------------------------------------------------------

#[tokio::test]
async fn failing_plans_leave_schema_and_tracking_tables_byte_identical() {
    let mut env = Env::new().await;
    let a = |ty: &str, extra: bool| {
        let mut cols = vec![json!({"name": "v", "type": ty})];
        if extra {
            cols.push(json!({"name": "w", "type": "int"}));
        }
        json!({"plugin": "a", "tables": [{"name": "t", "columns": cols}]})
    };
    let b = |cols: Value| json!({"plugin": "b", "tables": [{"name": "u", "columns": cols}]});
    // the very first migration fails: not even the tracking tables remain
    let msg = env
        .fails(
            &[
                a("text", false),
                b(json!([{"name": "x", "type": "int", "default": "no_such_function()"}])),
            ],
            "CreateTable b.u",
        )
        .await;
    assert!(
        msg.contains("plugin `b`") && msg.contains("no_such_function() does not exist"),
        "{msg}"
    );
    assert_eq!(
        env.one("SELECT count(*) FROM pg_namespace WHERE nspname IN ('a', 'b', 'graft')")
            .await,
        "0"
    );
    env.step(&[a("text", false), b(json!([{"name": "x", "type": "int"}]))])
        .await;
    env.exec("INSERT INTO a.t VALUES ('12'), ('abc'); INSERT INTO b.u VALUES (NULL)")
        .await;
    // a cast that fails on a row
    let msg = env
        .fails(
            &[
                a("integer", false),
                b(json!([{"name": "x", "type": "int"}])),
            ],
            "AlterColumn a.t.v",
        )
        .await;
    assert!(
        msg.contains("invalid input syntax for type integer"),
        "{msg}"
    );
    assert!(
        msg.contains("USING \"v\"::integer"),
        "the SQL is named: {msg}"
    );
    // the first plugin's steps ran, the second one's fail: both roll back
    let msg = env
        .fails(
            &[
                a("text", true),
                b(json!([{"name": "x", "type": "int", "nullable": false}])),
            ],
            "AlterColumn b.u.x",
        )
        .await;
    assert!(msg.contains("contains null values"), "{msg}");
    assert_eq!(
        env.one(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'a.t'::regclass AND attname = 'w'"
        )
        .await,
        "0"
    );
    // and it still applies once the rows allow it
    env.exec("DELETE FROM a.t WHERE v = 'abc'; UPDATE b.u SET x = 1")
        .await;
    env.step_destructive(&[
        a("integer", true),
        b(json!([{"name": "x", "type": "int", "nullable": false}])),
    ])
    .await;
    assert_eq!(env.one("SELECT v FROM a.t").await, "12");
}

// ---------------------------------------------------------------------------
// Errors from the tracking tables and the guard
// ---------------------------------------------------------------------------

/// A stored head snapshot that is missing, from a newer graft, or not a
/// snapshot at all stops the migration with an error naming the plugin and
/// the snapshot; a refused destructive plan stops it too; each leaves the
/// database byte-identical.
#[tokio::test]
async fn unusable_head_snapshots_and_refused_plans_change_nothing() {
    let mut env = Env::new().await;
    let p = |cols: Value| json!({"plugin": "s", "tables": [{"name": "t", "columns": cols}]});
    env.step(&[p(
        json!([{"name": "a", "type": "int"}, {"name": "b", "type": "int"}]),
    )])
    .await;
    let next = p(
        json!([{"name": "a", "type": "int"}, {"name": "b", "type": "int"}, {"name": "c", "type": "int"}]),
    );
    // data loss without permission
    let msg = env
        .refused(p(json!([{"name": "a", "type": "int"}])), false)
        .await;
    assert!(
        msg.contains("refusing 1 step that loses data") && msg.contains("DropColumn s.t.b"),
        "{msg}"
    );
    // a newer snapshot format
    env.exec("UPDATE graft._snapshots SET snapshot = jsonb_set(snapshot, '{format}', '999') WHERE plugin = 's'")
        .await;
    let msg = env.refused(next.clone(), true).await;
    assert!(
        msg.contains("plugin `s`: stored snapshot 1 cannot be read: snapshot format 999 is newer"),
        "{msg}"
    );
    // not a snapshot
    env.exec("UPDATE graft._snapshots SET snapshot = '{\"tables\": 1}' WHERE plugin = 's'")
        .await;
    let msg = env.refused(next.clone(), true).await;
    assert!(
        msg.contains("plugin `s`: stored snapshot 1 cannot be read: snapshot is not valid"),
        "{msg}"
    );
    // gone
    env.exec("DELETE FROM graft._snapshots WHERE plugin = 's'")
        .await;
    let msg = env.refused(next, true).await;
    assert!(
        msg.contains("plugin `s`: the journal names snapshot 1, which is missing from _snapshots"),
        "{msg}"
    );
}
