//! Changes to a view or materialized view.

use crate::model::View;
use serde::{Deserialize, Serialize};

/// A change to a view or materialized view.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum ViewChange {
    /// `CREATE [MATERIALIZED] VIEW`, with its comment and (materialized)
    /// indexes. Ordered after what it reads ([`crate::plan::order`]).
    #[serde(rename = "CreateView")]
    Create {
        /// The new view.
        view: View,
    },
    /// `DROP [MATERIALIZED] VIEW`: the view goes, or is recreated (a
    /// [`ViewChange::Create`](crate::diff::ViewChange::Create) follows). Ordered before what it reads.
    #[serde(rename = "DropView")]
    Drop {
        /// The view as it was (its definition orders the drops).
        view: View,
    },
    /// `CREATE OR REPLACE VIEW`: the new query keeps the old one's columns
    /// (the same leading select items) and may add some at the end; or
    /// only the options changed.
    #[serde(rename = "ReplaceView")]
    Replace {
        /// The view as it was.
        old: View,
        /// The view as it must become.
        new: View,
    },
}

impl ViewChange {
    /// The step kind, e.g. `CreateView`.
    pub fn kind(&self) -> &'static str {
        match self {
            ViewChange::Create { .. } => "CreateView",
            ViewChange::Drop { .. } => "DropView",
            ViewChange::Replace { .. } => "ReplaceView",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            ViewChange::Create { view } | ViewChange::Drop { view } => view.name.to_string(),
            ViewChange::Replace { new, .. } => new.name.to_string(),
        }
    }
}
