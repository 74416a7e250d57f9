use super::*;

fn parse_ok(text: &str, format: Format) -> Vec<RawThread> {
    parse(text.as_bytes(), format, "in.json")
        .unwrap()
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

#[test]
fn native_json_thread_with_numeric_ids_and_aliases() {
    let threads = parse_ok(
        r#"{"id": 7, "title": "T", "posts": [
            {"id": 1, "parent": null, "author": "ann", "text": "root"},
            {"id": 2, "parent_id": 1, "body": "reply"},
            {"id": 3, "parent": 2, "text": null}
        ]}"#,
        Format::Json,
    );
    let t = &threads[0];
    assert_eq!(t.id, "7");
    assert_eq!(t.posts[1].parent.as_deref(), Some("1"));
    assert_eq!(t.posts[1].text.as_deref(), Some("reply"));
    assert_eq!(t.posts[2].text, None);
}

#[test]
fn thread_id_defaults_to_file_stem() {
    let threads = parse_ok(r#"{"posts": [{"id": "a", "text": "x"}]}"#, Format::Json);
    assert_eq!(threads[0].id, "in");
}

#[test]
fn malformed_json_names_line_and_column() {
    let err = parse(
        b"{\"posts\": [\n  {\"id\": \"a\",, }\n]}",
        Format::Json,
        "bad.json",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(2));
    assert!(err.column.is_some());
    assert!(err.to_string().starts_with("bad.json:2:"), "{err}");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let err = parse(
        b"{\"posts\": [\n{\"id\": \"a\", \"text\": \"caf\xe9\"}]}",
        Format::Json,
        "x.json",
    )
    .unwrap_err();
    assert_eq!((err.line, err.column), (Some(2), Some(25)));
    assert!(err.message.contains("UTF-8"));
}

#[test]
fn missing_text_field_is_explained() {
    let parsed = parse(
        br#"{"posts": [{"id": "a", "txt": "x"}]}"#,
        Format::Json,
        "x.json",
    )
    .unwrap();
    let message = parsed[0].as_ref().unwrap_err().message.clone();
    assert!(message.contains("no \"text\" field"), "{message}");
}

#[test]
fn jsonl_posts_group_by_thread_in_order() {
    let threads = parse_ok(
        "{\"thread\": \"x\", \"id\": \"1\", \"text\": \"a\"}\n\n{\"thread\": \"y\", \"id\": \"1\", \"text\": \"b\"}\n{\"thread\": \"x\", \"id\": \"2\", \"parent\": \"1\", \"text\": \"c\"}\n",
        Format::Jsonl,
    );
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[0].id, "x");
    assert_eq!(threads[0].posts.len(), 2);
}

#[test]
fn jsonl_threads_fail_line_by_line() {
    let text = "{\"id\": \"a\", \"posts\": [{\"id\": \"1\", \"text\": \"x\"}]}\n{\"id\": \"b\", \"posts\": [oops]}\n{\"id\": \"c\", \"posts\": []}\n";
    let parsed = parse(text.as_bytes(), Format::Jsonl, "t.jsonl").unwrap();
    assert_eq!(parsed.len(), 3);
    assert!(parsed[0].is_ok());
    assert_eq!(parsed[1].as_ref().unwrap_err().line, Some(2));
    assert!(
        parsed[2].is_ok(),
        "an empty post list is the validator's to reject"
    );
}

#[test]
fn jsonl_malformed_post_line_names_the_line() {
    let err = parse(
        b"{\"id\": \"1\", \"text\": \"a\"}\n{\"id\": \"2\" \"text\": \"b\"}\n",
        Format::Jsonl,
        "p.jsonl",
    )
    .unwrap_err();
    assert_eq!(err.line, Some(2));
}

#[test]
fn empty_input_is_an_error_in_both_formats() {
    assert!(
        parse(b"  \n", Format::Json, "e.json")
            .unwrap_err()
            .message
            .contains("empty")
    );
    assert!(
        parse(b"\n\n", Format::Jsonl, "e.jsonl")
            .unwrap_err()
            .message
            .contains("empty")
    );
}

#[test]
fn detects_format_from_extension_then_content() {
    let p = |s: &str| Some(std::path::Path::new(s).to_path_buf());
    assert_eq!(
        Format::detect(p("a.json").as_deref(), b"").unwrap(),
        Format::Json
    );
    assert_eq!(
        Format::detect(p("a.NDJSON").as_deref(), b"").unwrap(),
        Format::Jsonl
    );
    assert_eq!(
        Format::detect(
            None,
            b"{\"id\":1,\"text\":\"a\"}\n{\"id\":2,\"text\":\"b\"}\n"
        )
        .unwrap(),
        Format::Jsonl
    );
    assert_eq!(
        Format::detect(None, b"{\n \"posts\": []\n}").unwrap(),
        Format::Json
    );
    assert!(Format::detect(p("a.csv").as_deref(), b"id,text\n").is_err());
}
