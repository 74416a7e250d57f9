//! Measures over labelled data: ROC-AUC with a bootstrap interval.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

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
