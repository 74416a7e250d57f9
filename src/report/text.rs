//! The thread as a tree a person reads, each reply with its level and confidence.

use super::ScoredThread;
use crate::labels::Label;
use std::fmt::Write;

/// Deeper replies are drawn at this indentation, with their depth written out.
const MAX_INDENT: usize = 12;
const SNIPPET_CHARS: usize = 72;

pub fn render(scored: &ScoredThread<'_>) -> String {
    let thread = scored.thread;
    let posts = thread.posts();
    let mut out = String::new();
    let title = thread
        .title
        .as_deref()
        .map(|t| format!(" \"{t}\""))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "thread {}{} ({} posts, {} labelled)",
        thread.id,
        title,
        thread.len(),
        scored.summary.labelled
    );
    for warning in &thread.warnings {
        let _ = writeln!(out, "  warning: {warning}");
    }
    for index in thread.tree_order() {
        let post = &posts[index];
        let depth = thread.depth(index);
        let indent = "  ".repeat(depth.min(MAX_INDENT));
        let deep_marker = if depth > MAX_INDENT {
            format!("[depth {depth}] ")
        } else {
            String::new()
        };
        let author = post
            .author
            .as_deref()
            .map(|a| format!(" {a}"))
            .unwrap_or_default();
        let verdict = match (&scored.predictions[index], index) {
            (_, 0) => "root".to_string(),
            (Some(p), _) => {
                let attack = if p.attack.is_some_and(|a| a >= 0.5) {
                    ", personal attack"
                } else {
                    ""
                };
                format!(
                    "{} {} {:.2}{attack}",
                    p.label(),
                    p.label().name(),
                    p.confidence()
                )
            }
            (None, _) => "no text".to_string(),
        };
        let _ = writeln!(
            out,
            "{indent}{deep_marker}{}{author} [{verdict}] {}",
            post.id,
            snippet(&post.text)
        );
    }
    let s = &scored.summary;
    let _ = writeln!(out, "\nsummary: {} replies labelled", s.labelled);
    if s.labelled > 0 {
        let counts: Vec<String> = Label::ALL
            .iter()
            .filter(|l| s.counts.0[l.index()] > 0)
            .map(|l| format!("{l} {}", s.counts.0[l.index()]))
            .collect();
        let _ = writeln!(out, "  levels: {}", counts.join(", "));
        let _ = writeln!(
            out,
            "  hostile {:.0}%, argued {:.0}%, not disagreeing {:.0}%, personal attacks {}",
            s.hostile_share * 100.0,
            s.argued_share * 100.0,
            s.nd_share * 100.0,
            s.attacks
        );
        if let Some(mean) = s.mean_level {
            let _ = writeln!(
                out,
                "  mean level of disagreement: {mean:.2} (0 name-calling .. 6 refuting the central point)"
            );
        }
    }
    out
}

fn snippet(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = flat.chars();
    let head: String = chars.by_ref().take(SNIPPET_CHARS).collect();
    if chars.next().is_some() {
        format!("\"{head}…\"")
    } else {
        format!("\"{head}\"")
    }
}
