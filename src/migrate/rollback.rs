//! Rollback: return a plugin to an earlier snapshot.
//!
//! The target is snapshot `idx` of the plugin's history. The transition
//! diffs the head against it and undoes the hand-written migrations applied
//! since (their down parts, newest first), or runs again the ones it had
//! and a later rollback undid; see [`super`] for the order. It is recorded
//! as a new head (`kind = 'rollback'`, history is append-only), so it can
//! be rolled back in turn.

use super::plan::{build_program, check_cross_plugin, stored_run};
use super::transition::{Direction, Transition, TransitionKind};
use super::PluginError;
use super::{hazard_label, Migrator, Outcome, PluginPlan, Report};
use crate::error::Error;
use crate::registry::Plugin;
use crate::scripts::{digest, DigestEntry, Migration};
use crate::store::scripts::{head_schemas, load_scripts, snapshot_state};
use std::collections::{HashMap, HashSet};
use tokio_postgres::Client;
use tracing::{info_span, Instrument};

/// What a rollback may do.
#[derive(Debug, Clone, Copy, Default)]
pub struct RollbackOptions {
    /// Run steps that lose data (dropping what the snapshot did not have).
    pub allow_destructive: bool,
    /// Roll back past hand-written migrations that have no down part
    /// (their effects stay; they count as undone).
    pub allow_missing_down: bool,
    /// Plan only: return the plan without applying it.
    pub dry_run: bool,
}

fn perr(e: PluginError) -> Error {
    Error::from(e)
}

impl Migrator {
    /// Returns `plugin` to its snapshot `to_idx`, in one transaction.
    /// `declared` supplies the closures of Rust migrations (SQL parts are
    /// stored in the tracking tables, so files are not needed). Returns the
    /// report and the plan that ran (or would run, with `dry_run`).
    pub async fn rollback(
        &self,
        client: &mut Client,
        plugin: &str,
        to_idx: i32,
        opts: RollbackOptions,
        declared: Option<&Plugin>,
    ) -> Result<(Report, PluginPlan), Error> {
        let span = info_span!("graft.rollback", plugin = %plugin, to_idx);
        self.rollback_inner(client, plugin, to_idx, opts, declared)
            .instrument(span)
            .await
    }

    async fn rollback_inner(
        &self,
        client: &mut Client,
        plugin: &str,
        to_idx: i32,
        opts: RollbackOptions,
        declared: Option<&Plugin>,
    ) -> Result<(Report, PluginPlan), Error> {
        let store = self.store();
        let tx = client
            .transaction()
            .await
            .map_err(Error::db("starting the rollback transaction"))?;
        self.lock_and_upgrade(&tx).await?;
        let target = |reason: String| {
            perr(PluginError::RollbackTarget {
                plugin: plugin.to_string(),
                idx: to_idx,
                reason,
            })
        };
        let heads = store.read_heads_tx(&tx).await?;
        let Some(head) = heads.get(plugin) else {
            return Err(target("the plugin has no recorded migrations".into()));
        };
        if to_idx >= head.head_idx || to_idx < 1 {
            return Err(target(format!(
                "the head is snapshot {}; a rollback goes to an earlier one (1 to {})",
                head.head_idx,
                head.head_idx - 1
            )));
        }
        let wanted_head = [(plugin.to_string(), head.head_idx)];
        let wanted_target = [(plugin.to_string(), to_idx)];
        let head_snap = store
            .load_snapshots(&tx, &wanted_head)
            .await?
            .remove(plugin)
            .ok_or_else(|| target("the head snapshot is missing".into()))?;
        let target_snap = match store.load_snapshots(&tx, &wanted_target).await {
            Ok(mut m) => m
                .remove(plugin)
                .ok_or_else(|| target("no such snapshot".into()))?,
            Err(Error::Tracking(_)) => return Err(target("no such snapshot".into())),
            Err(e) => return Err(e),
        };
        let (target_ids, target_version) = snapshot_state(&tx, store.schema(), plugin, to_idx)
            .await?
            .ok_or_else(|| target("no such snapshot".into()))?;
        let stored = load_scripts(&tx, store.schema(), &[plugin])
            .await?
            .remove(plugin)
            .unwrap_or_default();
        let by_id: HashMap<String, &Migration> = declared
            .map(|p| p.migrations().iter().map(|m| (m.id(), m)).collect())
            .unwrap_or_default();
        let declared_of = |id: &str| by_id.get(id).copied();
        let target_set: HashSet<&str> = target_ids.iter().map(String::as_str).collect();
        let mut downs = Vec::new();
        let mut ups = Vec::new();
        let mut missing = Vec::new();
        let mut applied_after: Vec<DigestEntry> = Vec::new();
        for s in &stored {
            let in_target = target_set.contains(s.name.as_str());
            if in_target {
                applied_after.push(DigestEntry {
                    version: s.version.parse().map_err(|_| {
                        Error::Tracking(format!("_scripts: bad version `{}`", s.version))
                    })?,
                    seq: s.seq.max(0) as u32,
                    id: s.name.clone(),
                    checksum: s.checksum.clone(),
                });
            }
            match (s.applied, in_target) {
                (true, false) => match stored_run(s, declared_of(&s.name), Direction::Down)? {
                    Some(r) => downs.push(r),
                    None if opts.allow_missing_down => {}
                    None => missing.push(s.name.clone()),
                },
                (false, true) => match stored_run(s, declared_of(&s.name), Direction::Up)? {
                    Some(r) => ups.push(r),
                    None => {
                        return Err(target(format!(
                            "hand-written migration {} must run again, but it is a Rust closure: \
                             pass the declared plugin",
                            s.name
                        )))
                    }
                },
                _ => {}
            }
        }
        if !missing.is_empty() {
            return Err(perr(PluginError::MissingDown {
                plugin: plugin.to_string(),
                migrations: missing,
            }));
        }
        for id in &target_ids {
            if !stored.iter().any(|s| &s.name == id) {
                return Err(Error::Tracking(format!(
                    "plugin `{plugin}` snapshot {to_idx} names hand-written migration {id}, \
                     which is not in _scripts"
                )));
            }
        }
        ups.sort_by(|a, b| (&a.version, a.seq).cmp(&(&b.version, b.seq)));
        downs.sort_by(|a, b| (&b.version, b.seq).cmp(&(&a.version, a.seq)));
        let (plan, segments) =
            build_program(plugin, &head_snap.schema, &target_snap.schema, ups, downs)?;
        let scripts_hash = digest(&mut applied_after);
        let pp = PluginPlan {
            plugin: plugin.to_string(),
            version: target_version.clone(),
            recorded_version: head.version.clone(),
            from_idx: Some(head.head_idx),
            from_hash: Some(head.head_hash.clone()),
            to_hash: target_snap.hash(),
            snapshot_diff: crate::snapshot::diff_text(&head_snap, &target_snap),
            plan,
            warnings: Vec::new(),
            live: None,
            transition: Some(Box::new(Transition {
                kind: TransitionKind::Rollback,
                name: format!("rollback to {to_idx}"),
                version: target_version,
                segments,
                applied_after: applied_after.iter().map(|e| e.id.clone()).collect(),
                scripts_hash,
                snapshot: target_snap,
            })),
        };
        if !opts.allow_destructive {
            let steps: Vec<String> = pp
                .plan
                .destructive_steps()
                .map(|(i, s)| {
                    format!(
                        "step {} {} {}: {}",
                        i + 1,
                        s.change.kind(),
                        s.change.subject(),
                        s.hazards
                            .iter()
                            .map(|h| hazard_label(*h))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            if !steps.is_empty() {
                return Err(Error::Destructive {
                    plugin: plugin.to_string(),
                    steps,
                });
            }
        }
        let plans = std::slice::from_ref(&pp);
        if super::plan::touches_anything(plans) {
            let mut schemas = head_schemas(&tx, store.schema()).await?;
            if let Some(t) = &pp.transition {
                schemas.insert(plugin.to_string(), t.snapshot.schema.clone());
            }
            check_cross_plugin(plans, &schemas)?;
        }
        if opts.dry_run {
            tx.rollback()
                .await
                .map_err(Error::db("ending the rollback transaction"))?;
            return Ok((
                Report {
                    plugins: vec![(plugin.to_string(), Outcome::UpToDate)],
                    fast_path: false,
                },
                pp,
            ));
        }
        let tr = pp
            .transition
            .as_deref()
            .expect("a rollback is a transition");
        let outcome =
            super::run::run_transition(self.options(), store, &tx, &pp, tr, &|_| {}).await?;
        if let Outcome::RolledBack { to_idx, .. } = &outcome {
            super::guard::record_live(
                &tx,
                store,
                &[(plugin, &tr.snapshot.schema, *to_idx)],
                &Default::default(),
            )
            .await?;
        }
        tx.commit()
            .await
            .map_err(Error::db("committing the rollback"))?;
        Ok((
            Report {
                plugins: vec![(plugin.to_string(), outcome)],
                fast_path: false,
            },
            pp,
        ))
    }
}
