//! Triggers: created (with their enabled state and comment), replaced in
//! place, enabled or disabled, dropped.

use super::parts::{comment_on, Renderer};
use super::view::check_sql;
use super::RenderError;
use crate::diff::TriggerChange;
use crate::model::{QualName, Trigger, TriggerEnabled, TriggerEvent, TriggerTiming};
use crate::sql::{qualified, quote_ident};

/// The statements of a change to a trigger.
pub(super) fn render(r: &Renderer, c: &TriggerChange) -> Result<Vec<String>, RenderError> {
    let invalid = |reason: String| r.invalid(reason);
    Ok(match c {
        TriggerChange::Create { trigger } => {
            let mut out = vec![create_trigger(trigger, false).map_err(invalid)?];
            if !trigger.enabled.is_default() {
                out.push(trigger_enabled(
                    &trigger.table,
                    &trigger.name,
                    trigger.enabled,
                ));
            }
            if trigger.comment.is_some() {
                out.push(comment_on(
                    "TRIGGER",
                    &format!(
                        "{} ON {}",
                        quote_ident(&trigger.name),
                        qualified(&trigger.table)
                    ),
                    &trigger.comment,
                ));
            }
            out
        }
        TriggerChange::Replace { new, .. } => {
            // CREATE OR REPLACE TRIGGER enables the trigger again
            let mut out = vec![create_trigger(new, true).map_err(invalid)?];
            if !new.enabled.is_default() {
                out.push(trigger_enabled(&new.table, &new.name, new.enabled));
            }
            out
        }
        TriggerChange::Drop { trigger } => vec![format!(
            "DROP TRIGGER {} ON {}",
            quote_ident(&trigger.name),
            qualified(&trigger.table)
        )],
        TriggerChange::SetEnabled {
            table,
            name,
            enabled,
        } => vec![trigger_enabled(table, name, *enabled)],
    })
}

/// `CREATE [OR REPLACE] TRIGGER …`.
fn create_trigger(t: &Trigger, or_replace: bool) -> Result<String, String> {
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Insert => "INSERT".to_string(),
            TriggerEvent::Delete => "DELETE".to_string(),
            TriggerEvent::Truncate => "TRUNCATE".to_string(),
            TriggerEvent::Update if t.update_of.is_empty() => "UPDATE".to_string(),
            TriggerEvent::Update => format!(
                "UPDATE OF {}",
                t.update_of
                    .iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    if events.is_empty() {
        return Err("a trigger needs an event".into());
    }
    let mut s = format!(
        "CREATE {}TRIGGER {} {} {} ON {}",
        if or_replace { "OR REPLACE " } else { "" },
        quote_ident(&t.name),
        match t.timing {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        },
        events.join(" OR "),
        qualified(&t.table)
    );
    if t.old_table.is_some() || t.new_table.is_some() {
        s.push_str(" REFERENCING");
        if let Some(o) = &t.old_table {
            s.push_str(&format!(" OLD TABLE AS {}", quote_ident(o)));
        }
        if let Some(n) = &t.new_table {
            s.push_str(&format!(" NEW TABLE AS {}", quote_ident(n)));
        }
    }
    s.push_str(if t.for_each_row {
        " FOR EACH ROW"
    } else {
        " FOR EACH STATEMENT"
    });
    if let Some(w) = &t.when {
        check_sql(w)?;
        s.push_str(&format!(" WHEN ({w})"));
    }
    let args: Vec<String> = t.args.iter().map(|a| super::quote_literal(a)).collect();
    s.push_str(&format!(
        " EXECUTE FUNCTION {}({})",
        qualified(&t.function),
        args.join(", ")
    ));
    Ok(s)
}

fn trigger_enabled(table: &QualName, name: &str, enabled: TriggerEnabled) -> String {
    format!(
        "ALTER TABLE {} {} TRIGGER {}",
        qualified(table),
        match enabled {
            TriggerEnabled::Origin => "ENABLE",
            TriggerEnabled::Always => "ENABLE ALWAYS",
            TriggerEnabled::Replica => "ENABLE REPLICA",
            TriggerEnabled::Disabled => "DISABLE",
        },
        quote_ident(name)
    )
}
