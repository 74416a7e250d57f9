//! Labelled data and the measures computed on it.

pub mod datasets;
