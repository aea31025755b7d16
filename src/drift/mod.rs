//! Drift: what changed in the live database outside graft.
//!
//! Every apply records, next to each new snapshot, the plugin's objects as
//! the database holds them right after the DDL ([`crate::store::live`]): the *live*
//! schema, in PostgreSQL's printed forms. Drift is the difference between
//! the database now and that record, compared like with like, so a
//! declaration written as `total >= 0` shows no drift for a live
//! `(total >= (0)::numeric)`.
//!
//! What counts ([`detect`]), per recorded plugin: every object its snapshot
//! claims ([`scope`]): tables with all their parts, views, enums,
//! extensions, the namespace; and every table, view or enum in the plugin's
//! own namespace that
//! no plugin claims (someone created it by hand). In `public`, which other
//! software shares by convention, such unclaimed objects are listed as
//! *unmanaged* but are not drift. Objects the model does not cover
//! (functions, triggers, …; see [`crate::introspect::Unmodeled`]) are
//! listed, never compared.
//!
//! The apply side lives with the migration ([`crate::migrate`]): a
//! migration refuses to run over drift in the objects its plan changes,
//! adopts live objects on a plugin's first apply, and repairs drift when
//! asked (`Options::repair_drift`).

pub mod scope;

use crate::diff::{diff, Change};
use crate::error::Error;
use crate::introspect::{introspect_in, Unmodeled};
use crate::model::Schema;
use crate::normalize::normalize_in;
use crate::store::live as record;
use crate::store::Store;
use scope::{describe_drift, restrict, top_level, ObjectKey};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use tokio_postgres::Transaction;

/// What the recorded side of a comparison is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// The live schema recorded when the snapshot was applied.
    Recorded,
    /// No live schema was recorded (an older graft): the declared snapshot,
    /// normalised through the server ([`crate::normalize`]).
    Normalized,
}

/// A plan computed against the live database rather than from the head
/// snapshot (see [`guard`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LivePlan {
    /// Why.
    pub basis: LiveBasis,
    /// For [`LiveBasis::Adopt`], the existing objects the plugin takes
    /// over; for [`LiveBasis::Repair`], the drift repaired, in words.
    pub objects: Vec<String>,
}

/// Why a plan starts from the live database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveBasis {
    /// The plugin's first apply, over objects that already exist: the plan
    /// turns them into the declaration (nothing it does not declare is
    /// dropped), and the first snapshot is a baseline.
    Adopt,
    /// `repair_drift`: the plan turns the drifted live objects back into
    /// the declaration.
    Repair,
}

/// The drift of one plugin.
#[derive(Debug, Clone, Serialize)]
pub struct PluginDrift {
    /// The plugin.
    pub plugin: String,
    /// Its head snapshot.
    pub idx: i32,
    /// What the live database was compared with.
    pub baseline: Baseline,
    /// The changes that turn the recorded schema into the live one: what was
    /// done outside graft. Empty when there is no drift.
    pub changes: Vec<Change>,
    /// `changes` in words, one line per changed object, sorted.
    pub lines: Vec<String>,
    /// A unified diff (`similar`) of each changed top-level object, recorded
    /// (`-`) against live (`+`), as pretty JSON.
    pub diff: String,
    /// Tables and enums in `public` that no plugin declares (not drift).
    pub unmanaged: Vec<ObjectKey>,
    /// Objects in the plugin's namespaces that the model does not cover.
    pub unmodeled: Vec<Unmodeled>,
}

impl PluginDrift {
    /// Whether the live database differs from the record.
    pub fn drifted(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// Drift of every recorded plugin asked about.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DriftReport {
    /// Whether the tracking tables exist.
    pub initialized: bool,
    /// One entry per recorded plugin asked about, by name.
    pub plugins: Vec<PluginDrift>,
    /// Plugins asked about that have no recorded snapshot.
    pub not_recorded: Vec<String>,
}

impl DriftReport {
    /// Whether any plugin drifted.
    pub fn has_drift(&self) -> bool {
        self.plugins.iter().any(PluginDrift::drifted)
    }
}

/// Compares the live database with each recorded plugin's last snapshot
/// (all of them, or those named in `only`), inside `tx`. Reads the journal,
/// the recorded snapshots and live schemas (one query), and the catalog of
/// the plugins' namespaces (one introspection). Normalises through the
/// server only snapshots recorded without a live schema, which needs `tx`
/// to be read-write (it is rolled back to a savepoint: nothing is left).
pub async fn detect(
    tx: &Transaction<'_>,
    store: &Store,
    only: Option<&[String]>,
) -> Result<DriftReport, Error> {
    let heads = match store.read_heads_tx(tx).await {
        Ok(h) => h,
        Err(e) if e.sqlstate().is_some_and(|c| c == "42P01" || c == "3F000") => {
            return Ok(DriftReport {
                initialized: false,
                plugins: Vec::new(),
                not_recorded: only.map(<[String]>::to_vec).unwrap_or_default(),
            })
        }
        Err(e) => return Err(e),
    };
    let mut wanted: Vec<(String, i32)> = heads
        .values()
        .map(|h| (h.plugin.clone(), h.head_idx))
        .collect();
    wanted.sort();
    let recorded = record::load(tx, store.schema(), &wanted).await?;
    let mut selected: Vec<&record::Recorded> = match only {
        None => recorded.values().collect(),
        Some(names) => names.iter().filter_map(|n| recorded.get(n)).collect(),
    };
    selected.sort_by(|a, b| a.plugin.cmp(&b.plugin));
    let not_recorded: Vec<String> = only
        .unwrap_or_default()
        .iter()
        .filter(|n| !recorded.contains_key(*n))
        .cloned()
        .collect();

    // everything any plugin claims: unclaimed objects are someone else's doing
    let claimed_by_any: BTreeSet<ObjectKey> = recorded
        .values()
        .flat_map(|r| top_level(&r.declared.schema))
        .collect();
    let mut namespaces: BTreeSet<String> = BTreeSet::new();
    for r in &selected {
        namespaces.extend(r.declared.schema.namespaces.iter().cloned());
        if let Some(l) = &r.live {
            namespaces.extend(l.schema.namespaces.iter().cloned());
        }
    }
    let namespaces: Vec<String> = namespaces.into_iter().collect();
    let live = introspect_in(tx, &namespaces).await?;

    // snapshots without a recorded live schema: normalised, all at once
    let unrecorded: Vec<&record::Recorded> = selected
        .iter()
        .copied()
        .filter(|r| r.live.is_none())
        .collect();
    let mut normalized: HashMap<&str, Schema> = HashMap::new();
    if !unrecorded.is_empty() {
        let union = union(unrecorded.iter().map(|r| &r.declared.schema));
        let norm = normalize_in(tx, &union).await?;
        for r in &unrecorded {
            let own = top_level(&r.declared.schema);
            normalized.insert(&r.plugin, restrict(&norm, |k| own.contains(k)));
        }
    }

    let mut plugins = Vec::with_capacity(selected.len());
    for r in selected {
        let (expected, baseline) = match &r.live {
            Some(l) => (l.schema.clone(), Baseline::Recorded),
            None => (normalized[r.plugin.as_str()].clone(), Baseline::Normalized),
        };
        let own = top_level(&expected);
        let own_ns: BTreeSet<&str> = expected.namespaces.iter().map(String::as_str).collect();
        let unclaimed = |k: &ObjectKey| {
            k.is_namespaced_object()
                && k.namespace().is_some_and(|n| own_ns.contains(n))
                && !claimed_by_any.contains(k)
        };
        let mut actual = restrict(&live.schema, |k| {
            own.contains(k) || (unclaimed(k) && k.namespace() != Some("public"))
        });
        if baseline == Baseline::Normalized {
            extensions_as_declared(&mut actual, &expected);
        }
        let unmanaged: Vec<ObjectKey> = top_level(&live.schema)
            .into_iter()
            .filter(|k| unclaimed(k) && k.namespace() == Some("public"))
            .collect();
        let changes = diff(&expected, &actual);
        let lines = drift_lines(&changes);
        let diff = objects_diff(&expected, &actual, &changes, r.idx);
        plugins.push(PluginDrift {
            plugin: r.plugin.clone(),
            idx: r.idx,
            baseline,
            changes,
            lines,
            diff,
            unmanaged,
            unmodeled: live
                .unmodeled
                .iter()
                .filter(|u| own_ns.contains(u.schema.as_str()))
                .cloned()
                .collect(),
        });
    }
    Ok(DriftReport {
        initialized: true,
        plugins,
        not_recorded,
    })
}

/// `actual`'s extensions as `declared` declares them: a version or
/// namespace it leaves open is left out (a normalised declaration says
/// nothing about them, a recorded live schema does).
pub(crate) fn extensions_as_declared(actual: &mut Schema, declared: &Schema) {
    actual.extensions =
        crate::model::extensions_as_declared(&actual.extensions, &declared.extensions);
    actual.normalize();
}

/// The union of several plugins' schemas (for one normalisation).
pub(crate) fn union<'a>(schemas: impl IntoIterator<Item = &'a Schema>) -> Schema {
    let mut out = Schema::default();
    for s in schemas {
        out.namespaces.extend(s.namespaces.iter().cloned());
        out.extensions.extend(s.extensions.iter().cloned());
        out.enums.extend(s.enums.iter().cloned());
        out.tables.extend(s.tables.iter().cloned());
        out.views.extend(s.views.iter().cloned());
        out.sequences.extend(s.sequences.iter().cloned());
        out.domains.extend(s.domains.iter().cloned());
        out.composite_types
            .extend(s.composite_types.iter().cloned());
        out.functions.extend(s.functions.iter().cloned());
        out.triggers.extend(s.triggers.iter().cloned());
        out.grants.extend(s.grants.iter().cloned());
    }
    // (normalize also merges grants two schemas both hold)
    out.normalize();
    out.extensions.dedup_by(|a, b| a.name == b.name);
    out.enums.dedup_by(|a, b| a.name == b.name);
    out.tables.dedup_by(|a, b| a.name == b.name);
    out.views.dedup_by(|a, b| a.name == b.name);
    out.sequences.dedup_by(|a, b| a.name == b.name);
    out.domains.dedup_by(|a, b| a.name == b.name);
    out.composite_types.dedup_by(|a, b| a.name == b.name);
    out.functions
        .dedup_by(|a, b| ObjectKey::function(a) == ObjectKey::function(b));
    out.triggers
        .dedup_by(|a, b| ObjectKey::trigger(a) == ObjectKey::trigger(b));
    out
}

/// One line per drifted object, sorted; the parts of a table that was
/// added or dropped as a whole are not listed again.
pub fn drift_lines(changes: &[Change]) -> Vec<String> {
    let whole: BTreeSet<ObjectKey> = changes
        .iter()
        .filter(|c| matches!(c, Change::CreateTable { .. } | Change::DropTable { .. }))
        .flat_map(scope::change_keys)
        .collect();
    let mut lines: Vec<String> = changes
        .iter()
        .filter(|c| {
            matches!(c, Change::CreateTable { .. } | Change::DropTable { .. })
                || !scope::change_keys(c)
                    .iter()
                    .all(|k| whole.contains(&k.top()) && !k.is_top_level())
        })
        .map(describe_drift)
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

/// A unified diff of each top-level object that `changes` touch, recorded
/// (`-`) against live (`+`), as pretty JSON; namespaces and extensions are
/// only named by the lines.
pub fn objects_diff(expected: &Schema, actual: &Schema, changes: &[Change], idx: i32) -> String {
    let tops: BTreeSet<ObjectKey> = changes
        .iter()
        .flat_map(scope::change_keys)
        .map(|k| k.top())
        .collect();
    let mut out = String::new();
    for top in tops {
        if !top.is_namespaced_object() {
            continue; // namespaces and extensions: the lines name them
        }
        let (old, new, name) = (
            object_json(expected, &top),
            object_json(actual, &top),
            top.to_string(),
        );
        let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
        if old == new {
            continue;
        }
        let d = similar::TextDiff::from_lines(&old, &new)
            .unified_diff()
            .context_radius(2)
            .header(
                &format!("{name} (recorded, snapshot {idx})"),
                &format!("{name} (live)"),
            )
            .to_string();
        out.push_str(&d);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// One top-level object of `schema` as pretty JSON.
fn object_json(schema: &Schema, key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Table { name } => schema.table(name).map(pretty),
        ObjectKey::Enum { name } => schema.enum_type(name).map(pretty),
        ObjectKey::View { name } => schema.view(name).map(pretty),
        ObjectKey::Sequence { name } => schema
            .sequences
            .iter()
            .find(|q| &q.name == name)
            .map(pretty),
        ObjectKey::Domain { name } => schema.domains.iter().find(|d| &d.name == name).map(pretty),
        ObjectKey::CompositeType { name } => schema
            .composite_types
            .iter()
            .find(|c| &c.name == name)
            .map(pretty),
        ObjectKey::Function { .. } => schema
            .functions
            .iter()
            .find(|f| ObjectKey::function(f) == *key)
            .map(pretty),
        ObjectKey::Trigger { .. } => schema
            .triggers
            .iter()
            .find(|t| ObjectKey::trigger(t) == *key)
            .map(pretty),
        _ => None,
    }
}

fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType, QualName, Table};

    #[test]
    fn lines_and_diff_name_what_changed() {
        let t = |cols: &[&str]| {
            let mut t = Table::new(QualName::new("app", "t"));
            for c in cols {
                t.columns
                    .push(Column::new(*c, ColumnType::builtin("integer")));
            }
            t
        };
        let schema = |tables: Vec<Table>| {
            let mut s = Schema {
                namespaces: vec!["app".into()],
                tables,
                ..Schema::default()
            };
            s.normalize();
            s
        };
        let mut extra = Table::new(QualName::new("app", "x"));
        extra
            .columns
            .push(Column::new("y", ColumnType::builtin("text")));
        let expected = schema(vec![t(&["a"])]);
        let actual = schema(vec![t(&["a", "b"]), extra]);
        let changes = diff(&expected, &actual);
        assert_eq!(
            drift_lines(&changes),
            [
                "column app.t.b: added outside graft",
                "table app.x: added outside graft"
            ]
        );
        let d = objects_diff(&expected, &actual, &changes, 3);
        assert!(d.contains("--- table app.t (recorded, snapshot 3)"), "{d}");
        assert!(d.contains("+++ table app.x (live)"), "{d}");
        assert!(d.contains("+      \"name\": \"b\","), "{d}");
    }
}
