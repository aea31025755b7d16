//! A plan as text: a reviewable script ([`plan_text`]) or bare SQL
//! ([`plan_sql`]).
//!
//! The script follows Prisma's migration script style: a warnings header,
//! then one `-- <Kind> <subject>` line above each step's statements:
//!
//! ```text
//! -- Warnings:
//! --   step 2 DropColumn billing.invoices.memo: data loss
//!
//! -- AddColumn billing.invoices.note
//! ALTER TABLE "billing"."invoices" ADD COLUMN "note" text;
//!
//! -- DropColumn billing.invoices.memo
//! ALTER TABLE "billing"."invoices" DROP COLUMN "memo";
//! ```
//!
//! The warnings list every step that loses data, may fail on existing rows,
//! rewrites a table or cannot run in a transaction. Long locks are not
//! listed: every new index and constraint takes one. An empty plan prints
//! the single line `-- no changes`.
//!
//! The text stays valid SQL: names in comment lines have their line breaks
//! and other control characters escaped, so no name can end a comment.

use crate::plan::{Hazard, Plan, Step};
use std::fmt::Write;

/// The plan as a commented script; see the module docs.
pub fn plan_text(plan: &Plan) -> String {
    if plan.is_empty() {
        return "-- no changes\n".to_string();
    }
    let mut out = String::new();
    let warnings: Vec<String> = plan
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, step)| warning(i + 1, step))
        .collect();
    if !warnings.is_empty() {
        out.push_str("-- Warnings:\n");
        for w in &warnings {
            let _ = writeln!(out, "--   {w}");
        }
        out.push('\n');
    }
    for (i, step) in plan.steps.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "-- {} {}",
            step.change.kind(),
            comment_safe(&step.change.subject())
        );
        for stmt in &step.sql {
            out.push_str(stmt);
            out.push_str(";\n");
        }
    }
    out
}

/// Every statement of the plan, each followed by `;` and a newline: ready
/// for `psql`. Empty for an empty plan.
pub fn plan_sql(plan: &Plan) -> String {
    let mut out = String::new();
    for stmt in plan.statements() {
        out.push_str(stmt);
        out.push_str(";\n");
    }
    out
}

/// `step N Kind subject: data loss, risky cast`, for steps worth a warning.
fn warning(n: usize, step: &Step) -> Option<String> {
    let mut what: Vec<&str> = step
        .hazards
        .iter()
        .filter_map(|h| match h {
            Hazard::DataLoss => Some("data loss"),
            Hazard::RiskyCast => Some("cast may fail on existing rows"),
            Hazard::TableRewrite => Some("table rewrite"),
            Hazard::LongLock => None,
            Hazard::NeedsEmptyTable => Some("fails if the table has rows"),
        })
        .collect();
    if !step.transactional {
        what.push("cannot run in a transaction");
    }
    if what.is_empty() {
        return None;
    }
    Some(format!(
        "step {n} {} {}: {}",
        step.change.kind(),
        comment_safe(&step.change.subject()),
        what.join(", ")
    ))
}

/// Escapes control characters (line breaks above all) so that `s` stays
/// inside a `--` comment.
fn comment_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}
