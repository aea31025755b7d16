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
    // pull: the live schema written as a file reads back as itself
    let pulled = Declared {
        plugin: d.plugin.clone(),
        version: None,
        depends_on: Default::default(),
        schema: live.clone(),
    };
    let text = serde_json::to_string_pretty(&pulled.to_file()).unwrap();
    let back = from_json_str(&text, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        diff_text(&Snapshot::new(back.schema), &Snapshot::new(live)),
        "",
        "the pulled file reads back differently:\n{text}"
    );
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

// ---------------------------------------------------------------------------
// Functions, procedures and triggers
// ---------------------------------------------------------------------------

fn audit_v1() -> Value {
    json!({
        "plugin": "audit",
        "sequences": [{"name": "codes"}],
        "tables": [
            {"name": "items",
             "columns": [
                {"name": "id", "type": "bigint", "identity": "always"},
                {"name": "name", "type": "text", "nullable": false},
                {"name": "code", "type": "text", "default": "audit.next_code()"},
                {"name": "updated_at", "type": "timestamp with time zone"},
                {"name": "price", "type": "numeric(12,2)"}
             ],
             "primary_key": ["id"]},
            {"name": "log",
             "columns": [
                {"name": "at", "type": "timestamptz", "nullable": false, "default": "now()"},
                {"name": "what", "type": "text"}
             ]}
        ],
        "functions": [
            {"name": "next_code", "returns": "text", "language": "sql",
             "body": "SELECT 'c' || nextval('audit.codes')::text"},
            {"name": "touch", "returns": "trigger", "language": "plpgsql",
             "body": "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND",
             "comment": "keeps updated_at"},
            {"name": "log_change", "returns": "trigger", "language": "plpgsql",
             "body": "BEGIN\n  INSERT INTO audit.log (what) VALUES (TG_ARGV[0] || ' ' || TG_OP);\n  RETURN NULL;\nEND",
             "security_definer": true, "set": {"search_path": "audit, pg_catalog"}},
            {"name": "price_of", "language": "sql", "volatility": "stable",
             "args": [{"name": "p_id", "type": "bigint"},
                      {"name": "price", "type": "numeric(12,2)", "mode": "out"},
                      {"name": "note", "type": "text", "mode": "inout", "default": "'none'::text"}],
             "body": "SELECT i.price, note FROM audit.items i WHERE i.id = p_id"},
            {"name": "price_of", "returns": "numeric", "language": "sql",
             "args": [{"name": "p_name", "type": "text"}],
             "body": "SELECT i.price FROM audit.items i WHERE i.name = p_name"},
            {"name": "tags", "language": "sql", "volatility": "immutable", "strict": true, "parallel": "safe",
             "args": [{"name": "t", "type": "text[]", "mode": "variadic"}],
             "returns_table": [{"name": "tag", "type": "text"}, {"name": "n", "type": "integer"}],
             "body": "SELECT x, 1 FROM unnest(t) x"},
            {"name": "add1", "returns": "integer", "language": "sql", "volatility": "immutable",
             "args": [{"name": "x", "type": "int4"}], "sql_body": true, "body": "RETURN (x + 1)"},
            {"name": "purge", "kind": "procedure", "language": "sql",
             "args": [{"name": "days", "type": "integer", "default": "30"}],
             "body": "DELETE FROM audit.log WHERE at < now() - make_interval(days => days)",
             "comment": "old log rows go"},
            {"name": "priced_insert", "returns": "trigger", "language": "plpgsql",
             "body": "BEGIN\n  INSERT INTO audit.items (name) VALUES ('v' || NEW.id);\n  RETURN NEW;\nEND"}
        ],
        "views": [
            {"name": "priced", "definition": "SELECT items.id, audit.add1(items.id::integer) AS p FROM audit.items"}
        ],
        "triggers": [
            {"name": "items_touch", "table": "items", "timing": "before", "events": ["update"],
             "for_each": "row", "function": "touch"},
            {"name": "items_log", "table": "items", "timing": "after", "events": ["insert", "delete"],
             "function": "log_change", "args": ["items"], "comment": "one row per statement"},
            {"name": "priced_ins", "table": "priced", "timing": "instead_of", "events": ["insert"],
             "for_each": "row", "function": "priced_insert"}
        ]
    })
}

async fn count(client: &Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn functions_and_triggers_create_alter_drop() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = declared(&audit_v1());
    migrate_and_check(&mut client, &v1).await;
    // the default calls a function, the triggers run
    client
        .batch_execute(
            "INSERT INTO audit.items (name, price) VALUES ('a', 10), ('b', 20);
             UPDATE audit.items SET price = 11 WHERE name = 'a';
             INSERT INTO audit.priced (id) VALUES (7)",
        )
        .await
        .unwrap();
    assert_eq!(count(&client, "SELECT count(*) FROM audit.log").await, 2);
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM audit.items WHERE updated_at IS NOT NULL"
        )
        .await,
        1
    );
    let code: String = client
        .query_one("SELECT code FROM audit.items WHERE name = 'a'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(code, "c1");
    assert_eq!(
        count(&client, "SELECT count(*) FROM audit.tags('x', 'y')").await,
        2
    );
    client.batch_execute("CALL audit.purge()").await.unwrap();

    // v2: a body changes (replaced), result types change (recreated, with
    // the default and the view that call them, and the view's trigger), an
    // overload goes, the price column widens, the triggers' columns and
    // events change (replaced) and one is disabled, the procedure goes.
    let mut v2 = audit_v1();
    let f = v2["functions"].as_array_mut().unwrap();
    f[1]["body"] = json!("BEGIN\n  NEW.updated_at := clock_timestamp();\n  RETURN NEW;\nEND");
    f[0]["returns"] = json!("character varying");
    f[6]["returns"] = json!("bigint");
    f[6]["args"][0]["type"] = json!("integer");
    f.remove(7); // purge
    f.remove(4); // price_of(text)
    v2["tables"][0]["columns"][4]["type"] = json!("numeric(14,2)");
    v2["triggers"][0]["update_of"] = json!(["name", "price"]);
    v2["triggers"][1]["events"] = json!(["insert", "update", "delete"]);
    v2["triggers"][1]["enabled"] = json!("disabled");
    v2["triggers"][0]["timing"] = json!("before");
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
            "ReplaceFunction audit.touch()",
            "DropTrigger priced_ins on audit.priced",
            "DropView audit.priced",
            "AlterColumn audit.items.price",
            "RecreateFunction audit.add1(integer)",
            "RecreateFunction audit.next_code()",
            "CreateView audit.priced",
            "ReplaceTrigger items_log on audit.items",
            "ReplaceTrigger items_touch on audit.items",
            "CreateTrigger priced_ins on audit.priced",
            "DropFunction audit.price_of(text)",
            "DropFunction audit.purge(integer)",
        ],
        "{}",
        graft::render::plan_text(&plan.plan)
    );
    migrate_and_check(&mut client, &v2).await;
    assert_eq!(
        count(&client, "SELECT count(*) FROM audit.items").await,
        3,
        "rows kept"
    );
    client
        .batch_execute("INSERT INTO audit.items (name) VALUES ('c')")
        .await
        .unwrap();
    assert_eq!(
        count(&client, "SELECT count(*) FROM audit.log").await,
        2,
        "items_log is disabled"
    );
    let code: String = client
        .query_one("SELECT code FROM audit.items WHERE name = 'c'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(code, "c4", "the default calls the recreated function");

    // v3: no functions, views or triggers
    let mut v3 = audit_v1();
    for k in ["functions", "views", "triggers"] {
        v3.as_object_mut().unwrap().remove(k);
    }
    v3["tables"][0]["columns"][2] = json!({"name": "code", "type": "text"});
    let v3 = declared(&v3);
    migrate_and_check(&mut client, &v3).await;
    assert_eq!(count(&client, "SELECT count(*) FROM audit.items").await, 4);
}

#[test]
fn the_builder_says_what_the_file_says_for_functions_and_triggers() {
    use graft::model::{ArgMode, Parallel, TriggerEvent as E, TriggerTiming as T, Volatility};
    let built = SchemaBuilder::new("audit")
        .sequence("codes", |s| s)
        .table("items", |t| {
            t.column("id", "bigint", |c| c.identity(graft::model::Identity::Always))
                .column("name", "text", |c| c.not_null())
                .column("code", "text", |c| c.default("audit.next_code()"))
                .column("updated_at", "timestamp with time zone", |c| c)
                .column("price", "numeric(12,2)", |c| c)
                .primary_key(["id"])
        })
        .table("log", |t| {
            t.column("at", "timestamptz", |c| c.not_null().default("now()"))
                .column("what", "text", |c| c)
        })
        .function("next_code", "sql", "SELECT 'c' || nextval('audit.codes')::text", |f| {
            f.returns("text")
        })
        .function(
            "touch",
            "plpgsql",
            "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND",
            |f| f.returns("trigger").comment("keeps updated_at"),
        )
        .function(
            "log_change",
            "plpgsql",
            "BEGIN\n  INSERT INTO audit.log (what) VALUES (TG_ARGV[0] || ' ' || TG_OP);\n  RETURN NULL;\nEND",
            |f| {
                f.returns("trigger")
                    .security_definer()
                    .set("search_path", "audit, pg_catalog")
            },
        )
        .function(
            "price_of",
            "sql",
            "SELECT i.price, note FROM audit.items i WHERE i.id = p_id",
            |f| {
                f.volatility(Volatility::Stable)
                    .arg("p_id", "bigint")
                    .arg_with("price", "numeric(12,2)", |a| a.mode(ArgMode::Out))
                    .arg_with("note", "text", |a| a.mode(ArgMode::InOut).default("'none'::text"))
            },
        )
        .function(
            "price_of",
            "sql",
            "SELECT i.price FROM audit.items i WHERE i.name = p_name",
            |f| f.returns("numeric").arg("p_name", "text"),
        )
        .function("tags", "sql", "SELECT x, 1 FROM unnest(t) x", |f| {
            f.volatility(Volatility::Immutable)
                .strict()
                .parallel(Parallel::Safe)
                .arg_with("t", "text[]", |a| a.mode(ArgMode::Variadic))
                .returns_table([("tag", "text"), ("n", "integer")])
        })
        .function("add1", "sql", "RETURN (x + 1)", |f| {
            f.returns("integer")
                .volatility(Volatility::Immutable)
                .arg("x", "int4")
                .sql_body()
        })
        .procedure(
            "purge",
            "sql",
            "DELETE FROM audit.log WHERE at < now() - make_interval(days => days)",
            |p| p.arg_with("days", "integer", |a| a.default("30")).comment("old log rows go"),
        )
        .function(
            "priced_insert",
            "plpgsql",
            "BEGIN\n  INSERT INTO audit.items (name) VALUES ('v' || NEW.id);\n  RETURN NEW;\nEND",
            |f| f.returns("trigger"),
        )
        .view(
            "priced",
            "SELECT items.id, audit.add1(items.id::integer) AS p FROM audit.items",
            |v| v,
        )
        .trigger("items", "items_touch", T::Before, [E::Update], "touch", |t| {
            t.for_each_row()
        })
        .trigger(
            "items",
            "items_log",
            T::After,
            [E::Insert, E::Delete],
            "log_change",
            |t| t.args(["items"]).comment("one row per statement"),
        )
        .trigger("priced", "priced_ins", T::InsteadOf, [E::Insert], "priced_insert", |t| {
            t.for_each_row()
        })
        .build()
        .unwrap();
    assert_eq!(built, declared(&audit_v1()));
    let file = serde_json::to_value(built.to_file()).unwrap();
    assert_eq!(declared(&file), built);
    // OUT arguments say the result: it is left out
    assert_eq!(file["functions"][3]["returns"], Value::Null, "{file:#}");
}

#[tokio::test]
async fn hostile_names_in_functions_and_triggers() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let d = declared(&json!({
        "plugin": "p", "namespace": "we\"ird ns",
        "tables": [{"name": "T x", "columns": [{"name": "Col; 1", "type": "integer"}, {"name": "select", "type": "text"}]}],
        "functions": [
            {"name": "F(); --", "returns": "trigger", "language": "plpgsql",
             "body": "BEGIN\n  NEW.\"Col; 1\" := coalesce(NEW.\"Col; 1\", 0) + 1; -- $function$ in a comment\n  RETURN NEW;\nEND"},
            {"name": "Row Of", "language": "sql", "returns": "setof \"we\"\"ird ns\".\"T x\"",
             "args": [{"name": "A b", "type": "integer", "default": "1"}],
             "body": "SELECT * FROM \"we\"\"ird ns\".\"T x\" WHERE \"Col; 1\" >= \"A b\"",
             "set": {"search_path": "\"we\"\"ird ns\", pg_catalog"}}
        ],
        "triggers": [{"name": "Tr; \"1\"", "table": "T x", "timing": "before", "events": ["insert", "update"],
            "update_of": ["select"], "for_each": "row", "function": "\"F(); --\"",
            "when": "new.\"Col; 1\" IS NULL", "args": ["it's", "a\\b"]}]
    }));
    migrate_and_check(&mut client, &d).await;
    client
        .batch_execute("INSERT INTO \"we\"\"ird ns\".\"T x\" (\"select\") VALUES ('x')")
        .await
        .unwrap();
    let n: i64 = client
        .query_one("SELECT count(*) FROM \"we\"\"ird ns\".\"Row Of\"(1)", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "the trigger set the column");
}

#[tokio::test]
async fn a_trigger_on_a_missing_function_fails_the_apply_and_changes_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = declared(&audit_v1());
    migrate_and_check(&mut client, &v1).await;
    let before = fingerprint(&mut client, &v1.schema.namespaces).await;
    // a function of another namespace cannot be checked before the apply
    let mut bad = audit_v1();
    bad["triggers"][0]["function"] = json!("public.nope");
    let e = migrator()
        .migrate(&mut client, &Plugin::from(declared(&bad)))
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("plugin `audit`"), "{msg}");
    assert!(
        msg.contains("(ReplaceTrigger items_touch on audit.items) failed"),
        "{msg}"
    );
    assert!(
        msg.contains("function public.nope() does not exist"),
        "{msg}"
    );
    assert!(
        msg.contains("EXECUTE FUNCTION \"public\".\"nope\"()"),
        "{msg}"
    );
    assert!(msg.contains("rolled back"), "{msg}");
    assert_eq!(
        fingerprint(&mut client, &v1.schema.namespaces).await,
        before
    );
    // a function body PostgreSQL checks, with a syntax error
    let mut bad = audit_v1();
    bad["functions"][4]["body"] = json!("SELECT i.price FROM audit.items i WHERE");
    let e = migrator()
        .migrate(&mut client, &Plugin::from(declared(&bad)))
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("(ReplaceFunction audit.price_of(text)) failed"),
        "{msg}"
    );
    assert!(msg.contains("syntax error"), "{msg}");
    assert_eq!(
        fingerprint(&mut client, &v1.schema.namespaces).await,
        before
    );
}

#[test]
fn bad_function_and_trigger_declarations_are_rejected() {
    let err = |v: Value| {
        from_json_str(&v.to_string(), Some(std::path::Path::new("a.json")))
            .unwrap_err()
            .to_string()
    };
    let f = |i: usize, key: &str, value: Value| {
        let mut v = audit_v1();
        if value.is_null() {
            v["functions"][i].as_object_mut().unwrap().remove(key);
        } else {
            v["functions"][i][key] = value;
        }
        v
    };
    let t = |i: usize, key: &str, value: Value| {
        let mut v = audit_v1();
        v["triggers"][i][key] = value;
        v
    };
    let cases = [
        (t(0, "function", json!("nope")), "a.json: plugin `audit`, trigger `items_touch` on `audit.items`: the trigger names missing function `audit.nope()`"),
        (t(0, "function", json!("next_code")), "a.json: plugin `audit`, trigger `items_touch` on `audit.items`: function `audit.next_code()` does not return `trigger`"),
        (t(0, "table", json!("nope")), "a.json: plugin `audit`, trigger `items_touch` on `audit.nope`: the trigger references missing table `audit.nope`"),
        (t(0, "events", json!([])), "a.json: plugin `audit`, trigger `items_touch` on `audit.items`: a trigger needs at least one of `events`"),
        (t(0, "events", json!(["upsert"])), "a.json: plugin `audit`, trigger `items_touch`: unknown value `upsert` for `events[0]`; expected one of `insert`, `delete`, `update`, `truncate`"),
        (t(0, "timing", json!("instead_of")), "a.json: plugin `audit`, trigger `items_touch` on `audit.items`: INSTEAD OF triggers are for views, not tables"),
        (t(0, "update_of", json!(["nope"])), "a.json: plugin `audit`, trigger `items_touch` on `audit.items`: `update_of` refers to missing column `nope`"),
        (t(1, "when", json!("new.id > 0")), "a.json: plugin `audit`, trigger `items_log` on `audit.items`: a statement-level trigger has no `when`"),
        (t(2, "enabled", json!("disabled")), "a.json: plugin `audit`, trigger `priced_ins` on `audit.priced`: triggers on views cannot be disabled (`enabled`)"),
        (f(0, "returns", Value::Null), "a.json: plugin `audit`, function `audit.next_code()`: a function needs `returns` (or `returns_table`, or OUT arguments)"),
        (f(0, "returns", json!("nosuchtype")), "a.json: plugin `audit`, function `audit.next_code()`: unknown type `nosuchtype`"),
        (f(7, "returns", json!("integer")), "a.json: plugin `audit`, procedure `audit.purge(integer)`: a procedure has no `returns`"),
        (f(1, "args", json!([{"name": "a", "type": "integer"}])), "a.json: plugin `audit`, function `audit.touch(integer)`: a trigger function declares no arguments (it reads TG_ARGV)"),
        (f(3, "returns", json!("integer")), "a.json: plugin `audit`, function `audit.price_of(bigint, text)`: OUT arguments make the result `record`, not `integer`"),
        (f(5, "args", json!([{"name": "t", "type": "text", "mode": "variadic"}])), "a.json: plugin `audit`, function `audit.tags(text)`: a VARIADIC argument is the last input and an array"),
        (f(6, "body", json!("x + 1")), "a.json: plugin `audit`, function `audit.add1(integer)`: a SQL-standard body is `RETURN …` or `BEGIN ATOMIC … END`"),
        (f(6, "language", json!("plpgsql")), "a.json: plugin `audit`, function `audit.add1(integer)`: `sql_body` needs `\"language\": \"sql\"`"),
        (f(7, "args", json!([{"name": "a", "type": "integer", "default": "1"}, {"name": "b", "type": "integer"}])), "a.json: plugin `audit`, procedure `audit.purge(integer, integer)`: input argument `b` follows one with a default, so it needs one too"),
        (f(1, "body", json!("  ")), "a.json: plugin `audit`, function `audit.touch()`: body is empty"),
        (f(2, "set", json!({"search_path": "a b"})), "a.json: plugin `audit`, function `audit.log_change()`: `set`: `search_path` is a list of names, not `a b`"),
        (f(2, "volatility", json!("sometimes")), "a.json: plugin `audit`, function `log_change`: unknown value `sometimes` for `volatility`; expected one of `volatile`, `stable`, `immutable`"),
        (f(4, "args", json!([{"name": "p_id", "type": "int8"}, {"name": "n", "type": "text"}])), "a.json: plugin `audit`: duplicate function `audit.price_of(bigint, text)`"),
    ];
    for (v, want) in cases {
        assert_eq!(err(v.clone()), want, "for {v}");
    }
}
