//! graft: keeps PostgreSQL schemas in step with what plugins declare.
#![deny(missing_docs)]
