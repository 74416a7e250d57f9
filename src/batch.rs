//! Scoring many threads: inputs expanded from files, directories and globs, read as a stream
//! of threads in bounded memory, scored a chunk at a time (parsing, validation and summaries in
//! parallel, one classifier call per chunk so ONNX batches stay full), each result one line.

use crate::Classifier;
use crate::aggregate::{self, ScoringConfig};
use crate::classifier::{ClassifyError, Prediction};
use crate::formats::{self, Format, InputError};
use crate::report::ScoredThread;
use crate::report::json::{ReplyJson, ThreadJson};
use crate::thread::{Pair, RawThread, Thread};
use rayon::prelude::*;
use serde::Serialize;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Files named by the arguments: files as given, directories searched recursively for thread
/// files (.json, .jsonl, .ndjson), and glob patterns expanded; sorted within each argument.
pub fn expand_inputs(arguments: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for argument in arguments {
        let path = PathBuf::from(argument);
        if path.is_file() {
            files.push(path);
        } else if path.is_dir() {
            let mut found = Vec::new();
            let mut stack = vec![path];
            while let Some(dir) = stack.pop() {
                let entries = std::fs::read_dir(&dir)
                    .map_err(|e| format!("cannot read directory '{}': {e}", dir.display()))?;
                for entry in entries.filter_map(Result::ok) {
                    let entry_path = entry.path();
                    if entry_path.is_dir() {
                        stack.push(entry_path);
                    } else if Format::from_extension(&entry_path).is_some() {
                        found.push(entry_path);
                    }
                }
            }
            found.sort();
            files.extend(found);
        } else if argument.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(argument)
                .map_err(|e| format!("bad pattern '{argument}': {e}"))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            if matched.is_empty() {
                return Err(format!("no file matches '{argument}'"));
            }
            matched.sort();
            files.extend(matched);
        } else {
            return Err(format!(
                "'{argument}' is not a file, a directory or a pattern"
            ));
        }
    }
    Ok(files)
}

/// One thread read from the inputs, or why it could not be read; `line` is set for threads
/// that came one per line.
pub struct ReadThread {
    pub source: String,
    pub line: Option<usize>,
    pub thread: Result<RawThread, InputError>,
}

/// Reads threads from files one after another. A JSON Lines file of one thread per line is
/// streamed line by line; any other file is read whole (it holds one thread, or a few).
pub struct ThreadReader {
    files: std::vec::IntoIter<PathBuf>,
    current: Option<(String, BufReader<File>, usize)>,
    pending: std::collections::VecDeque<ReadThread>,
    /// Bytes of input consumed so far, for progress.
    pub bytes_read: u64,
}

impl ThreadReader {
    pub fn new(files: Vec<PathBuf>) -> ThreadReader {
        ThreadReader {
            files: files.into_iter(),
            current: None,
            pending: Default::default(),
            bytes_read: 0,
        }
    }

    fn open(&mut self, path: &Path) {
        let source = path.display().to_string();
        let failed = |source: &str, message: String| ReadThread {
            source: source.to_string(),
            line: None,
            thread: Err(InputError::new(source, message)),
        };
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(e) => {
                return self
                    .pending
                    .push_back(failed(&source, format!("cannot open: {e}")));
            }
        };
        if Format::from_extension(path) == Some(Format::Jsonl) && first_line_is_thread(path) {
            self.current = Some((source, BufReader::new(file), 0));
            return;
        }
        let mut bytes = Vec::new();
        if let Err(e) = file.read_to_end(&mut bytes) {
            return self
                .pending
                .push_back(failed(&source, format!("cannot read: {e}")));
        }
        self.bytes_read += bytes.len() as u64;
        let parsed = Format::detect(Some(path), &bytes)
            .and_then(|format| formats::parse(&bytes, format, &source));
        match parsed {
            Ok(threads) => self
                .pending
                .extend(threads.into_iter().map(|thread| ReadThread {
                    source: source.clone(),
                    line: None,
                    thread,
                })),
            Err(error) => self.pending.push_back(ReadThread {
                source: source.clone(),
                line: error.line,
                thread: Err(error),
            }),
        }
    }
}

/// Whether a JSON Lines file holds whole threads (`{"posts": ...}`) rather than posts.
fn first_line_is_thread(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .find(|line| !line.trim().is_empty())
        .is_some_and(|line| formats::is_thread_line(&line))
}

impl Iterator for ThreadReader {
    type Item = ReadThread;

    fn next(&mut self) -> Option<ReadThread> {
        loop {
            if let Some(read) = self.pending.pop_front() {
                return Some(read);
            }
            if let Some((source, reader, line)) = &mut self.current {
                let mut bytes = Vec::new();
                match reader.read_until(b'\n', &mut bytes) {
                    Ok(0) => self.current = None,
                    Ok(n) => {
                        self.bytes_read += n as u64;
                        *line += 1;
                        if bytes.iter().all(u8::is_ascii_whitespace) {
                            continue;
                        }
                        let thread = formats::parse_thread_line(&bytes, *line, source);
                        return Some(ReadThread {
                            source: source.clone(),
                            line: Some(*line),
                            thread,
                        });
                    }
                    Err(e) => {
                        let failed = ReadThread {
                            source: source.clone(),
                            line: Some(*line + 1),
                            thread: Err(InputError::new(source, format!("cannot read: {e}"))),
                        };
                        self.current = None;
                        return Some(failed);
                    }
                }
                continue;
            }
            let path = self.files.next()?;
            self.open(&path);
        }
    }
}

/// A thread that could not be scored, and where it came from.
#[derive(Debug)]
pub struct Failure {
    pub source: String,
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.source, self.reason),
            None => write!(f, "{}: {}", self.source, self.reason),
        }
    }
}

/// A scored thread, ready to write.
pub struct Scored {
    pub source: String,
    pub id: String,
    pub replies: usize,
    /// The thread as one JSON line (with per-reply labels when asked for).
    pub json: String,
    pub summary: aggregate::Summary,
}

#[derive(Serialize)]
struct BatchLine<'a> {
    source: &'a str,
    #[serde(flatten)]
    thread: ThreadJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replies: Option<Vec<ReplyJson<'a>>>,
}

/// Scores a chunk of read threads: validation and summaries in parallel, all replies of the
/// chunk in one classifier call. Results keep the chunk's order.
pub fn score_chunk(
    classifier: &Classifier,
    chunk: Vec<ReadThread>,
    config: &ScoringConfig,
    with_replies: bool,
) -> Result<Vec<Result<Scored, Failure>>, ClassifyError> {
    let validated: Vec<Result<(String, Thread), Failure>> = chunk
        .into_par_iter()
        .map(|read| {
            let failure = |reason: String| Failure {
                source: read.source.clone(),
                line: read.line,
                reason,
            };
            match read.thread {
                Err(error) => Err(Failure {
                    source: read.source.clone(),
                    line: error.line.or(read.line),
                    reason: error.message,
                }),
                Ok(raw) => Thread::from_raw(raw)
                    .map(|t| (read.source.clone(), t))
                    .map_err(|e| failure(e.to_string())),
            }
        })
        .collect();
    let mut pairs: Vec<Pair<'_>> = Vec::new();
    let mut owners: Vec<(usize, usize)> = Vec::new();
    for (position, item) in validated.iter().enumerate() {
        if let Ok((_, thread)) = item {
            for (index, pair) in thread.pairs() {
                pairs.push(pair);
                owners.push((position, index));
            }
        }
    }
    let mut predictions: Vec<Vec<Option<Prediction>>> = validated
        .iter()
        .map(|item| {
            item.as_ref()
                .map_or_else(|_| Vec::new(), |(_, t)| vec![None; t.len()])
        })
        .collect();
    for ((position, index), prediction) in owners.into_iter().zip(classifier.classify(&pairs)?) {
        predictions[position][index] = Some(prediction);
    }
    Ok(validated
        .into_par_iter()
        .zip(predictions)
        .map(|(item, predictions)| {
            let (source, thread) = item?;
            let replies = predictions.iter().flatten().count();
            let scored = ScoredThread::new(&thread, predictions, config);
            let json_view = crate::report::json::ScoreJson::new(&scored);
            let line = BatchLine {
                source: &source,
                thread: json_view.thread,
                replies: with_replies.then_some(json_view.replies),
            };
            let json = serde_json::to_string(&line).map_err(|e| Failure {
                source: source.clone(),
                line: None,
                reason: e.to_string(),
            })?;
            Ok(Scored {
                id: thread.id.clone(),
                source,
                replies,
                json,
                summary: scored.summary,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streaming a file of one thread per line must read it exactly as the whole-file parser
    /// does: the same default ids (`{stem}-{line}`, which `--resume` keys on), the same errors.
    #[test]
    fn streamed_threads_match_the_whole_file_parse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("talks.jsonl");
        let text = "{\"posts\": [{\"id\": \"r\", \"text\": \"Cats.\"}]}\n\n\
                    {\"posts\": [oops]}\n\
                    {\"id\": \"named\", \"posts\": [{\"id\": \"r\", \"text\": \"Dogs.\"}]}\n\
                    {\"posts\": [{\"id\": \"r\", \"text\": \"Birds.\"}]}\n";
        std::fs::write(&path, text).unwrap();
        let source = path.display().to_string();
        let whole = formats::parse(text.as_bytes(), Format::Jsonl, &source).unwrap();
        let streamed: Vec<Result<RawThread, InputError>> = ThreadReader::new(vec![path])
            .map(|read| read.thread)
            .collect();
        assert_eq!(streamed, whole);
        let ids: Vec<&str> = streamed
            .iter()
            .filter_map(|t| t.as_ref().ok())
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(ids, ["talks-1", "named", "talks-5"]);
    }
}
