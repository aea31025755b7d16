//! Step order.
//!
//! The dependency graph between changes of one plan is layered: namespaces,
//! extensions and types come before the tables that use them; drops of
//! constraints and indexes come before the drops and renames that would
//! otherwise break them; tables exist before any foreign key is added (which
//! also breaks FK cycles, as Atlas's `DetachCycles` does); types are dropped
//! only after the columns using them. Every edge of that graph goes from a
//! lower rank to a higher one, so a stable sort by rank is a topological
//! order, and ties keep the diff's deterministic (name-sorted) order.
//! Where objects of one layer depend on each other (views on views), that
//! layer is then sorted by its own edges ([`super::topo`]).

use crate::diff::Change;
use crate::diff::{
    ColumnChange, CommentChange, CompositeChange, ConstraintChange, DomainChange, EnumChange,
    ExtensionChange, FunctionChange, GrantChange, IndexChange, NamespaceChange, PolicyChange,
    SequenceChange, TableChange, TriggerChange, ViewChange,
};
use crate::model::QualName;
use crate::plan::hazard::{generated_change, GeneratedChange};
use std::collections::HashMap;
use std::hash::Hash;

/// The layer where views are dropped (with the functions whose result is
/// their row type): before anything they read changes.
pub(crate) const EARLY_DROPS: u8 = 3;
/// The layer where views are created (with the functions that read what
/// the plan changes): once every table and column is in place.
pub(crate) const LATE_CREATES: u8 = 18;

/// The layer of a change; lower runs first.
pub fn rank(change: &Change) -> u8 {
    match change {
        Change::Namespace(NamespaceChange::Create { .. }) => 0,
        Change::Extension(ExtensionChange::Create { .. })
        | Change::Extension(ExtensionChange::Alter { .. }) => 1,
        Change::Enum(EnumChange::Create { .. }) | Change::Enum(EnumChange::AddValue { .. }) => 2,
        Change::Constraint(ConstraintChange::DropForeignKey { .. }) => 3,
        Change::Index(IndexChange::Drop { .. })
        | Change::Constraint(ConstraintChange::DropCheck { .. })
        | Change::Constraint(ConstraintChange::DropUnique { .. }) => 4,
        // After the checks and indexes naming the type are dropped, before
        // renames (it names columns as they were).
        Change::Constraint(ConstraintChange::DropPrimaryKey { .. })
        | Change::Enum(EnumChange::Recreate { .. }) => 5,
        // Dropping tables and columns early frees their names for renames.
        Change::Table(TableChange::Drop { .. })
        | Change::Column(ColumnChange::DropExpression { .. }) => 6,
        Change::Column(ColumnChange::Drop { .. }) => 7,
        Change::Table(TableChange::Rename { .. }) => 8,
        // Constraint and index renames after the column renames of their
        // table (stable order), before new tables and indexes may take
        // the names they free.
        Change::Column(ColumnChange::Rename { .. })
        | Change::Constraint(ConstraintChange::Rename { .. })
        | Change::Index(IndexChange::Rename { .. }) => 9,
        Change::Table(TableChange::Create { .. }) => 10,
        // Column changes before new columns: PostgreSQL refuses to change
        // the type of a column that a (new) generated column reads. New
        // columns keep their declared order.
        Change::Column(ColumnChange::Alter { old, new, .. })
            if generated_change(old, new) != GeneratedChange::Recreate =>
        {
            11
        }
        // New generated columns, and recreated ones, last: they may read a
        // new column, which PostgreSQL needs to exist first.
        Change::Column(ColumnChange::Add { column, .. }) if column.generated.is_some() => 13,
        Change::Column(ColumnChange::Add { .. }) => 12,
        Change::Column(ColumnChange::Alter { .. }) => 13,
        Change::Constraint(ConstraintChange::AddPrimaryKey { .. }) => 14,
        Change::Constraint(ConstraintChange::AddUnique { .. }) => 15,
        Change::Constraint(ConstraintChange::AddCheck { .. }) => 16,
        Change::Index(IndexChange::Create { .. }) => 17,
        Change::Constraint(ConstraintChange::AddForeignKey { .. }) => 18,
        Change::Table(TableChange::SetComment { .. })
        | Change::Column(ColumnChange::SetComment { .. }) => 19,
        Change::Enum(EnumChange::Drop { .. }) => 20,
        Change::Extension(ExtensionChange::Drop { .. }) => 21,
        Change::Namespace(NamespaceChange::Drop { .. }) => 22,
        // Views: dropped before anything they read changes (their order
        // among themselves: `plan::topo`), created once every table and
        // column they may read is in place, before comments.
        Change::View(ViewChange::Drop { .. }) => EARLY_DROPS,
        Change::View(ViewChange::Create { .. }) | Change::View(ViewChange::Replace { .. }) => {
            LATE_CREATES
        }
        Change::Comment(CommentChange::Set { .. }) => 19,
        // Sequences: before the tables whose defaults draw from them,
        // detached from an old owner before drops (which would take them
        // along), attached to a new one once it exists, dropped once no
        // default uses them.
        Change::Sequence(SequenceChange::Create { .. })
        | Change::Sequence(SequenceChange::Alter { .. }) => 2,
        Change::Sequence(SequenceChange::SetOwner { owned_by: None, .. }) => 3,
        Change::Sequence(SequenceChange::SetOwner { .. }) => 18,
        Change::Sequence(SequenceChange::Drop { .. }) => 20,
        // Functions: created early, before the tables whose defaults call
        // them (later, among the views, when they read what the plan
        // changes: `plan::topo`); a recreated one after the column changes
        // (it sets the defaults that call it again) and before the views
        // that call it are created again; dropped late, once no default,
        // view or trigger uses it (early when its result is the row type of
        // a relation that goes).
        Change::Function(FunctionChange::Create { .. })
        | Change::Function(FunctionChange::Replace { .. }) => 2,
        Change::Function(FunctionChange::Recreate { .. }) => 14,
        Change::Function(FunctionChange::Drop { .. }) => 19,
        // Triggers: dropped before their table, view or function, created
        // after all of them.
        Change::Trigger(TriggerChange::Drop { .. }) => 3,
        Change::Trigger(TriggerChange::Create { .. })
        | Change::Trigger(TriggerChange::Replace { .. })
        | Change::Trigger(TriggerChange::SetEnabled { .. }) => 19,
        // Domains and composite types: with the enums, in the order of what
        // they are built on (`plan::topo`); recreated like enums; dropped
        // with them, users first. Domain constraints go with the tables'
        // checks: dropped early, added once columns are dropped, altered
        // and added (PostgreSQL validates them on every column of the
        // type, and refuses while a composite column holds the type).
        Change::Domain(DomainChange::DropCheck { .. })
        | Change::Domain(DomainChange::SetNotNull {
            not_null: false, ..
        }) => 4,
        Change::Domain(DomainChange::AddCheck { .. })
        | Change::Domain(DomainChange::SetNotNull { .. }) => 16,
        Change::Domain(DomainChange::Create { .. })
        | Change::Domain(DomainChange::SetDefault { .. })
        | Change::Composite(CompositeChange::Create { .. })
        | Change::Composite(CompositeChange::AddAttribute { .. })
        | Change::Composite(CompositeChange::AlterAttribute { .. })
        | Change::Composite(CompositeChange::DropAttribute { .. }) => 2,
        Change::Domain(DomainChange::Recreate { .. }) => 5,
        Change::Domain(DomainChange::Drop { .. })
        | Change::Composite(CompositeChange::Drop { .. }) => 20,
        // Policies: dropped with the checks (before the columns they name
        // change), created and altered once every table, column and view
        // exists, with the row-level security flags.
        Change::Policy(PolicyChange::Drop { .. }) => 4,
        Change::Policy(PolicyChange::AlterRowSecurity { .. })
        | Change::Policy(PolicyChange::Create { .. })
        | Change::Policy(PolicyChange::Alter { .. }) => 19,
        // Privileges: once every object exists, under its new name;
        // revokes before grants (see `plan::topo` for their run).
        Change::Grant(GrantChange::Revoke { .. }) | Change::Grant(GrantChange::Grant { .. }) => 19,
    }
}

/// Orders changes for execution (stable: ties keep their input order), and
/// orders renames so that a rename into a name another rename frees runs
/// after it: tables by qualified name, constraints and indexes by name in
/// their namespace (where index names, and so the names of keys, must be
/// unique). The renames it moves share a rank, so the ranks stay in order.
pub fn order(changes: Vec<Change>) -> Vec<Change> {
    let ranks = super::topo::effective_ranks(&changes);
    let mut ranked: Vec<(u8, Change)> = ranks.into_iter().zip(changes).collect();
    ranked.sort_by_key(|(r, _)| *r);
    let (ranks, mut changes): (Vec<u8>, Vec<Change>) = ranked.into_iter().unzip();
    order_chains(&mut changes, |c| match c {
        Change::Table(TableChange::Rename { from, to }) => Some((from.clone(), to.clone())),
        _ => None,
    });
    order_chains(&mut changes, |c| match c {
        Change::Constraint(ConstraintChange::Rename { table, from, to })
        | Change::Index(IndexChange::Rename { table, from, to }) => Some((
            QualName::new(table.schema.clone(), from.clone()),
            QualName::new(table.schema.clone(), to.clone()),
        )),
        _ => None,
    });
    super::topo::order_runs(&mut changes, &ranks);
    changes
}

/// Reorders the changes `key` maps to `(from, to)` among their own
/// positions so that `a → b` runs after `b → c`, in linear time. Each name
/// is renamed away at most once, so each rename waits for at most one
/// other; a cycle cannot be ordered and fails loudly in PostgreSQL.
fn order_chains<K: Hash + Eq>(changes: &mut [Change], key: impl Fn(&Change) -> Option<(K, K)>) {
    let (pos, keys): (Vec<usize>, Vec<(K, K)>) = changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| key(c).map(|k| (i, k)))
        .unzip();
    if pos.len() < 2 {
        return;
    }
    let by_from: HashMap<&K, usize> = keys.iter().enumerate().map(|(i, (f, _))| (f, i)).collect();
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; keys.len()];
    let mut order = Vec::with_capacity(keys.len());
    for start in 0..keys.len() {
        let mut chain = Vec::new();
        let mut cur = start;
        while state[cur] == State::New {
            state[cur] = State::Open;
            chain.push(cur);
            match by_from.get(&keys[cur].1) {
                Some(&next) => cur = next,
                None => break,
            }
        }
        while let Some(i) = chain.pop() {
            state[i] = State::Done;
            order.push(i);
        }
    }
    if order.iter().enumerate().all(|(i, &k)| i == k) {
        return;
    }
    let taken: Vec<Change> = order.iter().map(|&k| changes[pos[k]].clone()).collect();
    for (&p, c) in pos.iter().zip(taken) {
        changes[p] = c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ColumnChange, ConstraintChange, IndexChange};
    use crate::model::{Column, ColumnType, QualName};

    #[test]
    fn generated_columns_come_after_type_changes() {
        let t = QualName::new("app", "t");
        let mut g = Column::new("g", ColumnType::builtin("boolean"));
        g.generated = Some("(a IS NOT NULL)".into());
        let add = Change::Column(ColumnChange::Add {
            table: t.clone(),
            column: g,
        });
        let alter = Change::Column(ColumnChange::Alter {
            table: t,
            old: Column::new("a", ColumnType::builtin("integer")),
            new: Column::new("a", ColumnType::builtin("bigint")),
        });
        assert_eq!(
            order(vec![add.clone(), alter.clone()]),
            [alter, add.clone()]
        );
        let plain = Change::Column(ColumnChange::Add {
            table: QualName::new("app", "t"),
            column: Column::new("a", ColumnType::builtin("integer")),
        });
        assert_eq!(order(vec![add.clone(), plain.clone()]), [plain, add]);
    }

    #[test]
    fn renames_into_freed_names_run_after_the_renames_freeing_them() {
        let t = QualName::new("app", "t");
        let ri = |from: &str, to: &str| {
            Change::Index(IndexChange::Rename {
                table: t.clone(),
                from: from.into(),
                to: to.into(),
            })
        };
        let rc = |from: &str, to: &str| {
            Change::Constraint(ConstraintChange::Rename {
                table: t.clone(),
                from: from.into(),
                to: to.into(),
            })
        };
        let col = Change::Column(ColumnChange::Rename {
            table: t.clone(),
            from: "x".into(),
            to: "y".into(),
        });
        // a -> b -> c -> d as index and key names, given backwards
        let plan = order(vec![
            ri("a", "b"),
            col.clone(),
            rc("b", "c"),
            ri("c", "d"),
            ri("p", "q"),
        ]);
        assert_eq!(
            plan,
            [ri("c", "d"), col, rc("b", "c"), ri("a", "b"), ri("p", "q")]
        );
        // a cycle cannot be ordered: both stay, to fail loudly in PostgreSQL
        let mut cycle = order(vec![ri("a", "b"), ri("b", "a")]);
        cycle.sort_by_key(|c| c.subject());
        assert_eq!(cycle, [ri("a", "b"), ri("b", "a")]);
    }
}
