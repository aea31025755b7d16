//! Validation and lowering of the object kinds of [`super::objects`]:
//! views and materialized views. Runs after the tables (in the fixed order
//! of [`super::validate`]): views in declaration order, then materialized
//! views.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::file::IndexDecl;
use super::validate::{choose_name, describe, key_label, Cols, Loc, Lowering};
use crate::model::sequences::{serial_default, serial_sequence, type_range};
use crate::model::{sqlscan, BaseType, ColumnType, QualName, Sequence, SequenceOwner, Table, View};
use std::collections::{HashMap, HashSet};

/// What [`Lowering::lower_objects`] produces, in declaration order.
pub(super) struct Objects {
    pub views: Vec<View>,
    pub sequences: Vec<Sequence>,
}

/// The text, normalised, unless it is empty or holds a `;` outside literals.
fn one_query(at: &Loc, what: &str, text: &str) -> Result<String, DeclareError> {
    let q = at.expr(what, text)?;
    let q = crate::model::views::normalize_definition(&q);
    if q.is_empty() {
        return Err(at.err(K::EmptyExpr { what: what.into() }));
    }
    let semicolon = sqlscan::tokens(&q)
        .iter()
        .any(|t| matches!(t, sqlscan::Tok::Symbol(s) if s == ";"));
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
        Ok(Objects { views, sequences })
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
