//! What differs between two schemas: typed changes with no SQL and no
//! ordering promises. [`crate::plan`] orders them, [`crate::render`] writes SQL.

use crate::model::{
    Attribute, Check, Column, ColumnType, CompositeType, Domain, EnumType, ForeignKey, Function,
    GrantObject, Index, Policy, PrimaryKey, Privilege, QualName, RowSecurity, Sequence,
    SequenceOwner, Table, Trigger, TriggerEnabled, Unique, View,
};
use serde::{Deserialize, Serialize};

/// One difference between an old and a new schema.
// A plan holds a few changes per object, each owning its data (two columns
// for an AlterColumn): boxing the large variants would save little memory
// and make every match on them clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Change {
    /// `CREATE SCHEMA`.
    CreateNamespace {
        /// Namespace name.
        name: String,
    },
    /// `DROP SCHEMA` (only when empty after the plan).
    DropNamespace {
        /// Namespace name.
        name: String,
    },
    /// `CREATE EXTENSION IF NOT EXISTS`, then `UPDATE TO` the declared
    /// version (in case it existed already at another one).
    CreateExtension {
        /// Extension name.
        name: String,
        /// `VERSION`, when declared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// `SCHEMA`, when declared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schema: Option<String>,
    },
    /// `ALTER EXTENSION … UPDATE TO` and/or `SET SCHEMA`.
    AlterExtension {
        /// Extension name.
        name: String,
        /// The version to update to, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// The namespace to move it to, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schema: Option<String>,
    },
    /// `DROP EXTENSION`.
    DropExtension {
        /// Extension name.
        name: String,
    },
    /// `CREATE TYPE … AS ENUM`.
    CreateEnum {
        /// The new type.
        r#enum: EnumType,
    },
    /// `DROP TYPE` of an enum. Destructive.
    DropEnum {
        /// Type name.
        name: QualName,
    },
    /// `ALTER TYPE … ADD VALUE`.
    AddEnumValue {
        /// Type name.
        r#enum: QualName,
        /// The new label.
        value: String,
        /// Placed before this label; `None` appends.
        before: Option<String>,
    },
    /// Values removed or reordered: the type is recreated and columns
    /// re-cast through text. Destructive when values are removed.
    RecreateEnum {
        /// The type as it was.
        old: EnumType,
        /// The type as it must become.
        new: EnumType,
        /// Columns of that type (or arrays of it) to re-cast.
        columns: Vec<EnumColumn>,
    },
    /// `CREATE TABLE` with columns, primary key, uniques and checks. Foreign
    /// keys and indexes come as their own changes.
    CreateTable {
        /// The new table (its `foreign_keys` and `indexes` are empty).
        table: Table,
    },
    /// `DROP TABLE`. Destructive.
    DropTable {
        /// Table name.
        name: QualName,
    },
    /// `ALTER TABLE … RENAME TO` (from a `renamed_from` hint).
    RenameTable {
        /// Old name.
        from: QualName,
        /// New name (same namespace).
        to: QualName,
    },
    /// `COMMENT ON TABLE`.
    SetTableComment {
        /// Table name.
        table: QualName,
        /// New comment, `None` removes it.
        comment: Option<String>,
    },
    /// `ALTER TABLE … ADD COLUMN`.
    AddColumn {
        /// Table name.
        table: QualName,
        /// The new column.
        column: Column,
    },
    /// `ALTER TABLE … DROP COLUMN`. Destructive.
    DropColumn {
        /// Table name.
        table: QualName,
        /// Column name.
        column: String,
    },
    /// `ALTER TABLE … RENAME COLUMN` (from a `renamed_from` hint).
    RenameColumn {
        /// Table name (after any table rename).
        table: QualName,
        /// Old column name.
        from: String,
        /// New column name.
        to: String,
    },
    /// Type, nullability, default, identity or generation of a column changed.
    AlterColumn {
        /// Table name.
        table: QualName,
        /// The column as it was (after any rename).
        old: Column,
        /// The column as it must become.
        new: Column,
    },
    /// `ALTER COLUMN … DROP EXPRESSION`: a generated column becomes a
    /// regular one and keeps its values. A step of its own, under the
    /// table's and column's names before any rename, that runs before
    /// columns are dropped: PostgreSQL refuses to drop a column that a
    /// generated column reads.
    DropExpression {
        /// Table name (before any rename).
        table: QualName,
        /// Column name (before any rename).
        column: String,
    },
    /// `COMMENT ON COLUMN`.
    SetColumnComment {
        /// Table name.
        table: QualName,
        /// Column name.
        column: String,
        /// New comment, `None` removes it.
        comment: Option<String>,
    },
    /// `ADD CONSTRAINT … PRIMARY KEY`.
    AddPrimaryKey {
        /// Table name.
        table: QualName,
        /// The key.
        pk: PrimaryKey,
    },
    /// `DROP CONSTRAINT` of the primary key.
    DropPrimaryKey {
        /// Table name.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `ADD CONSTRAINT … UNIQUE`.
    AddUnique {
        /// Table name.
        table: QualName,
        /// The constraint.
        unique: Unique,
    },
    /// `DROP CONSTRAINT` of a unique constraint.
    DropUnique {
        /// Table name.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `ADD CONSTRAINT … CHECK`.
    AddCheck {
        /// Table name.
        table: QualName,
        /// The constraint.
        check: Check,
    },
    /// `DROP CONSTRAINT` of a check.
    DropCheck {
        /// Table name.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `ADD CONSTRAINT … FOREIGN KEY`.
    AddForeignKey {
        /// Referencing table.
        table: QualName,
        /// The constraint.
        fk: ForeignKey,
    },
    /// `DROP CONSTRAINT` of a foreign key.
    DropForeignKey {
        /// Referencing table.
        table: QualName,
        /// Constraint name.
        name: String,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// Table name.
        table: QualName,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// Table name (the index lives in its namespace).
        table: QualName,
        /// Index name.
        name: String,
    },
    /// `ALTER TABLE … RENAME CONSTRAINT`: a primary key, unique constraint,
    /// check or foreign key that keeps its definition under a new name, as
    /// when its name derives from a renamed table or column
    /// (`<table>_pkey`). A key's index is renamed with it.
    RenameConstraint {
        /// Table name (after any table rename).
        table: QualName,
        /// Old constraint name.
        from: String,
        /// New constraint name.
        to: String,
    },
    /// `ALTER INDEX … RENAME TO`: an index that keeps its definition under a
    /// new name.
    RenameIndex {
        /// Table name (after any table rename; the index lives in its namespace).
        table: QualName,
        /// Old index name.
        from: String,
        /// New index name.
        to: String,
    },
    /// `CREATE [MATERIALIZED] VIEW`, with its comment and (materialized)
    /// indexes. Ordered after what it reads ([`crate::plan::order`]).
    CreateView {
        /// The new view.
        view: View,
    },
    /// `DROP [MATERIALIZED] VIEW`: the view goes, or is recreated (a
    /// [`Change::CreateView`] follows). Ordered before what it reads.
    DropView {
        /// The view as it was (its definition orders the drops).
        view: View,
    },
    /// `CREATE OR REPLACE VIEW`: the new query keeps the old one's columns
    /// (the same leading select items) and may add some at the end; or
    /// only the options changed.
    ReplaceView {
        /// The view as it was.
        old: View,
        /// The view as it must become.
        new: View,
    },
    /// `CREATE SEQUENCE` with its options and comment; its owner comes as a
    /// [`Change::SetSequenceOwner`], once the table exists.
    CreateSequence {
        /// The new sequence.
        sequence: Sequence,
    },
    /// `ALTER SEQUENCE` to new options (the current value is kept).
    AlterSequence {
        /// The sequence as it was.
        old: Sequence,
        /// The sequence as it must become.
        new: Sequence,
    },
    /// `ALTER SEQUENCE … OWNED BY`: `None` (early, so that dropping the
    /// old owner does not take the sequence with it) or the new owner
    /// (late, once it exists).
    SetSequenceOwner {
        /// The sequence.
        name: QualName,
        /// The owner, or none.
        owned_by: Option<SequenceOwner>,
    },
    /// `DROP SEQUENCE`. Destructive: its current value is lost.
    DropSequence {
        /// The sequence.
        name: QualName,
    },
    /// `CREATE FUNCTION` / `PROCEDURE`, with its comment. Created early
    /// (before the tables whose defaults may call it) unless its signature
    /// or a body PostgreSQL checks reads a relation the plan creates or
    /// changes ([`crate::plan::order`]).
    CreateFunction {
        /// The new function.
        function: Function,
    },
    /// `CREATE OR REPLACE FUNCTION`: same signature, result and argument
    /// names; the body or attributes changed. Dependents are kept.
    ReplaceFunction {
        /// The function as it was.
        old: Function,
        /// The function as it must become.
        new: Function,
    },
    /// The same signature with a result or argument names PostgreSQL cannot
    /// replace: `DROP` and `CREATE` in one step, with the defaults that
    /// call the function dropped before and set again after. Views and
    /// triggers that use it are recreated around it.
    RecreateFunction {
        /// The function as it was.
        old: Function,
        /// The function as it must become.
        new: Function,
        /// Column defaults that call it.
        defaults: Vec<FunctionDefault>,
    },
    /// `DROP FUNCTION` / `PROCEDURE`.
    DropFunction {
        /// The function as it was.
        function: Function,
    },
    /// `CREATE TRIGGER`, with its enabled state and comment.
    CreateTrigger {
        /// The new trigger.
        trigger: Trigger,
    },
    /// `CREATE OR REPLACE TRIGGER`.
    ReplaceTrigger {
        /// The trigger as it was.
        old: Trigger,
        /// The trigger as it must become.
        new: Trigger,
    },
    /// `DROP TRIGGER`.
    DropTrigger {
        /// The trigger as it was.
        trigger: Trigger,
    },
    /// `ALTER TABLE … ENABLE / DISABLE TRIGGER`.
    SetTriggerEnabled {
        /// The table or view.
        table: QualName,
        /// The trigger.
        name: String,
        /// The new state.
        enabled: TriggerEnabled,
    },
    /// `COMMENT ON` an object other than a table or a column.
    SetObjectComment {
        /// The object.
        target: CommentTarget,
        /// New comment, `None` removes it.
        comment: Option<String>,
    },
    /// `CREATE DOMAIN` with its collation, default, NOT NULL and checks.
    CreateDomain {
        /// The new domain.
        domain: Domain,
    },
    /// `DROP DOMAIN`. Destructive. Carries the old definition: drops of
    /// types are ordered by what they are built on.
    DropDomain {
        /// The domain as it was.
        domain: Domain,
    },
    /// A new base type or collation: the old domain is renamed away, the new
    /// one created, the columns using it re-cast, the old one dropped.
    RecreateDomain {
        /// The domain as it was.
        old: Domain,
        /// The domain as it must become.
        new: Domain,
        /// Columns of that type (or arrays of it) to re-cast.
        columns: Vec<EnumColumn>,
    },
    /// `ALTER DOMAIN … SET DEFAULT` / `DROP DEFAULT`.
    SetDomainDefault {
        /// The domain.
        name: QualName,
        /// The new default; `None` drops it.
        default: Option<String>,
    },
    /// `ALTER DOMAIN … SET NOT NULL` / `DROP NOT NULL`.
    SetDomainNotNull {
        /// The domain.
        name: QualName,
        /// Whether NULL is refused now.
        not_null: bool,
    },
    /// `ALTER DOMAIN … ADD CONSTRAINT … CHECK`.
    AddDomainCheck {
        /// The domain.
        domain: QualName,
        /// The constraint.
        check: Check,
    },
    /// `ALTER DOMAIN … DROP CONSTRAINT`.
    DropDomainCheck {
        /// The domain.
        domain: QualName,
        /// Constraint name.
        name: String,
    },
    /// `CREATE TYPE … AS (…)`.
    CreateCompositeType {
        /// The new type.
        composite: CompositeType,
    },
    /// `DROP TYPE` of a composite type. Destructive. Carries the old
    /// definition (see [`Change::DropDomain`]).
    DropCompositeType {
        /// The type as it was.
        composite: CompositeType,
    },
    /// `ALTER TYPE … ADD ATTRIBUTE` (at the end of the type).
    AddAttribute {
        /// The composite type.
        r#type: QualName,
        /// The new attribute.
        attribute: Attribute,
    },
    /// `ALTER TYPE … DROP ATTRIBUTE`. Destructive.
    DropAttribute {
        /// The composite type.
        r#type: QualName,
        /// Attribute name.
        name: String,
    },
    /// `GRANT … ON … TO … [WITH GRANT OPTION]`.
    GrantPrivileges {
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
    RevokePrivileges {
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
    /// `ALTER TABLE … ENABLE` / `DISABLE` / `FORCE` / `NO FORCE ROW LEVEL
    /// SECURITY`.
    AlterRowSecurity {
        /// The table.
        table: QualName,
        /// The flags as they were.
        old: RowSecurity,
        /// The flags as they must become.
        new: RowSecurity,
    },
    /// `CREATE POLICY`.
    CreatePolicy {
        /// The table (after any rename).
        table: QualName,
        /// The policy.
        policy: Policy,
    },
    /// `DROP POLICY`.
    DropPolicy {
        /// The table (before any rename).
        table: QualName,
        /// Policy name.
        name: String,
    },
    /// `ALTER POLICY … [TO …] [USING (…)] [WITH CHECK (…)]`: what changes.
    AlterPolicy {
        /// The table (after any rename).
        table: QualName,
        /// Policy name.
        name: String,
        /// The new roles, when they change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        roles: Option<Vec<String>>,
        /// The new `USING` expression, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        using: Option<String>,
        /// The new `WITH CHECK` expression, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        with_check: Option<String>,
    },
    /// `ALTER TYPE … ALTER ATTRIBUTE … SET DATA TYPE … [COLLATE …]`.
    AlterAttribute {
        /// The composite type.
        r#type: QualName,
        /// The attribute as it was.
        old: Attribute,
        /// The attribute as it must become.
        new: Attribute,
    },
}

/// A column default that calls a function being recreated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionDefault {
    /// The table (its new name).
    pub table: QualName,
    /// The column (its new name).
    pub column: String,
    /// The default to set again.
    pub default: String,
}

/// An object [`Change::SetObjectComment`] comments on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum CommentTarget {
    /// A view.
    View {
        /// Its name.
        name: QualName,
    },
    /// A materialized view.
    MaterializedView {
        /// Its name.
        name: QualName,
    },
    /// A sequence.
    Sequence {
        /// Its name.
        name: QualName,
    },
    /// A function or procedure.
    Function {
        /// Its name.
        name: QualName,
        /// Its input types.
        args: Vec<ColumnType>,
        /// A procedure.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        procedure: bool,
    },
    /// A trigger.
    Trigger {
        /// Its table or view.
        table: QualName,
        /// Its name.
        name: String,
    },
}

impl std::fmt::Display for CommentTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommentTarget::View { name }
            | CommentTarget::MaterializedView { name }
            | CommentTarget::Sequence { name } => write!(f, "{name}"),
            CommentTarget::Function { name, args, .. } => {
                let a: Vec<String> = args.iter().map(ColumnType::canonical).collect();
                write!(f, "{name}({})", a.join(", "))
            }
            CommentTarget::Trigger { table, name } => write!(f, "{name} on {table}"),
        }
    }
}

/// A column re-cast by [`Change::RecreateEnum`] (or
/// [`Change::RecreateDomain`]). PostgreSQL cannot cast a
/// default that names the type: it is dropped before the cast and the
/// declared one set after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumColumn {
    /// The table (its name before any rename: the enum changes first).
    pub table: QualName,
    /// The column (its name before any rename).
    pub column: String,
    /// Whether the column is an array of the type.
    pub array: bool,
    /// Whether the column has a default now (dropped before the cast).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_default: bool,
    /// The default to set after the cast: the declared one, when the
    /// column keeps the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl EnumColumn {
    /// A column without a default.
    pub fn new(table: QualName, column: impl Into<String>, array: bool) -> Self {
        EnumColumn {
            table,
            column: column.into(),
            array,
            has_default: false,
            default: None,
        }
    }
}

impl Change {
    /// The step kind, e.g. `AddColumn`.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::CreateNamespace { .. } => "CreateNamespace",
            Change::DropNamespace { .. } => "DropNamespace",
            Change::CreateExtension { .. } => "CreateExtension",
            Change::AlterExtension { .. } => "AlterExtension",
            Change::DropExtension { .. } => "DropExtension",
            Change::CreateEnum { .. } => "CreateEnum",
            Change::DropEnum { .. } => "DropEnum",
            Change::AddEnumValue { .. } => "AddEnumValue",
            Change::RecreateEnum { .. } => "RecreateEnum",
            Change::CreateTable { .. } => "CreateTable",
            Change::DropTable { .. } => "DropTable",
            Change::RenameTable { .. } => "RenameTable",
            Change::SetTableComment { .. } => "SetTableComment",
            Change::AddColumn { .. } => "AddColumn",
            Change::DropColumn { .. } => "DropColumn",
            Change::RenameColumn { .. } => "RenameColumn",
            Change::AlterColumn { .. } => "AlterColumn",
            Change::DropExpression { .. } => "DropExpression",
            Change::SetColumnComment { .. } => "SetColumnComment",
            Change::AddPrimaryKey { .. } => "AddPrimaryKey",
            Change::DropPrimaryKey { .. } => "DropPrimaryKey",
            Change::AddUnique { .. } => "AddUnique",
            Change::DropUnique { .. } => "DropUnique",
            Change::AddCheck { .. } => "AddCheck",
            Change::DropCheck { .. } => "DropCheck",
            Change::AddForeignKey { .. } => "AddForeignKey",
            Change::DropForeignKey { .. } => "DropForeignKey",
            Change::CreateIndex { .. } => "CreateIndex",
            Change::DropIndex { .. } => "DropIndex",
            Change::RenameConstraint { .. } => "RenameConstraint",
            Change::RenameIndex { .. } => "RenameIndex",
            Change::CreateView { .. } => "CreateView",
            Change::DropView { .. } => "DropView",
            Change::ReplaceView { .. } => "ReplaceView",
            Change::SetObjectComment { .. } => "SetObjectComment",
            Change::CreateSequence { .. } => "CreateSequence",
            Change::AlterSequence { .. } => "AlterSequence",
            Change::SetSequenceOwner { .. } => "SetSequenceOwner",
            Change::DropSequence { .. } => "DropSequence",
            Change::CreateFunction { .. } => "CreateFunction",
            Change::ReplaceFunction { .. } => "ReplaceFunction",
            Change::RecreateFunction { .. } => "RecreateFunction",
            Change::DropFunction { .. } => "DropFunction",
            Change::CreateTrigger { .. } => "CreateTrigger",
            Change::ReplaceTrigger { .. } => "ReplaceTrigger",
            Change::DropTrigger { .. } => "DropTrigger",
            Change::SetTriggerEnabled { .. } => "SetTriggerEnabled",
            Change::CreateDomain { .. } => "CreateDomain",
            Change::DropDomain { .. } => "DropDomain",
            Change::RecreateDomain { .. } => "RecreateDomain",
            Change::SetDomainDefault { .. } => "SetDomainDefault",
            Change::SetDomainNotNull { .. } => "SetDomainNotNull",
            Change::AddDomainCheck { .. } => "AddDomainCheck",
            Change::DropDomainCheck { .. } => "DropDomainCheck",
            Change::CreateCompositeType { .. } => "CreateCompositeType",
            Change::DropCompositeType { .. } => "DropCompositeType",
            Change::AddAttribute { .. } => "AddAttribute",
            Change::DropAttribute { .. } => "DropAttribute",
            Change::AlterAttribute { .. } => "AlterAttribute",
            Change::GrantPrivileges { .. } => "GrantPrivileges",
            Change::RevokePrivileges { .. } => "RevokePrivileges",
            Change::AlterRowSecurity { .. } => "AlterRowSecurity",
            Change::CreatePolicy { .. } => "CreatePolicy",
            Change::DropPolicy { .. } => "DropPolicy",
            Change::AlterPolicy { .. } => "AlterPolicy",
        }
    }

    /// The object the change is about, for headers and error messages:
    /// `billing.invoices.note`.
    pub fn subject(&self) -> String {
        match self {
            Change::CreateNamespace { name }
            | Change::DropNamespace { name }
            | Change::CreateExtension { name, .. }
            | Change::AlterExtension { name, .. }
            | Change::DropExtension { name } => name.clone(),
            Change::CreateEnum { r#enum } => r#enum.name.to_string(),
            Change::DropEnum { name } | Change::DropTable { name } => name.to_string(),
            Change::AddEnumValue { r#enum, value, .. } => format!("{enum}.{value}"),
            Change::RecreateEnum { new, .. } => new.name.to_string(),
            Change::CreateTable { table } => table.name.to_string(),
            Change::RenameTable { from, to } => format!("{from} -> {to}"),
            Change::SetTableComment { table, .. } => table.to_string(),
            Change::AddColumn { table, column } => format!("{table}.{}", column.name),
            Change::DropColumn { table, column } | Change::DropExpression { table, column } => {
                format!("{table}.{column}")
            }
            Change::RenameColumn { table, from, to } => format!("{table}.{from} -> {to}"),
            Change::AlterColumn { table, new, .. } => format!("{table}.{}", new.name),
            Change::SetColumnComment { table, column, .. } => format!("{table}.{column}"),
            Change::AddPrimaryKey { table, pk } => format!("{table}.{}", pk.name),
            Change::AddUnique { table, unique } => format!("{table}.{}", unique.name),
            Change::AddCheck { table, check } => format!("{table}.{}", check.name),
            Change::AddForeignKey { table, fk } => format!("{table}.{}", fk.name),
            Change::CreateIndex { table, index } => format!("{}.{}", table.schema, index.name),
            Change::DropPrimaryKey { table, name }
            | Change::DropUnique { table, name }
            | Change::DropCheck { table, name }
            | Change::DropForeignKey { table, name } => format!("{table}.{name}"),
            Change::DropIndex { table, name } => format!("{}.{name}", table.schema),
            Change::RenameConstraint { table, from, to } => format!("{table}.{from} -> {to}"),
            Change::RenameIndex { table, from, to } => {
                format!("{}.{from} -> {to}", table.schema)
            }
            Change::CreateView { view } | Change::DropView { view } => view.name.to_string(),
            Change::ReplaceView { new, .. } => new.name.to_string(),
            Change::SetObjectComment { target, .. } => target.to_string(),
            Change::CreateSequence { sequence } => sequence.name.to_string(),
            Change::AlterSequence { new, .. } => new.name.to_string(),
            Change::SetSequenceOwner { name, .. } | Change::DropSequence { name } => {
                name.to_string()
            }
            Change::CreateFunction { function } | Change::DropFunction { function } => {
                function.signature()
            }
            Change::ReplaceFunction { new, .. } | Change::RecreateFunction { new, .. } => {
                new.signature()
            }
            Change::CreateTrigger { trigger } | Change::DropTrigger { trigger } => trigger.label(),
            Change::ReplaceTrigger { new, .. } => new.label(),
            Change::SetTriggerEnabled { table, name, .. } => format!("{name} on {table}"),
            Change::CreateDomain { domain } | Change::DropDomain { domain } => {
                domain.name.to_string()
            }
            Change::RecreateDomain { new, .. } => new.name.to_string(),
            Change::SetDomainDefault { name, .. } | Change::SetDomainNotNull { name, .. } => {
                name.to_string()
            }
            Change::AddDomainCheck { domain, check } => format!("{domain}.{}", check.name),
            Change::DropDomainCheck { domain, name } => format!("{domain}.{name}"),
            Change::CreateCompositeType { composite } | Change::DropCompositeType { composite } => {
                composite.name.to_string()
            }
            Change::AddAttribute { r#type, attribute } => format!("{type}.{}", attribute.name),
            Change::DropAttribute { r#type, name } => format!("{type}.{name}"),
            Change::AlterAttribute { r#type, new, .. } => format!("{type}.{}", new.name),
            Change::GrantPrivileges { on, grantee, .. }
            | Change::RevokePrivileges { on, grantee, .. } => format!("{on} {grantee}"),
            Change::AlterRowSecurity { table, .. } => table.to_string(),
            Change::CreatePolicy { table, policy } => format!("{table}.{}", policy.name),
            Change::DropPolicy { table, name } | Change::AlterPolicy { table, name, .. } => {
                format!("{table}.{name}")
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod samples {
    //! One change of every kind, for tests that must cover them all.
    use super::*;
    use crate::model::{
        FunctionKind, GrantObject, PolicyCommand, Privilege, SequenceOwner, TriggerEvent,
        TriggerTiming,
    };

    fn q(n: &str) -> QualName {
        QualName::new("s", n)
    }

    fn col(n: &str) -> Column {
        let mut c = Column::new(n, ColumnType::builtin("integer"));
        c.default = Some("0".into());
        c
    }

    /// Every kind of change once, in the order of [`Change::kind`]'s list.
    pub(crate) fn all() -> Vec<Change> {
        let mut t = Table::new(q("t"));
        t.columns.push(col("c"));
        let e = EnumType {
            name: q("e"),
            values: vec!["a".into(), "b".into()],
        };
        let mut f = Function::new(q("f"), None, "sql", "SELECT 1");
        f.kind = FunctionKind::Procedure;
        let trigger = Trigger {
            table: q("t"),
            name: "tr".into(),
            timing: TriggerTiming::Before,
            events: vec![TriggerEvent::Insert],
            update_of: vec![],
            for_each_row: true,
            when: None,
            function: q("tf"),
            args: vec![],
            old_table: None,
            new_table: None,
            enabled: TriggerEnabled::Origin,
            comment: None,
        };
        let d = Domain::new(q("d"), ColumnType::builtin("text"));
        let comp = CompositeType {
            name: q("ct"),
            attributes: vec![Attribute::new("x", ColumnType::builtin("text"))],
        };
        let check = Check {
            name: "k".into(),
            expr: "(c > 0)".into(),
        };
        let mut policy = Policy::new("p");
        policy.command = PolicyCommand::Select;
        policy.using = Some("true".into());
        let seq = Sequence::new(q("sq"));
        let view = View::new(q("v"), "SELECT 1 AS x");
        let ec = EnumColumn::new(q("t"), "c", false);
        vec![
            Change::CreateNamespace { name: "s".into() },
            Change::DropNamespace { name: "s".into() },
            Change::CreateExtension {
                name: "x".into(),
                version: Some("1.0".into()),
                schema: None,
            },
            Change::AlterExtension {
                name: "x".into(),
                version: None,
                schema: Some("s".into()),
            },
            Change::DropExtension { name: "x".into() },
            Change::CreateEnum { r#enum: e.clone() },
            Change::DropEnum { name: q("e") },
            Change::AddEnumValue {
                r#enum: q("e"),
                value: "c".into(),
                before: Some("a".into()),
            },
            Change::RecreateEnum {
                old: e.clone(),
                new: e,
                columns: vec![ec.clone()],
            },
            Change::CreateTable { table: t },
            Change::DropTable { name: q("t") },
            Change::RenameTable {
                from: q("t"),
                to: q("u"),
            },
            Change::SetTableComment {
                table: q("t"),
                comment: Some("x".into()),
            },
            Change::AddColumn {
                table: q("t"),
                column: col("c"),
            },
            Change::DropColumn {
                table: q("t"),
                column: "c".into(),
            },
            Change::RenameColumn {
                table: q("t"),
                from: "c".into(),
                to: "d".into(),
            },
            Change::AlterColumn {
                table: q("t"),
                old: col("c"),
                new: Column::new("c", ColumnType::builtin("bigint")),
            },
            Change::DropExpression {
                table: q("t"),
                column: "c".into(),
            },
            Change::SetColumnComment {
                table: q("t"),
                column: "c".into(),
                comment: None,
            },
            Change::AddPrimaryKey {
                table: q("t"),
                pk: PrimaryKey {
                    name: "t_pkey".into(),
                    columns: vec!["c".into()],
                },
            },
            Change::DropPrimaryKey {
                table: q("t"),
                name: "t_pkey".into(),
            },
            Change::AddUnique {
                table: q("t"),
                unique: Unique {
                    name: "t_c_key".into(),
                    columns: vec!["c".into()],
                },
            },
            Change::DropUnique {
                table: q("t"),
                name: "t_c_key".into(),
            },
            Change::AddCheck {
                table: q("t"),
                check: check.clone(),
            },
            Change::DropCheck {
                table: q("t"),
                name: "k".into(),
            },
            Change::AddForeignKey {
                table: q("t"),
                fk: ForeignKey {
                    name: "t_c_fkey".into(),
                    columns: vec!["c".into()],
                    ref_table: q("u"),
                    ref_columns: vec!["id".into()],
                    on_delete: Default::default(),
                    on_update: Default::default(),
                    deferrable: Default::default(),
                },
            },
            Change::DropForeignKey {
                table: q("t"),
                name: "t_c_fkey".into(),
            },
            Change::CreateIndex {
                table: q("t"),
                index: Index {
                    name: "t_c_idx".into(),
                    unique: false,
                    method: "btree".into(),
                    keys: vec![crate::model::IndexKey {
                        target: crate::model::IndexTarget::Column("c".into()),
                        desc: false,
                        nulls_first: None,
                    }],
                    include: vec![],
                    predicate: None,
                },
            },
            Change::DropIndex {
                table: q("t"),
                name: "t_c_idx".into(),
            },
            Change::RenameConstraint {
                table: q("t"),
                from: "a".into(),
                to: "b".into(),
            },
            Change::RenameIndex {
                table: q("t"),
                from: "a".into(),
                to: "b".into(),
            },
            Change::CreateView { view: view.clone() },
            Change::DropView { view: view.clone() },
            Change::ReplaceView {
                old: view.clone(),
                new: view,
            },
            Change::SetObjectComment {
                target: CommentTarget::Function {
                    name: q("f"),
                    args: vec![ColumnType::builtin("integer")],
                    procedure: true,
                },
                comment: Some("c".into()),
            },
            Change::CreateSequence {
                sequence: seq.clone(),
            },
            Change::AlterSequence {
                old: seq.clone(),
                new: seq,
            },
            Change::SetSequenceOwner {
                name: q("sq"),
                owned_by: Some(SequenceOwner {
                    table: q("t"),
                    column: "c".into(),
                }),
            },
            Change::DropSequence { name: q("sq") },
            Change::CreateFunction {
                function: f.clone(),
            },
            Change::ReplaceFunction {
                old: f.clone(),
                new: f.clone(),
            },
            Change::RecreateFunction {
                old: f.clone(),
                new: f.clone(),
                defaults: vec![FunctionDefault {
                    table: q("t"),
                    column: "c".into(),
                    default: "s.f()".into(),
                }],
            },
            Change::DropFunction { function: f },
            Change::CreateTrigger {
                trigger: trigger.clone(),
            },
            Change::ReplaceTrigger {
                old: trigger.clone(),
                new: trigger.clone(),
            },
            Change::DropTrigger { trigger },
            Change::SetTriggerEnabled {
                table: q("t"),
                name: "tr".into(),
                enabled: TriggerEnabled::Disabled,
            },
            Change::CreateDomain { domain: d.clone() },
            Change::DropDomain { domain: d.clone() },
            Change::RecreateDomain {
                old: d.clone(),
                new: d,
                columns: vec![ec],
            },
            Change::SetDomainDefault {
                name: q("d"),
                default: Some("'x'::text".into()),
            },
            Change::SetDomainNotNull {
                name: q("d"),
                not_null: true,
            },
            Change::AddDomainCheck {
                domain: q("d"),
                check,
            },
            Change::DropDomainCheck {
                domain: q("d"),
                name: "k".into(),
            },
            Change::CreateCompositeType {
                composite: comp.clone(),
            },
            Change::DropCompositeType { composite: comp },
            Change::AddAttribute {
                r#type: q("ct"),
                attribute: Attribute::new("y", ColumnType::builtin("integer")),
            },
            Change::DropAttribute {
                r#type: q("ct"),
                name: "y".into(),
            },
            Change::AlterAttribute {
                r#type: q("ct"),
                old: Attribute::new("x", ColumnType::builtin("text")),
                new: Attribute::new("x", ColumnType::builtin("integer")),
            },
            Change::GrantPrivileges {
                on: GrantObject::Table { name: q("t") },
                grantee: "r".into(),
                privileges: vec![Privilege::Select],
                with_grant_option: true,
            },
            Change::RevokePrivileges {
                on: GrantObject::Namespace { name: "s".into() },
                grantee: "public".into(),
                privileges: vec![Privilege::Usage],
                grant_option_only: false,
            },
            Change::AlterRowSecurity {
                table: q("t"),
                old: RowSecurity::default(),
                new: RowSecurity {
                    enabled: true,
                    forced: false,
                },
            },
            Change::CreatePolicy {
                table: q("t"),
                policy,
            },
            Change::DropPolicy {
                table: q("t"),
                name: "p".into(),
            },
            Change::AlterPolicy {
                table: q("t"),
                name: "p".into(),
                roles: Some(vec!["r".into()]),
                using: None,
                with_check: Some("true".into()),
            },
        ]
    }

    /// The JSON of a change (what `graft plan --json` prints in each step)
    /// is one flat object tagged by `kind`, for every kind.
    #[test]
    fn every_change_serializes_as_one_flat_object_tagged_by_kind() {
        let all = all();
        let kinds: std::collections::BTreeSet<&str> = all.iter().map(Change::kind).collect();
        assert_eq!(kinds.len(), all.len(), "one sample per kind");
        let mut text = String::new();
        for c in &all {
            let v = serde_json::to_value(c).unwrap();
            assert_eq!(v["kind"], c.kind(), "{v}");
            assert_eq!(&serde_json::from_value::<Change>(v.clone()).unwrap(), c);
            text.push_str(&v.to_string());
            text.push('\n');
        }
        expect_test::expect_file!["serde_samples.jsonl"].assert_eq(&text);
    }
}

#[cfg(test)]
mod facts {
    /// What every stage knows of each kind of change, pinned: subject,
    /// order rank and tie-break, hazards, the objects it touches, its
    /// words as drift, and its SQL.
    #[test]
    fn facts_of_every_kind() {
        let mut text = String::new();
        for c in super::samples::all() {
            let sql = match crate::render::render_step(c.clone()) {
                Ok(s) => s.sql.join("; "),
                Err(e) => format!("error: {e}"),
            };
            text.push_str(&format!(
                "{} {}\n  rank {} tie {} hazards {:?}\n  keys {}\n  drift {}\n  sql {}\n",
                c.kind(),
                c.subject(),
                crate::plan::order::rank(&c),
                crate::plan::topo::kind_rank(&c),
                crate::plan::hazard::hazards(&c),
                crate::drift::scope::change_keys(&c)
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::drift::scope::describe_drift(&c),
                sql,
            ));
        }
        expect_test::expect_file!["change_facts.txt"].assert_eq(&text);
    }
}
