//! The intermediate schema that hand-written migrations of the `after`
//! phase run against, when one upgrade (or rollback) goes from `old` to
//! `new` with scripts in between: the *expanded* schema.
//!
//! Expanded = `new`, with
//! - columns that become NOT NULL (new ones, or ones that were nullable)
//!   still nullable, unless they have a default, an identity, a generation
//!   expression or are in the primary key;
//! - check constraints, foreign keys, unique constraints and unique
//!   indexes that `old` does not have (exactly) left out;
//! - what `new` drops and `old` had kept: columns (made nullable; not
//!   generated ones), tables
//!   (without their foreign keys, and only when none of their names is
//!   taken by `new`), sequences, enums, domains, composite types,
//!   extensions and namespaces.
//!
//! So the upgrade runs `diff(old, expanded)`, then the scripts, then
//! `diff(expanded, new)`: "add a column nullable, backfill, set NOT NULL"
//! and "copy from a column that the version drops" are one upgrade. Each
//! diff is an ordinary diff, so applying both ends exactly at `new`.

use crate::model::{QualName, Schema, Table};
use std::collections::{HashMap, HashSet};

/// The expanded schema between `old` and `new` (both normalised). Rename
/// hints of `new` are kept (the first diff needs them).
pub fn expanded(old: &Schema, new: &Schema) -> Schema {
    let olds: HashMap<&QualName, &Table> = old.tables.iter().map(|t| (&t.name, t)).collect();
    let new_names: HashSet<&QualName> = new.tables.iter().map(|t| &t.name).collect();
    let mut out = new.clone();
    let mut paired_old: HashSet<QualName> = HashSet::new();
    // Pair like the diff does: a usable rename hint wins over a name match.
    for t in &mut out.tables {
        let hinted = t.renamed_from.as_ref().and_then(|from| {
            let q = QualName::new(t.name.schema.clone(), from.clone());
            olds.get(&q)
                .filter(|_| !new_names.contains(&q) && !paired_old.contains(&q))
                .copied()
        });
        let pair = hinted.or_else(|| olds.get(&t.name).copied());
        match pair {
            Some(o) => {
                paired_old.insert(o.name.clone());
                expand_table(o, t);
            }
            None => {
                // A new table is empty: its own constraints hold; only its
                // foreign keys wait (scripts may fill it in any order).
                t.foreign_keys.clear();
            }
        }
    }
    // Names in PostgreSQL's relation and type namespaces that `new` uses: a
    // dropped table or enum whose own names collide with them cannot stay.
    let taken = relation_names(new);
    let types: HashSet<&QualName> = new
        .enums
        .iter()
        .map(|e| &e.name)
        .chain(new.tables.iter().map(|t| &t.name))
        .chain(new.views.iter().map(|v| &v.name))
        .chain(new.domains.iter().map(|d| &d.name))
        .chain(new.composite_types.iter().map(|c| &c.name))
        .collect();
    for o in &old.tables {
        if !paired_old.contains(&o.name)
            && !new_names.contains(&o.name)
            && !types.contains(&o.name)
            && table_relation_names(o).iter().all(|n| !taken.contains(n))
        {
            // Without its foreign keys: what they reference may change.
            let mut kept = o.clone();
            kept.foreign_keys.clear();
            out.tables.push(kept);
        }
    }
    // Sequences the kept columns' defaults may still use.
    for q in &old.sequences {
        if !taken.contains(&q.name) && !types.contains(&q.name) {
            out.sequences.push(q.clone());
        }
    }
    // Types the kept columns may still have.
    for e in &old.enums {
        if !types.contains(&e.name) {
            out.enums.push(e.clone());
        }
    }
    for d in &old.domains {
        if !types.contains(&d.name) {
            out.domains.push(d.clone());
        }
    }
    for c in &old.composite_types {
        if !types.contains(&c.name) && !taken.contains(&c.name) {
            out.composite_types.push(c.clone());
        }
    }
    for x in &old.extensions {
        if out.extensions.iter().all(|n| n.name != x.name) {
            out.extensions.push(x.clone());
        }
    }
    for n in &old.namespaces {
        if !out.namespaces.contains(n) {
            out.namespaces.push(n.clone());
        }
    }
    out.normalize();
    out
}

/// The names a table takes in its schema's relation namespace: itself, its
/// indexes and the indexes behind its primary key and unique constraints.
fn table_relation_names(t: &Table) -> Vec<QualName> {
    let s = &t.name.schema;
    std::iter::once(t.name.clone())
        .chain(
            t.indexes
                .iter()
                .map(|i| QualName::new(s.clone(), i.name.clone())),
        )
        .chain(
            t.uniques
                .iter()
                .map(|u| QualName::new(s.clone(), u.name.clone())),
        )
        .chain(
            t.primary_key
                .iter()
                .map(|p| QualName::new(s.clone(), p.name.clone())),
        )
        .collect()
}

fn relation_names(s: &Schema) -> HashSet<QualName> {
    s.tables
        .iter()
        .flat_map(table_relation_names)
        .chain(s.views.iter().map(|v| v.name.clone()))
        .chain(s.sequences.iter().map(|q| q.name.clone()))
        .collect()
}

fn expand_table(old: &Table, t: &mut Table) {
    let pk: HashSet<String> = t
        .primary_key
        .as_ref()
        .map(|p| p.columns.iter().cloned().collect())
        .unwrap_or_default();
    let mut kept_old: HashSet<&str> = HashSet::new();
    for c in &mut t.columns {
        let o = c
            .renamed_from
            .as_deref()
            .and_then(|f| old.column(f).filter(|_| !kept_old.contains(f)))
            .or_else(|| old.column(&c.name));
        if let Some(o) = o {
            kept_old.insert(o.name.as_str());
        }
        let tightened = !c.nullable && o.map_or(true, |o| o.nullable);
        if tightened
            && c.default.is_none()
            && c.identity.is_none()
            && c.generated.is_none()
            && !pk.contains(&c.name)
        {
            c.nullable = true;
        }
    }
    // Columns the new table drops stay, nullable, until the second diff
    // (generated ones go at once: derived, and they would pin the columns
    // they read).
    for o in &old.columns {
        if !kept_old.contains(o.name.as_str())
            && t.column(&o.name).is_none()
            && o.generated.is_none()
        {
            let mut c = o.clone();
            if c.identity.is_none() && !pk.contains(&c.name) {
                c.nullable = true;
            }
            t.columns.push(c);
        }
    }
    t.checks.retain(|c| old.checks.contains(c));
    t.foreign_keys.retain(|f| old.foreign_keys.contains(f));
    t.uniques.retain(|u| old.uniques.contains(u));
    t.indexes.retain(|i| !i.unique || old.indexes.contains(i));
}

/// `s` without rename hints (for the second diff, whose old side already
/// carries the new names).
pub fn without_hints(s: &Schema) -> Schema {
    let mut s = s.clone();
    for t in &mut s.tables {
        t.renamed_from = None;
        for c in &mut t.columns {
            c.renamed_from = None;
        }
    }
    s
}
