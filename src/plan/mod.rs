//! Orders changes into a [`Plan`] and classifies their hazards.

pub mod hazard;
mod step;

pub use step::{Hazard, Plan, Step};
