//! Schema file format v1, the object kinds beyond tables: views and
//! materialized views. Plain serde types mirroring the file (unknown keys
//! are errors), validated by [`super::lower`] like the rest of the file.

use super::file::{de_opt_via_str, de_unique_map, de_via_str, IndexDecl};
use super::to_file::{index_decl, table_ref, type_text};
use crate::model::{
    ArgMode, CheckOption, FunctionKind, Parallel, Returns, Schema, TriggerEnabled, TriggerEvent,
    TriggerTiming, Volatility,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
        deserialize_with = "de_opt_via_str"
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

/// A function or procedure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionDecl {
    /// Name, unqualified.
    pub name: String,
    /// `"function"` (the default) or `"procedure"`.
    #[serde(
        default,
        skip_serializing_if = "FunctionKind::is_function",
        deserialize_with = "de_via_str"
    )]
    pub kind: FunctionKind,
    /// Arguments in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<ArgDecl>,
    /// `RETURNS`: a type, `setof <type>`, `trigger`, `void`, …; may be left
    /// out when `OUT` arguments say it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    /// `RETURNS TABLE (…)` columns, instead of `returns`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns_table: Vec<ReturnColumnDecl>,
    /// `LANGUAGE`: `sql`, `plpgsql`, ….
    pub language: String,
    /// The body: source text, or a SQL-standard body (`RETURN …`, `BEGIN
    /// ATOMIC … END`) when `sql_body`.
    pub body: String,
    /// The body is SQL-standard (`LANGUAGE sql` only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sql_body: bool,
    /// `"volatile"` (default), `"stable"` or `"immutable"`.
    #[serde(
        default,
        skip_serializing_if = "Volatility::is_default",
        deserialize_with = "de_via_str"
    )]
    pub volatility: Volatility,
    /// `STRICT`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// `SECURITY DEFINER`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_definer: bool,
    /// `LEAKPROOF`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leakproof: bool,
    /// `"unsafe"` (default), `"restricted"` or `"safe"`.
    #[serde(
        default,
        skip_serializing_if = "Parallel::is_default",
        deserialize_with = "de_via_str"
    )]
    pub parallel: Parallel,
    /// `SET` clauses: `{"search_path": "app, pg_catalog"}`.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "de_unique_map"
    )]
    pub set: BTreeMap<String, String>,
    /// `COMMENT ON FUNCTION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A function argument.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgDecl {
    /// Name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Type, any spelling (modifiers are dropped, as PostgreSQL does).
    #[serde(rename = "type")]
    pub ty: String,
    /// `"in"` (default), `"out"`, `"inout"` or `"variadic"`.
    #[serde(
        default,
        skip_serializing_if = "ArgMode::is_in",
        deserialize_with = "de_via_str"
    )]
    pub mode: ArgMode,
    /// Default expression, as PostgreSQL prints it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// A `RETURNS TABLE` column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnColumnDecl {
    /// Name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: String,
}

/// `FOR EACH ROW` or `FOR EACH STATEMENT`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForEach {
    /// `FOR EACH STATEMENT` (the default, as in PostgreSQL).
    #[default]
    Statement,
    /// `FOR EACH ROW`.
    Row,
}

impl ForEach {
    fn is_statement(&self) -> bool {
        *self == ForEach::Statement
    }
}

/// A trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerDecl {
    /// Name.
    pub name: String,
    /// The table or view: `name` (the plugin's namespace) or `namespace.name`.
    pub table: String,
    /// `"before"`, `"after"` or `"instead_of"`.
    #[serde(deserialize_with = "de_via_str")]
    pub timing: TriggerTiming,
    /// `"insert"`, `"update"`, `"delete"`, `"truncate"`.
    pub events: Vec<TriggerEvent>,
    /// `UPDATE OF` these columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_of: Vec<String>,
    /// `"row"` or `"statement"` (default).
    #[serde(
        default,
        skip_serializing_if = "ForEach::is_statement",
        deserialize_with = "de_via_str"
    )]
    pub for_each: ForEach,
    /// `WHEN (…)` condition, as PostgreSQL prints it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The trigger function: `name` or `namespace.name`.
    pub function: String,
    /// Arguments to the function (strings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// `REFERENCING OLD TABLE AS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_table: Option<String>,
    /// `REFERENCING NEW TABLE AS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_table: Option<String>,
    /// `"origin"` (default: enabled), `"always"`, `"replica"` or `"disabled"`.
    #[serde(
        default,
        skip_serializing_if = "TriggerEnabled::is_default",
        deserialize_with = "de_via_str"
    )]
    pub enabled: TriggerEnabled,
    /// `COMMENT ON TRIGGER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The functions of `schema` as the file writes them.
pub(super) fn function_decls(schema: &Schema, ns: &str) -> Vec<FunctionDecl> {
    schema
        .functions
        .iter()
        .map(|f| {
            // OUT arguments say the result; write it only when they do not
            let derived = crate::model::functions::derived_returns(&f.args);
            let (returns, returns_table) = match &f.returns {
                None => (None, Vec::new()),
                Some(r) if Some(r) == derived.as_ref() => (None, Vec::new()),
                Some(Returns::Type { ty, setof }) => (
                    Some(format!(
                        "{}{}",
                        if *setof { "setof " } else { "" },
                        type_text(ty, ns)
                    )),
                    Vec::new(),
                ),
                Some(Returns::Table { columns }) => (
                    None,
                    columns
                        .iter()
                        .map(|c| ReturnColumnDecl {
                            name: c.name.clone(),
                            ty: type_text(&c.ty, ns),
                        })
                        .collect(),
                ),
            };
            FunctionDecl {
                name: f.name.name.clone(),
                kind: f.kind,
                args: f
                    .args
                    .iter()
                    .map(|a| ArgDecl {
                        name: a.name.clone(),
                        ty: type_text(&a.ty, ns),
                        mode: a.mode,
                        default: a.default.clone(),
                    })
                    .collect(),
                returns,
                returns_table,
                language: f.language.clone(),
                body: f.body.clone(),
                sql_body: f.sql_body,
                volatility: f.volatility,
                strict: f.strict,
                security_definer: f.security_definer,
                leakproof: f.leakproof,
                parallel: f.parallel,
                set: f
                    .config
                    .iter()
                    .map(|s| (s.name.clone(), s.value.clone()))
                    .collect(),
                comment: f.comment.clone(),
            }
        })
        .collect()
}

/// The triggers of `schema` as the file writes them.
pub(super) fn trigger_decls(schema: &Schema, ns: &str) -> Vec<TriggerDecl> {
    schema
        .triggers
        .iter()
        .map(|t| TriggerDecl {
            name: t.name.clone(),
            table: table_ref(&t.table, ns),
            timing: t.timing,
            events: t.events.clone(),
            update_of: t.update_of.clone(),
            for_each: if t.for_each_row {
                ForEach::Row
            } else {
                ForEach::Statement
            },
            when: t.when.clone(),
            function: table_ref(&t.function, ns),
            args: t.args.clone(),
            old_table: t.old_table.clone(),
            new_table: t.new_table.clone(),
            enabled: t.enabled,
            comment: t.comment.clone(),
        })
        .collect()
}
