//! File-format types for extensions with versions (and, alongside, the
//! other object kinds graft added after tables: see the README's file
//! format section).
//!
//! `"extensions"` entries are a name (`"pgcrypto"`) or an object
//! `{"name": "hstore", "version": "1.8", "schema": "public"}`.

use super::file::CheckDecl;
use crate::model::PolicyCommand;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// An extension: its name, and optionally the version and namespace wanted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionDecl {
    /// Extension name.
    pub name: String,
    /// `VERSION`: absent accepts whatever is installed (the default version
    /// on creation).
    pub version: Option<String>,
    /// `SCHEMA`: absent accepts whatever namespace it is in.
    pub schema: Option<String>,
}

impl ExtensionDecl {
    /// An extension at any version, in any namespace.
    pub fn new(name: impl Into<String>) -> Self {
        ExtensionDecl {
            name: name.into(),
            version: None,
            schema: None,
        }
    }
}

impl From<&str> for ExtensionDecl {
    fn from(name: &str) -> Self {
        ExtensionDecl::new(name)
    }
}

impl From<String> for ExtensionDecl {
    fn from(name: String) -> Self {
        ExtensionDecl::new(name)
    }
}

/// The object form of [`ExtensionDecl`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtensionObject {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schema: Option<String>,
}

impl Serialize for ExtensionDecl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.version.is_none() && self.schema.is_none() {
            return s.serialize_str(&self.name);
        }
        ExtensionObject {
            name: self.name.clone(),
            version: self.version.clone(),
            schema: self.schema.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ExtensionDecl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ExtensionDecl;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an extension name or an object with `name`, `version`, `schema`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ExtensionDecl::new(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let o = ExtensionObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ExtensionDecl {
                    name: o.name,
                    version: o.version,
                    schema: o.schema,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// `{"name": …, "type": …, "collation": …, "nullable": false, "default": …,
/// "checks": [{"name": …, "expr": …}]}`: a domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainDecl {
    /// Type name, unqualified.
    pub name: String,
    /// The base type, as a column's type is written.
    #[serde(rename = "type")]
    pub ty: String,
    /// `COLLATE` (see the column key of the same name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// `false` for `NOT NULL`; absent: nullable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// `DEFAULT` expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `CHECK` constraints on `VALUE`; unnamed ones are named
    /// `<domain>_check`, `<domain>_check1`, ….
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckDecl>,
}

/// `{"name": …, "attributes": [{"name": …, "type": …, "collation": …}]}`: a
/// composite type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompositeTypeDecl {
    /// Type name, unqualified.
    pub name: String,
    /// Attributes in order.
    pub attributes: Vec<AttributeDecl>,
}

/// One attribute of a composite type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDecl {
    /// Attribute name.
    pub name: String,
    /// Its type, as a column's type is written.
    #[serde(rename = "type")]
    pub ty: String,
    /// `COLLATE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

/// `"permissive"` or `"restrictive"`: a policy's `AS`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// `AS PERMISSIVE` (the default): policies are combined with OR.
    #[default]
    Permissive,
    /// `AS RESTRICTIVE`: every one must pass.
    Restrictive,
}

impl PolicyKind {
    fn is_default(&self) -> bool {
        *self == PolicyKind::Permissive
    }
}

/// `{"name": …, "table": …, "as": "restrictive", "for": "select", "to":
/// ["app"], "using": …, "with_check": …}`: a row-level security policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDecl {
    /// Policy name (unique per table).
    pub name: String,
    /// The plugin's table it is on (`table` or `namespace.table`).
    pub table: String,
    /// `AS`: `permissive` (default) or `restrictive`.
    #[serde(
        default,
        rename = "as",
        skip_serializing_if = "PolicyKind::is_default",
        deserialize_with = "super::file::de_via_str"
    )]
    pub kind: PolicyKind,
    /// `FOR`: `all` (default), `select`, `insert`, `update` or `delete`.
    #[serde(
        default,
        rename = "for",
        skip_serializing_if = "PolicyCommand::is_default",
        deserialize_with = "super::file::de_via_str"
    )]
    pub command: PolicyCommand,
    /// `TO`: a role or a list of roles; `public` (the default) is every role.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "de_roles",
        serialize_with = "ser_roles"
    )]
    pub to: Vec<String>,
    /// `USING (…)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// `WITH CHECK (…)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
}

/// Roles: one name, or a list of names.
pub(super) fn de_roles<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a role name or a list of role names")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))
        }
    }
    d.deserialize_any(V)
}

/// One role as a string, several as a list.
pub(super) fn ser_roles<S: Serializer>(roles: &[String], s: S) -> Result<S::Ok, S::Error> {
    match roles {
        [one] => s.serialize_str(one),
        many => many.serialize(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_both_forms() {
        let v: Vec<ExtensionDecl> = serde_json::from_str(
            r#"["pgcrypto", {"name": "hstore", "version": "1.8", "schema": "public"}, {"name": "citext"}]"#,
        )
        .unwrap();
        assert_eq!(v[0], ExtensionDecl::new("pgcrypto"));
        assert_eq!(v[1].version.as_deref(), Some("1.8"));
        assert_eq!(v[1].schema.as_deref(), Some("public"));
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!(["pgcrypto", {"name": "hstore", "version": "1.8", "schema": "public"}, "citext"])
        );
        let e = serde_json::from_str::<ExtensionDecl>(r#"{"name": "x", "vers": "1"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `vers`"), "{e}");
    }

    /// Builder → model → file → JSON → model: the same declaration.
    pub(crate) fn round_trip(d: &crate::declare::Declared) -> serde_json::Value {
        let f = d.to_file();
        let text = serde_json::to_string_pretty(&f).unwrap();
        let back =
            crate::declare::from_json_str(&text, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(&back, d, "{text}");
        serde_json::to_value(&f).unwrap()
    }

    #[test]
    fn domains_and_composite_types_round_trip_through_the_file() {
        let d = crate::declare::SchemaBuilder::new("p")
            .namespace("my ns")
            .enum_type("text", ["a"])
            .domain("we\"ird", "\"my ns\".text[]", |d| d.not_null())
            .domain("d", "varchar(3)", |d| {
                d.collation("C")
                    .default("'x'::character varying")
                    .check("(VALUE IS NOT NULL)")
                    .check("((VALUE)::text <> ''::text)")
                    .check_named("z", "true")
            })
            .composite_type("c", |c| {
                c.attribute("a", "d", |a| a.collation("POSIX"))
                    .attribute("b", "\"we\"\"ird\"", |a| a)
                    .attribute("c", "other.t", |a| a)
            })
            .composite_type("empty", |c| c)
            .build()
            .unwrap();
        let v = round_trip(&d);
        assert_eq!(
            v["domains"][0]["checks"][0],
            serde_json::json!({"expr": "(VALUE IS NOT NULL)"})
        );
        assert_eq!(v["domains"][1]["type"], "\"my ns\".text[]");
        assert_eq!(v["domains"][1]["nullable"], false);
        assert_eq!(
            v["composite_types"][0]["attributes"][1]["type"],
            "\"we\"\"ird\""
        );
        assert_eq!(v["composite_types"][1]["attributes"], serde_json::json!([]));
    }

    #[test]
    fn policies_round_trip_through_the_file() {
        use crate::model::PolicyCommand;
        let d = crate::declare::SchemaBuilder::new("p")
            .table("t.x", |t| t.row_level_security().column("a", "int", |c| c))
            .table("u", |t| t.force_row_level_security())
            .policy("a", "\"t.x\"", |p| p.using("(a > 0)"))
            .policy("b", "p.\"t.x\"", |p| {
                p.restrictive()
                    .command(PolicyCommand::Insert)
                    .to(["z", "y\"y"])
                    .with_check("true")
            })
            .policy("c", "u", |p| p.to(["public"]))
            .build()
            .unwrap();
        let t = &d.schema.tables[0];
        assert_eq!(t.policies[1].roles, ["y\"y", "z"]);
        assert_eq!(d.schema.tables[1].policies[0].roles, ["public"]);
        let v = round_trip(&d);
        assert_eq!(v["tables"][0]["row_level_security"], true);
        assert_eq!(v["tables"][1]["force_row_level_security"], true);
        assert_eq!(
            v["policies"][1],
            serde_json::json!({"name": "b", "table": "\"t.x\"", "as": "restrictive", "for": "insert", "to": ["y\"y", "z"], "with_check": "true"})
        );
        assert_eq!(
            v["policies"][2],
            serde_json::json!({"name": "c", "table": "u"})
        );
    }

    #[test]
    fn collations_round_trip_through_the_file() {
        let d = crate::declare::SchemaBuilder::new("p")
            .table("t", |t| {
                t.column("a", "text", |c| c.collation("C"))
                    .column("b", "varchar(3)[]", |c| c.collation("en_US.utf8"))
                    .column("c", "text", |c| c.collation("\"p\".\"my.coll\""))
                    .column("d", "text", |c| c.collation("default"))
            })
            .build()
            .unwrap();
        let v = round_trip(&d);
        let cols = &v["tables"][0]["columns"];
        assert_eq!(cols[0]["collation"], "C");
        assert_eq!(cols[1]["collation"], "en_US.utf8");
        assert_eq!(cols[2]["collation"], "\"p\".\"my.coll\"");
        assert!(cols[3].get("collation").is_none());
    }

    #[test]
    fn extensions_round_trip_through_the_file() {
        let d = crate::declare::SchemaBuilder::new("p")
            .extension("pgcrypto")
            .extension_with("hstore", |e| e.version("1.8").schema("public"))
            .extension_with("citext", |e| e.schema("p"))
            .build()
            .unwrap();
        let v = round_trip(&d);
        assert_eq!(
            v["extensions"],
            serde_json::json!([{"name": "citext", "schema": "p"}, {"name": "hstore", "version": "1.8", "schema": "public"}, "pgcrypto"])
        );
    }
}
