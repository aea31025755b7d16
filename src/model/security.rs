//! Row-level security and privileges.
//!
//! Role names are kept as PostgreSQL stores them (case-sensitive, any
//! characters); `public` (lower case) stands for the `PUBLIC` keyword,
//! every role: no role can be called that (PostgreSQL reserves the name).

use serde::{Deserialize, Serialize};

/// The role name that means `PUBLIC`.
pub const PUBLIC: &str = "public";

/// `ALTER TABLE … ENABLE` / `FORCE ROW LEVEL SECURITY`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowSecurity {
    /// `ENABLE ROW LEVEL SECURITY` (`relrowsecurity`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enabled: bool,
    /// `FORCE ROW LEVEL SECURITY` (`relforcerowsecurity`): the owner is
    /// subject to the policies too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
}

impl RowSecurity {
    /// Neither enabled nor forced (PostgreSQL's default).
    pub fn is_default(&self) -> bool {
        *self == RowSecurity::default()
    }
}

/// The command a policy applies to (`FOR …`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    /// `FOR ALL` (the default).
    #[default]
    All,
    /// `FOR SELECT`.
    Select,
    /// `FOR INSERT`.
    Insert,
    /// `FOR UPDATE`.
    Update,
    /// `FOR DELETE`.
    Delete,
}

impl PolicyCommand {
    /// Is this `ALL`?
    pub fn is_default(&self) -> bool {
        *self == PolicyCommand::All
    }

    /// The SQL keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }

    /// Whether a `USING` expression applies (all but `INSERT`).
    pub fn takes_using(&self) -> bool {
        *self != PolicyCommand::Insert
    }

    /// Whether a `WITH CHECK` expression applies (all but `SELECT` and
    /// `DELETE`).
    pub fn takes_with_check(&self) -> bool {
        !matches!(self, PolicyCommand::Select | PolicyCommand::Delete)
    }
}

/// `CREATE POLICY`: a row-level security policy of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Policy name (unique per table).
    pub name: String,
    /// `AS RESTRICTIVE` (default `PERMISSIVE`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub restrictive: bool,
    /// `FOR …`.
    #[serde(default, skip_serializing_if = "PolicyCommand::is_default")]
    pub command: PolicyCommand,
    /// `TO …`, sorted; [`PUBLIC`] alone for every role.
    pub roles: Vec<String>,
    /// `USING (…)`, as `pg_get_expr(polqual, polrelid)` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// `WITH CHECK (…)`, as `pg_get_expr(polwithcheck, polrelid)` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
}

impl Policy {
    /// A permissive policy for all commands and roles, without expressions.
    pub fn new(name: impl Into<String>) -> Self {
        Policy {
            name: name.into(),
            restrictive: false,
            command: PolicyCommand::All,
            roles: vec![PUBLIC.to_string()],
            using: None,
            with_check: None,
        }
    }

    /// Roles sorted and unique; none means [`PUBLIC`].
    pub fn normalize(&mut self) {
        self.roles.sort();
        self.roles.dedup();
        if self.roles.is_empty() {
            self.roles.push(PUBLIC.to_string());
        }
    }
}
