//! Drift on the apply path, under the migration lock, in the migration's
//! transaction.
//!
//! [`prepare`] runs after the plans are made and before anything is
//! applied; for each plugin with a pending schema change it introspects
//! what the plugin's objects look like now (one introspection for all), and:
//!
//! - **with a head snapshot**: compares the live objects with the live
//!   schema recorded with that snapshot. Drift in an object the plan
//!   changes (the same object, or a part of a table the plan creates,
//!   drops or renames) refuses the whole migration with
//!   [`Error::Drift`], naming each drifted object and showing its diff;
//!   other drift is left as it is, reported as a warning, and kept out of
//!   the record, so `graft drift` still shows it. With `repair_drift`, the
//!   plan is computed from the live objects to the declaration instead: it
//!   undoes the drift and applies the declared changes in one.
//! - **without one** (the first apply): when some declared table or enum
//!   already exists, the plugin *adopts* them: the plan is computed from
//!   the live objects it declares to the declaration, so nothing is created
//!   twice, and what the namespace holds that the declaration does not name
//!   is left alone (a warning lists it), never dropped.
//!
//! Plans against the live database compare printed forms with printed
//! forms: the declaration is normalised through the server first
//! ([`crate::normalize`]). [`Prepared::record`] runs after the DDL: it
//! introspects again and records each new snapshot's live schema.

use super::transition::{Segment, Transition};
use super::PluginPlan;
use crate::diff::diff;
use crate::drift::scope::{change_keys, patch, restrict, top_level, ObjectKey};
use crate::drift::{drift_lines, extensions_as_declared, objects_diff, union, LiveBasis, LivePlan};
use crate::error::Error;
use crate::introspect::introspect_in;
use crate::model::Schema;
use crate::normalize::normalize_in;
use crate::plan::build_plan;
use crate::registry::Plugin;
use crate::snapshot::Snapshot;
use crate::store::live::{self as record, LiveRow, Recorded};
use crate::store::Store;
use std::collections::{BTreeSet, HashMap, HashSet};
use tokio_postgres::Transaction;
use tracing::info;

/// What [`prepare`] learned, for [`Prepared::record`].
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// Per plugin with a pending schema change: the live schema recorded
    /// with its head (when it has one), and the drift to keep out of the
    /// new record.
    items: HashMap<String, Item>,
}

#[derive(Debug)]
struct Item {
    expected: Option<Schema>,
    untouched: Vec<ObjectKey>,
}

/// Whether the plan changes the schema (not only the recorded version).
fn schema_pending(pp: &PluginPlan) -> bool {
    pp.from_hash.as_ref() != Some(&pp.to_hash)
}

/// See the module docs. `todo[i]` is the plugin of `plans[i]`.
pub(crate) async fn prepare(
    tx: &Transaction<'_>,
    store: &Store,
    repair: bool,
    todo: &[&Plugin],
    plans: &mut [PluginPlan],
) -> Result<Prepared, Error> {
    let candidates: Vec<usize> = (0..plans.len())
        .filter(|&i| schema_pending(&plans[i]) || (repair && plans[i].from_idx.is_some()))
        .collect();
    if candidates.is_empty() {
        return Ok(Prepared::default());
    }
    // A repair also drops tables and enums that nobody declares in a
    // plugin's own namespace: every plugin's claims are needed to tell.
    let wanted: Vec<(String, i32)> = if repair {
        let mut all: Vec<(String, i32)> = store
            .read_heads_tx(tx)
            .await?
            .into_values()
            .map(|h| (h.plugin, h.head_idx))
            .collect();
        all.sort();
        all
    } else {
        candidates
            .iter()
            .filter_map(|&i| plans[i].from_idx.map(|x| (plans[i].plugin.clone(), x)))
            .collect()
    };
    let recorded = record::load(tx, store.schema(), &wanted).await?;
    let claimed_by_any: BTreeSet<ObjectKey> = recorded
        .values()
        .flat_map(|r| top_level(&r.declared.schema))
        .chain(todo.iter().flat_map(|p| top_level(p.schema())))
        .collect();
    let candidate_names: HashSet<&str> = candidates.iter().map(|&i| todo[i].name()).collect();

    let mut namespaces: BTreeSet<String> = BTreeSet::new();
    for &i in &candidates {
        namespaces.extend(todo[i].schema().namespaces.iter().cloned());
        if let Some(r) = recorded.get(todo[i].name()) {
            namespaces.extend(r.declared.schema.namespaces.iter().cloned());
        }
    }
    let namespaces: Vec<String> = namespaces.into_iter().collect();
    let live = introspect_in(tx, &namespaces).await?;

    // heads recorded without a live schema: their declaration, normalised
    let unrecorded: Vec<&Recorded> = recorded
        .values()
        .filter(|r| r.live.is_none() && candidate_names.contains(r.plugin.as_str()))
        .collect();
    let mut normalized_heads: HashMap<String, Schema> = HashMap::new();
    if !unrecorded.is_empty() {
        let norm = normalize_in(tx, &union(unrecorded.iter().map(|r| &r.declared.schema))).await?;
        for r in unrecorded {
            let own = top_level(&r.declared.schema);
            normalized_heads.insert(r.plugin.clone(), restrict(&norm, |k| own.contains(k)));
        }
    }

    let mut prepared = Prepared::default();
    // plugin index → (basis, objects, claims of the head)
    let mut against_live: Vec<(usize, LiveBasis, Vec<String>, BTreeSet<ObjectKey>)> = Vec::new();
    for &i in &candidates {
        let p = todo[i];
        let own_ns: HashSet<&str> = p.schema().namespaces.iter().map(String::as_str).collect();
        let claims_new = top_level(p.schema());
        let mut warnings = Vec::new();
        for u in live
            .unmodeled
            .iter()
            .filter(|u| own_ns.contains(u.schema.as_str()))
        {
            warnings.push(format!("not modelled by graft, left as it is: {u}"));
        }
        match recorded.get(p.name()) {
            Some(r) => {
                let expected = match &r.live {
                    Some(l) => l.schema.clone(),
                    None => normalized_heads.get(p.name()).cloned().unwrap_or_default(),
                };
                let mut claims_head = top_level(&expected);
                claims_head.extend(top_level(&r.declared.schema));
                let touched: Vec<ObjectKey> = plans[i]
                    .plan
                    .steps
                    .iter()
                    .flat_map(|s| change_keys(&s.change))
                    .collect();
                // objects the plan creates are compared too: one made by
                // hand meanwhile is drift
                let created: BTreeSet<&ObjectKey> = touched
                    .iter()
                    .filter(|k| k.is_namespaced_object())
                    .collect();
                // with repair_drift, what nobody declares in the plugin's own
                // namespace (not public, which is shared) is drift too
                let head_ns: HashSet<&str> = r
                    .declared
                    .schema
                    .namespaces
                    .iter()
                    .map(String::as_str)
                    .chain(own_ns.iter().copied())
                    .collect();
                let unclaimed: BTreeSet<ObjectKey> = top_level(&live.schema)
                    .into_iter()
                    .filter(|k| {
                        repair
                            && k.is_namespaced_object()
                            && k.namespace()
                                .is_some_and(|n| n != "public" && head_ns.contains(n))
                            && !claimed_by_any.contains(k)
                    })
                    .collect();
                claims_head.extend(unclaimed);
                let mut actual = restrict(&live.schema, |k| {
                    claims_head.contains(k) || created.contains(k)
                });
                if r.live.is_none() {
                    extensions_as_declared(&mut actual, &expected);
                }
                let drift = diff(&expected, &actual);
                if drift.is_empty() {
                    prepared.items.insert(
                        p.name().to_string(),
                        Item {
                            expected: Some(expected),
                            untouched: Vec::new(),
                        },
                    );
                } else if repair {
                    against_live.push((i, LiveBasis::Repair, drift_lines(&drift), claims_head));
                    prepared.items.insert(
                        p.name().to_string(),
                        Item {
                            expected: Some(expected),
                            untouched: Vec::new(),
                        },
                    );
                } else {
                    let conflicts: Vec<_> = drift
                        .iter()
                        .filter(|c| {
                            change_keys(c)
                                .iter()
                                .any(|k| touched.iter().any(|t| t.overlaps(k)))
                        })
                        .cloned()
                        .collect();
                    if !conflicts.is_empty() {
                        // the diff shows the conflicting parts only
                        let mut shown = expected.clone();
                        for k in conflicts.iter().flat_map(change_keys) {
                            patch(&mut shown, &actual, &k);
                        }
                        return Err(Error::Drift {
                            plugin: p.name().to_string(),
                            idx: r.idx,
                            changes: drift_lines(&conflicts),
                            diff: objects_diff(&expected, &shown, &conflicts, r.idx),
                        });
                    }
                    for line in drift_lines(&drift) {
                        info!(plugin = p.name(), "drift left as it is: {line}");
                        warnings.push(format!(
                            "drift left as it is (`graft drift` shows it): {line}"
                        ));
                    }
                    prepared.items.insert(
                        p.name().to_string(),
                        Item {
                            expected: Some(expected),
                            untouched: drift.iter().flat_map(change_keys).collect(),
                        },
                    );
                }
            }
            None => {
                let existing: Vec<ObjectKey> = top_level(&live.schema)
                    .into_iter()
                    .filter(|k| k.is_namespaced_object())
                    .filter(|k| claims_new.contains(k))
                    .collect();
                for k in top_level(&live.schema).into_iter().filter(|k| {
                    k.is_namespaced_object()
                        && k.namespace().is_some_and(|n| own_ns.contains(n))
                        && !claims_new.contains(k)
                }) {
                    warnings.push(if k.namespace() == Some("public") {
                        format!("not declared, left as it is: {k}")
                    } else {
                        format!(
                            "not declared, left as it is: {k} (drift until declared or dropped: \
                             `graft drift` shows it, `--repair-drift` drops it)"
                        )
                    });
                }
                if !existing.is_empty() {
                    let objects = existing.iter().map(ToString::to_string).collect();
                    against_live.push((i, LiveBasis::Adopt, objects, BTreeSet::new()));
                }
                prepared.items.insert(
                    p.name().to_string(),
                    Item {
                        expected: None,
                        untouched: Vec::new(),
                    },
                );
            }
        }
        plans[i].warnings.extend(warnings);
    }

    if against_live.is_empty() {
        return Ok(prepared);
    }
    // One normalisation for the plugins planned against the live database
    // and the pending plugins they depend on (their new objects may be
    // named in the others' expressions).
    let by_name: HashMap<&str, usize> = candidates.iter().map(|&i| (todo[i].name(), i)).collect();
    let mut included: BTreeSet<usize> = BTreeSet::new();
    let mut stack: Vec<usize> = against_live.iter().map(|a| a.0).collect();
    while let Some(i) = stack.pop() {
        if included.insert(i) {
            for dep in todo[i].dependencies().keys() {
                if let Some(&d) = by_name.get(dep.as_str()) {
                    stack.push(d);
                }
            }
        }
    }
    let norm = normalize_in(tx, &union(included.iter().map(|&i| todo[i].schema()))).await?;
    for (i, basis, objects, claims_head) in against_live {
        let p = todo[i];
        let claims_new = top_level(p.schema());
        let mut declared = restrict(&norm, |k| claims_new.contains(k));
        // the rename hints are the plugin's own, whatever the union kept
        copy_hints(&mut declared, p.schema());
        let base = restrict(&live.schema, |k| {
            claims_new.contains(k) || claims_head.contains(k)
        });
        let plan = build_plan(diff(&base, &declared)).map_err(|e| Error::Render {
            plugin: p.name().to_string(),
            source: Box::new(e),
        })?;
        if let Some(tr) = plans[i].transition.as_deref_mut() {
            regroup_steps(p.name(), tr, plan.steps.len())?;
        }
        plans[i].plan = plan;
        plans[i].live = Some(LivePlan { basis, objects });
    }
    Ok(prepared)
}

/// A transition's steps replaced by a plan of `n` steps: one segment where
/// its first steps were, the hand-written migration parts around it as
/// they were. Only when none of those parts runs (a first install records
/// them without running them): a part written against the schema the old
/// steps made cannot run around steps made from the live database.
fn regroup_steps(plugin: &str, tr: &mut Transition, n: usize) -> Result<(), Error> {
    if tr.scripts().any(|r| !r.skip) {
        return Err(Error::LivePlan {
            plugin: plugin.to_string(),
            reason: "hand-written migrations are due in the same run; apply them first (without \
                     --repair-drift), then repair"
                .to_string(),
        });
    }
    let mut segments = Vec::with_capacity(tr.segments.len());
    let mut placed = false;
    for seg in tr.segments.drain(..) {
        match seg {
            Segment::Steps { .. } if placed => {}
            Segment::Steps { .. } => {
                placed = true;
                segments.push(Segment::Steps { from: 0, to: n });
            }
            script => segments.push(script),
        }
    }
    if !placed {
        segments.insert(0, Segment::Steps { from: 0, to: n });
    }
    tr.segments = segments;
    Ok(())
}

/// Rename hints of `from`'s tables and columns onto `to`'s of the same names.
fn copy_hints(to: &mut Schema, from: &Schema) {
    for t in &mut to.tables {
        let Some(f) = from.table(&t.name) else {
            continue;
        };
        t.renamed_from = f.renamed_from.clone();
        for c in &mut t.columns {
            c.renamed_from = f.column(&c.name).and_then(|fc| fc.renamed_from.clone());
        }
    }
}

impl Prepared {
    /// After the DDL: records the live schema of each new snapshot
    /// (`applied`: plugin and new index), with any drift the plan did not
    /// touch put back as it was recorded before, so that it stays drift.
    /// One introspection and one statement for all plugins.
    pub(crate) async fn record(
        self,
        tx: &Transaction<'_>,
        store: &Store,
        applied: &[(&Plugin, i32)],
    ) -> Result<(), Error> {
        let applied: Vec<(&str, &Schema, i32)> = applied
            .iter()
            .map(|(p, idx)| (p.name(), p.schema(), *idx))
            .collect();
        record_live(tx, store, &applied, &self).await
    }
}

/// Records the live schema of new snapshots `(plugin, declared schema,
/// index)` written in `tx` (by an apply, or by a rollback, which passes an
/// empty [`Prepared`]): one introspection and one statement for all.
pub(crate) async fn record_live(
    tx: &Transaction<'_>,
    store: &Store,
    applied: &[(&str, &Schema, i32)],
    prepared: &Prepared,
) -> Result<(), Error> {
    if applied.is_empty() {
        return Ok(());
    }
    let mut namespaces: BTreeSet<String> = BTreeSet::new();
    for (_, schema, _) in applied {
        namespaces.extend(schema.namespaces.iter().cloned());
    }
    let namespaces: Vec<String> = namespaces.into_iter().collect();
    let live = introspect_in(tx, &namespaces).await?;
    let mut rows = Vec::with_capacity(applied.len());
    for (plugin, declared, idx) in applied {
        let claims = top_level(declared);
        let mut schema = restrict(&live.schema, |k| claims.contains(k));
        if let Some(Item {
            expected: Some(expected),
            untouched,
        }) = prepared.items.get(*plugin)
        {
            for k in untouched {
                patch(&mut schema, expected, k);
            }
        }
        rows.push(LiveRow {
            plugin: plugin.to_string(),
            idx: *idx,
            live: Snapshot::new(schema),
        });
    }
    record::store(tx, store.schema(), &rows).await
}
