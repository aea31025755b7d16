//! Drift: what changed in the live database outside graft.

pub mod scope;
