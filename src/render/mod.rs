//! Renders plan steps as PostgreSQL SQL.
