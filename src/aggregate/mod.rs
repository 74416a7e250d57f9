//! From per-reply predictions to a picture of the whole discussion.

use crate::classifier::Prediction;
use crate::labels::{Band, Label};
use serde::Serialize;

/// Counts and shares over the labelled replies of a thread. Shares and the mean level use the
/// probabilities (expected values), so an uncertain reply weighs less than a certain one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Replies that were labelled (the root and posts without text are not).
    pub labelled: usize,
    /// How many replies got each label (argmax), in label order.
    pub counts: LabelCounts,
    /// Expected share of hostile replies (DH0-DH2).
    pub hostile_share: f64,
    /// Expected share of argued replies (DH4-DH6).
    pub argued_share: f64,
    /// Expected share of replies that are not disagreements.
    pub nd_share: f64,
    /// Expected level (0-6) over the disagreeing probability mass; `None` with no disagreement.
    pub mean_level: Option<f64>,
    /// Replies whose probability of a personal attack is at least one half.
    pub attacks: usize,
}

/// Per-label counts that serialize as `{"DH0": n, ..., "ND": n}` in label order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelCounts(pub [usize; Label::COUNT]);

impl Serialize for LabelCounts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Label::COUNT))?;
        for label in Label::ALL {
            map.serialize_entry(label.code(), &self.0[label.index()])?;
        }
        map.end()
    }
}

pub fn summarize<'a>(predictions: impl IntoIterator<Item = &'a Prediction>) -> Summary {
    let mut counts = LabelCounts::default();
    let mut labelled = 0usize;
    let mut band_mass = [0f64; 4];
    let mut level_mass = 0f64;
    let mut level_sum = 0f64;
    let mut attacks = 0usize;
    for prediction in predictions {
        labelled += 1;
        counts.0[prediction.label().index()] += 1;
        for label in Label::ALL {
            let p = f64::from(prediction.prob(label));
            let band = Band::ALL
                .iter()
                .position(|b| *b == label.band())
                .unwrap_or(3);
            band_mass[band] += p;
            if let Some(level) = label.level() {
                level_mass += p;
                level_sum += p * f64::from(level);
            }
        }
        if prediction.attack.is_some_and(|a| a >= 0.5) {
            attacks += 1;
        }
    }
    let share = |mass: f64| {
        if labelled == 0 {
            0.0
        } else {
            mass / labelled as f64
        }
    };
    Summary {
        labelled,
        counts,
        hostile_share: share(band_mass[0]),
        argued_share: share(band_mass[2]),
        nd_share: share(band_mass[3]),
        mean_level: (level_mass > 1e-9).then(|| level_sum / level_mass),
        attacks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certain(label: Label) -> Prediction {
        let mut probs = [0f32; Label::COUNT];
        probs[label.index()] = 1.0;
        Prediction {
            probs,
            attack: Some(if label == Label::DH0 { 0.9 } else { 0.1 }),
        }
    }

    #[test]
    fn empty_thread_has_defined_summary() {
        let summary = summarize(&[]);
        assert_eq!(summary.labelled, 0);
        assert_eq!(summary.hostile_share, 0.0);
        assert_eq!(summary.mean_level, None);
    }

    #[test]
    fn shares_and_mean_level_follow_the_labels() {
        let predictions = [
            certain(Label::DH0),
            certain(Label::DH6),
            certain(Label::ND),
            certain(Label::DH5),
        ];
        let summary = summarize(&predictions);
        assert_eq!(summary.counts.0[Label::DH6.index()], 1);
        assert!((summary.hostile_share - 0.25).abs() < 1e-9);
        assert!((summary.argued_share - 0.5).abs() < 1e-9);
        assert!((summary.mean_level.unwrap() - 11.0 / 3.0).abs() < 1e-9);
        assert_eq!(summary.attacks, 1);
    }
}
