use super::*;
use crate::thread::{RawPost, RawThread};
use proptest::prelude::*;

fn certain(label: Label, attack: f32) -> Prediction {
    let mut probs = [0f32; Label::COUNT];
    probs[label.index()] = 1.0;
    Prediction {
        probs,
        attack: Some(attack),
    }
}

/// A thread whose replies answer the posts named in `parents` (by position).
fn thread(parents: &[usize], authors: &[&str]) -> Thread {
    let mut posts = vec![RawPost {
        id: "p0".into(),
        parent: None,
        author: Some("op".into()),
        text: Some("root".into()),
        created: None,
    }];
    for (i, &parent) in parents.iter().enumerate() {
        posts.push(RawPost {
            id: format!("p{}", i + 1),
            parent: Some(format!("p{parent}")),
            author: authors.get(i).map(|a| a.to_string()),
            text: Some("reply".into()),
            created: None,
        });
    }
    Thread::from_raw(RawThread {
        id: "t".into(),
        title: None,
        posts,
    })
    .unwrap()
}

fn with_root(replies: Vec<Prediction>) -> Vec<Option<Prediction>> {
    std::iter::once(None)
        .chain(replies.into_iter().map(Some))
        .collect()
}

#[test]
fn lone_post_and_unlabelled_thread_get_a_defined_answer() {
    let config = ScoringConfig::default();
    let lone = thread(&[], &[]);
    let summary = summarize(&lone, &[None], &config);
    assert_eq!(summary.score, 50.0);
    assert_eq!(summary.verdict, Verdict::Mixed);
    assert_eq!(summary.labelled, 0);
    assert_eq!(summary.mean_level, None);
    assert!(summary.reasons[0].contains("no labelled replies"));
}

#[test]
fn verdicts_follow_the_thresholds() {
    let config = ScoringConfig::default();
    let t = thread(&[0, 0, 0], &[]);
    let argued = summarize(
        &t,
        &with_root(vec![
            certain(Label::DH6, 0.0),
            certain(Label::DH5, 0.0),
            certain(Label::ND, 0.0),
        ]),
        &config,
    );
    assert_eq!(argued.verdict, Verdict::Productive);
    assert_eq!(argued.score, 100.0);
    let hostile = summarize(
        &t,
        &with_root(vec![
            certain(Label::DH0, 1.0),
            certain(Label::DH1, 1.0),
            certain(Label::DH3, 0.0),
        ]),
        &config,
    );
    assert_eq!(hostile.verdict, Verdict::Unproductive);
    assert!(hostile.score < 10.0, "{}", hostile.score);
}

#[test]
fn escalations_hot_spots_and_participants_are_found() {
    // p1 argues; p2 answers it with an insult; p3 and p4 pile on under p2.
    let t = thread(&[0, 1, 2, 3, 0], &["ann", "bob", "ann", "bob", "cy"]);
    let predictions = with_root(vec![
        certain(Label::DH5, 0.0),
        certain(Label::DH0, 1.0),
        certain(Label::DH1, 1.0),
        certain(Label::DH0, 1.0),
        certain(Label::ND, 0.0),
    ]);
    let summary = summarize(&t, &predictions, &ScoringConfig::default());
    assert_eq!(summary.escalations.len(), 1);
    assert_eq!(
        (
            summary.escalations[0].id.as_str(),
            summary.escalations[0].parent.as_str()
        ),
        ("p2", "p1")
    );
    assert_eq!(summary.hot_spots.len(), 1, "{:?}", summary.hot_spots);
    assert_eq!(summary.hot_spots[0].root, "p2");
    assert_eq!(summary.hot_spots[0].ids, ["p2", "p3", "p4"]);
    let bob = summary
        .participants
        .iter()
        .find(|p| p.author == "bob")
        .unwrap();
    assert_eq!((bob.replies, bob.escalations, bob.attacks), (2, 1, 2));
    assert_eq!(bob.mean_level, Some(0.0));
    let cy = summary
        .participants
        .iter()
        .find(|p| p.author == "cy")
        .unwrap();
    assert_eq!(cy.mean_level, None);
    assert_eq!(summary.counts.0[Label::DH0.index()], 2);
}

#[test]
fn config_files_override_defaults_and_are_checked() {
    let dir = std::env::temp_dir().join(format!("graham-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scoring.toml");
    std::fs::write(&path, "attack = 1.0\n[productive]\nDH0 = 0.0\nDH1 = 0.0\nDH2 = 0.0\nDH3 = 0.1\nDH4 = 0.5\nDH5 = 0.9\nDH6 = 1.0\nND = 0.7\n").unwrap();
    let config = ScoringConfig::from_file(&path).unwrap();
    assert_eq!(config.attack, 1.0);
    assert_eq!(config.productive.nd, 0.7);
    assert_eq!(config.unproductive, ScoringConfig::default().unproductive);

    std::fs::write(&path, "[productive]\nDH0 = 0.5\nDH1 = 0.0\nDH2 = 0.0\nDH3 = 0.1\nDH4 = 0.5\nDH5 = 0.9\nDH6 = 1.0\nND = 0.7\n").unwrap();
    assert!(
        ScoringConfig::from_file(&path)
            .unwrap_err()
            .to_string()
            .contains("never move a discussion forward")
    );
    std::fs::write(&path, "atack = 1.0\n").unwrap();
    assert!(
        ScoringConfig::from_file(&path)
            .unwrap_err()
            .to_string()
            .contains("atack")
    );
}

#[test]
fn the_documented_example_config_is_the_default() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scoring.example.toml");
    assert_eq!(
        ScoringConfig::from_file(&path).unwrap(),
        ScoringConfig::default()
    );
}

fn any_prediction() -> impl Strategy<Value = Prediction> {
    (prop::array::uniform8(0.0f32..1.0), 0.0f32..1.0).prop_map(|(raw, attack)| {
        let sum: f32 = raw.iter().sum::<f32>() + 1e-6;
        Prediction {
            probs: raw.map(|p| p / sum),
            attack: Some(attack),
        }
    })
}

proptest! {
    #[test]
    fn score_stays_between_0_and_100(predictions in prop::collection::vec(any_prediction(), 0..30)) {
        let score = productivity(&predictions, &ScoringConfig::default());
        prop_assert!((0.0..=100.0).contains(&score), "{score}");
    }

    #[test]
    fn adding_a_hostile_reply_never_raises_the_score(
        predictions in prop::collection::vec(any_prediction(), 0..30),
        hostile in prop::sample::select(vec![Label::DH0, Label::DH1, Label::DH2]),
        attack in 0.0f32..1.0,
    ) {
        let config = ScoringConfig::default();
        let before = productivity(&predictions, &config);
        let mut more = predictions.clone();
        more.push(certain(hostile, attack));
        prop_assert!(productivity(&more, &config) <= before + 1e-9);
    }

    #[test]
    fn turning_a_contradiction_into_a_refutation_never_lowers_the_score(
        mut predictions in prop::collection::vec(any_prediction(), 1..30),
        which in any::<prop::sample::Index>(),
    ) {
        let config = ScoringConfig::default();
        let i = which.index(predictions.len());
        predictions[i] = certain(Label::DH3, predictions[i].attack.unwrap_or(0.0));
        let before = productivity(&predictions, &config);
        predictions[i] = certain(Label::DH5, predictions[i].attack.unwrap_or(0.0));
        prop_assert!(productivity(&predictions, &config) >= before - 1e-9);
    }
}

#[test]
fn worked_examples_of_the_docs() {
    let config = ScoringConfig::default();
    let productive = [
        certain(Label::DH6, 0.0),
        certain(Label::DH5, 1.0),
        certain(Label::ND, 0.0),
        certain(Label::DH3, 0.0),
    ];
    assert!((productivity(&productive, &config) - 100.0 * 3.05 / 4.55).abs() < 1e-4);
    let unproductive = [
        certain(Label::DH4, 0.0),
        certain(Label::DH0, 1.0),
        certain(Label::DH1, 1.0),
        certain(Label::DH3, 0.0),
        certain(Label::DH2, 0.0),
    ];
    assert!((productivity(&unproductive, &config) - 100.0 * 0.5 / 5.1).abs() < 1e-4);
}

#[test]
fn verdicts_serialize_as_their_names() {
    for verdict in [Verdict::Productive, Verdict::Mixed, Verdict::Unproductive] {
        assert_eq!(serde_json::to_value(verdict).unwrap(), verdict.name());
    }
    assert_eq!(Verdict::Unproductive.name(), "unproductive");
}
