//! Routes for your users, through the embedded marketplace (signed identity).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use junction_core::service::{FlowForm, FlowSummary, MarketplaceApp};
use serde::{Deserialize, Serialize};

use crate::auth::EndUser;
use crate::body::QueryArgs;
use crate::error::ApiError;
use crate::{Ports, Shared};

pub fn marketplace<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route("/flows", get(list_flows::<P>))
        .route("/apps", get(list_apps::<P>))
        .route("/flows/{flow}", get(get_flow::<P>))
        .route(
            "/flows/{flow}/fields/{field}/options",
            axum::routing::post(options::<P>),
        )
        .route("/usage", get(usage::<P>))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FlowsQuery {
    /// Comma-separated tags; a flow with any of them is listed.
    #[serde(default)]
    tags: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct FlowList {
    flows: Vec<FlowSummary>,
}

async fn list_flows<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    QueryArgs(q): QueryArgs<FlowsQuery>,
) -> Result<Json<FlowList>, ApiError> {
    Ok(Json(FlowList {
        flows: j
            .flows_for_user(&me.workspace.id, &me.user.user_id, &q.tag_list())
            .await?,
    }))
}

impl FlowsQuery {
    fn tag_list(&self) -> Vec<String> {
        self.tags
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct AppList {
    apps: Vec<MarketplaceApp>,
}

async fn list_apps<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    QueryArgs(q): QueryArgs<FlowsQuery>,
) -> Result<Json<AppList>, ApiError> {
    Ok(Json(AppList {
        apps: j
            .apps_for_user(&me.workspace.id, &me.user.user_id, &q.tag_list())
            .await?,
    }))
}

#[derive(Serialize, schemars::JsonSchema)]
struct FlowDetail {
    version: u32,
    flow: FlowForm,
}

async fn get_flow<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(flow): Path<String>,
) -> Result<Json<FlowDetail>, ApiError> {
    let (version, flow) = j.published_flow(&me.workspace.id, &flow).await?;
    Ok(Json(FlowDetail {
        version,
        flow: flow.into(),
    }))
}

#[derive(Serialize, schemars::JsonSchema)]
struct MyUsage {
    month: String,
    tasks: u64,
}

async fn usage<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
) -> Result<Json<MyUsage>, ApiError> {
    let usage = j.usage(&me.workspace.id, None).await?;
    let tasks = usage.per_user.get(&me.user.user_id).copied().unwrap_or(0);
    Ok(Json(MyUsage {
        month: usage.month,
        tasks,
    }))
}

async fn options<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path((flow, field)): Path<(String, String)>,
    crate::body::JsonBody(request): crate::body::JsonBody<junction_core::service::OptionsRequest>,
) -> Result<Json<junction_core::service::OptionsPage>, ApiError> {
    Ok(Json(
        j.field_options(&me.workspace.id, &me.user.user_id, &flow, &field, request)
            .await?,
    ))
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::User;
    doc.op(
        "get",
        "/v1/flows",
        "Published flows the user can set up, with their integration count",
        User,
    )
    .query::<FlowsQuery>()
    .ok::<FlowList>(200, "The flows")
    .add();
    doc.op(
        "get",
        "/v1/apps",
        "The apps the listed flows use, with the user's account count of each",
        User,
    )
    .query::<FlowsQuery>()
    .ok::<AppList>(200, "The apps, by name")
    .add();
    doc.op(
        "get",
        "/v1/flows/{flow}",
        "A published flow with its setup form",
        User,
    )
    .ok::<FlowDetail>(200, "The flow")
    .add();
    doc.op(
        "post",
        "/v1/flows/{flow}/fields/{field}/options",
        "Options of a dynamic dropdown",
        User,
    )
    .json::<junction_core::service::OptionsRequest>()
    .ok::<junction_core::service::OptionsPage>(200, "A page of options")
    .add();
    doc.op("get", "/v1/usage", "The user's tasks this month", User)
        .ok::<MyUsage>(200, "Usage")
        .add();
}
