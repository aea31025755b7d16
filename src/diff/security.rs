//! Row-level security: a table's ENABLE / FORCE flags and its policies.
//!
//! Runs after the tables are diffed, on the changes they produced: new
//! tables get their flags and policies as changes of their own (taken out
//! of their `CreateTable`), kept tables (through renames) are compared.
//! A changed policy is `ALTER POLICY` when only its roles or expressions
//! change and no expression is removed; otherwise, and whenever a column
//! or type an old expression names is dropped, retyped or recreated
//! (PostgreSQL refuses those while a policy uses them), it is dropped
//! early and created again late.

use super::Change;
use crate::model::{Policy, QualName, Schema, Table};
use crate::plan::hazard::{generated_change, GeneratedChange};
use crate::sql::mentions;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Pushes the row-level security changes; `out` holds the other changes
/// of the diff so far.
pub(super) fn push_row_security(old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    let mut created: HashSet<QualName> = HashSet::new();
    for c in out.iter_mut() {
        if let Change::CreateTable { table } = c {
            created.insert(table.name.clone());
            table.policies.clear();
            table.row_security = Default::default();
        }
    }
    let renamed_from: HashMap<&QualName, &QualName> = out
        .iter()
        .filter_map(|c| match c {
            Change::RenameTable { from, to } => Some((to, from)),
            _ => None,
        })
        .collect();
    let touched = Touched::of(out);
    let mut more = Vec::new();
    for n in &new.tables {
        if created.contains(&n.name) {
            if !n.row_security.is_default() {
                more.push(Change::AlterRowSecurity {
                    table: n.name.clone(),
                    old: Default::default(),
                    new: n.row_security,
                });
            }
            for p in &n.policies {
                more.push(Change::CreatePolicy {
                    table: n.name.clone(),
                    policy: p.clone(),
                });
            }
            continue;
        }
        let old_name = renamed_from.get(&n.name).copied().unwrap_or(&n.name);
        let Some(o) = old.table(old_name) else {
            continue;
        };
        if o.row_security != n.row_security {
            more.push(Change::AlterRowSecurity {
                table: n.name.clone(),
                old: o.row_security,
                new: n.row_security,
            });
        }
        push_policies(o, n, &touched, &mut more);
    }
    out.extend(more);
}

/// What the other changes do to columns and types that a policy's
/// expressions may name.
struct Touched {
    /// (old table, old column) dropped, retyped or recreated.
    columns: HashSet<(QualName, String)>,
    /// Names of recreated types.
    types: HashSet<String>,
}

impl Touched {
    fn of(changes: &[Change]) -> Touched {
        // new (table, column) → old column name; new table → old table
        let col_from: HashMap<(&QualName, &str), &str> = changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameColumn { table, from, to } => {
                    Some(((table, to.as_str()), from.as_str()))
                }
                _ => None,
            })
            .collect();
        let table_from: HashMap<&QualName, &QualName> = changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameTable { from, to } => Some((to, from)),
                _ => None,
            })
            .collect();
        let mut t = Touched {
            columns: HashSet::new(),
            types: HashSet::new(),
        };
        for c in changes {
            match c {
                Change::DropColumn { table, column } => {
                    t.columns.insert((table.clone(), column.clone()));
                }
                Change::AlterColumn { table, old, new }
                    if old.ty != new.ty
                        || old.collation != new.collation
                        || generated_change(old, new) == GeneratedChange::Recreate =>
                {
                    let ot = table_from.get(table).copied().unwrap_or(table);
                    let oc = col_from
                        .get(&(table, new.name.as_str()))
                        .copied()
                        .unwrap_or(&new.name);
                    t.columns.insert((ot.clone(), oc.to_string()));
                }
                Change::RecreateEnum { new, .. } => {
                    t.types.insert(new.name.name.clone());
                }
                Change::RecreateDomain { new, .. } => {
                    t.types.insert(new.name.name.clone());
                }
                _ => {}
            }
        }
        t
    }

    /// Whether an expression of a policy on old table `table` names
    /// something that changes under it.
    fn hits(&self, table: &QualName, expr: &str) -> bool {
        self.types.iter().any(|ty| mentions(expr, ty))
            || self
                .columns
                .iter()
                .any(|(t, c)| t == table && mentions(expr, c))
    }
}

fn push_policies(o: &Table, n: &Table, touched: &Touched, out: &mut Vec<Change>) {
    let olds: BTreeMap<&str, &Policy> = o.policies.iter().map(|p| (p.name.as_str(), p)).collect();
    let news: BTreeMap<&str, &Policy> = n.policies.iter().map(|p| (p.name.as_str(), p)).collect();
    let drop = |name: &str| Change::DropPolicy {
        table: o.name.clone(),
        name: name.to_string(),
    };
    let create = |p: &Policy| Change::CreatePolicy {
        table: n.name.clone(),
        policy: p.clone(),
    };
    for (name, op) in &olds {
        let Some(np) = news.get(name) else {
            out.push(drop(name));
            continue;
        };
        let exprs = op.using.iter().chain(&op.with_check);
        let hit = exprs.clone().any(|e| touched.hits(&o.name, e));
        let alterable = op.restrictive == np.restrictive
            && op.command == np.command
            && (op.using.is_none() || np.using.is_some())
            && (op.with_check.is_none() || np.with_check.is_some());
        if hit || !alterable {
            out.push(drop(name));
            out.push(create(np));
        } else if op != np {
            out.push(Change::AlterPolicy {
                table: n.name.clone(),
                name: name.to_string(),
                roles: (op.roles != np.roles).then(|| np.roles.clone()),
                using: np.using.clone().filter(|u| op.using.as_ref() != Some(u)),
                with_check: np
                    .with_check
                    .clone()
                    .filter(|w| op.with_check.as_ref() != Some(w)),
            });
        }
    }
    for (name, np) in &news {
        if !olds.contains_key(name) {
            out.push(create(np));
        }
    }
}
