//! [`DeclareError`]: one precise error per rejected declaration, context first.

use crate::model::{IdentError, TypeError};
use std::fmt;
use std::path::PathBuf;

/// A rejected declaration: where it went wrong (file, plugin, table, column)
/// and what ([`DeclareErrorKind`]).
///
/// Displays context first and in lower case, e.g.
/// ``billing.json: plugin `billing`, table `invoices`, column `status`: unknown type `invoice_stat` ``.
#[derive(Debug)]
pub struct DeclareError {
    /// The schema file, when the declaration came from one.
    pub file: Option<PathBuf>,
    /// The plugin, when known.
    pub plugin: Option<String>,
    /// The table the error is in.
    pub table: Option<String>,
    /// The column the error is in.
    pub column: Option<String>,
    /// The object the error is in when it is not a table: ``view `v` ``,
    /// ``function `f(integer)` ``, ``trigger `t` on `invoices` `` (boxed:
    /// keeps the error small).
    pub object: Option<Box<str>>,
    /// What is wrong (boxed: keeps `Result<_, DeclareError>` small).
    pub kind: Box<DeclareErrorKind>,
}

impl DeclareError {
    /// An error without context.
    pub fn new(kind: DeclareErrorKind) -> Self {
        DeclareError {
            file: None,
            plugin: None,
            table: None,
            column: None,
            object: None,
            kind: Box::new(kind),
        }
    }

    /// Sets the file.
    pub fn with_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets the plugin.
    pub fn with_plugin(mut self, plugin: impl Into<String>) -> Self {
        self.plugin = Some(plugin.into());
        self
    }

    /// Sets the table.
    pub fn with_table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }

    /// Sets the column.
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    /// Sets the object (``view `v` ``, …).
    pub fn with_object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into().into_boxed_str());
        self
    }
}

impl fmt::Display for DeclareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        let mut parts = Vec::new();
        if let Some(p) = &self.plugin {
            parts.push(format!("plugin `{p}`"));
        }
        if let Some(o) = &self.object {
            parts.push(o.to_string());
        }
        if let Some(t) = &self.table {
            parts.push(format!("table `{t}`"));
        }
        if let Some(c) = &self.column {
            parts.push(format!("column `{c}`"));
        }
        if !parts.is_empty() {
            write!(f, "{}: ", parts.join(", "))?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for DeclareError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.kind)
    }
}

/// ` in `path``, or nothing for the located object itself.
fn in_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" in `{path}`")
    }
}

/// What is wrong with a declaration. The context (file, plugin, table,
/// column) is in [`DeclareError`]; `at` fields hold the rest of the JSON path
/// below that context (`indexes[1]`), empty when there is none.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeclareErrorKind {
    /// The file or directory cannot be read.
    #[error("cannot read: {source}")]
    Io {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not well-formed JSON.
    #[error("invalid JSON at line {line} column {column}: {msg}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        msg: String,
    },
    /// A key the format does not have.
    #[error("unknown key `{key}`{}; expected {expected}", in_path(.at))]
    UnknownKey {
        /// The key.
        key: String,
        /// JSON path of the object holding it, below the context.
        at: String,
        /// The keys allowed there, e.g. ``one of `name`, `type` ``.
        expected: String,
    },
    /// A string outside an enumerated set (`on_delete`, `identity`, …).
    #[error("unknown value `{value}` for `{at}`; expected {expected}")]
    UnknownValue {
        /// The value.
        value: String,
        /// JSON path of the value, below the context.
        at: String,
        /// The values allowed, e.g. ``one of `always`, `by_default` ``.
        expected: String,
    },
    /// A required key is absent.
    #[error("missing key `{key}`{}", in_path(.at))]
    MissingKey {
        /// The key.
        key: String,
        /// JSON path of the object lacking it, below the context.
        at: String,
    },
    /// A key given twice in one object.
    #[error("key `{key}` given twice{}", in_path(.at))]
    DuplicateKey {
        /// The key.
        key: String,
        /// JSON path of the object, below the context.
        at: String,
    },
    /// A value of the wrong JSON type, or otherwise malformed.
    #[error("{}{msg}", if .at.is_empty() { String::new() } else { format!("`{}`: ", .at) })]
    BadValue {
        /// JSON path of the value, below the context.
        at: String,
        /// What is wrong, e.g. `invalid type: string "no", expected a boolean`.
        msg: String,
    },
    /// A name PostgreSQL cannot store as given (empty, over 63 bytes, NUL).
    #[error("invalid {what}: {source}")]
    BadIdent {
        /// What the name names, e.g. `table name`.
        what: String,
        /// Why.
        #[source]
        source: IdentError,
    },
    /// A namespace PostgreSQL reserves (`pg_*`).
    #[error("namespace `{0}` is reserved: names starting with `pg_` belong to the system")]
    ReservedNamespace(String),
    /// An unknown type or invalid type modifiers.
    #[error("{0}")]
    Type(#[source] TypeError),
    /// A name declared twice.
    #[error("duplicate {what} `{name}`")]
    Duplicate {
        /// What kind of name, e.g. `column`.
        what: String,
        /// The name.
        name: String,
    },
    /// A column listed twice in one key, constraint or index.
    #[error("column `{name}` appears twice in {what}")]
    Repeated {
        /// The key, constraint or index.
        what: String,
        /// The column.
        name: String,
    },
    /// A label given twice in one enum.
    #[error("enum `{enum_name}`: duplicate value `{value}`")]
    DuplicateEnumValue {
        /// The enum.
        enum_name: String,
        /// The label.
        value: String,
    },
    /// Two objects of one namespace with the same name: tables, enums,
    /// indexes, primary keys and unique constraints share it.
    #[error("{what} has the same name as {other}; they share one namespace")]
    NameClash {
        /// The later object, e.g. ``index `x` ``.
        what: String,
        /// The name.
        name: String,
        /// The earlier object, e.g. ``table `x` ``.
        other: String,
    },
    /// A constraint or index names a column the table does not have.
    #[error("{what} refers to missing column `{name}`")]
    MissingColumn {
        /// The referrer, e.g. ``index #2`` or ``primary key``.
        what: String,
        /// The column.
        name: String,
    },
    /// A foreign key references a column the referenced table does not have.
    #[error("{what} references missing column `{name}` of table `{table}`")]
    MissingRefColumn {
        /// The foreign key.
        what: String,
        /// The referenced table.
        table: String,
        /// The column.
        name: String,
    },
    /// A foreign key references a table of the plugin's namespace that is not declared.
    #[error("{what} references missing table `{name}`")]
    MissingTable {
        /// The foreign key.
        what: String,
        /// The referenced table, qualified.
        name: String,
    },
    /// A foreign key's referenced columns are not a primary key or unique
    /// constraint (or plain unique index) of the referenced table.
    #[error(
        "{what} references ({columns}) of table `{table}`, which is not its primary key or unique"
    )]
    NotUniqueRef {
        /// The foreign key.
        what: String,
        /// The referenced table.
        table: String,
        /// The referenced columns, comma-separated.
        columns: String,
    },
    /// A foreign key with different column counts on each side.
    #[error("{what} has {columns} column(s) but references {ref_columns}")]
    ColumnCount {
        /// The foreign key.
        what: String,
        /// Referencing column count.
        columns: usize,
        /// Referenced column count.
        ref_columns: usize,
    },
    /// A key, constraint or index with an empty column list.
    #[error("{what} has no columns")]
    NoColumns {
        /// The constraint or index.
        what: String,
    },
    /// An index with neither `columns` nor `expressions`.
    #[error("{what} has neither `columns` nor `expressions`")]
    EmptyIndex {
        /// The index.
        what: String,
    },
    /// An expression that is empty or only whitespace.
    #[error("{what} is empty")]
    EmptyExpr {
        /// Which expression, e.g. `default`.
        what: String,
    },
    /// An expression that is not exactly one SQL expression: it would end
    /// the statement, add to it or escape the parentheses around it.
    #[error("{what} is not one SQL expression: {why}")]
    NotOneExpression {
        /// Which expression, e.g. `default`.
        what: String,
        /// What makes it more (or less) than one.
        #[source]
        why: crate::sql::expr::NotOneExpression,
    },
    /// Identity on a type that is not `smallint`, `integer` or `bigint`.
    #[error("identity columns must be smallint, integer or bigint, not `{ty}`")]
    IdentityType {
        /// The column's type.
        ty: String,
    },
    /// Two settings that exclude each other.
    #[error("`{a}` and `{b}` cannot both be set{}", if .why.is_empty() { String::new() } else { format!(": {}", .why) })]
    Conflict {
        /// The first setting.
        a: String,
        /// The second setting.
        b: String,
        /// Why, when not obvious.
        why: String,
    },
    /// A `renamed_from` hint that cannot be followed.
    #[error("`renamed_from` {why}")]
    Rename {
        /// What is wrong, e.g. ``names `bills`, which is also declared``.
        why: String,
    },
    /// `version` is not semver.
    #[error("invalid version `{value}`: {source}")]
    Version {
        /// The text.
        value: String,
        /// Why.
        #[source]
        source: semver::Error,
    },
    /// A `depends_on` requirement is not a semver requirement.
    #[error("depends_on `{plugin}`: invalid version requirement `{value}`: {source}")]
    Requirement {
        /// The plugin depended on.
        plugin: String,
        /// The text.
        value: String,
        /// Why.
        #[source]
        source: semver::Error,
    },
    /// A plugin listing itself in `depends_on`.
    #[error("a plugin cannot depend on itself")]
    SelfDependency,
    /// A `depends_on` entry (or another reference to a relation) naming a
    /// relation of the plugin's namespace that is not declared.
    #[error("{what} names missing relation `{name}`")]
    MissingRelation {
        /// The reference, e.g. `` `depends_on` ``.
        what: String,
        /// The relation, qualified.
        name: String,
    },
    /// SQL text (a view query, a function body's header parts) with a `;`
    /// outside literals: it would end the statement graft writes it into.
    #[error("{what} contains `;` outside literals and quoted names; it must be one query")]
    Semicolon {
        /// Which text, e.g. `definition`.
        what: String,
    },
    /// Sequence options that do not fit together or the type.
    #[error("{why}")]
    BadSequence {
        /// What is wrong, e.g. ``start 0 is below minvalue 1``.
        why: String,
    },
    /// A function, procedure or trigger whose parts do not fit together.
    #[error("{why}")]
    BadObject {
        /// What is wrong, e.g. ``a procedure has no `returns` ``.
        why: String,
    },
    /// A reference to a function of the plugin's namespace that is not
    /// declared (or not as needed).
    #[error("{what} names missing function `{name}`")]
    MissingFunction {
        /// The reference, e.g. ``trigger `t` ``.
        what: String,
        /// The function, with its input types.
        name: String,
    },
    /// `serial` on a type that is not `smallint`, `integer` or `bigint`.
    #[error("serial columns must be smallint, integer or bigint, not `{ty}`")]
    SerialType {
        /// The column's type.
        ty: String,
    },
    /// A serial column whose `default` does not name its sequence.
    #[error("the default of a serial column names its sequence as `nextval('<sequence>'::regclass)`, not `{default}`")]
    SerialDefault {
        /// The default given.
        default: String,
    },
    /// Two files declare the same plugin.
    #[error("plugin is also declared in {}", .other.display())]
    DuplicatePlugin {
        /// The file that declared it first.
        other: PathBuf,
    },
    /// A value that is not allowed where it is.
    #[error("{what}: {why}")]
    Invalid {
        /// What holds it, e.g. ``version of extension `hstore` ``.
        what: String,
        /// Why it is refused.
        why: String,
    },
}

impl From<DeclareErrorKind> for DeclareError {
    fn from(kind: DeclareErrorKind) -> Self {
        DeclareError::new(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_context_first() {
        let e = DeclareError::new(DeclareErrorKind::Type(TypeError::Unknown(
            "invoice_stat".into(),
        )))
        .with_file("billing.json")
        .with_plugin("billing")
        .with_table("invoices")
        .with_column("status");
        assert_eq!(
            e.to_string(),
            "billing.json: plugin `billing`, table `invoices`, column `status`: unknown type `invoice_stat`"
        );
        let bare = DeclareError::new(DeclareErrorKind::SelfDependency);
        assert_eq!(bare.to_string(), "a plugin cannot depend on itself");
    }

    #[test]
    fn stays_small() {
        assert!(
            std::mem::size_of::<DeclareError>() <= 128,
            "{}",
            std::mem::size_of::<DeclareError>()
        );
    }
}
