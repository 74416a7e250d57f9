//! The JSON shapes other tools script against. Change them only by adding fields.

use super::ScoredThread;
use crate::aggregate::Summary;
use crate::classifier::Prediction;
use crate::labels::Label;
use serde::Serialize;

/// Label probabilities that serialize as `{"DH0": p, ..., "ND": p}` in label order.
#[derive(Debug, Clone, PartialEq)]
pub struct Probs(pub [f32; Label::COUNT]);

impl Serialize for Probs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Label::COUNT))?;
        for label in Label::ALL {
            // Rounded so output stays readable and stable across runs.
            let p = (f64::from(self.0[label.index()]) * 1e6).round() / 1e6;
            map.serialize_entry(label.code(), &p)?;
        }
        map.end()
    }
}

/// One prediction as `graham classify` and `graham score --json` print it.
#[derive(Debug, Clone, Serialize)]
pub struct LabelOutput {
    pub label: Option<Label>,
    pub probs: Option<Probs>,
    /// Probability that the reply contains a personal attack.
    pub attack: Option<f64>,
}

impl LabelOutput {
    pub fn none() -> LabelOutput {
        LabelOutput {
            label: None,
            probs: None,
            attack: None,
        }
    }
}

impl From<&Prediction> for LabelOutput {
    fn from(prediction: &Prediction) -> LabelOutput {
        LabelOutput {
            label: Some(prediction.label()),
            probs: Some(Probs(prediction.probs)),
            attack: prediction
                .attack
                .map(|a| (f64::from(a) * 1e6).round() / 1e6),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ThreadJson<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub posts: usize,
    #[serde(flatten)]
    pub summary: &'a Summary,
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct ReplyJson<'a> {
    pub id: &'a str,
    pub parent: &'a str,
    pub author: Option<&'a str>,
    pub depth: usize,
    #[serde(flatten)]
    pub output: LabelOutput,
}

/// `graham score --json`: `{"thread": {...}, "replies": [...]}`, replies in input order.
#[derive(Debug, Serialize)]
pub struct ScoreJson<'a> {
    pub thread: ThreadJson<'a>,
    pub replies: Vec<ReplyJson<'a>>,
}

impl<'a> ScoreJson<'a> {
    pub fn new(scored: &'a ScoredThread<'a>) -> ScoreJson<'a> {
        let thread = scored.thread;
        let posts = thread.posts();
        let replies = thread
            .reply_indices()
            .map(|index| ReplyJson {
                id: &posts[index].id,
                parent: thread.parent_of(index).map_or("", |p| posts[p].id.as_str()),
                author: posts[index].author.as_deref(),
                depth: thread.depth(index),
                output: scored.predictions[index]
                    .as_ref()
                    .map_or_else(LabelOutput::none, LabelOutput::from),
            })
            .collect();
        ScoreJson {
            thread: ThreadJson {
                id: &thread.id,
                title: thread.title.as_deref(),
                posts: thread.len(),
                summary: &scored.summary,
                warnings: &thread.warnings,
            },
            replies,
        }
    }
}
