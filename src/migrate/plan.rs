//! Planning a plugin's transition: version checks, hand-written migrations
//! checked against what ran, the program of segments, and the cross-plugin
//! foreign key guard.

use super::expand::{expanded, without_hints};
use super::transition::{Direction, ScriptRun, Segment, Transition, TransitionKind};
use super::PluginError;
use super::{Options, PluginPlan};
use crate::diff::{diff, Change};
use crate::error::Error;
use crate::model::{QualName, Schema};
use crate::plan::{build_plan, Plan};
use crate::registry::Plugin;
use crate::scripts::{digest, Action, DigestEntry, Migration, Phase};
use crate::store::scripts::StoredScript;
use crate::store::JournalHead;
use semver::Version;
use std::collections::HashMap;
use tracing::warn;

fn perr(e: PluginError) -> Error {
    Error::from(e)
}

fn parse_version(plugin: &str, text: &str) -> Result<Version, Error> {
    text.parse().map_err(|_| {
        perr(PluginError::BadRecordedVersion {
            plugin: plugin.to_string(),
            recorded: text.to_string(),
        })
    })
}

/// An up part from a declared migration.
pub(super) fn up_run(m: &Migration, skip: bool) -> ScriptRun {
    ScriptRun {
        id: m.id(),
        version: m.version().clone(),
        seq: m.seq(),
        phase: m.phase_of(),
        direction: Direction::Up,
        checksum: m.checksum().to_string(),
        source: m.source_name(),
        sql: if skip {
            None
        } else {
            m.up_action().sql().map(str::to_string)
        },
        skip,
        action: if skip {
            None
        } else {
            Some(m.up_action().clone())
        },
        validate: if skip {
            None
        } else {
            m.validate_step().cloned()
        },
        timeout: m.timeout_of(),
        up_sql: m.up_action().sql().map(str::to_string),
        down_sql: m.down_action().and_then(Action::sql).map(str::to_string),
        has_down: m.down_action().is_some(),
    }
}

/// A part from a stored row: its down part, or (re-applying after a
/// rollback) its up part. Closures come from the declared migration.
/// `None` when the part is not available.
pub(super) fn stored_run(
    s: &StoredScript,
    declared: Option<&Migration>,
    direction: Direction,
) -> Result<Option<ScriptRun>, Error> {
    let version = parse_version(&s.plugin, &s.version)?;
    let closure = s.source == "closure";
    let action = match direction {
        // A skipped migration never ran: nothing to undo.
        Direction::Down if s.skipped => None,
        Direction::Down if !s.has_down => return Ok(None),
        Direction::Down if closure => match declared.and_then(Migration::down_action) {
            Some(a) => Some(a.clone()),
            None => return Ok(None),
        },
        Direction::Down => s.down_sql.clone().map(Action::Sql),
        Direction::Up if closure => match declared {
            Some(m) => Some(m.up_action().clone()),
            None => return Ok(None),
        },
        Direction::Up => s.up_sql.clone().map(Action::Sql),
    };
    let validate = match direction {
        Direction::Up => declared.and_then(|m| m.validate_step().cloned()),
        Direction::Down => None,
    };
    Ok(Some(ScriptRun {
        id: s.name.clone(),
        version,
        seq: s.seq.max(0) as u32,
        phase: s.phase,
        direction,
        checksum: s.checksum.clone(),
        source: s.source.clone(),
        sql: action.as_ref().and_then(Action::sql).map(str::to_string),
        skip: action.is_none(),
        action,
        validate,
        timeout: s
            .timeout_ms
            .map(|ms| std::time::Duration::from_millis(ms.max(0) as u64)),
        up_sql: s.up_sql.clone(),
        down_sql: s.down_sql.clone(),
        has_down: s.has_down,
    }))
}

/// The DDL and the order of everything: see the module docs of
/// [`super`]. `ups` in `(version, seq)` order, `downs` in reverse order.
pub(super) fn build_program(
    plugin: &str,
    old: &Schema,
    new: &Schema,
    ups: Vec<ScriptRun>,
    downs: Vec<ScriptRun>,
) -> Result<(Plan, Vec<Segment>), Error> {
    let render = |changes: Vec<Change>| {
        build_plan(changes).map_err(|e| Error::Render {
            plugin: plugin.to_string(),
            source: Box::new(e),
        })
    };
    let after = |r: &ScriptRun| r.phase == Phase::After;
    // Parts recorded without running need no expanded schema.
    let split = ups.iter().chain(&downs).any(|r| after(r) && !r.skip);
    let (ups_before, ups_after): (Vec<_>, Vec<_>) = ups.into_iter().partition(|r| !after(r));
    let (downs_before, downs_after): (Vec<_>, Vec<_>) = downs.into_iter().partition(|r| !after(r));
    let mut segments: Vec<Segment> = ups_before
        .into_iter()
        .map(|r| Segment::Script(Box::new(r)))
        .collect();
    let mut plan;
    if split {
        let mid = expanded(old, new);
        plan = render(diff(old, &mid))?;
        let second = render(diff(&mid, &without_hints(new)))?;
        let a = plan.steps.len();
        segments.push(Segment::Steps { from: 0, to: a });
        segments.extend(
            downs_after
                .into_iter()
                .map(|r| Segment::Script(Box::new(r))),
        );
        segments.extend(ups_after.into_iter().map(|r| Segment::Script(Box::new(r))));
        plan.steps.extend(second.steps);
        segments.push(Segment::Steps {
            from: a,
            to: plan.steps.len(),
        });
    } else {
        plan = render(diff(old, new))?;
        segments.push(Segment::Steps {
            from: 0,
            to: plan.steps.len(),
        });
    }
    segments.extend(
        downs_before
            .into_iter()
            .map(|r| Segment::Script(Box::new(r))),
    );
    segments.retain(|s| !matches!(s, Segment::Steps { from, to } if from == to));
    Ok((plan, segments))
}

fn entry_of(id: &str, version: &Version, seq: u32, checksum: &str) -> DigestEntry {
    DigestEntry {
        version: version.clone(),
        seq,
        id: id.to_string(),
        checksum: checksum.to_string(),
    }
}

/// Checks versions and hand-written migrations of one plugin's plan
/// against what the tracking tables hold, and turns the plan into a
/// [`Transition`] when migrations run or the plugin goes back to a lower
/// version. Raises every refusal before anything is applied.
pub(crate) fn refine(
    pp: &mut PluginPlan,
    p: &Plugin,
    head: Option<&JournalHead>,
    old: Option<&Schema>,
    stored: &[StoredScript],
    opts: &Options,
) -> Result<(), Error> {
    let name = p.name();
    let recorded = match head.and_then(|h| h.version.as_deref()) {
        Some(v) => Some(parse_version(name, v)?),
        None => None,
    };
    let declared = p.version();
    let downgrade = matches!((declared, &recorded), (Some(d), Some(r)) if d < r);
    if downgrade && !opts.allow_downgrade {
        return Err(perr(PluginError::Downgrade {
            plugin: name.to_string(),
            recorded: recorded
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            declared: declared.map(ToString::to_string).unwrap_or_default(),
        }));
    }
    if let (Some(h), Some(d), Some(r)) = (head, declared, &recorded) {
        if d == r && &h.head_hash != p.hash() {
            if opts.strict {
                return Err(perr(PluginError::VersionUnchanged {
                    plugin: name.to_string(),
                    version: d.to_string(),
                    head_idx: h.head_idx,
                    head_hash: h.head_hash.short().to_string(),
                    declared_hash: p.hash().short().to_string(),
                }));
            }
            let w = format!(
                "plugin `{name}`: the declared schema changed but its version {d} did not \
                 (strict mode makes this an error)"
            );
            warn!("{w}");
            pp.warnings.push(w);
        }
    }

    let migrations = p.migrations();
    if !migrations.is_empty() && declared.is_none() {
        return Err(perr(PluginError::Unversioned {
            plugin: name.to_string(),
        }));
    }
    let mut by_id: HashMap<String, &Migration> = HashMap::new();
    for m in migrations {
        if by_id.insert(m.id(), m).is_some() {
            return Err(perr(PluginError::DuplicateScript {
                plugin: name.to_string(),
                migration: m.id(),
            }));
        }
    }
    let any_applied = stored.iter().any(|s| s.applied);
    if migrations.is_empty() && !any_applied && !downgrade {
        return Ok(());
    }

    // What ran: verified against what is declared, except what a downgrade
    // undoes (an older release may not ship it).
    let mut keep: Vec<&StoredScript> = Vec::new();
    let mut revert: Vec<(&StoredScript, Version)> = Vec::new();
    for s in stored.iter().filter(|s| s.applied) {
        let v = parse_version(name, &s.version)?;
        if downgrade && declared.is_some_and(|d| &v > d) {
            revert.push((s, v));
            continue;
        }
        match by_id.get(&s.name) {
            None => {
                return Err(perr(PluginError::MissingScript {
                    plugin: name.to_string(),
                    migration: s.name.clone(),
                    idx: s.idx,
                    expected: p
                        .migrations_dir()
                        .map(|d| d.join(format!("{}.sql", s.name)).display().to_string())
                        .or_else(|| (s.source != "closure").then(|| s.source.clone())),
                }))
            }
            Some(m) if m.checksum().as_str() != s.checksum => {
                return Err(perr(PluginError::Checksum {
                    plugin: name.to_string(),
                    migration: s.name.clone(),
                    source_name: m.source_name(),
                    recorded: s.checksum.clone(),
                    computed: m.checksum().to_string(),
                }))
            }
            Some(_) => keep.push(s),
        }
    }
    let stored_by_id: HashMap<&str, &StoredScript> =
        stored.iter().map(|s| (s.name.as_str(), s)).collect();
    let first_install = head.is_none();
    let mut ups = Vec::new();
    for m in migrations {
        if declared.is_some_and(|d| m.version() > d) {
            continue;
        }
        let id = m.id();
        match stored_by_id.get(id.as_str()) {
            Some(s) if s.applied => continue,
            Some(_) => {}
            None => {
                if let Some(r) = &recorded {
                    if m.version() < r {
                        return Err(perr(PluginError::OutOfOrder {
                            plugin: name.to_string(),
                            migration: id,
                            version: m.version().to_string(),
                            recorded: r.to_string(),
                        }));
                    }
                }
            }
        }
        ups.push(up_run(m, first_install && !m.runs_on_install()));
    }
    revert.sort_by(|a, b| (&b.1, b.0.seq).cmp(&(&a.1, a.0.seq)));
    let mut downs = Vec::new();
    let mut missing = Vec::new();
    for (s, _) in &revert {
        match stored_run(s, by_id.get(&s.name).copied(), Direction::Down)? {
            Some(r) => downs.push(r),
            None if opts.allow_missing_down => {}
            None => missing.push(s.name.clone()),
        }
    }
    if !missing.is_empty() {
        return Err(perr(PluginError::MissingDown {
            plugin: name.to_string(),
            migrations: missing,
        }));
    }
    // The applied set afterwards and its digest.
    let mut after: Vec<DigestEntry> = keep
        .iter()
        .map(|s| {
            Ok(entry_of(
                &s.name,
                &parse_version(name, &s.version)?,
                s.seq.max(0) as u32,
                &s.checksum,
            ))
        })
        .collect::<Result<_, Error>>()?;
    after.extend(
        ups.iter()
            .map(|r| entry_of(&r.id, &r.version, r.seq, &r.checksum)),
    );
    let scripts_hash = digest(&mut after);
    let unchanged = ups.is_empty() && downs.is_empty() && revert.is_empty();
    if unchanged
        && !downgrade
        && head.and_then(|h| h.scripts_hash.as_ref()) == scripts_hash.as_ref()
    {
        return Ok(());
    }
    let old_schema = match old {
        Some(s) => s.clone(),
        None if head.is_some_and(|h| &h.head_hash == p.hash()) => p.schema().clone(),
        None => Schema::default(),
    };
    let (plan, segments) = build_program(name, &old_schema, p.schema(), ups, downs)?;
    pp.plan = plan;
    pp.transition = Some(Box::new(Transition {
        kind: if downgrade {
            TransitionKind::Rollback
        } else {
            TransitionKind::Upgrade
        },
        name: match (downgrade, declared) {
            (true, Some(d)) => format!("downgrade to {d}"),
            _ => "schema".to_string(),
        },
        version: p.version_text().map(str::to_string),
        segments,
        applied_after: after.iter().map(|e| e.id.clone()).collect(),
        scripts_hash,
        snapshot: p.snapshot().clone(),
    }));
    Ok(())
}

/// A table (and, for column changes, a column) a step drops or changes in
/// a way that breaks foreign keys into it.
fn touched(change: &Change) -> Option<(&QualName, Option<&str>)> {
    match change {
        Change::DropTable { name } => Some((name, None)),
        Change::RenameTable { from, .. } => Some((from, None)),
        Change::DropColumn { table, column } => Some((table, Some(column))),
        Change::RenameColumn { table, from, .. } => Some((table, Some(from))),
        Change::AlterColumn { table, old, new } if old.ty != new.ty => {
            Some((table, Some(&old.name)))
        }
        _ => None,
    }
}

/// Whether any plan drops or changes a table or column (the guard needs
/// the other plugins' schemas only then).
pub(crate) fn touches_anything(plans: &[PluginPlan]) -> bool {
    plans
        .iter()
        .any(|pp| pp.plan.steps.iter().any(|s| touched(&s.change).is_some()))
}

/// Refuses a plan that drops or changes a table or column another plugin's
/// foreign key references. `schemas` are every plugin's schema as it will
/// be after this run (declared for the plugins migrating, the head snapshot
/// for the others).
pub fn check_cross_plugin(
    plans: &[PluginPlan],
    schemas: &HashMap<String, Schema>,
) -> Result<(), Error> {
    for pp in plans {
        for (i, step) in pp.plan.steps.iter().enumerate() {
            let Some((table, column)) = touched(&step.change) else {
                continue;
            };
            let mut others: Vec<(&String, &Schema)> = schemas
                .iter()
                .filter(|(name, _)| **name != pp.plugin)
                .collect();
            others.sort_by(|a, b| a.0.cmp(b.0));
            for (other, schema) in others {
                for t in &schema.tables {
                    for fk in &t.foreign_keys {
                        if &fk.ref_table != table {
                            continue;
                        }
                        if column.is_some_and(|c| !fk.ref_columns.iter().any(|r| r == c)) {
                            continue;
                        }
                        return Err(perr(PluginError::CrossPlugin {
                            plugin: pp.plugin.clone(),
                            step_index: i + 1,
                            step: format!("{} {}", step.change.kind(), step.change.subject()),
                            other: other.clone(),
                            fk: format!("{}.{}", t.name, fk.name),
                            referenced: format!("{} ({})", fk.ref_table, fk.ref_columns.join(", ")),
                        }));
                    }
                }
            }
        }
    }
    Ok(())
}
