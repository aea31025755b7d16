//! Validation and lowering: [`SchemaFile`] → [`Declared`] (a normalised
//! [`model::Schema`]), or the first thing wrong with it.
//!
//! Checks run in a fixed order (plugin, namespace, version, dependencies,
//! extensions, enums, then each table in declaration order: columns, primary
//! key, unique, foreign keys, checks, indexes; then names across the
//! namespace), so the same declaration always reports the same error.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::file::{ColumnDecl, ForeignKeyDecl, IndexDecl, Nulls, SchemaFile, TableDecl};
use crate::model::{
    check_ident, BaseType, Check, Column, ColumnType, EnumType, ForeignKey, IdentError, Index,
    IndexKey, IndexTarget, PrimaryKey, QualName, Schema, Table, Unique,
};
use semver::{Version, VersionReq};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A validated declaration: what one plugin wants the database to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The plugin.
    pub plugin: String,
    /// The plugin's version.
    pub version: Option<Version>,
    /// Plugins this one needs.
    pub depends_on: BTreeMap<String, VersionReq>,
    /// The schema, normalised; `namespaces` is the plugin's one namespace.
    pub schema: Schema,
}

impl Declared {
    /// The plugin's namespace.
    pub fn namespace(&self) -> &str {
        self.schema
            .namespaces
            .first()
            .map(String::as_str)
            .unwrap_or(&self.plugin)
    }
}

/// Validates `file` and lowers it into the model. Errors carry plugin, table
/// and column context but no file (the loader adds it).
pub fn lower(file: &SchemaFile) -> Result<Declared, DeclareError> {
    Lowering::new(file)?.run()
}

/// Where an error is: the context that goes into [`DeclareError`].
#[derive(Clone, Default)]
pub(super) struct Loc {
    plugin: Option<String>,
    table: Option<String>,
    column: Option<String>,
    object: Option<Box<str>>,
}

impl Loc {
    pub(super) fn err(&self, kind: K) -> DeclareError {
        DeclareError {
            file: None,
            plugin: self.plugin.clone(),
            table: self.table.clone(),
            column: self.column.clone(),
            object: self.object.clone(),
            kind: Box::new(kind),
        }
    }

    /// Below the plugin: an object that is not a table, e.g. ``view `v` ``.
    pub(super) fn object(&self, what: impl Into<String>) -> Loc {
        Loc {
            plugin: self.plugin.clone(),
            object: Some(what.into().into_boxed_str()),
            ..Loc::default()
        }
    }

    pub(super) fn table(&self, t: &str) -> Loc {
        Loc {
            table: Some(t.to_string()),
            column: None,
            ..self.clone()
        }
    }

    pub(super) fn column(&self, c: &str) -> Loc {
        Loc {
            column: Some(c.to_string()),
            ..self.clone()
        }
    }

    pub(super) fn ident(&self, what: &str, name: &str) -> Result<(), DeclareError> {
        check_ident(name).map_err(|source| {
            self.err(K::BadIdent {
                what: what.to_string(),
                source,
            })
        })
    }

    /// Normalises an expression, rejecting an empty one.
    pub(super) fn expr(&self, what: &str, text: &str) -> Result<String, DeclareError> {
        let e = crate::sql::normalize_expr(text);
        if e.is_empty() {
            return Err(self.err(K::EmptyExpr {
                what: what.to_string(),
            }));
        }
        Ok(e)
    }
}

/// `kind `name`` for a named object, `kind #n` (1-based) for an unnamed one.
pub(super) fn describe(kind: &str, name: Option<&str>, i: usize) -> String {
    match name {
        Some(n) => format!("{kind} `{n}`"),
        None => format!("{kind} #{}", i + 1),
    }
}

/// Whether `text` can name a user type: `name` or `namespace.name`, each part
/// either plain (letters, digits, `_`, `$`) or double-quoted.
fn looks_like_type_name(text: &str) -> bool {
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
            }
            '"' => quoted = !quoted,
            _ if quoted => {}
            c if c.is_alphanumeric() || c == '_' || c == '$' || c == '.' => {}
            _ => return false,
        }
    }
    !quoted
}

/// Enum labels: at most 63 bytes, no NUL; PostgreSQL allows the empty label.
fn check_label(label: &str) -> Result<(), IdentError> {
    match check_ident(label) {
        Err(IdentError::Empty) => Ok(()),
        r => r,
    }
}

/// A table's columns, for the checks that refer to them.
pub(super) struct Cols<'a>(pub(super) HashSet<&'a str>);

impl Cols<'_> {
    fn require(&self, loc: &Loc, what: &str, cols: &[String]) -> Result<(), DeclareError> {
        if cols.is_empty() {
            return Err(loc.err(K::NoColumns {
                what: what.to_string(),
            }));
        }
        let mut seen = HashSet::new();
        for c in cols {
            if !self.0.contains(c.as_str()) {
                return Err(loc.err(K::MissingColumn {
                    what: what.to_string(),
                    name: c.clone(),
                }));
            }
            if !seen.insert(c) {
                return Err(loc.err(K::Repeated {
                    what: what.to_string(),
                    name: c.clone(),
                }));
            }
        }
        Ok(())
    }
}

pub(super) struct Lowering<'a> {
    pub(super) file: &'a SchemaFile,
    pub(super) loc: Loc,
    pub(super) ns: String,
    /// Declared enums by name.
    pub(super) enums: HashSet<&'a str>,
    /// Declared tables by name (first declaration).
    pub(super) tables: HashMap<&'a str, &'a TableDecl>,
    /// Declared domains and composite types.
    pub(super) types: super::kinds_validate::UserTypes<'a>,
}

impl<'a> Lowering<'a> {
    fn new(file: &'a SchemaFile) -> Result<Self, DeclareError> {
        let mut loc = Loc::default();
        loc.ident("plugin name", &file.plugin)?;
        loc.plugin = Some(file.plugin.clone());
        let ns = file
            .namespace
            .clone()
            .unwrap_or_else(|| file.plugin.clone());
        loc.ident("namespace name", &ns)?;
        if ns.starts_with("pg_") {
            return Err(loc.err(K::ReservedNamespace(ns)));
        }
        Ok(Lowering {
            file,
            loc,
            ns,
            enums: HashSet::new(),
            tables: HashMap::new(),
            types: Default::default(),
        })
    }

    fn run(mut self) -> Result<Declared, DeclareError> {
        let f = self.file;
        let loc = self.loc.clone();
        let version = match &f.version {
            None => None,
            Some(v) => Some(Version::parse(v).map_err(|source| {
                loc.err(K::Version {
                    value: v.clone(),
                    source,
                })
            })?),
        };
        let mut depends_on = BTreeMap::new();
        for (p, req) in &f.depends_on {
            loc.ident("dependency name", p)?;
            if *p == f.plugin {
                return Err(loc.err(K::SelfDependency));
            }
            let r = VersionReq::parse(req).map_err(|source| {
                loc.err(K::Requirement {
                    plugin: p.clone(),
                    value: req.clone(),
                    source,
                })
            })?;
            depends_on.insert(p.clone(), r);
        }

        let mut extensions = Vec::new();
        let mut seen = HashSet::new();
        for e in &f.extensions {
            let ext = super::kinds_validate::extension(&loc, e)?;
            if !seen.insert(&e.name) {
                return Err(loc.err(K::Duplicate {
                    what: "extension".into(),
                    name: e.name.clone(),
                }));
            }
            extensions.push(ext);
        }

        let mut enums = Vec::new();
        for e in &f.enums {
            loc.ident("enum name", &e.name)?;
            if !self.enums.insert(&e.name) {
                return Err(loc.err(K::Duplicate {
                    what: "enum".into(),
                    name: e.name.clone(),
                }));
            }
            let mut labels = HashSet::new();
            for v in &e.values {
                check_label(v).map_err(|source| {
                    loc.err(K::BadIdent {
                        what: format!("value of enum `{}`", e.name),
                        source,
                    })
                })?;
                if !labels.insert(v) {
                    return Err(loc.err(K::DuplicateEnumValue {
                        enum_name: e.name.clone(),
                        value: v.clone(),
                    }));
                }
            }
            enums.push(EnumType {
                name: QualName::new(&self.ns, &e.name),
                values: e.values.clone(),
            });
        }

        let (domains, composite_types) = self.lower_types()?;

        // Table names first: foreign keys may point forward.
        for t in &f.tables {
            let tl = loc.table(&t.name);
            loc.ident("table name", &t.name)?;
            if self.tables.insert(&t.name, t).is_some() {
                return Err(loc.err(K::Duplicate {
                    what: "table".into(),
                    name: t.name.clone(),
                }));
            }
            if self.enums.contains(t.name.as_str()) {
                return Err(tl.err(K::NameClash {
                    what: format!("table `{}`", t.name),
                    name: t.name.clone(),
                    other: format!("enum `{}`", t.name),
                }));
            }
            if let Some(kind) = self.types.kind(&t.name) {
                return Err(tl.err(K::NameClash {
                    what: format!("table `{}`", t.name),
                    name: t.name.clone(),
                    other: format!("{kind} `{}`", t.name),
                }));
            }
        }
        check_renames(
            &loc,
            "table",
            f.tables.iter().map(|t| (&t.name, t.renamed_from.as_ref())),
            |l, t| l.table(t),
        )?;

        let mut tables = Vec::new();
        for t in &f.tables {
            tables.push(self.table(t)?);
        }
        let reserved = self.reserve_object_names()?;
        let mut relations = name_everything(&loc, &mut tables, reserved)?;
        let objects = self.lower_objects(&mut relations, &mut tables)?;
        self.lower_policies(&mut tables)?;
        let grants = self.lower_grants(&tables, &objects)?;

        let mut schema = Schema {
            namespaces: vec![self.ns.clone()],
            extensions,
            enums,
            tables,
            views: objects.views,
            domains,
            composite_types,
            sequences: objects.sequences,
            functions: objects.functions,
            triggers: objects.triggers,
            grants,
        };
        schema.normalize();
        Ok(Declared {
            plugin: f.plugin.clone(),
            version,
            depends_on,
            schema,
        })
    }

    pub(super) fn resolve_type(
        &self,
        loc: &Loc,
        declared: &str,
    ) -> Result<ColumnType, DeclareError> {
        let declared = declared.trim();
        let declared = declared.strip_prefix("pg_catalog.").unwrap_or(declared);
        let bad_ident = std::cell::Cell::new(None);
        let ty = ColumnType::parse(declared, |text| {
            if !looks_like_type_name(text) {
                return None; // `numeric(12.2)` is a typo, not another plugin's type
            }
            let q = QualName::parse(text, &self.ns);
            let qualified = q.schema != self.ns || text.contains('.');
            if !qualified && ColumnType::parse(text, |_| None).is_ok() {
                return None; // a built-in wins over an unqualified enum, as in PostgreSQL
            }
            if q.schema == self.ns {
                // An extension created in the namespace brings types graft
                // does not know the names of.
                let from_extension = self
                    .file
                    .extensions
                    .iter()
                    .any(|e| e.schema.as_ref() == Some(&self.ns));
                return (self.enums.contains(q.name.as_str())
                    || self.types.kind(&q.name).is_some()
                    || from_extension)
                    .then_some(q);
            }
            if let Err(e) = check_ident(&q.schema).and_then(|_| check_ident(&q.name)) {
                bad_ident.set(Some(e));
            }
            Some(q) // another plugin's type: cannot be checked here
        })
        .map_err(|e| loc.err(K::Type(e)))?;
        if let Some(source) = bad_ident.into_inner() {
            return Err(loc.err(K::BadIdent {
                what: "type name".into(),
                source,
            }));
        }
        Ok(ty)
    }

    fn column(&self, tl: &Loc, c: &ColumnDecl, in_pk: bool) -> Result<Column, DeclareError> {
        let cl = tl.column(&c.name);
        let ty = self.resolve_type(&cl, &c.ty)?;
        if c.identity.is_some() {
            let ok = !ty.array
                && matches!(&ty.base, BaseType::Builtin(b) if matches!(b.as_str(), "smallint" | "integer" | "bigint"));
            if !ok {
                return Err(cl.err(K::IdentityType { ty: ty.canonical() }));
            }
        }
        let conflict = |a: &str, b: &str, why: &str| {
            cl.err(K::Conflict {
                a: a.into(),
                b: b.into(),
                why: why.into(),
            })
        };
        match (&c.identity, &c.default, &c.generated) {
            (Some(_), Some(_), _) => return Err(conflict("identity", "default", "")),
            (Some(_), _, Some(_)) => return Err(conflict("identity", "generated", "")),
            (_, Some(_), Some(_)) => return Err(conflict("default", "generated", "")),
            _ => {}
        }
        if c.nullable == Some(true) {
            if c.identity.is_some() {
                return Err(conflict(
                    "\"nullable\": true",
                    "identity",
                    "identity columns are NOT NULL",
                ));
            }
            if in_pk {
                return Err(conflict(
                    "\"nullable\": true",
                    "primary_key",
                    "primary key columns are NOT NULL",
                ));
            }
        }
        let default = c
            .default
            .as_deref()
            .map(|d| cl.expr("default", d))
            .transpose()?;
        let generated = c
            .generated
            .as_deref()
            .map(|g| cl.expr("generated", g))
            .transpose()?;
        let collation = super::kinds_validate::collation(&cl, c.collation.as_deref(), &ty, |q| {
            self.collatable(q)
        })?;
        Ok(Column {
            name: c.name.clone(),
            renamed_from: c.renamed_from.clone(),
            ty,
            collation,
            nullable: c.nullable.unwrap_or(true) && !in_pk && c.identity.is_none(),
            default,
            identity: c.identity,
            generated,
            serial: false,
            comment: c.comment.clone().filter(|s| !s.is_empty()),
        })
    }

    fn table(&self, t: &TableDecl) -> Result<Table, DeclareError> {
        let tl = self.loc.table(&t.name);
        let mut table = Table::new(QualName::new(&self.ns, &t.name));
        table.renamed_from = t.renamed_from.clone();
        table.comment = t.comment.clone().filter(|s| !s.is_empty());
        table.row_security = crate::model::RowSecurity {
            enabled: t.row_level_security,
            forced: t.force_row_level_security,
        };
        if let Some(r) = &t.renamed_from {
            tl.ident("renamed_from", r)?;
        }

        let pk_cols: HashSet<&str> = t
            .primary_key
            .iter()
            .flat_map(|p| p.columns.iter().map(String::as_str))
            .collect();
        let mut names = HashSet::new();
        for c in &t.columns {
            tl.ident("column name", &c.name)?;
            if !names.insert(c.name.as_str()) {
                return Err(tl.err(K::Duplicate {
                    what: "column".into(),
                    name: c.name.clone(),
                }));
            }
            let col = self.column(&tl, c, pk_cols.contains(c.name.as_str()))?;
            if let Some(r) = &c.renamed_from {
                tl.column(&c.name).ident("renamed_from", r)?;
            }
            table.columns.push(col);
        }
        check_renames(
            &tl,
            "column",
            t.columns.iter().map(|c| (&c.name, c.renamed_from.as_ref())),
            |l, c| l.column(c),
        )?;
        let cols = Cols(names);

        if let Some(pk) = &t.primary_key {
            if let Some(n) = &pk.name {
                tl.ident("primary key name", n)?;
            }
            cols.require(&tl, "primary key", &pk.columns)?;
            table.primary_key = Some(PrimaryKey {
                name: pk.name.clone().unwrap_or_default(),
                columns: pk.columns.clone(),
            });
        }

        for (i, u) in t.unique.iter().enumerate() {
            let what = describe("unique constraint", u.name.as_deref(), i);
            if let Some(n) = &u.name {
                tl.ident("constraint name", n)?;
            }
            cols.require(&tl, &what, &u.columns)?;
            table.uniques.push(Unique {
                name: u.name.clone().unwrap_or_default(),
                columns: u.columns.clone(),
            });
        }

        for (i, fk) in t.foreign_keys.iter().enumerate() {
            table
                .foreign_keys
                .push(self.foreign_key(&tl, &cols, fk, i)?);
        }

        for (i, c) in t.checks.iter().enumerate() {
            let what = describe("check", c.name.as_deref(), i);
            if let Some(n) = &c.name {
                tl.ident("constraint name", n)?;
            }
            table.checks.push(Check {
                name: c.name.clone().unwrap_or_default(),
                expr: tl.expr(&format!("expression of {what}"), &c.expr)?,
            });
        }

        for (i, ix) in t.indexes.iter().enumerate() {
            table.indexes.push(self.index(&tl, &cols, ix, i)?);
        }
        Ok(table)
    }

    fn foreign_key(
        &self,
        tl: &Loc,
        cols: &Cols,
        fk: &ForeignKeyDecl,
        i: usize,
    ) -> Result<ForeignKey, DeclareError> {
        let what = describe("foreign key", fk.name.as_deref(), i);
        if let Some(n) = &fk.name {
            tl.ident("constraint name", n)?;
        }
        cols.require(tl, &what, &fk.columns)?;
        let target = QualName::parse(&fk.references.table, &self.ns);
        tl.ident("referenced namespace name", &target.schema)?;
        tl.ident("referenced table name", &target.name)?;
        for c in &fk.references.columns {
            tl.ident("referenced column name", c)?;
        }
        if fk.references.columns.is_empty() {
            return Err(tl.err(K::NoColumns {
                what: format!("reference of {what}"),
            }));
        }
        if fk.columns.len() != fk.references.columns.len() {
            return Err(tl.err(K::ColumnCount {
                what,
                columns: fk.columns.len(),
                ref_columns: fk.references.columns.len(),
            }));
        }
        if target.schema == self.ns {
            let Some(rt) = self.tables.get(target.name.as_str()) else {
                return Err(tl.err(K::MissingTable {
                    what,
                    name: target.to_string(),
                }));
            };
            for c in &fk.references.columns {
                if !rt.columns.iter().any(|rc| &rc.name == c) {
                    return Err(tl.err(K::MissingRefColumn {
                        what,
                        table: target.to_string(),
                        name: c.clone(),
                    }));
                }
            }
            if !is_unique_key(rt, &fk.references.columns) {
                return Err(tl.err(K::NotUniqueRef {
                    what,
                    table: target.to_string(),
                    columns: fk.references.columns.join(", "),
                }));
            }
        }
        Ok(ForeignKey {
            name: fk.name.clone().unwrap_or_default(),
            columns: fk.columns.clone(),
            ref_table: target,
            ref_columns: fk.references.columns.clone(),
            on_delete: fk.on_delete,
            on_update: fk.on_update,
            deferrable: fk.deferrable,
        })
    }

    pub(super) fn index(
        &self,
        tl: &Loc,
        cols: &Cols,
        ix: &IndexDecl,
        i: usize,
    ) -> Result<Index, DeclareError> {
        let what = describe("index", ix.name.as_deref(), i);
        if let Some(n) = &ix.name {
            tl.ident("index name", n)?;
        }
        if ix.keys().next().is_none() {
            return Err(tl.err(K::EmptyIndex { what }));
        }
        let mut keys = Vec::new();
        for k in ix.keys() {
            let target = match &k.target {
                IndexTarget::Column(c) => {
                    if !cols.0.contains(c.as_str()) {
                        return Err(tl.err(K::MissingColumn {
                            what,
                            name: c.clone(),
                        }));
                    }
                    IndexTarget::Column(c.clone())
                }
                IndexTarget::Expr(e) => {
                    IndexTarget::Expr(tl.expr(&format!("expression of {what}"), e)?)
                }
            };
            keys.push(IndexKey {
                target,
                desc: k.desc,
                nulls_first: k.nulls.map(|n| n == Nulls::First),
            });
        }
        for c in &ix.include {
            if !cols.0.contains(c.as_str()) {
                return Err(tl.err(K::MissingColumn {
                    what: format!("`include` of {what}"),
                    name: c.clone(),
                }));
            }
        }
        let method = match &ix.method {
            None => "btree".to_string(),
            Some(m) => {
                tl.ident("index method", m)?;
                m.to_lowercase()
            }
        };
        let predicate = ix
            .where_
            .as_deref()
            .map(|w| tl.expr(&format!("`where` of {what}"), w))
            .transpose()?;
        Ok(Index {
            name: ix.name.clone().unwrap_or_default(),
            unique: ix.unique,
            method,
            keys,
            include: ix.include.clone(),
            predicate,
        })
    }
}

/// Whether `cols` (as a set) is the primary key, a unique constraint or a
/// plain unique index of `t`: what PostgreSQL requires of a referenced key.
fn is_unique_key(t: &TableDecl, cols: &[String]) -> bool {
    let want: BTreeSet<&str> = cols.iter().map(String::as_str).collect();
    if want.len() != cols.len() {
        return false;
    }
    fn set(v: &[String]) -> BTreeSet<&str> {
        v.iter().map(String::as_str).collect()
    }
    t.primary_key.iter().any(|p| set(&p.columns) == want)
        || t.unique.iter().any(|u| set(&u.columns) == want)
        || t.indexes.iter().any(|i| {
            i.unique
                && i.where_.is_none()
                && i.keys().all(|k| matches!(k.target, IndexTarget::Column(_)))
                && i.keys().count() == want.len()
                && i.keys().all(
                    |k| matches!(&k.target, IndexTarget::Column(c) if want.contains(c.as_str())),
                )
        })
}

/// `renamed_from` hints must name something that is not declared, not the
/// object itself, and not be shared by two objects.
fn check_renames<'b>(
    loc: &Loc,
    kind: &str,
    items: impl Iterator<Item = (&'b String, Option<&'b String>)> + Clone,
    at: impl Fn(&Loc, &str) -> Loc,
) -> Result<(), DeclareError> {
    let declared: HashSet<&String> = items.clone().map(|(n, _)| n).collect();
    let mut from: HashMap<&String, &String> = HashMap::new();
    for (name, r) in items {
        let Some(r) = r else { continue };
        let l = at(loc, name);
        if r == name {
            return Err(l.err(K::Rename {
                why: format!("names the {kind} itself"),
            }));
        }
        if declared.contains(r) {
            return Err(l.err(K::Rename {
                why: format!("names `{r}`, which is also declared; a {kind} can only be renamed from a name that is gone"),
            }));
        }
        if let Some(other) = from.insert(r, name) {
            return Err(l.err(K::Rename {
                why: format!("names `{r}`, which {kind} `{other}` is renamed from too"),
            }));
        }
    }
    Ok(())
}

/// The PostgreSQL-style default name with the first free counter:
/// `<a>_<b>_<label>`, then `<a>_<b>_<label>1`, ….
pub(super) fn choose_name(a: &str, b: &str, label: &str, free: impl Fn(&str) -> bool) -> String {
    let mut pass = 0usize;
    loop {
        let suffix = if pass == 0 {
            label.to_string()
        } else {
            format!("{label}{pass}")
        };
        let name = crate::sql::make_name(a, b, &suffix);
        if free(&name) {
            return name;
        }
        pass += 1;
    }
}

/// The name part a key contributes to an index name.
pub(crate) fn key_label(t: &IndexTarget) -> String {
    match t {
        IndexTarget::Column(c) => c.clone(),
        IndexTarget::Expr(e) => crate::sql::expr_label(e),
    }
}

/// Checks explicit names for clashes, then names unnamed constraints and
/// indexes (those with an empty name), tables in name order, each table's
/// objects in declaration order: primary key, unique, foreign keys, checks,
/// indexes. Returns the relation names taken (what took each, for messages).
fn name_everything(
    loc: &Loc,
    tables: &mut [Table],
    reserved: HashMap<String, String>,
) -> Result<HashMap<String, String>, DeclareError> {
    let mut order: Vec<usize> = (0..tables.len()).collect();
    order.sort_by(|&a, &b| tables[a].name.cmp(&tables[b].name));

    // Relation names (tables, indexes, primary keys, unique constraints): one namespace.
    let mut relations: HashMap<String, String> = reserved;
    relations.extend(
        tables
            .iter()
            .map(|t| (t.name.name.clone(), format!("table `{}`", t.name.name))),
    );
    let mut constraints: Vec<HashSet<String>> = vec![HashSet::new(); tables.len()];
    for &ti in &order {
        let t = &tables[ti];
        let tl = loc.table(&t.name.name);
        let mut rel = |kind: &str, name: &str| -> Result<(), DeclareError> {
            if name.is_empty() {
                return Ok(());
            }
            let what = format!("{kind} `{name}`");
            if let Some(other) = relations.insert(name.to_string(), what.clone()) {
                return Err(tl.err(K::NameClash {
                    what,
                    name: name.to_string(),
                    other,
                }));
            }
            Ok(())
        };
        if let Some(pk) = &t.primary_key {
            rel("primary key", &pk.name)?;
        }
        for u in &t.uniques {
            rel("unique constraint", &u.name)?;
        }
        for i in &t.indexes {
            rel("index", &i.name)?;
        }
        let cons = &mut constraints[ti];
        let explicit = t
            .primary_key
            .iter()
            .map(|p| &p.name)
            .chain(t.uniques.iter().map(|u| &u.name))
            .chain(t.foreign_keys.iter().map(|f| &f.name))
            .chain(t.checks.iter().map(|c| &c.name));
        for n in explicit {
            if !n.is_empty() && !cons.insert(n.clone()) {
                return Err(tl.err(K::Duplicate {
                    what: "constraint name".into(),
                    name: n.clone(),
                }));
            }
        }
    }

    for &ti in &order {
        let cons = &mut constraints[ti];
        let t = &mut tables[ti];
        let tn = t.name.name.clone();
        let mut relation_name = |a: &str, b: &str, label: &str, cons: &mut HashSet<String>| {
            let n = choose_name(a, b, label, |n| {
                !relations.contains_key(n) && !cons.contains(n)
            });
            relations.insert(n.clone(), String::new());
            n
        };
        if let Some(pk) = &mut t.primary_key {
            if pk.name.is_empty() {
                pk.name = relation_name(&tn, "", "pkey", cons);
                cons.insert(pk.name.clone());
            }
        }
        for u in &mut t.uniques {
            if u.name.is_empty() {
                u.name = relation_name(&tn, &u.columns.join("_"), "key", cons);
                cons.insert(u.name.clone());
            }
        }
        for f in &mut t.foreign_keys {
            if f.name.is_empty() {
                f.name = choose_name(&tn, &f.columns.join("_"), "fkey", |n| !cons.contains(n));
                cons.insert(f.name.clone());
            }
        }
        for c in &mut t.checks {
            if c.name.is_empty() {
                c.name = choose_name(&tn, "", "check", |n| !cons.contains(n));
                cons.insert(c.name.clone());
            }
        }
        for i in &mut t.indexes {
            if i.name.is_empty() {
                let b: Vec<String> = i.keys.iter().map(|k| key_label(&k.target)).collect();
                i.name = relation_name(&tn, &b.join("_"), "idx", cons);
            }
        }
    }
    Ok(relations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declare::from_json_str;
    use crate::model::{Deferrable, FkAction, Identity};
    use serde_json::{json, Value};
    use std::path::Path;

    const DESIGN: &str = include_str!("testdata/design_example.json");

    fn load(v: &Value) -> Result<Declared, DeclareError> {
        from_json_str(&v.to_string(), Some(Path::new("billing.json")))
    }

    fn err(v: Value) -> String {
        load(&v)
            .expect_err("declaration must be rejected")
            .to_string()
    }

    /// A `billing` plugin with one table `invoices` holding `table`'s keys.
    fn one_table(table: Value) -> Value {
        let mut t = json!({"name": "invoices", "columns": [{"name": "id", "type": "bigint"}]});
        for (k, v) in table.as_object().unwrap() {
            t[k] = v.clone();
        }
        json!({"plugin": "billing", "enums": [{"name": "invoice_status", "values": ["draft", "paid"]}], "tables": [t]})
    }

    fn names(t: &Table) -> Vec<String> {
        let mut v: Vec<String> = t.primary_key.iter().map(|p| p.name.clone()).collect();
        v.extend(t.uniques.iter().map(|u| u.name.clone()));
        v.extend(t.foreign_keys.iter().map(|f| f.name.clone()));
        v.extend(t.checks.iter().map(|c| c.name.clone()));
        v.extend(t.indexes.iter().map(|i| i.name.clone()));
        v
    }

    #[test]
    fn design_example_lowers() {
        let d = from_json_str(DESIGN, None).unwrap();
        assert_eq!(d.plugin, "billing");
        assert_eq!(d.version, Some(Version::new(1, 2, 0)));
        assert_eq!(
            d.depends_on["accounts"],
            VersionReq::parse(">=1.0.0").unwrap()
        );
        let s = &d.schema;
        assert_eq!(s.namespaces, ["billing"]);
        assert_eq!(s.extensions[0].name, "pgcrypto");
        assert_eq!(s.enums[0].name, QualName::new("billing", "invoice_status"));
        let t = s.table(&QualName::new("billing", "invoices")).unwrap();
        assert_eq!(t.renamed_from.as_deref(), Some("bills"));
        assert_eq!(t.comment.as_deref(), Some("one row per invoice"));
        let col = |n: &str| t.column(n).unwrap();
        assert_eq!(col("id").identity, Some(Identity::Always));
        assert!(!col("id").nullable, "identity columns are NOT NULL");
        assert!(!col("account_id").nullable);
        assert!(col("note").nullable);
        assert_eq!(col("note").renamed_from.as_deref(), Some("memo"));
        assert_eq!(
            col("status").ty,
            ColumnType::named(QualName::new("billing", "invoice_status"), false)
        );
        assert_eq!(col("status").default.as_deref(), Some("'draft'"));
        assert_eq!(col("total").ty.canonical(), "numeric(12,2)");
        assert_eq!(col("total_x2").generated.as_deref(), Some("total * 2"));
        assert_eq!(
            names(t),
            [
                "invoices_pkey",
                "invoices_account_id_note_key",
                "invoices_account_id_fkey",
                "total_nonneg",
                "invoices_lower_idx",
                "invoices_status_idx",
            ]
        );
        let fk = &t.foreign_keys[0];
        assert_eq!(fk.ref_table, QualName::new("accounts", "accounts"));
        assert_eq!(fk.on_delete, FkAction::Cascade);
        assert_eq!(fk.deferrable, Deferrable::No);
        let status_idx = &t.indexes[1];
        assert_eq!(status_idx.method, "btree");
        assert_eq!(status_idx.predicate.as_deref(), Some("status <> 'paid'"));
        assert_eq!(
            t.indexes[0].keys[0].target,
            IndexTarget::Expr("lower(note)".into())
        );
    }

    #[test]
    fn spellings_that_mean_the_same_lower_the_same() {
        let a = json!({"plugin": "p", "tables": [
            {"name": "b", "columns": [{"name": "x", "type": "int4"}]},
            {"name": "a", "columns": [
                {"name": "n", "type": "varchar(20)", "default": "'x'::character varying"},
                {"name": "m", "type": "INT", "nullable": false},
                {"name": "t", "type": "timestamptz", "default": "now()"},
                {"name": "z", "type": "decimal(12, 2)[]"}],
             "checks": [{"expr": "(m > 0)"}],
             "indexes": [{"columns": ["n"], "where": "(m  >\n 0)", "method": "BTREE"},
                         {"expressions": ["lower( (n)::text )"], "unique": true}]}]});
        let b = json!({"plugin": "p", "namespace": "p", "tables": [
            {"name": "a", "columns": [
                {"name": "n", "type": "character varying(20)", "default": "  'x'::character varying "},
                {"name": "m", "type": "integer", "nullable": false},
                {"name": "t", "type": "timestamp with time zone", "default": "now()"},
                {"name": "z", "type": "numeric(12,2) ARRAY"}],
             "checks": [{"expr": "( m > 0 )"}],
             "indexes": [{"columns": [{"column": "n", "nulls": "last"}], "where": "(m > 0)"},
                         {"unique": true, "expressions": [{"expr": "lower((n)::text)"}]}]},
            {"name": "b", "columns": [{"name": "x", "type": "integer", "nullable": true}]}]});
        assert_eq!(load(&a).unwrap(), load(&b).unwrap());
    }

    #[test]
    fn unnamed_names_follow_postgres_and_avoid_clashes() {
        let d = load(&json!({"plugin": "p", "tables": [
            {"name": "t", "columns": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}],
             "primary_key": ["a"],
             "unique": [{"columns": ["a", "b"]}, {"columns": ["a", "b"]}, {"name": "t_b_key", "columns": ["b"]}, {"columns": ["b"]}],
             "foreign_keys": [{"columns": ["b"], "references": {"table": "t", "columns": ["a"]}},
                              {"columns": ["b"], "references": {"table": "p.t", "columns": ["a"]}}],
             "checks": [{"expr": "a > 0"}, {"name": "t_check1", "expr": "b > 0"}, {"expr": "a < b"}],
             "indexes": [{"columns": ["b"]}, {"name": "t_b_idx1", "columns": ["a"]}, {"columns": ["b"]},
                         {"expressions": ["(a + b)", "lower(x)"]}, {"columns": ["a"], "expressions": ["1"]}]},
            {"name": "t_pkey", "columns": [{"name": "a", "type": "int"}], "primary_key": ["a"]}]}))
        .unwrap();
        let t = &d.schema.tables[0];
        assert_eq!(
            names(t),
            [
                "t_pkey1",
                "t_a_b_key",
                "t_a_b_key1",
                "t_b_key",
                "t_b_key1",
                "t_b_fkey",
                "t_b_fkey1",
                "t_check",
                "t_check1",
                "t_check2",
                "t_a_1_idx",
                "t_a_lower_idx",
                "t_b_idx",
                "t_b_idx1",
                "t_b_idx2",
            ]
        );
        // `t_pkey` is the other table's name, so that table's own key moves on too.
        assert_eq!(
            d.schema.tables[1].primary_key.as_ref().unwrap().name,
            "t_pkey_pkey"
        );
        // The same declaration always gets the same names.
        assert_eq!(
            d,
            load(&serde_json::to_value(d.to_file()).unwrap()).unwrap()
        );
    }

    #[test]
    fn long_generated_names_fit() {
        let long = "x".repeat(63);
        let d = load(&json!({"plugin": "p", "tables": [
            {"name": long, "columns": [{"name": long, "type": "int"}], "unique": [{"columns": [long]}, {"columns": [long]}]}]}))
        .unwrap();
        let u = &d.schema.tables[0].uniques;
        // (sorted by name; graft's make_name shortens the first part on ties,
        // PostgreSQL's makeObjectName the second)
        assert_eq!(
            u[1].name,
            format!("{}_{}_key", "x".repeat(29), "x".repeat(29))
        );
        assert_eq!(
            u[0].name,
            format!("{}_{}_key1", "x".repeat(28), "x".repeat(29))
        );
        assert!(u.iter().all(|u| u.name.len() <= 63));
    }

    #[test]
    fn hostile_identifiers_are_names_like_any_other() {
        let weird = "we\"ird; name";
        let d = load(&json!({"plugin": "p", "namespace": "my ns",
            "enums": [{"name": "Mood.Type", "values": ["", "it's", "a \"b\""]}],
            "tables": [{"name": weird, "columns": [
                {"name": "has space", "type": "\"Mood.Type\"[]"},
                {"name": "DROP TABLE x; --", "type": "\"my ns\".\"Mood.Type\""}],
                "primary_key": ["has space"]}]}))
        .unwrap();
        let t = &d.schema.tables[0];
        assert_eq!(t.name, QualName::new("my ns", weird));
        let mood = QualName::new("my ns", "Mood.Type");
        assert_eq!(t.columns[0].ty, ColumnType::named(mood.clone(), true));
        assert_eq!(t.columns[1].ty, ColumnType::named(mood, false));
        assert_eq!(
            t.primary_key.as_ref().unwrap().name,
            format!("{weird}_pkey")
        );
    }

    #[test]
    fn types_resolve_to_own_enums_builtins_or_other_namespaces() {
        let d = load(&json!({"plugin": "p", "enums": [{"name": "text", "values": []}, {"name": "mood", "values": []}],
            "tables": [{"name": "t", "columns": [
                {"name": "a", "type": "text"}, {"name": "b", "type": "p.text"}, {"name": "c", "type": "mood[]"},
                {"name": "d", "type": "p.mood"}, {"name": "e", "type": "accounts.level"},
                {"name": "f", "type": "pg_catalog.int4"}, {"name": "g", "type": "public.citext"}]}]}))
        .unwrap();
        let tys: Vec<String> = d.schema.tables[0]
            .columns
            .iter()
            .map(|c| c.ty.canonical())
            .collect();
        assert_eq!(
            tys,
            [
                "text",
                "\"p\".\"text\"",
                "\"p\".\"mood\"[]",
                "\"p\".\"mood\"",
                "\"accounts\".\"level\"",
                "integer",
                "\"public\".\"citext\""
            ]
        );
    }

    #[test]
    fn nullability_follows_sql() {
        let d = load(&one_table(json!({"columns": [
            {"name": "id", "type": "bigint"}, {"name": "k", "type": "int", "identity": "by_default"},
            {"name": "n", "type": "text", "nullable": false}, {"name": "o", "type": "text", "nullable": true},
            {"name": "p", "type": "text"}], "primary_key": ["id"]})))
        .unwrap();
        let nullable: Vec<bool> = d.schema.tables[0]
            .columns
            .iter()
            .map(|c| c.nullable)
            .collect();
        assert_eq!(nullable, [false, false, false, true, true]);
    }

    #[test]
    fn each_mistake_gets_one_precise_message() {
        let ctx = "billing.json: plugin `billing`";
        let t = format!("{ctx}, table `invoices`");
        let cases: Vec<(Value, String)> = vec![
            (json!({"plugin": ""}), "billing.json: invalid plugin name: identifier is empty".into()),
            (json!({"plugin": "billing", "namespace": "pg_billing"}),
             format!("{ctx}: namespace `pg_billing` is reserved: names starting with `pg_` belong to the system")),
            (json!({"plugin": "billing", "version": "1.2"}),
             format!("{ctx}: invalid version `1.2`: unexpected end of input while parsing minor version number")),
            (json!({"plugin": "billing", "depends_on": {"accounts": "=>1"}}),
             format!("{ctx}: depends_on `accounts`: invalid version requirement `=>1`: unexpected character '>' while parsing major version number")),
            (json!({"plugin": "billing", "depends_on": {"billing": "*"}}), format!("{ctx}: a plugin cannot depend on itself")),
            (json!({"plugin": "billing", "extensions": ["pgcrypto", "pgcrypto"]}), format!("{ctx}: duplicate extension `pgcrypto`")),
            (json!({"plugin": "billing", "enums": [{"name": "s", "values": []}, {"name": "s", "values": []}]}), format!("{ctx}: duplicate enum `s`")),
            (json!({"plugin": "billing", "enums": [{"name": "s", "values": ["a", "b", "a"]}]}), format!("{ctx}: enum `s`: duplicate value `a`")),
            (json!({"plugin": "billing", "enums": [{"name": "s", "values": ["x".repeat(64)]}]}),
             format!("{ctx}: invalid value of enum `s`: identifier `{}` is 64 bytes long; PostgreSQL allows at most 63", "x".repeat(64))),
            (json!({"plugin": "billing", "tables": [{"name": "x".repeat(64), "columns": []}]}),
             format!("{ctx}: invalid table name: identifier `{}` is 64 bytes long; PostgreSQL allows at most 63", "x".repeat(64))),
            (json!({"plugin": "billing", "tables": [{"name": "a", "columns": []}, {"name": "a", "columns": []}]}), format!("{ctx}: duplicate table `a`")),
            (json!({"plugin": "billing", "enums": [{"name": "a", "values": []}], "tables": [{"name": "a", "columns": []}]}),
             format!("{ctx}, table `a`: table `a` has the same name as enum `a`; they share one namespace")),
            (one_table(json!({"columns": [{"name": "status", "type": "invoice_stat"}]})),
             format!("{t}, column `status`: unknown type `invoice_stat`")),
            (one_table(json!({"columns": [{"name": "status", "type": "billing.nope"}]})),
             format!("{t}, column `status`: unknown type `billing.nope`")),
            (one_table(json!({"columns": [{"name": "n", "type": "numeric(12.2)"}]})),
             format!("{t}, column `n`: invalid modifiers for type `numeric(12.2)`: modifiers must be integers")),
            (one_table(json!({"columns": [{"name": "n", "type": "other.enum(3)"}]})),
             format!("{t}, column `n`: unknown type `other.enum(3)`")),
            (one_table(json!({"columns": [{"name": "a", "type": "int"}, {"name": "a", "type": "nope"}]})),
             format!("{t}: duplicate column `a`")),
            (one_table(json!({"columns": [{"name": "n", "type": "varchar(0)"}]})),
             format!("{t}, column `n`: invalid modifiers for type `varchar(0)`: length must be between 1 and 10485760")),
            (one_table(json!({"columns": [{"name": "id", "type": "serial"}]})),
             format!("{t}, column `id`: `serial` is not a type; use `\"type\": \"integer\"` with `\"identity\": \"by_default\"`")),
            (one_table(json!({"columns": [{"name": "x".repeat(64), "type": "int"}]})),
             format!("{t}: invalid column name: identifier `{}` is 64 bytes long; PostgreSQL allows at most 63", "x".repeat(64))),
            (one_table(json!({"columns": [{"name": "a", "type": "int"}, {"name": "a", "type": "text"}]})), format!("{t}: duplicate column `a`")),
            (one_table(json!({"columns": [{"name": "id", "type": "uuid", "identity": "always"}]})),
             format!("{t}, column `id`: identity columns must be smallint, integer or bigint, not `uuid`")),
            (one_table(json!({"columns": [{"name": "id", "type": "int", "identity": "always", "default": "1"}]})),
             format!("{t}, column `id`: `identity` and `default` cannot both be set")),
            (one_table(json!({"columns": [{"name": "id", "type": "int", "identity": "always", "generated": "1"}]})),
             format!("{t}, column `id`: `identity` and `generated` cannot both be set")),
            (one_table(json!({"columns": [{"name": "g", "type": "int", "default": "1", "generated": "2"}]})),
             format!("{t}, column `g`: `default` and `generated` cannot both be set")),
            (one_table(json!({"columns": [{"name": "id", "type": "int", "nullable": true}], "primary_key": ["id"]})),
             format!("{t}, column `id`: `\"nullable\": true` and `primary_key` cannot both be set: primary key columns are NOT NULL")),
            (one_table(json!({"columns": [{"name": "d", "type": "int", "default": "  "}]})), format!("{t}, column `d`: default is empty")),
            (one_table(json!({"renamed_from": "invoices"})), format!("{t}: `renamed_from` names the table itself")),
            (json!({"plugin": "billing", "tables": [{"name": "a", "renamed_from": "b", "columns": []}, {"name": "b", "columns": []}]}),
             format!("{ctx}, table `a`: `renamed_from` names `b`, which is also declared; a table can only be renamed from a name that is gone")),
            (json!({"plugin": "billing", "tables": [{"name": "a", "renamed_from": "old", "columns": []}, {"name": "b", "renamed_from": "old", "columns": []}]}),
             format!("{ctx}, table `b`: `renamed_from` names `old`, which table `a` is renamed from too")),
            (one_table(json!({"columns": [{"name": "a", "type": "int", "renamed_from": "id"}, {"name": "id", "type": "int"}]})),
             format!("{t}, column `a`: `renamed_from` names `id`, which is also declared; a column can only be renamed from a name that is gone")),
            (one_table(json!({"primary_key": ["idd"]})), format!("{t}: primary key refers to missing column `idd`")),
            (one_table(json!({"primary_key": []})), format!("{t}: primary key has no columns")),
            (one_table(json!({"primary_key": ["id", "id"]})), format!("{t}: column `id` appears twice in primary key")),
            (one_table(json!({"unique": [{"columns": ["id"]}, {"name": "u", "columns": ["x"]}]})),
             format!("{t}: unique constraint `u` refers to missing column `x`")),
            (one_table(json!({"unique": [{"columns": ["id"]}, {"columns": ["x"]}]})),
             format!("{t}: unique constraint #2 refers to missing column `x`")),
            (one_table(json!({"foreign_keys": [{"columns": ["nope"], "references": {"table": "invoices", "columns": ["id"]}}]})),
             format!("{t}: foreign key #1 refers to missing column `nope`")),
            (one_table(json!({"foreign_keys": [{"columns": ["id"], "references": {"table": "accounts", "columns": ["id"]}}]})),
             format!("{t}: foreign key #1 references missing table `billing.accounts`")),
            (one_table(json!({"foreign_keys": [{"name": "fk", "columns": ["id"], "references": {"table": "billing.invoices", "columns": ["idd"]}}]})),
             format!("{t}: foreign key `fk` references missing column `idd` of table `billing.invoices`")),
            (one_table(json!({"foreign_keys": [{"columns": ["id"], "references": {"table": "accounts.accounts", "columns": ["id", "x"]}}]})),
             format!("{t}: foreign key #1 has 1 column(s) but references 2")),
            (one_table(json!({"foreign_keys": [{"columns": ["id"], "references": {"table": "invoices", "columns": ["id"]}}]})),
             format!("{t}: foreign key #1 references (id) of table `billing.invoices`, which is not its primary key or unique")),
            (one_table(json!({"checks": [{"name": "c", "expr": "true"}], "foreign_keys": [{"name": "c", "columns": ["id"], "references": {"table": "a.b", "columns": ["id"]}}]})),
             format!("{t}: duplicate constraint name `c`")),
            (one_table(json!({"checks": [{"expr": ""}]})), format!("{t}: expression of check #1 is empty")),
            (one_table(json!({"indexes": [{"unique": true}]})), format!("{t}: index #1 has neither `columns` nor `expressions`")),
            (one_table(json!({"indexes": [{"name": "ix", "columns": ["id", "nope"]}]})), format!("{t}: index `ix` refers to missing column `nope`")),
            (one_table(json!({"indexes": [{"columns": ["id"], "include": ["nope"]}]})), format!("{t}: `include` of index #1 refers to missing column `nope`")),
            (one_table(json!({"indexes": [{"name": "invoices", "columns": ["id"]}]})),
             format!("{t}: index `invoices` has the same name as table `invoices`; they share one namespace")),
            (one_table(json!({"primary_key": {"name": "k", "columns": ["id"]}, "indexes": [{"name": "k", "columns": ["id"]}]})),
             format!("{t}: index `k` has the same name as primary key `k`; they share one namespace")),
        ];
        for (v, want) in cases {
            assert_eq!(err(v.clone()), want, "for {v}");
        }
    }

    #[test]
    fn a_63_byte_name_is_fine_and_64_is_not() {
        let ok = "é".repeat(31) + "x";
        assert_eq!(ok.len(), 63);
        assert!(load(&json!({"plugin": "p", "tables": [{"name": ok, "columns": []}]})).is_ok());
        let e =
            load(&json!({"plugin": "p", "tables": [{"name": ok.clone() + "y", "columns": []}]}))
                .unwrap_err();
        assert!(
            matches!(
                *e.kind,
                K::BadIdent {
                    source: IdentError::TooLong(_, 64),
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn foreign_keys_may_reference_unique_indexes_and_other_namespaces() {
        let d = load(&json!({"plugin": "p", "tables": [
            {"name": "a", "columns": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}],
             "indexes": [{"unique": true, "columns": ["y", "x"]}]},
            {"name": "b", "columns": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}],
             "foreign_keys": [{"columns": ["x", "y"], "references": {"table": "a", "columns": ["x", "y"]}, "deferrable": "deferred"},
                              {"columns": ["x"], "references": {"table": "elsewhere.t", "columns": ["anything"]}}]}]}));
        let d = d.unwrap();
        let fks = &d.schema.tables[1].foreign_keys;
        assert_eq!(fks[1].name, "b_x_y_fkey");
        assert_eq!(fks[1].deferrable, Deferrable::Deferred);
        assert_eq!(fks[0].ref_table, QualName::new("elsewhere", "t"));
    }
}
