//! `graham score FILE`: one thread file in, the labelled tree and its summary out.

use super::{ModelArgs, Outcome, read_input, scoring_config};
use crate::formats::{self, Format};
use crate::report::{ScoredThread, json::ScoreJson, text};
use crate::thread::Thread;
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "The file holds one thread (or several) in a format of docs/formats.md:\n  \
{\"id\": \"t1\", \"title\": \"...\", \"posts\": [{\"id\": \"p1\", \"parent\": null, \"author\": \"ann\", \"text\": \"...\"}, ...]}\n\
or JSON Lines with one post per line. With --json each thread is printed as one line:\n  \
{\"thread\": {...summary...}, \"replies\": [{\"id\", \"parent\", \"label\", \"probs\": {\"DH0\": ..., \"ND\": ...}}, ...]}"
)]
pub struct ScoreArgs {
    /// Thread file to score; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Input format; by default told from the extension, then the content.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Print JSON (one object per thread, one per line) instead of the text tree.
    #[arg(long)]
    pub json: bool,
    /// Scoring weights and thresholds (TOML); see docs/scoring.example.toml for every key
    /// and its default.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}

pub fn run(args: &ScoreArgs) -> anyhow::Result<Outcome> {
    let bytes = read_input(&args.file)?;
    let source = if args.file.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        args.file.display().to_string()
    };
    let format = match args.format {
        Some(format) => format,
        None => Format::detect(
            (args.file.as_os_str() != "-").then_some(args.file.as_path()),
            &bytes,
        )?,
    };
    let parsed = formats::parse(&bytes, format, &source)?;
    let config = scoring_config(args.config.as_deref())?;
    let classifier = args.model.load()?;

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0usize;
    for raw in parsed {
        let thread = match raw
            .map_err(anyhow::Error::from)
            .and_then(|raw| Ok(Thread::from_raw(raw)?))
        {
            Ok(thread) => thread,
            Err(error) => {
                eprintln!("graham: {source}: {error:#}");
                failed += 1;
                continue;
            }
        };
        let (indices, pairs): (Vec<usize>, Vec<_>) = thread.pairs().unzip();
        let predictions = classifier
            .classify(&pairs)
            .with_context(|| format!("{source}: thread '{}'", thread.id))?;
        let mut by_post = vec![None; thread.len()];
        for (index, prediction) in indices.into_iter().zip(predictions) {
            by_post[index] = Some(prediction);
        }
        let scored = ScoredThread::new(&thread, by_post, &config);
        if args.json {
            serde_json::to_writer(&mut out, &ScoreJson::new(&scored))?;
            writeln!(out)?;
        } else {
            write!(out, "{}", text::render(&scored))?;
        }
    }
    out.flush()?;
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::SomeFailed
    })
}
