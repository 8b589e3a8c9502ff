//! A user's integrations and their runs.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use junction_core::model::{Integration, RunRecord};
use junction_core::service::{
    IntegrationChanges, IntegrationDetail, ListedIntegration, NewIntegration, WebhookEndpoint,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::EndUser;
use crate::body::{JsonBody, QueryArgs};
use crate::error::ApiError;
use crate::{Ports, Shared};

pub fn integrations<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route("/integrations", get(list::<P>).post(create::<P>))
        .route(
            "/integrations/{id}",
            get(one::<P>).patch(update::<P>).delete(remove::<P>),
        )
        .route(
            "/integrations/{id}/blocks/{block}/run",
            post(run_block::<P>),
        )
        .route("/integrations/{id}/runs", get(runs::<P>))
        .route("/integrations/{id}/webhooks", get(webhooks::<P>))
        .route("/runs/{run}", get(run::<P>))
}

#[derive(Serialize, schemars::JsonSchema)]
struct Created {
    integration: Integration,
    /// Runs of its "integration created" blocks.
    run_ids: Vec<String>,
}

async fn create<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    JsonBody(new): JsonBody<NewIntegration>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (integration, queued) = j
        .create_integration(&me.workspace.id, &me.user.user_id, new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            integration,
            run_ids: queued.run_ids,
        }),
    ))
}

#[derive(Serialize, schemars::JsonSchema)]
struct IntegrationList {
    integrations: Vec<ListedIntegration>,
}

async fn list<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
) -> Result<Json<IntegrationList>, ApiError> {
    Ok(Json(IntegrationList {
        integrations: j.integrations(&me.workspace.id, &me.user.user_id).await?,
    }))
}

async fn one<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(id): Path<String>,
) -> Result<Json<IntegrationDetail>, ApiError> {
    Ok(Json(
        j.integration_detail(&me.workspace.id, &me.user.user_id, &id)
            .await?,
    ))
}

async fn update<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(id): Path<String>,
    JsonBody(changes): JsonBody<IntegrationChanges>,
) -> Result<Json<Integration>, ApiError> {
    Ok(Json(
        j.update_integration(&me.workspace.id, &me.user.user_id, &id, changes)
            .await?,
    ))
}

async fn remove<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    j.delete_integration(&me.workspace.id, &me.user.user_id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    #[serde(default)]
    payload: Value,
}

#[derive(Serialize, schemars::JsonSchema)]
struct Queued {
    run_id: String,
}

async fn run_block<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path((id, block)): Path<(String, String)>,
    JsonBody(body): JsonBody<RunRequest>,
) -> Result<(StatusCode, Json<Queued>), ApiError> {
    let run_id = j
        .manual_run(
            &me.workspace.id,
            &me.user.user_id,
            &id,
            &block,
            body.payload,
        )
        .await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { run_id })))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Page {
    limit: Option<usize>,
    before: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct RunList {
    runs: Vec<RunRecord>,
    /// Pass as `before` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

async fn runs<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(id): Path<String>,
    QueryArgs(page): QueryArgs<Page>,
) -> Result<Json<RunList>, ApiError> {
    let limit = page.limit.unwrap_or(20).clamp(1, 100);
    let runs = j
        .runs(
            &me.workspace.id,
            &me.user.user_id,
            &id,
            limit,
            page.before.as_deref(),
        )
        .await?;
    let next = (runs.len() == limit)
        .then(|| runs.last().map(|r| r.id.clone()))
        .flatten();
    Ok(Json(RunList { runs, next }))
}

#[derive(Serialize, schemars::JsonSchema)]
struct WebhookList {
    webhooks: Vec<WebhookEndpoint>,
}

/// The integration's webhook URLs, for apps where the user registers them by hand.
async fn webhooks<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(id): Path<String>,
) -> Result<Json<WebhookList>, ApiError> {
    let webhooks = j
        .webhook_endpoints(&me.workspace.id, &me.user.user_id, &id)
        .await?;
    Ok(Json(WebhookList { webhooks }))
}

async fn run<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(run): Path<String>,
) -> Result<Json<RunRecord>, ApiError> {
    Ok(Json(j.run(&me.workspace.id, &me.user.user_id, &run).await?))
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::User;
    doc.op(
        "post",
        "/v1/integrations",
        "Create an integration of a flow",
        User,
    )
    .json::<NewIntegration>()
    .ok::<Created>(201, "Created; its 'integration created' runs are queued")
    .add();
    doc.op("get", "/v1/integrations", "The user's integrations", User)
        .ok::<IntegrationList>(200, "The integrations")
        .add();
    doc.op(
        "get",
        "/v1/integrations/{id}",
        "One integration, with its polls' health",
        User,
    )
    .ok::<IntegrationDetail>(200, "The integration")
    .add();
    doc.op(
        "get",
        "/v1/integrations/{id}/webhooks",
        "The integration's webhook URLs and their subscriptions",
        User,
    )
    .ok::<WebhookList>(200, "One URL per app whose webhooks trigger its blocks")
    .add();
    doc.op(
        "patch",
        "/v1/integrations/{id}",
        "Change setup values, name or enabled",
        User,
    )
    .json::<IntegrationChanges>()
    .ok::<Integration>(200, "Changed")
    .add();
    doc.op(
        "delete",
        "/v1/integrations/{id}",
        "Delete an integration",
        User,
    )
    .no_content(204, "Deleted")
    .add();
    doc.op(
        "post",
        "/v1/integrations/{id}/blocks/{block}/run",
        "Start a manual block",
        User,
    )
    .json::<RunRequest>()
    .ok::<Queued>(202, "Queued")
    .add();
    doc.op(
        "get",
        "/v1/integrations/{id}/runs",
        "Runs of an integration, newest first",
        User,
    )
    .query::<Page>()
    .ok::<RunList>(200, "A page of runs")
    .add();
    doc.op("get", "/v1/runs/{run}", "One run with its step log", User)
        .ok::<RunRecord>(200, "The run")
        .add();
}
