//! Changes to a domain.

use super::EnumColumn;
use super::{check_expression, Facts};
use crate::drift::scope::ObjectKey;
use crate::model::{Check, Domain, QualName};
use crate::plan::hazard::{cast_kind, CastKind};
use crate::plan::order::layer;
use crate::plan::Hazard;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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

impl Facts for DomainChange {
    /// The step kind, e.g. `CreateDomain`.
    fn kind(&self) -> &'static str {
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
    fn subject(&self) -> String {
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

    /// Created with the other types, in the order of what they are built
    /// on; recreated like enums; dropped with them, users first. Its
    /// constraints go with the tables' checks: dropped early, added once
    /// columns are dropped, altered and added (PostgreSQL validates them on
    /// every column of the type, and refuses while a composite column
    /// holds the type).
    fn rank(&self) -> u8 {
        match self {
            DomainChange::DropCheck { .. }
            | DomainChange::SetNotNull {
                not_null: false, ..
            } => layer::DROP_CHECKS,
            DomainChange::AddCheck { .. } | DomainChange::SetNotNull { .. } => layer::CHECKS,
            DomainChange::Create { .. } | DomainChange::SetDefault { .. } => layer::TYPES,
            DomainChange::Recreate { .. } => layer::RECREATE_TYPES,
            DomainChange::Drop { .. } => layer::DROP_TYPES,
        }
    }

    fn ordered(&self) -> bool {
        matches!(
            self,
            DomainChange::Create { .. } | DomainChange::Drop { .. }
        )
    }

    fn provides(&self) -> Option<&QualName> {
        match self {
            DomainChange::Create { domain } => Some(&domain.name),
            _ => None,
        }
    }

    fn needs(&self) -> BTreeSet<QualName> {
        match self {
            DomainChange::Create { domain } => domain.uses(),
            _ => BTreeSet::new(),
        }
    }

    fn drop_edges(&self) -> Option<(&QualName, BTreeSet<QualName>)> {
        match self {
            DomainChange::Drop { domain } => Some((&domain.name, domain.uses())),
            _ => None,
        }
    }

    /// A drop loses data. A recreation rewrites the tables of the columns
    /// it re-casts, and may lose data and fail when the base type's cast is
    /// [`CastKind::Risky`]. A new `NOT NULL` or check is checked against
    /// every column of the type under lock.
    fn hazards(&self) -> Vec<Hazard> {
        match self {
            DomainChange::Drop { .. } => vec![Hazard::DataLoss],
            DomainChange::Recreate { old, new, columns } => {
                let mut out = Vec::new();
                if !columns.is_empty() {
                    out.push(Hazard::TableRewrite);
                    if cast_kind(&old.base, &new.base) == CastKind::Risky {
                        out.extend([Hazard::DataLoss, Hazard::RiskyCast]);
                    }
                }
                out
            }
            DomainChange::SetNotNull { not_null: true, .. } | DomainChange::AddCheck { .. } => {
                vec![Hazard::LongLock]
            }
            _ => Vec::new(),
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        let key = |name: &QualName| ObjectKey::Domain { name: name.clone() };
        match self {
            DomainChange::Create { domain } | DomainChange::Drop { domain } => {
                vec![key(&domain.name)]
            }
            DomainChange::Recreate { new, columns, .. } => {
                let mut out = vec![key(&new.name)];
                out.extend(columns.iter().map(EnumColumn::key));
                out
            }
            DomainChange::SetDefault { name, .. }
            | DomainChange::SetNotNull { name, .. }
            | DomainChange::AddCheck { domain: name, .. }
            | DomainChange::DropCheck { domain: name, .. } => vec![key(name)],
        }
    }

    fn drift(&self) -> String {
        match self {
            DomainChange::Create { .. } => "added outside graft".into(),
            DomainChange::Drop { .. } => "dropped outside graft".into(),
            DomainChange::Recreate { .. } => "base type or collation changed outside graft".into(),
            DomainChange::SetDefault { default, .. } => format!(
                "default changed outside graft (now {})",
                default.as_deref().unwrap_or("none")
            ),
            DomainChange::SetNotNull { not_null, .. } => if *not_null {
                "NOT NULL added outside graft"
            } else {
                "NOT NULL dropped outside graft"
            }
            .into(),
            DomainChange::AddCheck { check, .. } => {
                format!("check `{}` added outside graft", check.name)
            }
            DomainChange::DropCheck { name, .. } => format!("check `{name}` dropped outside graft"),
        }
    }

    fn expressions(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = Vec::new();
        match self {
            DomainChange::Create { domain: d } | DomainChange::Recreate { new: d, .. } => {
                if let Some(e) = &d.default {
                    out.push(("default".into(), e));
                }
                out.extend(d.checks.iter().map(check_expression));
                if let DomainChange::Recreate { columns, .. } = self {
                    out.extend(EnumColumn::defaults(columns));
                }
            }
            DomainChange::SetDefault {
                default: Some(e), ..
            } => out.push(("default".into(), e)),
            DomainChange::AddCheck { check, .. } => out.push(check_expression(check)),
            _ => {}
        }
        out
    }
}
