//! Rows and assembly for the object kinds beyond tables: views and
//! materialized views (`queries/views.sql`), sequences
//! (`queries/sequences.sql`), functions (`queries/functions.sql`) and
//! triggers (`queries/triggers.sql`). Pure, like
//! [`super::assemble`]: catalog surprises are errors, never panics.

use super::rows::FromRow;
use super::IntrospectError;
use crate::model::{
    ArgMode, CheckOption, ColumnType, Function, FunctionArg, FunctionKind, FunctionSetting,
    Parallel, QualName, ReturnColumn, Returns, Sequence, SequenceOwner, Table, Trigger,
    TriggerEnabled, TriggerEvent, TriggerTiming, View, Volatility,
};
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

/// `functions.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FunctionRow {
    pub schema: String,
    pub name: String,
    /// `prokind`: `f` or `p`.
    pub kind: String,
    pub language: String,
    pub source: String,
    /// `pg_get_function_sqlbody`, for a SQL-standard body.
    pub sql_body: Option<String>,
    pub volatility: String,
    pub strict: bool,
    pub security_definer: bool,
    pub leakproof: bool,
    pub parallel: String,
    pub config: Option<Vec<String>>,
    pub setof: bool,
    pub ret_text: String,
    pub ret_schema: String,
    pub ret_name: String,
    pub ret_is_array: bool,
    pub arg_modes: Vec<String>,
    pub arg_names: Vec<String>,
    pub arg_texts: Vec<String>,
    pub arg_schemas: Vec<String>,
    pub arg_type_names: Vec<String>,
    pub arg_is_array: Vec<bool>,
    pub arg_defaults: Vec<Option<String>>,
    pub comment: Option<String>,
}

impl FromRow for FunctionRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(FunctionRow {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            kind: row.try_get("kind")?,
            language: row.try_get("language")?,
            source: row.try_get("source")?,
            sql_body: row.try_get("sql_body")?,
            volatility: row.try_get("volatility")?,
            strict: row.try_get("strict")?,
            security_definer: row.try_get("security_definer")?,
            leakproof: row.try_get("leakproof")?,
            parallel: row.try_get("parallel")?,
            config: row.try_get("config")?,
            setof: row.try_get("setof")?,
            ret_text: row.try_get("ret_text")?,
            ret_schema: row.try_get("ret_schema")?,
            ret_name: row.try_get("ret_name")?,
            ret_is_array: row.try_get("ret_is_array")?,
            arg_modes: row.try_get("arg_modes")?,
            arg_names: row.try_get("arg_names")?,
            arg_texts: row.try_get("arg_texts")?,
            arg_schemas: row.try_get("arg_schemas")?,
            arg_type_names: row.try_get("arg_type_names")?,
            arg_is_array: row.try_get("arg_is_array")?,
            arg_defaults: row.try_get("arg_defaults")?,
            comment: row.try_get("comment")?,
        })
    }
}

/// A type read like a column's: `pg_catalog` types by their printed text,
/// others by the element type's namespace and name.
fn read_type(text: String, schema: String, name: String, is_array: bool) -> ColumnType {
    if schema == "pg_catalog" {
        ColumnType::builtin(text)
    } else {
        ColumnType::named(QualName::new(schema, name), is_array)
    }
}

/// The functions and procedures.
pub(super) fn functions(rows: Vec<FunctionRow>) -> Result<Vec<Function>, IntrospectError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let name = QualName::new(r.schema, r.name);
        let n = r.arg_texts.len();
        let lens = [
            r.arg_schemas.len(),
            r.arg_type_names.len(),
            r.arg_is_array.len(),
            r.arg_defaults.len(),
        ];
        let modes_ok = r.arg_modes.is_empty() || r.arg_modes.len() == n;
        let names_ok = r.arg_names.is_empty() || r.arg_names.len() == n;
        if lens.iter().any(|l| *l != n) || !modes_ok || !names_ok {
            return Err(unexpected(
                format!("argument lists of function `{name}` (lengths)"),
                format!("{n} {lens:?} {} {}", r.arg_modes.len(), r.arg_names.len()),
            ));
        }
        let mut args = Vec::new();
        let mut table = Vec::new();
        let mut types = r
            .arg_texts
            .into_iter()
            .zip(r.arg_schemas)
            .zip(r.arg_type_names)
            .zip(r.arg_is_array)
            .zip(r.arg_defaults);
        for i in 0..n {
            let Some(((((text, schema), tname), is_array), default)) = types.next() else {
                break;
            };
            let ty = read_type(text, schema, tname, is_array);
            let arg_name = r.arg_names.get(i).filter(|s| !s.is_empty()).cloned();
            let mode = match r.arg_modes.get(i).map(String::as_str).unwrap_or("i") {
                "i" => ArgMode::In,
                "o" => ArgMode::Out,
                "b" => ArgMode::InOut,
                "v" => ArgMode::Variadic,
                "t" => {
                    let Some(column) = arg_name else {
                        return Err(unexpected(
                            format!("unnamed TABLE column of function `{name}` at position"),
                            i + 1,
                        ));
                    };
                    table.push(ReturnColumn { name: column, ty });
                    continue;
                }
                other => {
                    return Err(unexpected(
                        format!("argument mode of function `{name}`"),
                        other,
                    ))
                }
            };
            args.push(FunctionArg {
                mode,
                name: arg_name,
                ty,
                default,
            });
        }
        let kind = match r.kind.as_str() {
            "f" => FunctionKind::Function,
            "p" => FunctionKind::Procedure,
            other => return Err(unexpected(format!("prokind of `{name}`"), other)),
        };
        let returns = match kind {
            FunctionKind::Procedure => None,
            FunctionKind::Function if !table.is_empty() => Some(Returns::Table { columns: table }),
            FunctionKind::Function => Some(Returns::Type {
                ty: read_type(r.ret_text, r.ret_schema, r.ret_name, r.ret_is_array),
                setof: r.setof,
            }),
        };
        let (body, sql_body) = match r.sql_body {
            Some(b) => (b, true),
            None => (r.source, false),
        };
        let mut f = Function::new(name, returns, r.language, body);
        f.kind = kind;
        f.args = args;
        f.sql_body = sql_body;
        f.volatility = match r.volatility.as_str() {
            "v" => Volatility::Volatile,
            "s" => Volatility::Stable,
            "i" => Volatility::Immutable,
            other => {
                return Err(unexpected(
                    format!("provolatile of `{}`", f.signature()),
                    other,
                ))
            }
        };
        f.parallel = match r.parallel.as_str() {
            "u" => Parallel::Unsafe,
            "r" => Parallel::Restricted,
            "s" => Parallel::Safe,
            other => {
                return Err(unexpected(
                    format!("proparallel of `{}`", f.signature()),
                    other,
                ))
            }
        };
        f.strict = r.strict;
        f.security_definer = r.security_definer;
        f.leakproof = r.leakproof;
        for setting in r.config.unwrap_or_default() {
            let Some((k, v)) = setting.split_once('=') else {
                return Err(unexpected(
                    format!("proconfig entry of `{}`", f.signature()),
                    setting,
                ));
            };
            f.config.push(FunctionSetting {
                name: k.to_string(),
                value: v.to_string(),
            });
        }
        f.comment = r.comment;
        out.push(f);
    }
    Ok(out)
}

/// `triggers.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TriggerRow {
    pub schema: String,
    pub table_name: String,
    pub name: String,
    /// `tgtype`.
    pub type_bits: i32,
    /// `tgenabled`: `O`, `D`, `R` or `A`.
    pub enabled: String,
    pub update_of: Vec<String>,
    pub function_schema: String,
    pub function_name: String,
    pub nargs: i32,
    /// `tgargs`: each argument followed by a NUL byte.
    pub args: Vec<u8>,
    pub old_table: Option<String>,
    pub new_table: Option<String>,
    pub has_when: bool,
    /// `pg_get_triggerdef(oid, true)`, when there is a `WHEN` condition.
    pub definition: Option<String>,
    pub comment: Option<String>,
}

impl FromRow for TriggerRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(TriggerRow {
            schema: row.try_get("schema")?,
            table_name: row.try_get("table_name")?,
            name: row.try_get("name")?,
            type_bits: row.try_get("type_bits")?,
            enabled: row.try_get("enabled")?,
            update_of: row.try_get("update_of")?,
            function_schema: row.try_get("function_schema")?,
            function_name: row.try_get("function_name")?,
            nargs: row.try_get("nargs")?,
            args: row.try_get("args")?,
            old_table: row.try_get("old_table")?,
            new_table: row.try_get("new_table")?,
            has_when: row.try_get("has_when")?,
            definition: row.try_get("definition")?,
            comment: row.try_get("comment")?,
        })
    }
}

/// `tgtype` bits (`pg_trigger.h`).
const TRIGGER_ROW: i32 = 1 << 0;
const TRIGGER_BEFORE: i32 = 1 << 1;
const TRIGGER_INSERT: i32 = 1 << 2;
const TRIGGER_DELETE: i32 = 1 << 3;
const TRIGGER_UPDATE: i32 = 1 << 4;
const TRIGGER_TRUNCATE: i32 = 1 << 5;
const TRIGGER_INSTEAD: i32 = 1 << 6;

/// The condition inside `WHEN (…)` of a printed trigger definition: after
/// the first bare `WHEN` followed by `(`, to its matching parenthesis.
fn when_condition(def: &str) -> Option<String> {
    use crate::sql::lex::{solid, Kind};
    let toks = solid(def);
    let at = toks
        .windows(2)
        .position(|w| w[0].is_keyword("when") && w[1].kind == Kind::LParen)?;
    let start = toks[at + 1].end();
    let mut depth = 0usize;
    for t in &toks[at + 1..] {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(def[start..t.start].to_string());
                }
            }
            _ => {}
        }
    }
    None
}

/// The triggers.
pub(super) fn triggers(rows: Vec<TriggerRow>) -> Result<Vec<Trigger>, IntrospectError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let table = QualName::new(r.schema, r.table_name);
        let label = format!("trigger `{}` on `{table}`", r.name);
        let bits = r.type_bits;
        let timing = if bits & TRIGGER_INSTEAD != 0 {
            TriggerTiming::InsteadOf
        } else if bits & TRIGGER_BEFORE != 0 {
            TriggerTiming::Before
        } else {
            TriggerTiming::After
        };
        let mut events = Vec::new();
        for (bit, e) in [
            (TRIGGER_INSERT, TriggerEvent::Insert),
            (TRIGGER_DELETE, TriggerEvent::Delete),
            (TRIGGER_UPDATE, TriggerEvent::Update),
            (TRIGGER_TRUNCATE, TriggerEvent::Truncate),
        ] {
            if bits & bit != 0 {
                events.push(e);
            }
        }
        if events.is_empty() {
            return Err(unexpected(format!("tgtype of {label}"), bits));
        }
        let enabled = match r.enabled.as_str() {
            "O" => TriggerEnabled::Origin,
            "A" => TriggerEnabled::Always,
            "R" => TriggerEnabled::Replica,
            "D" => TriggerEnabled::Disabled,
            other => return Err(unexpected(format!("tgenabled of {label}"), other)),
        };
        let mut args: Vec<String> = Vec::new();
        let mut rest = r.args.as_slice();
        for _ in 0..r.nargs {
            let Some(end) = rest.iter().position(|b| *b == 0) else {
                return Err(unexpected(format!("tgargs of {label}"), r.nargs));
            };
            args.push(String::from_utf8_lossy(&rest[..end]).into_owned());
            rest = &rest[end + 1..];
        }
        let when = if r.has_when {
            match r.definition.as_deref().and_then(when_condition) {
                Some(w) => Some(w),
                None => {
                    return Err(unexpected(
                        format!("WHEN of {label}"),
                        r.definition.unwrap_or_default(),
                    ))
                }
            }
        } else {
            None
        };
        let mut t = Trigger {
            table,
            name: r.name,
            timing,
            events,
            update_of: r.update_of,
            for_each_row: bits & TRIGGER_ROW != 0,
            when,
            function: QualName::new(r.function_schema, r.function_name),
            args,
            old_table: r.old_table,
            new_table: r.new_table,
            enabled,
            comment: r.comment,
        };
        t.normalize();
        out.push(t);
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

    #[test]
    fn when_conditions_come_out_of_the_printed_definition() {
        assert_eq!(
            when_condition("CREATE TRIGGER \"a WHEN (b\" BEFORE UPDATE ON app.t FOR EACH ROW WHEN (new.a > 0 AND new.b <> ')'::text) EXECUTE FUNCTION app.f()"),
            Some("new.a > 0 AND new.b <> ')'::text".into())
        );
        assert_eq!(
            when_condition(
                "CREATE TRIGGER t AFTER INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.f()"
            ),
            None
        );
    }
}
