//! SeaQuery / SeaORM interoperation against real PostgreSQL.
//!
//! The judge is always PostgreSQL: what sea-query's own SQL builds in one
//! database is compared with what graft builds from the same statements in
//! another, through `pg_dump --schema-only` (normalised below) or the
//! catalog's `format_type`, never through graft's introspection.

use graft::declare::SchemaBuilder;
use graft::sea::FromSeaQuery;
use graft::testing::{test_db, TestCluster, TestDb};
use graft::{Migrator, Plugin, Registry};
use sea_query::extension::postgres::Type;
use sea_query::{
    Alias, ColumnDef, ColumnType, ConditionalStatement, Expr, ExprTrait, ForeignKey,
    ForeignKeyAction, Func, Index, IndexCreateStatement, IndexOrder, PgInterval,
    PostgresQueryBuilder, StringLen, Table, TableCreateStatement,
};
use std::process::Command;
use tokio_postgres::Client;

#[path = "corpus_support/dump.rs"]
#[allow(dead_code)]
mod dump;

fn a(s: &str) -> Alias {
    Alias::new(s)
}

async fn exec(client: &Client, sql: &str) {
    if let Err(e) = client.batch_execute(sql).await {
        panic!("{sql}: {}", graft::error::pg_error_text(&e));
    }
}

async fn migrate(client: &mut Client, declared: graft::declare::Declared) -> graft::Report {
    let mut reg = Registry::new();
    reg.add(Plugin::from(declared)).unwrap();
    Migrator::default()
        .migrate_all(client, &reg)
        .await
        .expect("graft migrates the declaration")
}

/// `pg_dump --schema-only` of one namespace, normalised by the corpus
/// judge's normaliser (statements sorted, session set-up dropped).
fn dump(db: &TestDb, namespace: &str) -> String {
    let cluster = TestCluster::global().cluster();
    let out = Command::new(cluster.bin_dir().join("pg_dump"))
        .args([
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "-n",
            namespace,
        ])
        .arg("-h")
        .arg(cluster.socket_dir())
        .arg("-p")
        .arg(cluster.port().to_string())
        .args(["-U", "postgres", "-d", &db.name])
        .output()
        .expect("running pg_dump");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("pg_dump prints UTF-8");
    dump::text(&dump::normalise(&text))
}

fn assert_same(expected: &str, actual: &str, what: &str) {
    let d = dump::unified(expected, actual, "sea-query's SQL", "graft");
    assert!(d.is_empty(), "{what} differ:\n{d}");
}

/// A shop, as SeaORM entities would give it: enums both as SeaORM makes
/// them (a `CREATE TYPE` and a custom column type) and as a sea-query
/// `enumeration` column; identity keys; a composite key; foreign keys with
/// actions; unique columns and a unique pair; column and table checks;
/// defaults of every kind; a stored generated column; comments; and
/// indexes with order, expressions, INCLUDE and a predicate.
fn shop() -> (
    Vec<sea_query::extension::postgres::TypeCreateStatement>,
    Vec<TableCreateStatement>,
    Vec<IndexCreateStatement>,
) {
    let tier = Type::create()
        .as_enum(a("customer_tier"))
        .values([a("basic"), a("gold")])
        .to_owned();
    let status = Type::create()
        .as_enum(a("order_status"))
        .values([a("open"), a("paid"), a("it's shipped")])
        .to_owned();
    let customers = Table::create()
        .table(a("customers"))
        .comment("people who buy")
        .col(
            ColumnDef::new(a("id"))
                .big_integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(
            ColumnDef::new(a("email"))
                .string_len(200)
                .not_null()
                .unique_key(),
        )
        .col(
            ColumnDef::new(a("name"))
                .text()
                .not_null()
                .comment("as they write it"),
        )
        .col(
            ColumnDef::new(a("tier"))
                .custom(a("customer_tier"))
                .not_null()
                .default("basic"),
        )
        .col(
            ColumnDef::new(a("created_at"))
                .timestamp_with_time_zone()
                .not_null()
                .default(Expr::current_timestamp()),
        )
        .col(
            ColumnDef::new(a("active"))
                .boolean()
                .not_null()
                .default(true),
        )
        .index(
            Index::create()
                .name("customers_name_email_key")
                .col(a("name"))
                .col(a("email"))
                .unique(),
        )
        .to_owned();
    let products = Table::create()
        .table(a("products"))
        .col(
            ColumnDef::new(a("id"))
                .uuid()
                .not_null()
                .primary_key()
                .default(Expr::cust("gen_random_uuid()")),
        )
        .col(
            ColumnDef::new(a("sku"))
                .char_len(12)
                .not_null()
                .unique_key(),
        )
        .col(
            ColumnDef::new(a("price"))
                .decimal_len(12, 2)
                .not_null()
                .check(Expr::col(a("price")).gte(0)),
        )
        .col(ColumnDef::new(a("tags")).array(ColumnType::Text))
        .col(
            ColumnDef::new(a("data"))
                .json_binary()
                .default(Expr::cust("'{}'::jsonb")),
        )
        .col(ColumnDef::new(a("weight")).double())
        .check((a("weight_positive"), Expr::col(a("weight")).gt(0)))
        .to_owned();
    let orders = Table::create()
        .table(a("orders"))
        .col(
            ColumnDef::new(a("id"))
                .integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(ColumnDef::new(a("customer_id")).big_integer().not_null())
        .col(
            ColumnDef::new(a("status"))
                .enumeration(a("order_status"), [a("open"), a("paid"), a("it's shipped")])
                .not_null()
                .default("open"),
        )
        .col(
            ColumnDef::new(a("total"))
                .decimal_len(14, 2)
                .not_null()
                .default(0),
        )
        .col(ColumnDef::new(a("note")).string().null())
        .col(ColumnDef::new(a("placed_at")).date_time())
        .check(Expr::col(a("total")).lt(1_000_000))
        .foreign_key(
            ForeignKey::create()
                .from(a("orders"), a("customer_id"))
                .to(a("customers"), a("id"))
                .on_delete(ForeignKeyAction::Cascade)
                .on_update(ForeignKeyAction::Restrict),
        )
        .to_owned();
    let items = Table::create()
        .table(a("order_items"))
        .col(ColumnDef::new(a("order_id")).integer().not_null())
        .col(ColumnDef::new(a("product_id")).uuid().not_null())
        .col(
            ColumnDef::new(a("qty"))
                .small_integer()
                .not_null()
                .default(1)
                .check(Expr::col(a("qty")).gt(0)),
        )
        .col(
            ColumnDef::new(a("unit_price"))
                .decimal_len(12, 2)
                .not_null(),
        )
        .col(
            ColumnDef::new(a("line_total"))
                .decimal_len(14, 2)
                .generated(Expr::col(a("qty")).mul(Expr::col(a("unit_price"))), true),
        )
        .primary_key(
            Index::create()
                .name("pk-order_items")
                .col(a("order_id"))
                .col(a("product_id")),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk-order_items-order_id")
                .from(a("order_items"), a("order_id"))
                .to(a("orders"), a("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(a("order_items"), a("product_id"))
                .to(a("products"), a("id"))
                .on_delete(ForeignKeyAction::Restrict),
        )
        .to_owned();
    let indexes = vec![
        Index::create()
            .name("idx-orders-customer-placed")
            .table(a("orders"))
            .col(a("customer_id"))
            .col((a("placed_at"), IndexOrder::Desc))
            .to_owned(),
        Index::create()
            .table(a("customers"))
            .col(Func::lower(Expr::col(a("name"))))
            .to_owned(),
        Index::create()
            .name("orders_open_idx")
            .table(a("orders"))
            .col(a("placed_at"))
            .include(a("total"))
            .and_where(Expr::col(a("status")).eq(Expr::cust("'open'::shop.order_status")))
            .to_owned(),
        Index::create()
            .name("products_tags_idx")
            .table(a("products"))
            .col(a("tags"))
            .index_type(sea_query::IndexType::Custom(a("gin").into()))
            .to_owned(),
    ];
    (
        vec![tier, status],
        vec![customers, products, orders, items],
        indexes,
    )
}

fn declare_shop() -> graft::declare::Declared {
    let (types, tables, indexes) = shop();
    let mut d = FromSeaQuery::new(SchemaBuilder::new("shop").version("1.0.0"));
    for t in &types {
        d = d.enum_type(t);
    }
    for t in &tables {
        d = d.table(t);
    }
    d.indexes(&indexes).build().expect("the shop declares")
}

#[tokio::test]
async fn shop_from_sea_query_matches_what_sea_query_sql_builds() {
    let (types, tables, indexes) = shop();
    // sea-query's own SQL, into a namespace of the same name.
    let reference = test_db().await;
    let client = reference.connect().await;
    exec(&client, "CREATE SCHEMA shop; SET search_path TO shop").await;
    for t in &types {
        exec(&client, &t.to_string(PostgresQueryBuilder)).await;
    }
    for t in &tables {
        exec(&client, &t.to_string(PostgresQueryBuilder)).await;
    }
    for i in &indexes {
        exec(&client, &i.to_string(PostgresQueryBuilder)).await;
    }
    // sea-query's Postgres backend leaves comments out; graft keeps them.
    exec(
        &client,
        "COMMENT ON TABLE customers IS 'people who buy';
         COMMENT ON COLUMN customers.name IS 'as they write it'",
    )
    .await;

    let db = test_db().await;
    let mut graft_client = db.connect().await;
    let report = migrate(&mut graft_client, declare_shop()).await;
    assert!(report.applied_any(), "{report:?}");
    let expected = dump(&reference, "shop");
    for part in [
        "CREATE TABLE shop.order_items",
        "GENERATED ALWAYS AS",
        "GENERATED BY DEFAULT AS IDENTITY",
        "CONSTRAINT weight_positive CHECK",
        "INCLUDE (total) WHERE",
        "ON DELETE CASCADE",
        "COMMENT ON COLUMN shop.customers.name",
        "CREATE TYPE shop.order_status AS ENUM",
    ] {
        assert!(expected.contains(part), "{part} not in\n{expected}");
    }
    assert_same(&expected, &dump(&db, "shop"), "the shop schemas");

    // The same statements again: nothing to do.
    let again = migrate(&mut graft_client, declare_shop()).await;
    assert!(!again.applied_any(), "{again:?}");
}

#[test]
fn unnamed_checks_are_named_as_postgresql_names_them() {
    let d = declare_shop();
    let t = |n: &str| d.schema.tables.iter().find(|t| t.name.name == n).unwrap();
    let names = |n: &str| {
        t(n).checks
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names("products"),
        ["products_price_check", "weight_positive"]
    );
    assert_eq!(names("orders"), ["orders_total_check"]);
    assert_eq!(names("order_items"), ["order_items_qty_check"]);
    assert_eq!(d.schema.enums.len(), 2);
    assert_eq!(d.schema.enums[1].values, ["open", "paid", "it's shipped"]);
}

/// Each sea-query column type graft takes, rendered by sea-query's Postgres
/// backend: graft's parsed type is what the server's `format_type` says.
#[tokio::test]
async fn column_types_are_what_the_server_makes_of_them() {
    let mood = ColumnType::Enum {
        name: a("mood").into(),
        variants: vec![a("ok").into(), a("meh").into()],
    };
    let types: Vec<ColumnType> = vec![
        ColumnType::Char(None),
        ColumnType::Char(Some(3)),
        ColumnType::String(StringLen::None),
        ColumnType::String(StringLen::N(40)),
        ColumnType::String(StringLen::Max),
        ColumnType::Text,
        ColumnType::Blob,
        ColumnType::TinyInteger,
        ColumnType::SmallInteger,
        ColumnType::Integer,
        ColumnType::BigInteger,
        ColumnType::TinyUnsigned,
        ColumnType::SmallUnsigned,
        ColumnType::Unsigned,
        ColumnType::BigUnsigned,
        ColumnType::Float,
        ColumnType::Double,
        ColumnType::Decimal(None),
        ColumnType::Decimal(Some((12, 2))),
        ColumnType::DateTime,
        ColumnType::Timestamp,
        ColumnType::TimestampWithTimeZone,
        ColumnType::Time,
        ColumnType::Date,
        ColumnType::Interval(None, None),
        ColumnType::Interval(None, Some(3)),
        ColumnType::Binary(16),
        ColumnType::VarBinary(StringLen::N(10)),
        ColumnType::Bit(None),
        ColumnType::Bit(Some(4)),
        ColumnType::VarBit(8),
        ColumnType::Boolean,
        ColumnType::Money(None),
        ColumnType::Json,
        ColumnType::JsonBinary,
        ColumnType::Uuid,
        ColumnType::Cidr,
        ColumnType::Inet,
        ColumnType::MacAddr,
        ColumnType::custom("tsvector"),
        ColumnType::custom("int4range"),
        ColumnType::Array(sea_query::RcOrArc::new(ColumnType::Integer)),
        ColumnType::Array(sea_query::RcOrArc::new(ColumnType::String(StringLen::N(
            10,
        )))),
        mood.clone(),
        ColumnType::Array(sea_query::RcOrArc::new(mood)),
    ];
    let mut table = Table::create();
    table.table(a("types"));
    for (i, ty) in types.iter().enumerate() {
        table.col(ColumnDef::new_with_type(a(&format!("c{i}")), ty.clone()));
    }
    let db = test_db().await;
    let client = db.connect().await;
    exec(
        &client,
        "CREATE SCHEMA app; SET search_path TO app; CREATE TYPE mood AS ENUM ('ok', 'meh')",
    )
    .await;
    exec(&client, &table.to_string(PostgresQueryBuilder)).await;
    exec(&client, "SET search_path TO pg_catalog").await;
    let server: Vec<String> = client
        .query(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
              WHERE attrelid = 'app.types'::regclass AND attnum > 0 ORDER BY attnum",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let declared = FromSeaQuery::new(SchemaBuilder::new("app"))
        .table(&table)
        .build()
        .expect("every type here is one graft takes");
    let graft: Vec<String> = declared.schema.tables[0]
        .columns
        .iter()
        .map(|c| c.ty.canonical().replace('"', ""))
        .collect();
    let rows = |v: &[String]| {
        types
            .iter()
            .zip(v)
            .map(|(t, s)| format!("{t:?} => {s}\n"))
            .collect::<String>()
    };
    assert_same(&rows(&server), &rows(&graft), "column types");
}

/// The column types graft refuses, each with whether PostgreSQL itself
/// takes sea-query's rendering of it: graft refuses nothing PostgreSQL
/// takes except the listed gaps.
#[tokio::test]
async fn column_types_graft_refuses() {
    let cases: Vec<(ColumnType, bool, &str)> = vec![
        // (type, does PostgreSQL take sea-query's rendering?, graft's error)
        (ColumnType::Year, false, "PostgreSQL has no year type"),
        (
            ColumnType::Interval(Some(PgInterval::YearToMonth), None),
            true,
            "unknown type `interval YEAR TO MONTH`",
        ),
        (
            ColumnType::Interval(Some(PgInterval::DayToSecond), Some(3)),
            true,
            "unknown type `interval DAY TO SECOND(3)`",
        ),
        (
            ColumnType::Money(Some((10, 2))),
            false,
            "invalid modifiers for type `money(10, 2)`: this type takes no modifiers",
        ),
        (
            ColumnType::Vector(Some(3)),
            false,
            "unknown type `vector(3)`",
        ),
        (ColumnType::LTree, false, "unknown type `ltree`"),
        (
            ColumnType::custom("no_such_type"),
            false,
            "unknown type `no_such_type`",
        ),
    ];
    let db = test_db().await;
    let client = db.connect().await;
    for (i, (ty, pg_takes, message)) in cases.into_iter().enumerate() {
        let table = Table::create()
            .table(a(&format!("t{i}")))
            .col(ColumnDef::new_with_type(a("c"), ty.clone()))
            .to_owned();
        let err = FromSeaQuery::new(SchemaBuilder::new("app"))
            .table(&table)
            .build()
            .expect_err("graft refuses it");
        assert_eq!(
            err.to_string(),
            format!(
                "plugin `app`, table `t{i}`, column `c`: {}{message}",
                if matches!(ty, ColumnType::Year) {
                    "type `ColumnType::Year`: "
                } else {
                    ""
                }
            )
        );
        if !matches!(ty, ColumnType::Year) {
            let took = client
                .batch_execute(&table.to_string(PostgresQueryBuilder))
                .await
                .is_ok();
            assert_eq!(took, pg_takes, "{ty:?}");
        }
    }
}

/// What graft cannot represent is an error naming table, column and what.
#[test]
fn what_graft_cannot_represent_is_refused_by_name() {
    let col = |c: &mut ColumnDef| {
        Table::create()
            .table(a("t"))
            .col(ColumnDef::new(a("id")).integer())
            .col(c.clone())
            .to_owned()
    };
    let refused = |t: TableCreateStatement, i: Option<IndexCreateStatement>| {
        let mut d = FromSeaQuery::new(SchemaBuilder::new("app")).table(&t);
        if let Some(i) = &i {
            d = d.index(i);
        }
        d.build().expect_err("refused").to_string()
    };
    let cases: Vec<(TableCreateStatement, Option<IndexCreateStatement>, &str)> = vec![
        (
            col(ColumnDef::new(a("c")).text().extra("COLLATE \"C\"")),
            None,
            "table `t`, column `c`: `extra(\"COLLATE \\\"C\\\"\")`: graft cannot represent raw SQL",
        ),
        (
            col(ColumnDef::new(a("c")).integer().generated(Expr::col(a("id")), false)),
            None,
            "table `t`, column `c`: a virtual generated column: PostgreSQL before 18",
        ),
        (
            col(ColumnDef::new(a("c")).text().auto_increment()),
            None,
            "table `t`, column `c`: `auto_increment`: takes a small_integer, integer or big_integer column",
        ),
        (
            col(ColumnDef::new(a("c")).integer().primary_key()).col(ColumnDef::new(a("d")).integer().primary_key()).to_owned(),
            None,
            "table `t`, column `d`: `primary_key`: is on more than one column",
        ),
        (
            Table::create()
                .table(a("t"))
                .col(ColumnDef::new(a("id")).integer())
                .extra("USING columnar")
                .to_owned(),
            None,
            "table `t`: `extra(\"USING columnar\")`: graft cannot represent raw SQL added to a table statement",
        ),
        (
            Table::create()
                .table(a("t"))
                .temporary()
                .col(ColumnDef::new(a("id")).integer())
                .to_owned(),
            None,
            "table `t`: `CREATE TEMPORARY TABLE \"t\" ( \"id\" integer )`: has parts graft cannot represent",
        ),
        (
            Table::create()
                .table(a("t"))
                .col(ColumnDef::new(a("id")).integer())
                .partition_by_range([a("id")])
                .to_owned(),
            None,
            "has parts graft cannot represent (TEMPORARY, partitioning or table options)",
        ),
        (
            Table::create()
                .table(a("t"))
                .col(ColumnDef::new(a("id")).integer())
                .index(Index::create().name("t_id").col(a("id")))
                .to_owned(),
            None,
            "table `t`: key `t_id`: a plain index inside `Table::create` is not PostgreSQL",
        ),
        (
            Table::create()
                .table(a("t"))
                .col(ColumnDef::new(a("id")).integer())
                .index(Index::create().col((a("id"), IndexOrder::Desc)).unique())
                .to_owned(),
            None,
            "table `t`: a key: a unique constraint is a plain list of columns",
        ),
        (
            Table::create()
                .table((a("other"), a("t")))
                .col(ColumnDef::new(a("id")).integer())
                .to_owned(),
            None,
            "table `t`: the table: is in schema `other`, but the plugin's namespace is `app`",
        ),
        (
            col(&mut ColumnDef::new(a("c")).text().to_owned()),
            Some(Index::create().name("i").table(a("t")).col(a("c")).nulls_not_distinct().unique().to_owned()),
            "table `t`: index `i`: graft does not declare NULLS NOT DISTINCT",
        ),
        (
            col(&mut ColumnDef::new(a("c")).text().to_owned()),
            Some(
                Index::create()
                    .name("i")
                    .table(a("t"))
                    .col(sea_query::IndexColumn::from(a("c")).with_operator_class(a("text_pattern_ops")))
                    .to_owned(),
            ),
            "graft does not declare operator classes of index keys",
        ),
        (
            col(&mut ColumnDef::new(a("c")).text().to_owned()),
            Some(Index::create().name("i").table(a("elsewhere")).col(a("c")).to_owned()),
            "table `elsewhere`: index `i`: is on a table the declaration does not have",
        ),
    ];
    for (t, i, expected) in cases {
        let msg = refused(t, i);
        assert!(
            msg.contains(expected),
            "{msg}\n  does not contain\n{expected}"
        );
        assert!(msg.starts_with("plugin `app`"), "{msg}");
    }
    // Two enum declarations of one name must agree.
    let t = Table::create()
        .table(a("t"))
        .col(ColumnDef::new(a("c")).enumeration(a("e"), [a("x")]))
        .to_owned();
    let e = Type::create().as_enum(a("e")).values([a("y")]).to_owned();
    let msg = FromSeaQuery::new(SchemaBuilder::new("app"))
        .enum_type(&e)
        .table(&t)
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "plugin `app`, table `t`, column `c`: enum `e`: declared with labels [\"y\"] and also [\"x\"]"
    );
}

/// A lending library as graft declares it, with what sea-schema's `def`
/// cannot hold. Its `core` twin is the same schema less exactly those
/// parts (and less what sea-schema's writer drops although the `def`
/// holds it: checks and generation expressions).
const LIBRARY: &str = r#"{
  "plugin": "lib", "version": "1.0.0",
  "enums": [ { "name": "genre", "values": ["fiction", "science", "it's poetry"] } ],
  "tables": [
    { "name": "authors", "comment": "who wrote it",
      "columns": [
        { "name": "id", "type": "bigint", "identity": "by_default" },
        { "name": "name", "type": "text", "nullable": false },
        { "name": "email", "type": "varchar(120)" },
        { "name": "born", "type": "date" },
        { "name": "bio", "type": "text", "comment": "a paragraph" },
        { "name": "created_at", "type": "timestamptz", "nullable": false, "default": "CURRENT_TIMESTAMP" }
      ],
      "primary_key": ["id"], "unique": [ { "columns": ["email"] } ] },
    { "name": "books",
      "columns": [
        { "name": "id", "type": "integer", "identity": "always" },
        { "name": "author_id", "type": "bigint", "nullable": false },
        { "name": "isbn", "type": "char(13)", "nullable": false },
        { "name": "title", "type": "varchar(300)", "nullable": false, "collation": "C" },
        { "name": "genre", "type": "genre", "nullable": false, "default": "'fiction'::lib.genre" },
        { "name": "price", "type": "numeric(8,2)", "nullable": false, "default": "0" },
        { "name": "price_x2", "type": "numeric", "generated": "price * 2" },
        { "name": "tags", "type": "text[]" },
        { "name": "in_print", "type": "boolean", "nullable": false, "default": "true" },
        { "name": "metadata", "type": "jsonb" }
      ],
      "primary_key": ["id"],
      "unique": [ { "columns": ["isbn"] } ],
      "foreign_keys": [ { "columns": ["author_id"], "references": { "table": "authors", "columns": ["id"] },
                          "on_delete": "cascade" } ],
      "checks": [ { "name": "price_nonneg", "expr": "price >= 0" } ],
      "indexes": [ { "columns": ["author_id", "title"], "unique": true }, { "columns": ["title"] } ] },
    { "name": "loans",
      "columns": [
        { "name": "book_id", "type": "integer", "nullable": false },
        { "name": "member_id", "type": "uuid", "nullable": false },
        { "name": "due", "type": "date", "nullable": false },
        { "name": "returned_at", "type": "timestamp" }
      ],
      "primary_key": ["book_id", "member_id", "due"],
      "foreign_keys": [
        { "columns": ["book_id"], "references": { "table": "books", "columns": ["id"] },
          "on_delete": "restrict", "on_update": "cascade", "deferrable": "deferred" },
        { "columns": ["member_id"], "references": { "table": "members.members", "columns": ["id"] } } ],
      "indexes": [ { "name": "loans_open_key", "columns": ["book_id"], "unique": true, "where": "returned_at IS NULL" } ] }
  ],
  "views": [ { "name": "in_print", "definition": "SELECT id, title FROM lib.books WHERE in_print" } ]
}"#;

const LIBRARY_CORE: &str = r#"{
  "plugin": "lib", "version": "1.0.0",
  "enums": [ { "name": "genre", "values": ["fiction", "science", "it's poetry"] } ],
  "tables": [
    { "name": "authors",
      "columns": [
        { "name": "id", "type": "bigint", "identity": "by_default" },
        { "name": "name", "type": "text", "nullable": false },
        { "name": "email", "type": "varchar(120)" },
        { "name": "born", "type": "date" },
        { "name": "bio", "type": "text" },
        { "name": "created_at", "type": "timestamptz", "nullable": false, "default": "CURRENT_TIMESTAMP" }
      ],
      "primary_key": ["id"], "unique": [ { "columns": ["email"] } ] },
    { "name": "books",
      "columns": [
        { "name": "id", "type": "integer", "identity": "by_default" },
        { "name": "author_id", "type": "bigint", "nullable": false },
        { "name": "isbn", "type": "char(13)", "nullable": false },
        { "name": "title", "type": "varchar(300)", "nullable": false },
        { "name": "genre", "type": "genre", "nullable": false, "default": "'fiction'::lib.genre" },
        { "name": "price", "type": "numeric(8,2)", "nullable": false, "default": "0" },
        { "name": "price_x2", "type": "numeric" },
        { "name": "tags", "type": "text[]" },
        { "name": "in_print", "type": "boolean", "nullable": false, "default": "true" },
        { "name": "metadata", "type": "jsonb" }
      ],
      "primary_key": ["id"],
      "unique": [ { "columns": ["isbn"] }, { "name": "books_author_id_title_idx", "columns": ["author_id", "title"] } ],
      "foreign_keys": [ { "columns": ["author_id"], "references": { "table": "authors", "columns": ["id"] },
                          "on_delete": "cascade" } ] },
    { "name": "loans",
      "columns": [
        { "name": "book_id", "type": "integer", "nullable": false },
        { "name": "member_id", "type": "uuid", "nullable": false },
        { "name": "due", "type": "date", "nullable": false },
        { "name": "returned_at", "type": "timestamp" }
      ],
      "primary_key": ["book_id", "member_id", "due"],
      "unique": [ { "name": "loans_open_key", "columns": ["book_id"] } ],
      "foreign_keys": [
        { "columns": ["book_id"], "references": { "table": "books", "columns": ["id"] },
          "on_delete": "restrict", "on_update": "cascade" } ] }
  ]
}"#;

#[test]
fn to_sea_schema_reports_exactly_what_it_leaves_out() {
    let full = graft::declare::from_json_str(LIBRARY, None).unwrap();
    let sea = graft::sea::to_sea_schema(&full.schema, "lib");
    let omitted: Vec<String> = sea.omitted.iter().map(|o| o.to_string()).collect();
    assert_eq!(
        omitted,
        [
            "table `lib.authors`: its comment (sea-schema's def has no comments)",
            "column `lib.authors.bio`: its comment (sea-schema's def has no comments)",
            "column `lib.books.id`: identity ALWAYS (sea-schema's def says only that it is an identity column)",
            "column `lib.books.title`: its collation `pg_catalog.C` (sea-schema's def has no collations)",
            "index `lib.books_title_idx`: sea-schema's def has no indexes other than unique ones on plain columns",
            "index `lib.loans_open_key`: its predicate (sea-schema's def only marks a unique index partial)",
            "foreign key `loans_book_id_fkey` of table `lib.loans`: that it is deferrable (sea-schema's def has no deferrability)",
            "foreign key `loans_member_id_fkey` of table `lib.loans`: it references `members.members` in another namespace, and sea-schema's def names the referenced table without its schema",
            "view `lib.in_print`: sea-schema's def has only tables and enums",
        ]
    );
    // What the def holds although sea-schema's writer drops it.
    let books = &sea.schema.tables[1];
    assert_eq!(books.check_constraints[0].name, "price_nonneg");
    assert_eq!(
        books.columns[6].generated.as_ref().map(|g| g.0.as_str()),
        Some("price * 2")
    );
    assert!(sea.schema.tables[2].unique_constraints[0].is_partial);
}

/// sea-schema's writer (what SeaORM's entity generator reads) rebuilds,
/// through sea-query's SQL, the schema graft migrates, less what
/// [`to_sea_schema`] reported.
#[tokio::test]
async fn to_sea_schema_writes_what_graft_migrates() {
    let full = graft::declare::from_json_str(LIBRARY, None).unwrap();
    let sea = graft::sea::to_sea_schema(&full.schema, "lib");
    let written = test_db().await;
    let client = written.connect().await;
    exec(&client, "CREATE SCHEMA lib; SET search_path TO lib").await;
    for e in &sea.schema.enums {
        exec(&client, &e.write().to_string(PostgresQueryBuilder)).await;
    }
    for t in sea.schema.write() {
        exec(&client, &t.to_string(PostgresQueryBuilder)).await;
    }

    let db = test_db().await;
    let mut graft_client = db.connect().await;
    let core = graft::declare::from_json_str(LIBRARY_CORE, None).unwrap();
    migrate(&mut graft_client, core).await;
    let expected = dump(&db, "lib");
    assert!(
        expected.contains("CONSTRAINT loans_open_key UNIQUE (book_id)"),
        "{expected}"
    );
    assert_same(&expected, &dump(&written, "lib"), "the library schemas");
}
