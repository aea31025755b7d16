//! Pure diff: `(old, new) → Vec<Change>`. No connection, no SQL.

mod change;

pub use change::Change;
