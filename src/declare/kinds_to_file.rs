//! The object kinds of [`super::kinds`] back to file declarations (see
//! [`super::Declared::to_file`]).

use super::file::CheckDecl;
use super::kinds::{AttributeDecl, CompositeTypeDecl, DomainDecl, PolicyDecl, PolicyKind};
use super::to_file::table_ref;
use super::to_file::{name_unless_default, type_text};
use crate::model::security::PUBLIC;
use crate::model::{collation, Schema};

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
