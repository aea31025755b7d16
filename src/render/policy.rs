//! Row-level security: the flags of a table, and its policies created,
//! altered and dropped.

use super::grant::role_list;
use crate::diff::PolicyChange;
use crate::sql::{qualified, quote_ident};

/// The statements of a change to row-level security.
pub(super) fn render(c: &PolicyChange) -> Vec<String> {
    match c {
        PolicyChange::AlterRowSecurity { table, old, new } => {
            let mut out = Vec::new();
            let t = qualified(table);
            if old.enabled != new.enabled {
                let verb = if new.enabled { "ENABLE" } else { "DISABLE" };
                out.push(format!("ALTER TABLE {t} {verb} ROW LEVEL SECURITY"));
            }
            if old.forced != new.forced {
                let verb = if new.forced { "FORCE" } else { "NO FORCE" };
                out.push(format!("ALTER TABLE {t} {verb} ROW LEVEL SECURITY"));
            }
            out
        }
        PolicyChange::Create { table, policy } => {
            let mut s = format!(
                "CREATE POLICY {} ON {}",
                quote_ident(&policy.name),
                qualified(table)
            );
            if policy.restrictive {
                s.push_str(" AS RESTRICTIVE");
            }
            if !policy.command.is_default() {
                s.push_str(&format!(" FOR {}", policy.command.keyword()));
            }
            if !policy.roles.is_empty() {
                s.push_str(&format!(" TO {}", role_list(&policy.roles)));
            }
            if let Some(u) = &policy.using {
                s.push_str(&format!(" USING ({u})"));
            }
            if let Some(w) = &policy.with_check {
                s.push_str(&format!(" WITH CHECK ({w})"));
            }
            vec![s]
        }
        PolicyChange::Drop { table, name } => vec![format!(
            "DROP POLICY {} ON {}",
            quote_ident(name),
            qualified(table)
        )],
        PolicyChange::Alter {
            table,
            name,
            roles,
            using,
            with_check,
        } => {
            let mut s = format!("ALTER POLICY {} ON {}", quote_ident(name), qualified(table));
            if let Some(r) = roles {
                s.push_str(&format!(" TO {}", role_list(r)));
            }
            if let Some(u) = using {
                s.push_str(&format!(" USING ({u})"));
            }
            if let Some(w) = with_check {
                s.push_str(&format!(" WITH CHECK ({w})"));
            }
            vec![s]
        }
    }
}
