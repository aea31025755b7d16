//! Orders changes into a [`Plan`] and classifies their hazards.

pub mod hazard;
pub mod order;
mod step;
pub(crate) mod topo;

pub use step::{Hazard, Plan, Step};

use crate::diff::Change;
use crate::diff::TableChange;

/// Orders changes and renders each into a step; steps on tables the plan
/// creates carry no table hazards ([`hazard::relax_for_new_tables`]).
pub fn build_plan(changes: Vec<Change>) -> Result<Plan, crate::render::RenderError> {
    let created: Vec<crate::model::QualName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Table(TableChange::Create { table }) => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    let mut steps: Vec<Step> = order::order(changes)
        .into_iter()
        .map(crate::render::render_step)
        .collect::<Result<_, _>>()?;
    hazard::relax_for_new_tables(&mut steps, &created.iter().collect());
    Ok(Plan { steps })
}
