//! End to end against real PostgreSQL for row-level security (ENABLE /
//! FORCE, policies) and privileges: created, altered and dropped through
//! the file and the builder; the live database reads back as declared;
//! migrating again is a no-op; hostile names; bad declarations and missing
//! roles get precise errors and leave the database unchanged.
//!
//! Roles belong to the cluster, which the tests of this process share:
//! each test names its roles after its own database and drops them at the
//! end.

mod kinds_support;

use graft::declare::SchemaBuilder;
use graft::model::PolicyCommand;
use graft::testing::{test_db, TestDb};
use kinds_support::*;
use tokio_postgres::Client;

/// Roles of one test, named after its database; dropped by [`Roles::drop`].
struct Roles {
    names: Vec<String>,
}

impl Roles {
    async fn create(client: &Client, db: &TestDb, suffixes: &[&str]) -> Roles {
        let names: Vec<String> = suffixes
            .iter()
            .map(|s| format!("{}_{s}", db.name))
            .collect();
        for n in &names {
            client
                .batch_execute(&format!("CREATE ROLE {}", q(n)))
                .await
                .unwrap();
        }
        Roles { names }
    }

    fn get(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// Drops what the roles hold in this database, then the roles.
    async fn drop(self, client: &Client) {
        let list: Vec<String> = self.names.iter().map(|n| q(n)).collect();
        client
            .batch_execute(&format!(
                "DROP OWNED BY {0}; DROP ROLE {0}",
                list.join(", ")
            ))
            .await
            .unwrap();
    }
}

/// A quoted identifier.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A JSON string literal.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[tokio::test]
async fn row_level_security_and_policies_create_alter_and_drop() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let roles = Roles::create(&client, &db, &["reader", "we\"ird; writer"]).await;
    let (reader, writer) = (roles.get(0).to_string(), roles.get(1).to_string());

    let v1 = decl(&format!(
        r#"{{"plugin": "sec",
          "tables": [
            {{"name": "docs", "row_level_security": true, "columns": [
              {{"name": "id", "type": "int"}}, {{"name": "owner", "type": "name"}}, {{"name": "body", "type": "text"}}]}},
            {{"name": "t 2", "row_level_security": true, "force_row_level_security": true,
              "columns": [{{"name": "x", "type": "int"}}]}}],
          "policies": [
            {{"name": "p_read", "table": "docs", "for": "select", "to": {reader},
              "using": "(owner = CURRENT_USER)"}},
            {{"name": "p_write", "table": "docs", "as": "restrictive", "for": "update",
              "to": [{writer}, {reader}], "using": "true", "with_check": "(length(body) < 100)"}},
            {{"name": "all \"rows\"", "table": "\"t 2\"", "using": "(x > 0)"}}]}}"#,
        reader = js(&reader),
        writer = js(&writer),
    ));
    let built = SchemaBuilder::new("sec")
        .table("docs", |t| {
            t.row_level_security()
                .column("id", "int", |c| c)
                .column("owner", "name", |c| c)
                .column("body", "text", |c| c)
        })
        .table("t 2", |t| {
            t.row_level_security()
                .force_row_level_security()
                .column("x", "int", |c| c)
        })
        .policy("p_read", "docs", |p| {
            p.command(PolicyCommand::Select)
                .to([reader.as_str()])
                .using("(owner = CURRENT_USER)")
        })
        .policy("p_write", "docs", |p| {
            p.restrictive()
                .command(PolicyCommand::Update)
                .to([writer.as_str(), reader.as_str()])
                .using("true")
                .with_check("(length(body) < 100)")
        })
        .policy("all \"rows\"", "\"t 2\"", |p| p.using("(x > 0)"))
        .build()
        .unwrap();
    assert_eq!(built, v1);
    let sql = plan_sql(&mut client, &v1).await;
    for want in [
        r#"ALTER TABLE "sec"."docs" ENABLE ROW LEVEL SECURITY"#.to_string(),
        r#"ALTER TABLE "sec"."t 2" FORCE ROW LEVEL SECURITY"#.to_string(),
        format!(
            r#"CREATE POLICY "p_read" ON "sec"."docs" FOR SELECT TO {} USING ((owner = CURRENT_USER))"#,
            q(&reader)
        ),
        format!(
            r#"CREATE POLICY "p_write" ON "sec"."docs" AS RESTRICTIVE FOR UPDATE TO {}, {} USING (true) WITH CHECK ((length(body) < 100))"#,
            q(&reader),
            q(&writer)
        ),
        r#"CREATE POLICY "all ""rows""" ON "sec"."t 2" TO PUBLIC USING ((x > 0))"#.to_string(),
    ] {
        assert!(sql.contains(&want), "no `{want}` in {sql:#?}");
    }
    migrate(&mut client, &v1).await;
    assert_synced(&mut client, &v1).await;

    // The policies work: the reader sees its own rows only.
    client
        .batch_execute(&format!(
            "INSERT INTO sec.docs VALUES (1, {r}, 'a'), (2, 'someone else', 'b');
             GRANT USAGE ON SCHEMA sec TO {rq}; GRANT SELECT ON sec.docs TO {rq};",
            r = graft::render::quote_literal(&reader),
            rq = q(&reader)
        ))
        .await
        .unwrap();
    let tx = client.transaction().await.unwrap();
    tx.batch_execute(&format!("SET LOCAL ROLE {}", q(&reader)))
        .await
        .unwrap();
    let ids: Vec<i32> = tx
        .query("SELECT id FROM sec.docs", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [1]);
    tx.rollback().await.unwrap();
    client
        .batch_execute(&format!(
            "REVOKE USAGE ON SCHEMA sec FROM {rq}; REVOKE SELECT ON sec.docs FROM {rq};",
            rq = q(&reader)
        ))
        .await
        .unwrap();

    // Altered: the table is renamed; p_read's roles and USING change (ALTER
    // POLICY); p_write only changes roles but reads `body`, whose type
    // changes (dropped early, created late); the command of `all "rows"`
    // changes (dropped, created); a new INSERT policy; FORCE on docs,
    // row-level security off on `t 2`.
    let v2 = decl(&format!(
        r#"{{"plugin": "sec",
          "tables": [
            {{"name": "documents", "renamed_from": "docs", "row_level_security": true, "force_row_level_security": true,
              "columns": [{{"name": "id", "type": "int"}}, {{"name": "owner", "type": "name"}}, {{"name": "body", "type": "varchar(200)"}}]}},
            {{"name": "t 2", "columns": [{{"name": "x", "type": "int"}}]}}],
          "policies": [
            {{"name": "p_read", "table": "documents", "for": "select", "to": [{writer}, {reader}],
              "using": "((owner = CURRENT_USER) OR (body IS NULL))"}},
            {{"name": "p_write", "table": "documents", "as": "restrictive", "for": "update",
              "to": {reader}, "using": "true", "with_check": "(length((body)::text) < 100)"}},
            {{"name": "all \"rows\"", "table": "\"t 2\"", "for": "select", "using": "(x > 0)"}},
            {{"name": "p_ins", "table": "\"t 2\"", "for": "insert", "with_check": "(x < 10)"}}]}}"#,
        reader = js(&reader),
        writer = js(&writer),
    ));
    let sql = plan_sql(&mut client, &v2).await;
    let at = |needle: &str| {
        sql.iter()
            .position(|s| s.starts_with(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {sql:#?}"))
    };
    assert_eq!(
        sql[at(r#"ALTER POLICY "p_read""#)],
        format!(
            r#"ALTER POLICY "p_read" ON "sec"."documents" TO {}, {} USING (((owner = CURRENT_USER) OR (body IS NULL)))"#,
            q(&reader),
            q(&writer)
        )
    );
    assert!(
        at(r#"DROP POLICY "p_write" ON "sec"."docs""#)
            < at(r#"ALTER TABLE "sec"."docs" RENAME TO"#)
    );
    assert!(
        at(r#"ALTER TABLE "sec"."documents" ALTER COLUMN "body" TYPE"#)
            < at(r#"CREATE POLICY "p_write" ON "sec"."documents""#)
    );
    assert!(
        at(r#"ALTER TABLE "sec"."documents" ALTER COLUMN "body" TYPE"#)
            < at(r#"ALTER POLICY "p_read""#)
    );
    at(r#"DROP POLICY "all ""rows""" ON "sec"."t 2""#);
    at(r#"CREATE POLICY "all ""rows""" ON "sec"."t 2" FOR SELECT TO PUBLIC USING ((x > 0))"#);
    at(r#"CREATE POLICY "p_ins" ON "sec"."t 2" FOR INSERT TO PUBLIC WITH CHECK ((x < 10))"#);
    at(r#"ALTER TABLE "sec"."documents" FORCE ROW LEVEL SECURITY"#);
    at(r#"ALTER TABLE "sec"."t 2" DISABLE ROW LEVEL SECURITY"#);
    at(r#"ALTER TABLE "sec"."t 2" NO FORCE ROW LEVEL SECURITY"#);
    migrate(&mut client, &v2).await;
    assert_synced(&mut client, &v2).await;
    let n: i64 = client
        .query_one("SELECT count(*) FROM sec.documents", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 2, "the rename kept the rows");

    // Dropped: policies and flags.
    let v3 = decl(
        r#"{"plugin": "sec", "tables": [
            {"name": "documents", "columns": [{"name": "id", "type": "int"}, {"name": "owner", "type": "name"}, {"name": "body", "type": "varchar(200)"}]},
            {"name": "t 2", "columns": [{"name": "x", "type": "int"}]}]}"#,
    );
    let sql = plan_sql(&mut client, &v3).await;
    assert_eq!(
        sql.iter().filter(|s| s.starts_with("DROP POLICY")).count(),
        4,
        "{sql:#?}"
    );
    migrate(&mut client, &v3).await;
    assert_synced(&mut client, &v3).await;
    roles.drop(&client).await;
}

#[tokio::test]
async fn bad_policies_get_precise_errors_and_change_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let t = r#""tables": [{"name": "t", "columns": [{"name": "x", "type": "int"}]}]"#;
    let cases: Vec<(String, &str)> = vec![
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "nope", "using": "true"}}]}}"#),
            "plugin `p`, policy `x`: policy `x` references missing table `p.nope`",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "other.t", "using": "true"}}]}}"#),
            "plugin `p`, policy `x`: policy `x` references missing table `other.t`",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t"}}, {{"name": "x", "table": "t"}}]}}"#),
            "plugin `p`, table `t`: duplicate policy `x`",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "for": "insert", "using": "true"}}]}}"#),
            "plugin `p`, policy `x`: `using`: a INSERT policy takes only `with_check`",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "for": "delete", "with_check": "true"}}]}}"#),
            "plugin `p`, policy `x`: `with_check`: a DELETE policy takes only `using`",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "to": ["a", "public"]}}]}}"#),
            "plugin `p`, policy `x`: role `public`: is every role; list it alone",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "to": ["a", "a"]}}]}}"#),
            "plugin `p`, policy `x`: role `a`: is listed twice",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "to": [""]}}]}}"#),
            "plugin `p`, policy `x`: invalid role name: identifier is empty",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "using": " "}}]}}"#),
            "plugin `p`, policy `x`: `using` is empty",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "for": "selects"}}]}}"#),
            "plugin `p`: unknown value `selects` for `policies[0].for`; expected one of `all`, `select`, `insert`, `update`, `delete`",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "as": "strict"}}]}}"#),
            "plugin `p`: unknown value `strict` for `policies[0].as`; expected `permissive` or `restrictive`",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "to": 3}}]}}"#),
            "plugin `p`: `policies[0].to`: invalid type: integer `3`, expected a role name or a list of role names",
        ),
        (
            format!(r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "tabel": "t"}}]}}"#),
            "plugin `p`: unknown key `tabel` in `policies[0]`; expected one of `name`, `table`, `as`, `for`, `to`, `using`, `with_check`",
        ),
        (
            r#"{"plugin": "p", "tables": [{"name": "t", "columns": [], "row_level_security": "yes"}]}"#.to_string(),
            "plugin `p`, table `t`: `row_level_security`: invalid type: string \"yes\", expected a boolean",
        ),
    ];
    for (json, want) in &cases {
        assert_eq!(decl_err(json), *want, "for {json}");
    }

    // A role the cluster does not have: refused at plan time, naming the
    // plugin, the step and the role; nothing is applied.
    let before = fingerprint(&client).await;
    let missing = format!("{}_nobody", db.name);
    let bad = decl(&format!(
        r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "to": {}, "using": "true"}}]}}"#,
        js(&missing)
    ));
    let err = migrate_with(&destructive(), &mut client, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "plugin `p`: step 3 (CreatePolicy p.t.x): role `{missing}` does not exist"
        )) && err.ends_with("(nothing was applied)"),
        "{err}"
    );
    assert_eq!(fingerprint(&client).await, before);
    let err = destructive()
        .plan(&mut client, &graft::Plugin::from(bad))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("role `{missing}` does not exist")),
        "{err}"
    );

    // An expression PostgreSQL refuses: rolled back.
    let bad = decl(&format!(
        r#"{{"plugin": "p", {t}, "policies": [{{"name": "x", "table": "t", "using": "(nope > 0)"}}]}}"#
    ));
    let err = migrate_with(&destructive(), &mut client, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("CreatePolicy p.t.x") && err.contains("rolled back"),
        "{err}"
    );
    assert_eq!(fingerprint(&client).await, before);
}
