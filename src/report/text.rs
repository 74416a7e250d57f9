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
    let _ = writeln!(
        out,
        "\nscore {:.0}/100: {} ({} replies labelled)",
        s.score,
        s.verdict.name(),
        s.labelled
    );
    for reason in &s.reasons {
        let _ = writeln!(out, "  - {reason}");
    }
    if s.labelled > 0 {
        let levels: Vec<String> = Label::ALL
            .iter()
            .filter(|l| s.counts.0[l.index()] > 0)
            .map(|l| format!("{l} {}", s.counts.0[l.index()]))
            .collect();
        let _ = writeln!(out, "  levels: {}", levels.join(", "));
        if let Some(mean) = s.mean_level {
            let _ = writeln!(
                out,
                "  mean level of disagreement: {mean:.1} (0 name-calling .. 6 refuting the central point)"
            );
        }
    }
    if !s.participants.is_empty() {
        let _ = writeln!(out, "participants:");
        for p in &s.participants {
            let level = p.mean_level.map_or("no disagreement".to_string(), |m| {
                format!("mean level {m:.1}")
            });
            let mut notes = Vec::new();
            if p.attacks > 0 {
                notes.push(format!(
                    "{} personal attack{}",
                    p.attacks,
                    if p.attacks == 1 { "" } else { "s" }
                ));
            }
            if p.escalations > 0 {
                notes.push(format!("escalated {}x", p.escalations));
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(", {}", notes.join(", "))
            };
            let _ = writeln!(
                out,
                "  {}: {} repl{}, {level}, hostile {:.0}%, argued {:.0}%{notes}",
                p.author,
                p.replies,
                if p.replies == 1 { "y" } else { "ies" },
                p.hostile_share * 100.0,
                p.argued_share * 100.0
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
