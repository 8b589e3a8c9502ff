//! Every pagination scheme, and the page bound.

use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

fn query_flow(max_pages: &str) -> crate::definition::FlowDefinition {
    flow(&format!(
        "id: f\nname: F\napps: [crm]\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: all\n        query: {{app: crm, query: items{max_pages}}}\n"
    ))
}

#[tokio::test]
async fn cursor_pagination_follows_the_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": 1}, {"id": 2}], "meta": {"next": "c2"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "c2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": 3}], "meta": {"next": null}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), "queries:\n  items:\n    request: {path: /items}\n    items: data\n    pagination: {type: cursor, param: cursor, next: meta.next}\n")]);
    let state = run(
        &engine(),
        &query_flow(""),
        &apps,
        &key_credentials(),
        json!({}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    assert_eq!(
        state.outputs["all"],
        json!([{"id": 1}, {"id": 2}, {"id": 3}])
    );
    assert_eq!(state.tasks, 2);
}

#[tokio::test]
async fn page_number_pagination_stops_on_a_short_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("page", "1"))
        .and(query_param("per_page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [1, 2]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [3]})))
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), "queries:\n  items:\n    request: {path: /items}\n    items: items\n    pagination: {type: page, param: page, size_param: per_page, size: 2}\n")]);
    let state = run(
        &engine(),
        &query_flow(""),
        &apps,
        &key_credentials(),
        json!({}),
    )
    .await;
    assert_eq!(state.outputs["all"], json!([1, 2, 3]));
    assert_eq!(state.tasks, 2);
}

#[tokio::test]
async fn offset_pagination_advances_by_items_seen() {
    let server = MockServer::start().await;
    for (offset, body) in [
        ("0", json!({"rows": [1, 2]})),
        ("2", json!({"rows": [3, 4]})),
        ("4", json!({"rows": []})),
    ] {
        Mock::given(method("GET"))
            .and(path("/items"))
            .and(query_param("offset", offset))
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let apps = catalog([key_app(&server.uri(), "queries:\n  items:\n    request: {path: /items}\n    items: rows\n    pagination: {type: offset, param: offset, limit_param: limit, limit: 2}\n")]);
    let state = run(
        &engine(),
        &query_flow(""),
        &apps,
        &key_credentials(),
        json!({}),
    )
    .await;
    assert_eq!(state.outputs["all"], json!([1, 2, 3, 4]));
    assert_eq!(state.tasks, 3);
}

#[tokio::test]
async fn link_header_pagination_follows_rel_next() {
    let server = MockServer::start().await;
    let next = format!("<{}/items?page=2>; rel=\"next\"", server.uri());
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", next.as_str())
                .set_body_json(json!([{"n": 1}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"n": 2}])))
        .expect(1)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), "queries:\n  items:\n    request: {path: /items}\n    items: .\n    pagination: {type: link_header}\n")]);
    let state = run(
        &engine(),
        &query_flow(""),
        &apps,
        &key_credentials(),
        json!({}),
    )
    .await;
    assert_eq!(state.outputs["all"], json!([{"n": 1}, {"n": 2}]));
}

#[tokio::test]
async fn page_bound_stops_paging_and_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [1], "next": "again"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let apps = catalog([key_app(&server.uri(), "queries:\n  items:\n    request: {path: /items}\n    items: data\n    pagination: {type: cursor, param: cursor, next: next}\n")]);
    let state = run(
        &engine(),
        &query_flow(", max_pages: 2"),
        &apps,
        &key_credentials(),
        json!({}),
    )
    .await;
    assert_eq!(state.status, RunStatus::Succeeded);
    assert_eq!(state.outputs["all"], json!([1, 1]));
    assert!(
        state.log[0]
            .message
            .as_deref()
            .unwrap()
            .contains("page limit"),
        "{:?}",
        state.log[0]
    );
}
