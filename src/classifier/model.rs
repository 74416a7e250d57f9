//! The model files and their contract: `model.onnx`, `tokenizer.json` and `graham-model.json`
//! (labels in output order, maximum length, output names), checked when loaded.

use crate::labels::Label;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const METADATA_FILE: &str = "graham-model.json";
pub const ONNX_FILE: &str = "model.onnx";
pub const TOKENIZER_FILE: &str = "tokenizer.json";

/// What `graham-model.json` says about a model.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelMetadata {
    pub name: String,
    pub version: String,
    /// The label of each column of the level output, in column order.
    pub labels: Vec<String>,
    /// Most tokens per (parent, reply) sequence, special tokens included.
    pub max_length: usize,
    /// Name of the output with one logit per label, shape [batch, labels].
    #[serde(default = "default_level_output")]
    pub level_output: String,
    /// Name of the output with the logit that the reply contains a personal attack, if any.
    #[serde(default)]
    pub attack_output: Option<String>,
}

fn default_level_output() -> String {
    "logits".to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(
        "model directory '{dir}' has no {file}: pass a directory holding model.onnx, tokenizer.json and graham-model.json with --model, or set GRAHAM_MODEL"
    )]
    MissingFile { dir: PathBuf, file: &'static str },
    #[error("{path}: {reason}")]
    BadMetadata { path: PathBuf, reason: String },
    #[error("{path}: the tokenizer could not be loaded: {reason}")]
    Tokenizer { path: PathBuf, reason: String },
    #[error("{path}: the ONNX model could not be loaded: {reason}")]
    Onnx { path: PathBuf, reason: String },
    #[error(transparent)]
    Runtime(#[from] super::runtime::RuntimeError),
}

/// A model directory whose files exist and whose metadata is consistent.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub dir: PathBuf,
    pub metadata: ModelMetadata,
    /// For each model output column, the label it scores.
    pub column_labels: Vec<Label>,
}

impl ModelFiles {
    pub fn open(dir: &Path) -> Result<ModelFiles, ModelError> {
        for file in [ONNX_FILE, TOKENIZER_FILE, METADATA_FILE] {
            if !dir.join(file).is_file() {
                return Err(ModelError::MissingFile {
                    dir: dir.to_path_buf(),
                    file,
                });
            }
        }
        let path = dir.join(METADATA_FILE);
        let bad = |reason: String| ModelError::BadMetadata {
            path: path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
        let metadata: ModelMetadata =
            serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let column_labels = metadata
            .labels
            .iter()
            .map(|code| code.parse::<Label>().map_err(|e| bad(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let mut seen = column_labels.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != Label::COUNT || column_labels.len() != Label::COUNT {
            return Err(bad(format!(
                "\"labels\" must list each of the {} labels once, found {:?}",
                Label::COUNT,
                metadata.labels
            )));
        }
        if metadata.max_length < 16 {
            return Err(bad(format!(
                "\"max_length\" is {}, too short for a parent and a reply",
                metadata.max_length
            )));
        }
        Ok(ModelFiles {
            dir: dir.to_path_buf(),
            metadata,
            column_labels,
        })
    }

    pub fn onnx_path(&self) -> PathBuf {
        self.dir.join(ONNX_FILE)
    }

    pub fn tokenizer_path(&self) -> PathBuf {
        self.dir.join(TOKENIZER_FILE)
    }
}

/// The model directory to use when none is given: `GRAHAM_MODEL`, then `models/` next to the
/// executable, then the `models/` of the source tree this binary was built from.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GRAHAM_MODEL").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("models")))
        .filter(|dir| dir.join(METADATA_FILE).is_file());
    beside_exe.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
}
