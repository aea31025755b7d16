//! graft: keeps PostgreSQL schemas in step with what plugins declare.
//!
//! ```text
//! declared schema ── builder / JSON ──► model::Schema ──► snapshot (canonical JSON + blake3)
//! live database ──── introspect ──────► model::Schema
//! diff(old, new) ──► Vec<Change> ──► plan ──► render ──► apply (one transaction)
//! ```
#![deny(missing_docs)]

#[doc(hidden)]
pub mod bench_support;
pub mod cli;
pub mod declare;
pub mod diff;
pub mod drift;
pub mod embedded;
pub mod error;
pub mod introspect;
pub mod migrate;
pub mod model;
pub mod normalize;
pub mod plan;
pub mod registry;
pub mod render;
pub mod scripts;
pub mod sea;
pub mod snapshot;
pub mod sources;
pub mod sql;
pub mod store;
pub mod testing;

pub use error::Error;
pub use migrate::{Migrator, Options, Outcome, Report, RollbackOptions};
pub use registry::{Plugin, Registry};
pub use scripts::{Migration, Phase};
