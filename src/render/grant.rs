//! Privileges: `GRANT` and `REVOKE` on namespaces, tables, views,
//! columns, sequences and functions.

use super::ident::render_type;
use crate::diff::GrantChange;
use crate::model::security::PUBLIC;
use crate::model::{GrantObject, Privilege};
use crate::sql::{qualified, quote_ident};

/// The statements of a change to privileges.
pub(super) fn render(c: &GrantChange) -> Vec<String> {
    match c {
        GrantChange::Grant {
            on,
            grantee,
            privileges,
            with_grant_option,
        } => {
            let mut s = format!(
                "GRANT {} TO {}",
                privileges_on(on, privileges),
                role_list(std::slice::from_ref(grantee))
            );
            if *with_grant_option {
                s.push_str(" WITH GRANT OPTION");
            }
            vec![s]
        }
        GrantChange::Revoke {
            on,
            grantee,
            privileges,
            grant_option_only,
        } => vec![format!(
            "REVOKE {}{} FROM {}",
            if *grant_option_only {
                "GRANT OPTION FOR "
            } else {
                ""
            },
            privileges_on(on, privileges),
            role_list(std::slice::from_ref(grantee))
        )],
    }
}

/// A role list: `PUBLIC` for [`PUBLIC`], other names quoted.
pub(super) fn role_list(roles: &[String]) -> String {
    roles
        .iter()
        .map(|r| {
            if r == PUBLIC {
                "PUBLIC".to_string()
            } else {
                quote_ident(r)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SELECT, INSERT ON TABLE "s"."t"`, `UPDATE ("c") ON TABLE …`,
/// `USAGE ON SCHEMA …`, `EXECUTE ON ROUTINE "s"."f"(integer)`.
fn privileges_on(on: &GrantObject, privileges: &[Privilege]) -> String {
    let list = |suffix: &str| {
        privileges
            .iter()
            .map(|p| format!("{}{suffix}", p.keyword()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match on {
        GrantObject::Namespace { name } => format!("{} ON SCHEMA {}", list(""), quote_ident(name)),
        GrantObject::Table { name } => format!("{} ON TABLE {}", list(""), qualified(name)),
        GrantObject::Column { table, column } => format!(
            "{} ON TABLE {}",
            list(&format!(" ({})", quote_ident(column))),
            qualified(table)
        ),
        GrantObject::Sequence { name } => format!("{} ON SEQUENCE {}", list(""), qualified(name)),
        GrantObject::Function { name, args } => format!(
            "{} ON ROUTINE {}({})",
            list(""),
            qualified(name),
            args.iter().map(render_type).collect::<Vec<_>>().join(", ")
        ),
    }
}
