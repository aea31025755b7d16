//! Changes to a view or materialized view.

use super::{index_expressions, Facts};
use crate::drift::scope::ObjectKey;
use crate::model::{QualName, View};
use crate::plan::order::layer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

impl Facts for ViewChange {
    /// The step kind, e.g. `CreateView`.
    fn kind(&self) -> &'static str {
        match self {
            ViewChange::Create { .. } => "CreateView",
            ViewChange::Drop { .. } => "DropView",
            ViewChange::Replace { .. } => "ReplaceView",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            ViewChange::Create { view } | ViewChange::Drop { view } => view.name.to_string(),
            ViewChange::Replace { new, .. } => new.name.to_string(),
        }
    }

    /// Dropped before anything they read changes, created once every
    /// table and column they may read is in place; among themselves in the
    /// order of what they read ([`Facts::needs`], [`Facts::drop_edges`]).
    fn rank(&self) -> u8 {
        match self {
            ViewChange::Drop { .. } => layer::EARLY_DROPS,
            ViewChange::Create { .. } | ViewChange::Replace { .. } => layer::LATE_CREATES,
        }
    }

    fn tie_break(&self) -> u8 {
        match self {
            ViewChange::Drop { .. } => 2,
            ViewChange::Create { .. } | ViewChange::Replace { .. } => 3,
        }
    }

    fn ordered(&self) -> bool {
        true
    }

    fn provides(&self) -> Option<&QualName> {
        match self {
            ViewChange::Create { view } | ViewChange::Replace { new: view, .. } => Some(&view.name),
            ViewChange::Drop { .. } => None,
        }
    }

    /// What its definition reads and calls.
    fn needs(&self) -> BTreeSet<QualName> {
        match self {
            ViewChange::Create { view } | ViewChange::Replace { new: view, .. } => {
                let mut n = view.reads();
                n.extend(view.calls());
                n
            }
            ViewChange::Drop { .. } => BTreeSet::new(),
        }
    }

    /// A dropped view goes before the dropped objects it read or called.
    fn drop_edges(&self) -> Option<(&QualName, BTreeSet<QualName>)> {
        match self {
            ViewChange::Drop { view } => {
                let mut after = view.reads();
                after.extend(view.calls());
                Some((&view.name, after))
            }
            _ => None,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let view = match self {
            ViewChange::Create { view } | ViewChange::Drop { view } => view,
            ViewChange::Replace { new, .. } => new,
        };
        vec![ObjectKey::View {
            name: view.name.clone(),
        }]
    }

    fn drift(&self) -> String {
        match self {
            ViewChange::Create { .. } => "added outside graft".into(),
            ViewChange::Drop { .. } => "dropped outside graft".into(),
            ViewChange::Replace { .. } => "definition or options changed outside graft".into(),
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        match self {
            ViewChange::Create { view } => {
                view.indexes.iter().flat_map(index_expressions).collect()
            }
            _ => Vec::new(),
        }
    }
}
