//! The catalog queries (`queries/*.sql`) and their rows, decoded into plain
//! structs before assembly so that [`super::assemble`] is pure and testable
//! without a database.

use tokio_postgres::{Error as PgError, Row};

/// One catalog query: a name for error messages and its SQL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Query {
    /// Short name used in error messages: `columns`, `indexes`, ...
    pub name: &'static str,
    /// The SQL text.
    pub sql: &'static str,
    /// Whether the query takes `$1::text[]`, the namespaces (all but `extensions`).
    pub filtered: bool,
}

pub(crate) const NAMESPACES: Query = Query {
    name: "namespaces",
    sql: include_str!("queries/namespaces.sql"),
    filtered: true,
};
pub(crate) const TABLES: Query = Query {
    name: "tables",
    sql: include_str!("queries/tables.sql"),
    filtered: true,
};
pub(crate) const COLUMNS: Query = Query {
    name: "columns",
    sql: include_str!("queries/columns.sql"),
    filtered: true,
};
pub(crate) const CONSTRAINTS: Query = Query {
    name: "constraints",
    sql: include_str!("queries/constraints.sql"),
    filtered: true,
};
pub(crate) const INDEXES: Query = Query {
    name: "indexes",
    sql: include_str!("queries/indexes.sql"),
    filtered: true,
};
pub(crate) const ENUMS: Query = Query {
    name: "enums",
    sql: include_str!("queries/enums.sql"),
    filtered: true,
};
pub(crate) const EXTENSIONS: Query = Query {
    name: "extensions",
    sql: include_str!("queries/extensions.sql"),
    filtered: false,
};
pub(crate) const UNMODELED: Query = Query {
    name: "unmodeled",
    sql: include_str!("queries/unmodeled.sql"),
    filtered: true,
};

pub(crate) const VIEWS: Query = Query {
    name: "views",
    sql: include_str!("queries/views.sql"),
    filtered: true,
};

pub(crate) const SEQUENCES: Query = Query {
    name: "sequences",
    sql: include_str!("queries/sequences.sql"),
    filtered: true,
};

pub(crate) const FUNCTIONS: Query = Query {
    name: "functions",
    sql: include_str!("queries/functions.sql"),
    filtered: true,
};
pub(crate) const TRIGGERS: Query = Query {
    name: "triggers",
    sql: include_str!("queries/triggers.sql"),
    filtered: true,
};

/// Every catalog query, in the order they are issued.
pub(crate) const ALL: [Query; 12] = [
    NAMESPACES,
    TABLES,
    COLUMNS,
    CONSTRAINTS,
    INDEXES,
    ENUMS,
    EXTENSIONS,
    VIEWS,
    SEQUENCES,
    FUNCTIONS,
    TRIGGERS,
    UNMODELED,
];

/// A row type that can be read from its query's result.
pub(crate) trait FromRow: Sized {
    /// Decodes one row; a type mismatch is a `tokio_postgres` error.
    fn from_row(row: &Row) -> Result<Self, PgError>;
}

/// `namespaces.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamespaceRow {
    pub name: String,
}

/// `tables.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub comment: Option<String>,
    /// `relrowsecurity`.
    pub row_security: bool,
    /// `relforcerowsecurity`.
    pub force_row_security: bool,
}

/// `columns.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnRow {
    pub table_oid: u32,
    pub name: String,
    /// `format_type(atttypid, atttypmod)`.
    pub type_text: String,
    /// Namespace of the element type (the type itself when not an array).
    pub type_schema: String,
    /// `typname` of the element type.
    pub type_name: String,
    pub is_array: bool,
    pub not_null: bool,
    /// `pg_get_expr(adbin, adrelid)`: the default, or the generation expression.
    pub default_expr: Option<String>,
    /// `attidentity`: `""`, `"a"` or `"d"`.
    pub identity: String,
    /// `attgenerated`: `""` or `"s"`.
    pub generated: String,
    /// Namespace and name of `attcollation` when it differs from the type's.
    pub collation_schema: Option<String>,
    /// See `collation_schema`.
    pub collation_name: Option<String>,
    pub comment: Option<String>,
}

/// `constraints.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConstraintRow {
    pub table_oid: u32,
    pub name: String,
    /// `contype`: `p`, `u`, `f` or `c`.
    pub kind: String,
    /// Key columns in order; `None` for an attnum without a column.
    pub columns: Vec<Option<String>>,
    pub ref_schema: Option<String>,
    pub ref_table: Option<String>,
    /// Referenced columns in order (foreign keys only).
    pub ref_columns: Vec<Option<String>>,
    /// `confdeltype` (a space unless a foreign key).
    pub on_delete: String,
    /// `confupdtype` (a space unless a foreign key).
    pub on_update: String,
    pub deferrable: bool,
    pub deferred: bool,
    pub check_expr: Option<String>,
}

/// `indexes.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexRow {
    pub table_oid: u32,
    pub name: String,
    pub is_unique: bool,
    pub method: String,
    /// `indnkeyatts`: entries of `attnums` past this are INCLUDE columns.
    pub key_count: i16,
    /// `indkey`: 0 for an expression.
    pub attnums: Vec<i16>,
    /// `indoption`, one per key column.
    pub options: Vec<i16>,
    /// Column name or printed expression, one per `attnums` entry.
    pub targets: Vec<Option<String>>,
    pub predicate: Option<String>,
}

/// `enums.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnumRow {
    pub schema: String,
    pub name: String,
    pub labels: Vec<String>,
}

/// `extensions.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtensionRow {
    pub name: String,
    /// `extversion`.
    pub version: String,
    /// Namespace of `extnamespace`.
    pub schema: String,
}

/// `unmodeled.sql`: the public [`super::Unmodeled`] itself.
impl FromRow for super::Unmodeled {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(super::Unmodeled {
            kind: row.try_get("kind")?,
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
        })
    }
}

impl FromRow for NamespaceRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(NamespaceRow {
            name: row.try_get("name")?,
        })
    }
}

impl FromRow for TableRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(TableRow {
            oid: row.try_get("oid")?,
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            comment: row.try_get("comment")?,
            row_security: row.try_get("row_security")?,
            force_row_security: row.try_get("force_row_security")?,
        })
    }
}

impl FromRow for ColumnRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(ColumnRow {
            table_oid: row.try_get("table_oid")?,
            name: row.try_get("name")?,
            type_text: row.try_get("type_text")?,
            type_schema: row.try_get("type_schema")?,
            type_name: row.try_get("type_name")?,
            is_array: row.try_get("is_array")?,
            not_null: row.try_get("not_null")?,
            default_expr: row.try_get("default_expr")?,
            identity: row.try_get("identity")?,
            generated: row.try_get("generated")?,
            comment: row.try_get("comment")?,
            collation_schema: row.try_get("collation_schema")?,
            collation_name: row.try_get("collation_name")?,
        })
    }
}

impl FromRow for ConstraintRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(ConstraintRow {
            table_oid: row.try_get("table_oid")?,
            name: row.try_get("name")?,
            kind: row.try_get("kind")?,
            columns: row.try_get("columns")?,
            ref_schema: row.try_get("ref_schema")?,
            ref_table: row.try_get("ref_table")?,
            ref_columns: row.try_get("ref_columns")?,
            on_delete: row.try_get("on_delete")?,
            on_update: row.try_get("on_update")?,
            deferrable: row.try_get("deferrable")?,
            deferred: row.try_get("deferred")?,
            check_expr: row.try_get("check_expr")?,
        })
    }
}

impl FromRow for IndexRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(IndexRow {
            table_oid: row.try_get("table_oid")?,
            name: row.try_get("name")?,
            is_unique: row.try_get("is_unique")?,
            method: row.try_get("method")?,
            key_count: row.try_get("key_count")?,
            attnums: row.try_get("attnums")?,
            options: row.try_get("options")?,
            targets: row.try_get("targets")?,
            predicate: row.try_get("predicate")?,
        })
    }
}

impl FromRow for EnumRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(EnumRow {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            labels: row.try_get("labels")?,
        })
    }
}

impl FromRow for ExtensionRow {
    fn from_row(row: &Row) -> Result<Self, PgError> {
        Ok(ExtensionRow {
            name: row.try_get("name")?,
            version: row.try_get("version")?,
            schema: row.try_get("schema")?,
        })
    }
}

/// Everything the catalog queries returned, from one snapshot.
#[derive(Debug, Clone, Default)]
pub(crate) struct CatalogRows {
    pub namespaces: Vec<NamespaceRow>,
    pub tables: Vec<TableRow>,
    pub columns: Vec<ColumnRow>,
    pub constraints: Vec<ConstraintRow>,
    pub indexes: Vec<IndexRow>,
    pub enums: Vec<EnumRow>,
    pub extensions: Vec<ExtensionRow>,
    pub views: Vec<super::objects::ViewRow>,
    pub sequences: Vec<super::objects::SequenceRow>,
    pub functions: Vec<super::objects::FunctionRow>,
    pub triggers: Vec<super::objects::TriggerRow>,
    pub kinds: super::kinds::KindRows,
}
