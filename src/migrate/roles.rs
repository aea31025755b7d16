//! Roles a plan names (policies' `TO`, grantees) must exist: PostgreSQL
//! would refuse the statement, but graft says which plugin and step first,
//! before any DDL runs. One query for the whole plan, in the plan's own
//! transaction, and none when the plan names no role.

use super::PluginPlan;
use crate::diff::Change;
use crate::error::Error;
use crate::model::security::PUBLIC;
use std::collections::BTreeSet;
use tokio_postgres::Transaction;

/// The roles a change names (without `PUBLIC`).
pub(crate) fn roles_of(change: &Change) -> Vec<&str> {
    let roles: &[String] = match change {
        Change::CreatePolicy { policy, .. } => &policy.roles,
        Change::AlterPolicy {
            roles: Some(roles), ..
        } => roles,
        Change::GrantPrivileges { grantee, .. } | Change::RevokePrivileges { grantee, .. } => {
            std::slice::from_ref(grantee)
        }
        _ => &[],
    };
    roles
        .iter()
        .map(String::as_str)
        .filter(|r| *r != PUBLIC)
        .collect()
}

/// Checks the roles the plans name, in one query: a step that grants to,
/// or writes a policy for, a role the cluster does not have fails the plan
/// (the first such step, in plugin and step order), as does a grant to the
/// role graft runs as (it owns what graft creates). A revoke from a role
/// that no longer exists is dropped from its plan: the role's privileges
/// went with it.
pub(super) async fn check(tx: &Transaction<'_>, plans: &mut [PluginPlan]) -> Result<(), Error> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for pp in plans.iter() {
        for step in &pp.plan.steps {
            names.extend(roles_of(&step.change));
        }
    }
    if names.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = names.into_iter().collect();
    let row = tx
        .query_one(
            "SELECT current_user::text, ARRAY(SELECT r FROM pg_catalog.unnest($1::text[]) AS r \
             WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r))",
            &[&names],
        )
        .await
        .map_err(Error::db("checking the roles the plan names"))?;
    let me: String = row.get(0);
    let missing: BTreeSet<String> = row.get::<_, Vec<String>>(1).into_iter().collect();
    for pp in plans.iter() {
        for (i, step) in pp.plan.steps.iter().enumerate() {
            let fail = |role: &str, why: String| Error::Role {
                plugin: pp.plugin.clone(),
                step_index: i + 1,
                step: format!("{} {}", step.change.kind(), step.change.subject()),
                role: role.to_string(),
                why,
            };
            let revoke = matches!(step.change, Change::RevokePrivileges { .. });
            for r in roles_of(&step.change) {
                if missing.contains(r) && !revoke {
                    return Err(fail(
                        r,
                        format!(
                            "role `{r}` does not exist; create it first (roles belong to the \
                             cluster, graft does not manage them)"
                        ),
                    ));
                }
                if r == me && matches!(step.change, Change::GrantPrivileges { .. }) {
                    return Err(fail(
                        r,
                        format!(
                            "role `{r}` is the one graft runs as: it owns what graft creates \
                             and holds every privilege on it already; grant to other roles"
                        ),
                    ));
                }
            }
        }
    }
    if !missing.is_empty() {
        for pp in plans.iter_mut() {
            pp.plan.steps.retain(|s| {
                !matches!(&s.change, Change::RevokePrivileges { grantee, .. } if missing.contains(grantee))
            });
        }
    }
    Ok(())
}
