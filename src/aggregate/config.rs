//! Weights and thresholds of the thread score, with documented defaults
//! (`docs/scoring.md`, `docs/scoring.example.toml`); `--config FILE` overrides any of them.

use crate::labels::Label;
use serde::Deserialize;
use std::path::Path;

/// Per-label weights, one field per label so a config file reads naturally.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelWeights {
    #[serde(rename = "DH0")]
    pub dh0: f64,
    #[serde(rename = "DH1")]
    pub dh1: f64,
    #[serde(rename = "DH2")]
    pub dh2: f64,
    #[serde(rename = "DH3")]
    pub dh3: f64,
    #[serde(rename = "DH4")]
    pub dh4: f64,
    #[serde(rename = "DH5")]
    pub dh5: f64,
    #[serde(rename = "DH6")]
    pub dh6: f64,
    #[serde(rename = "ND")]
    pub nd: f64,
}

impl LabelWeights {
    pub fn get(&self, label: Label) -> f64 {
        match label {
            Label::DH0 => self.dh0,
            Label::DH1 => self.dh1,
            Label::DH2 => self.dh2,
            Label::DH3 => self.dh3,
            Label::DH4 => self.dh4,
            Label::DH5 => self.dh5,
            Label::DH6 => self.dh6,
            Label::ND => self.nd,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringConfig {
    /// How much each kind of reply moves the discussion forward.
    pub productive: LabelWeights,
    /// How much each kind of reply pours oil on the fire.
    pub unproductive: LabelWeights,
    /// Unproductive weight added per unit of personal-attack probability.
    pub attack: f64,
    /// Scores at or above this are "productive".
    pub productive_from: f64,
    /// Scores below this are "unproductive"; in between is "mixed".
    pub unproductive_below: f64,
    /// A sub-thread is a hot spot when its replies carry at least this much hostile
    /// probability in all...
    pub hot_spot_min_hostile: f64,
    /// ...and at least this share of its replies' probability is hostile.
    pub hot_spot_min_share: f64,
    /// A reply counts as an escalation (or de-escalation) event at this probability or more.
    pub event_threshold: f64,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            productive: LabelWeights {
                dh0: 0.0,
                dh1: 0.0,
                dh2: 0.0,
                dh3: 0.2,
                dh4: 0.3,
                dh5: 0.85,
                dh6: 1.0,
                nd: 1.0,
            },
            unproductive: LabelWeights {
                dh0: 1.0,
                dh1: 0.8,
                dh2: 0.3,
                dh3: 0.5,
                dh4: 0.0,
                dh5: 0.0,
                dh6: 0.0,
                nd: 0.0,
            },
            attack: 1.0,
            productive_from: 60.0,
            unproductive_below: 40.0,
            hot_spot_min_hostile: 1.5,
            hot_spot_min_share: 0.5,
            event_threshold: 0.5,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the scoring config '{path}': {reason}")]
    Read { path: String, reason: String },
    #[error("scoring config '{path}': {reason}")]
    Invalid { path: String, reason: String },
}

impl ScoringConfig {
    /// Reads a TOML file; fields it leaves out keep their defaults.
    pub fn from_file(path: &Path) -> Result<ScoringConfig, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let config: ScoringConfig = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        config.validate().map_err(|reason| ConfigError::Invalid {
            path: shown,
            reason,
        })?;
        Ok(config)
    }

    /// The rules that keep the score meaningful: weights are non-negative and finite,
    /// hostile replies are never productive, and the verdict thresholds are ordered.
    pub fn validate(&self) -> Result<(), String> {
        for label in Label::ALL {
            for (table, weight) in [
                ("productive", self.productive.get(label)),
                ("unproductive", self.unproductive.get(label)),
            ] {
                if !(weight.is_finite() && weight >= 0.0) {
                    return Err(format!(
                        "{table}.{label} is {weight}: weights must be zero or more"
                    ));
                }
            }
        }
        if [Label::DH0, Label::DH1, Label::DH2]
            .iter()
            .any(|&l| self.productive.get(l) > 0.0)
        {
            return Err("productive weights of DH0-DH2 must be 0: hostile replies never move a discussion forward".into());
        }
        let argued = [Label::DH3, Label::DH4, Label::DH5, Label::DH6];
        for pair in argued.windows(2) {
            if self.productive.get(pair[0]) > self.productive.get(pair[1])
                || self.unproductive.get(pair[0]) < self.unproductive.get(pair[1])
            {
                return Err(format!(
                    "{} must weigh at least as productive and at most as unproductive as {}: a better argument never lowers the score",
                    pair[1], pair[0]
                ));
            }
        }
        if !(self.attack.is_finite() && self.attack >= 0.0) {
            return Err(format!(
                "attack is {}: it must be zero or more",
                self.attack
            ));
        }
        if !(0.0..=100.0).contains(&self.unproductive_below)
            || !(0.0..=100.0).contains(&self.productive_from)
            || self.unproductive_below > self.productive_from
        {
            return Err("need 0 <= unproductive_below <= productive_from <= 100".into());
        }
        Ok(())
    }
}
