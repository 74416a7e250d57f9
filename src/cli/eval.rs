//! `graham eval`: labelled pairs in, how well the model labels them out: accuracy, F1,
//! confusion, coarse bands, calibration, the majority baseline, and, when the data says how
//! each discussion ended, how well the productivity score predicts it.

use super::{ModelArgs, Outcome};
use crate::aggregate::{self, ScoringConfig};
use crate::classifier::Prediction;
use crate::eval::datasets::{self, LabelledPair};
use crate::eval::metrics::{self, Evaluation};
use crate::labels::Label;
use crate::thread::Pair;
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// JSON Lines: {"parent", "reply", "label"}, optional "id", "thread", "split", "attack".
    Jsonl,
    /// CSV with a header naming at least parent, reply and label.
    Csv,
    /// The WikiTactics JSON file, mapped to Graham's numbering.
    Wikitactics,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  graham eval --format wikitactics --split test ../shared/datasets/wikitactics/wikitactics.json\n  graham eval --split test datasets/graham-pairs.jsonl --errors mistakes.jsonl\n\
With --outcome FIELD (or WikiTactics' escalation_label, used by itself), pairs are grouped by their\n\"thread\" field and the ROC-AUC says how well the productivity score ranks discussions that\nwent well (FIELD false or 0) above those that went badly (true or 1)."
)]
pub struct EvalArgs {
    /// Labelled pairs: .jsonl, .csv, or WikiTactics .json.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Input format; by default told from the extension (.json is WikiTactics).
    #[arg(long, value_enum)]
    pub format: Option<DataFormat>,
    /// Only pairs of these splits (e.g. test, or val,test); all pairs when not given.
    #[arg(long, value_delimiter = ',')]
    pub split: Vec<String>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Write the misclassified pairs to this file (JSON Lines) for inspection.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// A field (per line) saying a discussion went badly: true/1 or false/0.
    #[arg(long, value_name = "FIELD")]
    pub outcome: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Serialize)]
struct ThreadOutcomes {
    threads: usize,
    went_badly: usize,
    /// ROC-AUC of the productivity score for "went well".
    score_auc: f64,
    score_auc_95: Option<(f64, f64)>,
}

#[derive(Debug, Serialize)]
struct Report {
    #[serde(flatten)]
    evaluation: Evaluation,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcomes: Option<ThreadOutcomes>,
}

/// The pairs to score and, per thread id, whether that discussion went badly.
type Loaded = (Vec<LabelledPair>, HashMap<String, bool>);

fn load(args: &EvalArgs) -> anyhow::Result<Loaded> {
    let format = match args.format {
        Some(format) => format,
        None => match args
            .file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson") => DataFormat::Jsonl,
            Some("csv") => DataFormat::Csv,
            Some("json") => DataFormat::Wikitactics,
            _ => bail!(
                "cannot tell the format of '{}': name it with --format jsonl|csv|wikitactics",
                args.file.display()
            ),
        },
    };
    let splits: Vec<&str> = args.split.iter().map(String::as_str).collect();
    if format == DataFormat::Wikitactics {
        let disputes = datasets::wikitactics(&args.file, &splits)?;
        let outcomes = disputes
            .iter()
            .map(|d| (d.id.clone(), d.escalated))
            .collect();
        return Ok((
            disputes.into_iter().flat_map(|d| d.pairs).collect(),
            outcomes,
        ));
    }
    let pairs = match format {
        DataFormat::Csv => datasets::labelled_csv(&args.file)?,
        _ => datasets::labelled_jsonl(&args.file)?,
    };
    let pairs = datasets::of_splits(pairs, &splits);
    if pairs.is_empty() {
        bail!(
            "'{}' has no pairs of split {}",
            args.file.display(),
            args.split.join(",")
        );
    }
    let mut outcomes = HashMap::new();
    if let Some(field) = &args.outcome {
        for pair in &pairs {
            let Some(thread) = &pair.thread else {
                bail!(
                    "{}: pair '{}' has no \"thread\" field, needed with --outcome",
                    args.file.display(),
                    pair.id
                );
            };
            let bad = match pair.extra.get(field) {
                Some(serde_json::Value::Bool(b)) => *b,
                Some(serde_json::Value::Number(n)) => n.as_f64() != Some(0.0),
                Some(serde_json::Value::String(s)) => matches!(s.as_str(), "1" | "true" | "yes"),
                _ => bail!(
                    "{}: pair '{}' has no outcome field \"{field}\"",
                    args.file.display(),
                    pair.id
                ),
            };
            outcomes.insert(thread.clone(), bad);
        }
    }
    Ok((pairs, outcomes))
}

pub fn run(args: &EvalArgs) -> anyhow::Result<Outcome> {
    let (pairs, outcomes) = load(args)?;
    let classifier = args.model.load()?;
    let inputs: Vec<Pair<'_>> = pairs
        .iter()
        .map(|p| Pair {
            parent: &p.parent,
            reply: &p.reply,
        })
        .collect();
    let predictions = classifier
        .classify(&inputs)
        .context("classifying the pairs")?;
    let gold: Vec<Label> = pairs.iter().map(|p| p.label).collect();
    let evaluation = metrics::evaluate(&gold, &predictions).context("nothing to evaluate")?;
    let report = Report {
        outcomes: thread_outcomes(&pairs, &predictions, &outcomes),
        evaluation,
    };

    if let Some(path) = &args.errors {
        write_errors(path, &pairs, &predictions)?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render(&report))?;
    }
    Ok(Outcome::Success)
}

/// Scores each discussion from its replies (pairs with a parent) and measures how well the
/// score ranks the ones that went well above the ones that did not.
fn thread_outcomes(
    pairs: &[LabelledPair],
    predictions: &[Prediction],
    outcomes: &HashMap<String, bool>,
) -> Option<ThreadOutcomes> {
    if outcomes.is_empty() {
        return None;
    }
    let mut by_thread: HashMap<&str, Vec<&Prediction>> = HashMap::new();
    for (pair, prediction) in pairs.iter().zip(predictions) {
        if let Some(thread) = pair.thread.as_deref().filter(|_| !pair.parent.is_empty()) {
            by_thread.entry(thread).or_default().push(prediction);
        }
    }
    let config = ScoringConfig::default();
    let mut threads: Vec<(&str, f64, bool)> = by_thread
        .iter()
        .filter_map(|(thread, predictions)| {
            let bad = *outcomes.get(*thread)?;
            Some((
                *thread,
                aggregate::productivity(predictions.iter().copied(), &config),
                bad,
            ))
        })
        .collect();
    threads.sort_by(|a, b| a.0.cmp(b.0));
    let scores: Vec<f64> = threads.iter().map(|t| t.1).collect();
    let went_well: Vec<bool> = threads.iter().map(|t| !t.2).collect();
    Some(ThreadOutcomes {
        threads: threads.len(),
        went_badly: threads.iter().filter(|t| t.2).count(),
        score_auc: metrics::roc_auc(&scores, &went_well)?,
        score_auc_95: metrics::roc_auc_interval(&scores, &went_well, 0.95, 2000, 17),
    })
}

/// Writes the misclassified pairs atomically: a temporary file renamed into place, so an
/// interrupted run never leaves half a file.
fn write_errors(
    path: &Path,
    pairs: &[LabelledPair],
    predictions: &[Prediction],
) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in '{}'", dir.display()))?;
    for (pair, prediction) in pairs.iter().zip(predictions) {
        if prediction.label() == pair.label {
            continue;
        }
        let line = serde_json::json!({
            "id": pair.id, "parent": pair.parent, "reply": pair.reply, "gold": pair.label,
            "predicted": prediction.label(), "confidence": prediction.confidence(), "extra": pair.extra,
        });
        serde_json::to_writer(&mut file, &line)?;
        writeln!(file)?;
    }
    file.persist(path)
        .with_context(|| format!("cannot write '{}'", path.display()))?;
    Ok(())
}

fn render(report: &Report) -> String {
    use std::fmt::Write as _;
    let e = &report.evaluation;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} pairs: accuracy {:.3}, macro-F1 {:.3}, weighted F1 {:.3}, coarse accuracy {:.3}, calibration error {:.3}",
        e.n, e.accuracy, e.macro_f1, e.weighted_f1, e.coarse_accuracy, e.expected_calibration_error
    );
    let _ = writeln!(
        out,
        "majority baseline (always {}): accuracy {:.3}, macro-F1 {:.3}\n",
        e.majority_label, e.majority_accuracy, e.majority_macro_f1
    );
    let _ = writeln!(out, "label  precision  recall     F1  support");
    for (label, s) in &e.per_label {
        let _ = writeln!(
            out,
            "{:5} {:10.3} {:7.3} {:6.3} {:8}",
            label.code(),
            s.precision,
            s.recall,
            s.f1,
            s.support
        );
    }
    let _ = writeln!(out, "\nconfusion (rows: gold, columns: predicted)");
    let _ = writeln!(
        out,
        "     {}",
        Label::ALL
            .iter()
            .map(|l| format!("{:>5}", l.code()))
            .collect::<String>()
    );
    for (gold, row) in &e.confusion {
        let _ = writeln!(
            out,
            "{:5}{}",
            gold.code(),
            row.values().map(|c| format!("{c:5}")).collect::<String>()
        );
    }
    if let Some(o) = &report.outcomes {
        let interval = o
            .score_auc_95
            .map(|(l, h)| format!(" (95% bootstrap {l:.3}-{h:.3})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\nthreads: {} ({} went badly); productivity score ROC-AUC {:.3}{interval}",
            o.threads, o.went_badly, o.score_auc
        );
    }
    out
}
