//! Functions and procedures, paired by identity (name and input types):
//! an overload with other input types is another function.
//!
//! A paired function whose body or attributes changed is replaced in place
//! (`CREATE OR REPLACE`), which PostgreSQL allows while the kind, result,
//! argument modes and names stay and no default is removed; otherwise it is
//! recreated (dropped and created in one step). A recreated or dropped
//! function takes the views and triggers that use it along: they are
//! dropped before and created again after (see [`super::views`],
//! [`super::triggers`]); column defaults that call a recreated function
//! are dropped and set again within its step.

use super::change::{CommentTarget, FunctionDefault};
use super::Change;
use crate::model::{Function, FunctionKind, QualName, Schema};
use crate::sql::scan::function_candidates;
use std::collections::{BTreeMap, HashSet};

type Key = (QualName, Vec<String>);

/// The changes to functions, and the names of the functions dropped or
/// recreated (their dependents cannot stay).
pub(super) fn function_changes(old: &Schema, new: &Schema) -> (Vec<Change>, HashSet<QualName>) {
    let mut out = Vec::new();
    let mut gone = HashSet::new();
    if old.functions.is_empty() && new.functions.is_empty() {
        return (out, gone);
    }
    let olds: BTreeMap<Key, &Function> = old.functions.iter().map(|f| (f.sort_key(), f)).collect();
    let news: BTreeMap<Key, &Function> = new.functions.iter().map(|f| (f.sort_key(), f)).collect();
    for (k, o) in &olds {
        if !news.contains_key(k) {
            gone.insert(o.name.clone());
            out.push(Change::DropFunction {
                function: (*o).clone(),
            });
        }
    }
    for (k, n) in &news {
        let Some(o) = olds.get(k) else {
            out.push(Change::CreateFunction {
                function: (*n).clone(),
            });
            continue;
        };
        let without_comment = |f: &Function| Function {
            comment: None,
            ..f.clone()
        };
        if without_comment(o) != without_comment(n) {
            if replaceable(o, n) {
                out.push(Change::ReplaceFunction {
                    old: (*o).clone(),
                    new: (*n).clone(),
                });
            } else {
                gone.insert(n.name.clone());
                out.push(Change::RecreateFunction {
                    old: (*o).clone(),
                    new: (*n).clone(),
                    defaults: defaults_calling(new, &n.name),
                });
                // its comment goes with it; the create sets the new one
                continue;
            }
        }
        if o.comment != n.comment {
            out.push(Change::SetObjectComment {
                target: comment_target(n),
                comment: n.comment.clone(),
            });
        }
    }
    (out, gone)
}

/// The comment target for a function.
pub(super) fn comment_target(f: &Function) -> CommentTarget {
    CommentTarget::Function {
        name: f.name.clone(),
        args: f.identity_types().into_iter().cloned().collect(),
        procedure: f.kind == FunctionKind::Procedure,
    }
}

/// Whether `CREATE OR REPLACE` can turn `o` into `n` (same identity):
/// same kind and result, the same arguments (modes, names, types), and no
/// default removed.
fn replaceable(o: &Function, n: &Function) -> bool {
    o.kind == n.kind
        && o.returns == n.returns
        && o.args.len() == n.args.len()
        && o.args.iter().zip(&n.args).all(|(a, b)| {
            a.mode == b.mode
                && a.name == b.name
                && a.ty == b.ty
                && (a.default.is_none() || b.default.is_some())
        })
}

/// The column defaults of `schema` that call `function` (by name).
fn defaults_calling(schema: &Schema, function: &QualName) -> Vec<FunctionDefault> {
    let mut out = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            let Some(d) = &c.default else { continue };
            if c.identity.is_none()
                && c.generated.is_none()
                && function_candidates(d, &t.name.schema).contains(function)
            {
                out.push(FunctionDefault {
                    table: t.name.clone(),
                    column: c.name.clone(),
                    default: d.clone(),
                });
            }
        }
    }
    out
}
