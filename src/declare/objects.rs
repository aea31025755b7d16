//! Schema file format v1, the object kinds beyond tables: views and
//! materialized views. Plain serde types mirroring the file (unknown keys
//! are errors), validated by [`super::lower`] like the rest of the file.

use super::file::IndexDecl;
use super::to_file::{index_decl, table_ref};
use crate::model::{CheckOption, Schema};
use serde::{Deserialize, Serialize};

/// A view: `{"name": "open_invoices", "definition": "SELECT …"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewDecl {
    /// View name, unqualified.
    pub name: String,
    /// The query, written as `pg_get_viewdef(oid, true)` prints it back
    /// (names schema-qualified) so that the live view compares equal.
    pub definition: String,
    /// `security_barrier`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_barrier: bool,
    /// `security_invoker`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_invoker: bool,
    /// `"local"` or `"cascaded"`: `WITH … CHECK OPTION`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::file::de_opt_via_str"
    )]
    pub check_option: Option<CheckOption>,
    /// Relations the view reads that its definition does not name (through
    /// a function, say): `name` (the plugin's namespace) or `namespace.name`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// `COMMENT ON VIEW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A materialized view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterializedViewDecl {
    /// Name, unqualified.
    pub name: String,
    /// The query, as for [`ViewDecl::definition`].
    pub definition: String,
    /// Indexes, as on tables (their columns are not checked: the query
    /// decides what columns there are).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexDecl>,
    /// As [`ViewDecl::depends_on`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// `COMMENT ON MATERIALIZED VIEW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A standalone sequence: `{"name": "invoice_no", "start": 1000}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceDecl {
    /// Sequence name, unqualified.
    pub name: String,
    /// `smallint`, `integer` or `bigint` (the default), any spelling.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// `INCREMENT BY` (default 1; negative: descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    /// `MINVALUE` (default 1 ascending, the type's minimum descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    /// `MAXVALUE` (default the type's maximum ascending, -1 descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// `START WITH` (default the minimum ascending, the maximum descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// `CACHE` (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    /// `CYCLE`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
    /// `OWNED BY`: `"table.column"`, a table of the plugin's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<String>,
    /// `COMMENT ON SEQUENCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The sequences of `schema` as the file writes them.
pub(super) fn sequence_decls(schema: &Schema) -> Vec<SequenceDecl> {
    use super::to_file::quote_if_needed;
    schema
        .sequences
        .iter()
        .map(|s| SequenceDecl {
            name: s.name.name.clone(),
            ty: (s.ty != "bigint").then(|| s.ty.clone()),
            increment: (s.increment != 1).then_some(s.increment),
            min_value: s.min_value,
            max_value: s.max_value,
            start: s.start,
            cache: (s.cache != 1).then_some(s.cache),
            cycle: s.cycle,
            owned_by: s.owned_by.as_ref().map(|o| {
                format!(
                    "{}.{}",
                    quote_if_needed(&o.table.name),
                    quote_if_needed(&o.column)
                )
            }),
            comment: s.comment.clone(),
        })
        .collect()
}

/// The views of `schema` as the file writes them (`ns`: the plugin's namespace).
pub(super) fn view_decls(schema: &Schema, ns: &str) -> Vec<ViewDecl> {
    schema
        .views
        .iter()
        .filter(|v| !v.materialized)
        .map(|v| ViewDecl {
            name: v.name.name.clone(),
            definition: v.definition.clone(),
            security_barrier: v.security_barrier,
            security_invoker: v.security_invoker,
            check_option: v.check_option,
            depends_on: v.depends_on.iter().map(|d| table_ref(d, ns)).collect(),
            comment: v.comment.clone(),
        })
        .collect()
}

/// The materialized views of `schema` as the file writes them; index names
/// that are the default are left out when `omit_default_names`.
pub(super) fn materialized_view_decls(
    schema: &Schema,
    ns: &str,
    omit_default_names: bool,
) -> Vec<MaterializedViewDecl> {
    schema
        .views
        .iter()
        .filter(|v| v.materialized)
        .map(|v| MaterializedViewDecl {
            name: v.name.name.clone(),
            definition: v.definition.clone(),
            indexes: v
                .indexes
                .iter()
                .map(|i| index_decl(i, &v.name.name, omit_default_names))
                .collect(),
            depends_on: v.depends_on.iter().map(|d| table_ref(d, ns)).collect(),
            comment: v.comment.clone(),
        })
        .collect()
}
