//! Views and materialized views.

use super::schema::Index;
use crate::sql::normalize_expr;
use crate::sql::scan;
use crate::sql::QualName;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `WITH [LOCAL | CASCADED] CHECK OPTION` of an updatable view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOption {
    /// `WITH LOCAL CHECK OPTION`.
    Local,
    /// `WITH CASCADED CHECK OPTION`.
    Cascaded,
}

/// A view or a materialized view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Qualified name.
    pub name: QualName,
    /// A materialized view (`CREATE MATERIALIZED VIEW`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub materialized: bool,
    /// The query, in the form `pg_get_viewdef(oid, true)` prints it
    /// (schema-qualified: introspection runs with `search_path =
    /// pg_catalog`), normalised by [`normalize_definition`].
    pub definition: String,
    /// `security_barrier` (views only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_barrier: bool,
    /// `security_invoker` (views only, PostgreSQL 15).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_invoker: bool,
    /// `WITH … CHECK OPTION` (views only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_option: Option<CheckOption>,
    /// Relations the view depends on that its definition does not name
    /// (see [`View::reads`]), sorted. Declared with `depends_on`; read from
    /// `pg_depend` by introspection.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<QualName>,
    /// Indexes (materialized views only), sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// `COMMENT ON VIEW` / `COMMENT ON MATERIALIZED VIEW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl View {
    /// A plain view.
    pub fn new(name: QualName, definition: impl Into<String>) -> Self {
        View {
            name,
            materialized: false,
            definition: normalize_definition(&definition.into()),
            security_barrier: false,
            security_invoker: false,
            check_option: None,
            depends_on: Vec::new(),
            indexes: Vec::new(),
            comment: None,
        }
    }

    /// `view` or `materialized view`, for messages.
    pub fn kind_label(&self) -> &'static str {
        if self.materialized {
            "materialized view"
        } else {
            "view"
        }
    }

    /// What the view may read: the relation names its definition mentions
    /// (qualified, or bare and then in the view's namespace), and
    /// `depends_on`. Over-reports (callers keep the names they know as
    /// relations); never the view itself.
    pub fn reads(&self) -> BTreeSet<QualName> {
        let mut out = scan::relation_candidates(&self.definition, &self.name.schema);
        out.extend(self.depends_on.iter().cloned());
        out.remove(&self.name);
        out
    }

    /// The functions the definition calls (over-reported, as [`View::reads`]).
    pub fn calls(&self) -> BTreeSet<QualName> {
        scan::function_candidates(&self.definition, &self.name.schema)
    }

    /// Normal form: definition normalised, `depends_on` sorted without the
    /// names the definition already mentions, indexes sorted, an empty
    /// comment is none, options a materialized view cannot have dropped.
    pub fn normalize(&mut self) {
        self.definition = normalize_definition(&self.definition);
        let named = scan::relation_candidates(&self.definition, &self.name.schema);
        self.depends_on.sort();
        self.depends_on.dedup();
        self.depends_on
            .retain(|d| !named.contains(d) && *d != self.name);
        if self.comment.as_deref() == Some("") {
            self.comment = None;
        }
        if self.materialized {
            self.security_barrier = false;
            self.security_invoker = false;
            self.check_option = None;
        } else {
            self.indexes.clear();
        }
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        for i in &mut self.indexes {
            for k in &mut i.keys {
                if k.nulls_first == Some(k.desc) {
                    k.nulls_first = None;
                }
            }
        }
    }
}

/// A view query in normal form: whitespace collapsed outside literals and
/// quoted names (as [`normalize_expr`]), without the trailing `;` that
/// `pg_get_viewdef` prints.
pub fn normalize_definition(text: &str) -> String {
    let mut s = normalize_expr(text);
    while let Some(t) = s.strip_suffix(';') {
        s = t.trim_end().to_string();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_definitions_normalise() {
        assert_eq!(
            normalize_definition(
                " SELECT t.id,\n    t.total\n   FROM app.t\n  WHERE t.total > 0::numeric;"
            ),
            "SELECT t.id, t.total FROM app.t WHERE t.total > 0::numeric"
        );
    }

    #[test]
    fn depends_on_keeps_only_what_the_definition_does_not_name() {
        let mut v = View::new(QualName::new("app", "v"), "SELECT t.id FROM app.t");
        v.depends_on = vec![
            QualName::new("app", "u"),
            QualName::new("app", "t"),
            QualName::new("app", "v"),
            QualName::new("app", "u"),
        ];
        v.normalize();
        assert_eq!(v.depends_on, [QualName::new("app", "u")]);
        let reads: Vec<_> = v.reads().into_iter().collect();
        assert!(reads.contains(&QualName::new("app", "t")));
        assert!(reads.contains(&QualName::new("app", "u")));
        assert!(!reads.contains(&v.name));
    }
}
