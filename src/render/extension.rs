//! Extensions, with versions and namespaces.

use crate::diff::ExtensionChange;
use crate::sql::{quote_ident, quote_literal};

/// The statements of a change to an extension.
pub(super) fn render(c: &ExtensionChange) -> Vec<String> {
    match c {
        ExtensionChange::Create {
            name,
            version,
            schema,
        } => create_extension(name, version.as_deref(), schema.as_deref()),
        ExtensionChange::Alter {
            name,
            version,
            schema,
        } => alter_extension(name, version.as_deref(), schema.as_deref()),
        ExtensionChange::Drop { name } => vec![format!("DROP EXTENSION {}", quote_ident(name))],
    }
}

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

#[cfg(test)]
mod tests {
    use crate::diff::{Change, ExtensionChange};

    fn sql(c: Change) -> Vec<String> {
        crate::render::render_step(c).unwrap().sql
    }

    #[test]
    fn extensions_with_versions_and_schemas() {
        assert_eq!(
            sql(Change::Extension(ExtensionChange::Create {
                name: "h\"store".into(),
                version: Some("1.8'".into()),
                schema: Some("my ns".into()),
            })),
            [
                r#"CREATE EXTENSION IF NOT EXISTS "h""store" WITH SCHEMA "my ns" VERSION '1.8'''"#,
                r#"ALTER EXTENSION "h""store" UPDATE TO '1.8'''"#
            ]
        );
        assert_eq!(
            sql(Change::Extension(ExtensionChange::Alter {
                name: "hstore".into(),
                version: None,
                schema: Some("public".into()),
            })),
            [r#"ALTER EXTENSION "hstore" SET SCHEMA "public""#]
        );
        assert_eq!(
            sql(Change::Extension(ExtensionChange::Alter {
                name: "hstore".into(),
                version: Some("1.8".into()),
                schema: None,
            })),
            [r#"ALTER EXTENSION "hstore" UPDATE TO '1.8'"#]
        );
    }
}
