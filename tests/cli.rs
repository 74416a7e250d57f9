//! The `graham` binary end to end, on real inference with the shipped model.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const LABELS: [&str; 8] = ["DH0", "DH1", "DH2", "DH3", "DH4", "DH5", "DH6", "ND"];

fn graham(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_graham"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("graham runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        input.write_all(bytes).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("graham finishes")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("graham-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn assert_distribution(probs: &Value) {
    let object = probs.as_object().expect("probs is an object");
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(keys, LABELS, "probs lists every label in order");
    let sum: f64 = object.values().map(|p| p.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-3, "probabilities sum to {sum}");
}

#[test]
fn score_json_has_the_documented_shape() {
    let output = graham(
        &["score", "--json", "datasets/examples/city-cars.json"],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["thread"]["id"], "city-cars");
    let replies = report["replies"].as_array().unwrap();
    let ids: Vec<&str> = replies.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"],
        "every post but the root, in input order"
    );
    assert_eq!(replies[0]["parent"], "p1");
    for reply in replies {
        assert!(LABELS.contains(&reply["label"].as_str().unwrap()));
        assert_distribution(&reply["probs"]);
        let attack = reply["attack"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&attack));
    }
}

#[test]
fn score_text_shows_the_tree_and_summary() {
    let output = graham(&["score", "datasets/examples/zondagsopening.jsonl"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("z1 anouk [root]"), "{text}");
    assert!(
        text.contains("(5 replies labelled)") && text.contains("score "),
        "{text}"
    );
    // z4 answers z3, so it is drawn one level deeper than z3.
    let indent = |id: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(id))
            .map(|l| l.len() - l.trim_start().len())
            .unwrap()
    };
    assert_eq!(indent("z4"), indent("z3") + 2);
}

#[test]
fn classify_answers_every_line_in_order() {
    let input = br#"{"id": "a", "parent": "Cities should ban cars from the centre.", "reply": "Shut up, you smug idiot."}
{"id": 2, "parent": null, "reply": "A root post."}
{"id": "b", "parent": "Cities should ban cars from the centre.", "reply": "Agreed, and they should add bike parking too."}
this is not json
{"id": "c", "parent": "x", "reply": "   "}
{"id": "d", "parent": "Shops open on Sunday bring 5% more sales.", "reply": "That 5% comes from the shop owners' own survey; the national statistics office found no rise in the pilot towns."}
"#;
    let output = graham(&["classify"], Some(input));
    assert_eq!(
        output.status.code(),
        Some(1),
        "bad lines make the exit code 1: {}",
        stderr(&output)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    let ids: Vec<&Value> = lines.iter().map(|l| &l["id"]).collect();
    assert_eq!(
        ids,
        [
            &Value::from("a"),
            &Value::from(2),
            &Value::from("b"),
            &Value::Null,
            &Value::from("c"),
            &Value::from("d")
        ]
    );
    assert_distribution(&lines[0]["probs"]);
    assert!(
        lines[1]["label"].is_null(),
        "a root post is not a disagreement"
    );
    assert!(
        lines[3]["error"]
            .as_str()
            .unwrap()
            .starts_with("line 4: malformed JSON")
    );
    assert!(lines[4]["error"].as_str().unwrap().contains("empty"));
    assert!(lines[5]["label"].is_string());
    assert!(stderr(&output).contains("2 input line(s)"));
}

#[test]
fn classify_reads_a_file_and_keeps_a_huge_reply() {
    let huge = "This is a very long reply that goes on and on. ".repeat(20_000);
    let line =
        serde_json::json!({"id": "huge", "parent": "Short parent.", "reply": huge}).to_string();
    let path = temp_file("huge.jsonl", format!("{line}\n").as_bytes());
    let output = graham(&["classify", path.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["id"], "huge");
    assert_distribution(&answer["probs"]);
}

#[test]
fn bad_thread_files_get_located_errors_not_panics() {
    let cases: [(&str, &[u8], &str); 5] = [
        ("malformed.json", b"{\"posts\": [\n {\"id\": \"a\" \"text\": \"x\"}]}", "malformed.json:2:"),
        ("latin1.json", b"{\"posts\": [{\"id\": \"a\", \"text\": \"caf\xe9\"}]}", "invalid UTF-8"),
        ("cycle.json", br#"{"posts": [{"id": "r", "text": "root"}, {"id": "a", "parent": "b", "text": "x"}, {"id": "b", "parent": "a", "text": "y"}]}"#, "cycle"),
        ("dupes.json", br#"{"posts": [{"id": "r", "text": "root"}, {"id": "r", "parent": "r", "text": "x"}]}"#, "used twice"),
        ("notes.txt", b"just some words", "cannot tell the format"),
    ];
    for (name, bytes, expected) in cases {
        let path = temp_file(name, bytes);
        let output = graham(&["score", path.to_str().unwrap()], None);
        assert!(!output.status.success(), "{name} must fail");
        let message = stderr(&output);
        assert!(message.contains(expected), "{name}: {message}");
        assert!(!message.contains("panicked"), "{name}: {message}");
    }
}

#[test]
fn a_bad_thread_does_not_stop_the_others() {
    let text = concat!(
        r#"{"id": "good", "posts": [{"id": "1", "text": "Tea is better than coffee."}, {"id": "2", "parent": "1", "text": "No it is not."}]}"#,
        "\n",
        r#"{"id": "looped", "posts": [{"id": "1", "parent": "2", "text": "a"}, {"id": "2", "parent": "1", "text": "b"}]}"#,
        "\n",
        r#"{"id": "also-good", "posts": [{"id": "1", "text": "Tea is better."}, {"id": "2", "parent": "1", "text": "Agreed!"}]}"#,
        "\n"
    );
    let path = temp_file("threads.jsonl", text.as_bytes());
    let output = graham(&["score", "--json", path.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(1));
    let ids: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["thread"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["good", "also-good"]);
    assert!(stderr(&output).contains("'looped'"));
}

#[test]
fn ten_thousand_levels_deep_thread_is_scored() {
    let mut posts = vec![
        serde_json::json!({"id": "p0", "parent": null, "text": "Tabs are better than spaces."}),
    ];
    for i in 1..10_000 {
        // Only the last few replies carry text, to keep inference short; the rest are deleted.
        let text = if i >= 9_997 {
            Value::from("No, spaces are better.")
        } else {
            Value::Null
        };
        posts.push(serde_json::json!({"id": format!("p{i}"), "parent": format!("p{}", i - 1), "text": text}));
    }
    let path = temp_file(
        "deep.json",
        serde_json::json!({"id": "deep", "posts": posts})
            .to_string()
            .as_bytes(),
    );
    let output = graham(&["score", "--json", path.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let replies = report["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 9_999);
    assert_eq!(replies[9_998]["depth"], 9_999);
    assert!(
        replies[0]["label"].is_null(),
        "deleted posts are not labelled"
    );
    assert!(replies[9_998]["label"].is_string());
}

#[test]
fn missing_model_and_runtime_are_explained() {
    let output = graham(
        &[
            "score",
            "--model",
            "/nonexistent/model",
            "datasets/examples/city-cars.json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("has no model.onnx"),
        "{}",
        stderr(&output)
    );

    let output = Command::new(env!("CARGO_BIN_EXE_graham"))
        .args(["score", "datasets/examples/city-cars.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("ORT_DYLIB_PATH") && message.contains("pip download"),
        "{message}"
    );
    assert!(!message.contains("panicked"));
}

#[test]
fn help_teaches_the_levels_and_examples() {
    let output = graham(&["--help"], None);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("DH6 refuting the central point") && text.contains("graham score"),
        "{text}"
    );
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/formats.md")
            .is_file()
    );
}

#[test]
fn eval_reports_metrics_errors_and_thread_outcomes() {
    let pairs = concat!(
        r#"{"id": "a", "parent": "Cats are better than dogs.", "reply": "No.", "label": "DH3", "thread": "t1", "bad": 1, "source": "kept"}"#,
        "\n",
        r#"{"id": "b", "parent": "Cats are better than dogs.", "reply": "Agreed, and they are quieter too.", "label": "ND", "thread": "t2", "bad": 0}"#,
        "\n",
        r#"{"id": "c", "parent": "Cats are better than dogs.", "reply": "Shut up, you clown.", "label": "DH0", "thread": "t1", "bad": 1}"#,
        "\n",
        r#"{"id": "d", "parent": "Tea is the best drink.", "reply": "Thanks, I will try green tea.", "label": "ND", "thread": "t3", "bad": 0}"#,
        "\n"
    );
    let path = temp_file("labelled.jsonl", pairs.as_bytes());
    let errors = path.with_file_name("mistakes.jsonl");
    let output = graham(
        &[
            "eval",
            "--json",
            "--outcome",
            "bad",
            "--errors",
            errors.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["n"], 4);
    let accuracy = report["accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy));
    assert_eq!(report["majority_label"], "ND");
    assert_eq!(report["outcomes"]["threads"], 3);
    assert_eq!(report["outcomes"]["went_badly"], 1);
    let per_label_support: u64 = LABELS
        .iter()
        .map(|l| report["per_label"][l]["support"].as_u64().unwrap())
        .sum();
    assert_eq!(per_label_support, 4);
    // One line per misclassified pair, extra fields kept.
    let mistakes = std::fs::read_to_string(&errors).unwrap();
    let wrong = ((1.0 - accuracy) * 4.0).round() as usize;
    assert_eq!(mistakes.lines().count(), wrong);

    let csv = temp_file("labelled.csv", b"id,parent,reply,label\n1,\"Cats are better, honestly.\",No.,DH3\n2,Cats rule,Source?,ND\n");
    let output = graham(&["eval", "--json", csv.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        serde_json::from_slice::<Value>(&output.stdout).unwrap()["n"],
        2
    );
}

#[test]
fn eval_names_the_line_of_bad_labelled_data() {
    let cases: [(&str, &[u8], &str); 3] = [
        ("unknown.jsonl", b"{\"parent\": \"x\", \"reply\": \"y\", \"label\": \"DH3\"}\n{\"parent\": \"x\", \"reply\": \"y\", \"label\": \"DH9\"}\n", "unknown.jsonl:2: unknown label 'DH9'"),
        ("missing.jsonl", b"{\"parent\": \"x\", \"label\": \"DH3\"}\n", "missing.jsonl:1: no \"reply\" field"),
        ("nothing.csv", b"parent,reply,label\n", "no labelled pairs"),
    ];
    for (name, bytes, expected) in cases {
        let path = temp_file(name, bytes);
        let output = graham(&["eval", path.to_str().unwrap()], None);
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(
            stderr(&output).contains(expected),
            "{name}: {}",
            stderr(&output)
        );
    }
}

fn batch_inputs(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("graham-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("in/sub")).unwrap();
    for example in ["city-cars.json", "zondagsopening.jsonl"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("datasets/examples")
                .join(example),
            dir.join("in").join(example),
        )
        .unwrap();
    }
    let mut lines = String::new();
    for t in 0..5 {
        let thread = serde_json::json!({"id": format!("t{t}"), "posts": [
            {"id": "r", "parent": null, "text": format!("Topic {t}: the city should ban cars.")},
            {"id": "a", "parent": "r", "text": "Deliveries and carers still need access."},
            {"id": "b", "parent": "a", "text": "Agreed, that is the hard part."}]});
        lines.push_str(&format!("{thread}\n"));
        if t == 2 {
            lines.push_str("{\"id\": \"broken\", \"posts\": [oops]}\n");
        }
    }
    std::fs::write(dir.join("in/sub/many.jsonl"), lines).unwrap();
    // A corrupt file between the good ones.
    std::fs::write(dir.join("in/corrupt.json"), b"{\"posts\": [\xff\xfe]}").unwrap();
    dir
}

fn output_keys(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["source"].as_str().unwrap().to_string(),
                v["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn batch_scores_a_directory_and_reports_the_bad_inputs() {
    let dir = batch_inputs("dir");
    let output = dir.join("scores.jsonl");
    let run = graham(
        &[
            "batch",
            dir.join("in").to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--chunk",
            "2",
            "--replies",
        ],
        None,
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "failures make the exit code 1: {}",
        stderr(&run)
    );
    let message = stderr(&run);
    assert!(
        message.contains("corrupt.json:1: invalid UTF-8"),
        "{message}"
    );
    assert!(
        message.contains("many.jsonl:4: malformed JSON"),
        "{message}"
    );
    assert!(
        message.contains("7 threads scored") && message.contains("2 failed"),
        "{message}"
    );
    let keys = output_keys(&output);
    assert_eq!(keys.len(), 7);
    let first: Value = serde_json::from_str(
        std::fs::read_to_string(&output)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let score = first["score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&score));
    assert!(
        first["replies"].as_array().is_some_and(|r| !r.is_empty()),
        "--replies adds the labels"
    );
    assert!(
        !output.with_file_name("scores.jsonl.partial").exists(),
        "the partial file is renamed into place"
    );
}

#[test]
fn batch_resumes_an_interrupted_run_without_duplicates() {
    let dir = batch_inputs("resume");
    let output = dir.join("scores.jsonl");
    let pattern = format!("{}/in/sub/*.jsonl", dir.display());
    let full = graham(
        &["batch", &pattern, "--output", output.to_str().unwrap()],
        None,
    );
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    let all = output_keys(&output);
    assert_eq!(all.len(), 5);
    // An interrupted run: two whole lines and half of a third in the partial file, no output.
    let text = std::fs::read_to_string(&output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let partial = format!(
        "{}\n{}\n{}",
        lines[0],
        lines[1],
        &lines[2][..lines[2].len() / 2]
    );
    std::fs::write(output.with_file_name("scores.jsonl.partial"), partial).unwrap();
    std::fs::remove_file(&output).unwrap();
    let resumed = graham(
        &[
            "batch",
            &pattern,
            "--output",
            output.to_str().unwrap(),
            "--resume",
        ],
        None,
    );
    assert!(
        stderr(&resumed).contains("3 threads scored")
            && stderr(&resumed).contains("2 already done"),
        "{}",
        stderr(&resumed)
    );
    let mut keys = output_keys(&output);
    keys.sort();
    let mut expected = all;
    expected.sort();
    assert_eq!(keys, expected, "every thread exactly once");
}

#[test]
fn batch_writes_a_csv_summary_and_rejects_missing_inputs() {
    let dir = batch_inputs("csv");
    let run = graham(
        &[
            "batch",
            "--csv",
            dir.join("in/city-cars.json").to_str().unwrap(),
        ],
        None,
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let text = String::from_utf8(run.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[0].starts_with("source,id,posts_labelled,score,verdict"));
    assert_eq!(rows.len(), 2);
    assert!(rows[1].contains("\"city-cars\""));
    let missing = graham(&["batch", "no/such/dir"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("not a file, a directory or a pattern"));
}
