//! Orders changes into a [`Plan`] and classifies their hazards.

pub mod hazard;
pub mod order;
mod step;
mod topo;

pub use step::{Hazard, Plan, Step};

use crate::diff::Change;

/// Orders changes and renders each into a step.
pub fn build_plan(changes: Vec<Change>) -> Result<Plan, crate::render::RenderError> {
    Ok(Plan {
        steps: order::order(changes)
            .into_iter()
            .map(crate::render::render_step)
            .collect::<Result<_, _>>()?,
    })
}
