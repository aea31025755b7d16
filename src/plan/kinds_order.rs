//! The edges [`super::topo`] orders domains and composite types by: a type
//! is created after the types it is built on (and an attribute added or
//! changed after its type exists), and dropped before them. Enums take part
//! as what others are built on.

use crate::diff::Change;
use crate::diff::{CompositeChange, DomainChange, EnumChange};
use crate::model::usertypes::named;
use crate::model::QualName;
use std::collections::BTreeSet;

/// Whether a change takes part in the type order of its run.
pub(super) fn ordered(c: &Change) -> bool {
    matches!(
        c,
        Change::Enum(EnumChange::Create { .. })
            | Change::Domain(DomainChange::Create { .. })
            | Change::Composite(CompositeChange::Create { .. })
            | Change::Composite(CompositeChange::AddAttribute { .. })
            | Change::Composite(CompositeChange::AlterAttribute { .. })
            | Change::Enum(EnumChange::Drop { .. })
            | Change::Domain(DomainChange::Drop { .. })
            | Change::Composite(CompositeChange::Drop { .. })
    )
}

/// The type a create brings into being.
pub(super) fn provides(c: &Change) -> Option<&QualName> {
    match c {
        Change::Enum(EnumChange::Create { r#enum }) => Some(&r#enum.name),
        Change::Domain(DomainChange::Create { domain }) => Some(&domain.name),
        Change::Composite(CompositeChange::Create { composite }) => Some(&composite.name),
        _ => None,
    }
}

/// The types a create (or a new attribute type) needs first.
pub(super) fn needs(c: &Change) -> BTreeSet<QualName> {
    match c {
        Change::Domain(DomainChange::Create { domain }) => domain.uses(),
        Change::Composite(CompositeChange::Create { composite }) => composite.uses(),
        Change::Composite(CompositeChange::AddAttribute { attribute, .. })
        | Change::Composite(CompositeChange::AlterAttribute { new: attribute, .. }) => {
            named(&attribute.ty).into_iter().cloned().collect()
        }
        _ => BTreeSet::new(),
    }
}

/// For a drop: the type it drops and the types it was built on (dropped
/// after it).
pub(super) fn drop_edges(c: &Change) -> Option<(&QualName, BTreeSet<QualName>)> {
    match c {
        Change::Enum(EnumChange::Drop { name }) => Some((name, BTreeSet::new())),
        Change::Domain(DomainChange::Drop { domain }) => Some((&domain.name, domain.uses())),
        Change::Composite(CompositeChange::Drop { composite }) => {
            Some((&composite.name, composite.uses()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::Change;
    use crate::diff::{CompositeChange, DomainChange, EnumChange};
    use crate::model::{Attribute, ColumnType, CompositeType, Domain, EnumType, QualName};

    fn q(n: &str) -> QualName {
        QualName::new("app", n)
    }

    fn subjects(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| format!("{} {}", c.kind(), c.subject()))
            .collect()
    }

    #[test]
    fn types_are_created_after_and_dropped_before_what_they_are_built_on() {
        let mood = EnumType {
            name: q("mood"),
            values: vec!["ok".into()],
        };
        // a domain over a composite type with an enum attribute, declared
        // (and so diffed) in the wrong order
        let d = Domain::new(q("a_dom"), ColumnType::named(q("b_pair"), false));
        let c = CompositeType {
            name: q("b_pair"),
            attributes: vec![
                Attribute::new("m", ColumnType::named(q("mood"), true)),
                Attribute::new("n", ColumnType::named(q("c_dom"), false)),
            ],
        };
        let d2 = Domain::new(q("c_dom"), ColumnType::builtin("integer"));
        let creates = vec![
            Change::Domain(DomainChange::Create { domain: d.clone() }),
            Change::Domain(DomainChange::Create { domain: d2.clone() }),
            Change::Composite(CompositeChange::Create {
                composite: c.clone(),
            }),
            Change::Enum(EnumChange::Create {
                r#enum: mood.clone(),
            }),
        ];
        assert_eq!(
            subjects(&crate::plan::order::order(creates)),
            [
                "CreateDomain app.c_dom",
                "CreateEnum app.mood",
                "CreateCompositeType app.b_pair",
                "CreateDomain app.a_dom"
            ]
        );
        let drops = vec![
            Change::Enum(EnumChange::Drop { name: q("mood") }),
            Change::Domain(DomainChange::Drop { domain: d2 }),
            Change::Composite(CompositeChange::Drop { composite: c }),
            Change::Domain(DomainChange::Drop { domain: d }),
        ];
        assert_eq!(
            subjects(&crate::plan::order::order(drops)),
            [
                "DropDomain app.a_dom",
                "DropCompositeType app.b_pair",
                "DropEnum app.mood",
                "DropDomain app.c_dom"
            ]
        );
    }
}
