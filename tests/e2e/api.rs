//! The HTTP API: who may call what, definitions and publishing, the marketplace's
//! flow list, and every class of bad input answered with problem+json.

use reqwest::Method;
use serde_json::{json, Value};

use crate::server::{spawn_app, Answer};
use junction_core::ports::BookkeepingStore;

async fn problem(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "status {status}"
    );
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn health_answers() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(format!("{}/health", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "ok"}));
}

/// A wrong method is a problem naming what the route takes, and `/v1` itself says
/// where the reference is (rendered at `/docs` when the build has it).
#[tokio::test]
async fn a_wrong_method_and_the_api_root_answer_usefully() {
    let app = spawn_app().await;
    let send = |method: Method, path: &str| {
        app.http
            .request(method, format!("{}{path}", app.url))
            .send()
    };
    let r = send(Method::DELETE, "/v1/flows").await.unwrap();
    let allow = r
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_string());
    let (status, body) = problem(r).await;
    assert_eq!(status, 405);
    assert_eq!(body["type"], "urn:junction:problem:method-not-allowed");
    assert!(allow.unwrap_or_default().contains("GET"), "Allow is kept");

    for root in ["/v1", "/v1/"] {
        let index: Value = send(Method::GET, root).await.unwrap().json().await.unwrap();
        assert_eq!(index["openapi"], "/v1/openapi.json", "{root}");
        if let Some(docs) = index["docs"].as_str() {
            let page = send(Method::GET, docs).await.unwrap();
            assert_eq!(page.status(), 200);
            let html = page.text().await.unwrap();
            assert!(html.contains(r#"spec-url="/v1/openapi.json""#), "{html}");
            let script = send(Method::GET, "/docs/redoc.js").await.unwrap();
            assert_eq!(script.status(), 200);
            assert!(
                script.text().await.unwrap().len() > 500_000,
                "the whole viewer"
            );
        }
    }
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_401_without_a_hint() {
    let app = spawn_app().await;
    let ws = app.workspace("A").await;
    let text = std::fs::read_to_string(format!("{}/apps/acme-crm.yaml", crate::helpers::EXAMPLES))
        .unwrap();
    for token in ["", "nope", "jsk.ws_x.abc", &format!("{}x", ws.api_secret)] {
        let r = app
            .http
            .put(format!("{}/v1/admin/apps/acme", app.url))
            .bearer_auth(token)
            .body(text.clone())
            .send()
            .await
            .unwrap();
        let (status, body) = problem(r).await;
        assert_eq!(status, 401);
        assert_eq!(
            body["detail"],
            "the request's credentials are missing or invalid"
        );
    }
    // A user signature made with the wrong secret, or for another user id.
    let forged = app
        .http
        .get(format!("{}/v1/flows", app.url))
        .header("App-Key", &ws.workspace.app_key)
        .header("User-ID", "alice")
        .header(
            "Hash",
            junction_core::service::secrets::user_hash("not-the-secret", "alice"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(problem(forged).await.0, 401);
    let replayed = app
        .http
        .get(format!("{}/v1/flows", app.url))
        .header("App-Key", &ws.workspace.app_key)
        .header("User-ID", "bob")
        .header(
            "Hash",
            junction_core::service::secrets::user_hash(&ws.app_secret, "alice"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(replayed).await.0,
        401,
        "alice's signature does not make anyone bob"
    );
    let missing = app
        .http
        .get(format!("{}/v1/flows", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(missing).await.0, 401);
}

#[tokio::test]
async fn pushed_and_published_flows_reach_the_marketplace() {
    let app = spawn_app().await;
    let ws = app.workspace("A").await;
    let r = app
        .user(&ws, "alice", Method::GET, "/v1/flows")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"flows": []}));

    app.push_examples(&ws).await;
    let all: Value = app
        .user(&ws, "alice", Method::GET, "/v1/flows")
        .answer_json()
        .await;
    let ids: Vec<_> = all["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "contacts-to-mailbird",
            "daily-digest",
            "deals-to-chatter",
            "unsubscribes-to-acme"
        ]
    );
    assert_eq!(all["flows"][0]["integrations"], 0);

    let tagged: Value = app
        .user(
            &ws,
            "alice",
            Method::GET,
            "/v1/flows?tags=email,notifications",
        )
        .answer_json()
        .await;
    let ids: Vec<_> = tagged["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["contacts-to-mailbird", "daily-digest", "deals-to-chatter"]
    );

    let detail: Value = app
        .user(&ws, "alice", Method::GET, "/v1/flows/contacts-to-mailbird")
        .answer_json()
        .await;
    assert_eq!(detail["version"], 1);
    assert_eq!(
        detail["flow"]["setup"]["pages"][0]["fields"][0]["id"],
        "list_id"
    );
    assert_eq!(detail["flow"]["apps"], json!(["acme", "mailbird"]));
    assert!(
        detail["flow"].get("blocks").is_none(),
        "a user sees the form, not the flow's requests: {detail}"
    );

    // A new version stays unpublished until published; the marketplace keeps version 1.
    let text = std::fs::read_to_string(format!(
        "{}/flows/daily-digest.yaml",
        crate::helpers::EXAMPLES
    ))
    .unwrap();
    let pushed: Value = app
        .admin(&ws, Method::PUT, "/v1/admin/flows/daily-digest")
        .body(text)
        .answer_json()
        .await;
    assert_eq!(
        pushed,
        json!({"flow_id": "daily-digest", "version": 2, "published": 1})
    );
    let published: Value = app
        .admin(&ws, Method::POST, "/v1/admin/flows/daily-digest/publish")
        .answer_json()
        .await;
    assert_eq!(published["published"], 2);
    let r = app
        .admin(&ws, Method::POST, "/v1/admin/flows/daily-digest/publish")
        .json(&json!({"version": 9}))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["path"], "version");
}

#[tokio::test]
async fn workspaces_and_users_see_only_their_own() {
    let app = spawn_app().await;
    let a = app.workspace("A").await;
    let b = app.workspace("B").await;
    app.push_examples(&a).await;
    let theirs: Value = app
        .user(&b, "alice", Method::GET, "/v1/flows")
        .answer_json()
        .await;
    assert_eq!(theirs, json!({"flows": []}));
    let r = app
        .user(&b, "alice", Method::GET, "/v1/flows/contacts-to-mailbird")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
    let r = app
        .admin(
            &b,
            Method::POST,
            "/v1/admin/flows/contacts-to-mailbird/publish",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
    let apps: Value = app
        .admin(&b, Method::GET, "/v1/admin/apps")
        .answer_json()
        .await;
    assert_eq!(apps, json!([]));
}

#[tokio::test]
async fn invalid_definitions_name_path_and_line() {
    let app = spawn_app().await;
    let ws = app.workspace("A").await;
    app.push_examples(&ws).await;
    let text = std::fs::read_to_string(format!(
        "{}/flows/daily-digest.yaml",
        crate::helpers::EXAMPLES
    ))
    .unwrap()
    .replace("Europe/Paris", "Europe/Nowhere");
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/flows/daily-digest")
        .body(text)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(body["type"], "urn:junction:problem:validation");
    assert_eq!(
        body["errors"][0],
        json!({"path": "blocks[0].trigger.timezone", "line": 29, "message": "'Europe/Nowhere' is not an IANA time zone like 'Europe/Paris'"})
    );

    let app_text =
        std::fs::read_to_string(format!("{}/apps/chatter.yaml", crate::helpers::EXAMPLES)).unwrap();
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/apps/slack")
        .body(app_text)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["path"], "id");

    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/apps/x")
        .body("id: [unclosed")
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 422);
    assert!(body["errors"][0]["line"].is_number(), "{body}");
}

#[tokio::test]
async fn malformed_bodies_queries_and_routes_get_problem_answers() {
    let app = spawn_app().await;
    let ws = app.workspace("A").await;
    app.push_examples(&ws).await;
    let publish = "/v1/admin/flows/daily-digest/publish";

    let r = app
        .admin(&ws, Method::POST, publish)
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("the body is not valid"),
        "{body}"
    );

    let r = app
        .admin(&ws, Method::POST, publish)
        .body(r#"{"version": "two"}"#)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["path"], "version");

    let r = app
        .admin(&ws, Method::POST, publish)
        .body(r#"{"versoin": 1}"#)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `versoin`"),
        "{body}"
    );

    // A body announced as too large is answered 413 before any of it is read.
    let bearer = format!("Bearer {}", ws.api_secret);
    let answer = app
        .announce_body(
            "PUT",
            "/v1/admin/apps/acme",
            &[
                ("Authorization", &bearer),
                ("Content-Type", "application/yaml"),
            ],
            2 * 1024 * 1024,
        )
        .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");

    let r = app
        .user(&ws, "alice", Method::GET, "/v1/flows?tagz=x")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 400);

    let r = app
        .admin(&ws, Method::GET, "/v1/admin/usage?month=2026-13")
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["path"], "month");

    let r = app
        .http
        .get(format!("{}/v2/nothing", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
}

#[tokio::test]
async fn usage_reads_the_month_counters() {
    let app = spawn_app().await;
    let ws = app.workspace("A").await;
    let month = junction_core::model::month_of(chrono::Utc::now());
    app.junction
        .store
        .add_tasks(&ws.workspace.id, "alice", &month, 5)
        .await
        .unwrap();
    app.junction
        .store
        .add_tasks(&ws.workspace.id, "bob", &month, 2)
        .await
        .unwrap();
    let mine: Value = app
        .user(&ws, "alice", Method::GET, "/v1/usage")
        .answer_json()
        .await;
    assert_eq!(mine, json!({"month": month, "tasks": 5}));
    let all: Value = app
        .admin(&ws, Method::GET, "/v1/admin/usage")
        .answer_json()
        .await;
    assert_eq!(all["total"], 7);
}

#[tokio::test]
async fn each_workspace_names_its_widget_origins_for_cors() {
    let app = spawn_app().await;
    let ws = app.workspace("A").await;
    let other = app.workspace("B").await;
    let r = app
        .admin(&ws, Method::PUT, "/v1/admin/widget-origins")
        .json(&json!({"origins": ["https://shop.example.com/", "ftp://x"]}))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["path"], "origins[1]");
    let set: Value = app
        .admin(&ws, Method::PUT, "/v1/admin/widget-origins")
        .json(&json!({"origins": ["https://shop.example.com/"]}))
        .answer_json()
        .await;
    assert_eq!(set, json!({"origins": ["https://shop.example.com"]}));

    let read = |ws: &junction_core::service::NewWorkspace, origin: &str| {
        app.user(ws, "alice", Method::GET, "/v1/flows")
            .header("Origin", origin)
            .send()
    };
    let allowed = read(&ws, "https://shop.example.com").await.unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://shop.example.com"
    );
    let stranger = read(&ws, "https://evil.example").await.unwrap();
    assert!(stranger
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let not_theirs = read(&other, "https://shop.example.com").await.unwrap();
    assert!(
        not_theirs
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "workspace B did not list it"
    );
    let global = read(&other, "https://app.example.com").await.unwrap();
    assert_eq!(
        global.headers().get("access-control-allow-origin").unwrap(),
        "https://app.example.com",
        "the server's own list serves every workspace"
    );

    let preflight = app
        .preflight(
            "/v1/flows",
            "https://shop.example.com",
            "app-key,user-id,hash",
        )
        .await;
    assert_eq!(preflight.status(), 204);
    assert!(preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("hash"));
    let admin = app
        .admin(&ws, Method::GET, "/v1/admin/apps")
        .header("Origin", "https://shop.example.com")
        .send()
        .await
        .unwrap();
    assert!(
        admin.headers().get("access-control-allow-origin").is_none(),
        "backend routes are not for browsers"
    );
}

#[tokio::test]
async fn the_openapi_document_names_every_route_and_each_exists() {
    let app = spawn_app().await;
    let doc: Value = app
        .http
        .get(format!("{}/v1/openapi.json", app.url))
        .answer_json()
        .await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, methods) in paths {
        let concrete: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let call = |method: &str| {
            app.http
                .request(
                    method.to_uppercase().parse().unwrap(),
                    format!("{}{concrete}", app.url),
                )
                .send()
        };
        for (method, op) in methods.as_object().unwrap() {
            operations += 1;
            assert!(
                op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .any(|k| k.starts_with('2')),
                "{method} {path}"
            );
            let r = call(method).await.unwrap();
            assert_ne!(
                r.status(),
                405,
                "{method} {path} is documented but not routed"
            );
            let body = r.text().await.unwrap();
            assert!(
                !body.contains("no such route"),
                "{method} {path} is documented but not routed"
            );
        }
        // And the other way round: what the document leaves out is not routed.
        for method in ["get", "post", "put", "patch", "delete"] {
            if methods.get(method).is_none() {
                let status = call(method).await.unwrap().status();
                assert_eq!(status, 405, "{method} {path} is routed but not documented");
            }
        }
    }
    assert!(operations >= 28, "{operations} operations documented");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in ["RunRecord", "Integration", "FlowDefinition", "Problem"] {
        assert!(
            schemas.contains_key(name),
            "schema {name} missing: {:?}",
            schemas.keys().collect::<Vec<_>>()
        );
    }
}

/// The smallest value a schema of the OpenAPI document allows: objects with their
/// required properties only.
fn minimal(schema: &Value, doc: &Value) -> Value {
    if let Some(target) = schema["$ref"].as_str() {
        let name = target.trim_start_matches("#/components/schemas/");
        return minimal(&doc["components"]["schemas"][name], doc);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema[key].as_array().and_then(|a| a.first()) {
            return minimal(first, doc);
        }
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds
            .iter()
            .find(|k| *k != "null")
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind.as_str() {
        Some("object") => {
            let mut object = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                object.insert(name.into(), minimal(&schema["properties"][name], doc));
            }
            Value::Object(object)
        }
        Some("array") => json!([]),
        Some("string") => json!("x"),
        Some("integer") | Some("number") => json!(schema["minimum"].as_u64().unwrap_or(0)),
        Some("boolean") => json!(false),
        _ => json!({}),
    }
}

/// Every JSON request body the document describes, built with its required fields
/// only, is accepted as a body: the document marks as required only what the server
/// requires (fields with defaults are optional).
#[tokio::test]
async fn the_minimal_body_of_each_operation_is_accepted() {
    let app = spawn_app().await;
    let ws = app.workspace("Minimal").await;
    let doc: Value = app
        .http
        .get(format!("{}/v1/openapi.json", app.url))
        .answer_json()
        .await;
    // A JSON body is refused as a 400; a definition document as a 422 naming the field.
    let body_refused = |status: u16, problem: &Value| {
        let missing = problem["errors"].as_array().into_iter().flatten().any(|e| {
            e["message"]
                .as_str()
                .is_some_and(|m| m.contains("missing field"))
        });
        (status == 400
            && problem["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("the body is not valid")))
            || (status == 422 && missing)
    };
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if schema.is_null() {
                continue;
            }
            let body = minimal(schema, &doc);
            let concrete: String = path
                .split('/')
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let method: Method = method.to_uppercase().parse().unwrap();
            let send = |body: &Value| {
                app.user(&ws, "min", method.clone(), &concrete)
                    .bearer_auth(&ws.api_secret)
                    .json(body)
                    .send()
            };
            let r = send(&body).await.unwrap();
            let status = r.status().as_u16();
            let answer: Value = r.json().await.unwrap_or(Value::Null);
            assert!(
                !body_refused(status, &answer),
                "{method} {path}: the minimal body {body} was refused: {answer}"
            );
            // The check bites: leaving out a required field is refused as a body.
            if let Some(Value::Object(fields)) = Some(&body) {
                if let Some(first) = fields.keys().next() {
                    let mut less = fields.clone();
                    less.remove(first);
                    let r = send(&Value::Object(less)).await.unwrap();
                    let status = r.status().as_u16();
                    let answer: Value = r.json().await.unwrap_or(Value::Null);
                    assert!(
                        body_refused(status, &answer),
                        "{method} {path}: without required '{first}': {status} {answer}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} bodies checked");
}
