//! Declared schemas: the JSON file format v1 and the Rust builder API.

mod error;
pub mod file;

pub use error::{DeclareError, DeclareErrorKind};
pub use file::{
    CheckDecl, ColumnDecl, EnumDecl, ForeignKeyDecl, IndexDecl, IndexKeyDecl, Nulls,
    PrimaryKeyDecl, ReferencesDecl, SchemaFile, TableDecl, UniqueDecl,
};
