//! End to end against real PostgreSQL for the type-like object kinds:
//! extensions with versions, column collations, domains, composite types,
//! and enums recreated when values are removed or reordered. Each kind is
//! created, altered and dropped through the JSON file and the builder; the
//! live database reads back as declared; migrating again is a no-op; bad
//! declarations get precise errors and leave the database unchanged.

mod kinds_support;

use graft::declare::SchemaBuilder;
use graft::testing::test_db;
use kinds_support::*;

#[tokio::test]
async fn extensions_with_versions_create_update_and_drop() {
    let db = test_db().await;
    let mut client = db.connect().await;

    let v1 = decl(
        r#"{"plugin": "ext", "extensions": ["pgcrypto", {"name": "hstore", "version": "1.7"}],
            "tables": [{"name": "t", "columns": [{"name": "h", "type": "public.hstore"}]}]}"#,
    );
    // The builder says the same.
    let built = SchemaBuilder::new("ext")
        .extension("pgcrypto")
        .extension_with("hstore", |e| e.version("1.7"))
        .table("t", |t| t.column("h", "public.hstore", |c| c))
        .build()
        .unwrap();
    assert_eq!(built, v1);
    let sql = plan_sql(&mut client, &v1).await;
    assert!(
        sql.contains(&r#"CREATE EXTENSION IF NOT EXISTS "hstore" VERSION '1.7'"#.to_string()),
        "{sql:#?}"
    );
    migrate(&mut client, &v1).await;
    assert_synced(&mut client, &v1).await;
    assert_eq!(
        hstore(&client).await,
        Some(("1.7".to_string(), "public".to_string()))
    );
    // Introspection reads the version and the namespace.
    let live = graft::introspect::introspect(&mut client, &["ext".to_string()])
        .await
        .unwrap()
        .schema;
    let h = live.extensions.iter().find(|e| e.name == "hstore").unwrap();
    assert_eq!(
        (h.version.as_deref(), h.schema.as_deref()),
        (Some("1.7"), Some("public"))
    );

    // A version change is ALTER EXTENSION … UPDATE TO; moving it is SET SCHEMA.
    let v2 = decl(
        r#"{"plugin": "ext", "extensions": ["pgcrypto", {"name": "hstore", "version": "1.8", "schema": "ext"}],
            "tables": [{"name": "t", "columns": [{"name": "h", "type": "ext.hstore"}]}]}"#,
    );
    let sql = plan_sql(&mut client, &v2).await;
    assert!(
        sql.starts_with(&[
            r#"ALTER EXTENSION "hstore" UPDATE TO '1.8'"#.to_string(),
            r#"ALTER EXTENSION "hstore" SET SCHEMA "ext""#.to_string()
        ]),
        "{sql:#?}"
    );
    let r = migrate(&mut client, &v2).await;
    assert!(r.applied_any());
    assert_eq!(
        hstore(&client).await,
        Some(("1.8".to_string(), "ext".to_string()))
    );

    // Dropping the version from the declaration changes nothing.
    let v3 = decl(
        r#"{"plugin": "ext", "extensions": ["pgcrypto", {"name": "hstore", "schema": "ext"}],
            "tables": [{"name": "t", "columns": [{"name": "h", "type": "ext.hstore"}]}]}"#,
    );
    assert_eq!(plan_sql(&mut client, &v3).await, Vec::<String>::new());
    migrate(&mut client, &v3).await;
    assert_synced(&mut client, &v3).await;

    // Dropping the extension (and the column using it).
    let v4 = decl(
        r#"{"plugin": "ext", "extensions": ["pgcrypto"], "tables": [{"name": "t", "columns": []}]}"#,
    );
    migrate(&mut client, &v4).await;
    assert_eq!(hstore(&client).await, None);
    assert_synced(&mut client, &v4).await;
}

#[tokio::test]
async fn bad_extension_declarations_change_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    assert_eq!(
        decl_err(r#"{"plugin": "p", "extensions": [{"name": "hstore", "version": " "}]}"#),
        "plugin `p`: version of extension `hstore`: is empty"
    );
    assert_eq!(
        decl_err(r#"{"plugin": "p", "extensions": [{"name": "hstore", "versoin": "1.8"}]}"#),
        "plugin `p`: unknown key `versoin` in `extensions[0]`; expected one of `name`, `version`, `schema`"
    );
    assert_eq!(
        decl_err(r#"{"plugin": "p", "extensions": ["hstore", {"name": "hstore"}]}"#),
        "plugin `p`: duplicate extension `hstore`"
    );
    assert_eq!(
        decl_err(r#"{"plugin": "p", "extensions": [{"name": "hstore", "schema": ""}]}"#),
        "plugin `p`: invalid schema of extension `hstore`: identifier is empty"
    );
    // A version PostgreSQL does not have: the apply fails and rolls back.
    let before = fingerprint(&client).await;
    let bad = decl(
        r#"{"plugin": "p", "extensions": [{"name": "hstore", "version": "9.9"}],
            "tables": [{"name": "t", "columns": [{"name": "a", "type": "int"}]}]}"#,
    );
    let err = migrate_with(&destructive(), &mut client, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("CreateExtension hstore")
            && err.contains("9.9")
            && err.contains("rolled back"),
        "{err}"
    );
    assert_eq!(fingerprint(&client).await, before);
}

/// hstore's version and namespace, when installed.
async fn hstore(client: &tokio_postgres::Client) -> Option<(String, String)> {
    client
        .query_opt(
            "SELECT extversion, extnamespace::regnamespace::text FROM pg_extension \
             WHERE extname = 'hstore'",
            &[],
        )
        .await
        .unwrap()
        .map(|r| (r.get(0), r.get(1)))
}

/// Whether the server has ICU collations.
async fn has_icu(client: &tokio_postgres::Client) -> bool {
    client
        .query_one(
            "SELECT count(*) > 0 FROM pg_collation WHERE collname = 'und-x-icu'",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn column_collations_create_alter_and_compare() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let icu = if has_icu(&client).await {
        "und-x-icu"
    } else {
        "POSIX"
    };
    let v1_json = format!(
        r#"{{"plugin": "coll", "tables": [{{"name": "t", "columns": [
            {{"name": "a", "type": "text", "collation": "C", "nullable": false}},
            {{"name": "we\"ird; col", "type": "varchar(10)", "collation": "{icu}"}},
            {{"name": "c", "type": "text[]", "collation": "POSIX"}},
            {{"name": "d", "type": "text", "collation": "default"}},
            {{"name": "e", "type": "varchar(10)"}}],
            "indexes": [{{"columns": ["a"]}}]}}],
          "views": [{{"name": "v", "definition": "SELECT t.a FROM coll.t"}}]}}"#
    );
    let v1 = decl(&v1_json);
    let built = SchemaBuilder::new("coll")
        .table("t", |t| {
            t.column("a", "text", |c| c.collation("C").not_null())
                .column("we\"ird; col", "varchar(10)", |c| c.collation(icu))
                .column("c", "text[]", |c| c.collation("POSIX"))
                .column("d", "text", |c| c.collation("default"))
                .column("e", "varchar(10)", |c| c)
                .index(|i| i.column("a"))
        })
        .view("v", "SELECT t.a FROM coll.t", |v| v)
        .build()
        .unwrap();
    assert_eq!(built, v1);
    let t = &v1.schema.tables[0];
    assert_eq!(
        t.columns[0].collation,
        Some(graft::model::QualName::new("pg_catalog", "C"))
    );
    assert_eq!(t.columns[3].collation, None, "default is no collation");
    let sql = plan_sql(&mut client, &v1).await;
    assert!(
        sql[1].contains(r#""a" text COLLATE "pg_catalog"."C" NOT NULL"#),
        "{sql:#?}"
    );
    migrate(&mut client, &v1).await;
    assert_synced(&mut client, &v1).await;
    assert_eq!(collation_of(&client, "a").await, "C");
    assert_eq!(collation_of(&client, "we\"ird; col").await, icu);

    // A new collation is ALTER COLUMN … TYPE … COLLATE (no USING, the
    // index is rebuilt); back to the default is TYPE alone; a type and a
    // collation change together are one clause. The view reading `a` is
    // recreated around it.
    let v2_json = v1_json
        .replace(
            r#""collation": "C", "nullable": false"#,
            r#""collation": "POSIX", "nullable": false"#,
        )
        .replace(
            &format!(r#""collation": "{icu}""#),
            r#""collation": "default""#,
        )
        .replace(
            r#"{"name": "d", "type": "text", "collation": "default"}"#,
            r#"{"name": "d", "type": "text", "collation": "C"}"#,
        )
        .replace(
            r#"{"name": "e", "type": "varchar(10)"}"#,
            r#"{"name": "e", "type": "text", "collation": "C"}"#,
        );
    let v2 = decl(&v2_json);
    let sql = plan_sql(&mut client, &v2).await;
    let alters: Vec<&String> = sql.iter().filter(|s| s.contains("ALTER COLUMN")).collect();
    assert_eq!(
        alters,
        [
            r#"ALTER TABLE "coll"."t" ALTER COLUMN "a" TYPE text COLLATE "pg_catalog"."POSIX""#,
            r#"ALTER TABLE "coll"."t" ALTER COLUMN "we""ird; col" TYPE character varying(10)"#,
            r#"ALTER TABLE "coll"."t" ALTER COLUMN "d" TYPE text COLLATE "pg_catalog"."C""#,
            r#"ALTER TABLE "coll"."t" ALTER COLUMN "e" TYPE text COLLATE "pg_catalog"."C""#,
        ],
        "{sql:#?}"
    );
    assert!(sql.iter().any(|s| s.starts_with("DROP VIEW")), "{sql:#?}");
    migrate(&mut client, &v2).await;
    assert_synced(&mut client, &v2).await;
    assert_eq!(collation_of(&client, "a").await, "POSIX");
    assert_eq!(collation_of(&client, "we\"ird; col").await, "default");
    assert_eq!(collation_of(&client, "e").await, "C");
}

#[tokio::test]
async fn bad_collations_change_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    assert_eq!(
        decl_err(
            r#"{"plugin": "p", "tables": [{"name": "t", "columns": [{"name": "n", "type": "int", "collation": "C"}]}]}"#
        ),
        "plugin `p`, table `t`, column `n`: collation `C`: type `integer` does not take a collation"
    );
    assert_eq!(
        decl_err(
            r#"{"plugin": "p", "enums": [{"name": "e", "values": []}], "tables": [{"name": "t", "columns": [{"name": "n", "type": "e", "collation": "C"}]}]}"#
        ),
        "plugin `p`, table `t`, column `n`: collation `C`: type `\"p\".\"e\"` does not take a collation"
    );
    assert_eq!(
        decl_err(
            r#"{"plugin": "p", "tables": [{"name": "t", "columns": [{"name": "n", "type": "text", "collation": ""}]}]}"#
        ),
        "plugin `p`, table `t`, column `n`: collation: is empty"
    );
    // A collation the server does not have: rolled back.
    let before = fingerprint(&client).await;
    let bad = decl(
        r#"{"plugin": "p", "tables": [{"name": "t", "columns": [{"name": "n", "type": "text", "collation": "no-such-coll"}]}]}"#,
    );
    let err = migrate_with(&destructive(), &mut client, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("collation \"pg_catalog.no-such-coll\" for encoding")
            && err.contains("rolled back"),
        "{err}"
    );
    assert_eq!(fingerprint(&client).await, before);
}

/// The collation of column `col` of `coll.t` (`default` for the type's).
async fn collation_of(client: &tokio_postgres::Client, col: &str) -> String {
    client
        .query_one(
            "SELECT coalesce(c.collname::text, '') FROM pg_attribute a \
             LEFT JOIN pg_collation c ON c.oid = a.attcollation \
             WHERE a.attrelid = 'coll.t'::regclass AND a.attname = $1",
            &[&col],
        )
        .await
        .unwrap()
        .get(0)
}

const TYPES_V1: &str = r#"{"plugin": "ty",
  "enums": [{"name": "mood", "values": ["ok", "meh"]}],
  "domains": [
    {"name": "pos", "type": "integer", "nullable": false, "default": "1",
     "checks": [{"name": "pos_positive", "expr": "(VALUE > 0)"}]},
    {"name": "label", "type": "text", "collation": "C", "checks": [{"expr": "(VALUE <> ''::text)"}]},
    {"name": "pair_d", "type": "pair"},
    {"name": "code", "type": "integer", "checks": [{"expr": "(VALUE > 0)"}]},
    {"name": "we\"ird; d", "type": "varchar(5)"}],
  "composite_types": [
    {"name": "pair", "attributes": [{"name": "a", "type": "code"}, {"name": "m", "type": "mood[]"},
                                    {"name": "l", "type": "text", "collation": "POSIX"}]},
    {"name": "solo", "attributes": [{"name": "x", "type": "integer"}, {"name": "y", "type": "text"}]}],
  "tables": [{"name": "t", "columns": [
    {"name": "id", "type": "pos"}, {"name": "l", "type": "label[]"}, {"name": "p", "type": "pair"},
    {"name": "pd", "type": "pair_d"}, {"name": "w", "type": "\"we\"\"ird; d\""}]}]}"#;

const TYPES_V2: &str = r#"{"plugin": "ty",
  "enums": [{"name": "mood", "values": ["ok", "meh"]}],
  "domains": [
    {"name": "pos", "type": "integer", "default": "2",
     "checks": [{"name": "pos_positive", "expr": "(VALUE >= 0)"}, {"name": "pos_small", "expr": "(VALUE < 1000)"}]},
    {"name": "label", "type": "varchar(20)", "collation": "C", "checks": [{"expr": "((VALUE)::text <> ''::text)"}]},
    {"name": "we\"ird; d", "type": "varchar(5)", "nullable": false},
    {"name": "code", "type": "integer", "checks": [{"expr": "(VALUE > 0)"}]},
    {"name": "a_feeling", "type": "mood", "default": "'ok'::ty.mood"}],
  "composite_types": [
    {"name": "pair", "attributes": [{"name": "a", "type": "code"}, {"name": "m", "type": "mood[]"},
                                    {"name": "z", "type": "a_feeling"}]},
    {"name": "solo", "attributes": [{"name": "x", "type": "bigint"}, {"name": "y", "type": "text", "collation": "C"}]}],
  "tables": [{"name": "t", "columns": [
    {"name": "id", "type": "pos"}, {"name": "l", "type": "label[]"}, {"name": "p", "type": "pair"},
    {"name": "w", "type": "\"we\"\"ird; d\""}]}]}"#;

#[tokio::test]
async fn domains_and_composite_types_create_alter_and_drop() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = decl(TYPES_V1);
    let built = SchemaBuilder::new("ty")
        .enum_type("mood", ["ok", "meh"])
        .domain("pos", "integer", |d| {
            d.not_null()
                .default("1")
                .check_named("pos_positive", "(VALUE > 0)")
        })
        .domain("label", "text", |d| {
            d.collation("C").check("(VALUE <> ''::text)")
        })
        .domain("pair_d", "pair", |d| d)
        .domain("code", "integer", |d| d.check("(VALUE > 0)"))
        .domain("we\"ird; d", "varchar(5)", |d| d)
        .composite_type("pair", |c| {
            c.attribute("a", "code", |a| a)
                .attribute("m", "mood[]", |a| a)
                .attribute("l", "text", |a| a.collation("POSIX"))
        })
        .composite_type("solo", |c| {
            c.attribute("x", "integer", |a| a)
                .attribute("y", "text", |a| a)
        })
        .table("t", |t| {
            t.column("id", "pos", |c| c)
                .column("l", "label[]", |c| c)
                .column("p", "pair", |c| c)
                .column("pd", "pair_d", |c| c)
                .column("w", "\"we\"\"ird; d\"", |c| c)
        })
        .build()
        .unwrap();
    assert_eq!(built, v1);
    assert_eq!(v1.schema.domains[1].checks[0].name, "label_check");

    // Created in dependency order: the enum and `pos` before `pair`, `pair`
    // before the domain over it, all before the table.
    let sql = plan_sql(&mut client, &v1).await;
    let pos = |needle: &str| {
        sql.iter()
            .position(|s| s.starts_with(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {sql:#?}"))
    };
    assert!(pos(r#"CREATE TYPE "ty"."mood""#) < pos(r#"CREATE TYPE "ty"."pair""#));
    assert!(pos(r#"CREATE DOMAIN "ty"."code""#) < pos(r#"CREATE TYPE "ty"."pair""#));
    assert!(pos(r#"CREATE TYPE "ty"."pair""#) < pos(r#"CREATE DOMAIN "ty"."pair_d""#));
    assert!(pos(r#"CREATE DOMAIN "ty"."pair_d""#) < pos(r#"CREATE TABLE "ty"."t""#));
    assert_eq!(
        sql[pos(r#"CREATE DOMAIN "ty"."pos""#)],
        r#"CREATE DOMAIN "ty"."pos" AS integer DEFAULT 1 NOT NULL CONSTRAINT "pos_positive" CHECK ((VALUE > 0))"#
    );
    assert_eq!(
        sql[pos(r#"CREATE TYPE "ty"."pair""#)],
        r#"CREATE TYPE "ty"."pair" AS ("a" "ty"."code", "m" "ty"."mood"[], "l" text COLLATE "pg_catalog"."POSIX")"#
    );
    migrate(&mut client, &v1).await;
    assert_synced(&mut client, &v1).await;
    client
        .batch_execute(
            "INSERT INTO ty.t (id, l, p, w) VALUES (5, '{a,b}', ROW(3, '{ok}', 'x'), 'abc')",
        )
        .await
        .unwrap();

    // Altered: defaults, NOT NULL and checks in place; a new base type
    // recreates the domain and re-casts its column; attributes added,
    // dropped and changed; a domain over a new enum-based domain; the
    // domain over the composite dropped with its column.
    let v2 = decl(TYPES_V2);
    let sql = plan_sql(&mut client, &v2).await;
    for want in [
        r#"ALTER DOMAIN "ty"."pos" SET DEFAULT 2"#,
        r#"ALTER DOMAIN "ty"."pos" DROP NOT NULL"#,
        r#"ALTER DOMAIN "ty"."pos" DROP CONSTRAINT "pos_positive""#,
        r#"ALTER DOMAIN "ty"."pos" ADD CONSTRAINT "pos_positive" CHECK ((VALUE >= 0))"#,
        r#"ALTER DOMAIN "ty"."pos" ADD CONSTRAINT "pos_small" CHECK ((VALUE < 1000))"#,
        r#"ALTER DOMAIN "ty"."we""ird; d" SET NOT NULL"#,
        r#"ALTER DOMAIN "ty"."label" RENAME TO "label__graft_old""#,
        r#"ALTER TABLE "ty"."t" ALTER COLUMN "l" TYPE "ty"."label"[] USING "l"::character varying(20)[]::"ty"."label"[]"#,
        r#"DROP DOMAIN "ty"."label__graft_old""#,
        r#"ALTER TYPE "ty"."pair" DROP ATTRIBUTE "l""#,
        r#"ALTER TYPE "ty"."pair" ADD ATTRIBUTE "z" "ty"."a_feeling""#,
        r#"ALTER TYPE "ty"."solo" ALTER ATTRIBUTE "x" SET DATA TYPE bigint"#,
        r#"ALTER TYPE "ty"."solo" ALTER ATTRIBUTE "y" SET DATA TYPE text COLLATE "pg_catalog"."C""#,
        r#"DROP DOMAIN "ty"."pair_d""#,
    ] {
        assert!(sql.iter().any(|s| s == want), "no `{want}` in {sql:#?}");
    }
    assert!(
        pos_in(&sql, r#"CREATE DOMAIN "ty"."a_feeling""#)
            < pos_in(&sql, r#"ALTER TYPE "ty"."pair" ADD ATTRIBUTE"#)
    );
    assert!(
        pos_in(&sql, r#"ALTER TABLE "ty"."t" DROP COLUMN "pd""#)
            < pos_in(&sql, r#"DROP DOMAIN "ty"."pair_d""#)
    );
    // Dropping a domain is destructive.
    let err = migrate_with(&graft::Migrator::default(), &mut client, &v2)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("DropDomain ty.pair_d") && err.contains("DropAttribute ty.pair.l"),
        "{err}"
    );
    migrate(&mut client, &v2).await;
    assert_synced(&mut client, &v2).await;
    let row = client
        .query_one("SELECT id, l::text, (p).a, w::text FROM ty.t", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i32>(0), 5);
    assert_eq!(row.get::<_, String>(1), "{a,b}");
    assert_eq!(row.get::<_, i32>(2), 3);

    // Dropped: users before what they are built on.
    let v3 = decl(r#"{"plugin": "ty"}"#);
    let sql = plan_sql(&mut client, &v3).await;
    assert!(
        pos_in(&sql, r#"DROP TYPE "ty"."pair""#) < pos_in(&sql, r#"DROP DOMAIN "ty"."a_feeling""#),
        "{sql:#?}"
    );
    assert!(
        pos_in(&sql, r#"DROP DOMAIN "ty"."a_feeling""#) < pos_in(&sql, r#"DROP TYPE "ty"."mood""#),
        "{sql:#?}"
    );
    assert!(
        pos_in(&sql, r#"DROP TYPE "ty"."pair""#) < pos_in(&sql, r#"DROP DOMAIN "ty"."code""#),
        "{sql:#?}"
    );
    migrate(&mut client, &v3).await;
    assert_synced(&mut client, &v3).await;
}

/// The position of the first statement starting with `needle`.
#[track_caller]
fn pos_in(sql: &[String], needle: &str) -> usize {
    sql.iter()
        .position(|s| s.starts_with(needle))
        .unwrap_or_else(|| panic!("no `{needle}` in {sql:#?}"))
}

#[tokio::test]
async fn bad_type_declarations_get_precise_errors_and_change_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let cases: &[(&str, &str)] = &[
        (
            r#"{"plugin": "p", "domains": [{"name": "d", "type": "nope"}]}"#,
            "plugin `p`, domain `d`: unknown type `nope`",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "d", "type": "p.nope[]"}]}"#,
            "plugin `p`, domain `d`: unknown type `p.nope[]`",
        ),
        (
            r#"{"plugin": "p", "composite_types": [{"name": "c", "attributes": [{"name": "a", "type": "int"}, {"name": "b", "type": "strnig"}]}]}"#,
            "plugin `p`, composite type `c`, attribute `b`: unknown type `strnig`",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "a", "type": "b"}, {"name": "b", "type": "c"}], "composite_types": [{"name": "c", "attributes": [{"name": "x", "type": "a[]"}]}]}"#,
            "plugin `p`, domain `a`: type: is built on itself: `a` -> `b` -> `c` -> `a`",
        ),
        (
            r#"{"plugin": "p", "composite_types": [{"name": "c", "attributes": [{"name": "me", "type": "c"}]}]}"#,
            "plugin `p`, composite type `c`: type: is built on itself: `c` -> `c`",
        ),
        (
            r#"{"plugin": "p", "composite_types": [{"name": "c", "attributes": [{"name": "a", "type": "int"}, {"name": "a", "type": "text"}]}]}"#,
            "plugin `p`, composite type `c`: duplicate attribute `a`",
        ),
        (
            r#"{"plugin": "p", "enums": [{"name": "x", "values": []}], "domains": [{"name": "x", "type": "int"}]}"#,
            "plugin `p`, domain `x`: domain `x` has the same name as enum `x`; they share one namespace",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "x", "type": "int"}, {"name": "x", "type": "text"}]}"#,
            "plugin `p`: duplicate domain `x`",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "x", "type": "int"}], "tables": [{"name": "x", "columns": []}]}"#,
            "plugin `p`, table `x`: table `x` has the same name as domain `x`; they share one namespace",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "d", "type": "int", "collation": "C"}]}"#,
            "plugin `p`, domain `d`: collation `C`: type `integer` does not take a collation",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "d", "type": "text"}], "composite_types": [{"name": "c", "attributes": [{"name": "a", "type": "c2", "collation": "C"}]}, {"name": "c2", "attributes": []}]}"#,
            "plugin `p`, composite type `c`, attribute `a`: collation `C`: type `\"p\".\"c2\"` does not take a collation",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "d", "type": "int", "checks": [{"name": "k", "expr": " "}]}]}"#,
            "plugin `p`, domain `d`: expression of check `k` is empty",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "d", "type": "int", "checks": [{"name": "k", "expr": "true"}, {"name": "k", "expr": "false"}]}]}"#,
            "plugin `p`, domain `d`: duplicate constraint name `k`",
        ),
        (
            r#"{"plugin": "p", "domains": [{"name": "d", "type": "int", "nulable": false}]}"#,
            "plugin `p`: unknown key `nulable` in `domains[0]`; expected one of `name`, `type`, `collation`, `nullable`, `default`, `checks`",
        ),
        (
            r#"{"plugin": "p", "composite_types": [{"name": "c"}]}"#,
            "plugin `p`: missing key `attributes` in `composite_types[0]`",
        ),
    ];
    for (json, want) in cases {
        assert_eq!(decl_err(json), *want, "for {json}");
    }
    // A domain over a collatable domain takes a collation; over an enum it
    // does not.
    decl(
        r#"{"plugin": "p", "domains": [{"name": "d", "type": "e", "collation": "C"}, {"name": "e", "type": "text"}]}"#,
    );

    // Valid declarations PostgreSQL refuses roll back completely.
    let before = fingerprint(&client).await;
    let bad = decl(
        r#"{"plugin": "p", "domains": [{"name": "ok", "type": "int"},
            {"name": "d", "type": "int", "checks": [{"name": "k", "expr": "(VALUE >>> 0)"}]}],
            "tables": [{"name": "t", "columns": [{"name": "a", "type": "d"}]}]}"#,
    );
    let err = migrate_with(&destructive(), &mut client, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("CreateDomain p.d") && err.contains("rolled back"),
        "{err}"
    );
    assert_eq!(fingerprint(&client).await, before);
}

/// Removing or reordering enum values recreates the type and re-casts the
/// columns through text: destructive (refused without permission), and the
/// rows keep their labels.
#[tokio::test]
async fn enum_values_removed_or_reordered_recreate_the_type() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let v1 = decl(
        r#"{"plugin": "en", "enums": [{"name": "st", "values": ["new", "old", "gone"]}],
            "tables": [{"name": "t", "columns": [{"name": "s", "type": "st", "default": "'new'::en.st"},
                                                  {"name": "h", "type": "st[]"}]}]}"#,
    );
    migrate(&mut client, &v1).await;
    client
        .batch_execute("INSERT INTO en.t VALUES ('old', '{new,old}'), (DEFAULT, '{}')")
        .await
        .unwrap();
    let v2 = decl(
        r#"{"plugin": "en", "enums": [{"name": "st", "values": ["old", "new"]}],
            "tables": [{"name": "t", "columns": [{"name": "s", "type": "st", "default": "'new'::en.st"},
                                                  {"name": "h", "type": "st[]"}]}]}"#,
    );
    let before = fingerprint(&client).await;
    let err = migrate_with(&graft::Migrator::default(), &mut client, &v2)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("RecreateEnum en.st: data loss"), "{err}");
    assert_eq!(
        fingerprint(&client).await,
        before,
        "refused: nothing changed"
    );
    let sql = plan_sql(&mut client, &v2).await;
    assert_eq!(
        sql,
        [
            r#"ALTER TYPE "en"."st" RENAME TO "st__graft_old""#,
            r#"CREATE TYPE "en"."st" AS ENUM ('old', 'new')"#,
            r#"ALTER TABLE "en"."t" ALTER COLUMN "s" DROP DEFAULT, ALTER COLUMN "s" TYPE "en"."st" USING "s"::text::"en"."st", ALTER COLUMN "s" SET DEFAULT 'new'::en.st"#,
            r#"ALTER TABLE "en"."t" ALTER COLUMN "h" TYPE "en"."st"[] USING "h"::text[]::"en"."st"[]"#,
            r#"DROP TYPE "en"."st__graft_old""#,
        ]
    );
    migrate(&mut client, &v2).await;
    assert_synced(&mut client, &v2).await;
    let rows: Vec<(String, String)> = client
        .query("SELECT t.s::text, t.h::text FROM en.t ORDER BY t.s", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // Sorted by the new order: `old` first now.
    assert_eq!(
        rows,
        [
            ("old".to_string(), "{new,old}".to_string()),
            ("new".to_string(), "{}".to_string())
        ]
    );
}
