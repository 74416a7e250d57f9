//! The native format: one thread object, or a list of them.

use super::{InputError, ParsedThreads, fields};
use serde_json::Value;

pub fn parse(text: &str, source: &str, default_id: &str) -> Result<ParsedThreads, InputError> {
    if text.trim().is_empty() {
        return Err(InputError::new(
            source,
            "the file is empty: expected a JSON thread",
        ));
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| InputError::from_json(source, 0, &e))?;
    Ok(match value {
        Value::Array(threads) => threads
            .iter()
            .enumerate()
            .map(|(i, thread)| {
                fields::thread(thread, &format!("{default_id}-{}", i + 1)).map_err(|message| {
                    InputError::new(source, format!("thread #{}: {message}", i + 1))
                })
            })
            .collect(),
        single => vec![
            fields::thread(&single, default_id).map_err(|message| InputError::new(source, message)),
        ],
    })
}
