//! Builder pieces for the object kinds of [`super::kinds`]; the entry
//! points are methods of [`super::SchemaBuilder`] and
//! [`super::TableBuilder`].

use super::kinds::ExtensionDecl;

/// Sets the version and namespace of an extension. See
/// [`super::SchemaBuilder::extension_with`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ExtensionBuilder(pub(super) ExtensionDecl);

impl ExtensionBuilder {
    /// `VERSION`: created at this version, updated to it when it differs.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.0.version = Some(version.into());
        self
    }

    /// `SCHEMA`: the namespace of the extension's objects.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.0.schema = Some(schema.into());
        self
    }
}
