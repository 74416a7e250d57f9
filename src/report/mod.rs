//! Outputs: the stable JSON types and the text a person reads.

pub mod json;
pub mod text;

use crate::aggregate::{self, ScoringConfig, Summary};
use crate::classifier::Prediction;
use crate::thread::Thread;

/// A thread with a prediction for every reply that has text.
pub struct ScoredThread<'t> {
    pub thread: &'t Thread,
    /// Indexed like `thread.posts()`: `None` for the root and for posts without text.
    pub predictions: Vec<Option<Prediction>>,
    pub summary: Summary,
}

impl<'t> ScoredThread<'t> {
    pub fn new(
        thread: &'t Thread,
        predictions: Vec<Option<Prediction>>,
        config: &ScoringConfig,
    ) -> ScoredThread<'t> {
        let summary = aggregate::summarize(thread, &predictions, config);
        ScoredThread {
            thread,
            predictions,
            summary,
        }
    }
}
