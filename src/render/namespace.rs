//! `CREATE SCHEMA`, `DROP SCHEMA`.

use crate::diff::NamespaceChange;
use crate::sql::quote_ident;

/// The statements of a change to a namespace.
pub(super) fn render(c: &NamespaceChange) -> Vec<String> {
    match c {
        NamespaceChange::Create { name } => {
            vec![format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(name))]
        }
        NamespaceChange::Drop { name } => vec![format!("DROP SCHEMA {}", quote_ident(name))],
    }
}
