//! The server's normal form of declarations (`graft::normalize`), against a
//! real PostgreSQL: a declaration normalised through the server equals the
//! live schema where it was applied, whatever objects of the same names
//! the database holds, and nothing of the normalisation is left behind.

use graft::declare::from_json_str;
use graft::introspect::introspect;
use graft::model::{QualName, Schema};
use graft::normalize::normalize_in;
use graft::snapshot::{diff_text, Snapshot};
use graft::testing::test_db;
use graft::{Migrator, Plugin};
use tokio_postgres::Client;

const DESIGN: &str = include_str!("../src/declare/testdata/design_example.json");

/// Tables and enums of `s` only (extensions are database-wide).
fn objects(s: &Schema) -> Schema {
    let mut s = s.clone();
    s.extensions.clear();
    for t in &mut s.tables {
        t.renamed_from = None;
        for c in &mut t.columns {
            c.renamed_from = None;
        }
    }
    s
}

#[track_caller]
fn assert_same(got: &Schema, want: &Schema) {
    let d = diff_text(&Snapshot::new(objects(want)), &Snapshot::new(objects(got)));
    assert!(
        d.is_empty(),
        "normal form differs from live (- live, + normalised):\n{d}"
    );
}

async fn live(client: &mut Client, ns: &[&str]) -> Schema {
    let ns: Vec<String> = ns.iter().map(|s| s.to_string()).collect();
    introspect(client, &ns).await.unwrap().schema
}

async fn normalized(client: &mut Client, declared: &Schema) -> Schema {
    let tx = client.transaction().await.unwrap();
    let out = normalize_in(&tx, declared).await.unwrap();
    tx.rollback().await.unwrap();
    out
}

async fn schema_names(client: &Client) -> Vec<String> {
    client
        .query("SELECT nspname::text FROM pg_namespace ORDER BY 1", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn design_example_normalises_to_what_postgres_prints() {
    let db = test_db().await;
    let mut client = db.connect().await;
    client
        .batch_execute(
            "CREATE SCHEMA accounts; CREATE TABLE accounts.accounts (id uuid PRIMARY KEY)",
        )
        .await
        .unwrap();
    let declared = from_json_str(DESIGN, None).unwrap();
    // before the apply: nothing of billing exists yet
    let before = schema_names(&client).await;
    let norm = normalized(&mut client, &declared.schema).await;
    assert_eq!(schema_names(&client).await, before, "nothing left behind");

    let t = &norm.tables[0];
    assert_eq!(t.checks[0].expr, "(total >= (0)::numeric)");
    assert_eq!(
        t.column("status").unwrap().default.as_deref(),
        Some("'draft'::billing.invoice_status")
    );
    assert_eq!(
        t.column("total_x2").unwrap().generated.as_deref(),
        Some("(total * (2)::numeric)")
    );
    assert_eq!(
        t.indexes
            .iter()
            .find_map(|i| i.predicate.clone())
            .as_deref(),
        Some("status <> 'paid'::billing.invoice_status")
    );
    // declared things that are not expressions stay as declared
    assert_eq!(t.renamed_from.as_deref(), Some("bills"));
    assert_eq!(t.foreign_keys, declared.schema.tables[0].foreign_keys);
    assert_eq!(t.comment.as_deref(), Some("one row per invoice"));

    Migrator::default()
        .migrate(&mut client, &Plugin::from(declared.clone()))
        .await
        .unwrap();
    assert_same(&norm, &live(&mut client, &["billing"]).await);
    // and again with the live objects in place (same names, same namespace)
    assert_same(
        &normalized(&mut client, &declared.schema).await,
        &live(&mut client, &["billing"]).await,
    );
}

/// Live objects of the declared names, with other definitions, are neither
/// in the way nor read; qualified names of declared objects find the
/// declared ones, of undeclared ones the live ones.
#[tokio::test]
async fn live_objects_of_the_same_names_do_not_interfere() {
    let db = test_db().await;
    let mut client = db.connect().await;
    client
        .batch_execute(
            r#"CREATE SCHEMA "my ""ns";
               CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA "my ""ns";
               CREATE TYPE "my ""ns".mood AS ENUM ('meh');
               CREATE TABLE "my ""ns".t (other integer);
               SET search_path = "my ""ns", public;"#,
        )
        .await
        .unwrap();
    let file = r#"{
      "plugin": "p", "namespace": "my \"ns",
      "enums": [ { "name": "mood", "values": ["ok", "great"] } ],
      "tables": [ {
        "name": "t",
        "columns": [
          { "name": "m", "type": "mood", "default": "'great'::\"my \"\"ns\".mood" },
          { "name": "n", "type": "mood", "default": "'ok'" },
          { "name": "salt", "type": "bytea", "default": "\"my \"\"ns\".gen_random_bytes(4)" },
          { "name": "pepper", "type": "bytea", "default": "gen_random_bytes(8)" },
          { "name": "k", "type": "integer" }
        ],
        "checks": [ { "expr": "k   > 0 AND m <> 'ok'" } ],
        "indexes": [ { "expressions": ["(k + 1)"], "where": "n = 'great'" } ]
      } ]
    }"#;
    let declared = from_json_str(file, None).unwrap();
    let norm = normalized(&mut client, &declared.schema).await;
    let t = &norm.tables[0];
    assert_eq!(
        t.column("m").unwrap().default.as_deref(),
        Some("'great'::\"my \"\"ns\".mood")
    );
    assert_eq!(
        t.column("salt").unwrap().default.as_deref(),
        Some("\"my \"\"ns\".gen_random_bytes(4)")
    );
    assert_eq!(
        t.column("pepper").unwrap().default.as_deref(),
        Some("\"my \"\"ns\".gen_random_bytes(8)")
    );
    // the session is as it was
    let sp: String = client
        .query_one("SELECT current_setting('search_path')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sp, "\"my \"\"ns\", public");

    // the same declaration applied where nothing is in the way
    let fresh = test_db().await;
    let mut other = fresh.connect().await;
    other
        .batch_execute(
            r#"CREATE SCHEMA "my ""ns";
               CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA "my ""ns";
               SET search_path = "my ""ns", public;"#,
        )
        .await
        .unwrap();
    Migrator::default()
        .migrate(&mut other, &Plugin::from(declared))
        .await
        .unwrap();
    assert_same(&norm, &live(&mut other, &["my \"ns"]).await);
    // the live objects of those names are untouched
    let l = live(&mut client, &["my \"ns"]).await;
    assert_eq!(l.enums[0].values, ["meh"]);
    assert_eq!(
        l.table(&QualName::new("my \"ns", "t")).unwrap().columns[0].name,
        "other"
    );
}

/// A declaration that names something the database lacks: one error
/// naming the real namespace, and the transaction still usable.
#[tokio::test]
async fn a_missing_reference_is_an_error_and_leaves_the_transaction_usable() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let file = r#"{ "plugin": "app", "tables": [ { "name": "t", "columns": [
        { "name": "a", "type": "integer", "default": "nosuchfn()" } ] } ] }"#;
    let declared = from_json_str(file, None).unwrap();
    let tx = client.transaction().await.unwrap();
    tx.batch_execute("CREATE TABLE public.kept (x integer)")
        .await
        .unwrap();
    let err = normalize_in(&tx, &declared.schema).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "while normalising the declared expressions through the server (creating the shadows): \
             function nosuchfn() does not exist (SQLSTATE 42883)"
        ),
        "{msg}"
    );
    assert!(!msg.contains("graft_norm_"), "{msg}");
    // the transaction goes on, with what it did before
    tx.batch_execute("INSERT INTO public.kept VALUES (1)")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let n: i64 = client
        .query_one("SELECT count(*) FROM public.kept", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

/// View queries as written (`select id from invoices`) normalise to what
/// `pg_get_viewdef` prints once applied; materialized views' index
/// expressions too.
#[tokio::test]
async fn view_definitions_normalise_to_what_postgres_prints() {
    let db = test_db().await;
    let mut client = db.connect().await;
    client
        .batch_execute("SET search_path = shop, public")
        .await
        .unwrap();
    let file = r#"{
      "plugin": "shop",
      "tables": [ { "name": "orders", "columns": [
          { "name": "id", "type": "integer" },
          { "name": "total", "type": "numeric" } ], "primary_key": ["id"] } ],
      "views": [
        { "name": "big", "definition": "select id, total from orders where total > 100" },
        { "name": "big_ids", "definition": "select id from shop.big" } ],
      "materialized_views": [
        { "name": "totals", "definition": "select id, total * 2 as doubled from orders",
          "indexes": [ { "expressions": ["doubled + 1"] } ] } ]
    }"#;
    let declared = from_json_str(file, None).unwrap();
    let norm = normalized(&mut client, &declared.schema).await;
    let big = norm.view(&QualName::new("shop", "big")).unwrap();
    assert_eq!(
        big.definition,
        "SELECT orders.id, orders.total FROM shop.orders WHERE orders.total > 100::numeric"
    );
    Migrator::default()
        .migrate(&mut client, &Plugin::from(declared))
        .await
        .unwrap();
    let live = live(&mut client, &["shop"]).await;
    assert_same(&norm, &live);
    assert_eq!(norm.views, live.views);
}

/// Serial columns and standalone sequences: the `nextval('…'::regclass)`
/// defaults name sequences of the shadow, and print back under the real
/// namespace, whether or not the live database has them.
#[tokio::test]
async fn sequences_and_serial_columns_normalise() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let file = r#"{
      "plugin": "billing",
      "tables": [ { "name": "invoices", "columns": [
          { "name": "id", "type": "integer", "serial": true },
          { "name": "no", "type": "bigint", "nullable": false,
            "default": "nextval('billing.invoice_no'::regclass)" },
          { "name": "other", "type": "bigint" } ],
        "primary_key": ["id"] } ],
      "sequences": [
        { "name": "invoice_no", "start": 1000 },
        { "name": "owned", "owned_by": "invoices.other" } ]
    }"#;
    let declared = from_json_str(file, None).unwrap();
    // nothing of it exists yet
    let norm = normalized(&mut client, &declared.schema).await;
    let t = &norm.tables[0];
    assert_eq!(
        t.column("id").unwrap().default.as_deref(),
        Some("nextval('billing.invoices_id_seq'::regclass)")
    );
    assert_eq!(
        t.column("no").unwrap().default.as_deref(),
        Some("nextval('billing.invoice_no'::regclass)")
    );
    Migrator::default()
        .migrate(&mut client, &Plugin::from(declared.clone()))
        .await
        .unwrap();
    let live = live(&mut client, &["billing"]).await;
    assert_same(&norm, &live);
    assert_eq!(norm.sequences, live.sequences);
    // and with the live ones in place
    let again = normalized(&mut client, &declared.schema).await;
    assert_same(&again, &live);
}

/// Domains (default, checks on `VALUE`) and composite types built on them,
/// written raw, normalise to what the catalog prints.
#[tokio::test]
async fn domains_and_composite_types_normalise() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let file = r#"{
      "plugin": "ty",
      "enums": [ { "name": "mood", "values": ["ok", "great"] } ],
      "domains": [
        { "name": "pos", "type": "integer", "default": "1", "checks": [ { "expr": "VALUE > 0" } ] },
        { "name": "feeling", "type": "mood", "default": "'ok'" } ],
      "composite_types": [ { "name": "pair", "attributes": [
        { "name": "a", "type": "pos" }, { "name": "f", "type": "feeling" } ] } ],
      "tables": [ { "name": "t", "columns": [
        { "name": "p", "type": "pair" }, { "name": "n", "type": "pos", "default": "2" } ] } ]
    }"#;
    let declared = from_json_str(file, None).unwrap();
    let norm = normalized(&mut client, &declared.schema).await;
    let pos = &norm.domains[1];
    assert_eq!(pos.name.name, "pos");
    assert_eq!(pos.checks[0].expr, "(VALUE > 0)");
    assert_eq!(norm.domains[0].default.as_deref(), Some("'ok'::ty.mood"));
    Migrator::default()
        .migrate(&mut client, &Plugin::from(declared))
        .await
        .unwrap();
    let live = live(&mut client, &["ty"]).await;
    assert_same(&norm, &live);
    assert_eq!(norm.domains, live.domains);
    assert_eq!(norm.composite_types, live.composite_types);
}

/// Functions (argument defaults, a SQL-standard body naming the plugin's
/// table) and triggers (a WHEN condition), written raw, normalise to what
/// the catalog prints.
#[tokio::test]
async fn functions_and_triggers_normalise() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let file = r#"{
      "plugin": "fx",
      "tables": [ { "name": "items", "columns": [
          { "name": "id", "type": "integer" }, { "name": "price", "type": "numeric" } ] } ],
      "functions": [
        { "name": "total", "returns": "numeric", "language": "sql",
          "args": [ { "name": "floor_", "type": "numeric", "default": "0" } ],
          "body": "SELECT sum(price) FROM fx.items WHERE price > floor_" },
        { "name": "touch", "returns": "trigger", "language": "plpgsql",
          "body": "BEGIN RETURN NEW; END" },
        { "name": "add1", "returns": "integer", "language": "sql", "sql_body": true,
          "args": [ { "name": "x", "type": "int4" } ], "body": "return x+1" },
        { "name": "n_items", "returns": "bigint", "language": "sql", "sql_body": true,
          "body": "BEGIN ATOMIC SELECT count(*) FROM fx.items; END" } ],
      "triggers": [
        { "name": "items_touch", "table": "items", "timing": "before", "events": ["update"],
          "for_each": "row", "function": "touch", "when": "old.price <> new.price" } ]
    }"#;
    let declared = from_json_str(file, None).unwrap();
    let norm = normalized(&mut client, &declared.schema).await;
    Migrator::default()
        .migrate(&mut client, &Plugin::from(declared))
        .await
        .unwrap();
    let live = live(&mut client, &["fx"]).await;
    assert_same(&norm, &live);
    assert_eq!(norm.functions, live.functions);
    assert_eq!(norm.triggers, live.triggers);
    assert_eq!(
        norm.triggers[0].when.as_deref(),
        live.triggers[0].when.as_deref()
    );
}
