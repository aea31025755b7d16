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
