//! Statements for the object kinds added after tables: extensions with
//! versions, domains and composite types. Same conventions as
//! [`super::ddl`].

use super::ddl::parked_name;
use super::ident::{is_safe_builtin, render_type};
use super::RenderError;
use crate::diff::Change;
use crate::model::security::PUBLIC;
use crate::model::{BaseType, ColumnType, Domain, GrantObject, Privilege, QualName};
use crate::sql::{qualified, quote_ident, quote_literal};

/// `CREATE EXTENSION IF NOT EXISTS … [WITH SCHEMA …] [VERSION …]`, then,
/// for a declared version, `ALTER EXTENSION … UPDATE TO …`: when the
/// extension existed already at another version, `IF NOT EXISTS` keeps it
/// as it was (at the declared version, the update only says so).
pub(super) fn create_extension(
    name: &str,
    version: Option<&str>,
    schema: Option<&str>,
) -> Vec<String> {
    let mut s = format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(name));
    if let Some(schema) = schema {
        s.push_str(&format!(" WITH SCHEMA {}", quote_ident(schema)));
    }
    if let Some(v) = version {
        s.push_str(&format!(" VERSION {}", quote_literal(v)));
    }
    let mut out = vec![s];
    if let Some(v) = version {
        out.push(format!(
            "ALTER EXTENSION {} UPDATE TO {}",
            quote_ident(name),
            quote_literal(v)
        ));
    }
    out
}

/// `ALTER EXTENSION … UPDATE TO …` and `… SET SCHEMA …`.
pub(super) fn alter_extension(
    name: &str,
    version: Option<&str>,
    schema: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = version {
        out.push(format!(
            "ALTER EXTENSION {} UPDATE TO {}",
            quote_ident(name),
            quote_literal(v)
        ));
    }
    if let Some(s) = schema {
        out.push(format!(
            "ALTER EXTENSION {} SET SCHEMA {}",
            quote_ident(name),
            quote_ident(s)
        ));
    }
    out
}

/// The statements of a change to a domain or composite type.
pub(super) fn render_types(change: &Change) -> Result<Vec<String>, RenderError> {
    let invalid = |reason: String| RenderError::Invalid {
        kind: change.kind(),
        subject: change.subject(),
        reason,
    };
    // Built-in type texts are inserted verbatim: only plain type names.
    let ty = |t: &ColumnType| match &t.base {
        BaseType::Builtin(b) if !is_safe_builtin(b) => {
            Err(invalid(format!("`{b}` is not a type name")))
        }
        _ => Ok(render_type(t)),
    };
    let collate = |c: &Option<QualName>| {
        c.as_ref()
            .map(|c| format!(" COLLATE {}", qualified(c)))
            .unwrap_or_default()
    };
    Ok(match change {
        Change::CreateDomain { domain } => vec![create_domain(domain, ty(&domain.base)?)],
        Change::DropDomain { domain } => vec![format!("DROP DOMAIN {}", qualified(&domain.name))],
        Change::RecreateDomain { old, new, columns } => {
            let parked = QualName::new(old.name.schema.clone(), parked_name(&old.name.name));
            let mut out = vec![
                format!(
                    "ALTER DOMAIN {} RENAME TO {}",
                    qualified(&old.name),
                    quote_ident(&parked.name)
                ),
                create_domain(new, ty(&new.base)?),
            ];
            let via_text = matches!(old.base.base, BaseType::Named(_))
                || matches!(new.base.base, BaseType::Named(_));
            for col in columns {
                let c = quote_ident(&col.column);
                let target = render_type(&ColumnType::named(new.name.clone(), col.array));
                let mut via = if via_text {
                    "text".to_string()
                } else {
                    ty(&new.base)?
                };
                if col.array {
                    via.push_str("[]");
                }
                let mut clauses = Vec::new();
                if col.has_default {
                    clauses.push(format!("ALTER COLUMN {c} DROP DEFAULT"));
                }
                clauses.push(format!(
                    "ALTER COLUMN {c} TYPE {target} USING {c}::{via}::{target}"
                ));
                if let Some(d) = &col.default {
                    clauses.push(format!("ALTER COLUMN {c} SET DEFAULT {d}"));
                }
                out.push(format!(
                    "ALTER TABLE {} {}",
                    qualified(&col.table),
                    clauses.join(", ")
                ));
            }
            out.push(format!("DROP DOMAIN {}", qualified(&parked)));
            out
        }
        Change::SetDomainDefault { name, default } => vec![match default {
            Some(d) => format!("ALTER DOMAIN {} SET DEFAULT {d}", qualified(name)),
            None => format!("ALTER DOMAIN {} DROP DEFAULT", qualified(name)),
        }],
        Change::SetDomainNotNull { name, not_null } => vec![format!(
            "ALTER DOMAIN {} {} NOT NULL",
            qualified(name),
            if *not_null { "SET" } else { "DROP" }
        )],
        Change::AddDomainCheck { domain, check } => vec![format!(
            "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({})",
            qualified(domain),
            quote_ident(&check.name),
            check.expr
        )],
        Change::DropDomainCheck { domain, name } => vec![format!(
            "ALTER DOMAIN {} DROP CONSTRAINT {}",
            qualified(domain),
            quote_ident(name)
        )],
        Change::CreateCompositeType { composite } => {
            let attrs = composite
                .attributes
                .iter()
                .map(|a| {
                    Ok(format!(
                        "{} {}{}",
                        quote_ident(&a.name),
                        ty(&a.ty)?,
                        collate(&a.collation)
                    ))
                })
                .collect::<Result<Vec<_>, RenderError>>()?;
            vec![format!(
                "CREATE TYPE {} AS ({})",
                qualified(&composite.name),
                attrs.join(", ")
            )]
        }
        Change::DropCompositeType { composite } => {
            vec![format!("DROP TYPE {}", qualified(&composite.name))]
        }
        Change::AddAttribute { r#type, attribute } => vec![format!(
            "ALTER TYPE {} ADD ATTRIBUTE {} {}{}",
            qualified(r#type),
            quote_ident(&attribute.name),
            ty(&attribute.ty)?,
            collate(&attribute.collation)
        )],
        Change::DropAttribute { r#type, name } => vec![format!(
            "ALTER TYPE {} DROP ATTRIBUTE {}",
            qualified(r#type),
            quote_ident(name)
        )],
        Change::AlterAttribute { r#type, new, .. } => vec![format!(
            "ALTER TYPE {} ALTER ATTRIBUTE {} SET DATA TYPE {}{}",
            qualified(r#type),
            quote_ident(&new.name),
            ty(&new.ty)?,
            collate(&new.collation)
        )],
        other => {
            return Err(invalid(format!(
                "`{}` is not a change to a type",
                other.kind()
            )))
        }
    })
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

/// The statements of a change to row-level security.
pub(super) fn render_security(change: &Change) -> Result<Vec<String>, RenderError> {
    Ok(match change {
        Change::AlterRowSecurity { table, old, new } => {
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
        Change::CreatePolicy { table, policy } => {
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
        Change::DropPolicy { table, name } => vec![format!(
            "DROP POLICY {} ON {}",
            quote_ident(name),
            qualified(table)
        )],
        Change::AlterPolicy {
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
        Change::GrantPrivileges {
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
        Change::RevokePrivileges {
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
        other => {
            return Err(RenderError::Invalid {
                kind: other.kind(),
                subject: other.subject(),
                reason: "not a change to row-level security or privileges".into(),
            })
        }
    })
}

/// `CREATE DOMAIN … AS base [COLLATE …] [DEFAULT …] [NOT NULL] [CONSTRAINT … CHECK (…)]…`.
fn create_domain(d: &Domain, base: String) -> String {
    let mut s = format!("CREATE DOMAIN {} AS {base}", qualified(&d.name));
    if let Some(c) = &d.collation {
        s.push_str(&format!(" COLLATE {}", qualified(c)));
    }
    if let Some(e) = &d.default {
        s.push_str(&format!(" DEFAULT {e}"));
    }
    if d.not_null {
        s.push_str(" NOT NULL");
    }
    for c in &d.checks {
        s.push_str(&format!(
            " CONSTRAINT {} CHECK ({})",
            quote_ident(&c.name),
            c.expr
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::diff::Change;

    fn sql(c: Change) -> Vec<String> {
        crate::render::render_step(c).unwrap().sql
    }

    #[test]
    fn extensions_with_versions_and_schemas() {
        assert_eq!(
            sql(Change::CreateExtension {
                name: "h\"store".into(),
                version: Some("1.8'".into()),
                schema: Some("my ns".into()),
            }),
            [
                r#"CREATE EXTENSION IF NOT EXISTS "h""store" WITH SCHEMA "my ns" VERSION '1.8'''"#,
                r#"ALTER EXTENSION "h""store" UPDATE TO '1.8'''"#
            ]
        );
        assert_eq!(
            sql(Change::AlterExtension {
                name: "hstore".into(),
                version: None,
                schema: Some("public".into()),
            }),
            [r#"ALTER EXTENSION "hstore" SET SCHEMA "public""#]
        );
        assert_eq!(
            sql(Change::AlterExtension {
                name: "hstore".into(),
                version: Some("1.8".into()),
                schema: None,
            }),
            [r#"ALTER EXTENSION "hstore" UPDATE TO '1.8'"#]
        );
    }

    #[test]
    fn types_quote_every_name() {
        use crate::model::{Attribute, Check, ColumnType, CompositeType, Domain, QualName};
        let q = |n: &str| QualName::new("my ns", n);
        let mut d = Domain::new(q("we\"ird"), ColumnType::named(q("b\"ase"), true));
        d.collation = Some(QualName::new("pg_catalog", "C"));
        d.checks.push(Check {
            name: "c;k".into(),
            expr: "(VALUE IS NOT NULL)".into(),
        });
        assert_eq!(
            sql(Change::CreateDomain { domain: d.clone() }),
            [
                r#"CREATE DOMAIN "my ns"."we""ird" AS "my ns"."b""ase"[] COLLATE "pg_catalog"."C" CONSTRAINT "c;k" CHECK ((VALUE IS NOT NULL))"#
            ]
        );
        let mut bad = d.clone();
        bad.base = ColumnType::builtin("text; DROP TABLE x");
        assert!(crate::render::render_step(Change::CreateDomain { domain: bad }).is_err());
        let c = CompositeType {
            name: q("t y"),
            attributes: vec![Attribute::new("a\"b", ColumnType::builtin("integer"))],
        };
        assert_eq!(
            sql(Change::CreateCompositeType { composite: c }),
            [r#"CREATE TYPE "my ns"."t y" AS ("a""b" integer)"#]
        );
        assert_eq!(
            sql(Change::DropAttribute {
                r#type: q("t y"),
                name: "x\"".into()
            }),
            [r#"ALTER TYPE "my ns"."t y" DROP ATTRIBUTE "x""""#]
        );
        assert_eq!(
            sql(Change::SetDomainDefault {
                name: q("we\"ird"),
                default: None
            }),
            [r#"ALTER DOMAIN "my ns"."we""ird" DROP DEFAULT"#]
        );
    }
}
