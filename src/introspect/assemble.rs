//! Catalog rows → [`Schema`]. Pure: no connection, no panics. Rows are
//! attached to their table through one `HashMap<oid, index>` built up front.

use super::rows::{CatalogRows, ColumnRow, ConstraintRow, IndexRow};
use super::IntrospectError;
use crate::model::{
    Check, Column, ColumnType, Deferrable, EnumType, Extension, FkAction, ForeignKey, Identity,
    Index, IndexKey, IndexTarget, PrimaryKey, QualName, Schema, Table, Unique,
};
use crate::sql::normalize_expr;
use std::collections::HashMap;

/// `indoption` bit: the key sorts descending.
const INDOPTION_DESC: i16 = 0x0001;
/// `indoption` bit: NULLs sort first.
const INDOPTION_NULLS_FIRST: i16 = 0x0002;

/// Builds the normalised schema from the rows of one snapshot.
pub(crate) fn assemble(rows: CatalogRows) -> Result<Schema, IntrospectError> {
    let CatalogRows {
        namespaces,
        tables: table_rows,
        columns,
        constraints,
        indexes,
        enums,
        extensions,
        views: view_rows,
        sequences: sequence_rows,
        functions: function_rows,
        triggers: trigger_rows,
        kinds,
    } = rows;

    let mut tables = Vec::with_capacity(table_rows.len());
    let mut by_oid: HashMap<u32, usize> = HashMap::with_capacity(table_rows.len());
    for t in table_rows {
        if by_oid.insert(t.oid, tables.len()).is_some() {
            return Err(unexpected("duplicate table oid", t.oid));
        }
        let mut table = Table::new(QualName::new(t.schema, t.name));
        table.comment = t.comment;
        table.row_security = crate::model::RowSecurity {
            enabled: t.row_security,
            forced: t.force_row_security,
        };
        tables.push(table);
    }
    for c in columns {
        let table = table_mut(&mut tables, &by_oid, c.table_oid, "column")?;
        let column = column(&table.name, c)?;
        table.columns.push(column);
    }
    for c in constraints {
        let table = table_mut(&mut tables, &by_oid, c.table_oid, "constraint")?;
        push_constraint(table, c)?;
    }
    let (mut views, view_by_oid) = super::objects::views(view_rows)?;
    let sequences = super::objects::sequences(sequence_rows, &mut tables, &by_oid)?;
    let functions = super::objects::functions(function_rows)?;
    let triggers = super::objects::triggers(trigger_rows)?;
    for i in indexes {
        if let Some(&v) = view_by_oid.get(&i.table_oid) {
            let index = index(&views[v].name, i)?;
            views[v].indexes.push(index);
            continue;
        }
        let table = table_mut(&mut tables, &by_oid, i.table_oid, "index")?;
        let index = index(&table.name, i)?;
        table.indexes.push(index);
    }

    let mut schema = Schema {
        namespaces: namespaces.into_iter().map(|n| n.name).collect(),
        extensions: extensions
            .into_iter()
            .map(|e| Extension {
                name: e.name,
                version: Some(e.version),
                schema: Some(e.schema),
            })
            .collect(),
        enums: enums
            .into_iter()
            .map(|e| EnumType {
                name: QualName::new(e.schema, e.name),
                values: e.labels,
            })
            .collect(),
        tables,
        views,
        sequences,
        functions,
        triggers,
        ..Schema::default()
    };
    super::kinds::assemble_kinds(kinds, &mut schema)?;
    schema.normalize();
    Ok(schema)
}

/// The table with catalog oid `oid`; a row for any other table is an error.
fn table_mut<'a>(
    tables: &'a mut [Table],
    by_oid: &HashMap<u32, usize>,
    oid: u32,
    what: &str,
) -> Result<&'a mut Table, IntrospectError> {
    match by_oid.get(&oid) {
        Some(&i) => Ok(&mut tables[i]),
        None => Err(unexpected(
            format!(
                "{what} of a table missing from the `tables` query \
                 (concurrent DDL outside a consistent snapshot?); table oid"
            ),
            oid,
        )),
    }
}

fn unexpected(what: impl Into<String>, value: impl ToString) -> IntrospectError {
    IntrospectError::Unexpected {
        what: what.into(),
        value: value.to_string(),
    }
}

/// One column. Types in `pg_catalog` keep `format_type()`'s text; any other
/// type is named by its element type's namespace and `typname`.
fn column(table: &QualName, c: ColumnRow) -> Result<Column, IntrospectError> {
    let ty = if c.type_schema == "pg_catalog" {
        ColumnType::builtin(c.type_text)
    } else {
        ColumnType::named(QualName::new(c.type_schema, c.type_name), c.is_array)
    };
    let identity = match c.identity.as_str() {
        "" => None,
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        other => {
            return Err(unexpected(
                format!("attidentity of column `{table}.{}`", c.name),
                other,
            ))
        }
    };
    let expr = c.default_expr.as_deref().map(normalize_expr);
    let (default, generated) = match c.generated.as_str() {
        "" => (expr, None),
        "s" => match expr {
            Some(e) => (None, Some(e)),
            None => {
                return Err(unexpected(
                    format!(
                        "generated column `{table}.{}` without an expression; attgenerated",
                        c.name
                    ),
                    "s",
                ))
            }
        },
        other => {
            return Err(unexpected(
                format!("attgenerated of column `{table}.{}`", c.name),
                other,
            ))
        }
    };
    let mut column = Column::new(c.name, ty);
    column.collation = match (c.collation_schema, c.collation_name) {
        (Some(schema), Some(name)) => Some(QualName::new(schema, name)),
        _ => None,
    };
    column.nullable = !c.not_null;
    // Identity columns have no default in the model (nor in pg_attrdef).
    column.default = if identity.is_some() { None } else { default };
    column.identity = identity;
    column.generated = generated;
    column.comment = c.comment;
    Ok(column)
}

fn fk_action(
    table: &QualName,
    con: &str,
    which: &str,
    code: &str,
) -> Result<FkAction, IntrospectError> {
    Ok(match code {
        "a" => FkAction::NoAction,
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        other => {
            return Err(unexpected(
                format!("{which} of foreign key `{con}` on `{table}`"),
                other,
            ))
        }
    })
}

/// Column names of a constraint, every one resolved.
fn names(
    table: &QualName,
    con: &str,
    which: &str,
    names: Vec<Option<String>>,
) -> Result<Vec<String>, IntrospectError> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            n.ok_or_else(|| {
                unexpected(
                    format!("unresolved {which} of constraint `{con}` on `{table}` at position"),
                    i + 1,
                )
            })
        })
        .collect()
}

fn push_constraint(table: &mut Table, c: ConstraintRow) -> Result<(), IntrospectError> {
    let columns = names(&table.name, &c.name, "column", c.columns)?;
    match c.kind.as_str() {
        "p" => {
            if let Some(pk) = &table.primary_key {
                return Err(unexpected(
                    format!(
                        "second primary key on `{}` (the first is `{}`)",
                        table.name, pk.name
                    ),
                    c.name,
                ));
            }
            table.primary_key = Some(PrimaryKey {
                name: c.name,
                columns,
            });
        }
        "u" => table.uniques.push(Unique {
            name: c.name,
            columns,
        }),
        "f" => {
            let (Some(ref_schema), Some(ref_table)) = (c.ref_schema, c.ref_table) else {
                return Err(unexpected(
                    format!(
                        "foreign key on `{}` whose referenced table is missing",
                        table.name
                    ),
                    c.name,
                ));
            };
            let on_delete = fk_action(&table.name, &c.name, "ON DELETE", &c.on_delete)?;
            let on_update = fk_action(&table.name, &c.name, "ON UPDATE", &c.on_update)?;
            let deferrable = match (c.deferrable, c.deferred) {
                (false, false) => Deferrable::No,
                (true, false) => Deferrable::Immediate,
                (true, true) => Deferrable::Deferred,
                (false, true) => {
                    return Err(unexpected(
                        format!(
                            "foreign key `{}` on `{}` initially deferred but not deferrable",
                            c.name, table.name
                        ),
                        "condeferred",
                    ))
                }
            };
            let ref_columns = names(&table.name, &c.name, "referenced column", c.ref_columns)?;
            table.foreign_keys.push(ForeignKey {
                name: c.name,
                columns,
                ref_table: QualName::new(ref_schema, ref_table),
                ref_columns,
                on_delete,
                on_update,
                deferrable,
            });
        }
        "c" => {
            let Some(expr) = c.check_expr else {
                return Err(unexpected(
                    format!("check constraint on `{}` without an expression", table.name),
                    c.name,
                ));
            };
            table.checks.push(Check {
                name: c.name,
                expr: normalize_expr(&expr),
            });
        }
        other => {
            return Err(unexpected(
                format!("contype of constraint `{}` on `{}`", c.name, table.name),
                other,
            ))
        }
    }
    Ok(())
}

fn index(table: &QualName, i: IndexRow) -> Result<Index, IntrospectError> {
    let bad = |what: &str, value: String| {
        unexpected(format!("{what} of index `{}` on `{table}`", i.name), value)
    };
    let key_count = usize::try_from(i.key_count)
        .ok()
        .filter(|&k| k <= i.attnums.len())
        .ok_or_else(|| bad("indnkeyatts", i.key_count.to_string()))?;
    if i.targets.len() != i.attnums.len() || i.options.len() < key_count {
        return Err(bad(
            "shape (indkey / indoption / targets lengths)",
            format!(
                "{} / {} / {}",
                i.attnums.len(),
                i.options.len(),
                i.targets.len()
            ),
        ));
    }
    let mut keys = Vec::with_capacity(key_count);
    let mut include = Vec::with_capacity(i.attnums.len() - key_count);
    for (pos, (&attnum, target)) in i.attnums.iter().zip(&i.targets).enumerate() {
        let Some(target) = target else {
            return Err(bad(
                "unresolved key",
                format!("position {} (attnum {attnum})", pos + 1),
            ));
        };
        if pos < key_count {
            let option = i.options[pos];
            keys.push(IndexKey {
                target: if attnum == 0 {
                    IndexTarget::Expr(normalize_expr(target))
                } else {
                    IndexTarget::Column(target.clone())
                },
                desc: option & INDOPTION_DESC != 0,
                nulls_first: Some(option & INDOPTION_NULLS_FIRST != 0),
            });
        } else if attnum == 0 {
            return Err(bad("expression in INCLUDE", target.clone()));
        } else {
            include.push(target.clone());
        }
    }
    Ok(Index {
        name: i.name,
        unique: i.is_unique,
        method: i.method,
        keys,
        include,
        predicate: i.predicate.as_deref().map(normalize_expr),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::introspect::rows::{EnumRow, ExtensionRow, NamespaceRow, TableRow};

    fn col(oid: u32, name: &str, ty: &str) -> ColumnRow {
        ColumnRow {
            table_oid: oid,
            name: name.into(),
            type_text: ty.into(),
            type_schema: "pg_catalog".into(),
            type_name: ty.into(),
            is_array: false,
            not_null: false,
            default_expr: None,
            identity: String::new(),
            generated: String::new(),
            comment: None,
            collation_schema: None,
            collation_name: None,
        }
    }

    fn con(oid: u32, name: &str, kind: &str, columns: &[&str]) -> ConstraintRow {
        ConstraintRow {
            table_oid: oid,
            name: name.into(),
            kind: kind.into(),
            columns: columns.iter().map(|s| Some(s.to_string())).collect(),
            ref_schema: None,
            ref_table: None,
            ref_columns: vec![],
            on_delete: " ".into(),
            on_update: " ".into(),
            deferrable: false,
            deferred: false,
            check_expr: None,
        }
    }

    fn base() -> CatalogRows {
        CatalogRows {
            namespaces: vec![
                NamespaceRow { name: "b".into() },
                NamespaceRow { name: "a".into() },
            ],
            tables: vec![
                TableRow {
                    oid: 20,
                    schema: "b".into(),
                    name: "t".into(),
                    comment: Some("c".into()),
                    row_security: false,
                    force_row_security: false,
                },
                TableRow {
                    oid: 10,
                    schema: "a".into(),
                    name: "u".into(),
                    comment: None,
                    row_security: true,
                    force_row_security: false,
                },
            ],
            enums: vec![EnumRow {
                schema: "b".into(),
                name: "st".into(),
                labels: vec!["z".into(), "a".into()],
            }],
            extensions: vec![ExtensionRow {
                name: "pgcrypto".into(),
                version: "1.3".into(),
                schema: "public".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn assembles_and_normalizes() {
        let mut rows = base();
        let mut id = col(20, "id", "bigint");
        id.identity = "a".into();
        id.not_null = true;
        let mut st = col(20, "st", "b.st[]");
        st.type_schema = "b".into();
        st.type_name = "st".into();
        st.is_array = true;
        st.default_expr = Some("  '{}'::b.st[] ".into());
        let mut g = col(20, "g", "numeric");
        g.generated = "s".into();
        g.default_expr = Some("(x * (2)::numeric)".into());
        rows.columns = vec![id, st, g, col(10, "k", "integer[]")];
        let mut fk = con(10, "fk", "f", &["k"]);
        fk.ref_schema = Some("b".into());
        fk.ref_table = Some("t".into());
        fk.ref_columns = vec![Some("id".into())];
        fk.on_delete = "c".into();
        fk.on_update = "a".into();
        fk.deferrable = true;
        fk.deferred = true;
        let mut ck = con(20, "ck", "c", &["g"]);
        ck.check_expr = Some("(g >= (0)::numeric)".into());
        rows.constraints = vec![
            con(20, "t_pkey", "p", &["id"]),
            con(20, "u2", "u", &["st", "g"]),
            fk,
            ck,
        ];
        rows.indexes = vec![IndexRow {
            table_oid: 20,
            name: "i".into(),
            is_unique: false,
            method: "btree".into(),
            key_count: 3,
            attnums: vec![3, 0, 2, 1],
            options: vec![3, 1, 2],
            targets: vec![
                Some("g".into()),
                Some("lower(x)".into()),
                Some("st".into()),
                Some("id".into()),
            ],
            predicate: Some("g > 1".into()),
        }];
        let s = assemble(rows).unwrap();
        assert_eq!(s.namespaces, ["a", "b"]);
        assert_eq!(s.tables[0].name, QualName::new("a", "u"));
        assert_eq!(s.tables[0].columns[0].ty, ColumnType::builtin("integer[]"));
        let fk = &s.tables[0].foreign_keys[0];
        assert_eq!(
            (fk.on_delete, fk.on_update, fk.deferrable),
            (FkAction::Cascade, FkAction::NoAction, Deferrable::Deferred)
        );
        assert_eq!(fk.ref_table, QualName::new("b", "t"));
        let t = &s.tables[1];
        assert_eq!(t.comment.as_deref(), Some("c"));
        assert_eq!(t.columns[0].identity, Some(Identity::Always));
        assert_eq!(
            t.columns[1].ty,
            ColumnType::named(QualName::new("b", "st"), true)
        );
        assert_eq!(t.columns[1].default.as_deref(), Some("'{}'::b.st[]"));
        assert_eq!(
            t.columns[2].generated.as_deref(),
            Some("(x * (2)::numeric)")
        );
        assert_eq!(t.columns[2].default, None);
        assert_eq!(t.primary_key.as_ref().unwrap().columns, ["id"]);
        assert_eq!(t.uniques[0].columns, ["st", "g"]);
        assert_eq!(t.checks[0].expr, "(g >= (0)::numeric)");
        let i = &t.indexes[0];
        assert_eq!(i.include, ["id"]);
        assert_eq!(
            i.keys[0],
            IndexKey {
                target: IndexTarget::Column("g".into()),
                desc: true,
                nulls_first: None
            }
        );
        assert_eq!(
            i.keys[1],
            IndexKey {
                target: IndexTarget::Expr("lower(x)".into()),
                desc: true,
                nulls_first: Some(false)
            }
        );
        assert_eq!(
            i.keys[2],
            IndexKey {
                target: IndexTarget::Column("st".into()),
                desc: false,
                nulls_first: Some(true)
            }
        );
        assert_eq!(s.enums[0].values, ["z", "a"]);
        assert_eq!(s.extensions[0].name, "pgcrypto");
    }

    fn expect_unexpected(rows: CatalogRows, needle: &str) {
        match assemble(rows) {
            Err(IntrospectError::Unexpected { what, value }) => {
                let msg = format!("{what}: {value}");
                assert!(msg.contains(needle), "{msg}");
            }
            other => panic!("expected Unexpected, got {other:?}"),
        }
    }

    #[test]
    fn surprises_are_errors_not_panics() {
        let mut rows = base();
        rows.columns = vec![col(99, "x", "integer")];
        expect_unexpected(rows, "99");

        let mut rows = base();
        let mut c = col(10, "x", "integer");
        c.identity = "q".into();
        rows.columns = vec![c];
        expect_unexpected(rows, "attidentity");

        let mut rows = base();
        let mut c = col(10, "x", "integer");
        c.generated = "v".into();
        rows.columns = vec![c];
        expect_unexpected(rows, "attgenerated");

        let mut rows = base();
        let mut c = con(10, "u", "u", &["a"]);
        c.columns.push(None);
        rows.constraints = vec![c];
        expect_unexpected(
            rows,
            "unresolved column of constraint `u` on `a.u` at position: 2",
        );

        let mut rows = base();
        rows.constraints = vec![con(10, "x", "x", &["a"])];
        expect_unexpected(rows, "contype");

        let mut rows = base();
        rows.constraints = vec![con(10, "p1", "p", &["a"]), con(10, "p2", "p", &["a"])];
        expect_unexpected(rows, "second primary key");

        let mut rows = base();
        let mut fk = con(10, "fk", "f", &["a"]);
        fk.ref_schema = Some("a".into());
        fk.ref_table = Some("u".into());
        fk.on_delete = "z".into();
        fk.on_update = "a".into();
        rows.constraints = vec![fk];
        expect_unexpected(rows, "ON DELETE");

        let mut rows = base();
        rows.indexes = vec![IndexRow {
            table_oid: 10,
            name: "i".into(),
            is_unique: false,
            method: "btree".into(),
            key_count: 2,
            attnums: vec![1],
            options: vec![0],
            targets: vec![Some("a".into())],
            predicate: None,
        }];
        expect_unexpected(rows, "indnkeyatts");

        let mut rows = base();
        rows.indexes = vec![IndexRow {
            table_oid: 10,
            name: "i".into(),
            is_unique: false,
            method: "btree".into(),
            key_count: 1,
            attnums: vec![1],
            options: vec![0],
            targets: vec![None],
            predicate: None,
        }];
        expect_unexpected(rows, "unresolved key");
    }
}
