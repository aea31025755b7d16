//! graft: keeps PostgreSQL schemas in step with what plugins declare.
#![deny(missing_docs)]

pub mod declare;
pub mod diff;
pub mod embedded;
pub mod introspect;
pub mod model;
pub mod plan;
pub mod render;
pub mod testing;
