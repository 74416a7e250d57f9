//! Issue 5's evidence: does the productivity score separate WikiTactics disputes that
//! escalated to mediation from those that did not? Higher scores should go with disputes that
//! did not escalate, so the AUC is that of the score for "did not escalate".
//! `cargo test --test escalation -- --nocapture --include-ignored` prints the tables used in
//! docs/scoring.md (the ignored test runs the model over val+test, about a minute).

use graham::aggregate::ScoringConfig;
use graham::eval::datasets::{self, Dispute};
use graham::eval::metrics::{roc_auc, roc_auc_interval};
use graham::eval::outcome::{dispute_thread, gold_prediction, measures};
use graham::{Classifier, ClassifierOptions, Pair, Prediction};
use std::path::{Path, PathBuf};

fn wikitactics(splits: &[&str]) -> Option<Vec<Dispute>> {
    let path = std::env::var_os("GRAHAM_WIKITACTICS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/datasets/wikitactics/wikitactics.json")
        });
    if !path.is_file() {
        eprintln!(
            "WikiTactics not found at {}: set GRAHAM_WIKITACTICS to run this test",
            path.display()
        );
        return None;
    }
    Some(datasets::wikitactics(&path, splits).unwrap())
}

/// AUC per measure, printed as a table; returns (name, auc) in order, the score first.
fn report(
    title: &str,
    disputes: &[Dispute],
    predictions: &[Vec<Option<Prediction>>],
) -> Vec<(&'static str, f64)> {
    let config = ScoringConfig::default();
    let calm: Vec<bool> = disputes.iter().map(|d| !d.escalated).collect();
    let per_thread: Vec<Vec<(&'static str, f64)>> = disputes
        .iter()
        .zip(predictions)
        .map(|(dispute, predictions)| {
            measures(&dispute_thread(dispute).unwrap(), predictions, &config)
        })
        .collect();
    println!(
        "\n{title} ({} disputes, {} escalated)",
        disputes.len(),
        calm.iter().filter(|c| !**c).count()
    );
    (0..per_thread[0].len())
        .map(|m| {
            let name = per_thread[0][m].0;
            let values: Vec<f64> = per_thread.iter().map(|t| t[m].1).collect();
            let auc = roc_auc(&values, &calm).unwrap();
            let (low, high) = roc_auc_interval(&values, &calm, 0.95, 2000, 17).unwrap();
            println!("  {name:34} AUC {auc:.3}  (95% bootstrap {low:.3}-{high:.3})");
            (name, auc)
        })
        .collect()
}

#[test]
fn score_from_gold_labels_separates_escalated_disputes() {
    let Some(disputes) = wikitactics(&[]) else {
        return;
    };
    assert_eq!(disputes.len(), 213);
    // The thread's first utterance is its root, which is never labelled.
    let predictions: Vec<Vec<Option<Prediction>>> = disputes
        .iter()
        .map(|d| {
            let mut p: Vec<Option<Prediction>> = d
                .pairs
                .iter()
                .map(|p| Some(gold_prediction(p.label, p.attack)))
                .collect();
            p[0] = None;
            p
        })
        .collect();
    let aucs = report("gold labels, all splits", &disputes, &predictions);
    let (_, score_auc) = aucs[0];
    let best_baseline = aucs[1..].iter().map(|(_, a)| *a).fold(0.0, f64::max);
    assert!(score_auc >= 0.66, "floor for done: AUC {score_auc:.3}");
    assert!(
        score_auc >= best_baseline,
        "AUC {score_auc:.3} below the best single baseline {best_baseline:.3}"
    );
}

#[test]
#[ignore = "runs the model over WikiTactics val+test (about a minute); a measurement for docs/scoring.md"]
fn score_from_model_labels_on_val_and_test() {
    let Some(disputes) = wikitactics(&["val", "test"]) else {
        return;
    };
    let classifier = Classifier::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
        &ClassifierOptions::default(),
    )
    .unwrap();
    let predictions: Vec<Vec<Option<Prediction>>> = disputes
        .iter()
        .map(|d| {
            let pairs: Vec<Pair<'_>> = d.pairs[1..]
                .iter()
                .map(|p| Pair {
                    parent: &p.parent,
                    reply: &p.reply,
                })
                .collect();
            std::iter::once(None)
                .chain(classifier.classify(&pairs).unwrap().into_iter().map(Some))
                .collect()
        })
        .collect();
    let aucs = report("model labels, val + test", &disputes, &predictions);
    assert!(aucs.iter().all(|(_, auc)| (0.0..=1.0).contains(auc)));
}
