//! `graham classify`: JSON Lines of `{"id"?, "parent", "reply"}` in, one JSON line out per input
//! line, in order. A bad line gets an output line with "error" and the rest go on.

use super::{ModelArgs, Outcome};
use crate::classifier::Classifier;
use crate::report::json::LabelOutput;
use crate::thread::Pair;
use anyhow::Context;
use clap::Args;
use serde::Serialize;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

/// Lines gathered into one classifier call when input arrives faster than it is answered.
const CHUNK_LINES: usize = 256;

#[derive(Debug, Args)]
#[command(
    after_help = "Input, one JSON object per line:\n  {\"id\": \"r1\", \"parent\": \"Cities should ban cars.\", \"reply\": \"No, deliveries need access.\"}\n\
\"parent\": null marks a root post, which is not a disagreement with anything: its label is null.\n\
Output, one line per input line, in order:\n  {\"id\": \"r1\", \"label\": \"DH4\", \"probs\": {\"DH0\": 0.01, ..., \"ND\": 0.02}, \"attack\": 0.03}\n\
A line that cannot be read gets {\"id\": ..., \"label\": null, \"error\": \"line 3: ...\"}, and the exit code is 1."
)]
pub struct ClassifyArgs {
    /// JSON Lines file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE", default_value = "-")]
    pub file: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Serialize)]
struct OutputLine {
    id: Value,
    #[serde(flatten)]
    output: LabelOutput,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// One input line, read: a pair to classify, a root, or a reason it cannot be used.
enum Item {
    Pair {
        id: Value,
        parent: String,
        reply: String,
    },
    Root {
        id: Value,
    },
    Bad {
        id: Value,
        error: String,
    },
}

fn read_item(line_number: usize, line: &str) -> Item {
    let bad = |id: Value, message: String| Item::Bad {
        id,
        error: format!("line {line_number}: {message}"),
    };
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => return bad(Value::Null, format!("malformed JSON: {e}")),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let Some(object) = value.as_object() else {
        return bad(
            id,
            "expected an object {\"parent\": ..., \"reply\": ...}".to_string(),
        );
    };
    let reply = match object.get("reply") {
        Some(Value::String(reply)) if !reply.trim().is_empty() => reply.clone(),
        Some(Value::String(_)) => {
            return bad(
                id,
                "\"reply\" is empty: there is nothing to classify".to_string(),
            );
        }
        Some(_) => return bad(id, "\"reply\" must be a string".to_string()),
        None => return bad(id, "no \"reply\" field".to_string()),
    };
    match object.get("parent") {
        Some(Value::String(parent)) => Item::Pair {
            id,
            parent: parent.clone(),
            reply,
        },
        Some(Value::Null) => Item::Root { id },
        Some(_) => bad(
            id,
            "\"parent\" must be a string, or null for a root post".to_string(),
        ),
        None => bad(
            id,
            "no \"parent\" field: give the parent's text, or null for a root post".to_string(),
        ),
    }
}

pub fn run(args: &ClassifyArgs) -> anyhow::Result<Outcome> {
    let classifier = args.model.load()?;
    let input: Box<dyn std::io::Read> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(&args.file)
                .with_context(|| format!("could not open '{}'", args.file.display()))?,
        )
    };
    let mut reader = BufReader::new(input);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0usize;
    let mut chunk: Vec<Item> = Vec::new();
    let mut line_number = 0usize;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .context("could not read the input")?;
        if read > 0 {
            line_number += 1;
            match std::str::from_utf8(&line) {
                Ok(text) if text.trim().is_empty() => {}
                Ok(text) => chunk.push(read_item(line_number, text)),
                Err(_) => chunk.push(Item::Bad {
                    id: Value::Null,
                    error: format!("line {line_number}: invalid UTF-8: graham reads UTF-8 text"),
                }),
            }
        }
        // Answer as soon as no more input is waiting, so a pipe gets its lines promptly.
        let end = read == 0;
        if !chunk.is_empty() && (end || chunk.len() >= CHUNK_LINES || reader.buffer().is_empty()) {
            failed += write_chunk(&classifier, &chunk, &mut out)?;
            out.flush()?;
            chunk.clear();
        }
        if end {
            break;
        }
    }
    if failed > 0 {
        eprintln!(
            "graham: {failed} input line(s) could not be classified; see their \"error\" fields"
        );
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::SomeFailed
    })
}

fn write_chunk(
    classifier: &Classifier,
    chunk: &[Item],
    out: &mut impl Write,
) -> anyhow::Result<usize> {
    let pairs: Vec<Pair<'_>> = chunk
        .iter()
        .filter_map(|item| match item {
            Item::Pair { parent, reply, .. } => Some(Pair { parent, reply }),
            _ => None,
        })
        .collect();
    let mut predictions = classifier.classify(&pairs)?.into_iter();
    let mut failed = 0;
    for item in chunk {
        let line = match item {
            Item::Pair { id, .. } => OutputLine {
                id: id.clone(),
                output: predictions
                    .next()
                    .as_ref()
                    .map_or_else(LabelOutput::none, LabelOutput::from),
                error: None,
            },
            Item::Root { id } => OutputLine {
                id: id.clone(),
                output: LabelOutput::none(),
                error: None,
            },
            Item::Bad { id, error } => {
                eprintln!("graham: {error}");
                failed += 1;
                OutputLine {
                    id: id.clone(),
                    output: LabelOutput::none(),
                    error: Some(error.clone()),
                }
            }
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    Ok(failed)
}
