use super::*;

fn post(id: &str, parent: Option<&str>, text: &str) -> RawPost {
    RawPost {
        id: id.to_string(),
        parent: parent.map(str::to_string),
        author: None,
        text: Some(text.to_string()),
        created: None,
    }
}

fn thread(posts: Vec<RawPost>) -> Result<Thread, ThreadError> {
    Thread::from_raw(RawThread {
        id: "t".to_string(),
        title: None,
        posts,
    })
}

#[test]
fn builds_tree_with_root_first_and_depths() {
    let t = thread(vec![
        post("b", Some("a"), "reply"),
        post("a", None, "root"),
        post("c", Some("b"), "reply to reply"),
    ])
    .unwrap();
    assert_eq!(t.root().id, "a");
    let ids: Vec<&str> = t.posts().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(t.depth(2), 2);
    assert_eq!(t.parent_of(2), Some(1));
    assert_eq!(t.pair(2).unwrap().parent, "reply");
    assert!(t.pair(0).is_none(), "the root is never a pair");
    assert!(t.warnings.is_empty());
}

#[test]
fn duplicate_ids_are_rejected_with_both_positions() {
    let err = thread(vec![post("a", None, "x"), post("a", Some("a"), "y")]).unwrap_err();
    assert_eq!(
        err,
        ThreadError::DuplicateId {
            thread: "t".into(),
            id: "a".into(),
            first: 1,
            second: 2
        }
    );
}

#[test]
fn cycles_are_rejected_naming_the_loop() {
    let err = thread(vec![
        post("root", None, "x"),
        post("a", Some("b"), "y"),
        post("b", Some("a"), "z"),
    ])
    .unwrap_err();
    match err {
        ThreadError::Cycle { cycle, .. } => assert!(cycle.contains('a') && cycle.contains('b')),
        other => panic!("expected a cycle, got {other:?}"),
    }
    // Without any root, a loop through every post is still reported as a cycle.
    let err = thread(vec![post("a", Some("b"), "y"), post("b", Some("a"), "z")]).unwrap_err();
    assert!(matches!(err, ThreadError::Cycle { .. }), "{err:?}");
    let err = thread(vec![post("a", Some("a"), "self")]).unwrap_err();
    assert!(matches!(err, ThreadError::Cycle { .. }), "{err:?}");
}

#[test]
fn missing_parent_falls_back_to_root_with_warning() {
    let t = thread(vec![post("a", None, "x"), post("b", Some("nope"), "y")]).unwrap();
    assert_eq!(t.parent_of(1), Some(0));
    assert!(t.warnings[0].contains("'nope'"), "{:?}", t.warnings);
}

#[test]
fn extract_without_root_takes_post_with_absent_parent_as_root() {
    let t = thread(vec![
        post("b", Some("gone"), "x"),
        post("c", Some("b"), "y"),
    ])
    .unwrap();
    assert_eq!(t.root().id, "b");
    assert_eq!(t.parent_of(1), Some(0));
    assert_eq!(t.warnings.len(), 1);
}

#[test]
fn unlinked_posts_read_as_a_linear_discussion() {
    let t = thread(vec![
        post("a", None, "1"),
        post("b", None, "2"),
        post("c", None, "3"),
    ])
    .unwrap();
    assert_eq!(t.parent_of(1), Some(0));
    assert_eq!(t.parent_of(2), Some(1));
    assert_eq!(t.depth(2), 2);
}

#[test]
fn empty_and_deleted_posts_are_kept_but_not_paired() {
    let mut deleted = post("c", Some("a"), "");
    deleted.text = None;
    let t = thread(vec![
        post("a", None, "root"),
        post("b", Some("a"), "   "),
        deleted,
    ])
    .unwrap();
    assert_eq!(t.len(), 3);
    assert!(t.pair(1).is_none());
    assert!(t.pair(2).is_none());
    assert_eq!(t.warnings.len(), 2);
}

#[test]
fn no_posts_and_empty_ids_are_errors() {
    assert!(matches!(thread(vec![]), Err(ThreadError::NoPosts { .. })));
    assert!(matches!(
        thread(vec![post(" ", None, "x")]),
        Err(ThreadError::EmptyId { position: 1, .. })
    ));
}

#[test]
fn ten_thousand_levels_do_not_overflow() {
    let mut posts = vec![post("p0", None, "root")];
    for i in 1..10_000 {
        posts.push(post(
            &format!("p{i}"),
            Some(&format!("p{}", i - 1)),
            "deeper",
        ));
    }
    // Reversed input order makes the depth walk climb the whole chain at once.
    posts.reverse();
    let t = thread(posts).unwrap();
    assert_eq!(t.root().id, "p0");
    let deepest = t.posts().iter().position(|p| p.id == "p9999").unwrap();
    assert_eq!(t.depth(deepest), 9_999);
    assert_eq!(t.tree_order().len(), 10_000);
}
