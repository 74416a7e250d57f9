//! The reply tree: posts in an arena with parent indices, validated once when built.
//!
//! Every traversal here is iterative, so a 10,000-level reply chain cannot overflow the stack.

mod validate;

pub use validate::ThreadError;

use serde::{Deserialize, Serialize};

/// One post as it comes from an input format, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawPost {
    pub id: String,
    /// The id of the post this one answers; `None` for the root (or an unlinked post).
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    /// `None` when the post was deleted; such a post is kept in the tree but not labelled.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
}

/// A thread as it comes from an input format, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawThread {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    pub posts: Vec<RawPost>,
}

/// A validated post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Post {
    pub id: String,
    pub author: Option<String>,
    /// Empty when the post was deleted or blank.
    pub text: String,
    pub created: Option<String>,
}

impl Post {
    /// Deleted and blank posts carry no text to classify.
    pub fn has_text(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// A validated thread: exactly one root (index 0), every other post has a parent that exists,
/// no cycles.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub title: Option<String>,
    posts: Vec<Post>,
    /// `parents[i]` is the index of post i's parent; `None` only for the root.
    parents: Vec<Option<usize>>,
    depths: Vec<usize>,
    /// Fallbacks applied while validating (e.g. a missing parent), for the user to see.
    pub warnings: Vec<String>,
}

/// A reply with the text of the post it answers: the classifier's unit of work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair<'a> {
    pub parent: &'a str,
    pub reply: &'a str,
}

impl Thread {
    /// Validates a raw thread; see [`validate`] for the rules and fallbacks.
    pub fn from_raw(raw: RawThread) -> Result<Thread, ThreadError> {
        validate::build(raw)
    }

    pub fn posts(&self) -> &[Post] {
        &self.posts
    }

    pub fn len(&self) -> usize {
        self.posts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }

    pub fn root(&self) -> &Post {
        &self.posts[0]
    }

    pub fn parent_of(&self, index: usize) -> Option<usize> {
        self.parents[index]
    }

    /// 0 for the root, 1 for a direct reply, and so on.
    pub fn depth(&self, index: usize) -> usize {
        self.depths[index]
    }

    /// The indices of the replies (every post but the root) in input order.
    pub fn reply_indices(&self) -> impl Iterator<Item = usize> + '_ {
        1..self.posts.len()
    }

    /// For each post, the indices of its direct replies, in input order.
    pub fn children(&self) -> Vec<Vec<usize>> {
        let mut children = vec![Vec::new(); self.posts.len()];
        for (index, parent) in self.parents.iter().enumerate() {
            if let Some(parent) = parent {
                children[*parent].push(index);
            }
        }
        children
    }

    /// Post indices in depth-first order (each post followed by its replies), as a reader
    /// sees the tree.
    pub fn tree_order(&self) -> Vec<usize> {
        let children = self.children();
        let mut order = Vec::with_capacity(self.posts.len());
        let mut stack = vec![0usize];
        while let Some(index) = stack.pop() {
            order.push(index);
            stack.extend(children[index].iter().rev());
        }
        order
    }

    /// Every reply that has text, with its post index, in input order: what the classifier
    /// labels.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, Pair<'_>)> + '_ {
        self.reply_indices()
            .filter_map(|index| self.pair(index).map(|pair| (index, pair)))
    }

    /// The (parent text, reply text) pair for a reply, or `None` for the root and for posts
    /// without text.
    pub fn pair(&self, index: usize) -> Option<Pair<'_>> {
        let parent = self.parents[index]?;
        let reply = &self.posts[index];
        reply.has_text().then(|| Pair {
            parent: &self.posts[parent].text,
            reply: &reply.text,
        })
    }
}

#[cfg(test)]
mod tests;
