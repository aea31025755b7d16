//! Changes to a namespace (PostgreSQL schema).

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

impl NamespaceChange {
    /// The step kind, e.g. `CreateNamespace`.
    pub fn kind(&self) -> &'static str {
        match self {
            NamespaceChange::Create { .. } => "CreateNamespace",
            NamespaceChange::Drop { .. } => "DropNamespace",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            NamespaceChange::Create { name } | NamespaceChange::Drop { name } => name.clone(),
        }
    }
}
