//! Reads live schemas from `pg_catalog` into [`crate::model::Schema`].
