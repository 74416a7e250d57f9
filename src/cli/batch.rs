//! `graham batch`: score many threads in parallel and write one line per thread.

use super::{ModelArgs, Outcome, scoring_config};
use crate::batch::{self, Scored, ThreadReader};
use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  graham batch threads/ --output scores.jsonl\n  graham batch 'exports/*.jsonl' --csv --output scores.csv --resume\n\
Each input is a thread file of docs/formats.md; a JSON Lines file with one whole thread per line\n\
is streamed, so its size does not matter. A thread that cannot be read or scored is reported\n\
(file, line, reason) and the others go on; the exit code is 1 if any failed. The output appears\n\
only when the run is complete (written as OUTPUT.partial, then renamed); --resume continues an\n\
interrupted run from OUTPUT.partial or adds to an existing OUTPUT, skipping threads already in it."
)]
pub struct BatchArgs {
    /// Thread files, directories (searched for .json, .jsonl, .ndjson) or glob patterns.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,
    /// Where to write the results; standard output when not given.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write a CSV summary (one row per thread) instead of JSON Lines.
    #[arg(long)]
    pub csv: bool,
    /// Include every reply's label and probabilities in the JSON lines.
    #[arg(long)]
    pub replies: bool,
    /// Skip threads already in the output (or in its .partial file from an interrupted run).
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Threads scored together; memory grows with it.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub chunk: u16,
    /// Scoring weights and thresholds (TOML), as for `graham score`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}

const CSV_HEADER: &str = "source,id,posts_labelled,score,verdict,hostile_share,contradiction_share,argued_share,nd_share,mean_level,attacks,escalations,hot_spots";

fn csv_row(scored: &Scored) -> String {
    let s = &scored.summary;
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    format!(
        "{},{},{},{:.2},{},{:.4},{:.4},{:.4},{:.4},{},{},{},{}",
        quote(&scored.source),
        quote(&scored.id),
        s.labelled,
        s.score,
        s.verdict.name(),
        s.hostile_share,
        s.contradiction_share,
        s.argued_share,
        s.nd_share,
        s.mean_level.map_or(String::new(), |m| format!("{m:.3}")),
        s.attacks,
        s.escalations.len(),
        s.hot_spots.len()
    )
}

/// The (source, id) of an output line, JSON or CSV; `None` for a header or a cut-off line.
fn line_key(line: &str, csv: bool) -> Option<(String, String)> {
    if csv {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let record = reader.records().next()?.ok()?;
        (record.len() == CSV_HEADER.split(',').count() && record.get(0)? != "source")
            .then(|| (record[0].to_string(), record[1].to_string()))
    } else {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        Some((
            value.get("source")?.as_str()?.to_string(),
            value.get("id")?.as_str()?.to_string(),
        ))
    }
}

fn partial_path(output: &Path) -> PathBuf {
    let mut name = output
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    output.with_file_name(name)
}

/// Opens OUTPUT.partial; with `resume`, first copies over the complete lines of an earlier
/// OUTPUT.partial or OUTPUT, and returns their keys.
fn open_partial(
    output: &Path,
    resume: bool,
    csv: bool,
) -> anyhow::Result<(std::fs::File, HashSet<(String, String)>)> {
    let partial = partial_path(output);
    let mut kept = Vec::new();
    let mut done = HashSet::new();
    if resume {
        for earlier in [&partial, &output.to_path_buf()] {
            let Ok(file) = std::fs::File::open(earlier) else {
                continue;
            };
            for line in BufReader::new(file).lines().map_while(Result::ok) {
                if let Some(key) = line_key(&line, csv)
                    && done.insert(key)
                {
                    kept.push(line);
                }
            }
        }
    } else if partial.exists() {
        eprintln!(
            "graham: starting over; '{}' from an earlier run is replaced (use --resume to continue it)",
            partial.display()
        );
    }
    let mut file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot write '{}'", partial.display()))?;
    if csv {
        writeln!(file, "{CSV_HEADER}")?;
    }
    for line in kept {
        writeln!(file, "{line}")?;
    }
    Ok((file, done))
}

/// Progress on a terminal as a bar over the input bytes; elsewhere, a log line every 10 s.
struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last_log: Instant,
}

impl Progress {
    fn new(total_bytes: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total_bytes);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {percent:>3}% of input, ETA {eta} | {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            // Redraw between chunks too, so the ETA keeps moving while a chunk is scored.
            bar.enable_steady_tick(Duration::from_secs(1));
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            last_log: Instant::now(),
        }
    }

    fn update(&mut self, bytes: u64, threads: usize, replies: usize, total_bytes: u64) {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let message = format!(
            "{threads} threads ({:.1}/s), {replies} replies ({:.0}/s)",
            threads as f64 / seconds,
            replies as f64 / seconds
        );
        match &self.bar {
            Some(bar) => {
                bar.set_position(bytes);
                bar.set_message(message);
            }
            None if self.last_log.elapsed() >= Duration::from_secs(10) => {
                self.last_log = Instant::now();
                let share = if total_bytes > 0 {
                    100.0 * bytes as f64 / total_bytes as f64
                } else {
                    100.0
                };
                eprintln!("graham: {message}, {share:.0}% of input read");
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

pub fn run(args: &BatchArgs) -> anyhow::Result<Outcome> {
    let files = batch::expand_inputs(&args.inputs).map_err(anyhow::Error::msg)?;
    if files.is_empty() {
        bail!("no thread files found in {}", args.inputs.join(" "));
    }
    let config = scoring_config(args.config.as_deref())?;
    let classifier = args.model.load()?;
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();

    let (mut out, done): (Box<dyn Write>, HashSet<(String, String)>) = match &args.output {
        Some(output) => {
            let (file, done) = open_partial(output, args.resume, args.csv)?;
            (Box::new(std::io::BufWriter::new(file)), done)
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if args.csv {
                writeln!(stdout, "{CSV_HEADER}")?;
            }
            (Box::new(stdout), HashSet::new())
        }
    };

    let mut reader = ThreadReader::new(files);
    let mut progress = Progress::new(total_bytes);
    let (mut scored_count, mut failed, mut skipped, mut replies) = (0usize, 0usize, 0usize, 0usize);
    loop {
        let mut chunk = Vec::with_capacity(usize::from(args.chunk));
        for read in reader.by_ref() {
            let already = read
                .thread
                .as_ref()
                .is_ok_and(|t| done.contains(&(read.source.clone(), t.id.clone())));
            if already {
                skipped += 1;
                continue;
            }
            chunk.push(read);
            if chunk.len() == usize::from(args.chunk) {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        for result in batch::score_chunk(&classifier, chunk, &config, args.replies)? {
            match result {
                Ok(scored) => {
                    scored_count += 1;
                    replies += scored.replies;
                    let line = if args.csv {
                        csv_row(&scored)
                    } else {
                        scored.json
                    };
                    writeln!(out, "{line}")?;
                }
                Err(failure) => {
                    failed += 1;
                    if let Some(bar) = &progress.bar {
                        bar.suspend(|| eprintln!("graham: {failure}"));
                    } else {
                        eprintln!("graham: {failure}");
                    }
                }
            }
        }
        // Whole chunks reach the disk, so an interrupted run can resume after the last one.
        out.flush()?;
        progress.update(reader.bytes_read, scored_count, replies, total_bytes);
    }
    progress.finish();
    out.flush()?;
    drop(out);
    if let Some(output) = &args.output {
        let partial = partial_path(output);
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .ok();
        std::fs::rename(&partial, output).with_context(|| {
            format!(
                "cannot move '{}' to '{}'",
                partial.display(),
                output.display()
            )
        })?;
    }
    let seconds = progress.started.elapsed().as_secs_f64();
    eprintln!(
        "graham: {scored_count} threads scored ({replies} replies) in {seconds:.1}s, {failed} failed{}{}",
        if skipped > 0 {
            format!(", {skipped} already done")
        } else {
            String::new()
        },
        args.output
            .as_ref()
            .map(|o| format!("; results in {}", o.display()))
            .unwrap_or_default()
    );
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::SomeFailed
    })
}
