//! Changes to privileges on an object.

use super::Facts;
use crate::drift::scope::ObjectKey;
use crate::model::{GrantObject, Privilege};
use crate::plan::order::layer;
use serde::{Deserialize, Serialize};

/// A change to privileges on an object.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum GrantChange {
    /// `GRANT … ON … TO … [WITH GRANT OPTION]`.
    #[serde(rename = "GrantPrivileges")]
    Grant {
        /// The object (after any rename).
        on: GrantObject,
        /// The role, or `public`.
        grantee: String,
        /// The privileges, sorted.
        privileges: Vec<Privilege>,
        /// `WITH GRANT OPTION`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        with_grant_option: bool,
    },
    /// `REVOKE [GRANT OPTION FOR] … ON … FROM …`.
    #[serde(rename = "RevokePrivileges")]
    Revoke {
        /// The object (after any rename).
        on: GrantObject,
        /// The role, or `public`.
        grantee: String,
        /// The privileges, sorted.
        privileges: Vec<Privilege>,
        /// Only the grant option goes; the privileges stay.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        grant_option_only: bool,
    },
}

impl Facts for GrantChange {
    /// The step kind, e.g. `GrantPrivileges`.
    fn kind(&self) -> &'static str {
        match self {
            GrantChange::Grant { .. } => "GrantPrivileges",
            GrantChange::Revoke { .. } => "RevokePrivileges",
        }
    }

    /// The object it is about, for headers and error messages.
    fn subject(&self) -> String {
        match self {
            GrantChange::Grant { on, grantee, .. } | GrantChange::Revoke { on, grantee, .. } => {
                format!("{on} {grantee}")
            }
        }
    }

    /// Once every object exists, under its new name; revokes before
    /// grants.
    fn rank(&self) -> u8 {
        layer::LAST
    }

    /// Last of their layer: the objects they are on exist by then.
    fn tie_break(&self) -> u8 {
        match self {
            GrantChange::Revoke { .. } => 7,
            GrantChange::Grant { .. } => 8,
        }
    }

    fn keys(&self) -> Vec<ObjectKey> {
        match self {
            GrantChange::Grant { on, .. } | GrantChange::Revoke { on, .. } => {
                ObjectKey::of_grant(on)
            }
        }
    }

    fn drift(&self) -> String {
        match self {
            GrantChange::Grant {
                grantee,
                privileges,
                with_grant_option,
                ..
            } => format!(
                "{}{} granted to `{grantee}` outside graft",
                privilege_list(privileges),
                if *with_grant_option {
                    " (with grant option)"
                } else {
                    ""
                }
            ),
            GrantChange::Revoke {
                grantee,
                privileges,
                grant_option_only,
                ..
            } => format!(
                "{}{} revoked from `{grantee}` outside graft",
                if *grant_option_only {
                    "grant option for "
                } else {
                    ""
                },
                privilege_list(privileges)
            ),
        }
    }
}

/// `SELECT, INSERT`.
fn privilege_list(privileges: &[Privilege]) -> String {
    privileges
        .iter()
        .map(|p| p.keyword())
        .collect::<Vec<_>>()
        .join(", ")
}
