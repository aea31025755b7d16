//! Validation and lowering of the object kinds of [`super::kinds`], called
//! from [`super::validate`] in its fixed order.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::kinds::ExtensionDecl;
use super::validate::Loc;
use crate::model::{check_ident, collation, ColumnType, Extension, QualName};

/// Rejects an empty text or one with a NUL byte (PostgreSQL cannot store it).
fn text_value(loc: &Loc, what: &str, value: &str) -> Result<(), DeclareError> {
    let why = if value.trim().is_empty() {
        "is empty"
    } else if value.contains('\0') {
        "contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(loc.err(K::Invalid {
        what: what.to_string(),
        why: why.to_string(),
    }))
}

/// One `"extensions"` entry.
pub(super) fn extension(loc: &Loc, e: &ExtensionDecl) -> Result<Extension, DeclareError> {
    loc.ident("extension name", &e.name)?;
    if let Some(v) = &e.version {
        text_value(loc, &format!("version of extension `{}`", e.name), v)?;
    }
    if let Some(s) = &e.schema {
        loc.ident(&format!("schema of extension `{}`", e.name), s)?;
    }
    Ok(Extension {
        name: e.name.clone(),
        version: e.version.clone(),
        schema: e.schema.clone(),
    })
}

/// A declared `COLLATE` for a value of type `ty`: `None` for none or
/// `default`. `collatable` says whether a user type takes a collation
/// (`None`: cannot tell, another plugin's type).
pub(super) fn collation(
    loc: &Loc,
    declared: Option<&str>,
    ty: &ColumnType,
    collatable: impl Fn(&QualName) -> Option<bool>,
) -> Result<Option<QualName>, DeclareError> {
    let Some(text) = declared else {
        return Ok(None);
    };
    text_value(loc, "collation", text)?;
    let Some(q) = collation::parse(text) else {
        return Ok(None);
    };
    check_ident(&q.schema)
        .and_then(|_| check_ident(&q.name))
        .map_err(|source| {
            loc.err(K::BadIdent {
                what: "collation name".into(),
                source,
            })
        })?;
    let ok = match &ty.base {
        crate::model::BaseType::Builtin(b) => collation::builtin_is_collatable(b),
        crate::model::BaseType::Named(n) => collatable(n).unwrap_or(true),
    };
    if !ok {
        return Err(loc.err(K::Invalid {
            what: format!("collation `{text}`"),
            why: format!("type `{}` does not take a collation", ty.canonical()),
        }));
    }
    Ok(Some(q))
}

impl super::validate::Lowering<'_> {
    /// Whether a user type named in a declaration takes a collation: the
    /// plugin's enums do not; another plugin's type cannot be told.
    pub(super) fn collatable(&self, q: &QualName) -> Option<bool> {
        if q.schema != self.ns {
            return None;
        }
        if self.enums.contains(q.name.as_str()) {
            return Some(false);
        }
        None
    }
}
