//! Changes to privileges on an object.

use crate::model::{GrantObject, Privilege};
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

impl GrantChange {
    /// The step kind, e.g. `GrantPrivileges`.
    pub fn kind(&self) -> &'static str {
        match self {
            GrantChange::Grant { .. } => "GrantPrivileges",
            GrantChange::Revoke { .. } => "RevokePrivileges",
        }
    }

    /// The object it is about, for headers and error messages.
    pub fn subject(&self) -> String {
        match self {
            GrantChange::Grant { on, grantee, .. } | GrantChange::Revoke { on, grantee, .. } => {
                format!("{on} {grantee}")
            }
        }
    }
}
