//! The single place where graft hashes: blake3 over canonical bytes, printed
//! as lower-case hex. Never `std::hash::Hash`, whose output is not stable.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A blake3 hash in lower-case hex (64 characters).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SnapshotHash(String);

impl SnapshotHash {
    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps hex text read from the database.
    pub fn from_hex(s: impl Into<String>) -> Self {
        SnapshotHash(s.into())
    }

    /// The first 12 hex digits, for people.
    pub fn short(&self) -> &str {
        &self.0[..self.0.len().min(12)]
    }
}

impl fmt::Display for SnapshotHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// blake3 of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> SnapshotHash {
    SnapshotHash(blake3::hash(bytes).to_hex().to_string())
}

/// The checksum of a hand-written script: blake3 of its text with CRLF folded to LF.
pub fn script_checksum(text: &str) -> SnapshotHash {
    hash_bytes(text.replace("\r\n", "\n").as_bytes())
}
