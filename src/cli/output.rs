//! Human and JSON output.

use super::outcome_text;
use crate::apply::{PluginPlan, Report};
use crate::render::plan_text;
use crate::store::JournalHead;
use std::io::{IsTerminal, Write};

fn paint(s: &str, code: &str) -> String {
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Prints plans.
pub fn plans(plans: &[PluginPlan], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, plans)?;
        writeln!(out)?;
        return Ok(());
    }
    for p in plans {
        let version = p.version.as_deref().unwrap_or("unversioned");
        let head = p
            .from_idx
            .map_or("no snapshot yet".to_string(), |i| format!("snapshot {i}"));
        let state = if !p.is_pending() {
            paint("up to date", "32")
        } else if p.plan.is_empty() {
            paint("version change only", "33")
        } else {
            paint(&format!("{} step(s) pending", p.plan.steps.len()), "33")
        };
        writeln!(
            out,
            "{} {} ({head}, declared {}): {state}",
            paint("plugin", "1"),
            paint(&p.plugin, "1"),
            version
        )?;
        if !p.plan.is_empty() {
            for line in plan_text(&p.plan).lines() {
                writeln!(out, "  {line}")?;
            }
        }
    }
    Ok(())
}

/// Prints a migration report.
pub fn report(report: &Report, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, report)?;
        writeln!(out)?;
        return Ok(());
    }
    for (plugin, o) in &report.plugins {
        writeln!(out, "{plugin}: {}", outcome_text(o))?;
    }
    Ok(())
}

/// Prints journal heads.
pub fn status(rows: &[JournalHead], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let v: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "plugin": r.plugin, "version": r.version,
                    "head_idx": r.head_idx, "head_hash": r.head_hash.as_str(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    if rows.is_empty() {
        writeln!(out, "no plugins recorded yet")?;
        return Ok(());
    }
    let w = rows
        .iter()
        .map(|r| r.plugin.len())
        .max()
        .unwrap_or(6)
        .max(6);
    writeln!(
        out,
        "{:<w$}  {:<12}  {:>4}  head hash",
        "plugin", "version", "head"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:<w$}  {:<12}  {:>4}  {}",
            r.plugin,
            r.version.as_deref().unwrap_or("-"),
            r.head_idx,
            r.head_hash.short()
        )?;
    }
    Ok(())
}
