//! Labelled data and the measures computed on it.

pub mod datasets;
pub mod metrics;
pub mod outcome;
