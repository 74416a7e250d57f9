//! Does the productivity score tell escalated discussions from the others? WikiTactics
//! disputes as linear threads, scored from gold labels or from the model.

use super::datasets::Dispute;
use crate::aggregate::{self, ScoringConfig};
use crate::classifier::Prediction;
use crate::labels::Label;
use crate::thread::{RawPost, RawThread, Thread, ThreadError};

/// A dispute as a thread: each utterance answers the one before, as WikiTactics records them.
pub fn dispute_thread(dispute: &Dispute) -> Result<Thread, ThreadError> {
    let posts = dispute
        .pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| RawPost {
            id: i.to_string(),
            parent: None,
            author: None,
            text: Some(pair.reply.clone()),
            created: None,
        })
        .collect();
    Thread::from_raw(RawThread {
        id: dispute.id.clone(),
        title: None,
        posts,
    })
}

/// The gold label as a certain prediction, with the gold attack flag.
pub fn gold_prediction(label: Label, attack: Option<bool>) -> Prediction {
    let mut probs = [0f32; Label::COUNT];
    probs[label.index()] = 1.0;
    Prediction {
        probs,
        attack: attack.map(|a| if a { 1.0 } else { 0.0 }),
    }
}

/// Thread-level scores that each read one thing off the replies, the score included; higher
/// means more productive, so each is expected to be higher for disputes that did not escalate.
pub fn measures(
    thread: &Thread,
    predictions: &[Option<Prediction>],
    config: &ScoringConfig,
) -> Vec<(&'static str, f64)> {
    let summary = aggregate::summarize(thread, predictions, config);
    let labelled: Vec<&Prediction> = predictions.iter().flatten().collect();
    let n = labelled.len().max(1) as f64;
    let attack_share = labelled
        .iter()
        .filter(|p| p.attack.is_some_and(|a| a >= 0.5))
        .count() as f64
        / n;
    vec![
        ("productivity score", summary.score),
        ("mean level", summary.mean_level.unwrap_or(3.0)),
        ("negated hostile share (DH0-DH2)", -summary.hostile_share),
        ("negated personal-attack share", -attack_share),
        ("share not disagreeing (ND)", summary.nd_share),
    ]
}
