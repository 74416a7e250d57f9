//! Thread formats in: bytes -> raw threads, with errors that name the file, line and column.
//!
//! Each format lives in its own file and turns bytes into [`RawThread`]s; validation into a
//! [`crate::thread::Thread`] happens afterwards, once, whatever the format.

mod fields;
mod json;
mod jsonl;

use crate::thread::RawThread;
use std::fmt;
use std::path::Path;

/// The formats graham reads. `docs/formats.md` documents each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON document: a thread `{"id", "title", "posts": [...]}` or a list of threads.
    Json,
    /// JSON Lines: one post per line (grouped by an optional "thread" field), or one whole
    /// thread per line.
    Jsonl,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
        }
    }

    /// The format a file's extension names (.json; .jsonl or .ndjson), if any.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// Picks a format from the file extension, or failing that from the first bytes.
    pub fn detect(path: Option<&Path>, bytes: &[u8]) -> Result<Format, InputError> {
        let source = path.map_or("<stdin>".to_string(), |p| p.display().to_string());
        if let Some(format) = path.and_then(Format::from_extension) {
            return Ok(format);
        }
        // No telling extension: a JSON document whose first value spans lines is JSON; a
        // first line that is a complete object is JSON Lines.
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(1 << 20)]);
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            return Ok(Format::Json);
        }
        if trimmed.starts_with('{') {
            let first_line = trimmed.lines().next().unwrap_or("");
            return Ok(
                if serde_json::from_str::<serde_json::Value>(first_line).is_ok()
                    && trimmed.lines().nth(1).is_some()
                {
                    Format::Jsonl
                } else {
                    Format::Json
                },
            );
        }
        Err(InputError::new(
            &source,
            "cannot tell the format: graham reads JSON threads (.json) and JSON Lines (.jsonl); \
             name the format with --format json|jsonl",
        ))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A problem with the input, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub input: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl InputError {
    pub fn new(source: &str, message: impl Into<String>) -> InputError {
        InputError {
            input: source.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at_line(mut self, line: usize) -> InputError {
        self.line = Some(line);
        self
    }

    fn from_json(source: &str, line_offset: usize, error: &serde_json::Error) -> InputError {
        let mut message = error.to_string();
        // serde_json appends " at line L column C"; we print the location ourselves.
        if let Some(cut) = message.rfind(" at line ") {
            message.truncate(cut);
        }
        InputError {
            input: source.to_string(),
            line: Some(line_offset + error.line()),
            column: Some(error.column()),
            message: format!("malformed JSON: {message}"),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.input)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Each thread of an input, or the reason that one thread could not be read; a file-wide
/// problem (not UTF-8, not JSON at all) is the outer error.
pub type ParsedThreads = Vec<Result<RawThread, InputError>>;

/// Reads threads from `bytes`. `source` names the input in errors and is the default thread
/// id (its file stem) when the data has none.
pub fn parse(bytes: &[u8], format: Format, source: &str) -> Result<ParsedThreads, InputError> {
    let text = utf8(bytes, source)?;
    match format {
        Format::Json => json::parse(text, source, default_id(source)),
        Format::Jsonl => jsonl::parse(text, source, default_id(source)),
    }
}

/// Reads line `number` of a JSON Lines file of one thread per line, as [`parse`] reads each
/// line of such a file, for callers that stream the file a line at a time.
pub fn parse_thread_line(
    bytes: &[u8],
    number: usize,
    source: &str,
) -> Result<RawThread, InputError> {
    let line = utf8(bytes, source).map_err(|e| e.at_line(number))?;
    jsonl::thread_line(line, number, source, default_id(source))
}

pub use jsonl::is_thread_line;

/// The thread id when the data gives none: the file stem of `source`.
fn default_id(source: &str) -> &str {
    Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && *s != "<stdin>")
        .unwrap_or("thread")
}

/// Checks the bytes are UTF-8, naming the line and column of the first bad byte.
pub fn utf8<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str, InputError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let good = &bytes[..error.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        InputError {
            input: source.to_string(),
            line: Some(line),
            column: Some(column),
            message: format!(
                "invalid UTF-8 (byte 0x{:02x} at offset {}): graham reads UTF-8 text; convert the file, e.g. `iconv -f latin1 -t utf-8`",
                bytes[error.valid_up_to()],
                error.valid_up_to()
            ),
        }
    })
}

#[cfg(test)]
mod tests;
