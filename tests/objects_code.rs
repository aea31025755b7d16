//! End to end for the object kinds beyond tables (views, materialized
//! views): declared in a schema file or with the builder, migrated on a real
//! PostgreSQL, introspected back equal to the declaration, migrated again as
//! a no-op; changed and dropped the same way, with the rows of the tables
//! they read kept; bad declarations rejected with the database unchanged.

use graft::declare::{from_json_str, Declared, SchemaBuilder};
use graft::introspect::introspect;
use graft::model::CheckOption;
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
