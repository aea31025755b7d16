//! Validation and lowering of the object kinds of [`super::objects`]:
//! views and materialized views. Runs after the tables (in the fixed order
//! of [`super::validate`]): views in declaration order, then materialized
//! views.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::file::IndexDecl;
use super::objects::{ForEach, FunctionDecl, TriggerDecl};
use super::validate::{choose_name, describe, key_label, Cols, Loc, Lowering};
use crate::model::functions::{
    derived_returns, is_extra_type, is_name_list_setting, normalize_body, setting_names,
    without_modifiers,
};
use crate::model::sequences::{serial_default, serial_sequence, type_range};
use crate::model::{
    ArgMode, BaseType, ColumnType, Function, FunctionArg, FunctionKind, FunctionSetting, QualName,
    ReturnColumn, Returns, Sequence, SequenceOwner, Table, Trigger, TriggerEvent, TriggerTiming,
    View,
};
use crate::sql::parse_pg_name;
use std::collections::{HashMap, HashSet};

/// What [`Lowering::lower_objects`] produces, in declaration order.
pub(super) struct Objects {
    pub views: Vec<View>,
    pub sequences: Vec<Sequence>,
    pub functions: Vec<Function>,
    pub triggers: Vec<Trigger>,
}

/// The text, normalised, unless it is empty or holds a `;` outside literals.
fn one_query(at: &Loc, what: &str, text: &str) -> Result<String, DeclareError> {
    let q = at.expr(what, text)?;
    let q = crate::model::views::normalize_definition(&q);
    if q.is_empty() {
        return Err(at.err(K::EmptyExpr { what: what.into() }));
    }
    let semicolon = crate::sql::lex::solid(&q)
        .iter()
        .any(|t| t.kind == crate::sql::lex::Kind::Semicolon);
    if semicolon {
        return Err(at.err(K::Semicolon { what: what.into() }));
    }
    Ok(q)
}

impl Lowering<'_> {
    /// The relation names that views and materialized views take, checked
    /// against each other, the tables and the enums (a view has a row type
    /// of its name), for the naming of the tables' unnamed objects to avoid.
    pub(super) fn reserve_object_names(&self) -> Result<HashMap<String, String>, DeclareError> {
        let f = self.file;
        let mut out: HashMap<String, String> = HashMap::new();
        let names = f
            .views
            .iter()
            .map(|v| ("view", &v.name))
            .chain(
                f.materialized_views
                    .iter()
                    .map(|v| ("materialized view", &v.name)),
            )
            .chain(f.sequences.iter().map(|s| ("sequence", &s.name)));
        for (kind, name) in names {
            let at = self.loc.object(format!("{kind} `{name}`"));
            self.loc.ident(&format!("{kind} name"), name)?;
            let what = format!("{kind} `{name}`");
            let other = if self.tables.contains_key(name.as_str()) {
                Some(format!("table `{name}`"))
            } else if self.enums.contains(name.as_str()) {
                Some(format!("enum `{name}`"))
            } else if let Some(kind) = self.types.kind(name) {
                Some(format!("{kind} `{name}`"))
            } else {
                out.get(name).cloned()
            };
            if let Some(other) = other {
                return Err(at.err(K::NameClash {
                    what,
                    name: name.clone(),
                    other,
                }));
            }
            out.insert(name.clone(), what);
        }
        for v in &f.materialized_views {
            let at = self.loc.object(format!("materialized view `{}`", v.name));
            for (i, ix) in v.indexes.iter().enumerate() {
                let Some(name) = &ix.name else { continue };
                at.ident("index name", name)?;
                let what = describe("index", Some(name), i);
                let clash = if self.tables.contains_key(name.as_str()) {
                    Some(format!("table `{name}`"))
                } else {
                    out.get(name).cloned()
                };
                if let Some(other) = clash {
                    return Err(at.err(K::NameClash {
                        what,
                        name: name.clone(),
                        other,
                    }));
                }
                out.insert(name.clone(), what);
            }
        }
        Ok(out)
    }

    /// Lowers views and materialized views; `relations` holds every
    /// relation name taken so far (tables, their indexes and constraints,
    /// views) and receives the materialized views' index names.
    pub(super) fn lower_objects(
        &self,
        relations: &mut HashMap<String, String>,
        tables: &mut [Table],
    ) -> Result<Objects, DeclareError> {
        let f = self.file;
        self.serial_columns(relations, tables)?;
        let relation_names: HashSet<&str> = f
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .chain(f.views.iter().map(|v| v.name.as_str()))
            .chain(f.materialized_views.iter().map(|v| v.name.as_str()))
            .collect();
        let mut views = Vec::new();
        for v in &f.views {
            let at = self.loc.object(format!("view `{}`", v.name));
            let mut view = View::new(
                QualName::new(&self.ns, &v.name),
                one_query(&at, "definition", &v.definition)?,
            );
            view.security_barrier = v.security_barrier;
            view.security_invoker = v.security_invoker;
            view.check_option = v.check_option;
            view.depends_on = self.depends_on(&at, &relation_names, &v.depends_on)?;
            view.comment = v.comment.clone().filter(|c| !c.is_empty());
            views.push(view);
        }
        for v in &f.materialized_views {
            let at = self.loc.object(format!("materialized view `{}`", v.name));
            let mut view = View::new(
                QualName::new(&self.ns, &v.name),
                one_query(&at, "definition", &v.definition)?,
            );
            view.materialized = true;
            view.depends_on = self.depends_on(&at, &relation_names, &v.depends_on)?;
            view.comment = v.comment.clone().filter(|c| !c.is_empty());
            for (i, ix) in v.indexes.iter().enumerate() {
                // The query decides the columns: any column name passes.
                let cols = Cols(index_columns(ix));
                view.indexes.push(self.index(&at, &cols, ix, i)?);
            }
            name_indexes(&v.name, &mut view, relations);
            views.push(view);
        }
        let mut sequences = Vec::new();
        for s in &f.sequences {
            sequences.push(self.sequence(s)?);
        }
        let functions = self.functions()?;
        let triggers = self.triggers(&functions)?;
        Ok(Objects {
            views,
            sequences,
            functions,
            triggers,
        })
    }

    /// Serial columns: the type must be an integer, the default (when
    /// given) must name the sequence, which otherwise is
    /// `<table>_<column>_seq` (the first free name, as PostgreSQL picks it);
    /// NOT NULL unless the column says `"nullable": true`. The sequence
    /// name is a relation name of the namespace.
    fn serial_columns(
        &self,
        relations: &mut HashMap<String, String>,
        tables: &mut [Table],
    ) -> Result<(), DeclareError> {
        for (td, t) in self.file.tables.iter().zip(tables.iter_mut()) {
            for cd in td.columns.iter().filter(|c| c.serial) {
                let cl = self.loc.table(&td.name).column(&cd.name);
                let Some(c) = t.columns.iter_mut().find(|c| c.name == cd.name) else {
                    continue;
                };
                let integer = !c.ty.array
                    && matches!(&c.ty.base, BaseType::Builtin(b) if type_range(b).is_some());
                if !integer {
                    return Err(cl.err(K::SerialType {
                        ty: c.ty.canonical(),
                    }));
                }
                for (set, other) in [
                    (c.identity.is_some(), "identity"),
                    (c.generated.is_some(), "generated"),
                ] {
                    if set {
                        return Err(cl.err(K::Conflict {
                            a: "serial".into(),
                            b: other.into(),
                            why: String::new(),
                        }));
                    }
                }
                let seq = match &c.default {
                    Some(d) => {
                        let Some(q) = serial_sequence(d, &self.ns) else {
                            return Err(cl.err(K::SerialDefault { default: d.clone() }));
                        };
                        cl.ident("sequence name", &q.schema)?;
                        cl.ident("sequence name", &q.name)?;
                        if q.schema == self.ns {
                            let what =
                                format!("sequence `{}` of serial column `{}`", q.name, cd.name);
                            if let Some(other) = relations.insert(q.name.clone(), what.clone()) {
                                return Err(cl.err(K::NameClash {
                                    what,
                                    name: q.name.clone(),
                                    other: if other.is_empty() {
                                        "a generated name".into()
                                    } else {
                                        other
                                    },
                                }));
                            }
                        }
                        q
                    }
                    None => {
                        let name =
                            choose_name(&td.name, &cd.name, "seq", |n| !relations.contains_key(n));
                        relations.insert(name.clone(), String::new());
                        QualName::new(&self.ns, name)
                    }
                };
                c.default = Some(serial_default(&seq));
                c.serial = true;
                if cd.nullable.is_none() {
                    c.nullable = false;
                }
            }
        }
        Ok(())
    }

    fn sequence(&self, d: &super::objects::SequenceDecl) -> Result<Sequence, DeclareError> {
        let at = self.loc.object(format!("sequence `{}`", d.name));
        let bad = |why: String| at.err(K::BadSequence { why });
        let mut s = Sequence::new(QualName::new(&self.ns, &d.name));
        if let Some(ty) = &d.ty {
            let t = ColumnType::parse(ty, |_| None).map_err(|e| at.err(K::Type(e)))?;
            match &t.base {
                BaseType::Builtin(b) if !t.array && type_range(b).is_some() => s.ty = b.clone(),
                _ => {
                    return Err(bad(format!(
                        "a sequence is smallint, integer or bigint, not `{}`",
                        t.canonical()
                    )))
                }
            }
        }
        s.increment = d.increment.unwrap_or(1);
        if s.increment == 0 {
            return Err(bad("`increment` cannot be 0".into()));
        }
        s.cache = d.cache.unwrap_or(1);
        if s.cache < 1 {
            return Err(bad(format!("`cache` must be at least 1, not {}", s.cache)));
        }
        s.cycle = d.cycle;
        s.min_value = d.min_value;
        s.max_value = d.max_value;
        s.start = d.start;
        let (lo, hi) = type_range(&s.ty).unwrap_or((i64::MIN, i64::MAX));
        for (what, v) in [("min_value", d.min_value), ("max_value", d.max_value)] {
            if let Some(v) = v.filter(|v| *v < lo || *v > hi) {
                return Err(bad(format!("`{what}` {v} is out of range for {}", s.ty)));
            }
        }
        let (min, max, start) = (s.effective_min(), s.effective_max(), s.effective_start());
        if min >= max {
            return Err(bad(format!(
                "`min_value` {min} must be less than `max_value` {max}"
            )));
        }
        if start < min || start > max {
            return Err(bad(format!(
                "`start` {start} is outside `min_value` {min} .. `max_value` {max}"
            )));
        }
        if let Some(o) = &d.owned_by {
            // `table.column`: the sentinel schema tells a bare name apart
            let q = QualName::parse(o, "\0");
            if q.schema == "\0" {
                return Err(bad(format!("`owned_by` is `table.column`, not `{o}`")));
            }
            let (table, column) = (q.schema, q.name);
            let what = "`owned_by`".to_string();
            let Some(t) = self.tables.get(table.as_str()) else {
                return Err(at.err(K::MissingTable {
                    what,
                    name: QualName::new(&self.ns, table).to_string(),
                }));
            };
            if !t.columns.iter().any(|c| c.name == column) {
                return Err(at.err(K::MissingColumn { what, name: column }));
            }
            s.owned_by = Some(SequenceOwner {
                table: QualName::new(&self.ns, table),
                column,
            });
        }
        s.comment = d.comment.clone().filter(|c| !c.is_empty());
        Ok(s)
    }

    /// A `depends_on` list: each a relation name, in the plugin's namespace
    /// (then declared) or another one (unchecked).
    fn depends_on(
        &self,
        at: &Loc,
        relations: &HashSet<&str>,
        names: &[String],
    ) -> Result<Vec<QualName>, DeclareError> {
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            let q = QualName::parse(n, &self.ns);
            at.ident("relation name in `depends_on`", &q.schema)?;
            at.ident("relation name in `depends_on`", &q.name)?;
            if q.schema == self.ns && !relations.contains(q.name.as_str()) {
                return Err(at.err(K::MissingRelation {
                    what: "`depends_on`".into(),
                    name: q.to_string(),
                }));
            }
            out.push(q);
        }
        Ok(out)
    }
}

/// Every column an index declaration names, so that [`Cols`] accepts them.
fn index_columns(ix: &IndexDecl) -> HashSet<&str> {
    ix.keys()
        .filter_map(|k| match &k.target {
            crate::model::IndexTarget::Column(c) => Some(c.as_str()),
            crate::model::IndexTarget::Expr(_) => None,
        })
        .chain(ix.include.iter().map(String::as_str))
        .collect()
}

/// Names the unnamed indexes of a materialized view `<view>_<keys>_idx`
/// (the explicit names are reserved by [`Lowering::reserve_object_names`]).
fn name_indexes(view_name: &str, view: &mut View, relations: &mut HashMap<String, String>) {
    for ix in &mut view.indexes {
        if ix.name.is_empty() {
            let b: Vec<String> = ix.keys.iter().map(|k| key_label(&k.target)).collect();
            ix.name = choose_name(view_name, &b.join("_"), "idx", |n| {
                !relations.contains_key(n)
            });
            relations.insert(ix.name.clone(), String::new());
        }
    }
}

impl Lowering<'_> {
    /// The names of the plugin's own relations (tables, views,
    /// materialized views): types of arguments and results may name their
    /// row types.
    fn own_relation(&self, name: &str) -> bool {
        let f = self.file;
        self.tables.contains_key(name)
            || f.views.iter().any(|v| v.name == name)
            || f.materialized_views.iter().any(|v| v.name == name)
    }

    /// A type of an argument or result: a pseudo-type (`trigger`, `void`,
    /// `record`, `anyelement`, …), a column type (without modifiers), or the
    /// row type of one of the plugin's relations.
    pub(super) fn function_type(
        &self,
        at: &Loc,
        declared: &str,
    ) -> Result<ColumnType, DeclareError> {
        let text = declared.trim();
        let text = text.strip_prefix("pg_catalog.").unwrap_or(text);
        let (base, array) = match text.strip_suffix("[]") {
            Some(b) => (b.trim_end(), true),
            None => (text, false),
        };
        let lower = base.to_lowercase();
        let extra = if base == "\"char\"" {
            base
        } else {
            lower.as_str()
        };
        if is_extra_type(extra) {
            return Ok(ColumnType {
                base: BaseType::Builtin(extra.to_string()),
                array,
            });
        }
        match self.resolve_type(at, text) {
            Ok(t) => Ok(without_modifiers(&t)),
            Err(e) => {
                if let Some(q) = parse_pg_name(base, &self.ns) {
                    if q.schema == self.ns && self.own_relation(&q.name) {
                        return Ok(ColumnType::named(q, array));
                    }
                }
                Err(e)
            }
        }
    }

    /// Lowers the functions and procedures, in declaration order.
    fn functions(&self) -> Result<Vec<Function>, DeclareError> {
        let mut out: Vec<Function> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for d in &self.file.functions {
            let f = self.function(d)?;
            if !seen.insert(f.signature()) {
                return Err(self.loc.err(K::Duplicate {
                    what: f.kind_label().into(),
                    name: f.signature(),
                }));
            }
            out.push(f);
        }
        Ok(out)
    }

    fn function(&self, d: &FunctionDecl) -> Result<Function, DeclareError> {
        let procedure = d.kind == FunctionKind::Procedure;
        let label = if procedure { "procedure" } else { "function" };
        let mut at = self.loc.object(format!("{label} `{}`", d.name));
        at.ident(&format!("{label} name"), &d.name)?;
        let bad = |at: &Loc, why: String| at.err(K::BadObject { why });
        let mut args = Vec::with_capacity(d.args.len());
        let mut names = HashSet::new();
        for (i, a) in d.args.iter().enumerate() {
            let what = match &a.name {
                Some(n) => format!("argument `{n}`"),
                None => format!("argument #{}", i + 1),
            };
            if let Some(n) = &a.name {
                at.ident("argument name", n)?;
                if !names.insert(n.as_str()) {
                    return Err(at.err(K::Duplicate {
                        what: "argument".into(),
                        name: n.clone(),
                    }));
                }
            }
            let ty = self.function_type(&at, &a.ty)?;
            let default = match &a.default {
                None => None,
                Some(_) if !a.mode.is_input() => {
                    return Err(bad(&at, format!("{what}: an OUT argument has no default")))
                }
                Some(text) => Some(one_query(&at, &format!("default of {what}"), text)?),
            };
            args.push(FunctionArg {
                mode: a.mode,
                name: a.name.clone(),
                ty,
                default,
            });
        }
        // the signature is known: name the object by it
        let mut probe = Function::new(QualName::new(&self.ns, &d.name), None, "", "");
        probe.args = args.clone();
        at = self.loc.object(format!("{label} `{}`", probe.signature()));
        let inputs: Vec<&FunctionArg> = args.iter().filter(|a| a.mode.is_input()).collect();
        if let Some(first) = inputs.iter().position(|a| a.default.is_some()) {
            if let Some(a) = inputs[first..].iter().find(|a| a.default.is_none()) {
                return Err(bad(
                    &at,
                    format!(
                        "input argument {} follows one with a default, so it needs one too",
                        a.name
                            .as_deref()
                            .map_or("without a name".into(), |n| format!("`{n}`"))
                    ),
                ));
            }
        }
        if let Some(v) = inputs.iter().position(|a| a.mode == ArgMode::Variadic) {
            let t = &inputs[v].ty;
            let any = matches!(&t.base, BaseType::Builtin(b) if b == "any");
            if v + 1 != inputs.len() || !(t.array || any) {
                return Err(bad(
                    &at,
                    "a VARIADIC argument is the last input and an array".into(),
                ));
            }
        }

        let language = d.language.trim().to_lowercase();
        at.ident("language", &language)?;
        if d.sql_body && language != "sql" {
            return Err(bad(&at, "`sql_body` needs `\"language\": \"sql\"`".into()));
        }
        let body = normalize_body(&d.body, d.sql_body);
        if body.is_empty() {
            return Err(at.err(K::EmptyExpr {
                what: "body".into(),
            }));
        }
        if d.sql_body {
            let lower = body.to_lowercase();
            if lower.starts_with("return") {
                one_query(&at, "body", &body)?;
            } else if !(lower.starts_with("begin atomic") && lower.ends_with("end")) {
                return Err(bad(
                    &at,
                    "a SQL-standard body is `RETURN …` or `BEGIN ATOMIC … END`".into(),
                ));
            }
        }

        let returns = if procedure {
            let attrs = [
                (
                    d.returns.is_some() || !d.returns_table.is_empty(),
                    "returns",
                ),
                (!d.volatility.is_default(), "volatility"),
                (d.strict, "strict"),
                (d.leakproof, "leakproof"),
                (!d.parallel.is_default(), "parallel"),
            ];
            if let Some((_, key)) = attrs.iter().find(|(set, _)| *set) {
                return Err(bad(&at, format!("a procedure has no `{key}`")));
            }
            None
        } else {
            Some(self.returns(&at, d, &args)?)
        };
        if let Some(Returns::Type { ty, .. }) = &returns {
            let trigger = matches!(&ty.base, BaseType::Builtin(b) if b == "trigger");
            if trigger && !args.is_empty() {
                return Err(bad(
                    &at,
                    "a trigger function declares no arguments (it reads TG_ARGV)".into(),
                ));
            }
        }

        let mut config = Vec::new();
        for (name, value) in &d.set {
            let lower = name.to_lowercase();
            let ok = lower
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && lower
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
            if !ok {
                return Err(bad(&at, format!("`set`: `{name}` is not a parameter name")));
            }
            if value.trim().is_empty() {
                return Err(bad(&at, format!("`set`: the value of `{name}` is empty")));
            }
            if is_name_list_setting(&lower) && setting_names(value).is_none() {
                return Err(bad(
                    &at,
                    format!("`set`: `{name}` is a list of names, not `{value}`"),
                ));
            }
            config.push(FunctionSetting {
                name: lower,
                value: value.clone(),
            });
        }

        let mut f = Function::new(QualName::new(&self.ns, &d.name), returns, language, body);
        f.kind = d.kind;
        f.args = args;
        f.sql_body = d.sql_body;
        f.volatility = d.volatility;
        f.strict = d.strict;
        f.security_definer = d.security_definer;
        f.leakproof = d.leakproof;
        f.parallel = d.parallel;
        f.config = config;
        f.comment = d.comment.clone().filter(|c| !c.is_empty());
        f.normalize();
        Ok(f)
    }

    /// The result of a function: `returns`, `returns_table`, or what its
    /// `OUT` arguments make (and `returns` must agree with them).
    fn returns(
        &self,
        at: &Loc,
        d: &FunctionDecl,
        args: &[FunctionArg],
    ) -> Result<Returns, DeclareError> {
        let bad = |why: &str| at.err(K::BadObject { why: why.into() });
        let derived = derived_returns(args);
        if !d.returns_table.is_empty() {
            if d.returns.is_some() {
                return Err(at.err(K::Conflict {
                    a: "returns".into(),
                    b: "returns_table".into(),
                    why: String::new(),
                }));
            }
            if derived.is_some() {
                return Err(bad("`returns_table` and OUT arguments cannot both be set"));
            }
            let mut columns = Vec::new();
            let mut names = HashSet::new();
            for c in &d.returns_table {
                at.ident("column name", &c.name)?;
                if !names.insert(c.name.as_str())
                    || args
                        .iter()
                        .any(|a| a.name.as_deref() == Some(c.name.as_str()))
                {
                    return Err(at.err(K::Duplicate {
                        what: "argument or result column".into(),
                        name: c.name.clone(),
                    }));
                }
                columns.push(ReturnColumn {
                    name: c.name.clone(),
                    ty: self.function_type(at, &c.ty)?,
                });
            }
            return Ok(Returns::Table { columns });
        }
        let Some(text) = &d.returns else {
            return derived.ok_or_else(|| {
                bad("a function needs `returns` (or `returns_table`, or OUT arguments)")
            });
        };
        let t = text.trim();
        let (setof, ty) = match t.get(..6) {
            Some(p) if p.eq_ignore_ascii_case("setof ") => (true, t[6..].trim()),
            _ => (false, t),
        };
        let ty = self.function_type(at, ty)?;
        if let Some(Returns::Type { ty: out, .. }) = &derived {
            if *out != ty {
                return Err(bad(&format!(
                    "OUT arguments make the result `{}`, not `{}`",
                    out.canonical(),
                    ty.canonical()
                )));
            }
        }
        Ok(Returns::Type { ty, setof })
    }

    /// Lowers the triggers, in declaration order.
    fn triggers(&self, functions: &[Function]) -> Result<Vec<Trigger>, DeclareError> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for d in &self.file.triggers {
            let t = self.trigger(d, functions)?;
            if !seen.insert((t.table.clone(), t.name.clone())) {
                return Err(self.loc.err(K::Duplicate {
                    what: "trigger".into(),
                    name: t.label(),
                }));
            }
            out.push(t);
        }
        Ok(out)
    }

    fn trigger(&self, d: &TriggerDecl, functions: &[Function]) -> Result<Trigger, DeclareError> {
        let table = QualName::parse(&d.table, &self.ns);
        let at = self
            .loc
            .object(format!("trigger `{}` on `{}`", d.name, table));
        let bad = |why: &str| at.err(K::BadObject { why: why.into() });
        at.ident("trigger name", &d.name)?;
        at.ident("table name", &table.schema)?;
        at.ident("table name", &table.name)?;
        let own_table = self
            .tables
            .get(table.name.as_str())
            .filter(|_| table.schema == self.ns);
        let own_view =
            table.schema == self.ns && self.file.views.iter().any(|v| v.name == table.name);
        if table.schema == self.ns && own_table.is_none() && !own_view {
            let mv = self
                .file
                .materialized_views
                .iter()
                .any(|v| v.name == table.name);
            return Err(if mv {
                bad("a materialized view cannot have triggers")
            } else {
                at.err(K::MissingTable {
                    what: "the trigger".into(),
                    name: table.to_string(),
                })
            });
        }
        if d.events.is_empty() {
            return Err(bad("a trigger needs at least one of `events`"));
        }
        let mut events = d.events.clone();
        events.sort();
        if events.windows(2).any(|w| w[0] == w[1]) {
            return Err(bad("an event is listed twice in `events`"));
        }
        let row = d.for_each == ForEach::Row;
        let has = |e: TriggerEvent| events.contains(&e);
        if d.timing == TriggerTiming::InsteadOf {
            if own_table.is_some() {
                return Err(bad("INSTEAD OF triggers are for views, not tables"));
            }
            if !row {
                return Err(bad("INSTEAD OF triggers are `\"for_each\": \"row\"`"));
            }
            if d.when.is_some() || !d.update_of.is_empty() {
                return Err(bad("INSTEAD OF triggers take no `when` or `update_of`"));
            }
        } else if own_view && row {
            return Err(bad("row-level triggers on a view are INSTEAD OF"));
        }
        if own_view && !d.enabled.is_default() {
            return Err(bad("triggers on views cannot be disabled (`enabled`)"));
        }
        if has(TriggerEvent::Truncate) && row {
            return Err(bad("TRUNCATE triggers are `\"for_each\": \"statement\"`"));
        }
        if !d.update_of.is_empty() && !has(TriggerEvent::Update) {
            return Err(bad("`update_of` needs the `update` event"));
        }
        let mut cols = HashSet::new();
        for c in &d.update_of {
            if !cols.insert(c.as_str()) {
                return Err(at.err(K::Repeated {
                    what: "`update_of`".into(),
                    name: c.clone(),
                }));
            }
            if let Some(t) = own_table {
                if !t.columns.iter().any(|tc| &tc.name == c) {
                    return Err(at.err(K::MissingColumn {
                        what: "`update_of`".into(),
                        name: c.clone(),
                    }));
                }
            }
        }
        let when = match &d.when {
            None => None,
            Some(w) => {
                if !row {
                    return Err(bad("a statement-level trigger has no `when`"));
                }
                Some(one_query(&at, "`when`", w)?)
            }
        };
        for (name, what, ok) in [
            (
                &d.old_table,
                "old_table",
                has(TriggerEvent::Update) || has(TriggerEvent::Delete),
            ),
            (
                &d.new_table,
                "new_table",
                has(TriggerEvent::Update) || has(TriggerEvent::Insert),
            ),
        ] {
            if let Some(n) = name {
                at.ident(&format!("`{what}` name"), n)?;
                if d.timing != TriggerTiming::After || !ok {
                    return Err(bad(&format!(
                        "`{what}` needs an AFTER trigger on {}",
                        if what == "old_table" {
                            "UPDATE or DELETE"
                        } else {
                            "INSERT or UPDATE"
                        }
                    )));
                }
            }
        }
        let function = QualName::parse(&d.function, &self.ns);
        at.ident("function name", &function.schema)?;
        at.ident("function name", &function.name)?;
        if function.schema == self.ns {
            let target = functions
                .iter()
                .find(|f| f.name == function && f.identity_types().is_empty());
            match target {
                None => {
                    return Err(at.err(K::MissingFunction {
                        what: "the trigger".into(),
                        name: format!("{function}()"),
                    }))
                }
                Some(f) => {
                    let trigger = matches!(
                        &f.returns,
                        Some(Returns::Type { ty, setof: false })
                            if matches!(&ty.base, BaseType::Builtin(b) if b == "trigger")
                    );
                    if !trigger {
                        return Err(bad(&format!(
                            "function `{function}()` does not return `trigger`"
                        )));
                    }
                }
            }
        }
        let mut t = Trigger {
            table,
            name: d.name.clone(),
            timing: d.timing,
            events,
            update_of: d.update_of.clone(),
            for_each_row: row,
            when,
            function,
            args: d.args.clone(),
            old_table: d.old_table.clone(),
            new_table: d.new_table.clone(),
            enabled: d.enabled,
            comment: d.comment.clone().filter(|c| !c.is_empty()),
        };
        t.normalize();
        Ok(t)
    }
}
