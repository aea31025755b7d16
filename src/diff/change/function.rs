//! Changes to a function or procedure.

use super::FunctionDefault;
use crate::model::Function;
use serde::{Deserialize, Serialize};

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

impl FunctionChange {
    /// The step kind, e.g. `CreateFunction`.
    pub fn kind(&self) -> &'static str {
        match self {
            FunctionChange::Create { .. } => "CreateFunction",
            FunctionChange::Replace { .. } => "ReplaceFunction",
            FunctionChange::Recreate { .. } => "RecreateFunction",
            FunctionChange::Drop { .. } => "DropFunction",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            FunctionChange::Create { function } | FunctionChange::Drop { function } => {
                function.signature()
            }
            FunctionChange::Replace { new, .. } | FunctionChange::Recreate { new, .. } => {
                new.signature()
            }
        }
    }
}
