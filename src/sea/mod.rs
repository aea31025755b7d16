//! SeaQuery and SeaORM interoperation.
//!
//! - [`FromSeaQuery`] declares a plugin schema from SeaQuery statements,
//!   such as SeaORM's `Schema::create_table_from_entity` produces, so a
//!   SeaORM application can let graft migrate the tables its entities
//!   describe.

mod declare;
mod scan;

pub use declare::FromSeaQuery;
