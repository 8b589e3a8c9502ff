//! Routes for your app's backend and your admins (bearer API secret): definitions,
//! publishing, usage.

use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use junction_core::model::{AppRecord, Usage};
use junction_core::service::{PushedFlow, WorkspaceLimits};
use serde::Deserialize;

use crate::auth::Backend;
use crate::body::{DocumentBody, JsonBody, QueryArgs};
use crate::error::ApiError;
use crate::{Ports, Shared};
use junction_core::ports::{IntegrationStore, RunStore, WorkspaceStore};

pub fn admin<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route("/admin/apps", get(list_apps::<P>))
        .route("/admin/apps/{app}", put(put_app::<P>))
        .route("/admin/flows/{flow}", put(put_flow::<P>))
        .route("/admin/flows/{flow}/publish", post(publish::<P>))
        .route("/admin/usage", get(usage::<P>))
        .route("/admin/limits", get(limits))
        .route("/admin/integrations", get(integrations::<P>))
        .route("/admin/runs", get(runs::<P>))
        .route("/admin/runs/{run}/replay", post(replay::<P>))
        .route("/admin/widget-origins", put(widget_origins::<P>))
}

async fn list_apps<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
) -> Result<Json<Vec<AppRecord>>, ApiError> {
    Ok(Json(
        j.store
            .list_apps(&ws.id)
            .await
            .map_err(junction_core::service::ServiceError::from)?,
    ))
}

async fn put_app<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    Path(app): Path<String>,
    DocumentBody(text): DocumentBody,
) -> Result<Json<AppRecord>, ApiError> {
    Ok(Json(j.push_app(&ws.id, &text, Some(&app)).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PushOptions {
    #[serde(default)]
    publish: bool,
}

async fn put_flow<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    Path(flow): Path<String>,
    QueryArgs(options): QueryArgs<PushOptions>,
    DocumentBody(text): DocumentBody,
) -> Result<Json<PushedFlow>, ApiError> {
    Ok(Json(
        j.push_flow(&ws.id, &text, Some(&flow), options.publish)
            .await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PublishBody {
    #[serde(default)]
    version: Option<u32>,
}

async fn publish<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    Path(flow): Path<String>,
    JsonBody(body): JsonBody<PublishBody>,
) -> Result<Json<PushedFlow>, ApiError> {
    Ok(Json(j.publish_flow(&ws.id, &flow, body.version).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct UsageQuery {
    month: Option<String>,
}

async fn usage<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    QueryArgs(q): QueryArgs<UsageQuery>,
) -> Result<Json<Usage>, ApiError> {
    Ok(Json(j.usage(&ws.id, q.month.as_deref()).await?))
}

/// Set by whoever runs Junction (`junction workspace limits`); read here so builders
/// know what a code step may ask for before they push.
async fn limits(Backend(ws): Backend) -> Json<WorkspaceLimits> {
    Json(WorkspaceLimits::from(&ws))
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct IntegrationList {
    integrations: Vec<junction_core::model::Integration>,
}

async fn integrations<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
) -> Result<Json<IntegrationList>, ApiError> {
    let integrations = j
        .store
        .integrations_of_workspace(&ws.id)
        .await
        .map_err(junction_core::service::ServiceError::from)?;
    Ok(Json(IntegrationList { integrations }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RunsQuery {
    status: junction_core::engine::RunStatus,
    limit: Option<usize>,
    before: Option<String>,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct RunList {
    runs: Vec<junction_core::model::RunRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

async fn runs<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    QueryArgs(q): QueryArgs<RunsQuery>,
) -> Result<Json<RunList>, ApiError> {
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let runs = j
        .store
        .runs_with_status(&ws.id, q.status, limit, q.before.as_deref())
        .await
        .map_err(junction_core::service::ServiceError::from)?;
    let next = (runs.len() == limit)
        .then(|| runs.last().map(|r| r.id.clone()))
        .flatten();
    Ok(Json(RunList { runs, next }))
}

async fn replay<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    Path(run): Path<String>,
) -> Result<
    (
        axum::http::StatusCode,
        Json<junction_core::model::RunRecord>,
    ),
    ApiError,
> {
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(j.replay_run(&ws.id, &run).await?),
    ))
}

#[derive(Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Origins {
    /// e.g. `https://app.example.com`
    origins: Vec<String>,
}

async fn widget_origins<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    JsonBody(body): JsonBody<Origins>,
) -> Result<Json<Origins>, ApiError> {
    Ok(Json(Origins {
        origins: j.set_widget_origins(&ws.id, &body.origins).await?,
    }))
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::Backend;
    doc.op(
        "put",
        "/v1/admin/widget-origins",
        "Set the origins of the pages that embed the marketplace widget",
        Backend,
    )
    .json::<Origins>()
    .ok::<Origins>(200, "The origins, normalised")
    .add();
    doc.op("get", "/v1/admin/apps", "The workspace's apps", Backend)
        .ok::<Vec<AppRecord>>(200, "The apps")
        .add();
    doc.op(
        "put",
        "/v1/admin/apps/{app}",
        "Push an app definition (YAML or JSON)",
        Backend,
    )
    .document::<junction_core::definition::AppDefinition>()
    .ok::<AppRecord>(200, "Stored")
    .add();
    doc.op(
        "put",
        "/v1/admin/flows/{flow}",
        "Push a flow definition as a new version",
        Backend,
    )
    .query::<PushOptions>()
    .document::<junction_core::definition::FlowDefinition>()
    .ok::<PushedFlow>(200, "Stored")
    .add();
    doc.op(
        "post",
        "/v1/admin/flows/{flow}/publish",
        "Publish a version (the latest by default)",
        Backend,
    )
    .json::<PublishBody>()
    .ok::<PushedFlow>(200, "Published")
    .add();
    doc.op(
        "get",
        "/v1/admin/usage",
        "Tasks per user and in total for a month",
        Backend,
    )
    .query::<UsageQuery>()
    .ok::<Usage>(200, "Usage")
    .add();
    doc.op(
        "get",
        "/v1/admin/limits",
        "The workspace's task quota and what one code step may ask for",
        Backend,
    )
    .ok::<WorkspaceLimits>(200, "The limits")
    .add();
    doc.op(
        "get",
        "/v1/admin/integrations",
        "All integrations of the workspace",
        Backend,
    )
    .ok::<IntegrationList>(200, "The integrations")
    .add();
    doc.op(
        "get",
        "/v1/admin/runs",
        "Runs in a status, newest first",
        Backend,
    )
    .query::<RunsQuery>()
    .ok::<RunList>(200, "A page of runs")
    .add();
    doc.op(
        "post",
        "/v1/admin/runs/{run}/replay",
        "Queue a failed run again from its failed step",
        Backend,
    )
    .ok::<junction_core::model::RunRecord>(202, "Queued")
    .add();
}
