//! Functions and procedures.
//!
//! A function is identified by its name and the types of its input
//! arguments (`IN`, `INOUT`, `VARIADIC`): overloads are distinct objects.
//! Types are stored as `format_type(oid, NULL)` prints them (PostgreSQL
//! keeps no modifiers on argument and result types: `varchar(20)` is
//! `character varying`), user types schema-qualified.

use super::types::{BaseType, ColumnType};
use super::views::normalize_definition;
use crate::sql::normalize_expr;
use crate::sql::scan;
use crate::sql::QualName;
use crate::sql::{parse_pg_name, pg_ident};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `FUNCTION` or `PROCEDURE`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    /// `CREATE FUNCTION`.
    #[default]
    Function,
    /// `CREATE PROCEDURE`.
    Procedure,
}

impl FunctionKind {
    /// Is this the default (a function)?
    pub fn is_function(&self) -> bool {
        *self == FunctionKind::Function
    }
}

/// An argument's mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArgMode {
    /// `IN` (the default).
    #[default]
    In,
    /// `OUT`: part of the result, not of the signature.
    Out,
    /// `INOUT`.
    #[serde(rename = "inout")]
    InOut,
    /// `VARIADIC` (last input, an array).
    Variadic,
}

impl ArgMode {
    /// Is this `IN`?
    pub fn is_in(&self) -> bool {
        *self == ArgMode::In
    }

    /// Whether the argument is an input, part of the signature.
    pub fn is_input(&self) -> bool {
        !matches!(self, ArgMode::Out)
    }
}

/// `VOLATILE`, `STABLE` or `IMMUTABLE`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    /// `VOLATILE` (the default).
    #[default]
    Volatile,
    /// `STABLE`.
    Stable,
    /// `IMMUTABLE`.
    Immutable,
}

impl Volatility {
    /// Is this the default?
    pub fn is_default(&self) -> bool {
        *self == Volatility::Volatile
    }
}

/// `PARALLEL UNSAFE`, `RESTRICTED` or `SAFE`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parallel {
    /// `PARALLEL UNSAFE` (the default).
    #[default]
    Unsafe,
    /// `PARALLEL RESTRICTED`.
    Restricted,
    /// `PARALLEL SAFE`.
    Safe,
}

impl Parallel {
    /// Is this the default?
    pub fn is_default(&self) -> bool {
        *self == Parallel::Unsafe
    }
}

/// One argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionArg {
    /// Mode.
    #[serde(default, skip_serializing_if = "ArgMode::is_in")]
    pub mode: ArgMode,
    /// Name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Type, without modifiers.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Default expression, as `pg_get_function_arg_default` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// A column of `RETURNS TABLE (…)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnColumn {
    /// Name.
    pub name: String,
    /// Type, without modifiers.
    #[serde(rename = "type")]
    pub ty: ColumnType,
}

/// What a function returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Returns {
    /// `RETURNS [SETOF] type`.
    Type {
        /// The type, without modifiers (`trigger`, `void`, `record`, …).
        #[serde(rename = "type")]
        ty: ColumnType,
        /// `SETOF`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        setof: bool,
    },
    /// `RETURNS TABLE (…)`.
    Table {
        /// The columns.
        columns: Vec<ReturnColumn>,
    },
}

/// `SET name = value` on a function.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FunctionSetting {
    /// The parameter, lower case.
    pub name: String,
    /// Its value as `proconfig` holds it (`app, pg_catalog` for
    /// `search_path`, names quoted as PostgreSQL prints them).
    pub value: String,
}

/// A function or procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    /// Qualified name.
    pub name: QualName,
    /// Function or procedure.
    #[serde(default, skip_serializing_if = "FunctionKind::is_function")]
    pub kind: FunctionKind,
    /// Arguments in order (`OUT` ones included; `RETURNS TABLE` columns not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<FunctionArg>,
    /// The result; `None` for procedures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<Returns>,
    /// `LANGUAGE`, lower case.
    pub language: String,
    /// The body: the source text (`prosrc`, trimmed), or a SQL-standard
    /// body (`RETURN …` / `BEGIN ATOMIC … END`) as
    /// `pg_get_function_sqlbody` prints it, when `sql_body`.
    pub body: String,
    /// The body is SQL-standard (written after the header, not quoted).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sql_body: bool,
    /// Volatility (functions).
    #[serde(default, skip_serializing_if = "Volatility::is_default")]
    pub volatility: Volatility,
    /// `STRICT` (functions).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// `SECURITY DEFINER`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_definer: bool,
    /// `LEAKPROOF` (functions).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leakproof: bool,
    /// `PARALLEL` (functions).
    #[serde(default, skip_serializing_if = "Parallel::is_default")]
    pub parallel: Parallel,
    /// `SET` clauses, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<FunctionSetting>,
    /// `COMMENT ON FUNCTION` / `PROCEDURE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Pseudo-types and other `pg_catalog` types that arguments and results
/// may have beyond the column types graft knows.
const EXTRA_TYPES: &[&str] = &[
    "\"char\"",
    "aclitem",
    "any",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "cid",
    "cstring",
    "event_trigger",
    "internal",
    "jsonpath",
    "record",
    "refcursor",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
    "tid",
    "trigger",
    "void",
    "xid",
    "xid8",
];

/// Whether `text` (lower case, no modifiers) is one of [`EXTRA_TYPES`].
pub fn is_extra_type(text: &str) -> bool {
    EXTRA_TYPES.binary_search(&text).is_ok()
}

/// A type as PostgreSQL keeps it on an argument or result: built-ins
/// without modifiers (`numeric(12,2)` → `numeric`, `timestamp(3) with time
/// zone` → `timestamp with time zone`).
pub fn without_modifiers(ty: &ColumnType) -> ColumnType {
    match &ty.base {
        BaseType::Builtin(b) => {
            let stripped = match (b.find('('), b.find(')')) {
                (Some(open), Some(close)) if close > open => {
                    let head = b[..open].trim_end();
                    let tail = b[close + 1..].trim_start();
                    if tail.is_empty() {
                        head.to_string()
                    } else {
                        format!("{head} {tail}")
                    }
                }
                _ => b.clone(),
            };
            ColumnType {
                base: BaseType::Builtin(stripped),
                array: ty.array,
            }
        }
        BaseType::Named(_) => ty.clone(),
    }
}

impl Function {
    /// A volatile function with no arguments.
    pub fn new(
        name: QualName,
        returns: Option<Returns>,
        language: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Function {
            name,
            kind: FunctionKind::Function,
            args: Vec::new(),
            returns,
            language: language.into(),
            body: body.into(),
            sql_body: false,
            volatility: Volatility::Volatile,
            strict: false,
            security_definer: false,
            leakproof: false,
            parallel: Parallel::Unsafe,
            config: Vec::new(),
            comment: None,
        }
    }

    /// The types of the input arguments: with the name, the identity.
    pub fn identity_types(&self) -> Vec<&ColumnType> {
        self.args
            .iter()
            .filter(|a| a.mode.is_input())
            .map(|a| &a.ty)
            .collect()
    }

    /// `name(type, type)`, for messages and sorting.
    pub fn signature(&self) -> String {
        let types: Vec<String> = self
            .identity_types()
            .iter()
            .map(|t| t.canonical())
            .collect();
        format!("{}({})", self.name, types.join(", "))
    }

    /// `function` or `procedure`, for messages.
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            FunctionKind::Function => "function",
            FunctionKind::Procedure => "procedure",
        }
    }

    /// Every type the signature and result name.
    pub fn types(&self) -> Vec<&ColumnType> {
        let mut out: Vec<&ColumnType> = self.args.iter().map(|a| &a.ty).collect();
        match &self.returns {
            Some(Returns::Type { ty, .. }) => out.push(ty),
            Some(Returns::Table { columns }) => out.extend(columns.iter().map(|c| &c.ty)),
            None => {}
        }
        out
    }

    /// What the function needs to exist before it is created: the named
    /// types of its signature and result (a table's or view's row type,
    /// an enum), and, for bodies PostgreSQL checks at creation (`LANGUAGE
    /// sql`, SQL-standard bodies), the relations and functions the body
    /// names (over-reported, as [`crate::model::View::reads`]). Never
    /// itself.
    pub fn reads(&self) -> BTreeSet<QualName> {
        let mut out: BTreeSet<QualName> = self
            .types()
            .into_iter()
            .filter_map(|t| match &t.base {
                BaseType::Named(q) => Some(q.clone()),
                BaseType::Builtin(_) => None,
            })
            .collect();
        if self.language == "sql" || self.sql_body {
            out.extend(scan::relation_candidates(&self.body, &self.name.schema));
            out.extend(scan::function_candidates(&self.body, &self.name.schema));
        }
        for a in &self.args {
            if let Some(d) = &a.default {
                out.extend(scan::function_candidates(d, &self.name.schema));
            }
        }
        out.remove(&self.name);
        out
    }

    /// Normal form: body and defaults normalised, language lower case,
    /// types without modifiers, settings sorted, attributes a procedure
    /// cannot have cleared, an empty comment is none.
    pub fn normalize(&mut self) {
        self.body = normalize_body(&self.body, self.sql_body);
        self.language = self.language.to_lowercase();
        for a in &mut self.args {
            a.ty = without_modifiers(&a.ty);
            if let Some(d) = &mut a.default {
                *d = normalize_expr(d);
            }
        }
        match &mut self.returns {
            Some(Returns::Type { ty, .. }) => *ty = without_modifiers(ty),
            Some(Returns::Table { columns }) => {
                for c in columns {
                    c.ty = without_modifiers(&c.ty);
                }
            }
            None => {}
        }
        for s in &mut self.config {
            s.name = s.name.to_lowercase();
            s.value = normalize_setting(&s.name, &s.value);
        }
        self.config.sort();
        self.config.dedup_by(|a, b| a.name == b.name);
        if self.kind == FunctionKind::Procedure {
            self.returns = None;
            self.volatility = Volatility::Volatile;
            self.strict = false;
            self.leakproof = false;
            self.parallel = Parallel::Unsafe;
        }
        if self.comment.as_deref() == Some("") {
            self.comment = None;
        }
    }

    /// The sort key: name, then the input types.
    pub fn sort_key(&self) -> (QualName, Vec<String>) {
        (
            self.name.clone(),
            self.identity_types()
                .iter()
                .map(|t| t.canonical())
                .collect(),
        )
    }
}

/// The result `OUT` and `INOUT` arguments make: the one argument's type, or
/// `record` for several; `None` without any.
pub fn derived_returns(args: &[FunctionArg]) -> Option<Returns> {
    let outs: Vec<&FunctionArg> = args
        .iter()
        .filter(|a| matches!(a.mode, ArgMode::Out | ArgMode::InOut))
        .collect();
    match outs.as_slice() {
        [] => None,
        [one] => Some(Returns::Type {
            ty: without_modifiers(&one.ty),
            setof: false,
        }),
        _ => Some(Returns::Type {
            ty: ColumnType::builtin("record"),
            setof: false,
        }),
    }
}

/// A body in normal form: line breaks folded to `\n`, ends trimmed; a
/// SQL-standard body also has its whitespace collapsed (PostgreSQL prints
/// it back from its parse tree) and no trailing `;`.
pub fn normalize_body(body: &str, sql_body: bool) -> String {
    let b = body.replace("\r\n", "\n");
    if sql_body {
        normalize_definition(&b)
    } else {
        b.trim().to_string()
    }
}

/// Parameters whose value is a list of names (`GUC_LIST_QUOTE`).
pub fn is_name_list_setting(name: &str) -> bool {
    matches!(name, "search_path" | "temp_tablespaces")
}

/// The names of a list setting's value: `app, "My ns"` → [`app`, `My ns`].
/// `None` when an element is not a name.
pub fn setting_names(value: &str) -> Option<Vec<String>> {
    split_top_level(value)
        .iter()
        .map(|part| {
            parse_pg_name(part, "\0")
                .filter(|q| q.schema == "\0")
                .map(|q| q.name)
        })
        .collect()
}

/// A setting's value as `proconfig` holds it: for a list of names, each
/// printed as PostgreSQL does, joined by `, `; otherwise as given.
pub fn normalize_setting(name: &str, value: &str) -> String {
    if is_name_list_setting(name) {
        if let Some(names) = setting_names(value) {
            return names
                .iter()
                .map(|n| pg_ident(n))
                .collect::<Vec<_>>()
                .join(", ");
        }
    }
    value.to_string()
}

/// Splits on commas outside double quotes, trimming each part.
fn split_top_level(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => parts.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    parts.push(cur.trim().to_string());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_types_are_sorted() {
        let mut v = EXTRA_TYPES.to_vec();
        v.sort_unstable();
        assert_eq!(v, EXTRA_TYPES);
    }

    #[test]
    fn modifiers_go() {
        let t = |s: &str| without_modifiers(&ColumnType::builtin(s)).canonical();
        assert_eq!(t("character varying(20)"), "character varying");
        assert_eq!(t("numeric(12,2)[]"), "numeric[]");
        assert_eq!(t("timestamp(3) with time zone"), "timestamp with time zone");
        assert_eq!(t("integer"), "integer");
    }

    #[test]
    fn settings_print_like_proconfig() {
        assert_eq!(
            normalize_setting("search_path", "App,  \"My ns\", pg_catalog"),
            "app, \"My ns\", pg_catalog"
        );
        assert_eq!(
            normalize_setting("search_path", "\"$user\", public"),
            "\"$user\", public"
        );
        assert_eq!(normalize_setting("work_mem", "64MB"), "64MB");
    }

    #[test]
    fn identity_is_name_and_input_types() {
        let mut f = Function::new(QualName::new("app", "f"), None, "sql", "SELECT 1");
        let arg = |mode, ty: &str| FunctionArg {
            mode,
            name: None,
            ty: ColumnType::builtin(ty),
            default: None,
        };
        f.args = vec![
            arg(ArgMode::In, "integer"),
            arg(ArgMode::Out, "text"),
            arg(ArgMode::Variadic, "text[]"),
        ];
        assert_eq!(f.signature(), "app.f(integer, text[])");
    }
}
