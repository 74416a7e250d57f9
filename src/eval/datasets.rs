//! Labelled (parent, reply) pairs from every source graham learns or is measured on, in one
//! type: WikiTactics (mapped to Graham's numbering) and the data this project wrote.

use crate::labels::Label;
use serde::Deserialize;
use std::path::Path;

/// One labelled reply with its parent.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPair {
    pub id: String,
    /// Empty for a post that answers nothing (the first utterance of a WikiTactics dispute).
    pub parent: String,
    pub reply: String,
    pub label: Label,
    /// Whether the reply contains a personal attack, where the source says.
    pub attack: Option<bool>,
    pub lang: String,
    /// The split the source assigns: train, val or test.
    pub split: String,
    /// The discussion the pair belongs to, for thread-level measures.
    pub thread: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("could not read '{path}': {reason}")]
    Read { path: String, reason: String },
    #[error("{path}:{line}: {reason}")]
    Invalid {
        path: String,
        line: usize,
        reason: String,
    },
}

/// A WikiTactics dispute: its utterances as pairs and whether it escalated to mediation.
#[derive(Debug, Clone)]
pub struct Dispute {
    pub id: String,
    pub split: String,
    pub escalated: bool,
    pub pairs: Vec<LabelledPair>,
}

#[derive(Deserialize)]
struct RawDispute {
    conv_id: serde_json::Value,
    split: String,
    escalation_label: u8,
    utterances: Vec<RawUtterance>,
}

#[derive(Deserialize)]
struct RawUtterance {
    text: String,
    rebuttal_labels: Vec<String>,
}

/// WikiTactics' own code ("DH5: Counterargument ...") -> Graham's label. Its scale has nine
/// levels, shifted against Graham's; DH-1 (bailing out) and DH2 (derailing) have no Graham level.
fn wikitactics_level(raw_label: &str) -> Option<Label> {
    let code = raw_label.trim_start().split(':').next()?.trim();
    match code {
        "DH0" => Some(Label::DH0),
        "DH1" => Some(Label::DH1),
        "DH3" => Some(Label::DH2),
        "DH4" => Some(Label::DH3),
        "DH5" => Some(Label::DH4),
        "DH6" => Some(Label::DH5),
        "DH7" => Some(Label::DH6),
        _ => None,
    }
}

/// The file's text, and its path as shown in errors.
fn read(path: &Path) -> Result<(String, String), DatasetError> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((shown, text)),
        Err(e) => Err(DatasetError::Read {
            path: shown,
            reason: e.to_string(),
        }),
    }
}

/// Reads WikiTactics disputes of the given splits (all when empty). Each utterance answers the
/// one before it; it gets the highest Graham level among its rebuttal labels, or `ND` when it
/// has none, and `attack` when it carries name-calling or ad hominem, whatever its level.
pub fn wikitactics(path: &Path, splits: &[&str]) -> Result<Vec<Dispute>, DatasetError> {
    let (shown, text) = read(path)?;
    let raw: Vec<RawDispute> = serde_json::from_str(&text).map_err(|e| DatasetError::Invalid {
        path: shown.clone(),
        line: e.line(),
        reason: format!("not the WikiTactics JSON layout: {e}"),
    })?;
    Ok(raw
        .into_iter()
        .filter(|d| splits.is_empty() || splits.contains(&d.split.as_str()))
        .map(|d| {
            let id = match &d.conv_id {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut previous = String::new();
            let pairs = d
                .utterances
                .into_iter()
                .enumerate()
                .map(|(i, u)| {
                    let levels: Vec<Label> = u
                        .rebuttal_labels
                        .iter()
                        .filter_map(|l| wikitactics_level(l))
                        .collect();
                    let pair = LabelledPair {
                        id: format!("{id}/{i}"),
                        parent: std::mem::take(&mut previous),
                        label: levels.iter().copied().max().unwrap_or(Label::ND),
                        attack: Some(levels.iter().any(|l| matches!(l, Label::DH0 | Label::DH1))),
                        lang: "en".to_string(),
                        split: d.split.clone(),
                        thread: Some(id.clone()),
                        reply: u.text,
                    };
                    previous = pair.reply.clone();
                    pair
                })
                .collect();
            Dispute {
                id,
                split: d.split,
                escalated: d.escalation_label == 1,
                pairs,
            }
        })
        .collect())
}

#[derive(Deserialize)]
struct RawOwnPair {
    id: String,
    lang: String,
    parent: String,
    reply: String,
    label: String,
    attack: bool,
    split: String,
}

/// Reads the pairs this project wrote (`datasets/graham-pairs.jsonl`) of the given splits.
pub fn own(path: &Path, splits: &[&str]) -> Result<Vec<LabelledPair>, DatasetError> {
    let (shown, text) = read(path)?;
    let mut pairs = Vec::new();
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let invalid = |reason: String| DatasetError::Invalid {
            path: shown.clone(),
            line: number + 1,
            reason,
        };
        let raw: RawOwnPair = serde_json::from_str(line).map_err(|e| invalid(e.to_string()))?;
        let label = raw
            .label
            .parse::<Label>()
            .map_err(|e| invalid(e.to_string()))?;
        if splits.is_empty() || splits.contains(&raw.split.as_str()) {
            pairs.push(LabelledPair {
                id: raw.id,
                parent: raw.parent,
                reply: raw.reply,
                label,
                attack: Some(raw.attack),
                lang: raw.lang,
                split: raw.split,
                thread: None,
            });
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_shifted_wikitactics_codes_to_graham() {
        assert_eq!(
            wikitactics_level("DH3: Policing the discussion"),
            Some(Label::DH2)
        );
        assert_eq!(
            wikitactics_level("DH7: Refuting the central point"),
            Some(Label::DH6)
        );
        assert_eq!(wikitactics_level(" DH5: Counterargument"), Some(Label::DH4));
        assert_eq!(wikitactics_level("DH-1: Bailing out"), None);
        assert_eq!(wikitactics_level("DH2: Attempted derailing"), None);
    }
}
