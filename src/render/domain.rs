//! Domains: created, recreated (new base type or collation, columns
//! re-cast), default, `NOT NULL` and checks altered, dropped.

use super::ident::render_type;
use super::parts::{parked_name, Renderer};
use super::RenderError;
use crate::diff::DomainChange;
use crate::model::{BaseType, ColumnType, Domain, QualName};
use crate::sql::{qualified, quote_ident};

/// The statements of a change to a domain.
pub(super) fn render(r: &Renderer, c: &DomainChange) -> Result<Vec<String>, RenderError> {
    Ok(match c {
        DomainChange::Create { domain } => vec![create_domain(domain, r.ty(&domain.base)?)],
        DomainChange::Drop { domain } => vec![format!("DROP DOMAIN {}", qualified(&domain.name))],
        DomainChange::Recreate { old, new, columns } => {
            let parked = QualName::new(old.name.schema.clone(), parked_name(&old.name.name));
            let mut out = vec![
                format!(
                    "ALTER DOMAIN {} RENAME TO {}",
                    qualified(&old.name),
                    quote_ident(&parked.name)
                ),
                create_domain(new, r.ty(&new.base)?),
            ];
            let via_text = matches!(old.base.base, BaseType::Named(_))
                || matches!(new.base.base, BaseType::Named(_));
            for col in columns {
                let c = quote_ident(&col.column);
                let target = render_type(&ColumnType::named(new.name.clone(), col.array));
                let mut via = if via_text {
                    "text".to_string()
                } else {
                    r.ty(&new.base)?
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
        DomainChange::SetDefault { name, default } => vec![match default {
            Some(d) => format!("ALTER DOMAIN {} SET DEFAULT {d}", qualified(name)),
            None => format!("ALTER DOMAIN {} DROP DEFAULT", qualified(name)),
        }],
        DomainChange::SetNotNull { name, not_null } => vec![format!(
            "ALTER DOMAIN {} {} NOT NULL",
            qualified(name),
            if *not_null { "SET" } else { "DROP" }
        )],
        DomainChange::AddCheck { domain, check } => vec![format!(
            "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({})",
            qualified(domain),
            quote_ident(&check.name),
            check.expr
        )],
        DomainChange::DropCheck { domain, name } => vec![format!(
            "ALTER DOMAIN {} DROP CONSTRAINT {}",
            qualified(domain),
            quote_ident(name)
        )],
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
    use crate::diff::{Change, CompositeChange, DomainChange};

    fn sql(c: Change) -> Vec<String> {
        crate::render::render_step(c).unwrap().sql
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
            sql(Change::Domain(DomainChange::Create { domain: d.clone() })),
            [
                r#"CREATE DOMAIN "my ns"."we""ird" AS "my ns"."b""ase"[] COLLATE "pg_catalog"."C" CONSTRAINT "c;k" CHECK ((VALUE IS NOT NULL))"#
            ]
        );
        let mut bad = d.clone();
        bad.base = ColumnType::builtin("text; DROP TABLE x");
        assert!(
            crate::render::render_step(Change::Domain(DomainChange::Create { domain: bad }))
                .is_err()
        );
        let c = CompositeType {
            name: q("t y"),
            attributes: vec![Attribute::new("a\"b", ColumnType::builtin("integer"))],
        };
        assert_eq!(
            sql(Change::Composite(CompositeChange::Create { composite: c })),
            [r#"CREATE TYPE "my ns"."t y" AS ("a""b" integer)"#]
        );
        assert_eq!(
            sql(Change::Composite(CompositeChange::DropAttribute {
                r#type: q("t y"),
                name: "x\"".into()
            })),
            [r#"ALTER TYPE "my ns"."t y" DROP ATTRIBUTE "x""""#]
        );
        assert_eq!(
            sql(Change::Domain(DomainChange::SetDefault {
                name: q("we\"ird"),
                default: None
            })),
            [r#"ALTER DOMAIN "my ns"."we""ird" DROP DEFAULT"#]
        );
    }
}
