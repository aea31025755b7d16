//! Declared schemas: the JSON file format v1 and the Rust builder API.
//!
//! Both paths produce a [`SchemaFile`] (plain serde types mirroring the
//! file), and one validation, [`lower`], turns it into a [`Declared`]: the
//! plugin, its version and dependencies, and a normalised
//! [`crate::model::Schema`]. A bad declaration yields one [`DeclareError`]
//! naming the file, plugin, table and column.
//!
//! ```
//! use graft::declare::{from_json_str, SchemaBuilder};
//!
//! let json = r#"{ "plugin": "notes", "tables": [ { "name": "notes",
//!     "columns": [ { "name": "id", "type": "int8", "identity": "always" },
//!                  { "name": "body", "type": "text", "nullable": false } ],
//!     "primary_key": ["id"] } ] }"#;
//! let from_file = from_json_str(json, None)?;
//!
//! let built = SchemaBuilder::new("notes")
//!     .table("notes", |t| t
//!         .column("id", "bigint", |c| c.identity(graft::model::Identity::Always))
//!         .column("body", "text", |c| c.not_null())
//!         .primary_key(["id"]))
//!     .build()?;
//! assert_eq!(from_file, built);
//! assert_eq!(built.schema.tables[0].primary_key.as_ref().unwrap().name, "notes_pkey");
//! # Ok::<(), graft::declare::DeclareError>(())
//! ```

mod builder;
mod error;
pub mod file;
mod kinds;
mod kinds_builder;
mod kinds_to_file;
mod kinds_validate;
mod load;
mod objects;
mod objects_builder;
mod objects_validate;
mod to_file;
mod validate;

pub use builder::{
    ColumnBuilder, ForeignKeyBuilder, IndexBuilder, KeyBuilder, SchemaBuilder, TableBuilder,
};
pub use error::{DeclareError, DeclareErrorKind};
pub use file::{
    AttributeDecl, CheckDecl, ColumnDecl, CompositeTypeDecl, DomainDecl, EnumDecl, ExtensionDecl,
    ForeignKeyDecl, IndexDecl, IndexKeyDecl, Nulls, PolicyDecl, PrimaryKeyDecl, ReferencesDecl,
    SchemaFile, TableDecl, UniqueDecl,
};
pub use kinds::PolicyKind;
pub use kinds_builder::{
    AttributeBuilder, CompositeTypeBuilder, DomainBuilder, ExtensionBuilder, PolicyBuilder,
};
pub use load::load_paths_with_files;
pub use load::{from_json_str, load_dir, load_file, load_paths, parse_json_str};
pub use objects::{
    ArgDecl, ForEach, FunctionDecl, MaterializedViewDecl, ReturnColumnDecl, SequenceDecl,
    TriggerDecl, ViewDecl,
};
pub use objects_builder::{
    ArgBuilder, FunctionBuilder, MaterializedViewBuilder, SequenceBuilder, TriggerBuilder,
    ViewBuilder,
};
pub use validate::{lower, Declared};
