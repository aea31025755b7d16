//! SeaQuery and SeaORM interoperation.
//!
//! - [`FromSeaQuery`] declares a plugin schema from SeaQuery statements,
//!   such as SeaORM's `Schema::create_table_from_entity` produces, so a
//!   SeaORM application can let graft migrate the tables its entities
//!   describe.
//! - [`to_sea_schema`] describes a graft schema as sea-schema's Postgres
//!   `def` types, whose writer gives the `TableCreateStatement`s SeaORM's
//!   entity generator takes: SeaORM entities from a graft declaration,
//!   without a database.

mod declare;
mod scan;
mod schema;

pub use declare::FromSeaQuery;
pub use schema::{to_sea_schema, Omission, SeaSchema};
