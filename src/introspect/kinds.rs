//! Queries, rows and assembly for the object kinds beyond tables and views:
//! domains, composite types and row-level security policies. They run in the same pipeline as the other
//! catalog queries ([`fetch_kinds`] is one more future of it) and are
//! assembled onto the schema the others built. Pure assembly: catalog
//! surprises are errors, never panics.

use super::rows::{FromRow, Query};
use super::IntrospectError;
use crate::model::{
    Attribute, Check, ColumnType, CompositeType, Domain, Grant, GrantObject, Policy, PolicyCommand,
    Privilege, QualName, Schema,
};
use crate::sql::normalize_expr;
use std::sync::atomic::AtomicUsize;
use tokio_postgres::{Error as PgError, GenericClient, Row};

pub(crate) const DOMAINS: Query = Query {
    name: "domains",
    sql: include_str!("queries/domains.sql"),
    filtered: true,
};
pub(crate) const COMPOSITE_TYPES: Query = Query {
    name: "composite types",
    sql: include_str!("queries/composite_types.sql"),
    filtered: true,
};

pub(crate) const POLICIES: Query = Query {
    name: "policies",
    sql: include_str!("queries/policies.sql"),
    filtered: true,
};

pub(crate) const PRIVILEGES: Query = Query {
    name: "privileges",
    sql: include_str!("queries/privileges.sql"),
    filtered: true,
};

/// The queries of this module, in the order they are issued.
pub(crate) const ALL: [Query; 4] = [DOMAINS, COMPOSITE_TYPES, POLICIES, PRIVILEGES];

/// What the queries of this module returned.
#[derive(Debug, Clone, Default)]
pub(crate) struct KindRows {
    pub domains: Vec<DomainRow>,
    pub composites: Vec<CompositeRow>,
    pub policies: Vec<PolicyRow>,
    pub privileges: Vec<PrivilegeRow>,
}

/// Issues this module's queries, pipelined after those before it (each
/// writes its request on its first poll, in this order).
pub(super) async fn fetch_kinds<C>(
    c: &C,
    namespaces: &[String],
    count: &AtomicUsize,
) -> Result<KindRows, IntrospectError>
where
    C: GenericClient + Sync,
{
    let (domains, composites, policies, privileges) = tokio::try_join!(
        biased;
        super::fetch(c, DOMAINS, namespaces, count),
        super::fetch(c, COMPOSITE_TYPES, namespaces, count),
        super::fetch(c, POLICIES, namespaces, count),
        super::fetch(c, PRIVILEGES, namespaces, count),
    )?;
    Ok(KindRows {
        domains,
        composites,
        policies,
        privileges,
    })
}

/// `domains.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DomainRow {
    pub schema: String,
    pub name: String,
    /// `format_type(typbasetype, typtypmod)`.
    pub base_text: String,
    pub base_schema: String,
    pub base_name: String,
    pub base_is_array: bool,
    pub collation_schema: Option<String>,
    pub collation_name: Option<String>,
    pub not_null: bool,
    pub default_expr: Option<String>,
    pub check_names: Vec<String>,
    pub check_exprs: Vec<Option<String>>,
}

impl FromRow for DomainRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(DomainRow {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            base_text: row.try_get("base_text")?,
            base_schema: row.try_get("base_schema")?,
            base_name: row.try_get("base_name")?,
            base_is_array: row.try_get("base_is_array")?,
            collation_schema: row.try_get("collation_schema")?,
            collation_name: row.try_get("collation_name")?,
            not_null: row.try_get("not_null")?,
            default_expr: row.try_get("default_expr")?,
            check_names: row.try_get("check_names")?,
            check_exprs: row.try_get("check_exprs")?,
        })
    }
}

/// `composite_types.sql`: one row per attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompositeRow {
    pub schema: String,
    pub name: String,
    /// `None` (and the rest too) for a type without attributes.
    pub attr_name: Option<String>,
    pub type_text: Option<String>,
    pub type_schema: Option<String>,
    pub type_name: Option<String>,
    pub is_array: Option<bool>,
    pub collation_schema: Option<String>,
    pub collation_name: Option<String>,
}

impl FromRow for CompositeRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(CompositeRow {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            attr_name: row.try_get("attr_name")?,
            type_text: row.try_get("type_text")?,
            type_schema: row.try_get("type_schema")?,
            type_name: row.try_get("type_name")?,
            is_array: row.try_get("is_array")?,
            collation_schema: row.try_get("collation_schema")?,
            collation_name: row.try_get("collation_name")?,
        })
    }
}

/// `policies.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyRow {
    pub schema: String,
    pub table_name: String,
    pub name: String,
    pub permissive: bool,
    /// `polcmd`: `*`, `r`, `a`, `w` or `d`.
    pub command: String,
    pub roles: Vec<String>,
    pub using_expr: Option<String>,
    pub check_expr: Option<String>,
}

impl FromRow for PolicyRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(PolicyRow {
            schema: row.try_get("schema")?,
            table_name: row.try_get("table_name")?,
            name: row.try_get("name")?,
            permissive: row.try_get("permissive")?,
            command: row.try_get("command")?,
            roles: row.try_get("roles")?,
            using_expr: row.try_get("using_expr")?,
            check_expr: row.try_get("check_expr")?,
        })
    }
}

/// `privileges.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrivilegeRow {
    /// `namespace`, `table`, `column`, `sequence` or `function`.
    pub kind: String,
    pub schema: String,
    pub name: Option<String>,
    pub column_name: Option<String>,
    pub arg_texts: Option<Vec<String>>,
    pub arg_schemas: Option<Vec<String>>,
    pub arg_type_names: Option<Vec<String>>,
    pub arg_is_array: Option<Vec<bool>>,
    pub grantee: String,
    pub privilege: String,
    pub grant_option: bool,
}

impl FromRow for PrivilegeRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(PrivilegeRow {
            kind: row.try_get("kind")?,
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            column_name: row.try_get("column_name")?,
            arg_texts: row.try_get("arg_texts")?,
            arg_schemas: row.try_get("arg_schemas")?,
            arg_type_names: row.try_get("arg_type_names")?,
            arg_is_array: row.try_get("arg_is_array")?,
            grantee: row.try_get("grantee")?,
            privilege: row.try_get("privilege")?,
            grant_option: row.try_get("grant_option")?,
        })
    }
}

fn unexpected(what: impl Into<String>, value: impl ToString) -> IntrospectError {
    IntrospectError::Unexpected {
        what: what.into(),
        value: value.to_string(),
    }
}

/// One ACL entry.
fn grant(r: PrivilegeRow) -> Result<Grant, IntrospectError> {
    let what = || format!("{} of {} `{}`", r.privilege, r.kind, r.schema);
    let name = |n: Option<String>| {
        n.ok_or_else(|| unexpected(format!("privilege row without a name ({})", what()), "NULL"))
    };
    let on = match r.kind.as_str() {
        "namespace" => GrantObject::Namespace {
            name: r.schema.clone(),
        },
        "table" => GrantObject::Table {
            name: QualName::new(r.schema.clone(), name(r.name.clone())?),
        },
        "sequence" => GrantObject::Sequence {
            name: QualName::new(r.schema.clone(), name(r.name.clone())?),
        },
        "column" => GrantObject::Column {
            table: QualName::new(r.schema.clone(), name(r.name.clone())?),
            column: name(r.column_name.clone())?,
        },
        "function" => {
            let (Some(t), Some(s), Some(n), Some(a)) = (
                r.arg_texts.clone(),
                r.arg_schemas.clone(),
                r.arg_type_names.clone(),
                r.arg_is_array.clone(),
            ) else {
                return Err(unexpected(format!("arguments of {}", what()), "NULL"));
            };
            if [s.len(), n.len(), a.len()].iter().any(|l| *l != t.len()) {
                return Err(unexpected(
                    format!("argument arrays of {}", what()),
                    format!("{} / {} / {} / {}", t.len(), s.len(), n.len(), a.len()),
                ));
            }
            let args = t
                .into_iter()
                .zip(s)
                .zip(n)
                .zip(a)
                .map(|(((t, s), n), a)| type_of(t, s, n, a))
                .collect();
            GrantObject::Function {
                name: QualName::new(r.schema.clone(), name(r.name.clone())?),
                args,
            }
        }
        other => return Err(unexpected("kind of a privilege row", other)),
    };
    let Some(privilege) = Privilege::parse(&r.privilege) else {
        return Err(unexpected(format!("privilege on {on}"), r.privilege));
    };
    Ok(Grant {
        on,
        grantee: r.grantee,
        privilege,
        grant_option: r.grant_option,
    })
}

/// Drops the grants on objects the schema does not hold (see
/// `privileges.sql`).
fn keep_modelled_grants(schema: &mut Schema) {
    use std::collections::HashSet;
    let relations: HashSet<&QualName> = schema
        .tables
        .iter()
        .map(|t| &t.name)
        .chain(schema.views.iter().map(|v| &v.name))
        .collect();
    let columns: HashSet<(&QualName, &str)> = schema
        .tables
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (&t.name, c.name.as_str())))
        .collect();
    let sequences: HashSet<&QualName> = schema.sequences.iter().map(|s| &s.name).collect();
    let functions: HashSet<GrantObject> =
        schema.functions.iter().map(GrantObject::function).collect();
    let namespaces: HashSet<&String> = schema.namespaces.iter().collect();
    let keep: Vec<bool> = schema
        .grants
        .iter()
        .map(|g| match &g.on {
            GrantObject::Namespace { name } => namespaces.contains(name),
            GrantObject::Table { name } => relations.contains(name),
            GrantObject::Column { table, column } => columns.contains(&(table, column.as_str())),
            GrantObject::Sequence { name } => sequences.contains(name),
            f @ GrantObject::Function { .. } => functions.contains(f),
        })
        .collect();
    let mut i = 0;
    schema.grants.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// A type as columns are read: `pg_catalog` types by `format_type()`'s
/// text, any other by its element type's namespace and name.
fn type_of(text: String, schema: String, name: String, is_array: bool) -> ColumnType {
    if schema == "pg_catalog" {
        ColumnType::builtin(text)
    } else {
        ColumnType::named(QualName::new(schema, name), is_array)
    }
}

fn collation(schema: Option<String>, name: Option<String>) -> Option<QualName> {
    match (schema, name) {
        (Some(s), Some(n)) => Some(QualName::new(s, n)),
        _ => None,
    }
}

/// Adds the kinds of this module to `schema` (which is normalised after;
/// its tables are sorted by name already).
pub(crate) fn assemble_kinds(rows: KindRows, schema: &mut Schema) -> Result<(), IntrospectError> {
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    for r in rows.policies {
        let table = QualName::new(r.schema, r.table_name);
        let command = match r.command.as_str() {
            "*" => PolicyCommand::All,
            "r" => PolicyCommand::Select,
            "a" => PolicyCommand::Insert,
            "w" => PolicyCommand::Update,
            "d" => PolicyCommand::Delete,
            other => {
                return Err(unexpected(
                    format!("polcmd of policy `{}` on `{table}`", r.name),
                    other,
                ))
            }
        };
        let Ok(i) = schema.tables.binary_search_by(|t| t.name.cmp(&table)) else {
            return Err(unexpected(
                "policy of a table missing from the `tables` query (concurrent DDL?); table",
                table,
            ));
        };
        let mut p = Policy::new(r.name);
        p.restrictive = !r.permissive;
        p.command = command;
        p.roles = r.roles;
        p.using = r.using_expr.as_deref().map(normalize_expr);
        p.with_check = r.check_expr.as_deref().map(normalize_expr);
        schema.tables[i].policies.push(p);
    }
    for r in rows.domains {
        let name = QualName::new(r.schema, r.name);
        if r.check_names.len() != r.check_exprs.len() {
            return Err(unexpected(
                format!("check constraints of domain `{name}` (names / expressions)"),
                format!("{} / {}", r.check_names.len(), r.check_exprs.len()),
            ));
        }
        let mut d = Domain::new(
            name,
            type_of(r.base_text, r.base_schema, r.base_name, r.base_is_array),
        );
        d.collation = collation(r.collation_schema, r.collation_name);
        d.not_null = r.not_null;
        d.default = r.default_expr.as_deref().map(normalize_expr);
        for (n, e) in r.check_names.into_iter().zip(r.check_exprs) {
            let Some(e) = e else {
                return Err(unexpected(
                    format!("check `{n}` of domain `{}` without an expression", d.name),
                    "NULL",
                ));
            };
            d.checks.push(Check {
                name: n,
                expr: normalize_expr(&e),
            });
        }
        schema.domains.push(d);
    }
    for r in rows.privileges {
        schema.grants.push(grant(r)?);
    }
    // Rows come sorted by type, then attnum.
    for r in rows.composites {
        let name = QualName::new(r.schema, r.name);
        if !matches!(schema.composite_types.last(), Some(c) if c.name == name) {
            schema.composite_types.push(CompositeType {
                name: name.clone(),
                attributes: Vec::new(),
            });
        }
        let Some(attr) = r.attr_name else { continue };
        let (Some(text), Some(ts), Some(tn), Some(arr)) =
            (r.type_text, r.type_schema, r.type_name, r.is_array)
        else {
            return Err(unexpected(
                format!("type of attribute `{attr}` of composite type `{name}`"),
                "NULL",
            ));
        };
        let mut a = Attribute::new(attr, type_of(text, ts, tn, arr));
        a.collation = collation(r.collation_schema, r.collation_name);
        if let Some(c) = schema.composite_types.last_mut() {
            c.attributes.push(a);
        }
    }
    keep_modelled_grants(schema);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(name: &str) -> DomainRow {
        DomainRow {
            schema: "s".into(),
            name: name.into(),
            base_text: "integer".into(),
            base_schema: "pg_catalog".into(),
            base_name: "int4".into(),
            base_is_array: false,
            collation_schema: None,
            collation_name: None,
            not_null: true,
            default_expr: Some(" 1 ".into()),
            check_names: vec!["a".into()],
            check_exprs: vec![Some("(VALUE > 0)".into())],
        }
    }

    fn attr(ty: &str, attr: Option<&str>) -> CompositeRow {
        CompositeRow {
            schema: "s".into(),
            name: ty.into(),
            attr_name: attr.map(Into::into),
            type_text: attr.map(|_| "s.e[]".into()),
            type_schema: attr.map(|_| "s".into()),
            type_name: attr.map(|_| "e".into()),
            is_array: attr.map(|_| true),
            collation_schema: None,
            collation_name: None,
        }
    }

    #[test]
    fn assembles_domains_and_composites() {
        let mut s = Schema::default();
        assemble_kinds(
            KindRows {
                domains: vec![domain("d")],
                composites: vec![
                    attr("c", Some("x")),
                    attr("c", Some("y")),
                    attr("empty", None),
                ],
                policies: vec![],
                privileges: vec![],
            },
            &mut s,
        )
        .unwrap();
        let d = &s.domains[0];
        assert_eq!(d.base, ColumnType::builtin("integer"));
        assert_eq!(d.default.as_deref(), Some("1"));
        assert!(d.not_null);
        assert_eq!(d.checks[0].expr, "(VALUE > 0)");
        assert_eq!(s.composite_types.len(), 2);
        assert_eq!(s.composite_types[0].attributes.len(), 2);
        assert_eq!(
            s.composite_types[0].attributes[1].ty,
            ColumnType::named(QualName::new("s", "e"), true)
        );
        assert!(s.composite_types[1].attributes.is_empty());
    }

    #[test]
    fn surprises_are_errors() {
        let mut d = domain("d");
        d.check_exprs.push(None);
        let e = assemble_kinds(
            KindRows {
                domains: vec![d],
                ..KindRows::default()
            },
            &mut Schema::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("check constraints of domain `s.d`"),
            "{e}"
        );
        let mut a = attr("c", Some("x"));
        a.type_name = None;
        let e = assemble_kinds(
            KindRows {
                composites: vec![a],
                ..KindRows::default()
            },
            &mut Schema::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("attribute `x` of composite type `s.c`"),
            "{e}"
        );
    }
}
