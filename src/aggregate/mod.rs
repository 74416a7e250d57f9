//! From per-reply predictions to a judgment of the whole discussion: a productivity score
//! with its verdict and reasons, the pyramid of levels, escalations, hot spots and a profile
//! per participant. `docs/scoring.md` explains the formula.

pub mod config;
mod participants;

pub use config::{ConfigError, ScoringConfig};
pub use participants::Participant;

use crate::classifier::Prediction;
use crate::labels::{Band, Label};
use crate::thread::Thread;
use serde::Serialize;

/// The thread score's judgment in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Productive,
    Mixed,
    Unproductive,
}

impl Verdict {
    /// The word used in text, CSV and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Productive => "productive",
            Verdict::Mixed => "mixed",
            Verdict::Unproductive => "unproductive",
        }
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
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

/// A reply answering another in a way that changes the temperature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The reply.
    pub id: String,
    /// The post it answers.
    pub parent: String,
    /// Probability of the event: P(parent argued) x P(reply hostile) for an escalation,
    /// P(parent hostile) x P(reply argued or not a disagreement) for a de-escalation.
    pub probability: f64,
}

/// A sub-thread where the discussion went wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HotSpot {
    /// The reply the sub-thread starts at.
    pub root: String,
    /// Labelled replies in the sub-thread, its root included.
    pub replies: usize,
    /// Expected number of hostile replies in it.
    pub hostile: f64,
    /// The replies in it that are most likely hostile or attacking.
    pub ids: Vec<String>,
}

/// The aggregator's picture of a thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// 0-100, higher is more productive; 50 when there is no labelled reply to judge.
    pub score: f64,
    pub verdict: Verdict,
    /// Why the verdict, in words.
    pub reasons: Vec<String>,
    /// Replies that were labelled (the root and posts without text are not).
    pub labelled: usize,
    /// How many replies got each label (argmax): Graham's pyramid.
    pub counts: LabelCounts,
    /// Expected share of hostile replies (DH0-DH2).
    pub hostile_share: f64,
    /// Expected share of bare contradictions (DH3).
    pub contradiction_share: f64,
    /// Expected share of argued replies (DH4-DH6).
    pub argued_share: f64,
    /// Expected share of replies that are not disagreements.
    pub nd_share: f64,
    /// Expected level (0-6) over the disagreeing probability mass; `None` with no disagreement.
    pub mean_level: Option<f64>,
    /// Replies whose probability of a personal attack is at least one half.
    pub attacks: usize,
    /// Hostile replies to argued ones: oil on the fire.
    pub escalations: Vec<Event>,
    /// Argued or calm replies to hostile ones.
    pub de_escalations: Vec<Event>,
    pub hot_spots: Vec<HotSpot>,
    pub participants: Vec<Participant>,
}

fn band_prob(prediction: &Prediction, band: Band) -> f64 {
    Label::ALL
        .iter()
        .filter(|l| l.band() == band)
        .map(|&l| f64::from(prediction.prob(l)))
        .sum()
}

/// Probability of a personal attack: the model's own output, or failing that the mass on
/// name-calling and ad hominem.
fn attack_prob(prediction: &Prediction) -> f64 {
    prediction.attack.map_or_else(
        || f64::from(prediction.prob(Label::DH0) + prediction.prob(Label::DH1)),
        f64::from,
    )
}

fn label_counts<'a>(predictions: impl IntoIterator<Item = &'a Prediction>) -> LabelCounts {
    let mut counts = LabelCounts::default();
    for prediction in predictions {
        counts.0[prediction.label().index()] += 1;
    }
    counts
}

/// Expected level (0-6) over the probability mass on disagreement; `None` without any.
fn mean_level<'a>(predictions: impl IntoIterator<Item = &'a Prediction>) -> Option<f64> {
    let (mut mass, mut sum) = (0.0, 0.0);
    for prediction in predictions {
        for label in Label::ALL {
            if let Some(level) = label.level() {
                mass += f64::from(prediction.prob(label));
                sum += f64::from(prediction.prob(label)) * f64::from(level);
            }
        }
    }
    (mass > 1e-9).then(|| sum / mass)
}

fn expected(prediction: &Prediction, weights: &config::LabelWeights) -> f64 {
    Label::ALL
        .iter()
        .map(|&l| f64::from(prediction.prob(l)) * weights.get(l))
        .sum()
}

/// The productivity score over some predictions: productive weight / (productive +
/// unproductive weight) x 100, using expected weights so an uncertain reply counts for less
/// on either side. 50 when nothing weighs anything.
pub fn productivity<'a>(
    predictions: impl IntoIterator<Item = &'a Prediction>,
    config: &ScoringConfig,
) -> f64 {
    let (mut good, mut bad) = (0.0, 0.0);
    for prediction in predictions {
        good += expected(prediction, &config.productive);
        bad += expected(prediction, &config.unproductive) + config.attack * attack_prob(prediction);
    }
    if good + bad <= f64::EPSILON {
        50.0
    } else {
        100.0 * good / (good + bad)
    }
}

/// Sums up a thread; `predictions` is indexed like `thread.posts()`.
pub fn summarize(
    thread: &Thread,
    predictions: &[Option<Prediction>],
    config: &ScoringConfig,
) -> Summary {
    let labelled: Vec<(usize, &Prediction)> = predictions
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref().map(|p| (i, p)))
        .collect();
    let n = labelled.len();
    let share = |band: Band| {
        if n == 0 {
            0.0
        } else {
            labelled
                .iter()
                .map(|(_, p)| band_prob(p, band))
                .sum::<f64>()
                / n as f64
        }
    };
    let attacks = labelled
        .iter()
        .filter(|(_, p)| attack_prob(p) >= 0.5)
        .count();
    let (escalations, de_escalations) = events(thread, predictions, config);
    let score = productivity(labelled.iter().map(|(_, p)| *p), config);
    let verdict = if score >= config.productive_from {
        Verdict::Productive
    } else if score < config.unproductive_below {
        Verdict::Unproductive
    } else {
        Verdict::Mixed
    };
    let mut summary = Summary {
        score,
        verdict,
        reasons: Vec::new(),
        labelled: n,
        counts: label_counts(labelled.iter().map(|(_, p)| *p)),
        hostile_share: share(Band::Hostile),
        contradiction_share: share(Band::Contradiction),
        argued_share: share(Band::Argued),
        nd_share: share(Band::None),
        mean_level: mean_level(labelled.iter().map(|(_, p)| *p)),
        attacks,
        escalations,
        de_escalations,
        hot_spots: hot_spots(thread, predictions, config),
        participants: participants::profiles(thread, predictions),
    };
    summary.reasons = reasons(&summary);
    summary
}

fn events(
    thread: &Thread,
    predictions: &[Option<Prediction>],
    config: &ScoringConfig,
) -> (Vec<Event>, Vec<Event>) {
    let posts = thread.posts();
    let (mut up, mut down) = (Vec::new(), Vec::new());
    for index in thread.reply_indices() {
        let (Some(parent), Some(reply)) = (thread.parent_of(index), predictions[index].as_ref())
        else {
            continue;
        };
        let Some(parent_prediction) = predictions[parent].as_ref() else {
            continue;
        };
        let event = |probability: f64| Event {
            id: posts[index].id.clone(),
            parent: posts[parent].id.clone(),
            probability: (probability * 1e4).round() / 1e4,
        };
        let escalation =
            band_prob(parent_prediction, Band::Argued) * band_prob(reply, Band::Hostile);
        let calming = band_prob(parent_prediction, Band::Hostile)
            * (band_prob(reply, Band::Argued) + band_prob(reply, Band::None));
        if escalation >= config.event_threshold {
            up.push(event(escalation));
        } else if calming >= config.event_threshold {
            down.push(event(calming));
        }
    }
    (up, down)
}

/// Top-most sub-threads that start with a hostile reply and stay mostly hostile: totals
/// gathered bottom-up in one pass over the tree, without recursion.
fn hot_spots(
    thread: &Thread,
    predictions: &[Option<Prediction>],
    config: &ScoringConfig,
) -> Vec<HotSpot> {
    let posts = thread.posts();
    let order = thread.tree_order();
    let mut hostile = vec![0.0f64; posts.len()];
    let mut replies = vec![0usize; posts.len()];
    for &index in order.iter().rev() {
        if let Some(prediction) = &predictions[index] {
            hostile[index] += band_prob(prediction, Band::Hostile).max(attack_prob(prediction));
            replies[index] += 1;
        }
        if let Some(parent) = thread.parent_of(index) {
            hostile[parent] += hostile[index];
            replies[parent] += replies[index];
        }
    }
    let hostile_itself = |i: usize| {
        predictions[i]
            .as_ref()
            .is_some_and(|p| band_prob(p, Band::Hostile) >= 0.5 || attack_prob(p) >= 0.5)
    };
    // A hot spot starts where it went wrong: at a hostile reply, not at the argument it answered.
    let is_hot = |i: usize| {
        hostile_itself(i)
            && replies[i] > 0
            && hostile[i] >= config.hot_spot_min_hostile
            && hostile[i] / replies[i] as f64 >= config.hot_spot_min_share
    };
    // Walk down the tree; a hot sub-thread is reported once, at its top.
    let children = thread.children();
    let mut spots = Vec::new();
    let mut stack = vec![0usize];
    while let Some(index) = stack.pop() {
        if is_hot(index) {
            let mut ids = Vec::new();
            let mut inner = vec![index];
            while let Some(i) = inner.pop() {
                if hostile_itself(i) {
                    ids.push(posts[i].id.clone());
                }
                inner.extend(children[i].iter().rev());
            }
            spots.push(HotSpot {
                root: posts[index].id.clone(),
                replies: replies[index],
                hostile: (hostile[index] * 100.0).round() / 100.0,
                ids,
            });
        } else {
            stack.extend(children[index].iter().rev());
        }
    }
    spots
}

fn reasons(summary: &Summary) -> Vec<String> {
    if summary.labelled == 0 {
        return vec!["no labelled replies: there is no discussion to judge yet".to_string()];
    }
    let percent = |share: f64| (share * 100.0).round();
    let mut reasons = vec![format!(
        "{}% of the replies argue (DH4-DH6), {}% only contradict (DH3), {}% are hostile (DH0-DH2), {}% are not disagreements",
        percent(summary.argued_share),
        percent(summary.contradiction_share),
        percent(summary.hostile_share),
        percent(summary.nd_share)
    )];
    if summary.attacks > 0 {
        reasons.push(format!(
            "{} repl{} contain a personal attack",
            summary.attacks,
            if summary.attacks == 1 { "y" } else { "ies" }
        ));
    }
    if !summary.escalations.is_empty() {
        let ids: Vec<&str> = summary.escalations.iter().map(|e| e.id.as_str()).collect();
        reasons.push(format!(
            "oil on the fire: hostile answers to arguments at {}",
            ids.join(", ")
        ));
    }
    if !summary.hot_spots.is_empty() {
        let roots: Vec<&str> = summary.hot_spots.iter().map(|h| h.root.as_str()).collect();
        reasons.push(format!(
            "it goes wrong in the sub-thread{} under {}",
            if roots.len() == 1 { "" } else { "s" },
            roots.join(", ")
        ));
    }
    if !summary.de_escalations.is_empty() {
        reasons.push(format!(
            "{} repl{} answered hostility with argument or calm",
            summary.de_escalations.len(),
            if summary.de_escalations.len() == 1 {
                "y"
            } else {
                "ies"
            }
        ));
    }
    reasons
}

#[cfg(test)]
mod tests;
