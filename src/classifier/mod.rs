//! The classifier: (parent, reply) pairs -> probabilities over the eight labels.
//!
//! Pairs are tokenized, sorted by length so each batch pads little, run through ONNX a batch
//! at a time, and put back in input order.

mod model;
pub mod runtime;
mod tokenize;

pub use model::{ModelError, ModelFiles, ModelMetadata, default_model_dir};
pub use runtime::RuntimeError;

use crate::labels::Label;
use crate::thread::Pair;
use ndarray::Array2;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor;
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokenize::PairTokenizer;

/// What the model says about one reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Probability of each label, in [`Label::ALL`] order; they sum to 1.
    pub probs: [f32; Label::COUNT],
    /// Probability that the reply contains a personal attack, when the model has that output.
    pub attack: Option<f32>,
}

impl Prediction {
    pub fn label(&self) -> Label {
        let best = self
            .probs
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(index, _)| index);
        Label::ALL[best]
    }

    pub fn confidence(&self) -> f32 {
        self.probs[self.label().index()]
    }

    pub fn prob(&self, label: Label) -> f32 {
        self.probs[label.index()]
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("tokenizing failed: {0}")]
    Tokenize(String),
    #[error("the ONNX model failed to run: {0}")]
    Inference(String),
    #[error("the model's output does not match its metadata: {0}")]
    Contract(String),
}

/// Where classification time goes: tokenizing (and sorting), building padded batches, the
/// ONNX run itself, and turning logits into predictions.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    pub tokenize: Duration,
    pub prepare: Duration,
    pub onnx: Duration,
    pub output: Duration,
}

impl StageTimes {
    pub fn total(&self) -> Duration {
        self.tokenize + self.prepare + self.onnx + self.output
    }

    /// Share of the time spent outside the ONNX run.
    pub fn outside_onnx_share(&self) -> f64 {
        let total = self.total().as_secs_f64();
        if total == 0.0 {
            0.0
        } else {
            1.0 - self.onnx.as_secs_f64() / total
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClassifierOptions {
    /// Most pairs per ONNX call.
    pub batch_size: usize,
    /// Most padded tokens per ONNX call (pairs x longest pair). ONNX Runtime's arena grows to
    /// the largest call's working memory and keeps it, so this bounds peak memory: long pairs go
    /// in smaller batches.
    pub max_batch_tokens: usize,
    /// ONNX Runtime intra-op threads; 0 lets ONNX Runtime decide.
    pub threads: usize,
}

impl Default for ClassifierOptions {
    fn default() -> Self {
        ClassifierOptions {
            batch_size: 32,
            max_batch_tokens: 2048,
            threads: 0,
        }
    }
}

pub struct Classifier {
    session: Mutex<Session>,
    tokenizer: PairTokenizer,
    files: ModelFiles,
    takes_token_type_ids: bool,
    batch_size: usize,
    max_batch_tokens: usize,
}

impl Classifier {
    /// Loads the model in `dir` (see [`ModelFiles`]) and ONNX Runtime.
    pub fn load(dir: &Path, options: &ClassifierOptions) -> Result<Classifier, ModelError> {
        let files = ModelFiles::open(dir)?;
        let tokenizer_path = files.tokenizer_path();
        let tokenizer_error = |reason: String| ModelError::Tokenizer {
            path: tokenizer_path.clone(),
            reason,
        };
        let tokenizer = tokenizers::Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| tokenizer_error(e.to_string()))?;
        let tokenizer =
            PairTokenizer::new(tokenizer, files.metadata.max_length).map_err(tokenizer_error)?;

        let environment = runtime::environment()?;
        let onnx_path = files.onnx_path();
        let onnx_error = |reason: String| ModelError::Onnx {
            path: onnx_path.clone(),
            reason,
        };
        let mut builder = Session::builder(environment)
            .map_err(|e| onnx_error(e.to_string()))?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| onnx_error(e.to_string()))?;
        if options.threads > 0 {
            builder = builder
                .with_intra_threads(options.threads)
                .map_err(|e| onnx_error(e.to_string()))?;
        }
        let session = builder
            .commit_from_file(&onnx_path)
            .map_err(|e| onnx_error(e.to_string()))?;

        let input_names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        for required in ["input_ids", "attention_mask"] {
            if !input_names.contains(&required) {
                return Err(onnx_error(format!(
                    "the model has no input '{required}' (inputs: {input_names:?})"
                )));
            }
        }
        let takes_token_type_ids = input_names.contains(&"token_type_ids");
        let output_names: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
        let mut wanted = vec![files.metadata.level_output.as_str()];
        wanted.extend(files.metadata.attack_output.as_deref());
        for name in wanted {
            if !output_names.contains(&name) {
                return Err(onnx_error(format!(
                    "graham-model.json names output '{name}', but the model's outputs are {output_names:?}"
                )));
            }
        }
        Ok(Classifier {
            session: Mutex::new(session),
            tokenizer,
            files,
            takes_token_type_ids,
            batch_size: options.batch_size.max(1),
            max_batch_tokens: options.max_batch_tokens,
        })
    }

    pub fn metadata(&self) -> &ModelMetadata {
        &self.files.metadata
    }

    /// Classifies every pair; the output has one prediction per pair, in input order.
    pub fn classify(&self, pairs: &[Pair<'_>]) -> Result<Vec<Prediction>, ClassifyError> {
        self.classify_timed(pairs, &mut StageTimes::default())
    }

    /// [`Classifier::classify`], adding the time spent in each stage to `times`.
    pub fn classify_timed(
        &self,
        pairs: &[Pair<'_>],
        times: &mut StageTimes,
    ) -> Result<Vec<Prediction>, ClassifyError> {
        let started = Instant::now();
        let encodings = pairs
            .iter()
            .map(|pair| self.tokenizer.encode(pair.parent, pair.reply))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ClassifyError::Tokenize)?;
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| encodings[i].len());
        let sorted_lengths: Vec<usize> = order.iter().map(|&i| encodings[i].len()).collect();
        times.tokenize += started.elapsed();

        let mut predictions: Vec<Option<Prediction>> = vec![None; pairs.len()];
        for range in plan_batches(&sorted_lengths, self.batch_size, self.max_batch_tokens) {
            let batch = &order[range];
            let batch_encodings: Vec<&tokenizers::Encoding> =
                batch.iter().map(|&i| &encodings[i]).collect();
            let batch_predictions = self.run_batch(&batch_encodings, times)?;
            for (&index, prediction) in batch.iter().zip(batch_predictions) {
                predictions[index] = Some(prediction);
            }
        }
        Ok(predictions.into_iter().flatten().collect())
    }

    fn run_batch(
        &self,
        encodings: &[&tokenizers::Encoding],
        times: &mut StageTimes,
    ) -> Result<Vec<Prediction>, ClassifyError> {
        let started = Instant::now();
        let rows = encodings.len();
        let width = encodings.iter().map(|e| e.len()).max().unwrap_or(0).max(1);
        let mut input_ids =
            Array2::<i64>::from_elem((rows, width), i64::from(self.tokenizer.pad_id()));
        let mut attention_mask = Array2::<i64>::zeros((rows, width));
        for (row, encoding) in encodings.iter().enumerate() {
            for (column, &id) in encoding.get_ids().iter().enumerate() {
                input_ids[[row, column]] = i64::from(id);
                attention_mask[[row, column]] = 1;
            }
        }
        let inference = |e: ort::Error| ClassifyError::Inference(e.to_string());
        let mut inputs = ort::inputs![
            "input_ids" => Tensor::from_array(input_ids).map_err(inference)?,
            "attention_mask" => Tensor::from_array(attention_mask).map_err(inference)?,
        ];
        if self.takes_token_type_ids {
            let token_type_ids = Array2::<i64>::zeros((rows, width));
            inputs.push((
                "token_type_ids".into(),
                Tensor::from_array(token_type_ids)
                    .map_err(inference)?
                    .into(),
            ));
        }

        let metadata = &self.files.metadata;
        // A poisoned lock only means another thread panicked mid-run; the session itself
        // holds no state between runs, so it is safe to keep using.
        let mut session = self
            .session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        times.prepare += started.elapsed();
        let started = Instant::now();
        let outputs = session.run(inputs).map_err(inference)?;
        times.onnx += started.elapsed();
        let started = Instant::now();
        let logits = outputs[metadata.level_output.as_str()]
            .try_extract_array::<f32>()
            .map_err(inference)?;
        if logits.shape() != [rows, Label::COUNT] {
            return Err(ClassifyError::Contract(format!(
                "output '{}' has shape {:?}, expected [{rows}, {}]",
                metadata.level_output,
                logits.shape(),
                Label::COUNT
            )));
        }
        let attack_logits = match metadata.attack_output.as_deref() {
            Some(name) => {
                let values = outputs[name]
                    .try_extract_array::<f32>()
                    .map_err(inference)?;
                if values.len() != rows {
                    return Err(ClassifyError::Contract(format!(
                        "output '{name}' has shape {:?}, expected one value per pair",
                        values.shape()
                    )));
                }
                Some(values.iter().copied().collect::<Vec<f32>>())
            }
            None => None,
        };

        let predictions = (0..rows)
            .map(|row| {
                let mut probs = [0f32; Label::COUNT];
                let row_logits: Vec<f32> = (0..Label::COUNT).map(|c| logits[[row, c]]).collect();
                for (column, p) in softmax(&row_logits).into_iter().enumerate() {
                    probs[self.files.column_labels[column].index()] = p;
                }
                Prediction {
                    probs,
                    attack: attack_logits.as_ref().map(|a| sigmoid(a[row])),
                }
            })
            .collect();
        times.output += started.elapsed();
        Ok(predictions)
    }
}

/// Splits pairs sorted by ascending length into consecutive batches of at most `batch_size`
/// pairs and `max_tokens` padded tokens (pairs x the last, longest, length). A pair longer than
/// `max_tokens` on its own still gets a batch of one.
fn plan_batches(
    sorted_lengths: &[usize],
    batch_size: usize,
    max_tokens: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut batches = Vec::new();
    let mut start = 0;
    for (index, &length) in sorted_lengths.iter().enumerate() {
        let rows = index - start + 1;
        if rows > 1 && (rows > batch_size.max(1) || rows * length > max_tokens) {
            batches.push(start..index);
            start = index;
        }
    }
    if start < sorted_lengths.len() {
        batches.push(start..sorted_lengths.len());
    }
    batches
}

fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&l| (l - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn batches_cover_every_pair_once_within_both_limits(
            mut lengths in proptest::collection::vec(1usize..300, 0..200),
            batch_size in 1usize..40,
            max_tokens in 1usize..5000,
        ) {
            lengths.sort_unstable();
            let batches = plan_batches(&lengths, batch_size, max_tokens);
            let covered: Vec<usize> = batches.iter().flat_map(|r| r.clone()).collect();
            prop_assert_eq!(covered, (0..lengths.len()).collect::<Vec<_>>());
            for range in batches {
                prop_assert!(!range.is_empty());
                prop_assert!(range.len() <= batch_size);
                let padded = range.len() * lengths[range.end - 1];
                prop_assert!(range.len() == 1 || padded <= max_tokens);
            }
        }
    }

    #[test]
    fn long_pairs_get_smaller_batches() {
        let lengths = [10, 10, 10, 10, 200, 200, 200];
        let batches = plan_batches(&lengths, 32, 400);
        assert_eq!(batches, vec![0..4, 4..6, 6..7]);
    }

    #[test]
    fn softmax_is_a_distribution_even_for_large_logits() {
        let p = softmax(&[1000.0, 0.0, -1000.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[0] > 0.99);
    }

    #[test]
    fn prediction_label_is_the_argmax() {
        let mut probs = [0.05f32; 8];
        probs[Label::DH5.index()] = 0.65;
        let prediction = Prediction {
            probs,
            attack: None,
        };
        assert_eq!(prediction.label(), Label::DH5);
        assert!((prediction.confidence() - 0.65).abs() < 1e-6);
    }
}
