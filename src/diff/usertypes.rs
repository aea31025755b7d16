//! Domains and composite types. Paired by name; a domain whose base type or
//! collation changes is recreated (its columns re-cast), anything else is
//! altered in place. Attributes are paired by name: PostgreSQL appends
//! added ones, and a changed order alone is not a change.

use super::{Change, EnumColumn};
use crate::diff::{CompositeChange, DomainChange};
use crate::model::{Check, CompositeType, Domain, QualName, Schema};
use std::collections::{BTreeMap, HashMap};

/// Pushes the changes of the domains and composite types.
pub(super) fn push_types(old: &Schema, new: &Schema, out: &mut Vec<Change>) {
    let olds: HashMap<&QualName, &Domain> = old.domains.iter().map(|d| (&d.name, d)).collect();
    let news: HashMap<&QualName, &Domain> = new.domains.iter().map(|d| (&d.name, d)).collect();
    for n in &new.domains {
        match olds.get(&n.name) {
            None => out.push(Change::Domain(DomainChange::Create { domain: n.clone() })),
            Some(o) if o.base != n.base || o.collation != n.collation => {
                out.push(Change::Domain(DomainChange::Recreate {
                    old: (*o).clone(),
                    new: n.clone(),
                    columns: columns_of(old, new, &o.name),
                }))
            }
            Some(o) => push_domain_changes(o, n, out),
        }
    }
    for o in &old.domains {
        if !news.contains_key(&o.name) {
            out.push(Change::Domain(DomainChange::Drop { domain: o.clone() }));
        }
    }

    let olds: HashMap<&QualName, &CompositeType> =
        old.composite_types.iter().map(|c| (&c.name, c)).collect();
    let news: HashMap<&QualName, &CompositeType> =
        new.composite_types.iter().map(|c| (&c.name, c)).collect();
    for n in &new.composite_types {
        match olds.get(&n.name) {
            None => out.push(Change::Composite(CompositeChange::Create {
                composite: n.clone(),
            })),
            Some(o) => push_attribute_changes(o, n, out),
        }
    }
    for o in &old.composite_types {
        if !news.contains_key(&o.name) {
            out.push(Change::Composite(CompositeChange::Drop {
                composite: o.clone(),
            }));
        }
    }
}

fn push_domain_changes(o: &Domain, n: &Domain, out: &mut Vec<Change>) {
    if o.default != n.default {
        out.push(Change::Domain(DomainChange::SetDefault {
            name: n.name.clone(),
            default: n.default.clone(),
        }));
    }
    if o.not_null != n.not_null {
        out.push(Change::Domain(DomainChange::SetNotNull {
            name: n.name.clone(),
            not_null: n.not_null,
        }));
    }
    let olds: BTreeMap<&str, &Check> = o.checks.iter().map(|c| (c.name.as_str(), c)).collect();
    let news: BTreeMap<&str, &Check> = n.checks.iter().map(|c| (c.name.as_str(), c)).collect();
    for (name, oc) in &olds {
        match news.get(name) {
            Some(nc) if nc == oc => {}
            _ => out.push(Change::Domain(DomainChange::DropCheck {
                domain: n.name.clone(),
                name: name.to_string(),
            })),
        }
    }
    for (name, nc) in &news {
        if olds.get(name) != Some(nc) {
            out.push(Change::Domain(DomainChange::AddCheck {
                domain: n.name.clone(),
                check: (*nc).clone(),
            }));
        }
    }
}

fn push_attribute_changes(o: &CompositeType, n: &CompositeType, out: &mut Vec<Change>) {
    for a in &o.attributes {
        if n.attribute(&a.name).is_none() {
            out.push(Change::Composite(CompositeChange::DropAttribute {
                r#type: n.name.clone(),
                name: a.name.clone(),
            }));
        }
    }
    for a in &n.attributes {
        match o.attribute(&a.name) {
            None => out.push(Change::Composite(CompositeChange::AddAttribute {
                r#type: n.name.clone(),
                attribute: a.clone(),
            })),
            Some(old) if old != a => out.push(Change::Composite(CompositeChange::AlterAttribute {
                r#type: n.name.clone(),
                old: old.clone(),
                new: a.clone(),
            })),
            Some(_) => {}
        }
    }
}

/// The columns of `old`'s tables of type `ty` (or arrays of it), with the
/// defaults to set after they are re-cast (as for a recreated enum).
fn columns_of(old: &Schema, new: &Schema, ty: &QualName) -> Vec<EnumColumn> {
    let mut columns = Vec::new();
    for t in &old.tables {
        for c in &t.columns {
            if crate::model::usertypes::named(&c.ty) == Some(ty) {
                let mut col = EnumColumn::new(t.name.clone(), c.name.clone(), c.ty.array);
                col.has_default = c.default.is_some();
                col.default = super::new_column(new, &t.name, &c.name)
                    .filter(|n| n.ty == c.ty && n.identity.is_none() && n.generated.is_none())
                    .and_then(|n| n.default.clone());
                columns.push(col);
            }
        }
    }
    columns
}
