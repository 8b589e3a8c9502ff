//! Workspaces, apps and flow versions: lookups by id and app key, conditional writes,
//! immutable versions and published flows by tag.

use super::*;
use junction_core::ports::{RunStore, WorkspaceStore};

pub async fn workspaces_by_id_and_app_key(s: impl WorkspaceStore) {
    assert_eq!(
        s.create_workspace(&workspace("ws_a", "key_a"))
            .await
            .unwrap(),
        1
    );
    conflict(s.create_workspace(&workspace("ws_a", "key_other")).await);
    conflict(s.create_workspace(&workspace("ws_b", "key_a")).await);
    let found = s.workspace_by_app_key("key_a").await.unwrap().unwrap();
    assert_eq!((found.id.as_str(), found.version), ("ws_a", 1));
    assert!(s.workspace_by_app_key("nope").await.unwrap().is_none());
    let mut changed = found.clone();
    changed.task_quota = Some(5);
    changed.code_limits.max_time_ms = 250;
    assert_eq!(s.update_workspace(&changed, 1).await.unwrap(), 2);
    conflict(s.update_workspace(&changed, 1).await);
    let stored = s.get_workspace("ws_a").await.unwrap().unwrap();
    assert_eq!(stored.task_quota, Some(5));
    assert_eq!(stored.code_limits, changed.code_limits);
    // The operator's list: every workspace once, by id, as last written.
    s.create_workspace(&workspace("ws_b", "key_b"))
        .await
        .unwrap();
    let all = s.list_workspaces().await.unwrap();
    let ids: Vec<_> = all.iter().map(|w| (w.id.as_str(), w.version)).collect();
    assert_eq!(ids, [("ws_a", 2), ("ws_b", 1)]);
}

pub async fn conditional_writes_conflict(s: impl WorkspaceStore + RunStore) {
    let a = app("ws_a");
    assert_eq!(s.put_app(&a, None).await.unwrap(), 1);
    conflict(s.put_app(&a, None).await);
    assert_eq!(s.put_app(&a, Some(1)).await.unwrap(), 2);
    conflict(s.put_app(&a, Some(1)).await);
    assert_eq!(s.get_app("ws_a", "crm").await.unwrap().unwrap().version, 2);
    assert!(
        s.get_app("ws_b", "crm").await.unwrap().is_none(),
        "workspaces are separate"
    );
    assert_eq!(s.list_apps("ws_a").await.unwrap().len(), 1);

    let r = run("ws_a", "run_1", "int_1");
    s.put_run(&r, None).await.unwrap();
    conflict(s.put_run(&r, Some(7)).await);
    let mut big = run("ws_a", "run_big", "int_1");
    big.input.trigger = json!({"blob": "x".repeat(500 * 1024)});
    assert!(matches!(
        s.put_run(&big, None).await,
        Err(StoreError::TooLarge(_))
    ));
    assert!(
        s.get_run("ws_a", "run_big").await.unwrap().is_none(),
        "nothing half-written"
    );
}

pub async fn flow_versions_are_immutable_and_tags_list_published_flows(s: impl WorkspaceStore) {
    s.add_flow_version(&flow_version("ws_a", "sync", 1))
        .await
        .unwrap();
    conflict(s.add_flow_version(&flow_version("ws_a", "sync", 1)).await);
    s.add_flow_version(&flow_version("ws_a", "sync", 2))
        .await
        .unwrap();
    assert_eq!(
        s.get_flow_version("ws_a", "sync", 2)
            .await
            .unwrap()
            .unwrap()
            .number,
        2
    );
    assert!(s
        .get_flow_version("ws_a", "sync", 3)
        .await
        .unwrap()
        .is_none());

    let mut head = FlowHead {
        workspace_id: "ws_a".into(),
        flow_id: "sync".into(),
        latest: 2,
        published: None,
        tags: vec!["crm".into()],
        version: 0,
    };
    s.put_flow_head(&head, None).await.unwrap();
    assert!(
        s.flows_by_tag("ws_a", Some("crm"))
            .await
            .unwrap()
            .is_empty(),
        "unpublished flows are not listed"
    );
    head.published = Some(2);
    s.put_flow_head(&head, Some(1)).await.unwrap();
    let listed = s.flows_by_tag("ws_a", Some("crm")).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].published, Some(2));
    assert_eq!(s.flows_by_tag("ws_a", None).await.unwrap().len(), 1);
    head.tags = vec!["email".into()];
    s.put_flow_head(&head, Some(2)).await.unwrap();
    assert!(s
        .flows_by_tag("ws_a", Some("crm"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.flows_by_tag("ws_a", Some("email")).await.unwrap().len(),
        1
    );
    assert!(s
        .flows_by_tag("ws_b", Some("email"))
        .await
        .unwrap()
        .is_empty());
    // Every flow of a workspace, published or not, and never its versions.
    let draft = FlowHead {
        flow_id: "draft".into(),
        latest: 1,
        published: None,
        tags: Vec::new(),
        version: 0,
        ..head.clone()
    };
    s.put_flow_head(&draft, None).await.unwrap();
    let all = s.list_flow_heads("ws_a").await.unwrap();
    let ids: Vec<_> = all
        .iter()
        .map(|h| (h.flow_id.as_str(), h.published))
        .collect();
    assert_eq!(ids, [("draft", None), ("sync", Some(2))]);
    assert!(s.list_flow_heads("ws_b").await.unwrap().is_empty());
}
