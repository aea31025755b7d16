//! Validation and lowering of the object kinds of [`super::objects`]:
//! views and materialized views. Runs after the tables (in the fixed order
//! of [`super::validate`]): views in declaration order, then materialized
//! views.

use super::error::{DeclareError, DeclareErrorKind as K};
use super::file::IndexDecl;
use super::validate::{choose_name, describe, key_label, Cols, Loc, Lowering};
use crate::model::{sqlscan, QualName, View};
use std::collections::{HashMap, HashSet};

/// What [`Lowering::lower_objects`] produces, in declaration order.
pub(super) struct Objects {
    pub views: Vec<View>,
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
        let names = f.views.iter().map(|v| ("view", &v.name)).chain(
            f.materialized_views
                .iter()
                .map(|v| ("materialized view", &v.name)),
        );
        for (kind, name) in names {
            let at = self.loc.object(format!("{kind} `{name}`"));
            self.loc.ident(&format!("{kind} name"), name)?;
            let what = format!("{kind} `{name}`");
            let other = if self.tables.contains_key(name.as_str()) {
                Some(format!("table `{name}`"))
            } else if self.enums.contains(name.as_str()) {
                Some(format!("enum `{name}`"))
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
    ) -> Result<Objects, DeclareError> {
        let f = self.file;
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
        Ok(Objects { views })
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
