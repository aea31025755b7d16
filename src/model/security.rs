//! Row-level security and privileges.
//!
//! Role names are kept as PostgreSQL stores them (case-sensitive, any
//! characters); `public` (lower case) stands for the `PUBLIC` keyword,
//! every role: no role can be called that (PostgreSQL reserves the name).

use super::types::ColumnType;
use crate::sql::QualName;
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

/// A privilege `GRANT` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privilege {
    /// `SELECT` (tables, columns, sequences).
    Select,
    /// `INSERT` (tables, columns).
    Insert,
    /// `UPDATE` (tables, columns, sequences).
    Update,
    /// `DELETE` (tables).
    Delete,
    /// `TRUNCATE` (tables).
    Truncate,
    /// `REFERENCES` (tables, columns).
    References,
    /// `TRIGGER` (tables).
    Trigger,
    /// `USAGE` (namespaces, sequences).
    Usage,
    /// `CREATE` (namespaces).
    Create,
    /// `EXECUTE` (functions and procedures).
    Execute,
    /// `MAINTAIN` (tables, PostgreSQL 17 and later).
    Maintain,
}

impl Privilege {
    /// Every privilege, in order.
    pub const ALL: [Privilege; 11] = [
        Privilege::Select,
        Privilege::Insert,
        Privilege::Update,
        Privilege::Delete,
        Privilege::Truncate,
        Privilege::References,
        Privilege::Trigger,
        Privilege::Usage,
        Privilege::Create,
        Privilege::Execute,
        Privilege::Maintain,
    ];

    /// The SQL keyword, as `aclexplode` reports it too.
    pub fn keyword(&self) -> &'static str {
        match self {
            Privilege::Select => "SELECT",
            Privilege::Insert => "INSERT",
            Privilege::Update => "UPDATE",
            Privilege::Delete => "DELETE",
            Privilege::Truncate => "TRUNCATE",
            Privilege::References => "REFERENCES",
            Privilege::Trigger => "TRIGGER",
            Privilege::Usage => "USAGE",
            Privilege::Create => "CREATE",
            Privilege::Execute => "EXECUTE",
            Privilege::Maintain => "MAINTAIN",
        }
    }

    /// The privilege a keyword names, in any case.
    pub fn parse(text: &str) -> Option<Privilege> {
        Privilege::ALL
            .into_iter()
            .find(|p| p.keyword().eq_ignore_ascii_case(text.trim()))
    }
}

/// What kind of object a privilege is on, for the privileges that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantKind {
    /// A namespace (`ON SCHEMA`).
    Namespace,
    /// A table, view or materialized view (`ON TABLE`).
    Table,
    /// Some columns of one (`SELECT (a, b) ON TABLE`).
    Column,
    /// A sequence (`ON SEQUENCE`).
    Sequence,
    /// A function or procedure (`ON ROUTINE`).
    Function,
}

impl GrantKind {
    /// The privileges that apply; `ALL` is all of them but `MAINTAIN`
    /// (which PostgreSQL 15 does not have).
    pub fn privileges(&self) -> &'static [Privilege] {
        use Privilege::*;
        match self {
            GrantKind::Namespace => &[Usage, Create],
            GrantKind::Table => &[
                Select, Insert, Update, Delete, Truncate, References, Trigger,
            ],
            GrantKind::Column => &[Select, Insert, Update, References],
            GrantKind::Sequence => &[Select, Update, Usage],
            GrantKind::Function => &[Execute],
        }
    }

    /// `namespace`, `table`, ….
    pub fn label(&self) -> &'static str {
        match self {
            GrantKind::Namespace => "namespace",
            GrantKind::Table => "table",
            GrantKind::Column => "column",
            GrantKind::Sequence => "sequence",
            GrantKind::Function => "function",
        }
    }
}

/// The object of a grant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GrantObject {
    /// A namespace.
    Namespace {
        /// Its name.
        name: String,
    },
    /// A table, view or materialized view.
    Table {
        /// Its name.
        name: QualName,
    },
    /// One column of a table (or view).
    Column {
        /// The table.
        table: QualName,
        /// The column.
        column: String,
    },
    /// A sequence.
    Sequence {
        /// Its name.
        name: QualName,
    },
    /// A function or procedure, by name and input types (its identity).
    Function {
        /// Its name.
        name: QualName,
        /// The types of its input arguments, as the function's model has
        /// them.
        args: Vec<ColumnType>,
    },
}

impl GrantObject {
    /// A function or procedure, by its identity.
    pub fn function(f: &super::functions::Function) -> GrantObject {
        GrantObject::Function {
            name: f.name.clone(),
            args: f.identity_types().into_iter().cloned().collect(),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> GrantKind {
        match self {
            GrantObject::Namespace { .. } => GrantKind::Namespace,
            GrantObject::Table { .. } => GrantKind::Table,
            GrantObject::Column { .. } => GrantKind::Column,
            GrantObject::Sequence { .. } => GrantKind::Sequence,
            GrantObject::Function { .. } => GrantKind::Function,
        }
    }
}

impl std::fmt::Display for GrantObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantObject::Namespace { name } => write!(f, "namespace {name}"),
            GrantObject::Table { name } => write!(f, "table {name}"),
            GrantObject::Column { table, column } => write!(f, "column {table}.{column}"),
            GrantObject::Sequence { name } => write!(f, "sequence {name}"),
            GrantObject::Function { name, args } => {
                let a: Vec<String> = args.iter().map(ColumnType::canonical).collect();
                write!(f, "function {name}({})", a.join(", "))
            }
        }
    }
}

/// One privilege on one object for one role: an entry of the object's ACL
/// (`aclexplode`). The object's owner holds every privilege implicitly and
/// is never listed; [`PUBLIC`] is every role.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// The object.
    pub on: GrantObject,
    /// The role, or [`PUBLIC`].
    pub grantee: String,
    /// The privilege.
    pub privilege: Privilege,
    /// `WITH GRANT OPTION`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub grant_option: bool,
}

/// What PostgreSQL grants on a new function: `EXECUTE` to `PUBLIC`.
pub fn default_function_grant(f: &super::functions::Function) -> Grant {
    Grant {
        on: GrantObject::function(f),
        grantee: PUBLIC.to_string(),
        privilege: Privilege::Execute,
        grant_option: false,
    }
}

/// Sorts grants and merges duplicates (a privilege held with and without
/// the grant option is held with it).
pub fn normalize_grants(grants: &mut Vec<Grant>) {
    grants.sort();
    let mut out: Vec<Grant> = Vec::with_capacity(grants.len());
    for g in grants.drain(..) {
        match out.last_mut() {
            Some(last)
                if last.on == g.on
                    && last.grantee == g.grantee
                    && last.privilege == g.privilege =>
            {
                last.grant_option |= g.grant_option;
            }
            _ => out.push(g),
        }
    }
    *grants = out;
}
