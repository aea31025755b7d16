//! Validation and lowering of the object kinds of [`super::kinds`], called
//! from [`super::validate`] in its fixed order.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::kinds::ExtensionDecl;
use super::validate::Loc;
use crate::model::Extension;

/// Rejects an empty text or one with a NUL byte (PostgreSQL cannot store it).
fn text(loc: &Loc, what: &str, value: &str) -> Result<(), DeclareError> {
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
        text(loc, &format!("version of extension `{}`", e.name), v)?;
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
