//! The schema model: plain data, ordered canonically by [`Schema::normalize`].

use super::functions::Function;
use super::security::{Grant, Policy, RowSecurity};
use super::sequences::Sequence;
use super::triggers::Trigger;
use super::types::ColumnType;
use super::usertypes::{CompositeType, Domain};
use super::views::View;
use crate::sql::QualName;
use serde::{Deserialize, Serialize};

/// Everything graft manages for one plugin (or, from introspection, for a set
/// of namespaces).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// Namespaces (PostgreSQL schemas) this schema owns, sorted.
    pub namespaces: Vec<String>,
    /// Extensions required, sorted by name.
    pub extensions: Vec<Extension>,
    /// Enum types, sorted by name.
    pub enums: Vec<EnumType>,
    /// Tables, sorted by name.
    pub tables: Vec<Table>,
    /// Views and materialized views, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
    /// Standalone sequences (not those of identity or serial columns), sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    /// Functions and procedures, sorted by name and input types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
    /// Triggers, sorted by table and name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// Domains, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    /// Composite types, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub composite_types: Vec<CompositeType>,
    /// Privileges on the namespaces, tables, views, columns, sequences and
    /// functions above, for roles other than their owner, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Grant>,
}

/// A PostgreSQL extension.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Extension {
    /// Extension name, e.g. `pgcrypto`.
    pub name: String,
    /// The version (`extversion`), e.g. `1.8`. Declared: `None` accepts any
    /// (the default one on creation); introspected: always set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The namespace of its objects (`extnamespace`). Declared: `None`
    /// accepts any (PostgreSQL's choice on creation); introspected: always set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
}

impl Extension {
    /// An extension at any version, in any namespace.
    pub fn new(name: impl Into<String>) -> Self {
        Extension {
            name: name.into(),
            version: None,
            schema: None,
        }
    }

    /// Whether `live` (as introspected) is what this declaration asks for:
    /// the same name, and the version and namespace where they are declared.
    pub fn satisfied_by(&self, live: &Extension) -> bool {
        self.name == live.name
            && (self.version.is_none() || live.version == self.version)
            && (self.schema.is_none() || live.schema == self.schema)
    }
}

/// The `live` extensions (as introspected) that `declared` names, with the
/// version and namespace left unset where the declaration leaves them
/// unset: what compares equal to the declaration when the database
/// satisfies it (see [`Extension::satisfied_by`]).
pub fn extensions_as_declared(live: &[Extension], declared: &[Extension]) -> Vec<Extension> {
    live.iter()
        .filter_map(|l| {
            let d = declared.iter().find(|d| d.name == l.name)?;
            Some(Extension {
                name: l.name.clone(),
                version: d.version.as_ref().and(l.version.clone()),
                schema: d.schema.as_ref().and(l.schema.clone()),
            })
        })
        .collect()
}

/// An enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// Qualified type name.
    pub name: QualName,
    /// Labels in sort order.
    pub values: Vec<String>,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Qualified table name.
    pub name: QualName,
    /// Rename hint: the table's previous name in the same namespace. Not part
    /// of the snapshot.
    #[serde(skip)]
    pub renamed_from: Option<String>,
    /// `COMMENT ON TABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    /// Foreign keys, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Indexes (not backing a constraint), sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// Row-level security: enabled, forced.
    #[serde(default, skip_serializing_if = "RowSecurity::is_default")]
    pub row_security: RowSecurity,
    /// Row-level security policies, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
}

impl Table {
    /// An empty table.
    pub fn new(name: QualName) -> Self {
        Table {
            name,
            renamed_from: None,
            comment: None,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            row_security: RowSecurity::default(),
            policies: Vec::new(),
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Identity kind of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Rename hint: the column's previous name. Not part of the snapshot.
    #[serde(skip)]
    pub renamed_from: Option<String>,
    /// Canonical type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// `COLLATE`, when it is not the type's default: `pg_catalog."C"`
    /// (see [`crate::model::collation`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<QualName>,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Default expression, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Identity kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Stored generated column expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// A serial column: its `default` is `nextval()` of a sequence the
    /// column owns, created and dropped with it (see
    /// [`crate::model::sequences::serial_sequence`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub serial: bool,
    /// `COMMENT ON COLUMN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Column {
    /// A nullable column of type `ty`.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            renamed_from: None,
            ty,
            collation: None,
            nullable: true,
            default: None,
            identity: None,
            generated: None,
            serial: false,
            comment: None,
        }
    }
}

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint name.
    pub name: String,
    /// Key columns in order.
    pub columns: Vec<String>,
}

/// A unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    /// Constraint name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<String>,
}

/// Referential action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    /// `NO ACTION` (the default).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// Is this the default action?
    pub fn is_default(&self) -> bool {
        *self == FkAction::NoAction
    }
}

/// Deferrability of a constraint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    /// `NOT DEFERRABLE` (the default).
    #[default]
    No,
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    Immediate,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    Deferred,
}

impl Deferrable {
    /// Is this the default?
    pub fn is_default(&self) -> bool {
        *self == Deferrable::No
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Referenced table.
    pub ref_table: QualName,
    /// Referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE` action.
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_delete: FkAction,
    /// `ON UPDATE` action.
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_update: FkAction,
    /// Deferrability.
    #[serde(default, skip_serializing_if = "Deferrable::is_default")]
    pub deferrable: Deferrable,
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Constraint name.
    pub name: String,
    /// Boolean expression, normalised.
    pub expr: String,
}

/// One key of an index: a column or an expression, with its sort order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    /// A column name, or an expression.
    #[serde(flatten)]
    pub target: IndexTarget,
    /// `DESC`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub desc: bool,
    /// `NULLS FIRST` / `NULLS LAST` when it differs from the default for the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
}

/// What an index key indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexTarget {
    /// A column.
    Column(String),
    /// An expression, normalised.
    Expr(String),
}

/// An index that does not back a constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Index name (in the table's namespace).
    pub name: String,
    /// `UNIQUE`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    /// Access method, `btree` by default.
    pub method: String,
    /// Keys in order.
    pub keys: Vec<IndexKey>,
    /// `INCLUDE` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Partial index predicate, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
}

impl Schema {
    /// Sorts every collection into canonical order and applies the model's
    /// normal forms (identity and primary-key columns are NOT NULL; a
    /// `nulls_first` equal to the order's default is dropped; an empty
    /// comment is no comment, as `COMMENT ON … IS ''` removes it). Idempotent.
    pub fn normalize(&mut self) {
        self.namespaces.sort();
        self.namespaces.dedup();
        self.extensions.sort();
        self.extensions.dedup();
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for t in &mut self.tables {
            t.normalize();
        }
        self.views.sort_by(|a, b| a.name.cmp(&b.name));
        for v in &mut self.views {
            v.normalize();
        }
        self.sequences.sort_by(|a, b| a.name.cmp(&b.name));
        for s in &mut self.sequences {
            s.normalize();
        }
        for f in &mut self.functions {
            f.normalize();
        }
        self.functions.sort_by_cached_key(Function::sort_key);
        for t in &mut self.triggers {
            t.normalize();
        }
        self.triggers
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.domains.sort_by(|a, b| a.name.cmp(&b.name));
        for d in &mut self.domains {
            d.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        self.composite_types.sort_by(|a, b| a.name.cmp(&b.name));
        super::security::normalize_grants(&mut self.grants);
    }

    /// The table called `name`.
    pub fn table(&self, name: &QualName) -> Option<&Table> {
        self.tables
            .binary_search_by(|t| t.name.cmp(name))
            .ok()
            .map(|i| &self.tables[i])
    }

    /// The view or materialized view called `name`.
    pub fn view(&self, name: &QualName) -> Option<&View> {
        self.views
            .binary_search_by(|v| v.name.cmp(name))
            .ok()
            .map(|i| &self.views[i])
    }

    /// The enum called `name`.
    pub fn enum_type(&self, name: &QualName) -> Option<&EnumType> {
        self.enums.iter().find(|e| &e.name == name)
    }
}

impl Table {
    /// See [`Schema::normalize`].
    pub fn normalize(&mut self) {
        let pk: Vec<String> = self
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        if self.comment.as_deref() == Some("") {
            self.comment = None;
        }
        for c in &mut self.columns {
            if c.comment.as_deref() == Some("") {
                c.comment = None;
            }
            if c.identity.is_some() || pk.contains(&c.name) {
                c.nullable = false;
            }
            if c.identity.is_some() || c.generated.is_some() {
                c.default = None;
            }
        }
        self.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.policies.sort_by(|a, b| a.name.cmp(&b.name));
        for p in &mut self.policies {
            p.normalize();
        }
        for i in &mut self.indexes {
            for k in &mut i.keys {
                // PostgreSQL's default: NULLS LAST for ASC, NULLS FIRST for DESC.
                if k.nulls_first == Some(k.desc) {
                    k.nulls_first = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;

    #[test]
    fn empty_comments_are_no_comments() {
        let mut t = Table::new(QualName::new("app", "t"));
        t.comment = Some(String::new());
        let mut c = Column::new("a", ColumnType::builtin("integer"));
        c.comment = Some(String::new());
        t.columns.push(c);
        let mut s = Schema {
            namespaces: vec!["app".into()],
            tables: vec![t],
            ..Schema::default()
        };
        s.normalize();
        assert_eq!(s.tables[0].comment, None);
        assert_eq!(s.tables[0].columns[0].comment, None);
    }
}
