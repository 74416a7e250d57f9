//! JSON Lines: either one post per line (grouped into threads by an optional "thread" field,
//! in order of first appearance), or one whole thread `{"posts": [...]}` per line.

use super::{InputError, ParsedThreads, fields};
use crate::thread::RawThread;
use serde_json::Value;
use std::collections::HashMap;

/// Whether a line holds a whole thread `{"posts": ...}` rather than one post.
pub fn is_thread_line(line: &str) -> bool {
    serde_json::from_str::<Value>(line).is_ok_and(|v| v.get("posts").is_some())
}

/// The thread on line `number`; its id defaults to `{default_id}-{number}`.
pub fn thread_line(
    line: &str,
    number: usize,
    source: &str,
    default_id: &str,
) -> Result<RawThread, InputError> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| InputError::from_json(source, number - 1, &e))?;
    fields::thread(&value, &format!("{default_id}-{number}"))
        .map_err(|message| InputError::new(source, message).at_line(number))
}

pub fn parse(text: &str, source: &str, default_id: &str) -> Result<ParsedThreads, InputError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| !line.trim().is_empty())
        .peekable();
    let Some(&(_, first)) = lines.peek() else {
        return Err(InputError::new(
            source,
            "the file is empty: expected JSON Lines of posts or threads",
        ));
    };
    if is_thread_line(first) {
        return Ok(lines
            .map(|(number, line)| thread_line(line, number, source, default_id))
            .collect());
    }

    // Posts: one malformed line leaves its thread incomplete, so it fails the file.
    let mut threads: Vec<RawThread> = Vec::new();
    let mut thread_index: HashMap<String, usize> = HashMap::new();
    for (position, (number, line)) in lines.enumerate() {
        let value: Value = serde_json::from_str(line)
            .map_err(|e| InputError::from_json(source, number - 1, &e))?;
        if value.get("posts").is_some() {
            return Err(InputError::new(
                source,
                "a whole thread among lines of posts: use one kind of line per file",
            )
            .at_line(number));
        }
        let thread_id = match value.get("thread").or_else(|| value.get("thread_id")) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => default_id.to_string(),
        };
        let post = fields::post(&value, position + 1)
            .map_err(|message| InputError::new(source, message).at_line(number))?;
        match thread_index.get(&thread_id) {
            Some(&index) => threads[index].posts.push(post),
            None => {
                thread_index.insert(thread_id.clone(), threads.len());
                threads.push(RawThread {
                    id: thread_id,
                    title: None,
                    posts: vec![post],
                });
            }
        }
    }
    Ok(threads.into_iter().map(Ok).collect())
}
