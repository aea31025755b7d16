//! Types as SQL: [`render_type`], and the check that a built-in type's
//! text is safe to insert verbatim. Names and literals are quoted by
//! [`crate::sql::quote`].

use crate::model::{BaseType, ColumnType};
use crate::sql::qualified;

/// A column type as SQL: built-in types verbatim (the model keeps them in the
/// canonical spelling from a whitelist), user types qualified and quoted, and
/// `[]` for arrays.
pub fn render_type(ty: &ColumnType) -> String {
    let mut out = match &ty.base {
        BaseType::Builtin(b) => b.clone(),
        BaseType::Named(q) => qualified(q),
    };
    if ty.array {
        out.push_str("[]");
    }
    out
}

/// Whether a built-in type's text is safe to insert verbatim: words, digits,
/// spaces, parentheses, commas, dots and double quotes (`"char"`), nothing
/// that could end a statement or start a comment or a literal. Types from the
/// model's whitelist and from `format_type()` always pass; a tampered
/// snapshot may not.
pub(crate) fn is_safe_builtin(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '(' | ')' | ',' | '.' | '"')
        })
        && text.chars().filter(|c| *c == '"').count() % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    #[test]
    fn types() {
        assert_eq!(
            render_type(&ColumnType::builtin("numeric(12,2)")),
            "numeric(12,2)"
        );
        assert_eq!(render_type(&ColumnType::builtin("text[]")), "text[]");
        assert_eq!(
            render_type(&ColumnType::named(QualName::new("b", "st\"atus"), true)),
            r#""b"."st""atus"[]"#
        );
        assert!(is_safe_builtin("timestamp(3) with time zone"));
        assert!(is_safe_builtin("\"char\""));
        assert!(!is_safe_builtin("text; DROP TABLE x"));
        assert!(!is_safe_builtin("text -- x"));
        assert!(!is_safe_builtin("text DEFAULT 'x'"));
        assert!(!is_safe_builtin(""));
    }
}
