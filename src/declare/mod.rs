//! Declared schemas: the JSON file format v1 and the Rust builder API.
//!
//! A [`SchemaFile`] (plain serde types mirroring the file) goes through one
//! validation, [`lower`], into a [`Declared`]: the plugin, its version and
//! dependencies, and a normalised [`crate::model::Schema`]. A bad
//! declaration yields one [`DeclareError`] naming the file, plugin, table
//! and column.

mod error;
pub mod file;
mod load;
mod to_file;
mod validate;

pub use error::{DeclareError, DeclareErrorKind};
pub use file::{
    CheckDecl, ColumnDecl, EnumDecl, ForeignKeyDecl, IndexDecl, IndexKeyDecl, Nulls,
    PrimaryKeyDecl, ReferencesDecl, SchemaFile, TableDecl, UniqueDecl,
};
pub use load::{from_json_str, load_dir, load_file, load_paths, parse_json_str};
pub use validate::{lower, Declared};
