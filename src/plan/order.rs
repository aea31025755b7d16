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
use crate::diff::{ConstraintChange, IndexChange, TableChange};
use crate::model::QualName;
use std::collections::HashMap;
use std::hash::Hash;

/// The layers of a plan, in the order they run: every change has one
/// ([`crate::diff::Facts::rank`], next to each kind's change type), and
/// every dependency between kinds goes from a lower layer to a higher one.
pub mod layer {
    /// Namespaces created.
    pub const NAMESPACES: u8 = 0;
    /// Extensions created and updated.
    pub const EXTENSIONS: u8 = 1;
    /// Enums, domains and composite types created and altered; sequences
    /// and functions created (before the tables whose defaults use them).
    pub const TYPES: u8 = 2;
    /// Foreign keys, views and triggers dropped, sequences detached from
    /// their owners: before anything they use changes.
    pub const EARLY_DROPS: u8 = 3;
    /// Indexes, checks, unique constraints, policies and domain
    /// constraints dropped.
    pub const DROP_CHECKS: u8 = 4;
    /// Primary keys dropped; enums and domains recreated.
    pub const RECREATE_TYPES: u8 = 5;
    /// Tables dropped (freeing their names for renames), generation
    /// expressions dropped.
    pub const DROP_TABLES: u8 = 6;
    /// Columns dropped.
    pub const DROP_COLUMNS: u8 = 7;
    /// Tables renamed.
    pub const RENAME_TABLES: u8 = 8;
    /// Columns, constraints and indexes renamed.
    pub const RENAMES: u8 = 9;
    /// Tables created.
    pub const CREATE_TABLES: u8 = 10;
    /// Columns altered in place.
    pub const ALTER_COLUMNS: u8 = 11;
    /// Columns added.
    pub const ADD_COLUMNS: u8 = 12;
    /// Generated columns added or recreated.
    pub const GENERATED_COLUMNS: u8 = 13;
    /// Primary keys added; functions recreated.
    pub const PRIMARY_KEYS: u8 = 14;
    /// Unique constraints added.
    pub const UNIQUES: u8 = 15;
    /// Checks and domain constraints added.
    pub const CHECKS: u8 = 16;
    /// Indexes created.
    pub const INDEXES: u8 = 17;
    /// Foreign keys added, views created, sequences attached to their new
    /// owners: once every table and column exists.
    pub const LATE_CREATES: u8 = 18;
    /// Comments, triggers, policies and privileges; functions dropped.
    pub const LAST: u8 = 19;
    /// Types and sequences dropped, once nothing uses them.
    pub const DROP_TYPES: u8 = 20;
    /// Extensions dropped.
    pub const DROP_EXTENSIONS: u8 = 21;
    /// Namespaces dropped.
    pub const DROP_NAMESPACES: u8 = 22;
}

/// The layer where views are dropped (with the functions whose result is
/// their row type): before anything they read changes.
pub(crate) const EARLY_DROPS: u8 = layer::EARLY_DROPS;
/// The layer where views are created (with the functions that read what
/// the plan changes): once every table and column is in place.
pub(crate) const LATE_CREATES: u8 = layer::LATE_CREATES;

/// The layer of a change ([`Change::rank`]); lower runs first.
pub fn rank(change: &Change) -> u8 {
    change.rank()
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
