//! The reverse direction: a [`Declared`] (or any one-namespace model) back to
//! a [`SchemaFile`], for `graft pull` and for printing a declaration.

use super::file::{
    CheckDecl, ColumnDecl, EnumDecl, ExtensionDecl, ForeignKeyDecl, IndexDecl, IndexKeyDecl, Nulls,
    PrimaryKeyDecl, ReferencesDecl, SchemaFile, TableDecl, UniqueDecl,
};
use super::validate::{key_label, lower, Declared};
use crate::model::{BaseType, ColumnType, Index, QualName, Table};
use crate::sql::make_name;

impl Declared {
    /// The declaration as a schema file that [`lower`]s back to `self`
    /// (rename hints included). Constraint and index names that equal the
    /// default are left out when that round-trips; otherwise all are written.
    pub fn to_file(&self) -> SchemaFile {
        let short = self.file_with(true);
        match lower(&short) {
            Ok(back) if back.schema == self.schema => short,
            _ => self.file_with(false),
        }
    }

    fn file_with(&self, omit_default_names: bool) -> SchemaFile {
        let ns = self.namespace().to_string();
        SchemaFile {
            plugin: self.plugin.clone(),
            version: self.version.as_ref().map(ToString::to_string),
            namespace: (ns != self.plugin).then(|| ns.clone()),
            depends_on: self
                .depends_on
                .iter()
                .map(|(p, r)| (p.clone(), r.to_string()))
                .collect(),
            extensions: self
                .schema
                .extensions
                .iter()
                .map(|e| ExtensionDecl {
                    name: e.name.clone(),
                    version: e.version.clone(),
                    schema: e.schema.clone(),
                })
                .collect(),
            enums: self
                .schema
                .enums
                .iter()
                .map(|e| EnumDecl {
                    name: e.name.name.clone(),
                    values: e.values.clone(),
                })
                .collect(),
            domains: super::kinds_to_file::domain_decls(&self.schema, &ns, omit_default_names),
            composite_types: super::kinds_to_file::composite_decls(&self.schema, &ns),
            tables: self
                .schema
                .tables
                .iter()
                .map(|t| table_decl(t, &ns, omit_default_names))
                .collect(),
            views: super::objects::view_decls(&self.schema, &ns),
            materialized_views: super::objects::materialized_view_decls(
                &self.schema,
                &ns,
                omit_default_names,
            ),
            sequences: super::objects::sequence_decls(&self.schema),
            functions: super::objects::function_decls(&self.schema, &ns),
            triggers: super::objects::trigger_decls(&self.schema, &ns),
            policies: super::kinds_to_file::policy_decls(&self.schema, &ns),
            grants: super::kinds_to_file::grant_decls(&self.schema, &ns),
        }
    }
}

/// `name` unless `omit` and it is the default `make_name(a, b, label)`.
pub(super) fn name_unless_default(
    name: &str,
    omit: bool,
    a: &str,
    b: &str,
    label: &str,
) -> Option<String> {
    (!(omit && name == make_name(a, b, label))).then(|| name.to_string())
}

fn table_decl(t: &Table, ns: &str, omit: bool) -> TableDecl {
    let tn = &t.name.name;
    let pk_cols: Vec<&str> = t
        .primary_key
        .iter()
        .flat_map(|p| p.columns.iter().map(String::as_str))
        .collect();
    TableDecl {
        name: tn.clone(),
        row_level_security: t.row_security.enabled,
        force_row_level_security: t.row_security.forced,
        renamed_from: t.renamed_from.clone(),
        comment: t.comment.clone(),
        columns: t
            .columns
            .iter()
            .map(|c| ColumnDecl {
                name: c.name.clone(),
                ty: type_text(&c.ty, ns),
                collation: c.collation.as_ref().map(crate::model::collation::to_text),
                nullable: if c.serial {
                    // serial implies NOT NULL
                    c.nullable.then_some(true)
                } else {
                    (!c.nullable && c.identity.is_none() && !pk_cols.contains(&c.name.as_str()))
                        .then_some(false)
                },
                default: c
                    .default
                    .clone()
                    .filter(|d| !(omit && c.serial && *d == derived_serial_default(t, &c.name))),
                identity: c.identity,
                generated: c.generated.clone(),
                serial: c.serial,
                comment: c.comment.clone(),
                renamed_from: c.renamed_from.clone(),
            })
            .collect(),
        primary_key: t.primary_key.as_ref().map(|p| PrimaryKeyDecl {
            name: name_unless_default(&p.name, omit, tn, "", "pkey"),
            columns: p.columns.clone(),
        }),
        unique: t
            .uniques
            .iter()
            .map(|u| UniqueDecl {
                name: name_unless_default(&u.name, omit, tn, &u.columns.join("_"), "key"),
                columns: u.columns.clone(),
            })
            .collect(),
        foreign_keys: t
            .foreign_keys
            .iter()
            .map(|f| ForeignKeyDecl {
                name: name_unless_default(&f.name, omit, tn, &f.columns.join("_"), "fkey"),
                columns: f.columns.clone(),
                references: ReferencesDecl {
                    table: table_ref(&f.ref_table, ns),
                    columns: f.ref_columns.clone(),
                },
                on_delete: f.on_delete,
                on_update: f.on_update,
                deferrable: f.deferrable,
            })
            .collect(),
        checks: t
            .checks
            .iter()
            .map(|c| CheckDecl {
                name: name_unless_default(&c.name, omit, tn, "", "check"),
                expr: c.expr.clone(),
            })
            .collect(),
        indexes: t.indexes.iter().map(|i| index_decl(i, tn, omit)).collect(),
    }
}

/// An index as the file writes it; `relation` is the table or view it is on.
pub(super) fn index_decl(i: &Index, relation: &str, omit: bool) -> IndexDecl {
    let labels: Vec<String> = i.keys.iter().map(|k| key_label(&k.target)).collect();
    let mut d = IndexDecl {
        name: name_unless_default(&i.name, omit, relation, &labels.join("_"), "idx"),
        unique: i.unique,
        method: (i.method != "btree").then(|| i.method.clone()),
        where_: i.predicate.clone(),
        include: i.include.clone(),
        ..IndexDecl::default()
    };
    d.set_keys(
        i.keys
            .iter()
            .map(|k| IndexKeyDecl {
                target: k.target.clone(),
                desc: k.desc,
                nulls: k
                    .nulls_first
                    .map(|f| if f { Nulls::First } else { Nulls::Last }),
            })
            .collect(),
    );
    d
}

/// The default a serial column gets when its file does not name the
/// sequence: `nextval()` of `<table>_<column>_seq`.
fn derived_serial_default(t: &Table, column: &str) -> String {
    crate::model::sequences::serial_default(&QualName::new(
        t.name.schema.clone(),
        make_name(&t.name.name, column, "seq"),
    ))
}

/// A name as the file writes it: bare when plain, else double-quoted.
pub(super) fn quote_if_needed(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_') {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// A referenced table: bare in the plugin's namespace, else `ns.name`.
pub(super) fn table_ref(q: &QualName, ns: &str) -> String {
    if q.schema == ns {
        if q.name.contains(['.', '"']) {
            quote_if_needed(&q.name)
        } else {
            q.name.clone()
        }
    } else {
        format!(
            "{}.{}",
            quote_if_needed(&q.schema),
            quote_if_needed(&q.name)
        )
    }
}

/// A type as the file writes it: built-ins canonical, the plugin's enums
/// bare unless a built-in has that name, other types qualified.
pub(super) fn type_text(ty: &ColumnType, ns: &str) -> String {
    let mut s = match &ty.base {
        BaseType::Builtin(b) => b.clone(),
        BaseType::Named(q) => {
            let bare = quote_if_needed(&q.name);
            if q.schema == ns && ColumnType::parse(&bare, |_| None).is_err() {
                bare
            } else {
                format!("{}.{}", quote_if_needed(&q.schema), bare)
            }
        }
    };
    if ty.array {
        s.push_str("[]");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declare::{from_json_str, load_dir, SchemaBuilder};
    use crate::model::Identity;

    /// to_file, through JSON text, back to the same declaration.
    fn round_trip(d: &Declared) -> SchemaFile {
        let f = d.to_file();
        let text = serde_json::to_string_pretty(&f).unwrap();
        let back = from_json_str(&text, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(&back, d, "{text}");
        assert_eq!(
            back.schema
                .tables
                .iter()
                .map(|t| &t.renamed_from)
                .collect::<Vec<_>>(),
            d.schema
                .tables
                .iter()
                .map(|t| &t.renamed_from)
                .collect::<Vec<_>>()
        );
        f
    }

    #[test]
    fn fixtures_and_design_example_round_trip() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema-fixtures");
        for d in load_dir(dir).unwrap() {
            round_trip(&d);
        }
        let design = from_json_str(include_str!("testdata/design_example.json"), None).unwrap();
        let f = round_trip(&design);
        // Default names are left out; rename hints stay.
        let t = &f.tables[0];
        assert_eq!(t.primary_key.as_ref().unwrap().name, None);
        assert!(t.foreign_keys.iter().all(|fk| fk.name.is_none()));
        assert_eq!(t.checks[0].name.as_deref(), Some("total_nonneg"));
        assert_eq!(t.renamed_from.as_deref(), Some("bills"));
        assert_eq!(t.columns[1].ty, "uuid");
        assert_eq!(t.columns[2].ty, "invoice_status");
        assert_eq!(f.namespace, None);
    }

    #[test]
    fn awkward_declarations_round_trip() {
        let d = SchemaBuilder::new("p")
            .namespace("my ns")
            .version("1.0.0-rc.1+build")
            .depends_on("q", "^1.2, <1.5")
            .enum_type("text", ["a"])
            .enum_type("we\"ird.type", [""])
            .table("we\"ird; name", |t| {
                t.column("a", "\"my ns\".text[]", |c| c.not_null())
                    .column("b", "\"we\"\"ird.type\"", |c| c)
                    .column("c", "q.level", |c| c.comment("from q"))
                    .column("d", "int", |c| c.identity(Identity::ByDefault))
                    .primary_key(["d"])
                    .foreign_key(["d"], "\"other.ns\".\"t\"", ["id"], |f| f)
                    .foreign_key(["d"], "\"we\"\"ird; name\"", ["d"], |f| f)
                    .check("a IS NOT NULL")
                    .check("b IS NOT NULL")
                    .index(|i| {
                        i.expr("lower(c)")
                            .column_with("a", |k| k.desc().nulls_last())
                    })
                    .index(|i| i.column("b"))
                    .index(|i| i.column("b"))
            })
            .build()
            .unwrap();
        let f = round_trip(&d);
        let t = &f.tables[0];
        assert_eq!(t.columns[0].ty, "\"my ns\".text[]");
        assert_eq!(t.columns[1].ty, "\"we\"\"ird.type\"");
        assert_eq!(t.columns[2].ty, "q.level");
        assert_eq!(t.foreign_keys[0].references.table, "\"other.ns\".t");
    }
}
