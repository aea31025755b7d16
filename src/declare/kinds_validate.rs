//! Validation and lowering of the object kinds of [`super::kinds`], called
//! from [`super::validate`] in its fixed order.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::kinds::{ExtensionDecl, PolicyKind};
use super::validate::Loc;
use crate::model::security::PUBLIC;
use crate::model::usertypes::named;
use crate::model::{check_ident, collation, ColumnType, Extension, QualName};
use crate::model::{Attribute, Check, CompositeType, Domain};
use crate::model::{Grant, GrantKind, GrantObject, Policy, Privilege, Table};
use std::collections::{BTreeMap, HashMap, HashSet};

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
        if self.enums.contains(q.name.as_str()) || self.types.composites.contains(q.name.as_str()) {
            return Some(false);
        }
        // A domain takes a collation when its base does (no cycles: checked
        // before collations are).
        match self.types.domains.get(q.name.as_str()) {
            Some(Some(base)) => match &base.base {
                crate::model::BaseType::Builtin(b) => Some(collation::builtin_is_collatable(b)),
                crate::model::BaseType::Named(n) if n != q => self.collatable(n),
                crate::model::BaseType::Named(_) => Some(false),
            },
            _ => None,
        }
    }
}

/// The plugin's domains and composite types, by name: what type names
/// resolve to while lowering.
#[derive(Default)]
pub(super) struct UserTypes<'a> {
    /// Domains by name, with their base type once resolved.
    domains: HashMap<&'a str, Option<ColumnType>>,
    /// Composite types by name.
    composites: HashSet<&'a str>,
}

impl UserTypes<'_> {
    /// `domain` or `composite type` when `name` is one of the plugin's.
    pub(super) fn kind(&self, name: &str) -> Option<&'static str> {
        if self.domains.contains_key(name) {
            Some("domain")
        } else if self.composites.contains(name) {
            Some("composite type")
        } else {
            None
        }
    }
}

impl<'a> super::validate::Lowering<'a> {
    /// Domains and composite types, after the enums: names first (they may
    /// refer to each other in any order), then their types, a check that
    /// none is built on itself, then collations, defaults and checks.
    pub(super) fn lower_types(
        &mut self,
    ) -> Result<(Vec<Domain>, Vec<CompositeType>), DeclareError> {
        let f = self.file;
        let loc = self.loc.clone();
        for (kind, name) in f.domains.iter().map(|d| ("domain", &d.name)).chain(
            f.composite_types
                .iter()
                .map(|c| ("composite type", &c.name)),
        ) {
            loc.ident(&format!("{kind} name"), name)?;
            let at = loc.object(format!("{kind} `{name}`"));
            let other = if self.enums.contains(name.as_str()) {
                Some("enum")
            } else {
                self.types.kind(name)
            };
            match other {
                Some(other) if other == kind => {
                    return Err(loc.err(K::Duplicate {
                        what: kind.into(),
                        name: name.clone(),
                    }))
                }
                Some(other) => {
                    return Err(at.err(K::NameClash {
                        what: format!("{kind} `{name}`"),
                        name: name.clone(),
                        other: format!("{other} `{name}`"),
                    }))
                }
                None => {}
            }
            if kind == "domain" {
                self.types.domains.insert(name, None);
            } else {
                self.types.composites.insert(name);
            }
        }

        let mut domains = Vec::with_capacity(f.domains.len());
        for d in &f.domains {
            let at = loc.object(format!("domain `{}`", d.name));
            let base = self.resolve_type(&at, &d.ty)?;
            domains.push(Domain::new(QualName::new(&self.ns, &d.name), base));
        }
        let mut composites = Vec::with_capacity(f.composite_types.len());
        for c in &f.composite_types {
            let at = loc.object(format!("composite type `{}`", c.name));
            let mut names = HashSet::new();
            let mut attributes = Vec::with_capacity(c.attributes.len());
            for a in &c.attributes {
                at.ident("attribute name", &a.name)?;
                if !names.insert(&a.name) {
                    return Err(at.err(K::Duplicate {
                        what: "attribute".into(),
                        name: a.name.clone(),
                    }));
                }
                let aat = loc.object(format!(
                    "composite type `{}`, attribute `{}`",
                    c.name, a.name
                ));
                attributes.push(Attribute::new(&a.name, self.resolve_type(&aat, &a.ty)?));
            }
            composites.push(CompositeType {
                name: QualName::new(&self.ns, &c.name),
                attributes,
            });
        }
        for d in &domains {
            if let Some(slot) = self.types.domains.get_mut(d.name.name.as_str()) {
                *slot = Some(d.base.clone());
            }
        }
        self.check_type_cycles(&domains, &composites)?;

        for (d, decl) in domains.iter_mut().zip(&f.domains) {
            let at = loc.object(format!("domain `{}`", d.name.name));
            d.collation = collation(&at, decl.collation.as_deref(), &d.base, |q| {
                self.collatable(q)
            })?;
            d.not_null = decl.nullable == Some(false);
            d.default = decl
                .default
                .as_deref()
                .map(|e| at.default_expr("default", e))
                .transpose()?;
            let mut taken: HashSet<String> = HashSet::new();
            for c in &decl.checks {
                if let Some(n) = &c.name {
                    at.ident("constraint name", n)?;
                    if !taken.insert(n.clone()) {
                        return Err(at.err(K::Duplicate {
                            what: "constraint name".into(),
                            name: n.clone(),
                        }));
                    }
                }
            }
            for (i, c) in decl.checks.iter().enumerate() {
                let what = super::validate::describe("check", c.name.as_deref(), i);
                let expr = at.expr(&format!("expression of {what}"), &c.expr)?;
                let name = match &c.name {
                    Some(n) => n.clone(),
                    None => {
                        let n = super::validate::choose_name(&d.name.name, "", "check", |n| {
                            !taken.contains(n)
                        });
                        taken.insert(n.clone());
                        n
                    }
                };
                d.checks.push(Check { name, expr });
            }
        }
        for (c, decl) in composites.iter_mut().zip(&f.composite_types) {
            for (a, ad) in c.attributes.iter_mut().zip(&decl.attributes) {
                let at = loc.object(format!(
                    "composite type `{}`, attribute `{}`",
                    c.name.name, a.name
                ));
                a.collation =
                    collation(&at, ad.collation.as_deref(), &a.ty, |q| self.collatable(q))?;
            }
        }
        Ok((domains, composites))
    }

    /// A domain or composite type built on itself (directly or through
    /// others of the plugin) is an error naming the chain.
    fn check_type_cycles(
        &self,
        domains: &[Domain],
        composites: &[CompositeType],
    ) -> Result<(), DeclareError> {
        let mut edges: BTreeMap<&str, (&'static str, Vec<&str>)> = BTreeMap::new();
        let own = |q: &QualName| q.schema == self.ns;
        for d in domains {
            let uses = named(&d.base).filter(|q| own(q)).map(|q| q.name.as_str());
            edges.insert(&d.name.name, ("domain", uses.into_iter().collect()));
        }
        for c in composites {
            let uses = c
                .attributes
                .iter()
                .filter_map(|a| named(&a.ty))
                .filter(|q| own(q))
                .map(|q| q.name.as_str())
                .collect();
            edges.insert(&c.name.name, ("composite type", uses));
        }
        // Depth-first from each type in declaration order; `path` is the
        // chain being explored.
        let order = domains
            .iter()
            .map(|d| &d.name.name)
            .chain(composites.iter().map(|c| &c.name.name));
        let mut done: HashSet<&str> = HashSet::new();
        for start in order {
            let mut path: Vec<&str> = vec![start];
            let mut stack: Vec<std::vec::IntoIter<&str>> = vec![edges
                .get(start.as_str())
                .map(|e| e.1.clone())
                .unwrap_or_default()
                .into_iter()];
            while let Some(next) = stack.last_mut().map(Iterator::next) {
                match next {
                    None => {
                        stack.pop();
                        if let Some(n) = path.pop() {
                            done.insert(n);
                        }
                    }
                    Some(n) if path.contains(&n) => {
                        let from = path.iter().position(|p| *p == n).unwrap_or(0);
                        let mut chain: Vec<String> =
                            path[from..].iter().map(|p| format!("`{p}`")).collect();
                        chain.push(format!("`{n}`"));
                        let kind = edges.get(n).map_or("type", |e| e.0);
                        return Err(self.loc.object(format!("{kind} `{n}`")).err(K::Invalid {
                            what: "type".into(),
                            why: format!("is built on itself: {}", chain.join(" -> ")),
                        }));
                    }
                    Some(n) if done.contains(n) || !edges.contains_key(n) => {}
                    Some(n) => {
                        path.push(n);
                        stack.push(edges[n].1.clone().into_iter());
                    }
                }
            }
        }
        Ok(())
    }
}

/// Role names of a policy or grant: `public` (every role) or valid
/// identifiers; in a policy, `public` stands alone (PostgreSQL would ignore
/// the others), a grant gives it as an ACL entry of its own.
pub(super) fn roles(
    at: &Loc,
    roles: &[String],
    public_alone: bool,
) -> Result<Vec<String>, DeclareError> {
    let mut out: Vec<String> = Vec::with_capacity(roles.len());
    for r in roles {
        at.ident("role name", r)?;
        if out.contains(r) {
            return Err(at.err(K::Invalid {
                what: format!("role `{r}`"),
                why: "is listed twice".into(),
            }));
        }
        out.push(r.clone());
    }
    if public_alone && out.len() > 1 && out.iter().any(|r| r == PUBLIC) {
        return Err(at.err(K::Invalid {
            what: "role `public`".into(),
            why: "is every role; list it alone".into(),
        }));
    }
    Ok(out)
}

impl super::validate::Lowering<'_> {
    /// The `"policies"`, after the tables: each on one of the plugin's
    /// tables, unique per table, with the expressions its command takes.
    pub(super) fn lower_policies(&self, tables: &mut [Table]) -> Result<(), DeclareError> {
        for p in &self.file.policies {
            let at = self.loc.object(format!("policy `{}`", p.name));
            self.loc.ident("policy name", &p.name)?;
            let target = QualName::parse(&p.table, &self.ns);
            at.ident("table name", &target.name)?;
            let Some(t) = tables.iter_mut().find(|t| t.name == target) else {
                return Err(at.err(K::MissingTable {
                    what: format!("policy `{}`", p.name),
                    name: target.to_string(),
                }));
            };
            if t.policies.iter().any(|o| o.name == p.name) {
                return Err(self.loc.table(&t.name.name).err(K::Duplicate {
                    what: "policy".into(),
                    name: p.name.clone(),
                }));
            }
            let mut policy = Policy::new(&p.name);
            policy.restrictive = p.kind == PolicyKind::Restrictive;
            policy.command = p.command;
            policy.roles = roles(&at, &p.to, true)?;
            let cmd = p.command.keyword();
            if let Some(u) = &p.using {
                if !p.command.takes_using() {
                    return Err(at.err(K::Invalid {
                        what: "`using`".into(),
                        why: format!("a {cmd} policy takes only `with_check`"),
                    }));
                }
                policy.using = Some(at.expr("`using`", u)?);
            }
            if let Some(w) = &p.with_check {
                if !p.command.takes_with_check() {
                    return Err(at.err(K::Invalid {
                        what: "`with_check`".into(),
                        why: format!("a {cmd} policy takes only `using`"),
                    }));
                }
                policy.with_check = Some(at.expr("`with_check`", w)?);
            }
            policy.normalize();
            t.policies.push(policy);
        }
        Ok(())
    }
}

impl super::validate::Lowering<'_> {
    /// The `"grants"`, after every object: each on one of the plugin's
    /// objects, its privileges expanded (`all`) and checked against the
    /// kind; then `EXECUTE` for `PUBLIC` on every function no grant names
    /// (PostgreSQL's default, kept unless the plugin says otherwise).
    pub(super) fn lower_grants(
        &self,
        tables: &[Table],
        objects: &super::objects_validate::Objects,
    ) -> Result<Vec<Grant>, DeclareError> {
        let mut out = Vec::new();
        let mut managed_functions: HashSet<GrantObject> = HashSet::new();
        for (i, g) in self.file.grants.iter().enumerate() {
            let targets = [
                g.namespace.as_ref().map(|n| ("namespace", n)),
                g.table.as_ref().map(|n| ("table", n)),
                g.sequence.as_ref().map(|n| ("sequence", n)),
                g.function.as_ref().map(|n| ("function", n)),
            ];
            let named: Vec<(&str, &String)> = targets.into_iter().flatten().collect();
            let (kind, name) = match named.as_slice() {
                [one] => *one,
                many => {
                    return Err(self
                        .loc
                        .object(format!("grant #{}", i + 1))
                        .err(K::Invalid {
                            what: "grant".into(),
                            why: format!(
                        "names {} of `namespace`, `table`, `sequence` and `function`; it takes one",
                        if many.is_empty() {
                            "none"
                        } else {
                            "more than one"
                        }
                    ),
                        }))
                }
            };
            let at = self.loc.object(format!("grant on {kind} `{name}`"));
            if !g.columns.is_empty() && kind != "table" {
                return Err(at.err(K::Invalid {
                    what: "`columns`".into(),
                    why: "apply to a table only".into(),
                }));
            }
            if g.args.is_some() && kind != "function" {
                return Err(at.err(K::Invalid {
                    what: "`args`".into(),
                    why: "apply to a function only".into(),
                }));
            }
            let objs: Vec<GrantObject> = match kind {
                "namespace" => {
                    if *name != self.ns {
                        return Err(at.err(K::Invalid {
                            what: format!("namespace `{name}`"),
                            why: format!(
                                "is not the plugin's (`{}`): a plugin grants on its own objects",
                                self.ns
                            ),
                        }));
                    }
                    if name == PUBLIC {
                        return Err(at.err(K::Invalid {
                            what: "namespace `public`".into(),
                            why:
                                "graft neither creates nor drops it and leaves its privileges alone"
                                    .into(),
                        }));
                    }
                    vec![GrantObject::Namespace { name: name.clone() }]
                }
                "table" => self.grant_relation(&at, name, &g.columns, tables, objects)?,
                "sequence" => {
                    let q = QualName::parse(name, &self.ns);
                    if !objects.sequences.iter().any(|s| s.name == q) {
                        return Err(at.err(K::MissingRelation {
                            what: "the grant".into(),
                            name: q.to_string(),
                        }));
                    }
                    vec![GrantObject::Sequence { name: q }]
                }
                _ => {
                    let o = self.grant_function(&at, name, g.args.as_deref(), objects)?;
                    managed_functions.insert(o.clone());
                    vec![o]
                }
            };
            let grant_kind = objs[0].kind();
            let privileges = privileges(&at, &g.privileges, grant_kind)?;
            let roles = roles(&at, &g.to, false)?;
            for on in &objs {
                for r in &roles {
                    for p in &privileges {
                        out.push(Grant {
                            on: on.clone(),
                            grantee: r.clone(),
                            privilege: *p,
                            grant_option: g.with_grant_option,
                        });
                    }
                }
            }
        }
        for f in &objects.functions {
            let on = GrantObject::function(f);
            if !managed_functions.contains(&on) {
                out.push(Grant {
                    on,
                    grantee: PUBLIC.into(),
                    privilege: Privilege::Execute,
                    grant_option: false,
                });
            }
        }
        Ok(out)
    }

    /// A table, view or materialized view of the plugin (columns: of a
    /// table).
    fn grant_relation(
        &self,
        at: &Loc,
        name: &str,
        columns: &[String],
        tables: &[Table],
        objects: &super::objects_validate::Objects,
    ) -> Result<Vec<GrantObject>, DeclareError> {
        let q = QualName::parse(name, &self.ns);
        let table = tables.iter().find(|t| t.name == q);
        let view = objects.views.iter().any(|v| v.name == q);
        if table.is_none() && !view {
            return Err(at.err(K::MissingRelation {
                what: "the grant".into(),
                name: q.to_string(),
            }));
        }
        if columns.is_empty() {
            return Ok(vec![GrantObject::Table { name: q }]);
        }
        let Some(t) = table else {
            return Err(at.err(K::Invalid {
                what: "`columns`".into(),
                why: "graft does not know the columns of a view: grant on the whole view".into(),
            }));
        };
        let mut out = Vec::with_capacity(columns.len());
        for c in columns {
            if t.column(c).is_none() {
                return Err(at.err(K::MissingColumn {
                    what: "the grant".into(),
                    name: c.clone(),
                }));
            }
            let o = GrantObject::Column {
                table: q.clone(),
                column: c.clone(),
            };
            if out.contains(&o) {
                return Err(at.err(K::Repeated {
                    what: "the grant".into(),
                    name: c.clone(),
                }));
            }
            out.push(o);
        }
        Ok(out)
    }

    /// A function or procedure of the plugin, by name and, when overloaded,
    /// input types.
    fn grant_function(
        &self,
        at: &Loc,
        name: &str,
        args: Option<&[String]>,
        objects: &super::objects_validate::Objects,
    ) -> Result<GrantObject, DeclareError> {
        let q = QualName::parse(name, &self.ns);
        let candidates: Vec<&crate::model::Function> =
            objects.functions.iter().filter(|f| f.name == q).collect();
        let wanted = match args {
            None => None,
            Some(a) => Some(
                a.iter()
                    .map(|t| self.function_type(at, t))
                    .collect::<Result<Vec<ColumnType>, _>>()?,
            ),
        };
        let found: Vec<&&crate::model::Function> = candidates
            .iter()
            .filter(|f| match &wanted {
                None => true,
                Some(w) => f.identity_types().into_iter().eq(w.iter()),
            })
            .collect();
        match found.as_slice() {
            [f] => Ok(GrantObject::function(f)),
            [] => Err(at.err(K::MissingFunction {
                what: "the grant".into(),
                name: match &wanted {
                    Some(w) => format!(
                        "{q}({})",
                        w.iter()
                            .map(ColumnType::canonical)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    None => q.to_string(),
                },
            })),
            _ => Err(at.err(K::Invalid {
                what: format!("function `{q}`"),
                why: "is overloaded: give its input types in `args`".into(),
            })),
        }
    }
}

/// Privilege keywords (any case, or `all`) that apply to `kind`.
fn privileges(
    at: &Loc,
    declared: &[String],
    kind: GrantKind,
) -> Result<Vec<Privilege>, DeclareError> {
    let applicable = kind.privileges();
    let expected = || {
        let mut names: Vec<String> = applicable
            .iter()
            .map(|p| format!("`{}`", p.keyword().to_lowercase()))
            .collect();
        names.push("`all`".into());
        names.join(", ")
    };
    if declared.is_empty() {
        return Err(at.err(K::Invalid {
            what: "`privileges`".into(),
            why: format!("is empty; expected some of {}", expected()),
        }));
    }
    let mut out = Vec::new();
    for d in declared {
        if d.trim().eq_ignore_ascii_case("all") {
            out.extend_from_slice(applicable);
            continue;
        }
        let Some(p) = Privilege::parse(d) else {
            return Err(at.err(K::Invalid {
                what: format!("privilege `{d}`"),
                why: format!("is not a privilege; expected {}", expected()),
            }));
        };
        if !applicable.contains(&p) {
            return Err(at.err(K::Invalid {
                what: format!("privilege `{d}`"),
                why: format!(
                    "does not apply to a {}; expected {}",
                    kind.label(),
                    expected()
                ),
            }));
        }
        out.push(p);
    }
    out.sort();
    out.dedup();
    Ok(out)
}
