//! `graft diff --from SRC --to DST`: the SQL that turns SRC into DST, each
//! a database or schema files. Only the SQL goes to stdout (or, with
//! `--json`, the typed plan); warnings go to stderr.
//!
//! A database side reads the namespaces named with `--schema`, else those
//! the other side's files declare, else every namespace but the system's
//! and the tracking schema. A files side compared with a database is
//! normalised through that database first ([`crate::normalize`]), so the
//! expressions compare in the form the server prints them; the database's
//! extensions are then compared as the files declare them (a version or
//! namespace the files leave open is not a difference, an extension they
//! do not name is not in scope). Two files sides compare as declared.

use super::super::output::{count, print, print_json, printable, step_json};
use super::super::{connect_url, Exit, Global};
use crate::diff::diff;
use crate::introspect::{introspect, Unmodeled};
use crate::migrate::hazard_label;
use crate::model::{extensions_as_declared, Schema};
use crate::normalize::normalize_in;
use crate::plan::{build_plan, Plan};
use crate::render::plan_sql;
use crate::sources::{load_files, only_namespaces, user_namespaces, Source};
use serde_json::{json, Value};
use tokio_postgres::Client;

/// One side, loaded.
struct Side {
    source: Source,
    schema: Schema,
    unmodeled: Vec<Unmodeled>,
    client: Option<Client>,
}

impl Side {
    fn kind(&self) -> &'static str {
        match self.source {
            Source::Database(_) => "database",
            Source::Files(_) => "files",
        }
    }
}

pub(in crate::cli) async fn run(
    g: &Global,
    from: &str,
    to: &str,
    schemas: &[String],
    check: bool,
) -> anyhow::Result<Exit> {
    let (src, dst) = (
        Source::parse(from).map_err(|e| anyhow::anyhow!("--from: {e}"))?,
        Source::parse(to).map_err(|e| anyhow::anyhow!("--to: {e}"))?,
    );
    let (mut from, mut to) = (
        load_files_side(src, schemas)?,
        load_files_side(dst, schemas)?,
    );
    // database sides read the namespaces the other side's files declare
    let from_ns = files_namespaces(&to, schemas);
    let to_ns = files_namespaces(&from, schemas);
    load_database_side(g, &mut from, &from_ns).await?;
    load_database_side(g, &mut to, &to_ns).await?;
    normalise_files_against(&mut from, &mut to).await?;
    normalise_files_against(&mut to, &mut from).await?;

    let plan = build_plan(diff(&from.schema, &to.schema))?;
    warn(&from, "--from");
    warn(&to, "--to");
    for (i, step) in plan.steps.iter().enumerate() {
        let mut what: Vec<&str> = step
            .hazards
            .iter()
            .filter(|h| !matches!(h, crate::plan::Hazard::LongLock))
            .map(|h| hazard_label(*h))
            .collect();
        if !step.transactional {
            what.push("cannot run inside a transaction");
        }
        if !what.is_empty() {
            eprintln!(
                "warning: step {} {} {}: {}",
                i + 1,
                step.change.kind(),
                printable(&step.change.subject()),
                what.join(", ")
            );
        }
    }
    if g.json {
        print_json(&to_json(&plan, &from, &to))?;
    } else {
        if plan.is_empty() {
            eprintln!(
                "No differences: {} and {} hold the same schema.",
                from.source.label(),
                to.source.label()
            );
        } else {
            eprintln!(
                "{} turning {} into {}.",
                count(plan.steps.len(), "step"),
                from.source.label(),
                to.source.label()
            );
        }
        print(&plan_sql(&plan))?;
    }
    Ok(if check && !plan.is_empty() {
        Exit::Pending
    } else {
        Exit::Ok
    })
}

fn load_files_side(source: Source, schemas: &[String]) -> anyhow::Result<Side> {
    let schema = match &source {
        Source::Files(p) => {
            let (_, schema) = load_files(std::slice::from_ref(p))?;
            only_namespaces(&schema, schemas)
        }
        Source::Database(_) => Schema::default(),
    };
    Ok(Side {
        source,
        schema,
        unmodeled: Vec::new(),
        client: None,
    })
}

/// The namespaces a database side compared with `other` reads: `--schema`,
/// else the namespaces `other`'s files declare (empty: every namespace).
fn files_namespaces(other: &Side, schemas: &[String]) -> Vec<String> {
    if !schemas.is_empty() {
        return schemas.to_vec();
    }
    match other.source {
        Source::Files(_) => other.schema.namespaces.clone(),
        Source::Database(_) => Vec::new(),
    }
}

async fn load_database_side(
    g: &Global,
    side: &mut Side,
    namespaces: &[String],
) -> anyhow::Result<()> {
    let Source::Database(url) = &side.source else {
        return Ok(());
    };
    let mut client = connect_url(url).await?;
    let namespaces = if namespaces.is_empty() {
        user_namespaces(&client, &g.tracking_schema).await?
    } else {
        namespaces.to_vec()
    };
    let live = introspect(&mut client, &namespaces).await?;
    side.schema = live.schema;
    side.unmodeled = live.unmodeled;
    side.client = Some(client);
    Ok(())
}

/// A files side against a database side: the files' expressions as that
/// server prints them, the database's extensions as the files declare them.
async fn normalise_files_against(files: &mut Side, db: &mut Side) -> anyhow::Result<()> {
    let (Source::Files(_), Some(client)) = (&files.source, db.client.as_mut()) else {
        return Ok(());
    };
    let tx = client
        .transaction()
        .await
        .map_err(crate::Error::db("starting the normalisation transaction"))?;
    let normalized = normalize_in(&tx, &files.schema).await;
    tx.rollback()
        .await
        .map_err(crate::Error::db("ending the normalisation transaction"))?;
    files.schema = normalized?;
    db.schema.extensions = extensions_as_declared(&db.schema.extensions, &files.schema.extensions);
    db.schema.normalize();
    Ok(())
}

fn warn(side: &Side, flag: &str) {
    for u in &side.unmodeled {
        eprintln!(
            "warning: {flag} {}: not modelled by graft, not compared: {}",
            printable(&side.source.label()),
            printable(&u.to_string())
        );
    }
}

fn to_json(plan: &Plan, from: &Side, to: &Side) -> Value {
    let side = |s: &Side| {
        json!({
            "source": s.source.label(),
            "kind": s.kind(),
            "namespaces": s.schema.namespaces,
            "unmodeled": s.unmodeled,
        })
    };
    json!({
        "from": side(from),
        "to": side(to),
        "differences": !plan.is_empty(),
        "destructive_steps": plan.destructive_steps().count(),
        "steps": plan.steps.iter().enumerate().map(|(i, s)| step_json(i, s)).collect::<Vec<_>>(),
        "sql": plan.statements().collect::<Vec<_>>(),
    })
}
