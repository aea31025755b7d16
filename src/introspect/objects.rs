//! Rows and assembly for the object kinds beyond tables: views and
//! materialized views (`queries/views.sql`), sequences
//! (`queries/sequences.sql`). Pure, like
//! [`super::assemble`]: catalog surprises are errors, never panics.

use super::rows::FromRow;
use super::IntrospectError;
use crate::model::{CheckOption, QualName, Sequence, SequenceOwner, Table, View};
use std::collections::HashMap;
use tokio_postgres::{Error as PgError, Row};

fn unexpected(what: impl Into<String>, value: impl ToString) -> IntrospectError {
    IntrospectError::Unexpected {
        what: what.into(),
        value: value.to_string(),
    }
}

/// `views.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ViewRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    /// `relkind`: `v` or `m`.
    pub kind: String,
    /// `pg_get_viewdef(oid, true)`.
    pub definition: Option<String>,
    /// `reloptions`: `security_barrier=true`, `check_option=local`, ….
    pub options: Option<Vec<String>>,
    pub comment: Option<String>,
    /// Namespaces of the relations the view's rule depends on.
    pub dep_schemas: Vec<String>,
    /// Their names, in the same order.
    pub dep_names: Vec<String>,
}

impl FromRow for ViewRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(ViewRow {
            oid: row.try_get("oid")?,
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            kind: row.try_get("kind")?,
            definition: row.try_get("definition")?,
            options: row.try_get("options")?,
            comment: row.try_get("comment")?,
            dep_schemas: row.try_get("dep_schemas")?,
            dep_names: row.try_get("dep_names")?,
        })
    }
}

/// The views, and their position by oid (for their indexes).
pub(super) fn views(
    rows: Vec<ViewRow>,
) -> Result<(Vec<View>, HashMap<u32, usize>), IntrospectError> {
    let mut out = Vec::with_capacity(rows.len());
    let mut by_oid = HashMap::with_capacity(rows.len());
    for r in rows {
        let name = QualName::new(r.schema, r.name);
        let materialized = match r.kind.as_str() {
            "v" => false,
            "m" => true,
            other => return Err(unexpected(format!("relkind of view `{name}`"), other)),
        };
        let Some(definition) = r.definition else {
            return Err(unexpected(
                format!("view `{name}` without a definition"),
                "NULL",
            ));
        };
        let mut v = View::new(name, definition);
        v.materialized = materialized;
        for opt in r.options.unwrap_or_default() {
            let (key, value) = opt.split_once('=').unwrap_or((opt.as_str(), ""));
            let flag = || match value {
                "true" | "on" | "1" | "yes" => Ok(true),
                "false" | "off" | "0" | "no" => Ok(false),
                other => Err(unexpected(
                    format!("option `{key}` of view `{}`", v.name),
                    other,
                )),
            };
            match key {
                "security_barrier" => v.security_barrier = flag()?,
                "security_invoker" => v.security_invoker = flag()?,
                "check_option" => {
                    v.check_option = Some(match value {
                        "local" => CheckOption::Local,
                        "cascaded" => CheckOption::Cascaded,
                        other => {
                            return Err(unexpected(
                                format!("check_option of view `{}`", v.name),
                                other,
                            ))
                        }
                    })
                }
                // Storage parameters of materialized views (fillfactor, …)
                // are not modelled.
                _ if materialized => {}
                other => return Err(unexpected(format!("option of view `{}`", v.name), other)),
            }
        }
        if r.dep_schemas.len() != r.dep_names.len() {
            return Err(unexpected(
                format!("dependency lists of view `{}` (schemas / names)", v.name),
                format!("{} / {}", r.dep_schemas.len(), r.dep_names.len()),
            ));
        }
        v.depends_on = r
            .dep_schemas
            .into_iter()
            .zip(r.dep_names)
            .map(|(s, n)| QualName::new(s, n))
            .collect();
        v.comment = r.comment;
        if by_oid.insert(r.oid, out.len()).is_some() {
            return Err(unexpected("duplicate view oid", r.oid));
        }
        out.push(v);
    }
    Ok((out, by_oid))
}

/// `sequences.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SequenceRow {
    pub schema: String,
    pub name: String,
    /// `format_type(seqtypid, NULL)`.
    pub ty: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
    pub comment: Option<String>,
    /// The owning table (`OWNED BY`), if any.
    pub owner_oid: Option<u32>,
    pub owner_schema: Option<String>,
    pub owner_table: Option<String>,
    pub owner_column: Option<String>,
    /// The owner column's default draws from this sequence.
    pub serial: bool,
}

impl FromRow for SequenceRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(SequenceRow {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            ty: row.try_get("type")?,
            start: row.try_get("start")?,
            increment: row.try_get("increment")?,
            min_value: row.try_get("min_value")?,
            max_value: row.try_get("max_value")?,
            cache: row.try_get("cache")?,
            cycle: row.try_get("cycle")?,
            comment: row.try_get("comment")?,
            owner_oid: row.try_get("owner_oid")?,
            owner_schema: row.try_get("owner_schema")?,
            owner_table: row.try_get("owner_table")?,
            owner_column: row.try_get("owner_column")?,
            serial: row.try_get("serial")?,
        })
    }
}

/// The standalone sequences. A serial sequence (owned by a column of an
/// introspected table whose default draws from it) marks that column
/// `serial` instead.
pub(super) fn sequences(
    rows: Vec<SequenceRow>,
    tables: &mut [Table],
    tables_by_oid: &HashMap<u32, usize>,
) -> Result<Vec<Sequence>, IntrospectError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let name = QualName::new(r.schema, r.name);
        if r.serial {
            let column = r
                .owner_oid
                .and_then(|o| tables_by_oid.get(&o))
                .and_then(|&t| {
                    let col = r.owner_column.as_deref()?;
                    tables[t].columns.iter_mut().find(|c| c.name == col)
                });
            if let Some(c) = column {
                c.serial = true;
                continue;
            }
        }
        if !matches!(r.ty.as_str(), "smallint" | "integer" | "bigint") {
            return Err(unexpected(format!("type of sequence `{name}`"), r.ty));
        }
        let mut s = Sequence::new(name);
        s.ty = r.ty;
        s.increment = r.increment;
        s.min_value = Some(r.min_value);
        s.max_value = Some(r.max_value);
        s.start = Some(r.start);
        s.cache = r.cache;
        s.cycle = r.cycle;
        s.comment = r.comment;
        s.owned_by = match (r.owner_schema, r.owner_table, r.owner_column) {
            (Some(schema), Some(table), Some(column)) => Some(SequenceOwner {
                table: QualName::new(schema, table),
                column,
            }),
            (None, None, None) => None,
            other => {
                return Err(unexpected(
                    format!("owner of sequence `{}`", s.name),
                    format!("{other:?}"),
                ))
            }
        };
        s.normalize();
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, options: &[&str]) -> ViewRow {
        ViewRow {
            oid: 1,
            schema: "app".into(),
            name: "v".into(),
            kind: kind.into(),
            definition: Some(" SELECT t.id\n   FROM app.t;".into()),
            options: Some(options.iter().map(|s| s.to_string()).collect()),
            comment: None,
            dep_schemas: vec!["app".into(), "app".into()],
            dep_names: vec!["t".into(), "u".into()],
        }
    }

    #[test]
    fn options_and_dependencies() {
        let (v, _) = views(vec![row(
            "v",
            &["security_barrier=true", "check_option=cascaded"],
        )])
        .unwrap();
        let mut v = v.into_iter().next().unwrap();
        v.normalize();
        assert_eq!(v.definition, "SELECT t.id FROM app.t");
        assert!(v.security_barrier);
        assert_eq!(v.check_option, Some(CheckOption::Cascaded));
        // t is named by the definition; u is not
        assert_eq!(v.depends_on, [QualName::new("app", "u")]);
    }

    #[test]
    fn surprises_are_errors() {
        assert!(views(vec![row("x", &[])]).is_err());
        assert!(views(vec![row("v", &["check_option=sideways"])]).is_err());
        assert!(views(vec![row("v", &["fillfactor=50"])]).is_err());
        assert!(views(vec![row("m", &["fillfactor=50"])]).is_ok());
        let mut r = row("v", &[]);
        r.dep_names.pop();
        assert!(views(vec![r]).is_err());
    }
}
