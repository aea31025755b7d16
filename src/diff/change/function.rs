//! Changes to a function or procedure.

use super::Facts;
use super::FunctionDefault;
use crate::drift::scope::ObjectKey;
use crate::model::{Function, QualName};
use crate::plan::order::layer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A change to a function or procedure.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum FunctionChange {
    /// `CREATE FUNCTION` / `PROCEDURE`, with its comment. Created early
    /// (before the tables whose defaults may call it) unless its signature
    /// or a body PostgreSQL checks reads a relation the plan creates or
    /// changes ([`crate::plan::order`]).
    #[serde(rename = "CreateFunction")]
    Create {
        /// The new function.
        function: Function,
    },
    /// `CREATE OR REPLACE FUNCTION`: same signature, result and argument
    /// names; the body or attributes changed. Dependents are kept.
    #[serde(rename = "ReplaceFunction")]
    Replace {
        /// The function as it was.
        old: Function,
        /// The function as it must become.
        new: Function,
    },
    /// The same signature with a result or argument names PostgreSQL cannot
    /// replace: `DROP` and `CREATE` in one step, with the defaults that
    /// call the function dropped before and set again after. Views and
    /// triggers that use it are recreated around it.
    #[serde(rename = "RecreateFunction")]
    Recreate {
        /// The function as it was.
        old: Function,
        /// The function as it must become.
        new: Function,
        /// Column defaults that call it.
        defaults: Vec<FunctionDefault>,
    },
    /// `DROP FUNCTION` / `PROCEDURE`.
    #[serde(rename = "DropFunction")]
    Drop {
        /// The function as it was.
        function: Function,
    },
}

impl Facts for FunctionChange {
    /// The step kind, e.g. `CreateFunction`.
    fn kind(&self) -> &'static str {
        match self {
            FunctionChange::Create { .. } => "CreateFunction",
            FunctionChange::Replace { .. } => "ReplaceFunction",
            FunctionChange::Recreate { .. } => "RecreateFunction",
            FunctionChange::Drop { .. } => "DropFunction",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            FunctionChange::Create { function } | FunctionChange::Drop { function } => {
                function.signature()
            }
            FunctionChange::Replace { new, .. } | FunctionChange::Recreate { new, .. } => {
                new.signature()
            }
        }
    }

    /// Created early, before the tables whose defaults call them (later,
    /// among the views, when they read what the plan changes:
    /// [`crate::plan::order`]); a recreated one after the column changes
    /// (it sets the defaults that call it again) and before the views that
    /// call it are created again; dropped late, once no default, view or
    /// trigger uses it (early when its result is the row type of a
    /// relation that goes).
    fn rank(&self) -> u8 {
        match self {
            FunctionChange::Create { .. } | FunctionChange::Replace { .. } => layer::TYPES,
            FunctionChange::Recreate { .. } => layer::PRIMARY_KEYS,
            FunctionChange::Drop { .. } => layer::LAST,
        }
    }

    /// A drop goes late: after the triggers and views that stop using it
    /// (its edges put it before the views whose row type it returns).
    fn tie_break(&self) -> u8 {
        match self {
            FunctionChange::Create { .. } | FunctionChange::Replace { .. } => 2,
            FunctionChange::Drop { .. } => 6,
            FunctionChange::Recreate { .. } => 0,
        }
    }

    fn ordered(&self) -> bool {
        !matches!(self, FunctionChange::Recreate { .. })
    }

    fn provides(&self) -> Option<&QualName> {
        match self {
            FunctionChange::Create { function } | FunctionChange::Replace { new: function, .. } => {
                Some(&function.name)
            }
            _ => None,
        }
    }

    /// The relations its signature and checked body read.
    fn needs(&self) -> BTreeSet<QualName> {
        match self {
            FunctionChange::Create { function } | FunctionChange::Replace { new: function, .. } => {
                function.reads()
            }
            _ => BTreeSet::new(),
        }
    }

    /// A dropped function goes before the row types of its signature
    /// (PostgreSQL refuses to drop a relation whose row type a function
    /// uses).
    fn drop_edges(&self) -> Option<(&QualName, BTreeSet<QualName>)> {
        match self {
            FunctionChange::Drop { function } => Some((&function.name, function.named_types())),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            FunctionChange::Create { function } | FunctionChange::Drop { function } => {
                vec![ObjectKey::function(function)]
            }
            FunctionChange::Replace { new, .. } => vec![ObjectKey::function(new)],
            FunctionChange::Recreate { new, defaults, .. } => {
                let mut out = vec![ObjectKey::function(new)];
                out.extend(defaults.iter().map(|d| ObjectKey::Column {
                    table: d.table.clone(),
                    name: d.column.clone(),
                }));
                out
            }
        }
    }

    fn drift(&self) -> String {
        match self {
            FunctionChange::Create { .. } => "added outside graft".into(),
            FunctionChange::Drop { .. } => "dropped outside graft".into(),
            FunctionChange::Replace { .. } | FunctionChange::Recreate { .. } => {
                "definition changed outside graft".into()
            }
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = Vec::new();
        match self {
            FunctionChange::Create { function: f }
            | FunctionChange::Replace { new: f, .. }
            | FunctionChange::Recreate { new: f, .. } => {
                for a in &f.args {
                    if let Some(d) = &a.default {
                        out.push(("default of an argument".into(), d));
                    }
                }
                if let FunctionChange::Recreate { defaults, .. } = self {
                    for d in defaults {
                        out.push((format!("default of column `{}`", d.column), &d.default));
                    }
                }
            }
            FunctionChange::Drop { .. } => {}
        }
        out
    }
}
