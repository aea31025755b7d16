//! Builder pieces for the object kinds of [`super::kinds`]; the entry
//! points are methods of [`super::SchemaBuilder`] and
//! [`super::TableBuilder`].

use super::file::CheckDecl;
use super::kinds::{
    AttributeDecl, CompositeTypeDecl, DomainDecl, ExtensionDecl, PolicyDecl, PolicyKind,
};
use crate::model::PolicyCommand;

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

impl super::SchemaBuilder {
    /// Declares a domain over `ty` (any column type: a built-in, one of
    /// the plugin's enums, domains or composite types, an array), its
    /// constraints set by `f`.
    pub fn domain(
        mut self,
        name: impl Into<String>,
        ty: impl Into<String>,
        f: impl FnOnce(DomainBuilder) -> DomainBuilder,
    ) -> Self {
        let d = f(DomainBuilder(DomainDecl {
            name: name.into(),
            ty: ty.into(),
            ..DomainDecl::default()
        }));
        self.file.domains.push(d.0);
        self
    }

    /// Declares a composite type, its attributes added by `f`.
    pub fn composite_type(
        mut self,
        name: impl Into<String>,
        f: impl FnOnce(CompositeTypeBuilder) -> CompositeTypeBuilder,
    ) -> Self {
        let c = f(CompositeTypeBuilder(CompositeTypeDecl {
            name: name.into(),
            attributes: Vec::new(),
        }));
        self.file.composite_types.push(c.0);
        self
    }
}

/// Describes a domain. See [`super::SchemaBuilder::domain`].
#[derive(Debug, Clone)]
#[must_use]
pub struct DomainBuilder(DomainDecl);

impl DomainBuilder {
    /// `COLLATE` (as a column's).
    pub fn collation(mut self, collation: impl Into<String>) -> Self {
        self.0.collation = Some(collation.into());
        self
    }

    /// `NOT NULL`.
    pub fn not_null(mut self) -> Self {
        self.0.nullable = Some(false);
        self
    }

    /// A default expression, written as PostgreSQL prints it back.
    pub fn default(mut self, expr: impl Into<String>) -> Self {
        self.0.default = Some(expr.into());
        self
    }

    /// A check on `VALUE`, named `<domain>_check` (then `…_check1`, …).
    /// Write it as PostgreSQL prints it back, e.g. `(VALUE > 0)`.
    pub fn check(mut self, expr: impl Into<String>) -> Self {
        self.0.checks.push(CheckDecl {
            name: None,
            expr: expr.into(),
        });
        self
    }

    /// A named check on `VALUE`.
    pub fn check_named(mut self, name: impl Into<String>, expr: impl Into<String>) -> Self {
        self.0.checks.push(CheckDecl {
            name: Some(name.into()),
            expr: expr.into(),
        });
        self
    }
}

/// Describes a composite type. See [`super::SchemaBuilder::composite_type`].
#[derive(Debug, Clone)]
#[must_use]
pub struct CompositeTypeBuilder(CompositeTypeDecl);

impl CompositeTypeBuilder {
    /// An attribute of type `ty`, its collation set by `f` (`|a| a` for none).
    pub fn attribute(
        mut self,
        name: impl Into<String>,
        ty: impl Into<String>,
        f: impl FnOnce(AttributeBuilder) -> AttributeBuilder,
    ) -> Self {
        let a = f(AttributeBuilder(AttributeDecl {
            name: name.into(),
            ty: ty.into(),
            collation: None,
        }));
        self.0.attributes.push(a.0);
        self
    }
}

/// Describes an attribute. See [`CompositeTypeBuilder::attribute`].
#[derive(Debug, Clone)]
#[must_use]
pub struct AttributeBuilder(AttributeDecl);

impl AttributeBuilder {
    /// `COLLATE` (as a column's).
    pub fn collation(mut self, collation: impl Into<String>) -> Self {
        self.0.collation = Some(collation.into());
        self
    }
}

impl super::TableBuilder {
    /// `ENABLE ROW LEVEL SECURITY`.
    pub fn row_level_security(mut self) -> Self {
        self.decl.row_level_security = true;
        self
    }

    /// `FORCE ROW LEVEL SECURITY`: the owner is subject to the policies too.
    pub fn force_row_level_security(mut self) -> Self {
        self.decl.force_row_level_security = true;
        self
    }
}

impl super::SchemaBuilder {
    /// A row-level security policy on the plugin's `table`, described by
    /// `f` (permissive, for all commands and every role unless told).
    pub fn policy(
        mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        f: impl FnOnce(PolicyBuilder) -> PolicyBuilder,
    ) -> Self {
        let p = f(PolicyBuilder(PolicyDecl {
            name: name.into(),
            table: table.into(),
            ..PolicyDecl::default()
        }));
        self.file.policies.push(p.0);
        self
    }
}

/// Describes a policy. See [`super::SchemaBuilder::policy`].
#[derive(Debug, Clone)]
#[must_use]
pub struct PolicyBuilder(PolicyDecl);

impl PolicyBuilder {
    /// `AS RESTRICTIVE`.
    pub fn restrictive(mut self) -> Self {
        self.0.kind = PolicyKind::Restrictive;
        self
    }

    /// `FOR …` (`ALL` by default).
    pub fn command(mut self, command: PolicyCommand) -> Self {
        self.0.command = command;
        self
    }

    /// `TO …`: roles by name (`public` is every role).
    pub fn to(mut self, roles: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.0.to.extend(roles.into_iter().map(Into::into));
        self
    }

    /// `USING (…)`, written as PostgreSQL prints it back.
    pub fn using(mut self, expr: impl Into<String>) -> Self {
        self.0.using = Some(expr.into());
        self
    }

    /// `WITH CHECK (…)`, written as PostgreSQL prints it back.
    pub fn with_check(mut self, expr: impl Into<String>) -> Self {
        self.0.with_check = Some(expr.into());
        self
    }
}
