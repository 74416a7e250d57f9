//! Measures over labelled data: accuracy, F1, confusion, coarse bands, calibration, and
//! ROC-AUC with a bootstrap interval.

use crate::classifier::Prediction;
use crate::labels::Label;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// What `graham eval` reports on labelled pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub n: usize,
    pub accuracy: f64,
    /// Mean F1 over the labels present in the gold labels or the predictions.
    pub macro_f1: f64,
    /// F1 per label weighted by its support.
    pub weighted_f1: f64,
    pub per_label: BTreeMap<Label, LabelScores>,
    /// `confusion[gold][predicted]` counts.
    pub confusion: BTreeMap<Label, BTreeMap<Label, usize>>,
    /// Accuracy on the bands hostile (DH0-DH2) / contradiction (DH3) / argued (DH4-DH6) / none.
    pub coarse_accuracy: f64,
    /// Expected calibration error of the top label's probability, 10 equal-width bins.
    pub expected_calibration_error: f64,
    /// The most frequent gold label, always answered.
    pub majority_label: Label,
    pub majority_accuracy: f64,
    pub majority_macro_f1: f64,
}

/// Scores predictions against gold labels; `None` when there is nothing to score.
pub fn evaluate(gold: &[Label], predictions: &[Prediction]) -> Option<Evaluation> {
    if gold.is_empty() || gold.len() != predictions.len() {
        return None;
    }
    let predicted: Vec<Label> = predictions.iter().map(Prediction::label).collect();
    let (accuracy, macro_f1, weighted_f1, per_label, confusion) = label_scores(gold, &predicted);
    let coarse = gold
        .iter()
        .zip(&predicted)
        .filter(|(g, p)| g.band() == p.band())
        .count();
    let mut frequency = [0usize; Label::COUNT];
    for label in gold {
        frequency[label.index()] += 1;
    }
    let majority_label = Label::ALL
        .into_iter()
        .max_by_key(|l| (frequency[l.index()], std::cmp::Reverse(l.index())))?;
    let always_majority = vec![majority_label; gold.len()];
    let (majority_accuracy, majority_macro_f1, ..) = label_scores(gold, &always_majority);
    Some(Evaluation {
        n: gold.len(),
        accuracy,
        macro_f1,
        weighted_f1,
        per_label,
        confusion,
        coarse_accuracy: coarse as f64 / gold.len() as f64,
        expected_calibration_error: calibration_error(gold, predictions, 10),
        majority_label,
        majority_accuracy,
        majority_macro_f1,
    })
}

type Scores = (
    f64,
    f64,
    f64,
    BTreeMap<Label, LabelScores>,
    BTreeMap<Label, BTreeMap<Label, usize>>,
);

fn label_scores(gold: &[Label], predicted: &[Label]) -> Scores {
    let mut matrix = [[0usize; Label::COUNT]; Label::COUNT];
    for (g, p) in gold.iter().zip(predicted) {
        matrix[g.index()][p.index()] += 1;
    }
    let mut per_label = BTreeMap::new();
    let (mut f1_sum, mut present, mut weighted) = (0.0, 0usize, 0.0);
    for label in Label::ALL {
        let i = label.index();
        let true_positive = matrix[i][i] as f64;
        let support: usize = matrix[i].iter().sum();
        let predicted_count: usize = matrix.iter().map(|row| row[i]).sum();
        let precision = if predicted_count > 0 {
            true_positive / predicted_count as f64
        } else {
            0.0
        };
        let recall = if support > 0 {
            true_positive / support as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if support > 0 || predicted_count > 0 {
            f1_sum += f1;
            present += 1;
        }
        weighted += f1 * support as f64;
        per_label.insert(
            label,
            LabelScores {
                precision,
                recall,
                f1,
                support,
            },
        );
    }
    let n = gold.len() as f64;
    let correct: usize = (0..Label::COUNT).map(|i| matrix[i][i]).sum();
    let confusion = Label::ALL
        .into_iter()
        .map(|g| {
            (
                g,
                Label::ALL
                    .into_iter()
                    .map(|p| (p, matrix[g.index()][p.index()]))
                    .collect(),
            )
        })
        .collect();
    (
        correct as f64 / n,
        f1_sum / present.max(1) as f64,
        weighted / n,
        per_label,
        confusion,
    )
}

/// Gap between confidence and accuracy, averaged over confidence bins weighted by their size.
fn calibration_error(gold: &[Label], predictions: &[Prediction], bins: usize) -> f64 {
    let mut count = vec![0usize; bins];
    let mut confidence = vec![0f64; bins];
    let mut correct = vec![0f64; bins];
    for (label, prediction) in gold.iter().zip(predictions) {
        let p = f64::from(prediction.confidence());
        let bin = ((p * bins as f64) as usize).min(bins - 1);
        count[bin] += 1;
        confidence[bin] += p;
        correct[bin] += f64::from(u8::from(prediction.label() == *label));
    }
    let n = gold.len() as f64;
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| (count[b] as f64 / n) * ((correct[b] - confidence[b]) / count[b] as f64).abs())
        .sum()
}

/// Area under the ROC curve: the chance that a random positive scores higher than a random
/// negative (ties count half). `None` unless both classes are present.
pub fn roc_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Rank-sum (Mann-Whitney U) with average ranks for ties.
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && scores[order[end + 1]] == scores[order[start]] {
            end += 1;
        }
        let average = (start + end) as f64 / 2.0 + 1.0;
        for &i in &order[start..=end] {
            ranks[i] = average;
        }
        start = end + 1;
    }
    let positives = positive.iter().filter(|&&p| p).count() as f64;
    let negatives = positive.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    let rank_sum: f64 = ranks
        .iter()
        .zip(positive)
        .filter(|(_, p)| **p)
        .map(|(r, _)| r)
        .sum();
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// A percentile bootstrap interval (e.g. `level` 0.95) for the ROC-AUC, resampling the items
/// with a fixed seed so the interval is reproducible.
pub fn roc_auc_interval(
    scores: &[f64],
    positive: &[bool],
    level: f64,
    resamples: usize,
    seed: u64,
) -> Option<(f64, f64)> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let n = scores.len();
    let mut aucs = Vec::with_capacity(resamples);
    let (mut sample_scores, mut sample_positive) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..resamples {
        sample_scores.clear();
        sample_positive.clear();
        for _ in 0..n {
            let i = rng.random_range(0..n);
            sample_scores.push(scores[i]);
            sample_positive.push(positive[i]);
        }
        aucs.extend(roc_auc(&sample_scores, &sample_positive));
    }
    if aucs.is_empty() {
        return None;
    }
    aucs.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    let at = |q: f64| aucs[((aucs.len() - 1) as f64 * q).round() as usize];
    Some((at(tail), at(1.0 - tail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certain(label: Label, confidence: f32) -> Prediction {
        let mut probs = [(1.0 - confidence) / 7.0; Label::COUNT];
        probs[label.index()] = confidence;
        Prediction {
            probs,
            attack: None,
        }
    }

    #[test]
    fn evaluation_counts_match_a_hand_computed_case() {
        let gold = [Label::DH4, Label::DH4, Label::DH0, Label::ND];
        let predictions = [
            certain(Label::DH4, 0.9),
            certain(Label::DH5, 0.6),
            certain(Label::DH0, 0.8),
            certain(Label::DH4, 0.5),
        ];
        let e = evaluate(&gold, &predictions).unwrap();
        assert_eq!(e.n, 4);
        assert!((e.accuracy - 0.5).abs() < 1e-12);
        // DH4: precision 1/2, recall 1/2 -> F1 0.5; DH0: 1.0; DH5: 0; ND: 0. Macro over those four.
        assert!((e.macro_f1 - 1.5 / 4.0).abs() < 1e-12, "{}", e.macro_f1);
        assert!((e.weighted_f1 - (0.5 * 2.0 + 1.0) / 4.0).abs() < 1e-12);
        assert_eq!(e.confusion[&Label::DH4][&Label::DH5], 1);
        // DH5 for DH4 stays in the argued band; DH4 for ND does not.
        assert!((e.coarse_accuracy - 0.75).abs() < 1e-12);
        assert_eq!(e.majority_label, Label::DH4);
        assert!((e.majority_accuracy - 0.5).abs() < 1e-12);
        // Bins: 0.9 right, 0.6 wrong, 0.8 right, 0.5 wrong -> |1-0.9|+|0-0.6|+|1-0.8|+|0-0.5| over 4.
        assert!(
            (e.expected_calibration_error - 1.4 / 4.0).abs() < 1e-6,
            "{}",
            e.expected_calibration_error
        );
        assert!(evaluate(&[], &[]).is_none());
    }

    #[test]
    fn auc_of_perfect_random_and_reversed_scores() {
        let positive = [false, false, true, true];
        assert_eq!(roc_auc(&[0.1, 0.2, 0.8, 0.9], &positive), Some(1.0));
        assert_eq!(roc_auc(&[0.9, 0.8, 0.2, 0.1], &positive), Some(0.0));
        assert_eq!(roc_auc(&[0.5, 0.5, 0.5, 0.5], &positive), Some(0.5));
        assert_eq!(roc_auc(&[0.1, 0.4, 0.35, 0.8], &positive), Some(0.75));
        assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
    }

    #[test]
    fn bootstrap_interval_brackets_the_estimate_and_is_reproducible() {
        let scores: Vec<f64> = (0..60)
            .map(|i| f64::from(i % 7) + if i % 2 == 0 { 2.0 } else { 0.0 })
            .collect();
        let positive: Vec<bool> = (0..60).map(|i| i % 2 == 0).collect();
        let auc = roc_auc(&scores, &positive).unwrap();
        let (low, high) = roc_auc_interval(&scores, &positive, 0.95, 500, 7).unwrap();
        assert!(low <= auc && auc <= high, "{low} {auc} {high}");
        assert_eq!(
            roc_auc_interval(&scores, &positive, 0.95, 500, 7),
            Some((low, high))
        );
    }
}
