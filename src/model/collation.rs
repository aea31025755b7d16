//! Collations: how a declaration names one, how a file writes it back, and
//! which types take one.
//!
//! A collation is a [`QualName`]. The collations PostgreSQL ships live in
//! `pg_catalog` and are named bare in a declaration (`"C"`, `"POSIX"`,
//! `"und-x-icu"`, `"en_US.utf8"`: dots and dashes belong to the name);
//! others are written quoted and qualified (`"\"app\".\"german\""`).
//! `"default"` is the type's default collation, which the model writes as no
//! collation at all (PostgreSQL stores the type's collation then).

use crate::sql::QualName;

/// The namespace of the collations PostgreSQL ships.
pub const CATALOG: &str = "pg_catalog";

/// A declared collation: `None` for `default`.
pub fn parse(text: &str) -> Option<QualName> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("default") || text == "\"default\"" {
        return None;
    }
    Some(if text.contains('"') {
        QualName::parse(text, CATALOG)
    } else {
        QualName::new(CATALOG, text)
    })
}

/// A collation as a file writes it: bare in `pg_catalog`, else quoted and
/// qualified. [`parse`] reads it back.
pub fn to_text(q: &QualName) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    if q.schema == CATALOG && !q.name.contains('"') && !q.name.eq_ignore_ascii_case("default") {
        q.name.clone()
    } else {
        format!("{}.{}", quote(&q.schema), quote(&q.name))
    }
}

/// Whether a built-in type (canonical text, see [`super::types`]) takes a
/// collation: the string types.
pub fn builtin_is_collatable(canonical: &str) -> bool {
    let head = canonical.split('(').next().unwrap_or(canonical);
    matches!(head, "text" | "character varying" | "character" | "name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for text in ["C", "und-x-icu", "en_US.utf8", "\"app\".\"ger\"\"man\""] {
            let q = parse(text).unwrap();
            assert_eq!(parse(&to_text(&q)), Some(q.clone()), "{text}");
        }
        assert_eq!(
            parse("en_US.utf8"),
            Some(QualName::new(CATALOG, "en_US.utf8"))
        );
        assert_eq!(parse("\"app\".\"x\""), Some(QualName::new("app", "x")));
        assert_eq!(parse("default"), None);
        assert!(builtin_is_collatable("character varying(20)"));
        assert!(builtin_is_collatable("text"));
        assert!(!builtin_is_collatable("integer"));
    }
}
