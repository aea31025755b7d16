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

const FUNCS: &str = r#""functions": [
    {"name": "f", "returns": "integer", "language": "sql", "args": [{"name": "x", "type": "integer"}], "body": "SELECT x + 1"},
    {"name": "f", "returns": "integer", "language": "sql", "args": [{"name": "x", "type": "text"}], "body": "SELECT length(x)"},
    {"name": "g", "returns": "integer", "language": "sql", "body": "SELECT 1"},
    {"name": "p", "kind": "procedure", "language": "sql", "body": "SELECT 1"}]"#;

#[tokio::test]
async fn privileges_create_alter_and_drop() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let roles = Roles::create(&client, &db, &["reader", "writer", "we\"ird admin"]).await;
    let (r, w, x) = (js(roles.get(0)), js(roles.get(1)), js(roles.get(2)));
    let (rq, wq, xq) = (q(roles.get(0)), q(roles.get(1)), q(roles.get(2)));
    let table = |name: &str, renamed: &str| {
        format!(
            r#"{{"name": "{name}"{renamed}, "columns": [{{"name": "id", "type": "int"}},
                {{"name": "secret", "type": "text"}}, {{"name": "note", "type": "text"}}]}}"#
        )
    };
    let v1 = decl(&format!(
        r#"{{"plugin": "priv", "tables": [{t}],
          "views": [{{"name": "v", "definition": "SELECT t.id FROM priv.t"}}],
          "sequences": [{{"name": "s"}}], {FUNCS},
          "grants": [
            {{"namespace": "priv", "to": [{r}, {w}], "privileges": ["usage"]}},
            {{"table": "t", "to": {r}, "privileges": ["SELECT"]}},
            {{"table": "t", "to": {w}, "privileges": ["select", "insert", "update"], "with_grant_option": true}},
            {{"table": "t", "columns": ["note"], "to": [{r}, {w}], "privileges": ["update"]}},
            {{"table": "v", "to": "public", "privileges": ["select"]}},
            {{"sequence": "s", "to": {w}, "privileges": ["usage", "select"]}},
            {{"function": "f", "args": ["integer"], "to": {r}, "privileges": ["execute"]}},
            {{"function": "p", "to": [], "privileges": ["execute"]}},
            {{"table": "t", "to": {x}, "privileges": "all"}}]}}"#,
        t = table("t", "")
    ));
    let built = SchemaBuilder::new("priv")
        .table("t", |t| {
            t.column("id", "int", |c| c)
                .column("secret", "text", |c| c)
                .column("note", "text", |c| c)
        })
        .view("v", "SELECT t.id FROM priv.t", |v| v)
        .sequence("s", |s| s)
        .function("f", "sql", "SELECT x + 1", |f| {
            f.returns("integer").arg("x", "integer")
        })
        .function("f", "sql", "SELECT length(x)", |f| {
            f.returns("integer").arg("x", "text")
        })
        .function("g", "sql", "SELECT 1", |f| f.returns("integer"))
        .procedure("p", "sql", "SELECT 1", |f| f)
        .grant_namespace(|g| g.to([roles.get(0), roles.get(1)]).privileges(["usage"]))
        .grant_table("t", |g| g.to([roles.get(0)]).privileges(["SELECT"]))
        .grant_table("t", |g| {
            g.to([roles.get(1)])
                .privileges(["select", "insert", "update"])
                .with_grant_option()
        })
        .grant_table("t", |g| {
            g.columns(["note"])
                .to([roles.get(0), roles.get(1)])
                .privileges(["update"])
        })
        .grant_table("v", |g| g.to(["public"]).privileges(["select"]))
        .grant_sequence("s", |g| {
            g.to([roles.get(1)]).privileges(["usage", "select"])
        })
        .grant_function("f", |g| {
            g.args(["integer"])
                .to([roles.get(0)])
                .privileges(["execute"])
        })
        .grant_function("p", |g| g.privileges(["execute"]))
        .grant_table("t", |g| g.to([roles.get(2)]).all())
        .build()
        .unwrap();
    assert_eq!(built, v1);
    let sql = plan_sql(&mut client, &v1).await;
    for want in [
        format!(r#"GRANT USAGE ON SCHEMA "priv" TO {rq}"#),
        format!(r#"GRANT SELECT ON TABLE "priv"."t" TO {rq}"#),
        format!(r#"GRANT SELECT, INSERT, UPDATE ON TABLE "priv"."t" TO {wq} WITH GRANT OPTION"#),
        format!(r#"GRANT UPDATE ("note") ON TABLE "priv"."t" TO {rq}"#),
        format!(
            r#"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "priv"."t" TO {xq}"#
        ),
        r#"GRANT SELECT ON TABLE "priv"."v" TO PUBLIC"#.to_string(),
        format!(r#"GRANT SELECT, USAGE ON SEQUENCE "priv"."s" TO {wq}"#),
        format!(r#"GRANT EXECUTE ON ROUTINE "priv"."f"(integer) TO {rq}"#),
        r#"REVOKE EXECUTE ON ROUTINE "priv"."f"(integer) FROM PUBLIC"#.to_string(),
        r#"REVOKE EXECUTE ON ROUTINE "priv"."p"() FROM PUBLIC"#.to_string(),
    ] {
        assert!(sql.contains(&want), "no `{want}` in {sql:#?}");
    }
    // Functions nobody names keep PostgreSQL's default, with no statement.
    assert!(
        !sql.iter()
            .any(|s| s.contains(r#""priv"."g""#) && s.contains("GRANT")),
        "{sql:#?}"
    );
    migrate(&mut client, &v1).await;
    assert_synced(&mut client, &v1).await;
    let row = client
        .query_one(
            "SELECT has_table_privilege($1, 'priv.t', 'SELECT'), \
                    has_column_privilege($2, 'priv.t', 'note', 'UPDATE'), \
                    has_function_privilege($2, 'priv.f(integer)', 'EXECUTE'), \
                    has_function_privilege($2, 'priv.p()', 'EXECUTE'), \
                    has_function_privilege($1, 'priv.g()', 'EXECUTE')",
            &[&roles.get(1), &roles.get(0)],
        )
        .await
        .unwrap();
    let acl: Vec<bool> = (0..5).map(|i| row.get(i)).collect();
    assert_eq!(acl, [true, true, true, false, true]);

    // Altered: the table renamed (its privileges follow), the view
    // recreated (granted again), options and privileges revoked and added,
    // a table privilege revoked while the column privilege stays.
    let v2 = decl(&format!(
        r#"{{"plugin": "priv", "tables": [{t}],
          "views": [{{"name": "v", "definition": "SELECT t2.note FROM priv.t2"}}],
          "sequences": [{{"name": "s"}}], {FUNCS},
          "grants": [
            {{"namespace": "priv", "to": {r}, "privileges": ["usage"]}},
            {{"table": "t2", "to": {r}, "privileges": ["select", "insert"]}},
            {{"table": "t2", "to": {w}, "privileges": ["select", "insert"]}},
            {{"table": "t2", "columns": ["note"], "to": [{r}, {w}], "privileges": ["update"]}},
            {{"table": "v", "to": "public", "privileges": ["select"]}},
            {{"sequence": "s", "to": {w}, "privileges": ["usage"]}},
            {{"function": "f", "args": ["integer"], "to": "public", "privileges": ["execute"]}},
            {{"function": "f", "args": ["text"], "to": [{r}, "public"], "privileges": ["execute"]}}]}}"#,
        t = table("t2", r#", "renamed_from": "t""#)
    ));
    let sql = plan_sql(&mut client, &v2).await;
    for want in [
        format!(r#"REVOKE USAGE ON SCHEMA "priv" FROM {wq}"#),
        format!(r#"GRANT INSERT ON TABLE "priv"."t2" TO {rq}"#),
        format!(r#"REVOKE UPDATE ON TABLE "priv"."t2" FROM {wq}"#),
        format!(r#"REVOKE GRANT OPTION FOR SELECT, INSERT ON TABLE "priv"."t2" FROM {wq}"#),
        format!(r#"GRANT UPDATE ("note") ON TABLE "priv"."t2" TO {wq}"#),
        format!(
            r#"REVOKE SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "priv"."t2" FROM {xq}"#
        ),
        r#"GRANT SELECT ON TABLE "priv"."v" TO PUBLIC"#.to_string(),
        format!(r#"REVOKE SELECT ON SEQUENCE "priv"."s" FROM {wq}"#),
        format!(r#"REVOKE EXECUTE ON ROUTINE "priv"."f"(integer) FROM {rq}"#),
        r#"GRANT EXECUTE ON ROUTINE "priv"."f"(integer) TO PUBLIC"#.to_string(),
        format!(r#"GRANT EXECUTE ON ROUTINE "priv"."f"(text) TO {rq}"#),
        r#"GRANT EXECUTE ON ROUTINE "priv"."p"() TO PUBLIC"#.to_string(),
    ] {
        assert!(sql.contains(&want), "no `{want}` in {sql:#?}");
    }
    let at = |needle: &str| sql.iter().position(|s| s == needle).unwrap();
    assert!(
        at(&format!(r#"REVOKE UPDATE ON TABLE "priv"."t2" FROM {wq}"#))
            < at(&format!(
                r#"GRANT UPDATE ("note") ON TABLE "priv"."t2" TO {wq}"#
            )),
        "the column privilege is granted again after the table's is revoked"
    );
    migrate(&mut client, &v2).await;
    assert_synced(&mut client, &v2).await;

    // Dropped: every privilege revoked; functions back to the default.
    let v3 = decl(&format!(
        r#"{{"plugin": "priv", "tables": [{t}],
          "views": [{{"name": "v", "definition": "SELECT t2.note FROM priv.t2"}}],
          "sequences": [{{"name": "s"}}], {FUNCS}}}"#,
        t = table("t2", "")
    ));
    migrate(&mut client, &v3).await;
    assert_synced(&mut client, &v3).await;
    let n: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a \
             WHERE c.relnamespace = 'priv'::regnamespace AND a.grantee <> c.relowner",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    roles.drop(&client).await;
}

#[tokio::test]
async fn bad_grants_get_precise_errors_and_change_nothing() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let base = format!(
        r#""tables": [{{"name": "t", "columns": [{{"name": "a", "type": "int"}}]}}],
           "views": [{{"name": "v", "definition": "SELECT t.a FROM p.t"}}],
           "sequences": [{{"name": "s"}}], {}"#,
        FUNCS.replace("priv", "p")
    );
    let g = |grant: &str| format!(r#"{{"plugin": "p", {base}, "grants": [{grant}]}}"#);
    let cases: Vec<(String, &str)> = vec![
        (g(r#"{"to": "x", "privileges": ["select"]}"#),
         "plugin `p`, grant #1: grant: names none of `namespace`, `table`, `sequence` and `function`; it takes one"),
        (g(r#"{"table": "t", "sequence": "s", "to": "x", "privileges": ["select"]}"#),
         "plugin `p`, grant #1: grant: names more than one of `namespace`, `table`, `sequence` and `function`; it takes one"),
        (g(r#"{"table": "nope", "to": "x", "privileges": ["select"]}"#),
         "plugin `p`, grant on table `nope`: the grant names missing relation `p.nope`"),
        (g(r#"{"table": "t", "columns": ["b"], "to": "x", "privileges": ["select"]}"#),
         "plugin `p`, grant on table `t`: the grant refers to missing column `b`"),
        (g(r#"{"table": "v", "columns": ["a"], "to": "x", "privileges": ["select"]}"#),
         "plugin `p`, grant on table `v`: `columns`: graft does not know the columns of a view: grant on the whole view"),
        (g(r#"{"sequence": "s", "columns": ["a"], "to": "x", "privileges": ["select"]}"#),
         "plugin `p`, grant on sequence `s`: `columns`: apply to a table only"),
        (g(r#"{"table": "t", "to": "x", "privileges": ["usage"]}"#),
         "plugin `p`, grant on table `t`: privilege `usage`: does not apply to a table; expected `select`, `insert`, `update`, `delete`, `truncate`, `references`, `trigger`, `all`"),
        (g(r#"{"table": "t", "columns": ["a"], "to": "x", "privileges": ["delete"]}"#),
         "plugin `p`, grant on table `t`: privilege `delete`: does not apply to a column; expected `select`, `insert`, `update`, `references`, `all`"),
        (g(r#"{"sequence": "s", "to": "x", "privileges": ["usag"]}"#),
         "plugin `p`, grant on sequence `s`: privilege `usag`: is not a privilege; expected `select`, `update`, `usage`, `all`"),
        (g(r#"{"sequence": "s", "to": "x", "privileges": []}"#),
         "plugin `p`, grant on sequence `s`: `privileges`: is empty; expected some of `select`, `update`, `usage`, `all`"),
        (g(r#"{"function": "f", "to": "x", "privileges": ["execute"]}"#),
         "plugin `p`, grant on function `f`: function `p.f`: is overloaded: give its input types in `args`"),
        (g(r#"{"function": "f", "args": ["bigint"], "to": "x", "privileges": ["execute"]}"#),
         "plugin `p`, grant on function `f`: the grant names missing function `p.f(bigint)`"),
        (g(r#"{"function": "nope", "to": "x", "privileges": ["execute"]}"#),
         "plugin `p`, grant on function `nope`: the grant names missing function `p.nope`"),
        (g(r#"{"namespace": "other", "to": "x", "privileges": ["usage"]}"#),
         "plugin `p`, grant on namespace `other`: namespace `other`: is not the plugin's (`p`): a plugin grants on its own objects"),
        (g(r#"{"table": "t", "to": ["x", "x"], "privileges": ["select"]}"#),
         "plugin `p`, grant on table `t`: role `x`: is listed twice"),
        (g(r#"{"table": "t", "privileges": ["select"]}"#),
         "plugin `p`: missing key `to` in `grants[0]`"),
        (g(r#"{"table": "t", "to": "x", "privileges": ["select"], "grant_option": true}"#),
         "plugin `p`: unknown key `grant_option` in `grants[0]`; expected one of `namespace`, `table`, `columns`, `sequence`, `function`, `args`, `to`, `privileges`, `with_grant_option`"),
        (r#"{"plugin": "public_plugin", "namespace": "public", "grants": [{"namespace": "public", "to": "x", "privileges": ["usage"]}]}"#.to_string(),
         "plugin `public_plugin`, grant on namespace `public`: namespace `public`: graft neither creates nor drops it and leaves its privileges alone"),
    ];
    for (json, want) in &cases {
        assert_eq!(decl_err(json), *want, "for {json}");
    }

    // Roles checked at plan time, in the plan's transaction: a missing role
    // and the role graft runs as are refused before any DDL.
    let before = fingerprint(&client).await;
    let missing = format!("{}_nobody", db.name);
    let bad = decl(&g(&format!(
        r#"{{"table": "t", "to": {}, "privileges": ["select"]}}"#,
        js(&missing)
    )));
    let err = migrate_with(&destructive(), &mut client, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "(GrantPrivileges table p.t {missing}): role `{missing}` does not exist"
        )) && err.ends_with("(nothing was applied)"),
        "{err}"
    );
    assert_eq!(fingerprint(&client).await, before);
    let me: String = client
        .query_one("SELECT current_user::text", &[])
        .await
        .unwrap()
        .get(0);
    let bad = decl(&g(&format!(
        r#"{{"table": "t", "to": {}, "privileges": ["select"]}}"#,
        js(&me)
    )));
    let err = migrate_with(&destructive(), &mut client, &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("role `{me}` is the one graft runs as")),
        "{err}"
    );
    assert_eq!(fingerprint(&client).await, before);

    // A role dropped outside graft took its privileges along: that is
    // drift, refused until repaired; the repaired plan revokes nothing
    // from the role that is gone.
    let roles = Roles::create(&client, &db, &["gone"]).await;
    let gone = roles.get(0).to_string();
    let with = decl(&g(&format!(
        r#"{{"table": "t", "to": {}, "privileges": ["select"]}}"#,
        js(&gone)
    )));
    migrate(&mut client, &with).await;
    roles.drop(&client).await;
    let without = decl(&g(
        r#"{"table": "t", "to": "public", "privileges": ["select"]}"#,
    ));
    let err = migrate_with(&destructive(), &mut client, &without)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "table p.t: SELECT revoked from `{gone}` outside graft"
        )),
        "{err}"
    );
    let repair = graft::Migrator::new(graft::Options {
        allow_destructive: true,
        repair_drift: true,
        ..graft::Options::default()
    });
    let plan = repair
        .plan(&mut client, &graft::Plugin::from(without.clone()))
        .await
        .unwrap();
    let sql: Vec<&str> = plan.plan.statements().collect();
    assert_eq!(
        sql,
        [r#"GRANT SELECT ON TABLE "p"."t" TO PUBLIC"#],
        "{sql:#?}"
    );
    migrate_with(&repair, &mut client, &without).await.unwrap();
    assert_synced(&mut client, &without).await;
}
