//! The OpenAPI 3.1 document of the API, generated from the code: every route module
//! describes its operations next to its handlers, with schemas derived from the very
//! types the handlers read and write (schemars). This module is the builder; the
//! routes' `describe` functions fill it, and `routes::document` serves the result
//! at `/v1/openapi.json`.
//!
//! Why not `aide`, which documents a route where it is routed: its stable release
//! (0.15) is built on schemars 0.9 while our definitions and their published JSON
//! Schemas use schemars 1 (two versions would be linked, or the schemas regress),
//! and what this builder adds (request bodies by their deserialize contract, a
//! problem+json answer per way of signing in) would be transforms there too. Routes
//! and the document are held together by a test instead, in both directions: each
//! documented operation is routed, and each method a path leaves out answers 405.

use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Who may call an operation.
#[derive(Clone, Copy)]
pub(crate) enum Auth {
    /// A marketplace user: App-Key with User-ID and Hash headers, or with an identity
    /// token.
    User,
    /// Your backend: the workspace's API secret as a bearer token.
    Backend,
    /// Anyone (the OAuth callback, health).
    Open,
    /// Anyone holding the URL, with the app's signature when it signs (webhooks).
    Signed,
}

/// One operation being described.
pub(crate) struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    auth: Auth,
    query: Option<Value>,
    body: Option<Value>,
    success: (u16, &'static str, Option<Value>),
    /// Answers HTML pages (for a browser), errors included.
    html: bool,
    /// A plain HTML page (not the OAuth outcome page): what its 200 is.
    page: Option<&'static str>,
    /// Answers a static script with an ETag (the widget).
    script: bool,
}

/// The document under construction.
pub(crate) struct ApiDoc {
    generator: SchemaGenerator,
    /// Request bodies are what the server reads: a field with a default is optional
    /// there even when every answer carries it, so they get a generator of their own.
    inputs: SchemaGenerator,
    paths: Map<String, Value>,
}

/// Where request-body definitions point until `finish` files them under schemas.
const INPUTS_PATH: &str = "/components/inputs";

impl ApiDoc {
    pub(crate) fn new() -> Self {
        let mut settings = SchemaSettings::draft2020_12();
        settings.definitions_path = "/components/schemas".into();
        settings.meta_schema = None;
        // Responses are what the server writes: fields it may leave out are optional.
        settings.contract = Contract::Serialize;
        let mut inputs = SchemaSettings::draft2020_12();
        inputs.definitions_path = INPUTS_PATH.into();
        inputs.meta_schema = None;
        inputs.contract = Contract::Deserialize;
        Self {
            generator: settings.into_generator(),
            inputs: inputs.into_generator(),
            paths: Map::new(),
        }
    }

    pub(crate) fn schema<T: JsonSchema>(&mut self) -> Value {
        self.generator.subschema_for::<T>().to_value()
    }

    /// The schema of a request body (see `inputs`).
    pub(crate) fn input_schema<T: JsonSchema>(&mut self) -> Value {
        self.inputs.subschema_for::<T>().to_value()
    }

    pub(crate) fn op(
        &mut self,
        method: &'static str,
        path: &'static str,
        summary: &'static str,
        auth: Auth,
    ) -> OpBuilder<'_> {
        OpBuilder {
            doc: self,
            op: Op {
                method,
                path,
                summary,
                auth,
                query: None,
                body: None,
                success: (200, "OK", None),
                html: false,
                page: None,
                script: false,
            },
        }
    }

    fn add(&mut self, op: Op) {
        let mut parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if let Some(query) = op.query {
            let required: Vec<&str> = query["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = query["properties"].as_object() {
                for (name, schema) in props {
                    parameters.push(json!({"name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": schema}));
                }
            }
        }
        let mut responses = Map::new();
        if op.script {
            responses.insert("200".into(), json!({"description": "The module", "content": {"text/javascript": {"schema": {"type": "string"}}}}));
            responses.insert(
                "304".into(),
                json!({"description": "Unchanged since the ETag in If-None-Match"}),
            );
            let operation = json!({"summary": op.summary, "operationId": operation_id(op.method, op.path), "responses": responses, "security": []});
            self.paths
                .entry(op.path.to_string())
                .or_insert_with(|| json!({}))[op.method] = operation;
            return;
        }
        if let Some(description) = op.page {
            let page = json!({"description": description, "content": {"text/html": {"schema": {"type": "string"}}}});
            let operation = json!({"summary": op.summary, "operationId": operation_id(op.method, op.path), "responses": {"200": page}, "security": []});
            self.paths
                .entry(op.path.to_string())
                .or_insert_with(|| json!({}))[op.method] = operation;
            return;
        }
        if op.html {
            let page = |d: &str| json!({"description": d, "content": {"text/html": {"schema": {"type": "string"}}}});
            responses.insert(
                "200".into(),
                page("The outcome, as a page that reports to the window that opened it"),
            );
            for (status, d) in [
                ("400", "Refused or malformed callback"),
                ("409", "The app is not set up for OAuth"),
                ("500", "Internal error"),
                ("502", "The provider did not answer as expected"),
            ] {
                responses.insert(status.into(), page(d));
            }
            let operation = json!({"summary": op.summary, "operationId": operation_id(op.method, op.path), "parameters": parameters, "responses": responses, "security": []});
            let path = self
                .paths
                .entry(op.path.to_string())
                .or_insert_with(|| json!({}));
            path[op.method] = operation;
            return;
        }
        let (status, description, schema) = op.success;
        responses.insert(
            status.to_string(),
            match schema {
                Some(s) => json!({"description": description, "content": {"application/json": {"schema": s}}}),
                None => json!({"description": description}),
            },
        );
        let problem = |d: &str| json!({"description": d, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
        responses.insert(
            "400".into(),
            problem("Malformed request: the body, query or path is not what the operation takes"),
        );
        if !matches!(op.auth, Auth::Open) {
            responses.insert("401".into(), problem("Missing or invalid credentials"));
        }
        responses.insert(
            "404".into(),
            problem("Unknown id, or one the caller may not see"),
        );
        responses.insert("409".into(), problem("Conflict with the current state"));
        responses.insert("413".into(), problem("Body over 1 MiB"));
        responses.insert(
            "422".into(),
            problem("Invalid input; `errors` names each field"),
        );
        responses.insert(
            "500".into(),
            problem("Internal error; the server log has its id"),
        );
        responses.insert(
            "502".into(),
            problem("The third-party app did not answer as expected"),
        );
        responses.insert(
            "503".into(),
            problem(
                "The third-party app is briefly unavailable; retry after `Retry-After` seconds",
            ),
        );
        let mut operation = json!({"summary": op.summary, "operationId": operation_id(op.method, op.path), "parameters": parameters, "responses": responses});
        if let Some(body) = op.body {
            operation["requestBody"] = body;
        }
        operation["security"] = match op.auth {
            Auth::User => json!([
                {"appKey": [], "userId": [], "userHash": []},
                {"appKey": [], "identityToken": []}
            ]),
            Auth::Backend => json!([{"apiSecret": []}]),
            Auth::Open | Auth::Signed => json!([]),
        };
        let path = self
            .paths
            .entry(op.path.to_string())
            .or_insert_with(|| json!({}));
        path[op.method] = operation;
    }

    pub(crate) fn finish(mut self) -> Value {
        let mut schemas = self.generator.take_definitions(true);
        // A request type whose schema is the same as the answers' keeps its name;
        // one that differs (fields with defaults are optional) becomes `<Name>Input`.
        let inputs = self.inputs.take_definitions(true);
        let mut renames = Vec::new();
        for (name, schema) in &inputs {
            let filed = match schemas.get(name) {
                Some(same) if *same == rewrite_refs(schema.clone(), &[]) => name.clone(),
                Some(_) => format!("{name}Input"),
                None => name.clone(),
            };
            renames.push((name.clone(), filed));
        }
        for (name, schema) in inputs {
            let filed = &renames.iter().find(|(n, _)| *n == name).expect("listed").1;
            schemas.insert(filed.clone(), rewrite_refs(schema, &renames));
        }
        let paths = rewrite_refs(Value::Object(std::mem::take(&mut self.paths)), &renames);
        self.paths = match paths {
            Value::Object(paths) => paths,
            _ => unreachable!("an object stays an object"),
        };
        schemas.insert(
            "Problem".into(),
            json!({
                "type": "object",
                "description": "An RFC 9457 problem.",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {"type": "string", "description": "Stable, e.g. urn:junction:problem:validation"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object", "required": ["path", "message"], "properties": {"path": {"type": "string"}, "line": {"type": "integer"}, "message": {"type": "string"}}}}
                }
            }),
        );
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Junction API", "version": env!("CARGO_PKG_VERSION"), "description": "Marketplace (end-user), admin and events API of Junction."},
            "paths": self.paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "appKey": {"type": "apiKey", "in": "header", "name": "App-Key"},
                    "userId": {"type": "apiKey", "in": "header", "name": "User-ID"},
                    "userHash": {"type": "apiKey", "in": "header", "name": "Hash", "description": "hex HMAC-SHA256 of the user id, keyed with the workspace's app secret"},
                    "apiSecret": {"type": "http", "scheme": "bearer", "description": "the workspace's API secret"},
                    "identityToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "instead of User-ID and Hash: an expiring HS256 JWT signed with the app secret, with `sub` (the user id) and `exp`; `aud`, when present, is the App-Key. An expired one answers 401 with the problem type `urn:junction:problem:identity-expired`"}
                }
            }
        })
    }
}

/// Points `$ref`s at request definitions (`INPUTS_PATH`) to where `finish` filed them.
fn rewrite_refs(value: Value, renames: &[(String, String)]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("$ref", Value::String(target)) => {
                        let name = target
                            .strip_prefix(&format!("#{INPUTS_PATH}/"))
                            .map(str::to_string);
                        let target = match name {
                            Some(name) => {
                                let filed = renames
                                    .iter()
                                    .find(|(n, _)| *n == name)
                                    .map_or(name.clone(), |(_, f)| f.clone());
                                format!("#/components/schemas/{filed}")
                            }
                            None => target,
                        };
                        (k, Value::String(target))
                    }
                    (_, v) => (k, rewrite_refs(v, renames)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| rewrite_refs(v, renames))
                .collect(),
        ),
        other => other,
    }
}

fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for seg in path.split('/').filter(|s| !s.is_empty() && *s != "v1") {
        let seg = seg.trim_start_matches('{').trim_end_matches('}');
        id.push('_');
        id.push_str(&seg.replace(['-', '.'], "_"));
    }
    id
}

pub(crate) struct OpBuilder<'a> {
    doc: &'a mut ApiDoc,
    op: Op,
}

impl OpBuilder<'_> {
    pub(crate) fn query<T: JsonSchema>(mut self) -> Self {
        let mut settings = SchemaSettings::draft2020_12();
        settings.inline_subschemas = true;
        self.op.query = Some(
            settings
                .into_generator()
                .into_root_schema_for::<T>()
                .to_value(),
        );
        self
    }

    pub(crate) fn json<T: JsonSchema>(mut self) -> Self {
        let schema = self.doc.input_schema::<T>();
        self.op.body =
            Some(json!({"required": true, "content": {"application/json": {"schema": schema}}}));
        self
    }

    /// A JSON body that may be left out (an empty body reads as `{}`).
    pub(crate) fn optional_json<T: JsonSchema>(mut self) -> Self {
        let schema = self.doc.input_schema::<T>();
        self.op.body =
            Some(json!({"required": false, "content": {"application/json": {"schema": schema}}}));
        self
    }

    /// A definition document: YAML text, or JSON of the given type.
    pub(crate) fn document<T: JsonSchema>(mut self) -> Self {
        let schema = self.doc.input_schema::<T>();
        self.op.body = Some(
            json!({"required": true, "content": {"application/yaml": {"schema": {"type": "string"}}, "application/json": {"schema": schema}}}),
        );
        self
    }

    pub(crate) fn ok<T: JsonSchema>(mut self, status: u16, description: &'static str) -> Self {
        let schema = self.doc.schema::<T>();
        self.op.success = (status, description, Some(schema));
        self
    }

    /// The operation answers HTML pages.
    pub(crate) fn html(mut self) -> Self {
        self.op.html = true;
        self
    }

    /// The operation answers one HTML page, described so.
    #[cfg_attr(not(feature = "docs"), allow(dead_code))]
    pub(crate) fn page(mut self, description: &'static str) -> Self {
        self.op.page = Some(description);
        self
    }

    pub(crate) fn script(mut self) -> Self {
        self.op.script = true;
        self
    }

    pub(crate) fn no_content(mut self, status: u16, description: &'static str) -> Self {
        self.op.success = (status, description, None);
        self
    }

    pub(crate) fn add(self) {
        self.doc.add(self.op);
    }
}
