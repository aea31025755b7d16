//! The schema model: plain data that every stage speaks.
//!
//! Equal schemas compare equal however they were written: types are stored
//! in the form `format_type()` prints ([`types`]), expressions in normal form
//! ([`crate::sql::expr`]), every collection in canonical order ([`Schema::normalize`]),
//! and unnamed constraints and indexes get deterministic names when declared.

pub mod collation;
pub mod functions;
mod schema;
pub mod security;
pub mod sequences;
pub mod triggers;
pub mod types;
pub mod usertypes;
pub mod views;

pub use crate::sql::name::{check_ident, IdentError, QualName, MAX_IDENT_BYTES};
pub use functions::{
    ArgMode, Function, FunctionArg, FunctionKind, FunctionSetting, Parallel, ReturnColumn, Returns,
    Volatility,
};
pub use schema::*;
pub use security::{Grant, GrantKind, GrantObject, Policy, PolicyCommand, Privilege, RowSecurity};
pub use sequences::{Sequence, SequenceOwner};
pub use triggers::{Trigger, TriggerEnabled, TriggerEvent, TriggerTiming};
pub use types::{BaseType, ColumnType, TypeError};
pub use usertypes::{Attribute, CompositeType, Domain};
pub use views::{CheckOption, View};
