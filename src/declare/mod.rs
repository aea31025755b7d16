//! Declared schemas: the JSON file format v1 and the Rust builder API.
