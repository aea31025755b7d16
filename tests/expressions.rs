//! One expression is exactly one expression (issue 10, item 1): every
//! declared expression key, in a schema file and through the builder,
//! refuses a text that would end the statement, add to it or escape the
//! parentheses around it, naming the file, plugin, object and key; and a
//! refused file leaves the database (another plugin's table and its rows)
//! as it was.

use graft::declare::{from_json_str, SchemaBuilder};
use graft::model::{TriggerEvent, TriggerTiming};
use graft::testing::test_db;
use serde_json::{json, Value};
use std::path::Path;

/// Texts that are not one expression: a trailing `;`, the statement
/// injection that balances its parentheses only across the whole text, a
/// comma that starts another `ALTER TABLE` action, comment tricks, dollar
/// quotes around a `;`, and unterminated literals and names.
const PAYLOADS: &[&str] = &[
    "0;",
    "0); DROP TABLE billing.invoices; SELECT (1",
    "0, DROP COLUMN secret",
    "0) + (1",
    "(0",
    "0 -- DROP TABLE billing.invoices",
    "0 /* ; */",
    "0 /* unterminated",
    "$$x$$; DROP TABLE billing.invoices; SELECT $$y$$",
    "$x$ unterminated",
    "'unbalanced",
    "\"unbalanced",
    "0 CHECK (false)",
];

/// One expression key: where it is in the file, what the error says
/// about it, and the same declaration through the builder.
struct Key {
    /// The plugin file with `expr` at this key.
    file: fn(&str) -> Value,
    /// The context and key the error names.
    context: &'static str,
    /// The builder saying the same.
    built: fn(&str) -> SchemaBuilder,
}

fn table(extra: Value) -> Value {
    let mut t = json!({"name": "t", "columns": [{"name": "a", "type": "integer"}]});
    for (k, v) in extra.as_object().unwrap() {
        t[k] = v.clone();
    }
    json!({"plugin": "evil", "tables": [t]})
}

fn with_t(b: SchemaBuilder) -> SchemaBuilder {
    b.table("t", |t| t.column("a", "integer", |c| c))
}

fn keys() -> Vec<Key> {
    vec![
        Key {
            file: |e| {
                json!({"plugin": "evil", "tables": [{"name": "t", "columns": [
                    {"name": "a", "type": "integer", "default": e}]}]})
            },
            context: "table `t`, column `a`: default",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil")
                    .table("t", |t| t.column("a", "integer", |c| c.default(e)))
            },
        },
        Key {
            file: |e| {
                json!({"plugin": "evil", "tables": [{"name": "t", "columns": [
                    {"name": "a", "type": "integer", "generated": e}]}]})
            },
            context: "table `t`, column `a`: generated",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil")
                    .table("t", |t| t.column("a", "integer", |c| c.generated(e)))
            },
        },
        Key {
            file: |e| table(json!({"checks": [{"expr": e}]})),
            context: "table `t`: expression of check #1",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").table("t", |t| t.column("a", "integer", |c| c).check(e))
            },
        },
        Key {
            file: |e| table(json!({"indexes": [{"columns": ["a"], "where": e}]})),
            context: "table `t`: `where` of index #1",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").table("t", |t| {
                    t.column("a", "integer", |c| c)
                        .index(|i| i.column("a").where_(e))
                })
            },
        },
        Key {
            file: |e| table(json!({"indexes": [{"expressions": [e]}]})),
            context: "table `t`: expression of index #1",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").table("t", |t| {
                    t.column("a", "integer", |c| c).index(|i| i.expr(e))
                })
            },
        },
        Key {
            file: |e| table(json!({"indexes": [{"columns": ["a", {"expr": e, "desc": true}]}]})),
            context: "table `t`: expression of index #1",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").table("t", |t| {
                    t.column("a", "integer", |c| c)
                        .index(|i| i.column("a").expr_with(e, |k| k.desc()))
                })
            },
        },
        Key {
            file: |e| {
                json!({"plugin": "evil", "materialized_views": [{"name": "m",
                    "definition": "SELECT 1 AS x", "indexes": [{"columns": ["x"], "where": e}]}]})
            },
            context: "materialized view `m`: `where` of index #1",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").materialized_view("m", "SELECT 1 AS x", |m| {
                    m.index(|i| i.column("x").where_(e))
                })
            },
        },
        Key {
            file: |e| json!({"plugin": "evil", "domains": [{"name": "d", "type": "integer", "default": e}]}),
            context: "domain `d`: default",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").domain("d", "integer", |d| d.default(e))
            },
        },
        Key {
            file: |e| {
                json!({"plugin": "evil", "domains": [{"name": "d", "type": "integer",
                    "checks": [{"name": "c", "expr": e}]}]})
            },
            context: "domain `d`: expression of check `c`",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").domain("d", "integer", |d| d.check_named("c", e))
            },
        },
        Key {
            file: |e| {
                let mut v = table(json!({}));
                v["policies"] = json!([{"name": "p", "table": "t", "using": e}]);
                v
            },
            context: "policy `p`: `using`",
            built: |e| {
                let e = e.to_string();
                with_t(SchemaBuilder::new("evil")).policy("p", "t", |p| p.using(e))
            },
        },
        Key {
            file: |e| {
                let mut v = table(json!({}));
                v["policies"] = json!([{"name": "p", "table": "t", "with_check": e}]);
                v
            },
            context: "policy `p`: `with_check`",
            built: |e| {
                let e = e.to_string();
                with_t(SchemaBuilder::new("evil")).policy("p", "t", |p| p.with_check(e))
            },
        },
        Key {
            file: |e| {
                json!({"plugin": "evil", "functions": [{"name": "f", "returns": "integer",
                    "language": "sql", "body": "SELECT x",
                    "args": [{"name": "x", "type": "integer", "default": e}]}]})
            },
            context: "function `f`: default of argument `x`",
            built: |e| {
                let e = e.to_string();
                SchemaBuilder::new("evil").function("f", "sql", "SELECT x", |f| {
                    f.returns("integer")
                        .arg_with("x", "integer", |a| a.default(e))
                })
            },
        },
        Key {
            file: |e| {
                let mut v = table(json!({}));
                v["functions"] = json!([{"name": "tf", "returns": "trigger",
                    "language": "plpgsql", "body": "BEGIN RETURN NEW; END"}]);
                v["triggers"] = json!([{"name": "tr", "table": "t", "timing": "before",
                    "events": ["insert"], "for_each": "row", "when": e, "function": "tf"}]);
                v
            },
            context: "trigger `tr` on `evil.t`: `when`",
            built: |e| {
                let e = e.to_string();
                with_t(SchemaBuilder::new("evil"))
                    .function("tf", "plpgsql", "BEGIN RETURN NEW; END", |f| {
                        f.returns("trigger")
                    })
                    .trigger(
                        "t",
                        "tr",
                        TriggerTiming::Before,
                        [TriggerEvent::Insert],
                        "tf",
                        |t| t.for_each_row().when(e),
                    )
            },
        },
    ]
}

#[test]
fn every_expression_key_accepts_one_expression() {
    for k in keys() {
        for ok in [
            "1",
            "(a > 0) AND (NOT (a IS NULL))",
            "'x;y)'::text <> ''",
            "$q$;$q$ = ''",
        ] {
            // whether PostgreSQL takes it is PostgreSQL's business; graft
            // only refuses what is not one expression
            let v = (k.file)(ok);
            if let Err(e) = from_json_str(&v.to_string(), None) {
                assert!(
                    !e.to_string().contains("not one SQL expression"),
                    "{} refused {ok:?}: {e}",
                    k.context
                );
            }
        }
    }
}

#[test]
fn every_expression_key_refuses_every_payload_naming_file_plugin_object_and_key() {
    let file = Path::new("plugins/evil.json");
    let mut checked = 0;
    for k in keys() {
        for p in PAYLOADS {
            let v = (k.file)(p);
            let e = from_json_str(&v.to_string(), Some(file))
                .expect_err(&format!("{} accepted {p:?}", k.context))
                .to_string();
            let want = format!("plugins/evil.json: plugin `evil`, {}", k.context);
            assert!(
                e.starts_with(&want) && e.contains(" is not one SQL expression: "),
                "{p:?} at {}:\n  got  {e}\n  want {want} … is not one SQL expression: …",
                k.context
            );
            // the builder says the same, without a file
            let b = (k.built)(p).build().expect_err("the builder accepted it");
            assert_eq!(
                format!("plugins/evil.json: {b}"),
                e,
                "builder and file differ at {}",
                k.context
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 13 * PAYLOADS.len());
}

#[test]
fn the_reasons_are_precise() {
    let err = |e: &str| {
        from_json_str(&((keys()[0].file)(e)).to_string(), None)
            .unwrap_err()
            .to_string()
    };
    let ctx = "plugin `evil`, table `t`, column `a`: default is not one SQL expression: ";
    for (payload, why) in [
        ("0;", "`;` would end the statement"),
        (
            "0); DROP TABLE billing.invoices; SELECT (1",
            "`)` closes a parenthesis the expression did not open",
        ),
        (
            "0, DROP COLUMN secret",
            "`,` outside parentheses would start another clause",
        ),
        ("(0", "`(` is never closed"),
        (
            "0 -- x",
            "comments are not kept in expressions (`-- x`)",
        ),
        ("'x", "unterminated string literal"),
        ("$x$ y", "unterminated dollar-quoted string"),
        ("\"x", "unterminated quoted name"),
        (
            "1 NOT NULL",
            "`NOT` outside parentheses would start a constraint or clause of its own; put the expression in parentheses",
        ),
    ] {
        assert_eq!(err(payload), format!("{ctx}{why}"), "{payload}");
    }
}

/// A refused file is refused by `graft apply` before anything runs: the
/// table the payloads aim at keeps its rows, and nothing else changes.
#[tokio::test]
async fn a_refused_expression_leaves_the_database_as_it_was() {
    let db = test_db().await;
    let dir = tempfile::tempdir().unwrap();
    let billing = r#"{"plugin": "billing", "tables": [{"name": "invoices",
        "columns": [{"name": "id", "type": "integer"}, {"name": "secret", "type": "text"}]}]}"#;
    std::fs::write(dir.path().join("billing.json"), billing).unwrap();
    let url = db.url();
    let graft = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_graft"))
            .args(["--database-url", url.as_str()])
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let dir_arg = dir.path().display().to_string();
    assert_eq!(graft(&["apply", &dir_arg]).0, 0);
    let client = db.connect().await;
    client
        .batch_execute("INSERT INTO billing.invoices VALUES (1, 'keep me'), (2, 'me too')")
        .await
        .unwrap();
    let state = || async {
        let rows = client
            .query(
                "SELECT format('%s|%s', n.nspname, c.relname) FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' \
                 ORDER BY 1",
                &[],
            )
            .await
            .unwrap();
        let mut out: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        for r in client
            .query(
                "SELECT format('%s|%s', id, secret) FROM billing.invoices ORDER BY id",
                &[],
            )
            .await
            .unwrap()
        {
            out.push(r.get(0));
        }
        for r in client
            .query(
                "SELECT format('%s|%s|%s', plugin, idx, hash) FROM graft._snapshots ORDER BY 1",
                &[],
            )
            .await
            .unwrap()
        {
            out.push(r.get(0));
        }
        out
    };
    let before = state().await;
    assert!(before.contains(&"1|keep me".to_string()), "{before:?}");
    for k in keys() {
        let payload = "0); DROP TABLE billing.invoices; SELECT (1";
        std::fs::write(dir.path().join("evil.json"), (k.file)(payload).to_string()).unwrap();
        let (code, stderr) = graft(&["apply", &dir_arg]);
        assert_eq!(code, 1, "{}: {stderr}", k.context);
        assert!(
            stderr.contains("evil.json: plugin `evil`, ")
                && stderr.contains(k.context)
                && stderr.contains("is not one SQL expression"),
            "{}: {stderr}",
            k.context
        );
        assert_eq!(state().await, before, "{} changed the database", k.context);
    }
}
