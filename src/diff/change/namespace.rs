//! Changes to a namespace (PostgreSQL schema).

use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::plan::order::layer;
use serde::{Deserialize, Serialize};

/// A change to a namespace (PostgreSQL schema).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum NamespaceChange {
    /// `CREATE SCHEMA`.
    #[serde(rename = "CreateNamespace")]
    Create {
        /// Namespace name.
        name: String,
    },
    /// `DROP SCHEMA` (only when empty after the plan).
    #[serde(rename = "DropNamespace")]
    Drop {
        /// Namespace name.
        name: String,
    },
}

impl Facts for NamespaceChange {
    /// The step kind, e.g. `CreateNamespace`.
    fn kind(&self) -> &'static str {
        match self {
            NamespaceChange::Create { .. } => "CreateNamespace",
            NamespaceChange::Drop { .. } => "DropNamespace",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            NamespaceChange::Create { name } | NamespaceChange::Drop { name } => name.clone(),
        }
    }

    /// Created first, dropped last (empty by then).
    fn rank(&self) -> u8 {
        match self {
            NamespaceChange::Create { .. } => layer::NAMESPACES,
            NamespaceChange::Drop { .. } => layer::DROP_NAMESPACES,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            NamespaceChange::Create { name } | NamespaceChange::Drop { name } => {
                vec![ObjectKey::Namespace { name: name.clone() }]
            }
        }
    }

    fn drift(&self) -> String {
        match self {
            NamespaceChange::Create { .. } => "added outside graft".into(),
            NamespaceChange::Drop { .. } => "dropped outside graft".into(),
        }
    }
}
