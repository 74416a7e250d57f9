//! Turning a [`RawThread`] into a [`Thread`]: the rules, their errors and their fallbacks.
//!
//! Errors (the thread is rejected): no posts, an empty id, a duplicate id, a cycle.
//! Fallbacks (the thread is kept, with a warning):
//! - no post has a parent link: a linear discussion, each post answers the one before;
//! - a second post without a parent: treated as a reply to the root;
//! - a parent id that does not exist: treated as a reply to the root;
//! - a post without text (deleted or blank): kept in the tree, not labelled.

use super::{Post, RawThread, Thread};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreadError {
    #[error("thread '{thread}' has no posts: a thread needs at least a root post")]
    NoPosts { thread: String },
    #[error("thread '{thread}' has no root: give the opening post \"parent\": null")]
    NoRoot { thread: String },
    #[error("thread '{thread}': post #{position} has an empty id: give every post a unique id")]
    EmptyId { thread: String, position: usize },
    #[error(
        "thread '{thread}': post id '{id}' is used twice (posts #{first} and #{second}): ids must be unique within a thread"
    )]
    DuplicateId {
        thread: String,
        id: String,
        first: usize,
        second: usize,
    },
    #[error(
        "thread '{thread}': the parent links form a cycle ({cycle}): every chain of parents must end at the root"
    )]
    Cycle { thread: String, cycle: String },
}

pub(super) fn build(raw: RawThread) -> Result<Thread, ThreadError> {
    let thread_id = raw.id;
    if raw.posts.is_empty() {
        return Err(ThreadError::NoPosts { thread: thread_id });
    }
    let mut warnings = Vec::new();

    let mut index_of: HashMap<&str, usize> = HashMap::with_capacity(raw.posts.len());
    for (position, post) in raw.posts.iter().enumerate() {
        if post.id.trim().is_empty() {
            return Err(ThreadError::EmptyId {
                thread: thread_id,
                position: position + 1,
            });
        }
        if let Some(first) = index_of.insert(post.id.as_str(), position) {
            return Err(ThreadError::DuplicateId {
                thread: thread_id.clone(),
                id: post.id.clone(),
                first: first + 1,
                second: position + 1,
            });
        }
    }

    let linear = raw.posts.len() > 1 && raw.posts.iter().all(|post| post.parent.is_none());
    let parent_missing = |post: &super::RawPost| {
        post.parent
            .as_deref()
            .is_some_and(|id| !index_of.contains_key(id))
    };
    // The root is the first post without a parent; failing that, the first post whose parent
    // is outside the file (an extract of a larger thread). If every post names a parent that
    // is present, the links must loop, and the cycle check below reports where.
    let root_position = match raw.posts.iter().position(|post| post.parent.is_none()) {
        Some(position) => position,
        None => match raw.posts.iter().position(parent_missing) {
            Some(position) => {
                warnings.push(format!(
                    "no post is without a parent: '{}', whose parent is not in the thread, is taken as the root",
                    raw.posts[position].id
                ));
                position
            }
            None => {
                let parents: Vec<Option<usize>> = raw
                    .posts
                    .iter()
                    .map(|post| {
                        post.parent
                            .as_deref()
                            .and_then(|id| index_of.get(id).copied())
                    })
                    .collect();
                depths_or_cycle(&thread_id, &raw.posts, &parents)?;
                return Err(ThreadError::NoRoot { thread: thread_id });
            }
        },
    };

    // Parent positions in input order, with fallbacks applied.
    let mut parent_positions: Vec<Option<usize>> = Vec::with_capacity(raw.posts.len());
    for (position, post) in raw.posts.iter().enumerate() {
        let parent = if position == root_position {
            None
        } else if linear {
            Some(position - 1)
        } else {
            match post.parent.as_deref() {
                None => {
                    warnings.push(format!(
                        "post '{}' has no parent but '{}' is already the root: treated as a reply to the root",
                        post.id, raw.posts[root_position].id
                    ));
                    Some(root_position)
                }
                Some(parent_id) => match index_of.get(parent_id) {
                    Some(&parent) => Some(parent),
                    None => {
                        warnings.push(format!(
                            "post '{}' answers '{}', which is not in the thread: treated as a reply to the root",
                            post.id, parent_id
                        ));
                        Some(root_position)
                    }
                },
            }
        };
        parent_positions.push(parent);
    }
    if linear {
        warnings.push(
            "no post names a parent: read as a linear discussion, each post answering the one before"
                .to_string(),
        );
    }

    let depths = depths_or_cycle(&thread_id, &raw.posts, &parent_positions)?;

    // Reorder so the root is index 0; everything else keeps its input order.
    let mut order: Vec<usize> = Vec::with_capacity(raw.posts.len());
    order.push(root_position);
    order.extend((0..raw.posts.len()).filter(|&p| p != root_position));
    let mut new_index = vec![0usize; raw.posts.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }

    let mut raw_posts: Vec<Option<super::RawPost>> = raw.posts.into_iter().map(Some).collect();
    let mut posts = Vec::with_capacity(order.len());
    let mut parents = Vec::with_capacity(order.len());
    let mut new_depths = Vec::with_capacity(order.len());
    for &old in &order {
        let post = raw_posts[old]
            .take()
            .expect("each position is visited once");
        if post
            .text
            .as_deref()
            .is_none_or(|text| text.trim().is_empty())
            && old != root_position
        {
            warnings.push(format!(
                "post '{}' has no text (deleted or blank): kept in the tree, not labelled",
                post.id
            ));
        }
        posts.push(Post {
            id: post.id,
            author: post.author,
            text: post.text.unwrap_or_default(),
            created: post.created,
        });
        parents.push(parent_positions[old].map(|p| new_index[p]));
        new_depths.push(depths[old]);
    }

    Ok(Thread {
        id: thread_id,
        title: raw.title,
        posts,
        parents,
        depths: new_depths,
        warnings,
    })
}

/// Depth of every post, computed iteratively; a chain that loops back on itself is an error
/// naming the posts in the loop.
fn depths_or_cycle(
    thread_id: &str,
    posts: &[super::RawPost],
    parents: &[Option<usize>],
) -> Result<Vec<usize>, ThreadError> {
    const UNKNOWN: usize = usize::MAX;
    let mut depths = vec![UNKNOWN; parents.len()];
    // Marks which walk a post was first seen on, so a revisit within one walk is a cycle.
    let mut seen_on_walk = vec![usize::MAX; parents.len()];
    let mut chain: Vec<usize> = Vec::new();
    for start in 0..parents.len() {
        chain.clear();
        let mut current = start;
        let base_depth = loop {
            if depths[current] != UNKNOWN {
                break depths[current];
            }
            if seen_on_walk[current] == start {
                let loop_start = chain.iter().position(|&p| p == current).unwrap_or(0);
                let mut names: Vec<&str> = chain[loop_start..]
                    .iter()
                    .map(|&p| posts[p].id.as_str())
                    .collect();
                names.push(posts[current].id.as_str());
                return Err(ThreadError::Cycle {
                    thread: thread_id.to_string(),
                    cycle: names.join(" -> "),
                });
            }
            seen_on_walk[current] = start;
            chain.push(current);
            match parents[current] {
                Some(parent) => current = parent,
                None => {
                    depths[current] = 0;
                    chain.pop();
                    break 0;
                }
            }
        };
        // Unwind: the post nearest the known ancestor is one deeper than it.
        for (offset, &post) in chain.iter().rev().enumerate() {
            depths[post] = base_depth + offset + 1;
        }
    }
    Ok(depths)
}
