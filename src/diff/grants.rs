//! Privileges: the set of (object, grantee, privilege, grant option) on each
//! side, compared per object and grantee into the fewest GRANT and REVOKE
//! statements.
//!
//! Runs last, on the changes the rest of the diff produced: objects keep
//! their ACL through renames (the old side is re-keyed), an object the plan
//! creates or recreates (a new table, column, view, sequence or function, a
//! view dropped and created again, a function recreated, a recreated
//! generated column) starts with none (a function: with PostgreSQL's
//! default, `EXECUTE` for `PUBLIC`), and an object that goes takes its
//! privileges with it. PostgreSQL revokes a table privilege from the
//! table's columns too: column privileges are compared against what is
//! left after the table's revokes.

use super::Change;
use crate::diff::{
    ColumnChange, FunctionChange, GrantChange, NamespaceChange, SequenceChange, TableChange,
    ViewChange,
};
use crate::model::security::PUBLIC;
use crate::model::{Grant, GrantObject, Privilege, QualName, Schema};
use crate::plan::hazard::{generated_change, GeneratedChange};
use std::collections::{BTreeMap, HashMap, HashSet};

type Held = BTreeMap<Privilege, bool>;

/// Pushes the GRANT and REVOKE changes; `out` holds the other changes.
pub(super) fn push_grants(old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    if old.grants.is_empty() && new.grants.is_empty() {
        return;
    }
    let table_to: HashMap<&QualName, &QualName> = out
        .iter()
        .filter_map(|c| match c {
            Change::Table(TableChange::Rename { from, to }) => Some((from, to)),
            _ => None,
        })
        .collect();
    let column_to: HashMap<(&QualName, &str), &str> = out
        .iter()
        .filter_map(|c| match c {
            Change::Column(ColumnChange::Rename { table, from, to }) => {
                Some(((table, from.as_str()), to.as_str()))
            }
            _ => None,
        })
        .collect();
    let fresh = fresh_objects(out);
    let exists = Existing::of(new);

    let rekey = |o: &GrantObject| -> GrantObject {
        match o {
            GrantObject::Table { name } => GrantObject::Table {
                name: (*table_to.get(name).unwrap_or(&name)).clone(),
            },
            GrantObject::Column { table, column } => {
                let t = *table_to.get(table).unwrap_or(&table);
                let c = column_to
                    .get(&(t, column.as_str()))
                    .copied()
                    .unwrap_or(column);
                GrantObject::Column {
                    table: t.clone(),
                    column: c.to_string(),
                }
            }
            other => other.clone(),
        }
    };
    let mut olds: BTreeMap<(GrantObject, &str), Held> = BTreeMap::new();
    for g in &old.grants {
        let on = rekey(&g.on);
        if fresh.contains(&on) || !exists.has(&on) {
            continue;
        }
        hold(&mut olds, on, g);
    }
    // A new function starts with PostgreSQL's default: EXECUTE for PUBLIC.
    for on in &fresh {
        if matches!(on, GrantObject::Function { .. }) {
            olds.entry((on.clone(), PUBLIC))
                .or_default()
                .insert(Privilege::Execute, false);
        }
    }
    let mut news: BTreeMap<(GrantObject, &str), Held> = BTreeMap::new();
    for g in &new.grants {
        hold(&mut news, g.on.clone(), g);
    }

    let mut revokes = Vec::new();
    let mut grants = Vec::new();
    // Table-level first: what their revokes take from the columns.
    let mut column_loss: HashMap<(QualName, &str, Privilege), bool> = HashMap::new(); // true: all, false: option
    let keys: Vec<(GrantObject, &str)> = olds
        .keys()
        .chain(news.keys())
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let (tables, rest): (Vec<_>, Vec<_>) = keys
        .into_iter()
        .partition(|(on, _)| !matches!(on, GrantObject::Column { .. }));
    for key in tables.iter().chain(&rest) {
        let (on, grantee) = key;
        let empty = Held::new();
        let n = news.get(key).unwrap_or(&empty);
        let mut o = olds.get(key).cloned().unwrap_or_default();
        if let GrantObject::Column { table, .. } = on {
            o.retain(
                |p, opt| match column_loss.get(&(table.clone(), *grantee, *p)) {
                    Some(true) => false,
                    Some(false) => {
                        *opt = false;
                        true
                    }
                    None => true,
                },
            );
        }
        let gone: Vec<Privilege> = o.keys().filter(|p| !n.contains_key(p)).copied().collect();
        let option_gone: Vec<Privilege> = o
            .iter()
            .filter(|(p, opt)| **opt && n.get(p) == Some(&false))
            .map(|(p, _)| *p)
            .collect();
        let plain: Vec<Privilege> = n
            .iter()
            .filter(|(p, opt)| !**opt && !o.contains_key(p))
            .map(|(p, _)| *p)
            .collect();
        let with_option: Vec<Privilege> = n
            .iter()
            .filter(|(p, opt)| **opt && o.get(p) != Some(&true))
            .map(|(p, _)| *p)
            .collect();
        if let GrantObject::Table { name } = on {
            for p in &gone {
                column_loss.insert((name.clone(), grantee, *p), true);
            }
            for p in &option_gone {
                column_loss
                    .entry((name.clone(), grantee, *p))
                    .or_insert(false);
            }
        }
        let revoke = |privileges: Vec<Privilege>, grant_option_only: bool| {
            Change::Grant(GrantChange::Revoke {
                on: on.clone(),
                grantee: grantee.to_string(),
                privileges,
                grant_option_only,
            })
        };
        let grant = |privileges: Vec<Privilege>, with_grant_option: bool| {
            Change::Grant(GrantChange::Grant {
                on: on.clone(),
                grantee: grantee.to_string(),
                privileges,
                with_grant_option,
            })
        };
        if !gone.is_empty() {
            revokes.push(revoke(gone, false));
        }
        if !option_gone.is_empty() {
            revokes.push(revoke(option_gone, true));
        }
        if !plain.is_empty() {
            grants.push(grant(plain, false));
        }
        if !with_option.is_empty() {
            grants.push(grant(with_option, true));
        }
    }
    out.extend(revokes);
    out.extend(grants);
}

fn hold<'a>(m: &mut BTreeMap<(GrantObject, &'a str), Held>, on: GrantObject, g: &'a Grant) {
    let opt = m
        .entry((on, g.grantee.as_str()))
        .or_default()
        .entry(g.privilege)
        .or_insert(false);
    *opt |= g.grant_option;
}

/// The objects the other changes create or recreate: they start with no
/// privileges.
fn fresh_objects(changes: &[Change]) -> HashSet<GrantObject> {
    let mut out = HashSet::new();
    let function = |f: &crate::model::Function| GrantObject::function(f);
    for c in changes {
        match c {
            Change::Namespace(NamespaceChange::Create { name }) => {
                out.insert(GrantObject::Namespace { name: name.clone() });
            }
            Change::Table(TableChange::Create { table }) => {
                out.insert(GrantObject::Table {
                    name: table.name.clone(),
                });
                for col in &table.columns {
                    out.insert(GrantObject::Column {
                        table: table.name.clone(),
                        column: col.name.clone(),
                    });
                }
            }
            Change::Column(ColumnChange::Add { table, column }) => {
                out.insert(GrantObject::Column {
                    table: table.clone(),
                    column: column.name.clone(),
                });
            }
            Change::Column(ColumnChange::Alter { table, old, new })
                if generated_change(old, new) == GeneratedChange::Recreate =>
            {
                out.insert(GrantObject::Column {
                    table: table.clone(),
                    column: new.name.clone(),
                });
            }
            Change::View(ViewChange::Create { view }) => {
                out.insert(GrantObject::Table {
                    name: view.name.clone(),
                });
            }
            Change::Sequence(SequenceChange::Create { sequence }) => {
                out.insert(GrantObject::Sequence {
                    name: sequence.name.clone(),
                });
            }
            Change::Function(FunctionChange::Create { function: f })
            | Change::Function(FunctionChange::Recreate { new: f, .. }) => {
                out.insert(function(f));
            }
            _ => {}
        }
    }
    out
}

/// The objects of a schema that privileges may be on.
struct Existing<'a> {
    namespaces: HashSet<&'a str>,
    relations: HashSet<&'a QualName>,
    columns: HashSet<(&'a QualName, &'a str)>,
    sequences: HashSet<&'a QualName>,
    functions: HashSet<GrantObject>,
}

impl<'a> Existing<'a> {
    fn of(s: &'a Schema) -> Existing<'a> {
        Existing {
            namespaces: s.namespaces.iter().map(String::as_str).collect(),
            relations: s
                .tables
                .iter()
                .map(|t| &t.name)
                .chain(s.views.iter().map(|v| &v.name))
                .collect(),
            columns: s
                .tables
                .iter()
                .flat_map(|t| t.columns.iter().map(move |c| (&t.name, c.name.as_str())))
                .collect(),
            sequences: s.sequences.iter().map(|q| &q.name).collect(),
            functions: s.functions.iter().map(GrantObject::function).collect(),
        }
    }

    fn has(&self, o: &GrantObject) -> bool {
        match o {
            GrantObject::Namespace { name } => self.namespaces.contains(name.as_str()),
            GrantObject::Table { name } => self.relations.contains(name),
            GrantObject::Column { table, column } => {
                self.columns.contains(&(table, column.as_str()))
            }
            GrantObject::Sequence { name } => self.sequences.contains(name),
            GrantObject::Function { .. } => self.functions.contains(o),
        }
    }
}
