//! The server's normal form of a declaration: every expression as
//! PostgreSQL prints it back.
//!
//! Declared expressions (defaults, generated columns, checks, index keys and
//! predicates, view definitions) are SQL text as someone wrote it
//! (`total >= 0`, `select id from invoices`); the catalog
//! holds what PostgreSQL made of it and prints it back in its own form
//! (`(total >= (0)::numeric)`). Only the server can say what that form is,
//! so [`normalize_in`] asks it: inside a savepoint of the caller's
//! transaction it creates the declared objects under *shadow* namespaces,
//! introspects them, rolls the savepoint back, and puts the printed forms
//! into the declaration in place of the written ones.
//!
//! The result compares equal to a live database where the declaration was
//! applied, so a schema file can be diffed with a database (`graft diff`),
//! and an existing database adopted (first apply over live objects) or
//! repaired, without false differences.
//!
//! How the shadows stand in for the real namespaces:
//!
//! - each declared namespace `N` gets a fresh name `graft_norm_<random>_<i>`;
//!   the declared objects are created there, by the same plan and renderer
//!   as a real migration, so nothing live is touched, locked or in the way;
//! - the `search_path` is the caller's with each declared namespace
//!   preceded by its shadow, so an unqualified name finds a declared object
//!   first and anything else (an extension's function in `N`, say) where a
//!   real migration would find it;
//! - a qualified name `N.x` in an expression or a view's query is moved to
//!   the shadow when `x` is a declared object of `N` (an enum, a table or a
//!   view), and left alone otherwise;
//! - foreign keys and comments, which hold no expression, are left out, so
//!   a reference to a table outside the declaration needs nothing live;
//! - the printed forms name the shadows; they are mapped back to the real
//!   namespace names, quoted as PostgreSQL quotes them.
//!
//! Creating schemas needs the `CREATE` privilege on the database. The cost
//! is that of creating the declared tables once (about 2 ms a table),
//! which is why graft does it only where it must: a schema file compared
//! with a database, adoption, repair, and snapshots recorded by a graft
//! that did not record their live form yet.

mod qualify;

use crate::diff::diff;
use crate::error::pg_error_text;
use crate::introspect::{introspect_in, IntrospectError};
use crate::model::{BaseType, IndexTarget, QualName, Returns, Schema};
use crate::plan::build_plan;
use crate::render::{quote_ident, RenderError};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio_postgres::Transaction;

/// Why a declaration could not be normalised.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NormalizeError {
    /// A statement failed: usually the declaration refers to something
    /// the database lacks (a type, a function, an extension), or the role
    /// may not create schemas.
    #[error(
        "while normalising the declared expressions through the server ({step}): {}",
        describe(.source, .shadows)
    )]
    Db {
        /// What was being done.
        step: &'static str,
        /// The database error.
        #[source]
        source: Box<tokio_postgres::Error>,
        /// Shadow namespace → real namespace, to translate the message.
        shadows: Vec<(String, String)>,
    },
    /// Introspecting the shadows failed.
    #[error("while normalising the declared expressions through the server: {0}")]
    Introspect(#[from] Box<IntrospectError>),
    /// The declaration could not be rendered (a bug upstream).
    #[error("while normalising the declared expressions through the server: {0}")]
    Render(#[from] Box<RenderError>),
}

fn describe(e: &tokio_postgres::Error, shadows: &[(String, String)]) -> String {
    let mut text = pg_error_text(e);
    for (shadow, real) in shadows {
        text = text.replace(shadow.as_str(), real);
    }
    text
}

/// Whether any expression in `schema` needs the server's printed form.
pub fn has_expressions(schema: &Schema) -> bool {
    !schema.views.is_empty()
        || !schema.functions.is_empty()
        || schema.triggers.iter().any(|t| t.when.is_some())
        || schema
            .domains
            .iter()
            .any(|d| d.default.is_some() || !d.checks.is_empty())
        || schema.tables.iter().any(|t| {
            !t.checks.is_empty()
                || !t.policies.is_empty()
                || t.columns
                    .iter()
                    .any(|c| c.default.is_some() || c.generated.is_some())
                || t.indexes.iter().any(|i| {
                    i.predicate.is_some()
                        || i.keys
                            .iter()
                            .any(|k| matches!(k.target, IndexTarget::Expr(_)))
                })
        })
}

/// `declared` with every expression in the form PostgreSQL prints it back,
/// everything else (names, rename hints, foreign keys, comments) as
/// declared. See the module docs. Runs inside a savepoint of `tx`, which
/// must be a read-write transaction; whatever happens, the savepoint is
/// rolled back, and `tx`'s own state (`search_path` included) is as before.
pub async fn normalize_in(
    tx: &Transaction<'_>,
    declared: &Schema,
) -> Result<Schema, NormalizeError> {
    if !has_expressions(declared) {
        return Ok(declared.clone());
    }
    let shadows = shadow_names(&declared.namespaces);
    let pairs: Vec<(String, String)> = declared
        .namespaces
        .iter()
        .cloned()
        .zip(shadows.iter().cloned())
        .map(|(real, shadow)| (shadow, real))
        .collect();
    let db = |step: &'static str| {
        let shadows = pairs.clone();
        move |source| NormalizeError::Db {
            step,
            source: Box::new(source),
            shadows,
        }
    };

    // The caller's search_path, and the real names as PostgreSQL quotes them.
    let row = tx
        .query_one(
            "SELECT pg_catalog.current_setting('search_path'), \
                    ARRAY(SELECT pg_catalog.quote_ident(n) FROM pg_catalog.unnest($1::text[]) AS n)",
            &[&declared.namespaces],
        )
        .await
        .map_err(db("reading search_path"))?;
    let search_path: String = row.get(0);
    let quoted: Vec<String> = row.get(1);

    let moves: HashMap<String, String> = declared
        .namespaces
        .iter()
        .cloned()
        .zip(shadows.iter().cloned())
        .collect();
    let shadowed = shadow_schema(declared, &moves);
    let plan = build_plan(diff(&Schema::default(), &shadowed)).map_err(Box::new)?;
    let mut sql = format!(
        "SAVEPOINT graft_normalize;\nSET LOCAL search_path = {};\nSET LOCAL check_function_bodies = off",
        shadowed_search_path(&search_path, &moves)
    );
    for stmt in plan.statements() {
        sql.push_str(";\n");
        sql.push_str(stmt);
    }
    let created = tx
        .batch_execute(&sql)
        .await
        .map_err(db("creating the shadows"));
    let printed = match created {
        Ok(()) => introspect_in(tx, &shadows)
            .await
            .map_err(|e| NormalizeError::Introspect(Box::new(e))),
        Err(e) => Err(e),
    };
    // Always undo; a failure to undo is the error worth reporting only when
    // nothing failed before it.
    let undone = tx
        .batch_execute("ROLLBACK TO SAVEPOINT graft_normalize; RELEASE SAVEPOINT graft_normalize")
        .await
        .map_err(db("rolling back the shadows"));
    let printed = printed?.schema;
    undone?;

    let back: Vec<(String, String)> = shadows.into_iter().zip(quoted).collect();
    let printed = unshadow_schema(printed, &pairs, &back);
    Ok(overlay(declared, &printed))
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// Fresh shadow names, one per namespace: `graft_norm_<8 hex>_<i>`.
fn shadow_names(namespaces: &[String]) -> Vec<String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!(
        "{}:{nanos}:{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    let tag = &blake3::hash(seed.as_bytes()).to_hex()[..8];
    (0..namespaces.len())
        .map(|i| format!("graft_norm_{tag}_{i}"))
        .collect()
}

/// The declared names per namespace that a qualified reference may name:
/// enums, domains, composite types, tables (a table is also a type), views,
/// functions and sequences (standalone, or of serial columns).
fn movable_names(schema: &Schema) -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for e in &schema.enums {
        out.entry(e.name.schema.clone())
            .or_default()
            .insert(e.name.name.clone());
    }
    for t in &schema.tables {
        out.entry(t.name.schema.clone())
            .or_default()
            .insert(t.name.name.clone());
    }
    for v in &schema.views {
        out.entry(v.name.schema.clone())
            .or_default()
            .insert(v.name.name.clone());
    }
    for q in &schema.sequences {
        out.entry(q.name.schema.clone())
            .or_default()
            .insert(q.name.name.clone());
    }
    for d in &schema.domains {
        out.entry(d.name.schema.clone())
            .or_default()
            .insert(d.name.name.clone());
    }
    for c in &schema.composite_types {
        out.entry(c.name.schema.clone())
            .or_default()
            .insert(c.name.name.clone());
    }
    for f in &schema.functions {
        out.entry(f.name.schema.clone())
            .or_default()
            .insert(f.name.name.clone());
    }
    // the sequences of serial columns, named in their defaults
    for t in &schema.tables {
        for c in t.columns.iter().filter(|c| c.serial) {
            if let Some(q) = c
                .default
                .as_deref()
                .and_then(|d| crate::model::sequences::serial_sequence(d, &t.name.schema))
            {
                out.entry(q.schema).or_default().insert(q.name);
            }
        }
    }
    out
}

/// `declared` moved into the shadows: names, the types of declared enums,
/// and qualified references in expressions; foreign keys, comments and
/// rename hints dropped.
fn shadow_schema(declared: &Schema, moves: &HashMap<String, String>) -> Schema {
    let names = movable_names(declared);
    let mv = |q: &QualName| match moves.get(&q.schema) {
        Some(s) => QualName::new(s.clone(), q.name.clone()),
        None => q.clone(),
    };
    let is_declared = |q: &QualName| names.get(&q.schema).is_some_and(|n| n.contains(&q.name));
    let expr = |e: &str| qualify::requalify(e, moves, &names);
    let mut s = declared.clone();
    s.namespaces = s
        .namespaces
        .iter()
        .map(|n| moves.get(n).cloned().unwrap_or_else(|| n.clone()))
        .collect();
    for e in &mut s.enums {
        e.name = mv(&e.name);
    }
    for t in &mut s.tables {
        t.name = mv(&t.name);
        t.renamed_from = None;
        t.comment = None;
        t.foreign_keys.clear();
        for c in &mut t.columns {
            c.renamed_from = None;
            c.comment = None;
            if let BaseType::Named(q) = &c.ty.base {
                if is_declared(q) {
                    c.ty.base = BaseType::Named(mv(q));
                }
            }
            c.default = c.default.as_deref().map(expr);
            c.generated = c.generated.as_deref().map(expr);
        }
        for ck in &mut t.checks {
            ck.expr = expr(&ck.expr);
        }
        for p in &mut t.policies {
            p.using = p.using.as_deref().map(expr);
            p.with_check = p.with_check.as_deref().map(expr);
        }
        for i in &mut t.indexes {
            for k in &mut i.keys {
                if let IndexTarget::Expr(e) = &mut k.target {
                    *e = expr(e);
                }
            }
            i.predicate = i.predicate.as_deref().map(expr);
        }
    }
    let mv_type = |ty: &mut crate::model::ColumnType| {
        if let BaseType::Named(q) = &ty.base {
            if is_declared(q) {
                ty.base = BaseType::Named(mv(q));
            }
        }
    };
    for d in &mut s.domains {
        d.name = mv(&d.name);
        mv_type(&mut d.base);
        d.default = d.default.as_deref().map(expr);
        for ck in &mut d.checks {
            ck.expr = expr(&ck.expr);
        }
    }
    for c in &mut s.composite_types {
        c.name = mv(&c.name);
        for a in &mut c.attributes {
            mv_type(&mut a.ty);
        }
    }
    for f in &mut s.functions {
        f.name = mv(&f.name);
        f.comment = None;
        for a in &mut f.args {
            mv_type(&mut a.ty);
            a.default = a.default.as_deref().map(expr);
        }
        match &mut f.returns {
            Some(Returns::Type { ty, .. }) => mv_type(ty),
            Some(Returns::Table { columns }) => {
                for c in columns {
                    mv_type(&mut c.ty);
                }
            }
            None => {}
        }
        // a quoted body is stored as written, so whatever moves in it
        // moves back; a SQL-standard one is parsed and must find the shadows
        f.body = expr(&f.body);
    }
    for t in &mut s.triggers {
        t.table = mv(&t.table);
        t.comment = None;
        if is_declared(&t.function) {
            t.function = mv(&t.function);
        }
        t.when = t.when.as_deref().map(expr);
    }
    for q in &mut s.sequences {
        q.name = mv(&q.name);
        q.comment = None;
        if let Some(o) = &mut q.owned_by {
            if is_declared(&o.table) {
                o.table = mv(&o.table);
            }
        }
    }
    for v in &mut s.views {
        v.name = mv(&v.name);
        v.comment = None;
        v.definition = expr(&v.definition);
        v.depends_on = v
            .depends_on
            .iter()
            .map(|d| if is_declared(d) { mv(d) } else { d.clone() })
            .collect();
        for i in &mut v.indexes {
            for k in &mut i.keys {
                if let IndexTarget::Expr(e) = &mut k.target {
                    *e = expr(e);
                }
            }
            i.predicate = i.predicate.as_deref().map(expr);
        }
    }
    s.normalize();
    s
}

/// The caller's `search_path` (as `current_setting` prints it) with the
/// shadow of each moved namespace just before it.
fn shadowed_search_path(path: &str, moves: &HashMap<String, String>) -> String {
    let mut out = Vec::new();
    for entry in split_path(path) {
        if let Some(shadow) = moves.get(&entry) {
            out.push(quote_ident(shadow));
        }
        out.push(quote_ident(&entry));
    }
    if out.is_empty() {
        // an empty path: nothing is found unqualified, as before
        return "''".to_string();
    }
    out.join(", ")
}

/// The entries of a `search_path` setting, unquoted (`"$user"` stays
/// `$user`); unquoted entries fold to lower case, as PostgreSQL reads them.
fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            '"' => {
                quoted = true;
                was_quoted = true;
            }
            ',' if !quoted => {
                push_entry(&mut out, &mut cur, was_quoted);
                was_quoted = false;
            }
            c if !quoted && c.is_whitespace() => {}
            c if !quoted => cur.push(c.to_ascii_lowercase()),
            c => cur.push(c),
        }
    }
    push_entry(&mut out, &mut cur, was_quoted);
    out
}

fn push_entry(out: &mut Vec<String>, cur: &mut String, quoted: bool) {
    let entry = std::mem::take(cur);
    if !entry.is_empty() || quoted {
        out.push(entry);
    }
}

/// The introspected shadows under their real names: namespaces, object
/// names, types, and the qualifiers in printed expressions (`shadow.` →
/// the real name as `quote_ident` prints it).
fn unshadow_schema(
    mut s: Schema,
    pairs: &[(String, String)],
    quoted: &[(String, String)],
) -> Schema {
    let real: HashMap<&str, &str> = pairs
        .iter()
        .map(|(shadow, real)| (shadow.as_str(), real.as_str()))
        .collect();
    let back = |q: &QualName| match real.get(q.schema.as_str()) {
        Some(r) => QualName::new(*r, q.name.clone()),
        None => q.clone(),
    };
    let text = |e: &str| {
        let mut e = e.to_string();
        for (shadow, quoted_real) in quoted {
            e = e.replace(&format!("{shadow}."), &format!("{quoted_real}."));
        }
        e
    };
    s.namespaces = s
        .namespaces
        .iter()
        .map(|n| real.get(n.as_str()).map_or(n.clone(), |r| r.to_string()))
        .collect();
    for e in &mut s.enums {
        e.name = back(&e.name);
    }
    for t in &mut s.tables {
        t.name = back(&t.name);
        for c in &mut t.columns {
            if let BaseType::Named(q) = &c.ty.base {
                c.ty.base = BaseType::Named(back(q));
            }
            c.default = c.default.as_deref().map(text);
            c.generated = c.generated.as_deref().map(text);
        }
        for ck in &mut t.checks {
            ck.expr = text(&ck.expr);
        }
        for p in &mut t.policies {
            p.using = p.using.as_deref().map(text);
            p.with_check = p.with_check.as_deref().map(text);
        }
        for i in &mut t.indexes {
            for k in &mut i.keys {
                if let IndexTarget::Expr(e) = &mut k.target {
                    *e = text(e);
                }
            }
            i.predicate = i.predicate.as_deref().map(text);
        }
    }
    let back_type = |ty: &mut crate::model::ColumnType| {
        if let BaseType::Named(q) = &ty.base {
            ty.base = BaseType::Named(back(q));
        }
    };
    for d in &mut s.domains {
        d.name = back(&d.name);
        back_type(&mut d.base);
        d.default = d.default.as_deref().map(text);
        for ck in &mut d.checks {
            ck.expr = text(&ck.expr);
        }
    }
    for c in &mut s.composite_types {
        c.name = back(&c.name);
        for a in &mut c.attributes {
            back_type(&mut a.ty);
        }
    }
    for f in &mut s.functions {
        f.name = back(&f.name);
        for a in &mut f.args {
            back_type(&mut a.ty);
            a.default = a.default.as_deref().map(text);
        }
        match &mut f.returns {
            Some(Returns::Type { ty, .. }) => back_type(ty),
            Some(Returns::Table { columns }) => {
                for c in columns {
                    back_type(&mut c.ty);
                }
            }
            None => {}
        }
        f.body = text(&f.body);
    }
    for t in &mut s.triggers {
        t.table = back(&t.table);
        t.function = back(&t.function);
        t.when = t.when.as_deref().map(text);
    }
    for q in &mut s.sequences {
        q.name = back(&q.name);
        if let Some(o) = &mut q.owned_by {
            o.table = back(&o.table);
        }
    }
    for v in &mut s.views {
        v.name = back(&v.name);
        v.definition = text(&v.definition);
        v.depends_on = v.depends_on.iter().map(back).collect();
        for i in &mut v.indexes {
            for k in &mut i.keys {
                if let IndexTarget::Expr(e) = &mut k.target {
                    *e = text(e);
                }
            }
            i.predicate = i.predicate.as_deref().map(text);
        }
    }
    s.normalize();
    s
}

/// `declared` with its expressions replaced by their printed forms from
/// `printed` (the same objects, introspected): defaults and generation
/// expressions by column, checks by name, index expressions by position and
/// predicates by index name. A printed default may be gone (`DEFAULT NULL`
/// is not stored): then it is gone here too.
///
/// **When the model learns a kind with expressions** (function bodies,
/// trigger conditions, policies, domain checks), add it here and to
/// `shadow_schema` / `unshadow_schema` / `movable_names`.
fn overlay(declared: &Schema, printed: &Schema) -> Schema {
    let mut out = declared.clone();
    for t in &mut out.tables {
        let Some(p) = printed.table(&t.name) else {
            continue;
        };
        for c in &mut t.columns {
            let Some(pc) = p.column(&c.name) else {
                continue;
            };
            if c.generated.is_some() {
                c.generated = pc.generated.clone();
            } else if c.identity.is_none() {
                c.default = pc.default.clone();
            }
        }
        for ck in &mut t.checks {
            if let Some(pk) = p.checks.iter().find(|x| x.name == ck.name) {
                ck.expr = pk.expr.clone();
            }
        }
        for pol in &mut t.policies {
            if let Some(pp) = p.policies.iter().find(|x| x.name == pol.name) {
                pol.using = pp.using.clone();
                pol.with_check = pp.with_check.clone();
            }
        }
        overlay_indexes(&mut t.indexes, &p.indexes);
    }
    for d in &mut out.domains {
        let Some(p) = printed.domains.iter().find(|p| p.name == d.name) else {
            continue;
        };
        d.default = p.default.clone();
        for ck in &mut d.checks {
            if let Some(pk) = p.checks.iter().find(|x| x.name == ck.name) {
                ck.expr = pk.expr.clone();
            }
        }
    }
    for f in &mut out.functions {
        let key = crate::drift::scope::ObjectKey::function(f);
        let Some(p) = printed
            .functions
            .iter()
            .find(|p| crate::drift::scope::ObjectKey::function(p) == key)
        else {
            continue;
        };
        f.body = p.body.clone();
        if p.args.len() == f.args.len() {
            for (a, pa) in f.args.iter_mut().zip(&p.args) {
                a.default = pa.default.clone();
            }
        }
    }
    for t in &mut out.triggers {
        if let Some(p) = printed
            .triggers
            .iter()
            .find(|p| p.table == t.table && p.name == t.name)
        {
            t.when = p.when.clone();
        }
    }
    for v in &mut out.views {
        let Some(p) = printed.view(&v.name) else {
            continue;
        };
        v.definition = p.definition.clone();
        // what the server found the view to depend on, beyond its text
        v.depends_on = p.depends_on.clone();
        overlay_indexes(&mut v.indexes, &p.indexes);
    }
    out.normalize();
    out
}

fn overlay_indexes(indexes: &mut [crate::model::Index], printed: &[crate::model::Index]) {
    for i in indexes {
        let Some(pi) = printed.iter().find(|x| x.name == i.name) else {
            continue;
        };
        if pi.keys.len() == i.keys.len() {
            for (k, pk) in i.keys.iter_mut().zip(&pi.keys) {
                if let (IndexTarget::Expr(e), IndexTarget::Expr(pe)) = (&mut k.target, &pk.target) {
                    *e = pe.clone();
                }
            }
        }
        i.predicate = pi.predicate.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_path_gets_the_shadows_first() {
        let moves: HashMap<String, String> = [
            ("billing".to_string(), "graft_norm_x_0".to_string()),
            ("My Ns".to_string(), "graft_norm_x_1".to_string()),
        ]
        .into();
        assert_eq!(
            shadowed_search_path("\"$user\", public, Billing", &moves),
            "\"$user\", \"public\", \"graft_norm_x_0\", \"billing\""
        );
        assert_eq!(
            shadowed_search_path("\"My Ns\",\"a\"\"b\"", &moves),
            "\"graft_norm_x_1\", \"My Ns\", \"a\"\"b\""
        );
        assert_eq!(shadowed_search_path("", &moves), "''");
        assert_eq!(split_path("\"\", a"), ["", "a"]);
    }

    #[test]
    fn shadow_names_are_fresh_and_fit() {
        let a = shadow_names(&["x".into(), "y".into()]);
        let b = shadow_names(&["x".into()]);
        assert_eq!(a.len(), 2);
        assert_ne!(a[0], b[0]);
        assert!(a
            .iter()
            .all(|n| n.len() <= 63 && n.starts_with("graft_norm_")));
    }
}
