//! Reading posts and threads out of JSON objects, shared by the JSON and JSON Lines formats.
//! Field names and the aliases that common exports use are documented in `docs/formats.md`.

use crate::thread::{RawPost, RawThread};
use serde_json::{Map, Value};

const TEXT_FIELDS: [&str; 4] = ["text", "body", "content", "message"];
const PARENT_FIELDS: [&str; 3] = ["parent", "parent_id", "reply_to"];

/// An id given as a string or an integer (many exports use numbers).
fn id_value(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn optional_string(
    object: &Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => id_value(value).map(Some).ok_or_else(|| {
            format!(
                "\"{key}\" of {what} must be a string, found {}",
                kind(value)
            )
        }),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A post object. `position` (1-based) names the post in errors when its id is unusable.
pub fn post(value: &Value, position: usize) -> Result<RawPost, String> {
    let object = value
        .as_object()
        .ok_or_else(|| format!("post #{position} must be an object, found {}", kind(value)))?;
    let id = match object.get("id") {
        Some(value) => id_value(value).ok_or_else(|| {
            format!(
                "post #{position}: \"id\" must be a string or number, found {}",
                kind(value)
            )
        })?,
        None => {
            return Err(format!(
                "post #{position} has no \"id\": every post needs one"
            ));
        }
    };
    let what = format!("post '{id}'");
    let parent_key = PARENT_FIELDS.iter().find(|key| object.contains_key(**key));
    let parent = match parent_key {
        Some(key) => optional_string(object, key, &what)?,
        None => None,
    };
    let text_key = TEXT_FIELDS.iter().find(|key| object.contains_key(**key)).ok_or_else(|| {
        format!("{what} has no \"text\" field (also accepted: \"body\", \"content\", \"message\"); use null for a deleted post")
    })?;
    let text = match &object[*text_key] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => {
            return Err(format!(
                "\"{text_key}\" of {what} must be a string or null, found {}",
                kind(other)
            ));
        }
    };
    Ok(RawPost {
        parent,
        author: optional_string(object, "author", &what)?,
        text,
        created: optional_string(object, "created", &what)?,
        id,
    })
}

/// A thread object `{"id"?, "title"?, "posts": [...]}`.
pub fn thread(value: &Value, default_id: &str) -> Result<RawThread, String> {
    let object = value.as_object().ok_or_else(|| {
        format!(
            "a thread must be an object with \"posts\", found {}",
            kind(value)
        )
    })?;
    let id = optional_string(object, "id", "the thread")?.unwrap_or_else(|| default_id.to_string());
    let posts = match object.get("posts") {
        Some(Value::Array(posts)) => posts,
        Some(other) => {
            return Err(format!(
                "\"posts\" of thread '{id}' must be a list, found {}",
                kind(other)
            ));
        }
        None => return Err(format!("thread '{id}' has no \"posts\" list")),
    };
    let posts = posts
        .iter()
        .enumerate()
        .map(|(i, p)| post(p, i + 1).map_err(|e| format!("thread '{id}': {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RawThread {
        title: optional_string(object, "title", "the thread")?,
        id,
        posts,
    })
}
