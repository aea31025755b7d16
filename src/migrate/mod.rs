//! Migrating: everything that runs a migration, above the pure stages
//! (diff, plan, render) and the tracking tables ([`crate::store`]).
//!
//! - [`Migrator`]: `migrate_all` first reads every journal head in one
//!   round trip; when each declared hash (computed once, when the plugin was
//!   built) equals its head and the versions agree, that is the whole cost
//!   of a boot. Otherwise one transaction takes `pg_advisory_xact_lock`,
//!   upgrades the tracking tables if needed, re-reads the journal under the
//!   lock (another instance may have applied meanwhile), loads and verifies
//!   the head snapshots, diffs, plans, refuses destructive steps without
//!   permission, runs the DDL and records the new heads. Any failure rolls
//!   all of it back, and puts the `_migrations` id sequence back where it
//!   was (a rollback alone keeps its advances).
//! - the plugin life cycle around the core diff ([`transition`]): versions
//!   (downgrades refused unless allowed, schema changes under an unchanged
//!   version reported), hand-written migrations ([`crate::scripts`]) placed
//!   around the schema diff, rollbacks to earlier snapshots
//!   ([`Migrator::rollback`]), and the cross-plugin foreign key guard;
//! - the drift guard on the apply path (adoption, repair; see
//!   [`crate::drift`]).

mod error;
pub mod expand;
mod guard;
mod plan;
mod roles;
mod rollback;
mod run;
pub mod transition;

pub use error::PluginError;
pub use plan::check_cross_plugin;
pub use rollback::RollbackOptions;
pub use transition::{Direction, ScriptRun, Segment, Transition, TransitionKind};

use crate::diff::diff;
use crate::error::Error;
use crate::model::Schema;
use crate::plan::{build_plan, Hazard, Plan};
use crate::registry::{Plugin, Registry};
use crate::snapshot::{Snapshot, SnapshotHash};
use crate::store::{DeclaredHead, JournalHead, Record, Store};
use serde::Serialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio_postgres::Client;
use tracing::{debug, info, info_span, Instrument};

/// How [`Migrator`] behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Schema of the tracking tables (`graft`).
    pub tracking_schema: String,
    /// Run destructive steps (dropped tables, columns, enum values, narrowing casts).
    pub allow_destructive: bool,
    /// `SET LOCAL lock_timeout` for the DDL (not for the advisory lock wait).
    pub lock_timeout: Duration,
    /// Recorded in `_migrations.applied_by` (`current_user` when `None`).
    pub applied_by: Option<String>,
    /// A changed schema under an unchanged version is an error, not a
    /// warning (for production).
    pub strict: bool,
    /// A declared version lower than the recorded one is planned as a
    /// rollback instead of refused.
    pub allow_downgrade: bool,
    /// A downgrade may undo hand-written migrations that have no down part.
    pub allow_missing_down: bool,
    /// Plan against the live database where it drifted from the recorded
    /// schema, turning it back into the declaration, instead of refusing
    /// to migrate over drift in the objects a plan changes. Also repairs
    /// plugins that are otherwise up to date (no boot fast path then).
    /// See [`crate::drift`].
    pub repair_drift: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tracking_schema: "graft".to_string(),
            allow_destructive: false,
            lock_timeout: Duration::from_secs(10),
            applied_by: None,
            strict: false,
            allow_downgrade: false,
            allow_missing_down: false,
            repair_drift: false,
        }
    }
}

/// The plan for one plugin.
#[derive(Debug, Clone, Serialize)]
pub struct PluginPlan {
    /// The plugin.
    pub plugin: String,
    /// Declared version.
    pub version: Option<String>,
    /// Recorded version.
    pub recorded_version: Option<String>,
    /// Current head index (`None` before the first migration).
    pub from_idx: Option<i32>,
    /// Current head hash.
    pub from_hash: Option<SnapshotHash>,
    /// Declared hash.
    pub to_hash: SnapshotHash,
    /// The steps.
    pub plan: Plan,
    /// Readable diff of the head snapshot and the declared one.
    #[serde(skip)]
    pub snapshot_diff: String,
    /// Warnings: a changed schema under an unchanged version; what the
    /// apply leaves as it is and says so (objects the model does not
    /// cover, objects the declaration does not name, drift outside what the
    /// plan changes).
    pub warnings: Vec<String>,
    /// Hand-written migrations and how they interleave with the steps, or a
    /// downgrade or rollback ([`transition`]); `None` for a plain schema
    /// diff.
    pub transition: Option<Box<Transition>>,
    /// Set when the plan starts from the live database (adoption of
    /// existing objects, or drift repair) rather than from the head snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<crate::drift::LivePlan>,
}

impl PluginPlan {
    /// Whether applying would change anything (schema, hand-written
    /// migrations, recorded version, or drift to repair).
    pub fn is_pending(&self) -> bool {
        self.from_hash.as_ref() != Some(&self.to_hash)
            || self.version != self.recorded_version
            || self.transition.is_some()
            || self.live.is_some()
    }
}

/// What happened to one plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Already at the declared schema and version.
    UpToDate,
    /// A new snapshot was applied.
    Applied {
        /// Previous head (`None` for the first migration).
        from_idx: Option<i32>,
        /// New head.
        to_idx: i32,
        /// Steps run.
        steps: usize,
        /// Statements run.
        statements: usize,
    },
    /// Schema unchanged; only the recorded version moved.
    VersionRecorded,
    /// Rolled back (an explicit rollback or an allowed downgrade).
    RolledBack {
        /// Head before.
        from_idx: Option<i32>,
        /// New head (a copy of the target snapshot).
        to_idx: i32,
        /// Schema steps run.
        steps: usize,
        /// Hand-written migration parts run.
        scripts: usize,
    },
    /// The first snapshot of a plugin whose objects already existed: they
    /// were adopted (see [`crate::drift`]), the steps bringing them to the
    /// declaration applied, and the snapshot recorded as a baseline.
    Adopted {
        /// The new head (1).
        to_idx: i32,
        /// Steps run.
        steps: usize,
        /// Statements run.
        statements: usize,
    },
}

/// The result of a migration run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Per plugin, in the order they ran.
    pub plugins: Vec<(String, Outcome)>,
    /// Whether the run took the fast path (one query, no lock).
    pub fast_path: bool,
}

impl Report {
    /// Whether anything was applied.
    pub fn applied_any(&self) -> bool {
        self.plugins.iter().any(|(_, o)| *o != Outcome::UpToDate)
    }
}

/// Runs migrations. Cheap to build; holds no connection.
#[derive(Debug, Clone)]
pub struct Migrator {
    opts: Options,
    store: Store,
    lock_key: i64,
    progress: Option<Progress>,
}

/// A progress callback ([`Migrator::on_progress`]).
#[derive(Clone)]
pub struct Progress(std::sync::Arc<dyn Fn(&ProgressEvent<'_>) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// What [`Migrator::migrate_all`] is doing, for progress displays.
#[derive(Debug, Clone, Copy)]
pub struct ProgressEvent<'a> {
    /// The plugin.
    pub plugin: &'a str,
    /// Plugins finished before this one.
    pub done: usize,
    /// Plugins to migrate in this run.
    pub total: usize,
    /// The step or hand-written migration starting (`None` when the plugin
    /// starts).
    pub step: Option<&'a str>,
}

impl Default for Migrator {
    fn default() -> Self {
        Migrator::new(Options::default())
    }
}

impl Migrator {
    /// A migrator with these options.
    pub fn new(opts: Options) -> Self {
        let store = Store::new(opts.tracking_schema.clone());
        let lock_key = lock_key(&opts.tracking_schema);
        Migrator {
            opts,
            store,
            lock_key,
            progress: None,
        }
    }

    /// Calls `f` as each plugin and step starts (on the slow path only).
    pub fn on_progress(mut self, f: impl Fn(&ProgressEvent<'_>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Progress(std::sync::Arc::new(f)));
        self
    }

    fn report_progress(&self, ev: ProgressEvent<'_>) {
        if let Some(p) = &self.progress {
            (p.0)(&ev);
        }
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The tracking tables.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Migrates one plugin.
    pub async fn migrate(&self, client: &mut Client, plugin: &Plugin) -> Result<Report, Error> {
        self.run(client, vec![plugin], None).await
    }

    /// Migrates every plugin of the registry in dependency order, in one
    /// transaction.
    pub async fn migrate_all(
        &self,
        client: &mut Client,
        registry: &Registry,
    ) -> Result<Report, Error> {
        let ordered = registry.ordered()?;
        self.run(client, ordered, Some(registry)).await
    }

    /// The plans `migrate_all` would run, without applying anything (dry run).
    pub async fn plan_all(
        &self,
        client: &mut Client,
        registry: &Registry,
    ) -> Result<Vec<PluginPlan>, Error> {
        let ordered = registry.ordered()?;
        // Read-write, because planning against the live database may
        // normalise declarations through the server; always rolled back.
        async fn start(client: &mut Client) -> Result<tokio_postgres::Transaction<'_>, Error> {
            client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .start()
                .await
                .map_err(Error::db("starting the planning transaction"))
        }
        let mut tx = start(client).await?;
        let heads = match self.store.read_heads_tx(&tx).await {
            Ok(h) => h,
            Err(e) if e.sqlstate().is_some_and(|c| c == "42P01" || c == "3F000") => {
                // No tracking tables yet. The failed read aborted the
                // transaction; planning goes on in a fresh one (it may
                // still query the catalog, e.g. for the roles it names).
                tx.rollback()
                    .await
                    .map_err(Error::db("ending the planning transaction"))?;
                tx = start(client).await?;
                HashMap::new()
            }
            Err(e) => return Err(e),
        };
        let plans = match self.plans(&tx, &ordered, &heads, TextDiff::Yes).await {
            Ok(mut plans) => guard::prepare(
                &tx,
                &self.store,
                self.opts.repair_drift,
                &ordered,
                &mut plans,
            )
            .await
            .map(|_| plans),
            Err(e) => Err(e),
        };
        tx.rollback()
            .await
            .map_err(Error::db("ending the planning transaction"))?;
        plans
    }

    /// The plan for one plugin (dry run).
    pub async fn plan(&self, client: &mut Client, plugin: &Plugin) -> Result<PluginPlan, Error> {
        let mut r = Registry::new();
        r.add(plugin.clone())?;
        let mut plans = self.plan_all(client, &r).await?;
        Ok(plans.remove(0))
    }

    async fn plans(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        ordered: &[&Plugin],
        heads: &HashMap<String, JournalHead>,
        text_diff: TextDiff,
    ) -> Result<Vec<PluginPlan>, Error> {
        let wanted: Vec<(String, i32)> = ordered
            .iter()
            .filter_map(|p| heads.get(p.name()))
            .filter(|h| {
                ordered
                    .iter()
                    .any(|p| p.name() == h.plugin && p.hash() != &h.head_hash)
            })
            .map(|h| (h.plugin.clone(), h.head_idx))
            .collect();
        let mut snaps = self.store.load_snapshots(tx, &wanted).await?;
        let names: Vec<&str> = ordered.iter().map(|p| p.name()).collect();
        let mut scripts = if heads.is_empty() {
            HashMap::new()
        } else {
            crate::store::scripts::load_scripts(tx, self.store.schema(), &names).await?
        };
        let mut out = Vec::with_capacity(ordered.len());
        for p in ordered {
            let head = heads.get(p.name());
            let old = snaps.remove(p.name());
            let mut pp = plan_plugin_with(p, head, old.as_ref(), text_diff)?;
            let stored = scripts.remove(p.name()).unwrap_or_default();
            plan::refine(
                &mut pp,
                p,
                head,
                old.as_ref().map(|s| &s.schema),
                &stored,
                &self.opts,
            )?;
            out.push(pp);
        }
        roles::check(tx, &mut out).await?;
        Ok(out)
    }

    /// `registry` (when `ordered` is all of it) looks the journal rows up
    /// in its name index; otherwise `ordered` is searched.
    async fn run(
        &self,
        client: &mut Client,
        ordered: Vec<&Plugin>,
        registry: Option<&Registry>,
    ) -> Result<Report, Error> {
        // Fast path: one simple query, no lock, no catalog reads; the hashes
        // were computed when the plugins were built. A journal row usually
        // comes back at its plugin's position in `ordered` (the order they
        // were first recorded in); else the name index finds it.
        let find = |n: usize, name: &str| {
            let p = match ordered.get(n) {
                Some(p) if p.name() == name => Some(*p),
                _ => match registry {
                    Some(r) => r.find(name),
                    None => ordered.iter().find(|p| p.name() == name).copied(),
                },
            };
            p.map(DeclaredHead::of)
        };
        if !self.opts.repair_drift
            && self
                .store
                .journal_matches(client, ordered.len(), find)
                .await?
                == Some(true)
        {
            debug!(plugins = ordered.len(), "every plugin is up to date");
            return Ok(Report {
                plugins: ordered
                    .iter()
                    .map(|p| (p.name().to_string(), Outcome::UpToDate))
                    .collect(),
                fast_path: true,
            });
        }
        self.apply(client, ordered)
            .instrument(info_span!("graft.apply"))
            .await
    }

    async fn apply(&self, client: &mut Client, ordered: Vec<&Plugin>) -> Result<Report, Error> {
        let tx = client
            .transaction()
            .await
            .map_err(Error::db("starting the migration transaction"))?;
        self.lock_and_upgrade(&tx).await?;
        let heads = self.store.read_heads_tx(&tx).await?;
        let todo: Vec<&Plugin> = ordered
            .iter()
            .copied()
            .filter(|p| self.opts.repair_drift || !up_to_date(p, heads.get(p.name())))
            .collect();
        // Nothing shows the readable diff here, and it is the costly part of
        // planning a large first migration.
        let mut plans = self.plans(&tx, &todo, &heads, TextDiff::No).await?;
        let live =
            guard::prepare(&tx, &self.store, self.opts.repair_drift, &todo, &mut plans).await?;

        // The guard: nothing runs unless every destructive step is allowed.
        if !self.opts.allow_destructive {
            for pp in &plans {
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
                        plugin: pp.plugin.clone(),
                        steps,
                    });
                }
            }
        }

        // Another plugin's foreign keys into what a plan drops or changes.
        if plan::touches_anything(&plans) {
            let mut schemas = crate::store::scripts::head_schemas(&tx, self.store.schema()).await?;
            for p in &ordered {
                schemas.insert(p.name().to_string(), p.schema().clone());
            }
            check_cross_plugin(&plans, &schemas)?;
        }

        // A rollback keeps what the `_migrations` id sequence handed out:
        // note its state, and should a step fail, put it back under the
        // lock (`setval` is not rolled back either), so that a failed run
        // leaves the tracking tables exactly as they were.
        let id_sequence = self.store.id_sequence_state(&tx).await?;
        tx.batch_execute("SAVEPOINT graft_run")
            .await
            .map_err(Error::db("starting the migration"))?;
        let run = async {
            let mut outcomes: HashMap<String, Outcome> = HashMap::new();
            let mut recorded: Vec<(&Plugin, i32)> = Vec::new();
            let total = plans.len();
            for (done, (pp, plugin)) in plans.iter().zip(&todo).enumerate() {
                if !pp.is_pending() {
                    continue; // up to date, nothing to repair
                }
                let span = info_span!("graft.plugin", plugin = %pp.plugin);
                self.report_progress(ProgressEvent {
                    plugin: &pp.plugin,
                    done,
                    total,
                    step: None,
                });
                let t = Instant::now();
                let outcome = match &pp.transition {
                    Some(tr) => {
                        let progress = |step: &str| {
                            self.report_progress(ProgressEvent {
                                plugin: &pp.plugin,
                                done,
                                total,
                                step: Some(step),
                            })
                        };
                        run::run_transition(
                            &self.opts,
                            &self.store,
                            &tx,
                            pp,
                            tr,
                            &progress,
                        )
                        .instrument(span)
                        .await?
                    }
                    None => self.apply_plugin(&tx, pp, plugin).instrument(span).await?,
                };
                debug!(plugin = %pp.plugin, duration_ms = t.elapsed().as_millis() as u64, "plugin migrated");
                if let Outcome::Applied { to_idx, .. }
                | Outcome::Adopted { to_idx, .. }
                | Outcome::RolledBack { to_idx, .. } = outcome
                {
                    recorded.push((*plugin, to_idx));
                }
                outcomes.insert(pp.plugin.clone(), outcome);
            }
            live.record(&tx, &self.store, &recorded).await?;
            Ok::<_, Error>(outcomes)
        }
        .await;
        let mut outcomes = match run {
            Ok(o) => o,
            Err(e) => {
                self.store.restore_id_sequence(&tx, id_sequence).await;
                return Err(e);
            }
        };
        tx.commit()
            .await
            .map_err(Error::db("committing the migration"))?;
        Ok(Report {
            plugins: ordered
                .iter()
                .map(|p| {
                    let o = outcomes.remove(p.name()).unwrap_or(Outcome::UpToDate);
                    (p.name().to_string(), o)
                })
                .collect(),
            fast_path: false,
        })
    }

    /// The first statements of a migration's transaction: the migration
    /// lock, `lock_timeout` for what follows, and the tracking tables at
    /// their current layout.
    async fn lock_and_upgrade(&self, tx: &tokio_postgres::Transaction<'_>) -> Result<(), Error> {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&self.lock_key])
            .await
            .map_err(Error::db("taking the migration lock"))?;
        let lock_ms = self.opts.lock_timeout.as_millis();
        tx.batch_execute(&format!("SET LOCAL lock_timeout = {lock_ms}"))
            .await
            .map_err(Error::db("setting lock_timeout"))?;
        self.store.upgrade(tx).await?;
        Ok(())
    }

    async fn apply_plugin(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        pp: &PluginPlan,
        plugin: &Plugin,
    ) -> Result<Outcome, Error> {
        if pp.from_hash.as_ref() == Some(&pp.to_hash) && pp.live.is_none() {
            self.store
                .record_version(tx, &pp.plugin, pp.version.as_deref())
                .await?;
            return Ok(Outcome::VersionRecorded);
        }
        let started = Instant::now();
        let mut statements = Vec::new();
        for (i, step) in pp.plan.steps.iter().enumerate() {
            let t = Instant::now();
            for sql in &step.sql {
                tx.batch_execute(sql).await.map_err(|e| Error::Apply {
                    plugin: pp.plugin.clone(),
                    step_index: i + 1,
                    step: format!("{} {}", step.change.kind(), step.change.subject()),
                    sql: sql.clone(),
                    source: Box::new(e),
                })?;
                statements.push(sql.clone());
            }
            debug!(step = i + 1, kind = step.change.kind(), subject = %step.change.subject(),
                   ms = t.elapsed().as_millis() as u64, "step applied");
        }
        let to_idx = pp.from_idx.map_or(1, |i| i + 1);
        let duration_ms = started.elapsed().as_millis() as i64;
        self.store
            .record(
                tx,
                &Record {
                    plugin: &pp.plugin,
                    idx: to_idx,
                    kind: "schema",
                    name: "schema",
                    version: pp.version.as_deref(),
                    hash: &pp.to_hash,
                    snapshot: plugin.snapshot(),
                    statements: &statements,
                    duration_ms,
                    applied_by: self.opts.applied_by.as_deref(),
                },
            )
            .await?;
        info!(plugin = %pp.plugin, to_idx, steps = pp.plan.steps.len(), duration_ms, "applied");
        let adopted = pp
            .live
            .as_ref()
            .is_some_and(|l| l.basis == crate::drift::LiveBasis::Adopt);
        Ok(if adopted {
            Outcome::Adopted {
                to_idx,
                steps: pp.plan.steps.len(),
                statements: statements.len(),
            }
        } else {
            Outcome::Applied {
                from_idx: pp.from_idx,
                to_idx,
                steps: pp.plan.steps.len(),
                statements: statements.len(),
            }
        })
    }
}

/// A hazard in words, as the CLI and error messages show it.
pub fn hazard_label(h: Hazard) -> &'static str {
    match h {
        Hazard::DataLoss => "data loss",
        Hazard::RiskyCast => "cast may fail on existing rows",
        Hazard::TableRewrite => "table rewrite",
        Hazard::LongLock => "long lock",
        Hazard::NeedsEmptyTable => "fails if the table has rows",
    }
}

/// Declared hash and version equal the journal head.
fn up_to_date(p: &Plugin, head: Option<&JournalHead>) -> bool {
    head.is_some_and(|h| {
        &h.head_hash == p.hash()
            && h.version.as_deref() == p.version_text()
            && h.scripts_hash.as_ref() == p.scripts_hash()
    })
}

/// Diffs a plugin's head snapshot (or nothing) against its declaration.
pub fn plan_plugin(
    p: &Plugin,
    head: Option<&JournalHead>,
    old: Option<&Snapshot>,
) -> Result<PluginPlan, Error> {
    plan_plugin_with(p, head, old, TextDiff::Yes)
}

/// Whether a [`PluginPlan`] gets its readable `snapshot_diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextDiff {
    Yes,
    /// Left empty: the apply path shows it nowhere, and a line diff of a
    /// large snapshot against an (almost) empty one is quadratic in
    /// `similar` (seconds for 1,000 new tables).
    No,
}

fn plan_plugin_with(
    p: &Plugin,
    head: Option<&JournalHead>,
    old: Option<&Snapshot>,
    text_diff: TextDiff,
) -> Result<PluginPlan, Error> {
    let empty = Snapshot::new(Schema::default());
    let old_snap = old.unwrap_or(&empty);
    let (plan, snapshot_diff) = if head.is_some_and(|h| &h.head_hash == p.hash()) {
        (Plan::default(), String::new())
    } else {
        let changes = diff(&old_snap.schema, p.schema());
        (
            build_plan(changes).map_err(|e| Error::Render {
                plugin: p.name().to_string(),
                source: Box::new(e),
            })?,
            match text_diff {
                TextDiff::Yes => crate::snapshot::diff_text(old_snap, p.snapshot()),
                TextDiff::No => String::new(),
            },
        )
    };
    Ok(PluginPlan {
        plugin: p.name().to_string(),
        version: p.version().map(|v| v.to_string()),
        recorded_version: head.and_then(|h| h.version.clone()),
        from_idx: head.map(|h| h.head_idx),
        from_hash: head.map(|h| h.head_hash.clone()),
        to_hash: p.hash().clone(),
        plan,
        snapshot_diff,
        warnings: Vec::new(),
        transition: None,
        live: None,
    })
}

/// The advisory lock key: the first 8 bytes of blake3("graft:<schema>").
pub fn lock_key(tracking_schema: &str) -> i64 {
    let h = blake3::hash(format!("graft:{tracking_schema}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h.as_bytes()[..8]);
    i64::from_be_bytes(b)
}
