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
    /// Any other fields of the input line, kept for reports such as `--errors`.
    pub extra: serde_json::Map<String, serde_json::Value>,
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
                        extra: serde_json::Map::new(),
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

/// Reads the pairs this project wrote (`datasets/graham-pairs.jsonl`) of the given splits.
pub fn own(path: &Path, splits: &[&str]) -> Result<Vec<LabelledPair>, DatasetError> {
    Ok(of_splits(labelled_jsonl(path)?, splits))
}

/// The pairs of the given splits (all when `splits` is empty).
pub fn of_splits(pairs: Vec<LabelledPair>, splits: &[&str]) -> Vec<LabelledPair> {
    pairs
        .into_iter()
        .filter(|p| splits.is_empty() || splits.contains(&p.split.as_str()))
        .collect()
}

const KNOWN_FIELDS: [&str; 8] = [
    "id", "parent", "reply", "label", "attack", "lang", "split", "thread",
];

/// One labelled pair from a JSON object; `line` names it in errors and is its default id.
fn pair_from_object(
    mut object: serde_json::Map<String, serde_json::Value>,
    line: usize,
) -> Result<LabelledPair, String> {
    use serde_json::Value;
    let mut text = |key: &str, required: bool| -> Result<Option<String>, String> {
        match object.remove(key) {
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Null) | None if !required => Ok(None),
            Some(Value::Null) if key == "parent" => Ok(Some(String::new())),
            None => Err(format!("no \"{key}\" field")),
            Some(other) => Err(format!("\"{key}\" must be a string, found {other}")),
        }
    };
    let label_text = text("label", true)?.unwrap_or_default();
    let label = label_text.parse::<Label>().map_err(|e| e.to_string())?;
    let pair = LabelledPair {
        id: text("id", false)?.unwrap_or_else(|| format!("line {line}")),
        parent: text("parent", true)?.unwrap_or_default(),
        reply: text("reply", true)?.unwrap_or_default(),
        label,
        attack: None,
        lang: text("lang", false)?.unwrap_or_default(),
        split: text("split", false)?.unwrap_or_default(),
        thread: text("thread", false)?,
        extra: serde_json::Map::new(),
    };
    let attack = match object.remove("attack") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        Some(other) => return Err(format!("\"attack\" must be true or false, found {other}")),
    };
    object.retain(|key, _| !KNOWN_FIELDS.contains(&key.as_str()));
    Ok(LabelledPair {
        attack,
        extra: object,
        ..pair
    })
}

/// An input without a single pair is an error, so an empty file is never scored as perfect.
fn not_empty(pairs: Vec<LabelledPair>, shown: String) -> Result<Vec<LabelledPair>, DatasetError> {
    if pairs.is_empty() {
        return Err(DatasetError::Invalid {
            path: shown,
            line: 1,
            reason: "the file has no labelled pairs".into(),
        });
    }
    Ok(pairs)
}

/// Labelled pairs as JSON Lines: `{"parent", "reply", "label"}` with optional `id`, `attack`,
/// `lang`, `split`, `thread`; other fields are kept in `extra`.
pub fn labelled_jsonl(path: &Path) -> Result<Vec<LabelledPair>, DatasetError> {
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
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| invalid(format!("malformed JSON: {e}")))?;
        let serde_json::Value::Object(object) = value else {
            return Err(invalid(
                "expected an object {\"parent\", \"reply\", \"label\"}".to_string(),
            ));
        };
        pairs.push(pair_from_object(object, number + 1).map_err(invalid)?);
    }
    not_empty(pairs, shown)
}

/// Labelled pairs as CSV with a header row naming at least `parent`, `reply` and `label`.
pub fn labelled_csv(path: &Path) -> Result<Vec<LabelledPair>, DatasetError> {
    let (shown, text) = read(path)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| DatasetError::Invalid {
            path: shown.clone(),
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    for required in ["parent", "reply", "label"] {
        if !headers.iter().any(|h| h == required) {
            return Err(DatasetError::Invalid {
                path: shown,
                line: 1,
                reason: format!("the header has no \"{required}\" column"),
            });
        }
    }
    let mut pairs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| DatasetError::Invalid {
            path: shown.clone(),
            line: e.position().map_or(0, |p| p.line() as usize),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut object = serde_json::Map::new();
        for (header, value) in headers.iter().zip(record.iter()) {
            let value = match header {
                "attack" if value.is_empty() => serde_json::Value::Null,
                "attack" => serde_json::Value::Bool(matches!(
                    value.to_ascii_lowercase().as_str(),
                    "true" | "1" | "yes"
                )),
                _ => serde_json::Value::String(value.to_string()),
            };
            object.insert(header.to_string(), value);
        }
        pairs.push(
            pair_from_object(object, line).map_err(|reason| DatasetError::Invalid {
                path: shown.clone(),
                line,
                reason,
            })?,
        );
    }
    not_empty(pairs, shown)
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
