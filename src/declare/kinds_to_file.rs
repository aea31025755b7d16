//! The object kinds of [`super::kinds`] back to file declarations (see
//! [`super::Declared::to_file`]).

use super::file::CheckDecl;
use super::kinds::{
    AttributeDecl, CompositeTypeDecl, DomainDecl, GrantDecl, PolicyDecl, PolicyKind,
};
use super::to_file::table_ref;
use super::to_file::{name_unless_default, type_text};
use crate::model::security::PUBLIC;
use crate::model::{collation, Grant, GrantObject, Privilege, Schema};
use std::collections::{BTreeMap, BTreeSet};

/// The domains of `schema`, in its (name) order.
pub(super) fn domain_decls(schema: &Schema, ns: &str, omit: bool) -> Vec<DomainDecl> {
    schema
        .domains
        .iter()
        .map(|d| DomainDecl {
            name: d.name.name.clone(),
            ty: type_text(&d.base, ns),
            collation: d.collation.as_ref().map(collation::to_text),
            nullable: d.not_null.then_some(false),
            default: d.default.clone(),
            checks: d
                .checks
                .iter()
                .map(|c| CheckDecl {
                    name: name_unless_default(&c.name, omit, &d.name.name, "", "check"),
                    expr: c.expr.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The composite types of `schema`, in its (name) order.
pub(super) fn composite_decls(schema: &Schema, ns: &str) -> Vec<CompositeTypeDecl> {
    schema
        .composite_types
        .iter()
        .map(|c| CompositeTypeDecl {
            name: c.name.name.clone(),
            attributes: c
                .attributes
                .iter()
                .map(|a| AttributeDecl {
                    name: a.name.clone(),
                    ty: type_text(&a.ty, ns),
                    collation: a.collation.as_ref().map(collation::to_text),
                })
                .collect(),
        })
        .collect()
}

/// The policies of `schema`'s tables, table by table (in name order).
pub(super) fn policy_decls(schema: &Schema, ns: &str) -> Vec<PolicyDecl> {
    let mut out = Vec::new();
    for t in &schema.tables {
        for p in &t.policies {
            let public = p.roles.len() == 1 && p.roles[0] == PUBLIC;
            out.push(PolicyDecl {
                name: p.name.clone(),
                table: table_ref(&t.name, ns),
                kind: if p.restrictive {
                    PolicyKind::Restrictive
                } else {
                    PolicyKind::Permissive
                },
                command: p.command,
                to: if public { Vec::new() } else { p.roles.clone() },
                using: p.using.clone(),
                with_check: p.with_check.clone(),
            });
        }
    }
    out
}

/// The grants of `schema` as few declarations as say them: one per object
/// (columns: per table and privilege set), grant option and privilege
/// set, listing the roles that hold exactly that. A function holding only
/// PostgreSQL's default (`EXECUTE` for `PUBLIC`) is left out; one that
/// holds nothing is written with an empty `to`.
pub(super) fn grant_decls(schema: &Schema, ns: &str) -> Vec<GrantDecl> {
    // (object, grantee, option) → privileges
    let mut held: BTreeMap<(&GrantObject, &str, bool), BTreeSet<Privilege>> = BTreeMap::new();
    for g in &schema.grants {
        held.entry((&g.on, g.grantee.as_str(), g.grant_option))
            .or_default()
            .insert(g.privilege);
    }
    let mut functions: BTreeMap<GrantObject, Vec<&Grant>> = BTreeMap::new();
    for f in &schema.functions {
        let on = GrantObject::function(f);
        functions.entry(on).or_default();
    }
    for g in &schema.grants {
        if let Some(v) = functions.get_mut(&g.on) {
            v.push(g);
        }
    }
    let default_only = |gs: &[&Grant]| matches!(gs, [g] if g.grantee == PUBLIC && g.privilege == Privilege::Execute && !g.grant_option);
    // (target without columns, option, privileges, roles) → columns
    type Key = (GrantObject, bool, Vec<Privilege>, Vec<String>);
    let mut grouped: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    // first by (object, option, privileges) → roles
    let mut by_set: BTreeMap<(&GrantObject, bool, Vec<Privilege>), Vec<String>> = BTreeMap::new();
    for ((on, grantee, option), privs) in &held {
        if let Some(gs) = functions.get(*on) {
            if default_only(gs) {
                continue;
            }
        }
        by_set
            .entry((on, *option, privs.iter().copied().collect()))
            .or_default()
            .push(grantee.to_string());
    }
    for ((on, option, privs), roles) in by_set {
        let (target, column) = match on {
            GrantObject::Column { table, column } => (
                GrantObject::Table {
                    name: table.clone(),
                },
                Some(column.clone()),
            ),
            other => (other.clone(), None),
        };
        let cols = grouped.entry((target, option, privs, roles)).or_default();
        cols.extend(column);
    }
    let overloaded = |name: &crate::model::QualName| {
        schema.functions.iter().filter(|f| &f.name == name).count() > 1
    };
    let mut out: Vec<GrantDecl> = Vec::new();
    let decl = |target: &GrantObject| {
        let mut d = GrantDecl::default();
        match target {
            GrantObject::Namespace { name } => d.namespace = Some(name.clone()),
            GrantObject::Table { name } => d.table = Some(table_ref(name, ns)),
            GrantObject::Column { table, column } => {
                d.table = Some(table_ref(table, ns));
                d.columns = vec![column.clone()];
            }
            GrantObject::Sequence { name } => d.sequence = Some(table_ref(name, ns)),
            GrantObject::Function { name, args } => {
                d.function = Some(table_ref(name, ns));
                if overloaded(name) {
                    d.args = Some(args.iter().map(|t| type_text(t, ns)).collect());
                }
            }
        }
        d
    };
    for ((target, option, privs, roles), columns) in grouped {
        let mut d = decl(&target);
        d.columns = columns;
        d.to = roles;
        d.with_grant_option = option;
        let kind = if d.columns.is_empty() {
            target.kind()
        } else {
            crate::model::GrantKind::Column
        };
        d.privileges = if privs == kind.privileges() && privs.len() > 1 {
            vec!["all".to_string()]
        } else {
            privs.iter().map(|p| p.keyword().to_lowercase()).collect()
        };
        out.push(d);
    }
    for (on, gs) in &functions {
        if gs.is_empty() {
            let mut d = decl(on);
            d.privileges = vec!["execute".to_string()];
            out.push(d);
        }
    }
    out
}
