//! End to end for the object kinds beyond tables (views, materialized
//! views): declared in a schema file or with the builder, migrated on a real
//! PostgreSQL, introspected back equal to the declaration, migrated again as
//! a no-op; changed and dropped the same way, with the rows of the tables
//! they read kept; bad declarations rejected with the database unchanged.

use graft::declare::{from_json_str, Declared, SchemaBuilder};
use graft::introspect::introspect;
use graft::model::{CheckOption, Schema};
use graft::snapshot::{diff_text, Snapshot};
use graft::testing::test_db;
use graft::{Migrator, Options, Outcome, Plugin};
use serde_json::{json, Value};
use tokio_postgres::Client;

fn declared(v: &Value) -> Declared {
    from_json_str(&v.to_string(), None).unwrap_or_else(|e| panic!("{e}\n{v:#}"))
}

fn migrator() -> Migrator {
    Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    })
}

/// Migrates to `d`, then checks that the live namespace equals the
/// declaration and that migrating again does nothing.
async fn migrate_and_check(client: &mut Client, d: &Declared) {
    let plugin = Plugin::from(d.clone());
    let r = migrator()
        .migrate(client, &plugin)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(r.plugins[0].1, Outcome::Applied { .. }), "{r:?}");
    assert_live_equals(client, d).await;
    let again = migrator().migrate(client, &plugin).await.unwrap();
    assert!(again.fast_path && !again.applied_any(), "{again:?}");
    // and the live schema diffs to nothing against the declaration
    let live = live(client, d).await;
    assert!(graft::diff::diff(&live, &d.schema).is_empty());
}

async fn live(client: &mut Client, d: &Declared) -> graft::model::Schema {
    let mut live = introspect(client, &d.schema.namespaces)
        .await
        .unwrap()
        .schema;
    live.extensions.retain(|e| d.schema.extensions.contains(e));
    live
}

async fn assert_live_equals(client: &mut Client, d: &Declared) {
    let live = live(client, d).await;
    let text = diff_text(&Snapshot::new(d.schema.clone()), &Snapshot::new(live));
    assert_eq!(text, "", "live database differs from the declaration");
}

/// Everything a failed migration must leave as it was: the plugin's
/// namespace as introspected and the tracking rows.
async fn fingerprint(client: &mut Client, namespaces: &[String]) -> String {
    let live = introspect(client, namespaces).await.unwrap().schema;
    let rows: i64 = client
        .query_one(
            "SELECT CASE WHEN to_regclass('graft._migrations') IS NULL THEN -1 \
             ELSE (SELECT count(*) FROM graft._migrations) END",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    format!("{}\nmigrations: {rows}", Snapshot::new(live).pretty())
}

fn shop_v1() -> Value {
    json!({
        "plugin": "shop",
        "tables": [{
            "name": "orders",
            "columns": [
                {"name": "id", "type": "bigint", "identity": "always"},
                {"name": "total", "type": "numeric(12,2)", "nullable": false},
                {"name": "status", "type": "text"}
            ],
            "primary_key": ["id"]
        }],
        "views": [
            {"name": "big_orders",
             "definition": "SELECT orders.id, orders.total FROM shop.orders WHERE orders.total > 100::numeric",
             "comment": "orders over 100"},
            {"name": "big_ids", "definition": "SELECT big_orders.id FROM shop.big_orders"},
            {"name": "joined",
             "definition": "SELECT o.id, b.total FROM shop.orders o JOIN shop.big_orders b ON b.id = o.id WHERE o.status = 'x'::text",
             "security_barrier": true},
            {"name": "statuses", "definition": "SELECT orders.status FROM shop.orders",
             "check_option": "cascaded"}
        ],
        "materialized_views": [{
            "name": "totals",
            "definition": "SELECT orders.status, sum(orders.total) AS total FROM shop.orders GROUP BY orders.status",
            "indexes": [{"columns": ["status"], "unique": true}],
            "comment": "per status"
        }]
    })
}

async fn orders(client: &Client) -> Vec<(i64, String)> {
    client
        .query("SELECT id, total::text FROM shop.orders ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test]
async fn views_create_alter_drop_through_the_file() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = declared(&shop_v1());
    migrate_and_check(&mut client, &v1).await;
    client
        .batch_execute(
            "INSERT INTO shop.orders (total, status) VALUES (50, 'x'), (150, 'x'), (250, 'y');
             REFRESH MATERIALIZED VIEW shop.totals",
        )
        .await
        .unwrap();
    let before = orders(&client).await;
    let n: i64 = client
        .query_one("SELECT count(*) FROM shop.big_ids", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 2);

    // v2: the column under the chain changes type (the chain and the
    // materialized view are recreated), `statuses` gains a column (replaced
    // in place), `joined` goes, `cheap` arrives, comments change.
    let mut v2 = shop_v1();
    v2["tables"][0]["columns"][1]["type"] = json!("numeric(14,2)");
    v2["views"] = json!([
        {"name": "big_orders",
         "definition": "SELECT orders.id, orders.total FROM shop.orders WHERE orders.total > 100::numeric"},
        {"name": "big_ids", "definition": "SELECT big_orders.id FROM shop.big_orders",
         "comment": "ids only"},
        {"name": "statuses", "definition": "SELECT orders.status, orders.id FROM shop.orders",
         "check_option": "cascaded"},
        {"name": "cheap", "definition": "SELECT orders.id FROM shop.orders WHERE orders.total < 100::numeric"}
    ]);
    let v2 = declared(&v2);
    let plan = migrator()
        .plan(&mut client, &Plugin::from(v2.clone()))
        .await
        .unwrap();
    let steps: Vec<String> = plan
        .plan
        .steps
        .iter()
        .map(|s| format!("{} {}", s.change.kind(), s.change.subject()))
        .collect();
    assert_eq!(
        steps,
        [
            "DropView shop.big_ids",
            "DropView shop.joined",
            "DropView shop.big_orders",
            "DropView shop.totals",
            "AlterColumn shop.orders.total",
            "CreateView shop.big_orders",
            "CreateView shop.big_ids",
            "CreateView shop.cheap",
            "ReplaceView shop.statuses",
            "CreateView shop.totals",
        ]
    );
    assert!(plan.plan.destructive_steps().next().is_none());
    migrate_and_check(&mut client, &v2).await;
    assert_eq!(orders(&client).await, before, "the rows are kept");
    let total: String = client
        .query_one(
            "SELECT total::text FROM shop.totals WHERE status = 'x'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(total, "200.00", "the materialized view was filled again");

    // v3: every view goes
    let mut v3 = shop_v1();
    v3.as_object_mut().unwrap().remove("views");
    v3.as_object_mut().unwrap().remove("materialized_views");
    let v3 = declared(&v3);
    migrate_and_check(&mut client, &v3).await;
    assert_eq!(orders(&client).await, before);
}

#[tokio::test]
async fn the_builder_says_what_the_file_says() {
    let built = SchemaBuilder::new("shop")
        .table("orders", |t| {
            t.column("id", "bigint", |c| {
                c.identity(graft::model::Identity::Always)
            })
            .column("total", "numeric(12,2)", |c| c.not_null())
            .column("status", "text", |c| c)
            .primary_key(["id"])
        })
        .view(
            "big_orders",
            "SELECT orders.id, orders.total FROM shop.orders WHERE orders.total > 100::numeric",
            |v| v.comment("orders over 100"),
        )
        .view(
            "big_ids",
            "SELECT big_orders.id FROM shop.big_orders",
            |v| v,
        )
        .view(
            "joined",
            "SELECT o.id, b.total FROM shop.orders o JOIN shop.big_orders b ON b.id = o.id WHERE o.status = 'x'::text",
            |v| v.security_barrier(),
        )
        .view("statuses", "SELECT orders.status FROM shop.orders", |v| {
            v.check_option(CheckOption::Cascaded)
        })
        .materialized_view(
            "totals",
            "SELECT orders.status, sum(orders.total) AS total FROM shop.orders GROUP BY orders.status",
            |m| m.index(|i| i.column("status").unique()).comment("per status"),
        )
        .build()
        .unwrap();
    assert_eq!(built, declared(&shop_v1()));
    // and the file written back from it reads back the same
    let file = serde_json::to_value(built.to_file()).unwrap();
    assert_eq!(declared(&file), built);
    assert_eq!(
        file["materialized_views"][0]["indexes"][0]["name"],
        Value::Null
    );

    let db = test_db().await;
    let mut client = db.connect().await;
    migrate_and_check(&mut client, &built).await;
}

#[tokio::test]
async fn hostile_names_in_view_chains() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v = |ty: &str| {
        declared(&json!({
            "plugin": "p",
            "namespace": "we\"ird ns",
            "tables": [{"name": "T x", "columns": [{"name": "Col; 1", "type": ty}, {"name": "b", "type": "text"}]}],
            "views": [
                {"name": "v; \"1\"", "definition": "SELECT \"T x\".\"Col; 1\", \"T x\".b FROM \"we\"\"ird ns\".\"T x\""},
                {"name": "select", "definition": "SELECT \"v; \"\"1\"\"\".\"Col; 1\" FROM \"we\"\"ird ns\".\"v; \"\"1\"\"\""}
            ],
            "materialized_views": [{"name": "M", "definition": "SELECT \"select\".\"Col; 1\" FROM \"we\"\"ird ns\".\"select\"",
                "indexes": [{"name": "M idx", "columns": ["Col; 1"]}]}]
        }))
    };
    migrate_and_check(&mut client, &v("integer")).await;
    client
        .batch_execute("INSERT INTO \"we\"\"ird ns\".\"T x\" VALUES (1, 'a')")
        .await
        .unwrap();
    migrate_and_check(&mut client, &v("bigint")).await;
    let n: i64 = client
        .query_one("SELECT count(*) FROM \"we\"\"ird ns\".\"M\"", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_broken_view_fails_the_apply_and_changes_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = declared(&shop_v1());
    migrate_and_check(&mut client, &v1).await;
    let ns = v1.schema.namespaces.clone();
    let before = fingerprint(&mut client, &ns).await;

    let mut bad = shop_v1();
    bad["views"][1]["definition"] = json!("SELECT big_orders.id FROM shop.big_orders WHERE");
    let e = migrator()
        .migrate(&mut client, &Plugin::from(declared(&bad)))
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("plugin `shop`"), "{msg}");
    assert!(msg.contains("(ReplaceView shop.big_ids) failed"), "{msg}");
    assert!(msg.contains("syntax error"), "{msg}");
    assert!(
        msg.contains("CREATE OR REPLACE VIEW \"shop\".\"big_ids\" AS SELECT big_orders.id FROM shop.big_orders WHERE"),
        "{msg}"
    );
    assert!(msg.contains("rolled back"), "{msg}");
    assert_eq!(fingerprint(&mut client, &ns).await, before);

    // a view reading a relation that does not exist
    let mut bad = shop_v1();
    bad["views"][1]["definition"] = json!("SELECT x.id FROM elsewhere.x");
    let e = migrator()
        .migrate(&mut client, &Plugin::from(declared(&bad)))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("relation \"elsewhere.x\" does not exist"),
        "{e}"
    );
    assert_eq!(fingerprint(&mut client, &ns).await, before);
}

#[test]
fn bad_view_declarations_are_rejected_before_the_database() {
    let err = |v: Value| {
        from_json_str(&v.to_string(), Some(std::path::Path::new("shop.json")))
            .unwrap_err()
            .to_string()
    };
    let with = |views: Value, mviews: Value| {
        let mut v = shop_v1();
        v["views"] = views;
        v["materialized_views"] = mviews;
        v
    };
    assert_eq!(
        err(with(json!([{"name": "v", "definition": "SELECT 1; DROP TABLE shop.orders"}]), json!([]))),
        "shop.json: plugin `shop`, view `v`: definition contains `;` outside literals and quoted names; it must be one query"
    );
    assert_eq!(
        err(with(json!([{"name": "v", "definition": "  "}]), json!([]))),
        "shop.json: plugin `shop`, view `v`: definition is empty"
    );
    assert_eq!(
        err(with(json!([{"name": "orders", "definition": "SELECT 1"}]), json!([]))),
        "shop.json: plugin `shop`, view `orders`: view `orders` has the same name as table `orders`; they share one namespace"
    );
    assert_eq!(
        err(with(json!([{"name": "v", "definition": "SELECT 1"}]), json!([{"name": "v", "definition": "SELECT 1"}]))),
        "shop.json: plugin `shop`, materialized view `v`: materialized view `v` has the same name as view `v`; they share one namespace"
    );
    assert_eq!(
        err(with(
            json!([{"name": "v", "definition": "SELECT 1", "depends_on": ["nope"]}]),
            json!([])
        )),
        "shop.json: plugin `shop`, view `v`: `depends_on` names missing relation `shop.nope`"
    );
    assert_eq!(
        err(with(json!([{"name": "v", "definition": "SELECT 1", "check_option": "sideways"}]), json!([]))),
        "shop.json: plugin `shop`, view `v`: unknown value `sideways` for `check_option`; expected `local` or `cascaded`"
    );
    assert_eq!(
        err(with(json!([]), json!([{"name": "m", "definition": "SELECT 1", "check_option": "local"}]))),
        "shop.json: plugin `shop`, materialized view `m`: unknown key `check_option`; expected one of `name`, `definition`, `indexes`, `depends_on`, `comment`"
    );
    assert_eq!(
        err(with(json!([]), json!([{"name": "m", "definition": "SELECT 1", "indexes": [{"name": "orders", "columns": ["a"]}]}]))),
        "shop.json: plugin `shop`, materialized view `m`: index `orders` has the same name as table `orders`; they share one namespace"
    );
}

// ---------------------------------------------------------------------------
// Sequences and serial columns
// ---------------------------------------------------------------------------

fn billing_v1() -> Value {
    json!({
        "plugin": "billing",
        "tables": [{
            "name": "invoices",
            "columns": [
                {"name": "id", "type": "integer", "serial": true},
                {"name": "no", "type": "bigint", "nullable": false,
                 "default": "nextval('billing.invoice_no'::regclass)"},
                {"name": "other", "type": "bigint"}
            ],
            "primary_key": ["id"]
        }],
        "sequences": [
            {"name": "invoice_no", "start": 1000, "cache": 5, "comment": "invoice numbers"},
            {"name": "countdown", "type": "smallint", "increment": -2, "cycle": true},
            {"name": "owned", "owned_by": "invoices.other", "min_value": 10, "max_value": 99}
        ]
    })
}

async fn nextval(client: &Client, seq: &str) -> i64 {
    client
        .query_one(&format!("SELECT nextval('{seq}')"), &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn sequences_and_serial_columns_create_alter_drop() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = declared(&billing_v1());
    let t = &v1.schema.tables[0];
    assert!(t.columns[0].serial && !t.columns[0].nullable);
    assert_eq!(
        t.columns[0].default.as_deref(),
        Some("nextval('billing.invoices_id_seq'::regclass)")
    );
    migrate_and_check(&mut client, &v1).await;
    client
        .batch_execute("INSERT INTO billing.invoices (other) VALUES (1), (2)")
        .await
        .unwrap();
    let rows: Vec<(i32, i64)> = client
        .query("SELECT id, no FROM billing.invoices ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(rows, [(1, 1000), (2, 1001)]);
    assert_eq!(nextval(&client, "billing.countdown").await, -1);
    assert_eq!(nextval(&client, "billing.countdown").await, -3);

    // v2: options change in place (the current value is kept), the owner
    // moves, `countdown` goes, `fresh` arrives, the serial column widens.
    let mut v2 = billing_v1();
    v2["tables"][0]["columns"][0]["type"] = json!("bigint");
    v2["tables"][0]["columns"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "more", "type": "integer"}));
    v2["sequences"] = json!([
        {"name": "invoice_no", "start": 1000, "increment": 10, "cache": 5},
        {"name": "owned", "owned_by": "invoices.more", "min_value": 10, "max_value": 99},
        {"name": "fresh", "type": "int4"}
    ]);
    let v2 = declared(&v2);
    let plan = migrator()
        .plan(&mut client, &Plugin::from(v2.clone()))
        .await
        .unwrap();
    let steps: Vec<String> = plan
        .plan
        .steps
        .iter()
        .map(|s| format!("{} {}", s.change.kind(), s.change.subject()))
        .collect();
    assert_eq!(
        steps,
        [
            "CreateSequence billing.fresh",
            "AlterSequence billing.invoice_no",
            "SetSequenceOwner billing.owned",
            "AlterColumn billing.invoices.id",
            "AddColumn billing.invoices.more",
            "SetSequenceOwner billing.owned",
            "SetObjectComment billing.invoice_no",
            "DropSequence billing.countdown",
        ]
    );
    let destructive: Vec<&str> = plan
        .plan
        .destructive_steps()
        .map(|(_, s)| s.change.kind())
        .collect();
    assert_eq!(destructive, ["DropSequence"]);
    // refused without permission, and nothing changes
    let before = fingerprint(&mut client, &v1.schema.namespaces).await;
    let e = Migrator::default()
        .migrate(&mut client, &Plugin::from(v2.clone()))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("DropSequence billing.countdown: data loss"),
        "{e}"
    );
    assert_eq!(
        fingerprint(&mut client, &v1.schema.namespaces).await,
        before
    );

    migrate_and_check(&mut client, &v2).await;
    // the session had cached 1000..1004 (cache 5); the next value steps 10
    assert_eq!(nextval(&client, "billing.invoice_no").await, 1014);
    client
        .batch_execute("INSERT INTO billing.invoices (other) VALUES (3)")
        .await
        .unwrap();
    let id: i64 = client
        .query_one("SELECT max(id) FROM billing.invoices", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(id, 3, "the serial sequence kept its value");

    // v3: no standalone sequences, the serial column stops being serial
    // (its sequence goes with the default)
    let v3 = declared(&json!({
        "plugin": "billing",
        "tables": [{
            "name": "invoices",
            "columns": [
                {"name": "id", "type": "bigint", "nullable": false},
                {"name": "no", "type": "bigint", "nullable": false},
                {"name": "other", "type": "bigint"},
                {"name": "more", "type": "integer"}
            ],
            "primary_key": ["id"]
        }]
    }));
    migrate_and_check(&mut client, &v3).await;
    let n: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'billing'::regnamespace",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    // and back: the column becomes serial again, starting past its rows
    let mut v4 = v3.clone();
    let mut back = billing_v1();
    back["tables"][0]["columns"][0]["type"] = json!("bigint");
    back["sequences"] = json!([]);
    back["tables"][0]["columns"][1] = json!({"name": "no", "type": "bigint", "nullable": false});
    back["tables"][0]["columns"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "more", "type": "integer"}));
    v4.schema = declared(&back).schema;
    migrate_and_check(&mut client, &v4).await;
    client
        .batch_execute("INSERT INTO billing.invoices (no) VALUES (7)")
        .await
        .unwrap();
    let id: i64 = client
        .query_one("SELECT max(id) FROM billing.invoices", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(id, 4);
}

#[tokio::test]
async fn serial_columns_made_by_hand_read_back_as_serial() {
    let db = test_db().await;
    let mut client = db.connect().await;
    client
        .batch_execute(
            "CREATE SCHEMA \"we\"\"ird ns\";
             CREATE TABLE \"we\"\"ird ns\".\"T x\" (\"Col; 1\" serial PRIMARY KEY, b bigserial, c int GENERATED ALWAYS AS IDENTITY);
             CREATE SEQUENCE \"we\"\"ird ns\".\"s; 1\" AS integer INCREMENT 3 OWNED BY \"we\"\"ird ns\".\"T x\".b;
             ALTER TABLE \"we\"\"ird ns\".\"T x\" RENAME TO \"U\"",
        )
        .await
        .unwrap();
    let ns = vec!["we\"ird ns".to_string()];
    let live = introspect(&mut client, &ns).await.unwrap().schema;
    let t = &live.tables[0];
    assert!(t.columns[0].serial && t.columns[1].serial && !t.columns[2].serial);
    assert_eq!(
        t.columns[0].default.as_deref(),
        Some("nextval('\"we\"\"ird ns\".\"T x_Col; 1_seq\"'::regclass)")
    );
    // only the standalone sequence is a sequence
    let names: Vec<&str> = live
        .sequences
        .iter()
        .map(|s| s.name.name.as_str())
        .collect();
    assert_eq!(names, ["s; 1"]);
    // pull: the live schema as a file, read back, is the live schema; and
    // migrating to it changes nothing but the baseline
    let d = Declared {
        plugin: "p".into(),
        version: None,
        depends_on: Default::default(),
        schema: Schema {
            extensions: vec![],
            ..live.clone()
        },
    };
    let text = serde_json::to_string_pretty(&d.to_file()).unwrap();
    let back = from_json_str(&text, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back.schema, d.schema, "{text}");
    assert!(text.contains("\"serial\": true"), "{text}");
    let plan = graft::plan::build_plan(graft::diff::diff(&live, &back.schema)).unwrap();
    assert!(plan.is_empty(), "{plan:?}");
}

#[test]
fn bad_sequence_declarations_are_rejected() {
    let err = |v: Value| {
        from_json_str(&v.to_string(), Some(std::path::Path::new("b.json")))
            .unwrap_err()
            .to_string()
    };
    let seq = |s: Value| {
        let mut v = billing_v1();
        v["sequences"] = json!([s]);
        v
    };
    let col = |c: Value| {
        let mut v = billing_v1();
        v["tables"][0]["columns"][2] = c;
        v
    };
    let cases = [
        (seq(json!({"name": "s", "increment": 0})), "b.json: plugin `billing`, sequence `s`: `increment` cannot be 0"),
        (seq(json!({"name": "s", "type": "text"})), "b.json: plugin `billing`, sequence `s`: a sequence is smallint, integer or bigint, not `text`"),
        (seq(json!({"name": "s", "type": "smallint", "max_value": 40000})), "b.json: plugin `billing`, sequence `s`: `max_value` 40000 is out of range for smallint"),
        (seq(json!({"name": "s", "min_value": 5, "max_value": 5})), "b.json: plugin `billing`, sequence `s`: `min_value` 5 must be less than `max_value` 5"),
        (seq(json!({"name": "s", "start": 0})), "b.json: plugin `billing`, sequence `s`: `start` 0 is outside `min_value` 1 .. `max_value` 9223372036854775807"),
        (seq(json!({"name": "s", "cache": 0})), "b.json: plugin `billing`, sequence `s`: `cache` must be at least 1, not 0"),
        (seq(json!({"name": "s", "owned_by": "invoices"})), "b.json: plugin `billing`, sequence `s`: `owned_by` is `table.column`, not `invoices`"),
        (seq(json!({"name": "s", "owned_by": "nope.x"})), "b.json: plugin `billing`, sequence `s`: `owned_by` references missing table `billing.nope`"),
        (seq(json!({"name": "s", "owned_by": "invoices.x"})), "b.json: plugin `billing`, sequence `s`: `owned_by` refers to missing column `x`"),
        (seq(json!({"name": "invoices"})), "b.json: plugin `billing`, sequence `invoices`: sequence `invoices` has the same name as table `invoices`; they share one namespace"),
        (seq(json!({"name": "s", "strat": 1})), "b.json: plugin `billing`, sequence `s`: unknown key `strat`; expected one of `name`, `type`, `increment`, `min_value`, `max_value`, `start`, `cache`, `cycle`, `owned_by`, `comment`"),
        (col(json!({"name": "other", "type": "text", "serial": true})), "b.json: plugin `billing`, table `invoices`, column `other`: serial columns must be smallint, integer or bigint, not `text`"),
        (col(json!({"name": "other", "type": "int", "serial": true, "identity": "always"})), "b.json: plugin `billing`, table `invoices`, column `other`: `serial` and `identity` cannot both be set"),
        (col(json!({"name": "other", "type": "int", "serial": true, "default": "1"})), "b.json: plugin `billing`, table `invoices`, column `other`: the default of a serial column names its sequence as `nextval('<sequence>'::regclass)`, not `1`"),
        (col(json!({"name": "other", "type": "int", "serial": true, "default": "nextval('billing.invoice_no'::regclass)"})), "b.json: plugin `billing`, table `invoices`, column `other`: sequence `invoice_no` of serial column `other` has the same name as sequence `invoice_no`; they share one namespace"),
    ];
    for (v, want) in cases {
        assert_eq!(err(v.clone()), want, "for {v}");
    }
}

#[test]
fn the_builder_says_what_the_file_says_for_sequences() {
    let built = SchemaBuilder::new("billing")
        .table("invoices", |t| {
            t.column("id", "integer", |c| c.serial())
                .column("no", "bigint", |c| {
                    c.not_null()
                        .default("nextval('billing.invoice_no'::regclass)")
                })
                .column("other", "bigint", |c| c)
                .primary_key(["id"])
        })
        .sequence("invoice_no", |s| {
            s.start(1000).cache(5).comment("invoice numbers")
        })
        .sequence("countdown", |s| s.ty("smallint").increment(-2).cycle())
        .sequence("owned", |s| {
            s.owned_by("invoices", "other").min_value(10).max_value(99)
        })
        .build()
        .unwrap();
    assert_eq!(built, declared(&billing_v1()));
    let file = serde_json::to_value(built.to_file()).unwrap();
    assert_eq!(declared(&file), built);
    // the derived sequence name is left out of the file
    assert_eq!(file["tables"][0]["columns"][0]["default"], Value::Null);
    assert_eq!(file["tables"][0]["columns"][0]["serial"], true);
}
