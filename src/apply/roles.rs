//! Roles a plan names (policies' `TO`, grantees) must exist: PostgreSQL
//! would refuse the statement, but graft says which plugin and step first,
//! before any DDL runs. One query for the whole plan, in the plan's own
//! transaction, and none when the plan names no role.

use super::PluginPlan;
use crate::diff::Change;
use crate::error::Error;
use crate::model::security::PUBLIC;
use std::collections::BTreeMap;
use tokio_postgres::Transaction;

/// The roles a change names (without `PUBLIC`).
pub(crate) fn roles_of(change: &Change) -> Vec<&str> {
    let roles: &[String] = match change {
        Change::CreatePolicy { policy, .. } => &policy.roles,
        Change::AlterPolicy {
            roles: Some(roles), ..
        } => roles,
        _ => &[],
    };
    roles
        .iter()
        .map(String::as_str)
        .filter(|r| *r != PUBLIC)
        .collect()
}

/// Fails on the first step (in plugin and step order) that names a role
/// the cluster does not have.
pub(super) async fn check(tx: &Transaction<'_>, plans: &[PluginPlan]) -> Result<(), Error> {
    // role → (plugin, step index, step) of its first use
    let mut first: BTreeMap<&str, (usize, &PluginPlan, usize)> = BTreeMap::new();
    let mut seq = 0;
    for pp in plans {
        for (i, step) in pp.plan.steps.iter().enumerate() {
            for r in roles_of(&step.change) {
                seq += 1;
                first.entry(r).or_insert((seq, pp, i));
            }
        }
    }
    if first.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = first.keys().copied().collect();
    let rows = tx
        .query(
            "SELECT r FROM pg_catalog.unnest($1::text[]) AS r \
             WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r)",
            &[&names],
        )
        .await
        .map_err(Error::db("checking the roles the plan names"))?;
    let missing = rows
        .iter()
        .map(|row| row.get::<_, String>(0))
        .filter_map(|r| first.get(r.as_str()).map(|f| (f.0, r.clone(), f.1, f.2)))
        .min_by_key(|m| m.0);
    if let Some((_, role, pp, i)) = missing {
        let step = &pp.plan.steps[i];
        return Err(Error::Role {
            plugin: pp.plugin.clone(),
            step_index: i + 1,
            step: format!("{} {}", step.change.kind(), step.change.subject()),
            why: format!(
                "role `{role}` does not exist; create it first (roles belong to the \
                 cluster, graft does not manage them)"
            ),
            role,
        });
    }
    Ok(())
}
