//! The verbs that read whole databases: `drift`, `diff`, `pull`.

pub(super) mod drift;
