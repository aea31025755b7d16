//! Running a [`Transition`] inside the migration transaction and recording
//! it.

use super::transition::{Direction, ScriptRun, Segment, Transition, TransitionKind};
use super::{Options, Outcome, PluginError, PluginPlan};
use crate::error::{pg_error_text, Error};
use crate::scripts::{Action, BoxError, Validate};
use crate::store::scripts::{record_script, record_scripts_state, ScriptRecord};
use crate::store::{Record, Store};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio_postgres::{SimpleQueryMessage, Transaction};
use tracing::{debug, info, info_span, Instrument};

/// Runs one plugin's transition; the caller commits.
pub(crate) async fn run_transition(
    opts: &Options,
    store: &Store,
    tx: &Transaction<'_>,
    pp: &PluginPlan,
    tr: &Transition,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let mut statements = Vec::new();
    let mut ran: Vec<(&ScriptRun, Vec<String>, f64, i64)> = Vec::new();
    for seg in &tr.segments {
        match seg {
            Segment::Steps { from, to } => {
                for i in *from..*to {
                    let step = &pp.plan.steps[i];
                    let label = format!("{} {}", step.change.kind(), step.change.subject());
                    progress(&label);
                    let t = Instant::now();
                    let span = info_span!("graft.step", plugin = %pp.plugin, step = i + 1, kind = step.change.kind());
                    async {
                        for sql in &step.sql {
                            tx.batch_execute(sql).await.map_err(|e| Error::Apply {
                                plugin: pp.plugin.clone(),
                                step_index: i + 1,
                                step: label.clone(),
                                sql: sql.clone(),
                                source: Box::new(e),
                            })?;
                            statements.push(sql.clone());
                        }
                        Ok::<(), Error>(())
                    }
                    .instrument(span)
                    .await?;
                    debug!(plugin = %pp.plugin, step = i + 1, kind = step.change.kind(),
                           duration_ms = t.elapsed().as_millis() as u64, "step applied");
                }
            }
            Segment::Script(run) => {
                let started_at = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs_f64())
                    .unwrap_or(0.0);
                let t = Instant::now();
                let sql = if run.skip {
                    Vec::new()
                } else {
                    progress(&format!(
                        "{} {}",
                        if run.direction == Direction::Up {
                            "migration"
                        } else {
                            "down"
                        },
                        run.id
                    ));
                    let span = info_span!("graft.script", plugin = %pp.plugin, migration = %run.id,
                                          direction = ?run.direction);
                    run_script(tx, &pp.plugin, run).instrument(span).await?
                };
                let ms = t.elapsed().as_millis() as i64;
                debug!(plugin = %pp.plugin, migration = %run.id, duration_ms = ms, skipped = run.skip,
                       "hand-written migration part ran");
                ran.push((run, sql, started_at, ms));
            }
        }
    }
    let to_idx = pp.from_idx.map_or(1, |i| i + 1);
    let duration_ms = started.elapsed().as_millis() as i64;
    let hash = tr.snapshot.hash();
    store
        .record(
            tx,
            &Record {
                plugin: &pp.plugin,
                idx: to_idx,
                kind: match tr.kind {
                    TransitionKind::Upgrade => "schema",
                    TransitionKind::Rollback => "rollback",
                },
                name: &tr.name,
                version: tr.version.as_deref(),
                hash: &hash,
                snapshot: &tr.snapshot,
                statements: &statements,
                duration_ms,
                applied_by: opts.applied_by.as_deref(),
            },
        )
        .await?;
    let mut script_statements = 0;
    for (run, sql, at, ms) in &ran {
        script_statements += sql.len();
        record_script(
            tx,
            store.schema(),
            &pp.plugin,
            to_idx,
            &script_record(run, sql, *at, *ms),
            opts.applied_by.as_deref(),
        )
        .await?;
    }
    record_scripts_state(
        tx,
        store.schema(),
        &pp.plugin,
        to_idx,
        tr.scripts_hash.as_ref(),
        &tr.applied_after,
    )
    .await?;
    info!(plugin = %pp.plugin, to_idx, steps = pp.plan.steps.len(), scripts = ran.len(),
          duration_ms, "applied");
    Ok(match tr.kind {
        TransitionKind::Upgrade => Outcome::Applied {
            from_idx: pp.from_idx,
            to_idx,
            steps: pp.plan.steps.len(),
            statements: statements.len() + script_statements,
        },
        TransitionKind::Rollback => Outcome::RolledBack {
            from_idx: pp.from_idx,
            to_idx,
            steps: pp.plan.steps.len(),
            scripts: ran.iter().filter(|r| !r.0.skip).count(),
        },
    })
}

/// What the tracking tables record of a part that ran.
fn script_record<'a>(
    run: &'a ScriptRun,
    statements: &'a [String],
    started_epoch: f64,
    duration_ms: i64,
) -> ScriptRecord<'a> {
    ScriptRecord {
        id: &run.id,
        version: run.version.to_string(),
        seq: run.seq,
        phase: run.phase,
        up: run.direction == Direction::Up,
        checksum: &run.checksum,
        source: &run.source,
        up_sql: run.up_sql.as_deref(),
        down_sql: run.down_sql.as_deref(),
        has_down: run.has_down,
        timeout_ms: run.timeout.map(|t| t.as_millis() as i64),
        skip: run.skip,
        statements,
        started_epoch,
        duration_ms,
    }
}

fn fail(
    plugin: &str,
    run: &ScriptRun,
    part: &'static str,
    sql: Option<&str>,
    e: &BoxError,
) -> Error {
    let pg = e.downcast_ref::<tokio_postgres::Error>();
    let timed_out = pg
        .and_then(|p| p.code())
        .is_some_and(|c| c.code() == "57014")
        && run.timeout.is_some();
    Error::from(PluginError::Script {
        plugin: plugin.to_string(),
        migration: run.id.clone(),
        part,
        message: match pg {
            Some(p) => pg_error_text(p),
            None => e.to_string(),
        },
        sql: sql.map(str::to_string),
        timeout: if timed_out {
            run.timeout.map(|t| format!("{}ms", t.as_millis()))
        } else {
            None
        },
    })
}

/// Validate (ups), timeout, the part itself; returns the SQL run.
async fn run_script(
    tx: &Transaction<'_>,
    plugin: &str,
    run: &ScriptRun,
) -> Result<Vec<String>, Error> {
    let part = match run.direction {
        Direction::Up => "up",
        Direction::Down => "down",
    };
    let previous: Option<String> = match run.timeout {
        Some(t) => {
            let ms = format!("{}ms", t.as_millis().max(1));
            let row = tx
                .query_one(
                    "SELECT current_setting('statement_timeout'), set_config('statement_timeout', $1, true)",
                    &[&ms],
                )
                .await
                .map_err(Error::db(format!("setting the timeout of migration {}", run.id)))?;
            Some(row.get(0))
        }
        None => None,
    };
    let mut executed = Vec::new();
    if let Some(v) = &run.validate {
        match v {
            Validate::Sql(sql) => {
                let msgs = tx.simple_query(sql).await.map_err(|e| {
                    fail(
                        plugin,
                        run,
                        "validate",
                        Some(sql),
                        &(Box::new(e) as BoxError),
                    )
                })?;
                let reasons: Vec<String> = msgs
                    .iter()
                    .filter_map(|m| match m {
                        SimpleQueryMessage::Row(r) => {
                            Some(r.get(0).unwrap_or("(a row with no reason)").to_string())
                        }
                        _ => None,
                    })
                    .collect();
                if !reasons.is_empty() {
                    return Err(Error::from(PluginError::Refused {
                        plugin: plugin.to_string(),
                        migration: run.id.clone(),
                        reason: reasons.join("; "),
                    }));
                }
            }
            Validate::Closure(f) => {
                if let Err(e) = f(tx).await {
                    if e.downcast_ref::<tokio_postgres::Error>().is_some() {
                        return Err(fail(plugin, run, "validate", None, &e));
                    }
                    return Err(Error::from(PluginError::Refused {
                        plugin: plugin.to_string(),
                        migration: run.id.clone(),
                        reason: e.to_string(),
                    }));
                }
            }
        }
    }
    match &run.action {
        Some(Action::Sql(sql)) => {
            tx.batch_execute(sql)
                .await
                .map_err(|e| fail(plugin, run, part, Some(sql), &(Box::new(e) as BoxError)))?;
            executed.push(sql.clone());
        }
        Some(Action::Closure(f)) => {
            f(tx).await.map_err(|e| fail(plugin, run, part, None, &e))?;
        }
        None => {}
    }
    if let Some(prev) = previous {
        tx.execute("SELECT set_config('statement_timeout', $1, true)", &[&prev])
            .await
            .map_err(Error::db(format!(
                "restoring the timeout after migration {}",
                run.id
            )))?;
    }
    Ok(executed)
}
