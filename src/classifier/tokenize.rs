//! Turning a (parent, reply) pair into one cross-encoder sequence.
//!
//! When the pair is too long the parent is cut first, down to a floor of an eighth of the
//! sequence, so some context stays; only then is the reply cut. The reply is never dropped.

use tokenizers::{Encoding, PostProcessor, Tokenizer, TruncationDirection};

/// Characters kept per token of budget before tokenizing: far more than any token spans, so
/// clipping never changes the result, but a megabyte-long reply costs no more than a short one.
const CHARS_PER_TOKEN_BOUND: usize = 24;

pub struct PairTokenizer {
    tokenizer: Tokenizer,
    max_length: usize,
    special_tokens: usize,
    pad_id: u32,
}

impl PairTokenizer {
    pub fn new(mut tokenizer: Tokenizer, max_length: usize) -> Result<PairTokenizer, String> {
        // We pad per batch and truncate ourselves.
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| e.to_string())?;
        let special_tokens = tokenizer
            .get_post_processor()
            .map_or(0, |p| p.added_tokens(true));
        let pad_id = ["<pad>", "[PAD]"]
            .iter()
            .find_map(|token| tokenizer.token_to_id(token))
            .unwrap_or(0);
        Ok(PairTokenizer {
            tokenizer,
            max_length,
            special_tokens,
            pad_id,
        })
    }

    pub fn pad_id(&self) -> u32 {
        self.pad_id
    }

    pub fn encode(&self, parent: &str, reply: &str) -> Result<Encoding, String> {
        let clip = self.max_length * CHARS_PER_TOKEN_BOUND;
        let encode = |text: &str| {
            self.tokenizer
                .encode_fast(clip_chars(text, clip), false)
                .map_err(|e| e.to_string())
        };
        let mut parent = encode(parent)?;
        let mut reply = encode(reply)?;
        let budget = self.max_length.saturating_sub(self.special_tokens);
        if parent.len() + reply.len() > budget {
            let parent_floor = parent.len().min(self.max_length / 8);
            let reply_keep = reply.len().min(budget - parent_floor);
            parent.truncate(budget - reply_keep, 0, TruncationDirection::Right);
            reply.truncate(reply_keep, 0, TruncationDirection::Right);
        }
        self.tokenizer
            .post_process(parent, Some(reply), true)
            .map_err(|e| e.to_string())
    }
}

fn clip_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((byte, _)) => &text[..byte],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::clip_chars;

    #[test]
    fn clips_on_char_boundaries() {
        assert_eq!(clip_chars("héllo", 2), "hé");
        assert_eq!(clip_chars("hi", 10), "hi");
        assert_eq!(clip_chars("", 3), "");
    }
}
