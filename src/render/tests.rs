//! Inline snapshots of the SQL of every change kind.

use super::*;
use crate::diff::EnumColumn;
use crate::diff::{
    ColumnChange, ConstraintChange, EnumChange, ExtensionChange, IndexChange, NamespaceChange,
    PolicyChange, TableChange,
};
use crate::model::{
    Check, Column, ColumnType, Deferrable, EnumType, FkAction, ForeignKey, Identity, Index,
    IndexKey, IndexTarget, PrimaryKey, QualName, Table, Unique,
};
use crate::plan::{Hazard, Plan};
use expect_test::{expect, Expect};

/// Renders a change and prints its statements, then its hazards.
fn check(change: Change, expected: Expect) {
    let step = render_step(change).expect("renders");
    assert!(step.transactional);
    let mut out = step.sql.join(";\n");
    if !step.hazards.is_empty() {
        out.push_str(&format!("\n-- hazards: {:?}", step.hazards));
    }
    expected.assert_eq(&out);
}

fn q(s: &str, n: &str) -> QualName {
    QualName::new(s, n)
}

fn ty(s: &str) -> ColumnType {
    ColumnType::builtin(s)
}

fn col(name: &str, t: &str) -> Column {
    Column::new(name, ty(t))
}

fn not_null(mut c: Column) -> Column {
    c.nullable = false;
    c
}

fn with_default(mut c: Column, d: &str) -> Column {
    c.default = Some(d.to_string());
    c
}

fn invoices() -> QualName {
    q("billing", "invoices")
}

fn status_enum(values: &[&str]) -> EnumType {
    EnumType {
        name: q("billing", "invoice_status"),
        values: values.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn namespaces_and_extensions() {
    check(
        Change::Namespace(NamespaceChange::Create {
            name: "billing".into(),
        }),
        expect![[r#"CREATE SCHEMA IF NOT EXISTS "billing""#]],
    );
    check(
        Change::Namespace(NamespaceChange::Drop {
            name: "billing".into(),
        }),
        expect![[r#"DROP SCHEMA "billing""#]],
    );
    check(
        Change::Extension(ExtensionChange::Create {
            name: "pgcrypto".into(),
            version: None,
            schema: None,
        }),
        expect![[r#"CREATE EXTENSION IF NOT EXISTS "pgcrypto""#]],
    );
    check(
        Change::Extension(ExtensionChange::Drop {
            name: "pgcrypto".into(),
        }),
        expect![[r#"DROP EXTENSION "pgcrypto""#]],
    );
}

#[test]
fn enums() {
    check(
        Change::Enum(EnumChange::Create {
            r#enum: status_enum(&["draft", "open", "it's"]),
        }),
        expect![[r#"CREATE TYPE "billing"."invoice_status" AS ENUM ('draft', 'open', 'it''s')"#]],
    );
    check(
        Change::Enum(EnumChange::Drop {
            name: q("billing", "invoice_status"),
        }),
        expect![[r#"
        DROP TYPE "billing"."invoice_status"
        -- hazards: [DataLoss]"#]],
    );
    check(
        Change::Enum(EnumChange::AddValue {
            r#enum: q("billing", "invoice_status"),
            value: "void".into(),
            before: None,
        }),
        expect![[r#"ALTER TYPE "billing"."invoice_status" ADD VALUE 'void'"#]],
    );
    check(
        Change::Enum(EnumChange::AddValue {
            r#enum: q("billing", "invoice_status"),
            value: "sent".into(),
            before: Some("paid".into()),
        }),
        expect![[r#"ALTER TYPE "billing"."invoice_status" ADD VALUE 'sent' BEFORE 'paid'"#]],
    );
}

#[test]
fn recreate_enum() {
    check(
        Change::Enum(EnumChange::Recreate {
            old: status_enum(&["draft", "open", "paid"]),
            new: status_enum(&["draft", "paid"]),
            columns: vec![
                EnumColumn {
                    has_default: true,
                    default: Some("'draft'::billing.invoice_status".into()),
                    ..EnumColumn::new(invoices(), "status", false)
                },
                EnumColumn::new(q("billing", "audit"), "seen", true),
            ],
        }),
        expect![[r#"
            ALTER TYPE "billing"."invoice_status" RENAME TO "invoice_status__graft_old";
            CREATE TYPE "billing"."invoice_status" AS ENUM ('draft', 'paid');
            ALTER TABLE "billing"."invoices" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "billing"."invoice_status" USING "status"::text::"billing"."invoice_status", ALTER COLUMN "status" SET DEFAULT 'draft'::billing.invoice_status;
            ALTER TABLE "billing"."audit" ALTER COLUMN "seen" TYPE "billing"."invoice_status"[] USING "seen"::text[]::"billing"."invoice_status"[];
            DROP TYPE "billing"."invoice_status__graft_old"
            -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
    check(
        Change::Enum(EnumChange::Recreate {
            old: status_enum(&["a", "b"]),
            new: status_enum(&["b", "a"]),
            columns: vec![],
        }),
        expect![[r#"
            ALTER TYPE "billing"."invoice_status" RENAME TO "invoice_status__graft_old";
            CREATE TYPE "billing"."invoice_status" AS ENUM ('b', 'a');
            DROP TYPE "billing"."invoice_status__graft_old""#]],
    );
}

fn full_table() -> Table {
    let mut t = Table::new(invoices());
    t.comment = Some("one row per invoice".into());
    let mut id = not_null(col("id", "bigint"));
    id.identity = Some(Identity::Always);
    let mut account = not_null(col("account_id", "uuid"));
    account.comment = Some("owner's account".into());
    let status = not_null(with_default(
        Column::new(
            "status",
            ColumnType::named(q("billing", "invoice_status"), false),
        ),
        "'draft'::billing.invoice_status",
    ));
    let total = not_null(with_default(col("total", "numeric(12,2)"), "0"));
    let mut x2 = col("total_x2", "numeric");
    x2.generated = Some("total * 2::numeric".into());
    let mut seq = col("seq", "integer");
    seq.identity = Some(Identity::ByDefault);
    seq.nullable = false;
    t.columns = vec![
        id,
        account,
        status,
        total,
        col("note", "text"),
        x2,
        seq,
        col("tags", "text[]"),
    ];
    t.primary_key = Some(PrimaryKey {
        name: "invoices_pkey".into(),
        columns: vec!["id".into()],
    });
    t.uniques = vec![Unique {
        name: "invoices_account_id_note_key".into(),
        columns: vec!["account_id".into(), "note".into()],
    }];
    t.checks = vec![Check {
        name: "total_nonneg".into(),
        expr: "total >= 0::numeric".into(),
    }];
    t
}

#[test]
fn tables() {
    check(
        Change::Table(TableChange::Create {
            table: full_table(),
        }),
        expect![[r#"
        CREATE TABLE "billing"."invoices" (
            "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
            "account_id" uuid NOT NULL,
            "status" "billing"."invoice_status" NOT NULL DEFAULT 'draft'::billing.invoice_status,
            "total" numeric(12,2) NOT NULL DEFAULT 0,
            "note" text,
            "total_x2" numeric GENERATED ALWAYS AS (total * 2::numeric) STORED,
            "seq" integer NOT NULL GENERATED BY DEFAULT AS IDENTITY,
            "tags" text[],
            CONSTRAINT "invoices_pkey" PRIMARY KEY ("id"),
            CONSTRAINT "invoices_account_id_note_key" UNIQUE ("account_id", "note"),
            CONSTRAINT "total_nonneg" CHECK (total >= 0::numeric)
        );
        COMMENT ON TABLE "billing"."invoices" IS 'one row per invoice';
        COMMENT ON COLUMN "billing"."invoices"."account_id" IS 'owner''s account'"#]],
    );
    check(
        Change::Table(TableChange::Create {
            table: Table::new(q("s", "empty")),
        }),
        expect![[r#"CREATE TABLE "s"."empty" ()"#]],
    );
    // CREATE TABLE would drop a unique constraint that repeats a key
    let mut t = Table::new(q("s", "keys"));
    t.columns.push(not_null(col("a", "integer")));
    t.primary_key = Some(PrimaryKey {
        name: "keys_pkey".into(),
        columns: vec!["a".into()],
    });
    for name in ["keys_a_key", "keys_a_key1"] {
        t.uniques.push(Unique {
            name: name.into(),
            columns: vec!["a".into()],
        });
    }
    check(
        Change::Table(TableChange::Create { table: t }),
        expect![[r#"
            CREATE TABLE "s"."keys" (
                "a" integer NOT NULL,
                CONSTRAINT "keys_pkey" PRIMARY KEY ("a")
            );
            ALTER TABLE "s"."keys" ADD CONSTRAINT "keys_a_key" UNIQUE ("a");
            ALTER TABLE "s"."keys" ADD CONSTRAINT "keys_a_key1" UNIQUE ("a")"#]],
    );
    check(
        Change::Table(TableChange::Drop { name: invoices() }),
        expect![[r#"
        DROP TABLE "billing"."invoices"
        -- hazards: [DataLoss]"#]],
    );
    check(
        Change::Table(TableChange::Rename {
            from: q("billing", "bills"),
            to: invoices(),
        }),
        expect![[r#"ALTER TABLE "billing"."bills" RENAME TO "invoices""#]],
    );
    check(
        Change::Table(TableChange::Rename {
            from: q("old", "bills"),
            to: invoices(),
        }),
        expect![[r#"
            ALTER TABLE "old"."bills" SET SCHEMA "billing";
            ALTER TABLE "billing"."bills" RENAME TO "invoices""#]],
    );
    check(
        Change::Table(TableChange::SetComment {
            table: invoices(),
            comment: Some(r"C:\invoices".into()),
        }),
        expect![[r#"COMMENT ON TABLE "billing"."invoices" IS E'C:\\invoices'"#]],
    );
    check(
        Change::Table(TableChange::SetComment {
            table: invoices(),
            comment: None,
        }),
        expect![[r#"COMMENT ON TABLE "billing"."invoices" IS NULL"#]],
    );
}

#[test]
fn columns() {
    check(
        Change::Column(ColumnChange::Add {
            table: invoices(),
            column: col("note", "text"),
        }),
        expect![[r#"ALTER TABLE "billing"."invoices" ADD COLUMN "note" text"#]],
    );
    let mut c = not_null(with_default(col("due_on", "date"), "(CURRENT_DATE + 30)"));
    c.comment = Some("when".into());
    check(
        Change::Column(ColumnChange::Add {
            table: invoices(),
            column: c,
        }),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ADD COLUMN "due_on" date NOT NULL DEFAULT (CURRENT_DATE + 30);
        COMMENT ON COLUMN "billing"."invoices"."due_on" IS 'when'"#]],
    );
    let mut g = col("total_x2", "numeric");
    g.generated = Some("total * 2::numeric".into());
    check(
        Change::Column(ColumnChange::Add {
            table: invoices(),
            column: g,
        }),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ADD COLUMN "total_x2" numeric GENERATED ALWAYS AS (total * 2::numeric) STORED
        -- hazards: [TableRewrite]"#]],
    );
    check(
        Change::Column(ColumnChange::Drop {
            table: invoices(),
            column: "memo".into(),
        }),
        expect![[r#"
            ALTER TABLE "billing"."invoices" DROP COLUMN "memo"
            -- hazards: [DataLoss]"#]],
    );
    check(
        Change::Column(ColumnChange::Rename {
            table: invoices(),
            from: "memo".into(),
            to: "note".into(),
        }),
        expect![[r#"ALTER TABLE "billing"."invoices" RENAME COLUMN "memo" TO "note""#]],
    );
    check(
        Change::Column(ColumnChange::SetComment {
            table: invoices(),
            column: "note".into(),
            comment: Some("free text".into()),
        }),
        expect![[r#"COMMENT ON COLUMN "billing"."invoices"."note" IS 'free text'"#]],
    );
}

fn alter(old: Column, new: Column, expected: Expect) {
    check(
        Change::Column(ColumnChange::Alter {
            table: invoices(),
            old,
            new,
        }),
        expected,
    );
}

#[test]
fn alter_column_type() {
    // relabel only: no USING, no hazard
    alter(
        col("note", "character varying(10)"),
        col("note", "character varying(20)"),
        expect![[
            r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "note" TYPE character varying(20)"#
        ]],
    );
    alter(
        col("total", "numeric(10,2)"),
        col("total", "numeric(12,2)"),
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "total" TYPE numeric(12,2)"#]],
    );
    // widening with a rewrite
    alter(
        col("n", "integer"),
        col("n", "bigint"),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "n" TYPE bigint USING "n"::bigint
        -- hazards: [TableRewrite]"#]],
    );
    // narrowing
    alter(
        col("n", "text"),
        col("n", "integer"),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "n" TYPE integer USING "n"::integer
        -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
    alter(
        col("tags", "text[]"),
        col("tags", "character varying(5)[]"),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "tags" TYPE character varying(5)[] USING "tags"::character varying[]
            -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
    // the default is dropped and set again around a real cast
    alter(
        with_default(col("n", "integer"), "1"),
        with_default(col("n", "bigint"), "1"),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "n" DROP DEFAULT, ALTER COLUMN "n" TYPE bigint USING "n"::bigint, ALTER COLUMN "n" SET DEFAULT 1
            -- hazards: [TableRewrite]"#]],
    );
    // to and from enums, through text
    let st = |array| {
        Column::new(
            "status",
            ColumnType::named(q("billing", "invoice_status"), array),
        )
    };
    alter(
        col("status", "text"),
        st(false),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "status" TYPE "billing"."invoice_status" USING "status"::text::"billing"."invoice_status"
        -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
    alter(
        col("status", "text[]"),
        st(true),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "status" TYPE "billing"."invoice_status"[] USING "status"::text[]::"billing"."invoice_status"[]
        -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
    alter(
        st(false),
        col("status", "text"),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "status" TYPE text USING "status"::text
            -- hazards: [TableRewrite]"#]],
    );
    // generated columns are recomputed: no USING
    let mut g1 = col("x2", "integer");
    g1.generated = Some("n * 2".into());
    let mut g2 = g1.clone();
    g2.ty = ty("bigint");
    alter(
        g1,
        g2,
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "x2" TYPE bigint
        -- hazards: [TableRewrite]"#]],
    );
}

#[test]
fn alter_column_constraints() {
    alter(
        col("n", "integer"),
        not_null(col("n", "integer")),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "n" SET NOT NULL
        -- hazards: [LongLock]"#]],
    );
    alter(
        not_null(col("n", "integer")),
        col("n", "integer"),
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "n" DROP NOT NULL"#]],
    );
    alter(
        col("n", "integer"),
        with_default(col("n", "integer"), "42"),
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "n" SET DEFAULT 42"#]],
    );
    alter(
        with_default(col("n", "integer"), "1"),
        with_default(col("n", "integer"), "2"),
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "n" SET DEFAULT 2"#]],
    );
    alter(
        with_default(col("n", "integer"), "1"),
        col("n", "integer"),
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "n" DROP DEFAULT"#]],
    );
    // several clauses in one statement
    alter(
        with_default(col("n", "integer"), "1"),
        not_null(with_default(col("n", "bigint"), "2")),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "n" DROP DEFAULT, ALTER COLUMN "n" TYPE bigint USING "n"::bigint, ALTER COLUMN "n" SET DEFAULT 2, ALTER COLUMN "n" SET NOT NULL
            -- hazards: [TableRewrite, LongLock]"#]],
    );
}

#[test]
fn alter_column_identity() {
    let id = |k| {
        let mut c = not_null(col("id", "bigint"));
        c.identity = Some(k);
        c
    };
    alter(
        with_default(col("id", "bigint"), "0"),
        id(Identity::Always),
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "id" DROP DEFAULT, ALTER COLUMN "id" SET NOT NULL, ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;
        SELECT setval(pg_get_serial_sequence('"billing"."invoices"', 'id'), coalesce(max("id"), 0) + 1, false) FROM "billing"."invoices"
        -- hazards: [LongLock]"#]],
    );
    alter(
        id(Identity::Always),
        id(Identity::ByDefault),
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "id" SET GENERATED BY DEFAULT"#]],
    );
    alter(
        id(Identity::ByDefault),
        col("id", "bigint"),
        expect![[
            r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "id" DROP IDENTITY, ALTER COLUMN "id" DROP NOT NULL"#
        ]],
    );
    // a type change is checked against the column still an identity: alone first
    alter(
        id(Identity::ByDefault),
        not_null(col("id", "text")),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "id" DROP IDENTITY;
            ALTER TABLE "billing"."invoices" ALTER COLUMN "id" TYPE text USING "id"::text
            -- hazards: [TableRewrite]"#]],
    );
}

#[test]
fn alter_column_generated() {
    let gen = |e: &str| {
        let mut c = col("x2", "integer");
        c.generated = Some(e.to_string());
        c.comment = Some("twice".into());
        c
    };
    alter(
        gen("n * 2"),
        gen("n * 3"),
        expect![[r#"
        ALTER TABLE "billing"."invoices" DROP COLUMN "x2", ADD COLUMN "x2" integer GENERATED ALWAYS AS (n * 3) STORED;
        COMMENT ON COLUMN "billing"."invoices"."x2" IS 'twice'
        -- hazards: [TableRewrite]"#]],
    );
    alter(
        col("x2", "integer"),
        gen("n * 2"),
        expect![[r#"
        ALTER TABLE "billing"."invoices" DROP COLUMN "x2", ADD COLUMN "x2" integer GENERATED ALWAYS AS (n * 2) STORED;
        COMMENT ON COLUMN "billing"."invoices"."x2" IS 'twice'
        -- hazards: [DataLoss, TableRewrite]"#]],
    );
    let mut plain = gen("n * 2");
    plain.generated = None;
    let mut wider = plain.clone();
    wider.ty = ty("bigint");
    alter(
        gen("n * 2"),
        plain,
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "x2" DROP EXPRESSION"#]],
    );
    alter(
        gen("n * 2"),
        wider,
        expect![[r#"
        ALTER TABLE "billing"."invoices" ALTER COLUMN "x2" DROP EXPRESSION;
        ALTER TABLE "billing"."invoices" ALTER COLUMN "x2" TYPE bigint USING "x2"::bigint
        -- hazards: [TableRewrite]"#]],
    );
}

#[test]
fn constraints() {
    check(
        Change::Constraint(ConstraintChange::AddPrimaryKey {
            table: invoices(),
            pk: PrimaryKey {
                name: "invoices_pkey".into(),
                columns: vec!["id".into(), "year".into()],
            },
        }),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_pkey" PRIMARY KEY ("id", "year")
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Constraint(ConstraintChange::AddUnique {
            table: invoices(),
            unique: Unique {
                name: "invoices_number_key".into(),
                columns: vec!["number".into()],
            },
        }),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_number_key" UNIQUE ("number")
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Constraint(ConstraintChange::AddCheck {
            table: invoices(),
            check: Check {
                name: "total_nonneg".into(),
                expr: "total >= 0::numeric".into(),
            },
        }),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "total_nonneg" CHECK (total >= 0::numeric)
            -- hazards: [LongLock]"#]],
    );
    let fk = ForeignKey {
        name: "invoices_account_id_fkey".into(),
        columns: vec!["account_id".into()],
        ref_table: q("accounts", "accounts"),
        ref_columns: vec!["id".into()],
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
        deferrable: Deferrable::No,
    };
    check(
        Change::Constraint(ConstraintChange::AddForeignKey {
            table: invoices(),
            fk: fk.clone(),
        }),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"."accounts" ("id")
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Constraint(ConstraintChange::AddForeignKey {
            table: invoices(),
            fk: ForeignKey {
                on_delete: FkAction::Cascade,
                on_update: FkAction::SetNull,
                deferrable: Deferrable::Deferred,
                ..fk.clone()
            },
        }),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"."accounts" ("id") ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Constraint(ConstraintChange::AddForeignKey {
            table: invoices(),
            fk: ForeignKey {
                on_delete: FkAction::Restrict,
                on_update: FkAction::SetDefault,
                deferrable: Deferrable::Immediate,
                ..fk
            },
        }),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"."accounts" ("id") ON DELETE RESTRICT ON UPDATE SET DEFAULT DEFERRABLE INITIALLY IMMEDIATE
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Column(ColumnChange::DropExpression {
            table: invoices(),
            column: "total x2".into(),
        }),
        expect![[r#"ALTER TABLE "billing"."invoices" ALTER COLUMN "total x2" DROP EXPRESSION"#]],
    );
    for change in [
        Change::Constraint(ConstraintChange::DropPrimaryKey {
            table: invoices(),
            name: "invoices_pkey".into(),
        }),
        Change::Constraint(ConstraintChange::DropUnique {
            table: invoices(),
            name: "invoices_number_key".into(),
        }),
        Change::Constraint(ConstraintChange::DropCheck {
            table: invoices(),
            name: "total_nonneg".into(),
        }),
        Change::Constraint(ConstraintChange::DropForeignKey {
            table: invoices(),
            name: "invoices_account_id_fkey".into(),
        }),
    ] {
        let name = match &change {
            Change::Constraint(ConstraintChange::DropPrimaryKey { name, .. })
            | Change::Constraint(ConstraintChange::DropUnique { name, .. })
            | Change::Constraint(ConstraintChange::DropCheck { name, .. })
            | Change::Constraint(ConstraintChange::DropForeignKey { name, .. }) => name.clone(),
            _ => unreachable!(),
        };
        let step = render_step(change).unwrap();
        assert_eq!(
            step.sql,
            [format!(
                r#"ALTER TABLE "billing"."invoices" DROP CONSTRAINT "{name}""#
            )]
        );
        assert!(step.hazards.is_empty());
    }
}

fn key(target: IndexTarget) -> IndexKey {
    IndexKey {
        target,
        desc: false,
        nulls_first: None,
    }
}

#[test]
fn indexes() {
    check(
        Change::Index(IndexChange::Create {
            table: invoices(),
            index: Index {
                name: "invoices_status_idx".into(),
                unique: false,
                method: "btree".into(),
                keys: vec![key(IndexTarget::Column("status".into()))],
                include: vec![],
                predicate: Some("status <> 'paid'::billing.invoice_status".into()),
            },
        }),
        expect![[r#"
            CREATE INDEX "invoices_status_idx" ON "billing"."invoices" USING "btree" ("status") WHERE status <> 'paid'::billing.invoice_status
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Index(IndexChange::Create {
            table: invoices(),
            index: Index {
                name: "invoices_lower_idx".into(),
                unique: true,
                method: "btree".into(),
                keys: vec![
                    key(IndexTarget::Expr("lower(note)".into())),
                    IndexKey {
                        desc: true,
                        ..key(IndexTarget::Column("created_at".into()))
                    },
                    IndexKey {
                        nulls_first: Some(true),
                        ..key(IndexTarget::Column("due_on".into()))
                    },
                    IndexKey {
                        desc: true,
                        nulls_first: Some(false),
                        ..key(IndexTarget::Expr("total * 2::numeric".into()))
                    },
                ],
                include: vec!["id".into(), "total".into()],
                predicate: None,
            },
        }),
        expect![[r#"
            CREATE UNIQUE INDEX "invoices_lower_idx" ON "billing"."invoices" USING "btree" ((lower(note)), "created_at" DESC, "due_on" NULLS FIRST, (total * 2::numeric) DESC NULLS LAST) INCLUDE ("id", "total")
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Index(IndexChange::Create {
            table: invoices(),
            index: Index {
                name: "invoices_tags_idx".into(),
                unique: false,
                method: "gin".into(),
                keys: vec![key(IndexTarget::Column("tags".into()))],
                include: vec![],
                predicate: None,
            },
        }),
        expect![[r#"
            CREATE INDEX "invoices_tags_idx" ON "billing"."invoices" USING "gin" ("tags")
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Index(IndexChange::Drop {
            table: invoices(),
            name: "invoices_status_idx".into(),
        }),
        expect![[r#"DROP INDEX "billing"."invoices_status_idx""#]],
    );
}

/// Every name from a declaration is quoted and escaped, whatever it holds.
#[test]
fn hostile_identifiers() {
    let weird = r#"we"ird; name"#;
    let table = q("a b", "x;DROP TABLE y");
    let mut t = Table::new(table.clone());
    let mut c = not_null(col(weird, "text"));
    c.comment = Some("it's; DROP TABLE z; --".into());
    t.columns = vec![c.clone()];
    t.primary_key = Some(PrimaryKey {
        name: weird.into(),
        columns: vec![weird.into()],
    });
    t.uniques = vec![Unique {
        name: format!("{weird} u"),
        columns: vec![weird.into()],
    }];
    t.comment = Some(r"back\slash'quote".into());
    check(
        Change::Table(TableChange::Create { table: t }),
        expect![[r#"
            CREATE TABLE "a b"."x;DROP TABLE y" (
                "we""ird; name" text NOT NULL,
                CONSTRAINT "we""ird; name" PRIMARY KEY ("we""ird; name")
            );
            ALTER TABLE "a b"."x;DROP TABLE y" ADD CONSTRAINT "we""ird; name u" UNIQUE ("we""ird; name");
            COMMENT ON TABLE "a b"."x;DROP TABLE y" IS E'back\\slash''quote';
            COMMENT ON COLUMN "a b"."x;DROP TABLE y"."we""ird; name" IS 'it''s; DROP TABLE z; --'"#]],
    );
    check(
        Change::Table(TableChange::Drop {
            name: table.clone(),
        }),
        expect![[r#"
        DROP TABLE "a b"."x;DROP TABLE y"
        -- hazards: [DataLoss]"#]],
    );
    check(
        Change::Table(TableChange::Rename {
            from: table.clone(),
            to: q("a b", weird),
        }),
        expect![[r#"ALTER TABLE "a b"."x;DROP TABLE y" RENAME TO "we""ird; name""#]],
    );
    check(
        Change::Column(ColumnChange::Add {
            table: table.clone(),
            column: Column::new(weird, ColumnType::named(q(weird, "e\"num"), true)),
        }),
        expect![[
            r#"ALTER TABLE "a b"."x;DROP TABLE y" ADD COLUMN "we""ird; name" "we""ird; name"."e""num"[]"#
        ]],
    );
    check(
        Change::Column(ColumnChange::Drop {
            table: table.clone(),
            column: weird.into(),
        }),
        expect![[r#"
            ALTER TABLE "a b"."x;DROP TABLE y" DROP COLUMN "we""ird; name"
            -- hazards: [DataLoss]"#]],
    );
    check(
        Change::Column(ColumnChange::Rename {
            table: table.clone(),
            from: weird.into(),
            to: format!("{weird}2"),
        }),
        expect![[
            r#"ALTER TABLE "a b"."x;DROP TABLE y" RENAME COLUMN "we""ird; name" TO "we""ird; name2""#
        ]],
    );
    check(
        Change::Constraint(ConstraintChange::DropForeignKey {
            table: table.clone(),
            name: weird.into(),
        }),
        expect![[r#"ALTER TABLE "a b"."x;DROP TABLE y" DROP CONSTRAINT "we""ird; name""#]],
    );
    check(
        Change::Constraint(ConstraintChange::AddForeignKey {
            table: table.clone(),
            fk: ForeignKey {
                name: weird.into(),
                columns: vec![weird.into()],
                ref_table: q(weird, weird),
                ref_columns: vec![weird.into()],
                on_delete: FkAction::NoAction,
                on_update: FkAction::NoAction,
                deferrable: Deferrable::No,
            },
        }),
        expect![[r#"
            ALTER TABLE "a b"."x;DROP TABLE y" ADD CONSTRAINT "we""ird; name" FOREIGN KEY ("we""ird; name") REFERENCES "we""ird; name"."we""ird; name" ("we""ird; name")
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Index(IndexChange::Create {
            table: table.clone(),
            index: Index {
                name: weird.into(),
                unique: false,
                method: weird.into(),
                keys: vec![key(IndexTarget::Column(weird.into()))],
                include: vec![weird.into()],
                predicate: None,
            },
        }),
        expect![[r#"
            CREATE INDEX "we""ird; name" ON "a b"."x;DROP TABLE y" USING "we""ird; name" ("we""ird; name") INCLUDE ("we""ird; name")
            -- hazards: [LongLock]"#]],
    );
    check(
        Change::Index(IndexChange::Drop {
            table: table.clone(),
            name: weird.into(),
        }),
        expect![[r#"DROP INDEX "a b"."we""ird; name""#]],
    );
    check(
        Change::Enum(EnumChange::Create {
            r#enum: EnumType {
                name: q("a b", weird),
                values: vec!["it's".into(), r"back\slash".into()],
            },
        }),
        expect![[r#"CREATE TYPE "a b"."we""ird; name" AS ENUM ('it''s', E'back\\slash')"#]],
    );
    check(
        Change::Namespace(NamespaceChange::Create { name: weird.into() }),
        expect![[r#"CREATE SCHEMA IF NOT EXISTS "we""ird; name""#]],
    );
    check(
        Change::Extension(ExtensionChange::Create {
            name: weird.into(),
            version: None,
            schema: None,
        }),
        expect![[r#"CREATE EXTENSION IF NOT EXISTS "we""ird; name""#]],
    );
    let mut old = c.clone();
    old.nullable = true;
    old.ty = ty("character varying(3)");
    let mut new = c;
    new.identity = None;
    check(
        Change::Column(ColumnChange::Alter {
            table: table.clone(),
            old,
            new,
        }),
        expect![[r#"
            ALTER TABLE "a b"."x;DROP TABLE y" ALTER COLUMN "we""ird; name" TYPE text, ALTER COLUMN "we""ird; name" SET NOT NULL
            -- hazards: [LongLock]"#]],
    );
    let mut id = not_null(col(weird, "bigint"));
    id.identity = Some(Identity::Always);
    check(
        Change::Column(ColumnChange::Alter {
            table,
            old: not_null(col(weird, "bigint")),
            new: id,
        }),
        expect![[r#"
            ALTER TABLE "a b"."x;DROP TABLE y" ALTER COLUMN "we""ird; name" ADD GENERATED ALWAYS AS IDENTITY;
            SELECT setval(pg_get_serial_sequence('"a b"."x;DROP TABLE y"', 'we"ird; name'), coalesce(max("we""ird; name"), 0) + 1, false) FROM "a b"."x;DROP TABLE y""#]],
    );
}

/// Data that breaks an invariant is an error, not a panic or bad SQL.
#[test]
fn invalid_changes_are_errors() {
    let bad_type = Change::Column(ColumnChange::Add {
        table: invoices(),
        column: col("x", "text; DROP TABLE y"),
    });
    let err = render_step(bad_type).unwrap_err();
    expect!["cannot render AddColumn billing.invoices.x: `text; DROP TABLE y` is not a type name"]
        .assert_eq(&err.to_string());
    let nul = Change::Table(TableChange::SetComment {
        table: invoices(),
        comment: Some("a\0b".into()),
    });
    assert!(matches!(render_step(nul), Err(RenderError::Invalid { .. })));
    let no_keys = Change::Index(IndexChange::Create {
        table: invoices(),
        index: Index {
            name: "i".into(),
            unique: false,
            method: "btree".into(),
            keys: vec![],
            include: vec![],
            predicate: None,
        },
    });
    assert!(render_step(no_keys).is_err());
    let fk = Change::Constraint(ConstraintChange::AddForeignKey {
        table: invoices(),
        fk: ForeignKey {
            name: "f".into(),
            columns: vec!["a".into(), "b".into()],
            ref_table: invoices(),
            ref_columns: vec!["a".into()],
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            deferrable: Deferrable::No,
        },
    });
    assert!(render_step(fk).is_err());
    let mut both = col("x", "integer");
    both.identity = Some(Identity::Always);
    both.generated = Some("1".into());
    assert!(render_step(Change::Column(ColumnChange::Add {
        table: invoices(),
        column: both
    }))
    .is_err());
    let mut with_fk = Table::new(invoices());
    with_fk.indexes.push(Index {
        name: "i".into(),
        unique: false,
        method: "btree".into(),
        keys: vec![key(IndexTarget::Column("a".into()))],
        include: vec![],
        predicate: None,
    });
    assert!(render_step(Change::Table(TableChange::Create { table: with_fk })).is_err());
}

fn sample_plan() -> Plan {
    let changes = vec![
        Change::Namespace(NamespaceChange::Create {
            name: "billing".into(),
        }),
        Change::Enum(EnumChange::Create {
            r#enum: status_enum(&["draft", "open", "paid"]),
        }),
        Change::Table(TableChange::Create {
            table: full_table(),
        }),
        Change::Index(IndexChange::Create {
            table: invoices(),
            index: Index {
                name: "invoices_status_idx".into(),
                unique: false,
                method: "btree".into(),
                keys: vec![key(IndexTarget::Column("status".into()))],
                include: vec![],
                predicate: Some("status <> 'paid'::billing.invoice_status".into()),
            },
        }),
        Change::Column(ColumnChange::Drop {
            table: invoices(),
            column: "memo\nDROP TABLE x".into(),
        }),
        Change::Column(ColumnChange::Alter {
            table: invoices(),
            old: col("n", "integer"),
            new: col("n", "bigint"),
        }),
    ];
    Plan {
        steps: changes
            .into_iter()
            .map(|c| render_step(c).unwrap())
            .collect(),
    }
}

#[test]
fn text() {
    expect![[r#"
        -- no changes
    "#]]
    .assert_eq(&plan_text(&Plan::default()));
    assert_eq!(plan_sql(&Plan::default()), "");
    expect![[r#"
        -- Warnings:
        --   step 5 DropColumn billing.invoices.memo\nDROP TABLE x: data loss
        --   step 6 AlterColumn billing.invoices.n: table rewrite

        -- CreateNamespace billing
        CREATE SCHEMA IF NOT EXISTS "billing";

        -- CreateEnum billing.invoice_status
        CREATE TYPE "billing"."invoice_status" AS ENUM ('draft', 'open', 'paid');

        -- CreateTable billing.invoices
        CREATE TABLE "billing"."invoices" (
            "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
            "account_id" uuid NOT NULL,
            "status" "billing"."invoice_status" NOT NULL DEFAULT 'draft'::billing.invoice_status,
            "total" numeric(12,2) NOT NULL DEFAULT 0,
            "note" text,
            "total_x2" numeric GENERATED ALWAYS AS (total * 2::numeric) STORED,
            "seq" integer NOT NULL GENERATED BY DEFAULT AS IDENTITY,
            "tags" text[],
            CONSTRAINT "invoices_pkey" PRIMARY KEY ("id"),
            CONSTRAINT "invoices_account_id_note_key" UNIQUE ("account_id", "note"),
            CONSTRAINT "total_nonneg" CHECK (total >= 0::numeric)
        );
        COMMENT ON TABLE "billing"."invoices" IS 'one row per invoice';
        COMMENT ON COLUMN "billing"."invoices"."account_id" IS 'owner''s account';

        -- CreateIndex billing.invoices_status_idx
        CREATE INDEX "invoices_status_idx" ON "billing"."invoices" USING "btree" ("status") WHERE status <> 'paid'::billing.invoice_status;

        -- DropColumn billing.invoices.memo\nDROP TABLE x
        ALTER TABLE "billing"."invoices" DROP COLUMN "memo
        DROP TABLE x";

        -- AlterColumn billing.invoices.n
        ALTER TABLE "billing"."invoices" ALTER COLUMN "n" TYPE bigint USING "n"::bigint;
    "#]].assert_eq(&plan_text(&sample_plan()));
    let plan = sample_plan();
    assert!(plan_sql(&plan).ends_with(";\n"));
    assert_eq!(
        plan_sql(&plan).matches(";\n").count(),
        plan.statements().count()
    );
    assert!(plan.steps[4].hazards.contains(&Hazard::DataLoss));
}

#[test]
fn renamed_constraints_and_indexes() {
    check(
        Change::Constraint(ConstraintChange::Rename {
            table: q("a b", "t\"1"),
            from: "t\"1_pkey".into(),
            to: "u; --_pkey".into(),
        }),
        expect![[r#"ALTER TABLE "a b"."t""1" RENAME CONSTRAINT "t""1_pkey" TO "u; --_pkey""#]],
    );
    check(
        Change::Index(IndexChange::Rename {
            table: q("a b", "t"),
            from: "t_x_idx".into(),
            to: "ü \"idx\"".into(),
        }),
        expect![[r#"ALTER INDEX "a b"."t_x_idx" RENAME TO "ü ""idx""""#]],
    );
}

#[test]
fn narrowing_to_a_limited_length_never_truncates() {
    // the USING cast stops at the unbounded type: PostgreSQL then applies
    // the length as an assignment, which fails on a longer value
    alter(
        col("c", "text"),
        col("c", "character(2)"),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "c" TYPE character(2) USING "c"::text
            -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
    alter(
        col("c", "bit varying(8)"),
        col("c", "bit(2)"),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "c" TYPE bit(2) USING "c"::bit varying
            -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
    alter(
        Column::new("c", ColumnType::named(q("billing", "status"), false)),
        col("c", "character varying(3)"),
        expect![[r#"
            ALTER TABLE "billing"."invoices" ALTER COLUMN "c" TYPE character varying(3) USING "c"::text::character varying
            -- hazards: [DataLoss, RiskyCast, TableRewrite]"#]],
    );
}

#[test]
fn expressions_that_are_not_one_are_refused_however_they_were_built() {
    let mut c = Column::new("a", ColumnType::builtin("integer"));
    c.default = Some("0); DROP TABLE billing.invoices; SELECT (1".into());
    let e = render_step(Change::Column(ColumnChange::Add {
        table: QualName::new("app", "t"),
        column: c,
    }))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot render AddColumn app.t.a: default of column `a` is not one SQL expression: `)` closes a parenthesis the expression did not open"
    );
    let mut p = crate::model::Policy::new("p");
    p.using = Some("true) WITH CHECK (false".into());
    assert!(render_step(Change::Policy(PolicyChange::Create {
        table: QualName::new("app", "t"),
        policy: p,
    }))
    .is_err());
}
