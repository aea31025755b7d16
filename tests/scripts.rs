//! Hand-written migrations end to end against real PostgreSQL: a
//! three-plugin host upgraded across several versions with backfills, first
//! installs, closures, and every refusal leaving the database as it was.

mod support;

use graft::migrate::PluginError;
use graft::scripts::{Migration, Phase};
use graft::testing::test_db;
use graft::{Error, Migrator, Options, Outcome, Plugin};
use semver::Version;
use std::time::Duration;
use support::{assert_live, plugin, registry, rows, script, state};

const ACCOUNTS_1_0: &str = r#"{ "plugin": "accounts", "version": "1.0.0", "tables": [ {
  "name": "accounts",
  "columns": [ { "name": "id", "type": "bigint", "identity": "always" },
               { "name": "email", "type": "text", "nullable": false } ],
  "primary_key": ["id"] } ] }"#;

const ACCOUNTS_1_1: &str = r#"{ "plugin": "accounts", "version": "1.1.0", "tables": [ {
  "name": "accounts",
  "columns": [ { "name": "id", "type": "bigint", "identity": "always" },
               { "name": "email", "type": "text", "nullable": false },
               { "name": "name", "type": "text", "nullable": false } ],
  "primary_key": ["id"] } ] }"#;

const BILLING_1_0: &str = r#"{ "plugin": "billing", "version": "1.0.0",
  "depends_on": { "accounts": ">=1.0.0" }, "tables": [ {
  "name": "invoices",
  "columns": [ { "name": "id", "type": "bigint", "identity": "always" },
               { "name": "account_id", "type": "bigint", "nullable": false },
               { "name": "total", "type": "numeric(12,2)", "nullable": false, "default": "0" },
               { "name": "created", "type": "date", "nullable": false } ],
  "primary_key": ["id"],
  "foreign_keys": [ { "columns": ["account_id"],
      "references": { "table": "accounts.accounts", "columns": ["id"] } } ] } ] }"#;

/// 1.0 -> 1.2 in one jump: `due_on` (1.1) and `total_cents` replacing
/// `total` (1.2), both NOT NULL, filled by scripts.
const BILLING_1_2: &str = r#"{ "plugin": "billing", "version": "1.2.0",
  "depends_on": { "accounts": ">=1.1.0" }, "tables": [ {
  "name": "invoices",
  "columns": [ { "name": "id", "type": "bigint", "identity": "always" },
               { "name": "account_id", "type": "bigint", "nullable": false },
               { "name": "created", "type": "date", "nullable": false },
               { "name": "due_on", "type": "date", "nullable": false },
               { "name": "total_cents", "type": "bigint", "nullable": false } ],
  "primary_key": ["id"],
  "checks": [ { "name": "total_cents_nonneg", "expr": "(total_cents >= 0)" } ],
  "foreign_keys": [ { "columns": ["account_id"],
      "references": { "table": "accounts.accounts", "columns": ["id"] } } ] } ] }"#;

const AUDIT_1_0: &str = r#"{ "plugin": "audit", "version": "1.0.0",
  "depends_on": { "billing": ">=1.0.0" }, "tables": [ {
  "name": "events",
  "columns": [ { "name": "id", "type": "bigint", "identity": "always" },
               { "name": "invoice_id", "type": "bigint" },
               { "name": "note", "type": "text", "nullable": false } ],
  "primary_key": ["id"],
  "foreign_keys": [ { "columns": ["invoice_id"],
      "references": { "table": "billing.invoices", "columns": ["id"] } } ] } ] }"#;

fn at(json: &str, version: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut v = v;
    v["version"] = serde_json::json!(version);
    v.to_string()
}

fn accounts_1_1() -> Plugin {
    plugin(ACCOUNTS_1_1).with_migration(script(
        "1.1.0-001-backfill-name.sql",
        "-- graft:up\nUPDATE accounts.accounts SET name = split_part(email, '@', 1) WHERE name IS NULL;\n",
    ))
}

fn billing_scripts() -> Vec<Migration> {
    vec![
        script(
            "1.1.0-001-due-on.sql",
            "-- graft:phase after\n-- graft:up\n\
             UPDATE billing.invoices SET due_on = created + 30 WHERE due_on IS NULL;\n\
             -- graft:down\nUPDATE billing.invoices SET due_on = NULL;\n",
        ),
        script(
            "1.2.0-001-clamp.sql",
            "-- graft:phase before\n-- graft:up\nUPDATE billing.invoices SET total = 0 WHERE total < 0;\n",
        ),
        script(
            "1.2.0-002-cents.sql",
            "-- graft:up\nUPDATE billing.invoices SET total_cents = (total * 100)::bigint;\n\
             -- graft:down\nUPDATE billing.invoices SET total = total_cents / 100.0;\n",
        ),
    ]
}

fn billing_1_2() -> Plugin {
    plugin(BILLING_1_2).with_migrations(billing_scripts())
}

fn audit_1_1() -> Plugin {
    plugin(&at(AUDIT_1_0, "1.1.0")).with_migration(script(
        "1.1.0-001-mark.sql",
        "-- graft:validate\n\
         SELECT 'billing.invoices has no due_on column yet' WHERE NOT EXISTS (\n\
           SELECT 1 FROM pg_attribute WHERE attrelid = 'billing.invoices'::regclass\n\
              AND attname = 'due_on' AND NOT attisdropped);\n\
         -- graft:up\nINSERT INTO audit.events (note) VALUES ('upgraded to 1.1.0');\n",
    ))
}

async fn host_at_1_0(client: &mut tokio_postgres::Client) {
    let reg = registry(&[
        &plugin(ACCOUNTS_1_0),
        &plugin(BILLING_1_0),
        &plugin(AUDIT_1_0),
    ]);
    Migrator::default().migrate_all(client, &reg).await.unwrap();
    client
        .batch_execute(
            "INSERT INTO accounts.accounts (email) VALUES ('ann@example.org'), ('bob@example.org');
             INSERT INTO billing.invoices (account_id, total, created)
                  VALUES (1, 12.50, '2024-01-01'), (2, -5, '2024-02-01');
             INSERT INTO audit.events (invoice_id, note) VALUES (1, 'created');",
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_three_plugin_host_upgrades_across_versions_with_backfills() {
    let db = test_db().await;
    let mut client = db.connect().await;
    host_at_1_0(&mut client).await;

    let (accounts, billing, audit) = (accounts_1_1(), billing_1_2(), audit_1_1());
    let reg = registry(&[&audit, &billing, &accounts]);
    let m = destructive();
    let plans = m.plan_all(&mut client, &reg).await.unwrap();
    let pp = plans.iter().find(|p| p.plugin == "billing").unwrap();
    let order: Vec<String> = pp
        .transition
        .as_deref()
        .unwrap()
        .segments
        .iter()
        .flat_map(|s| match s {
            graft::migrate::Segment::Steps { from, to } => pp.plan.steps[*from..*to]
                .iter()
                .map(|s| format!("{} {}", s.change.kind(), s.change.subject()))
                .collect::<Vec<_>>(),
            graft::migrate::Segment::Script(r) => vec![r.id.clone()],
        })
        .collect();
    // before scripts, the expanding diff (new columns nullable, the dropped
    // one kept), after scripts in (version, seq) order, the contracting diff.
    assert_eq!(
        order,
        [
            "1.2.0-001-clamp",
            "AlterColumn billing.invoices.total",
            "AddColumn billing.invoices.due_on",
            "AddColumn billing.invoices.total_cents",
            "1.1.0-001-due-on",
            "1.2.0-002-cents",
            "DropColumn billing.invoices.total",
            "AlterColumn billing.invoices.due_on",
            "AlterColumn billing.invoices.total_cents",
            "AddCheck billing.invoices.total_cents_nonneg",
        ],
        "{plans:#?}"
    );
    let report = m.migrate_all(&mut client, &reg).await.unwrap();
    assert_eq!(
        report
            .plugins
            .iter()
            .map(|(p, o)| (p.as_str(), matches!(o, Outcome::Applied { to_idx: 2, .. })))
            .collect::<Vec<_>>(),
        [("accounts", true), ("billing", true), ("audit", true)],
        "{report:?}"
    );
    assert_eq!(
        rows(
            &client,
            "SELECT id, name FROM accounts.accounts ORDER BY id"
        )
        .await,
        ["1|ann", "2|bob"]
    );
    assert_eq!(
        rows(
            &client,
            "SELECT id, due_on, total_cents FROM billing.invoices ORDER BY id"
        )
        .await,
        ["1|2024-01-31|1250", "2|2024-03-02|0"]
    );
    assert_eq!(
        rows(&client, "SELECT note FROM audit.events ORDER BY id").await,
        ["created", "upgraded to 1.1.0"]
    );
    for p in [&accounts, &billing, &audit] {
        assert_live(&mut client, p).await;
    }
    // Recorded: one row per script with its checksum, in the order they ran.
    assert_eq!(
        rows(
            &client,
            "SELECT kind, name, version FROM graft._migrations
              WHERE plugin = 'billing' AND idx = 2 ORDER BY id"
        )
        .await,
        [
            "schema|schema|1.2.0",
            "script|1.2.0-001-clamp|1.2.0",
            "script|1.1.0-001-due-on|1.1.0",
            "script|1.2.0-002-cents|1.2.0"
        ]
    );
    let checksum = &rows(
        &client,
        "SELECT hash FROM graft._migrations WHERE name = '1.2.0-002-cents'",
    )
    .await[0];
    assert_eq!(checksum, billing.migrations()[2].checksum().as_str());

    // Again: the fast path (one query, no lock), nothing applied.
    let again = m.migrate_all(&mut client, &reg).await.unwrap();
    assert!(again.fast_path && !again.applied_any(), "{again:?}");
    let plans = m.plan_all(&mut client, &reg).await.unwrap();
    assert!(plans.iter().all(|p| !p.is_pending()), "{plans:#?}");

    // A new migration for the current version (no bump) is noticed by the
    // fast path and runs alone.
    let billing_more = billing_1_2().with_migration(script(
        "1.2.0-003-note.sql",
        "-- graft:up\nUPDATE billing.invoices SET total_cents = total_cents + 1 WHERE id = 1;\n",
    ));
    let reg2 = registry(&[&accounts, &billing_more, &audit]);
    let r = m.migrate_all(&mut client, &reg2).await.unwrap();
    assert!(!r.fast_path);
    assert!(
        matches!(r.plugins[1], (ref p, Outcome::Applied { to_idx: 3, steps: 0, .. }) if p == "billing"),
        "{r:?}"
    );
    assert_eq!(
        rows(
            &client,
            "SELECT total_cents FROM billing.invoices WHERE id = 1"
        )
        .await,
        ["1251"]
    );
    assert!(m.migrate_all(&mut client, &reg2).await.unwrap().fast_path);
}

fn destructive() -> Migrator {
    Migrator::new(Options {
        allow_destructive: true,
        ..Options::default()
    })
}

#[tokio::test]
async fn a_first_install_records_migrations_without_running_them_unless_asked() {
    let db = test_db().await;
    let mut client = db.connect().await;
    let billing = billing_1_2().with_migration(script(
        "1.2.0-003-seed.sql",
        "-- graft:on-install run\n-- graft:up\n\
         INSERT INTO accounts.accounts (email, name) VALUES ('system@example.org', 'system');\n",
    ));
    let reg = registry(&[&accounts_1_1(), &billing]);
    let m = Migrator::default();
    let plans = m.plan_all(&mut client, &reg).await.unwrap();
    let pp = plans.iter().find(|p| p.plugin == "billing").unwrap();
    let skipped: Vec<(&str, bool)> = pp
        .transition
        .as_deref()
        .unwrap()
        .scripts()
        .map(|r| (r.id.as_str(), r.skip))
        .collect();
    assert_eq!(
        skipped,
        [
            ("1.2.0-001-clamp", true),
            ("1.1.0-001-due-on", true),
            ("1.2.0-002-cents", true),
            ("1.2.0-003-seed", false)
        ]
    );
    m.migrate_all(&mut client, &reg).await.unwrap();
    assert_eq!(
        rows(
            &client,
            "SELECT name, applied, skipped FROM graft._scripts WHERE plugin = 'billing' ORDER BY name"
        )
        .await,
        [
            "1.1.0-001-due-on|t|t",
            "1.2.0-001-clamp|t|t",
            "1.2.0-002-cents|t|t",
            "1.2.0-003-seed|t|f"
        ]
    );
    assert_eq!(
        rows(&client, "SELECT email FROM accounts.accounts").await,
        ["system@example.org"]
    );
    assert_live(&mut client, &billing).await;
    assert!(m.migrate_all(&mut client, &reg).await.unwrap().fast_path);
}

/// Runs `reg` and expects it refused with `check`, the database unchanged.
async fn refused(
    client: &mut tokio_postgres::Client,
    m: &Migrator,
    reg: &graft::Registry,
    check: impl Fn(&Error) -> bool,
) -> String {
    let before = state(client).await;
    let err = m.migrate_all(client, reg).await.unwrap_err();
    assert!(check(&err), "unexpected error: {err}");
    assert_eq!(state(client).await, before, "the database changed: {err}");
    err.to_string()
}

fn plugin_err(e: &Error) -> Option<&PluginError> {
    match e {
        Error::Plugin(p) => Some(p),
        _ => None,
    }
}

#[tokio::test]
async fn refusals_leave_the_database_untouched() {
    let db = test_db().await;
    let mut client = db.connect().await;
    host_at_1_0(&mut client).await;
    let m = destructive();
    let reg = registry(&[&accounts_1_1(), &billing_1_2(), &audit_1_1()]);
    m.migrate_all(&mut client, &reg).await.unwrap();

    // An applied migration edited: the checksum error names the file and both checksums.
    let mut edited = billing_scripts();
    edited[2] = script(
        "1.2.0-002-cents.sql",
        "-- graft:up\nUPDATE billing.invoices SET total_cents = (total * 1000)::bigint;\n",
    );
    let recorded = billing_scripts()[2].checksum().to_string();
    let computed = edited[2].checksum().to_string();
    let b = plugin(BILLING_1_2).with_migrations(edited);
    let msg = refused(&mut client, &m, &registry(&[&accounts_1_1(), &b]), |e| {
        matches!(plugin_err(e), Some(PluginError::Checksum { .. }))
    })
    .await;
    for part in [
        "billing",
        "1.2.0-002-cents",
        "1.2.0-002-cents.sql",
        &recorded,
        &computed,
    ] {
        assert!(msg.contains(part), "{msg} lacks {part}");
    }

    // An applied migration missing.
    let b = plugin(BILLING_1_2).with_migrations(billing_scripts().into_iter().skip(1));
    let msg = refused(&mut client, &m, &registry(&[&accounts_1_1(), &b]), |e| {
        matches!(plugin_err(e), Some(PluginError::MissingScript { .. }))
    })
    .await;
    assert!(msg.contains("1.1.0-001-due-on"), "{msg}");

    // A new migration for a version older than the recorded one.
    let b = billing_1_2().with_migration(script("1.0.5-001-late.sql", "-- graft:up\nSELECT 1;\n"));
    let msg = refused(&mut client, &m, &registry(&[&accounts_1_1(), &b]), |e| {
        matches!(plugin_err(e), Some(PluginError::OutOfOrder { .. }))
    })
    .await;
    assert!(msg.contains("1.0.5") && msg.contains("1.2.0"), "{msg}");

    // A validate step that refuses, after other plugins' steps already ran
    // in the transaction.
    let a =
        plugin(&at(ACCOUNTS_1_1, "1.2.0")).with_migrations(accounts_1_1().migrations().to_vec());
    let au = plugin(&at(AUDIT_1_0, "1.2.0"))
        .with_migrations(audit_1_1().migrations().to_vec())
        .with_migration(script(
            "1.2.0-001-guard.sql",
            "-- graft:validate\nSELECT format('%s events have no invoice', count(*))\n\
               FROM audit.events WHERE invoice_id IS NULL HAVING count(*) > 0;\n\
             -- graft:up\nDELETE FROM audit.events;\n",
        ));
    let msg = refused(
        &mut client,
        &m,
        &registry(&[&a, &billing_1_2(), &au]),
        |e| matches!(plugin_err(e), Some(PluginError::Refused { .. })),
    )
    .await;
    assert!(msg.contains("1 events have no invoice"), "{msg}");

    // A timeout.
    let au = plugin(&at(AUDIT_1_0, "1.2.0"))
        .with_migrations(audit_1_1().migrations().to_vec())
        .with_migration(script(
            "1.2.0-001-slow.sql",
            "-- graft:timeout 100ms\n-- graft:up\nSELECT pg_sleep(5);\n",
        ));
    let msg = refused(
        &mut client,
        &m,
        &registry(&[&accounts_1_1(), &billing_1_2(), &au]),
        |e| {
            matches!(
                plugin_err(e),
                Some(PluginError::Script {
                    timeout: Some(_),
                    ..
                })
            )
        },
    )
    .await;
    assert!(
        msg.contains("timeout of 100ms") && msg.contains("57014"),
        "{msg}"
    );

    // SQL that fails.
    let au = plugin(&at(AUDIT_1_0, "1.2.0"))
        .with_migrations(audit_1_1().migrations().to_vec())
        .with_migration(script(
            "1.2.0-001-bad.sql",
            "-- graft:up\nUPDATE audit.events SET nosuchcolumn = 1;\n",
        ));
    let msg = refused(
        &mut client,
        &m,
        &registry(&[&accounts_1_1(), &billing_1_2(), &au]),
        |e| {
            matches!(
                plugin_err(e),
                Some(PluginError::Script {
                    timeout: None,
                    part: "up",
                    ..
                })
            )
        },
    )
    .await;
    assert!(
        msg.contains("nosuchcolumn") && msg.contains("1.2.0-001-bad"),
        "{msg}"
    );

    // Hand-written migrations without a version.
    let p = plugin(r#"{ "plugin": "loose", "tables": [] }"#)
        .with_migration(script("1.0.0-001-x.sql", "-- graft:up\nSELECT 1;\n"));
    refused(&mut client, &m, &registry(&[&p]), |e| {
        matches!(plugin_err(e), Some(PluginError::Unversioned { .. }))
    })
    .await;

    // And the host still migrates as before: nothing was left half done.
    assert!(m.migrate_all(&mut client, &reg).await.unwrap().fast_path);
}

#[tokio::test]
async fn closures_run_in_the_transaction_and_can_refuse() {
    let db = test_db().await;
    let mut client = db.connect().await;
    host_at_1_0(&mut client).await;
    let m = Migrator::new(Options::default());
    let v = Version::new(1, 1, 0);
    let backfill = Migration::closure(v.clone(), 1, "backfill-name", |tx| {
        Box::pin(async move {
            let rows = tx
                .query("SELECT id, email FROM accounts.accounts", &[])
                .await?;
            for r in rows {
                let id: i64 = r.get(0);
                let email: String = r.get(1);
                let name = email.split('@').next().unwrap_or_default().to_uppercase();
                tx.execute(
                    "UPDATE accounts.accounts SET name = $1 WHERE id = $2",
                    &[&name, &id],
                )
                .await?;
            }
            Ok(())
        })
    })
    .phase(Phase::After);
    // A refusing validate closure: nothing happens.
    let refusing = backfill.clone().validate(|tx| {
        Box::pin(async move {
            let n: i64 = tx
                .query_one("SELECT count(*) FROM accounts.accounts", &[])
                .await?
                .get(0);
            if n > 1 {
                return Err(format!("{n} accounts: too many to backfill in Rust").into());
            }
            Ok(())
        })
    });
    let msg = refused(
        &mut client,
        &m,
        &registry(&[&plugin(ACCOUNTS_1_1).with_migration(refusing)]),
        |e| matches!(plugin_err(e), Some(PluginError::Refused { .. })),
    )
    .await;
    assert!(msg.contains("2 accounts: too many"), "{msg}");

    let p = plugin(ACCOUNTS_1_1).with_migration(backfill.clone().timeout(Duration::from_secs(5)));
    m.migrate(&mut client, &p).await.unwrap();
    assert_eq!(
        rows(&client, "SELECT name FROM accounts.accounts ORDER BY id").await,
        ["ANN", "BOB"]
    );
    assert_eq!(
        rows(&client, "SELECT source, up_sql FROM graft._scripts").await,
        ["closure|-"]
    );
    assert!(m.migrate(&mut client, &p).await.unwrap().fast_path);
    // A closure's checksum covers its fingerprint: a changed closure says so.
    let changed = plugin(ACCOUNTS_1_1)
        .with_migration(backfill.timeout(Duration::from_secs(5)).fingerprint("v2"));
    refused(&mut client, &m, &registry(&[&changed]), |e| {
        matches!(plugin_err(e), Some(PluginError::Checksum { .. }))
    })
    .await;
}

#[tokio::test]
async fn concurrent_upgrades_run_each_migration_exactly_once() {
    let db = test_db().await;
    let mut client = db.connect().await;
    host_at_1_0(&mut client).await;
    let p = std::sync::Arc::new(accounts_1_1().with_migration(script(
        "1.1.0-002-count.sql",
        "-- graft:up\nINSERT INTO accounts.accounts (email, name) VALUES ('once@example.org', 'once');\n",
    )));
    let mut handles = Vec::new();
    for _ in 0..6 {
        let p = p.clone();
        let mut c = db.connect().await;
        handles.push(tokio::spawn(async move {
            Migrator::default().migrate(&mut c, &p).await
        }));
    }
    let mut applied = 0;
    for h in handles {
        if h.await
            .unwrap()
            .expect("every caller succeeds")
            .applied_any()
        {
            applied += 1;
        }
    }
    assert_eq!(applied, 1);
    assert_eq!(
        rows(
            &client,
            "SELECT count(*) FROM accounts.accounts WHERE email = 'once@example.org'"
        )
        .await,
        ["1"]
    );
    assert_eq!(
        rows(
            &client,
            "SELECT count(*) FROM graft._migrations WHERE kind = 'script'"
        )
        .await,
        ["2"]
    );
}
