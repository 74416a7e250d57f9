//! How each participant disagrees, and who brings the level down.

use super::{Band, LabelCounts, attack_prob, band_prob, label_counts, mean_level};
use crate::classifier::Prediction;
use crate::thread::Thread;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Participant {
    pub author: String,
    pub replies: usize,
    pub counts: LabelCounts,
    pub hostile_share: f64,
    pub argued_share: f64,
    /// Expected level of this person's disagreeing replies; `None` if they never disagree.
    pub mean_level: Option<f64>,
    /// Replies likely to contain a personal attack.
    pub attacks: usize,
    /// Replies that answered an argued post with a hostile one.
    pub escalations: usize,
}

/// One profile per author of a labelled reply, in order of first reply; the posts without an
/// author are not profiled.
pub fn profiles(thread: &Thread, predictions: &[Option<Prediction>]) -> Vec<Participant> {
    let posts = thread.posts();
    let mut order: Vec<&str> = Vec::new();
    let mut by_author: HashMap<&str, Vec<usize>> = HashMap::new();
    for index in thread.reply_indices() {
        let (Some(author), Some(_)) = (posts[index].author.as_deref(), &predictions[index]) else {
            continue;
        };
        by_author
            .entry(author)
            .or_insert_with(|| {
                order.push(author);
                Vec::new()
            })
            .push(index);
    }
    order
        .into_iter()
        .map(|author| {
            let indices = &by_author[author];
            let mine: Vec<&Prediction> = indices.iter().filter_map(|&i| predictions[i].as_ref()).collect();
            let n = mine.len() as f64;
            let escalations = indices
                .iter()
                .filter(|&&i| {
                    let parent = thread.parent_of(i).and_then(|p| predictions[p].as_ref());
                    let reply = predictions[i].as_ref();
                    matches!((parent, reply), (Some(p), Some(r)) if p.label().band() == Band::Argued && r.label().band() == Band::Hostile)
                })
                .count();
            Participant {
                author: author.to_string(),
                replies: mine.len(),
                counts: label_counts(mine.iter().copied()),
                hostile_share: mine.iter().map(|p| band_prob(p, Band::Hostile)).sum::<f64>() / n,
                argued_share: mine.iter().map(|p| band_prob(p, Band::Argued)).sum::<f64>() / n,
                mean_level: mean_level(mine.iter().copied()),
                attacks: mine.iter().filter(|p| attack_prob(p) >= 0.5).count(),
                escalations,
            }
        })
        .collect()
}
