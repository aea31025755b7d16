//! Dependency order inside a layer, where rank alone cannot say it: views
//! that read views (and, later, functions that views call) must be created
//! after what they read and dropped before it.
//!
//! Each run of changes with the same rank is sorted topologically (Kahn's
//! algorithm) when it holds such changes. The edges come from the changes
//! themselves: a created view needs whatever created object of the same run
//! its definition names ([`View::reads`], [`View::calls`]); a dropped view
//! goes before the dropped views it read. Ties, and changes without edges,
//! go by kind (see [`kind_rank`]) and then input order, which the diff
//! keeps sorted by name: the order is deterministic. Should the edges form
//! a cycle (PostgreSQL would refuse such objects anyway), the rest of the
//! run keeps that tie-break order.
//!
//! [`View::reads`]: crate::model::View::reads
//! [`View::calls`]: crate::model::View::calls

use crate::diff::Change;
use crate::diff::{
    ColumnChange, CommentChange, FunctionChange, GrantChange, SequenceChange, TableChange,
    TriggerChange, ViewChange,
};
use crate::model::{BaseType, Function, QualName};
use crate::plan::order::{rank, EARLY_DROPS, LATE_CREATES};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};

/// Order of kinds that share a rank, when no edge decides.
pub(crate) fn kind_rank(c: &Change) -> u8 {
    match c {
        Change::Sequence(SequenceChange::Create { .. })
        | Change::Sequence(SequenceChange::Alter { .. }) => 1,
        Change::Trigger(TriggerChange::Drop { .. }) => 1,
        Change::Function(FunctionChange::Create { .. })
        | Change::Function(FunctionChange::Replace { .. }) => 2,
        Change::View(ViewChange::Drop { .. }) => 2,
        Change::View(ViewChange::Create { .. }) | Change::View(ViewChange::Replace { .. }) => 3,
        Change::Trigger(TriggerChange::Create { .. })
        | Change::Trigger(TriggerChange::Replace { .. })
        | Change::Trigger(TriggerChange::SetEnabled { .. }) => 4,
        Change::Comment(CommentChange::Set { .. }) => 5,
        // late: after the triggers and views that stop using it; early:
        // its edges put it before the views whose row type it returns
        Change::Function(FunctionChange::Drop { .. }) => 6,
        // last of all: the objects they are on exist by then
        Change::Grant(GrantChange::Revoke { .. }) => 7,
        Change::Grant(GrantChange::Grant { .. }) => 8,
        _ => 0,
    }
}

/// Whether a change takes part in the dependency order of its run.
fn ordered(c: &Change) -> bool {
    matches!(
        c,
        Change::View(ViewChange::Create { .. })
            | Change::View(ViewChange::Replace { .. })
            | Change::View(ViewChange::Drop { .. })
            | Change::Function(FunctionChange::Create { .. })
            | Change::Function(FunctionChange::Replace { .. })
            | Change::Function(FunctionChange::Drop { .. })
            | Change::Trigger(TriggerChange::Drop { .. })
            | Change::Trigger(TriggerChange::Create { .. })
            | Change::Comment(CommentChange::Set { .. })
    ) || super::kinds_order::ordered(c)
}

/// The object a create brings into being, for the edges of the others.
fn provides(c: &Change) -> Option<&QualName> {
    match c {
        Change::View(ViewChange::Create { view })
        | Change::View(ViewChange::Replace { new: view, .. }) => Some(&view.name),
        Change::Function(FunctionChange::Create { function })
        | Change::Function(FunctionChange::Replace { new: function, .. }) => Some(&function.name),
        _ => super::kinds_order::provides(c),
    }
}

/// What a create needs to exist first.
fn needs(c: &Change) -> BTreeSet<QualName> {
    match c {
        Change::View(ViewChange::Create { view })
        | Change::View(ViewChange::Replace { new: view, .. }) => {
            let mut n = view.reads();
            n.extend(view.calls());
            n
        }
        Change::Function(FunctionChange::Create { function })
        | Change::Function(FunctionChange::Replace { new: function, .. }) => function.reads(),
        _ => super::kinds_order::needs(c),
    }
}

/// For a drop: the object it drops, and the dropped objects that must go
/// after it (what it read or called; for a function, the row types of its
/// signature: PostgreSQL refuses to drop a relation whose row type a
/// function uses).
fn drop_edges(c: &Change) -> Option<(&QualName, BTreeSet<QualName>)> {
    match c {
        Change::View(ViewChange::Drop { view }) => {
            let mut after = view.reads();
            after.extend(view.calls());
            Some((&view.name, after))
        }
        Change::Function(FunctionChange::Drop { function }) => {
            Some((&function.name, named_types(function)))
        }
        _ => super::kinds_order::drop_edges(c),
    }
}

/// The named types (row types, enums) of a function's signature and result.
fn named_types(f: &Function) -> BTreeSet<QualName> {
    f.types()
        .into_iter()
        .filter_map(|t| match &t.base {
            BaseType::Named(q) => Some(q.clone()),
            BaseType::Builtin(_) => None,
        })
        .collect()
}

/// The rank of each change ([`crate::plan::order::rank`]), moved where the
/// plan around it requires: a function created or replaced whose signature
/// or checked body reads a relation the plan creates or changes goes with
/// the views (it must follow them); a function dropped whose signature
/// uses the row type of a relation the plan drops goes with the view drops
/// (it must precede them).
pub(crate) fn effective_ranks(changes: &[Change]) -> Vec<u8> {
    let mut touched: HashSet<&QualName> = HashSet::new();
    let mut dropped: HashSet<&QualName> = HashSet::new();
    for c in changes {
        match c {
            Change::Table(TableChange::Create { table }) => {
                touched.insert(&table.name);
            }
            Change::Column(ColumnChange::Add { table, .. })
            | Change::Column(ColumnChange::Alter { table, .. })
            | Change::Column(ColumnChange::Rename { table, .. })
            | Change::Table(TableChange::Rename { to: table, .. }) => {
                touched.insert(table);
            }
            Change::View(ViewChange::Create { view })
            | Change::View(ViewChange::Replace { new: view, .. }) => {
                touched.insert(&view.name);
            }
            Change::Table(TableChange::Drop { name }) => {
                dropped.insert(name);
            }
            Change::View(ViewChange::Drop { view }) => {
                dropped.insert(&view.name);
            }
            _ => {}
        }
    }
    changes
        .iter()
        .map(|c| match c {
            Change::Function(FunctionChange::Create { function })
            | Change::Function(FunctionChange::Replace { new: function, .. })
                if function.reads().iter().any(|r| touched.contains(r)) =>
            {
                LATE_CREATES
            }
            Change::Function(FunctionChange::Drop { function })
                if named_types(function).iter().any(|r| dropped.contains(r)) =>
            {
                EARLY_DROPS
            }
            other => rank(other),
        })
        .collect()
}

/// Sorts every run of equal `ranks` that holds ordered changes; see the
/// module docs. `ranks[i]` is the rank of `changes[i]`, which are sorted by it.
pub(crate) fn order_runs(changes: &mut Vec<Change>, ranks: &[u8]) {
    debug_assert_eq!(changes.len(), ranks.len());
    let mut start = 0;
    let mut out: Vec<Change> = Vec::with_capacity(changes.len());
    let mut rest = std::mem::take(changes).into_iter();
    while start < ranks.len() {
        let end = start
            + ranks[start..]
                .iter()
                .take_while(|r| **r == ranks[start])
                .count();
        let run: Vec<Change> = rest.by_ref().take(end - start).collect();
        if run.iter().any(ordered) {
            out.extend(kahn(run));
        } else {
            out.extend(run);
        }
        start = end;
    }
    *changes = out;
}

/// Kahn's algorithm over one run, ties by (kind rank, input position).
fn kahn(run: Vec<Change>) -> Vec<Change> {
    let n = run.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    let mut edge = |a: usize, b: usize, succ: &mut Vec<Vec<usize>>| {
        if a != b && !succ[a].contains(&b) {
            succ[a].push(b);
            indeg[b] += 1;
        }
    };
    // creates: provider before needer
    let mut by_name: HashMap<&QualName, Vec<usize>> = HashMap::new();
    for (i, c) in run.iter().enumerate() {
        if let Some(p) = provides(c) {
            by_name.entry(p).or_default().push(i);
        }
    }
    for (i, c) in run.iter().enumerate() {
        for need in needs(c) {
            for &p in by_name.get(&need).into_iter().flatten() {
                edge(p, i, &mut succ);
            }
        }
    }
    // drops: a reader before what it read
    let mut dropped: HashMap<&QualName, Vec<usize>> = HashMap::new();
    for (i, c) in run.iter().enumerate() {
        if let Some((name, _)) = drop_edges(c) {
            dropped.entry(name).or_default().push(i);
        }
    }
    for (i, c) in run.iter().enumerate() {
        if let Some((_, reads)) = drop_edges(c) {
            for r in reads {
                for &j in dropped.get(&r).into_iter().flatten() {
                    edge(i, j, &mut succ);
                }
            }
        }
    }

    let key = |i: usize| (kind_rank(&run[i]), i);
    let mut ready: BinaryHeap<Reverse<(u8, usize)>> = (0..n)
        .filter(|&i| indeg[i] == 0)
        .map(|i| Reverse(key(i)))
        .collect();
    let mut order = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while let Some(Reverse((_, i))) = ready.pop() {
        done[i] = true;
        order.push(i);
        for &j in &succ[i] {
            indeg[j] -= 1;
            if indeg[j] == 0 {
                ready.push(Reverse(key(j)));
            }
        }
    }
    if order.len() < n {
        // a cycle: the rest in tie-break order
        let mut rest: Vec<usize> = (0..n).filter(|&i| !done[i]).collect();
        rest.sort_by_key(|&i| key(i));
        order.extend(rest);
    }
    let mut slots: Vec<Option<Change>> = run.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{FunctionChange, TableChange, ViewChange};
    use crate::model::View;

    fn create(name: &str, def: &str) -> Change {
        Change::View(ViewChange::Create {
            view: View::new(QualName::new("app", name), def),
        })
    }

    fn names(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| format!("{} {}", c.kind(), c.subject()))
            .collect()
    }

    #[test]
    fn creates_follow_what_they_read_and_drops_precede_it() {
        let mut changes = vec![
            create("a", "SELECT b.x FROM app.b"),
            create("b", "SELECT c.x FROM app.c"),
            create("c", "SELECT t.x FROM app.t"),
            create("d", "SELECT 1 AS x"),
        ];
        order_runs(&mut changes, &[18; 4]);
        assert_eq!(
            names(&changes),
            [
                "CreateView app.c",
                "CreateView app.b",
                "CreateView app.a",
                "CreateView app.d"
            ]
        );
        let drop = |name: &str, def: &str| {
            Change::View(ViewChange::Drop {
                view: View::new(QualName::new("app", name), def),
            })
        };
        let mut changes = vec![
            drop("c", "SELECT t.x FROM app.t"),
            drop("b", "SELECT c.x FROM app.c"),
            drop("a", "SELECT b.x FROM app.b"),
        ];
        order_runs(&mut changes, &[3; 3]);
        assert_eq!(
            names(&changes),
            ["DropView app.a", "DropView app.b", "DropView app.c"]
        );
    }

    #[test]
    fn functions_go_early_unless_they_read_what_the_plan_changes() {
        use crate::model::{ColumnType, Function, Returns, Table};
        let ret = |t: &str| {
            Some(Returns::Type {
                ty: ColumnType::builtin(t),
                setof: false,
            })
        };
        let t = QualName::new("app", "t");
        let reads_t = Function::new(
            QualName::new("app", "count_t"),
            ret("bigint"),
            "sql",
            "SELECT count(*) FROM app.t",
        );
        let plain = Function::new(
            QualName::new("app", "next_code"),
            ret("text"),
            "plpgsql",
            "BEGIN RETURN 'x'; END",
        );
        let view = View::new(QualName::new("app", "v"), "SELECT app.count_t() AS n");
        let changes = vec![
            Change::View(ViewChange::Create { view }),
            Change::Function(FunctionChange::Create { function: reads_t }),
            Change::Table(TableChange::Create {
                table: Table::new(t),
            }),
            Change::Function(FunctionChange::Create { function: plain }),
        ];
        assert_eq!(
            names(&crate::plan::order::order(changes)),
            [
                "CreateFunction app.next_code()",
                "CreateTable app.t",
                "CreateFunction app.count_t()",
                "CreateView app.v",
            ]
        );
    }

    #[test]
    fn cycles_fall_back_to_the_tie_break() {
        let mut changes = vec![
            create("a", "SELECT b.x FROM app.b"),
            create("b", "SELECT a.x FROM app.a"),
        ];
        order_runs(&mut changes, &[18, 18]);
        assert_eq!(names(&changes), ["CreateView app.a", "CreateView app.b"]);
    }
}
