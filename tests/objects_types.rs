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
