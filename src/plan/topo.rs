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
use crate::diff::{ColumnChange, FunctionChange, TableChange, ViewChange};
use crate::model::QualName;
use crate::plan::order::{rank, EARLY_DROPS, LATE_CREATES};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

/// Order of kinds that share a rank, when no edge decides
/// ([`Change::tie_break`]).
pub(crate) fn kind_rank(c: &Change) -> u8 {
    c.tie_break()
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
                if function.named_types().iter().any(|r| dropped.contains(r)) =>
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
        if run.iter().any(Change::ordered) {
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
        if let Some(p) = c.provides() {
            by_name.entry(p).or_default().push(i);
        }
    }
    for (i, c) in run.iter().enumerate() {
        for need in c.needs() {
            for &p in by_name.get(&need).into_iter().flatten() {
                edge(p, i, &mut succ);
            }
        }
    }
    // drops: a reader before what it read
    let mut dropped: HashMap<&QualName, Vec<usize>> = HashMap::new();
    for (i, c) in run.iter().enumerate() {
        if let Some((name, _)) = c.drop_edges() {
            dropped.entry(name).or_default().push(i);
        }
    }
    for (i, c) in run.iter().enumerate() {
        if let Some((_, reads)) = c.drop_edges() {
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

    #[test]
    fn types_are_created_after_and_dropped_before_what_they_are_built_on() {
        use crate::diff::{CompositeChange, DomainChange, EnumChange};
        use crate::model::{Attribute, ColumnType, CompositeType, Domain, EnumType};
        let q = |n: &str| QualName::new("app", n);
        let mood = EnumType {
            name: q("mood"),
            values: vec!["ok".into()],
        };
        // a domain over a composite type with an enum attribute, declared
        // (and so diffed) in the wrong order
        let d = Domain::new(q("a_dom"), ColumnType::named(q("b_pair"), false));
        let c = CompositeType {
            name: q("b_pair"),
            attributes: vec![
                Attribute::new("m", ColumnType::named(q("mood"), true)),
                Attribute::new("n", ColumnType::named(q("c_dom"), false)),
            ],
        };
        let d2 = Domain::new(q("c_dom"), ColumnType::builtin("integer"));
        let creates = vec![
            Change::Domain(DomainChange::Create { domain: d.clone() }),
            Change::Domain(DomainChange::Create { domain: d2.clone() }),
            Change::Composite(CompositeChange::Create {
                composite: c.clone(),
            }),
            Change::Enum(EnumChange::Create {
                r#enum: mood.clone(),
            }),
        ];
        assert_eq!(
            names(&crate::plan::order::order(creates)),
            [
                "CreateDomain app.c_dom",
                "CreateEnum app.mood",
                "CreateCompositeType app.b_pair",
                "CreateDomain app.a_dom"
            ]
        );
        let drops = vec![
            Change::Enum(EnumChange::Drop { name: q("mood") }),
            Change::Domain(DomainChange::Drop { domain: d2 }),
            Change::Composite(CompositeChange::Drop { composite: c }),
            Change::Domain(DomainChange::Drop { domain: d }),
        ];
        assert_eq!(
            names(&crate::plan::order::order(drops)),
            [
                "DropDomain app.a_dom",
                "DropCompositeType app.b_pair",
                "DropEnum app.mood",
                "DropDomain app.c_dom"
            ]
        );
    }
}
