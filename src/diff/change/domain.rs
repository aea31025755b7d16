//! Changes to a domain.

use super::EnumColumn;
use crate::model::{Check, Domain, QualName};
use serde::{Deserialize, Serialize};

/// A change to a domain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum DomainChange {
    /// `CREATE DOMAIN` with its collation, default, NOT NULL and checks.
    #[serde(rename = "CreateDomain")]
    Create {
        /// The new domain.
        domain: Domain,
    },
    /// `DROP DOMAIN`. Destructive. Carries the old definition: drops of
    /// types are ordered by what they are built on.
    #[serde(rename = "DropDomain")]
    Drop {
        /// The domain as it was.
        domain: Domain,
    },
    /// A new base type or collation: the old domain is renamed away, the new
    /// one created, the columns using it re-cast, the old one dropped.
    #[serde(rename = "RecreateDomain")]
    Recreate {
        /// The domain as it was.
        old: Domain,
        /// The domain as it must become.
        new: Domain,
        /// Columns of that type (or arrays of it) to re-cast.
        columns: Vec<EnumColumn>,
    },
    /// `ALTER DOMAIN … SET DEFAULT` / `DROP DEFAULT`.
    #[serde(rename = "SetDomainDefault")]
    SetDefault {
        /// The domain.
        name: QualName,
        /// The new default; `None` drops it.
        default: Option<String>,
    },
    /// `ALTER DOMAIN … SET NOT NULL` / `DROP NOT NULL`.
    #[serde(rename = "SetDomainNotNull")]
    SetNotNull {
        /// The domain.
        name: QualName,
        /// Whether NULL is refused now.
        not_null: bool,
    },
    /// `ALTER DOMAIN … ADD CONSTRAINT … CHECK`.
    #[serde(rename = "AddDomainCheck")]
    AddCheck {
        /// The domain.
        domain: QualName,
        /// The constraint.
        check: Check,
    },
    /// `ALTER DOMAIN … DROP CONSTRAINT`.
    #[serde(rename = "DropDomainCheck")]
    DropCheck {
        /// The domain.
        domain: QualName,
        /// Constraint name.
        name: String,
    },
}

impl DomainChange {
    /// The step kind, e.g. `CreateDomain`.
    pub fn kind(&self) -> &'static str {
        match self {
            DomainChange::Create { .. } => "CreateDomain",
            DomainChange::Drop { .. } => "DropDomain",
            DomainChange::Recreate { .. } => "RecreateDomain",
            DomainChange::SetDefault { .. } => "SetDomainDefault",
            DomainChange::SetNotNull { .. } => "SetDomainNotNull",
            DomainChange::AddCheck { .. } => "AddDomainCheck",
            DomainChange::DropCheck { .. } => "DropDomainCheck",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            DomainChange::Create { domain } | DomainChange::Drop { domain } => {
                domain.name.to_string()
            }
            DomainChange::Recreate { new, .. } => new.name.to_string(),
            DomainChange::SetDefault { name, .. } | DomainChange::SetNotNull { name, .. } => {
                name.to_string()
            }
            DomainChange::AddCheck { domain, check } => format!("{domain}.{}", check.name),
            DomainChange::DropCheck { domain, name } => format!("{domain}.{name}"),
        }
    }
}
