//! The command line: argument definitions and one module per command. Each command calls the
//! library; none calls another command.

mod batch;
mod classify;
mod eval;
mod score;

use crate::aggregate::ScoringConfig;
use crate::classifier::{Classifier, ClassifierOptions, default_model_dir};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "graham",
    version,
    about = "How well do people disagree? Labels every reply of a discussion on Paul Graham's \
             disagreement hierarchy and sums up the thread.",
    long_about = "How well do people disagree? graham labels every reply of a discussion on Paul \
Graham's hierarchy, from DH0 (name-calling) to DH6 (refuting the central point), or ND when it \
is not a disagreement, using an ONNX text classifier that reads each reply with its parent.\n\n\
Levels: DH0 name-calling, DH1 ad hominem, DH2 responding to tone, DH3 contradiction, \
DH4 counterargument, DH5 refutation, DH6 refuting the central point, ND not a disagreement.",
    after_help = "Examples:\n  graham score datasets/examples/city-cars.json\n  graham score --json thread.jsonl\n  echo '{\"parent\": \"Cats are better than dogs.\", \"reply\": \"No.\"}' | graham classify"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Label every reply of a thread file and print the tree with a summary.
    Score(score::ScoreArgs),
    /// Label (parent, reply) pairs read as JSON Lines; write one JSON line per input, in order.
    Classify(classify::ClassifyArgs),
    /// Measure the model on labelled pairs (JSON Lines, CSV, WikiTactics): accuracy, F1,
    /// confusion, calibration, and how well the score predicts how discussions ended.
    Eval(eval::EvalArgs),
    /// Score many thread files (files, directories, globs) in parallel; one line per thread.
    Batch(batch::BatchArgs),
}

/// Options shared by every command that runs the model.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Model directory (model.onnx, tokenizer.json, graham-model.json). Default: $GRAHAM_MODEL,
    /// else the models/ shipped with graham.
    #[arg(long, value_name = "DIR", global = true)]
    pub model: Option<PathBuf>,
    /// Replies per ONNX call. Larger batches are faster per reply and use more memory.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=4096), global = true)]
    pub batch_size: u16,
    /// Most padded tokens per ONNX call (replies x longest reply in tokens): long replies go in
    /// smaller batches, which bounds memory (peak about 280 MiB at 2048, 460 MiB at 4096).
    #[arg(long, value_name = "N", default_value_t = 2048, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_batch_tokens: u32,
    /// ONNX Runtime threads (0: one per core).
    #[arg(long, value_name = "N", default_value_t = 0, global = true)]
    pub threads: usize,
}

impl ModelArgs {
    pub fn load(&self) -> anyhow::Result<Classifier> {
        let dir = self.model.clone().unwrap_or_else(default_model_dir);
        let options = ClassifierOptions {
            batch_size: usize::from(self.batch_size),
            max_batch_tokens: self.max_batch_tokens as usize,
            threads: self.threads,
        };
        Ok(Classifier::load(&dir, &options)?)
    }
}

/// The scoring weights of `--config FILE`, or the defaults without one.
fn scoring_config(path: Option<&Path>) -> anyhow::Result<ScoringConfig> {
    Ok(match path {
        Some(path) => ScoringConfig::from_file(path)?,
        None => ScoringConfig::default(),
    })
}

/// What a command's run came to: it either finished cleanly or some inputs failed (already
/// reported on stderr), which the binary turns into a non-zero exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    SomeFailed,
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Classify(args) => classify::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Batch(args) => batch::run(&args),
    }
}

/// Reads a whole input: a file, or standard input for `-`.
fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("could not read standard input")?;
        Ok(bytes)
    } else {
        std::fs::read(path).with_context(|| format!("could not read '{}'", path.display()))
    }
}
